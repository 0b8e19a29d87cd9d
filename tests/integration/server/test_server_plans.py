"""Account plans: submitting by push, deciding by a manager, and what nobody may do."""

from __future__ import annotations

from typing import Any

import pytest
from server_support import World, customer_fields

from fieldsales.domain.ids import new_id


def submitted_plan(world: World) -> dict[str, str]:
    """Alice's customer with a plan she submitted as version 1 (with its frozen copy)."""
    alice = world.alice
    customer, plan, copy = new_id(), new_id(), new_id()
    body = alice.push(
        alice.mutation("customers", customer, customer_fields(alice.id)),
        alice.mutation(
            "account_plans",
            plan,
            {"customer_id": customer, "owner_id": alice.id, "year": 2026, "analysis": "Groei"},
        ),
        alice.mutation(
            "account_plans",
            plan,
            {"status": "submitted", "current_version": 1, "submitted_at": "2026-01-05T10:00:00Z"},
            base_version=None,
        ),
        alice.mutation(
            "account_plan_versions",
            copy,
            {
                "plan_id": plan,
                "customer_id": customer,
                "number": 1,
                "content": {"analysis": "Groei"},
                "submitted_by": alice.id,
            },
        ),
    )
    assert [r["status"] for r in body["results"]] == ["applied"] * 4, body
    return {"customer": customer, "plan": plan, "copy": copy}


def decide(world: World, who: str, plan: str, action: str, comment: str | None = None) -> Any:
    json = {"comment": comment} if comment is not None else None
    return world.backend.client.post(
        f"/plans/{plan}/{action}", json=json, headers=world.users[who].headers
    )


def test_manager_approves_and_the_author_pulls_the_verdict(world: World) -> None:
    ids = submitted_plan(world)
    before = world.alice.pull_all()
    cursor = max(r["version"] for r in before.values())
    response = decide(world, "manny", ids["plan"], "approve", "Prima plan")
    assert response.status_code == 200, response.text
    assert response.json()["data"]["status"] == "approved"

    page = world.alice.pull(cursor)
    changed = {r["id"]: r["data"] for r in page["records"]}
    assert changed[ids["plan"]]["status"] == "approved"
    assert changed[ids["plan"]]["decided_by"] == world.manny.id
    assert changed[ids["plan"]]["manager_comment"] == "Prima plan"
    assert changed[ids["copy"]]["decision"] == "approved"
    assert changed[ids["copy"]]["decided_by"] == world.manny.id


def test_rejection_needs_a_comment_and_is_recorded(world: World) -> None:
    ids = submitted_plan(world)
    empty = decide(world, "manny", ids["plan"], "reject", "  ")
    assert empty.status_code == 422
    assert empty.json()["error"]["code"] == "reject_comment_required"
    missing = decide(world, "manny", ids["plan"], "reject")
    assert missing.status_code == 422
    rejected = decide(world, "manny", ids["plan"], "reject", "Meer over de concurrent")
    assert rejected.status_code == 200
    data = world.alice.pull_all()[ids["copy"]]["data"]
    assert data["decision"] == "rejected"
    assert data["manager_comment"] == "Meer over de concurrent"
    again = decide(world, "manny", ids["plan"], "approve")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "plan_not_submitted"


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("alice", 403, "plan_own_decision"),  # the author
        ("bob", 404, "plan_not_found"),  # a colleague: the plan is outside his scope
        ("otto", 403, "plan_other_team"),  # a manager of another team
    ],
)
def test_who_may_not_decide(world: World, who: str, status: int, code: str) -> None:
    ids = submitted_plan(world)
    for action, comment in (("approve", None), ("reject", "Nee")):
        response = decide(world, who, ids["plan"], action, comment)
        assert response.status_code == status, response.text
        assert response.json()["error"]["code"] == code
    assert world.alice.pull_all()[ids["plan"]]["data"]["status"] == "submitted"


def test_a_manager_cannot_decide_on_their_own_plan(world: World) -> None:
    manny = world.manny
    customer, plan = new_id(), new_id()
    manny.push(
        manny.mutation("customers", customer, customer_fields(manny.id)),
        manny.mutation(
            "account_plans",
            plan,
            {
                "customer_id": customer,
                "owner_id": manny.id,
                "year": 2026,
                "status": "submitted",
                "current_version": 1,
            },
        ),
    )
    response = decide(world, "manny", plan, "approve")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "plan_own_decision"
    assert decide(world, "ada", plan, "approve").status_code == 200  # an admin may


def test_unknown_plan_is_404(world: World) -> None:
    response = decide(world, "manny", new_id(), "approve")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "plan_not_found"


def test_decisions_cannot_be_pushed(world: World) -> None:
    ids = submitted_plan(world)
    alice = world.alice
    for fields in (
        {"status": "approved"},
        {"decided_by": alice.id},
        {"manager_comment": "Zelf goedgekeurd"},
    ):
        result = alice.push_one("account_plans", ids["plan"], fields, base_version=1)
        assert result["status"] == "rejected", fields
        assert result["code"] == "decision_required", result
    copy = alice.push_one("account_plan_versions", ids["copy"], {"decision": "approved"})
    assert copy["code"] == "decision_required"
    new_plan = alice.push_one(
        "account_plans",
        new_id(),
        {"customer_id": ids["customer"], "owner_id": alice.id, "year": 2027, "status": "approved"},
    )
    assert new_plan["code"] == "decision_required"


def test_the_workflow_holds_for_pushes(world: World) -> None:
    ids = submitted_plan(world)
    alice = world.alice
    locked = alice.push_one("account_plans", ids["plan"], {"analysis": "Stiekem"}, base_version=1)
    assert locked["code"] == "plan_not_editable"
    skip = alice.push_one(
        "account_plans", ids["plan"], {"status": "draft", "current_version": 1}, base_version=1
    )
    assert skip["code"] == "plan_not_revisable"
    assert decide(world, "manny", ids["plan"], "reject", "Beter onderbouwen").status_code == 200
    revised = alice.push_one("account_plans", ids["plan"], {"status": "draft"}, base_version=1)
    # Alice had not pulled the rejection: her revise overwrites it, and she is told what it was.
    assert revised["status"] == "conflict", revised
    assert [(c["field"], c["losing_value"]) for c in revised["conflicts"]] == [
        ("status", "rejected")
    ]
    base = revised["version"]
    edited = alice.push_one(
        "account_plans", ids["plan"], {"analysis": "Onderbouwd"}, base_version=base
    )
    assert edited["status"] == "applied"
    wrong_number = alice.push_one(
        "account_plans",
        ids["plan"],
        {"status": "submitted", "current_version": 5},
        base_version=edited["version"],
    )
    assert wrong_number["code"] == "invalid_transition"
    resubmitted = alice.push_one(
        "account_plans",
        ids["plan"],
        {"status": "submitted", "current_version": 2},
        base_version=edited["version"],
    )
    assert resubmitted["status"] == "applied"
    bob_submits = world.bob.push_one(
        "account_plans", ids["plan"], {"status": "draft", "current_version": 2}
    )
    assert bob_submits["code"] == "forbidden"
