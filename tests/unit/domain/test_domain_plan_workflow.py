from typing import Any

import pytest

from fieldsales.domain.enums import PlanStatus, Role
from fieldsales.domain.errors import InvalidTransition, NotAllowed, ValidationError
from fieldsales.domain.plan_workflow import (
    Actor,
    FieldChange,
    PlanState,
    approve,
    can_decide,
    can_edit,
    can_revise,
    can_submit,
    compare_versions,
    reject,
    revise,
    submit,
)

AUTHOR = Actor("u-anna", Role.SALESPERSON, "team-noord")
COLLEAGUE = Actor("u-bram", Role.SALESPERSON, "team-noord")
MANAGER = Actor("u-mark", Role.MANAGER, "team-noord")
OTHER_MANAGER = Actor("u-olga", Role.MANAGER, "team-zuid")
TEAMLESS_MANAGER = Actor("u-tim", Role.MANAGER, None)
ADMIN = Actor("u-root", Role.ADMIN, None)


def draft(version: int = 0) -> PlanState:
    return PlanState(PlanStatus.DRAFT, version, "u-anna", "team-noord")


def test_full_cycle_reject_revise_resubmit_approve() -> None:
    plan = draft()
    assert can_edit(plan, AUTHOR)
    plan = submit(plan, AUTHOR)
    assert plan == PlanState(PlanStatus.SUBMITTED, 1, "u-anna", "team-noord")
    assert not can_edit(plan, AUTHOR)
    plan = reject(plan, MANAGER, "Omzetdoel productgroep B is te hoog.")
    assert plan.status is PlanStatus.REJECTED
    assert plan.current_version == 1
    assert not can_edit(plan, AUTHOR)  # revise first, so version 1 stays as the manager saw it
    plan = revise(plan, AUTHOR)
    assert plan == PlanState(PlanStatus.DRAFT, 1, "u-anna", "team-noord")
    assert can_edit(plan, AUTHOR)
    plan = submit(plan, AUTHOR)
    assert plan.current_version == 2
    plan = approve(plan, MANAGER)
    assert plan == PlanState(PlanStatus.APPROVED, 2, "u-anna", "team-noord")
    assert not can_edit(plan, AUTHOR)


def test_only_the_author_edits_submits_and_revises() -> None:
    plan = draft()
    for actor in (COLLEAGUE, MANAGER, ADMIN):
        assert not can_edit(plan, actor)
        assert not can_submit(plan, actor)
        with pytest.raises(NotAllowed) as info:
            submit(plan, actor)
        assert info.value.code == "plan_not_author"
        assert "auteur" in info.value.message
    rejected = PlanState(PlanStatus.REJECTED, 1, "u-anna", "team-noord")
    with pytest.raises(NotAllowed):
        revise(rejected, MANAGER)
    assert can_revise(rejected, AUTHOR)
    assert not can_revise(rejected, ADMIN)


def test_who_decides() -> None:
    plan = submit(draft(), AUTHOR)
    assert can_decide(plan, MANAGER)
    assert can_decide(plan, ADMIN)
    assert approve(plan, ADMIN).status is PlanStatus.APPROVED
    cases = [
        (AUTHOR, "plan_own_decision"),
        (COLLEAGUE, "plan_not_manager"),
        (OTHER_MANAGER, "plan_other_team"),
        (TEAMLESS_MANAGER, "plan_not_manager"),
    ]
    for actor, code in cases:
        assert not can_decide(plan, actor)
        with pytest.raises(NotAllowed) as info:
            approve(plan, actor)
        assert info.value.code == code
        with pytest.raises(NotAllowed):
            reject(plan, actor, "nee")


def test_nobody_decides_on_their_own_plan_not_even_a_manager_or_admin() -> None:
    for author in (MANAGER, ADMIN):
        plan = submit(PlanState(PlanStatus.DRAFT, 0, author.user_id, author.team_id), author)
        with pytest.raises(NotAllowed) as info:
            approve(plan, author)
        assert info.value.code == "plan_own_decision"
        with pytest.raises(NotAllowed):
            reject(plan, author, "zelf afgekeurd")


def test_unknown_owner_team_fails_closed_for_managers_only() -> None:
    plan = PlanState(PlanStatus.SUBMITTED, 1, "u-anna")  # owner's team not given
    with pytest.raises(NotAllowed) as info:
        approve(plan, MANAGER)
    assert info.value.code == "plan_other_team"
    assert approve(plan, ADMIN).status is PlanStatus.APPROVED


@pytest.mark.parametrize("comment", ["", "   ", "\n"])
def test_reject_needs_a_comment(comment: str) -> None:
    plan = submit(draft(), AUTHOR)
    with pytest.raises(ValidationError) as info:
        reject(plan, MANAGER, comment)
    assert info.value.code == "reject_comment_required"
    assert info.value.field == "comment"


def test_invalid_transitions() -> None:
    submitted = submit(draft(), AUTHOR)
    approved = approve(submitted, MANAGER)
    with pytest.raises(InvalidTransition) as info:
        approve(draft(), MANAGER)
    assert info.value.code == "plan_not_submitted"
    with pytest.raises(InvalidTransition):
        reject(approved, MANAGER, "te laat")
    with pytest.raises(InvalidTransition):
        approve(approved, MANAGER)
    with pytest.raises(InvalidTransition) as info:
        submit(submitted, AUTHOR)
    assert info.value.code == "plan_not_draft"
    rejected = PlanState(PlanStatus.REJECTED, 1, "u-anna", "team-noord")
    with pytest.raises(InvalidTransition):
        submit(rejected, AUTHOR)  # revise first
    for state in (draft(), submitted):
        with pytest.raises(InvalidTransition) as info:
            revise(state, AUTHOR)
        assert info.value.code == "plan_not_revisable"


def test_author_reopens_an_approved_plan_as_a_new_version() -> None:
    approved = PlanState(PlanStatus.APPROVED, 2, "u-anna", "team-noord")
    assert not can_revise(approved, MANAGER)
    reopened = revise(approved, AUTHOR)
    assert reopened.status is PlanStatus.DRAFT
    assert submit(reopened, AUTHOR).current_version == 3


def snapshot(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "year": 2026,
        "analysis": "Groeiende klant",
        "threats": "Concurrent X",
        "goals": [
            {"id": "g1", "kind": "revenue", "target_value": "50000"},
            {"id": "g2", "kind": "visits", "target_value": "6"},
        ],
        "actions": [{"id": "a1", "description": "Introductie nieuwe lijn", "due_on": "2026-03-01"}],
    }
    base.update(overrides)
    return base


def test_compare_identical_versions() -> None:
    assert compare_versions(snapshot(), snapshot()) == []


def test_compare_versions_top_level_and_items_by_id() -> None:
    old = snapshot()
    new = snapshot(
        analysis="Groeiende klant, nieuwe vestiging",
        opportunities="Tweede vestiging",
        goals=[
            {"id": "g2", "kind": "visits", "target_value": "6"},  # moved, not changed
            {"id": "g1", "kind": "revenue", "target_value": "45000", "product_group_id": "pg"},
            {"id": "g3", "kind": "new_products", "target_value": "2"},
        ],
        actions=[],
    )
    del new["threats"]
    assert compare_versions(old, new) == [
        FieldChange("", None, "analysis", "changed", "Groeiende klant", new["analysis"]),
        FieldChange("", None, "opportunities", "added", None, "Tweede vestiging"),
        FieldChange("", None, "threats", "removed", "Concurrent X", None),
        FieldChange("actions", "a1", None, "removed", old["actions"][0], None),
        FieldChange("goals", "g1", "product_group_id", "added", None, "pg"),
        FieldChange("goals", "g1", "target_value", "changed", "50000", "45000"),
        FieldChange("goals", "g3", None, "added", None, new["goals"][2]),
    ]


def test_compare_versions_ignores_given_keys_and_handles_missing_lists() -> None:
    old = snapshot(goals=[{"id": "g1", "updated_at": "x", "target_value": "1"}])
    new = snapshot(goals=[{"id": "g1", "updated_at": "y", "target_value": "1"}])
    new["saved_at"] = "2026-01-02"
    assert compare_versions(old, new, ignore={"updated_at", "saved_at"}) == []
    no_actions = snapshot()
    del no_actions["actions"]
    changes = compare_versions(no_actions, snapshot())
    assert changes == [FieldChange("actions", "a1", None, "added", None, snapshot()["actions"][0])]
