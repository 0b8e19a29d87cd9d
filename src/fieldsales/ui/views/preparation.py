"""Bezoekvoorbereiding: the one screen to read before walking in.

The visit on top (time, contact, planned topics), then the sheet of
``services.preparation.visit_preparation``: revenue this year against last year and the plan's
goal per product group, the last visits, open follow-ups, open and recurring complaints, open
quotes, and what to offer (cross-sell, up-sell, new products). Opening it marks the visit as
prepared (``services.visits.mark_prepared``), which the day view shows. The app bar's PDF button
gives the same sheet to print or share (``preparation_sheet``).
"""

from __future__ import annotations

from functools import partial

import flet as ft

from fieldsales.domain.enums import VisitStatus
from fieldsales.domain.money import format_cents
from fieldsales.services import browse
from fieldsales.services.preparation import VisitPreparation, visit_preparation
from fieldsales.services.visits import mark_prepared
from fieldsales.ui import format as fmt
from fieldsales.ui.context import AppContext
from fieldsales.ui.labels import COMPLAINT_CATEGORY, COMPLAINT_STATUS, QUOTE_STATUS
from fieldsales.ui.screen import Screen
from fieldsales.ui.views.attachments import offer_bytes
from fieldsales.ui.views.preparation_sheet import (
    contact_line,
    flag_text,
    preparation_pdf,
    revenue_line,
    sheet_filename,
)
from fieldsales.ui.views.visit_report import VisitReportScreen
from fieldsales.ui.widgets import empty_state, heading, link_button, section


class PreparationScreen(Screen):
    title = "Voorbereiding"

    def __init__(self, ctx: AppContext, *, visit_id: str) -> None:
        super().__init__(ctx)
        self.visit_id = visit_id
        self.sheet: VisitPreparation | None = None
        self.context: browse.VisitContext | None = None
        self.list = ft.ListView(spacing=16, padding=ft.Padding.all(16), expand=True)
        self.actions = [
            ft.IconButton(
                ft.Icon(ft.Icons.PICTURE_AS_PDF_OUTLINED, semantics_label="Voorbereiding als PDF"),
                tooltip="Voorbereiding als PDF: printen of delen",
                on_click=self._pdf,
                key="prep-pdf",
            )
        ]
        self._body = ft.Container(self.list, expand=True)

    @property
    def body(self) -> ft.Control:
        return self._body

    def refresh(self) -> None:
        context = self.ctx.read(browse.visit_context, visit_id=self.visit_id)
        sheet = (
            self.ctx.read(
                visit_preparation, customer_id=context.customer.id, today=self.ctx.today()
            )
            if context is not None
            else None
        )
        if context is None or sheet is None:
            self.list.controls = [
                empty_state(
                    ft.Icons.ERROR_OUTLINE,
                    "Dit bezoek is niet (meer) beschikbaar",
                    "Ga terug naar de dagplanning.",
                )
            ]
            return
        if context.visit.status is VisitStatus.PLANNED:
            self.ctx.call(mark_prepared, visit_id=context.visit.id)
        self.sheet = sheet
        self.context = context
        self.list.controls = [
            self._visit(context),
            self._customer(sheet),
            self._revenue(sheet),
            self._history(sheet),
            self._complaints(sheet),
            self._quotes(sheet),
            self._offers(sheet),
        ]

    # --- sections ------------------------------------------------------------------------------
    def _visit(self, context: browse.VisitContext) -> ft.Control:
        visit = context.visit
        contact = next((c for c in context.contacts if c.id == visit.contact_id), None)
        who = f" met {contact.first_name} {contact.last_name}".rstrip() if contact else ""
        return ft.Column(
            [
                ft.Text(
                    f"Bezoek {fmt.short_date(visit.planned_start)} "
                    f"{fmt.hm(visit.planned_start)}{who}",
                    theme_style=ft.TextThemeStyle.TITLE_MEDIUM,
                    data="prep-visit",
                ),
                ft.Text(
                    f"Onderwerpen: {visit.topics}" if visit.topics else "Nog geen onderwerpen.",
                    data="prep-topics",
                ),
                ft.FilledTonalButton(
                    "Bezoekverslag",
                    icon=ft.Icons.EDIT_NOTE,
                    on_click=self._report,
                    height=48,
                    data="prep-report",
                ),
            ],
            spacing=8,
        )

    def _customer(self, sheet: VisitPreparation) -> ft.Control:
        c = sheet.customer
        address = fmt.address_line(c.street, c.house_number, c.postcode, c.city)
        facts = [p for p in (sheet.target_group.name if sheet.target_group else "", c.sector) if p]
        if sheet.next_visit_due is not None:
            facts.append(f"volgend bezoek volgens ritme: {fmt.short_date(sheet.next_visit_due)}")
        contacts = [contact_line(k) for k in sheet.contacts]
        buttons: list[ft.Control] = [
            link_button(
                ft.Icons.DIRECTIONS_CAR,
                f"Route naar {c.name}",
                partial(self._navigate, address or c.name, c.latitude, c.longitude),
            )
        ]
        if c.phone:
            buttons.append(
                link_button(ft.Icons.PHONE, f"Bel {c.name}", partial(self._call, c.phone, c.name))
            )
        return ft.Column(
            [
                ft.Row(
                    [
                        ft.Text(
                            c.name,
                            theme_style=ft.TextThemeStyle.HEADLINE_SMALL,
                            data="file-name",
                            expand=True,
                        ),
                        *buttons,
                    ]
                ),
                ft.Text(" · ".join(p for p in (address, *facts) if p)),
                *[ft.Text(line) for line in contacts],
            ],
            spacing=4,
        )

    def _revenue(self, sheet: VisitPreparation) -> ft.Control:
        rows: list[ft.Control] = [
            ft.Text(
                revenue_line(
                    sheet.revenue_this_year_cents,
                    sheet.revenue_last_year_cents,
                    sheet.revenue_goal_cents,
                ),
                data="prep-revenue",
            )
        ]
        rows += [
            ft.ListTile(
                title=ft.Text(g.name),
                subtitle=ft.Text(revenue_line(g.this_year_cents, g.last_year_cents, g.goal_cents)),
                dense=True,
            )
            for g in sheet.revenue_by_group
        ]
        return ft.Column([heading("Omzet (excl. btw)"), *rows], spacing=4)

    def _history(self, sheet: VisitPreparation) -> ft.Control:
        visits = [
            ft.ListTile(
                leading=ft.Icon(ft.Icons.HISTORY),
                title=ft.Text(
                    fmt.short_date(v.planned_start)
                    + (f" · score {v.satisfaction}" if v.satisfaction is not None else "")
                ),
                subtitle=ft.Text("\n".join(p for p in (v.topics, v.agreements) if p) or "-"),
            )
            for v in sheet.last_visits
        ]
        follow_ups = [
            ft.ListTile(
                leading=ft.Icon(ft.Icons.CHECKLIST),
                title=ft.Text(f.description),
                subtitle=ft.Text(f"Uiterlijk {fmt.short_date(f.due_on)}") if f.due_on else None,
            )
            for f in sheet.open_follow_ups
        ]
        return ft.Column(
            [
                section("Laatste bezoeken", visits, empty="Nog geen bezoeken met een verslag."),
                section("Open vervolgacties", follow_ups, empty="Geen open vervolgacties."),
            ],
            spacing=16,
        )

    def _complaints(self, sheet: VisitPreparation) -> ft.Control:
        flags: list[ft.Control] = [
            ft.ListTile(
                leading=ft.Icon(ft.Icons.WARNING_AMBER),
                title=ft.Text(flag_text(f.kind, f.key, f.count)),
                subtitle=ft.Text(f"{fmt.short_date(f.first_on)} tot {fmt.short_date(f.last_on)}"),
            )
            for f in sheet.structural_flags
        ]
        open_ones: list[ft.Control] = [
            ft.ListTile(
                leading=ft.Icon(ft.Icons.REPORT_PROBLEM_OUTLINED),
                title=ft.Text(
                    f"{COMPLAINT_CATEGORY[k.category]} · {fmt.short_date(k.reported_on)}"
                ),
                subtitle=ft.Text(f"{COMPLAINT_STATUS[k.status]}: {k.description}"),
            )
            for k in sheet.open_complaints
        ]
        return section("Klachten", flags + open_ones, empty="Geen open klachten.")

    def _quotes(self, sheet: VisitPreparation) -> ft.Control:
        tiles: list[ft.Control] = [
            ft.ListTile(
                leading=ft.Icon(ft.Icons.REQUEST_QUOTE_OUTLINED),
                title=ft.Text(f"{q.quote_number} · {format_cents(q.gross_cents)}"),
                subtitle=ft.Text(
                    f"{QUOTE_STATUS[q.status]} · geldig tot {fmt.short_date(q.valid_until)}"
                ),
            )
            for q in sheet.open_quotes
        ]
        return section("Openstaande offertes", tiles, empty="Geen openstaande offertes.")

    def _offers(self, sheet: VisitPreparation) -> ft.Control:
        tiles: list[ft.Control] = []
        for cross, product in sheet.cross_sell:
            tiles.append(
                ft.ListTile(
                    leading=ft.Icon(ft.Icons.ADD_SHOPPING_CART),
                    title=ft.Text(product.name),
                    subtitle=ft.Text(
                        f"{cross.peers_buying} van {cross.peers} vergelijkbare klanten kopen dit"
                    ),
                )
            )
        for up, product in sheet.up_sell:
            tiles.append(
                ft.ListTile(
                    leading=ft.Icon(ft.Icons.TRENDING_UP),
                    title=ft.Text(product.name),
                    subtitle=ft.Text(
                        f"{format_cents(up.customer_cents)} per jaar; vergelijkbare klanten "
                        f"{format_cents(up.peer_median_cents)}"
                    ),
                )
            )
        for product in sheet.new_products:
            tiles.append(
                ft.ListTile(
                    leading=ft.Icon(ft.Icons.FIBER_NEW_OUTLINED),
                    title=ft.Text(product.name),
                    subtitle=ft.Text("Nieuw in de catalogus"),
                )
            )
        return section("Kansen om te bespreken", tiles, empty="Geen suggesties voor deze klant.")

    # --- actions -------------------------------------------------------------------------------
    async def _pdf(self) -> None:
        if self.context is None or self.sheet is None:
            return
        await offer_bytes(
            self.ctx, sheet_filename(self.context), preparation_pdf(self.context, self.sheet)
        )

    def _report(self) -> None:
        if self.ctx.shell is not None:
            self.ctx.shell.open(VisitReportScreen(self.ctx, visit_id=self.visit_id))

    async def _navigate(self, address: str, lat: float | None, lon: float | None) -> None:
        url = fmt.navigation_url(
            address=address, latitude=lat, longitude=lon, platform=self.ctx.platform
        )
        await self.ctx.open_url(url, what="De route")

    async def _call(self, number: str, who: str) -> None:
        await self.ctx.open_url(fmt.tel_url(number), what=f"Bellen naar {who}")
