"""Sources: one adapter per kind of official site, chosen by `kind` in sources.yaml.

load_sources(path=None) -> list[SourceConfig]
adapter_for(source).discover(client) -> list[Item]
adapter_for(source).fetch_document(client, item) -> Fetched | None
"""

from coalition_watch.sources import auswaertiges_amt, generic, gov_uk, state_gov, wordpress
from coalition_watch.sources.base import ADAPTERS, Fetched, Item, SourceAdapter, SourceConfig
from coalition_watch.sources.config import COMMON_KEYS, adapter_for, load_sources
from coalition_watch.sources.keywords import DEFAULT_KEYWORDS, KeywordFilter

KINDS = {
    cls.kind: cls
    for cls in (
        auswaertiges_amt.AuswaertigesAmt,
        state_gov.StateGov,
        wordpress.WordPress,
        gov_uk.GovUk,
        generic.Generic,
    )
}

__all__ = [
    "ADAPTERS",
    "COMMON_KEYS",
    "DEFAULT_KEYWORDS",
    "KINDS",
    "Fetched",
    "Item",
    "KeywordFilter",
    "SourceAdapter",
    "SourceConfig",
    "adapter_for",
    "load_sources",
]
