"""Catalogus: the products to present, offline, found by name, group or as new; from a
customer's file at the prices that customer pays, next to the list price."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import flet as ft
from flet_harness import FletHarness
from test_ui_customers import customers_screen
from ui_data import Day, add_catalogue, clock

from fieldsales.domain.enums import VatRate
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import PriceList, PriceListItem, Product
from fieldsales.services import customers
from fieldsales.store import Store
from fieldsales.ui.main import build_app


def add_new_tea(store: Store, group_id: str) -> Product:
    with store.unit_of_work(applying_sync=True) as uow:
        tea = Product(
            sku="T-1",
            name="Groene thee bio",
            product_group_id=group_id,
            list_price_cents=650,
            vat_rate=VatRate.LOW,
            introduced_on=date(2026, 10, 1),  # eight weeks before ui_data's today
            description="Losse thee, 250 gram, biologisch.",
        )
        uow.add(tea)
        uow.commit()
    return tea


def listed(h: FletHarness) -> list[str]:
    return [str(t.data) for t in h.get(key="catalogue-list").controls if isinstance(t, ft.ListTile)]


async def test_the_catalogue_finds_products_by_text_group_and_newness(
    store: Store, actor: Actor
) -> None:
    beans, machine = add_catalogue(store)
    tea = add_new_tea(store, beans.product_group_id)
    h = await FletHarness().start(
        lambda page: build_app(page, store=store, actor=actor, clock=clock)
    )
    await h.navigate(h.get(key="nav-bar"), 4)
    await h.click(h.get(key="more-catalogue"))
    assert h.get(key="screen-title").value == "Catalogus"
    assert h.get(key="catalogue-count").value == "3 producten"
    assert listed(h) == [
        f"catalogue-product-{machine.id}",
        f"catalogue-product-{tea.id}",
        f"catalogue-product-{beans.id}",
    ]  # by name
    await h.enter_text(h.get(key="catalogue-search"), "k-100")
    assert listed(h) == [f"catalogue-product-{beans.id}"]
    await h.enter_text(h.get(key="catalogue-search"), "")
    box = h.get(key="catalogue-new")
    h.session.apply_patch(box._i, {"value": True})
    await h.session.dispatch_event(box._i, "change", True)
    await h.settle()
    assert listed(h) == [f"catalogue-product-{tea.id}"]

    await h.click(h.get(key=f"catalogue-product-{tea.id}"))
    assert h.get(key="product-price").value == "€ 6,50 excl. btw · € 7,09 incl. 9 % btw"
    assert h.get(key="product-description").value == "Losse thee, 250 gram, biologisch."
    assert h.has_text("In het assortiment sinds 01-10-2026.")
    assert h.crashes() == []


async def test_from_a_customers_file_it_shows_the_customers_own_prices(
    store: Store, actor: Actor, day: Day
) -> None:
    beans, _machine = add_catalogue(store)
    with store.unit_of_work(applying_sync=True) as uow:
        horeca = PriceList(name="Horeca", valid_from=date(2026, 1, 1))
        uow.add(horeca)
        uow.add(
            PriceListItem(
                price_list_id=horeca.id,
                product_id=beans.id,
                price_cents=2195,
                min_quantity=Decimal(1),
            )
        )
        uow.commit()
    customer = day.customers[0]
    customers.update_customer(store, actor=actor, customer_id=customer.id, price_list_id=horeca.id)
    h = await customers_screen(store, actor)
    await h.click(h.get(key=f"customer-{customer.id}"))
    await h.click(h.get(key="file-catalogue"))
    assert h.get(key="catalogue-customer").value == "Prijzen voor Bakkerij Jansen"
    await h.click(h.get(key=f"catalogue-product-{beans.id}"))
    assert h.get(key="product-price").value.startswith("€ 21,95 excl. btw")
    assert h.get(key="product-list-price").value == (
        "Prijs voor Bakkerij Jansen; catalogusprijs € 24,95."
    )


async def test_an_empty_catalogue_says_where_products_come_from(store: Store, actor: Actor) -> None:
    h = await FletHarness().start(
        lambda page: build_app(page, store=store, actor=actor, clock=clock)
    )
    await h.navigate(h.get(key="nav-bar"), 4)
    await h.click(h.get(key="more-catalogue"))
    assert h.has_text("Nog geen producten op dit apparaat")
