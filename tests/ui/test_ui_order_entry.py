"""Order invoeren and Offerte maken from the customer file: products found and priced at the
customer's prices, the total shown is the total stored, wrong input is refused at its line, and
a quote goes from concept to sent to accepted, when it becomes an order."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import flet as ft
import pytest
from flet_harness import FletHarness
from sqlmodel import select
from test_ui_customers import customers_screen
from ui_data import Day, add_catalogue

from fieldsales.domain.enums import (
    CustomerKind,
    FollowUpStatus,
    OrderSource,
    QuoteStatus,
    VatRate,
)
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Attachment, Customer, FollowUp, Order, OrderLine, Product, Quote
from fieldsales.services import customers, sales
from fieldsales.store import Store

TODAY = date(2026, 11, 27)
T = TypeVar("T", Order, Quote)  # ui_data.NOW's day


@pytest.fixture
def catalogue(store: Store) -> list[Product]:
    products = add_catalogue(store)
    with store.unit_of_work(applying_sync=True) as uow:
        books = Product(
            sku="B-10",
            name="Receptenboek Koffie",
            product_group_id=products[0].product_group_id,
            list_price_cents=1950,
            vat_rate=VatRate.LOW,
        )
        uow.add(books)
        uow.commit()
    return [*products, books]


def stored(store: Store, cls: type[T]) -> list[T]:
    with store.read() as session:
        return list(session.exec(select(cls)).all())


def a_quote(
    store: Store,
    actor: Actor,
    day: Day,
    product: Product,
    quantity: int,
    *,
    on: date = TODAY,
    valid_days: int = 30,
) -> Quote:
    """A one-line quote for Bakkerij Jansen, made through the service."""
    return sales.create_quote(
        store,
        actor=actor,
        customer_id=day.customers[0].id,
        lines=[sales.LineRequest(product_id=product.id, quantity=Decimal(quantity))],
        quote_date=on,
        valid_days=valid_days,
    )


async def open_entry(store: Store, actor: Actor, day: Day, kind: str) -> FletHarness:
    h = await customers_screen(store, actor)
    await h.click(h.get(key=f"customer-{day.customers[0].id}"))
    await h.click(h.get(key=f"file-new-{kind}"))
    assert h.get(key="screen-title").value == (
        "Order invoeren" if kind == "order" else "Offerte maken"
    )
    assert h.get(key="order-customer").value == "Bakkerij Jansen"
    return h


async def add_product(h: FletHarness, text: str, product: Product) -> None:
    await h.enter_text(h.get(key="order-search"), text)
    await h.click(h.get(key=f"order-add-{product.id}"))


async def test_an_order_is_priced_as_it_is_entered_and_stored_as_shown(
    store: Store, actor: Actor, day: Day, catalogue: list[Product]
) -> None:
    beans, _machine, book = catalogue
    h = await open_entry(store, actor, day, "order")
    assert h.has_text("Nog geen regels: zoek een product en tik erop.")

    await add_product(h, "arabica", beans)
    await h.enter_text(h.get(key="order-qty-1"), "3")
    await h.enter_text(h.get(key="order-discount-1"), "10")
    # 3 x 24,95 less 10 % = 67,365, rounded per line to 67,37; 21 % btw on that = 14,15.
    assert h.get(key="order-line-amount-1").value == "€ 24,95 per stuk · € 67,37 excl. btw"
    await add_product(h, "b-10", book)  # by article number; 9 % btw
    assert h.get(key="order-line-amount-2").value == "€ 19,50 per stuk · € 19,50 excl. btw"
    assert h.get(key="order-net").value == "Totaal excl. btw € 86,87"
    assert h.get(key="order-vat-high").value == "Btw 21 % € 14,15"
    assert h.get(key="order-vat-low").value == "Btw 9 % € 1,76"
    assert h.get(key="order-total").value == "Totaal € 102,78 incl. btw"

    await h.select(h.get(key="order-source"), OrderSource.RECEIVED.value)
    await h.enter_text(h.get(key="order-delivery"), "04-12-2026")
    await h.enter_text(h.get(key="order-notes"), "Leveren via achterdeur")
    await h.click(h.get(key="order-save"))
    assert h.crashes() == []

    [order] = stored(store, Order)
    assert isinstance(order, Order)
    assert (order.net_cents, order.vat_cents, order.gross_cents) == (8687, 1591, 10278)
    assert order.source is OrderSource.RECEIVED
    assert order.delivery_on == date(2026, 12, 4)
    assert order.notes == "Leveren via achterdeur"
    with store.read() as session:
        lines = session.exec(select(OrderLine).order_by(OrderLine.position)).all()  # type: ignore[arg-type]
    assert [(ln.product_id, ln.quantity, ln.discount_percent) for ln in lines] == [
        (beans.id, Decimal(3), Decimal(10)),
        (book.id, Decimal(1), Decimal(0)),
    ]
    # Back in the file, which lists the new order; the snack bar says what was stored.
    assert h.get(key="screen-title").value == "Klantdossier"
    assert h.snack_texts()[-1] == f"Order {order.order_number} geplaatst: € 102,78 incl. btw."
    assert h.get(key=f"file-order-{order.id}").title.value == (
        f"{order.order_number} · € 86,87 excl. btw"
    )


async def test_picking_a_product_again_adds_one_and_a_removed_line_leaves_the_total(
    store: Store, actor: Actor, day: Day, catalogue: list[Product]
) -> None:
    beans, machine, _book = catalogue
    h = await open_entry(store, actor, day, "order")
    await add_product(h, "koffie", beans)
    await add_product(h, "koffie", beans)
    assert h.get(key="order-qty-1").value == "2"
    assert not h.find(key="order-qty-2")
    await add_product(h, "espresso", machine)
    assert (
        h.get(key="order-total").value == "Totaal € 2.358,17 incl. btw"
    )  # (49,90 + 1.899,00) + 21 %
    await h.click(h.get(key="order-remove-2"))
    assert not h.find(key="order-line-2")
    assert h.get(key="order-total").value == "Totaal € 60,38 incl. btw"


async def test_wrong_quantities_and_discounts_are_refused_at_their_line(
    store: Store, actor: Actor, day: Day, catalogue: list[Product]
) -> None:
    beans = catalogue[0]
    h = await open_entry(store, actor, day, "order")
    await h.click(h.get(key="order-save"))
    assert h.snack_texts()[-1] == "Voeg minstens één regel toe."

    await add_product(h, "koffie", beans)
    await h.enter_text(h.get(key="order-qty-1"), "0")
    assert h.get(key="order-qty-1").error == "Aantal moet groter dan 0 zijn."
    assert h.has_text("Controleer de regels hierboven.")
    await h.enter_text(h.get(key="order-qty-1"), "twee")
    assert (
        h.get(key="order-qty-1").error == "'twee' is geen geldig getal. Gebruik bijvoorbeeld 2,5."
    )
    await h.enter_text(h.get(key="order-qty-1"), "2,5")
    assert h.get(key="order-qty-1").error is None
    await h.enter_text(h.get(key="order-discount-1"), "120")
    assert h.get(key="order-discount-1").error == "Korting moet tussen 0 en 100 procent liggen."
    await h.click(h.get(key="order-save"))
    assert stored(store, Order) == []
    assert h.get(key="screen-title").value == "Order invoeren"  # still here, nothing lost
    assert h.crashes() == []


async def test_with_nothing_typed_the_search_offers_what_the_customer_usually_orders(
    store: Store, actor: Actor, day: Day, catalogue: list[Product]
) -> None:
    beans, machine, book = catalogue
    customer = day.customers[0]
    for product in (book, beans, book):
        sales.create_order(
            store,
            actor=actor,
            customer_id=customer.id,
            lines=[sales.LineRequest(product_id=product.id, quantity=Decimal(1))],
            order_date=TODAY,
        )
    h = await open_entry(store, actor, day, "order")
    assert h.has_text("Vaak besteld door deze klant")
    tiles = h.get(key="order-results").controls
    assert [t.data for t in tiles] == [f"order-add-{book.id}", f"order-add-{beans.id}"]
    await h.enter_text(h.get(key="order-search"), "zeep")
    assert h.has_text("Niets gevonden")
    assert h.get(key="order-results").controls == []
    await h.enter_text(h.get(key="order-search"), "pro espresso")  # words in any order
    assert [t.data for t in h.get(key="order-results").controls] == [f"order-add-{machine.id}"]


def quote_actions(h: FletHarness, quote_id: str) -> list[str]:
    menu = h.get(key=f"quote-menu-{quote_id}")
    assert isinstance(menu, ft.PopupMenuButton)
    return [str(item.data) for item in menu.items]


async def test_a_quote_is_made_sent_and_accepted_into_an_order(
    store: Store, actor: Actor, day: Day, catalogue: list[Product]
) -> None:
    machine = catalogue[1]
    h = await open_entry(store, actor, day, "quote")
    await add_product(h, "espresso", machine)
    await h.select(h.get(key="order-valid-days"), "14")
    await h.click(h.get(key="order-save"))
    [quote] = stored(store, Quote)
    assert isinstance(quote, Quote)
    assert quote.status is QuoteStatus.DRAFT
    assert (quote.quote_date, quote.valid_until) == (TODAY, date(2026, 12, 11))
    assert h.snack_texts()[-1] == (
        f"Offerte {quote.quote_number} opgeslagen als concept, geldig tot 11-12-2026."
    )
    tile = h.get(key=f"file-quote-{quote.id}")
    assert tile.subtitle.value == "Concept · geldig tot 11-12-2026"
    assert quote_actions(h, quote.id) == [
        f"quote-pdf-{quote.id}",
        f"quote-send-{quote.id}",
        f"quote-accept-{quote.id}",
        f"quote-reject-{quote.id}",
    ]

    await h.click(h.get(key=f"quote-send-{quote.id}"))
    with store.read() as session:
        [follow_up] = session.exec(select(FollowUp).where(FollowUp.quote_id == quote.id)).all()
    assert follow_up.status is FollowUpStatus.OPEN
    assert h.snack_texts()[-1] == (
        f"Offerte {quote.quote_number} verstuurd. Nabellen op {follow_up.due_on:%d-%m-%Y}."
    )
    assert h.get(key=f"file-quote-{quote.id}").subtitle.value.startswith("Verstuurd")
    assert quote_actions(h, quote.id) == [
        f"quote-pdf-{quote.id}",
        f"quote-accept-{quote.id}",
        f"quote-reject-{quote.id}",
    ]

    await h.click(h.get(key=f"quote-accept-{quote.id}"))
    assert h.crashes() == []
    [order] = stored(store, Order)
    assert isinstance(order, Order)
    assert (order.quote_id, order.gross_cents) == (quote.id, quote.gross_cents)
    assert not h.find(key=f"file-quote-{quote.id}")  # decided: no longer open
    assert h.find(key=f"file-order-{order.id}")
    assert h.snack_texts()[-1] == (
        f"Offerte {quote.quote_number} geaccepteerd: order {order.order_number} "
        "(€ 2.297,79 incl. btw)."
    )


async def test_a_rejected_quote_leaves_the_open_quotes(
    store: Store, actor: Actor, day: Day, catalogue: list[Product]
) -> None:
    quote = a_quote(store, actor, day, catalogue[0], 2, on=TODAY)
    h = await customers_screen(store, actor)
    await h.click(h.get(key=f"customer-{day.customers[0].id}"))
    await h.click(h.get(key=f"quote-reject-{quote.id}"))
    assert not h.find(key=f"file-quote-{quote.id}")
    [after] = stored(store, Quote)
    assert after.status is QuoteStatus.REJECTED
    assert stored(store, Order) == []
    assert h.snack_texts()[-1] == f"Offerte {quote.quote_number} afgewezen."


async def test_a_prospects_first_order_makes_it_a_customer(
    store: Store, actor: Actor, day: Day, catalogue: list[Product]
) -> None:
    prospect = customers.create_customer(
        store, actor=actor, name="Lunchroom De Zon", kind=CustomerKind.PROSPECT, city="Utrecht"
    )
    h = await customers_screen(store, actor)
    await h.click(h.get(key=f"customer-{prospect.id}"))
    assert "Prospect" in h.texts()  # the file's header
    await h.click(h.get(key="file-new-order"))
    await add_product(h, "koffie", catalogue[0])
    await h.click(h.get(key="order-save"))
    assert h.get(key="screen-title").value == "Klantdossier"
    assert "Klant" in h.texts()  # the file's header, read again
    assert "Prospect" not in h.texts()
    with store.read() as session:
        after = session.get(Customer, prospect.id)
    assert after is not None
    assert (after.kind, after.customer_since) == (CustomerKind.CUSTOMER, TODAY)


async def test_a_quotes_pdf_is_made_filed_with_it_and_opened(
    store: Store, actor: Actor, day: Day, catalogue: list[Product]
) -> None:
    quote = a_quote(store, actor, day, catalogue[1], 1, on=TODAY)
    h = await customers_screen(store, actor)
    await h.click(h.get(key=f"customer-{day.customers[0].id}"))
    item = h.get(key=f"quote-pdf-{quote.id}")
    assert item.content == "PDF: downloaden"  # in the browser; "openen" on a laptop
    saved: list[dict[str, Any]] = []
    h.conn.method_handlers[("FilePicker", "save_file")] = lambda **kw: saved.append(kw)
    await h.click(item)
    assert h.crashes() == []
    with store.read() as session:
        filed = session.get(Quote, quote.id)
        assert filed is not None
        assert filed.pdf_attachment_id is not None
        pdf = session.get(Attachment, filed.pdf_attachment_id)
    assert pdf is not None
    name = f"Offerte {quote.quote_number}.pdf"
    assert (pdf.filename, pdf.content_type) == (name, "application/pdf")
    [download] = saved
    assert download["file_name"] == name
    assert download["src_bytes"].startswith(b"%PDF-1.4")
    assert h.snack_texts()[-1] == f"'{name}' wordt gedownload."
    assert h.find(key=f"attachment-{pdf.id}")  # listed with the file's attachments


async def test_a_sent_quote_past_its_validity_expires_when_the_app_starts(
    store: Store, actor: Actor, day: Day, catalogue: list[Product]
) -> None:
    # Valid until 31-10-2026, before ui_data's today.
    old = a_quote(store, actor, day, catalogue[0], 1, on=date(2026, 10, 1), valid_days=30)
    fresh = a_quote(store, actor, day, catalogue[0], 2, on=TODAY)
    for quote in (old, fresh):
        sales.send_quote(store, actor=actor, quote_id=quote.id, follow_up_on=TODAY)
    h = await customers_screen(store, actor)
    statuses = {q.id: q.status for q in stored(store, Quote)}
    assert statuses == {old.id: QuoteStatus.EXPIRED, fresh.id: QuoteStatus.SENT}
    await h.click(h.get(key=f"customer-{day.customers[0].id}"))
    assert not h.find(key=f"file-quote-{old.id}")  # no longer open
    assert h.find(key=f"file-quote-{fresh.id}")
