"""Klanten: search as you type, paging, and the customer file (beside the list when wide)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import flet as ft
import pytest
from flet_harness import FletHarness
from ui_data import Day, add_catalogue, clock

from fieldsales.domain.enums import ComplaintCategory, CustomerKind, Role
from fieldsales.domain.plan_workflow import Actor
from fieldsales.services import browse, complaints, customers, sales, visits
from fieldsales.store import Store
from fieldsales.ui.main import build_app


async def customers_screen(
    store: Store, actor: Actor, *, width: float = 412, height: float = 915
) -> FletHarness:
    h = await FletHarness(width=width, height=height).start(
        lambda page: build_app(page, store=store, actor=actor, clock=clock)
    )
    nav = h.page.navigation_bar or h.get(key="nav-rail")
    await h.navigate(nav, 1)
    return h


def listed(h: FletHarness) -> list[str]:
    rows = h.get(key="customer-list").controls
    names = []
    for row in rows:
        if isinstance(row, ft.ListTile) and row.data != "customer-more":
            assert isinstance(row.title, ft.Text)
            names.append(str(row.title.value))
    return names


async def test_search_answers_while_typing(store: Store, actor: Actor, day: Day) -> None:
    h = await customers_screen(store, actor)
    assert listed(h) == ["Bakkerij Jansen", "Hotel De Linde", "Van Dijk Installatietechniek"]
    assert h.get(key="customer-list").item_extent == 72  # lazy list with a fixed row height
    search = h.get(key="customer-search")

    await h.enter_text(search, "zei")  # a prefix of the place
    assert listed(h) == ["Hotel De Linde"]
    assert h.get(key="customer-count").value == "1 klant"

    await h.enter_text(search, "3542")  # a postcode
    assert listed(h) == ["Van Dijk Installatietechniek"]

    await h.enter_text(search, "boer 1")  # a contact's name
    assert listed(h) == ["Bakkerij Jansen"]

    await h.enter_text(search, "xyz")
    assert listed(h) == []
    assert h.has_text("Geen klant gevonden voor 'xyz'")

    await h.enter_text(search, "")
    assert len(listed(h)) == 3
    assert h.crashes() == []


async def test_list_pages_on_demand(
    store: Store, actor: Actor, day: Day, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(browse, "PAGE_SIZE", 2)
    h = await customers_screen(store, actor)
    assert listed(h) == ["Bakkerij Jansen", "Hotel De Linde"]
    assert h.get(key="customer-count").value == "2+ klanten"
    await h.click(h.get(key="customer-more"))
    assert listed(h) == ["Bakkerij Jansen", "Hotel De Linde", "Van Dijk Installatietechniek"]
    assert not h.find(key="customer-more")


async def test_empty_portfolio_says_to_sync(store: Store, actor: Actor) -> None:
    h = await customers_screen(store, actor)
    assert h.has_text("Nog geen klanten op dit apparaat")
    assert h.has_text("Synchroniseer om uw portefeuille op te halen")


async def test_only_own_customers_for_a_salesperson(store: Store, actor: Actor, day: Day) -> None:
    colleague = Actor(user_id="u-bram", role=Role.SALESPERSON, team_id="t-1")
    customers.create_customer(store, actor=colleague, name="Bakkerij Bram", city="Utrecht")
    h = await customers_screen(store, actor)
    await h.enter_text(h.get(key="customer-search"), "bakkerij")
    assert listed(h) == ["Bakkerij Jansen"]
    manager = Actor(user_id="u-mark", role=Role.MANAGER, team_id="t-1")
    h2 = await customers_screen(store, manager)
    await h2.enter_text(h2.get(key="customer-search"), "bakkerij")
    assert listed(h2) == ["Bakkerij Bram", "Bakkerij Jansen"]


def fill_file(store: Store, actor: Actor, day: Day) -> None:
    """A complaint, a quote, a reported visit with a follow-up for Bakkerij Jansen."""
    customer = day.customers[0]
    products = add_catalogue(store)
    complaints.record_complaint(
        store,
        actor=actor,
        customer_id=customer.id,
        category=ComplaintCategory.DELIVERY,
        description="Levering twee dagen te laat",
        reported_on=date(2026, 11, 20),
    )
    sales.create_quote(
        store,
        actor=actor,
        customer_id=customer.id,
        lines=[sales.LineRequest(product_id=products[1].id, quantity=Decimal(1))],
        quote_date=date(2026, 11, 25),
    )
    visits.log_visit(
        store,
        actor=actor,
        visit_id=day.visits[0].id,
        topics="Kerstassortiment",
        satisfaction=4,
        follow_ups=[visits.FollowUpInput("Proefpakket sturen", date(2026, 12, 1))],
    )


async def test_tapping_a_customer_opens_its_file(store: Store, actor: Actor, day: Day) -> None:
    fill_file(store, actor, day)
    h = await customers_screen(store, actor)
    await h.click(h.get(key=f"customer-{day.customers[0].id}"))
    assert h.get(key="screen-title").value == "Klantdossier"
    assert h.get(key="file-name").value == "Bakkerij Jansen"
    texts = "\n".join(h.texts())
    assert "Sanne de Boer 1" in texts  # contact
    assert "Levering · 20-11-2026" in texts  # open complaint
    assert "Open: Levering twee dagen te laat" in texts
    assert "OF-" in texts  # open quote number
    assert "€ 2.297,79" in texts  # 1.899,00 + 21 % BTW
    assert "27-11-2026 · score 4" in texts  # last visit with its score
    assert "Vervolg: Proefpakket sturen (01-12-2026)" in texts  # and its follow-up
    assert "Geen bezoek gepland." in texts
    await h.click(h.get(key="back"))
    assert h.get(key="screen-title").value == "Klanten"
    assert h.crashes() == []


async def test_wide_window_shows_list_and_file_side_by_side(
    store: Store, actor: Actor, day: Day
) -> None:
    h = await customers_screen(store, actor, width=1280, height=800)
    assert h.get(key="customer-detail").visible
    assert h.has_text("Kies een klant")
    await h.click(h.get(key=f"customer-{day.customers[2].id}"))
    assert h.get(key="screen-title").value == "Klanten"  # nothing pushed over the list
    assert h.get(key="file-name").value == "Hotel De Linde"
    assert h.get(key=f"customer-{day.customers[2].id}").selected
    assert len(listed(h)) == 3

    await h.resize(500, 800)  # narrower: the detail pane goes, a tap opens the file instead
    assert not h.get(key="customer-detail", include_hidden=True).visible


async def test_prospects_are_marked_in_the_list(store: Store, actor: Actor) -> None:
    customers.create_customer(store, actor=actor, name="Nieuw BV", kind=CustomerKind.PROSPECT)
    h = await customers_screen(store, actor)
    row = h.get(key=h.get(key="customer-list").controls[0].data)
    assert "prospect" in row.subtitle.value
