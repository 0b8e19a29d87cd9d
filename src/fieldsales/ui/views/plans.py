"""Plannen: the account plans in the user's scope, with what needs the user first.

A manager opens this list to review: the plans waiting for their decision come first, under
*Ter beoordeling*, the longest-waiting on top. A salesperson sees the plans that came back
rejected first, with the manager's comment, then the rest by year and customer. Which plans a
user can decide on or must revise is asked of ``domain.plan_workflow`` (``can_decide``,
``can_revise``), so the list and the plan screen never disagree about it.

*Nieuw accountplan* (the button bottom right) picks one of the user's own customers and the
year; a tile opens the plan itself (``plan_editor.PlanScreen``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import flet as ft

from fieldsales.domain import plan_workflow
from fieldsales.domain.enums import PlanStatus
from fieldsales.services import plan_views
from fieldsales.ui.context import AppContext
from fieldsales.ui.labels import PLAN_STATUS
from fieldsales.ui.screen import Screen
from fieldsales.ui.views.plan_editor import open_plan
from fieldsales.ui.views.plan_new import NewPlanDialog
from fieldsales.ui.widgets import empty_state, heading

_ICONS = {
    PlanStatus.DRAFT: ft.Icons.EDIT_DOCUMENT,
    PlanStatus.SUBMITTED: ft.Icons.HOURGLASS_TOP,
    PlanStatus.APPROVED: ft.Icons.VERIFIED_OUTLINED,
    PlanStatus.REJECTED: ft.Icons.ASSIGNMENT_RETURN_OUTLINED,
}
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


class PlansScreen(Screen):
    title = "Accountplannen"
    refresh_on_sync = True  # a decision or a submission may come in with a sync

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.list = ft.ListView(expand=True, key="plan-list")
        self.fab = ft.FloatingActionButton(
            # The icon's label names the button for screen readers; a tooltip alone does not.
            icon=ft.Icon(ft.Icons.NOTE_ADD, semantics_label="Nieuw accountplan"),
            tooltip="Nieuw accountplan",
            on_click=self.new_plan,
            key="new-plan",
        )
        self._body = ft.Container(self.list, expand=True, padding=ft.Padding.only(top=8))

    @property
    def body(self) -> ft.Control:
        return self._body

    def new_plan(self) -> None:
        NewPlanDialog(self.ctx).show()

    def refresh(self) -> None:
        rows = self.ctx.read(plan_views.plan_list) or []
        own_customers = self.ctx.read(
            plan_views.plan_candidates,
            year=plan_views.default_plan_year(self.ctx.today()),
            limit=1,
        )
        if self.fab is not None:
            self.fab.visible = bool(own_customers)
        if not rows:
            self.list.controls = [
                empty_state(
                    ft.Icons.ASSIGNMENT_OUTLINED,
                    "Nog geen accountplannen",
                    f"Begin met het accountplan {plan_views.default_plan_year(self.ctx.today())} "
                    "voor uw belangrijkste klanten: kies een klant en leg doelen en acties vast.",
                    action="Nieuw accountplan" if own_customers else None,
                    on_action=self.new_plan if own_customers else None,
                    ident="plans-empty",
                )
            ]
            return
        actor = self.ctx.actor
        review = [r for r in rows if plan_workflow.can_decide(r.state, actor)]
        review.sort(key=lambda r: (r.plan.submitted_at or _EPOCH, r.customer.name))
        returned = [
            r
            for r in rows
            if r.plan.status is PlanStatus.REJECTED and plan_workflow.can_revise(r.state, actor)
        ]
        first = {r.plan.id for r in review + returned}
        rest = [r for r in rows if r.plan.id not in first]
        controls: list[ft.Control] = []
        if review:
            controls.append(_heading(f"Ter beoordeling ({len(review)})", "plans-review"))
            controls += [self._tile(r) for r in review]
        if returned:
            controls.append(_heading("Afgekeurd: aanpassen en opnieuw indienen", "plans-returned"))
            controls += [self._tile(r) for r in returned]
        if rest:
            if controls:
                controls.append(_heading("Overige plannen", "plans-rest"))
            controls += [self._tile(r) for r in rest]
        self.list.controls = controls

    def _tile(self, row: plan_views.PlanListRow) -> ft.Control:
        plan = row.plan
        version = f"versie {plan.current_version}" if plan.current_version else "nog niet ingediend"
        parts = [PLAN_STATUS[plan.status], version]
        if plan.owner_id != self.ctx.actor.user_id and row.author:
            parts.append(row.author)
        subtitle = " · ".join(parts)
        three_lines = plan.status is PlanStatus.REJECTED and bool(plan.manager_comment)
        if three_lines:
            subtitle += f"\nOpmerking: {plan.manager_comment}"
        return ft.ListTile(
            leading=ft.Icon(_ICONS[plan.status]),
            title=ft.Text(f"{row.customer.name} {plan.year}"),
            subtitle=ft.Text(subtitle),
            is_three_line=three_lines,
            on_click=partial(open_plan, self.ctx, plan.id),
            data=f"plan-{plan.id}",
        )


def _heading(text: str, ident: str) -> ft.Control:
    return ft.Container(heading(text), padding=ft.Padding.only(left=16, top=8), data=ident)
