"""What a sync reports while it runs (``Progress``) and when it is done (``SyncSummary``).

Plain data, so the Flet app, the terminal command and tests read them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from fieldsales.store.queries import SyncIssue

if TYPE_CHECKING:
    from fieldsales.sync.attachments import AttachmentReport


class Phase(StrEnum):
    LOGIN = "login"
    PUSH = "push"  # sending the outbox
    PULL = "pull"  # fetching the server's changes
    REPAIR = "repair"  # re-fetching records whose local change the server refused
    ATTACHMENTS = "attachments"  # the files' bytes, after the records
    DONE = "done"


PHASE_LABELS: dict[Phase, str] = {
    Phase.LOGIN: "Inloggen",
    Phase.PUSH: "Versturen",
    Phase.PULL: "Ophalen",
    Phase.REPAIR: "Herstellen",
    Phase.ATTACHMENTS: "Bijlagen",
    Phase.DONE: "Klaar",
}


@dataclass(frozen=True, slots=True)
class Progress:
    """Records up and down so far. ``up_total`` is known (the outbox); the pull's total is
    known once the first page told how many records follow it (``down_total``; None before
    that, and from a server that does not say). The attachment phase counts files (and their
    bytes) to move in this run: a long upload of photos at the day end shows it is moving."""

    phase: Phase
    up_done: int = 0
    up_total: int = 0
    down_done: int = 0  # records written (new, changed, deleted) so far in this run
    down_received: int = 0  # records in the pages of the current pull (or repair) so far
    down_total: int | None = None  # down_received + the records the last page said follow
    pages: int = 0
    reset: bool = False  # re-fetching everything (new server epoch, too old cursor, upgrade)
    problem: str | None = None  # a transient failure being retried (Dutch, for the user)
    retry_in: float | None = None  # seconds until the next attempt
    files_done: int = 0  # attachments moved (or given up) so far in this run
    files_total: int = 0  # attachments this run moves (uploads, then downloads in budget)
    bytes_done: int = 0
    bytes_total: int = 0

    @property
    def label(self) -> str:
        return PHASE_LABELS[self.phase]

    @property
    def down_fraction(self) -> float | None:
        """How far the pull is, 0..1, or None while unknown (show a busy bar then)."""
        if self.phase is Phase.DONE:
            return 1.0
        if self.phase not in (Phase.PULL, Phase.REPAIR) or self.down_total is None:
            return None
        if self.down_total <= 0:
            return 1.0
        return min(1.0, self.down_received / self.down_total)

    @property
    def files_fraction(self) -> float | None:
        """How far the attachment phase is, 0..1 (by bytes, so one large video moves the
        bar too); None before it started."""
        if self.phase is Phase.DONE:
            return 1.0
        if self.phase is not Phase.ATTACHMENTS:
            return None
        if self.bytes_total > 0:
            return min(1.0, self.bytes_done / self.bytes_total)
        if self.files_total > 0:
            return min(1.0, self.files_done / self.files_total)
        return 1.0


@dataclass(frozen=True, slots=True)
class FollowUpDue:
    """An open follow-up of this user due today or earlier."""

    id: str
    customer_id: str
    customer_name: str
    description: str
    due_on: date


@dataclass(slots=True)
class SyncSummary:
    """The outcome of one sync: what went up, what came down, what needs attention."""

    started_at: datetime
    finished_at: datetime | None = None
    # up
    pushed: int = 0  # mutations the server answered
    applied: int = 0
    merged: int = 0  # applied alongside another device's change to other fields
    duplicates: int = 0  # the server had them already (a retried push)
    conflicted: int = 0  # applied, but overwrote a value this device had not seen
    rejected: int = 0
    # down
    pulled: int = 0  # records written (new or changed)
    deleted: int = 0  # tombstones applied
    kept_local: int = 0  # pulled records whose unpushed local fields were kept
    pages: int = 0
    reset: str | None = None  # why everything was fetched again: epoch, horizon, upgrade, full
    removed: int = 0  # local records a reset found gone from the server
    revoked: int = 0  # local records purged because their customer left the user's scope
    requeued: int = 0  # local records pushed again to a server restored from a backup
    new_client_id: bool = False  # this store turned out to be a copy: it got a new identity
    # wire
    requests: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    # attention
    new_conflicts: list[SyncIssue] = field(default_factory=list)
    new_rejections: list[SyncIssue] = field(default_factory=list)
    open_issues: int = 0  # every unresolved conflict copy and rejection, old ones included
    follow_ups_due: list[FollowUpDue] = field(default_factory=list)
    pending: int = 0  # local changes still waiting (made while syncing)
    attachments: AttachmentReport | None = None  # the bytes phase, after the records
    #: Attachment files removed from the device: no record on it names their bytes any more.
    files_removed: int = 0
    bytes_freed: int = 0

    @property
    def duration_s(self) -> float:
        if self.finished_at is None:
            return 0.0
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def needs_attention(self) -> bool:
        """Something for the user: conflict copies or refused changes, or follow-ups due."""
        return bool(self.open_issues or self.follow_ups_due)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (for ``fieldsales sync --json`` and logs)."""
        return {
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "duration_s": round(self.duration_s, 3),
            "up": {
                "pushed": self.pushed,
                "applied": self.applied,
                "merged": self.merged,
                "duplicates": self.duplicates,
                "conflicted": self.conflicted,
                "rejected": self.rejected,
            },
            "down": {
                "pulled": self.pulled,
                "deleted": self.deleted,
                "kept_local": self.kept_local,
                "pages": self.pages,
                "reset": self.reset,
                "removed": self.removed,
                "revoked": self.revoked,
                "requeued": self.requeued,
            },
            "wire": {
                "requests": self.requests,
                "bytes_sent": self.bytes_sent,
                "bytes_received": self.bytes_received,
            },
            "new_client_id": self.new_client_id,
            "attachments": self.attachments.as_dict() if self.attachments else None,
            "files_removed": self.files_removed,
            "bytes_freed": self.bytes_freed,
            "attention": {
                "open_issues": self.open_issues,
                "new_conflicts": [_issue(i) for i in self.new_conflicts],
                "new_rejections": [_issue(i) for i in self.new_rejections],
                "follow_ups_due": [
                    {
                        "id": f.id,
                        "customer": f.customer_name,
                        "description": f.description,
                        "due_on": f.due_on.isoformat(),
                    }
                    for f in self.follow_ups_due
                ],
            },
            "pending": self.pending,
            "needs_attention": self.needs_attention,
        }


def _issue(issue: SyncIssue) -> dict[str, Any]:
    return {
        "id": issue.id,
        "kind": issue.kind,
        "collection": issue.collection,
        "record_id": issue.record_id,
        "field": issue.field,
        "code": issue.code,
        "message": issue.message,
    }
