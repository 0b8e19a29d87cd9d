"""The catalogue as the app's pickers need it.

For order entry: every active product at this customer's price, the products this customer
orders most (a re-order is the most common order in the field), and a priced preview of the
lines being entered.

The preview prices the lines exactly as ``services.sales`` will when the order or quote is saved
(``sales.price_lines``, the same staffel and per-line rounding), so the total a salesperson reads
out to the customer is the total that is stored.

For a complaint: the active products by name, to pick the one complained about (no prices).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import col, func, select

from fieldsales.domain import pricing
from fieldsales.domain.enums import OrderStatus, VatRate
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Order, OrderLine, Product, ProductGroup
from fieldsales.services.access import load_customer
from fieldsales.services.sales import LineRequest, price_lines, price_list_entries
from fieldsales.store import Store

#: How far back "ordered most" looks: a year covers seasonal products.
REORDER_WINDOW_DAYS = 365


def matches(words: Sequence[str], name: str, sku: str, group: str) -> bool:
    """Every typed word (casefolded) is in the name, article number or product group, so
    "arabica 1 kg" and "k-100" both find a product, in any word order."""
    text = f"{name} {sku} {group}".casefold()
    return all(word in text for word in words)


@dataclass(frozen=True, slots=True)
class CatalogueItem:
    product: Product
    group_name: str
    #: What this customer pays for one unit on the day (its price list, else list price).
    unit_price_cents: int

    def matches(self, words: Sequence[str]) -> bool:
        return matches(words, self.product.name, self.product.sku, self.group_name)


@dataclass(frozen=True, slots=True)
class OrderCatalogue:
    items: list[CatalogueItem]  # by name
    #: Product ids this customer ordered most in the last year, most first.
    usual: list[str]

    def search(self, text: str, *, limit: int = 8) -> list[CatalogueItem]:
        words = text.casefold().split()
        if not words:
            by_id = {item.product.id: item for item in self.items}
            return [by_id[pid] for pid in self.usual if pid in by_id][:limit]
        return [item for item in self.items if item.matches(words)][:limit]


def order_catalogue(
    store: Store, *, actor: Actor, customer_id: str, on: date, usual_limit: int = 8
) -> OrderCatalogue:
    return product_catalogue(
        store, actor=actor, customer_id=customer_id, on=on, usual_limit=usual_limit
    )


def product_catalogue(
    store: Store, *, actor: Actor, on: date, customer_id: str | None = None, usual_limit: int = 8
) -> OrderCatalogue:
    """Every active product at list price, or at the price ``customer_id`` pays (with what it
    usually orders): the catalogue to present, and to enter an order from."""
    with store.read() as session:
        customer = load_customer(session, actor, customer_id) if customer_id else None
        groups = {
            g.id: g.name
            for g in session.exec(select(ProductGroup).where(col(ProductGroup.deleted).is_(False)))
        }
        products = session.exec(
            select(Product)
            .where(col(Product.deleted).is_(False))
            .where(col(Product.active).is_(True))
            .order_by(col(Product.name))
        ).all()
        entries = price_list_entries(session, customer.price_list_id) if customer else {}
        items = [
            CatalogueItem(
                product=p,
                group_name=groups.get(p.product_group_id, ""),
                unit_price_cents=pricing.unit_price_for(
                    p.list_price_cents, entries.get(p.id, []), Decimal(1), on
                ),
            )
            for p in products
        ]
        if customer is None:
            return OrderCatalogue(items=items, usual=[])
        times = func.count(col(OrderLine.id)).label("times")
        usual = session.exec(
            select(OrderLine.product_id, times)
            .join(Order, col(Order.id) == col(OrderLine.order_id))
            .where(col(OrderLine.customer_id) == customer.id)
            .where(col(OrderLine.deleted).is_(False))
            .where(col(Order.deleted).is_(False))
            .where(col(Order.status) != OrderStatus.CANCELLED)
            .where(col(Order.order_date) >= on - timedelta(days=REORDER_WINDOW_DAYS))
            .group_by(col(OrderLine.product_id))
            .order_by(times.desc(), col(OrderLine.product_id))
            .limit(usual_limit)
        ).all()
    return OrderCatalogue(items=items, usual=[product_id for product_id, _ in usual])


@dataclass(frozen=True, slots=True)
class PreviewLine:
    unit_price_cents: int
    net_cents: int
    vat_cents: int


@dataclass(frozen=True, slots=True)
class Preview:
    lines: list[PreviewLine]
    net_cents: int
    vat_cents: int
    gross_cents: int
    vat_by_rate: dict[VatRate, int]


def preview_lines(
    store: Store, *, actor: Actor, customer_id: str, lines: Sequence[LineRequest], on: date
) -> Preview:
    """The lines priced as saving them would; raises the same Dutch errors as saving."""
    if not lines:
        return Preview(lines=[], net_cents=0, vat_cents=0, gross_cents=0, vat_by_rate={})
    with store.read() as session:
        customer = load_customer(session, actor, customer_id)
        priced = price_lines(session, customer=customer, lines=lines, on=on)
    totals = pricing.document_totals(
        [
            pricing.LineInput(
                quantity=line.request.quantity,
                unit_price_cents=line.unit_price_cents,
                discount_percent=line.request.discount_percent,
                vat_rate=line.product.vat_rate,
            )
            for line in priced
        ]
    )
    return Preview(
        lines=[
            PreviewLine(line.unit_price_cents, line.amounts.net_cents, line.amounts.vat_cents)
            for line in priced
        ],
        net_cents=totals.net_cents,
        vat_cents=totals.vat_cents,
        gross_cents=totals.gross_cents,
        vat_by_rate=totals.vat_by_rate,
    )


# --- picking a product (a complaint's product, no prices) ----------------------------------


@dataclass(frozen=True, slots=True)
class ProductChoice:
    """An active catalogue product as a complaint's product picker lists it."""

    id: str
    name: str
    sku: str
    group: str

    def matches(self, words: Sequence[str]) -> bool:
        return matches(words, self.name, self.sku, self.group)


def product_choices(store: Store, *, actor: Actor) -> list[ProductChoice]:
    """The active products of the (shared) catalogue, by name: a few hundred at most."""
    del actor  # the catalogue is the same for everyone
    query = (
        select(Product, ProductGroup.name)
        .outerjoin(ProductGroup, col(ProductGroup.id) == col(Product.product_group_id))
        .where(col(Product.deleted).is_(False))
        .where(col(Product.active).is_(True))
        .order_by(col(Product.name), col(Product.id))
    )
    with store.read() as session:
        return [ProductChoice(p.id, p.name, p.sku, g or "") for p, g in session.exec(query).all()]


def match_products(
    choices: Sequence[ProductChoice], text: str, *, limit: int = 6
) -> list[ProductChoice]:
    """The first ``limit`` products matching every word of ``text``; none for empty text."""
    words = text.casefold().split()
    if not words:
        return []
    return [c for c in choices if c.matches(words)][:limit]
