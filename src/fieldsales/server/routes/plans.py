"""``/plans``: a manager approves or rejects a submitted account plan."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path
from pydantic import BaseModel

from fieldsales.domain.enums import PlanDecision
from fieldsales.server import plans
from fieldsales.server.deps import EngineDep, PrincipalDep
from fieldsales.server.routes.common import error_responses
from fieldsales.sync.protocol import PlanDecisionRequest, WireRecord

router = APIRouter(prefix="/plans", tags=["plans"])

PlanId = Annotated[str, Path(min_length=1, max_length=36)]


class EmptyBody(BaseModel):
    pass


@router.post(
    "/{plan_id}/approve",
    response_model=WireRecord,
    responses=error_responses(401, 403, 404, 409, 422),
)
def approve(
    plan_id: PlanId,
    principal: PrincipalDep,
    engine: EngineDep,
    body: Annotated[PlanDecisionRequest | None, Body()] = None,
) -> WireRecord:
    """Approve a submitted plan (an optional comment); returns the plan as devices will pull it."""
    record = plans.decide(
        engine,
        principal,
        plan_id=plan_id,
        decision=PlanDecision.APPROVED,
        comment=body.comment if body else "",
    )
    return WireRecord(**record)


@router.post(
    "/{plan_id}/reject",
    response_model=WireRecord,
    responses=error_responses(401, 403, 404, 409, 422),
)
def reject(
    plan_id: PlanId, body: PlanDecisionRequest, principal: PrincipalDep, engine: EngineDep
) -> WireRecord:
    """Reject a submitted plan; the comment (required) tells the salesperson what to change."""
    record = plans.decide(
        engine, principal, plan_id=plan_id, decision=PlanDecision.REJECTED, comment=body.comment
    )
    return WireRecord(**record)
