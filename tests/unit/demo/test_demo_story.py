"""The demo shows every situation the app has a screen or a KPI for, for every salesperson."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import pairwise

import pytest
from demo_testkit import TODAY

from fieldsales.demo import DemoData
from fieldsales.demo._common import AMSTERDAM
from fieldsales.domain.enums import (
    ActionStatus,
    CallOutcome,
    ComplaintCategory,
    CustomerKind,
    FollowUpStatus,
    OrderStatus,
    PlanDecision,
    PlanStatus,
    QuoteStatus,
    VatRate,
    VisitStatus,
)
from fieldsales.records import UserProfile


def _own(demo: DemoData, seller: UserProfile) -> set[str]:
    return {c.id for c in demo.customers if c.owner_id == seller.id}


@pytest.fixture(params=["verkoper1", "verkoper2", "verkoper3"])
def seller(request: pytest.FixtureRequest, demo: DemoData) -> UserProfile:
    return demo.user(request.param)


def test_today_has_several_visits_at_different_times(demo: DemoData, seller: UserProfile) -> None:
    today = [
        v
        for v in demo.visits
        if v.owner_id == seller.id and v.planned_start.astimezone(AMSTERDAM).date() == TODAY
    ]
    assert len(today) >= 4
    assert len({v.planned_start for v in today}) == len(today)
    assert {v.status for v in today} == {VisitStatus.PLANNED, VisitStatus.PREPARED}
    customers = {c.id: c for c in demo.customers}
    assert all(customers[v.customer_id].kind is CustomerKind.CUSTOMER for v in today)


def test_visits_past_and_coming(demo: DemoData, seller: UserProfile) -> None:
    own = [v for v in demo.visits if v.owner_id == seller.id]
    statuses = Counter(v.status for v in own)
    assert set(statuses) == set(VisitStatus)
    assert statuses[VisitStatus.REPORTED] > 0.8 * len(own)
    coming = [v for v in own if v.planned_start.date() > TODAY]
    assert len(coming) >= 20
    assert all(v.status in (VisitStatus.PLANNED, VisitStatus.PREPARED) for v in coming)
    reported = [v for v in own if v.status is VisitStatus.REPORTED]
    assert sum(1 for v in reported if v.topics and v.agreements) > 0.7 * len(reported)
    assert sum(1 for v in reported if v.products_presented) > 0.2 * len(reported)
    assert {v.satisfaction for v in reported} == {1, 2, 3, 4, 5}
    assert all(v.cancel_reason for v in own if v.status is VisitStatus.CANCELLED)


def test_plans_in_every_status_with_numbered_versions(demo: DemoData, seller: UserProfile) -> None:
    own = _own(demo, seller)
    plans = [p for p in demo.account_plans if p.customer_id in own]
    assert {p.status for p in plans} == set(PlanStatus)
    assert {p.year for p in plans} == {TODAY.year - 1, TODAY.year}
    versions = defaultdict(list)
    for version in demo.account_plan_versions:
        versions[version.plan_id].append(version)
    goals = defaultdict(set)
    for goal in demo.plan_goals:
        goals[goal.plan_id].add(goal.id)
    for plan in plans:
        mine = sorted(versions[plan.id], key=lambda v: v.number)
        assert [v.number for v in mine] == list(range(1, plan.current_version + 1))
        for earlier in mine[:-1]:
            assert earlier.decision is not None
            assert earlier.decided_by == demo.manager.id
        if mine:
            latest = mine[-1]
            assert {g["id"] for g in latest.content["goals"]} == goals[plan.id]
            expected = {
                PlanStatus.SUBMITTED: None,
                PlanStatus.APPROVED: PlanDecision.APPROVED,
                PlanStatus.REJECTED: PlanDecision.REJECTED,
            }.get(plan.status, latest.decision)
            assert latest.decision == expected
            assert plan.submitted_at == latest.submitted_at
        for version in mine:
            assert version.submitted_by == plan.owner_id == seller.id
            assert version.content["year"] == plan.year
            if version.decision is PlanDecision.REJECTED:
                assert version.manager_comment
    # A draft with versions is being revised after a rejection; some went round more than once.
    assert any(p.status is PlanStatus.DRAFT and p.current_version >= 1 for p in plans)
    assert any(p.status is PlanStatus.DRAFT and p.current_version == 0 for p in plans)
    assert any(p.status is PlanStatus.SUBMITTED and p.current_version >= 2 for p in plans)
    assert any(p.status is PlanStatus.APPROVED and p.current_version >= 2 for p in plans)


def test_revised_versions_differ_where_the_manager_objected(demo: DemoData) -> None:
    by_plan = defaultdict(list)
    for version in demo.account_plan_versions:
        by_plan[version.plan_id].append(version)
    changed = 0
    for versions in by_plan.values():
        versions.sort(key=lambda v: v.number)
        for before, after in pairwise(versions):
            if before.decision is PlanDecision.REJECTED:
                assert before.content != after.content
                changed += 1
    assert changed > 20


def test_plan_actions_on_time_late_and_open(demo: DemoData, seller: UserProfile) -> None:
    own = _own(demo, seller)
    actions = [a for a in demo.plan_actions if a.customer_id in own]
    done = [a for a in actions if a.status is ActionStatus.DONE]
    assert any(a.done_on and a.due_on and a.done_on <= a.due_on for a in done)
    assert any(a.done_on and a.due_on and a.done_on > a.due_on for a in done)
    assert any(a.status is ActionStatus.OPEN and a.due_on and a.due_on < TODAY for a in actions)
    assert any(a.status is ActionStatus.CANCELLED for a in actions)
    assert sum(1 for a in done if a.visit_id) >= 20


def test_quotes_in_every_status_with_lines(demo: DemoData, seller: UserProfile) -> None:
    own = _own(demo, seller)
    quotes = [q for q in demo.quotes if q.customer_id in own]
    statuses = Counter(q.status for q in quotes)
    assert set(statuses) == set(QuoteStatus)
    assert statuses[QuoteStatus.SENT] >= 5
    with_lines = {line.quote_id for line in demo.quote_lines}
    assert all(q.id in with_lines for q in quotes)
    for quote in quotes:
        if quote.status is QuoteStatus.EXPIRED:
            assert quote.valid_until < TODAY
        if quote.status is QuoteStatus.SENT:
            assert quote.sent_at is not None
            assert quote.valid_until >= TODAY
        if quote.status is QuoteStatus.DRAFT:
            assert quote.sent_at is None
    assert len({q.quote_number for q in demo.quotes}) == len(demo.quotes)


def test_orders_over_the_whole_history(demo: DemoData, seller: UserProfile) -> None:
    orders = [o for o in demo.orders if o.owner_id == seller.id]
    assert {o.status for o in orders} == set(OrderStatus)
    months = {(o.order_date.year, o.order_date.month) for o in orders}
    assert len(months) >= 36
    assert len({o.order_number for o in demo.orders}) == len(demo.orders)


def test_call_log_with_every_outcome(demo: DemoData, seller: UserProfile) -> None:
    own = _own(demo, seller)
    calls = [c for c in demo.call_logs if c.customer_id in own]
    assert {c.outcome for c in calls} == set(CallOutcome)
    visits = {v.id for v in demo.visits}
    for call in calls:
        assert (call.call_back_on is not None) == (call.outcome is CallOutcome.CALL_BACK)
        assert (call.visit_id in visits) == (call.outcome is CallOutcome.APPOINTMENT)
    prospects = {c.id for c in demo.customers if c.kind is CustomerKind.PROSPECT} & own
    assert len({c.customer_id for c in calls} & prospects) > 0.7 * len(prospects)
    assert any(c.call_back_on and c.call_back_on >= TODAY for c in calls)


def test_churn_lost_won_and_converted_customers(demo: DemoData, seller: UserProfile) -> None:
    customers = [
        c for c in demo.customers if c.owner_id == seller.id and c.kind is CustomerKind.CUSTOMER
    ]
    last_order: dict[str, date] = {}
    first_order: dict[str, date] = {}
    for order in demo.orders:
        if order.status in (OrderStatus.PLACED, OrderStatus.DELIVERED):
            d = order.order_date
            last_order[order.customer_id] = max(last_order.get(order.customer_id, d), d)
            first_order[order.customer_id] = min(first_order.get(order.customer_id, d), d)
    half_year_ago = TODAY - timedelta(days=183)
    silent = [c for c in customers if last_order.get(c.id, date.min) < half_year_ago]
    assert 5 <= len(silent) <= 25
    assert sum(1 for c in silent if c.lost_on) >= 3
    assert all(c.lost_on is None or c in silent for c in customers)
    won = [c for c in customers if c.customer_since and c.customer_since > half_year_ago]
    assert len(won) >= 3
    assert all(first_order[c.id] >= c.customer_since for c in won if c.customer_since)
    called = {call.customer_id for call in demo.call_logs}
    converted = [c for c in customers if c.id in called]
    assert len(converted) >= 3
    for customer in converted:
        assert customer.source
        assert customer.customer_since == first_order[customer.id]


def test_growing_and_declining_customers(demo: DemoData) -> None:
    year = timedelta(days=365)
    recent: Counter[str] = Counter()
    before: Counter[str] = Counter()
    for order in demo.orders:
        if order.status is OrderStatus.DELIVERED:
            if order.order_date >= TODAY - year:
                recent[order.customer_id] += order.net_cents
            elif order.order_date >= TODAY - 2 * year:
                before[order.customer_id] += order.net_cents
    both = [c for c in before if before[c] > 50_000 and recent[c] > 0]
    assert sum(1 for c in both if recent[c] >= 1.3 * before[c]) >= 10
    assert sum(1 for c in both if recent[c] <= 0.7 * before[c]) >= 10


def test_drinks_sell_more_in_summer(demo: DemoData) -> None:
    drinks = next(g.id for g in demo.product_groups if g.code == "FRI")
    in_group = {p.id for p in demo.products if p.product_group_id == drinks}
    orders = {o.id: o for o in demo.orders}
    by_month: Counter[int] = Counter()
    for line in demo.order_lines:
        if line.product_id in in_group:
            by_month[orders[line.order_id].order_date.month] += line.net_cents
    summer = by_month[6] + by_month[7] + by_month[8]
    winter = by_month[12] + by_month[1] + by_month[2]
    assert summer > 1.3 * winter


def test_structural_complaints(demo: DemoData, seller: UserProfile) -> None:
    own = _own(demo, seller)
    recent = [
        c
        for c in demo.complaints
        if c.customer_id in own and c.reported_on > TODAY - timedelta(days=180)
    ]
    # The same product at several customers ...
    customers_per_product: dict[str, set[str]] = defaultdict(set)
    for complaint in recent:
        if complaint.product_id:
            customers_per_product[complaint.product_id].add(complaint.customer_id)
    assert max(len(c) for c in customers_per_product.values()) >= 3
    # ... and one customer with recurring delivery problems.
    year = [
        c
        for c in demo.complaints
        if c.customer_id in own and c.reported_on > TODAY - timedelta(365)
    ]
    deliveries = Counter(c.customer_id for c in year if c.category is ComplaintCategory.DELIVERY)
    assert deliveries.most_common(1)[0][1] >= 4
    assert any(c.status.value in ("open", "in_progress") for c in recent)
    assert all(c.product_id for c in demo.complaints if c.category is ComplaintCategory.QUALITY)
    assert all(
        c.resolved_on is not None
        for c in demo.complaints
        if c.status.value in ("resolved", "closed")
    )


def test_follow_ups_open_and_done(demo: DemoData, seller: UserProfile) -> None:
    own = [f for f in demo.follow_ups if f.owner_id == seller.id]
    assert {f.status for f in own} == set(FollowUpStatus)
    assert all((f.done_on is not None) == (f.status is FollowUpStatus.DONE) for f in own)
    sources = Counter(
        "visit" if f.visit_id else "complaint" if f.complaint_id else "quote" for f in own
    )
    assert set(sources) == {"visit", "complaint", "quote"}


def test_catalogue(demo: DemoData) -> None:
    rates = Counter(p.vat_rate for p in demo.products)
    assert rates[VatRate.HIGH] > rates[VatRate.LOW] > 50
    new = [p for p in demo.products if p.introduced_on and p.introduced_on > TODAY - timedelta(120)]
    assert 8 <= len(new) <= 40
    assert any(not p.active for p in demo.products)
    assert len({p.sku for p in demo.products}) == len(demo.products)
    ordered = {line.product_id for line in demo.order_lines}
    assert any(p.id in ordered for p in new)  # presented new products do get bought


def test_targets_and_deviation_causes(demo: DemoData, seller: UserProfile) -> None:
    targets = [t for t in demo.sales_targets if t.owner_id == seller.id]
    months = {(t.period_start.year, t.period_start.month) for t in targets}
    assert (TODAY.year, TODAY.month) in months
    assert (TODAY.year, 12) in months
    assert len(months) >= 36
    assert len({t.product_group_id for t in targets}) >= 8
    assert all(
        t.period_start.day == 1 and t.period_end.month == t.period_start.month for t in targets
    )
    causes = [c for c in demo.deviation_causes if c.owner_id == seller.id]
    assert 3 <= len(causes) <= 10
    assert len({c.cause for c in causes}) >= 3
    assert all(c.note and c.period_end < TODAY for c in causes)
