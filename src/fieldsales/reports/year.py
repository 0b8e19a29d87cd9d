"""The year KPI report: every KPI of the brief for one salesperson (or the team) and one year.

Figures run to ``as_of`` (today, for the current year) and are compared with the same span of
the previous year, so a report in November does not compare eleven months with twelve.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fieldsales.domain import kpis
from fieldsales.domain.enums import CustomerKind
from fieldsales.domain.periods import Period
from fieldsales.reports import facts
from fieldsales.store import Store


@dataclass(frozen=True, slots=True)
class YearReport:
    year: int
    as_of: date
    owner_id: str | None
    period: Period
    previous_period: Period
    revenue: kpis.RevenueBreakdown
    previous_revenue_cents: int
    growth_by_product_group: list[kpis.Growth]
    cross_sell: kpis.CrossSellRevenue
    up_sell: kpis.UpSellRevenue
    satisfaction: kpis.Satisfaction
    churn: kpis.PortfolioChurn
    new_customers: kpis.NewCustomers
    new_customer_lifetime: kpis.Lifetime
    plan_approval: kpis.PlanApproval
    plan_versions: kpis.VersionStats
    goal_realism: kpis.GoalRealismSummary
    execution: kpis.ExecutionDegree
    targets: list[kpis.TargetProgress]


def report_periods(year: int, as_of: date) -> tuple[Period, Period]:
    """This year up to ``as_of`` and the same span a year earlier (29 February -> the 28th)."""
    end = min(as_of, date(year, 12, 31))
    if end < date(year, 1, 1):
        end = date(year, 1, 1)
    if (end.month, end.day) == (2, 29):
        previous_end = date(year - 1, 2, 28)
    else:
        previous_end = end.replace(year=year - 1)
    return Period(date(year, 1, 1), end), Period(date(year - 1, 1, 1), previous_end)


def year_report(store: Store, *, owner_id: str | None, year: int, as_of: date) -> YearReport:
    """All KPIs for ``year`` in one pass over the facts loaded once (one query per fact kind)."""
    period, previous = report_periods(year, as_of)
    with store.read() as session:
        # Two years back: the previous year for growth, plus the look-back of "new to customer".
        sales = facts.sale_lines(session, owner_id=owner_id, since=date(year - 2, 1, 1))
        visits = facts.visit_facts(session, owner_id=owner_id, since=date(year - 1, 1, 1))
        customers = facts.customer_facts(session, owner_id=owner_id)
        plans = facts.plan_facts(session, owner_id=owner_id, year=year)
        goals = facts.goal_facts(session, owner_id=owner_id, year=year)
        actions = facts.action_facts(session, owner_id=owner_id, year=year)
        targets = facts.target_facts(
            session, owner_id=owner_id, overlapping=(period.start, date(year, 12, 31))
        )
    active_customers = sum(
        1 for c in customers if c.kind is CustomerKind.CUSTOMER and c.lost_on is None
    )
    # Each KPI gets the narrowest window it needs: passes over 20,000 lines add up.
    this_year = [s for s in sales if s.order_date <= period.end]
    recent = [s for s in this_year if s.order_date >= previous.start]  # incl. a year's look-back
    current = [s for s in recent if s.order_date >= period.start]
    return YearReport(
        year=year,
        as_of=as_of,
        owner_id=owner_id,
        period=period,
        previous_period=previous,
        revenue=kpis.revenue(current, period),
        previous_revenue_cents=sum(s.net_cents for s in recent if s.order_date <= previous.end),
        growth_by_product_group=kpis.revenue_growth(recent, period, previous, by="product_group"),
        cross_sell=kpis.cross_sell_revenue(recent, period),
        up_sell=kpis.up_sell_revenue(recent, period, previous=previous),
        satisfaction=kpis.satisfaction(visits, period),
        churn=kpis.portfolio_churn(customers, this_year, period),
        new_customers=kpis.new_customers(this_year, period, customers=customers),
        new_customer_lifetime=kpis.new_customer_lifetime(
            sales, period, as_of=as_of, customers=customers
        ),
        plan_approval=kpis.plan_approval(plans, year=year, expected_plans=active_customers),
        plan_versions=kpis.plan_versions(plans, year=year),
        goal_realism=kpis.summarize_goal_realism(
            kpis.goal_realism(goals, sales, visits, customers=customers, as_of=as_of)
        ),
        execution=kpis.execution_degree(visits, actions, period=period, as_of=as_of),
        targets=kpis.target_progress(targets, this_year, as_of=as_of),
    )
