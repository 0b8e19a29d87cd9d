"""Several devices, one record: merges per field, conflict copies, deletes against edits,
refused mutations, clocks that lie, and writes that happen while a device pages."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from faultproxy import Fault, FaultProxy, Request
from sqlalchemy import delete
from sync_support import FAST, Device, World, assert_equal_to_server, seed_portfolio

from fieldsales.records import Contact, Customer, Visit
from fieldsales.store import outbox as store_outbox
from fieldsales.store import queries as store_queries
from fieldsales.store.local_tables import outbox
from fieldsales.sync.errors import SyncStalledError


def shared_customer(world: World, *devices: Device, **fields: object) -> Customer:
    """A customer made on the first device and synced to all of them."""
    customer = devices[0].customer(**fields)
    for device in devices:
        device.sync()
    return customer


def test_two_devices_editing_different_fields_both_survive(world: World) -> None:
    phone, laptop = world.device(world.alice), world.device(world.alice)
    customer = shared_customer(world, phone, laptop, name="Café Het Hoekje", city="Ede")
    phone.update(Customer, customer.id, phone="0318-123456")
    laptop.update(Customer, customer.id, city="Wageningen")
    phone.sync()
    summary = laptop.sync()
    assert summary.merged + summary.conflicted == 1
    phone.sync()
    for device in (phone, laptop):
        stored = device.get(Customer, customer.id)
        assert stored is not None
        assert (stored.phone, stored.city) == (
            "+31318123456",
            "Wageningen",
        )  # normalised by the server
        assert device.issues() == []  # updated_at changed on both: not a user conflict
        assert_equal_to_server(world, device)


def test_the_same_field_last_arrival_wins_and_the_loser_is_kept(world: World) -> None:
    phone, laptop = world.device(world.alice), world.device(world.alice)
    customer = shared_customer(world, phone, laptop, name="Hotel De Zon")
    phone.update(Customer, customer.id, notes="Wil een offerte voor linnen.")
    laptop.update(Customer, customer.id, notes="Belt terug na de zomer.")
    phone.sync()
    summary = laptop.sync()  # arrives last: wins
    assert summary.conflicted == 1
    (issue,) = laptop.issues()
    assert (issue.kind, issue.field, issue.record_id) == ("conflict", "notes", customer.id)
    assert issue.local_value == "Belt terug na de zomer."
    assert issue.server_value == "Wil een offerte voor linnen."  # the losing text, kept
    phone.sync()
    for device in (phone, laptop):
        stored = device.get(Customer, customer.id)
        assert stored is not None
        assert stored.notes == "Belt terug na de zomer."
        assert_equal_to_server(world, device)


def test_edit_on_one_device_delete_on_another(world: World) -> None:
    phone, laptop = world.device(world.alice), world.device(world.alice)
    customer = shared_customer(world, phone, laptop, name="Snackbar Frituur")
    visit = phone.add(
        Visit(
            customer_id=customer.id,
            owner_id=world.alice.id,
            planned_start=datetime(2026, 5, 1, 10, tzinfo=UTC),
        )
    )
    phone.sync()
    laptop.sync()
    laptop.delete(Visit, visit.id)
    laptop.sync()
    phone.update(Visit, visit.id, report="Toch geweest, verslag volgt.")
    summary = phone.sync()
    assert summary.rejected == 1
    (issue,) = phone.issues()
    assert (issue.kind, issue.code, issue.record_id) == ("rejected", "deleted", visit.id)
    assert issue.local_value["report"] == "Toch geweest, verslag volgt."  # visible, not lost
    stored = phone.get(Visit, visit.id)
    assert stored is None or stored.deleted
    assert_equal_to_server(world, phone)
    # A fresh install never brings the deleted visit back.
    fresh = world.device(world.alice)
    fresh.sync()
    stored = fresh.get(Visit, visit.id)
    assert stored is None or stored.deleted
    assert_equal_to_server(world, fresh)


def test_delete_after_an_edit_wins(world: World) -> None:
    phone, laptop = world.device(world.alice), world.device(world.alice)
    customer = shared_customer(world, phone, laptop, name="IJssalon")
    phone.update(Customer, customer.id, city="Tiel")
    phone.sync()
    laptop.delete(Customer, customer.id)
    assert laptop.sync().rejected == 0
    phone.sync()
    for device in (phone, laptop):
        stored = device.get(Customer, customer.id)
        assert stored is not None
        assert stored.deleted
        assert_equal_to_server(world, device)


def test_clocks_a_year_off_do_not_decide_who_wins(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Versions come from the server, so a device whose clock runs a year ahead does not win
    over a later edit from a device whose clock runs a year behind."""
    ahead, behind = world.device(world.alice), world.device(world.alice)
    customer = shared_customer(world, ahead, behind, name="Tijdloos BV")
    now = datetime.now(UTC)
    monkeypatch.setattr(store_outbox, "utcnow", lambda: now + timedelta(days=365))
    ahead.update(Customer, customer.id, city="Toekomst")
    ahead.sync()
    monkeypatch.setattr(store_outbox, "utcnow", lambda: now - timedelta(days=365))
    behind.update(Customer, customer.id, city="Verleden")
    behind.sync()
    ahead.sync()
    for device in (ahead, behind):
        stored = device.get(Customer, customer.id)
        assert stored is not None
        assert stored.city == "Verleden"  # arrived last
        assert_equal_to_server(world, device)


def test_one_invalid_mutation_does_not_block_the_batch(world: World) -> None:
    phone = world.device(world.alice)
    customers = [phone.customer(name=f"Klant {i}") for i in range(10)]
    orphan = phone.add(Contact(customer_id="not-a-customer", last_name="Nergens"))
    after = [phone.customer(name=f"Later {i}") for i in range(5)]
    summary = phone.sync()
    assert (summary.applied, summary.rejected) == (15, 1)
    assert phone.pending() == 0  # the queue is empty: nothing waits behind the refusal
    (issue,) = phone.issues()
    assert (issue.record_id, issue.code) == (orphan.id, "unknown_customer")
    assert issue.local_value["last_name"] == "Nergens"
    assert phone.get(Contact, orphan.id) is None  # refused creation: the data is in the issue
    for customer in customers + after:
        assert phone.get(Customer, customer.id) is not None
    assert_equal_to_server(world, phone)


def test_a_refused_edit_is_rolled_back_to_the_servers_value(world: World) -> None:
    alice = world.device(world.alice)
    customer = shared_customer(world, alice, name="Eigen BV", city="Ede")
    alice.update(Customer, customer.id, owner_id=world.bob.id, city="Elders")  # not hers to give
    summary = alice.sync()
    assert summary.rejected == 1
    (issue,) = alice.issues()
    assert (issue.code, issue.local_value["owner_id"]) == ("forbidden", world.bob.id)
    # Nothing new came down in the pull; the repair fetched the record back as the server has it.
    stored = alice.get(Customer, customer.id)
    assert stored is not None
    assert (stored.city, stored.owner_id) == ("Ede", world.alice.id)
    assert_equal_to_server(world, alice)


def test_a_push_with_gaps_in_its_mids(world: World) -> None:
    phone = world.device(world.alice)
    made = [phone.customer(name=f"Gat {i}") for i in range(6)]
    with phone.store.unit_of_work() as uow:  # an outbox that coalesced some entries
        uow.session.execute(delete(outbox).where(outbox.c.record_id.in_([made[1].id, made[4].id])))
        uow.commit()
    with phone.store.read() as session:
        mids = [m.mid for m in store_queries.pending_mutations(session)]
    assert mids == [1, 3, 4, 6]
    summary = phone.sync()
    assert summary.applied == 4
    names = {data["name"] for data in world.server_records(world.alice).values() if "name" in data}
    assert {"Gat 0", "Gat 2", "Gat 3", "Gat 5"} <= names


def test_writes_during_a_paged_pull_are_not_missed(world: World) -> None:
    seed_portfolio(world, world.alice, customers=10)
    writer = world.device(world.alice)
    writer.sync()
    first_customer = next(key[1] for key in writer.live_records() if key[0] == "customers")
    with FaultProxy(world.backend.url) as proxy:
        reader = world.device(
            world.alice, url=proxy.url, options=replace(FAST, pull_limit=100, prefetch=False)
        )
        done: list[bool] = []

        def write_meanwhile(request: Request) -> None:
            if done:
                return
            done.append(True)
            writer.update(Customer, first_customer, city="Tijdens het ophalen")
            writer.customer(name="Nieuw tijdens het ophalen")
            writer.sync()

        proxy.add(Fault("call", path="/sync/pull", skip=2, fn=write_meanwhile))
        reader.sync()
    assert done
    stored = reader.get(Customer, first_customer)
    assert stored is not None
    assert stored.city == "Tijdens het ophalen"
    assert_equal_to_server(world, reader)


def test_a_local_edit_made_while_pulling_survives_and_is_pushed(world: World) -> None:
    seed_portfolio(world, world.alice, customers=6)
    phone = world.device(world.alice)
    phone.sync()
    other = world.device(world.alice)
    other.sync()
    customer_id = next(key[1] for key in phone.live_records() if key[0] == "customers")
    other.update(Customer, customer_id, city="Van elders", name="Andere naam")
    other.sync()
    with FaultProxy(world.backend.url) as proxy:
        phone.engine.client.http.base_url = proxy.url
        edited: list[bool] = []

        def edit(request: Request) -> None:
            if not edited:
                edited.append(True)
                phone.update(Customer, customer_id, city="Mijn stad")

        proxy.add(Fault("call", path="/sync/pull", fn=edit))
        summary = phone.sync()
    assert summary.kept_local == 1
    stored = phone.get(Customer, customer_id)
    assert stored is not None
    assert (stored.name, stored.city) == ("Andere naam", "Mijn stad")
    assert phone.pending() == 1
    phone.engine.client.http.base_url = world.backend.url
    phone.sync()
    other.sync()
    for device in (phone, other):
        assert_equal_to_server(world, device)
    stored = other.get(Customer, customer_id)
    assert stored is not None
    assert stored.city == "Mijn stad"


def test_editing_again_after_a_push_is_no_conflict_with_oneself(world: World) -> None:
    """The push's answer gives the record its new version (and rebases the edits made since),
    so the next edit of the same field is not taken for a conflict with the device's own."""
    with FaultProxy(world.backend.url) as proxy:
        phone = world.device(world.alice, url=proxy.url, options=replace(FAST, stall_timeout=0.5))
        customer = shared_customer(world, phone, name="Twee keer")
        phone.update(Customer, customer.id, notes="Eerste versie")
        proxy.add(Fault("drop_before", path="/sync/pull", times=1000))  # push only
        with pytest.raises(SyncStalledError):
            phone.sync()
        phone.update(Customer, customer.id, notes="Tweede versie")
        proxy.clear()
        summary = phone.sync()
    assert (summary.applied, summary.conflicted, summary.merged) == (1, 0, 0)
    assert phone.issues() == []
    assert_equal_to_server(world, phone)
