"""Every reference points at a record that exists, in the right customer; amounts follow the
pricing rules; every record passes its class's validation; ``records()`` puts parents first."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from demo_testkit import TODAY

from fieldsales.demo import DemoData
from fieldsales.demo._common import local
from fieldsales.domain.enums import OrderSource, QuoteStatus
from fieldsales.domain.pricing import LineInput, line_amounts
from fieldsales.records import Customer, Scope


def test_every_customer_scoped_record_belongs_to_an_existing_customer(demo: DemoData) -> None:
    customers = {c.id: c for c in demo.customers}
    checked = 0
    for record in demo.records():
        if type(record).scope is Scope.CUSTOMER and not isinstance(record, Customer):
            customer_id = getattr(record, "customer_id", None)
            assert customer_id in customers, (record.collection, record.id)
            owner = getattr(record, "owner_id", None)
            if owner is not None:
                assert owner == customers[customer_id].owner_id, record.collection
            checked += 1
    assert checked > 40_000


def test_lines_refer_to_existing_products_and_their_own_document(demo: DemoData) -> None:
    products = {p.id for p in demo.products}
    orders = {o.id: o for o in demo.orders}
    quotes = {q.id: q for q in demo.quotes}
    for line in demo.order_lines:
        assert line.product_id in products
        assert orders[line.order_id].customer_id == line.customer_id
    for quote_line in demo.quote_lines:
        assert quote_line.product_id in products
        assert quotes[quote_line.quote_id].customer_id == quote_line.customer_id
    with_lines = {ln.order_id for ln in demo.order_lines}
    assert all(o.id in with_lines for o in demo.orders)


def test_line_amounts_follow_the_pricing_rules_and_headers_sum_their_lines(
    demo: DemoData,
) -> None:
    vat_of = {p.id: p.vat_rate for p in demo.products}
    pairs: list[tuple[list[Any], list[Any]]] = [
        (demo.order_lines, demo.orders),
        (demo.quote_lines, demo.quotes),
    ]
    for doc_lines, docs in pairs:
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for line in doc_lines:
            expected = line_amounts(
                LineInput(
                    quantity=line.quantity,
                    unit_price_cents=line.unit_price_cents,
                    discount_percent=line.discount_percent,
                    vat_rate=line.vat_rate,
                )
            )
            assert (line.net_cents, line.vat_cents) == (expected.net_cents, expected.vat_cents)
            assert line.vat_rate is vat_of[line.product_id]
            parent = getattr(line, "order_id", None) or line.quote_id
            sums[parent][0] += line.net_cents
            sums[parent][1] += line.vat_cents
        for doc in docs:
            assert [doc.net_cents, doc.vat_cents] == sums[doc.id]
            assert doc.gross_cents == doc.net_cents + doc.vat_cents


def test_accepted_quotes_became_orders_at_the_quoted_prices(demo: DemoData) -> None:
    orders = {o.id: o for o in demo.orders}
    accepted = [q for q in demo.quotes if q.status is QuoteStatus.ACCEPTED]
    assert accepted
    for quote in accepted:
        assert quote.order_id is not None
        order = orders[quote.order_id]
        assert order.quote_id == quote.id
        assert order.source is OrderSource.QUOTE
        assert order.net_cents == quote.net_cents
        assert quote.decided_on == order.order_date
    assert all(q.order_id is None for q in demo.quotes if q.status is not QuoteStatus.ACCEPTED)


def test_references_between_records_hold(demo: DemoData) -> None:
    ids_by_collection: dict[str, dict[str, Any]] = defaultdict(dict)
    for record in demo.records():
        ids_by_collection[record.collection][record.id] = record
    visits = ids_by_collection["visits"]
    contacts = ids_by_collection["contacts"]
    actions = ids_by_collection["plan_actions"]
    for visit in demo.visits:
        if visit.contact_id:
            assert contacts[visit.contact_id].customer_id == visit.customer_id
        if visit.plan_action_id:
            assert actions[visit.plan_action_id].visit_id == visit.id
    for action in demo.plan_actions:
        if action.visit_id:
            assert visits[action.visit_id].plan_action_id == action.id
    for call in demo.call_logs:
        if call.visit_id:
            assert visits[call.visit_id].customer_id == call.customer_id
    for follow_up in demo.follow_ups:
        for name, collection in (
            ("visit_id", "visits"),
            ("complaint_id", "complaints"),
            ("quote_id", "quotes"),
        ):
            target = getattr(follow_up, name)
            if target:
                assert ids_by_collection[collection][target].customer_id == follow_up.customer_id
    plans = ids_by_collection["account_plans"]
    children: list[Any] = [*demo.plan_goals, *demo.plan_actions, *demo.account_plan_versions]
    for child in children:
        assert plans[child.plan_id].customer_id == child.customer_id
    groups = ids_by_collection["product_groups"]
    assert all(p.product_group_id in groups for p in demo.products)
    assert all(g.product_group_id in groups for g in demo.plan_goals if g.product_group_id)
    target_groups = ids_by_collection["target_groups"]
    price_lists = ids_by_collection["price_lists"]
    for customer in demo.customers:
        assert customer.target_group_id in target_groups
        assert customer.price_list_id is None or customer.price_list_id in price_lists
    sellers = {u.id for u in demo.salespeople}
    assert {t.owner_id for t in demo.sales_targets} == sellers
    assert {c.owner_id for c in demo.deviation_causes} <= sellers
    assert {c.owner_id for c in demo.customers} == sellers
    assert demo.team.manager_id == demo.manager.id
    assert all(u.team_id == demo.team.id for u in demo.users)


def test_records_come_parents_first(demo: DemoData) -> None:
    """A loader inserting in ``records()`` order never meets a reference to a record still to
    come, except the documented pairs (team -> its manager, action <-> visit, quote <-> order)."""
    forward_allowed = {
        ("teams", "manager_id"),
        ("plan_actions", "visit_id"),
        ("quotes", "order_id"),
    }
    seen: set[str] = set()
    checked = 0
    for record in demo.records():
        for name, value in record.to_wire().items():
            if not name.endswith("_id") or name == "btw_id" or value is None:
                continue
            if (record.collection, name) in forward_allowed:
                continue
            assert value in seen, (record.collection, name)
            checked += 1
        seen.add(record.id)
    assert checked > 50_000


def test_every_record_passes_its_class_validation(demo: DemoData) -> None:
    for record in demo.records():
        type(record).model_validate(record.model_dump())


def test_timestamps_are_in_the_past_and_in_order(demo: DemoData) -> None:
    now = local(TODAY, 7, 0)  # the demo is made at the start of the day
    for record in demo.records():
        assert record.created_at.tzinfo is not None
        assert record.created_at <= record.updated_at <= now, (record.collection, record.id)
    for visit in demo.visits:
        if visit.reported_at is not None:
            assert visit.planned_start < visit.reported_at <= now
            assert visit.satisfaction is None or 1 <= visit.satisfaction <= 5
        if visit.prepared_at is not None:
            assert visit.prepared_at < visit.planned_start
    for order in demo.orders:
        assert order.delivery_on is None or order.delivery_on > order.order_date
        assert order.order_date < TODAY
    for quote in demo.quotes:
        assert quote.valid_until == quote.quote_date + timedelta(days=30)
        assert quote.decided_on is None or quote.quote_date <= quote.decided_on < TODAY
