from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from fieldsales.domain.enums import CustomerKind, OrderSource, QuoteStatus
from fieldsales.records import Customer, FollowUp, OrderLine, QuoteLine
from fieldsales.services import customers, sales
from fieldsales.services.errors import InvalidInput, InvalidState, NotFound

TODAY = date(2026, 11, 28)


def test_quote_uses_price_list_tiers_and_vat_per_line(store, seller, catalogue):
    customer = customers.create_customer(
        store, actor=seller, name="Installateur Smit", price_list_id=catalogue.price_list.id
    )
    quote = sales.create_quote(
        store,
        actor=seller,
        customer_id=customer.id,
        quote_date=TODAY,
        lines=[
            # 10 drills: tier price 85.00, 10 % discount -> net 765.00, BTW 21 % = 160.65
            sales.LineRequest(catalogue.drill.id, Decimal(10), Decimal(10)),
            # 3 kg coffee at list 12.50 (no tier) -> net 37.50, BTW 9 % = 3.375 -> 3.38
            sales.LineRequest(catalogue.coffee.id, Decimal(3)),
        ],
    )
    assert (quote.net_cents, quote.vat_cents, quote.gross_cents) == (80250, 16403, 96653)
    assert quote.quote_number == "OF-2026-0001"
    assert quote.valid_until == date(2026, 12, 28)
    with store.read() as session:
        lines = session.exec(select(QuoteLine).order_by(QuoteLine.position)).all()  # type: ignore[arg-type]
    assert [(ln.unit_price_cents, ln.net_cents, ln.vat_cents) for ln in lines] == [
        (8500, 76500, 16065),
        (1250, 3750, 338),
    ]


def test_accepted_quote_becomes_order_and_prospect_becomes_customer(store, seller, catalogue):
    prospect = customers.create_customer(
        store, actor=seller, name="Nieuwe Klant BV", kind=CustomerKind.PROSPECT
    )
    quote = sales.create_quote(
        store,
        actor=seller,
        customer_id=prospect.id,
        quote_date=TODAY,
        lines=[sales.LineRequest(catalogue.drill.id, Decimal(2))],
    )
    sales.send_quote(store, actor=seller, quote_id=quote.id)
    order = sales.accept_quote(store, actor=seller, quote_id=quote.id, on=TODAY)
    assert order.source is OrderSource.QUOTE
    assert order.gross_cents == quote.gross_cents
    with store.read() as session:
        became = session.get(Customer, prospect.id)
        assert became is not None
        assert became.kind is CustomerKind.CUSTOMER
        assert became.customer_since == TODAY
        assert len(session.exec(select(OrderLine)).all()) == 1
        assert "nabellen" in session.exec(select(FollowUp)).one().description
    with pytest.raises(InvalidState):
        sales.accept_quote(store, actor=seller, quote_id=quote.id, on=TODAY)


def test_expired_quote_cannot_be_accepted(store, seller, catalogue):
    customer = customers.create_customer(store, actor=seller, name="Laat BV")
    quote = sales.create_quote(
        store,
        actor=seller,
        customer_id=customer.id,
        quote_date=date(2026, 1, 1),
        valid_days=10,
        lines=[sales.LineRequest(catalogue.coffee.id, Decimal(1))],
    )
    sales.send_quote(store, actor=seller, quote_id=quote.id)
    assert sales.expire_quotes(store, actor=seller, today=TODAY) == 1
    with pytest.raises(InvalidState):
        sales.accept_quote(store, actor=seller, quote_id=quote.id, on=TODAY)


def test_bad_lines_are_refused_without_writing(store, seller, catalogue):
    customer = customers.create_customer(store, actor=seller, name="Fout BV")
    with pytest.raises(InvalidInput):
        sales.create_order(store, actor=seller, customer_id=customer.id, lines=[])
    with pytest.raises(InvalidInput) as info:
        sales.create_order(
            store,
            actor=seller,
            customer_id=customer.id,
            lines=[sales.LineRequest(catalogue.drill.id, Decimal(0))],
        )
    assert info.value.code == "invalid_quantity"
    with pytest.raises(NotFound):
        sales.create_order(
            store,
            actor=seller,
            customer_id=customer.id,
            lines=[sales.LineRequest("no-such-product", Decimal(1))],
        )
    with store.read() as session:
        assert session.exec(select(OrderLine)).all() == []


def test_field_order_totals(store, seller, catalogue):
    customer = customers.create_customer(store, actor=seller, name="Order BV")
    order = sales.create_order(
        store,
        actor=seller,
        customer_id=customer.id,
        order_date=TODAY,
        lines=[sales.LineRequest(catalogue.drill.id, Decimal("1.5"), unit_price_cents=9999)],
    )
    # 1.5 x 99.99 = 149.985 -> 149.99; BTW 21 % = 31.4979 -> 31.50
    assert (order.net_cents, order.vat_cents, order.gross_cents) == (14999, 3150, 18149)
    assert order.order_number == "OR-2026-0001"
    assert sales.cancel_order(store, actor=seller, order_id=order.id).status.value == "cancelled"


def test_quote_status_values(store, seller, catalogue):
    customer = customers.create_customer(store, actor=seller, name="Nee BV")
    quote = sales.create_quote(
        store,
        actor=seller,
        customer_id=customer.id,
        lines=[sales.LineRequest(catalogue.coffee.id, Decimal(1))],
    )
    rejected = sales.reject_quote(store, actor=seller, quote_id=quote.id)
    assert rejected.status is QuoteStatus.REJECTED
