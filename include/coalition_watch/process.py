"""Turn newly stored versions into comparisons and alerts.

For each version not yet processed, oldest publication date first:

1. a later version of a known publication is a *revision*: diff it against the previous
   version of that publication;
2. a new publication that is the same statement as one already stored (a repost, another
   government's copy) is a *variant*: attach it to that statement, store the comparison,
   never alert;
3. otherwise it is a *new statement*: diff it against the previous statement of its series
   (the last meeting). When an older meeting arrives after a newer one (a backfill loaded
   out of order), the newer statement's series comparison is redone against it, quietly.

Changes are classified by theme, then an Alert goes to the outbox unless the run is quiet.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from coalition_watch.baseline import choose_baseline
from coalition_watch.classify import Classifier
from coalition_watch.deliver import enqueue_alert, enqueue_operator_alert
from coalition_watch.diff import diff_documents
from coalition_watch.identity import SAME_STATEMENT_THRESHOLD, same_statement
from coalition_watch.model import Alert, Diff, ThemedParagraph
from coalition_watch.repair import damaged_paragraphs
from coalition_watch.store import Store, StoredVersion

log = logging.getLogger(__name__)

AlertMode = Literal["normal", "digest", "quiet"]
LOCK_WAIT_SECONDS = 600.0  # a run longer than this is stuck; the waiting one gives up
ALERT_MODES: tuple[str, ...] = ("normal", "digest", "quiet")


@dataclass
class ProcessReport:
    processed: int = 0
    comparisons: int = 0
    variants: int = 0
    alerts: list[str] = field(default_factory=list)  # alert keys sent to the outbox
    queued: int = 0  # deliveries queued
    failed: list[int] = field(default_factory=list)  # versions left for the next run
    comparison_ids: list[int] = field(default_factory=list)  # comparisons this run stored
    busy: bool = False  # another run held the store throughout the wait: nothing was done

    def to_json(self) -> dict:
        return {
            "processed": self.processed,
            "comparisons": self.comparisons,
            "variants": self.variants,
            "alerts": self.alerts,
            "queued": self.queued,
            "failed": self.failed,
            "comparison_ids": self.comparison_ids,
            "busy": self.busy,
        }


def _progress(version: StoredVersion, report: ProcessReport, before: tuple) -> str:
    """One log line: what processing one version did, with the run's totals so far."""
    comparisons, variants, alerts, queued = (
        now - then
        for now, then in zip(
            (report.comparisons, report.variants, len(report.alerts), report.queued),
            before,
            strict=True,
        )
    )
    did = (
        "a repost of a known statement"
        if variants
        else f"{comparisons} comparison(s)"
        if comparisons
        else "first of its series, nothing to compare"
    )
    return (
        f"version {version.id} {_short(version.document.title)} ({version.published or 'no date'})"
        f": {did}, {alerts} alert(s) queued for {queued} delivery(ies); "
        f"so far {report.processed} processed, {report.comparisons} compared, "
        f"{report.queued} queued"
    )


def _short(title: str, limit: int = 70) -> str:
    return repr(title) if len(title) <= limit else repr(title[: limit - 1] + "…")


def classify_diff(diff: Diff, classifier: Classifier) -> None:
    """Fill each change's themes from its words, then its sentence, then its paragraph."""
    passages = [
        (
            change,
            _paragraph(diff.old.paragraphs, change.old_paragraph),
            _paragraph(diff.new.paragraphs, change.new_paragraph),
        )
        for change in diff.changes
    ]
    for change, matches in zip(diff.changes, classifier.classify_changes(passages), strict=True):
        change.themes = [m.id for m in matches]
        change.evidence = {m.id: list(m.evidence) for m in matches}


def _paragraph(paragraphs: Sequence[str], index: int | None) -> str | None:
    return paragraphs[index] if index is not None and 0 <= index < len(paragraphs) else None


def alert_themes(diff: Diff | None, version: StoredVersion, classifier: Classifier):
    """Themes of the substantive changes, or of the whole statement when there is no diff
    (then also its classified paragraphs, for the message's summary)."""
    evidence: dict[str, list[str]] = {}
    paragraphs: list[ThemedParagraph] = []
    if diff is not None:
        for change in diff.substantive:
            for theme in change.themes:
                words = evidence.setdefault(theme, [])
                words.extend(w for w in change.evidence.get(theme, []) if w not in words)
    else:
        for index, paragraph in enumerate(version.document.paragraphs):
            matches = classifier.classify(paragraph, version.document.language)
            if matches:
                paragraphs.append(ThemedParagraph(index, paragraph, tuple(matches)))
            for match in matches:
                words = evidence.setdefault(match.id, [])
                words.extend(w for w in match.evidence if w not in words)
    return sorted(evidence), evidence, paragraphs


def is_stale(version: StoredVersion, horizon_days: int | None, today: date | None = None) -> bool:
    """Older than the horizon: a backfilled meeting, not news; it never alerts immediately."""
    if horizon_days is None or not version.published:
        return False
    today = today or datetime.now(UTC).date()
    return date.fromisoformat(version.published) < today - timedelta(days=horizon_days)


class Processor:
    def __init__(
        self,
        store: Store,
        classifier: Classifier,
        subscribers: Sequence,
        *,
        link_base: str | None = None,
        horizon_days: int | None = None,
    ):
        self.store = store
        self.classifier = classifier
        self.subscribers = list(subscribers)
        self.link_base = link_base.rstrip("/") if link_base else None
        self.horizon_days = horizon_days

    def run(self, mode: AlertMode = "normal", *, wait: float = LOCK_WAIT_SECONDS) -> ProcessReport:
        """Process every unprocessed version. A run started while another is at work waits
        for it (up to `wait` seconds), then processes only what is left."""
        if mode not in ALERT_MODES:
            raise ValueError(f"alert mode {mode!r} is not one of {', '.join(ALERT_MODES)}")
        with self.store.run_lock("process", wait=wait) as held:
            if not held:
                log.warning("another process run held the store for %ss; nothing done", wait)
                return ProcessReport(busy=True)
            return self._run(mode)

    def _run(self, mode: AlertMode) -> ProcessReport:
        report = ProcessReport()
        versions = self.store.unprocessed_versions()
        for number, version in enumerate(versions, 1):
            before = (report.comparisons, report.variants, len(report.alerts), report.queued)
            try:
                self._process(version, version.alert_mode or mode, report)
            except Exception as exc:  # one bad version must not hold up the others
                log.exception("processing version %s of %s failed", version.id, version.url)
                report.failed.append(version.id)
                enqueue_operator_alert(
                    self.store,
                    key=f"process-failure:{version.id}",
                    subject=f"coalition-watch: could not process {version.url}",
                    text=f"Version {version.id} of {version.url} could not be diffed or "
                    f"classified ({type(exc).__name__}: {exc}). It stays unprocessed and is "
                    "retried on every run; nobody was alerted about it.",
                )
                continue
            self.store.mark_processed(version.id)
            report.processed += 1
            log.info("%d/%d %s", number, len(versions), _progress(version, report, before))
        return report

    def _compare(
        self,
        old: StoredVersion,
        new: StoredVersion,
        basis: str,
        report: ProcessReport,
        baseline: str | None = None,
    ) -> tuple[int, Diff]:
        diff = diff_documents(old.document, new.document)
        diff.baseline = baseline
        classify_diff(diff, self.classifier)
        comparison_id, created = self.store.save_comparison(old, new, basis, diff)
        if created:
            report.comparison_ids.append(comparison_id)
        return comparison_id, diff

    def _process(self, version: StoredVersion, mode: AlertMode, report: ProcessReport) -> None:
        if self._flag_damage(version):
            mode = "quiet"  # compared and stored, but a damaged page is no news to readers
        previous = self.store.previous_revision(version)
        if previous is not None:
            comparison_id, diff = self._compare(previous, version, "revision", report)
            report.comparisons += 1
            if diff.substantive:
                self.queue_alert(
                    "revised_statement",
                    version,
                    previous,
                    "revision",
                    diff,
                    comparison_id,
                    mode,
                    report,
                )
            return

        twin = self._same_statement_elsewhere(version)
        if twin is not None:
            self.store.attach_publication(version.publication_id, twin.statement_id)
            self._compare(twin, version, "variant", report)
            report.variants += 1
            log.info("%s is another publication of statement %s", version.url, twin.statement_id)
            return

        chosen = choose_baseline(version, self.store.series_neighbours(version, before=True))
        last_meeting = chosen.version if chosen else None
        diff = comparison_id = None
        if chosen is not None:
            comparison_id, diff = self._compare(
                chosen.version, version, "series", report, chosen.reason
            )
            report.comparisons += 1
        later_meetings = self.store.series_neighbours(version, before=False)
        for later in later_meetings:
            # An older meeting arrived after a newer one (a backfill), or a better text of
            # a meeting arrived late: the newer statement's baseline may now be this
            # version. Redo that comparison by the same rule.
            again = choose_baseline(later, self.store.series_neighbours(later, before=True))
            if again is not None and again.version.id == version.id:
                self._compare(version, later, "series", report, again.reason)
                report.comparisons += 1
        if later_meetings:  # a meeting older than one already known is history: no alert
            mode = "quiet" if mode == "normal" else mode
        self.queue_alert(
            "new_statement",
            version,
            last_meeting,
            "series" if diff else None,
            diff,
            comparison_id,
            mode,
            report,
        )

    def _flag_damage(self, version: StoredVersion) -> bool:
        """Tell operators (once) about a version still damaged after repair."""
        damaged = damaged_paragraphs(version.document.paragraphs)
        if not damaged:
            return False
        shown = ", ".join(str(i + 1) for i in damaged[:10])
        enqueue_operator_alert(
            self.store,
            key=f"encoding-damage:{version.id}",
            subject=f"coalition-watch: encoding damage left in {version.url}",
            text=f"Version {version.id} of {version.url} still shows encoding damage after "
            f"repair (replacement characters or mojibake) in paragraph(s) {shown}. Its "
            "changes are stored but nobody was alerted; check the page's encoding and "
            "re-fetch it.",
        )
        log.warning("version %s of %s is damaged in paragraphs %s", version.id, version.url, shown)
        return True

    def _same_statement_elsewhere(self, version: StoredVersion) -> StoredVersion | None:
        for other in self.store.statements_near(version.published, version.series):
            if other.statement_id == version.statement_id or other.source == version.source:
                continue
            if same_statement(other.document, version.document) >= SAME_STATEMENT_THRESHOLD:
                return other
        return None

    def queue_alert(
        self,
        kind,
        version,
        previous,
        basis,
        diff,
        comparison_id,
        mode,
        report,
        *,
        key=None,
        backfilled: bool | None = None,
    ) -> None:
        """Send an Alert to the outbox as `mode` and the subscribers' settings allow.
        `key` names the event (default: the comparison, else the version); the outbox
        queues one message per key and recipient. `backfilled` (default: whether a
        backfill stored the version) lets each subscriber's `backfill:` setting decide."""
        themes, evidence, paragraphs = alert_themes(diff, version, self.classifier)
        if key is None:
            key = f"comparison:{comparison_id}" if comparison_id else f"version:{version.id}"
        alert = Alert(
            kind=kind,
            key=key,
            statement=version.ref(),
            themes=themes,
            previous=previous.ref() if previous else None,
            basis=basis,
            diff=diff,
            link=self._link(comparison_id, version),
            theme_evidence=evidence,
            paragraphs=paragraphs,
        )
        if mode == "normal" and is_stale(version, self.horizon_days):
            mode = "digest"  # an old meeting loaded late is history: digest, not an alert
        if mode == "quiet":
            return
        # A backfilled version lets each subscriber's `backfill` preference decide.
        if backfilled is None:
            backfilled = version.alert_mode is not None
        report.queued += enqueue_alert(
            self.store, alert, self.subscribers, mode=mode, backfill=backfilled
        )
        report.alerts.append(key)

    def _link(self, comparison_id: int | None, version: StoredVersion) -> str | None:
        if not self.link_base:
            return None
        if comparison_id:
            return f"{self.link_base}/comparisons/{comparison_id}"
        return f"{self.link_base}/statements/{version.statement_id}"
