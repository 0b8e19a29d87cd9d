"""The basic journeys: a device's changes reach the server and another device, both equal."""

from __future__ import annotations

from datetime import UTC, datetime

from sync_support import World, assert_equal_to_server

from fieldsales.domain.enums import VisitStatus
from fieldsales.records import Contact, Customer, Visit


def test_changes_travel_from_one_device_to_another(world: World) -> None:
    phone = world.device(world.alice)
    laptop = world.device(world.alice)
    customer = phone.customer(name="Bakkerij De Korenbloem", postcode="1234ab", city="Ede")
    contact = phone.add(Contact(customer_id=customer.id, first_name="Els", last_name="Jansen"))
    visit = phone.add(
        Visit(
            customer_id=customer.id,
            owner_id=world.alice.id,
            planned_start=datetime(2026, 3, 2, 9, tzinfo=UTC),
            status=VisitStatus.REPORTED,
            report="Nieuwe broodsoorten besproken.",
        )
    )

    up = phone.sync()
    assert (up.pushed, up.applied, up.rejected, up.conflicted) == (3, 3, 0, 0)
    assert phone.pending() == 0
    # The server normalised the postcode; the phone took the server's value back.
    assert phone.get(Customer, customer.id).postcode == "1234 AB"

    down = laptop.sync()
    assert down.pushed == 0
    assert down.pulled >= 3
    assert laptop.get(Visit, visit.id).report == "Nieuwe broodsoorten besproken."
    assert laptop.get(Contact, contact.id) is not None
    assert_equal_to_server(world, phone)
    assert_equal_to_server(world, laptop)

    again = laptop.sync()
    assert (again.pushed, again.pulled, again.requests) == (0, 0, 1)  # one pull, nothing new


def test_salesperson_sees_only_own_customers(world: World) -> None:
    alice = world.device(world.alice)
    bob = world.device(world.bob)
    manager = world.device(world.manny)
    mine = alice.customer(name="Alice BV")
    his = bob.customer(name="Bob BV")
    alice.sync()
    bob.sync()
    alice.sync()
    manager.sync()
    assert alice.get(Customer, his.id) is None
    assert bob.get(Customer, mine.id) is None
    assert manager.get(Customer, mine.id) is not None
    assert manager.get(Customer, his.id) is not None
    for device in (alice, bob, manager):
        assert_equal_to_server(world, device)
