from datetime import date
from decimal import Decimal

from fieldsales.domain.enums import CustomerKind
from fieldsales.domain.facts import CustomerFact, SaleLine, TargetFact
from fieldsales.domain.kpis import (
    CustomerLifetime,
    NewCustomer,
    new_customer_lifetime,
    new_customers,
    target_progress,
)
from fieldsales.domain.periods import Period

Q1 = Period.quarter(2026, 1)


def line(
    customer: str, order: str, on: date, product: str, group: str | None, cents: int
) -> SaleLine:
    return SaleLine(customer, product, group, order, on, cents)


ACQ_SALES = [
    line("n1", "o1", date(2026, 2, 10), "P1", "g1", 1000),
    line("n1", "o1", date(2026, 2, 10), "P2", "g2", 500),
    line("n1", "o2", date(2026, 3, 5), "P1", "g1", 1000),
    line("n1", "o3", date(2026, 5, 20), "P3", "g1", 700),
    line("n2", "o4", date(2026, 3, 30), "P1", "g1", 2000),
    line("old", "o5", date(2025, 11, 1), "P1", "g1", 900),
    line("old", "o6", date(2026, 1, 15), "P4", "g3", 300),
    line("n3", "o7", date(2026, 4, 2), "P1", "g1", 100),
]


def test_new_customers() -> None:
    result = new_customers(ACQ_SALES, Q1)
    # first order in Q1: n1 (10-02), n2 (30-03); "old" first ordered in 2025, n3 in April
    assert result.customers == (
        NewCustomer("n1", date(2026, 2, 10), 2500, 2, 2, 2),  # 1.000 + 500 + 1.000; P1, P2
        NewCustomer("n2", date(2026, 3, 30), 2000, 1, 1, 1),
    )
    assert (result.count, result.revenue_cents) == (2, 4500)
    # products {P1, P2}, groups {g1, g2}; (2 + 1) / 2 = 1,50 products; 4.500 / 2 = 2.250 cents
    assert (result.distinct_products, result.distinct_product_groups) == (2, 2)
    assert (result.average_products, result.average_revenue_cents) == (Decimal("1.50"), 2250)
    # n2 has been a customer since 2019 (its history is older than the lines loaded): not new
    known = [CustomerFact("n2", CustomerKind.CUSTOMER, customer_since=date(2019, 5, 1))]
    guarded = new_customers(ACQ_SALES, Q1, customers=known)
    assert [c.customer_id for c in guarded.customers] == ["n1"]
    lifetime = new_customer_lifetime(ACQ_SALES, Q1, as_of=date(2026, 6, 30), customers=known)
    assert [r.customer_id for r in lifetime.rows] == ["n1"]
    nobody = new_customers(ACQ_SALES, Period.quarter(2024, 1))
    assert (nobody.count, nobody.average_products, nobody.average_revenue_cents) == (0, None, None)


def test_new_customer_lifetime() -> None:
    result = new_customer_lifetime(ACQ_SALES, Q1, as_of=date(2026, 6, 30))
    # n1: orders o1, o2, o3 → 2 repeats; months Feb, Mar, May = 3; 10-02 → 30-06 = 4 whole months
    # n2: o4 only → 0 repeats; 1 month; 30-03 → 30-06 = 3 months
    assert result.rows == (
        CustomerLifetime("n1", date(2026, 2, 10), date(2026, 5, 20), 3, 2, 3, 4),
        CustomerLifetime("n2", date(2026, 3, 30), date(2026, 3, 30), 1, 0, 1, 3),
    )
    # 1 of 2 with a repeat order = 50,0 %; repeats (2 + 0) / 2 = 1,00; months (3 + 1) / 2 = 2,00
    assert (result.customers, result.with_repeat_order, result.repeat_percent) == (
        2,
        1,
        Decimal("50.0"),
    )
    assert (result.average_repeat_orders, result.average_months_active) == (
        Decimal("1.00"),
        Decimal("2.00"),
    )
    early = new_customer_lifetime(ACQ_SALES, Q1, as_of=date(2026, 3, 31))
    assert early.rows[0].repeat_orders == 1  # o3 (May) not yet


SALES = [
    line("c1", "o3", date(2026, 1, 10), "A", "g1", 12000),
    line("c1", "o3", date(2026, 1, 10), "C", "g2", 3000),
    line("c2", "o5", date(2026, 2, 1), "A", "g1", 6000),
    line("c2", "o5", date(2026, 2, 1), "D", None, 1000),
    line("c3", "o6", date(2026, 3, 1), "B", "g1", 4000),
    line("c3", "o7", date(2026, 4, 1), "B", "g1", 999),  # after as_of
]
YEAR_START, YEAR_END = date(2026, 1, 1), date(2026, 12, 31)
TARGETS = [
    TargetFact(YEAR_START, YEAR_END, None, None, 73000, "T1"),
    TargetFact(date(2026, 1, 1), date(2026, 3, 31), "c1", None, 30000, "T2"),
    TargetFact(YEAR_START, YEAR_END, None, "g1", 36500, "T3"),
    TargetFact(date(2026, 4, 1), date(2026, 6, 30), None, None, 10000, "T4"),
]


def test_target_progress() -> None:
    rows = target_progress(TARGETS, SALES, as_of=date(2026, 3, 31))
    assert [r.target.target_id for r in rows] == ["T2", "T1", "T3", "T4"]
    t2, t1, t3, t4 = rows
    # T2: c1 in Q1 15.000 of 30.000 = 50,0 %; all 90 days elapsed → expected 30.000, behind 15.000
    assert (t2.realised_cents, t2.realised_percent, t2.elapsed_days, t2.total_days) == (
        15000,
        Decimal("50.0"),
        90,
        90,
    )
    assert (t2.expected_cents, t2.ahead_cents, t2.expected_percent) == (
        30000,
        -15000,
        Decimal("50.0"),
    )
    # T1: all sales to 31-03: 26.000 of 73.000 = 35,6 %; 90 of 365 days → 73.000 × 90/365 = 18.000
    # ahead 8.000; 26.000 / 18.000 = 144,4 %
    assert (t1.realised_cents, t1.realised_percent, t1.expected_cents) == (
        26000,
        Decimal("35.6"),
        18000,
    )
    assert (t1.ahead_cents, t1.expected_percent) == (8000, Decimal("144.4"))
    # T3: g1 12.000 + 6.000 + 4.000 = 22.000 of 36.500 = 60,3 %; expected 36.500 × 90/365 = 9.000
    assert (t3.realised_cents, t3.realised_percent, t3.expected_cents, t3.ahead_cents) == (
        22000,
        Decimal("60.3"),
        9000,
        13000,
    )
    # T4 starts after as_of: nothing expected yet
    assert (t4.elapsed_days, t4.expected_cents, t4.realised_cents, t4.expected_percent) == (
        0,
        0,
        0,
        None,
    )


def test_target_progress_mid_period() -> None:
    (t2,) = target_progress([TARGETS[1]], SALES, as_of=date(2026, 2, 14))
    # 45 of 90 days → 15.000 expected; c1 bought 15.000 on 10-01 → exactly on schedule
    assert (t2.elapsed_days, t2.expected_cents, t2.realised_cents, t2.ahead_cents) == (
        45,
        15000,
        15000,
        0,
    )
