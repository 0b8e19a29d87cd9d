import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.nl import btw

from fieldsales.domain.errors import ValidationError
from fieldsales.domain.validation import (
    format_phone_nl,
    normalize_btw_id,
    normalize_email,
    normalize_kvk,
    normalize_phone,
    normalize_postcode,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234AB", "1234 AB"),
        ("1234 ab", "1234 AB"),
        (" 2611et ", "2611 ET"),
        ("NL-2611ET", "2611 ET"),
        ("9999 ZZ", "9999 ZZ"),
    ],
)
def test_postcode_normalised(raw: str, expected: str) -> None:
    assert normalize_postcode(raw) == expected


@pytest.mark.parametrize(
    "raw", ["0123 AB", "12345 AB", "1234", "1234 A1", "2611 SS", "", "AB 1234"]
)
def test_postcode_invalid(raw: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_postcode(raw)
    assert info.value.code == "invalid_postcode"
    assert info.value.field == "postcode"
    assert "geen geldige postcode" in info.value.message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12345678", "12345678"),
        ("1234 5678", "12345678"),
        ("12.34.56.78", "12345678"),
        ("KvK 69599084", "69599084"),
        ("kvk: 01234567", "01234567"),
    ],
)
def test_kvk_normalised(raw: str, expected: str) -> None:
    assert normalize_kvk(raw) == expected


@pytest.mark.parametrize("raw", ["1234567", "123456789", "1234567a", "00000000", "", "١٢٣٤٥٦٧٨"])
def test_kvk_invalid(raw: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_kvk(raw)
    assert info.value.code == "invalid_kvk"
    assert info.value.field == "kvk_number"
    assert "8 cijfers" in info.value.message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("NL004495445B01", "NL004495445B01"),  # RSIN-based, eleven-test
        ("nl 0044.95.445 b01", "NL004495445B01"),
        ("004495445B01", "NL004495445B01"),
        ("NL4495445B01", "NL004495445B01"),  # leading zeros dropped by the user
        ("NL002455799B11", "NL002455799B11"),  # mod-97 number for sole traders (since 2020)
    ],
)
def test_btw_id_normalised(raw: str, expected: str) -> None:
    assert normalize_btw_id(raw) == expected


def test_btw_id_checksum_variants_computed_with_stdnum() -> None:
    # Change the last digit of a valid number: stdnum agrees it is invalid, so do we.
    assert btw.is_valid("NL004495445B01")
    assert not btw.is_valid("NL004495446B01")
    with pytest.raises(ValidationError):
        normalize_btw_id("NL004495446B01")


@pytest.mark.parametrize(
    "raw", ["NL123456789B90", "NL004495445X01", "NL004495445B00", "BE0123456789", "", "NL"]
)
def test_btw_id_invalid(raw: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_btw_id(raw)
    assert info.value.code == "invalid_btw_id"
    assert info.value.field == "btw_id"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("020-1234567", "+31201234567"),
        ("020 123 45 67", "+31201234567"),
        ("0031 20 1234567", "+31201234567"),
        ("+31 (0)20 123 4567", "+31201234567"),
        ("06-12345678", "+31612345678"),
        ("088 1234567", "+31881234567"),
        ("+32 2 555 12 12", "+3225551212"),  # a Belgian customer
    ],
)
def test_phone_normalised(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "06-1234", "bel me", "", "+31 20 123"])
def test_phone_invalid(raw: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_phone(raw)
    assert info.value.code == "invalid_phone"
    assert "geen geldig telefoonnummer" in info.value.message


def test_format_phone_for_display() -> None:
    assert format_phone_nl("+31201234567") == "020 123 4567"
    assert format_phone_nl("+31612345678") == "06 12345678"
    assert format_phone_nl("+3225551212") == "+32 2 555 12 12"
    with pytest.raises(ValidationError):
        format_phone_nl("+3112")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jan.Jansen@Example.NL", "Jan.Jansen@example.nl"),
        ("  info@bakkerij-de-vries.nl ", "info@bakkerij-de-vries.nl"),
        ("mailto:verkoop@firma.co.uk", "verkoop@firma.co.uk"),
    ],
)
def test_email_normalised(raw: str, expected: str) -> None:
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "jan",
        "jan@",
        "@example.nl",
        "jan@example",
        "jan@@example.nl",
        "jan@exa mple.nl",
        "jan@example..nl",
        "jan@.example.nl",
        ".jan@example.nl",
        "j..an@example.nl",
        "a@b@c.nl",
    ],
)
def test_email_invalid(raw: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_email(raw)
    assert info.value.code == "invalid_email"
    assert info.value.field == "email"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=30), st.text(alphabet="0123456789NLBnlb -.@+()kvK", max_size=16)))
def test_normalisers_only_ever_raise_validation_errors(text: str) -> None:
    # Whatever a user (or a pushed record) contains: a normalised value or a Dutch error.
    for normalise in (
        normalize_postcode,
        normalize_kvk,
        normalize_btw_id,
        normalize_phone,
        normalize_email,
    ):
        error: ValidationError | None = None
        try:
            result = normalise(text)
        except ValidationError as exc:
            error = exc
        if error is not None:
            assert error.code.startswith("invalid_")
            assert error.message
        else:
            assert isinstance(result, str)
            assert normalise(result) == result  # normalising is idempotent
