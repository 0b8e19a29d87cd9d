"""Read models for the app's screens: the customer list, a customer's file, today's visits,
and what the sync screens show (the server, open sync issues, follow-ups due).

A customer's complaints stay in the file until they are closed: a resolved complaint still waits
for the customer to confirm the solution, so it must stay in sight. ``complaint_overview`` adds
what the file's complaint section shows besides the complaints themselves (their follow-ups, the
product names, the structural patterns of ``domain.complaints`` this customer is part of).

Plain functions over ``store.read()`` returning records and small dataclasses, so the UI needs no
database code. Every function applies the actor's scope the way the server does: a salesperson
sees own customers only, a manager or admin the whole (synced) team.

Two small writes live here too because they are device settings, not business changes: the
server address the app syncs with, and marking a sync issue handled. Neither is synced, so
neither goes through the outbox.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from fieldsales.domain import complaints as complaint_rules
from fieldsales.domain.complaints import StructuralFlag
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
    COLLECTIONS,
    AccountPlan,
    Attachment,
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
from fieldsales.reports import facts
from fieldsales.services.access import load, load_customer
from fieldsales.services.preparation import COMPLAINT_WINDOW_DAYS
from fieldsales.services.visits import day_bounds
from fieldsales.store import Store
from fieldsales.store import attachment_files as attachment_bytes
from fieldsales.store import queries as store_queries
from fieldsales.store.local_tables import attachment_files
from fieldsales.store.local_tables import sync_issues as sync_issues_table
from fieldsales.store.queries import SyncIssue

#: How many rows one page of the customer list holds; the list asks for the next page on demand.
PAGE_SIZE = 100

#: Complaints the file shows: every one not closed (a resolved one awaits the customer's "yes").
_OPEN_COMPLAINT = (ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS, ComplaintStatus.RESOLVED)


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
    open_issues: int = 0  # conflict copies and refused changes the user has not settled


#: Keys of the store's sync state the app reads and writes (the engine owns the others).
SERVER_URL = "server_url"
LAST_SYNC = "last_sync_at"
SYNC_USERNAME = "username"  # the account the store was first synced as (set by the engine)
ORGANISATION = "organisation"  # the organisation's name, as the server said at the sign-in
SYNC_ACCOUNT = "account_id"  # that account's id (set by the engine)


def sync_status(store: Store) -> SyncStatus:
    with store.read() as session:
        pending = store_queries.count_pending(session)
        raw = store_queries.get_state(session, LAST_SYNC)
        issues = _count_open_issues(session)
    last = None
    if raw:
        try:
            last = datetime.fromisoformat(raw)
        except ValueError:
            last = None
    return SyncStatus(pending=pending, last_sync_at=last, open_issues=issues)


def _count_open_issues(session: Session) -> int:
    query = (
        select(func.count())
        .select_from(sync_issues_table)
        .where(sync_issues_table.c.resolved_at.is_(None))
    )
    return int(session.exec(query).one())


def server_url(store: Store) -> str | None:
    """The server this device syncs with, as remembered from an earlier start."""
    with store.read() as session:
        return store_queries.get_state(session, SERVER_URL)


def remember_server_url(store: Store, *, url: str) -> None:
    """Keep the server address in the store, so the next start needs no ``--server``."""
    with store.unit_of_work() as uow:
        store_queries.set_state(uow.session, SERVER_URL, url)
        uow.commit()


def remember_organisation(store: Store, *, name: str) -> None:
    """The organisation's name for documents the device makes (a quote's letterhead)."""
    with store.unit_of_work() as uow:
        store_queries.set_state(uow.session, ORGANISATION, name)
        uow.commit()


def organisation(store: Store) -> str:
    with store.read() as session:
        return store_queries.get_state(session, ORGANISATION) or ""


def synced_username(store: Store) -> str | None:
    """The account name the store's data belongs to (None before the first sync)."""
    with store.read() as session:
        return store_queries.get_state(session, SYNC_USERNAME)


def synced_account(store: Store) -> str | None:
    """The id of the account the store's data belongs to (None before the first sync)."""
    with store.read() as session:
        return store_queries.get_state(session, SYNC_ACCOUNT)


def pending_by_collection(store: Store) -> dict[str, int]:
    """Waiting changes per collection (``{"visits": 2}``): what the next push will send."""
    with store.read() as session:
        total = store_queries.count_pending(session)
        mutations = store_queries.pending_mutations(session, limit=max(total, 1))
    return dict(Counter(m.collection for m in mutations))


# --- sync issues and follow-ups (the "Aandacht nodig" screen, the day-end summary) -------------


@dataclass(frozen=True, slots=True)
class SyncIssueRow:
    """One open sync issue with the record it is about, as far as the device still has it."""

    issue: SyncIssue
    title: str  # "Bakkerij Jansen", "Bezoek 28-11-2026, Bakkerij Jansen"
    customer_id: str | None  # the customer file to open, when it is here and the user's


def sync_issues(store: Store, *, actor: Actor, limit: int = 200) -> list[SyncIssueRow]:
    """Open conflict copies and refused changes, oldest first, each with what it is about."""
    owner = _owner(actor)
    with store.read() as session:
        issues = store_queries.open_issues(session, limit=limit)
        return [_issue_row(session, issue, owner) for issue in issues]


def sync_issue_rows(store: Store, *, actor: Actor, issues: list[SyncIssue]) -> list[SyncIssueRow]:
    """The same rows for issues already at hand (a sync summary's new conflicts/rejections)."""
    owner = _owner(actor)
    with store.read() as session:
        return [_issue_row(session, issue, owner) for issue in issues]


def resolve_sync_issue(store: Store, *, actor: Actor, issue_id: int) -> bool:
    """The user settled an issue; False when it was already settled (another tab, say).

    Issues are the device's own bookkeeping of this user's sync, so any signed-in user of the
    device may settle them; nothing is sent to the server.
    """
    del actor  # every issue on the device is the signed-in user's own
    with store.unit_of_work() as uow:
        done = store_queries.resolve_issue(uow.session, issue_id)
        uow.commit()
    return done


def _issue_row(session: Session, issue: SyncIssue, owner: str | None) -> SyncIssueRow:
    cls = COLLECTIONS.get(issue.collection)
    record: Any = session.get(cls, issue.record_id) if cls is not None else None
    values = issue.local_value if isinstance(issue.local_value, dict) else {}
    customer_id: str | None
    if isinstance(record, Customer):
        customer_id = record.id
    else:
        customer_id = getattr(record, "customer_id", None) or values.get("customer_id")
    customer = session.get(Customer, customer_id) if isinstance(customer_id, str) else None
    if customer is not None and (customer.deleted or (owner and customer.owner_id != owner)):
        customer = None
    title = _record_title(record, values, customer)
    return SyncIssueRow(issue=issue, title=title, customer_id=customer.id if customer else None)


def _record_title(record: Any, values: dict[str, Any], customer: Customer | None) -> str:
    """A name a salesperson recognises: the customer, a contact's name, a visit's date."""
    if isinstance(record, Customer):
        return record.name
    name = values.get("name")
    if record is None and isinstance(name, str) and name:
        return name  # a refused new customer: only its pushed fields are left
    where = customer.name if customer is not None else ""
    if isinstance(record, Contact):
        person = " ".join(p for p in (record.first_name, record.last_name) if p)
        return ", ".join(p for p in (person, where) if p)
    if isinstance(record, Visit):
        when = record.planned_start.astimezone().strftime("%d-%m-%Y")
        return ", ".join(p for p in (f"Bezoek {when}", where) if p)
    description = getattr(record, "description", None) or values.get("description")
    if isinstance(description, str) and description:
        short = description if len(description) <= 60 else description[:57] + "..."
        return ", ".join(p for p in (short, where) if p)
    return where


@dataclass(frozen=True, slots=True)
class FollowUpRow:
    follow_up: FollowUp
    customer_name: str


def follow_ups_due(store: Store, *, actor: Actor, through: date) -> list[FollowUpRow]:
    """The actor's open follow-ups due on or before ``through`` (tomorrow, at day end)."""
    query = (
        select(FollowUp, Customer)
        .join(Customer, col(Customer.id) == col(FollowUp.customer_id))
        .where(col(FollowUp.deleted).is_(False))
        .where(FollowUp.status == FollowUpStatus.OPEN)
        .where(col(FollowUp.due_on).is_not(None))
        .where(col(FollowUp.due_on) <= through)
        .where(FollowUp.owner_id == actor.user_id)
        .order_by(col(FollowUp.due_on), col(Customer.name), col(FollowUp.id))
    )
    with store.read() as session:
        return [FollowUpRow(f, c.name) for f, c in session.exec(query).all()]


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
    open_complaints: list[Complaint]  # not closed (resolved ones too), newest first
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
                .where(col(Complaint.status).in_(_OPEN_COMPLAINT))
                .order_by(col(Complaint.reported_on).desc(), col(Complaint.id))
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


# --- complaints ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ComplaintOverview:
    """What the file's complaint section shows next to the complaints of ``CustomerFile``."""

    follow_ups: dict[str, list[FollowUp]]  # per complaint id, by due date (undated last)
    product_names: dict[str, str]  # the products the customer's complaints and flags name
    flags: list[StructuralFlag]  # recurring patterns this customer is part of, biggest first
    window_days: int  # the span the flags look back over, ending ``as_of``


def complaint_overview(
    store: Store, *, actor: Actor, customer_id: str, as_of: date
) -> ComplaintOverview:
    """Follow-ups, product names and structural flags for one customer's complaints.

    The flags are those of visit preparation (same window, same thresholds), over the actor's
    scope: a salesperson's own portfolio, a manager's team.
    """
    window = COMPLAINT_WINDOW_DAYS
    with store.read() as session:
        customer = load_customer(session, actor, customer_id)
        follow_ups = session.exec(
            _live(FollowUp, customer.id)
            .where(col(FollowUp.complaint_id).is_not(None))
            .order_by(col(FollowUp.due_on).is_(None), col(FollowUp.due_on), col(FollowUp.id))
        ).all()
        flags = complaint_rules.flags_for_customer(
            complaint_rules.structural_complaints(
                facts.complaint_facts(
                    session, owner_id=_owner(actor), since=as_of - timedelta(days=window)
                ),
                window_days=window,
                as_of=as_of,
            ),
            customer.id,
        )
        product_ids = set(
            session.exec(
                select(Complaint.product_id)
                .where(Complaint.customer_id == customer.id)
                .where(col(Complaint.deleted).is_(False))
                .where(col(Complaint.product_id).is_not(None))
            ).all()
        )
        product_ids |= {f.key for f in flags if "product" in f.kind}
        names = {
            p.id: p.name
            for p in session.exec(select(Product).where(col(Product.id).in_(product_ids))).all()
        }
    by_complaint: dict[str, list[FollowUp]] = {}
    for follow_up in follow_ups:
        if follow_up.complaint_id is not None:
            by_complaint.setdefault(follow_up.complaint_id, []).append(follow_up)
    return ComplaintOverview(
        follow_ups=by_complaint, product_names=names, flags=flags, window_days=window
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


# --- attachments --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttachmentRow:
    """An attachment with where its bytes are: ``state`` is one of
    ``local_tables.ATTACHMENT_STATES``, or ``"unknown"`` for a record the next sync has not
    looked at yet; ``on_device`` says whether the complete file is here to open."""

    attachment: Attachment
    state: str
    error_message: str | None
    on_device: bool


def attachments(
    store: Store,
    *,
    actor: Actor,
    customer_id: str,
    record_collection: str | None = None,
    record_id: str | None = None,
) -> list[AttachmentRow]:
    """A customer's live attachments (or those of one of its records), newest first, each with
    its transfer state, so the visit report and the customer file can say what is sent, what
    is still coming and what failed."""
    query = (
        select(Attachment, attachment_files.c.state, attachment_files.c.error_message)
        .outerjoin(attachment_files, attachment_files.c.sha256 == col(Attachment.sha256))
        .where(Attachment.customer_id == customer_id)
        .where(col(Attachment.deleted).is_(False))
        .order_by(col(Attachment.created_at).desc(), col(Attachment.filename))
    )
    if record_collection is not None:
        query = query.where(Attachment.record_collection == record_collection)
    if record_id is not None:
        query = query.where(Attachment.record_id == record_id)
    with store.read() as session:
        load_customer(session, actor, customer_id)
        found = session.exec(query).all()
    rows = []
    for attachment, state, error_message in found:
        target = attachment_bytes.file_for(store.path, attachment.sha256)
        here = target.is_file() and target.stat().st_size == attachment.size_bytes
        rows.append(AttachmentRow(attachment, state or "unknown", error_message, here))
    return rows


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
