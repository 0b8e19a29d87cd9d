"""Tables only the device has: the outbox, the sync engine's state and the sync issues.

They live in their own ``MetaData`` (``local_metadata``), not in ``records.store_registry``: the
records' metadata is shared with the server, which validates pushes against it and must never see
device bookkeeping. They are plain SQLAlchemy Core tables because nothing syncs them and the
outbox is written on the hot path of every unit of work, where a Core ``INSERT`` is cheapest.

The DDL that creates them is frozen in the numbered migrations; these definitions are what the
code reads and writes, and a test proves both agree (``test_schema_matches_metadata``).
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Index, Integer, MetaData, String, Table, Text

from fieldsales.records.base import UtcDateTime

local_metadata = MetaData()

#: One row per local change of a synced record, written in the transaction of the change.
#: ``mid`` is AUTOINCREMENT so a mid is never reused, even after the rows up to it were pushed
#: and deleted: the server skips ``mid <= last_mid`` of a client, so reuse would lose changes.
outbox = Table(
    "outbox",
    local_metadata,
    Column("mid", Integer, primary_key=True),
    Column("collection", String(40), nullable=False),
    Column("record_id", String(36), nullable=False),
    Column("op", String(6), nullable=False),
    Column("base_version", Integer, nullable=True),
    Column("fields", Text, nullable=False),  # JSON object of wire values
    Column("created_at", UtcDateTime, nullable=False),
    CheckConstraint("op IN ('upsert', 'delete')", name="ck_outbox_op"),
    Index("ix_outbox_record", "collection", "record_id"),
    sqlite_autoincrement=True,
)

#: Key/value state of the sync engine: ``client_id`` (made when the store is created), ``cursor``,
#: ``server_epoch``, ``last_sync_at``, ...; values are text, the keys' owners parse them.
sync_state = Table(
    "sync_state",
    local_metadata,
    Column("key", String(60), primary_key=True),
    Column("value", Text, nullable=False),
)

#: Mutations the server rejected and conflict copies of overwritten values, kept for the user to
#: see and settle; ``resolved_at`` is set when they did.
sync_issues = Table(
    "sync_issues",
    local_metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("collection", String(40), nullable=False),
    Column("record_id", String(36), nullable=False),
    Column("mid", Integer, nullable=True),
    Column("field", String(60), nullable=True),
    Column("local_value", Text, nullable=True),  # JSON
    Column("server_value", Text, nullable=True),  # JSON
    Column("code", String(60), nullable=False),
    Column("message", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("resolved_at", UtcDateTime, nullable=True),
    CheckConstraint("kind IN ('rejected', 'conflict')", name="ck_sync_issues_kind"),
    Index("ix_sync_issues_record", "collection", "record_id"),
    Index("ix_sync_issues_resolved_at", "resolved_at"),
    sqlite_autoincrement=True,
)

#: Schema v2: a stable integer document id per customer for the full-text index. The FTS5 rowid
#: cannot be the customers table's own rowid: that table has a text primary key, so its implicit
#: rowid may change on VACUUM, and the index would then point at the wrong customers.
search_docs = Table(
    "search_docs",
    local_metadata,
    Column("docid", Integer, primary_key=True),
    Column("customer_id", String(36), nullable=False, unique=True),
)

#: The FTS5 virtual table (created by migration 2; not expressible as a Table) and the tables
#: FTS5 keeps behind it. Schema comparisons skip these names.
SEARCH_TABLE = "customer_search"
FTS_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")


def is_fts_table(name: str) -> bool:
    """True for the FTS5 table and its shadow tables, which no MetaData describes."""
    return name == SEARCH_TABLE or any(name == SEARCH_TABLE + s for s in FTS_SHADOW_SUFFIXES)


#: Schema v3: the bytes of attachments on this device, one row per content hash. The bytes are a
#: file at ``path`` (relative to the store's directory, content-addressed:
#: ``attachments/<sha[:2]>/<sha>``) written before the record that names them is committed.
#: ``state`` says what the attachment phase of a sync still has to do:
#: ``upload`` (waiting), ``uploading`` (``transferred`` bytes the server confirmed),
#: ``uploaded``, ``download`` (a record names bytes not here yet; ``transferred`` bytes are in
#: ``<path>.part``), ``downloaded``, ``failed`` (will not work by retrying: see ``error_code``).
ATTACHMENT_STATES = ("upload", "uploading", "uploaded", "download", "downloaded", "failed")
attachment_files = Table(
    "attachment_files",
    local_metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size_bytes", Integer, nullable=False),
    Column("path", Text, nullable=False),
    Column("state", String(12), nullable=False),
    Column("transferred", Integer, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("error_code", String(60), nullable=True),
    Column("error_message", Text, nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
    CheckConstraint(
        "state IN ('upload', 'uploading', 'uploaded', 'download', 'downloaded', 'failed')",
        name="ck_attachment_files_state",
    ),
    Index("ix_attachment_files_state", "state"),
)
