"""Catalogus: the product catalogue to present at the customer, offline.

Opened from Meer it shows list prices; opened from a customer's file it shows the prices that
customer pays (its price list) next to the list price, so the salesperson can say both. Products
are found by typing part of the name, article number or group, by product group, or by what is
new (introduced in the last ``NEW_DAYS`` days: the products the brief asks to present). A tap
opens the product's sheet: description, unit, price with and without BTW.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import flet as ft

from fieldsales.domain.money import VAT_PERCENT, format_cents, format_percent
from fieldsales.domain.pricing import LineInput, line_amounts
from fieldsales.services.catalogue import CatalogueItem, OrderCatalogue, product_catalogue
from fieldsales.ui import format as fmt
from fieldsales.ui.context import AppContext
from fieldsales.ui.screen import Screen
from fieldsales.ui.widgets import empty_state

#: A product introduced this recently is "nieuw" (the visit preparation's new products too).
NEW_DAYS = 90
#: How many products the list shows at once; typing narrows it down.
SHOWN = 60
ALL_GROUPS = "-"


def is_new(item: CatalogueItem, today: date) -> bool:
    introduced = item.product.introduced_on
    return introduced is not None and today - timedelta(days=NEW_DAYS) <= introduced <= today


def with_vat(item: CatalogueItem) -> int:
    """One unit's price including BTW, rounded as an order line would be."""
    line = LineInput(
        quantity=Decimal(1), unit_price_cents=item.unit_price_cents, vat_rate=item.product.vat_rate
    )
    return line_amounts(line).gross_cents


class CatalogueScreen(Screen):
    title = "Catalogus"

    def __init__(
        self,
        ctx: AppContext,
        *,
        customer_id: str | None = None,
        customer_name: str | None = None,
    ) -> None:
        super().__init__(ctx)
        self.customer_id = customer_id
        self.customer_name = customer_name
        self.catalogue: OrderCatalogue | None = None
        self.search = ft.TextField(
            label="Zoek een product",
            hint_text="naam, artikelnummer of productgroep",
            prefix_icon=ft.Icons.SEARCH,
            on_change=self._show,
            key="catalogue-search",
        )
        self.group = ft.Dropdown(
            label="Productgroep",
            value=ALL_GROUPS,
            on_select=self._show,
            key="catalogue-group",
            expand=True,
        )
        self.new_only = ft.Checkbox(
            label="Alleen nieuw", value=False, on_change=self._show, key="catalogue-new"
        )
        self.count = ft.Text("", theme_style=ft.TextThemeStyle.BODY_SMALL, key="catalogue-count")
        self.list = ft.ListView(expand=True, key="catalogue-list")
        header: list[ft.Control] = []
        if customer_name:
            header.append(
                ft.Text(
                    f"Prijzen voor {customer_name}",
                    theme_style=ft.TextThemeStyle.TITLE_MEDIUM,
                    key="catalogue-customer",
                )
            )
        self._body = ft.Container(
            ft.Column(
                [
                    *header,
                    self.search,
                    ft.Row([self.group, self.new_only], wrap=True),
                    self.count,
                    self.list,
                ],
                expand=True,
                spacing=8,
            ),
            padding=ft.Padding.only(left=16, right=16, top=12),
            expand=True,
        )

    @property
    def body(self) -> ft.Control:
        return self._body

    def refresh(self) -> None:
        today = self.ctx.today()
        self.catalogue = self.ctx.read(product_catalogue, on=today, customer_id=self.customer_id)
        groups = sorted({i.group_name for i in self.catalogue.items} if self.catalogue else set())
        self.group.options = [ft.DropdownOption(key=ALL_GROUPS, text="Alle productgroepen")] + [
            ft.DropdownOption(key=g, text=g) for g in groups if g
        ]
        self._show()

    def _show(self) -> None:
        catalogue = self.catalogue
        if catalogue is None or not catalogue.items:
            self.count.value = ""
            self.list.controls = [
                empty_state(
                    ft.Icons.INVENTORY_2_OUTLINED,
                    "Nog geen producten op dit apparaat",
                    "De catalogus komt mee met de eerste synchronisatie.",
                    ident="catalogue-empty",
                )
            ]
            return
        today = self.ctx.today()
        words = (self.search.value or "").casefold().split()
        group = self.group.value if self.group.value not in (None, ALL_GROUPS) else None
        found = [
            item
            for item in catalogue.items
            if (not words or item.matches(words))
            and (group is None or item.group_name == group)
            and (not self.new_only.value or is_new(item, today))
        ]
        shown = found[:SHOWN]
        self.count.value = (
            f"{len(found)} producten"
            if len(found) <= SHOWN
            else f"{len(found)} producten, de eerste {SHOWN} getoond: zoek verder om te verfijnen"
        )
        self.list.controls = [self._tile(item, today) for item in shown] or [
            ft.Text("Geen product gevonden.", key="catalogue-none")
        ]

    def _tile(self, item: CatalogueItem, today: date) -> ft.Control:
        p = item.product
        new = " · nieuw" if is_new(item, today) else ""
        return ft.ListTile(
            leading=ft.Icon(ft.Icons.FIBER_NEW_OUTLINED if new else ft.Icons.INVENTORY_2_OUTLINED),
            title=ft.Text(p.name),
            subtitle=ft.Text(
                f"{p.sku} · {item.group_name} · {format_cents(item.unit_price_cents)} "
                f"per {p.unit}{new}"
            ),
            on_click=lambda: self._open(item),
            data=f"catalogue-product-{p.id}",
        )

    def _open(self, item: CatalogueItem) -> None:
        p = item.product
        rate = format_percent(VAT_PERCENT[p.vat_rate], 0)
        lines: list[ft.Control] = [
            ft.Text(f"{item.group_name} · artikelnummer {p.sku} · per {p.unit}"),
            ft.Text(
                f"{format_cents(item.unit_price_cents)} excl. btw · "
                f"{format_cents(with_vat(item))} incl. {rate} btw",
                theme_style=ft.TextThemeStyle.TITLE_MEDIUM,
                key="product-price",
            ),
        ]
        list_price = p.list_price_cents
        if self.customer_name and list_price != item.unit_price_cents:
            lines.append(
                ft.Text(
                    f"Prijs voor {self.customer_name}; catalogusprijs {format_cents(list_price)}.",
                    key="product-list-price",
                )
            )
        if p.introduced_on is not None:
            lines.append(ft.Text(f"In het assortiment sinds {fmt.short_date(p.introduced_on)}."))
        if p.description:
            lines.append(ft.Text(p.description, key="product-description"))
        dialog = ft.AlertDialog(
            title=ft.Text(p.name),
            content=ft.Column(lines, tight=True, spacing=8, scroll=ft.ScrollMode.AUTO),
            semantics_label=f"Product {p.name}",
        )
        dialog.actions = [
            ft.TextButton(
                "Sluiten", on_click=lambda: self.ctx.close(dialog), height=48, key="product-close"
            )
        ]
        self.ctx.show(dialog)
