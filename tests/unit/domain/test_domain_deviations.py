from datetime import date
from decimal import Decimal

from fieldsales.domain.deviations import DeviationBreakdown, allocate, decompose_deviation
from fieldsales.domain.enums import DeviationCauseKind as Kind
from fieldsales.domain.facts import CauseFact, SaleLine, TargetFact
from fieldsales.domain.periods import Period

Q1 = Period.quarter(2026, 1)
Q1_START, Q1_END = date(2026, 1, 1), date(2026, 3, 31)


def sale(customer: str, group: str | None, on: date, cents: int) -> SaleLine:
    return SaleLine(customer, f"prod-{group}", group, f"o-{customer}-{on}", on, cents)


TARGETS = [
    TargetFact(date(2026, 1, 1), date(2026, 12, 31), None, None, 365_000, "total"),
    TargetFact(Q1_START, Q1_END, "c1", None, 40_000, "c1"),
    TargetFact(Q1_START, Q1_END, None, "g1", 50_000, "g1"),
]
SALES = [
    sale("c1", "g1", date(2026, 1, 5), 30_000),
    sale("c1", "g2", date(2026, 2, 5), 5_000),
    sale("c2", "g1", date(2026, 2, 10), 20_000),
    sale("c3", "g2", date(2026, 3, 10), 10_000),
    sale("c2", "g1", date(2026, 4, 1), 99_999),  # next quarter
]
BASELINE = [
    sale("c1", "g1", date(2025, 1, 5), 50_000),
    sale("c2", "g1", date(2025, 2, 5), 30_000),
    sale("c3", "g2", date(2025, 3, 5), 10_000),
]
CAUSES = [
    CauseFact(
        Q1_START, Q1_END, "c2", None, Kind.PRICE_PRESSURE, -10_000, "concurrent 5 % goedkoper", "x1"
    ),
    CauseFact(Q1_START, Q1_END, None, "g2", Kind.DELIVERY_PROBLEM, -8_000, "", "x2"),
    CauseFact(Q1_START, Q1_END, "c3", "g2", Kind.SEASONAL, None, "koud voorjaar", "x3"),
    CauseFact(date(2026, 1, 1), date(2026, 12, 31), None, None, Kind.COMPETITION, -1_000, "", "x4"),
    CauseFact(date(2026, 4, 1), date(2026, 6, 30), "c1", None, Kind.OTHER, -500, "", "x5"),
]


def rows(breakdown: DeviationBreakdown) -> list[tuple[str | None, int, int, int]]:
    return [(r.key, r.target_cents, r.realised_cents, r.deviation_cents) for r in breakdown.rows]


def test_decomposition_with_baseline_and_causes() -> None:
    report = decompose_deviation(TARGETS, SALES, CAUSES, period=Q1, baseline=BASELINE)
    # total target: 365.000 × 90 / 365 = 90.000; realised 30.000 + 5.000 + 20.000 + 10.000 = 65.000
    assert (report.target_cents, report.realised_cents, report.deviation_cents) == (
        90_000,
        65_000,
        -25_000,
    )
    assert report.deviation_percent == Decimal("-27.8")  # −25.000 / 90.000
    # customers: c1 has its own 40.000; the other 50.000 goes by last year's revenue
    # c2 30.000 : c3 10.000 → 37.500 and 12.500
    assert rows(report.by_customer) == [
        ("c2", 37_500, 20_000, -17_500),
        ("c1", 40_000, 35_000, -5_000),
        ("c3", 12_500, 10_000, -2_500),
    ]
    assert report.by_customer.unallocated_target_cents == 0
    assert sum(r.deviation_cents for r in report.by_customer.rows) == report.deviation_cents
    assert report.by_customer.rows[0].deviation_percent == Decimal("-46.7")
    # groups: g1 own 50.000; g2 gets the other 40.000 (only g2 has baseline besides g1)
    assert rows(report.by_product_group) == [
        ("g2", 40_000, 15_000, -25_000),
        ("g1", 50_000, 50_000, 0),
    ]
    # causes in Q1 (x5 is for Q2), ordered by period, customer, group
    assert [c.cause_id for c in report.causes] == ["x4", "x2", "x1", "x3"]
    c2_row = report.by_customer.rows[0]
    assert ([c.cause_id for c in c2_row.causes], c2_row.explained_cents) == (["x1"], -10_000)
    g2_row = report.by_product_group.rows[0]
    assert ([c.cause_id for c in g2_row.causes], g2_row.explained_cents) == (["x2", "x3"], -8_000)
    # explained −10.000 − 8.000 − 1.000 = −19.000; unexplained −25.000 + 19.000 = −6.000
    assert (report.explained_cents, report.unexplained_cents) == (-19_000, -6_000)


def test_without_baseline_the_rest_stays_unallocated() -> None:
    report = decompose_deviation(TARGETS, SALES, period=Q1)
    assert rows(report.by_customer) == [
        ("c2", 0, 20_000, 20_000),
        ("c3", 0, 10_000, 10_000),
        ("c1", 40_000, 35_000, -5_000),
    ]
    assert report.by_customer.unallocated_target_cents == 50_000
    # rows 25.000 − unallocated 50.000 = −25.000
    total = sum(r.deviation_cents for r in report.by_customer.rows)
    assert total - report.by_customer.unallocated_target_cents == report.deviation_cents
    assert report.by_customer.rows[0].deviation_percent is None  # no target to compare with
    assert (report.explained_cents, report.unexplained_cents) == (0, -25_000)


def test_total_target_from_customer_targets_and_combined_targets() -> None:
    targets = [
        TargetFact(Q1_START, Q1_END, "c1", None, 30_000),
        TargetFact(Q1_START, Q1_END, "c2", "g1", 15_000),
        TargetFact(Q1_START, Q1_END, "c2", "g2", 5_000),
    ]
    report = decompose_deviation(targets, SALES, period=Q1)
    # no total target: c1 30.000 + c2 (15.000 + 5.000) = 50.000
    assert report.target_cents == 50_000
    by_customer = {r.key: r.target_cents for r in report.by_customer.rows}
    assert by_customer == {"c1": 30_000, "c2": 20_000, "c3": 0}
    by_group = {r.key: r.target_cents for r in report.by_product_group.rows}
    assert by_group == {"g1": 15_000, "g2": 5_000}
    assert report.by_product_group.unallocated_target_cents == 30_000


def test_cause_for_a_customer_without_sales_still_gets_a_row() -> None:
    lost = CauseFact(Q1_START, Q1_END, "c9", None, Kind.LOST_CUSTOMER, -12_000, "failliet", "x9")
    report = decompose_deviation(TARGETS, SALES, [lost], period=Q1)
    row = next(r for r in report.by_customer.rows if r.key == "c9")
    assert (row.target_cents, row.realised_cents, row.explained_cents) == (0, 0, -12_000)


def test_allocate_sums_exactly() -> None:
    assert allocate(100, {"a": 1, "b": 1, "c": 1}) == {"a": 34, "b": 33, "c": 33}
    assert allocate(-100, {"a": 1, "b": 1, "c": 1}) == {"a": -34, "b": -33, "c": -33}
    assert allocate(50_000, {"c2": 30_000, "c3": 10_000}) == {"c2": 37_500, "c3": 12_500}
    assert allocate(7, {"a": 0, "b": 0}) == {}
    assert sum(allocate(1_000_001, {"a": 3, "b": 7, "c": 11}).values()) == 1_000_001
