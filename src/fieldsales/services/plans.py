"""Account plans: drafting, goals and actions, submission as numbered versions, the manager's
decision, revision, and execution (actions become planned visits).

Who may do what in which state is ``domain.plan_workflow``'s rule; this module adds what a plan
must hold to be worth deciding on (at least one measurable goal), the checks of a goal's and an
action's input (errors name their field, so the app shows them there), and who executes an
approved plan: the salesperson of the customer, not the manager who approved it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from fieldsales.domain import plan_workflow
from fieldsales.domain.enums import ActionKind, ActionStatus, GoalKind, PlanDecision, PlanStatus
from fieldsales.domain.errors import DomainError
from fieldsales.domain.plan_workflow import Actor, PlanState
from fieldsales.records import (
    AccountPlan,
    AccountPlanVersion,
    Customer,
    PlanAction,
    PlanGoal,
    ProductGroup,
    UserProfile,
)
from fieldsales.services.access import load, load_customer
from fieldsales.services.errors import InvalidInput, InvalidState, NotAllowed, from_domain
from fieldsales.services.transaction import transaction
from fieldsales.store import Store, UnitOfWork

PLAN_EDITABLE = frozenset({"analysis", "opportunities", "threats", "target_group_id"})
#: Goals counted in whole units (visits, products); revenue goals are in euros.
COUNT_GOALS = frozenset({GoalKind.VISITS, GoalKind.NEW_PRODUCTS})
#: Goals that can be narrowed to one product group.
GROUP_GOALS = frozenset({GoalKind.REVENUE, GoalKind.NEW_PRODUCTS})


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
    with transaction(store) as uow:
        plan = _load_editable(uow, actor, plan_id)
        group = _check_goal(uow.session, kind, target_value, description, product_group_id)
        goal = PlanGoal(
            plan_id=plan.id,
            customer_id=plan.customer_id,
            kind=kind,
            target_value=target_value,
            description=description.strip(),
            product_group_id=group,
        )
        uow.add(goal)
        uow.commit()
    return goal


def update_goal(
    store: Store,
    *,
    actor: Actor,
    goal_id: str,
    kind: GoalKind,
    target_value: Decimal,
    description: str = "",
    product_group_id: str | None = None,
) -> PlanGoal:
    """Change a goal in place: the next version shows it as changed, not as removed and new."""
    with transaction(store) as uow:
        goal = load(uow.session, PlanGoal, goal_id)
        _load_editable(uow, actor, goal.plan_id)
        group = _check_goal(uow.session, kind, target_value, description, product_group_id)
        uow.update(
            goal,
            kind=kind,
            target_value=target_value,
            description=description.strip(),
            product_group_id=group,
        )
        uow.commit()
    return goal


def remove_goal(store: Store, *, actor: Actor, goal_id: str) -> None:
    _remove_item(store, actor, PlanGoal, goal_id)


def add_action(
    store: Store,
    *,
    actor: Actor,
    plan_id: str,
    kind: ActionKind,
    description: str,
    due_on: date | None = None,
) -> PlanAction:
    with transaction(store) as uow:
        plan = _load_editable(uow, actor, plan_id)
        _check_action(plan, description, due_on)
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


def update_action(
    store: Store,
    *,
    actor: Actor,
    action_id: str,
    kind: ActionKind,
    description: str,
    due_on: date | None = None,
) -> PlanAction:
    with transaction(store) as uow:
        action = load(uow.session, PlanAction, action_id)
        plan = _load_editable(uow, actor, action.plan_id)
        _check_action(plan, description, due_on)
        uow.update(action, kind=kind, description=description.strip(), due_on=due_on)
        uow.commit()
    return action


def remove_action(store: Store, *, actor: Actor, action_id: str) -> None:
    _remove_item(store, actor, PlanAction, action_id)


def _remove_item(
    store: Store, actor: Actor, cls: type[PlanGoal] | type[PlanAction], item_id: str
) -> None:
    """A goal or action leaves a plan that may still be edited (a tombstone, so it syncs)."""
    with transaction(store) as uow:
        item = load(uow.session, cls, item_id)
        _load_editable(uow, actor, item.plan_id)
        uow.delete(item)
        uow.commit()


def may_execute(actor: Actor, plan: AccountPlan, customer: Customer) -> bool:
    """Executing a plan (ticking off its actions) is the work of the customer's salesperson
    or the plan's author, not of the manager who decided on it."""
    return actor.user_id in (plan.owner_id, customer.owner_id)


def complete_action(store: Store, *, actor: Actor, action_id: str, on: date) -> PlanAction:
    """Executing the plan: allowed whatever the plan's status, by the customer's salesperson
    (or the plan's author)."""
    with transaction(store) as uow:
        action = _load_executable(uow, actor, action_id)
        if action.status is not ActionStatus.OPEN:
            raise InvalidState("Deze actie is al afgerond.", code="action_closed")
        uow.update(action, status=ActionStatus.DONE, done_on=on)
        uow.commit()
    return action


def reopen_action(store: Store, *, actor: Actor, action_id: str) -> PlanAction:
    """Undo a tick (a mis-tap between two visits): the action is open again."""
    with transaction(store) as uow:
        action = _load_executable(uow, actor, action_id)
        if action.status is not ActionStatus.DONE:
            raise InvalidState("Deze actie staat nog open.", code="action_open")
        uow.update(action, status=ActionStatus.OPEN, done_on=None)
        uow.commit()
    return action


def submit_plan(store: Store, *, actor: Actor, plan_id: str) -> AccountPlanVersion:
    """Submit for approval: the plan as it is now is frozen as the next numbered version."""
    with transaction(store) as uow:
        plan = load(uow.session, AccountPlan, plan_id)
        load_customer(uow.session, actor, plan.customer_id)
        new_state = _step(plan_workflow.submit, plan_state(uow.session, plan), actor)
        if not _live_goals(uow.session, plan.id):
            raise InvalidInput(
                "Leg minstens één meetbare doelstelling vast voordat u het plan indient.",
                code="plan_without_goals",
                field="goals",
            )
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
        # The last decision (``decided_*``, ``manager_comment``) stays as it is: only the
        # server's decision path writes those fields and it refuses a push that changes them,
        # so clearing them here would get a resubmission refused. The plan's status says the
        # decision is about an earlier version; its copy keeps the decision.
        uow.update(
            plan,
            status=new_state.status,
            current_version=new_state.current_version,
            submitted_at=now,
        )
        uow.commit()
    return version


def check_decision(
    store: Store, *, actor: Actor, plan_id: str, approve: bool, comment: str = ""
) -> None:
    """The rules of ``decide_plan`` without writing: a manager's app asks the server to decide
    (``sync.decisions``), after this refuses what the server would refuse too, offline."""
    with store.read() as session:
        plan = load(session, AccountPlan, plan_id)
        step = plan_workflow.approve if approve else plan_workflow.reject
        _step(step, plan_state(session, plan), actor, comment=comment)


def decide_plan(
    store: Store, *, actor: Actor, plan_id: str, approve: bool, comment: str = ""
) -> AccountPlan:
    """The manager's decision on the submitted version; a rejection needs a comment."""
    with transaction(store) as uow:
        plan = load(uow.session, AccountPlan, plan_id)
        if approve:
            new_state = _step(
                plan_workflow.approve, plan_state(uow.session, plan), actor, comment=comment
            )
        else:
            new_state = _step(
                plan_workflow.reject, plan_state(uow.session, plan), actor, comment=comment
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
        new_state = _step(plan_workflow.revise, plan_state(uow.session, plan), actor)
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
    return snapshot_of(uow.session, plan)


def snapshot_of(session: Session, plan: AccountPlan) -> dict[str, Any]:
    """``plan_snapshot`` in any session: a read one shows the draft as it would be submitted."""
    actions = session.exec(
        select(PlanAction).where(PlanAction.plan_id == plan.id).where(PlanAction.deleted == False)  # noqa: E712
    ).all()
    return {
        "year": plan.year,
        "target_group_id": plan.target_group_id,
        "analysis": plan.analysis,
        "opportunities": plan.opportunities,
        "threats": plan.threats,
        "goals": [
            {"id": g.id, **_without_meta(g.to_wire())} for g in _live_goals(session, plan.id)
        ],
        "actions": [{"id": a.id, **_without_meta(a.to_wire())} for a in actions],
    }


def _live_goals(session: Session, plan_id: str) -> list[PlanGoal]:
    query = select(PlanGoal).where(PlanGoal.plan_id == plan_id).where(PlanGoal.deleted == False)  # noqa: E712
    return list(session.exec(query).all())


def _without_meta(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("created_at", "updated_at")}


def plan_state(session: Session, plan: AccountPlan) -> PlanState:
    """The plan as the workflow sees it; the author's team comes from the team directory."""
    author = session.exec(select(UserProfile).where(UserProfile.id == plan.owner_id)).first()
    return state_of(plan, author)


def state_of(plan: AccountPlan, author: UserProfile | None) -> PlanState:
    """``plan_state`` with the author's profile at hand (None: not in the team directory, so no
    manager may decide: the workflow fails closed)."""
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
    if not plan_workflow.can_edit(plan_state(uow.session, plan), actor):
        if plan.status is not PlanStatus.DRAFT:
            raise InvalidState(
                "Dit plan is ingediend of besloten; herzie het eerst om het te wijzigen.",
                code="plan_not_editable",
            )
        raise NotAllowed("Alleen de auteur kan dit plan wijzigen.", code="plan_not_author")
    return plan


def _load_executable(uow: UnitOfWork, actor: Actor, action_id: str) -> PlanAction:
    action = load(uow.session, PlanAction, action_id)
    customer = load_customer(uow.session, actor, action.customer_id)
    plan = load(uow.session, AccountPlan, action.plan_id)
    if not may_execute(actor, plan, customer):
        raise NotAllowed(
            "Alleen de verkoper van deze klant voert de acties van het plan uit.",
            code="action_not_executor",
        )
    return action


def _check_goal(
    session: Session,
    kind: GoalKind,
    target_value: Decimal,
    description: str,
    product_group_id: str | None,
) -> str | None:
    """Refuse a goal that cannot be measured; returns the product group to keep (None for
    kinds that are not per product group)."""
    if target_value < 0:
        raise InvalidInput(
            "Een doel kan niet negatief zijn.", code="negative_goal", field="target_value"
        )
    if kind is GoalKind.OTHER:
        if not description.strip():
            raise InvalidInput(
                "Beschrijf wat u met dit doel wilt bereiken.",
                code="goal_description_required",
                field="description",
            )
    elif target_value == 0:
        raise InvalidInput(
            "Geef een doel groter dan nul: een doel van nul is niet te meten.",
            code="goal_zero",
            field="target_value",
        )
    if kind in COUNT_GOALS and target_value != target_value.to_integral_value():
        raise InvalidInput(
            "Dit doel is een aantal: geef een heel getal.",
            code="goal_not_whole",
            field="target_value",
        )
    if kind not in GROUP_GOALS or not product_group_id:
        return None
    group = session.get(ProductGroup, product_group_id)
    if group is None or group.deleted:
        raise InvalidInput(
            "Deze productgroep bestaat niet (meer); kies een andere.",
            code="unknown_product_group",
            field="product_group_id",
        )
    return group.id


def _check_action(plan: AccountPlan, description: str, due_on: date | None) -> None:
    if not description.strip():
        raise InvalidInput(
            "Een actie heeft een omschrijving nodig.", code="action_empty", field="description"
        )
    # The plan covers its year; work on it may start in the last months of the year before.
    if due_on is not None and not date(plan.year - 1, 1, 1) <= due_on <= date(plan.year, 12, 31):
        raise InvalidInput(
            f"Kies een datum in {plan.year - 1} of {plan.year}: dit is het plan voor {plan.year}.",
            code="action_outside_plan_year",
            field="due_on",
        )
