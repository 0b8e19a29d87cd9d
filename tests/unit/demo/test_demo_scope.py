"""``records_for`` hands each user what the server's scope rules would: a salesperson sees no
colleague's customers; a manager sees everything."""

from __future__ import annotations

from collections import Counter

import pytest

from fieldsales.demo import DEMO_PASSWORD, TENANT_NAME, DemoData
from fieldsales.records import Customer, Scope


def test_a_salesperson_gets_only_own_customers_and_what_is_shared(demo: DemoData) -> None:
    for seller in demo.salespeople:
        scoped = list(demo.records_for(seller.id))
        own = {c.id for c in demo.customers if c.owner_id == seller.id}
        others = {c.id for c in demo.customers} - own
        got_customers = {r.id for r in scoped if isinstance(r, Customer)}
        assert got_customers == own
        for record in scoped:
            assert getattr(record, "customer_id", None) not in others
            if type(record).scope is Scope.OWNER:
                assert getattr(record, "owner_id", None) == seller.id
        collections = Counter(r.collection for r in scoped)
        assert collections["products"] == len(demo.products)
        assert collections["users"] == len(demo.users)
        assert collections["visits"] == sum(1 for v in demo.visits if v.customer_id in own)
        assert collections["order_lines"] == sum(
            1 for ln in demo.order_lines if ln.customer_id in own
        )
        assert collections["sales_targets"] > 0


def test_scopes_of_the_salespeople_cover_the_tenant(demo: DemoData) -> None:
    shared = [r for r in demo.records() if type(r).scope in (Scope.SHARED, Scope.TEAM)]
    per_seller = sum(len(list(demo.records_for(s.id))) for s in demo.salespeople)
    total = sum(1 for _ in demo.records())
    assert per_seller - (len(demo.salespeople) - 1) * len(shared) == total


def test_the_manager_gets_everything(demo: DemoData) -> None:
    assert [r.id for r in demo.records_for(demo.manager.id)] == [r.id for r in demo.records()]


def test_unknown_user(demo: DemoData) -> None:
    with pytest.raises(KeyError):
        list(demo.records_for("not-a-user"))
    with pytest.raises(KeyError):
        demo.user("nobody")


def test_demo_constants() -> None:
    assert DEMO_PASSWORD == "demo"
    assert TENANT_NAME == "Demo Groothandel BV"
