"""Quotes (offertes) and orders with their lines. Line amounts are computed by
``domain.pricing`` at write time (rounded per line) and stored, so reports sum integers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from sqlmodel import Field

from fieldsales.domain.enums import OrderSource, OrderStatus, QuoteStatus, VatRate
from fieldsales.records.base import Scope, SyncedRecord, UtcDateTime, decimal_field, money_field


class Quote(SyncedRecord, table=True):
    __tablename__ = "quotes"
    collection: ClassVar[str] = "quotes"
    scope: ClassVar[Scope] = Scope.CUSTOMER

    customer_id: str = Field(max_length=36, index=True)
    owner_id: str = Field(max_length=36, index=True)
    quote_number: str = Field(max_length=40)
    quote_date: date
    valid_until: date
    status: QuoteStatus = Field(default=QuoteStatus.DRAFT)
    contact_id: str | None = Field(default=None, max_length=36)
    notes: str = Field(default="", max_length=8000)
    follow_up_on: date | None = None
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    decided_on: date | None = None
    order_id: str | None = Field(default=None, max_length=36)
    pdf_attachment_id: str | None = Field(default=None, max_length=36)
    net_cents: int = money_field()
    vat_cents: int = money_field()
    gross_cents: int = money_field()


class QuoteLine(SyncedRecord, table=True):
    __tablename__ = "quote_lines"
    collection: ClassVar[str] = "quote_lines"
    scope: ClassVar[Scope] = Scope.CUSTOMER

    quote_id: str = Field(max_length=36, index=True)
    customer_id: str = Field(max_length=36, index=True)
    position: int = Field(default=0, ge=0)
    product_id: str = Field(max_length=36, index=True)
    description: str = Field(default="", max_length=500)
    quantity: Decimal = decimal_field(default=Decimal(1), ge=0)
    unit_price_cents: int = money_field(ge=0)
    discount_percent: Decimal = decimal_field(default=Decimal(0), ge=0)
    vat_rate: VatRate = Field(default=VatRate.HIGH)
    net_cents: int = money_field()
    vat_cents: int = money_field()


class Order(SyncedRecord, table=True):
    __tablename__ = "orders"
    collection: ClassVar[str] = "orders"
    scope: ClassVar[Scope] = Scope.CUSTOMER

    customer_id: str = Field(max_length=36, index=True)
    owner_id: str = Field(max_length=36, index=True)
    order_number: str = Field(max_length=40)
    order_date: date = Field(index=True)
    status: OrderStatus = Field(default=OrderStatus.PLACED)
    source: OrderSource = Field(default=OrderSource.FIELD)
    quote_id: str | None = Field(default=None, max_length=36)
    erp_reference: str | None = Field(default=None, max_length=60)
    delivery_on: date | None = None
    notes: str = Field(default="", max_length=8000)
    net_cents: int = money_field()
    vat_cents: int = money_field()
    gross_cents: int = money_field()


class OrderLine(SyncedRecord, table=True):
    __tablename__ = "order_lines"
    collection: ClassVar[str] = "order_lines"
    scope: ClassVar[Scope] = Scope.CUSTOMER

    order_id: str = Field(max_length=36, index=True)
    customer_id: str = Field(max_length=36, index=True)
    position: int = Field(default=0, ge=0)
    product_id: str = Field(max_length=36, index=True)
    description: str = Field(default="", max_length=500)
    quantity: Decimal = decimal_field(default=Decimal(1), ge=0)
    unit_price_cents: int = money_field(ge=0)
    discount_percent: Decimal = decimal_field(default=Decimal(0), ge=0)
    vat_rate: VatRate = Field(default=VatRate.HIGH)
    net_cents: int = money_field()
    vat_cents: int = money_field()
