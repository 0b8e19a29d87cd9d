"""Bezoek plannen from the customer file: the visit is stored as entered and shows in the file
and, on its day, in Vandaag; a missing or past time is refused at the field, in Dutch."""

from __future__ import annotations

from datetime import datetime, time

import flet as ft
from flet_harness import FletHarness
from test_ui_customers import customers_screen
from ui_data import NOW, Day

from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Visit
from fieldsales.services import visits
from fieldsales.store import Store
from fieldsales.ui.views.plan_visit import length_text


def planned_for(store: Store, actor: Actor, customer_id: str) -> list[Visit]:
    start = datetime.combine(NOW.date(), time()).astimezone()
    end = datetime(2027, 12, 31).astimezone()
    return [
        v
        for v in visits.visits_between(store, actor=actor, start=start, end=end)
        if v.customer_id == customer_id
    ]


def alert_dialogs(h: FletHarness) -> list[ft.AlertDialog]:
    return [d for d in h.dialogs() if isinstance(d, ft.AlertDialog)]


async def open_planner(store: Store, actor: Actor, day: Day) -> FletHarness:
    h = await customers_screen(store, actor)
    await h.click(h.get(key=f"customer-{day.customers[0].id}"))
    await h.click(h.get(key="file-plan-visit"))
    [dialog] = alert_dialogs(h)
    assert isinstance(dialog.title, ft.Text)
    assert dialog.title.value == "Bezoek plannen bij Bakkerij Jansen"
    return h


async def test_a_visit_planned_from_the_file_is_stored_and_listed(
    store: Store, actor: Actor, day: Day
) -> None:
    customer = day.customers[0]
    before = planned_for(store, actor, customer.id)
    h = await open_planner(store, actor, day)
    count = int(h.get(key="sync-count", include_hidden=True).value)
    await h.enter_text(h.get(key="plan-date"), "01-12-2026")
    await h.enter_text(h.get(key="plan-time"), "14.30")
    await h.select(h.get(key="plan-length"), "90")
    await h.select(h.get(key="plan-contact"), day.contacts[0].id)
    await h.enter_text(h.get(key="plan-topics"), "Kerstassortiment en jaarafspraken")
    await h.click(h.get(key="plan-save"))
    assert h.crashes() == []

    [visit] = [v for v in planned_for(store, actor, customer.id) if v not in before]
    assert visit.planned_start == datetime(2026, 12, 1, 14, 30).astimezone()
    assert (visit.duration_minutes, visit.contact_id) == (90, day.contacts[0].id)
    assert visit.topics == "Kerstassortiment en jaarafspraken"
    assert not [d for d in alert_dialogs(h) if d.open]
    assert h.snack_texts()[-1] == "Bezoek bij Bakkerij Jansen gepland op 01-12-2026 om 14:30."
    assert h.has_text("01-12-2026 14:30")  # in the file's planned visits
    assert int(h.get(key="sync-count", include_hidden=True).value) == count + 1


async def test_a_visit_planned_for_later_today_is_on_todays_list(
    store: Store, actor: Actor, day: Day
) -> None:
    h = await open_planner(store, actor, day)
    await h.enter_text(h.get(key="plan-date"), NOW.strftime("%d-%m-%Y"))
    await h.enter_text(h.get(key="plan-time"), "16:00")
    await h.click(h.get(key="plan-save"))
    await h.navigate(h.page.navigation_bar, 0)
    assert h.get(key="day-summary").value == "4 bezoeken, 0 afgerond"
    assert h.has_text("16:00")


async def test_a_missing_or_past_time_is_refused_at_its_field(
    store: Store, actor: Actor, day: Day
) -> None:
    customer = day.customers[0]
    before = planned_for(store, actor, customer.id)
    h = await open_planner(store, actor, day)
    await h.click(h.get(key="plan-save"))
    assert h.get(key="plan-date").error == "Kies een datum."

    await h.enter_text(h.get(key="plan-date"), "31-02-2026")
    await h.click(h.get(key="plan-save"))
    assert h.get(key="plan-date").error  # not a date: the date parser says why, in Dutch

    await h.enter_text(h.get(key="plan-date"), NOW.strftime("%d-%m-%Y"))
    await h.enter_text(h.get(key="plan-time"), "25:00")
    await h.click(h.get(key="plan-save"))
    assert h.get(key="plan-time").error == (
        "'25:00' is geen geldige tijd. Gebruik uren:minuten, bijvoorbeeld 09:30."
    )
    await h.enter_text(h.get(key="plan-time"), "08:00")  # 11:30 now
    await h.click(h.get(key="plan-save"))
    assert h.get(key="plan-time").error == "Dit tijdstip is al voorbij."
    assert [d.open for d in alert_dialogs(h)] == [True]
    assert planned_for(store, actor, customer.id) == before

    await h.click(h.get(key="plan-back"))
    assert not [d for d in alert_dialogs(h) if d.open]
    assert planned_for(store, actor, customer.id) == before


def test_lengths_read_as_people_say_them() -> None:
    assert [length_text(m) for m in (30, 45, 60, 90, 120)] == [
        "30 minuten",
        "45 minuten",
        "1 uur",
        "1,5 uur",
        "2 uur",
    ]
