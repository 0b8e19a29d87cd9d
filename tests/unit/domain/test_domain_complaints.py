from datetime import date

import pytest

from fieldsales.domain.complaints import StructuralFlag, flags_for_customer, structural_complaints
from fieldsales.domain.enums import ComplaintCategory as Cat
from fieldsales.domain.facts import ComplaintFact


def c(cid: str, customer: str, cat: Cat, product: str | None, on: date) -> ComplaintFact:
    return ComplaintFact(cid, customer, cat, product, on)


COMPLAINTS = [
    c("k01", "c1", Cat.QUALITY, "P1", date(2026, 1, 10)),
    c("k02", "c1", Cat.QUALITY, "P2", date(2026, 3, 1)),
    c("k03", "c1", Cat.DELIVERY, None, date(2026, 2, 1)),
    c("k04", "c1", Cat.DELIVERY, None, date(2026, 9, 15)),  # 226 days after k03: not recurring
    c("k05", "c2", Cat.QUALITY, "P1", date(2026, 2, 15)),
    c("k06", "c2", Cat.PRICE, "P1", date(2026, 4, 1)),
    c("k07", "c3", Cat.QUALITY, "P1", date(2026, 5, 1)),
    c("k08", "c4", Cat.OTHER, "P9", date(2026, 1, 1)),
    c("k09", "c4", Cat.OTHER, "P9", date(2026, 1, 5)),
    c("k10", "c5", Cat.OTHER, None, date(2026, 3, 1)),
    c("k11", "c6", Cat.OTHER, None, date(2026, 3, 2)),
]


def test_structural_patterns() -> None:
    flags = structural_complaints(COMPLAINTS)
    assert flags == [
        # P1 at c1, c2, c3 within 111 days: 4 complaints at 3 customers
        StructuralFlag(
            "product_across_customers",
            "P1",
            ("c1", "c2", "c3"),
            ("k01", "k05", "k06", "k07"),
            date(2026, 1, 10),
            date(2026, 5, 1),
            4,
        ),
        # quality at c1 (twice), c2, c3
        StructuralFlag(
            "category_across_customers",
            "quality",
            ("c1", "c2", "c3"),
            ("k01", "k05", "k02", "k07"),
            date(2026, 1, 10),
            date(2026, 5, 1),
            4,
        ),
        StructuralFlag(
            "customer_product",
            "P1",
            ("c2",),
            ("k05", "k06"),
            date(2026, 2, 15),
            date(2026, 4, 1),
            2,
        ),
        StructuralFlag(
            "customer_product", "P9", ("c4",), ("k08", "k09"), date(2026, 1, 1), date(2026, 1, 5), 2
        ),
        StructuralFlag(
            "customer_category",
            "quality",
            ("c1",),
            ("k01", "k02"),
            date(2026, 1, 10),
            date(2026, 3, 1),
            2,
        ),
    ]
    # "other" is ignored unless asked for: then c4's two and three customers' "other" show up
    with_other = structural_complaints(COMPLAINTS, ignore_categories=())
    kinds = {(f.kind, f.key) for f in with_other}
    assert ("customer_category", "other") in kinds
    assert ("category_across_customers", "other") in kinds


def test_window_slides_to_the_densest_cluster() -> None:
    spread = [
        c("a", "d1", Cat.QUALITY, "P5", date(2025, 1, 1)),
        c("b", "d2", Cat.QUALITY, "P5", date(2025, 3, 1)),
        c("c", "d3", Cat.QUALITY, "P5", date(2025, 9, 1)),  # 184 days after b
    ]
    assert structural_complaints(spread) == []
    flags = structural_complaints(spread, window_days=250)
    assert [(f.kind, f.key, f.customer_ids) for f in flags] == [
        ("product_across_customers", "P5", ("d1", "d2", "d3")),
        ("category_across_customers", "quality", ("d1", "d2", "d3")),
    ]
    # thresholds are parameters: two customers are enough if the caller says so
    two = structural_complaints(spread, across_customers=2)
    assert {f.complaint_ids for f in two} == {("a", "b")}


def test_as_of_only_looks_at_the_window_ending_that_day() -> None:
    # window 03-01-2026 .. 01-07-2026: k08 (01-01) falls out, so c4/P9 is no longer a pattern
    flags = structural_complaints(COMPLAINTS, as_of=date(2026, 7, 1))
    keys = {(f.kind, f.key, f.customer_ids) for f in flags}
    assert ("customer_product", "P9", ("c4",)) not in keys
    assert ("product_across_customers", "P1", ("c1", "c2", "c3")) in keys
    later = structural_complaints(COMPLAINTS, as_of=date(2026, 12, 31))
    assert later == []  # only k04 is within 180 days of year end


def test_flags_for_customer_and_parameter_checks() -> None:
    flags = structural_complaints(COMPLAINTS)
    assert [(f.kind, f.key) for f in flags_for_customer(flags, "c2")] == [
        ("product_across_customers", "P1"),
        ("category_across_customers", "quality"),
        ("customer_product", "P1"),
    ]
    assert flags_for_customer(flags, "c9") == []
    with pytest.raises(ValueError, match="thresholds"):
        structural_complaints(COMPLAINTS, per_customer=1)
