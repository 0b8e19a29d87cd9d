"""The phone approach of prospects: a call list, the call log, and an appointment in one flow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import select

from fieldsales.domain.enums import CallOutcome, CustomerKind, Role
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import CallLog, Customer, FollowUp, Visit
from fieldsales.services.access import load_customer
from fieldsales.services.errors import InvalidInput
from fieldsales.services.transaction import transaction
from fieldsales.store import Store


@dataclass(frozen=True, slots=True)
class CallListEntry:
    customer: Customer
    last_call: CallLog | None
    call_back_on: date | None


def log_call(
    store: Store,
    *,
    actor: Actor,
    customer_id: str,
    outcome: CallOutcome,
    notes: str = "",
    contact_id: str | None = None,
    call_back_on: date | None = None,
    appointment_start: datetime | None = None,
    called_at: datetime | None = None,
) -> CallLog:
    """Log a call; 'call back' needs a date (it becomes a follow-up), 'appointment' a start time
    (it becomes a planned visit in the same transaction)."""
    if outcome is CallOutcome.CALL_BACK and call_back_on is None:
        raise InvalidInput("Kies de datum om terug te bellen.", code="call_back_date_required")
    if outcome is CallOutcome.APPOINTMENT and appointment_start is None:
        raise InvalidInput("Kies datum en tijd van de afspraak.", code="appointment_required")
    if appointment_start is not None and appointment_start.tzinfo is None:
        raise InvalidInput("Geef een tijdstip met tijdzone.", code="naive_datetime")
    with transaction(store) as uow:
        customer = load_customer(uow.session, actor, customer_id)
        call = CallLog(
            customer_id=customer.id,
            owner_id=customer.owner_id,
            contact_id=contact_id,
            called_at=called_at or datetime.now(UTC),
            outcome=outcome,
            call_back_on=call_back_on if outcome is CallOutcome.CALL_BACK else None,
            notes=notes.strip(),
        )
        if outcome is CallOutcome.CALL_BACK and call_back_on is not None:
            uow.add(
                FollowUp(
                    customer_id=customer.id,
                    owner_id=customer.owner_id,
                    description=f"{customer.name} terugbellen",
                    due_on=call_back_on,
                )
            )
        if outcome is CallOutcome.APPOINTMENT and appointment_start is not None:
            visit = Visit(
                customer_id=customer.id,
                owner_id=customer.owner_id,
                planned_start=appointment_start,
                contact_id=contact_id,
                topics="Kennismaking",
            )
            uow.add(visit)
            call.visit_id = visit.id
        uow.add(call)
        uow.commit()
    return call


def call_list(store: Store, *, actor: Actor, today: date) -> list[CallListEntry]:
    """Prospects to call: those due for a call-back first, then never called, then the rest;
    prospects who said 'not interested' or have an appointment are left out."""
    with store.read() as session:
        query = (
            select(Customer)
            .where(Customer.kind == CustomerKind.PROSPECT)
            .where(Customer.deleted == False)  # noqa: E712
        )
        if actor.role is Role.SALESPERSON:
            query = query.where(Customer.owner_id == actor.user_id)
        prospects = list(session.exec(query).all())
        calls = session.exec(
            select(CallLog)
            .where(CallLog.deleted == False)  # noqa: E712
            .order_by(CallLog.called_at)  # type: ignore[arg-type]
        ).all()
        last: dict[str, CallLog] = {}
        for call in calls:
            last[call.customer_id] = call
    entries: list[CallListEntry] = []
    for prospect in prospects:
        previous = last.get(prospect.id)
        if previous is not None and previous.outcome in (
            CallOutcome.NOT_INTERESTED,
            CallOutcome.APPOINTMENT,
        ):
            continue
        call_back = previous.call_back_on if previous is not None else None
        entries.append(CallListEntry(prospect, previous, call_back))

    def rank(entry: CallListEntry) -> tuple[int, date, str]:
        if entry.call_back_on is not None and entry.call_back_on <= today:
            return (0, entry.call_back_on, entry.customer.name)
        if entry.last_call is None:
            return (1, date.min, entry.customer.name)
        return (2, entry.call_back_on or date.max, entry.customer.name)

    return sorted(entries, key=rank)
