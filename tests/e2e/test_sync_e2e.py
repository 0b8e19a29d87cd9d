"""The salesperson's day with sync, in a real browser against a real server.

An empty device signs in to ``fieldsales-server`` (SQLite, demo team) and fetches its data; the
day view shows today's visits; "Bezoek afgerond" with a score; "Dag afsluiten" sends it and
the summary says one change went up; the server has the visit reported.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from app_page import PHONE, semantics_on
from sqlalchemy import select

from fieldsales.cli.demo_data import seed_server
from fieldsales.demo import DEMO_PASSWORD, DemoData, generate
from fieldsales.records import Customer, Visit
from fieldsales.server.db import make_engine
from fieldsales.server.models import records

SHOTS = Path("/tmp")


@pytest.fixture
def demo_server(tmp_path: Path, server_process: Callable[..., str]) -> tuple[str, DemoData, str]:
    """A server with a small demo team; (url, data, database url)."""
    database_url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    data = generate(
        seed=7,
        salespeople=1,
        customers_per_salesperson=12,
        prospects_per_salesperson=2,
        years=1,
        today=date.today(),
    )
    seed_server(data, database_url=database_url)
    return server_process(database_url), data, database_url


def server_visit(database_url: str, visit_id: str) -> dict[str, Any]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            raw = conn.execute(select(records.c.data).where(records.c.id == visit_id)).scalar_one()
    finally:
        engine.dispose()
    return raw if isinstance(raw, dict) else json.loads(raw)


@pytest.mark.e2e
def test_sign_in_on_an_empty_device_visit_done_and_day_end(
    tmp_path: Path,
    app_server: Callable[..., str],
    browser: Any,
    demo_server: tuple[str, DemoData, str],
) -> None:

    started = time.monotonic()
    server_url, data, database_url = demo_server
    me = data.user("verkoper1")
    names = {r.id: r.name for r in data.records() if isinstance(r, Customer)}
    today = [
        v
        for v in data.records_for(me.id)
        if isinstance(v, Visit) and v.planned_start.astimezone().date() == date.today()
    ]
    assert today
    # The background sync waits a minute after a change: the day-end is what sends it here.
    url = app_server(
        tmp_path / "empty",
        None,
        extra=["--server", server_url],
        env={"FIELDSALES_SYNC_PUSH_DELAY": "60"},
    )

    page = browser.new_page(viewport=PHONE)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        journey(page, url, today, names)
    except Exception as exc:
        page.screenshot(path=str(SHOTS / "fieldsales-e2e-failure.png"))
        log = (tmp_path / "app.log").read_text(errors="replace")[-3000:]
        raise AssertionError(f"journey failed: {exc}\napp log:\n{log}") from exc

    reported = [server_visit(database_url, v.id) for v in today]
    assert [v["satisfaction"] for v in reported if v["status"] == "reported"] == [4]
    assert errors == []
    assert time.monotonic() - started < 60


def enter(page: Any, field: Any, text: str) -> None:
    """Type into a Flutter text field. Flutter sets up its editing element when the field
    gets focus; a fill that comes before that loses keystrokes, so focus, fill, and check."""
    for _ in range(4):
        field.click()
        page.wait_for_timeout(100)
        field.fill(text)
        page.wait_for_timeout(100)
        if field.input_value() == text:
            return
    raise AssertionError(f"could not type {text!r} into {field}")


def journey(page: Any, url: str, today: list[Visit], names: dict[str, str]) -> None:
    from playwright.sync_api import expect

    page.goto(url)
    semantics_on(page)

    # First start: nothing on the device yet; sign in and fetch.
    expect(page.get_by_text("Dit apparaat heeft nog geen gegevens")).to_be_visible(timeout=30_000)
    enter(page, page.get_by_role("textbox", name="Gebruikersnaam"), "verkoper1")
    enter(page, page.get_by_label("Wachtwoord"), DEMO_PASSWORD)
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / "fieldsales-e2e-first-start.png"))
    page.get_by_role("button", name="Inloggen en gegevens ophalen").click()

    # Today's visits, from the server.
    first = min(today, key=lambda v: v.planned_start)
    card = page.get_by_role(
        "group", name=re.compile(rf"^Bezoek \d\d:\d\d {names[first.customer_id]}")
    )
    card.wait_for(timeout=30_000)
    for visit in today:
        expect(page.get_by_text(names[visit.customer_id]).first).to_be_attached()
    expect(page.get_by_role("button", name=re.compile("^Gesynchroniseerd om"))).to_be_attached(
        timeout=15_000
    )
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SHOTS / "fieldsales-e2e-synced-day.png"))

    # Visit done with a score: saved on the device, one change waits.
    page.get_by_role("button", name="Bezoek afgerond", exact=True).click()
    page.get_by_role("button", name=re.compile("^Score 4: tevreden")).click(timeout=10_000)
    # The card shows it durably (the confirming snack bar may already have made way for the
    # background sync's own snack bar, e.g. about follow-ups due).
    expect(page.get_by_role("group", name=re.compile(r"Afgerond · score 4")).first).to_be_attached(
        timeout=10_000
    )
    expect(page.get_by_role("button", name=re.compile("^1 wijziging wacht"))).to_be_attached(
        timeout=10_000
    )

    # Day end from "Meer".
    page.get_by_role("tab", name=re.compile("Meer")).click()
    page.get_by_role("button", name=re.compile("^Dag afsluiten")).click(timeout=10_000)
    expect(page.get_by_text("1 wijziging verstuurd (1 bezoek).")).to_be_visible(timeout=30_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SHOTS / "fieldsales-e2e-day-end.png"))
