"""Who may touch which customer on this device, and loading records with a Dutch 'not found'.

The server enforces scope authoritatively; these checks make the app refuse early and clearly,
so a salesperson never builds up changes offline that the server will later reject.
"""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session

from fieldsales.domain.enums import Role
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Customer, SyncedRecord
from fieldsales.services.errors import NotAllowed, NotFound

R = TypeVar("R", bound=SyncedRecord)

_WHAT: dict[str, str] = {
    "customers": "De klant",
    "contacts": "De contactpersoon",
    "visits": "Het bezoek",
    "account_plans": "Het accountplan",
    "plan_goals": "De doelstelling",
    "plan_actions": "De actie",
    "quotes": "De offerte",
    "orders": "De order",
    "complaints": "De klacht",
    "follow_ups": "De vervolgactie",
    "products": "Het product",
    "call_logs": "Het gesprek",
}


def load(session: Session, cls: type[R], record_id: str) -> R:
    """The live (not tombstoned) record, or NotFound with a sentence the user understands."""
    record = session.get(cls, record_id)
    if record is None or record.deleted:
        what = _WHAT.get(cls.collection, "Het record")
        raise NotFound(f"{what} is niet gevonden; mogelijk is het verwijderd.", code="not_found")
    return record


def require_customer_access(actor: Actor, customer: Customer) -> None:
    """A salesperson works on own customers only; managers and admins see the whole team."""
    if actor.role is Role.SALESPERSON and customer.owner_id != actor.user_id:
        raise NotAllowed(
            "Deze klant hoort niet bij uw portefeuille.", code="customer_not_in_portfolio"
        )


def load_customer(session: Session, actor: Actor, customer_id: str) -> Customer:
    customer = load(session, Customer, customer_id)
    require_customer_access(actor, customer)
    return customer
