"""Ticking off a follow-up, in Aandacht nodig and in the customer file, and undoing a mis-tap."""

from __future__ import annotations

import flet as ft
from flet_harness import FletHarness
from test_ui_attention import add_follow_up
from test_ui_customers import customers_screen
from ui_data import NOW, Day, clock

from fieldsales.domain.enums import FollowUpStatus
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import FollowUp
from fieldsales.store import Store
from fieldsales.ui.main import build_app


def stored(store: Store, follow_up_id: str) -> FollowUp:
    with store.read() as session:
        found = session.get(FollowUp, follow_up_id)
    assert found is not None
    return found


async def undo_last_snack(h: FletHarness) -> None:
    [snack] = [d for d in h.dialogs() if isinstance(d, ft.SnackBar)]
    assert snack.action == "Ongedaan maken"
    await h.session.dispatch_event(snack._i, "action", None)
    await h.settle()


async def test_a_follow_up_ticked_off_in_attention_is_done_and_can_be_undone(
    store: Store, actor: Actor, day: Day
) -> None:
    follow_up = add_follow_up(store, actor, day)
    h = await FletHarness().start(
        lambda page: build_app(page, store=store, actor=actor, clock=clock)
    )
    await h.navigate(h.get(key="nav-bar"), 4)
    await h.click(h.get(key="more-attention"))
    count = int(h.get(key="sync-count", include_hidden=True).value or 0)

    await h.click(h.get(key=f"follow-up-done-{follow_up.id}"))
    done = stored(store, follow_up.id)
    assert (done.status, done.done_on) == (FollowUpStatus.DONE, NOW.date())
    assert not h.find(key=f"follow-up-{follow_up.id}")
    assert h.snack_texts()[-1] == "Vervolgactie afgevinkt."
    assert int(h.get(key="sync-count", include_hidden=True).value) == count + 1  # to send

    await undo_last_snack(h)
    again = stored(store, follow_up.id)
    assert (again.status, again.done_on) == (FollowUpStatus.OPEN, None)
    assert h.find(key=f"follow-up-{follow_up.id}")
    assert h.crashes() == []


async def test_a_follow_up_ticked_off_in_the_file_leaves_the_open_ones(
    store: Store, actor: Actor, day: Day
) -> None:
    follow_up = add_follow_up(store, actor, day)  # for day.customers[2]
    h = await customers_screen(store, actor)
    await h.click(h.get(key=f"customer-{day.customers[2].id}"))
    assert h.get(key=f"file-follow-up-{follow_up.id}").title.value == (
        "Offerte kerstpakketten nabellen"
    )
    await h.click(h.get(key=f"follow-up-done-{follow_up.id}"))
    assert not h.find(key=f"file-follow-up-{follow_up.id}")
    assert h.has_text("Geen open vervolgacties.")
    assert stored(store, follow_up.id).status is FollowUpStatus.DONE
    assert h.crashes() == []
