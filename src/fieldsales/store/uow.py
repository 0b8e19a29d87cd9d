"""The unit of work: one write transaction, holding the write lock from its first statement.

Services own their transaction (``with store.unit_of_work() as uow: ... uow.commit()``); leaving
the block without ``commit()`` rolls everything back, rows and outbox alike. Records are checked
against their field constraints (lengths, ranges, choices) on ``add`` and ``update``: a table
SQLModel class does not validate on construction, and a value the server would reject is better
refused here, in Dutch, than found later as a rejected mutation.

Do not nest units of work: each holds the write lock, so an inner one would wait for the outer
one to finish and fail with ``store_busy`` after the busy timeout.
"""

from __future__ import annotations

import copy
import sqlite3
from types import TracebackType
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, create_model
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import OperationalError

from fieldsales.domain.errors import ValidationError
from fieldsales.records.base import SyncedRecord
from fieldsales.store.errors import StoreBusyError, StoreError
from fieldsales.store.session import APPLYING_SYNC, StoreSession

R = TypeVar("R", bound=SyncedRecord)

_SYSTEM_FIELDS = SyncedRecord.SYSTEM_FIELDS

_MESSAGES: dict[str, str] = {
    "missing": "is verplicht",
    "string_too_long": "is te lang (hoogstens {max_length} tekens)",
    "string_too_short": "is te kort (minstens {min_length} tekens)",
    "greater_than_equal": "moet minstens {ge} zijn",
    "greater_than": "moet groter zijn dan {gt}",
    "less_than_equal": "mag hoogstens {le} zijn",
    "less_than": "moet kleiner zijn dan {lt}",
    "enum": "is geen geldige keuze",
}


def _dutch_validation_error(exc: PydanticValidationError) -> ValidationError:
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or None
    template = _MESSAGES.get(error["type"], "heeft een ongeldige waarde")
    try:
        reason = template.format(**error.get("ctx", {}))
    except (KeyError, IndexError):
        reason = "heeft een ongeldige waarde"
    return ValidationError(f"Het veld '{field}' {reason}.", field=field, code="invalid")


_CHECKERS: dict[type[SyncedRecord], type[BaseModel]] = {}


def _checker(cls: type[SyncedRecord]) -> type[BaseModel]:
    """A plain pydantic model with the record's fields and rules, made once per class.

    Validating through the table class itself (``model_validate``) builds a mapped instance and
    costs ~50 µs a record, more than the rest of a unit of work's Python; this costs ~2 µs.
    Record-level ``model_validator``s are not copied: records carry field rules only.
    """
    checker = _CHECKERS.get(cls)
    if checker is None:
        fields: dict[str, Any] = {
            name: (info.annotation, copy.copy(info)) for name, info in cls.model_fields.items()
        }
        checker = _CHECKERS[cls] = create_model(
            f"{cls.__name__}Rules",
            __config__=ConfigDict(arbitrary_types_allowed=True),
            **fields,
        )
    return checker


def validate_record(record: SyncedRecord, changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """Check ``record`` (with ``changes``) against its field rules; return the coerced values.

    Raises the domain's ValidationError (Dutch message, the field named). The returned values
    are the validated ones for the fields that need coercing: ``"prospect"`` becomes
    ``CustomerKind.PROSPECT``, ``"2026-03-01"`` a ``date``, so what is stored and what goes into
    the outbox is the same typed value whatever a caller passed.
    """
    cls = type(record)
    data = {name: getattr(record, name) for name in cls.model_fields}
    if changes:
        data.update(changes)
    try:
        validated = _checker(cls).model_validate(data)
    except PydanticValidationError as exc:
        raise _dutch_validation_error(exc) from exc
    coerced: dict[str, Any] = {}
    for name in changes if changes is not None else cls.model_fields:
        value = getattr(validated, name)
        if type(value) is not type(data[name]):
            coerced[name] = value
    return coerced


class UnitOfWork:
    """A write transaction on the store. Use it as a context manager; see the module docstring."""

    def __init__(self, session: StoreSession) -> None:
        self.session = session
        self._closed = False

    def __enter__(self) -> UnitOfWork:
        try:
            self.session.connection()  # BEGIN IMMEDIATE now, not at the first write
        except (OperationalError, sqlite3.OperationalError) as exc:
            self.session.close()
            reason = str(getattr(exc, "orig", exc))
            if "locked" in reason or "busy" in reason:
                raise StoreBusyError(
                    "De gegevens zijn even bezet. Probeer het zo opnieuw.", code="store_busy"
                ) from exc
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def applying_sync(self) -> bool:
        return bool(self.session.info.get(APPLYING_SYNC, False))

    def add(self, record: R) -> R:
        """Insert a new record; its outbox mutation (all data fields) is written at flush."""
        if sa_inspect(record).has_identity:
            raise ValueError(f"{record!r} is already stored; change it with update()")
        if not self.applying_sync:
            for name, value in validate_record(record).items():
                setattr(record, name, value)
        self.session.add(record)
        return record

    def update(self, record: R, **changes: Any) -> R:
        """Set fields of a stored record; only what really changes goes into the outbox.

        Returns the session's instance: ``record`` itself when this unit of work loaded it,
        otherwise a fresh copy read from the file (a record from another session may be stale,
        and its stale values must neither be written back nor be the base of the mutation).
        """
        unknown = [name for name in changes if name not in type(record).model_fields]
        if unknown:
            raise TypeError(f"{type(record).__name__} has no field(s) {', '.join(unknown)}")
        system = [name for name in changes if name in _SYSTEM_FIELDS]
        if system and not self.applying_sync:
            raise ValueError(f"{', '.join(system)} are set by sync or by delete(), not update()")
        target = self._attached(record)
        if not self.applying_sync:
            changes.update(validate_record(target, changes))
        for name, value in changes.items():
            setattr(target, name, value)
        return target

    def delete(self, record: R) -> R:
        """Tombstone the record (``deleted=True``), recorded as op ``delete``; returns it."""
        target = self._attached(record)
        if not target.deleted:
            target.deleted = True
        return target

    def flush(self) -> None:
        self.session.flush()

    def commit(self) -> None:
        """Make the changes and their outbox entries durable, together."""
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    def close(self) -> None:
        """Roll back whatever was not committed and return the connection."""
        if not self._closed:
            self._closed = True
            self.session.close()

    def _attached(self, record: R) -> R:
        if record in self.session:
            return record
        fresh = self.session.get(type(record), record.id)
        if fresh is None:
            raise StoreError(
                "Dit gegeven bestaat niet (meer) op dit apparaat.", code="store_not_found"
            )
        return fresh
