"""The demo and the benchmark portfolio have the size they promise, in the time they promise."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from demo_testkit import Generated

from fieldsales.demo import DemoData, generate
from fieldsales.domain.enums import CustomerKind


def _per_owner(records: list, owner_of: dict[str, str]) -> Counter[str]:
    return Counter(owner_of[r.customer_id] for r in records)


def test_demo_volumes_per_salesperson(demo: DemoData) -> None:
    assert demo.tenant_name == "Demo Groothandel BV"
    assert [u.username for u in demo.users] == ["manager", "verkoper1", "verkoper2", "verkoper3"]
    owner_of = {c.id: c.owner_id for c in demo.customers}
    kinds = Counter((c.owner_id, c.kind) for c in demo.customers)
    visits = _per_owner(demo.visits, owner_of)
    lines = _per_owner(demo.order_lines, owner_of)
    for seller in demo.salespeople:
        assert kinds[(seller.id, CustomerKind.CUSTOMER)] == 150
        assert kinds[(seller.id, CustomerKind.PROSPECT)] == 40
        assert 1_400 <= visits[seller.id] <= 2_300, visits[seller.id]
        assert 4_500 <= lines[seller.id] <= 8_000, lines[seller.id]


def test_demo_catalogue_size(demo: DemoData) -> None:
    counts = demo.summary()
    assert 10 <= counts["product_groups"] <= 14
    assert 250 <= counts["products"] <= 350
    assert 2 <= counts["price_lists"] <= 3
    assert counts["price_list_items"] > 100
    assert counts["target_groups"] >= 3


def test_contacts_per_customer(demo: DemoData) -> None:
    per_customer = Counter(c.customer_id for c in demo.contacts)
    assert {per_customer[c.id] for c in demo.customers} <= {1, 2, 3, 4}
    assert set(per_customer.values()) == {1, 2, 3, 4}


def test_portfolio_volumes(portfolio_run: Generated) -> None:
    data = portfolio_run.data
    assert len(data.salespeople) == 1
    counts = data.summary()
    customers = [c for c in data.customers if c.kind is CustomerKind.CUSTOMER]
    assert len(customers) == 500
    assert 5_000 <= counts["visits"] <= 7_500
    assert 16_000 <= counts["order_lines"] <= 25_000
    assert 1_300 <= counts["contacts"] <= 1_800
    assert 280 <= counts["products"] <= 350


def test_summary_lists_every_collection_with_its_count(demo: DemoData) -> None:
    from fieldsales.records import COLLECTIONS

    counts = demo.summary()
    assert set(counts) == set(COLLECTIONS)
    assert counts["orders"] == len(demo.orders)
    assert sum(counts.values()) == sum(1 for _ in demo.records())


def test_demo_generation_time(demo_run: Generated) -> None:
    assert demo_run.cpu_seconds < 5.0, f"demo took {demo_run.cpu_seconds:.1f} s of CPU"


def test_portfolio_generation_time(portfolio_run: Generated) -> None:
    assert portfolio_run.cpu_seconds < 10.0, f"portfolio took {portfolio_run.cpu_seconds:.1f} s"


@pytest.mark.parametrize(
    "arguments",
    [
        {"salespeople": 0},
        {"customers_per_salesperson": 0},
        {"years": 0},
        {"prospects_per_salesperson": -1},
    ],
)
def test_nonsense_sizes_are_refused(arguments: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"at least|>="):
        generate(**arguments)
