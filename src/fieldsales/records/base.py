"""What every synced record carries, and the column types the records share.

Records are SQLModel classes in their own SQLAlchemy registry (``store_registry``): the device's
SQLite store creates them, while the server, which keeps its own tables, only uses their field
definitions to validate what devices push. A record's ``version`` is assigned by the server from one
sequence per tenant (never a device clock); ``created_at``/``updated_at`` are for display only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import String, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from fieldsales.domain.ids import new_id

store_registry = registry()


def utcnow() -> datetime:
    return datetime.now(UTC)


class DecimalText(TypeDecorator[Decimal]):
    """A Decimal kept exactly as text: SQLite has no decimal type; REAL would round quantities."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return str(Decimal(value))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class UtcDateTime(TypeDecorator[datetime]):
    """Datetimes stored as ISO-8601 text in UTC, read back timezone-aware.

    SQLite's default DATETIME drops the offset; a device in Amsterdam and the server must agree on
    what an instant is, so everything is normalised to UTC on the way in.
    """

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class Scope(StrEnum):
    """Who may read and write a collection's records; the server enforces it on every mutation."""

    SHARED = "shared"  # the tenant's catalogue and reference data: everyone reads, admins write
    OWNER = "owner"  # records of one salesperson (targets, deviation causes): ``owner_id``
    CUSTOMER = "customer"  # everything under a customer: scoped by the customer's owner
    TEAM = "team"  # team and user directory: everyone in the tenant reads, admins write


class SyncedRecord(SQLModel, registry=store_registry):
    """Columns every synced table has. Subclasses set ``collection`` and ``scope``."""

    collection: ClassVar[str] = ""
    scope: ClassVar[Scope] = Scope.SHARED
    # Long free texts whose losing value is kept as a visible conflict copy instead of overwritten.
    long_text_fields: ClassVar[frozenset[str]] = frozenset()

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    # Not indexed: the device never looks a record up by version (store migration 4).
    version: int | None = Field(default=None)
    deleted: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)

    SYSTEM_FIELDS: ClassVar[frozenset[str]] = frozenset({"id", "version", "deleted"})

    @classmethod
    def data_fields(cls) -> list[str]:
        """The fields a mutation may carry: everything but the sync bookkeeping."""
        return [name for name in cls.model_fields if name not in cls.SYSTEM_FIELDS]

    def to_wire(self) -> dict[str, Any]:
        """The record's data fields as JSON-ready values (Decimal and dates as strings)."""
        return {name: to_wire_value(getattr(self, name)) for name in self.data_fields()}


def to_wire_value(value: Any) -> Any:
    """One value as it travels in a sync message: exact decimals and ISO dates as strings."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


def money_field(*, default: int | None = 0, ge: int | None = None) -> Any:
    """An amount in euro cents: integers sum exactly in SQL, Decimal is used for the arithmetic."""
    return Field(default=default, ge=ge)


def decimal_field(*, default: Decimal | None = None, ge: int | None = None) -> Any:
    """An exact decimal (quantities, percentages); ``ge`` is a whole-number lower bound."""
    return Field(default=default, ge=ge, sa_type=DecimalText)
