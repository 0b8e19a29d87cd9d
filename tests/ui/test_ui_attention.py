"""Aandacht nodig, reached from Meer: refused changes with the server's reason, conflict copies
with both values, follow-ups due by tomorrow; opening the record and marking handled."""

from __future__ import annotations

from datetime import timedelta

from flet_harness import FletHarness
from ui_data import NOW, Day, add_user, clock

from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import FollowUp
from fieldsales.services import browse
from fieldsales.store import Store
from fieldsales.store import queries as store_queries
from fieldsales.ui.main import build_app


def add_issues(store: Store, day: Day) -> tuple[int, int]:
    """What the sync engine leaves behind: one refused change, one conflict copy."""
    visit, customer = day.visits[0], day.customers[1]
    with store.unit_of_work(applying_sync=True) as uow:
        refused = store_queries.add_issue(
            uow.session,
            kind="rejected",
            collection="visits",
            record_id=visit.id,
            mid=7,
            local_value={"satisfaction": 4, "report": "Goed gesprek over de kerstactie"},
            code="customer_not_in_portfolio",
            message="Deze klant hoort niet bij uw portefeuille.",
        )
        conflict = store_queries.add_issue(
            uow.session,
            kind="conflict",
            collection="customers",
            record_id=customer.id,
            mid=8,
            field="phone",
            local_value="+31301112233",
            server_value="+31304445566",
            code="conflict",
            message="'phone' was tegelijk elders gewijzigd.",
        )
        uow.commit()
    return refused, conflict


def add_follow_up(store: Store, actor: Actor, day: Day) -> FollowUp:
    with store.unit_of_work() as uow:
        follow_up = FollowUp(
            customer_id=day.customers[2].id,
            owner_id=actor.user_id,
            description="Offerte kerstpakketten nabellen",
            due_on=NOW.date() + timedelta(days=1),
        )
        uow.add(follow_up)
        uow.commit()
    return follow_up


async def test_attention_list_shows_what_the_sync_left_and_settles_it(
    store: Store, actor: Actor, day: Day
) -> None:
    add_user(store, actor, username="anna", full_name="Anna de Vries")
    refused, conflict = add_issues(store, day)
    follow_up = add_follow_up(store, actor, day)
    h = await FletHarness().start(
        lambda page: build_app(page, store=store, actor=actor, clock=clock)
    )
    assert h.get(key="sync-indicator").tooltip.startswith("Geen server ingesteld")
    await h.navigate(h.get(key="nav-bar"), 4)
    tile = h.get(key="more-attention")
    assert tile.subtitle.value == "2 punten van de synchronisatie"
    await h.click(tile)
    assert h.get(key="screen-title").value == "Aandacht nodig"

    assert h.has_text(f"Geweigerd: Bezoek 27-11-2026, {day.customers[0].name}")
    assert h.has_text("Deze klant hoort niet bij uw portefeuille.")
    assert h.has_text("score: 4; verslag: Goed gesprek over de kerstactie")
    assert h.has_text(f"Conflict: {day.customers[1].name}")
    assert h.has_text("Klant, veld 'telefoon'")
    kept = h.find(key="value-kept")
    lost = h.find(key="value-lost")
    assert [c.value for c in kept] == ["+31301112233"]
    assert [c.value for c in lost] == ["+31304445566"]
    assert h.has_text("Vervolgacties tot en met morgen")
    assert h.get(key=f"follow-up-{follow_up.id}").subtitle.value == (
        f"{day.customers[2].name} · morgen"
    )

    await h.click(h.get(key=f"issue-resolve-{refused}"))
    assert [r.issue.id for r in browse.sync_issues(store, actor=actor)] == [conflict]
    assert not h.find(key=f"issue-{refused}")

    await h.click(h.get(key=f"issue-open-{conflict}"))
    assert h.get(key="screen-title").value == "Klantdossier"
    assert h.has_text(day.customers[1].name)
    await h.click(h.get(key="back"))
    assert h.get(key="screen-title").value == "Aandacht nodig"
    await h.click(h.get(key=f"issue-resolve-{conflict}"))
    assert h.has_text("Vervolgacties tot en met morgen")  # the follow-up stays: it is work
    assert not h.find(key=f"issue-{conflict}")
    assert h.crashes() == []


async def test_nothing_needs_attention(store: Store, actor: Actor) -> None:
    h = await FletHarness().start(
        lambda page: build_app(page, store=store, actor=actor, clock=clock)
    )
    await h.navigate(h.get(key="nav-bar"), 4)
    await h.click(h.get(key="more-attention"))
    assert h.has_text("Niets vraagt aandacht")
