"""Global search: one box that finds customers, contacts, visits and quotes while typing."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_
from sqlmodel import Session, col, select

from fieldsales.domain.enums import Role
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Contact, Customer, Quote, Visit
from fieldsales.store import Store
from fieldsales.store.queries import search_customers, search_words


@dataclass(frozen=True, slots=True)
class SearchResults:
    customers: list[Customer] = field(default_factory=list)
    contacts: list[tuple[Contact, Customer]] = field(default_factory=list)
    visits: list[tuple[Visit, Customer]] = field(default_factory=list)
    quotes: list[tuple[Quote, Customer]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.customers or self.contacts or self.visits or self.quotes)


def global_search(store: Store, *, actor: Actor, text: str, limit: int = 10) -> SearchResults:
    """Customers by name, place, postcode or number (full-text, prefix per word); contacts by name,
    e-mail or phone; visits by their report texts; quotes by number. Within the actor's scope."""
    words = search_words(text)
    if not words or len("".join(words)) < 2:
        return SearchResults()
    owner = actor.user_id if actor.role is Role.SALESPERSON else None
    with store.read() as session:
        customers = search_customers(session, text, limit=limit, owner_id=owner)
        return SearchResults(
            customers=customers,
            contacts=_contacts(session, words, owner, limit),
            visits=_visits(session, words, owner, limit),
            quotes=_quotes(session, words, owner, limit),
        )


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _contacts(
    session: Session, words: list[str], owner: str | None, limit: int
) -> list[tuple[Contact, Customer]]:
    query = (
        select(Contact, Customer)
        .join(Customer, col(Customer.id) == col(Contact.customer_id))
        .where(col(Contact.deleted).is_(False))
        .where(col(Customer.deleted).is_(False))
    )
    for word in words:
        pattern = _like(word)
        query = query.where(
            or_(
                col(Contact.first_name).ilike(pattern, escape="\\"),
                col(Contact.last_name).ilike(pattern, escape="\\"),
                col(Contact.email).ilike(pattern, escape="\\"),
                col(Contact.phone).ilike(pattern, escape="\\"),
                col(Contact.mobile).ilike(pattern, escape="\\"),
            )
        )
    if owner is not None:
        query = query.where(Customer.owner_id == owner)
    rows = session.exec(query.order_by(col(Contact.last_name)).limit(limit)).all()
    return [(contact, customer) for contact, customer in rows]


def _visits(
    session: Session, words: list[str], owner: str | None, limit: int
) -> list[tuple[Visit, Customer]]:
    query = (
        select(Visit, Customer)
        .join(Customer, col(Customer.id) == col(Visit.customer_id))
        .where(col(Visit.deleted).is_(False))
    )
    for word in words:
        pattern = _like(word)
        query = query.where(
            or_(
                col(Visit.topics).ilike(pattern, escape="\\"),
                col(Visit.report).ilike(pattern, escape="\\"),
                col(Visit.agreements).ilike(pattern, escape="\\"),
            )
        )
    if owner is not None:
        query = query.where(Visit.owner_id == owner)
    rows = session.exec(query.order_by(col(Visit.planned_start).desc()).limit(limit)).all()
    return [(visit, customer) for visit, customer in rows]


def _quotes(
    session: Session, words: list[str], owner: str | None, limit: int
) -> list[tuple[Quote, Customer]]:
    query = (
        select(Quote, Customer)
        .join(Customer, col(Customer.id) == col(Quote.customer_id))
        .where(col(Quote.deleted).is_(False))
    )
    for word in words:
        query = query.where(col(Quote.quote_number).ilike(_like(word), escape="\\"))
    if owner is not None:
        query = query.where(Quote.owner_id == owner)
    rows = session.exec(query.order_by(col(Quote.quote_date).desc()).limit(limit)).all()
    return [(quote, customer) for quote, customer in rows]
