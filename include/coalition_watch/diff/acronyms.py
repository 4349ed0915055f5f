"""Acronym collapsing: "UN (United Nations)" and "Iraqi Security Forces (ISF)" are one unit.

An acronym next to its bracketed expansion (either way round) becomes one token with the
acronym's key whose span covers the whole, so adding or dropping an expansion is cosmetic
and a reader sees the whole unit marked as such.
"""

from __future__ import annotations

from collections.abc import Iterable

from coalition_watch.diff.tokens import RULE_MARK, Token

# Words that never carry the initials of an expansion ("Ministry of Foreign Affairs").
_LINKING_WORDS = frozenset({"of", "and", "the", "for", "to", "on", "in", "&"})


def collapse_bracketed_expansions(tokens: list[Token], raw_text: str) -> list[Token]:
    """ "UN (United Nations)" -> "UN"; "Iraqi Security Forces (ISF)" -> "ISF"."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        close = _closing_bracket(tokens, i) if token.key == "(" else None
        if close is not None and out:
            inner = tokens[i + 1 : close]
            prev = out[-1]
            if _expands(raw_text[prev.start : prev.end], prev.key, inner, raw_text):
                # the acronym keeps its key; its span now covers the brackets, so a
                # reader sees the whole "UN (United Nations)" as the one cosmetic unit
                out[-1] = Token(prev.key, prev.start, tokens[close].end, True, prev.day)
                i = close + 1
                continue
            if len(inner) == 1 and _is_acronym(raw_text[inner[0].start : inner[0].end]):
                acronym = raw_text[inner[0].start : inner[0].end]
                n = _expansion_length(out, acronym, raw_text)
                if n:
                    start = out[-n].start
                    del out[-n:]
                    out.append(Token(inner[0].key, start, tokens[close].end, True))
                    i = close + 1
                    continue
        out.append(token)
        i += 1
    return out


def _closing_bracket(tokens: list[Token], i: int) -> int | None:
    for j in range(i + 1, min(i + 10, len(tokens))):
        if tokens[j].key == ")":
            return j
        if tokens[j].key == "(":
            return None
    return None


def _is_acronym(word: str) -> bool:
    letters = word.rstrip("s")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def _initials(words: Iterable[str]) -> str:
    return "".join(w[0] for w in words if w.casefold() not in _LINKING_WORDS and w[0].isalpha())


def _expands(prev_word: str, prev_key: str, inner: list[Token], raw_text: str) -> bool:
    if not inner:
        return False
    if len(inner) == 1 and inner[0].key == prev_key and prev_key.startswith(RULE_MARK):
        return True  # both sides of "UN (United Nations)" went to the same rule
    if not _is_acronym(prev_word):
        return False
    words = [raw_text[t.start : t.end] for t in inner if t.is_word]
    return _initials(words).upper() == prev_word.rstrip("s").upper()


def _expansion_length(out: list[Token], acronym: str, raw_text: str) -> int:
    """How many tokens before "(ISF)" spell I-S-F (0 when they do not)."""
    target = acronym.rstrip("s").upper()
    for n in range(len(target), min(len(out), len(target) * 2) + 1):
        words = [raw_text[t.start : t.end] for t in out[-n:]]
        if not all(w[0].isalpha() or w == "&" for w in words):
            return 0
        if words[0].casefold() in _LINKING_WORDS:
            continue
        if _initials(words).upper() == target:
            return n
    return 0
