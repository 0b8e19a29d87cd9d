"""What a push validates, and against what, now that part of it happens before the version lock:
created records are validated on their fields alone (before the lock), edits on the merged
record (under it), and only values that differ from the stored ones are normalised again."""

from __future__ import annotations

import pytest
from server_support import World, customer_fields

from fieldsales.domain.ids import new_id
from fieldsales.server.validation import Rejection, validate_data


def test_a_created_record_that_already_exists_is_validated_merged(world: World) -> None:
    """A device that lost the answer to its create, or a second device, may send
    ``base_version: null`` for an id the server knows: its fields alone are not a valid customer
    (no name), the merged record is, so the answer must come from the merged record."""
    alice = world.alice
    customer_id = new_id()
    alice.push_one("customers", customer_id, customer_fields(alice.id, city="Delft"))
    other = alice.__class__(alice.id, alice.username, alice.role, alice.client, alice.token)
    result = other.push_one("customers", customer_id, {"city": "Leiden"})
    # Not "rejected: invalid (name missing)": it overwrote a city it had not seen.
    assert result["status"] == "conflict", result
    data = alice.pull_all()[customer_id]["data"]
    assert data["city"] == "Leiden"
    assert data["name"].startswith("Bakkerij")


def test_invalid_created_records_are_rejected_and_later_ones_still_apply(world: World) -> None:
    alice = world.alice
    customer_id = new_id()
    body = alice.push(
        alice.mutation("customers", new_id(), {"owner_id": alice.id}),  # no name
        alice.mutation("customers", new_id(), customer_fields(alice.id, phone="12")),
        alice.mutation("customers", customer_id, customer_fields(alice.id, phone="06 1234 5678")),
    )
    results = body["results"]
    assert [(r["status"], r["code"]) for r in results] == [
        ("rejected", "invalid"),
        ("rejected", "invalid_phone"),
        ("applied", None),
    ]
    assert results[0]["details"][0]["loc"] == ["name"]
    assert alice.pull_all()[customer_id]["data"]["phone"] == "+31612345678"


def test_an_edit_normalises_the_values_it_changes(world: World) -> None:
    alice = world.alice
    customer_id = new_id()
    created = alice.push_one(
        "customers",
        customer_id,
        customer_fields(alice.id, phone="020 555 0101", postcode="1234ab", kvk_number="12345678"),
    )
    version = created["version"]
    edited = alice.push_one(
        "customers", customer_id, {"phone": "06-12345678", "city": "Gouda"}, base_version=version
    )
    assert edited["status"] == "applied"
    data = alice.pull_all()[customer_id]["data"]
    assert (data["phone"], data["postcode"], data["city"]) == ("+31612345678", "1234 AB", "Gouda")

    bad = alice.push_one("customers", customer_id, {"email": "geen-adres"}, base_version=version)
    assert (bad["status"], bad["code"]) == ("rejected", "invalid_email")


def test_a_postcode_is_normalised_again_when_the_country_becomes_nl(world: World) -> None:
    """A Belgian postcode is stored as typed; moving the customer to the Netherlands must apply
    the Dutch rule to the postcode although the postcode itself did not change."""
    alice = world.alice
    customer_id = new_id()
    created = alice.push_one(
        "customers", customer_id, customer_fields(alice.id, country="BE", postcode="1000")
    )
    assert alice.pull_all()[customer_id]["data"]["postcode"] == "1000"
    moved = alice.push_one(
        "customers", customer_id, {"country": "NL"}, base_version=created["version"]
    )
    assert (moved["status"], moved["code"]) == ("rejected", "invalid_postcode")
    moved = alice.push_one(
        "customers",
        customer_id,
        {"country": "NL", "postcode": "2611ab"},
        base_version=created["version"],
    )
    assert moved["status"] == "applied"
    assert alice.pull_all()[customer_id]["data"]["postcode"] == "2611 AB"


def test_validate_data_does_not_normalise_stored_values_again() -> None:
    """Stored values were canonical when written; parsing them again on every edit was most of
    an edit's validation. A value that differs from the stored one is normalised as ever."""
    stored = {"owner_id": "u1", "name": "Bakkerij", "phone": "+31612345678", "btw_id": "x"}
    # "x" is no valid BTW-id: kept only because it is the stored value (not parsed again).
    assert validate_data("customers", {**stored, "city": "Ede"}, stored=stored)["btw_id"] == "x"
    with pytest.raises(Rejection) as refused:
        validate_data("customers", {**stored, "btw_id": "y"}, stored=stored)
    assert refused.value.code == "invalid_btw_id"
    changed = validate_data("customers", {**stored, "phone": "06 1234 5678"}, stored=stored)
    assert changed["phone"] == "+31612345678"
    with pytest.raises(Rejection):
        validate_data("customers", {**stored, "city": "Ede"})  # without stored: all parsed
