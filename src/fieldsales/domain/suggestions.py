"""What to bring up at a visit: cross-sell, up-sell and new products in the catalogue.

Suggestions compare a customer with its peers: the other customers in the same target group
(doelgroep), which is how the company itself says "these customers are alike". A customer
without a target group is compared with all customers. Lost customers are not peers: what they
bought is not what similar customers buy now. ``sales`` is the window to compare over (for
example the last twelve months), chosen by the caller.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from fieldsales.domain.enums import CustomerKind
from fieldsales.domain.facts import CustomerFact, ProductFact, SaleLine
from fieldsales.domain.kpis._common import Level, line_key, sort_key
from fieldsales.domain.money import percent, round_to_int


def peers_of(customer_id: str, customers: Sequence[CustomerFact]) -> list[str]:
    """Ids of the customer's peers: same target group (or everyone without one), still
    customers, not the customer itself; sorted."""
    me = next((c for c in customers if c.customer_id == customer_id), None)
    group = me.target_group_id if me is not None else None
    return sorted(
        c.customer_id
        for c in customers
        if c.customer_id != customer_id
        and c.kind is CustomerKind.CUSTOMER
        and c.lost_on is None
        and (group is None or c.target_group_id == group)
    )


@dataclass(frozen=True, slots=True)
class CrossSellSuggestion:
    """A product peers buy and this customer does not: ``peers_buying`` of ``peers`` buy it."""

    product_id: str
    product_group_id: str | None
    peers_buying: int
    peers: int
    share_percent: Decimal
    peer_revenue_cents: int


def cross_sell_suggestions(
    customer_id: str,
    customers: Sequence[CustomerFact],
    sales: Sequence[SaleLine],
    *,
    limit: int = 10,
    products: Sequence[ProductFact] | None = None,
    min_share_percent: Decimal = Decimal(0),
) -> list[CrossSellSuggestion]:
    """Products bought by the largest share of peers, then by the peers' revenue in them.

    When ``products`` is given, only active products from it are suggested (no point offering
    what is no longer sold).
    """
    peers = set(peers_of(customer_id, customers))
    if not peers:
        return []
    own = {s.product_id for s in sales if s.customer_id == customer_id}
    allowed = None if products is None else {p.product_id for p in products if p.active}
    buyers: dict[str, set[str]] = defaultdict(set)
    revenue: dict[str, int] = defaultdict(int)
    groups: dict[str, str | None] = {}
    for s in sales:
        if s.customer_id not in peers or s.product_id in own:
            continue
        if allowed is not None and s.product_id not in allowed:
            continue
        buyers[s.product_id].add(s.customer_id)
        revenue[s.product_id] += s.net_cents
        groups.setdefault(s.product_id, s.product_group_id)
    result = []
    for product_id, who in buyers.items():
        share = percent(len(who), len(peers)) or Decimal(0)
        if share < min_share_percent:
            continue
        result.append(
            CrossSellSuggestion(
                product_id=product_id,
                product_group_id=groups[product_id],
                peers_buying=len(who),
                peers=len(peers),
                share_percent=share,
                peer_revenue_cents=revenue[product_id],
            )
        )
    result.sort(key=lambda r: (-r.peers_buying, -r.peer_revenue_cents, r.product_id))
    return result[: max(0, limit)]


@dataclass(frozen=True, slots=True)
class UpSellSuggestion:
    """A line the customer buys in small volume: its revenue against the median of the peers
    that buy it; ``gap_cents`` is the opportunity (median − customer)."""

    key: str | None
    customer_cents: int
    peer_median_cents: int
    peer_buyers: int
    gap_cents: int
    ratio_percent: Decimal | None


def median_cents(values: Sequence[int]) -> int:
    """The median, half-up to whole cents for an even count."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return round_to_int(Decimal(ordered[middle - 1] + ordered[middle]) / 2)


def up_sell_suggestions(
    customer_id: str,
    customers: Sequence[CustomerFact],
    sales: Sequence[SaleLine],
    *,
    by: Level = "product",
    limit: int = 10,
    threshold: Decimal = Decimal("0.5"),
    min_peer_buyers: int = 2,
) -> list[UpSellSuggestion]:
    """Lines where the customer's revenue is below ``threshold`` × the peer median, largest gap
    first. Only peers that buy the line count towards its median, and at least
    ``min_peer_buyers`` of them are needed: one peer is an anecdote, not a benchmark."""
    peers = set(peers_of(customer_id, customers))
    own: dict[str | None, int] = defaultdict(int)
    peer_revenue: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for s in sales:
        key = line_key(s, by)
        if s.customer_id == customer_id:
            own[key] += s.net_cents
        elif s.customer_id in peers:
            peer_revenue[key][s.customer_id] += s.net_cents
    result = []
    for key, mine in own.items():
        values = [v for v in peer_revenue.get(key, {}).values() if v > 0]
        if len(values) < min_peer_buyers:
            continue
        median = median_cents(values)
        if Decimal(mine) < threshold * median:
            result.append(
                UpSellSuggestion(
                    key=key,
                    customer_cents=mine,
                    peer_median_cents=median,
                    peer_buyers=len(values),
                    gap_cents=median - mine,
                    ratio_percent=percent(mine, median),
                )
            )
    result.sort(key=lambda r: (-r.gap_cents, sort_key(r.key)))
    return result[: max(0, limit)]


def new_catalogue_products(
    products: Sequence[ProductFact],
    today: date,
    days: int = 90,
    *,
    exclude_product_ids: Collection[str] = (),
) -> list[ProductFact]:
    """Active products introduced in the last ``days`` days (today included), newest first;
    ``exclude_product_ids`` drops what the customer already buys."""
    since = today - timedelta(days=days)
    excluded = set(exclude_product_ids)
    chosen = [
        p
        for p in products
        if p.active
        and p.introduced_on is not None
        and since <= p.introduced_on <= today
        and p.product_id not in excluded
    ]
    chosen.sort(
        key=lambda p: (-p.introduced_on.toordinal() if p.introduced_on else 0, p.name, p.product_id)
    )
    return chosen
