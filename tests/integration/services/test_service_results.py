"""The Resultaten read model over a real store: the period report's figures against values worked
out by hand, the same figures as the year report for a year, recorded causes carried by the
report, the team as the sum of its salespeople, and who may see whose results."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from fieldsales.domain.enums import DeviationCauseKind, GoalKind
from fieldsales.domain.periods import Period
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Product, ProductGroup
from fieldsales.reports.year import period_report, year_report
from fieldsales.services import customers, plans, results, sales, targets, visits
from fieldsales.services.errors import NotAllowed
from fieldsales.store import Store

NOV = Period.month(2026, 11)
AS_OF = date(2026, 11, 30)  # November is complete: no pro rata within the month


def order(store: Store, actor: Actor, customer_id: str, product: Product, on: date, qty: int):
    """One line at 100,00 a piece: qty × 100,00 net."""
    return sales.create_order(
        store,
        actor=actor,
        customer_id=customer_id,
        order_date=on,
        lines=[sales.LineRequest(product.id, Decimal(qty), unit_price_cents=100_00)],
    )


@pytest.fixture
def coffee_group(store: Store) -> tuple[ProductGroup, Product]:
    """A second product group, so the deviation splits over two groups."""
    group = ProductGroup(code="KOF", name="Koffie", version=10)
    beans = Product(
        sku="KOF-2", name="Bonen", product_group_id=group.id, list_price_cents=100_00, version=11
    )
    with store.unit_of_work(applying_sync=True) as uow:
        uow.add(group)
        uow.add(beans)
        uow.commit()
    return group, beans


@pytest.fixture
def portfolio(store, seller, other_seller, manager, catalogue, coffee_group):
    """A (drill, 'Gereedschap') and B (beans, 'Koffie') of the seller, C of the other seller.

    November 2026: A 300,00, B 200,00, C 700,00. November 2025: A 400,00, B 100,00.
    Targets for November 2026: the seller 1.000,00 in total and 600,00 for A; the other seller
    only 200,00 for C (no total target).
    """
    _group, beans = coffee_group
    a = customers.create_customer(store, actor=seller, name="A BV")
    b = customers.create_customer(store, actor=seller, name="B BV")
    c = customers.create_customer(store, actor=other_seller, name="C BV")
    drill = catalogue.drill
    order(store, seller, a.id, drill, date(2026, 11, 3), 3)
    order(store, seller, b.id, beans, date(2026, 11, 20), 2)
    order(store, seller, a.id, drill, date(2025, 11, 10), 4)
    order(store, seller, b.id, beans, date(2025, 11, 11), 1)
    order(store, other_seller, c.id, drill, date(2026, 11, 5), 7)
    order(store, seller, a.id, drill, date(2026, 12, 1), 50)  # after the month: never counted
    for owner, customer_id, cents in (
        (seller.user_id, None, 1000_00),
        (seller.user_id, a.id, 600_00),
        (other_seller.user_id, c.id, 200_00),
    ):
        targets.set_target(
            store,
            actor=manager,
            owner_id=owner,
            period_start=NOV.start,
            period_end=NOV.end,
            revenue_target_cents=cents,
            customer_id=customer_id,
        )
    return a, b, c


def test_month_figures_match_the_hand_computed_ones(
    store, seller, catalogue, coffee_group, portfolio
):
    a, b, _c = portfolio
    res = results.results(store, actor=seller, period=NOV, as_of=AS_OF)
    report = res.report
    assert res.subject == "u-seller"
    assert res.owner_id == seller.user_id
    assert report.revenue.total_cents == 500_00
    assert report.revenue.orders == 2
    assert report.previous_revenue_cents == 500_00
    assert report.previous_period == Period(date(2025, 11, 1), date(2025, 11, 30))
    assert {k.key: k.cents for k in report.revenue.by_customer} == {a.id: 300_00, b.id: 200_00}
    group, _beans = coffee_group
    assert {k.key: k.cents for k in report.revenue.by_product_group} == {
        catalogue.group.id: 300_00,
        group.id: 200_00,
    }
    assert res.names.customer(a.id) == "A BV"
    assert res.names.group(group.id) == "Koffie"

    deviation = report.deviation
    assert (deviation.target_cents, deviation.deviation_cents) == (1000_00, -500_00)
    assert deviation.deviation_percent == Decimal("-50.0")
    # A has its own 600,00; the other 400,00 goes to B, the only customer without one.
    rows = {r.key: (r.target_cents, r.deviation_cents) for r in deviation.by_customer.rows}
    assert rows == {a.id: (600_00, -300_00), b.id: (400_00, -200_00)}
    # No group targets: 1.000,00 spread by last year's 400,00 / 100,00.
    groups = {r.key: (r.target_cents, r.deviation_cents) for r in deviation.by_product_group.rows}
    assert groups == {catalogue.group.id: (800_00, -500_00), group.id: (200_00, 0)}
    assert report.full_target_cents == 1000_00
    assert report.by_owner == ()


def test_a_running_month_compares_the_days_so_far(store, seller, portfolio):
    report = results.results(store, actor=seller, period=NOV, as_of=date(2026, 11, 15)).report
    assert report.period == Period(date(2026, 11, 1), date(2026, 11, 15))
    assert report.previous_period == Period(date(2025, 11, 1), date(2025, 11, 15))
    assert report.revenue.total_cents == 300_00  # B's order of the 20th is still to come
    assert report.previous_revenue_cents == 500_00
    # 15 of 30 days: half the month's 1.000,00 target, the whole of it as the full target.
    assert report.deviation.target_cents == 500_00
    assert report.full_target_cents == 1000_00


def test_a_recorded_cause_is_carried_by_the_report(store, seller, portfolio):
    a, _b, _c = portfolio
    targets.record_deviation_cause(
        store,
        actor=seller,
        period_start=NOV.start,
        period_end=NOV.end,
        cause=DeviationCauseKind.PRICE_PRESSURE,
        customer_id=a.id,
        amount_cents=-300_00,
        note="Concurrent 10 % goedkoper",
    )
    deviation = results.results(store, actor=seller, period=NOV, as_of=AS_OF).report.deviation
    row_a = next(r for r in deviation.by_customer.rows if r.key == a.id)
    assert [(c.cause, c.note) for c in row_a.causes] == [
        (DeviationCauseKind.PRICE_PRESSURE, "Concurrent 10 % goedkoper")
    ]
    assert (deviation.explained_cents, deviation.unexplained_cents) == (-300_00, -200_00)
    # The cause is about November: the year report of 2026 carries it too, October does not.
    year = results.results(store, actor=seller, period=Period.year(2026), as_of=AS_OF)
    assert len(year.report.deviation.causes) == 1
    october = results.results(store, actor=seller, period=Period.month(2026, 10), as_of=AS_OF)
    assert october.report.deviation.causes == ()


def test_the_team_is_the_sum_of_its_salespeople(store, seller, other_seller, manager, portfolio):
    a, b, c = portfolio
    res = results.results(store, actor=manager, period=NOV, as_of=AS_OF)
    report = res.report
    assert res.subject == results.TEAM
    assert res.owner_id is None
    assert report.revenue.total_cents == 1200_00
    lines = {
        r.owner_id: (r.realised_cents, r.target_cents, r.previous_cents) for r in report.by_owner
    }
    assert lines == {
        seller.user_id: (500_00, 1000_00, 500_00),
        other_seller.user_id: (700_00, 200_00, 0),
    }
    assert [r.owner_id for r in report.by_owner] == [other_seller.user_id, seller.user_id]
    # The other seller has only a customer target: it still counts for the team (1.200,00),
    # where pooling everyone's targets would have taken only the seller's total of 1.000,00.
    assert report.deviation.target_cents == 1200_00
    assert report.full_target_cents == 1200_00
    rows = {r.key: r.deviation_cents for r in report.deviation.by_customer.rows}
    assert rows == {a.id: -300_00, b.id: -200_00, c.id: 500_00}
    rows_sum = sum(r.deviation_cents for r in report.deviation.by_product_group.rows)
    assert rows_sum - report.deviation.by_product_group.unallocated_target_cents == 0

    one = results.results(
        store, actor=manager, period=NOV, as_of=AS_OF, owner_id=other_seller.user_id
    )
    assert one.report.revenue.total_cents == 700_00
    assert one.report.by_owner == ()
    assert one.report.deviation.target_cents == 200_00


def test_who_sees_whose_results(store, seller, other_seller, manager, portfolio):
    with pytest.raises(NotAllowed):
        results.results(store, actor=seller, period=NOV, as_of=AS_OF, owner_id=other_seller.user_id)
    own = results.results(store, actor=seller, period=NOV, as_of=AS_OF, owner_id=seller.user_id)
    assert own.report.revenue.total_cents == 500_00
    assert results.salespeople(store, actor=seller) == []
    assert results.salespeople(store, actor=manager) == [
        results.Person("u-other", "u-other"),
        results.Person("u-seller", "u-seller"),
    ]


def test_a_year_period_gives_the_year_reports_figures(store, seller, manager, catalogue):
    """Same facts, same KPI functions: the screen's year is the year report."""
    a = customers.create_customer(store, actor=seller, name="A BV")
    b = customers.create_customer(store, actor=seller, name="B BV")
    for customer_id, on, qty in (
        (a.id, date(2024, 6, 1), 1),
        (a.id, date(2025, 3, 1), 2),
        (a.id, date(2026, 2, 1), 3),
        (b.id, date(2026, 6, 1), 1),
    ):
        order(store, seller, customer_id, catalogue.drill, on, qty)
    visit = visits.plan_visit(
        store, actor=seller, customer_id=a.id, start=datetime(2026, 3, 3, 10, tzinfo=UTC)
    )
    visits.quick_visit_done(store, actor=seller, visit_id=visit.id, satisfaction=4)
    plan = plans.create_plan(store, actor=seller, customer_id=a.id, year=2026)
    plans.add_goal(
        store, actor=seller, plan_id=plan.id, kind=GoalKind.REVENUE, target_value=Decimal(400)
    )
    plans.submit_plan(store, actor=seller, plan_id=plan.id)
    plans.decide_plan(store, actor=manager, plan_id=plan.id, approve=True)

    as_of = date(2026, 11, 28)
    year = year_report(store, owner_id=seller.user_id, year=2026, as_of=as_of)
    period = period_report(store, owner_id=seller.user_id, period=Period.year(2026), as_of=as_of)
    assert period.period == year.period
    assert period.previous_period == year.previous_period
    assert period.revenue == year.revenue
    assert period.previous_revenue_cents == year.previous_revenue_cents == 200_00
    assert period.growth_by_product_group == year.growth_by_product_group
    assert period.cross_sell == year.cross_sell
    assert period.up_sell == year.up_sell
    assert period.satisfaction == year.satisfaction
    assert period.churn == year.churn
    assert period.new_customers == year.new_customers
    assert period.plan_approval == year.plan_approval
    assert period.plan_versions == year.plan_versions
    assert period.execution == year.execution
    assert period.revenue.total_cents == 400_00
