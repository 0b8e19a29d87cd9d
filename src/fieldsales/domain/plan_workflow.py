"""The account-plan workflow: who may do what to a plan, in which state.

States and steps::

    draft --submit--> submitted --approve--> approved
                          |                     |
                          +--reject--> rejected |
                                          |     |
    draft <-------------revise------------+-----+

- Only the plan's author (its ``owner_id``, normally a salesperson) edits, submits and revises it.
  Editing is only possible in ``draft``; a rejected plan must be revised (back to ``draft``) first,
  so the rejected version stays exactly as the manager saw it.
- Each submission freezes the plan as the next numbered version (``current_version + 1``); every
  version is kept, so a resubmission after a rejection is version 2, 3, ...
- A manager of the author's team, or an admin, approves or rejects a submitted plan; nobody decides
  on a plan they wrote themselves, whatever their role. A rejection needs a comment, because the
  author has to know what to change.
- An approved plan is read-only. Its author may reopen it with ``revise`` (circumstances change
  during the year: a lost product line, a merger); that makes a new draft which has to be submitted
  and approved again as the next version, while the approved version stays on record. Nobody
  else can reopen it: a manager who disagrees with an approved plan talks to the author.

The manager's team check needs ``PlanState.owner_team_id``. It fails closed: when the author's team
is unknown (None), no manager may decide, only an admin.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from fieldsales.domain.enums import PlanStatus, Role
from fieldsales.domain.errors import DomainError, InvalidTransition, NotAllowed, ValidationError


@dataclass(frozen=True, slots=True)
class Actor:
    """The signed-in user a rule is asked about."""

    user_id: str
    role: Role
    team_id: str | None = None


@dataclass(frozen=True, slots=True)
class PlanState:
    """What the workflow needs of a plan; ``owner_team_id`` is the author's team."""

    status: PlanStatus
    current_version: int
    owner_id: str
    owner_team_id: str | None = None


def _require_author(plan: PlanState, actor: Actor, doing: str) -> None:
    if actor.user_id != plan.owner_id:
        raise NotAllowed(f"Alleen de auteur van het plan kan het {doing}.", code="plan_not_author")


def _require_decider(plan: PlanState, actor: Actor) -> None:
    if actor.user_id == plan.owner_id:
        raise NotAllowed(
            "U kunt niet beslissen over uw eigen accountplan.", code="plan_own_decision"
        )
    if actor.role is Role.ADMIN:
        return
    if actor.role is Role.MANAGER and actor.team_id is not None:
        if actor.team_id == plan.owner_team_id:
            return
        raise NotAllowed(
            "U kunt alleen beslissen over plannen van uw eigen team.", code="plan_other_team"
        )
    raise NotAllowed(
        "Alleen een leidinggevende kan een accountplan goedkeuren of afkeuren.",
        code="plan_not_manager",
    )


def can_edit(plan: PlanState, actor: Actor) -> bool:
    """The author, while the plan is a draft."""
    return actor.user_id == plan.owner_id and plan.status is PlanStatus.DRAFT


def submit(plan: PlanState, actor: Actor) -> PlanState:
    """Draft → submitted, as the next version number."""
    _require_author(plan, actor, "indienen")
    if plan.status is not PlanStatus.DRAFT:
        raise InvalidTransition("Alleen een concept kan worden ingediend.", code="plan_not_draft")
    return PlanState(
        status=PlanStatus.SUBMITTED,
        current_version=plan.current_version + 1,
        owner_id=plan.owner_id,
        owner_team_id=plan.owner_team_id,
    )


def _decide(plan: PlanState, actor: Actor, status: PlanStatus) -> PlanState:
    _require_decider(plan, actor)
    if plan.status is not PlanStatus.SUBMITTED:
        raise InvalidTransition(
            "Over dit plan kan nu niet worden beslist: het is niet ingediend.",
            code="plan_not_submitted",
        )
    return PlanState(
        status=status,
        current_version=plan.current_version,
        owner_id=plan.owner_id,
        owner_team_id=plan.owner_team_id,
    )


def approve(plan: PlanState, actor: Actor, comment: str = "") -> PlanState:
    """Submitted → approved; the comment is optional."""
    return _decide(plan, actor, PlanStatus.APPROVED)


def reject(plan: PlanState, actor: Actor, comment: str) -> PlanState:
    """Submitted → rejected; the author needs to read why, so the comment is required."""
    new_state = _decide(plan, actor, PlanStatus.REJECTED)
    if not comment.strip():
        raise ValidationError(
            "Geef bij afkeuren een toelichting, zodat de verkoper weet wat er moet veranderen.",
            field="comment",
            code="reject_comment_required",
        )
    return new_state


def revise(plan: PlanState, actor: Actor) -> PlanState:
    """Rejected or approved → draft, by the author; the next submission is a new version."""
    _require_author(plan, actor, "herzien")
    if plan.status not in (PlanStatus.REJECTED, PlanStatus.APPROVED):
        raise InvalidTransition(
            "Alleen een afgekeurd of goedgekeurd plan kan worden herzien.",
            code="plan_not_revisable",
        )
    return PlanState(
        status=PlanStatus.DRAFT,
        current_version=plan.current_version,
        owner_id=plan.owner_id,
        owner_team_id=plan.owner_team_id,
    )


def _allowed(step: Callable[..., PlanState], *args: Any) -> bool:
    try:
        step(*args)
    except DomainError:
        return False
    return True


def can_submit(plan: PlanState, actor: Actor) -> bool:
    return _allowed(submit, plan, actor)


def can_decide(plan: PlanState, actor: Actor) -> bool:
    """Whether to show approve/reject at all (a rejection still needs its comment)."""
    return _allowed(approve, plan, actor)


def can_revise(plan: PlanState, actor: Actor) -> bool:
    return _allowed(revise, plan, actor)


# --- comparing versions ---------------------------------------------------------------------

ChangeKind = Literal["added", "removed", "changed"]


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One difference between two version snapshots.

    ``section`` is ``""`` for a top-level field of the plan, else the name of the list (``goals``,
    ``actions``). For list items, ``item_id`` names the item; ``field`` is None when the whole
    item was added or removed (``old``/``new`` then hold the item), else the field that changed.
    """

    section: str
    item_id: str | None
    field: str | None
    kind: ChangeKind
    old: Any = None
    new: Any = None


def _is_item_list(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(item, Mapping) and "id" in item for item in value
    )


def _diff_items(
    section: str, old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> list[FieldChange]:
    old_by_id = {str(item["id"]): item for item in old}
    new_by_id = {str(item["id"]): item for item in new}
    changes: list[FieldChange] = []
    for item_id, item in new_by_id.items():  # in the new version's order
        before = old_by_id.get(item_id)
        if before is None:
            changes.append(FieldChange(section, item_id, None, "added", None, dict(item)))
            continue
        for key in sorted(set(before) | set(item)):
            if key == "id":
                continue
            if before.get(key) != item.get(key):
                kind: ChangeKind = (
                    "added" if key not in before else "removed" if key not in item else "changed"
                )
                changes.append(
                    FieldChange(section, item_id, key, kind, before.get(key), item.get(key))
                )
    for item_id, item in old_by_id.items():  # removed ones, in the old version's order
        if item_id not in new_by_id:
            changes.append(FieldChange(section, item_id, None, "removed", dict(item), None))
    return changes


def compare_versions(
    old: Mapping[str, Any], new: Mapping[str, Any], *, ignore: Collection[str] = ()
) -> list[FieldChange]:
    """What changed from one submitted version's snapshot to another.

    Top-level fields come first (sorted by name), then each list of items with an ``id``
    (``goals``, ``actions``, sorted by list name), matched by id so a reordered or edited goal is a
    change, not a removal plus an addition. Keys in ``ignore`` (e.g. timestamps) are skipped at
    both levels.
    """
    scalar: list[FieldChange] = []
    lists: list[FieldChange] = []
    for key in sorted(set(old) | set(new)):
        if key in ignore:
            continue
        before, after = old.get(key), new.get(key)
        if (before is None or _is_item_list(before)) and (after is None or _is_item_list(after)):
            if before is None and after is None:
                if key in old and key in new:
                    continue
            else:
                strip = [
                    [{k: v for k, v in item.items() if k not in ignore} for item in items or []]
                    for items in (before, after)
                ]
                lists += _diff_items(key, strip[0], strip[1])
                continue
        if key not in old:
            scalar.append(FieldChange("", None, key, "added", None, after))
        elif key not in new:
            scalar.append(FieldChange("", None, key, "removed", before, None))
        elif before != after:
            scalar.append(FieldChange("", None, key, "changed", before, after))
    return scalar + lists
