from datetime import date

import pytest

from fieldsales.domain.errors import ValidationError
from fieldsales.domain.periods import Period, add_months, month_end, months_between


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 3, 15), -3) == date(2025, 12, 15)
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert add_months(date(2026, 5, 31), -12) == date(2025, 5, 31)
    assert month_end(date(2026, 2, 3)) == date(2026, 2, 28)


def test_months_between() -> None:
    assert months_between(date(2026, 2, 10), date(2026, 6, 30)) == 4
    assert months_between(date(2026, 2, 10), date(2026, 6, 9)) == 3
    assert months_between(date(2026, 1, 31), date(2026, 2, 28)) == 1
    assert months_between(date(2026, 3, 1), date(2026, 3, 31)) == 0
    assert months_between(date(2026, 6, 30), date(2026, 2, 10)) == -4


def test_constructors() -> None:
    assert Period.year(2026) == Period(date(2026, 1, 1), date(2026, 12, 31))
    assert Period.quarter(2026, 4) == Period(date(2026, 10, 1), date(2026, 12, 31))
    assert Period.quarter(2026, 1).days == 90
    assert Period.month(2024, 2) == Period(date(2024, 2, 1), date(2024, 2, 29))
    assert Period.iso_week(2026, 48) == Period(date(2026, 11, 23), date(2026, 11, 29))
    assert Period.containing_week(date(2026, 11, 28)) == Period.iso_week(2026, 48)
    with pytest.raises(ValidationError) as info:
        Period(date(2026, 2, 1), date(2026, 1, 31))
    assert info.value.code == "invalid_period"
    with pytest.raises(ValidationError):
        Period.quarter(2026, 5)


def test_contains_days_overlap_until() -> None:
    q1 = Period.quarter(2026, 1)
    assert q1.contains(date(2026, 1, 1))
    assert date(2026, 3, 31) in q1
    assert date(2026, 4, 1) not in q1
    assert q1.days == 90
    assert q1.overlap_days(Period.month(2026, 3)) == 31
    assert q1.overlap_days(Period.year(2025)) == 0
    assert q1.overlap_days(Period(date(2025, 12, 30), date(2026, 1, 2))) == 2
    assert q1.until(date(2026, 2, 14)) == Period(date(2026, 1, 1), date(2026, 2, 14))
    assert q1.until(date(2026, 7, 1)) == q1
    assert q1.until(date(2025, 12, 31)) is None


def test_previous_and_year_earlier() -> None:
    assert Period.month(2026, 3).previous() == Period.month(2026, 2)
    assert Period.quarter(2026, 1).previous() == Period.quarter(2025, 4)
    assert Period.year(2026).previous() == Period.year(2025)
    assert Period.iso_week(2026, 1).previous() == Period.iso_week(2025, 52)
    ten_days = Period(date(2026, 3, 5), date(2026, 3, 14))
    assert ten_days.previous() == Period(date(2026, 2, 23), date(2026, 3, 4))
    assert Period.month(2025, 2).year_earlier() == Period.month(2024, 2)  # 29 days
    assert Period.month(2024, 2).year_earlier() == Period.month(2023, 2)
    assert Period.quarter(2026, 2).year_earlier() == Period.quarter(2025, 2)
    leap = Period(date(2024, 2, 29), date(2024, 3, 10))
    assert leap.year_earlier() == Period(date(2023, 2, 28), date(2023, 3, 10))


def test_labels() -> None:
    assert Period.year(2026).label() == "2026"
    assert Period.quarter(2026, 4).label() == "K4 2026"
    assert Period.quarter(2026, 4).label("en") == "Q4 2026"
    assert Period.month(2026, 11).label() == "november 2026"
    assert Period.month(2026, 11).label("en") == "November 2026"
    assert Period.iso_week(2026, 48).label() == "week 48 2026"
    custom = Period(date(2026, 11, 1), date(2026, 11, 15))
    assert custom.label() == "01-11-2026 t/m 15-11-2026"
    assert custom.label("en") == "01-11-2026 to 15-11-2026"
    assert Period(date(2026, 2, 1), date(2026, 4, 30)).label() == "01-02-2026 t/m 30-04-2026"
