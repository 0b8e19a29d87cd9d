"""The visit preparation sheet (bezoekvoorbereiding): one screen with what to know before walking
in, built from the customer's file in one read transaction.

Peers for cross- and up-sell are the customers in the same target group; their purchases of the
last twelve months are aggregated per customer and product in SQL, so the sheet stays fast on a
portfolio of hundreds of customers with years of order lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from fieldsales.domain import complaints as complaint_rules
from fieldsales.domain import suggestions
from fieldsales.domain.cadence import DEFAULT_INTERVAL_DAYS, next_visit_due
from fieldsales.domain.complaints import StructuralFlag
from fieldsales.domain.enums import (
    ComplaintStatus,
    FollowUpStatus,
    GoalKind,
    QuoteStatus,
    Role,
    VisitStatus,
)
from fieldsales.domain.facts import SaleLine
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import (
    AccountPlan,
    Complaint,
    Contact,
    Customer,
    FollowUp,
    Order,
    OrderLine,
    PlanGoal,
    Product,
    ProductGroup,
    Quote,
    TargetGroup,
    Visit,
)
from fieldsales.reports import facts
from fieldsales.reports.facts import REVENUE_STATUSES
from fieldsales.reports.year import report_periods
from fieldsales.services.access import load_customer
from fieldsales.store import Store

LAST_VISITS = 5
SUGGESTIONS = 5
PEER_WINDOW_DAYS = 365
COMPLAINT_WINDOW_DAYS = 180


@dataclass(frozen=True, slots=True)
class GroupRevenue:
    product_group_id: str | None
    name: str
    this_year_cents: int
    last_year_cents: int  # the same span of last year
    goal_cents: int | None  # the plan's revenue goal for this group, if any


@dataclass(frozen=True, slots=True)
class VisitPreparation:
    customer: Customer
    target_group: TargetGroup | None
    contacts: list[Contact]
    last_visits: list[Visit]
    open_follow_ups: list[FollowUp]
    open_complaints: list[Complaint]
    structural_flags: list[StructuralFlag]
    revenue_this_year_cents: int
    revenue_last_year_cents: int
    revenue_goal_cents: int | None
    revenue_by_group: list[GroupRevenue]
    open_quotes: list[Quote]
    cross_sell: list[tuple[suggestions.CrossSellSuggestion, Product]]
    up_sell: list[tuple[suggestions.UpSellSuggestion, Product]]
    new_products: list[Product]
    plan: AccountPlan | None
    next_visit_due: date | None


def visit_preparation(
    store: Store, *, actor: Actor, customer_id: str, today: date | None = None
) -> VisitPreparation:
    today = today or date.today()
    with store.read() as session:
        customer = load_customer(session, actor, customer_id)
        return _build(session, actor, customer, today)


def _live(query: Any, model: Any) -> Any:
    return query.where(col(model.deleted).is_(False))


def _build(session: Session, actor: Actor, customer: Customer, today: date) -> VisitPreparation:
    target_group = session.get(TargetGroup, customer.target_group_id or "")
    contacts = list(
        session.exec(
            _live(select(Contact), Contact)
            .where(Contact.customer_id == customer.id)
            .order_by(col(Contact.is_primary).desc(), col(Contact.last_name))
        ).all()
    )
    last_visits = list(
        session.exec(
            _live(select(Visit), Visit)
            .where(Visit.customer_id == customer.id, Visit.status == VisitStatus.REPORTED)
            .order_by(col(Visit.planned_start).desc())
            .limit(LAST_VISITS)
        ).all()
    )
    open_follow_ups = list(
        session.exec(
            _live(select(FollowUp), FollowUp)
            .where(FollowUp.customer_id == customer.id, FollowUp.status == FollowUpStatus.OPEN)
            .order_by(col(FollowUp.due_on))
        ).all()
    )
    open_complaints = list(
        session.exec(
            _live(select(Complaint), Complaint)
            .where(
                Complaint.customer_id == customer.id,
                # Not closed: a resolved complaint waits for the customer's "yes", which the
                # visit is the moment to ask for (the file shows the same ones).
                col(Complaint.status).in_(
                    [ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS, ComplaintStatus.RESOLVED]
                ),
            )
            .order_by(col(Complaint.reported_on).desc())
        ).all()
    )
    open_quotes = list(
        session.exec(
            _live(select(Quote), Quote)
            .where(
                Quote.customer_id == customer.id,
                col(Quote.status).in_([QuoteStatus.DRAFT, QuoteStatus.SENT]),
            )
            .order_by(col(Quote.quote_date).desc())
        ).all()
    )
    plan = session.exec(
        _live(select(AccountPlan), AccountPlan).where(
            AccountPlan.customer_id == customer.id, AccountPlan.year == today.year
        )
    ).first()

    scope_owner = actor.user_id if actor.role is Role.SALESPERSON else None
    flags = complaint_rules.flags_for_customer(
        complaint_rules.structural_complaints(
            facts.complaint_facts(
                session,
                owner_id=scope_owner,
                since=today - timedelta(days=COMPLAINT_WINDOW_DAYS),
            ),
            window_days=COMPLAINT_WINDOW_DAYS,
            as_of=today,
        ),
        customer.id,
    )

    period, previous = report_periods(today.year, today)
    own_sales = facts.sale_lines(
        session, owner_id=None, since=previous.start, customer_ids=[customer.id]
    )
    groups = {g.id: g.name for g in session.exec(select(ProductGroup)).all()}
    goals = _revenue_goals(session, plan)
    by_group = _revenue_by_group(own_sales, period.start, previous.end, groups, goals)

    customer_facts = facts.customer_facts(session, owner_id=customer.owner_id)
    peer_sales = _peer_sales(session, customer, customer_facts, today)
    products = facts.product_facts(session)
    cross = suggestions.cross_sell_suggestions(
        customer.id, customer_facts, peer_sales, limit=SUGGESTIONS, products=products
    )
    up = suggestions.up_sell_suggestions(customer.id, customer_facts, peer_sales, limit=SUGGESTIONS)
    bought = {s.product_id for s in own_sales}
    new_products = suggestions.new_catalogue_products(products, today, exclude_product_ids=bought)
    new_products = new_products[:SUGGESTIONS]
    # Only the products the sheet shows become full records.
    shown = {s.product_id for s in cross} | {s.key for s in up if s.key is not None}
    shown |= {p.product_id for p in new_products}
    product_by_id = {p.id: p for p in _products(session, shown)}

    last_visit_on = last_visits[0].planned_start.astimezone().date() if last_visits else None
    return VisitPreparation(
        customer=customer,
        target_group=target_group,
        contacts=contacts,
        last_visits=last_visits,
        open_follow_ups=open_follow_ups,
        open_complaints=open_complaints,
        structural_flags=flags,
        revenue_this_year_cents=sum(s.net_cents for s in own_sales if s.order_date >= period.start),
        revenue_last_year_cents=sum(
            s.net_cents for s in own_sales if previous.contains(s.order_date)
        ),
        revenue_goal_cents=goals.get("*"),
        revenue_by_group=by_group,
        open_quotes=open_quotes,
        cross_sell=[
            (s, product_by_id[s.product_id]) for s in cross if s.product_id in product_by_id
        ],
        up_sell=[
            (s, product_by_id[s.key]) for s in up if s.key is not None and s.key in product_by_id
        ],
        new_products=[product_by_id[p.product_id] for p in new_products],
        plan=plan,
        next_visit_due=next_visit_due(
            last_visit_on,
            target_group.visit_interval_days if target_group else DEFAULT_INTERVAL_DAYS,
            agreed_next_on=last_visits[0].next_visit_on if last_visits else None,
            customer_since=customer.customer_since,
        ),
    )


def _products(session: Session, ids: set[str]) -> list[Product]:
    query = _live(select(Product), Product).where(col(Product.id).in_(ids))
    return list(session.exec(query).all())


def _revenue_goals(session: Session, plan: AccountPlan | None) -> dict[str, int]:
    """Revenue goals of the plan in cents, per product group id ("*" for the customer total)."""
    if plan is None:
        return {}
    goals: dict[str, int] = {}
    for goal in session.exec(
        _live(select(PlanGoal), PlanGoal).where(
            PlanGoal.plan_id == plan.id, PlanGoal.kind == GoalKind.REVENUE
        )
    ).all():
        key = goal.product_group_id or "*"
        goals[key] = goals.get(key, 0) + int(goal.target_value * 100)
    return goals


def _revenue_by_group(
    sales: list[SaleLine],
    this_start: date,
    previous_end: date,
    names: dict[str, str],
    goals: dict[str, int],
) -> list[GroupRevenue]:
    this_year: dict[str | None, int] = {}
    last_year: dict[str | None, int] = {}
    for line in sales:
        if line.order_date >= this_start:
            this_year[line.product_group_id] = (
                this_year.get(line.product_group_id, 0) + line.net_cents
            )
        elif line.order_date <= previous_end:
            last_year[line.product_group_id] = (
                last_year.get(line.product_group_id, 0) + line.net_cents
            )
    keys = set(this_year) | set(last_year) | {k for k in goals if k != "*"}
    rows = [
        GroupRevenue(
            product_group_id=key,
            name=names.get(key or "", "Overig"),
            this_year_cents=this_year.get(key, 0),
            last_year_cents=last_year.get(key, 0),
            goal_cents=goals.get(key) if key is not None else None,
        )
        for key in keys
    ]
    rows.sort(key=lambda r: (-r.this_year_cents, -r.last_year_cents, r.name))
    return rows


def _peer_sales(
    session: Session, customer: Customer, customers: list[facts.CustomerFact], today: date
) -> list[SaleLine]:
    """The last year's purchases of the customer and its peers, one line per customer and
    product (amounts summed in SQL): what the suggestion rules compare."""
    peers = suggestions.peers_of(customer.id, customers)
    ids = [customer.id, *peers]
    since = today - timedelta(days=PEER_WINDOW_DAYS)
    lines, orders, products = (
        OrderLine.__table__,  # type: ignore[attr-defined]
        Order.__table__,  # type: ignore[attr-defined]
        Product.__table__,  # type: ignore[attr-defined]
    )
    query = (
        sa_select(
            lines.c.customer_id,
            lines.c.product_id,
            products.c.product_group_id,
            func.sum(lines.c.net_cents),
        )
        .select_from(lines)
        .join(orders, orders.c.id == lines.c.order_id)
        .outerjoin(products, products.c.id == lines.c.product_id)
        .where(
            lines.c.deleted.is_(False),
            orders.c.deleted.is_(False),
            orders.c.status.in_([s.value for s in REVENUE_STATUSES]),
            orders.c.order_date >= since,
            lines.c.customer_id.in_(ids),
        )
        .group_by(lines.c.customer_id, lines.c.product_id, products.c.product_group_id)
    )
    return [
        SaleLine(cid, pid, group, "", today, int(net), Decimal(1))
        for cid, pid, group, net in session.execute(query)
    ]
