"""Complaints (klachten), followed up to closure; recurring ones are flagged as structural by
``domain.complaints``."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from sqlmodel import Field

from fieldsales.domain.enums import ComplaintCategory, ComplaintStatus
from fieldsales.records.base import Scope, SyncedRecord


class Complaint(SyncedRecord, table=True):
    __tablename__ = "complaints"
    collection: ClassVar[str] = "complaints"
    scope: ClassVar[Scope] = Scope.CUSTOMER
    long_text_fields: ClassVar[frozenset[str]] = frozenset({"description", "resolution"})

    customer_id: str = Field(max_length=36, index=True)
    owner_id: str = Field(max_length=36, index=True)
    reported_on: date = Field(index=True)
    category: ComplaintCategory
    product_id: str | None = Field(default=None, max_length=36, index=True)
    contact_id: str | None = Field(default=None, max_length=36)
    description: str = Field(max_length=8000)
    status: ComplaintStatus = Field(default=ComplaintStatus.OPEN)
    resolved_on: date | None = None
    resolution: str = Field(default="", max_length=8000)
