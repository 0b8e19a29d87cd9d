"""Global customer search: prefix words as you type, on the FTS index the triggers keep."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select
from store_testkit import OWNER, new_contact, new_customer

from fieldsales.records import Contact, Customer
from fieldsales.store import Store, open_store
from fieldsales.store.queries import search_customers

OTHER_OWNER = "0190a000-0000-7000-8000-000000000002"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "fieldsales.sqlite3") as opened:
        yield opened


@pytest.fixture
def customers(store: Store) -> dict[str, Customer]:
    made = {
        "vries": new_customer(
            name="Bakkerij de Vries",
            city="Amsterdam",
            postcode="1012 AB",
            customer_number="K-00123",
        ),
        "jansen": new_customer(name="Bakkerij Jansen", city="Utrecht", postcode="3511 AA"),
        "hoekje": new_customer(name="Café 't Hoekje", city="Haarlem", postcode="2011 CD"),
        "garage": new_customer(name="Garage Amsterdam Noord", city="Amsterdam"),
        "slager": new_customer(name="Slagerij Bakker", city="Rotterdam"),
        "oost": new_customer(name="Bakkerij Oost", city="Amsterdam", owner_id=OTHER_OWNER),
        "weg": new_customer(name="Bakkerij Weg", city="Amsterdam"),
        "smit": new_customer(name="Groothandel Smit", city="Breda"),
    }
    with store.unit_of_work() as uow:
        for customer in made.values():
            uow.add(customer)
        uow.add(new_contact(made["vries"], first_name="Jan", last_name="Smit"))
        uow.add(new_contact(made["hoekje"], first_name="Émile", last_name="Dubois"))
        uow.commit()
    with store.unit_of_work() as uow:
        uow.delete(made["weg"])
        uow.commit()
    return made


def _names(store: Store, text: str, **kwargs: object) -> list[str]:
    with store.read() as session:
        return [c.name for c in search_customers(session, text, **kwargs)]  # type: ignore[arg-type]


def test_every_word_matches_as_a_prefix(store: Store, customers: dict[str, Customer]) -> None:
    assert sorted(_names(store, "bakk ams")) == ["Bakkerij Oost", "Bakkerij de Vries"]
    assert sorted(_names(store, "AMS bakk")) == ["Bakkerij Oost", "Bakkerij de Vries"]
    assert _names(store, "bakk ams", owner_id=OWNER) == ["Bakkerij de Vries"]


def test_results_come_while_typing(store: Store, customers: dict[str, Customer]) -> None:
    for typed in ("v", "vr", "vri", "vrie", "vries"):
        assert "Bakkerij de Vries" in _names(store, typed), typed
    assert _names(store, "vriesx") == []


def test_name_city_postcode_number_and_contacts_are_searched(
    store: Store, customers: dict[str, Customer]
) -> None:
    assert _names(store, "haarlem") == ["Café 't Hoekje"]
    assert _names(store, "1012ab") == ["Bakkerij de Vries"]  # postcode typed without space
    assert _names(store, "1012 ab") == ["Bakkerij de Vries"]
    assert _names(store, "K-00123") == ["Bakkerij de Vries"]
    assert _names(store, "00123") == ["Bakkerij de Vries"]
    assert _names(store, "jan smi") == ["Bakkerij de Vries"]  # a contact's name
    assert _names(store, "cafe") == ["Café 't Hoekje"]  # accents do not matter
    assert _names(store, "emile") == ["Café 't Hoekje"]


def test_a_name_match_ranks_above_a_contact_match(
    store: Store, customers: dict[str, Customer]
) -> None:
    assert _names(store, "smit") == ["Groothandel Smit", "Bakkerij de Vries"]


def test_tombstoned_customers_and_contacts_are_not_found(
    store: Store, customers: dict[str, Customer]
) -> None:
    assert _names(store, "weg") == []
    with store.unit_of_work() as uow:
        contact = uow.session.exec(select(Contact).where(Contact.last_name == "Smit")).one()
        uow.delete(contact)
        uow.commit()
    assert _names(store, "jan smit") == []
    assert _names(store, "smit") == ["Groothandel Smit"]


def test_the_index_follows_every_change(store: Store, customers: dict[str, Customer]) -> None:
    jansen = customers["jansen"]
    with store.unit_of_work() as uow:
        uow.update(jansen, name="Broodhuis Jansen", city="Zeist")
        uow.add(new_contact(jansen, first_name="Petra", last_name="Kok"))
        uow.commit()
    assert _names(store, "bakk jansen") == []
    assert _names(store, "brood zeist") == ["Broodhuis Jansen"]
    assert _names(store, "petra") == ["Broodhuis Jansen"]
    # A contact moving to another customer moves in the index too.
    with store.unit_of_work() as uow:
        petra = uow.session.exec(select(Contact).where(Contact.first_name == "Petra")).one()
        uow.update(petra, customer_id=customers["garage"].id)
        uow.commit()
    assert _names(store, "petra") == ["Garage Amsterdam Noord"]
    with store.unit_of_work() as uow:
        uow.delete(customers["garage"])
        uow.commit()
    assert _names(store, "petra") == []
    assert _names(store, "noord") == []


def test_records_applied_by_sync_are_indexed(store: Store) -> None:
    pulled = new_customer(name="Vishandel Zeezicht", city="Scheveningen", version=7)
    with store.unit_of_work(applying_sync=True) as uow:
        uow.add(pulled)
        uow.add(new_contact(pulled, first_name="Kees", last_name="Visser", version=8))
        uow.commit()
    assert _names(store, "vis sche") == ["Vishandel Zeezicht"]
    assert _names(store, "kees") == ["Vishandel Zeezicht"]


@pytest.mark.parametrize(
    "typed",
    [
        '"bakk" ams*',
        "bakk: (ams)",
        "bakk - ams^",
        "bakk' ams",
        "bakk AMS)",
        "{bakk} + ams;",
        "bakk\tams\n",
    ],
)
def test_fts_syntax_in_the_input_is_only_a_separator(
    store: Store, customers: dict[str, Customer], typed: str
) -> None:
    assert sorted(_names(store, typed)) == ["Bakkerij Oost", "Bakkerij de Vries"]


@pytest.mark.parametrize(
    "typed", ['"', "*", "NEAR(", "AND", "OR NOT", "name:", "()", "^", "🍞", "-", "'"]
)
def test_input_made_only_of_syntax_never_raises(
    store: Store, customers: dict[str, Customer], typed: str
) -> None:
    names = _names(store, typed)
    assert isinstance(names, list)
    assert "Bakkerij Weg" not in names


def test_an_empty_search_lists_live_customers_by_name(
    store: Store, customers: dict[str, Customer]
) -> None:
    everyone = _names(store, "")
    assert everyone == sorted(everyone)
    assert "Bakkerij Weg" not in everyone
    assert len(everyone) == 7
    assert _names(store, "  ", limit=2) == everyone[:2]
    assert "Bakkerij Oost" not in _names(store, "", owner_id=OWNER)


def test_the_limit_is_applied(store: Store, customers: dict[str, Customer]) -> None:
    assert len(_names(store, "bakk", limit=2)) == 2
    assert len(_names(store, "bakk")) == 4  # de Vries, Jansen, Oost, Slagerij Bakker


def test_without_the_index_search_falls_back_to_scanning(tmp_path: Path) -> None:
    with open_store(tmp_path / "old.sqlite3", target_version=1) as store:
        with store.unit_of_work() as uow:
            uow.add(new_customer(name="Bakkerij de Vries", city="Amsterdam"))
            uow.add(new_customer(name="Bakkerij Jansen", city="Utrecht"))
            uow.commit()
        assert _names(store, "bakk ams") == ["Bakkerij de Vries"]
        assert _names(store, '"bakk*') == ["Bakkerij Jansen", "Bakkerij de Vries"]
