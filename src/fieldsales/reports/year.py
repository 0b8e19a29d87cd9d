"""The year KPI report: every KPI of the brief for one salesperson (or the team) and one year,
and the period report of the Resultaten screen (any week, month, quarter, year or date range).

Figures run to ``as_of`` (today, for the current year) and are compared with the same span of
the previous year, so a report in November does not compare eleven months with twelve.

``period_report`` is the same computation over any period, plus the deviation from target
decomposed by customer and product group (``domain.deviations``). For a year it gives the year
report's figures exactly (a test holds it to that). For the team, the deviation is decomposed
per salesperson and the parts are added up: each salesperson's target is spread over their own
customers, and a salesperson with only customer targets still counts towards the team's target
(pooling everyone's targets would drop those as soon as one colleague has a total target).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from fieldsales.domain import kpis
from fieldsales.domain.deviations import (
    DeviationBreakdown,
    DeviationReport,
    DeviationRow,
    decompose_deviation,
)
from fieldsales.domain.enums import CustomerKind
from fieldsales.domain.facts import (
    ActionFact,
    CauseFact,
    CustomerFact,
    PlanFact,
    SaleLine,
    TargetFact,
    VisitFact,
)
from fieldsales.domain.money import percent
from fieldsales.domain.periods import Period
from fieldsales.records import DeviationCause, Order, SalesTarget
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


# --- the period report (Resultaten) -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OwnerResult:
    """One salesperson's line in a team report: revenue against target and last year."""

    owner_id: str
    realised_cents: int
    previous_cents: int
    target_cents: int
    deviation_cents: int
    deviation_percent: Decimal | None
    explained_cents: int


@dataclass(frozen=True, slots=True)
class PeriodReport:
    """The KPIs of one period for one salesperson (``owner_id``) or the team (None).

    ``selected`` is the period asked for, ``period`` that period up to ``as_of`` (what has
    happened so far; the whole period when it lies in the past or the future) and
    ``previous_period`` the same span a year earlier. The target of ``deviation`` is pro rata
    to ``period``; ``full_target_cents`` is the target of the whole ``selected`` period.
    Account plans are yearly: ``plan_year`` is the year ``selected`` starts in.
    ``by_owner`` is filled for the team only, most revenue first.
    """

    owner_id: str | None
    as_of: date
    selected: Period
    period: Period
    previous_period: Period
    revenue: kpis.RevenueBreakdown
    previous_revenue_cents: int
    growth_by_product_group: list[kpis.Growth]
    deviation: DeviationReport
    full_target_cents: int
    cross_sell: kpis.CrossSellRevenue
    up_sell: kpis.UpSellRevenue
    satisfaction: kpis.Satisfaction
    churn: kpis.PortfolioChurn
    new_customers: kpis.NewCustomers
    plan_year: int
    plan_approval: kpis.PlanApproval
    plan_versions: kpis.VersionStats
    execution: kpis.ExecutionDegree
    by_owner: tuple[OwnerResult, ...]


@dataclass(frozen=True, slots=True)
class FactOwners:
    """``id -> owner_id`` of orders, targets and causes: how a team report splits its facts."""

    orders: dict[str, str]
    targets: dict[str, str]
    causes: dict[str, str]


@dataclass(frozen=True, slots=True)
class PeriodFacts:
    """What a period report is computed from; ``owners`` only for a team report."""

    sales: list[SaleLine]
    visits: list[VisitFact]
    customers: list[CustomerFact]
    plans: list[PlanFact]
    actions: list[ActionFact]
    targets: list[TargetFact]
    causes: list[CauseFact]
    owners: FactOwners | None = None


def report_windows(period: Period, as_of: date) -> tuple[Period, Period]:
    """``period`` up to ``as_of`` (all of it when it lies wholly before or after) and the same
    span a year earlier; for a year the same as ``report_periods``."""
    current = period.until(as_of) or period
    return current, current.year_earlier()


def load_period_facts(
    store: Store, *, owner_id: str | None, period: Period, as_of: date
) -> PeriodFacts:
    """The facts of ``period``, one query per kind. The windows are the year report's: sale
    lines from two calendar years before the period (first orders, the look-back of "new to
    the customer"), up to the end of what is reported."""
    current, previous = report_windows(period, as_of)
    plan_year = period.start.year
    with store.read() as session:
        return PeriodFacts(
            sales=facts.sale_lines(
                session,
                owner_id=owner_id,
                since=date(current.start.year - 2, 1, 1),
                until=current.end,
            ),
            visits=facts.visit_facts(session, owner_id=owner_id, since=current.start),
            customers=facts.customer_facts(session, owner_id=owner_id),
            plans=facts.plan_facts(session, owner_id=owner_id, year=plan_year),
            actions=facts.action_facts(session, owner_id=owner_id, year=plan_year),
            targets=facts.target_facts(
                session, owner_id=owner_id, overlapping=(period.start, period.end)
            ),
            causes=facts.cause_facts(session, owner_id=owner_id),
            owners=(
                FactOwners(
                    orders=facts.owners_by_id(session, Order, since=previous.start),
                    targets=facts.owners_by_id(session, SalesTarget),
                    causes=facts.owners_by_id(session, DeviationCause),
                )
                if owner_id is None
                else None
            ),
        )


def period_report(
    store: Store, *, owner_id: str | None, period: Period, as_of: date
) -> PeriodReport:
    """Every KPI of the Resultaten screen for ``period``, from facts loaded once."""
    loaded = load_period_facts(store, owner_id=owner_id, period=period, as_of=as_of)
    return build_period_report(loaded, owner_id=owner_id, period=period, as_of=as_of)


def build_period_report(
    f: PeriodFacts, *, owner_id: str | None, period: Period, as_of: date
) -> PeriodReport:
    """The period report from its facts (pure); each KPI gets the narrowest window it needs,
    as in ``year_report``. With ``f.owners`` the deviation is the team's (module docstring)."""
    current, previous = report_windows(period, as_of)
    plan_year = period.start.year
    active_customers = sum(
        1 for c in f.customers if c.kind is CustomerKind.CUSTOMER and c.lost_on is None
    )
    sales = [s for s in f.sales if s.order_date <= current.end]
    recent = [s for s in sales if s.order_date >= previous.start]  # incl. a year's look-back
    in_period = [s for s in recent if s.order_date >= current.start]
    baseline = [s for s in recent if previous.contains(s.order_date)]
    by_owner: tuple[OwnerResult, ...] = ()
    if f.owners is not None:
        deviation, full_target, by_owner = _team_deviation(
            f.owners, f.targets, in_period, f.causes, baseline, period=current, selected=period
        )
    else:
        deviation = decompose_deviation(
            f.targets, in_period, f.causes, period=current, baseline=baseline
        )
        full_target = decompose_deviation(f.targets, (), period=period).target_cents
    return PeriodReport(
        owner_id=owner_id,
        as_of=as_of,
        selected=period,
        period=current,
        previous_period=previous,
        revenue=kpis.revenue(in_period, current),
        previous_revenue_cents=sum(s.net_cents for s in baseline),
        growth_by_product_group=kpis.revenue_growth(recent, current, previous, by="product_group"),
        deviation=deviation,
        full_target_cents=full_target,
        cross_sell=kpis.cross_sell_revenue(recent, current),
        up_sell=kpis.up_sell_revenue(recent, current, previous=previous),
        satisfaction=kpis.satisfaction(f.visits, current),
        churn=kpis.portfolio_churn(f.customers, sales, current),
        new_customers=kpis.new_customers(sales, current, customers=f.customers),
        plan_year=plan_year,
        plan_approval=kpis.plan_approval(f.plans, year=plan_year, expected_plans=active_customers),
        plan_versions=kpis.plan_versions(f.plans, year=plan_year),
        execution=kpis.execution_degree(f.visits, f.actions, period=period, as_of=as_of),
        by_owner=by_owner,
    )


def _team_deviation(
    owners: FactOwners,
    targets: Sequence[TargetFact],
    sales: Sequence[SaleLine],
    causes: Sequence[CauseFact],
    baseline: Sequence[SaleLine],
    *,
    period: Period,
    selected: Period,
) -> tuple[DeviationReport, int, tuple[OwnerResult, ...]]:
    """The team's deviation as the sum of each salesperson's, and each salesperson's line."""
    sales_of: dict[str, list[SaleLine]] = defaultdict(list)
    baseline_of: dict[str, list[SaleLine]] = defaultdict(list)
    targets_of: dict[str, list[TargetFact]] = defaultdict(list)
    causes_of: dict[str, list[CauseFact]] = defaultdict(list)
    for s in sales:
        sales_of[owners.orders.get(s.order_id, "")].append(s)
    for s in baseline:
        baseline_of[owners.orders.get(s.order_id, "")].append(s)
    for t in targets:
        targets_of[owners.targets.get(t.target_id, "")].append(t)
    for c in causes:
        causes_of[owners.causes.get(c.cause_id, "")].append(c)
    parts: list[DeviationReport] = []
    rows: list[OwnerResult] = []
    full_target = 0
    for owner in sorted(set(sales_of) | set(baseline_of) | set(targets_of) | set(causes_of)):
        part = decompose_deviation(
            targets_of[owner],
            sales_of[owner],
            causes_of[owner],
            period=period,
            baseline=baseline_of[owner],
        )
        parts.append(part)
        full_target += decompose_deviation(targets_of[owner], (), period=selected).target_cents
        rows.append(
            OwnerResult(
                owner_id=owner,
                realised_cents=part.realised_cents,
                previous_cents=sum(s.net_cents for s in baseline_of[owner]),
                target_cents=part.target_cents,
                deviation_cents=part.deviation_cents,
                deviation_percent=part.deviation_percent,
                explained_cents=part.explained_cents,
            )
        )
    rows.sort(key=lambda r: (-r.realised_cents, -r.target_cents, r.owner_id))
    return merge_deviations(parts, period=period), full_target, tuple(rows)


def merge_deviations(parts: Sequence[DeviationReport], *, period: Period) -> DeviationReport:
    """Several salespeople's deviations of one period as one: targets, revenue and causes
    added up, rows of the same customer or product group merged. The decomposition's invariant
    (rows − unallocated = total) holds for the sum because it holds for every part."""
    target = sum(p.target_cents for p in parts)
    realised = sum(p.realised_cents for p in parts)
    deviation = realised - target
    explained = sum(p.explained_cents for p in parts)
    causes = tuple(
        sorted(
            (c for p in parts for c in p.causes),
            key=lambda c: (
                c.period_start,
                c.customer_id or "",
                c.product_group_id or "",
                c.cause_id,
            ),
        )
    )
    return DeviationReport(
        period=period,
        target_cents=target,
        realised_cents=realised,
        deviation_cents=deviation,
        deviation_percent=percent(deviation, target),
        by_customer=_merge_breakdowns([p.by_customer for p in parts]),
        by_product_group=_merge_breakdowns([p.by_product_group for p in parts]),
        causes=causes,
        explained_cents=explained,
        unexplained_cents=deviation - explained,
    )


def _merge_breakdowns(parts: Sequence[DeviationBreakdown]) -> DeviationBreakdown:
    targets: dict[str | None, int] = defaultdict(int)
    realised: dict[str | None, int] = defaultdict(int)
    causes: dict[str | None, list[CauseFact]] = defaultdict(list)
    for part in parts:
        for row in part.rows:
            targets[row.key] += row.target_cents
            realised[row.key] += row.realised_cents
            causes[row.key].extend(row.causes)
    rows = [
        DeviationRow(
            key=key,
            target_cents=targets[key],
            realised_cents=realised[key],
            deviation_cents=realised[key] - targets[key],
            deviation_percent=percent(realised[key] - targets[key], targets[key]),
            causes=tuple(causes[key]),
            explained_cents=sum(c.amount_cents or 0 for c in causes[key]),
        )
        for key in targets
    ]
    # As ``domain.deviations`` orders them: largest deviation first, "no product group" last.
    rows.sort(key=lambda r: (-abs(r.deviation_cents), r.key is None, r.key or ""))
    return DeviationBreakdown(
        rows=tuple(rows), unallocated_target_cents=sum(p.unallocated_target_cents for p in parts)
    )
