from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from fieldsales.domain.enums import ActionKind, ActionStatus, VisitStatus
from fieldsales.records import Attachment, FollowUp, PlanAction, Visit
from fieldsales.services import customers, plans, visits
from fieldsales.services.errors import InvalidInput, InvalidState, NotAllowed
from fieldsales.store.queries import pending_mutations

START = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def customer(store, seller):
    return customers.create_customer(store, actor=seller, name="Installatiebedrijf Bos")


def test_plan_and_quick_visit_done_with_voice_memo(store, seller, customer):
    visit = visits.plan_visit(store, actor=seller, customer_id=customer.id, start=START)
    assert visit.status is VisitStatus.PLANNED
    assert visit.owner_id == seller.user_id
    memo = Attachment(
        customer_id="",
        record_collection="",
        record_id="",
        sha256="a" * 64,
        filename="memo.m4a",
        content_type="audio/mp4",
        size_bytes=12345,
    )
    done = visits.quick_visit_done(
        store, actor=seller, visit_id=visit.id, satisfaction=4, voice_memo=memo
    )
    assert done.status is VisitStatus.REPORTED
    assert done.satisfaction == 4
    with store.read() as session:
        stored = session.get(Visit, visit.id)
        assert stored is not None
        assert stored.voice_memo_attachment_id == memo.id
        attachment = session.get(Attachment, memo.id)
        assert attachment is not None
        assert attachment.record_id == visit.id
        collections = [m.collection for m in pending_mutations(session)]
    assert collections.count("visits") == 2
    assert "attachments" in collections
    with pytest.raises(InvalidState):
        visits.quick_visit_done(store, actor=seller, visit_id=visit.id, satisfaction=3)


def test_score_outside_one_to_five_is_refused(store, seller, customer):
    visit = visits.plan_visit(store, actor=seller, customer_id=customer.id, start=START)
    with pytest.raises(InvalidInput) as info:
        visits.quick_visit_done(store, actor=seller, visit_id=visit.id, satisfaction=6)
    assert info.value.field == "satisfaction"
    with store.read() as session:
        stored = session.get(Visit, visit.id)
        assert stored is not None
        assert stored.status is VisitStatus.PLANNED


def test_full_report_creates_follow_ups_and_next_visit(store, seller, customer):
    contact = customers.add_contact(store, actor=seller, customer_id=customer.id, last_name="Bos")
    visit = visits.plan_visit(store, actor=seller, customer_id=customer.id, start=START)
    visits.log_visit(
        store,
        actor=seller,
        visit_id=visit.id,
        contact_id=contact.id,
        topics="Nieuwe warmtepompen",
        agreements="Offerte voor 3 units",
        report="Positief gesprek",
        satisfaction=5,
        follow_ups=[visits.FollowUpInput("Offerte sturen", date(2026, 12, 3))],
        next_visit_on=date(2027, 1, 12),
    )
    with store.read() as session:
        stored = session.get(Visit, visit.id)
        assert stored is not None
        assert stored.status is VisitStatus.REPORTED
        assert stored.contact_id == contact.id
        assert stored.satisfaction == 5
        follow_ups = session.exec(select(FollowUp)).all()
        assert [(f.description, f.due_on) for f in follow_ups] == [
            ("Offerte sturen", date(2026, 12, 3))
        ]
        planned = session.exec(select(Visit).where(Visit.status == VisitStatus.PLANNED)).all()
        assert len(planned) == 1
        assert planned[0].planned_start.astimezone().date() == date(2027, 1, 12)


def test_contact_of_another_customer_is_refused(store, seller, customer):
    other = customers.create_customer(store, actor=seller, name="Ander BV")
    contact = customers.add_contact(store, actor=seller, customer_id=other.id, last_name="X")
    with pytest.raises(InvalidInput):
        visits.plan_visit(
            store, actor=seller, customer_id=customer.id, start=START, contact_id=contact.id
        )


def test_other_salesperson_cannot_plan_at_my_customer(store, other_seller, customer):
    with pytest.raises(NotAllowed):
        visits.plan_visit(store, actor=other_seller, customer_id=customer.id, start=START)


def test_reported_visit_completes_its_plan_action(store, seller, customer):
    plan = plans.create_plan(store, actor=seller, customer_id=customer.id, year=2026)
    action = plans.add_action(
        store, actor=seller, plan_id=plan.id, kind=ActionKind.VISIT, description="Demo"
    )
    visit = visits.plan_visit(
        store, actor=seller, customer_id=customer.id, start=START, plan_action_id=action.id
    )
    visits.quick_visit_done(store, actor=seller, visit_id=visit.id, satisfaction=3)
    with store.read() as session:
        stored = session.get(PlanAction, action.id)
        assert stored is not None
        assert stored.status is ActionStatus.DONE
        assert stored.visit_id == visit.id


def test_visits_between_is_ordered_and_scoped(store, seller, other_seller, customer):
    other_customer = customers.create_customer(store, actor=other_seller, name="Niet van mij")
    later = visits.plan_visit(
        store, actor=seller, customer_id=customer.id, start=START + timedelta(hours=3)
    )
    earlier = visits.plan_visit(store, actor=seller, customer_id=customer.id, start=START)
    visits.plan_visit(store, actor=other_seller, customer_id=other_customer.id, start=START)
    found = visits.visits_between(
        store, actor=seller, start=START - timedelta(hours=1), end=START + timedelta(days=1)
    )
    assert [v.id for v in found] == [earlier.id, later.id]
