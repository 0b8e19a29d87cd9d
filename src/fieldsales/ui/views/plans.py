"""Plannen: the account plans of the portfolio with their status and version, so the
salesperson sees what waits for the manager and what came back rejected."""

from __future__ import annotations

import flet as ft

from fieldsales.domain.enums import PlanStatus
from fieldsales.services import browse
from fieldsales.ui.context import AppContext
from fieldsales.ui.labels import PLAN_STATUS
from fieldsales.ui.screen import Screen
from fieldsales.ui.views.customer_file import CustomerFileScreen
from fieldsales.ui.widgets import empty_state

_ICONS = {
    PlanStatus.DRAFT: ft.Icons.EDIT_DOCUMENT,
    PlanStatus.SUBMITTED: ft.Icons.HOURGLASS_TOP,
    PlanStatus.APPROVED: ft.Icons.VERIFIED_OUTLINED,
    PlanStatus.REJECTED: ft.Icons.ASSIGNMENT_RETURN_OUTLINED,
}


class PlansScreen(Screen):
    title = "Accountplannen"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.list = ft.ListView(expand=True, key="plan-list")
        self._body = ft.Container(self.list, expand=True, padding=ft.Padding.only(top=8))

    @property
    def body(self) -> ft.Control:
        return self._body

    def refresh(self) -> None:
        rows = self.ctx.read(browse.account_plans) or []
        if not rows:
            self.list.controls = [
                empty_state(
                    ft.Icons.ASSIGNMENT_OUTLINED,
                    "Nog geen accountplannen",
                    f"Begin met het accountplan {self.ctx.today().year} voor uw belangrijkste "
                    "klanten: open de klant en leg doelen en acties vast.",
                    action="Naar klanten",
                    on_action=self._to_customers,
                    ident="plans-empty",
                )
            ]
            return
        self.list.controls = [self._tile(r) for r in rows]

    def _tile(self, row: browse.PlanRow) -> ft.Control:
        plan = row.plan
        version = f"versie {plan.current_version}" if plan.current_version else "nog niet ingediend"
        subtitle = f"{PLAN_STATUS[plan.status]} · {version}"
        if plan.status is PlanStatus.REJECTED and plan.manager_comment:
            subtitle += f"\nOpmerking: {plan.manager_comment}"
        return ft.ListTile(
            leading=ft.Icon(_ICONS[plan.status]),
            title=ft.Text(f"{row.customer.name} {plan.year}"),
            subtitle=ft.Text(subtitle),
            is_three_line=plan.status is PlanStatus.REJECTED and bool(plan.manager_comment),
            on_click=lambda _, cid=row.customer.id: self._open(cid),
            data=f"plan-{plan.id}",
        )

    def _open(self, customer_id: str) -> None:
        if self.ctx.shell is not None:
            self.ctx.shell.open(CustomerFileScreen(self.ctx, customer_id=customer_id))

    def _to_customers(self) -> None:
        if self.ctx.shell is not None:
            self.ctx.shell.select_key("klanten")
