"""Manager decisions on account plans: approve, or reject with a comment.

Who may decide, and when, is ``domain.plan_workflow``'s rule (a manager of the author's team or
an admin, never the author, only on a submitted plan, a rejection with a comment). A decision
changes the plan (status, who decided, when, the comment) and the frozen copy of the
submission it was taken on (``account_plan_versions`` with the plan's ``current_version``), both
through the tenant's version clock so the salesperson's device pulls the verdict. Pushes cannot
set these fields (``scope.PROTECTED_FIELDS``); only this path can.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from fieldsales.domain.enums import PlanDecision, PlanStatus, Role
from fieldsales.domain.errors import DomainError
from fieldsales.domain.plan_workflow import Actor, PlanState, approve, reject, revise, submit
from fieldsales.records.base import to_wire_value
from fieldsales.server.db import write_transaction
from fieldsales.server.errors import InvalidRequestError, NotFoundError
from fieldsales.server.models import accounts, records, utcnow
from fieldsales.server.recordstore import StoredRecord
from fieldsales.server.scope import Principal, can_read_owner
from fieldsales.server.validation import Rejection
from fieldsales.server.writer import ServerWriter

#: Plan fields the workflow itself moves; every other field is content, editable only in draft.
WORKFLOW_FIELDS = frozenset({"status", "current_version", "submitted_at", "updated_at"})


def actor(principal: Principal) -> Actor:
    return Actor(user_id=principal.account_id, role=principal.role, team_id=principal.team_id)


def _state(data: dict[str, Any], owner_team_id: str | None = None) -> PlanState:
    return PlanState(
        status=PlanStatus(data.get("status", PlanStatus.DRAFT.value)),
        current_version=int(data.get("current_version") or 0),
        owner_id=str(data.get("owner_id")),
        owner_team_id=owner_team_id,
    )


def check_plan_push(
    principal: Principal,
    old: dict[str, Any] | None,
    new: dict[str, Any],
    changed: set[str],
) -> None:
    """Hold a pushed account plan to the workflow of ``domain.plan_workflow``.

    A device may submit (draft → submitted, as the next version number) and revise (rejected or
    approved → draft), and edit content only in draft; approving and rejecting happen only
    through ``decide``.
    """
    if not changed:
        return
    new_state = _state(new)
    old_state = _state(old) if old is not None else None
    try:
        if old_state is None:
            if new_state.status is PlanStatus.SUBMITTED:
                draft = PlanState(
                    PlanStatus.DRAFT, new_state.current_version - 1, new_state.owner_id
                )
                expected = submit(draft, actor(principal))
            elif new_state.status is PlanStatus.DRAFT:
                return
            else:
                expected = None
        elif new_state.status is old_state.status:
            if old_state.status is not PlanStatus.DRAFT and changed - WORKFLOW_FIELDS:
                raise Rejection(
                    "plan_not_editable",
                    "Een ingediend of beoordeeld accountplan kan niet worden gewijzigd. "
                    "Herzie het eerst.",
                )
            expected = new_state if "current_version" not in changed else None
        elif new_state.status is PlanStatus.SUBMITTED:
            expected = submit(old_state, actor(principal))
        elif new_state.status is PlanStatus.DRAFT:
            expected = revise(old_state, actor(principal))
        else:
            expected = None
    except DomainError as exc:
        raise Rejection(exc.code, exc.message) from exc
    if expected is None or expected.current_version != new_state.current_version:
        raise Rejection(
            "decision_required"
            if new_state.status in (PlanStatus.APPROVED, PlanStatus.REJECTED)
            else "invalid_transition",
            "Over een accountplan beslist een manager, via goedkeuren of afwijzen."
            if new_state.status in (PlanStatus.APPROVED, PlanStatus.REJECTED)
            else "Deze stap past niet bij de status of het versienummer van het accountplan.",
        )


def decide(
    engine: Engine,
    principal: Principal,
    *,
    plan_id: str,
    decision: PlanDecision,
    comment: str = "",
) -> dict[str, Any]:
    """Approve or reject a submitted plan as ``principal``; the rules are the domain's."""
    comment = comment.strip()
    with write_transaction(engine) as conn:
        writer = ServerWriter(conn, principal.tenant_id)
        plan = writer.get(plan_id)
        if (
            plan is None
            or plan.collection != "account_plans"
            or plan.deleted
            or (not can_read_owner(principal, plan.owner_id) and principal.role is not Role.ADMIN)
        ):
            # Outsiders learn nothing about whether the plan exists.
            raise NotFoundError("Dit accountplan bestaat niet.", code="plan_not_found")
        owner_team = conn.execute(
            select(accounts.c.team_id).where(accounts.c.id == plan.data.get("owner_id"))
        ).scalar()
        state = _state(plan.data, owner_team)
        if decision is PlanDecision.APPROVED:
            new_state = approve(state, actor(principal), comment)
        else:
            new_state = reject(state, actor(principal), comment)
        decided_at = to_wire_value(utcnow())
        try:
            updated = writer.upsert(
                "account_plans",
                plan_id,
                {
                    "status": new_state.status.value,
                    "decided_at": decided_at,
                    "decided_by": principal.account_id,
                    "manager_comment": comment,
                },
            )
            snapshot = _submitted_copy(writer, plan)
            if snapshot is not None:
                writer.upsert(
                    "account_plan_versions",
                    snapshot.id,
                    {
                        "decision": decision.value,
                        "decided_at": decided_at,
                        "decided_by": principal.account_id,
                        "manager_comment": comment,
                    },
                )
        except Rejection as exc:
            raise InvalidRequestError(exc.message, code=exc.code, details=exc.details) from exc
        writer.finish()
        return {
            "collection": updated.collection,
            "id": updated.id,
            "version": updated.version,
            "deleted": False,
            "data": updated.data,
        }


def _submitted_copy(writer: ServerWriter, plan: StoredRecord) -> StoredRecord | None:
    number = plan.data.get("current_version")
    candidates = writer.conn.execute(
        select(records.c.id).where(
            records.c.tenant_id == writer.tenant_id,
            records.c.collection == "account_plan_versions",
            records.c.customer_id == plan.customer_id,
            records.c.deleted.is_(False),
        )
    ).scalars()
    ids = list(candidates)
    writer.load(ids)
    for record_id in ids:
        row = writer.rows[record_id]
        if row.data.get("plan_id") == plan.id and row.data.get("number") == number:
            return row
    return None
