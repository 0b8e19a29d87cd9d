"""The main journey in a real browser: today's visit is there, one tap on "Bezoek afgerond"
and one on a score, and the store on disk has the visit reported."""

from __future__ import annotations

import re
import time as clock
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from app_page import open_app

from fieldsales.domain.enums import Role, VisitStatus
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import UserProfile, Visit
from fieldsales.services import customers, visits
from fieldsales.store import open_store

SCREENSHOT = Path("/tmp/fieldsales-e2e-day.png")


def seed(data_dir: Path) -> str:
    """A salesperson with one visit today that has just started; returns the visit id."""
    actor = Actor(user_id="u-anna", role=Role.SALESPERSON, team_id="t-1")
    with open_store(data_dir) as store:
        with store.unit_of_work(applying_sync=True) as uow:  # users arrive by sync
            uow.add(
                UserProfile(
                    id=actor.user_id,
                    team_id=actor.team_id,
                    username="anna",
                    full_name="Anna de Vries",
                    role=Role.SALESPERSON,
                )
            )
            uow.commit()
        customer = customers.create_customer(
            store,
            actor=actor,
            name="Bakkerij Jansen",
            street="Dorpsstraat",
            house_number="12",
            postcode="3511AB",
            city="Utrecht",
            phone="0301234567",
        )
        now = datetime.now().astimezone()
        start = max(now - timedelta(minutes=30), now.replace(hour=0, minute=1, second=0))
        visit = visits.plan_visit(
            store, actor=actor, customer_id=customer.id, start=start, topics="Kerstassortiment"
        )
        return visit.id


def read_visit(data_dir: Path, visit_id: str) -> Visit:
    with open_store(data_dir) as store, store.read() as session:
        visit = session.get(Visit, visit_id)
        assert visit is not None
        return visit


@pytest.mark.e2e
def test_quick_visit_done_in_the_browser(
    tmp_path: Path, app_server: Callable[..., str], browser: Any
) -> None:
    from playwright.sync_api import expect

    data_dir = tmp_path / "data"
    visit_id = seed(data_dir)
    url = app_server(data_dir, "anna")

    page, errors = open_app(browser, url)

    card = page.get_by_role("group", name=re.compile(r"^Bezoek \d\d:\d\d Bakkerij Jansen"))
    card.wait_for(timeout=30_000)
    expect(page.get_by_role("button", name="Route naar Bakkerij Jansen")).to_be_visible()
    done = page.get_by_role("button", name="Bezoek afgerond", exact=True)
    expect(done).to_be_visible()
    page.wait_for_timeout(1000)  # the canvas paints a moment after the semantics tree
    page.screenshot(path=str(SCREENSHOT))

    done.click()
    score = page.get_by_role("button", name=re.compile("^Score 4: tevreden"))
    score.click(timeout=10_000)
    # The card shows the outcome durably; the confirming snack bar is transient and may have
    # gone (or made way for another) by the time a loaded machine looks.
    expect(page.get_by_role("group", name=re.compile(r"Afgerond · score 4")).first).to_be_attached(
        timeout=10_000
    )

    deadline = clock.monotonic() + 5
    visit = read_visit(data_dir, visit_id)
    while visit.status is not VisitStatus.REPORTED and clock.monotonic() < deadline:
        clock.sleep(0.1)
        visit = read_visit(data_dir, visit_id)
    assert visit.status is VisitStatus.REPORTED
    assert visit.satisfaction == 4
    assert errors == []
