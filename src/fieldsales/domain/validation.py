"""Dutch identifiers and contact details: checked and brought into one canonical form.

The checks come from python-stdnum and phonenumbers (maintained against the official rules)
rather than hand-written patterns. Each ``normalize_*`` returns the value as it is stored, so two
spellings of one postcode or phone number compare equal and search finds them.
"""

from __future__ import annotations

import phonenumbers
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import btw, postcode
from stdnum.util import clean, isdigits

from fieldsales.domain.errors import ValidationError

KVK_LENGTH = 8


def normalize_postcode(s: str) -> str:
    """``1234ab`` → ``1234 AB``; also accepts the ``NL-`` prefix of international mail."""
    try:
        return postcode.validate(s)
    except StdnumError as exc:
        raise ValidationError(
            f"'{s.strip()}' is geen geldige postcode. Gebruik vier cijfers en twee letters, "
            "bijvoorbeeld 1234 AB.",
            field="postcode",
            code="invalid_postcode",
        ) from exc


def normalize_kvk(s: str) -> str:
    """A KvK (Kamer van Koophandel) number: exactly eight digits.

    python-stdnum 2.2 has no KvK module, so this uses its cleaning helpers. Since 2016 the KvK
    issues numbers without a check digit (the old eleven-test no longer holds for new numbers),
    so beyond "eight digits, not all zero" nothing can be verified offline.
    """
    number = clean(s, " -.").strip()
    if number.upper().startswith("KVK"):
        number = number[3:].lstrip(":")
    if len(number) != KVK_LENGTH or not isdigits(number) or int(number) == 0:
        raise ValidationError(
            f"'{s.strip()}' is geen geldig KvK-nummer. Een KvK-nummer heeft 8 cijfers.",
            field="kvk_number",
            code="invalid_kvk",
        )
    return number


def normalize_btw_id(s: str) -> str:
    """A Dutch BTW-id as ``NL123456789B01``, check digits verified (both the old BSN/RSIN-based
    numbers and the mod-97 numbers issued to sole traders since 2020)."""
    try:
        number = btw.validate(s)
    except StdnumError as exc:
        raise ValidationError(
            f"'{s.strip()}' is geen geldig btw-id. Een btw-id is NL, 9 cijfers, B en 2 cijfers, "
            "bijvoorbeeld NL004495445B01.",
            field="btw_id",
            code="invalid_btw_id",
        ) from exc
    return "NL" + number


def _parse_phone(s: str) -> phonenumbers.PhoneNumber:
    try:
        number = phonenumbers.parse(s, "NL")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            f"'{s.strip()}' is geen geldig telefoonnummer.", field="phone", code="invalid_phone"
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            f"'{s.strip()}' is geen geldig telefoonnummer.", field="phone", code="invalid_phone"
        )
    return number


def normalize_phone(s: str) -> str:
    """Any valid phone number as E.164 (``+31201234567``); without a country code it is read as
    Dutch. Foreign numbers are accepted: customers near the border call from Belgium and Germany."""
    return phonenumbers.format_number(_parse_phone(s), phonenumbers.PhoneNumberFormat.E164)


def format_phone_nl(e164: str) -> str:
    """For display: Dutch numbers in national format (``020 123 4567``, ``06 12345678``), foreign
    numbers in international format (``+32 2 555 12 12``) so the country code is not lost."""
    number = _parse_phone(e164)
    if phonenumbers.region_code_for_number(number) == "NL":
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def normalize_email(s: str) -> str:
    """A sanity check, not RFC 5322: one ``@``, something before it, a dotted domain after it.

    The domain is lower-cased (it is case-insensitive); the local part is kept as typed because
    some mail servers do treat it case-sensitively.
    """
    value = s.strip()
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:") :]
    local, at, domain = value.partition("@")
    labels = domain.split(".")
    valid = (
        at == "@"
        and bool(local)
        and "@" not in domain
        and not any(ch.isspace() for ch in value)
        and len(labels) >= 2
        and all(labels)
        and not local.startswith(".")
        and not local.endswith(".")
        and ".." not in local
    )
    if not valid:
        raise ValidationError(
            f"'{s.strip()}' is geen geldig e-mailadres.", field="email", code="invalid_email"
        )
    return f"{local}@{domain.lower()}"
