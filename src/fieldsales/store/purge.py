"""Purging customers that left the user's scope (``PullResponse.revoked``).

When an administrator hands a customer to another salesperson, the previous owner may no longer
see it: the device drops the customer and every customer-scoped record under it. This is a
local purge, not a deletion: nothing goes to the outbox (the server keeps the records, someone
else owns them now). Changes the device had not pushed yet for those records can no longer be
sent (the server would refuse them); they are taken out of the outbox and kept as visible sync
issues, so the user learns what did not arrive instead of losing it silently.

Records of owner-scoped collections that mention the customer (sales targets, deviation causes)
stay: they belong to the user, not to the customer.

The customer's ``attachments`` records go like any other; their bytes (device-only rows in
``attachment_files`` and files on disk) are not touched here, inside the page's transaction:
the engine sweeps bytes no live record names after the pull committed
(``sync.attachments.sweep_unreferenced``), so a rolled-back page never loses a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fieldsales.records import ALL_RECORDS, Scope
from fieldsales.store import queries as store_queries
from fieldsales.store.errors import StoreError
from fieldsales.store.outbox import DELETE, loads_json
from fieldsales.store.uow import UnitOfWork

_CHUNK = 500  # ids per IN (...) list, well under SQLite's variable limit

#: The sync issue code of a change that could not be sent because its customer left the scope.
SCOPE_REVOKED = "scope_revoked"


@dataclass(slots=True)
class PurgeResult:
    removed: int = 0  # local records dropped
    issues: int = 0  # records whose unpushed changes became sync issues
    keys: set[tuple[str, str]] = field(default_factory=set)  # (collection, id) dropped


def _raw(uow: UnitOfWork) -> Any:
    raw = uow.session.connection().connection.dbapi_connection
    assert raw is not None
    return raw


def _chunks(items: Sequence[str]) -> list[Sequence[str]]:
    return [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def _marks(n: int) -> str:
    return ", ".join("?" for _ in range(n))


def revoked_message(name: str) -> str:
    return (
        f"U hebt geen toegang meer tot klant {name}; uw wijziging is niet verstuurd. "
        "De klant is aan een andere verkoper toegewezen."
    )


def purge_customers(uow: UnitOfWork, customer_ids: Sequence[str]) -> PurgeResult:
    """Drop these customers with everything under them; unpushed changes become issues."""
    if not uow.applying_sync:
        raise StoreError(
            "Gesynchroniseerde gegevens worden alleen bij het synchroniseren zo weggeschreven.",
            code="store_bulk_write",
        )
    result = PurgeResult()
    ids = list(dict.fromkeys(customer_ids))
    if not ids:
        return result
    raw = _raw(uow)
    names: dict[str, str] = {}
    owner_of: dict[tuple[str, str], str] = {}  # (collection, id) -> customer id
    for cls in ALL_RECORDS:
        if cls.scope is not Scope.CUSTOMER:
            continue
        table = cls.__tablename__
        column = "id" if cls.collection == "customers" else "customer_id"
        for chunk in _chunks(ids):
            if cls.collection == "customers":
                query = f'SELECT id, id, name FROM "{table}" WHERE id IN ({_marks(len(chunk))})'
            else:
                query = (
                    f'SELECT id, {column}, NULL FROM "{table}" '
                    f"WHERE {column} IN ({_marks(len(chunk))})"
                )
            for record_id, customer_id, name in raw.execute(query, tuple(chunk)):
                owner_of[(cls.collection, record_id)] = customer_id
                if name is not None:
                    names[customer_id] = name
    if not owner_of:
        return result

    # Unpushed changes of the purged records: one issue per record, with what it would have sent.
    pending: dict[tuple[str, str], list[tuple[int, str, dict[str, Any]]]] = {}
    by_collection: dict[str, list[str]] = {}
    for collection, record_id in owner_of:
        by_collection.setdefault(collection, []).append(record_id)
    for collection, record_ids in by_collection.items():
        for chunk in _chunks(record_ids):
            rows = raw.execute(
                "SELECT mid, record_id, op, fields FROM outbox WHERE collection = ? "
                f"AND record_id IN ({_marks(len(chunk))}) ORDER BY mid",
                (collection, *chunk),
            )
            for mid, record_id, op, fields in rows:
                pending.setdefault((collection, record_id), []).append(
                    (int(mid), str(op), loads_json(fields) or {})
                )
    for (collection, record_id), mutations in pending.items():
        local: dict[str, Any] = {}
        for _mid, op, fields in mutations:
            local.update(fields)
            if op == DELETE:
                local["deleted"] = True
        customer_id = owner_of[(collection, record_id)]
        store_queries.add_issue(
            uow.session,
            kind="rejected",
            collection=collection,
            record_id=record_id,
            mid=mutations[0][0],
            local_value=local,
            server_value={"customer_id": customer_id},
            code=SCOPE_REVOKED,
            message=revoked_message(names.get(customer_id, customer_id)),
        )
        mids = [mid for mid, _op, _fields in mutations]
        for chunk_mids in [mids[i : i + _CHUNK] for i in range(0, len(mids), _CHUNK)]:
            raw.execute(f"DELETE FROM outbox WHERE mid IN ({_marks(len(chunk_mids))})", chunk_mids)
        result.issues += 1

    for collection, record_ids in by_collection.items():
        table = next(cls.__tablename__ for cls in ALL_RECORDS if cls.collection == collection)
        for chunk in _chunks(record_ids):
            cursor = raw.execute(
                f'DELETE FROM "{table}" WHERE id IN ({_marks(len(chunk))})', tuple(chunk)
            )
            result.removed += int(cursor.rowcount)
    result.keys = set(owner_of)
    uow.session.expire_all()
    return result
