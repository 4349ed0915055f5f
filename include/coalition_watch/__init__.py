"""coalition-watch: watch Global Coalition against Daesh/ISIS statements change.

The package is the domain core and never imports Airflow. Stages, in data-flow order:

    sources/  discover items on official sites (feeds, listings)   -> Item
    fetch     polite HTTP: conditional GET, per-host limits         -> Response
    extract/  page or text capture -> statement body               -> Document
    normalize presentation noise away, keep display text
    store/    every version, content-addressed raw bodies (SQLAlchemy)
    diff/     align paragraphs, sentences, words                    -> Change
    classify  themes with evidence                                  -> ThemeMatch
    render/   Jinja2 email and Slack messages                       -> Message
    deliver/  outbox and ledger: each message to each recipient once
"""

__version__ = "0.1.0"
