"""Resultaten, reached from Meer: revenue against target and last year, where a deviation comes
from (and its cause), satisfaction, churn, new customers, cross- and up-sell, account plans.

A period is a week, month, quarter or year (the current one to start with, then back and forth)
or any range from-to. A salesperson sees their own portfolio; a manager sees the team with a
line per salesperson, and can pick one salesperson (from the list or by tapping their line).
The figures are ``services.results`` (the year report's facts and KPI functions); the sections
are drawn by ``results_sections``.

Computing a report over a portfolio of 500 customers with three years of history takes about
half a second (one query over some 20,000 order lines is most of it), too long for the UI
loop: it runs on a worker thread while a progress bar shows, and a newer request (the user
tapped "previous" twice) makes an older answer be dropped when it arrives.

The salesperson records the cause of a deviation (lost customer, price pressure, ...) from the
row of the customer or product group it is about, or for the whole; it is stored with
``services.targets.record_deviation_cause`` for the period shown and the report carries it.

Export: the report's tables as a CSV file for Dutch Excel (``reports.export``), offered the way
``views.attachments`` offers a file: opened by the computer's own program on a desktop (saved
in the Downloads folder first), downloaded in a browser, saved where the user picks on a phone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import flet as ft

from fieldsales.domain.deviations import DeviationRow
from fieldsales.domain.enums import DeviationCauseKind
from fieldsales.domain.errors import ValidationError
from fieldsales.domain.labels import choices
from fieldsales.domain.money import format_cents, parse_amount, to_cents
from fieldsales.domain.periods import Period, add_months
from fieldsales.services import results as results_service
from fieldsales.services.targets import record_deviation_cause
from fieldsales.ui import format as fmt
from fieldsales.ui.context import USER_ERRORS, AppContext, user_message
from fieldsales.ui.screen import Screen
from fieldsales.ui.theme import TOUCH_TARGET
from fieldsales.ui.views.attachments import OPEN_ACTIONS, mode_of, offer_bytes
from fieldsales.ui.views.form_dialog import FormDialog
from fieldsales.ui.views.results_sections import Actions, sections
from fieldsales.ui.widgets import DateField

log = logging.getLogger(__name__)

KINDS = {
    "week": "Week",
    "month": "Maand",
    "quarter": "Kwartaal",
    "year": "Jaar",
    "custom": "Anders",
}
TEAM = "team"
_MONTHS = {"month": 1, "quarter": 3, "year": 12}


# --- periods -----------------------------------------------------------------------------------


def period_for(kind: str, anchor: date) -> Period:
    """The week, month, quarter or year that holds ``anchor``."""
    if kind == "week":
        return Period.containing_week(anchor)
    if kind == "month":
        return Period.month(anchor.year, anchor.month)
    if kind == "quarter":
        return Period.quarter(anchor.year, (anchor.month - 1) // 3 + 1)
    return Period.year(anchor.year)


def step(kind: str, period: Period, steps: int) -> Period:
    """The period ``steps`` further (back when negative); a custom range moves by its length."""
    if kind == "week":
        return Period.containing_week(period.start + timedelta(days=7 * steps))
    if kind in _MONTHS:
        return period_for(kind, add_months(period.start, _MONTHS[kind] * steps))
    shift = timedelta(days=period.days * steps)
    return Period(period.start + shift, period.end + shift)


# --- the screen --------------------------------------------------------------------------------


class ResultsScreen(Screen):
    title = "Resultaten"
    refresh_on_sync = True

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.kind = "month"
        self.period = period_for(self.kind, ctx.today())
        self.team_view = results_service.sees_team(ctx.actor)
        self.owner_id: str | None = None
        self.results: results_service.Results | None = None
        self._generation = 0

        self.kinds = ft.SegmentedButton(
            segments=[ft.Segment(value=k, label=text) for k, text in KINDS.items()],
            selected=[self.kind],
            show_selected_icon=False,  # five segments must fit a phone's width
            on_change=self._kind_changed,
            key="results-kind",
        )
        self.previous = ft.IconButton(
            ft.Icons.CHEVRON_LEFT,
            tooltip="Vorige periode",
            on_click=lambda: self._move(-1),
            width=TOUCH_TARGET,
            height=TOUCH_TARGET,
            key="results-prev",
        )
        self.next = ft.IconButton(
            ft.Icons.CHEVRON_RIGHT,
            tooltip="Volgende periode",
            on_click=lambda: self._move(1),
            width=TOUCH_TARGET,
            height=TOUCH_TARGET,
            key="results-next",
        )
        self.period_text = ft.Text(
            theme_style=ft.TextThemeStyle.TITLE_MEDIUM,
            text_align=ft.TextAlign.CENTER,
            expand=True,
            key="results-period",
        )
        today = ctx.today()
        first, last = date(today.year - 10, 1, 1), date(today.year + 1, 12, 31)
        self.custom_from = DateField("Van", key="results-from", first=first, last=last)
        self.custom_to = DateField("Tot en met", key="results-to", first=first, last=last)
        self.custom = ft.Column(
            [
                ft.Row([self.custom_from.control]),
                ft.Row([self.custom_to.control]),
                ft.FilledTonalButton(
                    "Toon resultaten",
                    icon=ft.Icons.CHECK,
                    on_click=self._custom_chosen,
                    height=TOUCH_TARGET,
                    key="results-custom-show",
                ),
            ],
            visible=False,
            spacing=8,
            key="results-custom",
        )
        self.owner = ft.Dropdown(
            label="Wie",
            value=TEAM,
            options=[ft.DropdownOption(key=TEAM, text=results_service.TEAM)],
            on_select=self._owner_chosen,
            visible=self.team_view,
            key="results-owner",
            expand=True,
        )
        self.compared = ft.Text(
            theme_style=ft.TextThemeStyle.BODY_SMALL, expand=True, key="results-compared"
        )
        self.progress = ft.ProgressBar(
            value=None, semantics_label="Resultaten worden berekend", key="results-progress"
        )
        self.status = ft.Text("", key="results-status")
        action = OPEN_ACTIONS[mode_of(ctx.page)]
        self.export_button = ft.OutlinedButton(
            "Exporteren (CSV)",
            icon=ft.Icons.DOWNLOAD,
            tooltip=f"De tabellen van dit overzicht als CSV-bestand voor Excel. {action.why}",
            on_click=self._export,
            disabled=True,
            height=TOUCH_TARGET,
            key="results-export",
        )
        self.pdf_button = ft.OutlinedButton(
            "PDF",
            icon=ft.Icons.PICTURE_AS_PDF_OUTLINED,
            tooltip=f"Dit overzicht als PDF, om te bewaren of te delen. {action.why}",
            on_click=self._export_pdf,
            disabled=True,
            height=TOUCH_TARGET,
            key="results-pdf",
        )
        self.sections = ft.ResponsiveRow(spacing=8, run_spacing=8, key="results-sections")
        self._body = ft.ListView(
            [
                ft.Row([self.kinds], scroll=ft.ScrollMode.AUTO),
                ft.Row([self.previous, self.period_text, self.next]),
                self.custom,
                ft.Row([self.owner]),
                ft.Row([self.compared, self.export_button, self.pdf_button], wrap=True),
                self.progress,
                self.status,
                self.sections,
            ],
            spacing=8,
            padding=ft.Padding.all(16),
            expand=True,
        )

    @property
    def body(self) -> ft.Control:
        return self._body

    # --- loading --------------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.team_view:
            people = self.ctx.read(results_service.salespeople) or []
            self.owner.options = [ft.DropdownOption(key=TEAM, text=results_service.TEAM)] + [
                ft.DropdownOption(key=p.user_id, text=p.name) for p in people
            ]
        self._load()

    def _load(self) -> None:
        """Show the period and a progress bar now; compute on a worker thread."""
        self._generation += 1
        today = self.ctx.today()
        self.period_text.value = self.period.label()
        so_far = self.period.until(today)
        if so_far is not None and so_far != self.period:
            self.period_text.value += f" (t/m {fmt.short_date(today)})"
        self.next.disabled = self.kind != "custom" and step(self.kind, self.period, 1).start > today
        self.progress.visible = True
        self.status.value = "Resultaten worden berekend…"
        self.status.visible = True
        self.export_button.disabled = True
        self.pdf_button.disabled = True
        self.ctx.page.run_task(self._compute, self._generation, self.period, self.owner_id, today)

    async def _compute(
        self, generation: int, period: Period, owner_id: str | None, today: date
    ) -> None:
        error: str | None = None
        found: results_service.Results | None = None
        try:
            found = await asyncio.to_thread(
                results_service.results,
                self.ctx.store,
                actor=self.ctx.actor,
                period=period,
                as_of=today,
                owner_id=owner_id,
            )
        except USER_ERRORS as exc:
            error = user_message(exc)
        except Exception:  # a failed report must not take the screen down
            log.exception("computing the results failed")
            error = "De resultaten konden niet worden berekend. Probeer het opnieuw."
        if generation != self._generation:
            return  # the user asked for another period or person meanwhile
        self.progress.visible = False
        if found is None:
            self.status.value = error or ""
            self.ctx.toast(self.status.value)
        else:
            self._show(found)
        self.ctx.page.update()

    def _show(self, found: results_service.Results) -> None:
        self.results = found
        report = found.report
        self.status.visible = False
        self.compared.value = (
            f"{found.subject} · {fmt.short_date(report.period.start)} t/m "
            f"{fmt.short_date(report.period.end)}, vergeleken met "
            f"{fmt.short_date(report.previous_period.start)} t/m "
            f"{fmt.short_date(report.previous_period.end)}"
        )
        actions = Actions(
            record_cause=None if self.team_view else self._record_cause,
            show_salesperson=self._show_salesperson if self.owner_id is None else None,
        )
        built = sections(found, actions)
        for control in built:
            control.col = {"xs": 12, "lg": 6}
        self.sections.controls = built
        self.export_button.disabled = False
        self.pdf_button.disabled = False

    # --- choosing what to see -------------------------------------------------------------------

    def _kind_changed(self, e: ft.Event[ft.SegmentedButton]) -> None:
        kind = (e.control.selected or ["month"])[0]
        self.kind = kind
        if kind == "custom":
            self.custom_from.set(self.period.start)
            self.custom_to.set(self.period.end)
            self.custom.visible = True
            self.next.disabled = False
            return
        self.custom.visible = False
        self.period = period_for(kind, min(self.period.end, self.ctx.today()))
        self._load()

    def _move(self, steps: int) -> None:
        self.period = step(self.kind, self.period, steps)
        if self.kind == "custom":
            self.custom_from.set(self.period.start)
            self.custom_to.set(self.period.end)
        self._load()

    def _custom_chosen(self) -> None:
        self.custom_from.show_error(None)
        self.custom_to.show_error(None)
        try:
            start = self.custom_from.value()
        except ValidationError as exc:
            self.custom_from.show_error(exc.message)
            return
        try:
            end = self.custom_to.value()
        except ValidationError as exc:
            self.custom_to.show_error(exc.message)
            return
        if start is None:
            self.custom_from.show_error("Vul de eerste dag in.")
            return
        if end is None:
            self.custom_to.show_error("Vul de laatste dag in.")
            return
        if end < start:
            self.custom_to.show_error("De laatste dag ligt vóór de eerste.")
            return
        self.period = Period(start, end)
        self._load()

    def _owner_chosen(self) -> None:
        value = self.owner.value
        self.owner_id = None if value in (None, TEAM) else value
        self._load()

    def _show_salesperson(self, owner_id: str) -> None:
        self.owner.value = owner_id
        self.owner_id = owner_id
        self._load()

    # --- causes and export ----------------------------------------------------------------------

    def _record_cause(self, kind: str, key: str | None, row: DeviationRow | None) -> None:
        res = self.results
        if res is None:
            return
        if kind == "customer":
            about = res.names.customer(key)
        elif kind == "group":
            about = res.names.group(key)
        else:
            about = "het geheel"
        CauseDialog(
            self.ctx,
            period=self.period,
            about=about,
            customer_id=key if kind == "customer" else None,
            product_group_id=key if kind == "group" else None,
            row=row,
            on_recorded=self._load,
        ).show()

    async def _export(self) -> None:
        res = self.results
        if res is None:
            return
        file = results_service.export(res)
        await offer_bytes(self.ctx, file.name, file.data)

    async def _export_pdf(self) -> None:
        res = self.results
        if res is None:
            return
        file = results_service.export_as_pdf(res, made=self.ctx.today())
        await offer_bytes(self.ctx, file.name, file.data)


class CauseDialog(FormDialog):
    """Oorzaak vastleggen: why a customer, product group or the whole deviates from target,
    with the part of the deviation it explains (optional) and a note."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        period: Period,
        about: str,
        customer_id: str | None,
        product_group_id: str | None,
        row: DeviationRow | None,
        on_recorded: Callable[[], Any],
    ) -> None:
        self.period = period
        self.about = about
        self.customer_id = customer_id
        self.product_group_id = product_group_id
        self.on_recorded = on_recorded
        self.cause = ft.Dropdown(
            label="Oorzaak",
            options=[
                ft.DropdownOption(key=value, text=text)
                for value, text in choices(DeviationCauseKind)
            ],
            key="cause-kind",
            expand=True,
        )
        unexplained = row.deviation_cents - row.explained_cents if row is not None else 0
        self.amount = ft.TextField(
            label="Bedrag dat dit verklaart (niet verplicht)",
            hint_text="bijvoorbeeld -1.250,00",
            value=format_cents(unexplained) if unexplained else "",
            keyboard_type=ft.KeyboardType.NUMBER,
            key="cause-amount",
        )
        self.note = ft.TextField(label="Toelichting", multiline=True, max_lines=4, key="cause-note")
        what = [ft.Text(f"{about}, {period.label()}", theme_style=ft.TextThemeStyle.BODY_MEDIUM)]
        if row is not None:
            what.append(
                ft.Text(
                    f"Afwijking {format_cents(row.deviation_cents)}, waarvan al verklaard "
                    f"{format_cents(row.explained_cents)}",
                    theme_style=ft.TextThemeStyle.BODY_SMALL,
                )
            )
        super().__init__(
            ctx,
            title="Oorzaak vastleggen",
            fields=[*what, ft.Row([self.cause]), self.amount, self.note],
            confirm="Vastleggen",
            key="cause",
            label=f"Oorzaak vastleggen: {about}",
        )
        self.dialog.scrollable = True

    def save(self) -> None:
        self.cause.error_text = None
        self.amount.error = None
        cause = DeviationCauseKind(self.cause.value) if self.cause.value else None
        if cause is None:
            self.cause.error_text = "Kies een oorzaak."
        amount: int | None = None
        text = (self.amount.value or "").strip()
        if text:
            try:
                amount = to_cents(parse_amount(text, field="amount"))
            except ValidationError as exc:
                self.amount.error = exc.message
                return
        if cause is None:
            return
        recorded = self.ctx.call(
            record_deviation_cause,
            period_start=self.period.start,
            period_end=self.period.end,
            cause=cause,
            note=self.note.value or "",
            customer_id=self.customer_id,
            product_group_id=self.product_group_id,
            amount_cents=amount,
        )
        if recorded is None:
            return
        self.close()
        self.ctx.toast(f"Oorzaak vastgelegd voor {self.about}.")
        self.on_recorded()
