"""Reading the archive again with today's code: re-extract, re-diff, re-classify.

    Reprocessor(store, processor, extract_stored).run(since=..., statement_id=...)

Every stored raw body is extracted again; a version whose text comes out different gets
the new text. Then every comparison of those statements is diffed and classified again
(the equivalence rules, the aligner or the taxonomy may have changed even where the text
did not), and a comparison whose changes differ is replaced. The report says what
differs. Nothing is sent unless asked: with `alert=True`, a message is queued only for a
comparison that now has substantive changes it did not have before.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from coalition_watch.diff import diff_documents
from coalition_watch.errors import CoalitionWatchError
from coalition_watch.model import Diff, Document
from coalition_watch.process import Processor, ProcessReport, classify_diff
from coalition_watch.store import Store, StoredVersion
from coalition_watch.store.search import SearchIndex

log = logging.getLogger(__name__)

# (raw body, content type, the stored version) -> the document today's code reads from it
ExtractStored = Callable[[bytes, str | None, StoredVersion], Document]
ALERT_KIND = {"revision": "revised_statement", "series": "new_statement"}  # variants: never


@dataclass
class ReprocessReport:
    versions_checked: int = 0
    versions_changed: list[dict] = field(default_factory=list)
    versions_skipped: list[dict] = field(default_factory=list)  # no raw body, or unreadable
    comparisons_checked: int = 0
    comparisons_changed: list[dict] = field(default_factory=list)
    queued_messages: int = 0

    def to_json(self) -> dict:
        return {
            "versions_checked": self.versions_checked,
            "versions_changed": self.versions_changed,
            "versions_skipped": self.versions_skipped,
            "comparisons_checked": self.comparisons_checked,
            "comparisons_changed": self.comparisons_changed,
            "queued_messages": self.queued_messages,
        }


def change_signature(change: dict) -> tuple:
    """What identifies a change for the question "is it still there?"."""
    return (change["kind"], change["old"], change["new"])


class Reprocessor:
    def __init__(self, store: Store, processor: Processor, extract_stored: ExtractStored):
        self.store = store
        self.processor = processor
        self.extract_stored = extract_stored

    def run(
        self, *, since: str | None = None, statement_id: int | None = None, alert: bool = False
    ) -> ReprocessReport:
        report = ReprocessReport()
        versions = self.store.versions_since(since, statement_id)
        for version in versions:
            self._reextract(version, report)
        version_ids = [v.id for v in versions]
        for row in self.store.comparisons_involving(version_ids):
            self._rediff(row, report, alert)
        return report

    def _reextract(self, version: StoredVersion, report: ReprocessReport) -> None:
        report.versions_checked += 1
        if version.raw_sha256 is None:
            report.versions_skipped.append({"id": version.id, "reason": "no raw body stored"})
            return
        try:
            raw = self.store.get_blob(version.raw_sha256)
            content_type = self.store.blob_content_type(version.raw_sha256)
            fresh = self.extract_stored(raw, content_type, version)
        except (CoalitionWatchError, KeyError) as exc:
            log.warning("version %s of %s: cannot re-extract: %s", version.id, version.url, exc)
            report.versions_skipped.append({"id": version.id, "reason": str(exc)})
            return
        old = version.document
        fresh = Document(
            title=fresh.title or old.title,
            paragraphs=fresh.paragraphs,
            published=fresh.published or old.published,
            language=fresh.language or old.language,
            url=old.url,
        )
        if (fresh.title, fresh.paragraphs, fresh.published) == (
            old.title,
            old.paragraphs,
            old.published,
        ):
            return
        twin = self.store.replace_version_content(version.id, fresh)
        if twin is None:
            SearchIndex(self.store).reindex([version.id])
        entry = {
            "id": version.id,
            "url": version.url,
            "paragraphs_before": len(old.paragraphs),
            "paragraphs_after": len(fresh.paragraphs),
            "title_changed": fresh.title != old.title,
        }
        if twin is not None:
            entry["left_alone"] = f"the text is now that of version {twin}"
        report.versions_changed.append(entry)

    def _rediff(self, row: dict, report: ReprocessReport, alert: bool) -> None:
        report.comparisons_checked += 1
        old = self.store.version(row["old_version_id"])
        new = self.store.version(row["new_version_id"])
        diff = diff_documents(old.document, new.document)
        classify_diff(diff, self.processor.classifier)
        before = row["diff"]["changes"]
        after = [c.to_json() for c in diff.changes]
        if _comparable(before) == _comparable(after):
            return
        self.store.replace_comparison(row["id"], diff)
        was = {change_signature(c) for c in before if c["significance"] == "substantive"}
        now = [c for c in after if c["significance"] == "substantive"]
        new_substantive = [c for c in now if change_signature(c) not in was]
        gone = was - {change_signature(c) for c in now}
        report.comparisons_changed.append(
            {
                "id": row["id"],
                "kind": row["basis"],
                "old": old.id,
                "new": new.id,
                "substantive_before": len(was),
                "substantive_after": len(now),
                "new_substantive": len(new_substantive),
                "gone_substantive": len(gone),
            }
        )
        if alert and new_substantive and row["basis"] in ALERT_KIND:
            report.queued_messages += self._alert(row, old, new, diff, new_substantive)

    def _alert(self, row, old, new, diff: Diff, new_substantive: list[dict]) -> int:
        """Queue the corrected comparison under a key of its own: the original alert's
        key is spent, and a later reprocess finding the same changes adds nothing."""
        digest = hashlib.sha256(
            json.dumps(sorted(map(change_signature, new_substantive))).encode()
        ).hexdigest()[:16]
        counted = ProcessReport()
        self.processor.queue_alert(
            ALERT_KIND[row["basis"]],
            new,
            old,
            row["basis"],
            diff,
            row["id"],
            "normal",
            counted,
            key=f"comparison:{row['id']}:reprocessed:{digest}",
            backfilled=False,  # asked for with --alert: as for news, whatever stored it
        )
        return counted.queued


def _comparable(changes: list[dict]) -> list[tuple]:
    return [(c["kind"], c["significance"], c["old"], c["new"], tuple(c["themes"])) for c in changes]
