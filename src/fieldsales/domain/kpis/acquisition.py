"""KPIs of result area 3, acquisition: new customers, what they buy, and whether they stay.

A customer is new in the period of its first order: that is when a prospect becomes a customer.
These rules find first orders in the ``sales`` given, so those must reach back far enough, or a
long-known customer that did not order for a while looks new. Passing ``customers`` guards
against that: a customer whose ``customer_since`` lies before the period (or cohort) is never
counted as new, whatever the sale lines say.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from fieldsales.domain.facts import CustomerFact, SaleLine
from fieldsales.domain.kpis._common import mean
from fieldsales.domain.money import percent, round_to_int
from fieldsales.domain.periods import Period, months_between


def _first_orders(sales: Iterable[SaleLine]) -> dict[str, tuple[date, str]]:
    """Per customer its first order as (date, order_id); same-day orders by order id."""
    first: dict[str, tuple[date, str]] = {}
    for s in sales:
        candidate = (s.order_date, s.order_id)
        if s.customer_id not in first or candidate < first[s.customer_id]:
            first[s.customer_id] = candidate
    return first


@dataclass(frozen=True, slots=True)
class NewCustomer:
    customer_id: str
    first_order_on: date
    revenue_cents: int
    orders: int
    products: int
    product_groups: int


@dataclass(frozen=True, slots=True)
class NewCustomers:
    """Customers whose first order fell in the period, with their revenue in the period and the
    breadth of what they bought (distinct products and product groups, over all of them)."""

    period: Period
    count: int
    revenue_cents: int
    distinct_products: int
    distinct_product_groups: int
    average_products: Decimal | None
    average_revenue_cents: int | None
    customers: tuple[NewCustomer, ...]


def _known_before(customers: Sequence[CustomerFact], start: date) -> set[str]:
    return {
        c.customer_id
        for c in customers
        if c.customer_since is not None and c.customer_since < start
    }


def new_customers(
    sales: Sequence[SaleLine], period: Period, *, customers: Sequence[CustomerFact] = ()
) -> NewCustomers:
    first = _first_orders(s for s in sales if s.order_date <= period.end)
    old = _known_before(customers, period.start)
    new_ids = {cid for cid, (on, _) in first.items() if period.contains(on) and cid not in old}
    lines: dict[str, list[SaleLine]] = defaultdict(list)
    for s in sales:
        if s.customer_id in new_ids and period.contains(s.order_date):
            lines[s.customer_id].append(s)
    rows = tuple(
        sorted(
            (
                NewCustomer(
                    customer_id=cid,
                    first_order_on=first[cid][0],
                    revenue_cents=sum(s.net_cents for s in lines[cid]),
                    orders=len({s.order_id for s in lines[cid]}),
                    products=len({s.product_id for s in lines[cid]}),
                    product_groups=len(
                        {s.product_group_id for s in lines[cid] if s.product_group_id is not None}
                    ),
                )
                for cid in new_ids
            ),
            key=lambda r: (r.first_order_on, r.customer_id),
        )
    )
    all_lines = [s for cid in new_ids for s in lines[cid]]
    total = sum(r.revenue_cents for r in rows)
    return NewCustomers(
        period=period,
        count=len(rows),
        revenue_cents=total,
        distinct_products=len({s.product_id for s in all_lines}),
        distinct_product_groups=len(
            {s.product_group_id for s in all_lines if s.product_group_id is not None}
        ),
        average_products=mean(r.products for r in rows),
        average_revenue_cents=None if not rows else round_to_int(Decimal(total) / len(rows)),
        customers=rows,
    )


@dataclass(frozen=True, slots=True)
class CustomerLifetime:
    """One new customer's life so far: every order after the first is a repeat order;
    ``months_active`` counts calendar months with an order, ``tenure_months`` whole months from
    the first order to ``as_of``."""

    customer_id: str
    first_order_on: date
    last_order_on: date
    orders: int
    repeat_orders: int
    months_active: int
    tenure_months: int


@dataclass(frozen=True, slots=True)
class Lifetime:
    cohort: Period
    as_of: date
    customers: int
    with_repeat_order: int
    repeat_percent: Decimal | None
    average_repeat_orders: Decimal | None
    average_months_active: Decimal | None
    rows: tuple[CustomerLifetime, ...]


def new_customer_lifetime(
    sales: Sequence[SaleLine],
    cohort: Period,
    *,
    as_of: date,
    customers: Sequence[CustomerFact] = (),
) -> Lifetime:
    """For the customers won in ``cohort`` (first order in it): their orders up to ``as_of``."""
    history = [s for s in sales if s.order_date <= as_of]
    first = _first_orders(history)
    old = _known_before(customers, cohort.start)
    members = sorted(
        cid for cid, (on, _) in first.items() if cohort.contains(on) and cid not in old
    )
    orders: dict[str, set[str]] = defaultdict(set)
    months: dict[str, set[tuple[int, int]]] = defaultdict(set)
    last: dict[str, date] = {}
    member_ids = set(members)
    for s in history:
        if s.customer_id in member_ids:
            orders[s.customer_id].add(s.order_id)
            months[s.customer_id].add((s.order_date.year, s.order_date.month))
            last[s.customer_id] = max(last.get(s.customer_id, s.order_date), s.order_date)
    rows = tuple(
        CustomerLifetime(
            customer_id=cid,
            first_order_on=first[cid][0],
            last_order_on=last[cid],
            orders=len(orders[cid]),
            repeat_orders=len(orders[cid]) - 1,
            months_active=len(months[cid]),
            tenure_months=months_between(first[cid][0], as_of),
        )
        for cid in members
    )
    repeaters = sum(1 for r in rows if r.repeat_orders > 0)
    return Lifetime(
        cohort=cohort,
        as_of=as_of,
        customers=len(rows),
        with_repeat_order=repeaters,
        repeat_percent=percent(repeaters, len(rows)),
        average_repeat_orders=mean(r.repeat_orders for r in rows),
        average_months_active=mean(r.months_active for r in rows),
        rows=rows,
    )
