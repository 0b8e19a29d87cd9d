"""Validation of pushed record data against the record classes of ``fieldsales.records``.

SQLModel table classes do not validate on construction, so each collection gets a plain pydantic
model built from the same field definitions (cached). The *merged* record (stored data plus the
pushed fields) is validated, so a partial update cannot leave a required field missing, and Dutch
numbers are brought into their canonical form by ``domain.validation`` so that two spellings of
one postcode are stored alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, create_model
from pydantic import ValidationError as PydanticValidationError

from fieldsales.domain.errors import ValidationError as DomainValidationError
from fieldsales.domain.validation import (
    normalize_btw_id,
    normalize_email,
    normalize_kvk,
    normalize_phone,
    normalize_postcode,
)
from fieldsales.records import COLLECTIONS, SyncedRecord
from fieldsales.records.base import to_wire_value
from fieldsales.server.errors import validation_details

#: Fields normalised wherever a collection has them. Postcodes only for Dutch addresses.
NORMALIZERS: dict[str, Callable[[str], str]] = {
    "kvk_number": normalize_kvk,
    "btw_id": normalize_btw_id,
    "phone": normalize_phone,
    "mobile": normalize_phone,
    "email": normalize_email,
}


class Rejection(Exception):
    """A mutation the server refuses for good; becomes a ``rejected`` result, not an HTTP error."""

    def __init__(self, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


def record_class(collection: str) -> type[SyncedRecord]:
    cls = COLLECTIONS.get(collection)
    if cls is None:
        raise Rejection("unknown_collection", f"Onbekende collectie '{collection}'.")
    return cls


@cache
def data_fields(collection: str) -> frozenset[str]:
    return frozenset(record_class(collection).data_fields())


@cache
def data_model(collection: str) -> type[BaseModel]:
    """A non-table pydantic model with the collection's data fields and their constraints."""
    cls = record_class(collection)
    definitions: dict[str, Any] = {
        name: (info.annotation, info)
        for name, info in cls.model_fields.items()
        if name not in cls.SYSTEM_FIELDS
    }
    return create_model(f"{cls.__name__}Data", __config__=ConfigDict(extra="forbid"), **definitions)


def check_field_names(collection: str, fields: Mapping[str, Any]) -> None:
    allowed = data_fields(collection)
    for name in fields:
        if _has_nul(name):
            raise Rejection("unknown_field", "Een veldnaam bevat een ongeldig teken.")
        if name in SyncedRecord.SYSTEM_FIELDS:
            raise Rejection(
                "system_field",
                f"Het veld '{name}' wordt door de server beheerd en kan niet worden verstuurd.",
                {"field": name},
            )
        if name not in allowed:
            raise Rejection(
                "unknown_field",
                f"Onbekend veld '{name}' in collectie '{collection}'.",
                {"field": name},
            )


def validate_data(
    collection: str, data: Mapping[str, Any], *, stored: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The complete, canonical record data as wire values, or a ``Rejection`` saying why not.

    ``stored`` is the record's data as the server holds it (validated when written, so already
    canonical): values equal to it are not normalised again. Parsing a phone number or a BTW-id
    is most of the cost of validating an edit of a customer, which the tenant's version lock
    waits for.
    """
    model = data_model(collection)
    data = dict(data)
    kept = stored or {}
    for name, value in data.items():
        if _has_nul(value):
            raise Rejection(
                "invalid", f"Het veld '{name}' bevat een ongeldig teken.", {"field": name}
            )
    for name, normalize in NORMALIZERS.items():
        value = data.get(name)
        if isinstance(value, str) and value.strip() and not (name in kept and kept[name] == value):
            data[name] = _normalized(normalize, name, value)
    postcode = data.get("postcode")
    if (
        isinstance(postcode, str)
        and postcode.strip()
        and data.get("country", "NL") == "NL"
        and not (kept.get("postcode") == postcode and kept.get("country", "NL") == "NL")
    ):
        data["postcode"] = _normalized(normalize_postcode, "postcode", postcode)
    try:
        parsed = model.model_validate(data)
    except PydanticValidationError as exc:
        details = validation_details(exc.errors())
        fields = ", ".join(sorted({d["loc"][0] for d in details if d["loc"]})) or "?"
        raise Rejection("invalid", f"Ongeldige waarde voor: {fields}.", details) from exc
    result: dict[str, Any] = parsed.model_dump(mode="json")
    for name in datetime_fields(collection):
        # pydantic writes "Z" and drops zero microseconds; keep the records' own wire format.
        result[name] = to_wire_value(getattr(parsed, name))
    return result


@cache
def datetime_fields(collection: str) -> tuple[str, ...]:
    return tuple(
        name
        for name, info in data_model(collection).model_fields.items()
        if info.annotation is datetime or datetime in get_args(info.annotation)
    )


def _has_nul(value: Any) -> bool:
    """NUL characters cannot be stored in PostgreSQL text (and never belong in a record)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _normalized(normalize: Callable[[str], str], name: str, value: str) -> str:
    try:
        return normalize(value)
    except DomainValidationError as exc:
        raise Rejection(exc.code, exc.message, {"field": name}) from exc
