"""Writing many records that are already on the server: demo data, benchmarks, and (later) the
sync engine's pull pages.

These records are synced by definition (they carry the server's ``version``), so they bypass the
outbox; the unit of work must be opened with ``applying_sync=True``. One ``executemany`` per
table is some fifty times faster than adding ORM objects one by one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from fieldsales.records.base import SyncedRecord
from fieldsales.store.errors import StoreError
from fieldsales.store.uow import UnitOfWork

_CHUNK = 500  # ids per IN (...) list, well under SQLite's variable limit


def upsert_records(uow: UnitOfWork, records: Iterable[SyncedRecord]) -> int:
    """Insert or replace ``records`` (grouped per table, order kept within a table)."""
    if not uow.applying_sync:
        raise StoreError(
            "Gesynchroniseerde gegevens worden alleen bij het synchroniseren zo weggeschreven.",
            code="store_bulk_write",
        )
    by_table: dict[type[SyncedRecord], list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        by_table[type(record)].append(
            {name: getattr(record, name) for name in type(record).model_fields}
        )
    count = 0
    for cls, rows in by_table.items():
        table = cls.__table__  # type: ignore[attr-defined]
        existing: set[str] = set()
        ids = [row["id"] for row in rows]
        for start in range(0, len(ids), _CHUNK):
            existing.update(
                uow.session.execute(
                    select(table.c.id).where(table.c.id.in_(ids[start : start + _CHUNK]))
                ).scalars()
            )
        # Plain INSERT and UPDATE rather than an UPSERT: the search index's triggers use
        # INSERT OR IGNORE, and an outer UPSERT would override that conflict clause.
        new = [row for row in rows if row["id"] not in existing]
        old = [{"_id": row["id"], **row} for row in rows if row["id"] in existing]
        if new:
            uow.session.execute(insert(table), new)
        if old:
            columns: dict[str, Any] = {
                c.name: bindparam(c.name) for c in table.columns if c.name != "id"
            }
            statement = update(table).where(table.c.id == bindparam("_id")).values(columns)
            uow.session.connection().execute(statement, old)
        count += len(rows)
    return count
