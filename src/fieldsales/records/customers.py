"""Customers and prospects (one table: a prospect becomes a customer with its first order) and
their contacts (contactpersonen)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from sqlmodel import Field

from fieldsales.domain.enums import CustomerKind
from fieldsales.records.base import Scope, SyncedRecord, money_field


class Customer(SyncedRecord, table=True):
    __tablename__ = "customers"
    collection: ClassVar[str] = "customers"
    scope: ClassVar[Scope] = Scope.CUSTOMER
    long_text_fields: ClassVar[frozenset[str]] = frozenset({"notes"})

    owner_id: str = Field(max_length=36, index=True)  # the salesperson responsible
    kind: CustomerKind = Field(default=CustomerKind.CUSTOMER)
    name: str = Field(max_length=200, index=True)
    customer_number: str | None = Field(default=None, max_length=40)  # the ERP's number
    kvk_number: str | None = Field(default=None, max_length=8)
    btw_id: str | None = Field(default=None, max_length=14)
    street: str = Field(default="", max_length=200)
    house_number: str = Field(default="", max_length=20)
    postcode: str = Field(default="", max_length=7)
    city: str = Field(default="", max_length=120)
    country: str = Field(default="NL", max_length=2)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=200)
    website: str | None = Field(default=None, max_length=200)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    target_group_id: str | None = Field(default=None, max_length=36, index=True)
    price_list_id: str | None = Field(default=None, max_length=36)
    sector: str = Field(default="", max_length=120)
    employees: int | None = Field(default=None, ge=0)
    potential_revenue_cents: int | None = money_field(default=None, ge=0)  # yearly potential
    source: str = Field(default="", max_length=200)  # prospects: where the lead came from
    current_supplier: str = Field(default="", max_length=200)
    customer_since: date | None = None
    lost_on: date | None = None
    lost_reason: str = Field(default="", max_length=500)
    notes: str = Field(default="", max_length=20000)


class Contact(SyncedRecord, table=True):
    __tablename__ = "contacts"
    collection: ClassVar[str] = "contacts"
    scope: ClassVar[Scope] = Scope.CUSTOMER

    customer_id: str = Field(max_length=36, index=True)
    first_name: str = Field(default="", max_length=80)
    last_name: str = Field(max_length=120)
    job_title: str = Field(default="", max_length=120)
    phone: str | None = Field(default=None, max_length=40)
    mobile: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=200)
    is_primary: bool = Field(default=False)
    notes: str = Field(default="", max_length=4000)
