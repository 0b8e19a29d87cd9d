"""Time and id helpers shared by the demo generators.

All instants are made in Dutch local time (a visit at 08:30 is 08:30 in Amsterdam, summer or
winter) and stored in UTC, as the records require.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic_core import PydanticUndefined
from sqlalchemy.orm import configure_mappers
from sqlalchemy.orm.instrumentation import manager_of_class

from fieldsales.records import SyncedRecord

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

NewId = Callable[[], str]
R = TypeVar("R", bound=SyncedRecord)


def local(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """``day`` at ``hour:minute`` Dutch time, as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=AMSTERDAM).astimezone(UTC)


def stamp(day: date) -> datetime:
    """A record's created/updated instant for something that happened on ``day``: 09:00 local."""
    return local(day, 9, 0)


def five_cents(cents: float) -> int:
    """Wholesale prices end in 0 or 5 cents (12,95 rather than 12,93)."""
    return max(5, round(cents / 5.0) * 5)


def weekday_on_or_before(day: date) -> date:
    """Saturday and Sunday move back to Friday: salespeople visit on working days."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def weekday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


_SYSTEM = ("id", "created_at", "updated_at")


@cache
def _field_defaults(cls: type[SyncedRecord]) -> tuple[tuple[str, Any, Any], ...]:
    # The constructor would configure the mappers on first use; the class manager does not.
    configure_mappers()
    return tuple(
        (name, info.default, info.default_factory) for name, info in cls.model_fields.items()
    )


def make(cls: type[R], **values: Any) -> R:
    """A record, built the way SQLAlchemy builds one loaded from the database.

    SQLModel's ``__init__`` for table models routes every field through SQLAlchemy's attribute
    instrumentation and asks pydantic to inspect default factories: ~70 µs a record, seconds for
    a demo. Here the class manager makes the instance (SQLModel's ``__new__`` sets up pydantic's
    bookkeeping, as for a row read from the store) and the values go straight into its
    ``__dict__``, which is where SQLAlchemy reads them on insert. Every field ends up set, as with
    the constructor, and ``model_fields_set`` names what was passed. ``id`` and the timestamps
    are required: their defaults read the clock and would make the demo differ between runs.
    Unknown names are refused (the constructor would silently drop them).
    """
    for name in _SYSTEM:
        if name not in values:
            raise TypeError(f"{cls.__name__}: {name} must be given for deterministic demo data")
    given = set(values)  # pydantic's "fields set": what the caller passed, as with __init__
    for name, default, factory in _field_defaults(cls):
        if name in values:
            continue
        if factory is not None:
            values[name] = factory()
        elif default is PydanticUndefined:
            raise TypeError(f"{cls.__name__}: {name} is required")
        else:
            values[name] = default
    defaults = _field_defaults(cls)
    if len(values) != len(defaults):
        unknown = sorted(set(values) - {name for name, _, _ in defaults})
        raise TypeError(f"{cls.__name__}: unknown fields {unknown}")
    record: R = manager_of_class(cls).new_instance()
    record.__dict__.update(values)
    object.__setattr__(record, "__pydantic_fields_set__", given)
    return record


def put(record: SyncedRecord, **values: Any) -> None:
    """Change fields of a record made by ``make`` that no session has seen yet.

    Assignment would go through SQLAlchemy's change tracking, which a transient record does not
    need (its insert reads ``__dict__``); the generator changes tens of thousands of fields.
    """
    names = _field_names(type(record))
    for name in values:
        if name not in names:
            raise TypeError(f"{type(record).__name__}: unknown field {name}")
    record.__dict__.update(values)


@cache
def _field_names(cls: type[SyncedRecord]) -> frozenset[str]:
    return frozenset(name for name, _, _ in _field_defaults(cls))
