"""Same seed and day, same records (ids included); another seed, other records."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from demo_testkit import TODAY

from fieldsales.demo import DemoData, generate
from fieldsales.demo._common import AMSTERDAM

SMALL = {"salespeople": 2, "customers_per_salesperson": 30, "prospects_per_salesperson": 8}


def _fingerprint(data: DemoData) -> list[tuple[str, str, dict[str, object]]]:
    return [(r.collection, r.id, r.to_wire()) for r in data.records()]


def test_same_seed_gives_identical_records_including_ids() -> None:
    first = _fingerprint(generate(seed=11, today=TODAY, **SMALL))
    second = _fingerprint(generate(seed=11, today=TODAY, **SMALL))
    assert len(first) > 1000
    assert first == second


def test_a_different_seed_gives_different_records_and_ids() -> None:
    a = generate(seed=11, today=TODAY, **SMALL)
    b = generate(seed=12, today=TODAY, **SMALL)
    assert not {r.id for r in a.records()} & {r.id for r in b.records()}
    assert [c.name for c in a.customers] != [c.name for c in b.customers]
    assert [o.net_cents for o in a.orders[:50]] != [o.net_cents for o in b.orders[:50]]


def test_one_salesperson_keeps_the_same_portfolio_when_the_team_grows() -> None:
    """Each salesperson has an own random stream: adding a colleague changes nothing of theirs
    (names may only differ where the tenant-wide uniqueness of company names forces it)."""
    two = generate(seed=5, today=TODAY, **SMALL)
    three = generate(seed=5, today=TODAY, **{**SMALL, "salespeople": 3})
    seller = two.user("verkoper1")
    assert three.user("verkoper1").id == seller.id
    visits_two = [(v.id, v.planned_start) for v in two.visits if v.owner_id == seller.id]
    visits_three = [(v.id, v.planned_start) for v in three.visits if v.owner_id == seller.id]
    assert visits_two == visits_three


def test_ids_are_uuid7_and_unique() -> None:
    data = generate(seed=3, today=TODAY, **SMALL)
    ids = [r.id for r in data.records()]
    assert len(ids) == len(set(ids))
    for value in ids[:: max(1, len(ids) // 500)]:
        parsed = uuid.UUID(value)
        assert str(parsed) == value
        assert parsed.version == 7
        assert parsed.variant == uuid.RFC_4122


def test_history_is_anchored_on_today_by_default() -> None:
    data = generate(salespeople=1, customers_per_salesperson=12, prospects_per_salesperson=2)
    today = date.today()
    assert any(v.planned_start.astimezone(AMSTERDAM).date() == today for v in data.visits)
    assert max(o.order_date for o in data.orders) < today
    assert min(o.order_date for o in data.orders) >= today - timedelta(days=3 * 366)


def test_other_days_move_the_history_with_them() -> None:
    sunday = date(2027, 1, 3)  # a Sunday in the first days of a plan year
    data = generate(seed=2, today=sunday, **SMALL)
    assert any(v.planned_start.astimezone(AMSTERDAM).date() == sunday for v in data.visits)
    assert all(p.year in (2026, 2027) for p in data.account_plans)
    assert all(
        v.submitted_at is not None and v.submitted_at.date() < sunday
        for v in data.account_plan_versions
    )
