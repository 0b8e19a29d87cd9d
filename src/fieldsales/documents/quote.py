"""The quote as the customer receives it: an A4 PDF with the lines, the BTW per rate and the
totals, as Dutch quotes show them.

``QuoteSheet`` holds what is printed, already read from the store (``services.quote_documents``
builds it), so the layout here is pure: the same sheet gives the same bytes. Amounts are the
stored, per-line rounded ones; the PDF never computes a total of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from fieldsales.documents.pdf import A4_WIDTH, BOLD, Document, Page, wrap
from fieldsales.domain.money import format_cents, format_date, format_percent

LEFT = 50.0
RIGHT = A4_WIDTH - 50.0
BOTTOM = 780.0  # below this a new page starts (the footer sits under it)
ROW = 13.0

# Table columns: the description on the left, figures right-aligned at these x positions.
COL_QTY = 330.0
COL_PRICE = 400.0
COL_DISCOUNT = 445.0
COL_VAT = 480.0
COL_AMOUNT = RIGHT
DESCRIPTION_WIDTH = COL_QTY - LEFT - 45


@dataclass(frozen=True, slots=True)
class SheetLine:
    description: str
    sku: str
    quantity: Decimal
    unit: str
    unit_price_cents: int
    discount_percent: Decimal
    vat_percent: Decimal
    net_cents: int


@dataclass(frozen=True, slots=True)
class VatRow:
    percent: Decimal
    net_cents: int
    vat_cents: int


@dataclass(frozen=True, slots=True)
class QuoteSheet:
    number: str
    quote_date: date
    valid_until: date
    customer_name: str
    customer_address: Sequence[str]
    contact_name: str
    seller_name: str
    seller_contact: Sequence[str]  # e-mail, phone
    lines: Sequence[SheetLine]
    vat_rows: Sequence[VatRow]  # highest rate first
    net_cents: int
    vat_cents: int
    gross_cents: int
    notes: str = ""
    organisation: str = ""  # the seller's company, at the top of the letterhead


def quantity_text(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


def render_quote(sheet: QuoteSheet) -> bytes:
    doc = Document(
        title=f"Offerte {sheet.number}", created=datetime.combine(sheet.quote_date, time(12))
    )
    page = doc.new_page()
    y = _letterhead(page, sheet)
    y = _table_header(page, y)
    for line in sheet.lines:
        rows = wrap(line.description, DESCRIPTION_WIDTH, 9)
        needed = ROW * (len(rows) + 1) + 4
        if y + needed > BOTTOM:
            page = doc.new_page()
            y = _table_header(page, 60.0)
        y = _line(page, y, line, rows)
    if y + ROW * (len(sheet.vat_rows) + 4) > BOTTOM:
        page = doc.new_page()
        y = 60.0
    y = _totals(page, y, sheet)
    for text in _closing(sheet):
        rows = wrap(text, RIGHT - LEFT, 9)
        if y + ROW * len(rows) > BOTTOM:
            page = doc.new_page()
            y = 60.0
        for row in rows:
            page.text(LEFT, y, row, size=9)
            y += ROW
        y += 4
    for number, each in enumerate(doc.pages, start=1):
        each.text(LEFT, 810, f"Offerte {sheet.number}", size=8)
        each.text(RIGHT, 810, f"Pagina {number} van {len(doc.pages)}", size=8, align="right")
    return doc.to_bytes()


def _letterhead(page: Page, sheet: QuoteSheet) -> float:
    page.text(LEFT, 70, "Offerte", size=22, font=BOLD)
    y = 58.0
    if sheet.organisation:
        page.text(RIGHT, y, sheet.organisation, size=12, font=BOLD, align="right")
        y += 15
    for text in (sheet.seller_name, *sheet.seller_contact):
        page.text(RIGHT, y, text, size=9, align="right")
        y += 12
    y = 120.0
    for i, text in enumerate((sheet.customer_name, *sheet.customer_address)):
        page.text(LEFT, y, text, size=10, font=BOLD if i == 0 else "F1")
        y += 13
    if sheet.contact_name:
        page.text(LEFT, y, f"t.a.v. {sheet.contact_name}", size=10)
        y += 13
    facts = [
        ("Offertenummer", sheet.number),
        ("Datum", format_date(sheet.quote_date)),
        ("Geldig tot en met", format_date(sheet.valid_until)),
    ]
    fy = 120.0
    for label, value in facts:
        page.text(360, fy, label, size=9)
        page.text(RIGHT, fy, value, size=9, font=BOLD, align="right")
        fy += 13
    return max(y, fy) + 24


def _table_header(page: Page, y: float) -> float:
    page.shade(LEFT - 4, y - 11, RIGHT - LEFT + 8, 16)
    page.text(LEFT, y, "Omschrijving", size=9, font=BOLD)
    for x, label in (
        (COL_QTY, "Aantal"),
        (COL_PRICE, "Prijs"),
        (COL_DISCOUNT, "Korting"),
        (COL_VAT, "Btw"),
        (COL_AMOUNT, "Bedrag"),
    ):
        page.text(x, y, label, size=9, font=BOLD, align="right")
    return y + ROW + 6


def _line(page: Page, y: float, line: SheetLine, rows: list[str]) -> float:
    top = y
    for row in rows:
        page.text(LEFT, y, row, size=9)
        y += ROW
    page.text(LEFT, y, f"art. {line.sku}", size=7.5)
    discount = format_percent(line.discount_percent, 0) if line.discount_percent else ""
    for x, value in (
        (COL_QTY, f"{quantity_text(line.quantity)} {line.unit}"),
        (COL_PRICE, format_cents(line.unit_price_cents)),
        (COL_DISCOUNT, discount),
        (COL_VAT, format_percent(line.vat_percent, 0)),
        (COL_AMOUNT, format_cents(line.net_cents)),
    ):
        if value:
            page.text(x, top, value, size=9, align="right")
    y += ROW - 4
    page.line(LEFT, y, RIGHT, y, width=0.3)
    return y + ROW


def _totals(page: Page, y: float, sheet: QuoteSheet) -> float:
    label_x = COL_DISCOUNT
    page.text(label_x, y, "Totaal excl. btw", size=9, align="right")
    page.text(RIGHT, y, format_cents(sheet.net_cents), size=9, align="right")
    y += ROW
    for row in sheet.vat_rows:
        page.text(
            label_x,
            y,
            f"Btw {format_percent(row.percent, 0)} over {format_cents(row.net_cents)}",
            size=9,
            align="right",
        )
        page.text(RIGHT, y, format_cents(row.vat_cents), size=9, align="right")
        y += ROW
    page.line(COL_PRICE - 60, y - 8, RIGHT, y - 8, width=0.6)
    y += 4
    page.text(label_x, y, "Totaal incl. btw", size=11, font=BOLD, align="right")
    page.text(RIGHT, y, format_cents(sheet.gross_cents), size=11, font=BOLD, align="right")
    return y + 2 * ROW


def _closing(sheet: QuoteSheet) -> list[str]:
    texts = [
        f"Deze offerte is geldig tot en met {format_date(sheet.valid_until)}. "
        "Prijzen zijn in euro's, exclusief btw tenzij anders vermeld."
    ]
    if sheet.notes:
        texts.append(sheet.notes)
    texts.append(f"Met vriendelijke groet, {sheet.seller_name}")
    return texts
