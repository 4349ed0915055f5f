"""Encoding damage repaired before anything compares or shows text.

Official pages flip between clean text and UTF-8 read as Windows-1252 or Latin-1
(`â€™` for `’`, `Ã¨` for `è`, sometimes twice over), double-escaped entities
(`&amp;rsquo;`) and stray replacement characters. ftfy, a library kept for exactly this,
undoes the first two; what it cannot undo (a `�` stands where a character was lost) is
reported by `looks_damaged` so operators can look, and `matches_despite_damage` lets the
diff treat a sentence that differs only there as the same sentence.

Only encoding is repaired: quotes, ligatures and character widths are left as published
(the diff's own folding decides what they mean for comparison).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache, lru_cache

REPLACEMENT = "\ufffd"
# What damage leaves behind: a UTF-8 lead byte read as Latin-1/Windows-1252 (Â..ô)
# followed by a continuation byte read the same way (\x80-\xbf, or a Windows-1252
# letter or punctuation mark: € ’ “ ” – — … ™ Š Œ ...), or a lone "Â " for a no-break
# space, a C1 control character, an entity. Text without any of these (almost all clean
# text, accented or not) never reaches ftfy, which is slow.
_MAY_BE_DAMAGED = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a"
    "\u20ac\u2122]|\u00c2 |[\u0080-\u009f]|&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);"
)
# Up to this many characters of the other text may stand where one `�` is.
_LOST_CHARACTERS = 3


@lru_cache(maxsize=8192)
def repair(text: str) -> str:
    """`text` with mojibake and double-escaped entities undone; clean text is unchanged."""
    if not _MAY_BE_DAMAGED.search(text):
        return text
    return _fixer()(text)


@cache
def _fixer() -> Callable[[str], str]:
    """ftfy, imported on first use: it takes about 0.1 s, and DAG files must load fast."""
    from ftfy import TextFixerConfig, fix_text

    config = TextFixerConfig(
        unescape_html=True,  # extracted text is never markup: an entity left in it is damage
        uncurl_quotes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        normalization="NFC",
    )
    return lambda text: fix_text(text, config)


def repair_all(texts: Iterable[str]) -> tuple[str, ...]:
    return tuple(repair(t) for t in texts)


def looks_damaged(text: str) -> bool:
    """Still damaged after repair: a replacement character, or what ftfy calls mojibake."""
    repaired = repair(text)
    if REPLACEMENT in repaired:
        return True
    if not _MAY_BE_DAMAGED.search(repaired):
        return False
    from ftfy.badness import is_bad

    return is_bad(repaired)


def damaged_paragraphs(paragraphs: Iterable[str]) -> list[int]:
    """Indexes of the paragraphs that repair could not make clean."""
    return [i for i, p in enumerate(paragraphs) if looks_damaged(p)]


def matches_despite_damage(damaged: str, clean: str) -> bool:
    """True when `damaged` equals `clean` except where `�` stands for lost characters.

    Compared case-insensitively on the texts as given; the caller folds them first.
    """
    if REPLACEMENT not in damaged:
        return False
    pieces = [re.escape(p) for p in damaged.split(REPLACEMENT)]
    pattern = f".{{1,{_LOST_CHARACTERS}}}".join(pieces)
    return re.fullmatch(pattern, clean, flags=re.IGNORECASE | re.DOTALL) is not None
