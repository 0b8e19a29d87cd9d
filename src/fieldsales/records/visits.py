"""Visits from plan to report, follow-up actions, phone calls and attachments (voice memos,
photos, quote PDFs: their bytes travel apart from the records, addressed by content hash)."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import JSON
from sqlmodel import Field

from fieldsales.domain.enums import CallOutcome, FollowUpStatus, VisitStatus
from fieldsales.records.base import Scope, SyncedRecord, UtcDateTime


class Visit(SyncedRecord, table=True):
    __tablename__ = "visits"
    collection: ClassVar[str] = "visits"
    scope: ClassVar[Scope] = Scope.CUSTOMER
    long_text_fields: ClassVar[frozenset[str]] = frozenset({"report", "agreements", "topics"})

    customer_id: str = Field(max_length=36, index=True)
    owner_id: str = Field(max_length=36, index=True)
    planned_start: datetime = Field(sa_type=UtcDateTime, index=True)
    duration_minutes: int = Field(default=60, ge=5, le=24 * 60)
    status: VisitStatus = Field(default=VisitStatus.PLANNED)
    contact_id: str | None = Field(default=None, max_length=36)
    plan_action_id: str | None = Field(default=None, max_length=36)
    prepared_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    reported_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    topics: str = Field(default="", max_length=4000)
    products_presented: list[str] = Field(default_factory=list, sa_type=JSON)
    agreements: str = Field(default="", max_length=8000)
    report: str = Field(default="", max_length=20000)
    satisfaction: int | None = Field(default=None, ge=1, le=5)
    next_visit_on: date | None = None
    voice_memo_attachment_id: str | None = Field(default=None, max_length=36)
    cancel_reason: str = Field(default="", max_length=500)


class FollowUp(SyncedRecord, table=True):
    """A follow-up action with a date, from a visit, a complaint or a quote."""

    __tablename__ = "follow_ups"
    collection: ClassVar[str] = "follow_ups"
    scope: ClassVar[Scope] = Scope.CUSTOMER

    customer_id: str = Field(max_length=36, index=True)
    owner_id: str = Field(max_length=36, index=True)
    visit_id: str | None = Field(default=None, max_length=36, index=True)
    complaint_id: str | None = Field(default=None, max_length=36, index=True)
    quote_id: str | None = Field(default=None, max_length=36)
    description: str = Field(max_length=2000)
    due_on: date | None = Field(default=None, index=True)
    status: FollowUpStatus = Field(default=FollowUpStatus.OPEN)
    done_on: date | None = None


class CallLog(SyncedRecord, table=True):
    __tablename__ = "call_logs"
    collection: ClassVar[str] = "call_logs"
    scope: ClassVar[Scope] = Scope.CUSTOMER

    customer_id: str = Field(max_length=36, index=True)
    owner_id: str = Field(max_length=36, index=True)
    contact_id: str | None = Field(default=None, max_length=36)
    called_at: datetime = Field(sa_type=UtcDateTime)
    outcome: CallOutcome
    call_back_on: date | None = None
    visit_id: str | None = Field(default=None, max_length=36)  # the appointment it produced
    notes: str = Field(default="", max_length=4000)


class Attachment(SyncedRecord, table=True):
    """An attachment's metadata; ``sha256`` names the bytes, which sync separately in chunks."""

    __tablename__ = "attachments"
    collection: ClassVar[str] = "attachments"
    scope: ClassVar[Scope] = Scope.CUSTOMER

    customer_id: str = Field(max_length=36, index=True)
    record_collection: str = Field(max_length=40)  # what it is attached to
    record_id: str = Field(max_length=36, index=True)
    sha256: str = Field(max_length=64, min_length=64)
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size_bytes: int = Field(ge=0)
