"""Bezoekverslag: validation messages at the field, and a complete report saved in one step."""

from __future__ import annotations

from datetime import date, datetime, time

from flet_harness import FletHarness
from sqlmodel import select
from ui_data import NOW, Day, add_catalogue, clock

from fieldsales.domain.enums import VisitStatus
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import FollowUp, Visit
from fieldsales.store import Store
from fieldsales.ui.main import build_app


async def open_report(store: Store, actor: Actor, day: Day, index: int = 0) -> FletHarness:
    h = await FletHarness().start(
        lambda page: build_app(page, store=store, actor=actor, clock=clock)
    )
    await h.click(h.get(key=f"report-{day.visits[index].id}"))
    assert h.get(key="screen-title").value == "Bezoekverslag"
    return h


def visit_in_store(store: Store, visit_id: str) -> Visit:
    with store.read() as session:
        visit = session.get(Visit, visit_id)
        assert visit is not None
        return visit


async def test_wrong_input_is_shown_at_the_field_in_dutch(
    store: Store, actor: Actor, day: Day
) -> None:
    h = await open_report(store, actor, day)
    assert h.get(key="report-header").value == "Bakkerij Jansen · 27-11-2026 09:00"
    await h.click(h.get(key="report-add-follow-up"))
    await h.click(h.get(key="report-add-follow-up"))
    await h.enter_text(h.get(key="follow-up-0-text"), "Offerte sturen")
    await h.enter_text(h.get(key="follow-up-0-date"), "31-02-2026")  # no such day
    await h.enter_text(h.get(key="follow-up-1-date"), "05-12-2026")  # a date but no action
    await h.enter_text(h.get(key="report-next-date"), "20-11-2026")  # before today
    await h.enter_text(h.get(key="report-next-time"), "25:00")

    await h.click(h.get(key="report-save"))
    assert h.crashes() == []
    assert h.get(key="follow-up-0-date").error == (
        "'31-02-2026' is geen geldige datum. Gebruik dag-maand-jaar, bijvoorbeeld 28-11-2026."
    )
    assert h.get(key="follow-up-1-text").error == "Beschrijf wat er moet gebeuren."
    assert h.get(key="report-next-date").error == "Het volgende bezoek ligt na vandaag."
    assert h.get(key="report-next-time").error == (
        "'25:00' is geen geldige tijd. Gebruik uren:minuten, bijvoorbeeld 09:30."
    )
    assert h.snack_texts()[-1] == "Controleer de gemarkeerde velden."
    assert h.get(key="screen-title").value == "Bezoekverslag"  # still on the form
    assert visit_in_store(store, day.visits[0].id).status is VisitStatus.PLANNED  # nothing saved

    # corrected, the errors go and the report is saved
    await h.enter_text(h.get(key="follow-up-0-date"), "01-12-2026")
    await h.enter_text(h.get(key="follow-up-1-text"), "Monsters nabellen")
    await h.enter_text(h.get(key="report-next-date"), "")
    await h.enter_text(h.get(key="report-next-time"), "9.30")
    await h.click(h.get(key="report-save"))
    assert h.crashes() == []
    assert visit_in_store(store, day.visits[0].id).status is VisitStatus.REPORTED
    assert h.get(key="screen-title").value == "Vandaag"


async def test_service_refusal_is_shown_not_a_traceback(
    store: Store, actor: Actor, day: Day
) -> None:
    h = await open_report(store, actor, day)
    await h.enter_text(h.get(key="report-text"), "x" * 20001)  # longer than a report may be
    await h.click(h.get(key="report-save"))
    assert h.crashes() == []
    error = h.get(key="report-text").error
    assert error is not None
    assert "te lang" in error
    assert visit_in_store(store, day.visits[0].id).status is VisitStatus.PLANNED


async def test_complete_report_is_saved_with_follow_ups_and_next_visit(
    store: Store, actor: Actor, day: Day
) -> None:
    products = add_catalogue(store)
    h = await open_report(store, actor, day, index=1)
    await h.select(h.get(key="report-contact"), day.contacts[1].id)
    await h.enter_text(h.get(key="report-topics"), "Onderhoudscontract, nieuwe machines")
    await h.select(h.get(key="report-product"), products[1].id)
    await h.select(h.get(key="report-product"), products[0].id)
    await h.select(h.get(key="report-product"), products[1].id)  # twice is once
    assert [c.label for c in h.get(key="report-products").controls] == [
        "Espressomachine Pro",
        "Koffiebonen Arabica 1 kg",
    ]
    await h.enter_text(h.get(key="report-agreements"), "Offerte voor 2 machines")
    await h.click(h.get(key="report-add-follow-up"))
    await h.enter_text(h.get(key="follow-up-0-text"), "Offerte opstellen")
    await h.enter_text(h.get(key="follow-up-0-date"), "02-12-2026")
    await h.enter_text(h.get(key="report-next-date"), "15-12-2026")
    await h.enter_text(h.get(key="report-next-time"), "10:15")
    await h.click(h.get(key="score-5"))
    assert h.get(key="score-5").__class__.__name__ == "FilledButton"  # shown as chosen
    await h.click(h.get(key="report-save"))
    assert h.crashes() == []
    assert h.snack_texts()[-1] == "Bezoekverslag opgeslagen."
    assert h.get(key="screen-title").value == "Vandaag"

    visit = visit_in_store(store, day.visits[1].id)
    assert visit.status is VisitStatus.REPORTED
    assert visit.contact_id == day.contacts[1].id
    assert visit.topics == "Onderhoudscontract, nieuwe machines"
    assert visit.products_presented == [products[1].id, products[0].id]
    assert visit.agreements == "Offerte voor 2 machines"
    assert visit.satisfaction == 5
    assert visit.next_visit_on == date(2026, 12, 15)
    with store.read() as session:
        follow_ups = session.exec(select(FollowUp).where(FollowUp.visit_id == visit.id)).all()
        assert [(f.description, f.due_on) for f in follow_ups] == [
            ("Offerte opstellen", date(2026, 12, 2))
        ]
        next_visits = session.exec(
            select(Visit)
            .where(Visit.customer_id == visit.customer_id)
            .where(Visit.status == VisitStatus.PLANNED)
        ).all()
    starts = [v.planned_start.astimezone() for v in next_visits]
    assert datetime.combine(date(2026, 12, 15), time(10, 15)).astimezone() in starts
    assert NOW.date() == date(2026, 11, 27)


async def test_removed_follow_up_is_not_saved(store: Store, actor: Actor, day: Day) -> None:
    h = await open_report(store, actor, day)
    await h.click(h.get(key="report-add-follow-up"))
    await h.enter_text(h.get(key="follow-up-0-text"), "Wordt weggehaald")
    await h.click(h.get(key="follow-up-0-remove"))
    await h.click(h.get(key="report-add-follow-up"))
    await h.enter_text(h.get(key="follow-up-1-text"), "Blijft staan")
    await h.click(h.get(key="report-save"))
    assert h.crashes() == []
    with store.read() as session:
        saved = session.exec(select(FollowUp.description)).all()
    assert list(saved) == ["Blijft staan"]
