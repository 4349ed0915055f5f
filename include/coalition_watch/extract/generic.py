"""Co-host ministries and embassy reposts, read through selectors given as data.

A profile comes from, in order: the `selectors` mapping a source passes (same keys as a
kind in selectors.yaml; the yaml `defaults` fill the gaps), the `generic` profile whose
hosts match the URL, or the `fallback` profile (article/main). Adding a ministry is an
entry in YAML, not code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from coalition_watch.extract.engine import read_page, sniff_text
from coalition_watch.extract.profiles import Profile, build_profile, catalogue
from coalition_watch.model import Document

KIND = "generic"
# "Tipology: Press release" -> "Press release"
_LABEL = re.compile(r"^[^:]{1,20}:\s*")


def profile_for(
    url: str | None,
    selectors: Mapping[str, Any] | None = None,
    html: str | bytes | None = None,
) -> Profile:
    """The selectors given, else the generic profile for the URL's host, else the one whose
    markers the page carries, else the fallback."""
    if selectors is not None:
        return build_profile("generic", selectors, defaults=catalogue().defaults, file="selectors")
    host = (urlsplit(url).hostname or "") if url else ""
    for profile in catalogue().generic.values():
        if host and profile.matches_host(host):
            return profile
    if html:
        text = sniff_text(html)
        for profile in catalogue().generic.values():
            if any(marker in text for marker in profile.markers):
                return profile
    return catalogue().generic["fallback"]


def extract(
    html: str | bytes,
    *,
    where: str,
    url: str | None = None,
    selectors: Mapping[str, Any] | None = None,
    profile: Profile | None = None,
) -> Document:
    profile = profile or profile_for(url, selectors, html)
    page = read_page(html, profile, where)
    return page.document(url=url, doc_type=_LABEL.sub("", page.doc_type) if page.doc_type else None)
