"""Order invoeren and Offerte maken: lines from the catalogue at the customer's own prices.

Opened from the customer file, at the customer or after a call. The search box finds products by
name, article number or product group; with nothing typed it offers what this customer usually
orders, because a re-order is the most common order in the field. Every change of a quantity or
discount re-prices the lines through ``services.catalogue.preview_lines``, which prices them
exactly as saving will, so the total read out to the customer is the total stored.

Saving goes through ``services.sales.create_order`` or ``create_quote``; a prospect's first order
makes it a customer there. Input errors are shown in Dutch at the line they belong to, and
nothing is saved until every line is right.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from enum import Enum

import flet as ft

from fieldsales.domain import pricing
from fieldsales.domain.enums import OrderSource
from fieldsales.domain.errors import ValidationError
from fieldsales.domain.money import VAT_PERCENT, format_cents, format_percent, parse_decimal
from fieldsales.services.catalogue import (
    CatalogueItem,
    OrderCatalogue,
    Preview,
    order_catalogue,
    preview_lines,
)
from fieldsales.services.sales import LineRequest, create_order, create_quote
from fieldsales.ui import format as fmt
from fieldsales.ui.context import USER_ERRORS, AppContext, user_message
from fieldsales.ui.screen import Screen
from fieldsales.ui.widgets import DateField, empty_state, heading

#: Validity a quote is usually given; the salesperson can pick another.
QUOTE_DAYS = ("14", "30", "60", "90")
DEFAULT_QUOTE_DAYS = "30"


class DocumentKind(Enum):
    ORDER = "order"
    QUOTE = "quote"


ORDER_SOURCES = {
    OrderSource.FIELD: "Bij de klant opgenomen",
    OrderSource.RECEIVED: "Ontvangen (telefoon of mail)",
}


@dataclass
class LineRow:
    """One line being entered: its product and the two fields the salesperson can change."""

    item: CatalogueItem
    quantity: ft.TextField
    discount: ft.TextField
    amount: ft.Text
    control: ft.Control

    def request(self) -> LineRequest:
        """The line as the service takes it; a ValidationError names the field at fault."""
        quantity = parse_decimal(self.quantity.value or "", field="quantity")
        discount_text = (self.discount.value or "").strip().rstrip("%").strip()
        discount = parse_decimal(discount_text, field="discount") if discount_text else Decimal(0)
        # The same checks saving makes, so the error can be shown at this line's field.
        pricing.validate_line(
            pricing.LineInput(quantity=quantity, unit_price_cents=0, discount_percent=discount)
        )
        return LineRequest(
            product_id=self.item.product.id, quantity=quantity, discount_percent=discount
        )

    def show_error(self, exc: ValidationError | None) -> None:
        self.quantity.error = None
        self.discount.error = None
        if exc is None:
            return
        target = self.discount if exc.field in ("discount", "discount_percent") else self.quantity
        target.error = exc.message


class OrderEntryScreen(Screen):
    refresh_on_sync = False  # a form: a reload would throw away what is being entered

    def __init__(
        self, ctx: AppContext, *, customer_id: str, customer_name: str, kind: DocumentKind
    ) -> None:
        super().__init__(ctx)
        self.customer_id = customer_id
        self.customer_name = customer_name
        self.kind = kind
        self.title = "Order invoeren" if kind is DocumentKind.ORDER else "Offerte maken"
        self.catalogue: OrderCatalogue | None = None
        self.lines: list[LineRow] = []
        self._serial = 0  # keys are never reused: Flet freezes a reused key's control
        self._loaded = False
        today = ctx.today()

        self.search = ft.TextField(
            label="Product zoeken",
            hint_text="naam, artikelnummer of productgroep",
            prefix_icon=ft.Icons.SEARCH,
            on_change=self._search_changed,
            key="order-search",
        )
        self.results_title = ft.Text("", theme_style=ft.TextThemeStyle.LABEL_LARGE)
        self.results = ft.Column(spacing=0, key="order-results")
        self.line_list = ft.Column(spacing=8, key="order-lines")
        self.totals = ft.Column(spacing=2, key="order-totals")
        self.total = ft.Text("", theme_style=ft.TextThemeStyle.TITLE_MEDIUM, key="order-total")
        self.notes = ft.TextField(
            label="Opmerking (niet verplicht)",
            multiline=True,
            min_lines=1,
            max_lines=4,
            key="order-notes",
        )
        self.source = ft.Dropdown(
            label="Herkomst",
            value=OrderSource.FIELD.value,
            options=[ft.DropdownOption(key=s.value, text=t) for s, t in ORDER_SOURCES.items()],
            key="order-source",
            expand=True,
        )
        self.delivery = DateField(
            "Gewenste leverdatum (niet verplicht)",
            key="order-delivery",
            first=today,
            last=today + timedelta(days=365),
        )
        self.valid_days = ft.Dropdown(
            label="Geldig",
            value=DEFAULT_QUOTE_DAYS,
            options=[ft.DropdownOption(key=d, text=f"{d} dagen") for d in QUOTE_DAYS],
            key="order-valid-days",
            expand=True,
        )
        self.save_button = ft.FilledButton(
            "Order plaatsen" if kind is DocumentKind.ORDER else "Offerte opslaan",
            icon=ft.Icons.CHECK,
            on_click=self._save,
            height=48,
            key="order-save",
        )
        details: list[ft.Control] = (
            [ft.Row([self.source]), self.delivery.control]
            if kind is DocumentKind.ORDER
            else [ft.Row([self.valid_days])]
        )
        self._body = ft.ListView(
            [
                ft.Text(
                    customer_name,
                    theme_style=ft.TextThemeStyle.TITLE_LARGE,
                    key="order-customer",
                ),
                self.search,
                self.results_title,
                self.results,
                heading("Regels"),
                self.line_list,
                self.totals,
                *details,
                self.notes,
                ft.Row([self.save_button], alignment=ft.MainAxisAlignment.END),
            ],
            spacing=12,
            padding=ft.Padding.all(16),
            expand=True,
            key="order-entry",
        )

    @property
    def body(self) -> ft.Control:
        return self._body

    def refresh(self) -> None:
        """Load the catalogue once; coming back to the screen keeps what was entered."""
        if self._loaded:
            return
        self.catalogue = self.ctx.read(
            order_catalogue, customer_id=self.customer_id, on=self.ctx.today()
        )
        self._loaded = True
        self._show_results()
        self._reprice()

    # --- finding products ------------------------------------------------------------------
    def _search_changed(self) -> None:
        self._show_results()

    def _show_results(self) -> None:
        if self.catalogue is None:
            self.results.controls = []
            return
        text = self.search.value or ""
        found = self.catalogue.search(text)
        if text.strip():
            self.results_title.value = "Gevonden" if found else "Niets gevonden"
        else:
            self.results_title.value = "Vaak besteld door deze klant" if found else ""
        if not self.catalogue.items:
            self.results.controls = [
                empty_state(
                    ft.Icons.INVENTORY_2_OUTLINED,
                    "Nog geen producten op dit apparaat",
                    "De catalogus komt mee met de eerste synchronisatie.",
                )
            ]
            return
        self.results.controls = [self._result_tile(item) for item in found]

    def _result_tile(self, item: CatalogueItem) -> ft.Control:
        p = item.product
        return ft.ListTile(
            title=ft.Text(p.name),
            subtitle=ft.Text(
                f"{p.sku} · {format_cents(item.unit_price_cents)} per {p.unit} excl. btw"
            ),
            trailing=ft.Icon(ft.Icons.ADD_CIRCLE_OUTLINE),
            on_click=lambda: self._add(item),
            data=f"order-add-{p.id}",
        )

    # --- lines -----------------------------------------------------------------------------
    def _add(self, item: CatalogueItem) -> None:
        for line in self.lines:
            if line.item.product.id == item.product.id:  # picked again: one more
                try:
                    had = parse_decimal(line.quantity.value or "0")
                except ValidationError:
                    had = Decimal(0)
                line.quantity.value = _decimal_text(had + 1)
                self._reprice()
                return
        self._serial += 1
        n = self._serial
        quantity = ft.TextField(
            label=f"Aantal ({item.product.unit})",
            value="1",
            keyboard_type=ft.KeyboardType.NUMBER,
            on_change=self._reprice,
            key=f"order-qty-{n}",
            expand=1,
        )
        discount = ft.TextField(
            label="Korting",
            value="",
            suffix="%",
            keyboard_type=ft.KeyboardType.NUMBER,
            on_change=self._reprice,
            key=f"order-discount-{n}",
            expand=1,
        )
        amount = ft.Text("", key=f"order-line-amount-{n}")
        row = LineRow(item, quantity, discount, amount, ft.Container())
        row.control = ft.Card(
            ft.Container(
                ft.Column(
                    [
                        ft.Row(
                            [
                                ft.Text(
                                    item.product.name,
                                    theme_style=ft.TextThemeStyle.TITLE_SMALL,
                                    expand=True,
                                ),
                                ft.IconButton(
                                    ft.Icons.DELETE_OUTLINE,
                                    tooltip=f"{item.product.name} verwijderen",
                                    on_click=lambda: self._remove(row),
                                    key=f"order-remove-{n}",
                                ),
                            ]
                        ),
                        ft.Row(
                            [quantity, discount],
                            vertical_alignment=ft.CrossAxisAlignment.START,
                        ),
                        amount,
                    ],
                    spacing=8,
                ),
                padding=ft.Padding.all(12),
            ),
            key=f"order-line-{n}",
        )
        self.lines.append(row)
        self.search.value = ""
        self._show_results()
        self._reprice()

    def _remove(self, row: LineRow) -> None:
        self.lines = [line for line in self.lines if line is not row]
        self._reprice()

    def _requests(self) -> list[LineRequest] | None:
        """Every line as the service takes it, or None after showing what is wrong where."""
        requests: list[LineRequest] = []
        ok = True
        for line in self.lines:
            try:
                requests.append(line.request())
                line.show_error(None)
            except ValidationError as exc:
                line.show_error(exc)
                ok = False
        return requests if ok else None

    def _reprice(self) -> None:
        self.line_list.controls = [line.control for line in self.lines] or [
            ft.Text("Nog geen regels: zoek een product en tik erop.", key="order-no-lines")
        ]
        requests = self._requests()
        preview: Preview | None = None
        if requests is not None:
            try:
                preview = preview_lines(
                    self.ctx.store,
                    actor=self.ctx.actor,
                    customer_id=self.customer_id,
                    lines=requests,
                    on=self.ctx.today(),
                )
            except USER_ERRORS as exc:
                self.ctx.toast(user_message(exc))
        if preview is None:
            for line in self.lines:
                line.amount.value = ""
            self.totals.controls = [
                ft.Text("Controleer de regels hierboven.", color=ft.Colors.ERROR)
            ]
            self.total.value = ""
            return
        for line, priced in zip(self.lines, preview.lines, strict=True):
            unit = format_cents(priced.unit_price_cents)
            line.amount.value = (
                f"{unit} per {line.item.product.unit} · {format_cents(priced.net_cents)} excl. btw"
            )
        self.total.value = f"Totaal {format_cents(preview.gross_cents)} incl. btw"
        self.totals.controls = [
            ft.Text(f"Totaal excl. btw {format_cents(preview.net_cents)}", key="order-net"),
            *[
                ft.Text(
                    f"Btw {format_percent(VAT_PERCENT[rate], 0)} {format_cents(cents)}",
                    data=f"order-vat-{rate.value}",
                )
                for rate, cents in preview.vat_by_rate.items()
            ],
            self.total,
        ]

    # --- saving ----------------------------------------------------------------------------
    def _save(self) -> None:
        if not self.lines:
            self.ctx.toast("Voeg minstens één regel toe.")
            return
        requests = self._requests()
        if requests is None:
            self.ctx.toast("Controleer de regels: niet alles is goed ingevuld.")
            return
        notes = self.notes.value or ""
        if self.kind is DocumentKind.ORDER:
            try:
                delivery_on = self.delivery.value()
                self.delivery.show_error(None)
            except ValidationError as exc:
                self.delivery.show_error(exc.message)
                return
            order = self.ctx.call(
                create_order,
                customer_id=self.customer_id,
                lines=requests,
                order_date=self.ctx.today(),
                source=OrderSource(self.source.value or OrderSource.FIELD.value),
                delivery_on=delivery_on,
                notes=notes,
            )
            if order is None:
                return
            message = (
                f"Order {order.order_number} geplaatst: "
                f"{format_cents(order.gross_cents)} incl. btw."
            )
        else:
            quote = self.ctx.call(
                create_quote,
                customer_id=self.customer_id,
                lines=requests,
                quote_date=self.ctx.today(),
                valid_days=int(self.valid_days.value or DEFAULT_QUOTE_DAYS),
                notes=notes,
            )
            if quote is None:
                return
            message = (
                f"Offerte {quote.quote_number} opgeslagen als concept, "
                f"geldig tot {fmt.short_date(quote.valid_until)}."
            )
        if self.ctx.shell is not None:
            self.ctx.shell.back()
        self.ctx.toast(message)


def _decimal_text(value: Decimal) -> str:
    """A quantity as a Dutch user types it: ``2``, ``2,5``."""
    return format(value.normalize(), "f").replace(".", ",")
