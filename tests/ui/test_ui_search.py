"""Zoeken: the magnifier on every screen, results while typing grouped by kind, a tap opens the
record's file, and nothing outside the salesperson's portfolio is ever found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import flet as ft
import pytest
from flet_harness import FletHarness
from ui_data import Day, add_catalogue, clock

from fieldsales.domain.enums import Role
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Contact, Quote, Visit
from fieldsales.services import customers, sales, visits
from fieldsales.store import Store
from fieldsales.ui.main import build_app
from fieldsales.ui.views import search as search_view

REPORT = "Espressomachine lekt bij de stoompijp; monteur komt volgende week langs."


@dataclass
class Found:
    """What the tests look for, on top of the day's three customers."""

    buyer: Contact  # Pieter Verhoeven, Inkoper at Van Dijk Installatietechniek
    reported: Visit  # Bakkerij Jansen's visit, with REPORT
    quote: Quote  # OF-2026-0001 for Hotel De Linde


@pytest.fixture
def found(store: Store, actor: Actor, day: Day) -> Found:
    buyer = customers.add_contact(
        store,
        actor=actor,
        customer_id=day.customers[1].id,
        first_name="Pieter",
        last_name="Verhoeven",
        job_title="Inkoper",
    )
    reported = visits.log_visit(
        store, actor=actor, visit_id=day.visits[0].id, report=REPORT, satisfaction=4
    )
    products = add_catalogue(store)
    quote = sales.create_quote(
        store,
        actor=actor,
        customer_id=day.customers[2].id,
        lines=[sales.LineRequest(product_id=products[1].id, quantity=Decimal(1))],
        quote_date=date(2026, 11, 25),
    )
    return Found(buyer, reported, quote)


async def launch(store: Store, actor: Actor, *, width: float = 412) -> FletHarness:
    return await FletHarness(width=width, height=915).start(
        lambda page: build_app(page, store=store, actor=actor, clock=clock)
    )


async def open_search(store: Store, actor: Actor, *, width: float = 412) -> FletHarness:
    h = await launch(store, actor, width=width)
    await h.click(h.get(key="search-action"))
    assert h.get(key="screen-title").value == "Zoeken"
    return h


async def typed(h: FletHarness, text: str) -> None:
    await h.enter_text(h.get(key="search-field"), text)


def rows(h: FletHarness) -> list[str]:
    """The identities of the result rows, in the order shown."""
    return [str(c.data) for c in h.get(key="search-results").controls if isinstance(c, ft.ListTile)]


def groups(h: FletHarness) -> list[str]:
    """The group headers, with their counts."""
    return [
        _text(c.content)
        for c in h.get(key="search-results").controls
        if isinstance(c, ft.Container) and str(c.data).startswith("search-group-")
    ]


@dataclass
class Row:
    title: str
    subtitle: str
    tile: ft.ListTile


def row(h: FletHarness, ident: str) -> Row:
    tile = h.get(key=ident)
    assert isinstance(tile, ft.ListTile)
    return Row(_text(tile.title), _text(tile.subtitle), tile)


def _text(control: object) -> str:
    assert isinstance(control, ft.Text)
    return str(control.value)


def title_of(h: FletHarness) -> str:
    return str(h.get(key="screen-title").value)


@pytest.mark.parametrize("width", [412, 1280])
async def test_the_magnifier_opens_zoeken_from_every_main_screen(
    store: Store, actor: Actor, day: Day, width: float
) -> None:
    h = await launch(store, actor, width=width)
    nav = h.page.navigation_bar or h.get(key="nav-rail")
    titles = ["Vandaag", "Klanten", "Bellijst", "Accountplannen", "Meer"]
    for index, main_title in enumerate(titles):
        await h.navigate(nav, index)
        assert title_of(h) == main_title
        action = h.get(key="search-action")
        assert action.width == action.height == 48
        assert action.icon.semantics_label == "Zoeken"  # what a screen reader says
        await h.click(action)
        assert title_of(h) == "Zoeken"
        assert h.get(key="search-field").autofocus  # the keyboard is up at once
        assert h.find(key="search-empty")
        assert not h.find(key="search-action")  # no second search over this one
        await h.click(h.get(key="back"))
        assert title_of(h) == main_title
    assert h.crashes() == []


async def test_typing_finds_customers_contacts_visits_and_quotes(
    store: Store, actor: Actor, day: Day, found: Found
) -> None:
    h = await open_search(store, actor)

    await typed(h, "lind")  # part of a customer's name
    assert rows(h)[0] == f"search-customer-{day.customers[2].id}"
    assert groups(h)[0] == "Klanten (1)"
    assert row(h, rows(h)[0]).subtitle == "3701 AA Zeist · Klant"

    await typed(h, "Verhoeven")  # a contact's surname
    contact_row = row(h, f"search-contact-{found.buyer.id}")
    assert contact_row.title == "Pieter Verhoeven"
    assert contact_row.subtitle == "Inkoper · Van Dijk Installatietechniek"
    assert "Contactpersonen (1)" in groups(h)

    await typed(h, "stoompijp")  # a word from a visit report
    assert rows(h) == [f"search-visit-{found.reported.id}"]
    visit_row = row(h, rows(h)[0])
    assert visit_row.title == "27-11-2026 · Bakkerij Jansen"
    assert "stoompijp" in visit_row.subtitle
    assert groups(h) == ["Bezoeken (1)"]
    assert h.get(key="search-summary").value == "1 resultaat"

    await typed(h, found.quote.quote_number)  # a quote number, OF-2026-0001
    quote_row = row(h, f"search-quote-{found.quote.id}")
    assert quote_row.title == "OF-2026-0001 · Hotel De Linde"
    assert quote_row.subtitle == "€ 2.297,79 · Concept · 25-11-2026"
    assert "Offertes (1)" in groups(h)

    await typed(h, "3511AB")  # a postcode typed without its space
    assert rows(h) == [f"search-customer-{day.customers[0].id}"]
    assert h.crashes() == []


async def test_results_are_grouped_and_counted(
    store: Store, actor: Actor, day: Day, found: Found
) -> None:
    h = await open_search(store, actor)
    await typed(h, "boer")  # three contacts, and the customers they work at
    assert groups(h) == ["Klanten (3)", "Contactpersonen (3)"]
    assert h.get(key="search-summary").value == "6 resultaten"
    names = [row(h, r).title for r in rows(h) if r.startswith("search-contact-")]
    assert names == ["Sanne de Boer 1", "Sanne de Boer 2", "Sanne de Boer 3"]


async def test_tapping_a_result_opens_its_file_and_back_keeps_the_results(
    store: Store, actor: Actor, day: Day, found: Found
) -> None:
    h = await open_search(store, actor)
    await typed(h, "Verhoeven")
    await h.click(row(h, f"search-contact-{found.buyer.id}").tile)
    assert title_of(h) == "Klantdossier"
    assert h.get(key="file-name").value == "Van Dijk Installatietechniek"

    await h.click(h.get(key="back"))
    assert title_of(h) == "Zoeken"
    assert h.get(key="search-field").value == "Verhoeven"
    assert f"search-contact-{found.buyer.id}" in rows(h)
    assert not h.get(key="search-field").autofocus  # no keyboard over the results now

    await typed(h, "OF-2026-0001")
    await h.click(row(h, f"search-quote-{found.quote.id}").tile)
    assert h.get(key="file-name").value == "Hotel De Linde"
    await h.click(h.get(key="back"))

    await typed(h, "Jansen")
    await h.click(row(h, f"search-customer-{day.customers[0].id}").tile)
    assert h.get(key="file-name").value == "Bakkerij Jansen"
    await h.click(h.get(key="back"))

    await typed(h, "stoompijp")  # a reported visit opens its report
    await h.click(row(h, f"search-visit-{found.reported.id}").tile)
    assert title_of(h) == "Bezoekverslag"
    assert h.get(key="report-text").value == REPORT
    assert h.crashes() == []


async def test_a_planned_visit_opens_the_customers_file(
    store: Store, actor: Actor, day: Day
) -> None:
    h = await open_search(store, actor)
    await typed(h, "prijslijst")  # the topics of the day's three planned visits
    assert groups(h) == ["Bezoeken (3)"]
    hotel_visit = row(h, f"search-visit-{day.visits[2].id}")
    assert hotel_visit.title == "27-11-2026 · Hotel De Linde · Gepland"
    await h.click(hotel_visit.tile)
    assert title_of(h) == "Klantdossier"
    assert h.get(key="file-name").value == "Hotel De Linde"


async def test_enter_opens_the_top_result(store: Store, actor: Actor, day: Day) -> None:
    h = await open_search(store, actor, width=1280)
    field = h.get(key="search-field")
    await typed(h, "zeist")
    await h.session.dispatch_event(field._i, "submit", None)
    await h.settle()
    assert h.get(key="file-name").value == "Hotel De Linde"


async def test_no_results_says_so_in_dutch(store: Store, actor: Actor, day: Day) -> None:
    h = await open_search(store, actor)
    assert h.has_text("Zoek in uw klanten, contactpersonen, bezoeken en offertes")
    await typed(h, "xyzzy")
    assert rows(h) == []
    assert h.find(key="search-none")
    assert h.has_text("Niets gevonden voor 'xyzzy'")
    assert h.get(key="search-summary").value == ""

    await typed(h, "z")  # one letter finds everything: not searched yet
    assert h.has_text("Typ nog een teken")
    assert rows(h) == []

    await typed(h, "zeist")
    assert rows(h)
    h.conn.method_handlers[("TextField", "focus")] = lambda **kw: None
    await h.click(h.get(key="search-clear"))
    assert ("TextField", "focus") in [(cls, name) for cls, name, _ in h.conn.calls]
    assert h.get(key="search-field").value == ""
    assert h.find(key="search-empty")
    assert not h.get(key="search-clear", include_hidden=True).visible


async def test_another_salespersons_records_are_never_found(
    store: Store, actor: Actor, day: Day, found: Found
) -> None:
    colleague = Actor(user_id="u-bram", role=Role.SALESPERSON, team_id="t-1")
    theirs = customers.create_customer(store, actor=colleague, name="Bakkerij Bram", city="Zeist")
    customers.add_contact(store, actor=colleague, customer_id=theirs.id, last_name="Verhoeven")
    planned = visits.plan_visit(
        store, actor=colleague, customer_id=theirs.id, start=day.visits[0].planned_start
    )
    visits.log_visit(store, actor=colleague, visit_id=planned.id, report="Ook de stoompijp lekt.")
    h = await open_search(store, actor)
    for text, mine in (
        ("bakkerij", [f"search-customer-{day.customers[0].id}"]),
        ("zeist", [f"search-customer-{day.customers[2].id}"]),
        (
            "Verhoeven",
            [f"search-customer-{day.customers[1].id}", f"search-contact-{found.buyer.id}"],
        ),
        ("stoompijp", [f"search-visit-{found.reported.id}"]),
    ):
        await typed(h, text)
        assert rows(h) == mine, text


async def test_a_group_says_when_it_has_more_than_it_shows(
    store: Store, actor: Actor, day: Day, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_view, "SHOWN", 2)
    h = await open_search(store, actor)
    await typed(h, "boer")
    assert groups(h) == ["Klanten (2+)", "Contactpersonen (2+)"]
    assert len(rows(h)) == 4
    assert h.get(key="search-summary").value == "4+ resultaten"
