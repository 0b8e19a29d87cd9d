"""Bulk loading of synced records into the server (demo data, benchmarks, migrations from
another system): versions from the tenant's clock, one executemany per batch.

Unlike a push there is no user and no scope check: the caller is an operator's command.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from fieldsales.records import SyncedRecord
from fieldsales.server.db import write_transaction
from fieldsales.server.models import records, utcnow
from fieldsales.server.recordstore import CHUNK, CREATED, bulk_insert, scope_columns
from fieldsales.server.validation import check_field_names, record_class, validate_data
from fieldsales.server.versioning import VersionClock

RecordLike = SyncedRecord | Mapping[str, Any]


def _normalize(item: RecordLike) -> tuple[str, str, dict[str, Any], bool]:
    if isinstance(item, SyncedRecord):
        return item.collection, item.id, item.to_wire(), bool(item.deleted)
    return (
        str(item["collection"]),
        str(item["id"]),
        dict(item.get("data") or {}),
        bool(item.get("deleted", False)),
    )


def load_records(
    target: Engine | Connection | Session,
    tenant_id: str,
    items: Iterable[RecordLike],
    *,
    validate: bool = True,
    batch_size: int = 5000,
) -> tuple[int, int]:
    """Insert new records (``SyncedRecord`` instances or ``{"collection", "id", "data",
    "deleted"?}`` dicts with wire values) and return the (first, last) version given to them.

    Records are versioned in the order given, so pass parents before children (as
    ``records.ALL_RECORDS`` orders collections). Ids must be new to the tenant. With an Engine
    everything is one transaction; with a Connection or a Session the caller's transaction is
    used (and committed by the caller). Invalid data raise ``validation.Rejection``.
    """
    prepared = [_normalize(item) for item in items]
    if not prepared:
        return (0, 0)
    context: AbstractContextManager[Connection]
    if isinstance(target, Engine):
        context = write_transaction(target)
    elif isinstance(target, Session):
        context = nullcontext(target.connection())
    else:
        context = nullcontext(target)
    with context as conn:
        clock = VersionClock(conn, tenant_id)
        owners: dict[str, str | None] = {
            record_id: data.get("owner_id")
            for collection, record_id, data, _ in prepared
            if collection == "customers"
        }
        wanted = {
            data["customer_id"]
            for collection, _, data, _ in prepared
            if collection != "customers"
            and isinstance(data.get("customer_id"), str)
            and data["customer_id"] not in owners
        }
        ordered = sorted(wanted)
        for start in range(0, len(ordered), CHUNK):
            for row in conn.execute(
                select(records.c.id, records.c.owner_id).where(
                    records.c.tenant_id == tenant_id,
                    records.c.collection == "customers",
                    records.c.id.in_(ordered[start : start + CHUNK]),
                )
            ):
                owners[row.id] = row.owner_id

        now = utcnow()
        first = clock.last + 1
        batch: list[dict[str, Any]] = []
        for collection, record_id, data, deleted in prepared:
            record_class(collection)
            if validate:
                check_field_names(collection, data)
                data = validate_data(collection, data)
            customer_owner = owners.get(str(data.get("customer_id")))
            owner_id, customer_id = scope_columns(collection, data, customer_owner)
            version = clock.next()
            batch.append(
                {
                    "tenant_id": tenant_id,
                    "id": record_id,
                    "collection": collection,
                    "version": version,
                    "deleted": deleted,
                    "owner_id": owner_id,
                    "customer_id": customer_id,
                    "data": data,
                    "field_versions": {CREATED: version},
                    "updated_at": now,
                }
            )
            if len(batch) >= batch_size:
                bulk_insert(conn, batch)
                batch = []
        if batch:
            bulk_insert(conn, batch)
        clock.close()
        return (first, clock.last)
