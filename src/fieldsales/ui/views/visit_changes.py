"""Verzetten and annuleren: a customer calls to move or call off a visit, on the road.

Both are on each open visit of the day view, behind its "more" button, and go through
``services.visits.reschedule_visit`` and ``cancel_visit``. Moving keeps the visit (its
preparation, contact and topics) and asks only for the new day and time; calling off asks for a
reason, optional, which the visit keeps for the file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from fieldsales.services import browse
from fieldsales.services.visits import cancel_visit, reschedule_visit
from fieldsales.ui import format as fmt
from fieldsales.ui.context import AppContext
from fieldsales.ui.views.form_dialog import FormDialog
from fieldsales.ui.views.plan_visit import VisitWhen


class RescheduleDialog(FormDialog):
    def __init__(
        self, ctx: AppContext, item: browse.DayVisit, *, on_changed: Callable[[], Any]
    ) -> None:
        self.item = item
        self.on_changed = on_changed
        self.when = VisitWhen(ctx, key="move", start=item.visit.planned_start)
        super().__init__(
            ctx,
            title=f"Bezoek bij {item.customer.name} verzetten",
            fields=[
                ft.Text(f"Nu gepland op {fmt.day_at(item.visit.planned_start)}."),
                self.when.date_row,
                self.when.time,
            ],
            confirm="Verzetten",
            key="move",
            label="Bezoek verzetten",
        )

    def save(self) -> None:
        start = self.when.value()
        if start is None:
            return
        moved = self.ctx.call(reschedule_visit, visit_id=self.item.visit.id, start=start)
        if moved is None:  # refused (done meanwhile, on another screen or device): said so
            return
        self.close()
        self.on_changed()
        self.ctx.toast(f"Bezoek bij {self.item.customer.name} verzet naar {fmt.day_at(start)}.")


class CancelDialog(FormDialog):
    def __init__(
        self, ctx: AppContext, item: browse.DayVisit, *, on_changed: Callable[[], Any]
    ) -> None:
        self.item = item
        self.on_changed = on_changed
        self.reason = ft.TextField(
            label="Reden (niet verplicht)", multiline=True, max_lines=3, key="drop-reason"
        )
        super().__init__(
            ctx,
            title=f"Bezoek bij {item.customer.name} annuleren?",
            fields=[ft.Text(f"Gepland op {fmt.day_at(item.visit.planned_start)}."), self.reason],
            confirm="Bezoek annuleren",
            back="Terug",
            key="drop",
            label="Bezoek annuleren",
        )

    def save(self) -> None:
        dropped = self.ctx.call(
            cancel_visit, visit_id=self.item.visit.id, reason=self.reason.value or ""
        )
        if dropped is None:
            return
        self.close()
        self.on_changed()
        self.ctx.toast(f"Bezoek bij {self.item.customer.name} is geannuleerd.")


def changes_menu(
    ctx: AppContext, item: browse.DayVisit, *, on_changed: Callable[[], Any]
) -> ft.PopupMenuButton:
    """The "more" button of an open visit: move it, or call it off."""
    visit, name = item.visit, item.customer.name
    label = f"Bezoek {name} verzetten of annuleren"
    return ft.PopupMenuButton(
        # The icon's label names the button for screen readers; a tooltip alone does not.
        icon=ft.Icon(ft.Icons.MORE_VERT, semantics_label=label),
        tooltip=label,
        items=[
            ft.PopupMenuItem(
                content="Verzetten",
                icon=ft.Icons.EVENT_REPEAT,
                on_click=lambda: RescheduleDialog(ctx, item, on_changed=on_changed).show(),
                data=f"move-{visit.id}",
            ),
            ft.PopupMenuItem(
                content="Annuleren",
                icon=ft.Icons.EVENT_BUSY,
                on_click=lambda: CancelDialog(ctx, item, on_changed=on_changed).show(),
                data=f"drop-{visit.id}",
            ),
        ],
        data=f"more-{visit.id}",
    )
