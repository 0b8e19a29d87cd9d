"""KPIs of result area 2, existing customers: revenue, cross- and up-sell, satisfaction, churn."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from fieldsales.domain.enums import CustomerKind, VisitStatus
from fieldsales.domain.facts import CustomerFact, SaleLine, VisitFact
from fieldsales.domain.kpis._common import Level, line_key, mean, sort_key
from fieldsales.domain.money import percent
from fieldsales.domain.periods import Period, add_months

# --- revenue ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeyAmount:
    """Revenue of one customer, product or product group (``key`` None: no product group)."""

    key: str | None
    cents: int
    share_percent: Decimal | None


@dataclass(frozen=True, slots=True)
class RevenueBreakdown:
    """Revenue of a period, in total and per customer / product group / product, largest first."""

    period: Period
    total_cents: int
    orders: int
    by_customer: tuple[KeyAmount, ...]
    by_product_group: tuple[KeyAmount, ...]
    by_product: tuple[KeyAmount, ...]


def _ranked(amounts: dict[str | None, int], total: int) -> tuple[KeyAmount, ...]:
    return tuple(
        KeyAmount(key, cents, percent(cents, total))
        for key, cents in sorted(amounts.items(), key=lambda kv: (-kv[1], sort_key(kv[0])))
    )


def _group_sum(
    lines: Sequence[SaleLine], key: Callable[[SaleLine], str | None]
) -> dict[str | None, int]:
    sums: dict[str | None, int] = defaultdict(int)
    for line in lines:
        sums[key(line)] += line.net_cents
    return dict(sums)


def revenue(sales: Sequence[SaleLine], period: Period) -> RevenueBreakdown:
    """Revenue of the lines ordered in ``period``; shares are of the period's total."""
    lines = [s for s in sales if period.contains(s.order_date)]
    total = sum(s.net_cents for s in lines)
    return RevenueBreakdown(
        period=period,
        total_cents=total,
        orders=len({s.order_id for s in lines}),
        by_customer=_ranked(_group_sum(lines, lambda s: s.customer_id), total),
        by_product_group=_ranked(_group_sum(lines, lambda s: s.product_group_id), total),
        by_product=_ranked(_group_sum(lines, lambda s: s.product_id), total),
    )


@dataclass(frozen=True, slots=True)
class Growth:
    key: str | None
    previous_cents: int
    current_cents: int
    change_cents: int
    change_percent: Decimal | None


def revenue_growth(
    sales: Sequence[SaleLine],
    period: Period,
    previous: Period,
    *,
    by: Level = "product_group",
) -> list[Growth]:
    """Revenue per product group (or product) in ``period`` next to ``previous`` (e.g.
    ``period.year_earlier()`` for "this year vs. last year"), largest current revenue first."""
    now = _group_sum([s for s in sales if period.contains(s.order_date)], lambda s: line_key(s, by))
    before = _group_sum(
        [s for s in sales if previous.contains(s.order_date)], lambda s: line_key(s, by)
    )
    rows = [
        Growth(
            key,
            before.get(key, 0),
            now.get(key, 0),
            now.get(key, 0) - before.get(key, 0),
            percent(now.get(key, 0) - before.get(key, 0), before.get(key, 0)),
        )
        for key in set(now) | set(before)
    ]
    return sorted(rows, key=lambda g: (-g.current_cents, -g.previous_cents, sort_key(g.key)))


# --- cross-sell and up-sell ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CrossSellRevenue:
    """Revenue in the period from products (or groups) new to an existing customer.

    ``existing_revenue_cents`` is all period revenue of the existing customers, the base of
    ``share_percent``; ``new_lines`` counts (customer, product) pairs that are new.
    """

    period: Period
    revenue_cents: int
    existing_revenue_cents: int
    share_percent: Decimal | None
    new_lines: int
    by_customer: tuple[KeyAmount, ...]


def cross_sell_revenue(
    sales: Sequence[SaleLine],
    period: Period,
    *,
    lookback_months: int = 12,
    by: Level = "product",
) -> CrossSellRevenue:
    """Revenue from products the customer did not buy in the ``lookback_months`` before the period.

    Only existing customers count: those with any purchase in the lookback window. A customer
    without one is new (or won back) and its revenue is acquisition, not cross-sell. ``sales``
    must therefore cover the lookback window as well as the period.
    """
    if lookback_months < 1:
        raise ValueError("lookback_months must be at least 1")
    window = Period(add_months(period.start, -lookback_months), period.start - timedelta(days=1))
    bought_before: dict[str, set[str | None]] = defaultdict(set)
    for s in sales:
        if window.contains(s.order_date):
            bought_before[s.customer_id].add(line_key(s, by))
    existing_total = 0
    per_customer: dict[str | None, int] = defaultdict(int)
    new_pairs: set[tuple[str, str | None]] = set()
    for s in sales:
        if not period.contains(s.order_date) or s.customer_id not in bought_before:
            continue
        existing_total += s.net_cents
        key = line_key(s, by)
        if key not in bought_before[s.customer_id]:
            per_customer[s.customer_id] += s.net_cents
            new_pairs.add((s.customer_id, key))
    total = sum(per_customer.values())
    return CrossSellRevenue(
        period=period,
        revenue_cents=total,
        existing_revenue_cents=existing_total,
        share_percent=percent(total, existing_total),
        new_lines=len(new_pairs),
        by_customer=_ranked(dict(per_customer), total),
    )


@dataclass(frozen=True, slots=True)
class UpSellRevenue:
    """Growth of existing lines: (customer, product) pairs bought in the previous period.

    ``growth_cents`` sums the increases of lines that grew (the up-sell volume), ``decline_cents``
    the decreases of lines that shrank (zero or negative), ``net_change_cents`` both.
    """

    period: Period
    previous: Period
    existing_lines: int
    previous_cents: int
    current_cents: int
    growth_cents: int
    decline_cents: int
    net_change_cents: int
    growth_percent: Decimal | None
    net_change_percent: Decimal | None


def up_sell_revenue(
    sales: Sequence[SaleLine],
    period: Period,
    *,
    previous: Period | None = None,
    by: Level = "product",
) -> UpSellRevenue:
    """Growth of the lines a customer already bought; ``previous`` defaults to the period before
    (``period.previous()``); pass ``period.year_earlier()`` for seasonal business."""
    before_period = previous or period.previous()
    before: dict[tuple[str, str | None], int] = defaultdict(int)
    for s in sales:
        if before_period.contains(s.order_date):
            before[(s.customer_id, line_key(s, by))] += s.net_cents
    now: dict[tuple[str, str | None], int] = defaultdict(int)
    for s in sales:
        pair = (s.customer_id, line_key(s, by))
        if period.contains(s.order_date) and pair in before:
            now[pair] += s.net_cents
    changes = [now.get(pair, 0) - before[pair] for pair in before]
    growth = sum(c for c in changes if c > 0)
    decline = sum(c for c in changes if c < 0)
    previous_total = sum(before.values())
    return UpSellRevenue(
        period=period,
        previous=before_period,
        existing_lines=len(before),
        previous_cents=previous_total,
        current_cents=sum(now.values()),
        growth_cents=growth,
        decline_cents=decline,
        net_change_cents=growth + decline,
        growth_percent=percent(growth, previous_total),
        net_change_percent=percent(growth + decline, previous_total),
    )


# --- customer satisfaction --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CustomerScore:
    customer_id: str
    responses: int
    average: Decimal


@dataclass(frozen=True, slots=True)
class Satisfaction:
    """Visit scores (1-5) of the period: average, how many of each score, per customer."""

    responses: int
    average: Decimal | None
    distribution: dict[int, int]
    by_customer: tuple[CustomerScore, ...]


SCORES = (1, 2, 3, 4, 5)


def satisfaction(visits: Sequence[VisitFact], period: Period) -> Satisfaction:
    """Scores of visits held in the period (by planned day); cancelled visits and scores outside
    1-5 do not count. Customers are listed lowest average first: those need attention."""
    distribution = dict.fromkeys(SCORES, 0)
    per_customer: dict[str, list[int]] = defaultdict(list)
    for v in visits:
        score = v.satisfaction
        if (
            score in SCORES
            and score is not None
            and period.contains(v.planned_on)
            and v.status is not VisitStatus.CANCELLED
        ):
            distribution[score] += 1
            per_customer[v.customer_id].append(score)
    by_customer = sorted(
        (
            CustomerScore(customer_id, len(values), mean(values, 1) or Decimal(0))
            for customer_id, values in per_customer.items()
        ),
        key=lambda c: (c.average, -c.responses, c.customer_id),
    )
    scores = [score for values in per_customer.values() for score in values]
    return Satisfaction(
        responses=len(scores),
        average=mean(scores, 1),
        distribution=distribution,
        by_customer=tuple(by_customer),
    )


# --- portfolio churn --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IdleCustomer:
    customer_id: str
    last_order_on: date | None


@dataclass(frozen=True, slots=True)
class PortfolioChurn:
    """Customers won and lost in the period, and customers without orders for N months at its end.

    ``customers_at_end == customers_at_start + len(won) - len(lost)``.
    """

    period: Period
    customers_at_start: int
    won: tuple[str, ...]
    lost: tuple[str, ...]
    customers_at_end: int
    churn_percent: Decimal | None
    inactive_months: int
    without_orders: tuple[IdleCustomer, ...]


def portfolio_churn(
    customers: Sequence[CustomerFact],
    sales: Sequence[SaleLine],
    period: Period,
    *,
    inactive_months: int = 6,
) -> PortfolioChurn:
    """The portfolio's movement over a period.

    A customer (``kind`` customer; prospects are not in the portfolio) was won on its
    ``customer_since`` date, or else on its first order in ``sales``; with neither it has been
    a customer since before any period. It is lost on ``lost_on``. ``churn_percent`` = lost /
    customers at the start. Without orders: customers still in the portfolio at the period's
    end, a customer for at least ``inactive_months``, with no order in the ``inactive_months``
    before the end; longest idle first.
    """
    first_order: dict[str, date] = {}
    last_order: dict[str, date] = {}
    for s in sales:
        if s.order_date <= period.end:
            first_order[s.customer_id] = min(
                first_order.get(s.customer_id, s.order_date), s.order_date
            )
            last_order[s.customer_id] = max(
                last_order.get(s.customer_id, s.order_date), s.order_date
            )
    cutoff = add_months(period.end, -inactive_months)
    at_start = at_end = 0
    won: list[str] = []
    lost: list[str] = []
    idle: list[IdleCustomer] = []
    for c in customers:
        if c.kind is not CustomerKind.CUSTOMER:
            continue
        since = c.customer_since or first_order.get(c.customer_id)
        if (since is None or since < period.start) and (
            c.lost_on is None or c.lost_on >= period.start
        ):
            at_start += 1
        if since is not None and period.contains(since):
            won.append(c.customer_id)
        if c.lost_on is not None and period.contains(c.lost_on):
            lost.append(c.customer_id)
        active_at_end = (since is None or since <= period.end) and (
            c.lost_on is None or c.lost_on > period.end
        )
        if active_at_end:
            at_end += 1
            last = last_order.get(c.customer_id)
            if (since is None or since <= cutoff) and (last is None or last <= cutoff):
                idle.append(IdleCustomer(c.customer_id, last))
    idle.sort(
        key=lambda i: (i.last_order_on is not None, i.last_order_on or date.min, i.customer_id)
    )
    return PortfolioChurn(
        period=period,
        customers_at_start=at_start,
        won=tuple(sorted(won)),
        lost=tuple(sorted(lost)),
        customers_at_end=at_end,
        churn_percent=percent(len(lost), at_start),
        inactive_months=inactive_months,
        without_orders=tuple(idle),
    )
