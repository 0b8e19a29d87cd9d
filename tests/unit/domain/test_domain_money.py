from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldsales.domain.enums import VatRate
from fieldsales.domain.errors import ValidationError
from fieldsales.domain.money import (
    CENT,
    VAT_PERCENT,
    format_cents,
    format_date,
    format_eur,
    format_percent,
    from_cents,
    parse_amount,
    parse_date,
    parse_decimal,
    percent,
    round_cents,
    to_cents,
)


def test_vat_percentages_are_the_dutch_rates() -> None:
    expected = {VatRate.HIGH: Decimal(21), VatRate.LOW: Decimal(9), VatRate.ZERO: Decimal(0)}
    assert expected == VAT_PERCENT
    assert set(VAT_PERCENT) == set(VatRate)
    assert Decimal("0.01") == CENT


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.005", "1.01"),  # half-up, not banker's (which would give 1.00)
        ("1.015", "1.02"),
        ("1.025", "1.03"),
        ("-1.005", "-1.01"),  # half away from zero
        ("2.344", "2.34"),
        ("3", "3.00"),
    ],
)
def test_round_cents_rounds_half_up(value: str, expected: str) -> None:
    assert round_cents(Decimal(value)) == Decimal(expected)
    assert str(round_cents(Decimal(value))) == expected


def test_cents_conversion() -> None:
    assert to_cents(Decimal("12.345")) == 1235
    assert to_cents(Decimal("0.005")) == 1
    assert to_cents(Decimal("-0.005")) == -1
    assert to_cents(Decimal("1234.56")) == 123456
    assert from_cents(123456) == Decimal("1234.56")
    assert str(from_cents(5)) == "0.05"
    assert str(from_cents(-150)) == "-1.50"


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_cents_roundtrip(cents: int) -> None:
    assert to_cents(from_cents(cents)) == cents


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("1234.56"), "€ 1.234,56"),
        (Decimal("-1234.56"), "€ -1.234,56"),
        (Decimal("0"), "€ 0,00"),
        (Decimal("0.5"), "€ 0,50"),
        (Decimal("999.999"), "€ 1.000,00"),
        (Decimal("1234567.8"), "€ 1.234.567,80"),
        (Decimal("100"), "€ 100,00"),
        (Decimal("-0.004"), "€ 0,00"),  # rounds to zero: no "minus zero"
    ],
)
def test_format_eur(amount: Decimal, text: str) -> None:
    assert format_eur(amount) == text


def test_format_cents() -> None:
    assert format_cents(123456) == "€ 1.234,56"
    assert format_cents(-5) == "€ -0,05"
    assert format_cents(100000000) == "€ 1.000.000,00"


def test_format_date_and_parse_date() -> None:
    assert format_date(date(2026, 11, 28)) == "28-11-2026"
    assert format_date(date(2026, 1, 2)) == "02-01-2026"
    assert format_date(date(999, 1, 2)) == "02-01-0999"
    assert parse_date("28-11-2026") == date(2026, 11, 28)
    assert parse_date(" 2/1/2026 ") == date(2026, 1, 2)
    assert parse_date("28.11.2026") == date(2026, 11, 28)
    assert parse_date("2026-11-28") == date(2026, 11, 28)


@pytest.mark.parametrize("text", ["31-02-2026", "28-11-26", "morgen", "", "28-11-2026-1"])
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_date(text, field="due_on")
    assert info.value.code == "invalid_date"
    assert info.value.field == "due_on"
    assert "geen geldige datum" in info.value.message


@given(st.dates())
def test_date_roundtrip(d: date) -> None:
    assert parse_date(format_date(d)) == d


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("12,5", "12.50"),
        ("€ 12", "12.00"),
        ("€12,-", "12.00"),
        ("12,--", "12.00"),
        ("EUR 7,10", "7.10"),
        ("1.234", "1234.00"),  # a Dutch thousands separator
        ("1.234.567", "1234567.00"),
        ("12.5", "12.50"),  # one dot with 1-2 digits can only be a decimal point
        ("12.50", "12.50"),
        ("-3,50", "-3.50"),
        ("€ -1.234,56", "-1234.56"),
        ("-€ 3", "-3.00"),
        ("\u2212 3,00", "-3.00"),
        ("  0,99  ", "0.99"),
        ("€\u00a01.234,00", "1234.00"),  # a non-breaking space, as pasted from a PDF
        ("0", "0.00"),
    ],
)
def test_parse_amount_accepts_dutch_input(text: str, expected: str) -> None:
    result = parse_amount(text)
    assert result == Decimal(expected)
    assert str(result) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "12,345",
        "1,234.56",
        "1.23.4",
        "12.",
        ",5",
        "1.2345",
        "--3",
        "€",
        "12 euro",
        "1e3",
    ],
)
def test_parse_amount_rejects(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_amount(text, field="price")
    assert info.value.code == "invalid_amount"
    assert info.value.field == "price"
    assert "geen geldig bedrag" in info.value.message


@given(st.integers(min_value=-(10**11), max_value=10**11))
def test_format_then_parse_roundtrip(cents: int) -> None:
    assert to_cents(parse_amount(format_cents(cents))) == cents


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2,5", "2.5"),
        ("1.000", "1000"),
        ("12.5", "12.5"),
        ("0,125", "0.125"),
        ("3", "3"),
        ("10,0", "10"),
        ("-1,5", "-1.5"),
    ],
)
def test_parse_decimal(text: str, expected: str) -> None:
    assert str(parse_decimal(text)) == expected


@pytest.mark.parametrize("text", ["", "x", "1,2345", "1,2,3", "1.5.5"])
def test_parse_decimal_rejects(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_decimal(text, field="quantity")
    assert info.value.code == "invalid_number"


def test_percent_and_format_percent() -> None:
    assert percent(1, 3) == Decimal("33.3")
    assert percent(2, 3) == Decimal("66.7")
    assert percent(1, 8, places=2) == Decimal("12.50")
    assert percent(5, 0) is None
    assert percent(0, 5) == Decimal("0.0")
    assert format_percent(Decimal("12.5")) == "12,5 %"
    assert format_percent(Decimal("100")) == "100,0 %"
    assert format_percent(None) == "-"
