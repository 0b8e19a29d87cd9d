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

from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from fieldsales.records.base import SyncedRecord
from fieldsales.store.errors import StoreError
from fieldsales.store.uow import UnitOfWork


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
        statement = sqlite_insert(table)
        columns = {c.name: statement.excluded[c.name] for c in table.columns if c.name != "id"}
        statement = statement.on_conflict_do_update(index_elements=["id"], set_=columns)
        uow.session.execute(statement, rows)
        count += len(rows)
    return count
