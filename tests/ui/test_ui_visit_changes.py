"""Verzetten and annuleren from the day view: a moved visit keeps everything but its time, a
cancelled one keeps its reason, both leave today's list; a done visit offers neither."""

from __future__ import annotations

from datetime import datetime

import flet as ft
from flet_harness import FletHarness
from test_ui_day import launch, stored_visit
from ui_data import Day

from fieldsales.domain.enums import VisitStatus
from fieldsales.domain.plan_workflow import Actor
from fieldsales.services import visits
from fieldsales.store import Store


def open_dialog(h: FletHarness) -> ft.AlertDialog:
    [dialog] = [d for d in h.dialogs() if isinstance(d, ft.AlertDialog) and d.open]
    return dialog


async def test_a_visit_moved_to_another_day_keeps_its_details_and_leaves_today(
    store: Store, actor: Actor, day: Day
) -> None:
    first = day.visits[0]
    h = await launch(store, actor)
    assert h.get(key="day-summary").value == "3 bezoeken, 0 afgerond"
    await h.click(h.get(key=f"move-{first.id}"))
    dialog = open_dialog(h)
    assert h.get(key="move-date").value == "27-11-2026"  # the current day and time, to change
    assert h.get(key="move-time").value == "09:00"

    await h.enter_text(h.get(key="move-date"), "02-12-2026")
    await h.enter_text(h.get(key="move-time"), "10:15")
    await h.click(h.get(key="move-save"))
    assert h.crashes() == []
    moved = stored_visit(store, first.id)
    assert moved.planned_start == datetime(2026, 12, 2, 10, 15).astimezone()
    assert (moved.status, moved.topics, moved.contact_id) == (
        first.status,
        first.topics,
        first.contact_id,
    )
    assert not dialog.open
    assert h.snack_texts()[-1] == "Bezoek bij Bakkerij Jansen verzet naar 02-12-2026 om 10:15."
    assert h.get(key="day-summary").value == "2 bezoeken, 0 afgerond"


async def test_a_time_already_past_is_refused_when_moving(
    store: Store, actor: Actor, day: Day
) -> None:
    first = day.visits[0]
    h = await launch(store, actor)
    await h.click(h.get(key=f"move-{first.id}"))
    await h.enter_text(h.get(key="move-time"), "08:00")  # 11:30 now
    await h.click(h.get(key="move-save"))
    assert h.get(key="move-time").error == "Dit tijdstip is al voorbij."
    assert stored_visit(store, first.id).planned_start == first.planned_start
    await h.click(h.get(key="move-back"))
    assert not [d for d in h.dialogs() if isinstance(d, ft.AlertDialog) and d.open]


async def test_a_cancelled_visit_keeps_its_reason_and_leaves_today(
    store: Store, actor: Actor, day: Day
) -> None:
    last = day.visits[2]
    h = await launch(store, actor)
    await h.click(h.get(key=f"drop-{last.id}"))
    title = open_dialog(h).title
    assert isinstance(title, ft.Text)
    assert title.value == "Bezoek bij Hotel De Linde annuleren?"
    await h.enter_text(h.get(key="drop-reason"), "Klant ziek, belt zelf terug")
    await h.click(h.get(key="drop-save"))
    dropped = stored_visit(store, last.id)
    assert (dropped.status, dropped.cancel_reason) == (
        VisitStatus.CANCELLED,
        "Klant ziek, belt zelf terug",
    )
    assert h.snack_texts()[-1] == "Bezoek bij Hotel De Linde is geannuleerd."
    assert h.get(key="day-summary").value == "2 bezoeken, 0 afgerond"
    assert not h.find(key=f"visit-{last.id}")


async def test_a_done_visit_offers_no_changes_and_a_stale_one_says_why(
    store: Store, actor: Actor, day: Day
) -> None:
    done, other = day.visits[0], day.visits[1]
    visits.quick_visit_done(store, actor=actor, visit_id=done.id, satisfaction=4)
    h = await launch(store, actor)
    assert not h.find(key=f"more-{done.id}")
    # The dialog is open when the visit is reported on another device meanwhile.
    await h.click(h.get(key=f"drop-{other.id}"))
    visits.quick_visit_done(store, actor=actor, visit_id=other.id, satisfaction=3)
    await h.click(h.get(key="drop-save"))
    assert "Dit bezoek is al afgerond of geannuleerd." in h.snack_texts()
    assert stored_visit(store, other.id).status is VisitStatus.REPORTED
