"""The catalogue for order entry: the customer's own prices, what it usually orders, and a
preview that prices lines exactly as saving them does."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldsales.domain.enums import VatRate
from fieldsales.services import catalogue as cat
from fieldsales.services import customers, sales
from fieldsales.services.errors import InvalidInput, NotAllowed

TODAY = date(2026, 11, 28)


def test_items_carry_the_customers_price_and_list_price_without_a_price_list(
    store, seller, catalogue
):
    with_list = customers.create_customer(
        store, actor=seller, name="Installateur Smit", price_list_id=catalogue.price_list.id
    )
    without = customers.create_customer(store, actor=seller, name="Bouwbedrijf Vos")
    prices = {
        i.product.sku: (i.unit_price_cents, i.group_name)
        for i in cat.order_catalogue(store, actor=seller, customer_id=with_list.id, on=TODAY).items
    }
    assert prices == {"BOOR-1": (9000, "Gereedschap"), "KOF-1": (1250, "Gereedschap")}
    plain = cat.order_catalogue(store, actor=seller, customer_id=without.id, on=TODAY)
    assert [i.unit_price_cents for i in plain.items] == [10000, 1250]  # by name


def test_the_preview_uses_the_staffel_and_equals_the_saved_order(store, seller, catalogue):
    customer = customers.create_customer(
        store, actor=seller, name="Installateur Smit", price_list_id=catalogue.price_list.id
    )
    lines = [
        sales.LineRequest(catalogue.drill.id, Decimal(10), Decimal(10)),  # tier 85,00
        sales.LineRequest(catalogue.coffee.id, Decimal(3)),
    ]
    preview = cat.preview_lines(store, actor=seller, customer_id=customer.id, lines=lines, on=TODAY)
    assert [line.unit_price_cents for line in preview.lines] == [8500, 1250]
    assert preview.vat_by_rate == {VatRate.HIGH: 16065, VatRate.LOW: 338}
    order = sales.create_order(
        store, actor=seller, customer_id=customer.id, lines=lines, order_date=TODAY
    )
    assert (preview.net_cents, preview.vat_cents, preview.gross_cents) == (
        order.net_cents,
        order.vat_cents,
        order.gross_cents,
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.booleans(),
            st.decimals(min_value=Decimal("0.001"), max_value=Decimal(500), places=3),
            st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=2),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_preview_total_is_the_total_saved(store, seller, catalogue, picks):
    customer = customers.create_customer(
        store, actor=seller, name="Klant", price_list_id=catalogue.price_list.id
    )
    lines = [
        sales.LineRequest((catalogue.drill if drill else catalogue.coffee).id, quantity, discount)
        for drill, quantity, discount in picks
    ]
    preview = cat.preview_lines(store, actor=seller, customer_id=customer.id, lines=lines, on=TODAY)
    quote = sales.create_quote(
        store, actor=seller, customer_id=customer.id, lines=lines, quote_date=TODAY
    )
    assert (preview.net_cents, preview.vat_cents, preview.gross_cents) == (
        quote.net_cents,
        quote.vat_cents,
        quote.gross_cents,
    )


def test_usual_products_count_the_last_year_and_skip_cancelled_orders(store, seller, catalogue):
    customer = customers.create_customer(store, actor=seller, name="Bakkerij Jansen")

    def order(product, on, quantity=1):
        return sales.create_order(
            store,
            actor=seller,
            customer_id=customer.id,
            lines=[sales.LineRequest(product.id, Decimal(quantity))],
            order_date=on,
        )

    order(catalogue.drill, TODAY)
    order(catalogue.coffee, TODAY)
    order(catalogue.coffee, date(2026, 6, 1))
    for _ in range(3):  # older than a year: does not count
        order(catalogue.drill, date(2025, 11, 1))
    cancelled = order(catalogue.drill, TODAY)
    order(catalogue.drill, TODAY)
    sales.cancel_order(store, actor=seller, order_id=cancelled.id)
    found = cat.order_catalogue(store, actor=seller, customer_id=customer.id, on=TODAY)
    # coffee twice in the window, drill twice (one cancelled): a tie, ordered by id
    assert found.usual == sorted([catalogue.coffee.id, catalogue.drill.id])
    assert [i.product.id for i in found.search("")] == found.usual
    assert [i.product.sku for i in found.search("gereedschap boor")] == ["BOOR-1"]
    assert found.search("kof 1 kg") == [i for i in found.items if i.product.sku == "KOF-1"]


def test_an_empty_preview_is_zero_and_bad_lines_get_the_services_errors(store, seller, catalogue):
    customer = customers.create_customer(store, actor=seller, name="Bakkerij Jansen")
    empty = cat.preview_lines(store, actor=seller, customer_id=customer.id, lines=[], on=TODAY)
    assert (empty.lines, empty.gross_cents) == ([], 0)
    with pytest.raises(InvalidInput) as refused:
        cat.preview_lines(
            store,
            actor=seller,
            customer_id=customer.id,
            lines=[sales.LineRequest(catalogue.drill.id, Decimal(0))],
            on=TODAY,
        )
    assert refused.value.message == "Aantal moet groter dan 0 zijn."


def test_another_salespersons_customer_is_not_offered(store, seller, other_seller, catalogue):
    theirs = customers.create_customer(store, actor=other_seller, name="Niet van mij BV")
    with pytest.raises(NotAllowed):
        cat.order_catalogue(store, actor=seller, customer_id=theirs.id, on=TODAY)
