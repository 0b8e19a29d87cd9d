from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from fieldsales.domain.enums import (
    CallOutcome,
    ComplaintCategory,
    ComplaintStatus,
    CustomerKind,
    DeviationCauseKind,
)
from fieldsales.records import FollowUp, Visit
from fieldsales.services import browse, calls, complaints, customers, search, targets, visits
from fieldsales.services.errors import InvalidInput, InvalidState, NotAllowed


def test_complaint_lifecycle(store, seller, catalogue):
    customer = customers.create_customer(store, actor=seller, name="Klagers BV")
    complaint = complaints.record_complaint(
        store,
        actor=seller,
        customer_id=customer.id,
        category=ComplaintCategory.DELIVERY,
        description="Levering twee dagen te laat",
        product_id=catalogue.drill.id,
        follow_up="Logistiek bellen",
        follow_up_on=date(2026, 12, 2),
    )
    with pytest.raises(InvalidState):
        complaints.close_complaint(store, actor=seller, complaint_id=complaint.id)
    complaints.add_complaint_follow_up(
        store, actor=seller, complaint_id=complaint.id, description="Terugkoppelen", due_on=None
    )
    resolved = complaints.resolve_complaint(
        store, actor=seller, complaint_id=complaint.id, resolution="Spoedlevering gedaan"
    )
    assert resolved.status is ComplaintStatus.RESOLVED
    closed = complaints.close_complaint(store, actor=seller, complaint_id=complaint.id)
    assert closed.status is ComplaintStatus.CLOSED
    with store.read() as session:
        assert len(session.exec(select(FollowUp)).all()) == 2
    with pytest.raises(InvalidInput):
        complaints.record_complaint(
            store,
            actor=seller,
            customer_id=customer.id,
            category=ComplaintCategory.OTHER,
            description="",
        )


def test_complaint_input_errors_name_their_field(store, seller):
    customer = customers.create_customer(store, actor=seller, name="Klagers BV")
    other = customers.create_customer(store, actor=seller, name="Ander BV")
    elsewhere = customers.add_contact(
        store, actor=seller, customer_id=other.id, first_name="Piet", last_name="Elders"
    )
    with pytest.raises(InvalidInput) as refused:
        complaints.record_complaint(
            store,
            actor=seller,
            customer_id=customer.id,
            category=ComplaintCategory.SERVICE,
            description="Monteur kwam niet",
            contact_id=elsewhere.id,
        )
    assert refused.value.field == "contact"
    complaint = complaints.record_complaint(
        store,
        actor=seller,
        customer_id=customer.id,
        category=ComplaintCategory.SERVICE,
        description="Monteur kwam niet",
    )
    with pytest.raises(InvalidInput) as empty:
        complaints.add_complaint_follow_up(
            store, actor=seller, complaint_id=complaint.id, description=" ", due_on=None
        )
    assert empty.value.field == "description"
    with pytest.raises(InvalidInput) as no_resolution:
        complaints.resolve_complaint(store, actor=seller, complaint_id=complaint.id, resolution="")
    assert no_resolution.value.field == "resolution"


def test_the_file_keeps_resolved_complaints_until_closed(store, seller, catalogue):
    customer = customers.create_customer(store, actor=seller, name="Klagers BV")
    on = date(2026, 11, 20)
    first, second = (
        complaints.record_complaint(
            store,
            actor=seller,
            customer_id=customer.id,
            category=ComplaintCategory.QUALITY,
            description=text,
            product_id=catalogue.drill.id,
            reported_on=on,
            follow_up="Vervangen",
        )
        for text in ("Boor breekt", "Boor breekt weer")
    )
    complaints.resolve_complaint(store, actor=seller, complaint_id=first.id, resolution="Nieuw")

    def open_ids():
        file = browse.customer_file(store, actor=seller, customer_id=customer.id)
        return {k.id: k.status for k in file.open_complaints}

    assert open_ids() == {first.id: ComplaintStatus.RESOLVED, second.id: ComplaintStatus.OPEN}
    complaints.close_complaint(store, actor=seller, complaint_id=first.id)
    assert open_ids() == {second.id: ComplaintStatus.OPEN}

    overview = browse.complaint_overview(
        store, actor=seller, customer_id=customer.id, as_of=date(2026, 11, 27)
    )
    assert [f.description for f in overview.follow_ups[second.id]] == ["Vervangen"]
    assert overview.product_names == {catalogue.drill.id: catalogue.drill.name}
    # Closed complaints still count: the same product twice at one customer is a pattern.
    assert {(f.kind, f.count) for f in overview.flags} == {
        ("customer_category", 2),
        ("customer_product", 2),
    }
    later = browse.complaint_overview(
        store, actor=seller, customer_id=customer.id, as_of=date(2027, 6, 1)
    )
    assert later.flags == []  # out of the window


def test_call_outcomes_feed_the_call_list(store, seller):
    a = customers.create_customer(
        store, actor=seller, name="A Prospect", kind=CustomerKind.PROSPECT
    )
    b = customers.create_customer(
        store, actor=seller, name="B Prospect", kind=CustomerKind.PROSPECT
    )
    c = customers.create_customer(
        store, actor=seller, name="C Prospect", kind=CustomerKind.PROSPECT
    )
    d = customers.create_customer(
        store, actor=seller, name="D Prospect", kind=CustomerKind.PROSPECT
    )
    with pytest.raises(InvalidInput):
        calls.log_call(store, actor=seller, customer_id=a.id, outcome=CallOutcome.CALL_BACK)
    calls.log_call(
        store,
        actor=seller,
        customer_id=a.id,
        outcome=CallOutcome.CALL_BACK,
        call_back_on=date(2026, 11, 27),
    )
    calls.log_call(store, actor=seller, customer_id=b.id, outcome=CallOutcome.NOT_INTERESTED)
    call = calls.log_call(
        store,
        actor=seller,
        customer_id=c.id,
        outcome=CallOutcome.APPOINTMENT,
        appointment_start=datetime(2026, 12, 4, 10, 0, tzinfo=UTC),
    )
    with store.read() as session:
        visit = session.get(Visit, call.visit_id)
        assert visit is not None
        assert visit.customer_id == c.id
    entries = calls.call_list(store, actor=seller, today=date(2026, 11, 28))
    assert [e.customer.id for e in entries] == [a.id, d.id]


def test_global_search_finds_customers_contacts_visits_quotes(store, seller, other_seller):
    mine = customers.create_customer(
        store, actor=seller, name="Bakkerij Van Dam", city="Amsterdam", postcode="1012AB"
    )
    customers.create_customer(store, actor=other_seller, name="Bakkerij Anders", city="Amsterdam")
    customers.add_contact(
        store, actor=seller, customer_id=mine.id, first_name="Petra", last_name="Bakker"
    )
    visit = visits.plan_visit(
        store, actor=seller, customer_id=mine.id, start=datetime(2026, 1, 5, 9, tzinfo=UTC)
    )
    visits.log_visit(store, actor=seller, visit_id=visit.id, report="Ovenonderhoud besproken")
    found = search.global_search(store, actor=seller, text="bakk ams")
    assert [c.name for c in found.customers] == ["Bakkerij Van Dam"]
    assert [
        c.last_name for c, _ in search.global_search(store, actor=seller, text="petra").contacts
    ] == ["Bakker"]
    assert len(search.global_search(store, actor=seller, text="ovenonderh").visits) == 1
    assert search.global_search(store, actor=seller, text="x").empty
    assert search.global_search(store, actor=seller, text='"*(').empty


def test_targets_are_set_by_managers_and_causes_by_salespeople(store, seller, manager):
    with pytest.raises(NotAllowed):
        targets.set_target(
            store,
            actor=seller,
            owner_id=seller.user_id,
            period_start=date(2027, 1, 1),
            period_end=date(2027, 12, 31),
            revenue_target_cents=100,
        )
    target = targets.set_target(
        store,
        actor=manager,
        owner_id=seller.user_id,
        period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31),
        revenue_target_cents=50_000_00,
    )
    assert target.owner_id == seller.user_id
    cause = targets.record_deviation_cause(
        store,
        actor=seller,
        period_start=date(2027, 1, 1),
        period_end=date(2027, 3, 31),
        cause=DeviationCauseKind.PRICE_PRESSURE,
        note="Concurrent 8 % goedkoper",
    )
    assert cause.owner_id == seller.user_id
    with pytest.raises(InvalidInput):
        targets.record_deviation_cause(
            store,
            actor=seller,
            period_start=date(2027, 3, 1),
            period_end=date(2027, 1, 1),
            cause=DeviationCauseKind.OTHER,
        )
