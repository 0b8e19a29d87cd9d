"""Bellijst (call outcome in one flow, a new prospect) and Plannen (status of account plans;
a plan opens from the list)."""

from __future__ import annotations

from datetime import date, datetime, time

import flet as ft
from flet_harness import FletHarness
from sqlmodel import select
from ui_data import NOW, clock

from fieldsales.domain.enums import CallOutcome, CustomerKind, PlanStatus
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import CallLog, Customer, Visit
from fieldsales.services import customers, plans
from fieldsales.store import Store
from fieldsales.ui.main import build_app


async def open_tab(store: Store, actor: Actor, index: int) -> FletHarness:
    h = await FletHarness().start(
        lambda page: build_app(page, store=store, actor=actor, clock=clock)
    )
    await h.navigate(h.get(key="nav-bar"), index)
    return h


def prospect(store: Store, actor: Actor, name: str) -> Customer:
    return customers.create_customer(
        store,
        actor=actor,
        name=name,
        kind=CustomerKind.PROSPECT,
        city="Amersfoort",
        phone="0331234567",
    )


async def test_call_list_logs_an_appointment_as_a_planned_visit(store: Store, actor: Actor) -> None:
    lead = prospect(store, actor, "Drukkerij Veenstra")
    h = await open_tab(store, actor, 2)
    assert h.get(key="screen-title").value == "Bellijst"
    assert h.has_text("Amersfoort · nog niet gebeld")
    await h.click(h.get(key=f"log-call-{lead.id}"))
    await h.click(h.get(key="outcome-appointment"))
    await h.click(h.get(key="call-save"))
    assert h.get(key="call-date").error == "Kies een datum."
    await h.enter_text(h.get(key="call-date"), "03-12-2026")
    await h.enter_text(h.get(key="call-time"), "14:00")
    await h.click(h.get(key="call-save"))
    assert h.crashes() == []
    assert h.snack_texts()[-1] == "Gesprek vastgelegd: afspraak gemaakt."
    assert h.has_text("Geen prospects om te bellen")  # with an appointment it leaves the list
    with store.read() as session:
        [call] = session.exec(select(CallLog)).all()
        assert call.outcome is CallOutcome.APPOINTMENT
        visit = session.get(Visit, call.visit_id)
        assert visit is not None
    assert visit.planned_start == datetime.combine(date(2026, 12, 3), time(14, 0)).astimezone()


async def test_no_answer_is_one_tap_and_keeps_the_prospect_listed(
    store: Store, actor: Actor
) -> None:
    lead = prospect(store, actor, "Drukkerij Veenstra")
    h = await open_tab(store, actor, 2)
    await h.click(h.get(key=f"log-call-{lead.id}"))
    await h.click(h.get(key="outcome-no_answer"))
    assert h.snack_texts()[-1] == "Gesprek vastgelegd: geen gehoor."
    assert h.has_text(f"Amersfoort · geen gehoor op {NOW.strftime('%d-%m-%Y')}")
    assert [d for d in h.dialogs() if isinstance(d, ft.AlertDialog)] == []  # closed


async def test_new_prospect_with_field_error_then_saved(store: Store, actor: Actor) -> None:
    h = await open_tab(store, actor, 2)
    assert h.has_text("Geen prospects om te bellen")
    await h.click(h.get(key="new-prospect"))
    await h.enter_text(h.get(key="prospect-name"), "Bouwbedrijf Smit")
    await h.enter_text(h.get(key="prospect-phone"), "12")
    await h.click(h.get(key="prospect-save"))
    assert h.get(key="prospect-phone").error == "'12' is geen geldig telefoonnummer."
    await h.enter_text(h.get(key="prospect-phone"), "033 765 4321")
    await h.click(h.get(key="prospect-save"))
    assert h.crashes() == []
    assert h.snack_texts()[-1] == "Prospect Bouwbedrijf Smit vastgelegd."
    assert h.has_text("Bouwbedrijf Smit")
    with store.read() as session:
        [made] = session.exec(select(Customer)).all()
    assert (made.kind, made.phone, made.owner_id) == (
        CustomerKind.PROSPECT,
        "+31337654321",
        actor.user_id,
    )


async def test_plans_show_status_and_open_the_plan(store: Store, actor: Actor) -> None:
    customer = customers.create_customer(store, actor=actor, name="Bakkerij Jansen")
    plan = plans.create_plan(store, actor=actor, customer_id=customer.id, year=2026)
    h = await open_tab(store, actor, 3)
    assert h.has_text("Bakkerij Jansen 2026")
    assert h.has_text("Concept · nog niet ingediend")
    assert plan.status is PlanStatus.DRAFT
    await h.click(h.get(key=f"plan-{plan.id}"))
    assert h.get(key="screen-title").value == "Accountplan"
    assert h.get(key="plan-header").value == "Bakkerij Jansen · 2026"
