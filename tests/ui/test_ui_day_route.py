"""Route voor vandaag and the calendar export, from Vandaag's app bar: the suggested order with
the kilometres it saves, a fixed appointment keeping its place, the route handed to the maps
app in order, and the planned visits as an .ics file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flet as ft
import pytest
from flet_harness import FletHarness
from test_ui_attachments import as_device
from ui_data import Day, clock

from fieldsales.domain.plan_workflow import Actor
from fieldsales.services import customers, visits
from fieldsales.store import Store
from fieldsales.ui.main import build_app
from fieldsales.ui.views import attachments as attachments_view

# Bakkerij Jansen in Utrecht (09:00), Van Dijk in Amsterdam (11:00), Hotel De Linde in Zeist
# (14:30): planned, the day drives Utrecht - Amsterdam - Zeist and back; Amsterdam first, then
# the two near each other, is far shorter.
PLACES = [(52.0907, 5.1214), (52.3676, 4.9041), (52.0894, 5.2311)]


def place(store: Store, actor: Actor, day: Day) -> None:
    for customer, (lat, lon) in zip(day.customers, PLACES, strict=True):
        customers.update_customer(
            store, actor=actor, customer_id=customer.id, latitude=lat, longitude=lon
        )


async def launch(store: Store, actor: Actor) -> FletHarness:
    return await FletHarness().start(
        lambda page: build_app(page, store=store, actor=actor, clock=clock)
    )


def stops(h: FletHarness) -> list[str]:
    return [
        str(tile.data).removeprefix("route-stop-") for tile in h.get(key="route-stops").controls
    ]


async def test_the_route_puts_zeist_before_amsterdam_and_a_fixed_visit_keeps_its_place(
    store: Store, actor: Actor, day: Day
) -> None:
    place(store, actor, day)
    jansen, van_dijk, linde = (v.id for v in day.visits)
    h = await launch(store, actor)
    await h.click(h.get(key="day-route"))
    assert stops(h) == [van_dijk, jansen, linde]
    assert h.get(key="route-summary").value == (
        "3 bezoeken · 41,7 km in deze volgorde, 30,6 km korter dan gepland (72,3 km)."
    )

    await h.click(h.get(key="route-open"))
    [url] = h.launched_urls()
    assert url == (
        "https://www.google.com/maps/dir/?api=1&destination=52.089400,5.231100"
        "&travelmode=driving&waypoints=52.367600,4.904100%7C52.090700,5.121400"
    )

    # Van Dijk expects Anna at eleven: ticked, it stays the second visit, as planned.
    box = h.get(key=f"route-fixed-{van_dijk}")
    assert isinstance(box, ft.Checkbox)
    h.session.apply_patch(box._i, {"value": True})
    await h.session.dispatch_event(box._i, "change", True)
    await h.settle()
    assert stops(h) == [jansen, van_dijk, linde]
    assert h.get(key="route-summary").value.endswith("de geplande volgorde is al de kortste.")
    assert h.crashes() == []


async def test_the_route_starts_at_the_last_visit_done_and_leaves_it_out(
    store: Store, actor: Actor, day: Day
) -> None:
    place(store, actor, day)
    jansen, van_dijk, linde = (v.id for v in day.visits)
    visits.quick_visit_done(store, actor=actor, visit_id=jansen, satisfaction=4)
    h = await launch(store, actor)
    await h.click(h.get(key="day-route"))
    assert stops(h) == [linde, van_dijk]
    assert h.get(key="route-notes").value.startswith(
        "Vanaf Bakkerij Jansen, uw laatste bezoek van vandaag."
    )


async def test_without_open_visits_there_is_no_route(store: Store, actor: Actor, day: Day) -> None:
    for visit in day.visits:
        visits.quick_visit_done(store, actor=actor, visit_id=visit.id, satisfaction=3)
    h = await launch(store, actor)
    await h.click(h.get(key="day-route"))
    assert not [d for d in h.dialogs() if isinstance(d, ft.AlertDialog)]
    assert h.snack_texts()[-1] == "Er zijn vandaag geen open bezoeken meer."


async def test_planned_visits_go_to_the_calendar_as_an_ics_file(
    store: Store, actor: Actor, day: Day, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = await launch(store, actor)
    saved: list[dict[str, Any]] = []
    h.conn.method_handlers[("FilePicker", "save_file")] = lambda **kw: saved.append(kw)
    await h.click(h.get(key="day-calendar"))
    [download] = saved
    assert download["file_name"] == "bezoeken.ics"
    text = download["src_bytes"].decode("utf-8")
    assert text.count("BEGIN:VEVENT") == 3
    assert f"UID:{day.visits[0].id}@fieldsales" in text
    assert "SUMMARY:Bezoek Bakkerij Jansen" in text
    assert "LOCATION:Dorpsstraat 12\\, 3511 AB Utrecht" in text
    assert h.snack_texts()[-1] == "'bezoeken.ics' wordt gedownload."

    # On a laptop the file is saved in Downloads and opened by the calendar program.
    monkeypatch.setattr(attachments_view, "export_directory", lambda fallback: tmp_path)
    await as_device(h, "linux")
    await h.click(h.get(key="day-calendar"))
    target = tmp_path / "bezoeken.ics"
    assert h.launched_urls() == [target.as_uri()]
    assert target.read_text(encoding="utf-8").count("BEGIN:VEVENT") == 3
    assert h.crashes() == []
