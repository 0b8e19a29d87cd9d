"""The outbox: every local change of a synced record, as the mutation the sync engine will push.

Rows are made by ``session.StoreSession``'s ``before_flush`` hook from SQLAlchemy's attribute
history, so any add, change or tombstone of a ``SyncedRecord`` through a unit of work is recorded,
in the same transaction as the change itself, without each service having to remember it.

A mutation's ``fields`` are the changed data fields as wire values (``records.base.
to_wire_value``): all data fields for an insert or an undelete, only the changed ones for an
update, and for a tombstone (op ``delete``) whatever changed with it (at least ``updated_at``).
Replaying a record's mutations in ``mid`` order therefore gives exactly the row as stored, which
is what the crash test checks after every kill.

Changes are seen through attribute assignment: mutating a JSON field in place
(``visit.products_presented.append(...)``) is invisible to SQLAlchemy, so assign a new value
(``uow.update(visit, products_presented=[*old, new])``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import InstanceState, Session

from fieldsales.records.base import SyncedRecord, to_wire_value, utcnow

UPSERT = "upsert"
DELETE = "delete"

_DATA_FIELDS: dict[type[SyncedRecord], tuple[str, ...]] = {}


def data_fields(cls: type[SyncedRecord]) -> tuple[str, ...]:
    """``cls.data_fields()``, cached: it is asked for on every flush."""
    found = _DATA_FIELDS.get(cls)
    if found is None:
        found = _DATA_FIELDS[cls] = tuple(cls.data_fields())
    return found


def _json_default(value: Any) -> Any:
    wire = to_wire_value(value)
    if wire is value:
        raise TypeError(f"cannot put a {type(value).__name__} into a sync mutation")
    return wire


def dumps_json(value: Any) -> str:
    """JSON text of wire values; nested decimals, dates and enums become their wire strings."""
    return orjson.dumps(
        value, default=_json_default, option=orjson.OPT_PASSTHROUGH_DATETIME
    ).decode()


def loads_json(text: str | None) -> Any:
    return None if text is None else orjson.loads(text)


@dataclass(frozen=True, slots=True)
class PendingMutation:
    """One outbox row, ready to become a ``sync.protocol.Mutation``."""

    mid: int
    collection: str
    record_id: str
    op: str
    base_version: int | None
    fields: dict[str, Any]
    created_at: datetime


def _wire_fields(record: SyncedRecord, names: Iterable[str]) -> str:
    return dumps_json({name: to_wire_value(getattr(record, name)) for name in names})


#: The columns of an outbox row as ``capture`` returns it, in ``INSERT_SQL``'s order.
OutboxRow = tuple[str, str, str, int | None, str, str]

#: Written on the flush's own DBAPI connection, so in the same transaction as the change: one
#: ``executemany`` without SQLAlchemy's statement machinery, the outbox being on every write's
#: hot path. ``created_at`` is bound as ``UtcDateTime`` binds it.
INSERT_SQL = (
    "INSERT INTO outbox (collection, record_id, op, base_version, fields, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)


def _row(
    record: SyncedRecord, op: str, base_version: int | None, fields: str, now: str
) -> OutboxRow:
    return (type(record).collection, record.id, op, base_version, fields, now)


def _changed(state: InstanceState[Any], keys: Iterable[str]) -> list[str]:
    attrs = state.attrs
    return [key for key in keys if attrs[key].history.has_changes()]


def capture(session: Session) -> list[OutboxRow]:
    """The outbox rows for what the coming flush will write; stamps ``updated_at`` on changes.

    Inserts come first, in the order they were added (a customer added before its visit is pushed
    before it), then changes of loaded records.
    """
    now = utcnow()
    stamp = to_wire_value(now)
    rows: list[OutboxRow] = []

    new = [obj for obj in session.new if isinstance(obj, SyncedRecord)]
    new.sort(key=lambda obj: sa_inspect(obj).insert_order or 0)
    for record in new:
        names = data_fields(type(record))
        rows.append(_row(record, UPSERT, record.version, _wire_fields(record, names), stamp))
        if record.deleted:  # created as a tombstone: the server must learn both
            rows.append(_row(record, DELETE, record.version, "{}", stamp))

    for record in session.dirty:
        if not isinstance(record, SyncedRecord):
            continue
        state: InstanceState[Any] = sa_inspect(record)
        committed = state.committed_state
        if not committed:
            continue
        if "id" in committed and _changed(state, ("id",)):
            raise ValueError("the id of a synced record never changes")
        cls = type(record)
        names = data_fields(cls)
        changed = _changed(state, (key for key in committed if key in names))
        tombstone_changed = "deleted" in committed and bool(_changed(state, ("deleted",)))
        if not changed and not tombstone_changed:
            continue  # e.g. a value set to what it was
        if "updated_at" not in changed:
            record.updated_at = now
            changed.append("updated_at")
        base_version = record.version
        if "version" in committed:  # changed in this flush: the mutation is based on the old one
            original = committed["version"]
            if original is None or isinstance(original, int):
                base_version = original
        if tombstone_changed and record.deleted:
            op, fields = DELETE, [name for name in names if name in changed]
        elif tombstone_changed:  # undeleted: send the whole record again
            op, fields = UPSERT, list(names)
        else:
            op, fields = UPSERT, [name for name in names if name in changed]
        rows.append(_row(record, op, base_version, _wire_fields(record, fields), stamp))
    return rows
