"""Bezoek plannen: a visit to a customer, planned from the customer's file.

The day view tells a salesperson with an empty day to plan a visit from a customer's file; this
is where that happens. Day (typed or from the calendar), time, length, with whom and about what,
then ``services.visits.plan_visit``; the visit shows in the file's planned visits and, on its
day, in *Vandaag*. A time already past is refused: that is a visit to report, not to plan.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import flet as ft

from fieldsales.domain.errors import ValidationError
from fieldsales.services import browse
from fieldsales.services.visits import plan_visit
from fieldsales.ui import format as fmt
from fieldsales.ui.context import AppContext
from fieldsales.ui.views.form_dialog import FormDialog
from fieldsales.ui.widgets import DateField

NO_CONTACT = "-"
#: The lengths offered, in minutes: what a B2B visit usually takes.
LENGTHS = (30, 45, 60, 90, 120)


class VisitWhen:
    """A visit's day (typed or from the calendar) and time, read as one local moment; a
    missing, malformed or past value is refused at its field, in Dutch."""

    def __init__(self, ctx: AppContext, *, key: str, start: datetime | None = None) -> None:
        self.ctx = ctx
        today = ctx.today()
        self.date = DateField("Datum", key=f"{key}-date", first=today, last=today + timedelta(366))
        self.time = ft.TextField(
            label="Tijd",
            value=fmt.hm(start) if start is not None else "09:00",
            hint_text="uu:mm",
            width=110,
            key=f"{key}-time",
        )
        if start is not None:
            self.date.set(fmt.local(start).date())
        # In a Row the date field stretches across; straight in a dialog's Column it would
        # stretch down and fill the dialog's height.
        self.date_row = ft.Row([self.date.control])

    def value(self) -> datetime | None:
        """The moment from the fields; None (with the reason at the field) when not."""
        self.date.show_error(None)
        self.time.error = None
        try:
            day = self.date.value()
        except ValidationError as exc:
            self.date.show_error(exc.message)
            return None
        if day is None:
            self.date.show_error("Kies een datum.")
            return None
        try:
            at = fmt.parse_time_field(self.time.value, field="time")
        except ValidationError as exc:
            self.time.error = exc.message
            return None
        if at is None:
            self.time.error = "Kies een tijd."
            return None
        start = datetime.combine(day, at).astimezone()  # local time on that day (DST included)
        if start < self.ctx.now():
            self.time.error = "Dit tijdstip is al voorbij."
            return None
        return start


def length_text(minutes: int) -> str:
    """``30 minuten``, ``1 uur``, ``1,5 uur``, ``2 uur``."""
    if minutes < 60:
        return f"{minutes} minuten"
    hours = minutes / 60
    return f"{hours:g} uur".replace(".", ",")


class PlanVisitDialog(FormDialog):
    """``plan_action_id``: the account plan action the visit carries out (reporting the visit
    ticks the action off)."""

    def __init__(
        self,
        ctx: AppContext,
        file: browse.CustomerFile,
        *,
        on_planned: Callable[[], Any],
        plan_action_id: str | None = None,
    ) -> None:
        self.customer = file.customer
        self.on_planned = on_planned
        self.plan_action_id = plan_action_id
        self.when = VisitWhen(ctx, key="plan")
        self.length = ft.Dropdown(
            label="Duur",
            value="60",
            options=[ft.DropdownOption(key=str(m), text=length_text(m)) for m in LENGTHS],
            width=150,
            key="plan-length",
        )
        self.contact = ft.Dropdown(
            label="Contactpersoon",
            value=NO_CONTACT,
            options=[ft.DropdownOption(key=NO_CONTACT, text="Geen contactpersoon")]
            + [
                ft.DropdownOption(
                    key=c.id, text=" ".join(p for p in (c.first_name, c.last_name) if p)
                )
                for c in file.contacts
            ],
            key="plan-contact",
            expand=True,
        )
        self.topics = ft.TextField(
            label="Onderwerpen", multiline=True, min_lines=1, max_lines=4, key="plan-topics"
        )
        super().__init__(
            ctx,
            title=f"Bezoek plannen bij {self.customer.name}",
            fields=[
                self.when.date_row,
                ft.Row([self.when.time, self.length], wrap=True),
                ft.Row([self.contact]),
                self.topics,
            ],
            confirm="Plannen",
            key="plan",
            label="Bezoek plannen",
        )

    def save(self) -> None:
        start = self.when.value()
        if start is None:
            return
        contact = self.contact.value if self.contact.value != NO_CONTACT else None
        visit = self.ctx.call(
            plan_visit,
            customer_id=self.customer.id,
            start=start,
            duration_minutes=int(self.length.value or 60),
            contact_id=contact,
            topics=self.topics.value,
            plan_action_id=self.plan_action_id,
        )
        if visit is None:  # refused: the reason is shown
            return
        self.close()
        self.on_planned()
        self.ctx.toast(f"Bezoek bij {self.customer.name} gepland op {fmt.day_at(start)}.")
