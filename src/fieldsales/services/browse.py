"""Read models for the app's screens: the customer list, a customer's file, today's visits.

Plain functions over ``store.read()`` returning records and small dataclasses, so the UI needs no
database code. Every function applies the actor's scope the way the server does: a salesperson
sees own customers only, a manager or admin the whole (synced) team.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from fieldsales.domain.enums import (
    ComplaintStatus,
    CustomerKind,
    FollowUpStatus,
    QuoteStatus,
    Role,
    VisitStatus,
)
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import (
    AccountPlan,
    Complaint,
    Contact,
    Customer,
    FollowUp,
    Order,
    Product,
    Quote,
    UserProfile,
    Visit,
)
from fieldsales.services.access import load, load_customer
from fieldsales.services.visits import day_bounds
from fieldsales.store import Store
from fieldsales.store import queries as store_queries

#: How many rows one page of the customer list holds; the list asks for the next page on demand.
PAGE_SIZE = 100

_OPEN_COMPLAINT = (ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS)


def _owner(actor: Actor) -> str | None:
    return actor.user_id if actor.role is Role.SALESPERSON else None


# --- who is using the app ----------------------------------------------------------------------


def actor_for(user: UserProfile) -> Actor:
    return Actor(user_id=user.id, role=user.role, team_id=user.team_id)


def local_users(store: Store) -> list[UserProfile]:
    """The active users known on this device (synced team directory), by name."""
    with store.read() as session:
        query = (
            select(UserProfile)
            .where(col(UserProfile.deleted).is_(False))
            .where(col(UserProfile.active).is_(True))
            .order_by(col(UserProfile.full_name))
        )
        return list(session.exec(query).all())


def find_user(store: Store, *, username: str) -> UserProfile | None:
    wanted = username.strip().casefold()
    return next((u for u in local_users(store) if u.username.casefold() == wanted), None)


# --- sync state for the indicator ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SyncStatus:
    pending: int  # local changes not yet pushed
    last_sync_at: datetime | None  # None: this device never synced


def sync_status(store: Store) -> SyncStatus:
    with store.read() as session:
        pending = store_queries.count_pending(session)
        raw = store_queries.get_state(session, "last_sync_at")
    last = None
    if raw:
        try:
            last = datetime.fromisoformat(raw)
        except ValueError:
            last = None
    return SyncStatus(pending=pending, last_sync_at=last)


# --- customers ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CustomerPage:
    customers: list[Customer]
    has_more: bool  # another page exists (ask again with a larger ``limit``)


def customer_page(
    store: Store,
    *,
    actor: Actor,
    text: str = "",
    limit: int = PAGE_SIZE,
    kind: CustomerKind | None = None,
) -> CustomerPage:
    """Customers by name, or the best matches for ``text`` (full-text, every word a prefix)."""
    owner = _owner(actor)
    with store.read() as session:
        if text.strip():
            found = store_queries.search_customers(session, text, limit=limit + 1, owner_id=owner)
            if kind is not None:
                found = [c for c in found if c.kind is kind]
        else:
            query = select(Customer).where(col(Customer.deleted).is_(False))
            if owner is not None:
                query = query.where(Customer.owner_id == owner)
            if kind is not None:
                query = query.where(Customer.kind == kind)
            query = query.order_by(col(Customer.name), col(Customer.id)).limit(limit + 1)
            found = list(session.exec(query).all())
    return CustomerPage(customers=found[:limit], has_more=len(found) > limit)


@dataclass(frozen=True, slots=True)
class VisitWithFollowUps:
    visit: Visit
    follow_ups: list[FollowUp]


@dataclass(frozen=True, slots=True)
class CustomerFile:
    """Everything the salesperson wants at hand about one customer."""

    customer: Customer
    contacts: list[Contact]
    last_visits: list[VisitWithFollowUps]  # reported, newest first
    planned_visits: list[Visit]  # not yet reported, soonest first
    open_quotes: list[Quote]
    open_complaints: list[Complaint]
    recent_orders: list[Order]
    open_follow_ups: list[FollowUp]


def customer_file(
    store: Store, *, actor: Actor, customer_id: str, last_visits: int = 5, orders: int = 5
) -> CustomerFile:
    with store.read() as session:
        customer = load_customer(session, actor, customer_id)
        contacts = _contacts(session, customer.id)
        reported = list(
            session.exec(
                _live(Visit, customer.id)
                .where(Visit.status == VisitStatus.REPORTED)
                .order_by(col(Visit.planned_start).desc())
                .limit(last_visits)
            ).all()
        )
        follow_ups = list(
            session.exec(
                _live(FollowUp, customer.id).order_by(col(FollowUp.due_on), col(FollowUp.id))
            ).all()
        )
        planned = list(
            session.exec(
                _live(Visit, customer.id)
                .where(col(Visit.status).in_([VisitStatus.PLANNED, VisitStatus.PREPARED]))
                .order_by(col(Visit.planned_start))
            ).all()
        )
        quotes = list(
            session.exec(
                _live(Quote, customer.id)
                .where(col(Quote.status).in_([QuoteStatus.DRAFT, QuoteStatus.SENT]))
                .order_by(col(Quote.quote_date).desc())
            ).all()
        )
        complaints = list(
            session.exec(
                _live(Complaint, customer.id)
                .where(
                    col(Complaint.status).in_([ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS])
                )
                .order_by(col(Complaint.reported_on).desc())
            ).all()
        )
        recent_orders = list(
            session.exec(
                _live(Order, customer.id).order_by(col(Order.order_date).desc()).limit(orders)
            ).all()
        )
    by_visit: dict[str, list[FollowUp]] = {}
    for follow_up in follow_ups:
        if follow_up.visit_id is not None:
            by_visit.setdefault(follow_up.visit_id, []).append(follow_up)
    return CustomerFile(
        customer=customer,
        contacts=contacts,
        last_visits=[VisitWithFollowUps(v, by_visit.get(v.id, [])) for v in reported],
        planned_visits=planned,
        open_quotes=quotes,
        open_complaints=complaints,
        recent_orders=recent_orders,
        open_follow_ups=[f for f in follow_ups if f.status is FollowUpStatus.OPEN],
    )


# --- visits -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayVisit:
    visit: Visit
    customer: Customer
    contact: Contact | None


def day_visits(store: Store, *, actor: Actor, day: date) -> list[DayVisit]:
    """The day's visits in time order, with customer and contact; cancelled ones are left out."""
    start, end = day_bounds(day)
    query = (
        select(Visit, Customer)
        .join(Customer, col(Customer.id) == col(Visit.customer_id))
        .where(col(Visit.planned_start) >= start)
        .where(col(Visit.planned_start) < end)
        .where(col(Visit.deleted).is_(False))
        .where(Visit.status != VisitStatus.CANCELLED)
        .order_by(col(Visit.planned_start), col(Visit.id))
    )
    owner = _owner(actor)
    if owner is not None:
        query = query.where(Visit.owner_id == owner)
    with store.read() as session:
        rows = list(session.exec(query).all())
        contact_ids = {v.contact_id for v, _ in rows if v.contact_id}
        contacts = {
            c.id: c
            for c in session.exec(select(Contact).where(col(Contact.id).in_(contact_ids))).all()
            if not c.deleted
        }
    return [DayVisit(v, c, contacts.get(v.contact_id) if v.contact_id else None) for v, c in rows]


@dataclass(frozen=True, slots=True)
class VisitContext:
    """What the visit report form offers to pick from."""

    visit: Visit
    customer: Customer
    contacts: list[Contact]
    products: list[Product]


def visit_context(store: Store, *, actor: Actor, visit_id: str) -> VisitContext:
    with store.read() as session:
        visit = load(session, Visit, visit_id)
        customer = load_customer(session, actor, visit.customer_id)
        products = list(
            session.exec(
                select(Product)
                .where(col(Product.deleted).is_(False))
                .where(col(Product.active).is_(True))
                .order_by(col(Product.name))
            ).all()
        )
        return VisitContext(visit, customer, _contacts(session, customer.id), products)


# --- account plans ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanRow:
    plan: AccountPlan
    customer: Customer


def account_plans(store: Store, *, actor: Actor, year: int | None = None) -> list[PlanRow]:
    """Account plans in the actor's scope, newest year first, then by customer name."""
    query = (
        select(AccountPlan, Customer)
        .join(Customer, col(Customer.id) == col(AccountPlan.customer_id))
        .where(col(AccountPlan.deleted).is_(False))
        .where(col(Customer.deleted).is_(False))
        .order_by(col(AccountPlan.year).desc(), col(Customer.name))
    )
    owner = _owner(actor)
    if owner is not None:
        query = query.where(Customer.owner_id == owner)
    if year is not None:
        query = query.where(AccountPlan.year == year)
    with store.read() as session:
        return [PlanRow(p, c) for p, c in session.exec(query).all()]


# --- helpers ------------------------------------------------------------------------------------


_Child = TypeVar("_Child", Visit, FollowUp, Quote, Complaint, Order)


def _live(cls: type[_Child], customer_id: str) -> SelectOfScalar[_Child]:
    """A customer's live (not tombstoned) records of one kind."""
    return select(cls).where(cls.customer_id == customer_id).where(col(cls.deleted).is_(False))


def _contacts(session: Session, customer_id: str) -> list[Contact]:
    query = (
        select(Contact)
        .where(Contact.customer_id == customer_id)
        .where(col(Contact.deleted).is_(False))
        .order_by(col(Contact.is_primary).desc(), col(Contact.last_name), col(Contact.first_name))
    )
    return list(session.exec(query).all())
