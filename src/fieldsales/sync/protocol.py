"""The sync wire format, shared by the device's sync engine and the central server.

Everything here travels as JSON. Record data are *wire values* (``records.base.to_wire_value``):
decimals and dates as strings, datetimes as ISO-8601 in UTC, enums as their values, money as
integer cents. Versions are integers from one sequence per tenant, assigned by the server inside
the writing transaction, so "version > cursor" is a complete and ordered change feed.

The server answers pulls with pre-serialised JSON for speed; ``PullResponse`` documents that shape
(and is what a client may parse it into), it is not on the server's hot path.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

#: The wire schema this code speaks. A device sends it with every push; the server refuses
#: versions it does not know (a newer app against an older server) with ``schema_unsupported``.
SCHEMA_VERSION = 1
#: The oldest device schema the server still accepts.
MIN_SCHEMA_VERSION = 1

ClientId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
RecordId = Annotated[str, Field(min_length=1, max_length=36, pattern=r"^[A-Za-z0-9._:-]+$")]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MutationOp(StrEnum):
    UPSERT = "upsert"
    DELETE = "delete"


class Mutation(_Wire):
    """One entry of a device's outbox.

    ``mid`` increases per client (gaps allowed: an outbox may coalesce or drop entries), so the
    server can skip what it already applied when a push is retried. ``base_version`` is the
    record version the device last saw (``None`` for a record the device created); the server
    compares it with the version that last set each field to tell a merge from a conflict.
    ``fields`` holds only the changed data fields, never ``id``, ``version`` or ``deleted``.
    """

    mid: int = Field(ge=1, le=2**62)
    collection: str = Field(min_length=1, max_length=40, pattern=r"^[a-z_]+$")
    op: MutationOp
    id: RecordId
    base_version: int | None = Field(default=None, ge=0, le=2**62)
    fields: dict[str, Any] = Field(default_factory=dict)


class PushRequest(_Wire):
    client_id: ClientId
    schema_version: int = Field(ge=0, le=1_000_000)
    mutations: list[Mutation] = Field(default_factory=list)


class ResultStatus(StrEnum):
    APPLIED = "applied"  # written as sent; ``version`` is the record's new version
    MERGED = "merged"  # the record changed since base_version, but in other fields: both kept
    CONFLICT = "conflict"  # a field changed since base_version: this push won, see ``conflicts``
    REJECTED = "rejected"  # permanently refused (``code``, ``message``); later mutations go on
    DUPLICATE = "duplicate"  # mid <= the client's last_mid: applied by an earlier push


class FieldConflict(_Wire):
    """A value this push overwrote although the device had not seen it.

    Last arrival wins, so the pushed value is now the record's; the overwritten value is returned
    here (and archived on the server) so the device can keep it as a visible conflict copy, which
    it must do for the collection's long text fields.
    """

    field: str
    losing_value: Any = None
    losing_version: int


class MutationOutcome(_Wire):
    """The answer a mutation got when it was applied (its status is never ``duplicate``)."""

    status: ResultStatus
    version: int | None = None
    conflicts: list[FieldConflict] = Field(default_factory=list)
    code: str | None = None
    message: str | None = None
    details: Any = None


class MutationResult(_Wire):
    mid: int
    status: ResultStatus
    version: int | None = None  # the record's version after this mutation (None when rejected)
    conflicts: list[FieldConflict] = Field(default_factory=list)
    code: str | None = None  # rejected: stable machine-readable reason
    message: str | None = None  # rejected: Dutch, for the user
    details: Any = None
    #: ``duplicate`` to a push sent with ``?outcomes=true``: the answer of the push that applied
    #: it, while the server keeps it (two weeks, 100,000 mids); None beyond that.
    outcome: MutationOutcome | None = None

    def original(self) -> MutationResult:
        """The answer as the push that applied it got it (itself unless a duplicate that
        carries its ``outcome``)."""
        if self.status is not ResultStatus.DUPLICATE or self.outcome is None:
            return self
        o = self.outcome
        return MutationResult(
            mid=self.mid,
            status=o.status,
            version=o.version,
            conflicts=o.conflicts,
            code=o.code,
            message=o.message,
            details=o.details,
        )


class PushResponse(_Wire):
    epoch: str
    last_mid: int  # the highest mid the server has processed for this client
    results: list[MutationResult]


class WireRecord(_Wire):
    """A record as pulled. Tombstones (``deleted``) carry no data."""

    collection: str
    id: str
    version: int
    deleted: bool = False
    data: dict[str, Any] | None = None


class PullResponse(_Wire):
    """One page of changes, ordered by version.

    Store ``cursor`` together with the page in one transaction and ask again while ``more``.
    ``reset`` means the device's cursor can no longer be served (the server was restored from a
    backup, so ``epoch`` changed, or tombstones below the cursor were purged): drop the synced
    data, keep the outbox, and pull again from cursor 0.

    ``revoked``: customers that left the user's scope at a version in this page's range (handed
    to another salesperson). Purge each with everything under it *before* applying
    ``records`` (a customer handed back later comes with newer versions), locally, pushing
    nothing. ``remaining``: records in scope after this page (0 on the last page), for a real
    progress fraction. Both are additive: older clients ignore them.
    """

    epoch: str
    cursor: int
    more: bool
    reset: bool = False
    remaining: int | None = None
    revoked: list[str] = Field(default_factory=list)
    records: list[WireRecord] = Field(default_factory=list)


class TokenResponse(_Wire):
    """OAuth2 password-flow answer, plus the refresh token that renews it."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int  # seconds
    refresh_token: str
    refresh_expires_in: int  # seconds


class RefreshRequest(_Wire):
    refresh_token: str = Field(min_length=1, max_length=200)


class Me(_Wire):
    """Who the token belongs to; the device needs its user id to fill ``owner_id``."""

    user_id: str
    username: str
    full_name: str
    role: str
    tenant_id: str
    team_id: str | None = None
    #: The organisation's name, for documents the device makes (a quote's letterhead).
    organisation: str = ""


class PlanDecisionRequest(_Wire):
    comment: str = Field(default="", max_length=4000)


class ErrorBody(_Wire):
    code: str
    message: str
    details: Any = None


class ErrorEnvelope(_Wire):
    """Every error the server answers has this shape, whatever the status code."""

    error: ErrorBody
