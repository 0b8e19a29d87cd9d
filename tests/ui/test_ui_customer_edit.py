"""Keeping the customer file current: details with Dutch checks at their field, contacts added,
changed and removed, and a customer marked lost."""

from __future__ import annotations

import flet as ft
from flet_harness import FletHarness
from sqlmodel import select
from test_ui_customers import customers_screen
from ui_data import NOW, Day

from fieldsales.domain.enums import CustomerKind
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Contact, Customer, TargetGroup
from fieldsales.services import customers
from fieldsales.store import Store


def stored_customer(store: Store, customer_id: str) -> Customer:
    with store.read() as session:
        found = session.get(Customer, customer_id)
    assert found is not None
    return found


def live_contacts(store: Store, customer_id: str) -> list[Contact]:
    with store.read() as session:
        rows = session.exec(select(Contact).where(Contact.customer_id == customer_id)).all()
    return [c for c in rows if not c.deleted]


async def open_file(store: Store, actor: Actor, day: Day) -> FletHarness:
    h = await customers_screen(store, actor)
    await h.click(h.get(key=f"customer-{day.customers[0].id}"))
    return h


async def test_details_are_checked_at_their_field_and_saved(
    store: Store, actor: Actor, day: Day
) -> None:
    customer = day.customers[0]
    h = await open_file(store, actor, day)
    await h.click(h.get(key="file-edit"))
    assert h.get(key="customer-edit-postcode").value == "3511 AB"
    assert h.get(key="customer-edit-phone").value == "030 123 4567"  # as a Dutch user reads it

    await h.enter_text(h.get(key="customer-edit-kvk_number"), "123")
    await h.enter_text(h.get(key="customer-edit-postcode"), "3512jk")
    await h.click(h.get(key="customer-edit-save"))
    assert "KvK" in str(h.get(key="customer-edit-kvk_number").error)
    assert stored_customer(store, customer.id).postcode == "3511 AB"  # nothing saved

    await h.enter_text(h.get(key="customer-edit-kvk_number"), "12345678")
    await h.click(h.get(key="customer-edit-save"))
    assert h.crashes() == []
    after = stored_customer(store, customer.id)
    assert (after.kvk_number, after.postcode, after.phone) == (
        "12345678",
        "3512 JK",
        customer.phone,  # untouched: not sent at all
    )
    assert h.snack_texts()[-1] == "Klantgegevens opgeslagen."
    assert h.has_text("3512 JK")


async def test_a_contact_is_added_changed_and_removed(store: Store, actor: Actor, day: Day) -> None:
    customer = day.customers[0]
    h = await open_file(store, actor, day)
    await h.click(h.get(key="file-add-contact"))
    await h.enter_text(h.get(key="contact-first_name"), "Pieter")
    await h.enter_text(h.get(key="contact-mobile"), "12345")
    await h.click(h.get(key="contact-save"))
    assert h.get(key="contact-last_name").error == "Vul een achternaam in."
    await h.enter_text(h.get(key="contact-last_name"), "Bakker")
    await h.click(h.get(key="contact-save"))
    assert h.get(key="contact-mobile").error  # a phone check, shown at the mobile field
    assert h.get(key="contact-phone").error is None
    await h.enter_text(h.get(key="contact-mobile"), "06 1234 5679")
    await h.enter_text(h.get(key="contact-job_title"), "Inkoper")
    await h.click(h.get(key="contact-save"))
    [pieter] = [c for c in live_contacts(store, customer.id) if c.last_name == "Bakker"]
    assert (pieter.first_name, pieter.mobile, pieter.job_title) == (
        "Pieter",
        "+31612345679",
        "Inkoper",
    )
    assert h.snack_texts()[-1] == "Pieter Bakker opgeslagen."
    tile = h.get(key=f"file-contact-{pieter.id}")
    assert tile.title.value == "Pieter Bakker"

    await h.click(tile)
    await h.enter_text(h.get(key="contact-job_title"), "Bedrijfsleider")
    await h.click(h.get(key="contact-save"))
    assert [c.job_title for c in live_contacts(store, customer.id) if c.id == pieter.id] == [
        "Bedrijfsleider"
    ]

    await h.click(h.get(key=f"file-contact-{pieter.id}"))
    await h.click(h.get(key="contact-remove"))
    await h.click(h.get(key="contact-remove-confirm"))
    assert [c.id for c in live_contacts(store, customer.id)] == [day.contacts[0].id]
    assert not h.find(key=f"file-contact-{pieter.id}")
    assert h.snack_texts()[-1] == "Pieter Bakker verwijderd."
    assert h.crashes() == []


async def test_a_lost_customer_stays_in_the_file_marked_lost(
    store: Store, actor: Actor, day: Day
) -> None:
    customer = day.customers[0]
    h = await open_file(store, actor, day)
    await h.click(h.get(key="file-lost"))
    await h.enter_text(h.get(key="lost-reason"), "Naar de concurrent")
    await h.click(h.get(key="lost-save"))
    after = stored_customer(store, customer.id)
    assert (after.lost_on, after.lost_reason) == (NOW.date(), "Naar de concurrent")
    assert h.get(key="file-facts").value == "Klant · verloren op 27-11-2026"
    menu = h.get(key="file-menu")
    assert isinstance(menu, ft.PopupMenuButton)
    assert [item.data for item in menu.items] == ["file-edit"]  # not lost twice


async def test_a_target_group_is_assigned_and_sets_the_visit_rhythm(
    store: Store, actor: Actor, day: Day
) -> None:
    with store.unit_of_work(applying_sync=True) as uow:  # imported by the administrator
        group = TargetGroup(code="A", name="A-klanten", visit_interval_days=30)
        uow.add(group)
        uow.commit()
    customer = day.customers[0]
    h = await open_file(store, actor, day)
    await h.click(h.get(key="file-edit"))
    picker = h.get(key="customer-edit-target_group")
    assert [o.text for o in picker.options] == [
        "Geen doelgroep",
        "A-klanten (bezoek elke 30 dagen)",
    ]
    await h.select(picker, group.id)
    await h.click(h.get(key="customer-edit-save"))
    assert stored_customer(store, customer.id).target_group_id == group.id

    await h.click(h.get(key="file-edit"))
    await h.select(h.get(key="customer-edit-target_group"), "-")
    await h.click(h.get(key="customer-edit-save"))
    assert stored_customer(store, customer.id).target_group_id is None


async def test_a_prospects_size_potential_and_supplier_are_kept_and_shown(
    store: Store, actor: Actor, day: Day
) -> None:
    prospect = customers.create_customer(
        store, actor=actor, name="Lunchroom De Zon", kind=CustomerKind.PROSPECT, city="Utrecht"
    )
    h = await customers_screen(store, actor)
    await h.click(h.get(key=f"customer-{prospect.id}"))
    await h.click(h.get(key="file-edit"))
    await h.enter_text(h.get(key="customer-edit-employees"), "twaalf")
    await h.click(h.get(key="customer-edit-save"))
    assert h.get(key="customer-edit-employees").error == "Vul een aantal in, bijvoorbeeld 25."
    await h.enter_text(h.get(key="customer-edit-employees"), "12")
    await h.enter_text(h.get(key="customer-edit-potential_revenue_cents"), "45.000")
    await h.enter_text(h.get(key="customer-edit-current_supplier"), "Sligro")
    await h.click(h.get(key="customer-edit-save"))
    after = stored_customer(store, prospect.id)
    assert (after.employees, after.potential_revenue_cents, after.current_supplier) == (
        12,
        4_500_000,
        "Sligro",
    )
    assert h.get(key="file-facts").value == (
        "Prospect · 12 medewerkers · potentie € 45.000,00 per jaar · nu bij Sligro"
    )
    await h.click(h.get(key="file-edit"))  # shown again the Dutch way, and left untouched
    assert h.get(key="customer-edit-potential_revenue_cents").value == "45.000,00"
