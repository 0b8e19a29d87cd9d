"""Accountplan: one customer's plan for one year, written, decided on and carried out here.

One screen for every role and state, because it is one document: the salesperson writes it
(analysis, opportunities and threats, measurable goals, actions with due dates) with the
customer's figures at hand, submits it as the next numbered version, reads the manager's comment
on a rejection, revises and resubmits; the manager opens the same screen from *Ter beoordeling*
and approves or rejects it with a comment; once approved, the salesperson ticks off its actions,
plans the visits it calls for, and sees how far the plan is carried out.

What the user may do is asked of ``domain.plan_workflow`` (``can_edit``, ``can_submit``,
``can_revise``, ``can_decide``) with the plan's state from ``services.plan_views``; the services
check again. Typed texts are saved with *Opslaan*, before submitting, and when the screen is
left (back, another tab), so nothing typed is lost on the way.

``plan_entry(ctx, customer_id)`` is the customer file's way in: "Accountplan 2027" opens the
plan of that year, or writes a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from functools import partial
from typing import Any

import flet as ft

from fieldsales.domain import plan_workflow
from fieldsales.domain.enums import ActionKind, ActionStatus, GoalKind, PlanDecision, PlanStatus
from fieldsales.domain.kpis.plans import GoalRealism
from fieldsales.domain.labels import label
from fieldsales.domain.money import format_cents, format_eur, format_percent, percent
from fieldsales.services import browse, plan_views
from fieldsales.services.errors import InvalidInput
from fieldsales.services.plans import (
    complete_action,
    create_plan,
    remove_action,
    remove_goal,
    reopen_action,
    update_plan,
)
from fieldsales.ui import format as fmt
from fieldsales.ui.context import USER_ERRORS, AppContext, user_message
from fieldsales.ui.screen import Screen
from fieldsales.ui.theme import TOUCH_TARGET
from fieldsales.ui.views.form_dialog import call_at_fields
from fieldsales.ui.views.plan_items import ActionDialog, ActionVisitDialog, GoalDialog
from fieldsales.ui.views.plan_review import DecisionDialog, ReviseDialog, SubmitDialog, revise_now
from fieldsales.ui.views.plan_text import goal_line, status_line, target_text
from fieldsales.ui.views.plan_versions import versions_section
from fieldsales.ui.widgets import empty_state, heading, link_button

NO_TARGET_GROUP = "-"
_ACTION_ICONS = {
    ActionKind.VISIT: ft.Icons.DIRECTIONS_CAR_OUTLINED,
    ActionKind.CALL: ft.Icons.PHONE_OUTLINED,
    ActionKind.PRODUCT_INTRODUCTION: ft.Icons.NEW_RELEASES_OUTLINED,
    ActionKind.OTHER: ft.Icons.TASK_OUTLINED,
}


# --- the way in from the customer file ----------------------------------------------------------


def plan_entry(ctx: AppContext, customer_id: str) -> ft.Control:
    """The customer file's buttons to this customer's plans: "Accountplan <jaar>" for this
    year's plan when there is one, and for the year a new plan is written for
    (``default_plan_year``), which opens that plan or, for the customer's own salesperson,
    writes it. Hidden when there is nothing to open or write (a manager, no plans yet)."""
    found = ctx.read(plan_views.customer_plans, customer_id=customer_id)
    by_year = {p.year: p for p in found.plans} if found is not None else {}
    today = ctx.today()
    new_year = plan_views.default_plan_year(today)
    buttons: list[ft.Control] = []
    for year in sorted({today.year, new_year}):
        plan = by_year.get(year)
        if plan is not None:
            buttons.append(
                ft.FilledTonalButton(
                    f"Accountplan {year}",
                    icon=ft.Icons.ASSIGNMENT_OUTLINED,
                    tooltip=f"Accountplan {year} openen ({label(plan.status).lower()})",
                    on_click=partial(open_plan, ctx, plan.id),
                    height=TOUCH_TARGET,
                    data=f"plan-entry-{year}",
                )
            )
        elif year == new_year and found is not None and found.may_write:
            buttons.append(
                ft.FilledTonalButton(
                    f"Accountplan {year}",
                    icon=ft.Icons.NOTE_ADD_OUTLINED,
                    tooltip=f"Accountplan {year} opstellen",
                    on_click=partial(open_or_create_plan, ctx, customer_id, year),
                    height=TOUCH_TARGET,
                    data=f"plan-entry-{year}",
                )
            )
    return ft.Row(buttons, wrap=True, spacing=8, visible=bool(buttons), data="plan-entry")


def open_plan(ctx: AppContext, plan_id: str) -> None:
    if ctx.shell is not None:
        ctx.shell.open(PlanScreen(ctx, plan_id=plan_id))


def open_or_create_plan(ctx: AppContext, customer_id: str, year: int) -> None:
    """Open the customer's plan of ``year``; write a new (draft) one when there is none yet."""
    found = ctx.read(plan_views.customer_plans, customer_id=customer_id)
    if found is None:
        return
    plan = next((p for p in found.plans if p.year == year), None)
    if plan is None:
        plan = ctx.call(create_plan, customer_id=customer_id, year=year)
        if plan is None:
            return
        ctx.toast(f"Accountplan {year} aangemaakt als concept.")
    open_plan(ctx, plan.id)


# --- the plan screen ----------------------------------------------------------------------------


class PlanScreen(Screen):
    title = "Accountplan"

    def __init__(self, ctx: AppContext, *, plan_id: str) -> None:
        super().__init__(ctx)
        self.plan_id = plan_id
        self.detail: plan_views.PlanDetail | None = None

        self.header = ft.Text("", theme_style=ft.TextThemeStyle.HEADLINE_SMALL, key="plan-header")
        self.status = ft.Text("", key="plan-status")
        self.author = ft.Text("", key="plan-author", visible=False)
        self.comment = ft.Text("", key="plan-comment-text", selectable=True)
        self.comment_box = ft.Container(
            ft.Row(
                [ft.Icon(ft.Icons.FEEDBACK_OUTLINED), ft.Container(self.comment, expand=True)],
                vertical_alignment=ft.CrossAxisAlignment.START,
            ),
            padding=ft.Padding.all(12),
            border_radius=ft.BorderRadius.all(8),
            bgcolor=ft.Colors.ERROR_CONTAINER,
            visible=False,
            key="plan-comment",
        )
        self.submit_button = _button("Indienen", ft.Icons.SEND, self._submit, "plan-submit")
        self.revise_button = _button(
            "Plan aanpassen", ft.Icons.EDIT_NOTE, self._revise, "plan-revise"
        )
        self.approve_button = _button(
            "Goedkeuren", ft.Icons.CHECK_CIRCLE_OUTLINE, self._approve, "plan-approve"
        )
        self.reject_button = _button(
            "Afkeuren", ft.Icons.CANCEL_OUTLINED, self._reject, "plan-reject", filled=False
        )
        self.workflow = ft.Row(
            [self.submit_button, self.revise_button, self.approve_button, self.reject_button],
            wrap=True,
            spacing=8,
            key="plan-workflow",
        )
        self.figures = ft.Column(spacing=4, key="plan-figures")
        self.target_group = ft.Dropdown(
            label="Doelgroep", key="plan-target-group", expand=True, on_select=self._typed
        )
        self.analysis = _text_area("Analyse markt en klant", "plan-analysis", self._typed)
        self.opportunities = _text_area("Kansen", "plan-opportunities", self._typed)
        self.threats = _text_area("Bedreigingen", "plan-threats", self._typed)
        self.save_button = _button("Opslaan", ft.Icons.SAVE, self.save_texts, "plan-save")
        self.goals = ft.Column(spacing=0, key="plan-goals")
        self.goals_error = ft.Text("", color=ft.Colors.ERROR, visible=False, key="plan-goals-error")
        self.add_goal = ft.TextButton(
            "Doelstelling toevoegen",
            icon=ft.Icons.ADD,
            on_click=self._new_goal,
            height=TOUCH_TARGET,
            key="plan-add-goal",
        )
        self.execution = ft.Text("", key="plan-execution")
        self.execution_detail = ft.Text(
            "", theme_style=ft.TextThemeStyle.BODY_SMALL, key="plan-execution-detail"
        )
        self.execution_bar = ft.ProgressBar(
            value=0, semantics_label="Uitvoering van het plan", key="plan-execution-bar"
        )
        self.execution_box = ft.Column(
            [heading("Uitvoering"), self.execution, self.execution_bar, self.execution_detail],
            spacing=4,
            visible=False,
            key="plan-execution-box",
        )
        self.actions_list = ft.Column(spacing=0, key="plan-actions")
        self.add_action = ft.TextButton(
            "Actie toevoegen",
            icon=ft.Icons.ADD,
            on_click=self._new_action,
            height=TOUCH_TARGET,
            key="plan-add-action",
        )
        self.versions = ft.Container(key="plan-versions-box")
        self.form = ft.ListView(
            [
                self.header,
                self.status,
                self.author,
                self.comment_box,
                self.workflow,
                self.figures,
                heading("Analyse"),
                ft.Row([self.target_group]),
                self.analysis,
                self.opportunities,
                self.threats,
                ft.Row([self.save_button], alignment=ft.MainAxisAlignment.END),
                heading("Doelstellingen"),
                self.goals_error,
                self.goals,
                self.add_goal,
                heading("Acties"),
                self.execution_box,
                self.actions_list,
                self.add_action,
                self.versions,
            ],
            spacing=12,
            padding=ft.Padding.all(16),
            expand=True,
        )
        self._body = ft.Container(self.form, expand=True)

    @property
    def body(self) -> ft.Control:
        return self._body

    # --- loading -------------------------------------------------------------------------------
    def refresh(self) -> None:
        detail = self.ctx.read(plan_views.plan_detail, plan_id=self.plan_id, today=self.ctx.today())
        self.detail = detail
        if detail is None:
            self._body.content = empty_state(
                ft.Icons.ERROR_OUTLINE,
                "Dit accountplan is niet (meer) beschikbaar",
                "Ga terug naar de plannen en kies het opnieuw.",
            )
            return
        self._body.content = self.form
        plan, actor = detail.plan, self.ctx.actor
        editable = plan_workflow.can_edit(detail.state, actor)
        # Read-only, a sync may bring the decision or the resubmission: show it. While the
        # author types, a reload would throw the typing away.
        self.refresh_on_sync = not editable
        self.header.value = f"{detail.customer.name} · {plan.year}"
        self.status.value = status_line(plan, detail.decided_by)
        own = plan.owner_id == actor.user_id
        self.author.value = f"Opgesteld door {detail.author or 'onbekend'}"
        self.author.visible = not own
        self._show_comment(detail)

        self.submit_button.visible = plan_workflow.can_submit(detail.state, actor)
        self.revise_button.visible = plan_workflow.can_revise(detail.state, actor)
        self.revise_button.content = (
            "Plan aanpassen" if plan.status is PlanStatus.REJECTED else "Plan herzien"
        )
        deciding = plan_workflow.can_decide(detail.state, actor)
        self.approve_button.visible = deciding
        self.reject_button.visible = deciding
        self.workflow.visible = any(
            b.visible
            for b in (
                self.submit_button,
                self.revise_button,
                self.approve_button,
                self.reject_button,
            )
        )

        self.figures.controls = [
            *_figure_lines(detail),
            ft.TextButton(
                "Klantdossier openen",
                icon=ft.Icons.FOLDER_OPEN_OUTLINED,
                on_click=self._open_file,
                height=TOUCH_TARGET,
                data="plan-open-file",
            ),
        ]
        self.target_group.options = [
            ft.DropdownOption(key=NO_TARGET_GROUP, text="Geen doelgroep")
        ] + [ft.DropdownOption(key=k, text=v) for k, v in detail.target_groups.items()]
        self.target_group.value = plan.target_group_id or NO_TARGET_GROUP
        self.analysis.value = plan.analysis
        self.opportunities.value = plan.opportunities
        self.threats.value = plan.threats
        for field in (self.analysis, self.opportunities, self.threats):
            field.read_only = not editable
            field.error = None
        self.target_group.disabled = not editable
        self.save_button.visible = editable
        self.save_button.disabled = True  # until something is typed
        self.add_goal.visible = editable
        self.add_action.visible = editable
        self.goals_error.visible = False

        self._render_goals(detail, editable)
        self._render_actions(detail, editable)
        self._render_execution(detail)
        self.versions.content = versions_section(
            self.ctx, detail, before_compare=self._save_quietly
        )

    def _show_comment(self, detail: plan_views.PlanDetail) -> None:
        """The manager's comment stays in view while the rejected plan is reworked."""
        plan = detail.plan
        last = detail.versions[-1] if detail.versions else None
        rejected = last is not None and last.decision is PlanDecision.REJECTED
        shown = bool(plan.manager_comment) and (
            plan.status is PlanStatus.REJECTED
            or (plan.status is PlanStatus.DRAFT and rejected)
            or plan.status is PlanStatus.APPROVED
        )
        self.comment_box.visible = shown
        if not shown:
            return
        who = detail.decided_by or "Uw leidinggevende"
        verdict = "afgekeurd" if plan.status is not PlanStatus.APPROVED else "goedgekeurd"
        self.comment.value = (
            f"{who} heeft versie {plan.current_version} {verdict}:\n{plan.manager_comment}"
        )
        self.comment_box.bgcolor = (
            ft.Colors.SECONDARY_CONTAINER
            if plan.status is PlanStatus.APPROVED
            else ft.Colors.ERROR_CONTAINER
        )

    def _open_file(self) -> None:
        """The whole file (visits, complaints, quotes, orders) one tap away."""
        # Imported here: the customer file links to its plans through ``plan_entry``.
        from fieldsales.ui.views.customer_file import CustomerFileScreen

        if self.detail is not None and self.ctx.shell is not None:
            self.ctx.shell.open(CustomerFileScreen(self.ctx, customer_id=self.detail.customer.id))

    # --- goals ---------------------------------------------------------------------------------
    def _render_goals(self, detail: plan_views.PlanDetail, editable: bool) -> None:
        rows: list[ft.Control] = []
        for row in detail.goals:
            goal = row.goal
            title = goal_line(goal.kind, goal.target_value, row.group_name, goal.description)
            lines = (
                [goal.description] if goal.description and goal.kind is not GoalKind.OTHER else []
            )
            if row.realism is not None:
                lines.append(_realism_line(row.realism, detail))
            rows.append(
                ft.ListTile(
                    leading=ft.Icon(ft.Icons.FLAG_OUTLINED),
                    title=ft.Text(title),
                    subtitle=ft.Text("\n".join(lines)) if lines else None,
                    is_three_line=len(lines) > 1,
                    on_click=partial(self._edit_goal, goal.id) if editable else None,
                    trailing=link_button(
                        ft.Icons.DELETE_OUTLINE,
                        f"Doelstelling {title} weghalen",
                        partial(self._remove_goal, goal.id),
                        ident=f"goal-remove-{goal.id}",
                    )
                    if editable
                    else None,
                    data=f"goal-{goal.id}",
                )
            )
        if not rows:
            rows.append(
                ft.Text(
                    "Nog geen doelstellingen. Maak ze meetbaar: omzet per productgroep, nieuwe "
                    "producten, aantal bezoeken."
                    if editable
                    else "Geen doelstellingen.",
                    italic=True,
                )
            )
        self.goals.controls = rows

    def _new_goal(self) -> None:
        if self.detail is not None:
            GoalDialog(self.ctx, self.detail, on_saved=self.refresh_keeping_texts).show()

    def _edit_goal(self, goal_id: str) -> None:
        if self.detail is None:
            return
        goal = next((g.goal for g in self.detail.goals if g.goal.id == goal_id), None)
        if goal is not None:
            GoalDialog(self.ctx, self.detail, goal=goal, on_saved=self.refresh_keeping_texts).show()

    def _remove_goal(self, goal_id: str) -> None:
        if self._run(remove_goal, goal_id=goal_id):
            self.refresh_keeping_texts()
            self.ctx.toast("Doelstelling weggehaald.")

    # --- actions -------------------------------------------------------------------------------
    def _render_actions(self, detail: plan_views.PlanDetail, editable: bool) -> None:
        rows: list[ft.Control] = []
        executing = detail.in_execution and detail.may_execute
        today = self.ctx.today()
        for row in detail.actions:
            action = row.action
            parts = [label(action.kind)]
            if action.due_on is not None:
                parts.append(f"uiterlijk {fmt.short_date(action.due_on)}")
            if action.status is ActionStatus.DONE:
                done = f" op {fmt.short_date(action.done_on)}" if action.done_on else ""
                parts.append(f"uitgevoerd{done}")
            elif action.status is ActionStatus.CANCELLED:
                parts.append("vervallen")
            elif action.due_on is not None and action.due_on < today and detail.in_execution:
                parts.append("te laat")
            if row.visit is not None and action.status is ActionStatus.OPEN:
                parts.append(f"bezoek gepland {fmt.day_at(row.visit.planned_start)}")
            trailing: list[ft.Control] = []
            if editable:
                trailing.append(
                    link_button(
                        ft.Icons.DELETE_OUTLINE,
                        f"Actie {action.description} weghalen",
                        partial(self._remove_action, action.id),
                        ident=f"action-remove-{action.id}",
                    )
                )
            elif executing and action.status is ActionStatus.OPEN:
                if action.kind is ActionKind.VISIT and row.visit is None:
                    trailing.append(
                        link_button(
                            ft.Icons.EVENT_AVAILABLE,
                            f"Bezoek plannen voor {action.description}",
                            partial(self._plan_visit, action.id),
                            ident=f"action-visit-{action.id}",
                        )
                    )
                trailing.append(
                    link_button(
                        ft.Icons.CHECK_BOX_OUTLINE_BLANK,
                        f"{action.description}: afvinken",
                        partial(self._complete, action.id),
                        ident=f"action-done-{action.id}",
                    )
                )
            icon = (
                ft.Icons.CHECK_BOX
                if action.status is ActionStatus.DONE
                else _ACTION_ICONS.get(action.kind, ft.Icons.TASK_OUTLINED)
            )
            rows.append(
                ft.ListTile(
                    leading=ft.Icon(icon),
                    title=ft.Text(action.description),
                    subtitle=ft.Text(" · ".join(parts)),
                    on_click=partial(self._edit_action, action.id) if editable else None,
                    trailing=ft.Row(trailing, tight=True, spacing=0) if trailing else None,
                    data=f"action-{action.id}",
                )
            )
        if not rows:
            rows.append(
                ft.Text(
                    "Nog geen acties. Plan bezoeken, telefoongesprekken en productintroducties, "
                    "met een datum."
                    if editable
                    else "Geen acties.",
                    italic=True,
                )
            )
        self.actions_list.controls = rows

    def _render_execution(self, detail: plan_views.PlanDetail) -> None:
        self.execution_box.visible = detail.in_execution
        if not detail.in_execution:
            return
        done, total = detail.actions_done, detail.actions_total
        share = format_percent(percent(done, total), 0)
        self.execution.value = (
            f"{done} van {total} {'actie' if total == 1 else 'acties'} uitgevoerd ({share})"
        )
        self.execution_bar.value = done / total if total else 0
        degree = detail.execution
        parts: list[str] = []
        if degree.actions_due:
            parts.append(
                (
                    "Van de actie die nu klaar moest zijn: "
                    if degree.actions_due == 1
                    else f"Van de {degree.actions_due} acties die nu klaar moesten zijn: "
                )
                + f"{degree.actions_done} uitgevoerd, {degree.actions_on_time} op tijd"
            )
        if degree.visits_planned:
            parts.append(
                f"{degree.visits_done} van {degree.visits_planned} geplande bezoeken afgelegd"
            )
        self.execution_detail.value = "; ".join(parts) + ("." if parts else "")
        self.execution_detail.visible = bool(parts)

    def _new_action(self) -> None:
        if self.detail is not None:
            ActionDialog(self.ctx, self.detail, on_saved=self.refresh_keeping_texts).show()

    def _edit_action(self, action_id: str) -> None:
        if self.detail is None:
            return
        action = next((a.action for a in self.detail.actions if a.action.id == action_id), None)
        if action is not None:
            ActionDialog(
                self.ctx, self.detail, action=action, on_saved=self.refresh_keeping_texts
            ).show()

    def _remove_action(self, action_id: str) -> None:
        if self._run(remove_action, action_id=action_id):
            self.refresh_keeping_texts()
            self.ctx.toast("Actie weggehaald.")

    def _run(self, service: Callable[..., None], /, **kwargs: Any) -> bool:
        """``ctx.call`` for services that return nothing: True when it was done."""
        try:
            service(self.ctx.store, actor=self.ctx.actor, **kwargs)
        except USER_ERRORS as exc:
            self.ctx.toast(user_message(exc))
            return False
        self.ctx.data_changed()
        return True

    def _complete(self, action_id: str) -> None:
        if self.ctx.call(complete_action, action_id=action_id, on=self.ctx.today()) is None:
            return
        self.refresh()

        def undo() -> None:
            if self.ctx.call(reopen_action, action_id=action_id) is not None:
                self.refresh()

        self.ctx.toast("Actie afgevinkt.", action="Ongedaan maken", on_action=undo)

    def _plan_visit(self, action_id: str) -> None:
        if self.detail is None:
            return
        action = next((a.action for a in self.detail.actions if a.action.id == action_id), None)
        file = self.ctx.read(browse.customer_file, customer_id=self.detail.customer.id)
        if action is None or file is None:
            return
        ActionVisitDialog(self.ctx, file, action, on_planned=self.refresh).show()

    # --- texts ---------------------------------------------------------------------------------
    def _texts(self) -> dict[str, str | None]:
        """The typed texts that differ from the stored plan."""
        detail = self.detail
        if detail is None or not plan_workflow.can_edit(detail.state, self.ctx.actor):
            return {}
        plan = detail.plan
        group = self.target_group.value if self.target_group.value != NO_TARGET_GROUP else None
        typed: dict[str, str | None] = {
            "analysis": self.analysis.value or "",
            "opportunities": self.opportunities.value or "",
            "threats": self.threats.value or "",
            "target_group_id": group,
        }
        return {k: v for k, v in typed.items() if v != getattr(plan, k)}

    def _typed(self) -> None:
        self.save_button.disabled = not self._texts()

    def save_texts(self) -> bool:
        """Save what was typed; False (with the reason at its field) when it was refused."""
        changes = self._texts()
        if not changes or self.detail is None:
            return True
        fields = {
            "analysis": self.analysis,
            "opportunities": self.opportunities,
            "threats": self.threats,
            "target_group_id": self.target_group,
        }
        saved = call_at_fields(self.ctx, fields, update_plan, plan_id=self.plan_id, **changes)
        if saved is None:
            return False
        self.detail = replace(self.detail, plan=saved)
        self.save_button.disabled = True
        return True

    def _save_quietly(self) -> None:
        self.save_texts()

    def refresh_keeping_texts(self) -> None:
        """Reload after a goal or action changed, without losing texts typed meanwhile: they
        are saved first, or, when refused, put back after the reload (still unsaved)."""
        if self.save_texts():
            self.refresh()
            return
        texts = (self.analysis, self.opportunities, self.threats)
        typed = [(f.value, f.error) for f in texts]
        group = self.target_group.value
        self.refresh()
        for field, (value, error) in zip(texts, typed, strict=True):
            field.value, field.error = value, error
        self.target_group.value = group
        self.save_button.disabled = False

    def leave(self) -> None:
        """Leaving the screen saves what was typed: back, another tab, the compare screen."""
        if self._texts() and self.save_texts():
            self.ctx.toast("Accountplan opgeslagen.")

    # --- workflow ------------------------------------------------------------------------------
    def _submit(self) -> None:
        detail = self.detail
        if detail is None or not self.save_texts():
            return
        SubmitDialog(
            self.ctx,
            plan_id=self.plan_id,
            number=detail.plan.current_version + 1,
            on_submitted=self._submitted,
            on_refused=self._submit_refused,
        ).show()

    def _submitted(self, number: int) -> None:
        self.refresh()
        self.ctx.toast(f"Versie {number} ingediend bij uw leidinggevende.")

    def _submit_refused(self, exc: InvalidInput) -> None:
        if exc.field == "goals":
            self.goals_error.value = exc.message
            self.goals_error.visible = True
        else:
            self.ctx.toast(exc.message)

    def _revise(self) -> None:
        detail = self.detail
        if detail is None:
            return
        if detail.plan.status is PlanStatus.APPROVED:
            ReviseDialog(self.ctx, plan_id=self.plan_id, on_revised=self._revised).show()
        else:
            revise_now(self.ctx, plan_id=self.plan_id, on_revised=self._revised)

    def _revised(self) -> None:
        self.refresh()
        self.ctx.toast("Het plan is weer een concept: pas het aan en dien het opnieuw in.")

    def _approve(self) -> None:
        self._decide(approve=True)

    def _reject(self) -> None:
        self._decide(approve=False)

    def _decide(self, *, approve: bool) -> None:
        detail = self.detail
        if detail is None:
            return
        DecisionDialog(
            self.ctx,
            plan_id=self.plan_id,
            approve=approve,
            about=f"Accountplan {detail.customer.name} {detail.plan.year}",
            on_decided=self._decided,
        ).show()

    def _decided(self, status: PlanStatus) -> None:
        detail = self.detail
        who = detail.author if detail is not None and detail.author else "De verkoper"
        if status is PlanStatus.APPROVED:
            self.ctx.toast("Accountplan goedgekeurd.")
        else:
            self.ctx.toast(f"Accountplan afgekeurd; {who} ziet uw toelichting.")
        if self.ctx.shell is not None and self.ctx.shell.stack:
            self.ctx.shell.back()  # back to the list: the next plan to review
        else:
            self.refresh()


# --- building blocks ----------------------------------------------------------------------------


def _button(
    text: str, icon: ft.IconData, on_click: Callable[[], Any], key: str, *, filled: bool = True
) -> ft.FilledButton | ft.OutlinedButton:
    cls = ft.FilledButton if filled else ft.OutlinedButton
    return cls(text, icon=icon, on_click=on_click, height=TOUCH_TARGET, visible=False, key=key)


def _text_area(text: str, key: str, on_change: Callable[[], Any]) -> ft.TextField:
    return ft.TextField(
        label=text,
        multiline=True,
        min_lines=3,
        max_lines=12,
        on_change=on_change,
        error_max_lines=3,
        key=key,
    )


def _figure_lines(detail: plan_views.PlanDetail) -> list[ft.Control]:
    """The customer's figures at hand while writing: revenue, groups, visits, open matters."""
    f = detail.figures
    running = "" if f.year_complete else " tot nu"
    growth = percent(
        f.revenue_this_year_cents - f.revenue_same_span_last_year_cents,
        f.revenue_same_span_last_year_cents,
    )
    lines = [
        f"Omzet {f.year}{running}: {format_cents(f.revenue_this_year_cents)}"
        + (
            f" ({f.year - 1} zelfde periode: {format_cents(f.revenue_same_span_last_year_cents)}"
            f", {_signed(growth)})"
            if not f.year_complete and f.revenue_same_span_last_year_cents
            else ""
        ),
        f"Omzet {f.year - 1}: {format_cents(f.revenue_last_year_cents)}",
    ]
    if f.potential_cents is not None:
        lines.append(f"Potentieel per jaar: {format_cents(f.potential_cents)}")
    if f.target_group:
        lines.append(f"Doelgroep: {f.target_group}")
    visits = f"Bezoeken {f.year}: {f.visits_this_year}"
    if f.last_visit_on is not None:
        visits += f" · laatste bezoek {fmt.short_date(f.last_visit_on)}"
    lines.append(visits)
    lines.append(
        f"Open klachten: {f.open_complaints} · open offertes: {f.open_quotes}"
        + (f" ({format_cents(f.open_quotes_cents)})" if f.open_quotes else "")
    )
    groups = [
        ft.Text(
            f"{g.name}: {format_cents(g.this_year_cents)}{running}"
            f" · {f.year - 1}: {format_cents(g.last_year_cents)}",
            theme_style=ft.TextThemeStyle.BODY_SMALL,
            data=f"plan-figure-group-{g.product_group_id or 'overig'}",
        )
        for g in f.by_group[:8]
    ]
    controls: list[ft.Control] = [heading("Klantgegevens")]
    controls += [ft.Text(line, data=f"plan-figure-{n}") for n, line in enumerate(lines)]
    if groups:
        controls.append(
            ft.Text("Omzet per productgroep", theme_style=ft.TextThemeStyle.LABEL_LARGE)
        )
        controls += groups
    return controls


def _signed(value: Decimal | None) -> str:
    if value is None:
        return "-"
    return ("+" if value > 0 else "") + format_percent(value)


def _realism_line(realism: GoalRealism, detail: plan_views.PlanDetail) -> str:
    """The goal against last year, the potential and (once the year runs) what is realised."""
    kind, year = realism.kind, detail.plan.year

    def amount(value: Decimal) -> str:
        return format_eur(value) if kind is GoalKind.REVENUE else target_text(kind, value)

    running = " tot nu" if year - 1 >= detail.figures.as_of.year else ""
    parts = [f"{year - 1}{running}: {amount(realism.last_year)}"]
    if realism.vs_last_year_percent is not None:
        parts[0] += f" (doel is {format_percent(realism.vs_last_year_percent)} daarvan)"
    if realism.potential is not None and realism.product_group_id is None:
        # The potential is the customer's total: only a total revenue goal compares with it.
        parts.append(f"potentieel {format_eur(realism.potential)}")
    if detail.figures.as_of.year >= year:
        parts.append(
            f"gerealiseerd {amount(realism.realised)}"
            + (
                f" ({format_percent(realism.realised_percent)})"
                if realism.realised_percent is not None
                else ""
            )
        )
    return " · ".join(parts)
