"""The shared product catalogue: product groups, products and price lists."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from sqlmodel import Field

from fieldsales.domain.enums import VatRate
from fieldsales.records.base import Scope, SyncedRecord, decimal_field, money_field


class ProductGroup(SyncedRecord, table=True):
    __tablename__ = "product_groups"
    collection: ClassVar[str] = "product_groups"
    scope: ClassVar[Scope] = Scope.SHARED

    code: str = Field(max_length=40)
    name: str = Field(max_length=120)


class Product(SyncedRecord, table=True):
    __tablename__ = "products"
    collection: ClassVar[str] = "products"
    scope: ClassVar[Scope] = Scope.SHARED

    sku: str = Field(max_length=60, index=True)
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=4000)
    product_group_id: str = Field(max_length=36, index=True)
    unit: str = Field(default="stuk", max_length=20)
    list_price_cents: int = money_field(ge=0)
    vat_rate: VatRate = Field(default=VatRate.HIGH)
    introduced_on: date | None = None  # "new in the catalogue" is measured from here
    active: bool = Field(default=True)
    image_attachment_id: str | None = Field(default=None, max_length=36)


class PriceList(SyncedRecord, table=True):
    """A customer-specific price list; customers without one pay list prices."""

    __tablename__ = "price_lists"
    collection: ClassVar[str] = "price_lists"
    scope: ClassVar[Scope] = Scope.SHARED

    name: str = Field(max_length=120)
    valid_from: date | None = None
    valid_until: date | None = None


class PriceListItem(SyncedRecord, table=True):
    __tablename__ = "price_list_items"
    collection: ClassVar[str] = "price_list_items"
    scope: ClassVar[Scope] = Scope.SHARED

    price_list_id: str = Field(max_length=36, index=True)
    product_id: str = Field(max_length=36, index=True)
    price_cents: int = money_field(ge=0)
    min_quantity: Decimal = decimal_field(default=Decimal(1), ge=0)
