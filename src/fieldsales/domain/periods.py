"""Reporting periods: weeks, months, quarters, years, or any date range, both ends inclusive.

Reports compare a period with the one before it and with the same period a year earlier; for
calendar months, quarters and years "the one before" is the previous calendar unit (February
before March), not "the same number of days earlier", which would compare 28 days with 31.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from fieldsales.domain.errors import ValidationError
from fieldsales.domain.money import format_date

_MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later or earlier, clamped to the month end (31 Jan + 1 → 28 Feb)."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(d.day, last))


def month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end``: the largest n with ``add_months(start, n) <= end``
    (negative when ``end`` is earlier)."""
    if end < start:
        return -months_between(end, start)
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return months


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """A date range with both ends inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError(
                "De einddatum ligt voor de begindatum.", field="end", code="invalid_period"
            )

    # --- construction -----------------------------------------------------------------------
    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise ValidationError(
                "Een kwartaal is 1 t/m 4.", field="quarter", code="invalid_period"
            )
        start = date(year, 3 * quarter - 2, 1)
        return cls(start, month_end(add_months(start, 2)))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = date(year, month, 1)
        return cls(start, month_end(start))

    @classmethod
    def iso_week(cls, year: int, week: int) -> Period:
        start = date.fromisocalendar(year, week, 1)
        return cls(start, start + timedelta(days=6))

    @classmethod
    def containing_week(cls, d: date) -> Period:
        year, week, _ = d.isocalendar()
        return cls.iso_week(year, week)

    # --- questions --------------------------------------------------------------------------
    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end

    def __contains__(self, d: object) -> bool:
        return isinstance(d, date) and self.contains(d)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def overlap_days(self, other: Period) -> int:
        start = max(self.start, other.start)
        end = min(self.end, other.end)
        return max(0, (end - start).days + 1)

    def _whole_months(self) -> int | None:
        """The number of calendar months covered, when the period is exactly whole months."""
        if self.start.day != 1 or self.end != month_end(self.end):
            return None
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    # --- related periods --------------------------------------------------------------------
    def previous(self) -> Period:
        """The period just before: the previous month/quarter/year for whole months, else the
        same number of days immediately before."""
        months = self._whole_months()
        if months is not None:
            start = add_months(self.start, -months)
            return Period(start, self.start - timedelta(days=1))
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def year_earlier(self) -> Period:
        """The same dates a year earlier (29 February → 28 February)."""
        months = self._whole_months()
        start = add_months(self.start, -12)
        end = month_end(add_months(self.end, -12)) if months else add_months(self.end, -12)
        return Period(start, end)

    def until(self, d: date) -> Period | None:
        """The part of this period up to and including ``d`` (None when ``d`` is before it)."""
        if d < self.start:
            return None
        return Period(self.start, min(self.end, d))

    def label(self, lang: str = "nl") -> str:
        """``2026``, ``K4 2026``, ``november 2026``, ``week 48 2026``, else ``01-11-2026 t/m …``."""
        months = self._whole_months()
        en = lang == "en"
        if months == 12 and self.start.month == 1:
            return str(self.start.year)
        if months == 3 and self.start.month % 3 == 1:
            q = (self.start.month + 2) // 3
            return f"Q{q} {self.start.year}" if en else f"K{q} {self.start.year}"
        if months == 1:
            names = _MONTHS_EN if en else _MONTHS_NL
            return f"{names[self.start.month - 1]} {self.start.year}"
        if self.days == 7 and self.start.isoweekday() == 1:
            year, week, _ = self.start.isocalendar()
            return f"week {week} {year}" if not en else f"week {week}, {year}"
        joiner = " to " if en else " t/m "
        return f"{format_date(self.start)}{joiner}{format_date(self.end)}"
