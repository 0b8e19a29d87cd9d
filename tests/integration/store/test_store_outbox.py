"""Every write through a unit of work records its outbox mutation, in the same transaction."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, update
from store_testkit import (
    fold,
    new_contact,
    new_customer,
    new_visit,
    outbox_entries,
    raw,
    wire_state,
)

from fieldsales.domain.enums import CustomerKind, VatRate, VisitStatus
from fieldsales.domain.errors import ValidationError
from fieldsales.records import Customer, PlanGoal, QuoteLine, Visit
from fieldsales.store import Store, StoreError, open_store
from fieldsales.store.queries import remove_pushed


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "fieldsales.sqlite3") as opened:
        yield opened


def _add(store: Store, *records: object) -> None:
    with store.unit_of_work() as uow:
        for record in records:
            uow.add(record)  # type: ignore[type-var]
        uow.commit()


def test_insert_records_an_upsert_with_every_data_field_as_wire_values(store: Store) -> None:
    customer = new_customer()
    line = QuoteLine(
        quote_id="q",
        customer_id=customer.id,
        product_id="p",
        quantity=Decimal("2.50"),
        unit_price_cents=1999,
        discount_percent=Decimal("12.5"),
        vat_rate=VatRate.LOW,
    )
    visit = new_visit(customer, next_visit_on=date(2026, 4, 1), products_presented=["p1", "p2"])
    _add(store, customer, line, visit)

    entries = outbox_entries(store.path)
    assert [(e["collection"], e["record_id"], e["op"]) for e in entries] == [
        ("customers", customer.id, "upsert"),
        ("quote_lines", line.id, "upsert"),
        ("visits", visit.id, "upsert"),
    ]  # in the order added: a parent is pushed before its children
    assert all(e["base_version"] is None for e in entries)
    assert [e["mid"] for e in entries] == sorted(e["mid"] for e in entries)
    line_fields = entries[1]["fields"]
    assert set(line_fields) == set(QuoteLine.data_fields())
    assert line_fields["quantity"] == "2.50"  # exact decimals as text
    assert line_fields["discount_percent"] == "12.5"
    assert line_fields["vat_rate"] == "low"  # the enum's value, not its name
    assert line_fields["created_at"].endswith("+00:00")
    visit_fields = entries[2]["fields"]
    assert visit_fields["next_visit_on"] == "2026-04-01"
    assert visit_fields["planned_start"] == "2026-03-02T09:30:00.000000+00:00"
    assert visit_fields["products_presented"] == ["p1", "p2"]
    assert visit_fields["status"] == VisitStatus.PLANNED.value
    assert fold(entries)[("visits", visit.id)] == wire_state(visit)


def test_update_records_only_the_changed_fields_and_stamps_updated_at(store: Store) -> None:
    customer = new_customer()
    visit = new_visit(customer)
    _add(store, customer, visit)
    before = visit.updated_at

    with store.unit_of_work() as uow:
        loaded = uow.session.get(Visit, visit.id)
        assert loaded is not None
        returned = uow.update(loaded, report="Nieuwe koelvitrine besproken.", satisfaction=4)
        assert returned is loaded
        uow.update(loaded, duration_minutes=loaded.duration_minutes)  # unchanged value
        uow.commit()

    entry = outbox_entries(store.path)[-1]
    assert entry["op"] == "upsert"
    assert entry["record_id"] == visit.id
    assert set(entry["fields"]) == {"report", "satisfaction", "updated_at"}
    assert entry["fields"]["report"] == "Nieuwe koelvitrine besproken."
    stamped = datetime.fromisoformat(entry["fields"]["updated_at"])
    assert stamped > before
    (row_updated_at,) = raw(store.path, "SELECT updated_at FROM visits WHERE id = ?", (visit.id,))[
        0
    ]
    assert datetime.fromisoformat(row_updated_at) == stamped


def test_setting_a_field_to_its_value_records_nothing(store: Store) -> None:
    customer = new_customer()
    _add(store, customer)
    with store.unit_of_work() as uow:
        uow.update(customer, name=customer.name, city=customer.city)
        uow.commit()
    assert len(outbox_entries(store.path)) == 1


def test_changes_made_by_plain_attribute_assignment_are_captured_too(store: Store) -> None:
    customer = new_customer()
    _add(store, customer)
    with store.unit_of_work() as uow:
        loaded = uow.session.get(Customer, customer.id)
        assert loaded is not None
        loaded.phone = "+31 30 123 4567"
        uow.commit()
    entry = outbox_entries(store.path)[-1]
    assert set(entry["fields"]) == {"phone", "updated_at"}


def test_update_of_a_record_from_another_session_uses_the_stored_row(store: Store) -> None:
    customer = new_customer(city="Utrecht")
    _add(store, customer)
    stale = customer  # detached after its unit of work, still says Utrecht
    with store.unit_of_work() as uow:
        uow.update(customer, city="Zeist")
        uow.commit()
    with store.unit_of_work() as uow:
        fresh = uow.update(stale, name="Bakkerij Zeist")
        assert fresh is not stale
        assert fresh.city == "Zeist"  # the stale city is neither written back nor sent
        uow.commit()
    entry = outbox_entries(store.path)[-1]
    assert set(entry["fields"]) == {"name", "updated_at"}
    assert raw(store.path, "SELECT city, name FROM customers") == [("Zeist", "Bakkerij Zeist")]


def test_delete_is_a_tombstone_recorded_as_op_delete(store: Store) -> None:
    customer = new_customer()
    contact = new_contact(customer)
    _add(store, customer, contact)
    with store.unit_of_work() as uow:
        returned = uow.delete(contact)
        assert returned.deleted
        uow.commit()
    assert raw(store.path, "SELECT deleted FROM contacts WHERE id = ?", (contact.id,)) == [(1,)]
    entry = outbox_entries(store.path)[-1]
    assert (entry["collection"], entry["record_id"], entry["op"]) == (
        "contacts",
        contact.id,
        "delete",
    )
    assert set(entry["fields"]) == {"updated_at"}
    # Deleting again changes nothing and records nothing.
    with store.unit_of_work() as uow:
        uow.delete(contact)
        uow.commit()
    assert outbox_entries(store.path)[-1]["mid"] == entry["mid"]


def test_undelete_sends_the_whole_record_again(store: Store) -> None:
    customer = new_customer()
    _add(store, customer)
    with store.unit_of_work() as uow:
        uow.delete(customer)
        uow.commit()
    with store.unit_of_work() as uow:
        loaded = uow.session.get(Customer, customer.id)
        assert loaded is not None
        loaded.deleted = False
        uow.commit()
    entry = outbox_entries(store.path)[-1]
    assert entry["op"] == "upsert"
    assert set(entry["fields"]) == set(Customer.data_fields())
    assert fold(outbox_entries(store.path))[("customers", customer.id)]["deleted"] is False


def test_a_hard_delete_of_a_synced_record_is_refused(store: Store) -> None:
    customer = new_customer()
    _add(store, customer)
    with store.unit_of_work() as uow:
        loaded = uow.session.get(Customer, customer.id)
        with pytest.raises(StoreError) as caught:
            uow.session.delete(loaded)
        assert caught.value.code == "store_hard_delete"
    with store.unit_of_work() as uow, pytest.raises(StoreError) as bulk:
        uow.session.execute(delete(Customer).where(Customer.id == customer.id))
    assert bulk.value.code == "store_bulk_write"
    assert raw(store.path, "SELECT count(*) FROM customers") == [(1,)]


def test_bulk_statements_that_would_bypass_the_outbox_are_refused(store: Store) -> None:
    customer = new_customer()
    _add(store, customer)
    with store.unit_of_work() as uow:
        for statement in (
            update(Customer).values(city="Breda"),
            insert(Customer).values(owner_id="o", name="x", id="x"),
        ):
            with pytest.raises(StoreError) as caught:
                uow.session.execute(statement)
            assert caught.value.code == "store_bulk_write"
    assert raw(store.path, "SELECT city FROM customers") == [("Utrecht",)]


def test_leaving_without_commit_rolls_back_rows_and_outbox(store: Store) -> None:
    customer = new_customer()
    with store.unit_of_work() as uow:
        uow.add(customer)
        uow.add(new_visit(customer))
        uow.flush()  # the rows and outbox entries are written, but not committed
        assert raw(store.path, "SELECT count(*) FROM outbox") == [(0,)]  # invisible outside
    assert raw(store.path, "SELECT count(*) FROM customers") == [(0,)]
    assert raw(store.path, "SELECT count(*) FROM visits") == [(0,)]
    assert outbox_entries(store.path) == []


def test_an_exception_in_the_block_rolls_back_everything(store: Store) -> None:
    customer = new_customer()
    _add(store, customer)

    def failing_service() -> None:
        with store.unit_of_work() as uow:
            uow.update(customer, name="Half gedaan")
            uow.add(new_visit(customer))
            uow.flush()
            raise RuntimeError("the service failed half-way")

    with pytest.raises(RuntimeError):
        failing_service()
    assert raw(store.path, "SELECT name FROM customers") == [("Bakkerij de Vries",)]
    assert raw(store.path, "SELECT count(*) FROM visits") == [(0,)]
    assert len(outbox_entries(store.path)) == 1


def test_the_applying_sync_flag_suppresses_capture(store: Store) -> None:
    pulled = new_customer(version=41)
    stamp = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    pulled.updated_at = stamp
    with store.unit_of_work(applying_sync=True) as uow:
        assert uow.session.info["applying_sync"] is True
        uow.add(pulled)
        uow.commit()
    with store.unit_of_work() as uow:
        uow.session.info["applying_sync"] = True  # the flag itself, as the sync engine may set it
        uow.update(pulled, city="Gouda", version=42)
        uow.commit()
    assert outbox_entries(store.path) == []
    assert raw(store.path, "SELECT city, version, updated_at FROM customers") == [
        ("Gouda", 42, stamp.isoformat(timespec="microseconds"))
    ]  # the server's updated_at is kept, not restamped


def test_base_version_is_the_server_version_the_change_was_made_on(store: Store) -> None:
    pulled = new_customer(version=41)
    with store.unit_of_work(applying_sync=True) as uow:
        uow.add(pulled)
        uow.commit()
    with store.unit_of_work() as uow:
        uow.update(pulled, city="Gouda")
        uow.commit()
    with store.unit_of_work() as uow:
        uow.delete(pulled)
        uow.commit()
    entries = outbox_entries(store.path)
    assert [(e["op"], e["base_version"]) for e in entries] == [("upsert", 41), ("delete", 41)]


def test_each_flush_is_its_own_mutation_and_mids_are_never_reused(store: Store) -> None:
    customer = new_customer()
    with store.unit_of_work() as uow:
        uow.add(customer)
        uow.flush()
        uow.update(customer, city="Delft")
        uow.commit()
    entries = outbox_entries(store.path)
    assert [e["op"] for e in entries] == ["upsert", "upsert"]
    assert set(entries[1]["fields"]) == {"city", "updated_at"}
    with store.unit_of_work() as uow:
        assert remove_pushed(uow.session, up_to_mid=entries[-1]["mid"]) == 2
        uow.commit()
    with store.unit_of_work() as uow:
        uow.update(customer, city="Leiden")
        uow.commit()
    # AUTOINCREMENT: a new mid is above every mid ever pushed, so the server never skips it.
    assert outbox_entries(store.path)[0]["mid"] == entries[-1]["mid"] + 1


def test_invalid_records_are_refused_in_dutch_before_anything_is_written(store: Store) -> None:
    customer = new_customer()
    with store.unit_of_work() as uow, pytest.raises(ValidationError) as caught:
        uow.add(new_customer(postcode="1234 ABCDEF"))
    assert caught.value.field == "postcode"
    assert caught.value.code == "invalid"
    assert "te lang" in caught.value.message
    _add(store, customer)
    visit = new_visit(customer)
    _add(store, visit)
    with store.unit_of_work() as uow:
        with pytest.raises(ValidationError) as range_error:
            uow.update(visit, satisfaction=9)
        assert "hoogstens 5" in range_error.value.message
        assert visit.satisfaction is None  # the failed update changed nothing
        with pytest.raises(ValidationError):
            uow.update(visit, status="bezig")
        uow.commit()
    assert len(outbox_entries(store.path)) == 2


def test_values_are_coerced_to_their_field_types_before_they_are_stored(store: Store) -> None:
    customer = new_customer(kind="prospect", customer_since="2025-06-01")
    _add(store, customer)
    assert customer.kind is CustomerKind.PROSPECT
    assert customer.customer_since == date(2025, 6, 1)
    with store.unit_of_work() as uow:
        customer = uow.update(customer, kind="customer", employees="12")
        uow.commit()
    assert customer.kind is CustomerKind.CUSTOMER
    assert customer.employees == 12
    fields = outbox_entries(store.path)[-1]["fields"]
    assert (fields["kind"], fields["employees"]) == ("customer", 12)


def test_misuse_of_the_api_is_a_programming_error(store: Store) -> None:
    customer = new_customer()
    _add(store, customer)
    with store.unit_of_work() as uow:
        with pytest.raises(TypeError, match="colour"):
            uow.update(customer, colour="blauw")
        with pytest.raises(ValueError, match="deleted"):
            uow.update(customer, deleted=True)
        with pytest.raises(ValueError, match="update"):
            uow.add(uow.session.get(Customer, customer.id))  # type: ignore[type-var]
    gone = new_customer()
    with store.unit_of_work() as uow, pytest.raises(StoreError) as caught:
        uow.update(gone, name="x")
    assert caught.value.code == "store_not_found"


def test_records_stay_readable_after_their_unit_of_work(store: Store) -> None:
    customer = new_customer()
    goal = PlanGoal(plan_id="p", customer_id=customer.id, target_value=Decimal("1500.00"))
    _add(store, customer, goal)
    # expire_on_commit is off: a service returns what it wrote, and the UI reads it later.
    assert goal.target_value == Decimal("1500.00")
    assert customer.name == "Bakkerij de Vries"


def test_everything_in_the_file_is_what_the_outbox_replays(store: Store) -> None:
    customers = [new_customer(name=f"Klant {i}") for i in range(3)]
    _add(store, *customers)
    visits = [new_visit(customers[i % 3], topics=f"onderwerp {i}") for i in range(6)]
    _add(store, *visits)
    with store.unit_of_work() as uow:
        uow.update(visits[0], status=VisitStatus.REPORTED, reported_at=datetime.now(UTC))
        uow.update(visits[1], planned_start=visits[1].planned_start + timedelta(days=1))
        uow.delete(visits[2])
        uow.update(customers[0], kind="prospect", notes="Wil offerte")
        uow.commit()
    replayed = fold(outbox_entries(store.path))
    with store.read() as session:
        for record in [*customers, *visits]:
            stored = session.get(type(record), record.id)
            assert stored is not None
            assert replayed[(type(record).collection, record.id)] == wire_state(stored)
