"""Vandaag: today's visits in time order, built for use between appointments in the car.

Every visit has its route, phone and preparation one tap away; the big floating action button
"Bezoek afgerond" logs the visit that is most likely just over with a score in two taps. The app
bar has the day's suggested route and the calendar export (``day_route``).
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

import flet as ft

from fieldsales.domain.enums import VisitStatus
from fieldsales.services import browse
from fieldsales.ui import format as fmt
from fieldsales.ui.context import AppContext
from fieldsales.ui.labels import SATISFACTION, VISIT_STATUS
from fieldsales.ui.screen import Screen
from fieldsales.ui.views.day_route import RouteDialog, export_calendar
from fieldsales.ui.views.preparation import PreparationScreen
from fieldsales.ui.views.quick_done import QuickDoneDialog
from fieldsales.ui.views.visit_changes import changes_menu
from fieldsales.ui.views.visit_report import VisitReportScreen
from fieldsales.ui.widgets import empty_state, link_button

OPEN_STATUSES = (VisitStatus.PLANNED, VisitStatus.PREPARED)


def suggested_visit(visits: list[browse.DayVisit], now: datetime) -> browse.DayVisit | None:
    """The open visit the user most likely just finished: the latest one that has started,
    else the next one to come. None when every visit of the day is done."""
    open_visits = [v for v in visits if v.visit.status in OPEN_STATUSES]
    started = [v for v in open_visits if v.visit.planned_start <= now]
    if started:
        return started[-1]
    return open_visits[0] if open_visits else None


def visit_phone(item: browse.DayVisit) -> str | None:
    """Call the person one is visiting; the switchboard when there is no direct number."""
    contact = item.contact
    if contact is not None and (contact.mobile or contact.phone):
        return contact.mobile or contact.phone
    return item.customer.phone


def visit_address(item: browse.DayVisit) -> str:
    c = item.customer
    return fmt.address_line(c.street, c.house_number, c.postcode, c.city)


def contact_name(item: browse.DayVisit) -> str:
    if item.contact is None:
        return ""
    return " ".join(p for p in (item.contact.first_name, item.contact.last_name) if p)


class DayScreen(Screen):
    title = "Vandaag"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.visits: list[browse.DayVisit] = []
        self.heading = ft.Text("", theme_style=ft.TextThemeStyle.TITLE_LARGE, key="day-title")
        self.summary = ft.Text("", theme_style=ft.TextThemeStyle.BODY_MEDIUM, key="day-summary")
        self.list = ft.ListView(expand=True, spacing=8, padding=ft.Padding.only(bottom=96))
        self.fab = ft.FloatingActionButton(
            content="Bezoek afgerond",
            icon=ft.Icons.TASK_ALT,
            tooltip="Bezoek afgerond: geef een score",
            on_click=self.open_quick_done,
            key="visit-done",
        )
        self.actions = [
            ft.IconButton(
                ft.Icon(ft.Icons.ROUTE, semantics_label="Route voor vandaag"),
                tooltip="Route voor vandaag",
                on_click=lambda: RouteDialog(self.ctx).show(),
                key="day-route",
            ),
            ft.IconButton(
                ft.Icon(ft.Icons.EDIT_CALENDAR, semantics_label="Bezoeken naar uw agenda"),
                tooltip="Bezoeken naar uw agenda (.ics)",
                on_click=self._export_calendar,
                key="day-calendar",
            ),
        ]
        self._body = ft.Container(
            ft.Column(
                [ft.Column([self.heading, self.summary], spacing=0), self.list],
                expand=True,
                spacing=12,
            ),
            padding=ft.Padding.only(left=16, right=16, top=12),
            expand=True,
        )

    @property
    def body(self) -> ft.Control:
        return self._body

    def refresh(self) -> None:
        today = self.ctx.today()
        self.heading.value = fmt.day_title(today).capitalize()
        self.visits = self.ctx.read(browse.day_visits, day=today) or []
        done = sum(1 for v in self.visits if v.visit.status is VisitStatus.REPORTED)
        total = len(self.visits)
        self.summary.value = (
            f"{total} {'bezoek' if total == 1 else 'bezoeken'}, {done} afgerond" if total else ""
        )
        if not self.visits:
            self.list.controls = [
                empty_state(
                    ft.Icons.EVENT_AVAILABLE,
                    "Geen bezoeken gepland voor vandaag",
                    "Plan een bezoek vanuit het dossier van een klant, of bel prospects uit de "
                    "bellijst voor een afspraak.",
                    action="Naar klanten",
                    on_action=self._to_customers,
                    ident="day-empty",
                )
            ]
        else:
            self.list.controls = [self._card(item) for item in self.visits]
        if self.fab is not None:
            self.fab.visible = suggested_visit(self.visits, self.ctx.now()) is not None

    async def _export_calendar(self) -> None:
        await export_calendar(self.ctx)

    def _to_customers(self) -> None:
        if self.ctx.shell is not None:
            self.ctx.shell.select_key("klanten")

    def _card(self, item: browse.DayVisit) -> ft.Control:
        visit, customer = item.visit, item.customer
        time_text = fmt.hm(visit.planned_start)
        address = visit_address(item)
        who = contact_name(item)
        status = VISIT_STATUS[visit.status]
        if visit.status is VisitStatus.REPORTED and visit.satisfaction is not None:
            status = f"{status} · score {visit.satisfaction}"
        lines = [address] if address else []
        if who:
            lines.append(f"Met {who}")
        if visit.topics:
            lines.append(visit.topics)
        phone = visit_phone(item)
        actions: list[ft.Control] = [
            link_button(
                ft.Icons.DIRECTIONS_CAR,
                f"Route naar {customer.name}",
                partial(self._navigate, item),
                ident=f"route-{visit.id}",
            ),
        ]
        if phone:
            actions.append(
                link_button(
                    ft.Icons.PHONE,
                    f"Bel {who or customer.name}",
                    partial(self._call, phone, who or customer.name),
                    ident=f"call-{visit.id}",
                )
            )
        actions.append(
            ft.TextButton(
                "Voorbereiding",
                icon=ft.Icons.ASSIGNMENT_OUTLINED,
                tooltip=f"Voorbereiding bezoek {customer.name}",
                on_click=lambda: self._prepare(item),
                height=48,
                data=f"prepare-{visit.id}",
            )
        )
        actions.append(
            ft.TextButton(
                "Verslag",
                icon=ft.Icons.EDIT_NOTE,
                tooltip=f"Bezoekverslag {customer.name}",
                on_click=lambda: self._report(item),
                height=48,
                data=f"report-{visit.id}",
            )
        )
        if visit.status in OPEN_STATUSES:
            actions.append(changes_menu(self.ctx, item, on_changed=self.refresh))
        card = ft.Card(
            ft.Column(
                [
                    ft.ListTile(
                        leading=ft.Text(time_text, theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
                        title=ft.Text(customer.name),
                        subtitle=ft.Text("\n".join(lines)) if lines else None,
                        trailing=ft.Text(status, theme_style=ft.TextThemeStyle.LABEL_MEDIUM),
                        is_three_line=len(lines) > 1,
                    ),
                    ft.Row(actions, wrap=True, spacing=0, alignment=ft.MainAxisAlignment.END),
                ],
                spacing=0,
            ),
            data=f"visit-{visit.id}",
        )
        # One name for the whole card, so a screen reader announces which visit this is first.
        return ft.Semantics(
            content=card, label=f"Bezoek {time_text} {customer.name}", container=True
        )

    # --- actions -------------------------------------------------------------------------------
    async def _navigate(self, item: browse.DayVisit) -> None:
        c = item.customer
        url = fmt.navigation_url(
            address=visit_address(item) or c.name,
            latitude=c.latitude,
            longitude=c.longitude,
            platform=self.ctx.platform,
        )
        await self.ctx.open_url(url, what="De route")

    async def _call(self, phone: str, who: str) -> None:
        await self.ctx.open_url(fmt.tel_url(phone), what=f"Bellen naar {who}")

    def _prepare(self, item: browse.DayVisit) -> None:
        if self.ctx.shell is not None:
            self.ctx.shell.open(PreparationScreen(self.ctx, visit_id=item.visit.id))

    def _report(self, item: browse.DayVisit) -> None:
        if self.ctx.shell is not None:
            self.ctx.shell.open(VisitReportScreen(self.ctx, visit_id=item.visit.id))

    def open_quick_done(self) -> None:
        self.refresh()
        suggested = suggested_visit(self.visits, self.ctx.now())
        if suggested is None:
            self.ctx.toast("Alle bezoeken van vandaag zijn al afgerond.")
            return
        open_visits = [v for v in self.visits if v.visit.status in OPEN_STATUSES]
        QuickDoneDialog(
            self.ctx, open_visits, selected=suggested, on_done=self._after_quick_done
        ).show()

    def _after_quick_done(self, item: browse.DayVisit, score: int | None) -> None:
        self.refresh()
        said = f" met score {score} ({SATISFACTION[score]})" if score is not None else ""
        self.ctx.toast(
            f"Bezoek bij {item.customer.name} afgerond{said}. Vul het verslag later aan.",
            action="Verslag",
            on_action=lambda: self._report(item),
        )
