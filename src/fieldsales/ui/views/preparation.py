"""Bezoekvoorbereiding: the one screen to read before walking in.

The visit (time, contact, planned topics) on top, then the customer's file: last visits and
their follow-ups, open complaints, open quotes, contacts. Opening it marks the visit as prepared
(``services.visits.mark_prepared``), which the day view shows.
"""

from __future__ import annotations

import flet as ft

from fieldsales.domain.enums import VisitStatus
from fieldsales.services import browse
from fieldsales.services.visits import mark_prepared
from fieldsales.ui import format as fmt
from fieldsales.ui.context import AppContext
from fieldsales.ui.screen import Screen
from fieldsales.ui.views.customer_file import CustomerFileView
from fieldsales.ui.views.visit_report import VisitReportScreen
from fieldsales.ui.widgets import empty_state


class PreparationScreen(Screen):
    title = "Voorbereiding"

    def __init__(self, ctx: AppContext, *, visit_id: str) -> None:
        super().__init__(ctx)
        self.visit_id = visit_id
        self.visit_line = ft.Text("", theme_style=ft.TextThemeStyle.TITLE_MEDIUM, key="prep-visit")
        self.topics_line = ft.Text("", key="prep-topics")
        self.report_button = ft.FilledTonalButton(
            "Bezoekverslag",
            icon=ft.Icons.EDIT_NOTE,
            on_click=self._report,
            height=48,
            key="prep-report",
        )
        self.view: CustomerFileView | None = None
        self._body = ft.Container(expand=True)

    @property
    def body(self) -> ft.Control:
        return self._body

    def refresh(self) -> None:
        context = self.ctx.read(browse.visit_context, visit_id=self.visit_id)
        if context is None:
            self._body.content = empty_state(
                ft.Icons.ERROR_OUTLINE,
                "Dit bezoek is niet (meer) beschikbaar",
                "Ga terug naar de dagplanning.",
            )
            return
        visit = context.visit
        if visit.status is VisitStatus.PLANNED:
            self.ctx.call(mark_prepared, visit_id=visit.id)
        contact = next((c for c in context.contacts if c.id == visit.contact_id), None)
        who = f" met {contact.first_name} {contact.last_name}".rstrip() if contact else ""
        self.visit_line.value = (
            f"Bezoek {fmt.short_date(visit.planned_start)} {fmt.hm(visit.planned_start)}{who}"
        )
        self.topics_line.value = (
            f"Onderwerpen: {visit.topics}" if visit.topics else "Nog geen onderwerpen gepland."
        )
        if self.view is None:
            self.view = CustomerFileView(
                self.ctx,
                visit.customer_id,
                intro=[
                    ft.Column([self.visit_line, self.topics_line, self.report_button], spacing=8),
                    ft.Divider(),
                ],
            )
            self._body.content = self.view.control
        self.view.refresh()

    def _report(self) -> None:
        if self.ctx.shell is not None:
            self.ctx.shell.open(VisitReportScreen(self.ctx, visit_id=self.visit_id))
