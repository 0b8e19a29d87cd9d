"""Het klantdossier: contacts, planned and last visits with their follow-ups, open quotes,
complaints not yet closed, recent orders and attachments of one customer, with phone and route
one tap away. From here the salesperson plans a visit, enters an order, makes a quote and takes
it on to sent, accepted or rejected, and records and follows up a complaint.

The attachments section shows where each file's bytes are (sent, still coming, failed); the
file is read again when a sync changed one of those states (``sync_changed``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

import flet as ft

from fieldsales.domain.enums import CustomerKind
from fieldsales.domain.money import format_cents
from fieldsales.services import browse
from fieldsales.ui import format as fmt
from fieldsales.ui.context import AppContext
from fieldsales.ui.labels import (
    CUSTOMER_KIND,
    QUOTE_STATUS,
    VISIT_STATUS,
)
from fieldsales.ui.screen import Screen
from fieldsales.ui.views.attachments import attachment_tile
from fieldsales.ui.views.catalogue import CatalogueScreen
from fieldsales.ui.views.complaints import complaints_section
from fieldsales.ui.views.customer_edit import ContactDialog, CustomerEditDialog, LostDialog
from fieldsales.ui.views.follow_up_done import done_button
from fieldsales.ui.views.order_entry import DocumentKind, OrderEntryScreen
from fieldsales.ui.views.plan_editor import plan_entry
from fieldsales.ui.views.plan_visit import PlanVisitDialog
from fieldsales.ui.views.quote_actions import quote_menu
from fieldsales.ui.views.visit_report import VisitReportScreen
from fieldsales.ui.widgets import empty_state, link_button, section

if TYPE_CHECKING:
    from fieldsales.records import Contact, Customer, Visit


def _name(first: str, last: str) -> str:
    return " ".join(p for p in (first, last) if p)


class CustomerFileView:
    """The file's content; used as a screen on phones and as the detail pane on wide windows."""

    def __init__(
        self,
        ctx: AppContext,
        customer_id: str,
        *,
        on_report: Callable[[Visit], Any] | None = None,
        intro: list[ft.Control] | None = None,
    ) -> None:
        self.ctx = ctx
        self.customer_id = customer_id
        self.on_report = on_report
        self.intro = intro or []
        self.file: browse.CustomerFile | None = None
        self.attachment_rows: list[browse.AttachmentRow] = []
        self.control = ft.ListView(
            spacing=16, padding=ft.Padding.all(16), expand=True, key="customer-file"
        )

    def refresh(self) -> None:
        file = self.ctx.read(browse.customer_file, customer_id=self.customer_id)
        self.file = file
        if file is None:
            self.control.controls = [
                empty_state(
                    ft.Icons.PERSON_OFF_OUTLINED,
                    "Deze klant is niet (meer) beschikbaar",
                    "Zoek de klant opnieuw in de lijst.",
                )
            ]
            return
        self.control.controls = [
            *self.intro,
            self._header(file),
            plan_entry(self.ctx, self.customer_id),
            self._contacts(file),
            self._planned(file),
            self._last_visits(file),
            self._follow_ups(file),
            self._attachments(),
            self._quotes(file),
            self._complaints(file),
            self._orders(file),
        ]

    # --- sections ------------------------------------------------------------------------------
    def _header(self, file: browse.CustomerFile) -> ft.Control:
        c = file.customer
        address = fmt.address_line(c.street, c.house_number, c.postcode, c.city)
        facts = [CUSTOMER_KIND[c.kind]]
        if c.customer_number:
            facts.append(f"klantnr. {c.customer_number}")
        if c.sector:
            facts.append(c.sector)
        buttons: list[ft.Control] = [
            link_button(
                ft.Icons.DIRECTIONS_CAR,
                f"Route naar {c.name}",
                partial(self._navigate, address or c.name, c.latitude, c.longitude),
                ident="file-route",
            )
        ]
        if c.phone:
            buttons.append(
                link_button(
                    ft.Icons.PHONE,
                    f"Bel {c.name}",
                    partial(self._call, c.phone, c.name),
                    ident="file-call",
                )
            )
        if c.kind is CustomerKind.PROSPECT:  # what acquisition collected about it
            if c.employees is not None:
                facts.append(f"{c.employees} medewerkers")
            if c.potential_revenue_cents is not None:
                facts.append(f"potentie {format_cents(c.potential_revenue_cents)} per jaar")
            if c.current_supplier:
                facts.append(f"nu bij {c.current_supplier}")
        if c.lost_on is not None:
            facts.append(f"verloren op {fmt.short_date(c.lost_on)}")
        return ft.Column(
            [
                ft.Row(
                    [
                        ft.Text(
                            c.name,
                            theme_style=ft.TextThemeStyle.HEADLINE_SMALL,
                            expand=True,
                            data="file-name",
                        ),
                        self._edit_menu(c),
                    ],
                    vertical_alignment=ft.CrossAxisAlignment.START,
                ),
                ft.Text(
                    " · ".join(facts), theme_style=ft.TextThemeStyle.BODY_MEDIUM, data="file-facts"
                ),
                ft.Row(
                    [
                        ft.Text(
                            "\n".join(p for p in (address, fmt.phone_display(c.phone)) if p),
                            expand=True,
                        ),
                        *buttons,
                    ]
                ),
            ],
            spacing=4,
        )

    def _edit_menu(self, customer: Customer) -> ft.Control:
        label = f"{customer.name} wijzigen"
        items = [
            ft.PopupMenuItem(
                content="Gegevens wijzigen",
                icon=ft.Icons.EDIT_OUTLINED,
                on_click=lambda: CustomerEditDialog(
                    self.ctx, customer, on_saved=self.refresh
                ).show(),
                data="file-edit",
            )
        ]
        if customer.kind is CustomerKind.CUSTOMER and customer.lost_on is None:
            items.append(
                ft.PopupMenuItem(
                    content="Klant verloren melden",
                    icon=ft.Icons.PERSON_REMOVE_OUTLINED,
                    on_click=lambda: LostDialog(self.ctx, customer, on_saved=self.refresh).show(),
                    data="file-lost",
                )
            )
        return ft.PopupMenuButton(
            icon=ft.Icon(ft.Icons.MORE_VERT, semantics_label=label),
            tooltip=label,
            items=items,
            data="file-menu",
        )

    def _open_contact(self, customer_id: str, contact: Contact | None) -> None:
        ContactDialog(
            self.ctx, customer_id=customer_id, contact=contact, on_saved=self.refresh
        ).show()

    def _contacts(self, file: browse.CustomerFile) -> ft.Control:
        tiles: list[ft.Control] = []
        for person in file.contacts:
            number = person.mobile or person.phone
            name = _name(person.first_name, person.last_name)
            subtitle = " · ".join(
                p for p in (person.job_title, fmt.phone_display(number), person.email or "") if p
            )
            tiles.append(
                ft.ListTile(
                    leading=ft.Icon(ft.Icons.STAR if person.is_primary else ft.Icons.PERSON),
                    title=ft.Text(name),
                    subtitle=ft.Text(subtitle) if subtitle else None,
                    trailing=link_button(
                        ft.Icons.PHONE, f"Bel {name}", partial(self._call, number, name)
                    )
                    if number
                    else None,
                    on_click=partial(self._open_contact, file.customer.id, person),
                    data=f"file-contact-{person.id}",
                )
            )
        contacts = section("Contactpersonen", tiles, empty="Nog geen contactpersonen vastgelegd.")
        contacts.controls.append(
            ft.FilledTonalButton(
                "Contactpersoon toevoegen",
                icon=ft.Icons.PERSON_ADD_ALT,
                on_click=lambda: self._open_contact(file.customer.id, None),
                height=48,
                data="file-add-contact",
            )
        )
        return contacts

    def _planned(self, file: browse.CustomerFile) -> ft.Control:
        tiles: list[ft.Control] = [
            ft.ListTile(
                leading=ft.Icon(ft.Icons.EVENT),
                title=ft.Text(f"{fmt.short_date(v.planned_start)} {fmt.hm(v.planned_start)}"),
                subtitle=ft.Text(v.topics or VISIT_STATUS[v.status]),
                trailing=self._report_button(v),
            )
            for v in file.planned_visits
        ]
        planned = section("Geplande bezoeken", tiles, empty="Geen bezoek gepland.")
        planned.controls.append(
            ft.FilledTonalButton(
                "Bezoek plannen",
                icon=ft.Icons.EVENT_AVAILABLE,
                on_click=lambda: PlanVisitDialog(self.ctx, file, on_planned=self.refresh).show(),
                height=48,
                data="file-plan-visit",
            )
        )
        return planned

    def _report_button(self, visit: Visit) -> ft.Control | None:
        if self.on_report is None:
            return None
        on_report = self.on_report
        return ft.IconButton(
            ft.Icons.EDIT_NOTE,
            tooltip=f"Bezoekverslag {fmt.short_date(visit.planned_start)}",
            on_click=lambda: on_report(visit),
            data=f"file-report-{visit.id}",
        )

    def _last_visits(self, file: browse.CustomerFile) -> ft.Control:
        tiles: list[ft.Control] = []
        for item in file.last_visits:
            v = item.visit
            score = f" · score {v.satisfaction}" if v.satisfaction is not None else ""
            lines = [p for p in (v.topics, v.agreements) if p]
            lines += [
                # "Vervolg:", not an arrow: the offline web build's font has no arrow glyph.
                f"Vervolg: {f.description}" + (f" ({fmt.short_date(f.due_on)})" if f.due_on else "")
                for f in item.follow_ups
            ]
            tiles.append(
                ft.ListTile(
                    leading=ft.Icon(ft.Icons.HISTORY),
                    title=ft.Text(f"{fmt.short_date(v.planned_start)}{score}"),
                    subtitle=ft.Text("\n".join(lines)) if lines else None,
                    is_three_line=len(lines) > 1,
                )
            )
        return section("Laatste bezoeken", tiles, empty="Nog geen bezoeken met een verslag.")

    def _follow_ups(self, file: browse.CustomerFile) -> ft.Control:
        tiles: list[ft.Control] = [
            ft.ListTile(
                leading=ft.Icon(ft.Icons.CHECKLIST),
                title=ft.Text(f.description),
                subtitle=ft.Text(f"Uiterlijk {fmt.short_date(f.due_on)}") if f.due_on else None,
                trailing=done_button(self.ctx, f, on_changed=self.refresh),
                data=f"file-follow-up-{f.id}",
            )
            for f in file.open_follow_ups
        ]
        return section("Open vervolgacties", tiles, empty="Geen open vervolgacties.")

    def _attachments(self) -> ft.Control:
        self.attachment_rows = self._attachment_rows()
        tiles = [attachment_tile(self.ctx, row) for row in self.attachment_rows]
        return ft.Container(
            section("Bijlagen", tiles, empty="Nog geen bijlagen."), data="file-attachments"
        )

    def _attachment_rows(self) -> list[browse.AttachmentRow]:
        return self.ctx.read(browse.attachments, customer_id=self.customer_id) or []

    def attachments_changed(self) -> bool:
        """Whether an attachment came, went or moved on since the file was shown."""
        if self.file is None:
            return False

        def states(rows: list[browse.AttachmentRow]) -> list[tuple[str, str, bool]]:
            return [(r.attachment.id, r.state, r.on_device) for r in rows]

        return states(self._attachment_rows()) != states(self.attachment_rows)

    def _quotes(self, file: browse.CustomerFile) -> ft.Control:
        tiles: list[ft.Control] = [
            ft.ListTile(
                leading=ft.Icon(ft.Icons.REQUEST_QUOTE_OUTLINED),
                title=ft.Text(f"{q.quote_number} · {format_cents(q.gross_cents)}"),
                subtitle=ft.Text(
                    f"{QUOTE_STATUS[q.status]} · geldig tot {fmt.short_date(q.valid_until)}"
                ),
                trailing=quote_menu(self.ctx, q, on_changed=self.refresh),
                data=f"file-quote-{q.id}",
            )
            for q in file.open_quotes
        ]
        quotes = section("Openstaande offertes", tiles, empty="Geen openstaande offertes.")
        quotes.controls.append(
            self._document_button(file, DocumentKind.QUOTE, "Offerte maken", ft.Icons.NOTE_ADD)
        )
        return quotes

    def _complaints(self, file: browse.CustomerFile) -> ft.Control:
        return complaints_section(self.ctx, file, self.refresh)

    def _orders(self, file: browse.CustomerFile) -> ft.Control:
        tiles: list[ft.Control] = [
            ft.ListTile(
                leading=ft.Icon(ft.Icons.RECEIPT_LONG_OUTLINED),
                title=ft.Text(f"{o.order_number} · {format_cents(o.net_cents)} excl. btw"),
                subtitle=ft.Text(fmt.short_date(o.order_date)),
                data=f"file-order-{o.id}",
            )
            for o in file.recent_orders
        ]
        orders = section("Recente orders", tiles, empty="Nog geen orders.")
        orders.controls.append(
            ft.Row(
                [
                    self._document_button(
                        file, DocumentKind.ORDER, "Order invoeren", ft.Icons.ADD_SHOPPING_CART
                    ),
                    ft.OutlinedButton(
                        "Catalogus",
                        icon=ft.Icons.INVENTORY_2_OUTLINED,
                        tooltip=f"De catalogus met de prijzen van {file.customer.name}",
                        on_click=lambda: self._open_catalogue(file),
                        height=48,
                        data="file-catalogue",
                    ),
                ],
                wrap=True,
            )
        )
        return orders

    def _open_catalogue(self, file: browse.CustomerFile) -> None:
        if self.ctx.shell is not None:
            self.ctx.shell.open(
                CatalogueScreen(
                    self.ctx, customer_id=file.customer.id, customer_name=file.customer.name
                )
            )

    def _document_button(
        self, file: browse.CustomerFile, kind: DocumentKind, text: str, icon: ft.IconData
    ) -> ft.Control:
        def open_entry() -> None:
            if self.ctx.shell is not None:
                self.ctx.shell.open(
                    OrderEntryScreen(
                        self.ctx,
                        customer_id=file.customer.id,
                        customer_name=file.customer.name,
                        kind=kind,
                    )
                )

        return ft.FilledTonalButton(
            text, icon=icon, on_click=open_entry, height=48, data=f"file-new-{kind.value}"
        )

    # --- links ---------------------------------------------------------------------------------
    async def _navigate(self, address: str, lat: float | None, lon: float | None) -> None:
        url = fmt.navigation_url(
            address=address, latitude=lat, longitude=lon, platform=self.ctx.platform
        )
        await self.ctx.open_url(url, what="De route")

    async def _call(self, number: str, who: str) -> None:
        await self.ctx.open_url(fmt.tel_url(number), what=f"Bellen naar {who}")


class CustomerFileScreen(Screen):
    title = "Klantdossier"

    def __init__(self, ctx: AppContext, *, customer_id: str) -> None:
        super().__init__(ctx)
        self.view = CustomerFileView(ctx, customer_id, on_report=self._report)

    @property
    def body(self) -> ft.Control:
        return self.view.control

    def refresh(self) -> None:
        self.view.refresh()

    def sync_changed(self) -> None:
        """The attachment phase of a sync sends and fetches files: show their new state."""
        if self.view.attachments_changed():
            self.view.refresh()

    def _report(self, visit: Visit) -> None:
        if self.ctx.shell is not None:
            self.ctx.shell.open(VisitReportScreen(self.ctx, visit_id=visit.id))
