"""Bellijst: prospects to call (call-backs due first), the call's outcome in one tap, and the
appointment or call-back date in the same flow (``services.calls``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import flet as ft

from fieldsales.domain.enums import CallOutcome, CustomerKind
from fieldsales.domain.errors import ValidationError
from fieldsales.services import calls, customers
from fieldsales.ui import format as fmt
from fieldsales.ui.context import USER_ERRORS, AppContext, user_message
from fieldsales.ui.labels import CALL_OUTCOME
from fieldsales.ui.screen import Screen
from fieldsales.ui.theme import BIG_TARGET
from fieldsales.ui.widgets import DateField, empty_state, link_button


def describe(entry: calls.CallListEntry) -> str:
    """Why this prospect is on the list, in a few words."""
    c = entry.customer
    parts = [p for p in (c.city, c.sector) if p]
    if entry.call_back_on is not None:
        parts.append(f"terugbellen {fmt.short_date(entry.call_back_on)}")
    elif entry.last_call is not None:
        last = entry.last_call
        parts.append(f"{CALL_OUTCOME[last.outcome].lower()} op {fmt.short_date(last.called_at)}")
    else:
        parts.append("nog niet gebeld")
    return " · ".join(parts)


class ProspectsScreen(Screen):
    title = "Bellijst"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.entries: list[calls.CallListEntry] = []
        self.list = ft.ListView(expand=True, spacing=0, key="call-list")
        self.fab = ft.FloatingActionButton(
            icon=ft.Icons.PERSON_ADD,
            tooltip="Nieuwe prospect",
            on_click=self.open_new_prospect,
            key="new-prospect",
        )
        self._body = ft.Container(self.list, expand=True, padding=ft.Padding.only(top=8))

    @property
    def body(self) -> ft.Control:
        return self._body

    def refresh(self) -> None:
        self.entries = self.ctx.read(calls.call_list, today=self.ctx.today()) or []
        if not self.entries:
            self.list.controls = [
                empty_state(
                    ft.Icons.PHONE_DISABLED,
                    "Geen prospects om te bellen",
                    "Leg een nieuwe prospect vast met de knop rechtsonder; prospects met een "
                    "afspraak of zonder interesse staan niet meer op de lijst.",
                    ident="prospects-empty",
                )
            ]
            return
        self.list.controls = [self._tile(e) for e in self.entries]

    def _tile(self, entry: calls.CallListEntry) -> ft.Control:
        c = entry.customer
        trailing: list[ft.Control] = []
        if c.phone:
            trailing.append(
                link_button(ft.Icons.PHONE, f"Bel {c.name}", partial(self._dial, c.phone, c.name))
            )
        trailing.append(
            link_button(
                ft.Icons.EDIT_CALENDAR,
                f"Gesprek met {c.name} vastleggen",
                partial(self.open_outcome, entry),
                ident=f"log-call-{c.id}",
            )
        )
        return ft.ListTile(
            title=ft.Text(c.name),
            subtitle=ft.Text(describe(entry)),
            trailing=ft.Row(trailing, tight=True, spacing=0),
            data=f"prospect-{c.id}",
        )

    async def _dial(self, phone: str, name: str) -> None:
        await self.ctx.open_url(fmt.tel_url(phone), what=f"Bellen naar {name}")

    # --- logging a call ------------------------------------------------------------------------
    def open_outcome(self, entry: calls.CallListEntry) -> None:
        CallOutcomeDialog(self.ctx, entry, on_saved=self.refresh).show()

    # --- a new prospect ------------------------------------------------------------------------
    def open_new_prospect(self) -> None:
        NewProspectDialog(self.ctx, on_saved=self.refresh).show()


class CallOutcomeDialog:
    """Four big outcome buttons; a call-back asks for a date, an appointment for date and time."""

    def __init__(
        self, ctx: AppContext, entry: calls.CallListEntry, *, on_saved: Callable[[], Any]
    ) -> None:
        self.ctx = ctx
        self.entry = entry
        self.on_saved = on_saved
        self.outcome: CallOutcome | None = None
        today = ctx.today()
        self.date = DateField("Datum", key="call-date", first=today, last=today + timedelta(365))
        self.time = ft.TextField(label="Tijd", value="10:00", width=110, key="call-time")
        # The date field stretches across in a Row; straight in a Column it would fill the
        # dialog's height.
        self.details = ft.Column(
            [ft.Row([self.date.control]), self.time], visible=False, tight=True
        )
        self.save_button = ft.FilledButton(
            "Opslaan", on_click=self._save_with_date, visible=False, height=48, key="call-save"
        )
        self.dialog = ft.AlertDialog(
            title=ft.Text(f"Gesprek met {entry.customer.name}"),
            content=ft.Column(
                [
                    *[
                        ft.FilledTonalButton(
                            CALL_OUTCOME[o],
                            on_click=partial(self._choose, o),
                            height=BIG_TARGET,
                            width=280,
                            key=f"outcome-{o.value}",
                        )
                        for o in CallOutcome
                    ],
                    self.details,
                ],
                tight=True,
                spacing=8,
            ),
            actions=[
                ft.TextButton("Annuleren", on_click=self._close, height=48),
                self.save_button,
            ],
        )

    def show(self) -> None:
        self.ctx.show(self.dialog)

    def _close(self) -> None:
        self.ctx.close(self.dialog)

    def _choose(self, outcome: CallOutcome) -> None:
        self.outcome = outcome
        if outcome in (CallOutcome.NO_ANSWER, CallOutcome.NOT_INTERESTED):
            self._log(outcome)
            return
        self.details.visible = True
        self.time.visible = outcome is CallOutcome.APPOINTMENT
        self.save_button.visible = True

    def _save_with_date(self) -> None:
        if self.outcome is None:
            return
        try:
            day = self.date.value()
        except ValidationError as exc:
            self.date.show_error(exc.message)
            return
        if day is None:
            self.date.show_error("Kies een datum.")
            return
        self.date.show_error(None)
        if self.outcome is CallOutcome.CALL_BACK:
            self._log(self.outcome, call_back_on=day)
            return
        try:
            at = fmt.parse_time_field(self.time.value, field="time")
        except ValidationError as exc:
            self.time.error = exc.message
            return
        if at is None:
            self.time.error = "Kies een tijd."
            return
        start = datetime.combine(day, at).astimezone()
        self._log(self.outcome, appointment_start=start)

    def _log(self, outcome: CallOutcome, **kwargs: object) -> None:
        try:
            calls.log_call(
                self.ctx.store,
                actor=self.ctx.actor,
                customer_id=self.entry.customer.id,
                outcome=outcome,
                called_at=self.ctx.now(),
                **kwargs,  # type: ignore[arg-type]
            )
        except USER_ERRORS as exc:
            self.ctx.toast(user_message(exc))
            return
        self._close()
        self.ctx.data_changed()
        self.on_saved()
        self.ctx.toast(f"Gesprek vastgelegd: {CALL_OUTCOME[outcome].lower()}.")


class NewProspectDialog:
    """Name, place and phone are enough to start calling; the rest can follow in the file."""

    def __init__(self, ctx: AppContext, *, on_saved: Callable[[], Any]) -> None:
        self.ctx = ctx
        self.on_saved = on_saved
        self.name = ft.TextField(label="Bedrijfsnaam", key="prospect-name", autofocus=True)
        self.city = ft.TextField(label="Plaats", key="prospect-city")
        self.phone = ft.TextField(
            label="Telefoon", keyboard_type=ft.KeyboardType.PHONE, key="prospect-phone"
        )
        self.source = ft.TextField(label="Bron (bijv. beurs, website)", key="prospect-source")
        self.dialog = ft.AlertDialog(
            title=ft.Text("Nieuwe prospect"),
            content=ft.Column([self.name, self.city, self.phone, self.source], tight=True),
            actions=[
                ft.TextButton("Annuleren", on_click=self._close, height=48),
                ft.FilledButton("Opslaan", on_click=self._save, height=48, key="prospect-save"),
            ],
        )

    def show(self) -> None:
        self.ctx.show(self.dialog)

    def _close(self) -> None:
        self.ctx.close(self.dialog)

    def _save(self) -> None:
        fields = {"name": self.name, "city": self.city, "phone": self.phone, "source": self.source}
        for field in fields.values():
            field.error = None
        try:
            customers.create_customer(
                self.ctx.store,
                actor=self.ctx.actor,
                name=self.name.value,
                kind=CustomerKind.PROSPECT,
                city=self.city.value,
                phone=self.phone.value,
                source=self.source.value,
            )
        except USER_ERRORS as exc:
            target = fields.get(str(getattr(exc, "field", "") or ""))
            if target is not None:
                target.error = user_message(exc)
            else:
                self.ctx.toast(user_message(exc))
            return
        self._close()
        self.ctx.data_changed()
        self.on_saved()
        self.ctx.toast(f"Prospect {self.name.value.strip()} vastgelegd.")
