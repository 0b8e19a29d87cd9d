"""The demo company's catalogue: a horeca and facility wholesaler (horeca- en facilitaire
groothandel) selling cleaning, paper, disposables, kitchen and table ware, workwear, coffee,
drinks, snacks, groceries and coffee machines to restaurants, care homes, schools and offices.

That trade has both Dutch VAT rates for real: food and soft drinks at 9 %, everything else
(alcohol, cleaning, equipment) at 21 %, even within one group (alcohol-free beer is food).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from fieldsales.demo._catalogue_data import GROUPS
from fieldsales.demo._common import NewId, five_cents, make, stamp
from fieldsales.domain.enums import VatRate
from fieldsales.records import PriceList, PriceListItem, Product, ProductGroup

#: Alcohol-free beer is a food for the BTW: 9 % inside a 21 % group.
LOW_RATE_EXCEPTIONS = frozenset({"Alcoholvrij bier 24 x 30 cl"})
#: The product several customers complain about (leaking seams): the structural pattern.
STRUCTURAL_COMPLAINT_PRODUCT = "Koffiebeker karton 180 ml (1000 st)"
#: Only sold in the last quarter.
CHRISTMAS_ONLY = frozenset({"Kerstkransjes 1 kg"})
#: Above this list price a product is equipment: bought once in a while, not every month.
EQUIPMENT_FROM_CENTS = 15_000

#: Group-level seasonality of quantities, January first (drinks peak on summer terraces).
GROUP_SEASON: dict[str, tuple[float, ...]] = {
    "FRI": (0.8, 0.8, 0.9, 1.0, 1.2, 1.35, 1.45, 1.4, 1.1, 0.9, 0.85, 0.95),
    "ALC": (0.8, 0.8, 0.9, 1.0, 1.15, 1.25, 1.3, 1.3, 1.05, 0.9, 0.9, 1.4),
    "DIS": (0.9, 0.9, 0.95, 1.0, 1.1, 1.2, 1.25, 1.2, 1.0, 0.95, 0.9, 1.0),
    "KOF": (1.15, 1.1, 1.05, 1.0, 0.95, 0.9, 0.85, 0.85, 1.0, 1.05, 1.1, 1.2),
    "ZOE": (0.95, 0.9, 0.95, 1.0, 0.95, 0.95, 0.9, 0.9, 1.0, 1.05, 1.15, 1.5),
}


@dataclass(slots=True, eq=False)
class ProductInfo:
    """A product with what the generator needs to know about it beyond the record."""

    record: Product
    group_code: str
    equipment: bool
    decimal_unit: bool  # sold per kg or metre: quantities with a decimal
    # Plain copies of record fields read in the generator's inner loops (the record's are
    # instrumented attributes, several times slower to read).
    id: str
    name: str
    introduced: date
    list_price: int
    vat_rate: VatRate
    discontinued_on: date | None = None


@dataclass(slots=True)
class Catalogue:
    groups: list[ProductGroup]
    group_by_code: dict[str, ProductGroup]
    products: list[ProductInfo]
    by_group: dict[str, list[ProductInfo]]
    by_id: dict[str, ProductInfo]
    price_lists: list[PriceList]
    price_list_items: list[PriceListItem]
    # price list id -> product id -> [(min_quantity, price_cents)], for the pricing rule
    tiers: dict[str, dict[str, list[PriceListItem]]]
    horeca_list: PriceList
    care_list: PriceList
    volume_list: PriceList
    structural_product: ProductInfo


def build_catalogue(
    rng: random.Random, new_id: NewId, *, today: date, history_start: date
) -> Catalogue:
    """Groups, ~330 products, and three customer price lists with volume tiers.

    Most products were in the range before the history starts; a dozen came in during it, ~18 in
    the last four months (the "new in the catalogue" the visit preparation presents), and a few
    were discontinued last year (they still appear in old orders).
    """
    groups: list[ProductGroup] = []
    group_by_code: dict[str, ProductGroup] = {}
    products: list[ProductInfo] = []
    by_group: dict[str, list[ProductInfo]] = {}
    history_days = (today - history_start).days
    for code, name, rate, items in GROUPS:
        created = stamp(history_start - timedelta(days=2000))
        group = make(
            ProductGroup, id=new_id(), code=code, name=name, created_at=created, updated_at=created
        )
        groups.append(group)
        group_by_code[code] = group
        by_group[code] = []
        seq = 0
        for template, unit, price, variants in items:
            options: list[tuple[str, int]] = []
            if not variants:
                options.append((template, price))
            for variant in variants:
                if isinstance(variant, tuple):
                    options.append((template.format(variant[0]), variant[1]))
                else:
                    options.append((template.format(variant), price))
            for product_name, cents in options:
                seq += 1
                products_in_group = by_group[code]
                roll = rng.random()
                if roll < 0.06:
                    introduced = today - timedelta(days=rng.randint(5, 120))
                elif roll < 0.10:
                    introduced = today - timedelta(days=rng.randint(180, max(181, history_days)))
                else:
                    introduced = history_start - timedelta(days=rng.randint(200, 4000))
                vat = VatRate.LOW if product_name in LOW_RATE_EXCEPTIONS else rate
                equipment = cents >= EQUIPMENT_FROM_CENTS
                created = stamp(introduced)
                record = make(
                    Product,
                    id=new_id(),
                    sku=f"{code}-{seq:04d}",
                    name=product_name,
                    description=_description(product_name, name, unit, vat),
                    product_group_id=group.id,
                    unit=unit,
                    list_price_cents=cents,
                    vat_rate=vat,
                    introduced_on=introduced,
                    active=True,
                    created_at=created,
                    updated_at=created,
                )
                info = ProductInfo(
                    record=record,
                    group_code=code,
                    equipment=equipment,
                    decimal_unit=unit in ("kg", "m"),
                    id=record.id,
                    name=product_name,
                    introduced=introduced,
                    list_price=cents,
                    vat_rate=vat,
                )
                products_in_group.append(info)
                products.append(info)
    # A few old products left the range last year; their old orders stay.
    candidates = [
        p
        for p in products
        if not p.equipment
        and p.record.introduced_on is not None
        and p.record.introduced_on < history_start
        and p.record.name != STRUCTURAL_COMPLAINT_PRODUCT
    ]
    for info in rng.sample(candidates, 5):
        info.discontinued_on = today - timedelta(days=rng.randint(200, 420))
        info.record.active = False
        info.record.updated_at = stamp(info.discontinued_on)
    structural = next(p for p in products if p.record.name == STRUCTURAL_COMPLAINT_PRODUCT)

    lists, list_items, tiers = _price_lists(rng, new_id, products, today=today)
    return Catalogue(
        groups=groups,
        group_by_code=group_by_code,
        products=products,
        by_group=by_group,
        by_id={p.record.id: p for p in products},
        price_lists=lists,
        price_list_items=list_items,
        tiers=tiers,
        horeca_list=lists[0],
        care_list=lists[1],
        volume_list=lists[2],
        structural_product=structural,
    )


def _description(name: str, group: str, unit: str, vat: VatRate) -> str:
    rate = "9 %" if vat is VatRate.LOW else "21 %"
    return f"{name}. Productgroep {group.lower()}; verkocht per {unit}; btw {rate}."


def _price_lists(
    rng: random.Random, new_id: NewId, products: list[ProductInfo], *, today: date
) -> tuple[list[PriceList], list[PriceListItem], dict[str, dict[str, list[PriceListItem]]]]:
    contract_start = date(today.year - 1, 1, 1)
    specs = (
        # name, valid_from, valid_until, groups, discount range, share of products, volume tiers
        ("Horeca staffelprijzen", None, None, ("DIS", "FRI", "ALC", "KOF", "DRO", "TAF"),
         (0.04, 0.10), 0.7, True),
        (f"Zorgcontract {contract_start.year}-{contract_start.year + 2}", contract_start,
         date(today.year + 1, 12, 31), ("HYG", "PAP", "DIS", "TEX", "KOF", "DRO"),
         (0.08, 0.15), 0.8, False),
        ("Grootverbruik", None, None, tuple(code for code, *_ in GROUPS), (0.05, 0.12), 0.5, True),
    )  # fmt: skip
    lists: list[PriceList] = []
    items: list[PriceListItem] = []
    tiers: dict[str, dict[str, list[PriceListItem]]] = {}
    for name, valid_from, valid_until, codes, (lo, hi), share, volume in specs:
        created = stamp(valid_from or (today - timedelta(days=3 * 365 + 400)))
        price_list = make(
            PriceList,
            id=new_id(),
            name=name,
            valid_from=valid_from,
            valid_until=valid_until,
            created_at=created,
            updated_at=created,
        )
        lists.append(price_list)
        by_product: dict[str, list[PriceListItem]] = {}
        for info in products:
            if info.group_code not in codes or info.equipment or rng.random() > share:
                continue
            discount = rng.uniform(lo, hi)
            price = five_cents(info.record.list_price_cents * (1 - discount))
            entries = [(Decimal(1), price)]
            if volume and rng.random() < 0.4:
                entries.append((Decimal(10), five_cents(price * 0.95)))
            for min_quantity, cents in entries:
                item = make(
                    PriceListItem,
                    id=new_id(),
                    price_list_id=price_list.id,
                    product_id=info.record.id,
                    price_cents=cents,
                    min_quantity=min_quantity,
                    created_at=created,
                    updated_at=created,
                )
                items.append(item)
                by_product.setdefault(info.record.id, []).append(item)
        tiers[price_list.id] = by_product
    return lists, items, tiers
