"""Progress against sales targets (result area 2): per period, product group and customer."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from fieldsales.domain.facts import SaleLine, TargetFact
from fieldsales.domain.money import percent, round_to_int


@dataclass(frozen=True, slots=True)
class TargetProgress:
    """Where a target stands on ``as_of``.

    ``expected_cents`` is the target pro rata to the days elapsed (the first day counts as one
    elapsed day; before the period nothing is expected), and ``ahead_cents`` = realised −
    expected: negative means behind schedule.
    """

    target: TargetFact
    target_cents: int
    realised_cents: int
    realised_percent: Decimal | None
    elapsed_days: int
    total_days: int
    expected_cents: int
    ahead_cents: int
    expected_percent: Decimal | None


def matches(target: TargetFact, line: SaleLine) -> bool:
    """Whether a sale line counts towards a target: in its period and, where the target names
    them, for its customer and product group."""
    return (
        target.period_start <= line.order_date <= target.period_end
        and (target.customer_id is None or line.customer_id == target.customer_id)
        and (target.product_group_id is None or line.product_group_id == target.product_group_id)
    )


def target_progress(
    targets: Sequence[TargetFact], sales: Sequence[SaleLine], *, as_of: date
) -> list[TargetProgress]:
    """Each target with its realisation up to ``as_of``; ordered by period, then totals before
    per-customer and per-group targets."""
    rows: list[TargetProgress] = []
    ordered = sorted(
        targets,
        key=lambda t: (
            t.period_start,
            t.period_end,
            t.customer_id is not None,
            t.customer_id or "",
            t.product_group_id is not None,
            t.product_group_id or "",
            t.target_id,
        ),
    )
    # Sorted by date once, each target sums only its own period's slice: a year of monthly
    # targets per product group would otherwise scan every line once per target.
    by_date = sorted((s for s in sales if s.order_date <= as_of), key=lambda s: s.order_date)
    dates = [s.order_date for s in by_date]
    for t in ordered:
        first = bisect_left(dates, t.period_start)
        last = bisect_right(dates, t.period_end)
        realised = sum(s.net_cents for s in by_date[first:last] if matches(t, s))
        total_days = t.period.days
        elapsed = max(0, min(total_days, (as_of - t.period_start).days + 1))
        expected = round_to_int(Decimal(t.revenue_target_cents) * elapsed / total_days)
        rows.append(
            TargetProgress(
                target=t,
                target_cents=t.revenue_target_cents,
                realised_cents=realised,
                realised_percent=percent(realised, t.revenue_target_cents),
                elapsed_days=elapsed,
                total_days=total_days,
                expected_cents=expected,
                ahead_cents=realised - expected,
                expected_percent=percent(realised, expected),
            )
        )
    return rows
