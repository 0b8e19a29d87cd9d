from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from fieldsales.domain.enums import ActionKind, ActionStatus, GoalKind, PlanDecision, PlanStatus
from fieldsales.domain.plan_workflow import compare_versions
from fieldsales.records import AccountPlan, AccountPlanVersion, PlanAction
from fieldsales.services import customers, plans
from fieldsales.services.errors import InvalidInput, InvalidState, NotAllowed
from fieldsales.store.queries import count_pending, pending_mutations


@pytest.fixture
def plan(store, seller):
    customer = customers.create_customer(store, actor=seller, name="Groothandel Noord")
    return plans.create_plan(store, actor=seller, customer_id=customer.id, year=2027)


def test_reject_revise_resubmit_approve_keeps_every_version(store, seller, manager, plan):
    plans.update_plan(store, actor=seller, plan_id=plan.id, analysis="Groeiende klant")
    plans.add_goal(
        store, actor=seller, plan_id=plan.id, kind=GoalKind.REVENUE, target_value=Decimal(50000)
    )
    first = plans.submit_plan(store, actor=seller, plan_id=plan.id)
    assert first.number == 1
    assert first.content["analysis"] == "Groeiende klant"
    assert len(first.content["goals"]) == 1

    with pytest.raises(InvalidState):  # submitted: frozen until decided
        plans.update_plan(store, actor=seller, plan_id=plan.id, analysis="stiekem")
    with pytest.raises(InvalidInput):  # a rejection needs a reason
        plans.decide_plan(store, actor=manager, plan_id=plan.id, approve=False, comment=" ")
    plans.decide_plan(store, actor=manager, plan_id=plan.id, approve=False, comment="Doel te laag")

    plans.revise_plan(store, actor=seller, plan_id=plan.id)
    plans.add_action(
        store, actor=seller, plan_id=plan.id, kind=ActionKind.VISIT, description="Demodag"
    )
    second = plans.submit_plan(store, actor=seller, plan_id=plan.id)
    assert second.number == 2
    assert len(second.content["actions"]) == 1
    plans.decide_plan(store, actor=manager, plan_id=plan.id, approve=True)

    with store.read() as session:
        stored = session.get(AccountPlan, plan.id)
        assert stored is not None
        assert stored.status is PlanStatus.APPROVED
        assert stored.current_version == 2
        versions = session.exec(
            select(AccountPlanVersion).order_by(AccountPlanVersion.number)  # type: ignore[arg-type]
        ).all()
    assert [(v.number, v.decision, v.manager_comment) for v in versions] == [
        (1, PlanDecision.REJECTED, "Doel te laag"),
        (2, PlanDecision.APPROVED, ""),
    ]
    assert [v.number for v in plans.plan_versions(store, actor=seller, plan_id=plan.id)] == [1, 2]


def with_goal(store, actor, plan_id):
    return plans.add_goal(
        store, actor=actor, plan_id=plan_id, kind=GoalKind.VISITS, target_value=Decimal(6)
    )


def test_nobody_approves_their_own_plan(store, manager):
    customer = customers.create_customer(store, actor=manager, name="Eigen klant manager")
    own = plans.create_plan(store, actor=manager, customer_id=customer.id, year=2027)
    with_goal(store, manager, own.id)
    plans.submit_plan(store, actor=manager, plan_id=own.id)
    with pytest.raises(NotAllowed):
        plans.decide_plan(store, actor=manager, plan_id=own.id, approve=True)


def test_salesperson_cannot_decide_and_one_plan_per_year(store, seller, other_seller, plan):
    with_goal(store, seller, plan.id)
    plans.submit_plan(store, actor=seller, plan_id=plan.id)
    with pytest.raises(NotAllowed):
        plans.decide_plan(store, actor=other_seller, plan_id=plan.id, approve=True)
    with pytest.raises(InvalidState):
        plans.create_plan(store, actor=seller, customer_id=plan.customer_id, year=2027)


def test_a_plan_without_a_goal_is_not_submitted(store, seller, plan):
    with pytest.raises(InvalidInput) as refused:
        plans.submit_plan(store, actor=seller, plan_id=plan.id)
    assert (refused.value.code, refused.value.field) == ("plan_without_goals", "goals")
    assert plans.plan_versions(store, actor=seller, plan_id=plan.id) == []


@pytest.mark.parametrize(
    ("kind", "value", "description", "code", "field"),
    [
        (GoalKind.REVENUE, Decimal(-1), "", "negative_goal", "target_value"),
        (GoalKind.REVENUE, Decimal(0), "", "goal_zero", "target_value"),
        (GoalKind.VISITS, Decimal("2.5"), "", "goal_not_whole", "target_value"),
        (GoalKind.OTHER, Decimal(0), " ", "goal_description_required", "description"),
    ],
)
def test_unmeasurable_goals_are_refused_at_their_field(
    store, seller, plan, kind, value, description, code, field
):
    with pytest.raises(InvalidInput) as refused:
        plans.add_goal(
            store,
            actor=seller,
            plan_id=plan.id,
            kind=kind,
            target_value=value,
            description=description,
        )
    assert (refused.value.code, refused.value.field) == (code, field)


def test_a_goal_changed_in_place_compares_as_a_change(store, seller, manager, plan):
    goal = plans.add_goal(
        store, actor=seller, plan_id=plan.id, kind=GoalKind.REVENUE, target_value=Decimal(40000)
    )
    plans.submit_plan(store, actor=seller, plan_id=plan.id)
    with pytest.raises(InvalidState):  # frozen while submitted
        plans.update_goal(
            store, actor=seller, goal_id=goal.id, kind=GoalKind.REVENUE, target_value=Decimal(1)
        )
    plans.decide_plan(store, actor=manager, plan_id=plan.id, approve=False, comment="Te laag")
    plans.revise_plan(store, actor=seller, plan_id=plan.id)
    plans.update_goal(
        store, actor=seller, goal_id=goal.id, kind=GoalKind.REVENUE, target_value=Decimal(50000)
    )
    plans.submit_plan(store, actor=seller, plan_id=plan.id)
    first, second = plans.plan_versions(store, actor=seller, plan_id=plan.id)
    [change] = compare_versions(first.content, second.content, ignore=("updated_at",))
    assert (change.section, change.item_id, change.field, change.kind) == (
        "goals",
        goal.id,
        "target_value",
        "changed",
    )
    assert (change.old, change.new) == ("40000", "50000")


def test_actions_are_edited_removed_and_kept_within_the_plan_years(store, seller, plan):
    action = plans.add_action(
        store, actor=seller, plan_id=plan.id, kind=ActionKind.CALL, description="Bellen"
    )
    with pytest.raises(InvalidInput) as refused:
        plans.add_action(
            store,
            actor=seller,
            plan_id=plan.id,
            kind=ActionKind.VISIT,
            description="Te laat",
            due_on=date(2028, 1, 3),
        )
    assert refused.value.field == "due_on"
    plans.update_action(
        store,
        actor=seller,
        action_id=action.id,
        kind=ActionKind.VISIT,
        description="Demodag",
        due_on=date(2026, 12, 1),  # the last months of the year before are part of the plan
    )
    plans.remove_action(store, actor=seller, action_id=action.id)
    with store.read() as session:
        stored = session.get(PlanAction, action.id)
        assert stored is not None
        assert (stored.deleted, stored.kind, stored.description) == (
            True,
            ActionKind.VISIT,
            "Demodag",
        )


def test_actions_are_ticked_off_and_reopened_by_the_salesperson_only(store, seller, manager, plan):
    action = plans.add_action(
        store, actor=seller, plan_id=plan.id, kind=ActionKind.CALL, description="Bellen"
    )
    with pytest.raises(NotAllowed):
        plans.complete_action(store, actor=manager, action_id=action.id, on=date(2027, 1, 5))
    done = plans.complete_action(store, actor=seller, action_id=action.id, on=date(2027, 1, 5))
    assert (done.status, done.done_on) == (ActionStatus.DONE, date(2027, 1, 5))
    with pytest.raises(InvalidState):
        plans.complete_action(store, actor=seller, action_id=action.id, on=date(2027, 1, 6))
    reopened = plans.reopen_action(store, actor=seller, action_id=action.id)
    assert (reopened.status, reopened.done_on) == (ActionStatus.OPEN, None)


def test_a_resubmission_pushes_only_what_the_server_lets_a_device_change(
    store, seller, manager, plan
):
    """The server refuses a push that touches the decision fields (``scope.PROTECTED_FIELDS``):
    resubmitting after a rejection must leave them to the server."""
    with_goal(store, seller, plan.id)
    plans.submit_plan(store, actor=seller, plan_id=plan.id)
    plans.decide_plan(store, actor=manager, plan_id=plan.id, approve=False, comment="Te vaag")
    plans.revise_plan(store, actor=seller, plan_id=plan.id)
    with store.read() as session:
        before = count_pending(session)
    plans.submit_plan(store, actor=seller, plan_id=plan.id)
    with store.read() as session:
        pushed = pending_mutations(session, limit=1000, after_mid=0)[before:]
    [plan_change] = [m for m in pushed if m.collection == "account_plans"]
    assert set(plan_change.fields) <= {"status", "current_version", "submitted_at", "updated_at"}
    assert plan_change.fields["status"] == "submitted"
