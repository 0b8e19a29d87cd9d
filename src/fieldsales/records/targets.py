"""Sales targets per period (and optionally per customer or product group), and the causes a
salesperson records for a deviation from target so reports can carry them."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from sqlmodel import Field

from fieldsales.domain.enums import DeviationCauseKind
from fieldsales.records.base import Scope, SyncedRecord, money_field


class SalesTarget(SyncedRecord, table=True):
    __tablename__ = "sales_targets"
    collection: ClassVar[str] = "sales_targets"
    scope: ClassVar[Scope] = Scope.OWNER

    owner_id: str = Field(max_length=36, index=True)
    period_start: date
    period_end: date
    customer_id: str | None = Field(default=None, max_length=36, index=True)
    product_group_id: str | None = Field(default=None, max_length=36)
    revenue_target_cents: int = money_field(ge=0)


class DeviationCause(SyncedRecord, table=True):
    __tablename__ = "deviation_causes"
    collection: ClassVar[str] = "deviation_causes"
    scope: ClassVar[Scope] = Scope.OWNER
    long_text_fields: ClassVar[frozenset[str]] = frozenset({"note"})

    owner_id: str = Field(max_length=36, index=True)
    period_start: date
    period_end: date
    customer_id: str | None = Field(default=None, max_length=36, index=True)
    product_group_id: str | None = Field(default=None, max_length=36)
    cause: DeviationCauseKind
    amount_cents: int | None = money_field(default=None)  # the part of the deviation it explains
    note: str = Field(default="", max_length=4000)
