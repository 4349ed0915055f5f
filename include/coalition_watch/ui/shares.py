"""How much of a statement's text each theme takes, meeting by meeting.

Themes come per paragraph from the classifier, passed in as a plain callable so the web app
does not depend on how classification works:
    classify_paragraphs(paragraphs) -> one list of theme ids per paragraph.
A theme's share is the fraction of the statement's characters in paragraphs tagged with it;
a paragraph may carry several themes, so shares need not add up to one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from coalition_watch.store.repository import StoredVersion

ClassifyParagraphs = Callable[[Sequence[str]], list[list[str]]]


@dataclass(frozen=True)
class MeetingShares:
    version_id: int
    statement_id: int
    published: str
    title: str
    shares: dict[str, float]  # theme id -> share of the text, 0..1


def theme_shares(paragraphs: Sequence[str], classify: ClassifyParagraphs) -> dict[str, float]:
    themes_per_paragraph = classify(paragraphs)
    if len(themes_per_paragraph) != len(paragraphs):
        raise ValueError(
            f"classifier returned {len(themes_per_paragraph)} results for "
            f"{len(paragraphs)} paragraphs"
        )
    total = sum(len(p) for p in paragraphs)
    if total == 0:
        return {}
    chars: dict[str, int] = {}
    for paragraph, themes in zip(paragraphs, themes_per_paragraph, strict=True):
        for theme in set(themes):
            chars[theme] = chars.get(theme, 0) + len(paragraph)
    return {theme: n / total for theme, n in sorted(chars.items())}


class ShareCache:
    """Shares per version id, computed on first request: a stored version never changes."""

    def __init__(self, classify: ClassifyParagraphs):
        self._classify = classify
        self._done: dict[int, dict[str, float]] = {}
        self._lock = threading.Lock()

    def for_versions(self, versions: list[StoredVersion]) -> list[MeetingShares]:
        result = []
        for v in versions:
            with self._lock:
                cached = self._done.get(v.id)
            if cached is None:
                cached = theme_shares(v.document.paragraphs, self._classify)
                with self._lock:
                    self._done[v.id] = cached
            result.append(
                MeetingShares(
                    version_id=v.id,
                    statement_id=v.statement_id,
                    published=v.published or "",
                    title=v.document.title,
                    shares=cached,
                )
            )
        return result


def load_default_classifier() -> tuple[ClassifyParagraphs | None, str | None]:
    """The project's classifier as a paragraphs callable, or None and why it is unavailable."""
    try:
        from coalition_watch.classify import Classifier
        from coalition_watch.themes import load_themes
    except ImportError as exc:
        return None, f"theme classification is not installed ({exc})"
    try:
        classifier = Classifier(load_themes())
    except Exception as exc:  # a broken themes file must not take the pages down
        return None, f"theme classifier could not be loaded: {exc}"

    def classify(paragraphs: Sequence[str]) -> list[list[str]]:
        return [[m.id for m in classifier.classify(p)] for p in paragraphs]

    return classify, None
