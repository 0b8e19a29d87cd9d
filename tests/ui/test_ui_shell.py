"""The app shell: navigation per size class, the sync indicator, choosing the user at start."""

from __future__ import annotations

from pathlib import Path

import flet as ft
from flet_harness import FletHarness
from ui_data import Day, add_user, clock

from fieldsales.domain.enums import Role
from fieldsales.domain.plan_workflow import Actor
from fieldsales.store import Store, open_store
from fieldsales.ui.main import AppConfig, build_app, make_main, start


async def launch(
    store: Store, actor: Actor, *, width: float = 412, height: float = 915
) -> FletHarness:
    return await FletHarness(width=width, height=height).start(
        lambda page: build_app(page, store=store, actor=actor, clock=clock)
    )


async def test_compact_window_gets_bottom_navigation_and_switches_screens(
    store: Store, actor: Actor, day: Day
) -> None:
    h = await launch(store, actor)
    assert h.crashes() == []
    nav = h.page.navigation_bar
    assert isinstance(nav, ft.NavigationBar)
    assert [d.label for d in nav.destinations] == [
        "Vandaag",
        "Klanten",
        "Prospects",
        "Plannen",
        "Meer",
    ]
    assert not h.get(key="nav-rail", include_hidden=True).visible
    assert h.get(key="screen-title").value == "Vandaag"

    await h.navigate(nav, 1)
    assert h.get(key="screen-title").value == "Klanten"
    assert h.find(key="customer-search")
    assert h.page.floating_action_button is None  # the day view's FAB went with it

    await h.navigate(nav, 3)
    assert h.get(key="screen-title").value == "Accountplannen"
    assert h.has_text("Nog geen accountplannen")

    await h.navigate(nav, 4)
    assert h.get(key="screen-title").value == "Meer"
    assert h.get(key="more-user").subtitle.value == "Verkoper"
    assert h.crashes() == []


async def test_wide_window_gets_rail_and_resizing_swaps_navigation(
    store: Store, actor: Actor, day: Day
) -> None:
    h = await launch(store, actor, width=1024, height=768)
    assert h.page.navigation_bar is None
    rail = h.get(key="nav-rail")
    assert rail.visible
    assert len(rail.destinations) == 5
    await h.navigate(rail, 2)
    assert h.get(key="screen-title").value == "Bellijst"

    await h.resize(400, 800)
    assert isinstance(h.page.navigation_bar, ft.NavigationBar)
    assert not h.get(key="nav-rail", include_hidden=True).visible
    assert h.page.navigation_bar.selected_index == 2

    await h.resize(700, 800)  # medium: rail again, one pane
    assert h.page.navigation_bar is None
    assert h.get(key="nav-rail").visible


async def test_sync_indicator_counts_pending_changes_honestly(
    store: Store, actor: Actor, day: Day
) -> None:
    h = await launch(store, actor)
    label = h.get(key="sync-label", include_hidden=True)
    count = h.get(key="sync-count")
    pending = int(count.value)
    assert pending > 0  # the seed wrote customers, contacts and visits
    assert label.value == "Alleen op dit apparaat"  # no server set: honest about it
    assert not label.visible  # compact: only icon and number; the sentence is the tooltip
    tooltip = h.get(key="sync-indicator").tooltip
    assert tooltip.startswith("Geen server ingesteld: uw gegevens staan alleen op dit apparaat.")
    assert tooltip.endswith(f"{pending} wijzigingen wachten op verzending.")

    await h.click(h.get(key="visit-done"))
    await h.click(h.get(key="score-3"))
    assert int(h.get(key="sync-count").value) == pending + 1  # one visit update waits

    await h.resize(1024, 768)
    assert h.get(key="sync-label").visible  # wide: the words beside the icon


async def test_tapping_the_local_only_indicator_asks_for_a_server(
    store: Store, actor: Actor, day: Day
) -> None:
    add_user(store, actor, username="anna", full_name="Anna de Vries")
    h = await launch(store, actor)
    await h.click(h.get(key="sync-indicator"))
    assert h.get(key="sign-in-server").value == ""
    assert h.get(key="sign-in-username").value == "anna"
    await h.click(h.get(key="sign-in-submit"))
    assert h.get(key="sign-in-error").value == ("Vul het adres van de server en uw wachtwoord in.")
    await h.enter_text(h.get(key="sign-in-server"), "sync.example.nl")
    await h.enter_text(h.get(key="sign-in-password"), "geheim")
    await h.click(h.get(key="sign-in-submit"))
    assert h.get(key="sign-in-error").value.startswith(
        "Het serveradres moet met http:// of https:// beginnen"
    )
    await h.click(h.get(key="sign-in-cancel"))
    assert not [d for d in h.dialogs() if isinstance(d, ft.AlertDialog)]


async def test_start_without_users_asks_to_sign_in(store: Store) -> None:
    h = await FletHarness().start(lambda page: start(page, store, username=None))
    assert h.has_text("Dit apparaat heeft nog geen gegevens")
    assert h.get(key="sign-in-server").visible  # no server known yet: asked for
    assert h.page.navigation_bar is None


async def test_start_with_unknown_user_names_the_known_ones(store: Store, actor: Actor) -> None:
    add_user(store, actor, username="anna", full_name="Anna de Vries")
    h = await FletHarness().start(lambda page: start(page, store, username="piet"))
    assert h.has_text("Gebruiker 'piet' is niet bekend op dit apparaat")
    assert h.has_text(
        "Bekende gebruikers: anna. Synchroniseer eerst, of start met een andere gebruiker."
    )


async def test_start_with_several_users_asks_who(store: Store, actor: Actor) -> None:
    add_user(store, actor, username="anna", full_name="Anna de Vries")
    manager = Actor(user_id="u-mark", role=Role.MANAGER, team_id="t-1")
    add_user(store, manager, username="mark", full_name="Mark Bos")
    h = await FletHarness().start(lambda page: start(page, store, username=None))
    assert h.has_text("Wie gebruikt de app?")
    await h.click(h.get(key="user-mark"))
    assert h.get(key="screen-title").value == "Vandaag"
    await h.navigate(h.get(key="nav-bar"), 4)
    assert h.get(key="more-user").subtitle.value == "Leidinggevende"
    assert h.get(key="more-user").title.value == "Mark Bos"


async def test_main_opens_the_data_dir_and_signs_in_the_named_user(
    tmp_path: Path, actor: Actor
) -> None:
    with open_store(tmp_path) as s:
        add_user(s, actor, username="anna", full_name="Anna de Vries")
    main = make_main(AppConfig(data_dir=tmp_path, username="ANNA"))
    h = await FletHarness().start(main)
    assert h.crashes() == []
    assert h.get(key="screen-title").value == "Vandaag"
    assert h.has_text("Geen bezoeken gepland voor vandaag")


async def test_main_shows_a_damaged_store_in_dutch(tmp_path: Path) -> None:
    (tmp_path / "fieldsales.sqlite3").write_bytes(b"this is not a database" * 100)
    h = await FletHarness().start(make_main(AppConfig(data_dir=tmp_path, username="anna")))
    assert h.crashes() == []
    assert h.has_text("De gegevens op dit apparaat kunnen niet worden geopend")


async def test_visits_of_other_salespeople_stay_out_of_the_day_view(
    store: Store, actor: Actor, day: Day
) -> None:
    other = Actor(user_id="u-other", role=Role.SALESPERSON, team_id="t-1")
    h = await launch(store, other)
    assert h.has_text("Geen bezoeken gepland voor vandaag")
