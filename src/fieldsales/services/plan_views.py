"""Read models for the account-plan screens: the list, one plan with the customer's figures at
hand, and what is needed to compare its versions.

The plan screen is where a salesperson writes next year's goals, so it shows what those goals
are measured against without a trip to the reports: revenue this year and last year (in total
and per product group), the potential, visits, open complaints and quotes. Everything is read
in one transaction with the same column-level fact loaders the reports use, for this one
customer only, and the domain's KPI functions (``goal_realism``, ``execution_degree``) turn
them into the figures: no separate query engine.

Each plan comes with its ``PlanState`` (the author's team included), so the app asks
``domain.plan_workflow`` what the user may do rather than repeating the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlmodel import Session, col, func, select

from fieldsales.domain.enums import (
    ActionStatus,
    ComplaintStatus,
    CustomerKind,
    PlanDecision,
    PlanStatus,
    QuoteStatus,
    VisitStatus,
)
from fieldsales.domain.facts import ActionFact, CustomerFact, GoalFact, SaleLine, VisitFact
from fieldsales.domain.kpis.plans import (
    ExecutionDegree,
    GoalRealism,
    execution_degree,
    goal_realism,
)
from fieldsales.domain.periods import Period
from fieldsales.domain.plan_workflow import Actor, PlanState
from fieldsales.records import (
    AccountPlan,
    AccountPlanVersion,
    Complaint,
    Customer,
    PlanAction,
    PlanGoal,
    ProductGroup,
    Quote,
    TargetGroup,
    UserProfile,
    Visit,
)
from fieldsales.reports import facts
from fieldsales.reports.year import report_periods
from fieldsales.services import browse
from fieldsales.services.access import load, load_customer
from fieldsales.services.plans import may_execute, snapshot_of, state_of
from fieldsales.store import Store

#: Customers the "new plan" search lists at once; typing narrows it down.
CANDIDATES = 20

_OPEN_COMPLAINT = (ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS)
_OPEN_QUOTE = (QuoteStatus.DRAFT, QuoteStatus.SENT)


def default_plan_year(today: date) -> int:
    """The year a new plan is for: from October on, plans are written for the coming year."""
    return today.year + 1 if today.month >= 10 else today.year


# --- the list -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanListRow:
    plan: AccountPlan
    customer: Customer
    author: str  # the author's name as the team directory has it ("" when unknown)
    state: PlanState


def plan_list(store: Store, *, actor: Actor, year: int | None = None) -> list[PlanListRow]:
    """The plans in the actor's scope (``browse.account_plans``), each with its author and its
    workflow state; newest year first, then by customer."""
    rows = browse.account_plans(store, actor=actor, year=year)
    with store.read() as session:
        users = _users(session, {r.plan.owner_id for r in rows})
    return [
        PlanListRow(
            plan=r.plan,
            customer=r.customer,
            author=users[r.plan.owner_id].full_name if r.plan.owner_id in users else "",
            state=state_of(r.plan, users.get(r.plan.owner_id)),
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class PlanCandidate:
    """A customer a new plan can be written for, and its plan of the year when it has one."""

    customer: Customer
    plan_id: str | None


def plan_candidates(
    store: Store, *, actor: Actor, year: int, text: str = "", limit: int = CANDIDATES
) -> list[PlanCandidate]:
    """The actor's own customers matching ``text`` (the customer search), by name.

    Own means owned by the actor, for a manager too: a plan is written by the customer's
    salesperson. Prospects are left out: a plan is for a customer with a history.
    """
    page = browse.customer_page(
        store, actor=actor, text=text, limit=limit, kind=CustomerKind.CUSTOMER
    )
    own = [c for c in page.customers if c.owner_id == actor.user_id]
    with store.read() as session:
        plans = {
            p.customer_id: p.id
            for p in session.exec(
                select(AccountPlan)
                .where(col(AccountPlan.deleted).is_(False))
                .where(AccountPlan.year == year)
                .where(col(AccountPlan.customer_id).in_([c.id for c in own]))
            ).all()
        }
    return [PlanCandidate(c, plans.get(c.id)) for c in own]


@dataclass(frozen=True, slots=True)
class CustomerPlans:
    """One customer's plans, newest year first, and whether the actor may write a new one
    (the customer's own salesperson, for a customer rather than a prospect)."""

    customer: Customer
    plans: list[AccountPlan]
    may_write: bool


def customer_plans(store: Store, *, actor: Actor, customer_id: str) -> CustomerPlans:
    with store.read() as session:
        customer = load_customer(session, actor, customer_id)
        plans = list(
            session.exec(
                select(AccountPlan)
                .where(AccountPlan.customer_id == customer.id)
                .where(col(AccountPlan.deleted).is_(False))
                .order_by(col(AccountPlan.year).desc())
            ).all()
        )
    may_write = customer.owner_id == actor.user_id and customer.kind is CustomerKind.CUSTOMER
    return CustomerPlans(customer, plans, may_write)


# --- one plan -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupFigure:
    product_group_id: str | None
    name: str
    this_year_cents: int  # up to the figures' ``as_of``
    last_year_cents: int  # the whole previous year


@dataclass(frozen=True, slots=True)
class CustomerFigures:
    """What the customer did, next to which a plan's goals are set.

    ``year`` is the last year with figures: the plan's year, or this year for a plan of the
    coming year. ``same_span_last_year_cents`` covers the previous year up to the same day, so
    a year still running is compared fairly.
    """

    year: int
    as_of: date
    year_complete: bool
    revenue_this_year_cents: int
    revenue_same_span_last_year_cents: int
    revenue_last_year_cents: int
    potential_cents: int | None
    by_group: list[GroupFigure]
    target_group: str | None
    visits_this_year: int  # reported visits planned in ``year``
    last_visit_on: date | None  # the last reported visit, whatever its year
    open_complaints: int
    open_quotes: int
    open_quotes_cents: int


@dataclass(frozen=True, slots=True)
class GoalRow:
    goal: PlanGoal
    group_name: str | None
    realism: GoalRealism | None  # None for goals without a measure (``OTHER``)


@dataclass(frozen=True, slots=True)
class ActionRow:
    action: PlanAction
    visit: Visit | None  # the visit planned to carry it out, while it is there


@dataclass(frozen=True, slots=True)
class PlanDetail:
    plan: AccountPlan
    customer: Customer
    state: PlanState
    author: str
    decided_by: str  # the name of who took the last decision ("" when none)
    names: dict[str, str]  # user id -> name, for the author and everyone who decided
    goals: list[GoalRow]
    actions: list[ActionRow]
    versions: list[AccountPlanVersion]  # oldest first
    figures: CustomerFigures
    execution: ExecutionDegree  # the plan's year, up to today
    in_execution: bool  # approved now, or approved before and being revised
    may_execute: bool  # the actor ticks off actions (the customer's salesperson)
    product_groups: dict[str, str]  # id -> name, by name
    target_groups: dict[str, str]  # id -> name, by name

    @property
    def actions_done(self) -> int:
        return sum(1 for a in self.actions if a.action.status is ActionStatus.DONE)

    @property
    def actions_total(self) -> int:
        """Actions that still count: a cancelled one is no longer part of the plan's work."""
        return sum(1 for a in self.actions if a.action.status is not ActionStatus.CANCELLED)


def plan_detail(store: Store, *, actor: Actor, plan_id: str, today: date) -> PlanDetail:
    with store.read() as session:
        plan = load(session, AccountPlan, plan_id)
        customer = load_customer(session, actor, plan.customer_id)
        goals = list(
            session.exec(
                select(PlanGoal)
                .where(PlanGoal.plan_id == plan.id)
                .where(col(PlanGoal.deleted).is_(False))
                .order_by(col(PlanGoal.created_at), col(PlanGoal.id))
            ).all()
        )
        actions = list(
            session.exec(
                select(PlanAction)
                .where(PlanAction.plan_id == plan.id)
                .where(col(PlanAction.deleted).is_(False))
                .order_by(
                    col(PlanAction.due_on).is_(None),
                    col(PlanAction.due_on),
                    col(PlanAction.created_at),
                    col(PlanAction.id),
                )
            ).all()
        )
        versions = _versions(session, plan.id)
        users = _users(
            session, {plan.owner_id, plan.decided_by or "", *(v.decided_by or "" for v in versions)}
        )
        groups = {
            g.id: g.name
            for g in session.exec(
                select(ProductGroup)
                .where(col(ProductGroup.deleted).is_(False))
                .order_by(col(ProductGroup.name))
            ).all()
        }
        target_groups = {
            t.id: t.name
            for t in session.exec(
                select(TargetGroup)
                .where(col(TargetGroup.deleted).is_(False))
                .order_by(col(TargetGroup.name))
            ).all()
        }
        figures_year = min(plan.year, today.year)
        since = date(min(plan.year - 2, figures_year - 1), 1, 1)
        sales = facts.sale_lines(session, owner_id=None, since=since, customer_ids=[customer.id])
        visits = facts.visit_facts(
            session, owner_id=None, since=date(plan.year - 1, 1, 1), customer_ids=[customer.id]
        )
        action_ids = {a.id for a in actions}
        planned_visits = _visits_for(session, action_ids)
        figures = _figures(session, customer, sales, visits, figures_year, today, groups)
        target_group = target_groups.get(customer.target_group_id or "")
    realism = {
        r.goal_id: r
        for r in goal_realism(
            [
                GoalFact(
                    g.id,
                    plan.id,
                    customer.id,
                    plan.year,
                    g.kind,
                    g.target_value,
                    g.product_group_id,
                )
                for g in goals
            ],
            sales,
            visits,
            customers=[_customer_fact(customer)],
            as_of=today,
        )
    }
    execution = execution_degree(
        [v for v in visits if v.plan_action_id in action_ids],
        [
            ActionFact(a.id, plan.id, a.due_on, a.status, a.done_on, customer.id, a.kind)
            for a in actions
        ],
        period=Period.year(plan.year),
        as_of=today,
    )
    return PlanDetail(
        plan=plan,
        customer=customer,
        state=state_of(plan, users.get(plan.owner_id)),
        author=users[plan.owner_id].full_name if plan.owner_id in users else "",
        decided_by=users[plan.decided_by].full_name if plan.decided_by in users else "",
        names={u.id: u.full_name for u in users.values()},
        goals=[GoalRow(g, groups.get(g.product_group_id or ""), realism.get(g.id)) for g in goals],
        actions=[ActionRow(a, planned_visits.get(a.id)) for a in actions],
        versions=versions,
        figures=replace(figures, target_group=target_group),
        execution=execution,
        in_execution=plan.status is PlanStatus.APPROVED
        or any(v.decision is PlanDecision.APPROVED for v in versions),
        may_execute=may_execute(actor, plan, customer),
        product_groups=groups,
        target_groups=target_groups,
    )


# --- versions -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanHistory:
    """A plan's versions for comparing, and the draft as it would be submitted now (None when
    the plan is not a draft: then the latest version is what it holds)."""

    plan: AccountPlan
    customer: Customer
    versions: list[AccountPlanVersion]
    draft: dict[str, Any] | None
    product_groups: dict[str, str]
    target_groups: dict[str, str]


def plan_history(store: Store, *, actor: Actor, plan_id: str) -> PlanHistory:
    with store.read() as session:
        plan = load(session, AccountPlan, plan_id)
        customer = load_customer(session, actor, plan.customer_id)
        versions = _versions(session, plan.id)
        draft = snapshot_of(session, plan) if plan.status is PlanStatus.DRAFT else None
        groups = {g.id: g.name for g in session.exec(select(ProductGroup)).all()}
        target_groups = {t.id: t.name for t in session.exec(select(TargetGroup)).all()}
    return PlanHistory(plan, customer, versions, draft, groups, target_groups)


# --- helpers ------------------------------------------------------------------------------------


def _users(session: Session, ids: set[str]) -> dict[str, UserProfile]:
    query = select(UserProfile).where(col(UserProfile.id).in_([i for i in ids if i]))
    return {u.id: u for u in session.exec(query).all()}


def _versions(session: Session, plan_id: str) -> list[AccountPlanVersion]:
    return list(
        session.exec(
            select(AccountPlanVersion)
            .where(AccountPlanVersion.plan_id == plan_id)
            .where(col(AccountPlanVersion.deleted).is_(False))
            .order_by(col(AccountPlanVersion.number))
        ).all()
    )


def _visits_for(session: Session, action_ids: set[str]) -> dict[str, Visit]:
    """The live, not cancelled visit that carries out each action (the latest when several)."""
    if not action_ids:
        return {}
    query = (
        select(Visit)
        .where(col(Visit.plan_action_id).in_(action_ids))
        .where(col(Visit.deleted).is_(False))
        .where(Visit.status != VisitStatus.CANCELLED)
        .order_by(col(Visit.planned_start))
    )
    return {v.plan_action_id: v for v in session.exec(query).all() if v.plan_action_id}


def _customer_fact(customer: Customer) -> CustomerFact:
    return CustomerFact(
        customer.id,
        customer.kind,
        customer.target_group_id,
        customer.customer_since,
        customer.lost_on,
        customer.potential_revenue_cents,
    )


def _figures(
    session: Session,
    customer: Customer,
    sales: list[SaleLine],
    visits: list[VisitFact],
    year: int,
    today: date,
    groups: dict[str, str],
) -> CustomerFigures:
    period, same_span = report_periods(year, today)
    last_year = Period.year(year - 1)
    this_by_group: dict[str | None, int] = {}
    last_by_group: dict[str | None, int] = {}
    for line in sales:
        if period.contains(line.order_date):
            key = line.product_group_id
            this_by_group[key] = this_by_group.get(key, 0) + line.net_cents
        elif last_year.contains(line.order_date):
            key = line.product_group_id
            last_by_group[key] = last_by_group.get(key, 0) + line.net_cents
    by_group = sorted(
        (
            GroupFigure(
                key,
                groups.get(key or "", "Overig"),
                this_by_group.get(key, 0),
                last_by_group.get(key, 0),
            )
            for key in set(this_by_group) | set(last_by_group)
        ),
        key=lambda g: (-g.this_year_cents, -g.last_year_cents, g.name),
    )
    reported = [v for v in visits if v.status is VisitStatus.REPORTED and v.planned_on <= today]
    open_complaints = session.exec(
        select(func.count())
        .select_from(Complaint)
        .where(Complaint.customer_id == customer.id)
        .where(col(Complaint.deleted).is_(False))
        .where(col(Complaint.status).in_(_OPEN_COMPLAINT))
    ).one()
    quotes = session.exec(
        select(func.count(), func.coalesce(func.sum(Quote.net_cents), 0))
        .where(Quote.customer_id == customer.id)
        .where(col(Quote.deleted).is_(False))
        .where(col(Quote.status).in_(_OPEN_QUOTE))
    ).one()
    return CustomerFigures(
        year=year,
        as_of=period.end,
        year_complete=period.end >= date(year, 12, 31),
        revenue_this_year_cents=sum(this_by_group.values()),
        revenue_same_span_last_year_cents=sum(
            s.net_cents for s in sales if same_span.contains(s.order_date)
        ),
        revenue_last_year_cents=sum(last_by_group.values()),
        potential_cents=customer.potential_revenue_cents,
        by_group=by_group,
        target_group=None,
        visits_this_year=sum(1 for v in reported if v.planned_on.year == year),
        last_visit_on=max((v.planned_on for v in reported), default=None),
        open_complaints=int(open_complaints),
        open_quotes=int(quotes[0]),
        open_quotes_cents=int(quotes[1]),
    )
