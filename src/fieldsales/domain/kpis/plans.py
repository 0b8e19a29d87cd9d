"""KPIs of result area 1, account plans: approval, versions, realism of goals, execution."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from fieldsales.domain.enums import ActionStatus, GoalKind, PlanStatus, VisitStatus
from fieldsales.domain.facts import (
    ActionFact,
    CustomerFact,
    GoalFact,
    PlanFact,
    SaleLine,
    VisitFact,
)
from fieldsales.domain.kpis._common import mean
from fieldsales.domain.money import from_cents, percent
from fieldsales.domain.periods import Period

# --- % approved plans -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanApproval:
    """Plans by status; ``approved_percent`` = approved / ``expected`` (plans, or customers that
    should have one when the caller says so)."""

    plans: int
    expected: int
    approved: int
    submitted: int
    rejected: int
    draft: int
    approved_percent: Decimal | None


def plan_approval(
    plans: Sequence[PlanFact], *, year: int | None = None, expected_plans: int | None = None
) -> PlanApproval:
    """Share of approved plans for ``year`` (all years when None).

    By default the denominator is the number of plans. Pass ``expected_plans`` (e.g. the number
    of active customers) to count customers without any plan as not approved, which is what a
    manager asking "does every customer have an approved plan?" wants.
    """
    selected = [p for p in plans if year is None or p.year == year]
    counts = dict.fromkeys(PlanStatus, 0)
    for plan in selected:
        counts[plan.status] += 1
    expected = len(selected) if expected_plans is None else expected_plans
    return PlanApproval(
        plans=len(selected),
        expected=expected,
        approved=counts[PlanStatus.APPROVED],
        submitted=counts[PlanStatus.SUBMITTED],
        rejected=counts[PlanStatus.REJECTED],
        draft=counts[PlanStatus.DRAFT],
        approved_percent=percent(counts[PlanStatus.APPROVED], expected),
    )


# --- versions per plan ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanVersionCount:
    plan_id: str
    customer_id: str
    status: PlanStatus
    submissions: int


@dataclass(frozen=True, slots=True)
class VersionStats:
    """How many versions plans need. ``average_to_approval`` only counts approved plans: the
    number of submissions it took to get them approved (1 = approved first time)."""

    per_plan: tuple[PlanVersionCount, ...]
    average_submissions: Decimal | None
    average_to_approval: Decimal | None
    max_submissions: int


def plan_versions(plans: Sequence[PlanFact], *, year: int | None = None) -> VersionStats:
    """Submissions per plan; plans never submitted are listed but left out of the averages."""
    selected = [p for p in plans if year is None or p.year == year]
    rows = tuple(
        sorted(
            (PlanVersionCount(p.plan_id, p.customer_id, p.status, p.submissions) for p in selected),
            key=lambda r: (-r.submissions, r.plan_id),
        )
    )
    submitted = [r.submissions for r in rows if r.submissions > 0]
    approved = [r.submissions for r in rows if r.status is PlanStatus.APPROVED]
    return VersionStats(
        per_plan=rows,
        average_submissions=mean(submitted),
        average_to_approval=mean(approved),
        max_submissions=max((r.submissions for r in rows), default=0),
    )


# --- realism of goals -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoalRealism:
    """A goal against history, potential and (as the year goes) what was realised.

    All values are in the goal's unit: euros for revenue goals, counts otherwise. ``potential``
    only exists for revenue goals (the customer's yearly potential). ``realised`` is to date;
    it is final once ``year_complete``.
    """

    goal_id: str
    plan_id: str
    customer_id: str
    kind: GoalKind
    product_group_id: str | None
    target: Decimal
    last_year: Decimal
    vs_last_year_percent: Decimal | None
    potential: Decimal | None
    vs_potential_percent: Decimal | None
    realised: Decimal
    realised_percent: Decimal | None
    year_complete: bool


def _revenue(sales: Sequence[SaleLine], customer_id: str, group: str | None, year: int) -> int:
    return sum(
        s.net_cents
        for s in sales
        if s.customer_id == customer_id
        and s.order_date.year == year
        and (group is None or s.product_group_id == group)
    )


def _new_products(sales: Sequence[SaleLine], customer_id: str, group: str | None, year: int) -> int:
    """Products the customer bought in ``year`` and not in the year before."""
    bought: dict[int, set[str]] = {year: set(), year - 1: set()}
    for s in sales:
        if s.customer_id != customer_id or (group is not None and s.product_group_id != group):
            continue
        if s.order_date.year in bought:
            bought[s.order_date.year].add(s.product_id)
    return len(bought[year] - bought[year - 1])


def _visits_done(visits: Sequence[VisitFact], customer_id: str, year: int) -> int:
    return sum(
        1
        for v in visits
        if v.customer_id == customer_id
        and v.status is VisitStatus.REPORTED
        and v.planned_on.year == year
    )


def goal_realism(
    goals: Sequence[GoalFact],
    sales: Sequence[SaleLine],
    visits: Sequence[VisitFact] = (),
    *,
    customers: Sequence[CustomerFact] = (),
    as_of: date,
) -> list[GoalRealism]:
    """Each measurable goal next to last year's actual, the potential and the realisation.

    What is measured per kind: revenue (of the goal's product group, or the customer's total)
    from ``sales``; visits as reported visits planned in the year; new products as products
    bought in the year that were not bought the year before (so ``sales`` must reach back two
    years before the goal's year). ``OTHER`` goals have no measure and are left out. Realised
    values count up to ``as_of``.
    """
    potentials = {
        c.customer_id: c.potential_revenue_cents
        for c in customers
        if c.potential_revenue_cents is not None
    }
    # Grouped by customer once: each goal then looks only at its own customer's lines.
    sales_of: dict[str, list[SaleLine]] = defaultdict(list)
    for s in sales:
        sales_of[s.customer_id].append(s)
    visits_of: dict[str, list[VisitFact]] = defaultdict(list)
    for v in visits:
        visits_of[v.customer_id].append(v)
    rows: list[GoalRealism] = []
    for goal in sorted(goals, key=lambda g: (g.year, g.customer_id, g.plan_id, g.goal_id)):
        sales = sales_of.get(goal.customer_id, [])
        visits = visits_of.get(goal.customer_id, [])
        to_date = [s for s in sales if s.order_date <= as_of]
        visits_to_date = [v for v in visits if v.planned_on <= as_of]
        potential: Decimal | None = None
        if goal.kind is GoalKind.REVENUE:
            group = goal.product_group_id
            last = from_cents(_revenue(sales, goal.customer_id, group, goal.year - 1))
            realised = from_cents(_revenue(to_date, goal.customer_id, group, goal.year))
            if goal.customer_id in potentials:
                potential = from_cents(potentials[goal.customer_id])
        elif goal.kind is GoalKind.VISITS:
            last = Decimal(_visits_done(visits, goal.customer_id, goal.year - 1))
            realised = Decimal(_visits_done(visits_to_date, goal.customer_id, goal.year))
        elif goal.kind is GoalKind.NEW_PRODUCTS:
            group = goal.product_group_id
            last = Decimal(_new_products(sales, goal.customer_id, group, goal.year - 1))
            realised = Decimal(_new_products(to_date, goal.customer_id, group, goal.year))
        else:
            continue
        target = Decimal(goal.target_value)
        rows.append(
            GoalRealism(
                goal_id=goal.goal_id,
                plan_id=goal.plan_id,
                customer_id=goal.customer_id,
                kind=goal.kind,
                product_group_id=goal.product_group_id,
                target=target,
                last_year=last,
                vs_last_year_percent=percent(target, last),
                potential=potential,
                vs_potential_percent=None if potential is None else percent(target, potential),
                realised=realised,
                realised_percent=percent(realised, target),
                year_complete=as_of >= date(goal.year, 12, 31),
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class GoalRealismSummary:
    goals: int
    average_vs_last_year_percent: Decimal | None
    above_potential: int
    completed: int
    achieved: int
    average_realised_percent: Decimal | None


def summarize_goal_realism(rows: Sequence[GoalRealism]) -> GoalRealismSummary:
    """Averages over the goals that have the figure; realisation only over completed years."""
    completed = [r for r in rows if r.year_complete]
    return GoalRealismSummary(
        goals=len(rows),
        average_vs_last_year_percent=mean(
            (r.vs_last_year_percent for r in rows if r.vs_last_year_percent is not None), 1
        ),
        above_potential=sum(1 for r in rows if r.potential is not None and r.target > r.potential),
        completed=len(completed),
        achieved=sum(1 for r in completed if r.realised >= r.target),
        average_realised_percent=mean(
            (r.realised_percent for r in completed if r.realised_percent is not None), 1
        ),
    )


# --- degree of execution ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExecutionDegree:
    """Planned visits and due actions, how many were done, and how many on time."""

    visits_planned: int
    visits_done: int
    visits_on_time: int
    actions_due: int
    actions_done: int
    actions_on_time: int
    visits_done_percent: Decimal | None
    visits_on_time_percent: Decimal | None
    actions_done_percent: Decimal | None
    actions_on_time_percent: Decimal | None

    @classmethod
    def of(
        cls,
        visits_planned: int,
        visits_done: int,
        visits_on_time: int,
        actions_due: int,
        actions_done: int,
        actions_on_time: int,
    ) -> ExecutionDegree:
        return cls(
            visits_planned,
            visits_done,
            visits_on_time,
            actions_due,
            actions_done,
            actions_on_time,
            percent(visits_done, visits_planned),
            percent(visits_on_time, visits_planned),
            percent(actions_done, actions_due),
            percent(actions_on_time, actions_due),
        )


def execution_degree(
    visits: Sequence[VisitFact],
    actions: Sequence[ActionFact],
    *,
    period: Period,
    as_of: date,
    grace_days: int = 1,
) -> ExecutionDegree:
    """How much of what was planned for the period, up to ``as_of``, was done.

    Visits count when planned in the period on or before ``as_of``; done means reported, on time
    means reported at most ``grace_days`` after the planned day (the full report is often
    written that evening or the next morning). Actions count when due in the period on or before
    ``as_of``; on time means done on or before the due date. Actions without a due date cannot
    be late and are left out. Cancelled visits and actions count as not done: the plan said
    they would happen. Which visits to pass (all, or only those executing plan actions) is
    the caller's choice.
    """
    window = period.until(as_of)
    if window is None:
        return ExecutionDegree.of(0, 0, 0, 0, 0, 0)
    grace = timedelta(days=grace_days)
    planned = [v for v in visits if window.contains(v.planned_on)]
    done = [v for v in planned if v.status is VisitStatus.REPORTED]
    on_time = [
        v for v in done if v.reported_on is not None and v.reported_on <= v.planned_on + grace
    ]
    due = [a for a in actions if a.due_on is not None and window.contains(a.due_on)]
    actions_done = [a for a in due if a.status is ActionStatus.DONE]
    actions_on_time = [
        a
        for a in actions_done
        if a.done_on is not None and a.due_on is not None and a.done_on <= a.due_on
    ]
    return ExecutionDegree.of(
        visits_planned=len(planned),
        visits_done=len(done),
        visits_on_time=len(on_time),
        actions_due=len(due),
        actions_done=len(actions_done),
        actions_on_time=len(actions_on_time),
    )


def execution_by_plan(
    visits: Sequence[VisitFact],
    actions: Sequence[ActionFact],
    *,
    period: Period,
    as_of: date,
    grace_days: int = 1,
) -> dict[str, ExecutionDegree]:
    """``execution_degree`` per plan; a visit belongs to the plan of the action it executes
    (``plan_action_id``), visits not linked to an action are not part of any plan."""
    plan_of_action = {a.action_id: a.plan_id for a in actions}
    visits_by_plan: dict[str, list[VisitFact]] = defaultdict(list)
    for v in visits:
        if v.plan_action_id is not None and v.plan_action_id in plan_of_action:
            visits_by_plan[plan_of_action[v.plan_action_id]].append(v)
    actions_by_plan: dict[str, list[ActionFact]] = defaultdict(list)
    for a in actions:
        actions_by_plan[a.plan_id].append(a)
    plan_ids = sorted(set(visits_by_plan) | set(actions_by_plan))
    return {
        plan_id: execution_degree(
            visits_by_plan.get(plan_id, []),
            actions_by_plan.get(plan_id, []),
            period=period,
            as_of=as_of,
            grace_days=grace_days,
        )
        for plan_id in plan_ids
    }
