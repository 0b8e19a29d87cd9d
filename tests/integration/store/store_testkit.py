"""Helpers shared by the store's integration tests (and the crash test's child process)."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fieldsales.records import Contact, Customer, Visit
from fieldsales.records.base import SyncedRecord

OWNER = "0190a000-0000-7000-8000-000000000001"


def new_customer(**fields: Any) -> Customer:
    values: dict[str, Any] = {"owner_id": OWNER, "name": "Bakkerij de Vries", "city": "Utrecht"}
    values.update(fields)
    return Customer(**values)


def new_contact(customer: Customer, **fields: Any) -> Contact:
    values: dict[str, Any] = {"customer_id": customer.id, "first_name": "Jan", "last_name": "Smit"}
    values.update(fields)
    return Contact(**values)


def new_visit(customer: Customer, **fields: Any) -> Visit:
    values: dict[str, Any] = {
        "customer_id": customer.id,
        "owner_id": customer.owner_id,
        "planned_start": datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
    }
    values.update(fields)
    return Visit(**values)


def raw(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of a query on a plain sqlite3 connection: what is really in the file."""
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql, params).fetchall()


def outbox_entries(path: Path) -> list[dict[str, Any]]:
    rows = raw(
        path,
        "SELECT mid, collection, record_id, op, base_version, fields, created_at "
        "FROM outbox ORDER BY mid",
    )
    keys = ("mid", "collection", "record_id", "op", "base_version", "fields", "created_at")
    entries = [dict(zip(keys, row, strict=True)) for row in rows]
    for entry in entries:
        entry["fields"] = json.loads(entry["fields"])
    return entries


def fold(entries: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Replay outbox entries in mid order: the state the server will have for each record."""
    state: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in entries:
        key = (entry["collection"], entry["record_id"])
        record = state.setdefault(key, {"deleted": False})
        record.update(entry["fields"])
        record["deleted"] = entry["op"] == "delete"  # an upsert after a delete undeletes
    return state


def wire_state(record: SyncedRecord) -> dict[str, Any]:
    """A record as the folded outbox describes it: its wire fields plus the tombstone flag."""
    return {**json.loads(json.dumps(record.to_wire())), "deleted": record.deleted}
