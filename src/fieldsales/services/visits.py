"""Visits: planning, the quick 'visit done' between appointments, and the full visit report.

Logging a visit right after it must take seconds and no typing: ``quick_visit_done`` takes only a
score and an optional voice memo; ``log_visit`` completes the report later (or at once).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import select

from fieldsales.domain.enums import ActionStatus, FollowUpStatus, Role, VisitStatus
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Attachment, Contact, FollowUp, PlanAction, Visit
from fieldsales.services.access import load, load_customer
from fieldsales.services.errors import InvalidInput, InvalidState
from fieldsales.services.transaction import transaction
from fieldsales.store import Store, UnitOfWork


@dataclass(frozen=True, slots=True)
class FollowUpInput:
    description: str
    due_on: date | None = None


def plan_visit(
    store: Store,
    *,
    actor: Actor,
    customer_id: str,
    start: datetime,
    duration_minutes: int = 60,
    contact_id: str | None = None,
    topics: str = "",
    plan_action_id: str | None = None,
) -> Visit:
    if start.tzinfo is None:
        raise InvalidInput("Geef een tijdstip met tijdzone.", code="naive_datetime", field="start")
    if not 5 <= duration_minutes <= 24 * 60:
        raise InvalidInput("Een bezoek duurt tussen 5 minuten en een dag.", code="invalid_duration")
    with transaction(store) as uow:
        customer = load_customer(uow.session, actor, customer_id)
        _check_contact(uow, contact_id, customer.id)
        visit = Visit(
            customer_id=customer.id,
            owner_id=customer.owner_id,
            planned_start=start,
            duration_minutes=duration_minutes,
            contact_id=contact_id,
            topics=topics.strip(),
            plan_action_id=plan_action_id,
        )
        uow.add(visit)
        if plan_action_id is not None:
            action = load(uow.session, PlanAction, plan_action_id)
            if action.customer_id != customer.id:
                raise InvalidInput(
                    "De actie hoort bij een andere klant.", code="action_other_customer"
                )
            uow.update(action, visit_id=visit.id)
        uow.commit()
    return visit


def mark_prepared(store: Store, *, actor: Actor, visit_id: str) -> Visit:
    """The salesperson opened the preparation sheet and is ready: shown in the day view."""
    with transaction(store) as uow:
        visit = _load_visit(uow, actor, visit_id)
        if visit.status is VisitStatus.PLANNED:
            uow.update(visit, status=VisitStatus.PREPARED, prepared_at=datetime.now(UTC))
        uow.commit()
    return visit


def quick_visit_done(
    store: Store,
    *,
    actor: Actor,
    visit_id: str,
    satisfaction: int | None,
    voice_memo: Attachment | None = None,
) -> Visit:
    """One tap after the visit: a score and optionally a voice memo; the full report can follow."""
    _check_score(satisfaction)
    with transaction(store) as uow:
        visit = _load_visit(uow, actor, visit_id)
        _require_open(visit)
        changes: dict[str, object] = {
            "status": VisitStatus.REPORTED,
            "reported_at": datetime.now(UTC),
            "satisfaction": satisfaction,
        }
        if voice_memo is not None:
            changes["voice_memo_attachment_id"] = _file_memo(uow, visit, voice_memo)
        uow.update(visit, **changes)
        _complete_plan_action(uow, visit)
        uow.commit()
    return visit


def add_voice_memo(store: Store, *, actor: Actor, visit_id: str, memo: Attachment) -> Visit:
    """File a voice memo (its bytes already stored by ``attachments.prepare_attachment``) with
    a visit, whatever the visit's state: one recorded in the car after the visit was ticked
    off, or while it is still open. The visit points at the newest memo; an earlier one stays
    an attachment of the visit, so a second recording never loses the first."""
    with transaction(store) as uow:
        visit = _load_visit(uow, actor, visit_id)
        uow.update(visit, voice_memo_attachment_id=_file_memo(uow, visit, memo))
        uow.commit()
    return visit


def log_visit(
    store: Store,
    *,
    actor: Actor,
    visit_id: str,
    contact_id: str | None = None,
    topics: str = "",
    products_presented: Sequence[str] = (),
    agreements: str = "",
    report: str = "",
    satisfaction: int | None = None,
    follow_ups: Sequence[FollowUpInput] = (),
    next_visit_on: date | None = None,
    next_visit_time: time = time(9, 0),
) -> Visit:
    """The full visit report; with ``next_visit_on`` the next visit is planned in the same step."""
    _check_score(satisfaction)
    for follow_up in follow_ups:
        if not follow_up.description.strip():
            raise InvalidInput(
                "Een vervolgactie heeft een omschrijving nodig.", code="follow_up_empty"
            )
    with transaction(store) as uow:
        visit = _load_visit(uow, actor, visit_id)
        if visit.status is VisitStatus.CANCELLED:
            raise InvalidState("Een geannuleerd bezoek kan geen verslag krijgen.")
        _check_contact(uow, contact_id, visit.customer_id)
        uow.update(
            visit,
            status=VisitStatus.REPORTED,
            reported_at=visit.reported_at or datetime.now(UTC),
            contact_id=contact_id or visit.contact_id,
            topics=topics.strip(),
            products_presented=list(dict.fromkeys(products_presented)),
            agreements=agreements.strip(),
            report=report.strip(),
            satisfaction=satisfaction if satisfaction is not None else visit.satisfaction,
            next_visit_on=next_visit_on,
        )
        for follow_up in follow_ups:
            uow.add(
                FollowUp(
                    customer_id=visit.customer_id,
                    owner_id=visit.owner_id,
                    visit_id=visit.id,
                    description=follow_up.description.strip(),
                    due_on=follow_up.due_on,
                )
            )
        if next_visit_on is not None:
            start = datetime.combine(next_visit_on, next_visit_time).astimezone(UTC)
            uow.add(
                Visit(
                    customer_id=visit.customer_id,
                    owner_id=visit.owner_id,
                    planned_start=start,
                    contact_id=contact_id or visit.contact_id,
                )
            )
        _complete_plan_action(uow, visit)
        uow.commit()
    return visit


def cancel_visit(store: Store, *, actor: Actor, visit_id: str, reason: str = "") -> Visit:
    with transaction(store) as uow:
        visit = _load_visit(uow, actor, visit_id)
        _require_open(visit)
        uow.update(visit, status=VisitStatus.CANCELLED, cancel_reason=reason.strip())
        uow.commit()
    return visit


def reschedule_visit(store: Store, *, actor: Actor, visit_id: str, start: datetime) -> Visit:
    if start.tzinfo is None:
        raise InvalidInput("Geef een tijdstip met tijdzone.", code="naive_datetime", field="start")
    with transaction(store) as uow:
        visit = _load_visit(uow, actor, visit_id)
        _require_open(visit)
        uow.update(visit, planned_start=start)
        uow.commit()
    return visit


def complete_follow_up(store: Store, *, actor: Actor, follow_up_id: str, on: date) -> FollowUp:
    with transaction(store) as uow:
        follow_up = load(uow.session, FollowUp, follow_up_id)
        load_customer(uow.session, actor, follow_up.customer_id)
        uow.update(follow_up, status=FollowUpStatus.DONE, done_on=on)
        uow.commit()
    return follow_up


def reopen_follow_up(store: Store, *, actor: Actor, follow_up_id: str) -> FollowUp:
    """Undo a tick: a follow-up ticked off by mistake (a tap in a moving car) is open again."""
    with transaction(store) as uow:
        follow_up = load(uow.session, FollowUp, follow_up_id)
        load_customer(uow.session, actor, follow_up.customer_id)
        uow.update(follow_up, status=FollowUpStatus.OPEN, done_on=None)
        uow.commit()
    return follow_up


def visits_between(store: Store, *, actor: Actor, start: datetime, end: datetime) -> list[Visit]:
    """The actor's visits that start in [start, end), in time order (for the day view, calendar)."""
    with store.read() as session:
        query = (
            select(Visit)
            .where(Visit.planned_start >= start)
            .where(Visit.planned_start < end)
            .where(Visit.deleted == False)  # noqa: E712
            .order_by(Visit.planned_start)  # type: ignore[arg-type]
        )
        if actor.role is Role.SALESPERSON:
            query = query.where(Visit.owner_id == actor.user_id)
        return list(session.exec(query).all())


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a calendar day in the device's local zone, as UTC instants."""
    start = datetime.combine(day, time.min).astimezone()
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def _load_visit(uow: UnitOfWork, actor: Actor, visit_id: str) -> Visit:
    visit = load(uow.session, Visit, visit_id)
    load_customer(uow.session, actor, visit.customer_id)
    return visit


def _file_memo(uow: UnitOfWork, visit: Visit, memo: Attachment) -> str:
    memo.customer_id = visit.customer_id
    memo.record_collection = Visit.collection
    memo.record_id = visit.id
    uow.add(memo)
    return memo.id


def _require_open(visit: Visit) -> None:
    if visit.status in (VisitStatus.REPORTED, VisitStatus.CANCELLED):
        raise InvalidState("Dit bezoek is al afgerond of geannuleerd.", code="visit_closed")


def _check_score(satisfaction: int | None) -> None:
    if satisfaction is not None and not 1 <= satisfaction <= 5:
        raise InvalidInput(
            "De klanttevredenheid is een cijfer van 1 tot en met 5.",
            code="invalid_satisfaction",
            field="satisfaction",
        )


def _check_contact(uow: UnitOfWork, contact_id: str | None, customer_id: str) -> None:
    if contact_id is None:
        return
    contact = load(uow.session, Contact, contact_id)
    if contact.customer_id != customer_id:
        raise InvalidInput(
            "Deze contactpersoon hoort bij een andere klant.", code="contact_other_customer"
        )


def _complete_plan_action(uow: UnitOfWork, visit: Visit) -> None:
    """A reported visit that executes an account-plan action marks that action done."""
    if visit.plan_action_id is None:
        return
    action = uow.session.get(PlanAction, visit.plan_action_id)
    if action is not None and not action.deleted and action.status is ActionStatus.OPEN:
        done_on = (visit.reported_at or datetime.now(UTC)).astimezone().date()
        uow.update(action, status=ActionStatus.DONE, done_on=done_on)
