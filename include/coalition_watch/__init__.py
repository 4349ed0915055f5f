"""coalition-watch: watch Global Coalition against Daesh/ISIS statements change.

The package is the domain core and never imports Airflow at import time. Stages, in
data-flow order:

    sources/    discover items on official sites (feeds, listings), one adapter per kind
    fetch       polite HTTP: conditional GET, per-host limits, safety caps
    extract/    page or text capture -> statement body                  -> Document
    normalize   presentation noise away, display text kept
    poll        one poll of one source: the above, then store/; health, layout breaks
    store/      every version, content-addressed raw bodies (SQLAlchemy)
    diff/       align paragraphs, sentences, words                      -> Change
    classify    themes with evidence (taxonomy in themes)               -> ThemeMatch
    process     which comparison a new version gets, and the Alert it raises
    render/     Jinja2 email and Slack messages
    deliver/    outbox and ledger: each message to each recipient once
    ui/         statement history and diffs (FastAPI), mounted by the Airflow plugin

`jobs` holds one function per Airflow task or CLI command; `cli` is the command line.
"""

__version__ = "0.1.0"
