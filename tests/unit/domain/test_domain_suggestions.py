from datetime import date
from decimal import Decimal

from fieldsales.domain.enums import CustomerKind
from fieldsales.domain.facts import CustomerFact, ProductFact, SaleLine
from fieldsales.domain.suggestions import (
    CrossSellSuggestion,
    UpSellSuggestion,
    cross_sell_suggestions,
    median_cents,
    new_catalogue_products,
    peers_of,
    up_sell_suggestions,
)

K = CustomerKind.CUSTOMER
CUSTOMERS = [
    CustomerFact("c0", K, "A"),
    CustomerFact("p1", K, "A"),
    CustomerFact("p2", K, "A"),
    CustomerFact("p3", K, "A"),
    CustomerFact("p4", K, "A", lost_on=date(2026, 1, 1)),
    CustomerFact("pr", CustomerKind.PROSPECT, "A"),
    CustomerFact("q1", K, "B"),
    CustomerFact("solo", K, None),
]
GROUP = {"X": "g1", "Y": "g1", "Z": "g2", "W": "g2", "V": "g3"}
ON = date(2026, 3, 1)


def s(customer: str, product: str, cents: int) -> SaleLine:
    return SaleLine(customer, product, GROUP[product], f"o-{customer}", ON, cents)


SALES = [
    s("c0", "X", 1000),
    s("c0", "Y", 200),
    s("p1", "X", 1500),
    s("p1", "Y", 2000),
    s("p1", "Z", 500),
    s("p2", "X", 800),
    s("p2", "Y", 1000),
    s("p2", "Z", 700),
    s("p2", "W", 300),
    s("p3", "Y", 1200),
    s("p3", "W", 100),
    s("p4", "V", 99999),  # lost: not a peer
    s("q1", "V", 5000),  # other target group
    s("q1", "Z", 9999),
]


def test_peers() -> None:
    assert peers_of("c0", CUSTOMERS) == ["p1", "p2", "p3"]
    # no target group: compared with every current customer
    assert peers_of("solo", CUSTOMERS) == ["c0", "p1", "p2", "p3", "q1"]


def test_cross_sell() -> None:
    # peers p1 p2 p3; c0 does not buy Z (p1, p2: 2/3, 500 + 700) or W (p2, p3: 2/3, 300 + 100)
    assert cross_sell_suggestions("c0", CUSTOMERS, SALES) == [
        CrossSellSuggestion("Z", "g2", 2, 3, Decimal("66.7"), 1200),
        CrossSellSuggestion("W", "g2", 2, 3, Decimal("66.7"), 400),
    ]
    assert [x.product_id for x in cross_sell_suggestions("c0", CUSTOMERS, SALES, limit=1)] == ["Z"]
    products = [ProductFact("Z", "Zuurdesem"), ProductFact("W", "Wit", active=False)]
    only_active = cross_sell_suggestions("c0", CUSTOMERS, SALES, products=products)
    assert [x.product_id for x in only_active] == ["Z"]
    assert cross_sell_suggestions("c0", CUSTOMERS, SALES, min_share_percent=Decimal(70)) == []
    assert cross_sell_suggestions("q1", CUSTOMERS, SALES) == []  # no peers in group B


def test_up_sell() -> None:
    # X: peers 1.500 and 800 → median 1.150; c0 1.000 is not below half of it
    # Y: peers 2.000, 1.000, 1.200 → median 1.200; c0 200 < 600 → gap 1.000, 200/1.200 = 16,7 %
    assert up_sell_suggestions("c0", CUSTOMERS, SALES) == [
        UpSellSuggestion("Y", 200, 1200, 3, 1000, Decimal("16.7")),
    ]
    # below the median at all (threshold 1): X too, gap 150; largest gap first
    loose = up_sell_suggestions("c0", CUSTOMERS, SALES, threshold=Decimal(1))
    assert [(x.key, x.gap_cents) for x in loose] == [("Y", 1000), ("X", 150)]
    assert up_sell_suggestions("c0", CUSTOMERS, SALES, min_peer_buyers=4) == []
    # product groups: g1 c0 1.200; peers 3.500, 1.800, 1.200 → median 1.800; 1.200 ≥ 900
    assert up_sell_suggestions("c0", CUSTOMERS, SALES, by="product_group") == []
    by_group = up_sell_suggestions("c0", CUSTOMERS, SALES, by="product_group", threshold=Decimal(1))
    assert by_group == [UpSellSuggestion("g1", 1200, 1800, 3, 600, Decimal("66.7"))]


def test_median() -> None:
    assert median_cents([5]) == 5
    assert median_cents([3, 1, 2]) == 2
    assert median_cents([1, 2]) == 2  # 1,5 rounds half-up
    assert median_cents([800, 1500]) == 1150


def test_new_catalogue_products() -> None:
    today = date(2026, 6, 1)  # 90 days back: 03-03-2026
    products = [
        ProductFact("N2", "Bravo", introduced_on=date(2026, 3, 3)),
        ProductFact("N1", "Alfa", introduced_on=date(2026, 5, 20)),
        ProductFact("N3", "Charlie", introduced_on=date(2026, 3, 2)),
        ProductFact("N4", "Delta", introduced_on=date(2026, 6, 2)),
        ProductFact("N5", "Echo", introduced_on=date(2026, 5, 1), active=False),
        ProductFact("N6", "Foxtrot"),
        ProductFact("N7", "Aardbei", introduced_on=date(2026, 5, 20)),
    ]
    assert [p.product_id for p in new_catalogue_products(products, today)] == ["N7", "N1", "N2"]
    assert [p.product_id for p in new_catalogue_products(products, today, 30)] == ["N7", "N1"]
    excluded = new_catalogue_products(products, today, exclude_product_ids={"N1"})
    assert [p.product_id for p in excluded] == ["N7", "N2"]
