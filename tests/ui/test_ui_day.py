"""Vandaag: today's visits, their links, the quick 'visit done', the preparation sheet."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import flet as ft
import pypdf
from flet_harness import FletHarness
from ui_data import NOW, Day, add_catalogue, clock

from fieldsales.domain.enums import ComplaintCategory, VisitStatus
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Visit
from fieldsales.services import complaints, sales, visits
from fieldsales.store import Store
from fieldsales.ui.main import build_app


async def launch(store: Store, actor: Actor) -> FletHarness:
    return await FletHarness().start(
        lambda page: build_app(page, store=store, actor=actor, clock=clock)
    )


def stored_visit(store: Store, visit_id: str) -> Visit:
    with store.read() as session:
        visit = session.get(Visit, visit_id)
        assert visit is not None
        return visit


def card_names(h: FletHarness) -> list[str]:
    """Customer names of the visit cards, top to bottom."""
    names = []
    for card in h.find(type_=ft.Card):
        assert isinstance(card.parent, ft.Semantics)
        assert str(card.parent.label).startswith("Bezoek ")
        tile = card.content.controls[0]
        names.append(tile.title.value)
    return names


async def test_todays_visits_in_time_order_with_address_and_contact(
    store: Store, actor: Actor, day: Day
) -> None:
    # Tomorrow's visit and a cancelled one today stay out of today's list.
    visits.plan_visit(
        store,
        actor=actor,
        customer_id=day.customers[0].id,
        start=NOW + timedelta(days=1),
    )
    cancelled = visits.plan_visit(
        store,
        actor=actor,
        customer_id=day.customers[1].id,
        start=datetime.combine(NOW.date(), time(16, 0), tzinfo=NOW.tzinfo),
    )
    visits.cancel_visit(store, actor=actor, visit_id=cancelled.id)

    h = await launch(store, actor)
    assert h.crashes() == []
    assert card_names(h) == ["Bakkerij Jansen", "Van Dijk Installatietechniek", "Hotel De Linde"]
    assert h.get(key="day-title").value == "Vrijdag 27 november"
    assert h.get(key="day-summary").value == "3 bezoeken, 0 afgerond"
    assert h.has_text("09:00")
    assert h.has_text("Dorpsstraat 12, 3511 AB Utrecht\nMet Sanne de Boer 1")
    # every card has its actions, each with a sentence a screen reader reads
    first = day.visits[0].id
    assert h.get(key=f"route-{first}").tooltip == "Route naar Bakkerij Jansen"
    assert h.get(key=f"call-{first}").tooltip == "Bel Sanne de Boer 1"
    assert h.get(key=f"prepare-{first}").tooltip == "Voorbereiding bezoek Bakkerij Jansen"
    assert h.get(key="visit-done").content == "Bezoek afgerond"


async def test_route_and_phone_links_open_maps_and_dialler(
    store: Store, actor: Actor, day: Day
) -> None:
    h = await launch(store, actor)
    first = day.visits[0].id
    await h.click(h.get(key=f"route-{first}"))
    await h.click(h.get(key=f"call-{first}"))
    assert h.crashes() == []
    route, call = h.launched_urls()
    # in a browser the maps link is Google Maps' route planner with the address
    assert route == (
        "https://www.google.com/maps/dir/?api=1&destination=Dorpsstraat+12%2C+3511+AB+Utrecht"
    )
    assert call == "tel:+31612345678"  # the contact's mobile, not the switchboard


async def test_link_that_cannot_open_says_so(store: Store, actor: Actor, day: Day) -> None:
    h = FletHarness()

    def refuse(**_: object) -> None:
        raise RuntimeError("no handler")

    h.conn.method_handlers[("UrlLauncher", "launch_url")] = refuse
    await h.start(lambda page: build_app(page, store=store, actor=actor, clock=clock))
    await h.click(h.get(key=f"call-{day.visits[0].id}"))
    assert h.crashes() == []
    assert h.snack_texts() == [
        "Bellen naar Sanne de Boer 1 kon niet worden geopend op dit apparaat."
    ]


async def test_quick_visit_done_writes_the_visit_with_one_tap(
    store: Store, actor: Actor, day: Day
) -> None:
    h = await launch(store, actor)
    await h.click(h.get(key="visit-done"))
    [dialog] = h.dialogs()
    assert isinstance(dialog, ft.AlertDialog)
    # 11:30 now: the 11:00 visit is the one that just ended, and it is preselected
    chosen = h.get(key=f"choose-{day.visits[1].id}")
    assert chosen.selected
    assert [h.get(key=f"score-{n}").tooltip for n in range(1, 6)] == [
        "Score 1: zeer ontevreden",
        "Score 2: ontevreden",
        "Score 3: neutraal",
        "Score 4: tevreden",
        "Score 5: zeer tevreden",
    ]

    await h.click(h.get(key="score-4"))
    assert h.crashes() == []
    visit = stored_visit(store, day.visits[1].id)
    assert visit.status is VisitStatus.REPORTED
    assert visit.satisfaction == 4
    assert visit.reported_at is not None
    assert not dialog.open
    assert dialog not in h.page._dialogs.controls  # dismissed and removed
    assert h.snack_texts()[-1] == (
        "Bezoek bij Van Dijk Installatietechniek afgerond met score 4 (tevreden). "
        "Vul het verslag later aan."
    )
    assert h.get(key="day-summary").value == "3 bezoeken, 1 afgerond"
    assert h.has_text("Afgerond · score 4")
    # the others are untouched
    assert stored_visit(store, day.visits[0].id).status is VisitStatus.PLANNED


async def test_quick_visit_done_for_another_visit_and_without_score(
    store: Store, actor: Actor, day: Day
) -> None:
    h = await launch(store, actor)
    await h.click(h.get(key="visit-done"))
    await h.click(h.get(key=f"choose-{day.visits[0].id}"))
    assert h.get(key=f"choose-{day.visits[0].id}").selected
    await h.click(h.get(key="score-2"))
    assert stored_visit(store, day.visits[0].id).satisfaction == 2

    await h.click(h.get(key="visit-done"))  # now 11:00 is the suggestion again
    await h.click(h.get(key="done-no-score"))
    second = stored_visit(store, day.visits[1].id)
    assert second.status is VisitStatus.REPORTED
    assert second.satisfaction is None

    await h.click(h.get(key="visit-done"))  # only 14:30 is left
    assert h.has_text("14:30 Hotel De Linde")
    await h.click(h.get(key="score-5"))
    assert stored_visit(store, day.visits[2].id).satisfaction == 5
    assert not h.get(key="visit-done", include_hidden=True).visible  # nothing left to finish


async def test_quick_visit_done_shows_the_service_message_when_refused(
    store: Store, actor: Actor, day: Day
) -> None:
    h = await launch(store, actor)
    await h.click(h.get(key="visit-done"))
    # meanwhile the visit was reported on another screen (or device)
    visits.quick_visit_done(store, actor=actor, visit_id=day.visits[1].id, satisfaction=3)
    await h.click(h.get(key="score-5"))
    assert h.crashes() == []
    assert "Dit bezoek is al afgerond of geannuleerd." in h.snack_texts()
    assert stored_visit(store, day.visits[1].id).satisfaction == 3


async def test_empty_day_says_what_to_do_next(store: Store, actor: Actor) -> None:
    h = await launch(store, actor)
    assert h.has_text("Geen bezoeken gepland voor vandaag")
    assert not h.get(key="visit-done", include_hidden=True).visible
    await h.click(h.get(text="Naar klanten", type_=ft.FilledTonalButton))
    assert h.get(key="screen-title").value == "Klanten"


async def test_preparation_sheet_is_one_tap_away_and_marks_the_visit_prepared(
    store: Store, actor: Actor, day: Day
) -> None:
    h = await launch(store, actor)
    first = day.visits[0]
    await h.click(h.get(key=f"prepare-{first.id}"))
    assert h.get(key="screen-title").value == "Voorbereiding"
    assert h.get(key="back").visible
    assert h.get(key="prep-visit").value == "Bezoek 27-11-2026 09:00 met Sanne de Boer 1"
    assert h.get(key="file-name").value == "Bakkerij Jansen"
    assert h.has_text("Nog geen bezoeken met een verslag.")
    assert stored_visit(store, first.id).status is VisitStatus.PREPARED

    await h.click(h.get(key="back"))
    assert h.get(key="screen-title").value == "Vandaag"
    assert h.has_text("Voorbereid")
    assert h.crashes() == []


def sold_and_complained(store: Store, actor: Actor, day: Day) -> None:
    """Bakkerij Jansen bought 10 kg of coffee in March and complained twice about deliveries."""
    products = add_catalogue(store)
    customer = day.customers[0]
    sales.create_order(
        store,
        actor=actor,
        customer_id=customer.id,
        lines=[sales.LineRequest(product_id=products[0].id, quantity=Decimal(10))],
        order_date=date(2026, 3, 2),
    )
    for reported in (date(2026, 10, 1), date(2026, 11, 2)):
        complaints.record_complaint(
            store,
            actor=actor,
            customer_id=customer.id,
            category=ComplaintCategory.DELIVERY,
            description="Levering te laat",
            reported_on=reported,
        )


async def test_preparation_sheet_shows_revenue_complaints_and_what_to_offer(
    store: Store, actor: Actor, day: Day
) -> None:
    sold_and_complained(store, actor, day)
    h = await launch(store, actor)
    await h.click(h.get(key=f"prepare-{day.visits[0].id}"))
    assert h.crashes() == []
    assert h.get(key="prep-revenue").value == (
        "€ 249,50 dit jaar · € 0,00 vorig jaar"  # 10 × € 24,95 excl. btw
    )
    assert h.has_text("Koffie")  # the product group's own line
    assert h.has_text("Levering · 02-11-2026")
    texts = "\n".join(h.texts())
    assert "Terugkerende klacht bij deze klant (levering): 2×" in texts
    assert "Geen suggesties voor deze klant." in texts  # no peers, nothing new in the catalogue


async def test_the_preparation_prints_as_a_pdf_with_what_the_screen_shows(
    store: Store, actor: Actor, day: Day
) -> None:
    sold_and_complained(store, actor, day)
    h = await launch(store, actor)
    await h.click(h.get(key=f"prepare-{day.visits[0].id}"))
    saved: list[dict[str, Any]] = []
    h.conn.method_handlers[("FilePicker", "save_file")] = lambda **kw: saved.append(kw)
    await h.click(h.get(key="prep-pdf"))
    assert h.crashes() == []
    [download] = saved
    assert download["file_name"] == "Voorbereiding Bakkerij Jansen 27-11-2026.pdf"
    reader = pypdf.PdfReader(io.BytesIO(download["src_bytes"]), strict=True)
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Voorbereiding Bakkerij Jansen",
        "Bezoek 27-11-2026 09:00 met Sanne de Boer 1",
        "Onderwerpen: Nieuwe prijslijst bespreken",
        "Sanne de Boer 1",
        "Totaal: € 249,50 dit jaar · € 0,00 vorig jaar",
        "Terugkerende klacht bij deze klant (levering): 2×",
        "Geen openstaande offertes.",
        "Pagina 1 van",
    ):
        assert expected in text, expected
