from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from fieldsales.domain.enums import GoalKind
from fieldsales.reports.year import report_periods, year_report
from fieldsales.services import customers, plans, sales, visits


def test_periods_compare_the_same_span():
    period, previous = report_periods(2026, date(2026, 11, 28))
    assert (period.start, period.end) == (date(2026, 1, 1), date(2026, 11, 28))
    assert (previous.start, previous.end) == (date(2025, 1, 1), date(2025, 11, 28))
    _, leap = report_periods(2028, date(2028, 2, 29))
    assert leap.end == date(2027, 2, 28)


def test_year_report_over_a_small_portfolio(store, seller, other_seller, manager, catalogue):
    a = customers.create_customer(store, actor=seller, name="A BV")
    b = customers.create_customer(store, actor=seller, name="B BV")
    foreign = customers.create_customer(store, actor=other_seller, name="Niet van mij")
    drill = catalogue.drill.id

    def order(customer_id, on, qty, actor=seller):
        sales.create_order(
            store,
            actor=actor,
            customer_id=customer_id,
            order_date=on,
            lines=[sales.LineRequest(drill, Decimal(qty), unit_price_cents=10000)],
        )

    order(a.id, date(2025, 3, 1), 2)  # last year, inside the compared span: 200.00
    order(a.id, date(2025, 12, 15), 5)  # last year, after 28-11: not compared
    order(a.id, date(2026, 2, 1), 3)  # 300.00
    order(b.id, date(2026, 6, 1), 1)  # 100.00, b's first order ever: a new customer
    order(foreign.id, date(2026, 6, 1), 50, actor=other_seller)  # someone else's portfolio

    for day, score in ((3, 4), (10, 2)):
        visit = visits.plan_visit(
            store, actor=seller, customer_id=a.id, start=datetime(2026, 3, day, 10, tzinfo=UTC)
        )
        visits.quick_visit_done(store, actor=seller, visit_id=visit.id, satisfaction=score)

    plan = plans.create_plan(store, actor=seller, customer_id=a.id, year=2026)
    plans.add_goal(
        store, actor=seller, plan_id=plan.id, kind=GoalKind.REVENUE, target_value=Decimal(400)
    )
    plans.submit_plan(store, actor=seller, plan_id=plan.id)
    plans.decide_plan(store, actor=manager, plan_id=plan.id, approve=True)

    report = year_report(store, owner_id=seller.user_id, year=2026, as_of=date(2026, 11, 28))
    assert report.revenue.total_cents == 400_00
    assert report.previous_revenue_cents == 200_00
    assert {k.key: k.cents for k in report.revenue.by_customer} == {a.id: 300_00, b.id: 100_00}
    assert report.satisfaction.average == Decimal("3.00")
    assert [c.customer_id for c in report.new_customers.customers] == [b.id]
    # 1 approved plan for 2 active customers.
    assert report.plan_approval.approved == 1
    assert report.plan_approval.approved_percent == Decimal("50.0")
    assert report.goal_realism.goals == 1

    team = year_report(store, owner_id=None, year=2026, as_of=date(2026, 11, 28))
    assert team.revenue.total_cents == 400_00 + 50 * 100_00
