"""Structural complaints: the same problem coming back, at one customer or across customers.

A single complaint is handled and closed; a pattern needs a different conversation (with the
customer, or with production and logistics). Four patterns are flagged, each within a window of
``window_days`` days (default 180):

- ``customer_category``: one customer, the same category, at least ``per_customer`` times (2);
- ``customer_product``: one customer, the same product, at least ``per_customer`` times;
- ``product_across_customers``: the same product at ``across_customers`` (3) or more customers;
- ``category_across_customers``: the same category at that many customers.

Without ``as_of`` the window slides over the complaints given and each pattern reports its
densest window (the earliest of equally dense ones), so a report over a year finds a cluster in
spring. With ``as_of`` only the window ending that day counts: the picture for visit preparation.
Resolved and closed complaints count too; a problem that recurs is structural even if each
occurrence was solved. The category ``other`` is ignored by default: it groups unrelated issues.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from fieldsales.domain.enums import ComplaintCategory
from fieldsales.domain.facts import ComplaintFact

FlagKind = Literal[
    "customer_category", "customer_product", "product_across_customers", "category_across_customers"
]
_KIND_RANK: dict[str, int] = {
    "product_across_customers": 0,
    "category_across_customers": 1,
    "customer_product": 2,
    "customer_category": 3,
}


@dataclass(frozen=True, slots=True)
class StructuralFlag:
    """A recurring complaint pattern; ``key`` is the category value or the product id."""

    kind: FlagKind
    key: str
    customer_ids: tuple[str, ...]
    complaint_ids: tuple[str, ...]
    first_on: date
    last_on: date
    count: int


def _densest(
    items: list[ComplaintFact], window_days: int, distinct_customers: bool
) -> tuple[tuple[int, int], list[ComplaintFact]]:
    """The window of ``window_days`` holding the most complaints (or distinct customers)."""
    items = sorted(items, key=lambda c: (c.reported_on, c.complaint_id))
    per_customer: dict[str, int] = defaultdict(int)
    best_score = (0, 0)
    best: tuple[int, int] = (0, 0)
    left = 0
    for right, item in enumerate(items):
        per_customer[item.customer_id] += 1
        while (item.reported_on - items[left].reported_on).days >= window_days:
            gone = items[left].customer_id
            per_customer[gone] -= 1
            if per_customer[gone] == 0:
                del per_customer[gone]
            left += 1
        count = right - left + 1
        score = (len(per_customer), count) if distinct_customers else (count, count)
        if score > best_score:
            best_score, best = score, (left, right)
    return best_score, items[best[0] : best[1] + 1]


def _flag(kind: FlagKind, key: str, items: list[ComplaintFact]) -> StructuralFlag:
    return StructuralFlag(
        kind=kind,
        key=key,
        customer_ids=tuple(sorted({c.customer_id for c in items})),
        complaint_ids=tuple(c.complaint_id for c in items),
        first_on=items[0].reported_on,
        last_on=items[-1].reported_on,
        count=len(items),
    )


def structural_complaints(
    complaints: Sequence[ComplaintFact],
    *,
    window_days: int = 180,
    per_customer: int = 2,
    across_customers: int = 3,
    as_of: date | None = None,
    ignore_categories: Collection[ComplaintCategory] = (ComplaintCategory.OTHER,),
) -> list[StructuralFlag]:
    """Every structural pattern, biggest first (then by kind, key and customers)."""
    if window_days < 1 or per_customer < 2 or across_customers < 2:
        raise ValueError("window_days >= 1 and thresholds >= 2")
    selected = list(complaints)
    if as_of is not None:
        first = as_of - timedelta(days=window_days - 1)
        selected = [c for c in selected if first <= c.reported_on <= as_of]
    groups: dict[tuple[FlagKind, str, str], list[ComplaintFact]] = defaultdict(list)
    for c in selected:
        if c.category not in ignore_categories:
            groups[("customer_category", c.category.value, c.customer_id)].append(c)
            groups[("category_across_customers", c.category.value, "")].append(c)
        if c.product_id is not None:
            groups[("customer_product", c.product_id, c.customer_id)].append(c)
            groups[("product_across_customers", c.product_id, "")].append(c)
    flags: list[StructuralFlag] = []
    for (kind, key, _), items in groups.items():
        across = kind.endswith("across_customers")
        (score, _count), window = _densest(items, window_days, distinct_customers=across)
        if score >= (across_customers if across else per_customer):
            flags.append(_flag(kind, key, window))
    flags.sort(key=lambda f: (-f.count, _KIND_RANK[f.kind], f.key, f.customer_ids))
    return flags


def flags_for_customer(flags: Sequence[StructuralFlag], customer_id: str) -> list[StructuralFlag]:
    """The flags to show when preparing a visit to this customer, including team-wide patterns
    this customer is part of."""
    return [f for f in flags if customer_id in f.customer_ids]
