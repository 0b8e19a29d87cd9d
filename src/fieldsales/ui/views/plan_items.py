"""Doelstellingen and acties of an account plan: the dialogs that add and change them, and the
visit that carries out a visit action.

A goal is measurable: its kind (revenue, new products, visits, other), for revenue and new
products optionally one product group, and the target. While typing the target the dialog shows
what the customer did in that product group this year and last year, so a goal is set against
history, not guessed. An action has a kind, a description and a due date. The services check
both (a count is a whole number, a goal of nothing is refused, a date outside the plan's years
too) and name the field; the message shows at that field.

*Bezoek plannen* on a visit action of an approved plan is the visit planner of the customer
file with the action attached (``services.visits.plan_visit(plan_action_id=...)``): when that
visit is reported, the action is ticked off by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import flet as ft

from fieldsales.domain.enums import ActionKind, GoalKind
from fieldsales.domain.errors import ValidationError
from fieldsales.domain.labels import label
from fieldsales.domain.money import format_cents, parse_amount, parse_decimal
from fieldsales.records import PlanAction, PlanGoal
from fieldsales.services import browse, plan_views
from fieldsales.services.plans import add_action, add_goal, update_action, update_goal
from fieldsales.ui.context import AppContext
from fieldsales.ui.views.form_dialog import FormDialog, call_at_fields
from fieldsales.ui.views.plan_text import (
    ACTION_KINDS,
    GOAL_KINDS,
    TARGET_LABEL,
    number_text,
)
from fieldsales.ui.views.plan_visit import PlanVisitDialog
from fieldsales.ui.widgets import DateField

T = TypeVar("T")

#: The product group choice "no group": the goal is about the customer's total.
ALL_GROUPS = "-"


class GoalDialog(FormDialog):
    """Doelstelling toevoegen, or change one (``goal`` given)."""

    def __init__(
        self,
        ctx: AppContext,
        detail: plan_views.PlanDetail,
        *,
        goal: PlanGoal | None = None,
        on_saved: Callable[[], Any],
    ) -> None:
        self.plan_id = detail.plan.id
        self.goal = goal
        self.on_saved = on_saved
        self.figures = detail.figures
        kind = goal.kind if goal is not None else GoalKind.REVENUE
        self.kind = ft.Dropdown(
            label="Soort doel",
            value=kind.value,
            options=[ft.DropdownOption(key=k.value, text=label(k)) for k in GOAL_KINDS],
            on_select=self._kind_changed,
            key="goal-kind",
            expand=True,
        )
        self.group = ft.Dropdown(
            label="Productgroep",
            value=(goal.product_group_id if goal is not None else None) or ALL_GROUPS,
            options=[ft.DropdownOption(key=ALL_GROUPS, text="Alle productgroepen")]
            + [ft.DropdownOption(key=k, text=v) for k, v in detail.product_groups.items()],
            on_select=self._group_changed,
            key="goal-group",
            expand=True,
        )
        self.target = ft.TextField(
            label=TARGET_LABEL[kind],
            value=_target_value(goal) if goal is not None else "",
            keyboard_type=ft.KeyboardType.NUMBER,
            error_max_lines=3,  # the services' reasons are whole sentences
            helper_max_lines=2,
            key="goal-target",
        )
        self.description = ft.TextField(
            label="Toelichting (niet verplicht)",
            value=goal.description if goal is not None else "",
            multiline=True,
            max_lines=4,
            error_max_lines=3,
            key="goal-description",
        )
        self.group_row = ft.Row([self.group])
        super().__init__(
            ctx,
            title="Doelstelling wijzigen" if goal is not None else "Doelstelling toevoegen",
            fields=[ft.Row([self.kind]), self.group_row, self.target, self.description],
            confirm="Opslaan",
            key="goal",
            label="Doelstelling",
        )
        self._apply_kind()

    def _current_kind(self) -> GoalKind:
        try:
            return GoalKind(self.kind.value or GoalKind.REVENUE.value)
        except ValueError:
            return GoalKind.REVENUE

    def _kind_changed(self) -> None:
        self._apply_kind()

    def _group_changed(self) -> None:
        self._apply_kind()

    def _apply_kind(self) -> None:
        kind = self._current_kind()
        self.target.label = TARGET_LABEL[kind]
        self.group_row.visible = kind in (GoalKind.REVENUE, GoalKind.NEW_PRODUCTS)
        self.description.label = (
            "Wat wilt u bereiken?" if kind is GoalKind.OTHER else "Toelichting (niet verplicht)"
        )
        self.target.helper = self._history(kind)

    def _history(self, kind: GoalKind) -> str | None:
        """What the customer bought, as a yardstick for a revenue goal."""
        if kind is not GoalKind.REVENUE:
            return None
        figures = self.figures
        group = self.group.value if self.group.value != ALL_GROUPS else None
        if group is None:
            this_year, last_year = figures.revenue_this_year_cents, figures.revenue_last_year_cents
        else:
            row = next((g for g in figures.by_group if g.product_group_id == group), None)
            this_year = row.this_year_cents if row else 0
            last_year = row.last_year_cents if row else 0
        running = "" if figures.year_complete else " tot nu"
        return (
            f"{figures.year}{running}: {format_cents(this_year)} · "
            f"{figures.year - 1}: {format_cents(last_year)}"
        )

    def _parse_target(self, kind: GoalKind) -> Decimal | None:
        text = (self.target.value or "").strip()
        if not text:
            if kind is GoalKind.OTHER:
                return Decimal(0)
            self.target.error = "Vul een doel in."
            return None
        try:
            if kind is GoalKind.REVENUE:
                return parse_amount(text, field="target_value")
            return parse_decimal(text, field="target_value", max_places=2)
        except ValidationError as exc:
            self.target.error = exc.message
            return None

    def save(self) -> None:
        self.target.error = None
        kind = self._current_kind()
        value = self._parse_target(kind)
        if value is None:
            return
        group = self.group.value if self.group.value not in (None, ALL_GROUPS) else None
        fields = {
            "target_value": self.target,
            "description": self.description,
            "product_group_id": self.group,
            "kind": self.kind,
        }
        values: dict[str, Any] = {
            "kind": kind,
            "target_value": value,
            "description": self.description.value or "",
            "product_group_id": group,
        }
        if self.goal is None:
            saved = call_at_fields(self.ctx, fields, add_goal, plan_id=self.plan_id, **values)
        else:
            saved = call_at_fields(self.ctx, fields, update_goal, goal_id=self.goal.id, **values)
        if saved is None:
            return
        self.close()
        self.on_saved()


def _target_value(goal: PlanGoal) -> str:
    if goal.kind is GoalKind.REVENUE:
        return format_cents(int(Decimal(goal.target_value) * 100)).removeprefix("€ ")
    return number_text(Decimal(goal.target_value)) if goal.target_value else ""


class ActionDialog(FormDialog):
    """Actie toevoegen, or change one (``action`` given)."""

    def __init__(
        self,
        ctx: AppContext,
        detail: plan_views.PlanDetail,
        *,
        action: PlanAction | None = None,
        on_saved: Callable[[], Any],
    ) -> None:
        self.plan_id = detail.plan.id
        self.action = action
        self.on_saved = on_saved
        year = detail.plan.year
        self.kind = ft.Dropdown(
            label="Soort actie",
            value=(action.kind if action is not None else ActionKind.VISIT).value,
            options=[ft.DropdownOption(key=k.value, text=label(k)) for k in ACTION_KINDS],
            key="action-kind",
            expand=True,
        )
        self.description = ft.TextField(
            label="Wat gaat u doen?",
            value=action.description if action is not None else "",
            multiline=True,
            max_lines=4,
            error_max_lines=3,
            key="action-description",
        )
        self.due = DateField(
            "Uiterlijk op",
            key="action-due",
            first=date(year - 1, 1, 1),
            last=date(year, 12, 31),
        )
        self.due.field.error_max_lines = 3
        if action is not None and action.due_on is not None:
            self.due.set(action.due_on)
        super().__init__(
            ctx,
            title="Actie wijzigen" if action is not None else "Actie toevoegen",
            fields=[ft.Row([self.kind]), self.description, ft.Row([self.due.control])],
            confirm="Opslaan",
            key="action",
            label="Actie",
        )

    def save(self) -> None:
        self.due.show_error(None)
        try:
            due = self.due.value()
        except ValidationError as exc:
            self.due.show_error(exc.message)
            return
        fields = {"description": self.description, "due_on": self.due.field, "kind": self.kind}
        values: dict[str, Any] = {
            "kind": ActionKind(self.kind.value or ActionKind.OTHER.value),
            "description": self.description.value or "",
            "due_on": due,
        }
        if self.action is None:
            saved = call_at_fields(self.ctx, fields, add_action, plan_id=self.plan_id, **values)
        else:
            saved = call_at_fields(
                self.ctx, fields, update_action, action_id=self.action.id, **values
            )
        if saved is None:
            return
        self.close()
        self.on_saved()


class ActionVisitDialog(PlanVisitDialog):
    """*Bezoek plannen* for a visit action: the customer file's planner, with the action's
    description as the topic and the visit tied to the action."""

    def __init__(
        self,
        ctx: AppContext,
        file: browse.CustomerFile,
        action: PlanAction,
        *,
        on_planned: Callable[[], Any],
    ) -> None:
        super().__init__(ctx, file, on_planned=on_planned, plan_action_id=action.id)
        self.action = action
        self.topics.value = action.description
        if action.due_on is not None and action.due_on >= ctx.today():
            self.when.date.set(action.due_on)
