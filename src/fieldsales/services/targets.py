"""Sales targets and the causes a salesperson records for a deviation from them."""

from __future__ import annotations

from datetime import date

from fieldsales.domain.enums import DeviationCauseKind, Role
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import DeviationCause, SalesTarget
from fieldsales.services.access import load_customer
from fieldsales.services.errors import InvalidInput, NotAllowed
from fieldsales.services.transaction import transaction
from fieldsales.store import Store


def set_target(
    store: Store,
    *,
    actor: Actor,
    owner_id: str,
    period_start: date,
    period_end: date,
    revenue_target_cents: int,
    customer_id: str | None = None,
    product_group_id: str | None = None,
) -> SalesTarget:
    """Targets are set by the manager (or an admin) for a salesperson."""
    if actor.role is Role.SALESPERSON:
        raise NotAllowed("Alleen een leidinggevende stelt targets vast.", code="targets_by_manager")
    _check_period(period_start, period_end)
    if revenue_target_cents < 0:
        raise InvalidInput("Een target kan niet negatief zijn.", code="negative_target")
    target = SalesTarget(
        owner_id=owner_id,
        period_start=period_start,
        period_end=period_end,
        customer_id=customer_id,
        product_group_id=product_group_id,
        revenue_target_cents=revenue_target_cents,
    )
    with transaction(store) as uow:
        uow.add(target)
        uow.commit()
    return target


def record_deviation_cause(
    store: Store,
    *,
    actor: Actor,
    period_start: date,
    period_end: date,
    cause: DeviationCauseKind,
    note: str = "",
    customer_id: str | None = None,
    product_group_id: str | None = None,
    amount_cents: int | None = None,
) -> DeviationCause:
    """Why results deviate from target (lost customer, price pressure, ...); reports carry it."""
    _check_period(period_start, period_end)
    record = DeviationCause(
        owner_id=actor.user_id,
        period_start=period_start,
        period_end=period_end,
        customer_id=customer_id,
        product_group_id=product_group_id,
        cause=cause,
        note=note.strip(),
        amount_cents=amount_cents,
    )
    with transaction(store) as uow:
        if customer_id is not None:
            load_customer(uow.session, actor, customer_id)
        uow.add(record)
        uow.commit()
    return record


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput("De periode eindigt vóór het begin.", code="invalid_period")
