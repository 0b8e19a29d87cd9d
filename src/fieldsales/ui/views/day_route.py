"""Route voor vandaag, and the visits in the phone's own calendar: two buttons on Vandaag.

The route dialog shows today's open visits in the order that drives least (``services.agenda``),
how much shorter that is than the planned order, and one button that hands the whole route to
the maps app. A visit with an appointment the customer holds the salesperson to is ticked as
*vaste tijd* and keeps its place. The suggestion changes no visit: times stay as planned, the
salesperson moves one (Verzetten) when the customer agrees.

The calendar export writes the coming weeks' planned visits as an .ics file; importing it again
updates the entries rather than doubling them.
"""

from __future__ import annotations

import flet as ft

from fieldsales.services.agenda import (
    CALENDAR_DAYS,
    DayRoute,
    RouteLeg,
    calendar_file,
    day_route,
)
from fieldsales.ui import format as fmt
from fieldsales.ui.context import AppContext
from fieldsales.ui.views.attachments import offer_bytes

CALENDAR_FILENAME = "bezoeken.ics"


def km_text(km: float) -> str:
    return f"{km:.1f}".replace(".", ",") + " km"


def summary_text(route: DayRoute) -> str:
    count = len(route.legs)
    visits = f"{count} {'bezoek' if count == 1 else 'bezoeken'}"
    if not route.changed or route.saved_km < 0.1:
        return f"{visits} · {km_text(route.total_km)}: de geplande volgorde is al de kortste."
    return (
        f"{visits} · {km_text(route.total_km)} in deze volgorde, "
        f"{km_text(route.saved_km)} korter dan gepland ({km_text(route.planned_km)})."
    )


class RouteDialog:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.fixed: set[str] = set()
        self.route: DayRoute | None = None
        self.summary = ft.Text("", key="route-summary")
        self.notes = ft.Text("", theme_style=ft.TextThemeStyle.BODY_SMALL, key="route-notes")
        self.stops = ft.Column(spacing=0, tight=True, key="route-stops")
        self.open_button = ft.FilledButton(
            "Route openen in kaarten",
            icon=ft.Icons.MAP_OUTLINED,
            on_click=self._open_maps,
            height=48,
            key="route-open",
        )
        self.dialog = ft.AlertDialog(
            title=ft.Text("Route voor vandaag"),
            content=ft.Column(
                [self.summary, self.stops, self.notes],
                tight=True,
                spacing=8,
                scroll=ft.ScrollMode.AUTO,
            ),
            actions=[
                ft.TextButton("Sluiten", on_click=self.close, height=48, key="route-close"),
                self.open_button,
            ],
            semantics_label="Route voor vandaag",
        )

    def show(self) -> None:
        if not self._compute():
            return
        self.ctx.show(self.dialog)

    def close(self) -> None:
        self.ctx.close(self.dialog)

    def _compute(self) -> bool:
        route = self.ctx.read(day_route, day=self.ctx.today(), fixed=frozenset(self.fixed))
        if route is None:
            return False
        if not route.legs:
            self.ctx.toast("Er zijn vandaag geen open bezoeken meer.")
            return False
        self.route = route
        self.summary.value = summary_text(route)
        self.stops.controls = [self._stop(n, leg) for n, leg in enumerate(route.legs, start=1)]
        notes = []
        if route.start_name:
            notes.append(f"Vanaf {route.start_name}, uw laatste bezoek van vandaag.")
        if route.unlocated:
            notes.append(
                f"{route.unlocated} zonder coördinaten staan achteraan en gaan niet mee in de "
                "route in kaarten."
            )
        if route.cut_off:
            notes.append("Kaarten neemt de eerste 10 stops mee; de rest volgt daarna.")
        notes.append("Vink een vaste afspraak aan: die houdt zijn plaats.")
        self.notes.value = " ".join(notes)
        self.open_button.disabled = route.url is None
        return True

    def _stop(self, n: int, leg: RouteLeg) -> ft.Control:
        visit, customer = leg.item.visit, leg.item.customer
        distance = km_text(leg.km) if leg.km is not None else ""
        detail = " · ".join(p for p in (f"gepland {fmt.hm(visit.planned_start)}", distance) if p)
        return ft.ListTile(
            leading=ft.Text(str(n), theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
            title=ft.Text(customer.name),
            subtitle=ft.Text(detail),
            trailing=ft.Checkbox(
                label="Vaste tijd",
                value=visit.id in self.fixed,
                on_change=lambda e, vid=visit.id: self._toggle(vid, bool(e.control.value)),
                data=f"route-fixed-{visit.id}",
            ),
            content_padding=ft.Padding.all(0),
            data=f"route-stop-{visit.id}",
        )

    def _toggle(self, visit_id: str, fixed: bool) -> None:
        if fixed:
            self.fixed.add(visit_id)
        else:
            self.fixed.discard(visit_id)
        self._compute()

    async def _open_maps(self) -> None:
        if self.route is None or self.route.url is None:
            return
        await self.ctx.open_url(self.route.url, what="De route")


async def export_calendar(ctx: AppContext) -> None:
    """The coming weeks' planned visits as an .ics file for the phone's or laptop's calendar."""
    made = ctx.read(calendar_file, first_day=ctx.today())
    if made is None:
        return
    text, count = made
    if count == 0:
        ctx.toast(f"Geen geplande bezoeken in de komende {CALENDAR_DAYS // 7} weken.")
        return
    await offer_bytes(ctx, CALENDAR_FILENAME, text.encode("utf-8"))
