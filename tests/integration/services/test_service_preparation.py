from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from fieldsales.domain.enums import ComplaintCategory, GoalKind, VatRate
from fieldsales.records import Product, TargetGroup
from fieldsales.services import complaints, customers, plans, sales, visits
from fieldsales.services.errors import NotAllowed
from fieldsales.services.preparation import visit_preparation

TODAY = date(2026, 11, 28)


def test_preparation_sheet_brings_the_customer_file_together(
    store, seller, other_seller, catalogue
):
    group_a = TargetGroup(code="A", name="A-klanten", visit_interval_days=30, version=10)
    fresh = Product(
        sku="NIEUW-1",
        name="Slimme thermostaat",
        product_group_id=catalogue.group.id,
        list_price_cents=19900,
        vat_rate=VatRate.HIGH,
        introduced_on=TODAY - timedelta(days=20),
        version=11,
    )
    with store.unit_of_work(applying_sync=True) as uow:
        uow.add(group_a)
        uow.add(fresh)
        uow.commit()

    def customer(name):
        return customers.create_customer(store, actor=seller, name=name, target_group_id=group_a.id)

    me, peer_b, peer_c = customer("Mijn Klant"), customer("Peer B"), customer("Peer C")
    drill, coffee = catalogue.drill.id, catalogue.coffee.id

    def order(c, product, qty, on=TODAY - timedelta(days=30)):
        sales.create_order(
            store,
            actor=seller,
            customer_id=c.id,
            order_date=on,
            lines=[sales.LineRequest(product, Decimal(qty), unit_price_cents=10000)],
        )

    order(me, drill, 1)  # 100 vs peers' 1,000: up-sell
    order(me, drill, 2, on=date(2025, 6, 1))  # last year, within the compared span
    for peer in (peer_b, peer_c):
        order(peer, drill, 10)
        order(peer, coffee, 1)  # both peers buy coffee, I don't: cross-sell

    for days_ago in (10, 40):
        complaints.record_complaint(
            store,
            actor=seller,
            customer_id=me.id,
            category=ComplaintCategory.DELIVERY,
            description="Te laat geleverd",
            reported_on=TODAY - timedelta(days=days_ago),
        )
    visit = visits.plan_visit(
        store, actor=seller, customer_id=me.id, start=datetime(2026, 11, 2, 10, tzinfo=UTC)
    )
    visits.log_visit(
        store,
        actor=seller,
        visit_id=visit.id,
        report="Prima",
        follow_ups=[visits.FollowUpInput("Brochure sturen", TODAY)],
    )
    sales.create_quote(
        store,
        actor=seller,
        customer_id=me.id,
        quote_date=TODAY,
        lines=[sales.LineRequest(coffee, Decimal(5))],
    )
    plan = plans.create_plan(store, actor=seller, customer_id=me.id, year=2026)
    plans.add_goal(
        store, actor=seller, plan_id=plan.id, kind=GoalKind.REVENUE, target_value=Decimal(5000)
    )

    sheet = visit_preparation(store, actor=seller, customer_id=me.id, today=TODAY)
    assert sheet.customer.id == me.id
    assert sheet.target_group is not None
    assert sheet.target_group.code == "A"
    assert [v.id for v in sheet.last_visits] == [visit.id]
    assert [f.description for f in sheet.open_follow_ups] == ["Brochure sturen"]
    assert len(sheet.open_complaints) == 2
    assert [f.kind for f in sheet.structural_flags] == ["customer_category"]
    assert sheet.revenue_this_year_cents == 100_00
    assert sheet.revenue_last_year_cents == 200_00
    assert sheet.revenue_goal_cents == 5000_00
    assert [q.customer_id for q in sheet.open_quotes] == [me.id]
    assert [p.id for _, p in sheet.cross_sell] == [coffee]
    assert [p.id for _, p in sheet.up_sell] == [drill]
    assert [p.id for p in sheet.new_products] == [fresh.id]
    assert sheet.next_visit_due == date(2026, 12, 2)  # 30 days after the last visit

    with pytest.raises(NotAllowed):
        visit_preparation(store, actor=other_seller, customer_id=me.id, today=TODAY)


def test_a_resolved_complaint_stays_in_the_preparation_until_closed(store, seller, catalogue):
    me = customers.create_customer(store, actor=seller, name="Mijn Klant")
    complaint = complaints.record_complaint(
        store,
        actor=seller,
        customer_id=me.id,
        category=ComplaintCategory.QUALITY,
        description="Boor ging na een week stuk",
        reported_on=TODAY - timedelta(days=10),
    )
    complaints.resolve_complaint(
        store, actor=seller, complaint_id=complaint.id, resolution="Nieuwe boor geleverd"
    )
    sheet = visit_preparation(store, actor=seller, customer_id=me.id, today=TODAY)
    assert [k.id for k in sheet.open_complaints] == [complaint.id]  # ask if it is solved
    complaints.close_complaint(store, actor=seller, complaint_id=complaint.id)
    sheet = visit_preparation(store, actor=seller, customer_id=me.id, today=TODAY)
    assert sheet.open_complaints == []
