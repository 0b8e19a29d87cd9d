"""Customer files: creating and editing customers, prospects and their contacts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlmodel import col, select

from fieldsales.domain import validation
from fieldsales.domain.enums import CustomerKind, Role
from fieldsales.domain.errors import DomainError
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Contact, Customer, TargetGroup
from fieldsales.services.access import load, load_customer
from fieldsales.services.errors import InvalidInput, from_domain
from fieldsales.services.transaction import transaction
from fieldsales.store import Store

# Fields a user may edit on a customer, with the normaliser that checks each one.
_NORMALISERS: dict[str, Callable[[str], str]] = {
    "postcode": validation.normalize_postcode,
    "kvk_number": validation.normalize_kvk,
    "btw_id": validation.normalize_btw_id,
    "phone": validation.normalize_phone,
    "mobile": validation.normalize_phone,
    "email": validation.normalize_email,
}

CUSTOMER_EDITABLE = frozenset(
    {
        "name",
        "customer_number",
        "kvk_number",
        "btw_id",
        "street",
        "house_number",
        "postcode",
        "city",
        "phone",
        "email",
        "website",
        "latitude",
        "longitude",
        "target_group_id",
        "price_list_id",
        "sector",
        "employees",
        "potential_revenue_cents",
        "source",
        "current_supplier",
        "notes",
    }
)
CONTACT_EDITABLE = frozenset(
    {"first_name", "last_name", "job_title", "phone", "mobile", "email", "is_primary", "notes"}
)


def clean_fields(fields: dict[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    """Normalise user input (trimmed text, Dutch number formats); empty optional text → None."""
    unknown = set(fields) - allowed
    if unknown:
        raise InvalidInput(f"Onbekend veld: {', '.join(sorted(unknown))}.", code="unknown_field")
    # A missing name first: it is what the user must fill in before anything else matters.
    if "name" in fields and not str(fields["name"] or "").strip():
        raise InvalidInput("Vul een naam in.", code="name_required", field="name")
    if "last_name" in fields and not str(fields["last_name"] or "").strip():
        raise InvalidInput("Vul een achternaam in.", code="name_required", field="last_name")
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
            if name in _NORMALISERS:
                if value == "":
                    value = None if name != "postcode" else ""
                else:
                    try:
                        value = _NORMALISERS[name](value)
                    except DomainError as exc:
                        error = from_domain(exc)
                        error.field = name  # "mobile" is checked as a phone number
                        raise error from exc
        cleaned[name] = value
    return cleaned


def target_groups(store: Store, *, actor: Actor) -> list[TargetGroup]:
    """The organisation's target groups (the administrator imports them), by name."""
    del actor  # shared by everyone in the organisation
    with store.read() as session:
        return list(
            session.exec(
                select(TargetGroup)
                .where(col(TargetGroup.deleted).is_(False))
                .order_by(col(TargetGroup.name))
            ).all()
        )


def create_customer(
    store: Store,
    *,
    actor: Actor,
    name: str,
    kind: CustomerKind = CustomerKind.CUSTOMER,
    owner_id: str | None = None,
    **fields: Any,
) -> Customer:
    """A new customer or prospect in the actor's portfolio (a manager may assign an owner)."""
    if actor.role is Role.SALESPERSON and owner_id not in (None, actor.user_id):
        raise InvalidInput(
            "U kunt alleen klanten in uw eigen portefeuille aanmaken.", code="owner_not_self"
        )
    data = clean_fields({"name": name, **fields}, CUSTOMER_EDITABLE)
    customer = Customer(owner_id=owner_id or actor.user_id, kind=kind, **data)
    if kind is CustomerKind.CUSTOMER:
        customer.customer_since = date.today()
    with transaction(store) as uow:
        uow.add(customer)
        uow.commit()
    return customer


def update_customer(store: Store, *, actor: Actor, customer_id: str, **changes: Any) -> Customer:
    data = clean_fields(changes, CUSTOMER_EDITABLE)
    with transaction(store) as uow:
        customer = load_customer(uow.session, actor, customer_id)
        uow.update(customer, **data)
        uow.commit()
    return customer


def mark_customer_lost(
    store: Store, *, actor: Actor, customer_id: str, on: date, reason: str = ""
) -> Customer:
    """Record that a customer left; it stays in the file for history and churn figures."""
    with transaction(store) as uow:
        customer = load_customer(uow.session, actor, customer_id)
        uow.update(customer, lost_on=on, lost_reason=reason.strip())
        uow.commit()
    return customer


def add_contact(
    store: Store, *, actor: Actor, customer_id: str, last_name: str, **fields: Any
) -> Contact:
    data = clean_fields({"last_name": last_name, **fields}, CONTACT_EDITABLE)
    with transaction(store) as uow:
        load_customer(uow.session, actor, customer_id)
        contact = Contact(customer_id=customer_id, **data)
        uow.add(contact)
        uow.commit()
    return contact


def update_contact(store: Store, *, actor: Actor, contact_id: str, **changes: Any) -> Contact:
    data = clean_fields(changes, CONTACT_EDITABLE)
    with transaction(store) as uow:
        contact = load(uow.session, Contact, contact_id)
        load_customer(uow.session, actor, contact.customer_id)
        uow.update(contact, **data)
        uow.commit()
    return contact


def remove_contact(store: Store, *, actor: Actor, contact_id: str) -> None:
    with transaction(store) as uow:
        contact = load(uow.session, Contact, contact_id)
        load_customer(uow.session, actor, contact.customer_id)
        uow.delete(contact)
        uow.commit()
