"""Manager decisions on account plans: approve, or reject with a comment.

A decision changes the plan (status, who decided, when, the comment) and the frozen copy of the
submission it was taken on (``account_plan_versions`` with the plan's ``current_version``), both
through the tenant's version clock so the salesperson's device pulls the verdict. Pushes cannot
set these fields (``scope.PROTECTED_FIELDS``); only this path can.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from fieldsales.domain.enums import PlanDecision, PlanStatus, Role
from fieldsales.records.base import to_wire_value
from fieldsales.server.db import write_transaction
from fieldsales.server.errors import (
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
)
from fieldsales.server.models import records, utcnow
from fieldsales.server.recordstore import StoredRecord
from fieldsales.server.scope import Principal
from fieldsales.server.validation import Rejection
from fieldsales.server.writer import ServerWriter


def check_decision_allowed(principal: Principal, plan: dict[str, Any]) -> None:
    """The rule of who decides: a manager of the tenant, never on a plan they own."""
    if principal.role is not Role.MANAGER:
        raise ForbiddenError("Alleen een manager beslist over accountplannen.", code="manager_only")
    if plan.get("owner_id") == principal.account_id:
        raise ForbiddenError("Je kunt niet over je eigen accountplan beslissen.", code="own_plan")
    if plan.get("status") != PlanStatus.SUBMITTED.value:
        raise ConflictError(
            "Alleen een ingediend accountplan kan worden goedgekeurd of afgewezen.",
            code="invalid_transition",
            details={"status": plan.get("status")},
        )


def decide(
    engine: Engine,
    principal: Principal,
    *,
    plan_id: str,
    decision: PlanDecision,
    comment: str = "",
) -> dict[str, Any]:
    comment = comment.strip()
    if decision is PlanDecision.REJECTED and not comment:
        raise InvalidRequestError(
            "Geef bij een afwijzing aan wat er anders moet.", code="comment_required"
        )
    with write_transaction(engine) as conn:
        writer = ServerWriter(conn, principal.tenant_id)
        plan = writer.get(plan_id)
        if plan is None or plan.collection != "account_plans" or plan.deleted:
            raise NotFoundError("Dit accountplan bestaat niet.", code="plan_not_found")
        if principal.role is not Role.MANAGER and plan.owner_id != principal.account_id:
            # Outsiders learn nothing about whether the plan exists.
            raise NotFoundError("Dit accountplan bestaat niet.", code="plan_not_found")
        check_decision_allowed(principal, plan.data)
        decided_at = to_wire_value(utcnow())
        status = PlanStatus.APPROVED if decision is PlanDecision.APPROVED else PlanStatus.REJECTED
        try:
            updated = writer.upsert(
                "account_plans",
                plan_id,
                {
                    "status": status.value,
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
