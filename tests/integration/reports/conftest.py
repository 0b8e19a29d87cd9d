from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from fieldsales.domain.enums import Role, VatRate
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import PriceList, PriceListItem, Product, ProductGroup, UserProfile
from fieldsales.store import Store, open_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path / "fieldsales.sqlite3")
    yield s
    s.close()


@pytest.fixture(autouse=True)
def team_directory(store: Store) -> None:
    """The team as pulled from the server: the plan workflow needs each author's team."""
    with store.unit_of_work(applying_sync=True) as uow:
        for user_id, role in (
            ("u-seller", Role.SALESPERSON),
            ("u-other", Role.SALESPERSON),
            ("u-manager", Role.MANAGER),
        ):
            uow.add(
                UserProfile(
                    id=user_id, username=user_id, full_name=user_id, role=role, team_id="t1"
                )
            )
        uow.commit()


@pytest.fixture
def seller() -> Actor:
    return Actor(user_id="u-seller", role=Role.SALESPERSON, team_id="t1")


@pytest.fixture
def other_seller() -> Actor:
    return Actor(user_id="u-other", role=Role.SALESPERSON, team_id="t1")


@pytest.fixture
def manager() -> Actor:
    return Actor(user_id="u-manager", role=Role.MANAGER, team_id="t1")


@dataclass
class Catalogue:
    group: ProductGroup
    drill: Product  # 21 % BTW, list price 100.00
    coffee: Product  # 9 % BTW, list price 12.50
    price_list: PriceList


@pytest.fixture
def catalogue(store: Store) -> Catalogue:
    """Reference data as it arrives from the server: applied by sync, so no outbox entries."""
    group = ProductGroup(code="GER", name="Gereedschap", version=1)
    drill = Product(
        sku="BOOR-1",
        name="Accuboormachine",
        product_group_id=group.id,
        list_price_cents=10000,
        vat_rate=VatRate.HIGH,
        version=2,
    )
    coffee = Product(
        sku="KOF-1",
        name="Koffiebonen 1 kg",
        product_group_id=group.id,
        list_price_cents=1250,
        vat_rate=VatRate.LOW,
        version=3,
    )
    price_list = PriceList(name="Installateurs", valid_from=date(2020, 1, 1), version=4)
    tiers = [
        PriceListItem(
            price_list_id=price_list.id,
            product_id=drill.id,
            price_cents=9000,
            min_quantity=Decimal(1),
            version=5,
        ),
        PriceListItem(
            price_list_id=price_list.id,
            product_id=drill.id,
            price_cents=8500,
            min_quantity=Decimal(10),
            version=6,
        ),
    ]
    with store.unit_of_work(applying_sync=True) as uow:
        for record in (group, drill, coffee, price_list, *tiers):
            uow.add(record)
        uow.commit()
    return Catalogue(group, drill, coffee, price_list)
