"""Quotes and orders: lines from the catalogue at the customer's price-list price, discounts and
BTW per line (``domain.pricing``), the quote's life from draft to accepted, and orders entered in
the field. A prospect with a first order becomes a customer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session, func, select

from fieldsales.domain import pricing
from fieldsales.domain.enums import CustomerKind, OrderSource, OrderStatus, QuoteStatus, Role
from fieldsales.domain.errors import DomainError
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import (
    Customer,
    FollowUp,
    Order,
    OrderLine,
    PriceList,
    PriceListItem,
    Product,
    Quote,
    QuoteLine,
)
from fieldsales.services.access import load, load_customer
from fieldsales.services.errors import InvalidInput, InvalidState, from_domain
from fieldsales.services.transaction import transaction
from fieldsales.store import Store, UnitOfWork

QUOTE_FOLLOW_UP_DAYS = 7


@dataclass(frozen=True, slots=True)
class LineRequest:
    """A line as the salesperson picks it: a product, a quantity, maybe a discount or own price."""

    product_id: str
    quantity: Decimal
    discount_percent: Decimal = Decimal(0)
    unit_price_cents: int | None = None  # None: the customer's price-list price or list price
    description: str = ""


@dataclass(frozen=True, slots=True)
class PricedLine:
    product: Product
    request: LineRequest
    unit_price_cents: int
    amounts: pricing.LineAmounts


def price_lines(
    session: Session, *, customer: Customer, lines: Sequence[LineRequest], on: date
) -> list[PricedLine]:
    """Each line at the price this customer pays on ``on``, with its rounded net and BTW."""
    if not lines:
        raise InvalidInput("Voeg minstens één regel toe.", code="no_lines")
    priced: list[PricedLine] = []
    for request in lines:
        product = load(session, Product, request.product_id)
        if request.unit_price_cents is not None:
            unit_price = request.unit_price_cents
        else:
            unit_price = pricing.unit_price_for(
                product.list_price_cents,
                _price_entries(session, customer.price_list_id, product.id),
                request.quantity,
                on,
            )
        line_input = pricing.LineInput(
            quantity=request.quantity,
            unit_price_cents=unit_price,
            discount_percent=request.discount_percent,
            vat_rate=product.vat_rate,
        )
        try:
            amounts = pricing.line_amounts(line_input)
        except DomainError as exc:
            raise from_domain(exc) from exc
        priced.append(PricedLine(product, request, unit_price, amounts))
    return priced


def create_quote(
    store: Store,
    *,
    actor: Actor,
    customer_id: str,
    lines: Sequence[LineRequest],
    quote_date: date | None = None,
    valid_days: int = 30,
    contact_id: str | None = None,
    notes: str = "",
) -> Quote:
    quote_date = quote_date or date.today()
    if not 1 <= valid_days <= 365:
        raise InvalidInput("Een offerte is 1 tot 365 dagen geldig.", code="invalid_validity")
    with transaction(store) as uow:
        customer = load_customer(uow.session, actor, customer_id)
        priced = price_lines(uow.session, customer=customer, lines=lines, on=quote_date)
        quote = Quote(
            customer_id=customer.id,
            owner_id=customer.owner_id,
            quote_number=_next_number(uow.session, Quote, "OF", customer.owner_id, quote_date),
            quote_date=quote_date,
            valid_until=quote_date + timedelta(days=valid_days),
            contact_id=contact_id,
            notes=notes.strip(),
        )
        _set_totals(quote, priced)
        uow.add(quote)
        for position, line in enumerate(priced, start=1):
            uow.add(QuoteLine(quote_id=quote.id, **_line_fields(customer, line, position)))
        uow.commit()
    return quote


def send_quote(
    store: Store, *, actor: Actor, quote_id: str, follow_up_on: date | None = None
) -> Quote:
    """Mark as sent and plan the follow-up call (a week later unless told otherwise)."""
    with transaction(store) as uow:
        quote = _load_quote(uow, actor, quote_id)
        if quote.status is not QuoteStatus.DRAFT:
            raise InvalidState(
                "Alleen een concept-offerte kan worden verstuurd.", code="quote_not_draft"
            )
        follow_up_on = follow_up_on or date.today() + timedelta(days=QUOTE_FOLLOW_UP_DAYS)
        uow.update(
            quote, status=QuoteStatus.SENT, sent_at=datetime.now(UTC), follow_up_on=follow_up_on
        )
        uow.add(
            FollowUp(
                customer_id=quote.customer_id,
                owner_id=quote.owner_id,
                quote_id=quote.id,
                description=f"Offerte {quote.quote_number} nabellen",
                due_on=follow_up_on,
            )
        )
        uow.commit()
    return quote


def accept_quote(store: Store, *, actor: Actor, quote_id: str, on: date | None = None) -> Order:
    """The customer said yes: the quote's lines become an order at the quoted prices."""
    on = on or date.today()
    with transaction(store) as uow:
        quote = _load_quote(uow, actor, quote_id)
        if quote.status not in (QuoteStatus.SENT, QuoteStatus.DRAFT):
            raise InvalidState("Deze offerte is al afgehandeld.", code="quote_closed")
        if quote.valid_until < on:
            raise InvalidState(
                "Deze offerte is verlopen; maak een nieuwe offerte.", code="quote_expired"
            )
        customer = load(uow.session, Customer, quote.customer_id)
        lines = uow.session.exec(
            select(QuoteLine)
            .where(QuoteLine.quote_id == quote.id)
            .where(QuoteLine.deleted == False)  # noqa: E712
            .order_by(QuoteLine.position)  # type: ignore[arg-type]
        ).all()
        order = Order(
            customer_id=customer.id,
            owner_id=customer.owner_id,
            order_number=_next_number(uow.session, Order, "OR", customer.owner_id, on),
            order_date=on,
            status=OrderStatus.PLACED,
            source=OrderSource.QUOTE,
            quote_id=quote.id,
            net_cents=quote.net_cents,
            vat_cents=quote.vat_cents,
            gross_cents=quote.gross_cents,
        )
        uow.add(order)
        for line in lines:
            uow.add(
                OrderLine(
                    order_id=order.id,
                    customer_id=customer.id,
                    position=line.position,
                    product_id=line.product_id,
                    description=line.description,
                    quantity=line.quantity,
                    unit_price_cents=line.unit_price_cents,
                    discount_percent=line.discount_percent,
                    vat_rate=line.vat_rate,
                    net_cents=line.net_cents,
                    vat_cents=line.vat_cents,
                )
            )
        uow.update(quote, status=QuoteStatus.ACCEPTED, decided_on=on, order_id=order.id)
        _become_customer(uow, customer, on)
        uow.commit()
    return order


def reject_quote(store: Store, *, actor: Actor, quote_id: str, on: date | None = None) -> Quote:
    with transaction(store) as uow:
        quote = _load_quote(uow, actor, quote_id)
        if quote.status not in (QuoteStatus.SENT, QuoteStatus.DRAFT):
            raise InvalidState("Deze offerte is al afgehandeld.", code="quote_closed")
        uow.update(quote, status=QuoteStatus.REJECTED, decided_on=on or date.today())
        uow.commit()
    return quote


def expire_quotes(store: Store, *, actor: Actor, today: date) -> int:
    """Sent quotes past their validity date become expired; returns how many."""
    with transaction(store) as uow:
        query = (
            select(Quote)
            .where(Quote.status == QuoteStatus.SENT)
            .where(Quote.valid_until < today)
            .where(Quote.deleted == False)  # noqa: E712
        )
        if actor.role is Role.SALESPERSON:
            query = query.where(Quote.owner_id == actor.user_id)
        expired = list(uow.session.exec(query).all())
        for quote in expired:
            uow.update(quote, status=QuoteStatus.EXPIRED)
        uow.commit()
    return len(expired)


def create_order(
    store: Store,
    *,
    actor: Actor,
    customer_id: str,
    lines: Sequence[LineRequest],
    order_date: date | None = None,
    source: OrderSource = OrderSource.FIELD,
    delivery_on: date | None = None,
    notes: str = "",
) -> Order:
    """An order entered at the customer, or one the customer sent in (``source=RECEIVED``)."""
    if source not in (OrderSource.FIELD, OrderSource.RECEIVED):
        raise InvalidInput("Onbekende herkomst van de order.", code="invalid_source")
    order_date = order_date or date.today()
    with transaction(store) as uow:
        customer = load_customer(uow.session, actor, customer_id)
        priced = price_lines(uow.session, customer=customer, lines=lines, on=order_date)
        order = Order(
            customer_id=customer.id,
            owner_id=customer.owner_id,
            order_number=_next_number(uow.session, Order, "OR", customer.owner_id, order_date),
            order_date=order_date,
            source=source,
            delivery_on=delivery_on,
            notes=notes.strip(),
        )
        _set_totals(order, priced)
        uow.add(order)
        for position, line in enumerate(priced, start=1):
            uow.add(OrderLine(order_id=order.id, **_line_fields(customer, line, position)))
        _become_customer(uow, customer, order_date)
        uow.commit()
    return order


def cancel_order(store: Store, *, actor: Actor, order_id: str) -> Order:
    with transaction(store) as uow:
        order = load(uow.session, Order, order_id)
        load_customer(uow.session, actor, order.customer_id)
        if order.status in (OrderStatus.DELIVERED, OrderStatus.CANCELLED):
            raise InvalidState("Deze order kan niet meer worden geannuleerd.", code="order_closed")
        uow.update(order, status=OrderStatus.CANCELLED)
        uow.commit()
    return order


def _become_customer(uow: UnitOfWork, customer: Customer, on: date) -> None:
    if customer.kind is CustomerKind.PROSPECT:
        uow.update(customer, kind=CustomerKind.CUSTOMER, customer_since=on)


def _load_quote(uow: UnitOfWork, actor: Actor, quote_id: str) -> Quote:
    quote = load(uow.session, Quote, quote_id)
    load_customer(uow.session, actor, quote.customer_id)
    return quote


def _set_totals(document: Quote | Order, lines: Sequence[PricedLine]) -> None:
    document.net_cents = sum(line.amounts.net_cents for line in lines)
    document.vat_cents = sum(line.amounts.vat_cents for line in lines)
    document.gross_cents = document.net_cents + document.vat_cents


def _line_fields(customer: Customer, line: PricedLine, position: int) -> dict[str, Any]:
    return {
        "customer_id": customer.id,
        "position": position,
        "product_id": line.product.id,
        "description": line.request.description.strip() or line.product.name,
        "quantity": line.request.quantity,
        "unit_price_cents": line.unit_price_cents,
        "discount_percent": line.request.discount_percent,
        "vat_rate": line.product.vat_rate,
        "net_cents": line.amounts.net_cents,
        "vat_cents": line.amounts.vat_cents,
    }


def _price_entries(
    session: Session, price_list_id: str | None, product_id: str
) -> list[pricing.PriceListEntry]:
    return price_list_entries(session, price_list_id, product_id=product_id).get(product_id, [])


def price_list_entries(
    session: Session, price_list_id: str | None, *, product_id: str | None = None
) -> dict[str, list[pricing.PriceListEntry]]:
    """A price list's staffel entries per product id (one product's, or all of them)."""
    if price_list_id is None:
        return {}
    price_list = session.get(PriceList, price_list_id)
    if price_list is None or price_list.deleted:
        return {}
    query = (
        select(PriceListItem)
        .where(PriceListItem.price_list_id == price_list_id)
        .where(PriceListItem.deleted == False)  # noqa: E712
    )
    if product_id is not None:
        query = query.where(PriceListItem.product_id == product_id)
    entries: dict[str, list[pricing.PriceListEntry]] = {}
    for item in session.exec(query):
        entries.setdefault(item.product_id, []).append(
            pricing.PriceListEntry(
                price_cents=item.price_cents,
                min_quantity=item.min_quantity,
                valid_from=price_list.valid_from,
                valid_until=price_list.valid_until,
            )
        )
    return entries


def _next_number(
    session: Session, cls: type[Quote] | type[Order], prefix: str, owner_id: str, on: date
) -> str:
    """A readable number such as OF-2026-0042, counted per salesperson and year on the device.

    Numbers are made offline, so they are for people, not keys: two devices of one salesperson
    may both make OF-2026-0042; the record id stays the key.
    """
    start, end = date(on.year, 1, 1), date(on.year + 1, 1, 1)
    date_col = Quote.quote_date if cls is Quote else Order.order_date
    count = session.exec(
        select(func.count())
        .select_from(cls)
        .where(cls.owner_id == owner_id)
        .where(date_col >= start)
        .where(date_col < end)
    ).one()
    return f"{prefix}-{on.year}-{count + 1:04d}"
