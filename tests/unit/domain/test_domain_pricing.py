from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldsales.domain.enums import VatRate
from fieldsales.domain.errors import ValidationError
from fieldsales.domain.pricing import (
    DocumentTotals,
    LineAmounts,
    LineInput,
    PriceListEntry,
    document_totals,
    line_amounts,
    unit_price_for,
)


def test_line_amounts_simple() -> None:
    # 3 × € 12,50 = € 37,50; 21 % VAT = 7,875 → 7,88 (half-up)
    assert line_amounts(LineInput(Decimal(3), 1250)) == LineAmounts(3750, 788, 4538)


def test_line_amounts_discount_and_rounding_per_line() -> None:
    # 7 × € 3,33 × (1 − 12,5 %) = 2331 × 0,875 = 2039,625 cents → 2040
    # 9 % VAT of 2040 = 183,6 → 184
    line = LineInput(Decimal(7), 333, Decimal("12.5"), VatRate.LOW)
    assert line_amounts(line) == LineAmounts(2040, 184, 2224)


def test_fractional_quantity_and_zero_rate() -> None:
    # 2,5 kg × € 4,99 = 1247,5 cents → 1248; 0 % VAT
    line = LineInput(quantity=Decimal("2.5"), unit_price_cents=499, vat_rate=VatRate.ZERO)
    assert line_amounts(line) == LineAmounts(1248, 0, 1248)


def test_full_discount_and_free_line() -> None:
    assert line_amounts(LineInput(Decimal(2), 1000, Decimal(100))) == LineAmounts(0, 0, 0)
    assert line_amounts(LineInput(Decimal(2), 0)) == LineAmounts(0, 0, 0)


def test_document_totals_sum_rounded_lines_and_split_by_rate() -> None:
    lines = [
        LineInput(Decimal(3), 1250),  # 3750 net, 788 VAT (21 %)
        LineInput(Decimal(7), 333, Decimal("12.5"), VatRate.LOW),  # 2040 net, 184 VAT
        LineInput(Decimal(1), 995, vat_rate=VatRate.HIGH),  # 995 net, 208,95 → 209 VAT
        LineInput(Decimal(1), 1000, vat_rate=VatRate.ZERO),  # 1000 net, 0 VAT
    ]
    totals = document_totals(lines)
    assert totals.net_cents == 3750 + 2040 + 995 + 1000
    assert totals.vat_cents == 788 + 184 + 209
    assert totals.gross_cents == totals.net_cents + totals.vat_cents
    assert totals.vat_by_rate == {VatRate.HIGH: 997, VatRate.LOW: 184, VatRate.ZERO: 0}
    assert totals.net_by_rate == {VatRate.HIGH: 4745, VatRate.LOW: 2040, VatRate.ZERO: 1000}
    assert list(totals.vat_by_rate) == [VatRate.HIGH, VatRate.LOW, VatRate.ZERO]
    assert totals.lines[1] == LineAmounts(2040, 184, 2224)


def test_vat_is_rounded_per_line_not_on_the_total() -> None:
    # Three lines of € 0,10 at 21 %: each line's VAT 2,1 → 2 cents, total 6 cents.
    # VAT on the total (30 × 0,21 = 6,3 → 6) happens to agree; with € 0,12: 2,52 → 3 per line = 9,
    # on the total 36 × 0,21 = 7,56 → 8. Per line is the documented rule.
    totals = document_totals([LineInput(Decimal(1), 12)] * 3)
    assert totals.vat_cents == 9


def test_order_discount_is_applied_per_line_before_rounding() -> None:
    # 3 × € 0,35 with 50 % line and 50 % order discount: 105 × 0,5 × 0,5 = 26,25 → 26 cents.
    # Rounding after each discount would give 52,5 → 53, then 26,5 → 27: a different result.
    line = LineInput(Decimal(3), 35, Decimal(50), VatRate.ZERO)
    totals = document_totals([line], order_discount_percent=Decimal(50))
    assert totals.net_cents == 26
    assert line_amounts(line, order_discount_percent=Decimal(50)).net_cents == 26


def test_empty_document() -> None:
    assert document_totals([]) == DocumentTotals(0, 0, 0, {}, {}, ())


@pytest.mark.parametrize(
    ("line", "code", "field"),
    [
        (LineInput(Decimal(0), 100), "invalid_quantity", "quantity"),
        (LineInput(Decimal(-1), 100), "invalid_quantity", "quantity"),
        (LineInput(Decimal("NaN"), 100), "invalid_quantity", "quantity"),
        (LineInput(Decimal(1), -1), "invalid_price", "unit_price_cents"),
        (LineInput(Decimal(1), 100, Decimal(-1)), "invalid_discount", "discount_percent"),
        (LineInput(Decimal(1), 100, Decimal("100.01")), "invalid_discount", "discount_percent"),
    ],
)
def test_invalid_lines_are_refused_in_dutch(line: LineInput, code: str, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        line_amounts(line)
    assert info.value.code == code
    assert info.value.field == field
    with pytest.raises(ValidationError):
        document_totals([LineInput(Decimal(1), 100), line])


def test_invalid_order_discount() -> None:
    with pytest.raises(ValidationError) as info:
        document_totals([LineInput(Decimal(1), 100)], order_discount_percent=Decimal(101))
    assert info.value.code == "invalid_discount"
    assert "tussen 0 en 100" in info.value.message


line_strategy = st.builds(
    LineInput,
    quantity=st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10000), places=3),
    unit_price_cents=st.integers(min_value=0, max_value=10_000_000),
    discount_percent=st.decimals(min_value=0, max_value=100, places=2),
    vat_rate=st.sampled_from(list(VatRate)),
)


@given(st.lists(line_strategy, max_size=20))
def test_totals_always_equal_the_sum_of_stored_lines(lines: list[LineInput]) -> None:
    totals = document_totals(lines)
    assert totals.net_cents == sum(line_amounts(ln).net_cents for ln in lines)
    assert totals.vat_cents == sum(line_amounts(ln).vat_cents for ln in lines)
    assert sum(totals.vat_by_rate.values()) == totals.vat_cents
    assert sum(totals.net_by_rate.values()) == totals.net_cents
    for ln, am in zip(lines, totals.lines, strict=True):
        assert 0 <= am.net_cents <= round(ln.quantity * ln.unit_price_cents) + 1
        assert am.gross_cents == am.net_cents + am.vat_cents


def test_unit_price_for_picks_the_highest_tier_reached() -> None:
    on = date(2026, 6, 1)
    items = [
        PriceListEntry(900, Decimal(1)),
        PriceListEntry(800, Decimal(10)),
        PriceListEntry(700, Decimal(100)),
    ]
    assert unit_price_for(1000, items, Decimal(1), on) == 900
    assert unit_price_for(1000, items, Decimal("9.5"), on) == 900
    assert unit_price_for(1000, items, Decimal(10), on) == 800
    assert unit_price_for(1000, items, Decimal(250), on) == 700
    assert unit_price_for(1000, list(reversed(items)), Decimal(50), on) == 800


def test_unit_price_for_falls_back_to_list_price() -> None:
    on = date(2026, 6, 1)
    assert unit_price_for(1000, [], Decimal(1), on) == 1000
    # only a tier from 5 units: 2 units pay list price
    assert unit_price_for(1000, [PriceListEntry(800, Decimal(5))], Decimal(2), on) == 1000


def test_unit_price_for_respects_validity_and_ties() -> None:
    items = [
        PriceListEntry(600, Decimal(1), valid_until=date(2025, 12, 31)),
        PriceListEntry(950, Decimal(1), valid_from=date(2026, 1, 1)),
        PriceListEntry(940, Decimal(1), valid_from=date(2026, 1, 1)),
        PriceListEntry(1100, Decimal(1), valid_from=date(2027, 1, 1)),
    ]
    assert unit_price_for(1000, items, Decimal(1), date(2025, 12, 31)) == 600
    assert unit_price_for(1000, items, Decimal(1), date(2026, 1, 1)) == 940  # tie → lower price
    assert unit_price_for(1000, items, Decimal(1), date(2027, 1, 1)) == 940  # 1100 ties at 1
    # an agreed price above list price still applies
    assert unit_price_for(1000, [PriceListEntry(1200)], Decimal(1), date(2026, 1, 1)) == 1200
