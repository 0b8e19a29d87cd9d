"""Money, percentages and dates the Dutch way.

Amounts are stored as integer euro cents so sums in SQL are exact; arithmetic on them goes through
``Decimal`` and is rounded half-up to the cent, the way Dutch invoices and the tax authority round.
Formatting follows Dutch conventions (``€ 1.234,56``, ``28-11-2026``) without touching the process
locale, which on phones is unreliable and would make output depend on the device.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from fieldsales.domain.enums import VatRate
from fieldsales.domain.errors import ValidationError

VAT_PERCENT: dict[VatRate, Decimal] = {
    VatRate.HIGH: Decimal(21),
    VatRate.LOW: Decimal(9),
    VatRate.ZERO: Decimal(0),
}

CENT = Decimal("0.01")
_ONE = Decimal(1)


def round_cents(x: Decimal) -> Decimal:
    """Round half-up to whole cents (banker's rounding would surprise an accountant)."""
    return Decimal(x).quantize(CENT, rounding=ROUND_HALF_UP)


def round_to_int(x: Decimal) -> int:
    """Round half-up to an integer, for amounts already expressed in cents."""
    return int(Decimal(x).quantize(_ONE, rounding=ROUND_HALF_UP))


def to_cents(x: Decimal) -> int:
    """Euros as integer cents, rounded half-up."""
    return round_to_int(Decimal(x) * 100)


def from_cents(c: int) -> Decimal:
    """Integer cents as euros with exactly two decimals."""
    return (Decimal(int(c)) / 100).quantize(CENT)


def percent(
    numerator: Decimal | int, denominator: Decimal | int, places: int = 1
) -> Decimal | None:
    """``numerator / denominator * 100`` rounded half-up; None when there is nothing to divide by.

    KPIs over an empty set (no plans, no target) have no meaningful percentage; None lets the UI
    show a dash instead of a misleading 0 %.
    """
    if denominator == 0:
        return None
    value = Decimal(numerator) * 100 / Decimal(denominator)
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _group_thousands(digits: str) -> str:
    groups: list[str] = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return ".".join(groups)


def format_eur(amount: Decimal) -> str:
    """``€ 1.234,56``; negative amounts as ``€ -1.234,56``."""
    value = round_cents(Decimal(amount))
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):.2f}".partition(".")
    return f"€ {sign}{_group_thousands(whole)},{fraction}"


def format_cents(cents: int) -> str:
    """An amount in cents as ``€ 1.234,56``."""
    return format_eur(from_cents(cents))


def format_percent(value: Decimal | None, places: int = 1) -> str:
    """``12,5 %`` with a decimal comma; a missing percentage (no denominator) as ``-``."""
    if value is None:
        return "-"
    quantized = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{quantized:f}".replace(".", ",") + " %"


def format_date(d: date) -> str:
    """``28-11-2026``, built by hand: ``strftime`` pads years below 1000 differently per OS."""
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


def parse_date(text: str, *, field: str | None = None) -> date:
    """Read a Dutch date ``28-11-2026`` (also ``28/11/2026``, ``28.11.2026`` or ISO ``2026-11-28``).

    Two-digit years are refused: ``28-11-26`` is ambiguous enough to cost a customer a visit.
    """
    cleaned = text.strip()
    parts = re.split(r"[-/.]", cleaned)
    try:
        if len(parts) == 3 and all(p.isascii() and p.isdigit() for p in parts):
            if len(parts[0]) == 4:
                return date(int(parts[0]), int(parts[1]), int(parts[2]))
            if len(parts[2]) == 4:
                return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        pass
    raise ValidationError(
        f"'{text}' is geen geldige datum. Gebruik dag-maand-jaar, bijvoorbeeld 28-11-2026.",
        field=field,
        code="invalid_date",
    )


# Whole amount, optionally with thousands dots in groups of three; then an optional decimal part
# after a comma (one or two digits, or the Dutch ",-" for whole euros).
_DUTCH_AMOUNT = re.compile(r"^(?P<whole>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<frac>\d{1,2}|-{1,2}))?$")
# A single decimal point with one or two digits ("12.5", "12.50"): what people type on a keypad
# that has no comma. Three digits after one dot ("1.234") stay a thousands separator, as in Dutch.
_POINT_AMOUNT = re.compile(r"^(?P<whole>\d+)\.(?P<frac>\d{1,2})$")


def parse_amount(text: str, *, field: str | None = None) -> Decimal:
    """Read an amount a Dutch user typed: ``1.234,56``, ``12,5``, ``€ 12``, ``12,-``, ``-3,50``.

    The dot is a thousands separator (``1.234`` is one thousand two hundred thirty-four), except a
    single dot followed by one or two digits (``12.5``), which can only be a decimal point. More
    than two decimals are refused rather than silently rounded away. Returns euros, two decimals.
    """
    cleaned = "".join(text.split())  # all whitespace, including non-breaking spaces
    cleaned = cleaned.replace("\u2212", "-")  # the typographic minus sign
    upper = cleaned.upper()
    negative = False
    for _ in range(2):  # "€ -12", "-€ 12", "EUR 12", "-12"
        if upper.startswith("€"):
            upper = upper[1:]
        elif upper.startswith("EUR"):
            upper = upper[3:]
        if upper.startswith("-") and not negative:
            negative = True
            upper = upper[1:]
        elif upper.startswith("+"):
            upper = upper[1:]
    match = _DUTCH_AMOUNT.match(upper)
    if match:
        whole = match.group("whole").replace(".", "")
        frac = match.group("frac") or "0"
        if frac.startswith("-"):
            frac = "0"
    else:
        match = _POINT_AMOUNT.match(upper)
        if not match:
            raise ValidationError(
                f"'{text.strip()}' is geen geldig bedrag. Gebruik bijvoorbeeld 1.234,56.",
                field=field,
                code="invalid_amount",
            )
        whole, frac = match.group("whole"), match.group("frac")
    try:
        value = Decimal(f"{whole}.{frac}").quantize(CENT)
    except InvalidOperation as exc:  # pragma: no cover - the patterns only admit digits
        raise ValidationError(
            f"'{text.strip()}' is geen geldig bedrag.", field=field, code="invalid_amount"
        ) from exc
    return -value if negative else value


def parse_decimal(text: str, *, field: str | None = None, max_places: int = 3) -> Decimal:
    """Read a quantity or percentage typed the Dutch way (``2,5``, ``1.000``, ``12.5``).

    Same reading rules as ``parse_amount`` but without currency and with up to ``max_places``
    decimals (quantities of kilos or metres need three).
    """
    cleaned = "".join(text.split()).replace("\u2212", "-")
    negative = cleaned.startswith("-")
    body = cleaned[1:] if negative else cleaned
    value: Decimal | None = None
    if re.fullmatch(r"(\d{1,3}(\.\d{3})+|\d+)(,\d+)?", body):
        whole, _, frac = body.partition(",")
        value = Decimal(f"{whole.replace('.', '')}.{frac or '0'}")
        places = len(frac)
    elif re.fullmatch(r"\d+\.\d{1,2}", body):
        value = Decimal(body)
        places = len(body.partition(".")[2])
    if value is None or places > max_places:
        raise ValidationError(
            f"'{text.strip()}' is geen geldig getal. Gebruik bijvoorbeeld 2,5.",
            field=field,
            code="invalid_number",
        )
    value = value.normalize() if value != 0 else Decimal(0)
    if value == value.to_integral_value():
        value = value.quantize(_ONE)
    return -value if negative else value
