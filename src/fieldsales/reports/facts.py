"""Turning stored records into the domain's facts, one query per kind of fact.

Reports and the visit preparation sheet run these on the device over years of history (a
portfolio of 500 customers has some 20,000 order lines), so each loader selects plain columns in
one statement and builds the frozen fact rows directly: no ORM objects, no lazy loading.
``owner_id`` None means the whole team (a manager's device holds the team's records).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, String, and_, func, select, type_coerce
from sqlalchemy.orm import Session

from fieldsales.domain.enums import ComplaintStatus, OrderStatus, VisitStatus
from fieldsales.domain.facts import (
    ActionFact,
    CauseFact,
    ComplaintFact,
    CustomerFact,
    GoalFact,
    PlanFact,
    ProductFact,
    SaleLine,
    TargetFact,
    VisitFact,
)
from fieldsales.records import (
    AccountPlan,
    AccountPlanVersion,
    Complaint,
    Customer,
    DeviationCause,
    Order,
    OrderLine,
    PlanAction,
    PlanGoal,
    Product,
    SalesTarget,
    Visit,
)

AnySelect = Select[*tuple[Any, ...]]

REVENUE_STATUSES = (OrderStatus.PLACED, OrderStatus.DELIVERED)


def _t(cls: Any) -> Any:
    """The table behind a record class, for column-level selects."""
    return cls.__table__


def _scoped(query: AnySelect, table: Any, owner_id: str | None) -> AnySelect:
    return query if owner_id is None else query.where(table.c.owner_id == owner_id)


def sale_lines(
    session: Session,
    *,
    owner_id: str | None,
    since: date | None = None,
    until: date | None = None,
    customer_ids: Sequence[str] | None = None,
) -> list[SaleLine]:
    """Order lines that count as revenue (placed or delivered, not tombstoned)."""
    lines, orders, products = _t(OrderLine), _t(Order), _t(Product)
    query: AnySelect = (
        select(
            lines.c.customer_id,
            lines.c.product_id,
            products.c.product_group_id,
            lines.c.order_id,
            # Read as text and parsed by date.fromisoformat (C), several times faster than the
            # Date type's own parsing over tens of thousands of lines.
            type_coerce(orders.c.order_date, String),
            lines.c.net_cents,
            type_coerce(lines.c.quantity, String),
        )
        .select_from(lines)
        .join(orders, orders.c.id == lines.c.order_id)
        .outerjoin(products, products.c.id == lines.c.product_id)
        .where(lines.c.deleted.is_(False), orders.c.deleted.is_(False))
        .where(orders.c.status.in_([s.value for s in REVENUE_STATUSES]))
    )
    query = _scoped(query, orders, owner_id)
    if since is not None:
        query = query.where(orders.c.order_date >= since)
    if until is not None:
        query = query.where(orders.c.order_date <= until)
    if customer_ids is not None:
        query = query.where(lines.c.customer_id.in_(list(customer_ids)))
    parse_date = date.fromisoformat
    one = Decimal(1)
    return [
        SaleLine(cid, pid, group, oid, parse_date(on), net, Decimal(qty) if qty else one)
        for cid, pid, group, oid, on, net, qty in _raw_rows(session, query)
    ]


def _raw_rows(session: Session, query: AnySelect) -> list[tuple[Any, ...]]:
    """All rows as the driver returns them, for queries whose columns need no type processing.

    SQLAlchemy's row objects cost a few microseconds each; over the 20,000 order lines of a
    portfolio that is most of a report's time, and these columns are plain text and integers.
    """
    result = session.execute(query)
    cursor = result.cursor  # type: ignore[attr-defined]
    rows: list[tuple[Any, ...]] = cursor.fetchall()
    result.close()
    return rows


def visit_facts(
    session: Session,
    *,
    owner_id: str | None,
    since: date | None = None,
    customer_ids: Sequence[str] | None = None,
) -> list[VisitFact]:
    visits = _t(Visit)
    query: AnySelect = select(
        visits.c.id,
        visits.c.customer_id,
        type_coerce(visits.c.planned_start, String),
        type_coerce(visits.c.status, String),  # the member's name, as enum columns store it
        type_coerce(visits.c.reported_at, String),
        visits.c.satisfaction,
        visits.c.plan_action_id,
    ).where(visits.c.deleted.is_(False))
    query = _scoped(query, visits, owner_id)
    if since is not None:
        # A day early: planned_start is UTC and the facts use the local date.
        bound = datetime.combine(since - timedelta(days=1), time.min, tzinfo=UTC)
        query = query.where(visits.c.planned_start >= bound)
    if customer_ids is not None:
        query = query.where(visits.c.customer_id.in_(list(customer_ids)))
    statuses = {status.name: status for status in VisitStatus}
    return [
        VisitFact(
            visit_id=vid,
            customer_id=cid,
            planned_on=_local_date(start),
            status=statuses[status],
            reported_on=_local_date(reported) if reported is not None else None,
            satisfaction=score,
            plan_action_id=action,
        )
        for vid, cid, start, status, reported, score, action in _raw_rows(session, query)
    ]


def _local_date(iso_utc: str) -> date:
    """The device-local calendar date of an instant stored as UTC ISO text."""
    return datetime.fromisoformat(iso_utc).astimezone().date()


def customer_facts(session: Session, *, owner_id: str | None) -> list[CustomerFact]:
    customers = _t(Customer)
    query: AnySelect = select(
        customers.c.id,
        customers.c.kind,
        customers.c.target_group_id,
        customers.c.customer_since,
        customers.c.lost_on,
        customers.c.potential_revenue_cents,
    ).where(customers.c.deleted.is_(False))
    query = _scoped(query, customers, owner_id)
    return [CustomerFact(*row) for row in session.execute(query)]


def plan_facts(
    session: Session, *, owner_id: str | None, year: int | None = None
) -> list[PlanFact]:
    plans, versions = _t(AccountPlan), _t(AccountPlanVersion)
    query: AnySelect = select(
        plans.c.id, plans.c.customer_id, plans.c.year, plans.c.status, plans.c.current_version
    ).where(plans.c.deleted.is_(False))
    query = _scoped(query, plans, owner_id)
    if year is not None:
        query = query.where(plans.c.year == year)
    rows = session.execute(query).all()
    version_counts = session.execute(
        select(versions.c.plan_id, func.count())
        .where(versions.c.deleted.is_(False))
        .group_by(versions.c.plan_id)
    )
    # Not dict(result): a Result has .keys() (its column names), so dict() would misread it.
    counts: dict[str, int] = {plan_id: n for plan_id, n in version_counts}  # noqa: C416
    return [
        PlanFact(pid, cid, yr, status, current, counts.get(pid, current))
        for pid, cid, yr, status, current in rows
    ]


def goal_facts(
    session: Session, *, owner_id: str | None, year: int | None = None
) -> list[GoalFact]:
    goals, plans = _t(PlanGoal), _t(AccountPlan)
    query: AnySelect = (
        select(
            goals.c.id,
            goals.c.plan_id,
            goals.c.customer_id,
            plans.c.year,
            goals.c.kind,
            goals.c.target_value,
            goals.c.product_group_id,
        )
        .join(plans, plans.c.id == goals.c.plan_id)
        .where(goals.c.deleted.is_(False), plans.c.deleted.is_(False))
    )
    query = _scoped(query, plans, owner_id)
    if year is not None:
        query = query.where(plans.c.year == year)
    return [GoalFact(*row) for row in session.execute(query)]


def action_facts(
    session: Session, *, owner_id: str | None, year: int | None = None
) -> list[ActionFact]:
    actions, plans = _t(PlanAction), _t(AccountPlan)
    query: AnySelect = (
        select(
            actions.c.id,
            actions.c.plan_id,
            actions.c.due_on,
            actions.c.status,
            actions.c.done_on,
            actions.c.customer_id,
            actions.c.kind,
        )
        .join(plans, plans.c.id == actions.c.plan_id)
        .where(actions.c.deleted.is_(False), plans.c.deleted.is_(False))
    )
    query = _scoped(query, plans, owner_id)
    if year is not None:
        query = query.where(plans.c.year == year)
    return [ActionFact(*row) for row in session.execute(query)]


def complaint_facts(
    session: Session,
    *,
    owner_id: str | None,
    since: date | None = None,
    open_only: bool = False,
) -> list[ComplaintFact]:
    complaints = _t(Complaint)
    query: AnySelect = select(
        complaints.c.id,
        complaints.c.customer_id,
        complaints.c.category,
        complaints.c.product_id,
        complaints.c.reported_on,
        complaints.c.status,
    ).where(complaints.c.deleted.is_(False))
    query = _scoped(query, complaints, owner_id)
    if since is not None:
        query = query.where(complaints.c.reported_on >= since)
    if open_only:
        closed = (ComplaintStatus.RESOLVED.value, ComplaintStatus.CLOSED.value)
        query = query.where(complaints.c.status.not_in(closed))
    return [ComplaintFact(*row) for row in session.execute(query)]


def target_facts(
    session: Session, *, owner_id: str | None, overlapping: tuple[date, date] | None = None
) -> list[TargetFact]:
    targets = _t(SalesTarget)
    query: AnySelect = select(
        targets.c.period_start,
        targets.c.period_end,
        targets.c.customer_id,
        targets.c.product_group_id,
        targets.c.revenue_target_cents,
        targets.c.id,
    ).where(targets.c.deleted.is_(False))
    query = _scoped(query, targets, owner_id)
    if overlapping is not None:
        start, end = overlapping
        query = query.where(and_(targets.c.period_start <= end, targets.c.period_end >= start))
    return [TargetFact(*row) for row in session.execute(query)]


def cause_facts(session: Session, *, owner_id: str | None) -> list[CauseFact]:
    causes = _t(DeviationCause)
    query: AnySelect = select(
        causes.c.period_start,
        causes.c.period_end,
        causes.c.customer_id,
        causes.c.product_group_id,
        causes.c.cause,
        causes.c.amount_cents,
        causes.c.note,
        causes.c.id,
    ).where(causes.c.deleted.is_(False))
    query = _scoped(query, causes, owner_id)
    return [CauseFact(*row) for row in session.execute(query)]


def product_facts(session: Session) -> list[ProductFact]:
    products = _t(Product)
    query: AnySelect = select(
        products.c.id,
        products.c.name,
        products.c.product_group_id,
        products.c.introduced_on,
        products.c.active,
        products.c.list_price_cents,
    ).where(products.c.deleted.is_(False))
    return [ProductFact(*row) for row in session.execute(query)]


def owners_by_id(
    session: Session,
    cls: type[Order] | type[SalesTarget] | type[DeviationCause],
    *,
    since: date | None = None,
) -> dict[str, str]:
    """``id -> owner_id`` of the live orders, targets or deviation causes (orders from ``since``).

    The facts carry no owner; a team report splits the team's facts per salesperson with this
    (a sale line by its ``order_id``, a target by ``target_id``, a cause by ``cause_id``).
    """
    table = _t(cls)
    query: AnySelect = select(table.c.id, table.c.owner_id).where(table.c.deleted.is_(False))
    if since is not None and cls is Order:
        query = query.where(table.c.order_date >= since)
    return dict(_raw_rows(session, query))
