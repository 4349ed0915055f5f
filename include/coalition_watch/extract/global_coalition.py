"""The Coalition's own site, theglobalcoalition.org (WordPress).

Posts show no date line; the date comes from the `article:published_time` meta tag or the
theme's `time.entry-date`, and is None when neither is there. Photo captions, share
buttons, related posts and the cookie-law banner are dropped by selector. Re-edited
wording (Daesh for ISIS, British spelling) is kept as written: equivalences are the diff
stage's business.
"""

from __future__ import annotations

from coalition_watch.extract.engine import read_page
from coalition_watch.extract.profiles import catalogue
from coalition_watch.model import Document

KIND = "global_coalition"


def extract(html: str | bytes, *, where: str, url: str | None = None) -> Document:
    return read_page(html, catalogue().kinds[KIND], where).document(url=url)
