from __future__ import annotations

import pytest
from sqlmodel import select

from fieldsales.domain.enums import CustomerKind
from fieldsales.records import Customer
from fieldsales.services import customers
from fieldsales.services.errors import InvalidInput, NotAllowed, NotFound
from fieldsales.store.queries import pending_mutations


def test_create_customer_normalises_dutch_numbers_and_records_outbox(store, seller):
    created = customers.create_customer(
        store,
        actor=seller,
        name="  Bakkerij De Korenschoof ",
        postcode="1234ab",
        kvk_number="12345678",
        btw_id="nl004495445b01",
        phone="020-1234567",
    )
    assert created.name == "Bakkerij De Korenschoof"
    assert created.postcode == "1234 AB"
    assert created.btw_id == "NL004495445B01"
    assert created.phone == "+31201234567"
    assert created.owner_id == seller.user_id
    with store.read() as session:
        stored = session.get(Customer, created.id)
        assert stored is not None
        assert stored.postcode == "1234 AB"
        mutations = pending_mutations(session)
    assert [(m.collection, m.op, m.record_id) for m in mutations] == [
        ("customers", "upsert", created.id)
    ]
    assert mutations[0].fields["postcode"] == "1234 AB"


@pytest.mark.parametrize(
    ("field", "value"),
    [("postcode", "12345"), ("btw_id", "NL123456789B99"), ("phone", "12"), ("kvk_number", "12")],
)
def test_invalid_numbers_are_refused_in_dutch_and_nothing_is_written(store, seller, field, value):
    with pytest.raises(InvalidInput) as info:
        customers.create_customer(store, actor=seller, name="Test BV", **{field: value})
    assert info.value.field == field
    assert info.value.code == f"invalid_{field.removesuffix('_number')}"
    assert f"'{value}' is geen geldig" in info.value.message
    with store.read() as session:
        assert session.exec(select(Customer)).all() == []
        assert pending_mutations(session) == []


def test_empty_name_and_unknown_field_are_refused(store, seller):
    with pytest.raises(InvalidInput, match="naam"):
        customers.create_customer(store, actor=seller, name="   ")
    with pytest.raises(InvalidInput) as info:
        customers.create_customer(store, actor=seller, name="X", owner_id_hack="1")
    assert info.value.code == "unknown_field"


def test_update_sends_only_changed_fields(store, seller):
    created = customers.create_customer(store, actor=seller, name="Garage Jansen", city="Delft")
    customers.update_customer(store, actor=seller, customer_id=created.id, city="Leiden")
    with store.read() as session:
        mutations = pending_mutations(session)
    assert len(mutations) == 2
    changed = set(mutations[1].fields) - {"updated_at"}
    assert changed == {"city"}
    assert mutations[1].fields["city"] == "Leiden"


def test_salesperson_cannot_touch_another_portfolio(store, seller, other_seller, manager):
    created = customers.create_customer(store, actor=seller, name="Garage Jansen")
    with pytest.raises(NotAllowed):
        customers.update_customer(store, actor=other_seller, customer_id=created.id, city="X")
    with pytest.raises(InvalidInput):
        customers.create_customer(store, actor=seller, name="Y", owner_id=other_seller.user_id)
    # A manager sees the team and may edit.
    customers.update_customer(store, actor=manager, customer_id=created.id, city="Gouda")


def test_contacts_and_prospects(store, seller):
    prospect = customers.create_customer(
        store, actor=seller, name="Nieuw BV", kind=CustomerKind.PROSPECT
    )
    assert prospect.customer_since is None
    contact = customers.add_contact(
        store, actor=seller, customer_id=prospect.id, last_name="de Vries", mobile="0612345678"
    )
    assert contact.mobile == "+31612345678"
    customers.remove_contact(store, actor=seller, contact_id=contact.id)
    with pytest.raises(NotFound):
        customers.update_contact(store, actor=seller, contact_id=contact.id, first_name="Jan")
