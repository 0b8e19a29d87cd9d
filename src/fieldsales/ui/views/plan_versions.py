"""Versies van een accountplan: the list of submissions with their decisions, and comparing two.

Every submission is kept as a frozen copy (``AccountPlanVersion.content``). A manager reading a
resubmitted plan wants to know what the salesperson changed after the rejection, and the
salesperson what they changed since; neither wants JSON. ``domain.plan_workflow
.compare_versions`` matches goals and actions by id (an edited goal is a change, not a removal
plus an addition); this module words its changes: texts line by line (``+``/``−``), goals and
actions as the plan screen names them, with the old and the new value of what changed.

A draft being revised can be compared too ("Huidig concept"): the copy it would be submitted as.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import flet as ft

from fieldsales.domain.enums import ActionKind, ActionStatus, GoalKind, PlanStatus
from fieldsales.domain.labels import label
from fieldsales.domain.money import format_date
from fieldsales.domain.plan_workflow import FieldChange, compare_versions
from fieldsales.records import AccountPlanVersion
from fieldsales.services import plan_views
from fieldsales.ui import format as fmt
from fieldsales.ui.context import AppContext
from fieldsales.ui.screen import Screen
from fieldsales.ui.theme import TOUCH_TARGET
from fieldsales.ui.views.plan_text import (
    as_decimal,
    goal_line,
    goal_name,
    target_text,
    version_decision,
    version_title,
)
from fieldsales.ui.widgets import empty_state, heading, section

#: Keys of a snapshot that are bookkeeping, not content a reader compares.
IGNORED = ("plan_id", "customer_id", "visit_id", "created_at", "updated_at", "year")
#: The choice that stands for the draft as it is now.
DRAFT = "concept"

TEXT_FIELDS = {
    "analysis": "Analyse markt en klant",
    "opportunities": "Kansen",
    "threats": "Bedreigingen",
}
GOAL_FIELDS = {
    "kind": "soort",
    "product_group_id": "productgroep",
    "target_value": "doel",
    "description": "toelichting",
}
ACTION_FIELDS = {
    "kind": "soort",
    "description": "omschrijving",
    "due_on": "datum",
    "status": "status",
    "done_on": "uitgevoerd op",
}

Sign = Literal["+", "-", "~"]


@dataclass(frozen=True, slots=True)
class DiffLine:
    """One line of a comparison: ``+`` added, ``-`` removed, ``~`` changed."""

    section: str  # "Analyse markt en klant", "Doelstellingen", "Acties", "Doelgroep"
    sign: Sign
    text: str


# --- wording the changes ------------------------------------------------------------------------


def describe_changes(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    groups: Mapping[str, str],
    target_groups: Mapping[str, str],
) -> list[DiffLine]:
    """The changes from snapshot ``old`` to ``new`` as lines a person reads."""
    changes = compare_versions(old, new, ignore=IGNORED)
    lines: list[DiffLine] = []
    by_item: dict[tuple[str, str], list[FieldChange]] = {}
    for change in changes:
        if change.section == "":
            lines += _scalar_lines(change, target_groups)
        elif change.field is None:
            item = change.new if change.kind == "added" else change.old
            sign: Sign = "+" if change.kind == "added" else "-"
            title = _item_line(change.section, item or {}, groups)
            what = "toegevoegd" if change.kind == "added" else "verwijderd"
            lines.append(DiffLine(_SECTIONS[change.section], sign, f"{title} ({what})"))
        else:
            by_item.setdefault((change.section, change.item_id or ""), []).append(change)
    for (list_name, item_id), item_changes in by_item.items():
        item = _item(new, list_name, item_id) or _item(old, list_name, item_id) or {}
        title = _item_title(list_name, item, groups)
        fields = GOAL_FIELDS if list_name == "goals" else ACTION_FIELDS
        parts = [
            f"{fields.get(c.field or '', c.field)} van "
            f"{_value(list_name, c.field or '', c.old, item, groups)} naar "
            f"{_value(list_name, c.field or '', c.new, item, groups)}"
            for c in item_changes
        ]
        lines.append(DiffLine(_SECTIONS[list_name], "~", f"{title} gewijzigd: {'; '.join(parts)}"))
    order = [*TEXT_FIELDS.values(), "Doelgroep", "Doelstellingen", "Acties"]
    return sorted(lines, key=lambda d: order.index(d.section) if d.section in order else 99)


_SECTIONS = {"goals": "Doelstellingen", "actions": "Acties"}


def _scalar_lines(change: FieldChange, target_groups: Mapping[str, str]) -> list[DiffLine]:
    field = change.field or ""
    if field in TEXT_FIELDS:
        name = TEXT_FIELDS[field]
        before = str(change.old or "").splitlines()
        after = str(change.new or "").splitlines()
        out: list[DiffLine] = []
        for line in difflib.ndiff(before, after):
            if line.startswith("+ ") and line[2:].strip():
                out.append(DiffLine(name, "+", line[2:]))
            elif line.startswith("- ") and line[2:].strip():
                out.append(DiffLine(name, "-", line[2:]))
        return out
    if field == "target_group_id":

        def group(value: Any) -> str:
            return target_groups.get(str(value), "onbekend") if value else "geen"

        return [DiffLine("Doelgroep", "~", f"van {group(change.old)} naar {group(change.new)}")]
    return [DiffLine("Overig", "~", f"{field} van {change.old} naar {change.new}")]


def _item(snapshot: Mapping[str, Any], list_name: str, item_id: str) -> Mapping[str, Any] | None:
    items: Sequence[Mapping[str, Any]] = snapshot.get(list_name) or []
    return next((i for i in items if str(i.get("id")) == item_id), None)


def _goal_kind(value: Any) -> GoalKind:
    try:
        return GoalKind(value)
    except ValueError:
        return GoalKind.OTHER


def _action_kind(value: Any) -> ActionKind:
    try:
        return ActionKind(value)
    except ValueError:
        return ActionKind.OTHER


def _item_line(list_name: str, item: Mapping[str, Any], groups: Mapping[str, str]) -> str:
    """A whole goal or action, for one that was added or removed."""
    if list_name == "goals":
        return "Doelstelling " + goal_line(
            _goal_kind(item.get("kind")),
            as_decimal(item.get("target_value")),
            groups.get(str(item.get("product_group_id") or "")),
            str(item.get("description") or ""),
        )
    due = _date_text(item.get("due_on"))
    return f"Actie {_item_title(list_name, item, groups)}" + (f", uiterlijk {due}" if due else "")


def _item_title(list_name: str, item: Mapping[str, Any], groups: Mapping[str, str]) -> str:
    if list_name == "goals":
        return "Doelstelling " + goal_name(
            _goal_kind(item.get("kind")),
            groups.get(str(item.get("product_group_id") or "")),
            str(item.get("description") or ""),
        )
    kind_label = label(_action_kind(item.get("kind")))
    return f"'{item.get('description') or kind_label}' ({kind_label.lower()})"


def _value(
    list_name: str, field: str, value: Any, item: Mapping[str, Any], groups: Mapping[str, str]
) -> str:
    if value is None or value == "":
        return "leeg"
    if field == "kind":
        kind = _goal_kind(value) if list_name == "goals" else _action_kind(value)
        return label(kind)
    if field == "target_value":
        return target_text(_goal_kind(item.get("kind")), as_decimal(value))
    if field == "product_group_id":
        return groups.get(str(value), "onbekende groep")
    if field in ("due_on", "done_on"):
        return _date_text(value) or str(value)
    if field == "status":
        try:
            return label(ActionStatus(value)).lower()
        except ValueError:
            return str(value)
    return f"'{value}'"


def _date_text(value: Any) -> str:
    if not value:
        return ""
    try:
        return format_date(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


# --- the versions in the plan screen ------------------------------------------------------------


def versions_section(
    ctx: AppContext,
    detail: plan_views.PlanDetail,
    *,
    before_compare: Callable[[], Any] | None = None,
) -> ft.Control:
    """Each submission with its decision, newest first, and *Vergelijken*."""
    tiles: list[ft.Control] = []
    for version in reversed(detail.versions):
        decision = version_decision(version, detail.names.get(version.decided_by or "", ""))
        lines = [decision]
        if version.manager_comment:
            lines.append(f"Opmerking: {version.manager_comment}")
        tiles.append(
            ft.ListTile(
                leading=ft.Icon(ft.Icons.HISTORY_EDU),
                title=ft.Text(version_title(version)),
                subtitle=ft.Text("\n".join(lines)),
                is_three_line=len(lines) > 1,
                data=f"version-{version.number}",
            )
        )
    body = section("Versies", tiles, empty="Nog niet ingediend: er is nog geen versie.")
    comparable = len(detail.versions) >= 2 or (
        bool(detail.versions) and detail.plan.status is PlanStatus.DRAFT
    )
    if comparable:

        def open_compare() -> None:
            if before_compare is not None:
                before_compare()
            if ctx.shell is not None:
                ctx.shell.open(PlanCompareScreen(ctx, plan_id=detail.plan.id))

        body.controls.append(
            ft.OutlinedButton(
                "Versies vergelijken",
                icon=ft.Icons.COMPARE_ARROWS,
                on_click=open_compare,
                height=TOUCH_TARGET,
                data="plan-compare",
            )
        )
    return ft.Container(body, data="plan-versions")


# --- the comparison screen ----------------------------------------------------------------------


class PlanCompareScreen(Screen):
    """Two versions side by side in time: pick the older and the newer, read what changed."""

    title = "Versies vergelijken"

    def __init__(self, ctx: AppContext, *, plan_id: str) -> None:
        super().__init__(ctx)
        self.plan_id = plan_id
        self.history: plan_views.PlanHistory | None = None
        self.header = ft.Text("", theme_style=ft.TextThemeStyle.TITLE_LARGE, key="compare-header")
        self.old = ft.Dropdown(label="Van", on_select=self._changed, key="compare-old", expand=True)
        self.new = ft.Dropdown(
            label="Naar", on_select=self._changed, key="compare-new", expand=True
        )
        self.summary = ft.Text("", key="compare-summary")
        self.result = ft.Column(spacing=4, key="compare-result")
        self._body = ft.Container(
            ft.ListView(
                [
                    self.header,
                    # One per row: an expanded dropdown cannot sit in a wrapping row.
                    ft.Row([self.old]),
                    ft.Row([self.new]),
                    self.summary,
                    self.result,
                ],
                spacing=12,
                padding=ft.Padding.all(16),
                expand=True,
            ),
            expand=True,
        )

    @property
    def body(self) -> ft.Control:
        return self._body

    def refresh(self) -> None:
        history = self.ctx.read(plan_views.plan_history, plan_id=self.plan_id)
        self.history = history
        if history is None:
            self._body.content = empty_state(
                ft.Icons.ERROR_OUTLINE,
                "Dit accountplan is niet (meer) beschikbaar",
                "Ga terug naar de plannen en kies het opnieuw.",
            )
            return
        self.header.value = f"Accountplan {history.customer.name} {history.plan.year}"
        options = [
            ft.DropdownOption(key=str(v.number), text=_option_text(v)) for v in history.versions
        ]
        if history.draft is not None:
            options.append(ft.DropdownOption(key=DRAFT, text="Huidig concept"))
        self.old.options = list(options)
        self.new.options = list(options)
        keys = [o.key for o in options]
        if self.new.value not in keys:
            self.new.value = keys[-1] if keys else None
        if self.old.value not in keys:
            self.old.value = keys[-2] if len(keys) >= 2 else (keys[0] if keys else None)
        self._show()

    def _changed(self) -> None:
        self._show()

    def _content(self, choice: str | None) -> Mapping[str, Any] | None:
        history = self.history
        if history is None or choice is None:
            return None
        if choice == DRAFT:
            return history.draft
        return next((v.content for v in history.versions if str(v.number) == choice), None)

    def _show(self) -> None:
        history = self.history
        old, new = self._content(self.old.value), self._content(self.new.value)
        if history is None or old is None or new is None:
            self.summary.value = "Kies twee versies om te vergelijken."
            self.result.controls = []
            return
        lines = describe_changes(
            old, new, groups=history.product_groups, target_groups=history.target_groups
        )
        if self.old.value == self.new.value:
            self.summary.value = "Dezelfde versie: kies twee verschillende."
        elif not lines:
            self.summary.value = "Geen verschillen."
        else:
            self.summary.value = f"{len(lines)} {'wijziging' if len(lines) == 1 else 'wijzigingen'}"
        self.result.controls = _render(lines)


def _option_text(version: AccountPlanVersion) -> str:
    """``Versie 2 · 02-01-2026 · afgekeurd``: short enough for a phone-wide field."""
    parts = [f"Versie {version.number}"]
    if version.submitted_at is not None:
        parts.append(fmt.short_date(version.submitted_at))
    parts.append(label(version.decision).lower() if version.decision else "ter beoordeling")
    return " · ".join(parts)


_SIGN_ICON = {"+": ft.Icons.ADD, "-": ft.Icons.REMOVE, "~": ft.Icons.EDIT_OUTLINED}
_SIGN_SAYS = {"+": "Toegevoegd", "-": "Verwijderd", "~": "Gewijzigd"}


def _render(lines: list[DiffLine]) -> list[ft.Control]:
    controls: list[ft.Control] = []
    current = None
    for n, line in enumerate(lines):
        if line.section != current:
            current = line.section
            controls.append(heading(line.section))
        controls.append(
            ft.Row(
                [
                    ft.Icon(_SIGN_ICON[line.sign], semantics_label=_SIGN_SAYS[line.sign]),
                    ft.Text(line.text, expand=True, selectable=True),
                ],
                vertical_alignment=ft.CrossAxisAlignment.START,
                data=f"diff-{n}",
            )
        )
    return controls
