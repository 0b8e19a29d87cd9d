"""Klanten: search as you type over the portfolio; a tap opens the customer's file.

The list is lazy (``ListView`` with a fixed item extent, so Flutter only builds the rows on
screen) and paged: a first page, then "Meer tonen" for the next. From 840 px wide the file opens
beside the list instead of over it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from fieldsales.domain.enums import CustomerKind
from fieldsales.services import browse
from fieldsales.ui import format as fmt
from fieldsales.ui.context import AppContext
from fieldsales.ui.screen import Screen, SizeClass
from fieldsales.ui.views.customer_file import CustomerFileScreen, CustomerFileView
from fieldsales.ui.views.visit_report import VisitReportScreen
from fieldsales.ui.widgets import empty_state

if TYPE_CHECKING:
    from fieldsales.records import Customer, Visit

ROW_HEIGHT = 72


class CustomersScreen(Screen):
    title = "Klanten"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.query = ""
        self.limit = browse.PAGE_SIZE
        self.page_result: browse.CustomerPage | None = None
        self.selected_id: str | None = None
        self.detail: CustomerFileView | None = None
        self.search = ft.TextField(
            label="Zoek klant",
            hint_text="Naam, plaats, postcode, klantnummer of contactpersoon",
            prefix_icon=ft.Icons.SEARCH,
            on_change=self._on_search,
            key="customer-search",
        )
        self.count = ft.Text("", theme_style=ft.TextThemeStyle.LABEL_MEDIUM, key="customer-count")
        self.list = ft.ListView(expand=True, item_extent=ROW_HEIGHT, key="customer-list")
        self.list_pane = ft.Column(
            [
                ft.Container(self.search, padding=ft.Padding.only(left=16, right=16, top=12)),
                ft.Container(self.count, padding=ft.Padding.symmetric(horizontal=16)),
                self.list,
            ],
            expand=True,
            spacing=8,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )
        self.detail_pane = ft.Container(
            expand=True,
            visible=False,
            key="customer-detail",
            content=empty_state(
                ft.Icons.PERSON_SEARCH,
                "Kies een klant",
                "Het dossier verschijnt hier.",
            ),
        )
        self.detail_divider = ft.VerticalDivider(width=1, visible=False)
        self.list_box = ft.Container(self.list_pane, expand=True)
        self._body = ft.Row(
            [
                self.list_box,
                self.detail_divider,
                self.detail_pane,
            ],
            expand=True,
            spacing=0,
        )

    @property
    def body(self) -> ft.Control:
        return self._body

    @property
    def side_by_side(self) -> bool:
        return self.size_class is SizeClass.EXPANDED

    def set_size_class(self, size_class: SizeClass) -> None:
        super().set_size_class(size_class)
        self.detail_pane.visible = self.side_by_side
        self.detail_divider.visible = self.side_by_side
        self.list_box.width = 400 if self.side_by_side else None
        self.list_box.expand = not self.side_by_side

    def refresh(self) -> None:
        self._load()
        if self.side_by_side and self.detail is not None:
            self.detail.refresh()

    def _on_search(self, e: ft.Event[ft.TextField]) -> None:
        self.query = e.control.value or ""
        self.limit = browse.PAGE_SIZE
        self._load()

    def _more(self) -> None:
        self.limit += browse.PAGE_SIZE
        self._load()

    def _load(self) -> None:
        result = self.ctx.read(browse.customer_page, text=self.query, limit=self.limit)
        self.page_result = result
        customers = result.customers if result is not None else []
        rows: list[ft.Control] = [self._row(c) for c in customers]
        if result is not None and result.has_more:
            rows.append(
                ft.ListTile(
                    title=ft.Text("Meer tonen"),
                    leading=ft.Icon(ft.Icons.EXPAND_MORE),
                    on_click=self._more,
                    data="customer-more",
                )
            )
        if customers:
            more = "+" if result is not None and result.has_more else ""
            noun = "klant" if len(customers) == 1 else "klanten"
            self.count.value = f"{len(customers)}{more} {noun}"
            self.list.controls = rows
            self.list.item_extent = ROW_HEIGHT
        else:
            self.count.value = ""
            self.list.item_extent = None  # the empty state is taller than a row
            self.list.controls = [self._empty()]

    def _empty(self) -> ft.Control:
        if self.query.strip():
            return empty_state(
                ft.Icons.SEARCH_OFF,
                f"Geen klant gevonden voor '{self.query.strip()}'",
                "Zoek op een deel van de naam, de plaats, de postcode, het klantnummer of de "
                "naam van een contactpersoon.",
                ident="customers-empty",
            )
        return empty_state(
            ft.Icons.PEOPLE_OUTLINE,
            "Nog geen klanten op dit apparaat",
            "Synchroniseer om uw portefeuille op te halen; nieuwe prospects legt u vast in de "
            "bellijst.",
            ident="customers-empty",
        )

    def _row(self, customer: Customer) -> ft.Control:
        place = " ".join(p for p in (customer.postcode, customer.city) if p)
        subtitle = " · ".join(
            p
            for p in (
                place,
                customer.customer_number or "",
                "prospect" if customer.kind is CustomerKind.PROSPECT else "",
                fmt.phone_display(customer.phone),
            )
            if p
        )
        return ft.ListTile(
            title=ft.Text(customer.name, max_lines=1, overflow=ft.TextOverflow.ELLIPSIS),
            subtitle=ft.Text(subtitle, max_lines=1, overflow=ft.TextOverflow.ELLIPSIS),
            leading=ft.CircleAvatar(content=ft.Text(customer.name[:1].upper())),
            selected=customer.id == self.selected_id,
            on_click=lambda _, cid=customer.id: self.open_customer(cid),
            tooltip=f"Dossier {customer.name}",
            data=f"customer-{customer.id}",
        )

    def open_customer(self, customer_id: str) -> None:
        self.selected_id = customer_id
        if self.side_by_side:
            self.detail = CustomerFileView(self.ctx, customer_id, on_report=self._report)
            self.detail.refresh()
            self.detail_pane.content = self.detail.control
            self._load()  # mark the selected row
        elif self.ctx.shell is not None:
            self.ctx.shell.open(CustomerFileScreen(self.ctx, customer_id=customer_id))

    def _report(self, visit: Visit) -> None:
        if self.ctx.shell is not None:
            self.ctx.shell.open(VisitReportScreen(self.ctx, visit_id=visit.id))
