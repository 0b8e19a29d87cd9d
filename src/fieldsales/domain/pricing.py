"""Quote and order amounts: discounts and Dutch VAT (BTW), rounded per line.

Every line is rounded to whole cents on its own (net first, then its VAT) and the document totals
are plain sums of the rounded lines. That is what gets stored on the lines, so a report summing
stored line amounts in SQL always equals the document's totals, to the cent.

A document-wide discount (``order_discount_percent``) is folded into each line's discount factor
*before* that line is rounded: ``net = qty × price × (1 − line%/100) × (1 − order%/100)``.
Applying it to the rounded total instead would leave the lines not adding up to the document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from fieldsales.domain.enums import VatRate
from fieldsales.domain.errors import ValidationError
from fieldsales.domain.money import VAT_PERCENT, round_to_int

_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class LineInput:
    """One quote or order line as entered: prices in cents, discount as a percentage."""

    quantity: Decimal
    unit_price_cents: int
    discount_percent: Decimal = Decimal(0)
    vat_rate: VatRate = VatRate.HIGH


@dataclass(frozen=True, slots=True)
class LineAmounts:
    net_cents: int
    vat_cents: int
    gross_cents: int


@dataclass(frozen=True, slots=True)
class DocumentTotals:
    """Totals of a quote or order; ``lines`` are the per-line amounts in input order."""

    net_cents: int
    vat_cents: int
    gross_cents: int
    vat_by_rate: dict[VatRate, int]
    net_by_rate: dict[VatRate, int]
    lines: tuple[LineAmounts, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class PriceListEntry:
    """A customer price-list price for one product, from ``min_quantity`` units up.

    ``valid_from``/``valid_until`` come from the price list the item belongs to (inclusive).
    """

    price_cents: int
    min_quantity: Decimal = Decimal(1)
    valid_from: date | None = None
    valid_until: date | None = None


def _check_discount(value: Decimal, field_name: str) -> Decimal:
    discount = Decimal(value)
    if not discount.is_finite() or discount < 0 or discount > _HUNDRED:
        raise ValidationError(
            "Korting moet tussen 0 en 100 procent liggen.",
            field=field_name,
            code="invalid_discount",
        )
    return discount


def validate_line(line: LineInput) -> None:
    """Refuse lines no quote or order can carry; messages are shown to the salesperson as-is."""
    quantity = Decimal(line.quantity)
    if not quantity.is_finite() or quantity <= 0:
        raise ValidationError(
            "Aantal moet groter dan 0 zijn.", field="quantity", code="invalid_quantity"
        )
    if line.unit_price_cents < 0:
        raise ValidationError(
            "Prijs mag niet negatief zijn.", field="unit_price_cents", code="invalid_price"
        )
    _check_discount(line.discount_percent, "discount_percent")
    if line.vat_rate not in VAT_PERCENT:
        raise ValidationError("Onbekend btw-tarief.", field="vat_rate", code="invalid_vat_rate")


def line_amounts(line: LineInput, *, order_discount_percent: Decimal = Decimal(0)) -> LineAmounts:
    """Net rounded to cents, then VAT on that rounded net rounded to cents (per line)."""
    validate_line(line)
    order_discount = _check_discount(order_discount_percent, "order_discount_percent")
    factor = (_HUNDRED - Decimal(line.discount_percent)) / _HUNDRED
    factor *= (_HUNDRED - order_discount) / _HUNDRED
    net = round_to_int(Decimal(line.quantity) * line.unit_price_cents * factor)
    vat = round_to_int(net * VAT_PERCENT[line.vat_rate] / _HUNDRED)
    return LineAmounts(net_cents=net, vat_cents=vat, gross_cents=net + vat)


def document_totals(
    lines: Sequence[LineInput], *, order_discount_percent: Decimal = Decimal(0)
) -> DocumentTotals:
    """Sum of the per-line rounded amounts; VAT and net also per rate for the BTW summary."""
    amounts = tuple(line_amounts(ln, order_discount_percent=order_discount_percent) for ln in lines)
    vat_by_rate: dict[VatRate, int] = {}
    net_by_rate: dict[VatRate, int] = {}
    for ln, am in zip(lines, amounts, strict=True):
        vat_by_rate[ln.vat_rate] = vat_by_rate.get(ln.vat_rate, 0) + am.vat_cents
        net_by_rate[ln.vat_rate] = net_by_rate.get(ln.vat_rate, 0) + am.net_cents
    # Highest rate first, as a Dutch invoice lists them.
    rate_order = sorted(vat_by_rate, key=lambda r: VAT_PERCENT[r], reverse=True)
    net = sum(a.net_cents for a in amounts)
    vat = sum(a.vat_cents for a in amounts)
    return DocumentTotals(
        net_cents=net,
        vat_cents=vat,
        gross_cents=net + vat,
        vat_by_rate={r: vat_by_rate[r] for r in rate_order},
        net_by_rate={r: net_by_rate[r] for r in rate_order},
        lines=amounts,
    )


def unit_price_for(
    product_list_price_cents: int,
    price_list_items: Sequence[PriceListEntry],
    quantity: Decimal,
    on: date,
) -> int:
    """The unit price a customer pays: its price list's staffel price, else the list price.

    ``price_list_items`` are the entries of the customer's price list for this one product. Among
    those valid ``on`` the given date, the one with the highest ``min_quantity`` not above
    ``quantity`` applies (a volume tier); equal tiers resolve to the lower price so the choice
    never depends on input order. A price-list price applies even when it is above list price:
    it is the price agreed with the customer.
    """
    best: PriceListEntry | None = None
    for entry in price_list_items:
        if entry.valid_from is not None and on < entry.valid_from:
            continue
        if entry.valid_until is not None and on > entry.valid_until:
            continue
        if Decimal(entry.min_quantity) > Decimal(quantity):
            continue
        if (
            best is None
            or entry.min_quantity > best.min_quantity
            or (entry.min_quantity == best.min_quantity and entry.price_cents < best.price_cents)
        ):
            best = entry
    return product_list_price_cents if best is None else best.price_cents
