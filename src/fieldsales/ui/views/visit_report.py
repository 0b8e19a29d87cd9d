"""Bezoekverslag: the full visit report, filled in after the visit (or completed later).

Contact, topics, products presented, agreements, follow-ups with dates, next visit and the
customer's satisfaction, saved through ``services.visits.log_visit`` in one transaction. Input
errors are shown in Dutch at the field they belong to; nothing is saved until all are right.

Attachments (a photo of the shop floor, a quote PDF) are filed under the visit at once, apart
from the report: "Bijlage toevoegen" stores the file and the sync sends it, even when the report
itself is finished later. The list shows each one's state and is refreshed when the sync state
changes, without touching what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

import flet as ft

from fieldsales.domain.errors import ValidationError
from fieldsales.services import browse
from fieldsales.services.visits import FollowUpInput, log_visit
from fieldsales.ui import format as fmt
from fieldsales.ui.context import USER_ERRORS, AppContext, user_message
from fieldsales.ui.labels import SATISFACTION
from fieldsales.ui.screen import Screen
from fieldsales.ui.views.attachments import AttachmentAdder, AttachmentList
from fieldsales.ui.views.voice_memo import VoiceMemoButton
from fieldsales.ui.widgets import DateField, empty_state, heading, score_button

NO_CONTACT = "-"


@dataclass
class FollowUpRow:
    description: ft.TextField
    due: DateField
    control: ft.Control


class VisitReportScreen(Screen):
    title = "Bezoekverslag"

    def __init__(self, ctx: AppContext, *, visit_id: str) -> None:
        super().__init__(ctx)
        self.visit_id = visit_id
        self.context: browse.VisitContext | None = None
        self.satisfaction: int | None = None
        self.products: list[str] = []  # product ids, in the order they were added
        self.follow_ups: list[FollowUpRow] = []
        self._follow_up_serial = 0  # keys are never reused: Flet freezes a reused key's control
        self._loaded = False
        today = ctx.today()
        self._first, self._last = today - timedelta(days=365), today + timedelta(days=3 * 365)

        self.header = ft.Text("", theme_style=ft.TextThemeStyle.TITLE_LARGE, key="report-header")
        self.contact = ft.Dropdown(label="Contactpersoon", key="report-contact", expand=True)
        self.topics = _text_area("Besproken onderwerpen", "report-topics")
        self.product_picker = ft.Dropdown(
            label="Product getoond",
            enable_filter=True,
            editable=True,
            on_select=self._add_product,
            key="report-product",
            expand=True,
        )
        self.product_chips = ft.Row(wrap=True, spacing=8, key="report-products")
        self.agreements = _text_area("Afspraken", "report-agreements")
        self.report = _text_area("Verslag", "report-text")
        self.follow_up_list = ft.Column(spacing=8)
        self.next_visit = DateField(
            "Volgend bezoek", key="report-next-date", first=today, last=self._last
        )
        self.next_time = ft.TextField(
            label="Tijd", value="09:00", hint_text="uu:mm", width=110, key="report-next-time"
        )
        self.score_row = ft.Row(wrap=True, spacing=8, key="report-scores")
        self.score_error = ft.Text("", visible=False, key="report-score-error")
        self.save_button = ft.FilledButton(
            "Verslag opslaan",
            icon=ft.Icons.SAVE,
            on_click=self.save,
            height=48,
            key="report-save",
        )
        self.attachments: AttachmentList | None = None  # once the visit's customer is known
        self.attachment_list = ft.Container(key="report-attachments")
        self.adder = AttachmentAdder(
            ctx,
            customer_id=lambda: self.context.customer.id if self.context else None,
            record_collection="visits",
            record_id=visit_id,
            on_added=self.refresh_attachments,
            key="report-add-attachment",
        )
        self.memo = VoiceMemoButton(
            ctx,
            visit_id=lambda: visit_id if self.context else None,
            on_saved=self.refresh_attachments,
            key="report-memo",
        )
        self.form = ft.ListView(
            [
                self.header,
                self.contact,
                self.topics,
                heading("Producten getoond"),
                self.product_picker,
                self.product_chips,
                self.agreements,
                heading("Vervolgacties"),
                self.follow_up_list,
                ft.TextButton(
                    "Vervolgactie toevoegen",
                    icon=ft.Icons.ADD,
                    on_click=self.add_follow_up,
                    height=48,
                    key="report-add-follow-up",
                ),
                heading("Volgend bezoek"),
                ft.Row(
                    [self.next_visit.control, self.next_time],
                    vertical_alignment=ft.CrossAxisAlignment.START,
                ),
                heading("Klanttevredenheid"),
                self.score_row,
                self.score_error,
                self.report,
                heading("Bijlagen"),
                self.attachment_list,
                self.memo.control,
                self.adder.control,
                ft.Row([self.save_button], alignment=ft.MainAxisAlignment.END),
            ],
            spacing=12,
            padding=ft.Padding.all(16),
            expand=True,
        )
        self._body = ft.Container(self.form, expand=True)

    @property
    def body(self) -> ft.Control:
        return self._body

    def refresh(self) -> None:
        """Load the visit once: refreshing again must not throw away what was typed (only the
        attachments, which are not typed, are read again)."""
        if self._loaded:
            self.refresh_attachments()
            return
        context = self.ctx.read(browse.visit_context, visit_id=self.visit_id)
        if context is None:
            self._body.content = empty_state(
                ft.Icons.ERROR_OUTLINE,
                "Dit bezoek is niet (meer) beschikbaar",
                "Ga terug naar de dagplanning en kies het bezoek opnieuw.",
            )
            return
        self._loaded = True
        self.context = context
        visit, customer = context.visit, context.customer
        self.header.value = (
            f"{customer.name} · {fmt.short_date(visit.planned_start)} {fmt.hm(visit.planned_start)}"
        )
        self.contact.options = [ft.DropdownOption(key=NO_CONTACT, text="Geen contactpersoon")] + [
            ft.DropdownOption(key=c.id, text=_person(c.first_name, c.last_name, c.job_title))
            for c in context.contacts
        ]
        self.contact.value = visit.contact_id or NO_CONTACT
        self.topics.value = visit.topics
        self.agreements.value = visit.agreements
        self.report.value = visit.report
        self.products = list(visit.products_presented)
        self.product_picker.options = [
            ft.DropdownOption(key=p.id, text=p.name) for p in context.products
        ]
        if not context.products:
            self.product_picker.hint_text = "Geen producten op dit apparaat; synchroniseer eerst"
            self.product_picker.disabled = True
        self.satisfaction = visit.satisfaction
        if visit.next_visit_on is not None:
            self.next_visit.set(visit.next_visit_on)
        self._render_products()
        self._render_scores()
        self.attachments = AttachmentList(
            self.ctx,
            customer_id=customer.id,
            record_collection="visits",
            record_id=visit.id,
            empty="Nog geen bijlagen bij dit bezoek.",
        )
        self.attachment_list.content = self.attachments.control
        self.attachments.refresh()

    # --- attachments ---------------------------------------------------------------------------
    def refresh_attachments(self) -> None:
        if self.attachments is not None:
            self.attachments.refresh()

    def sync_changed(self) -> None:
        """A sync moved on: an attachment may be sent or fetched now."""
        self.refresh_attachments()

    def leave(self) -> None:
        """A memo still being recorded is stopped and filed, not left running unseen."""
        if self.memo.recording:
            self.ctx.page.run_task(self.memo.stop)

    # --- products ------------------------------------------------------------------------------
    def _product_name(self, product_id: str) -> str:
        if self.context is not None:
            for product in self.context.products:
                if product.id == product_id:
                    return product.name
        return product_id

    def _add_product(self, e: ft.Event[ft.Dropdown]) -> None:
        value = e.control.value
        if value and value not in self.products:
            self.products.append(value)
        self.product_picker.value = None
        self._render_products()

    def _remove_product(self, product_id: str) -> None:
        self.products = [p for p in self.products if p != product_id]
        self._render_products()

    def _render_products(self) -> None:
        self.product_chips.controls = [
            ft.Chip(
                label=self._product_name(pid),
                on_delete=lambda _, pid=pid: self._remove_product(pid),
                delete_icon_tooltip=f"{self._product_name(pid)} weghalen",
                data=f"product-{pid}",
            )
            for pid in self.products
        ]

    # --- satisfaction --------------------------------------------------------------------------
    def _set_score(self, score: int) -> None:
        self.satisfaction = None if self.satisfaction == score else score
        self._render_scores()

    def _render_scores(self) -> None:
        self.score_row.controls = [
            score_button(s, SATISFACTION[s], self._set_score, selected=s == self.satisfaction)
            for s in range(1, 6)
        ]

    # --- follow-ups ----------------------------------------------------------------------------
    def add_follow_up(self) -> FollowUpRow:
        n = self._follow_up_serial
        self._follow_up_serial += 1
        description = ft.TextField(
            label="Vervolgactie", key=f"follow-up-{n}-text", expand=True, multiline=True
        )
        due = DateField("Datum", key=f"follow-up-{n}-date", first=self._first, last=self._last)
        due.control.expand = False
        due.control.width = 220
        row = FollowUpRow(description, due, ft.Container())
        remove = ft.IconButton(
            ft.Icons.DELETE_OUTLINE,
            tooltip="Vervolgactie weghalen",
            on_click=lambda: self._remove_follow_up(row),
            key=f"follow-up-{n}-remove",
        )
        row.control = ft.ResponsiveRow(
            [
                ft.Container(description, col={"xs": 12, "md": 7}),
                ft.Row([due.control, remove], col={"xs": 12, "md": 5}),
            ]
        )
        self.follow_ups.append(row)
        self.follow_up_list.controls.append(row.control)
        return row

    def _remove_follow_up(self, row: FollowUpRow) -> None:
        self.follow_ups.remove(row)
        self.follow_up_list.controls.remove(row.control)

    # --- saving --------------------------------------------------------------------------------
    def _collect(self) -> tuple[list[FollowUpInput], date | None, time] | None:
        """Read and check the inputs; mark every wrong field and return None if any is."""
        ok = True
        follow_ups: list[FollowUpInput] = []
        for row in self.follow_ups:
            row.description.error = None
            row.due.show_error(None)
            text = row.description.value.strip()
            try:
                due = row.due.value()
            except ValidationError as exc:
                row.due.show_error(exc.message)
                ok = False
                due = None
            if not text and due is None:
                continue  # an empty row is ignored rather than refused
            if not text:
                row.description.error = "Beschrijf wat er moet gebeuren."
                ok = False
                continue
            follow_ups.append(FollowUpInput(description=text, due_on=due))

        self.next_visit.show_error(None)
        self.next_time.error = None
        next_on: date | None = None
        try:
            next_on = self.next_visit.value()
            if next_on is not None and next_on <= self.ctx.today():
                self.next_visit.show_error("Het volgende bezoek ligt na vandaag.")
                ok = False
        except ValidationError as exc:
            self.next_visit.show_error(exc.message)
            ok = False
        next_time = time(9, 0)
        try:
            next_time = fmt.parse_time_field(self.next_time.value, field="next_time") or next_time
        except ValidationError as exc:
            self.next_time.error = exc.message
            ok = False
        return (follow_ups, next_on, next_time) if ok else None

    def save(self) -> None:
        self.score_error.visible = False
        self.contact.error_text = None
        collected = self._collect()
        if collected is None:
            self.ctx.toast("Controleer de gemarkeerde velden.")
            return
        follow_ups, next_on, next_time = collected
        contact_id = self.contact.value if self.contact.value not in (None, NO_CONTACT) else None
        try:
            log_visit(
                self.ctx.store,
                actor=self.ctx.actor,
                visit_id=self.visit_id,
                contact_id=contact_id,
                topics=self.topics.value,
                products_presented=self.products,
                agreements=self.agreements.value,
                report=self.report.value,
                satisfaction=self.satisfaction,
                follow_ups=follow_ups,
                next_visit_on=next_on,
                next_visit_time=next_time,
            )
        except USER_ERRORS as exc:
            self._show_service_error(exc)
            return
        self.ctx.data_changed()
        self.ctx.toast("Bezoekverslag opgeslagen.")
        if self.ctx.shell is not None:
            self.ctx.shell.back()

    def _show_service_error(self, exc: Exception) -> None:
        """At the field the service names; otherwise in a snack bar."""
        message = user_message(exc)
        field = getattr(exc, "field", None)
        if field == "satisfaction":
            self.score_error.value = message
            self.score_error.visible = True
        elif field == "contact_id" or getattr(exc, "code", "") == "contact_other_customer":
            self.contact.error_text = message
        elif field in ("topics", "agreements", "report"):
            getattr(self, "report" if field == "report" else field).error = message
        else:
            self.ctx.toast(message)


def _text_area(label: str, key: str) -> ft.TextField:
    return ft.TextField(label=label, multiline=True, min_lines=2, max_lines=6, key=key)


def _person(first: str, last: str, job_title: str = "") -> str:
    name = " ".join(p for p in (first, last) if p)
    return f"{name} ({job_title})" if job_title else name
