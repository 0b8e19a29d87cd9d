"""Complaints: record with category and product, follow up, resolve and close.

Input errors name their field (``description``, ``contact``, ``resolution``) so the app shows
the Dutch message at the field that needs correcting instead of in a passing snack bar.
"""

from __future__ import annotations

from datetime import date

from fieldsales.domain.enums import ComplaintCategory, ComplaintStatus
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Complaint, Contact, FollowUp, Product
from fieldsales.services.access import load, load_customer
from fieldsales.services.errors import InvalidInput, InvalidState
from fieldsales.services.transaction import transaction
from fieldsales.store import Store, UnitOfWork


def record_complaint(
    store: Store,
    *,
    actor: Actor,
    customer_id: str,
    category: ComplaintCategory,
    description: str,
    reported_on: date | None = None,
    product_id: str | None = None,
    contact_id: str | None = None,
    follow_up: str = "",
    follow_up_on: date | None = None,
) -> Complaint:
    if not description.strip():
        raise InvalidInput(
            "Beschrijf de klacht in een paar woorden.", code="complaint_empty", field="description"
        )
    with transaction(store) as uow:
        customer = load_customer(uow.session, actor, customer_id)
        if product_id is not None:
            load(uow.session, Product, product_id)
        if contact_id is not None:
            contact = load(uow.session, Contact, contact_id)
            if contact.customer_id != customer.id:
                raise InvalidInput(
                    "Deze contactpersoon hoort niet bij deze klant.",
                    code="contact_other_customer",
                    field="contact",
                )
        complaint = Complaint(
            customer_id=customer.id,
            owner_id=customer.owner_id,
            reported_on=reported_on or date.today(),
            category=category,
            product_id=product_id,
            contact_id=contact_id,
            description=description.strip(),
        )
        uow.add(complaint)
        if follow_up.strip():
            _add_follow_up(uow, complaint, follow_up, follow_up_on)
        uow.commit()
    return complaint


def add_complaint_follow_up(
    store: Store, *, actor: Actor, complaint_id: str, description: str, due_on: date | None
) -> FollowUp:
    if not description.strip():
        raise InvalidInput(
            "Een vervolgactie heeft een omschrijving nodig.",
            code="follow_up_empty",
            field="description",
        )
    with transaction(store) as uow:
        complaint = _load_complaint(uow, actor, complaint_id)
        if complaint.status is ComplaintStatus.CLOSED:
            raise InvalidState("Deze klacht is gesloten.", code="complaint_closed")
        follow_up = _add_follow_up(uow, complaint, description, due_on)
        if complaint.status is ComplaintStatus.OPEN:
            uow.update(complaint, status=ComplaintStatus.IN_PROGRESS)
        uow.commit()
    return follow_up


def resolve_complaint(
    store: Store, *, actor: Actor, complaint_id: str, resolution: str, on: date | None = None
) -> Complaint:
    if not resolution.strip():
        raise InvalidInput(
            "Beschrijf hoe de klacht is opgelost.", code="resolution_empty", field="resolution"
        )
    with transaction(store) as uow:
        complaint = _load_complaint(uow, actor, complaint_id)
        if complaint.status in (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED):
            raise InvalidState("Deze klacht is al opgelost.", code="complaint_resolved")
        uow.update(
            complaint,
            status=ComplaintStatus.RESOLVED,
            resolution=resolution.strip(),
            resolved_on=on or date.today(),
        )
        uow.commit()
    return complaint


def close_complaint(store: Store, *, actor: Actor, complaint_id: str) -> Complaint:
    """Closed after the customer confirmed the resolution."""
    with transaction(store) as uow:
        complaint = _load_complaint(uow, actor, complaint_id)
        if complaint.status is not ComplaintStatus.RESOLVED:
            raise InvalidState(
                "Een klacht wordt gesloten nadat hij is opgelost.", code="complaint_not_resolved"
            )
        uow.update(complaint, status=ComplaintStatus.CLOSED)
        uow.commit()
    return complaint


def _load_complaint(uow: UnitOfWork, actor: Actor, complaint_id: str) -> Complaint:
    complaint = load(uow.session, Complaint, complaint_id)
    load_customer(uow.session, actor, complaint.customer_id)
    return complaint


def _add_follow_up(
    uow: UnitOfWork, complaint: Complaint, description: str, due_on: date | None
) -> FollowUp:
    follow_up = FollowUp(
        customer_id=complaint.customer_id,
        owner_id=complaint.owner_id,
        complaint_id=complaint.id,
        description=description.strip(),
        due_on=due_on,
    )
    uow.add(follow_up)
    return follow_up
