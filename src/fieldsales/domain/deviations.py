"""Deviation from target, decomposed by customer and product group, with the recorded causes.

The deviation of a period is realised revenue minus target. To say where it comes from, each
customer (and each product group) gets its own target and its own deviation:

1. Targets are taken pro rata to the days they overlap the period (a yearly target contributes
   a quarter's worth to a quarterly report).
2. The period's total target is the sum of the salesperson's total targets (no customer, no
   group). Without any, it is the sum of the customer targets, or else of the product-group
   targets.
3. In the customer breakdown, a customer with its own target (customer, no group) has that one;
   otherwise the sum of its customer-and-group targets. Likewise per product group.
4. The rest of the total target (total minus the explicit ones) is spread over the customers
   (groups) without their own target in proportion to their ``baseline`` revenue, typically the
   same period last year: a customer that bought 10 % of last year's revenue is expected to
   bring 10 % of the un-itemised target. Without a baseline (or with none for those keys) it
   stays ``unallocated_target_cents``. Either way: sum of row deviations − unallocated target =
   total deviation, to the cent.

Causes recorded for the period (overlapping it) are attached to the rows they name: a cause
with a customer to that customer's row, with a product group to that group's row, with both to
both. ``explained_cents`` sums the amounts of the causes (each counted once) and
``unexplained_cents`` is what is left of the deviation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from fieldsales.domain.facts import CauseFact, SaleLine, TargetFact
from fieldsales.domain.kpis._common import sort_key
from fieldsales.domain.money import percent, round_to_int
from fieldsales.domain.periods import Period


@dataclass(frozen=True, slots=True)
class DeviationRow:
    """One customer's or product group's part; ``key`` None is "no product group"."""

    key: str | None
    target_cents: int
    realised_cents: int
    deviation_cents: int
    deviation_percent: Decimal | None
    causes: tuple[CauseFact, ...]
    explained_cents: int


@dataclass(frozen=True, slots=True)
class DeviationBreakdown:
    """Rows by absolute deviation, largest first; see the module docstring for the invariant."""

    rows: tuple[DeviationRow, ...]
    unallocated_target_cents: int


@dataclass(frozen=True, slots=True)
class DeviationReport:
    period: Period
    target_cents: int
    realised_cents: int
    deviation_cents: int
    deviation_percent: Decimal | None
    by_customer: DeviationBreakdown
    by_product_group: DeviationBreakdown
    causes: tuple[CauseFact, ...]
    explained_cents: int
    unexplained_cents: int


def _pro_rata(target: TargetFact, period: Period) -> int:
    overlap = target.period.overlap_days(period)
    if overlap == 0:
        return 0
    return round_to_int(Decimal(target.revenue_target_cents) * overlap / target.period.days)


def allocate(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Split ``total`` cents over keys in proportion to ``weights`` (largest remainder, so the
    parts sum to ``total`` exactly; ties by key). Empty when the weights sum to zero."""
    weight_sum = sum(w for w in weights.values() if w > 0)
    if weight_sum == 0:
        return {}
    keys = sorted(k for k, w in weights.items() if w > 0)
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    exact = {k: Decimal(magnitude) * weights[k] / weight_sum for k in keys}
    parts = {k: int(exact[k]) for k in keys}
    leftover = magnitude - sum(parts.values())
    by_remainder = sorted(keys, key=lambda k: (-(exact[k] - parts[k]), k))
    for k in by_remainder[:leftover]:
        parts[k] += 1
    return {k: sign * v for k, v in parts.items()}


def _breakdown(
    *,
    total_target: int,
    own_targets: dict[str | None, int],
    realised: dict[str | None, int],
    baseline: dict[str | None, int],
    causes: Sequence[CauseFact],
    cause_key: Callable[[CauseFact], str | None],
) -> DeviationBreakdown:
    remainder = total_target - sum(own_targets.values())
    weights = {k: v for k, v in baseline.items() if k is not None and k not in own_targets}
    allocated = allocate(remainder, weights) if remainder else {}
    if allocated:
        remainder = 0
    targets: dict[str | None, int] = defaultdict(int, own_targets)
    for allocated_key, cents in allocated.items():
        targets[allocated_key] += cents
    attached: dict[str | None, list[CauseFact]] = defaultdict(list)
    for cause in causes:
        named = cause_key(cause)
        if named is not None:
            attached[named].append(cause)
    keys = set(targets) | set(realised) | set(attached)
    rows = []
    for key in keys:
        target = targets.get(key, 0)
        real = realised.get(key, 0)
        row_causes = tuple(attached.get(key, ()))
        rows.append(
            DeviationRow(
                key=key,
                target_cents=target,
                realised_cents=real,
                deviation_cents=real - target,
                deviation_percent=percent(real - target, target),
                causes=row_causes,
                explained_cents=sum(c.amount_cents or 0 for c in row_causes),
            )
        )
    rows.sort(key=lambda r: (-abs(r.deviation_cents), sort_key(r.key)))
    return DeviationBreakdown(rows=tuple(rows), unallocated_target_cents=remainder)


def _targets_by(
    targets: Sequence[TargetFact],
    period: Period,
    key: Callable[[TargetFact], str | None],
    other: Callable[[TargetFact], str | None],
) -> dict[str | None, int]:
    """Own targets per key: the key-only targets, or else the sum of the key+other ones."""
    only: dict[str | None, int] = defaultdict(int)
    combined: dict[str | None, int] = defaultdict(int)
    for t in targets:
        k = key(t)
        if k is None:
            continue
        if other(t) is None:
            only[k] += _pro_rata(t, period)
        else:
            combined[k] += _pro_rata(t, period)
    result = dict(only)
    for k, cents in combined.items():
        result.setdefault(k, cents)
    return result


def decompose_deviation(
    targets: Sequence[TargetFact],
    sales: Sequence[SaleLine],
    causes: Sequence[CauseFact] = (),
    *,
    period: Period,
    baseline: Sequence[SaleLine] = (),
) -> DeviationReport:
    """Realised − target for ``period``, split by customer and by product group, with causes.

    ``sales`` are the lines that count for these targets (e.g. the salesperson's customers);
    only those ordered in ``period`` are used. ``baseline`` lines (any dates, e.g. the same
    period last year) only weigh the spreading of un-itemised target.
    """

    def customer(t: TargetFact) -> str | None:
        return t.customer_id

    def group(t: TargetFact) -> str | None:
        return t.product_group_id

    per_customer = _targets_by(targets, period, customer, group)
    per_group = _targets_by(targets, period, group, customer)
    totals = [t for t in targets if t.customer_id is None and t.product_group_id is None]
    if totals:
        total_target = sum(_pro_rata(t, period) for t in totals)
    elif per_customer:
        total_target = sum(per_customer.values())
    else:
        total_target = sum(per_group.values())

    in_period = [s for s in sales if period.contains(s.order_date)]
    realised_total = sum(s.net_cents for s in in_period)
    realised_customer: dict[str | None, int] = defaultdict(int)
    realised_group: dict[str | None, int] = defaultdict(int)
    for s in in_period:
        realised_customer[s.customer_id] += s.net_cents
        realised_group[s.product_group_id] += s.net_cents
    base_customer: dict[str | None, int] = defaultdict(int)
    base_group: dict[str | None, int] = defaultdict(int)
    for s in baseline:
        base_customer[s.customer_id] += s.net_cents
        base_group[s.product_group_id] += s.net_cents

    applicable = tuple(
        sorted(
            (c for c in causes if Period(c.period_start, c.period_end).overlap_days(period) > 0),
            key=lambda c: (
                c.period_start,
                c.customer_id or "",
                c.product_group_id or "",
                c.cause_id,
            ),
        )
    )
    deviation = realised_total - total_target
    explained = sum(c.amount_cents or 0 for c in applicable)
    return DeviationReport(
        period=period,
        target_cents=total_target,
        realised_cents=realised_total,
        deviation_cents=deviation,
        deviation_percent=percent(deviation, total_target),
        by_customer=_breakdown(
            total_target=total_target,
            own_targets=dict(per_customer),
            realised=dict(realised_customer),
            baseline=dict(base_customer),
            causes=applicable,
            cause_key=lambda c: c.customer_id,
        ),
        by_product_group=_breakdown(
            total_target=total_target,
            own_targets=dict(per_group),
            realised=dict(realised_group),
            baseline=dict(base_group),
            causes=applicable,
            cause_key=lambda c: c.product_group_id,
        ),
        causes=applicable,
        explained_cents=explained,
        unexplained_cents=deviation - explained,
    )
