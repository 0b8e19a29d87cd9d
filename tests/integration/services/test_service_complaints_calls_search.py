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


# --- global search: Dutch input -----------------------------------------------------------------


def _visit_with_report(store, actor, customer_id, report, *, day=5):
    visit = visits.plan_visit(
        store, actor=actor, customer_id=customer_id, start=datetime(2026, 1, day, 9, tzinfo=UTC)
    )
    return visits.log_visit(store, actor=actor, visit_id=visit.id, report=report)


def test_global_search_ignores_case_and_accents(store, seller):
    cafe = customers.create_customer(store, actor=seller, name="Grand Café De Kroon")
    for first, last in (("Ayşe", "Çelik"), ("Jürgen", "Müller")):
        customers.add_contact(
            store, actor=seller, customer_id=cafe.id, first_name=first, last_name=last
        )
    accented = _visit_with_report(store, seller, cafe.id, "Hygiëneplan doorgenomen met de chef.")
    plain = _visit_with_report(store, seller, cafe.id, "Nieuwe menukaart voor het cafe.", day=6)

    def found(text):
        return search.global_search(store, actor=seller, text=text)

    assert [c.name for c in found("cafe").customers] == ["Grand Café De Kroon"]
    assert [c.last_name for c, _ in found("celik").contacts] == ["Çelik"]
    assert [c.last_name for c, _ in found("ÇELİK").contacts] == ["Çelik"]
    assert [c.first_name for c, _ in found("ayse").contacts] == ["Ayşe"]  # Latin Extended-A
    assert [c.last_name for c, _ in found("MULLER jurg").contacts] == ["Müller"]
    assert [v.id for v, _ in found("hygiene").visits] == [accented.id]
    assert [v.id for v, _ in found("HYGIËNEPLAN").visits] == [accented.id]
    assert [v.id for v, _ in found("café menukaart").visits] == [plain.id]  # typed, not stored
    assert [v.id for v, _ in found("Cafe").visits] == [plain.id]
    assert found("hygiene menukaart").visits == []  # every word must match


def test_global_search_finds_postcodes_and_phone_numbers_as_typed(store, seller):
    bakery = customers.create_customer(
        store, actor=seller, name="Bakkerij Smit", postcode="1012AB", phone="020-1234567"
    )
    contact = customers.add_contact(
        store, actor=seller, customer_id=bakery.id, last_name="Smit", mobile="06-12345678"
    )
    customers.create_customer(store, actor=seller, name="Slagerij Bos", postcode="1013 AB")

    def found(text):
        return search.global_search(store, actor=seller, text=text)

    for postcode in ("1012AB", "1012 AB", "1012ab"):
        assert [c.name for c in found(postcode).customers] == ["Bakkerij Smit"], postcode
    for number in ("0612345678", "06-12345678", "06 1234 5678", "+31 6 12345678", "0031612345678"):
        assert [c.id for c, _ in found(number).contacts] == [contact.id], number
    for number in ("020 123 4567", "0201234567", "+31 20 1234567"):
        assert [c.id for c in found(number).customers] == [bakery.id], number
    assert found("0612345679").empty


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("06-12345678", "612345678"),
        ("+31 (0)6 1234 5678", "612345678"),
        ("0032 2 555 12 12", "3225551212"),
        ("+49 30 1234567", "49301234567"),
        ("1012 AB", None),  # a postcode
        ("2026", None),  # a year: too short
        ("Bakker 06", None),  # words
    ],
)
def test_phone_digits_are_the_national_number(typed, digits):
    assert search.phone_digits(typed) == digits


def test_global_search_finds_quotes_by_number_in_any_spelling(store, seller, catalogue):
    from decimal import Decimal

    from fieldsales.services import sales

    shop = customers.create_customer(store, actor=seller, name="IJzerhandel Post")
    lines = [sales.LineRequest(product_id=catalogue.drill.id, quantity=Decimal(1))]
    first = sales.create_quote(
        store, actor=seller, customer_id=shop.id, lines=lines, quote_date=date(2026, 3, 2)
    )
    second = sales.create_quote(
        store, actor=seller, customer_id=shop.id, lines=lines, quote_date=date(2026, 3, 9)
    )
    assert (first.quote_number, second.quote_number) == ("OF-2026-0001", "OF-2026-0002")

    def numbers(text):
        found = search.global_search(store, actor=seller, text=text)
        return [q.quote_number for q, _ in found.quotes]

    assert numbers("OF-2026-0002") == ["OF-2026-0002"]
    assert numbers("of20260001") == ["OF-2026-0001"]
    assert numbers("2026 0001") == ["OF-2026-0001"]
    assert numbers("of-2026") == ["OF-2026-0002", "OF-2026-0001"]  # newest first


def test_global_search_stays_in_the_salespersons_portfolio(
    store, seller, other_seller, manager, catalogue
):
    from decimal import Decimal

    from fieldsales.services import sales

    theirs = customers.create_customer(store, actor=other_seller, name="Hotel Zonneveld")
    customers.add_contact(
        store, actor=other_seller, customer_id=theirs.id, last_name="Zonneveld", mobile="0687654321"
    )
    _visit_with_report(store, other_seller, theirs.id, "Zonneveld wil een nieuwe koffiemachine.")
    sales.create_quote(
        store,
        actor=other_seller,
        customer_id=theirs.id,
        lines=[sales.LineRequest(product_id=catalogue.coffee.id, quantity=Decimal(2))],
        quote_date=date(2026, 4, 1),
    )
    for text in ("zonneveld", "0687654321", "OF-2026"):
        assert search.global_search(store, actor=seller, text=text).empty, text
    team = search.global_search(store, actor=manager, text="zonneveld")
    assert [c.name for c in team.customers] == ["Hotel Zonneveld"]
    assert len(team.contacts) == len(team.visits) == 1
    assert len(search.global_search(store, actor=manager, text="OF-2026").quotes) == 1


def test_snippet_shows_the_words_found():
    report = (
        "Gesproken met Laura Postma. Assortiment bier, wijn en gedistilleerd doorgenomen; twee "
        "artikelen kunnen goedkoper. Hygiëneplan doorgenomen: dispensers zijn aan vervanging toe."
    )
    assert search.snippet("Kort  bezoek,\ngeen bijzonderheden.", ["x"]) == (
        "Kort bezoek, geen bijzonderheden."
    )
    shown = search.snippet(report, ["HYGIENE"], width=60)
    assert "Hygiëneplan" in shown
    assert shown.startswith("…")
    assert len(shown) <= 62
    assert search.snippet(report, ["zzz"], width=60).startswith("Gesproken met Laura Postma.")


def test_a_visit_shows_the_text_the_words_are_in():
    visit = Visit(
        customer_id="c-1",
        owner_id="u-seller",
        planned_start=datetime(2026, 1, 5, 9, tzinfo=UTC),
        topics="Kerstassortiment",
        agreements="Proefpakket koffie sturen",
        report="Kort bezoek.",
    )
    assert search.visit_snippet(visit, "KOFFIE") == "Proefpakket koffie sturen"
    assert search.visit_snippet(visit, "kerst") == "Kerstassortiment"
    assert search.visit_snippet(visit, "bezoek") == "Kort bezoek."
    assert search.searchable("ab")
    assert not search.searchable("a")
    assert not search.searchable(' "*( ')
