"""Nieuw accountplan: pick one of your customers (by typing part of the name) and the year.

Plans for the coming year are written in the last quarter, so from October the year offered
first is next year (``plan_views.default_plan_year``); this year stays one tap away. A customer
that already has a plan for the chosen year says so, and tapping it opens that plan instead of
refusing: one plan per customer per year is the service's rule, and the user wanted the plan.
"""

from __future__ import annotations

from functools import partial

import flet as ft

from fieldsales.services import plan_views
from fieldsales.ui.context import AppContext
from fieldsales.ui.theme import TOUCH_TARGET
from fieldsales.ui.views.plan_editor import open_or_create_plan


class NewPlanDialog:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        today = ctx.today()
        default = plan_views.default_plan_year(today)
        years = sorted({today.year, default, today.year + 1})
        self.year = ft.Dropdown(
            label="Jaar",
            value=str(default),
            options=[ft.DropdownOption(key=str(y), text=str(y)) for y in years],
            on_select=self._search,
            width=120,
            key="new-plan-year",
        )
        self.search = ft.TextField(
            label="Klant zoeken",
            hint_text="Typ een deel van de naam",
            prefix_icon=ft.Icons.SEARCH,
            on_change=self._search,
            autofocus=True,
            key="new-plan-search",
            expand=True,
        )
        self.results = ft.Column(spacing=0, key="new-plan-results")
        self.dialog = ft.AlertDialog(
            title=ft.Text("Nieuw accountplan"),
            content=ft.Container(
                ft.Column([ft.Row([self.search, self.year]), self.results], tight=True, spacing=12),
                width=480,
            ),
            actions=[
                ft.TextButton(
                    "Annuleren", on_click=self.close, height=TOUCH_TARGET, key="new-plan-back"
                )
            ],
            scrollable=True,  # up to CANDIDATES customers: more than a phone screen holds
            semantics_label="Nieuw accountplan",
        )

    def show(self) -> None:
        self._search()
        self.ctx.show(self.dialog)

    def close(self) -> None:
        self.ctx.close(self.dialog)

    def _search(self) -> None:
        year = int(self.year.value or plan_views.default_plan_year(self.ctx.today()))
        found = (
            self.ctx.read(plan_views.plan_candidates, year=year, text=self.search.value or "") or []
        )
        rows: list[ft.Control] = []
        for candidate in found:
            c = candidate.customer
            where = c.city or ""
            if candidate.plan_id is not None:
                state = f"plan {year} bestaat al: openen"
            else:
                state = f"plan {year} opstellen"
            rows.append(
                ft.ListTile(
                    leading=ft.Icon(
                        ft.Icons.ASSIGNMENT_OUTLINED
                        if candidate.plan_id is not None
                        else ft.Icons.NOTE_ADD_OUTLINED
                    ),
                    title=ft.Text(c.name),
                    subtitle=ft.Text(" · ".join(p for p in (where, state) if p)),
                    on_click=partial(self._choose, c.id, year),
                    data=f"new-plan-customer-{c.id}",
                )
            )
        if not rows:
            text = (self.search.value or "").strip()
            rows.append(
                ft.Text(
                    f"Geen eigen klant gevonden voor '{text}'."
                    if text
                    else "U heeft nog geen eigen klanten op dit apparaat.",
                    italic=True,
                )
            )
        elif len(found) >= plan_views.CANDIDATES:
            rows.append(ft.Text("Meer gevonden: typ verder om te verfijnen.", italic=True))
        self.results.controls = rows

    def _choose(self, customer_id: str, year: int) -> None:
        self.close()
        open_or_create_plan(self.ctx, customer_id, year)
