"""The server's own tables, in their own SQLAlchemy registry (never the device's metadata).

Synced business records of every collection live in one generic table, ``records``: its data are
the record's wire values as JSON, so a pull is one indexed range scan that streams stored JSON, and
adding a field to a record class needs no server migration. ``field_versions`` remembers, per
field, the version that last set it (fields absent from it were set when the record was created),
which is what tells a merge from a conflict.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Index, LargeBinary, Text, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

server_registry = registry()

JsonColumn = JSON().with_variant(JSONB(), "postgresql")
#: ``records.data``: ``json`` on PostgreSQL, not ``jsonb``. A pull streams the stored text as is
#: (``data::text``), and a ``json`` value is that text as written (compact, by orjson), while a
#: ``jsonb`` one is rebuilt from its binary form for every row: 0.39 s for a 28k-record first
#: pull, against 0.07 s. Pushes skip the jsonb parse too. ``->`` and ``->>`` work on both; no
#: index or query uses a jsonb-only operator (``@>``, ``?``, GIN) on it. (migration 0004)
RecordDataColumn = JSON()


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcTimestamp(TypeDecorator[datetime]):
    """``timestamptz`` on PostgreSQL; naive UTC on SQLite, read back timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ServerModel(SQLModel, registry=server_registry):
    pass


class ServerMeta(ServerModel, table=True):
    """Key/value facts about this database; ``epoch`` is made at creation, changed on restore."""

    __tablename__ = "server_meta"

    key: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=200)


class Tenant(ServerModel, table=True):
    """A company. ``last_version`` is its version sequence: writers lock this row to take it."""

    __tablename__ = "tenants"

    id: str = Field(primary_key=True, max_length=36)
    name: str = Field(max_length=200)
    last_version: int = Field(default=0, sa_type=BigInteger)
    #: Tombstones with a version <= this were purged: cursors below it must reset.
    tombstone_horizon: int = Field(default=0, sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcTimestamp)


class Account(ServerModel, table=True):
    """A login. Its public profile is the synced ``users`` record with the same id."""

    __tablename__ = "accounts"

    id: str = Field(primary_key=True, max_length=36)
    tenant_id: str = Field(foreign_key="tenants.id", index=True, max_length=36)
    username: str = Field(max_length=80, unique=True)
    full_name: str = Field(max_length=120)
    email: str | None = Field(default=None, max_length=200)
    role: str = Field(max_length=20)
    team_id: str | None = Field(default=None, max_length=36)
    password_hash: str = Field(max_length=200)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcTimestamp)
    password_changed_at: datetime = Field(default_factory=utcnow, sa_type=UtcTimestamp)


class AuthToken(ServerModel, table=True):
    """An issued access or refresh token, stored only as a keyed hash; ``session_id`` groups the
    tokens of one login so logout or a replayed refresh token revokes them together."""

    __tablename__ = "auth_tokens"

    token_hash: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=10)
    account_id: str = Field(foreign_key="accounts.id", index=True, max_length=36)
    session_id: str = Field(index=True, max_length=36)
    expires_at: datetime = Field(sa_type=UtcTimestamp, index=True)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcTimestamp)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcTimestamp)


class LoginFailure(ServerModel, table=True):
    """A failed login, keyed by a hash of username and client address (shared by all workers)."""

    __tablename__ = "login_failures"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, index=True)
    failed_at: datetime = Field(default_factory=utcnow, sa_type=UtcTimestamp, index=True)


class SyncClient(ServerModel, table=True):
    """A device's outbox position: mutations with ``mid <= last_mid`` were applied."""

    __tablename__ = "sync_clients"

    account_id: str = Field(foreign_key="accounts.id", primary_key=True, max_length=36)
    client_id: str = Field(primary_key=True, max_length=64)
    tenant_id: str = Field(max_length=36)
    last_mid: int = Field(default=0, sa_type=BigInteger)
    last_push_at: datetime = Field(default_factory=utcnow, sa_type=UtcTimestamp)


class Record(ServerModel, table=True):
    __tablename__ = "records"
    __table_args__ = (
        Index("ix_records_tenant_version", "tenant_id", "version", unique=True),
        Index("ix_records_tenant_owner_version", "tenant_id", "owner_id", "version"),
        Index("ix_records_tenant_collection", "tenant_id", "collection"),
    )

    tenant_id: str = Field(primary_key=True, max_length=36)
    id: str = Field(primary_key=True, max_length=36)
    collection: str = Field(max_length=40)
    version: int = Field(sa_type=BigInteger)
    deleted: bool = Field(default=False)
    #: The salesperson whose scope the record is in; NULL for shared and team collections.
    owner_id: str | None = Field(default=None, max_length=36)
    customer_id: str | None = Field(default=None, max_length=36)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=RecordDataColumn)
    field_versions: dict[str, int] = Field(default_factory=dict, sa_type=JsonColumn)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcTimestamp)


class Conflict(ServerModel, table=True):
    """A value overwritten by a later arrival: kept so nothing a user typed is silently lost."""

    __tablename__ = "conflicts"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(max_length=36, index=True)
    collection: str = Field(max_length=40)
    record_id: str = Field(max_length=36, index=True)
    field: str = Field(max_length=80)
    losing_value: Any = Field(default=None, sa_type=JsonColumn)
    losing_version: int = Field(sa_type=BigInteger)
    winning_version: int = Field(sa_type=BigInteger)
    account_id: str = Field(max_length=36)
    client_id: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcTimestamp)


class RejectedMutation(ServerModel, table=True):
    """A mutation refused for good, recorded for support ("why did my edit not arrive?")."""

    __tablename__ = "rejected_mutations"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(max_length=36, index=True)
    account_id: str = Field(max_length=36)
    client_id: str = Field(max_length=64)
    mid: int = Field(sa_type=BigInteger)
    collection: str = Field(max_length=40)
    record_id: str = Field(max_length=36)
    code: str = Field(max_length=40)
    message: str = Field(max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcTimestamp)


class ScopeExit(ServerModel, table=True):
    """A customer that left a user's scope (reassigned to another salesperson).

    ``version`` comes from the tenant's version sequence, taken in the transaction that moved
    the customer, so it orders with the records a pull pages through: a pull whose range holds
    it tells the device to purge the customer and everything under it. Rows older than the
    tenant's ``tombstone_horizon`` may go: cursors below it reset (a full re-pull) anyway.
    """

    __tablename__ = "scope_exits"

    tenant_id: str = Field(primary_key=True, max_length=36)
    account_id: str = Field(primary_key=True, max_length=36)
    version: int = Field(primary_key=True, sa_type=BigInteger)
    customer_id: str = Field(primary_key=True, max_length=36)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcTimestamp)


class PushOutcome(ServerModel, table=True):
    """The answers one push gave for mutations ``first_mid..last_mid`` of a device, kept a while
    so a retried push (its answer was lost) gets the original verdicts with its ``duplicate``s.

    One row per push, ``results`` the compact JSON list of its results: a first upload of 30k
    records writes one row, not 30k. Pruned per client by mid distance and age (see syncing).
    """

    __tablename__ = "push_outcomes"

    account_id: str = Field(primary_key=True, max_length=36)
    client_id: str = Field(primary_key=True, max_length=64)
    last_mid: int = Field(primary_key=True, sa_type=BigInteger)
    first_mid: int = Field(sa_type=BigInteger)
    tenant_id: str = Field(max_length=36)
    results: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcTimestamp)


class AttachmentBlob(ServerModel, table=True):
    """An attachment's bytes, by content hash, once per tenant (the same photo sent twice, or
    by two people, is stored once). ``received`` grows chunk by chunk as an upload resumes;
    ``complete`` is set only after the whole was hashed and matched ``sha256``."""

    __tablename__ = "attachment_blobs"

    tenant_id: str = Field(primary_key=True, max_length=36)
    sha256: str = Field(primary_key=True, max_length=64)
    size_bytes: int = Field(sa_type=BigInteger)
    received: int = Field(default=0, sa_type=BigInteger)
    complete: bool = Field(default=False)
    #: Who started the upload: may download it before any record in scope points at it.
    uploaded_by: str = Field(max_length=36)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcTimestamp)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcTimestamp, index=True)


class AttachmentChunk(ServerModel, table=True):
    """A piece of a blob's bytes from byte ``start`` on (chunks of one blob never overlap).
    Bytes live in the database, so one backup holds records and attachments together."""

    __tablename__ = "attachment_chunks"

    tenant_id: str = Field(primary_key=True, max_length=36)
    sha256: str = Field(primary_key=True, max_length=64)
    start: int = Field(primary_key=True, sa_type=BigInteger)
    size_bytes: int = Field(sa_type=BigInteger)
    data: bytes = Field(sa_type=LargeBinary)


metadata = server_registry.metadata
tenants = Tenant.__table__  # type: ignore[attr-defined]
server_meta = ServerMeta.__table__  # type: ignore[attr-defined]
accounts = Account.__table__  # type: ignore[attr-defined]
auth_tokens = AuthToken.__table__  # type: ignore[attr-defined]
login_failures = LoginFailure.__table__  # type: ignore[attr-defined]
sync_clients = SyncClient.__table__  # type: ignore[attr-defined]
records = Record.__table__  # type: ignore[attr-defined]
conflicts = Conflict.__table__  # type: ignore[attr-defined]
rejected_mutations = RejectedMutation.__table__  # type: ignore[attr-defined]
scope_exits = ScopeExit.__table__  # type: ignore[attr-defined]
push_outcomes = PushOutcome.__table__  # type: ignore[attr-defined]
attachment_blobs = AttachmentBlob.__table__  # type: ignore[attr-defined]
attachment_chunks = AttachmentChunk.__table__  # type: ignore[attr-defined]
