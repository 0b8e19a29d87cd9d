from datetime import date
from decimal import Decimal

from fieldsales.domain.enums import CustomerKind, VisitStatus
from fieldsales.domain.facts import CustomerFact, SaleLine, VisitFact
from fieldsales.domain.kpis import (
    CustomerScore,
    Growth,
    IdleCustomer,
    KeyAmount,
    cross_sell_revenue,
    portfolio_churn,
    revenue,
    revenue_growth,
    satisfaction,
    up_sell_revenue,
)
from fieldsales.domain.periods import Period

Q1 = Period.quarter(2026, 1)


def line(
    customer: str, order: str, on: date, product: str, group: str | None, cents: int
) -> SaleLine:
    return SaleLine(customer, product, group, order, on, cents)


SALES = [
    line("c1", "o1", date(2025, 1, 10), "A", "g1", 10000),
    line("c1", "o2", date(2025, 2, 10), "B", "g1", 5000),
    line("c1", "o3", date(2026, 1, 10), "A", "g1", 12000),
    line("c1", "o3", date(2026, 1, 10), "C", "g2", 3000),
    line("c2", "o4", date(2025, 6, 1), "A", "g1", 8000),
    line("c2", "o5", date(2026, 2, 1), "A", "g1", 6000),
    line("c2", "o5", date(2026, 2, 1), "D", None, 1000),
    line("c3", "o6", date(2026, 3, 1), "B", "g1", 4000),
]


def test_revenue_breakdown() -> None:
    result = revenue(SALES, Q1)
    # Q1 2026: 12.000 + 3.000 + 6.000 + 1.000 + 4.000 = 26.000 cents over o3, o5, o6
    assert (result.total_cents, result.orders) == (26000, 3)
    # c1 15.000 / 26.000 = 57,69 → 57,7; c2 7.000 → 26,92 → 26,9; c3 4.000 → 15,38 → 15,4
    assert result.by_customer == (
        KeyAmount("c1", 15000, Decimal("57.7")),
        KeyAmount("c2", 7000, Decimal("26.9")),
        KeyAmount("c3", 4000, Decimal("15.4")),
    )
    # g1 12.000 + 6.000 + 4.000 = 22.000 → 84,6; g2 3.000 → 11,5; no group 1.000 → 3,8
    assert result.by_product_group == (
        KeyAmount("g1", 22000, Decimal("84.6")),
        KeyAmount("g2", 3000, Decimal("11.5")),
        KeyAmount(None, 1000, Decimal("3.8")),
    )
    assert [(k.key, k.cents) for k in result.by_product] == [
        ("A", 18000),
        ("B", 4000),
        ("C", 3000),
        ("D", 1000),
    ]
    empty = revenue(SALES, Period.quarter(2024, 1))
    assert (empty.total_cents, empty.by_customer) == (0, ())


def test_revenue_growth_this_year_vs_last() -> None:
    rows = revenue_growth(SALES, Q1, Q1.year_earlier())
    # Q1 2025: g1 10.000 + 5.000 = 15.000; Q1 2026: g1 22.000 → +7.000 = +46,7 %
    assert rows == [
        Growth("g1", 15000, 22000, 7000, Decimal("46.7")),
        Growth("g2", 0, 3000, 3000, None),
        Growth(None, 0, 1000, 1000, None),
    ]


def test_cross_sell_revenue() -> None:
    result = cross_sell_revenue(SALES, Q1)
    # bought in 2025 (12 months before): c1 {A, B}, c2 {A}; c3 is new, so not counted.
    # existing customers' Q1 revenue: c1 15.000 + c2 7.000 = 22.000
    # new to the customer: c1 C 3.000, c2 D 1.000 → 4.000 = 18,18 → 18,2 %
    assert (result.revenue_cents, result.existing_revenue_cents, result.new_lines) == (
        4000,
        22000,
        2,
    )
    assert result.share_percent == Decimal("18.2")
    assert result.by_customer == (
        KeyAmount("c1", 3000, Decimal("75.0")),
        KeyAmount("c2", 1000, Decimal("25.0")),
    )
    # by product group: c1 knew g1 only, so g2 is new (3.000); c2's ungrouped D also new (1.000)
    assert cross_sell_revenue(SALES, Q1, by="product_group").revenue_cents == 4000
    # look back 6 months (07-2025 to 12-2025): nobody bought then, so nobody is an existing customer
    short = cross_sell_revenue(SALES, Q1, lookback_months=6)
    assert (short.revenue_cents, short.existing_revenue_cents, short.share_percent) == (0, 0, None)


def test_up_sell_revenue() -> None:
    result = up_sell_revenue(SALES, Q1, previous=Q1.year_earlier())
    # existing lines in Q1 2025: (c1, A) 10.000 and (c1, B) 5.000
    # Q1 2026: (c1, A) 12.000 (+2.000), (c1, B) 0 (−5.000)
    assert (result.existing_lines, result.previous_cents, result.current_cents) == (2, 15000, 12000)
    assert (result.growth_cents, result.decline_cents, result.net_change_cents) == (
        2000,
        -5000,
        -3000,
    )
    # 2.000 / 15.000 = 13,3 %; −3.000 / 15.000 = −20,0 %
    assert (result.growth_percent, result.net_change_percent) == (Decimal("13.3"), Decimal("-20.0"))
    by_group = up_sell_revenue(SALES, Q1, previous=Q1.year_earlier(), by="product_group")
    # (c1, g1): 15.000 → 12.000
    assert (by_group.growth_cents, by_group.decline_cents) == (0, -3000)
    # default: the quarter before (Q4 2025), when nobody bought anything
    default = up_sell_revenue(SALES, Q1)
    assert default.previous == Period.quarter(2025, 4)
    assert (default.existing_lines, default.growth_percent) == (0, None)


def test_satisfaction() -> None:
    visits = [
        VisitFact("v1", "c1", date(2026, 1, 5), VisitStatus.REPORTED, satisfaction=4),
        VisitFact("v2", "c1", date(2026, 2, 5), VisitStatus.REPORTED, satisfaction=5),
        VisitFact("v3", "c2", date(2026, 2, 10), VisitStatus.REPORTED, satisfaction=2),
        VisitFact("v4", "c2", date(2026, 3, 10), VisitStatus.CANCELLED, satisfaction=1),
        VisitFact("v5", "c3", date(2026, 3, 15), VisitStatus.REPORTED),
        VisitFact("v6", "c3", date(2026, 4, 2), VisitStatus.REPORTED, satisfaction=5),
        VisitFact("v7", "c3", date(2026, 3, 20), VisitStatus.REPORTED, satisfaction=3),
        VisitFact("v8", "c3", date(2026, 3, 21), VisitStatus.REPORTED, satisfaction=7),
    ]
    result = satisfaction(visits, Q1)
    # counted: 4, 5, 2, 3 → 14 / 4 = 3,5
    assert (result.responses, result.average) == (4, Decimal("3.5"))
    assert result.distribution == {1: 0, 2: 1, 3: 1, 4: 1, 5: 1}
    assert result.by_customer == (
        CustomerScore("c2", 1, Decimal("2.0")),
        CustomerScore("c3", 1, Decimal("3.0")),
        CustomerScore("c1", 2, Decimal("4.5")),
    )
    none = satisfaction([], Q1)
    assert (none.responses, none.average, sum(none.distribution.values())) == (0, None, 0)


def test_portfolio_churn() -> None:
    customer = CustomerKind.CUSTOMER
    customers = [
        CustomerFact("k1", customer, customer_since=date(2020, 1, 1)),
        CustomerFact("k2", customer, customer_since=date(2021, 1, 1), lost_on=date(2026, 3, 1)),
        CustomerFact("k3", customer),  # won with its first order
        CustomerFact("k4", customer, customer_since=date(2019, 1, 1)),
        CustomerFact("k5", customer, customer_since=date(2018, 1, 1)),
        CustomerFact("k6", CustomerKind.PROSPECT),
        CustomerFact("k7", customer, customer_since=date(2026, 10, 1)),
        CustomerFact("k8", customer, customer_since=date(2015, 1, 1), lost_on=date(2025, 5, 1)),
        CustomerFact("k9", customer, customer_since=date(2026, 2, 1), lost_on=date(2026, 9, 1)),
    ]
    sales = [
        line("k1", "o1", date(2026, 11, 1), "A", "g1", 100),
        line("k3", "o2", date(2026, 4, 1), "A", "g1", 100),
        line("k3", "o3", date(2026, 8, 1), "A", "g1", 100),
        line("k4", "o4", date(2026, 2, 1), "A", "g1", 100),
        line("k6", "o5", date(2026, 2, 1), "A", "g1", 100),
    ]
    result = portfolio_churn(customers, sales, Period.year(2026), inactive_months=6)
    # at 01-01-2026: k1, k2, k4, k5 = 4; won: k3 (first order), k7, k9; lost: k2, k9
    assert result.customers_at_start == 4
    assert (result.won, result.lost) == (("k3", "k7", "k9"), ("k2", "k9"))
    # at 31-12-2026: k1, k3, k4, k5, k7 = 5 = 4 + 3 − 2
    assert result.customers_at_end == 5
    assert result.churn_percent == Decimal("50.0")  # 2 / 4
    # no order since 30-06-2026 (6 months): k5 (never), k4 (02-2026); k7 too new to judge
    assert result.without_orders == (
        IdleCustomer("k5", None),
        IdleCustomer("k4", date(2026, 2, 1)),
    )
    # a longer window: 12 months → cutoff 31-12-2025; k4 ordered after it
    longer = portfolio_churn(customers, sales, Period.year(2026), inactive_months=12)
    assert longer.without_orders == (IdleCustomer("k5", None),)
