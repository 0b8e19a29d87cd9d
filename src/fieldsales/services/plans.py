"""Account plans: drafting, goals and actions, submission as numbered versions, the manager's
decision, revision, and execution (actions become planned visits)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from fieldsales.domain import plan_workflow
from fieldsales.domain.enums import ActionKind, ActionStatus, GoalKind, PlanDecision, PlanStatus
from fieldsales.domain.errors import DomainError
from fieldsales.domain.plan_workflow import Actor, PlanState
from fieldsales.records import AccountPlan, AccountPlanVersion, PlanAction, PlanGoal, UserProfile
from fieldsales.services.access import load, load_customer
from fieldsales.services.errors import InvalidInput, InvalidState, NotAllowed, from_domain
from fieldsales.services.transaction import transaction
from fieldsales.store import Store, UnitOfWork

PLAN_EDITABLE = frozenset({"analysis", "opportunities", "threats", "target_group_id"})


def create_plan(store: Store, *, actor: Actor, customer_id: str, year: int) -> AccountPlan:
    """One plan per customer per year, opened as a draft in the customer's target group."""
    with transaction(store) as uow:
        customer = load_customer(uow.session, actor, customer_id)
        existing = uow.session.exec(
            select(AccountPlan)
            .where(AccountPlan.customer_id == customer_id)
            .where(AccountPlan.year == year)
            .where(AccountPlan.deleted == False)  # noqa: E712
        ).first()
        if existing is not None:
            raise InvalidState(
                f"Er is al een accountplan {year} voor deze klant.", code="plan_exists"
            )
        plan = AccountPlan(
            customer_id=customer.id,
            owner_id=actor.user_id,
            year=year,
            target_group_id=customer.target_group_id,
        )
        uow.add(plan)
        uow.commit()
    return plan


def update_plan(store: Store, *, actor: Actor, plan_id: str, **changes: Any) -> AccountPlan:
    unknown = set(changes) - PLAN_EDITABLE
    if unknown:
        raise InvalidInput(f"Onbekend veld: {', '.join(sorted(unknown))}.", code="unknown_field")
    with transaction(store) as uow:
        plan = _load_editable(uow, actor, plan_id)
        uow.update(plan, **{k: v.strip() if isinstance(v, str) else v for k, v in changes.items()})
        uow.commit()
    return plan


def add_goal(
    store: Store,
    *,
    actor: Actor,
    plan_id: str,
    kind: GoalKind,
    target_value: Decimal,
    description: str = "",
    product_group_id: str | None = None,
) -> PlanGoal:
    if target_value < 0:
        raise InvalidInput("Een doel kan niet negatief zijn.", code="negative_goal")
    with transaction(store) as uow:
        plan = _load_editable(uow, actor, plan_id)
        goal = PlanGoal(
            plan_id=plan.id,
            customer_id=plan.customer_id,
            kind=kind,
            target_value=target_value,
            description=description.strip(),
            product_group_id=product_group_id,
        )
        uow.add(goal)
        uow.commit()
    return goal


def remove_goal(store: Store, *, actor: Actor, goal_id: str) -> None:
    with transaction(store) as uow:
        goal = load(uow.session, PlanGoal, goal_id)
        _load_editable(uow, actor, goal.plan_id)
        uow.delete(goal)
        uow.commit()


def add_action(
    store: Store,
    *,
    actor: Actor,
    plan_id: str,
    kind: ActionKind,
    description: str,
    due_on: date | None = None,
) -> PlanAction:
    if not description.strip():
        raise InvalidInput("Een actie heeft een omschrijving nodig.", code="action_empty")
    with transaction(store) as uow:
        plan = _load_editable(uow, actor, plan_id)
        action = PlanAction(
            plan_id=plan.id,
            customer_id=plan.customer_id,
            kind=kind,
            description=description.strip(),
            due_on=due_on,
        )
        uow.add(action)
        uow.commit()
    return action


def complete_action(store: Store, *, actor: Actor, action_id: str, on: date) -> PlanAction:
    """Executing the plan: allowed whatever the plan's status, by whoever owns the customer."""
    with transaction(store) as uow:
        action = load(uow.session, PlanAction, action_id)
        load_customer(uow.session, actor, action.customer_id)
        if action.status is not ActionStatus.OPEN:
            raise InvalidState("Deze actie is al afgerond.", code="action_closed")
        uow.update(action, status=ActionStatus.DONE, done_on=on)
        uow.commit()
    return action


def submit_plan(store: Store, *, actor: Actor, plan_id: str) -> AccountPlanVersion:
    """Submit for approval: the plan as it is now is frozen as the next numbered version."""
    with transaction(store) as uow:
        plan = load(uow.session, AccountPlan, plan_id)
        load_customer(uow.session, actor, plan.customer_id)
        new_state = _step(plan_workflow.submit, _state(uow.session, plan), actor)
        now = datetime.now(UTC)
        version = AccountPlanVersion(
            plan_id=plan.id,
            customer_id=plan.customer_id,
            number=new_state.current_version,
            content=plan_snapshot(uow, plan),
            submitted_at=now,
            submitted_by=actor.user_id,
        )
        uow.add(version)
        uow.update(
            plan,
            status=new_state.status,
            current_version=new_state.current_version,
            submitted_at=now,
            decided_at=None,
            decided_by=None,
            manager_comment="",
        )
        uow.commit()
    return version


def decide_plan(
    store: Store, *, actor: Actor, plan_id: str, approve: bool, comment: str = ""
) -> AccountPlan:
    """The manager's decision on the submitted version; a rejection needs a comment."""
    with transaction(store) as uow:
        plan = load(uow.session, AccountPlan, plan_id)
        if approve:
            new_state = _step(
                plan_workflow.approve, _state(uow.session, plan), actor, comment=comment
            )
        else:
            new_state = _step(
                plan_workflow.reject, _state(uow.session, plan), actor, comment=comment
            )
        now = datetime.now(UTC)
        uow.update(
            plan,
            status=new_state.status,
            decided_at=now,
            decided_by=actor.user_id,
            manager_comment=comment.strip(),
        )
        version = uow.session.exec(
            select(AccountPlanVersion)
            .where(AccountPlanVersion.plan_id == plan.id)
            .where(AccountPlanVersion.number == plan.current_version)
        ).first()
        if version is not None:
            uow.update(
                version,
                decision=PlanDecision.APPROVED if approve else PlanDecision.REJECTED,
                decided_by=actor.user_id,
                decided_at=now,
                manager_comment=comment.strip(),
            )
        uow.commit()
    return plan


def revise_plan(store: Store, *, actor: Actor, plan_id: str) -> AccountPlan:
    """Back to draft after a rejection, to be resubmitted as the next version."""
    with transaction(store) as uow:
        plan = load(uow.session, AccountPlan, plan_id)
        load_customer(uow.session, actor, plan.customer_id)
        new_state = _step(plan_workflow.revise, _state(uow.session, plan), actor)
        uow.update(plan, status=new_state.status)
        uow.commit()
    return plan


def plan_versions(store: Store, *, actor: Actor, plan_id: str) -> list[AccountPlanVersion]:
    with store.read() as session:
        plan = load(session, AccountPlan, plan_id)
        load_customer(session, actor, plan.customer_id)
        return list(
            session.exec(
                select(AccountPlanVersion)
                .where(AccountPlanVersion.plan_id == plan_id)
                .where(AccountPlanVersion.deleted == False)  # noqa: E712
                .order_by(AccountPlanVersion.number)  # type: ignore[arg-type]
            ).all()
        )


def plan_snapshot(uow: UnitOfWork, plan: AccountPlan) -> dict[str, Any]:
    """What a version freezes: the plan's texts and its live goals and actions."""
    goals = uow.session.exec(
        select(PlanGoal).where(PlanGoal.plan_id == plan.id).where(PlanGoal.deleted == False)  # noqa: E712
    ).all()
    actions = uow.session.exec(
        select(PlanAction).where(PlanAction.plan_id == plan.id).where(PlanAction.deleted == False)  # noqa: E712
    ).all()
    return {
        "year": plan.year,
        "target_group_id": plan.target_group_id,
        "analysis": plan.analysis,
        "opportunities": plan.opportunities,
        "threats": plan.threats,
        "goals": [{"id": g.id, **_without_meta(g.to_wire())} for g in goals],
        "actions": [{"id": a.id, **_without_meta(a.to_wire())} for a in actions],
    }


def _without_meta(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("created_at", "updated_at")}


def _state(session: Session, plan: AccountPlan) -> PlanState:
    """The plan as the workflow sees it; the author's team comes from the team directory."""
    author = session.exec(select(UserProfile).where(UserProfile.id == plan.owner_id)).first()
    return PlanState(
        status=plan.status,
        current_version=plan.current_version,
        owner_id=plan.owner_id,
        owner_team_id=author.team_id if author is not None else None,
    )


def _step(step: Any, state: PlanState, actor: Actor, **kwargs: Any) -> PlanState:
    try:
        result: PlanState = step(state, actor, **kwargs)
    except DomainError as exc:
        raise from_domain(exc) from exc
    return result


def _load_editable(uow: UnitOfWork, actor: Actor, plan_id: str) -> AccountPlan:
    plan = load(uow.session, AccountPlan, plan_id)
    load_customer(uow.session, actor, plan.customer_id)
    if not plan_workflow.can_edit(_state(uow.session, plan), actor):
        if plan.status is not PlanStatus.DRAFT:
            raise InvalidState(
                "Dit plan is ingediend of besloten; herzie het eerst om het te wijzigen.",
                code="plan_not_editable",
            )
        raise NotAllowed("Alleen de auteur kan dit plan wijzigen.", code="plan_not_author")
    return plan
