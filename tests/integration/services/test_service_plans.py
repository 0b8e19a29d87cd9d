from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select

from fieldsales.domain.enums import ActionKind, GoalKind, PlanDecision, PlanStatus
from fieldsales.records import AccountPlan, AccountPlanVersion
from fieldsales.services import customers, plans
from fieldsales.services.errors import InvalidInput, InvalidState, NotAllowed


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


def test_nobody_approves_their_own_plan(store, manager):
    customer = customers.create_customer(store, actor=manager, name="Eigen klant manager")
    own = plans.create_plan(store, actor=manager, customer_id=customer.id, year=2027)
    plans.submit_plan(store, actor=manager, plan_id=own.id)
    with pytest.raises(NotAllowed):
        plans.decide_plan(store, actor=manager, plan_id=own.id, approve=True)


def test_salesperson_cannot_decide_and_one_plan_per_year(store, seller, other_seller, plan):
    plans.submit_plan(store, actor=seller, plan_id=plan.id)
    with pytest.raises(NotAllowed):
        plans.decide_plan(store, actor=other_seller, plan_id=plan.id, approve=True)
    with pytest.raises(InvalidState):
        plans.create_plan(store, actor=seller, customer_id=plan.customer_id, year=2027)
