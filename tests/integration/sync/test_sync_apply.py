"""``store.sync_apply``: pulled wire records become exactly the rows the ORM would write, and
local edits that are not pushed yet survive a pull. No server needed."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from fieldsales.demo import generate
from fieldsales.records import ALL_RECORDS, Attachment, Customer, SyncedRecord
from fieldsales.store import Store, open_store
from fieldsales.store import queries as store_queries
from fieldsales.store.bulk import upsert_records
from fieldsales.store.sync_apply import PulledRecordError, apply_pulled, prepare_page


def wire(record: SyncedRecord, version: int) -> dict[str, Any]:
    return {
        "collection": record.collection,
        "id": record.id,
        "version": version,
        "deleted": False,
        "data": record.to_wire(),
    }


def demo_records() -> list[SyncedRecord]:
    data = generate(
        seed=3,
        salespeople=1,
        customers_per_salesperson=25,
        prospects_per_salesperson=3,
        years=2,
        today=date(2026, 11, 28),
    )
    records = list(data.records())
    customer = data.customers[0]
    records.append(
        Attachment(
            customer_id=customer.id,
            record_collection="visits",
            record_id=data.visits[0].id,
            sha256="ab" * 32,
            filename="memo.m4a",
            content_type="audio/mp4",
            size_bytes=12345,
        )
    )
    return records


def table_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as conn:
        names = [str(cls.__tablename__) for cls in ALL_RECORDS]
        return {
            name: conn.execute(f'SELECT * FROM "{name}" ORDER BY id').fetchall() for name in names
        }


def test_pulled_rows_equal_what_the_orm_writes(tmp_path: Path) -> None:
    records = demo_records()
    kinds = {r.collection for r in records}
    assert kinds == {cls.collection for cls in ALL_RECORDS}  # every table is covered

    orm = open_store(tmp_path / "orm.sqlite3")
    with orm.unit_of_work(applying_sync=True) as uow:
        for version, record in enumerate(records, start=1):
            record.version = version
        upsert_records(uow, records)
        uow.commit()
    orm.close()

    pulled = open_store(tmp_path / "pulled.sqlite3")
    page = [wire(r, r.version or 0) for r in records]
    with pulled.unit_of_work(applying_sync=True) as uow:
        result = apply_pulled(uow, page)
        uow.commit()
    assert result.inserted == len(records)
    with pulled.read() as session:
        assert store_queries.count_pending(session) == 0  # pulled data is never pushed back
        # The search index was kept by the triggers although contacts went in first.
        name = records[[r.collection for r in records].index("customers")].name  # type: ignore[attr-defined]
        found = store_queries.search_customers(session, name.split()[0])
        assert name in [c.name for c in found]
    pulled.close()
    assert table_rows(tmp_path / "pulled.sqlite3") == table_rows(tmp_path / "orm.sqlite3")

    # The same page again (a repeated page after a crash) changes nothing.
    again = open_store(tmp_path / "pulled.sqlite3")
    with again.unit_of_work(applying_sync=True) as uow:
        result = apply_pulled(uow, page)
        uow.commit()
    assert (result.inserted, result.updated) == (0, len(records))
    again.close()
    assert table_rows(tmp_path / "pulled.sqlite3") == table_rows(tmp_path / "orm.sqlite3")


def synced_customer(store: Store, **fields: Any) -> Customer:
    customer = Customer(owner_id="u1", name="Oud", city="Ede", version=5, **fields)
    with store.unit_of_work(applying_sync=True) as uow:
        apply_pulled(uow, [wire(customer, 5)])
        uow.commit()
    with store.read() as session:
        stored = session.get(Customer, customer.id)
        assert stored is not None
        return stored


def test_unpushed_local_fields_win_over_pulled_ones(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    customer = synced_customer(store)
    with store.unit_of_work() as uow:  # the user edits the city, not yet pushed
        uow.update(customer, city="Arnhem")
        uow.commit()
    server = customer.model_copy(update={"name": "Nieuw", "city": "Zwolle"})
    with store.unit_of_work(applying_sync=True) as uow:
        result = apply_pulled(uow, [wire(server, 9)])
        uow.commit()
    assert result.kept_local == 1
    with store.read() as session:
        stored = session.get(Customer, customer.id)
        assert stored is not None
        assert (stored.name, stored.city, stored.version) == ("Nieuw", "Arnhem", 9)
        pending = store_queries.pending_mutations(session)
    assert [m.fields.keys() - {"updated_at"} for m in pending] == [{"city"}]


def test_a_pending_delete_stays_deleted_and_old_pages_are_skipped(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    customer = synced_customer(store)
    with store.unit_of_work() as uow:
        uow.delete(customer)
        uow.commit()
    newer = customer.model_copy(update={"name": "Nieuw"})
    with store.unit_of_work(applying_sync=True) as uow:
        apply_pulled(uow, [wire(newer, 7)])
        stale = apply_pulled(uow, [wire(newer, 6)])
        uow.commit()
    assert stale.stale == 1
    with store.read() as session:
        stored = session.get(Customer, customer.id)
        assert stored is not None
        assert (stored.deleted, stored.name, stored.version) == (True, "Nieuw", 7)


def test_tombstones_apply_to_known_records_only(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    customer = synced_customer(store)
    tombstones = [
        {"collection": "customers", "id": customer.id, "version": 8, "deleted": True, "data": None},
        {
            "collection": "customers",
            "id": "never-seen",
            "version": 9,
            "deleted": True,
            "data": None,
        },
        {"collection": "holograms", "id": "x", "version": 10, "deleted": False, "data": {}},
    ]
    with store.unit_of_work(applying_sync=True) as uow:
        result = apply_pulled(uow, tombstones)
        uow.commit()
    assert (result.deleted, result.unknown, result.inserted) == (1, 1, 0)
    with store.read() as session:
        stored = session.get(Customer, customer.id)
        assert stored is not None
        assert stored.deleted
        assert session.get(Customer, "never-seen") is None


def test_values_are_converted_to_column_types(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    record = {
        "collection": "customers",
        "id": "c-1",
        "version": 3,
        "deleted": False,
        "data": {
            "owner_id": "u1",
            "name": "Hotel Zon",
            "kind": "prospect",
            "created_at": "2026-01-01T10:00:00+01:00",  # not UTC: normalised
            "updated_at": "2026-01-01T09:00:00.000000+00:00",
            "customer_since": "2025-12-31",
            "potential_revenue_cents": 1250000,
        },  # the other fields are missing: their defaults are stored
    }
    with store.unit_of_work(applying_sync=True) as uow:
        apply_pulled(uow, [record])
        uow.commit()
    with store.read() as session:
        customer = session.get(Customer, "c-1")
    assert customer is not None
    assert customer.kind.value == "prospect"
    assert customer.created_at == datetime(2026, 1, 1, 9, tzinfo=UTC)
    assert customer.customer_since == date(2025, 12, 31)
    assert (customer.country, customer.notes) == ("NL", "")
    assert isinstance(customer.potential_revenue_cents, int)


@pytest.mark.parametrize(
    "bad",
    [
        {"collection": "customers", "id": 5, "version": 1, "data": {}},
        {"collection": "customers", "id": "a", "version": "1", "data": {}},
        {"collection": "customers", "id": "a", "version": 1, "data": None},
        {"collection": "customers", "id": "a", "version": 1, "data": {"kind": "alien"}},
        {"id": "a", "version": 1},
    ],
)
def test_malformed_records_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(PulledRecordError):
        prepare_page([bad])
