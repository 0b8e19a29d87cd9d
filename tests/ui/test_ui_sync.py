"""Syncing from the app, against a real ``fieldsales-server`` over loopback.

Sign in (wrong password in Dutch, an unreachable server, success starts the background sync),
the first start of an empty device (fetch with progress, stop and resume, the server
remembered), the day-end dialog and its summary, the offline banner, and a conflict found by a
background sync: its snack bar, the "Aandacht nodig" list with both values, settling it.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import flet as ft
import pytest
from flet_harness import FletHarness
from sync_server import PASSWORD, USERNAME, DemoServer, Transport, fill_device, quick_hub

from fieldsales.domain.enums import VisitStatus
from fieldsales.records import Customer, Visit
from fieldsales.server.loopback import free_port
from fieldsales.services import browse, customers
from fieldsales.store import Store, open_store
from fieldsales.sync.background import stored_tokens
from fieldsales.sync.client import SyncClient, make_http_client
from fieldsales.sync.engine import SyncEngine
from fieldsales.ui.main import AppConfig, make_main, start
from fieldsales.ui.sync_hub import SyncHub
from fieldsales.ui.sync_view import IndicatorKind


def indicator(h: FletHarness) -> Any:
    return h.get(key="sync-indicator")


def tooltip(h: FletHarness) -> str:
    return str(indicator(h).tooltip or "")


def kind(h: FletHarness) -> IndicatorKind | None:
    """The state the indicator shows (read from the sentence a screen reader hears)."""
    text = tooltip(h)
    for prefix, k in [
        ("Niet ingelogd", IndicatorKind.SIGNED_OUT),
        ("Offline", IndicatorKind.OFFLINE),
        ("Bezig met synchroniseren", IndicatorKind.SYNCING),
        ("Gesynchroniseerd om", IndicatorKind.SYNCED),
    ]:
        if text.startswith(prefix):
            return k
    return None


def field(h: FletHarness, key: str) -> Any:
    return h.get(key=key)


@pytest.fixture
def device(tmp_path: Path, demo_server: DemoServer) -> Iterator[Store]:
    """verkoper1's device with the data on it but no session (as after ``make run``)."""
    fill_device(demo_server, tmp_path / "device")
    with open_store(tmp_path / "device") as store:
        yield store


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "empty") as store:
        yield store


def hub_for(
    hubs: list[SyncHub],
    store: Store,
    url: str | None,
    *,
    transport: Transport | None = None,
    **loop: float,
) -> SyncHub:
    hub = quick_hub(store, url, transport=transport, **loop)
    hubs.append(hub)
    return hub


async def launch(
    store: Store, hub: SyncHub, *, width: float = 412, username: str | None = USERNAME
) -> FletHarness:
    """The app as ``fieldsales app --user verkoper1`` starts it (the demo device knows the
    whole team, so it is told who uses it)."""
    return await FletHarness(width=width).start(
        lambda page: start(page, store, username=username, hub=hub)
    )


async def signed_in_app(store: Store, hub: SyncHub, *, width: float = 412) -> FletHarness:
    """The app after the user signed in earlier: the background sync runs from the start."""
    await asyncio.to_thread(hub.sign_in, USERNAME, PASSWORD)
    await asyncio.to_thread(hub.foreground_sync)  # its first sync, back then
    h = await launch(store, hub, width=width)
    await h.wait_until(lambda: kind(h) is IndicatorKind.SYNCED, what="first background sync")
    return h


# --- signing in --------------------------------------------------------------------------------


async def test_without_session_the_app_opens_and_signing_in_starts_syncing(
    device: Store, demo_server: DemoServer, hubs: list[SyncHub]
) -> None:
    hub = hub_for(hubs, device, demo_server.url)
    h = await launch(device, hub)
    assert h.crashes() == []
    assert h.get(key="screen-title").value == "Vandaag"  # offline-first: local data, no wait
    label = h.get(key="sync-label")
    assert label.value == "Niet ingelogd"  # spoken even on a phone: it asks for something
    assert tooltip(h).startswith("Niet ingelogd: tik om in te loggen")
    assert not hub.running

    await h.click(indicator(h))
    [dialog] = h.dialogs()
    assert isinstance(dialog, ft.AlertDialog)
    assert field(h, "sign-in-username").value == USERNAME  # the device's user
    assert not h.find(key="sign-in-server")  # known from --server: not asked

    await h.enter_text(field(h, "sign-in-password"), "fout-wachtwoord")
    await h.click(field(h, "sign-in-submit"))
    error = h.get(key="sign-in-error")
    assert error.value == "Gebruikersnaam of wachtwoord klopt niet."
    assert h.dialogs() == [dialog]
    assert not hub.running
    assert stored_tokens(device)[0] is None

    # Another account's password is right, but this device holds verkoper1's portfolio.
    await h.enter_text(field(h, "sign-in-username"), "manager")
    await h.enter_text(field(h, "sign-in-password"), PASSWORD)
    await h.click(field(h, "sign-in-submit"))
    assert h.get(key="sign-in-error").value.startswith(
        "De gegevens op dit apparaat horen bij een andere gebruiker."
    )
    assert stored_tokens(device)[0] is None
    assert not hub.running

    await h.enter_text(field(h, "sign-in-username"), USERNAME)
    await h.click(field(h, "sign-in-submit"))
    assert h.dialogs() == [] or all(isinstance(d, ft.SnackBar) for d in h.dialogs())
    assert any("Ingelogd als verkoper1" in t for t in h.snack_texts())
    assert hub.running
    await h.wait_until(lambda: kind(h) is IndicatorKind.SYNCED, what="synced after sign-in")
    assert re.fullmatch(r"Gesynchroniseerd om \d\d:\d\d\. Alles is verstuurd\.", tooltip(h))
    assert stored_tokens(device)[0] is not None  # the session survives a restart

    # Signing out from the indicator's sheet: back to "Niet ingelogd", the data stays.
    await h.click(indicator(h))
    await h.click(h.get(key="sync-sheet-sign-out"))
    await h.wait_until(lambda: kind(h) is IndicatorKind.SIGNED_OUT)
    assert stored_tokens(device)[0] is None
    assert h.get(key="screen-title").value == "Vandaag"
    assert h.crashes() == []


async def test_sign_in_says_when_the_server_cannot_be_reached(
    device: Store, hubs: list[SyncHub]
) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    hub = hub_for(hubs, device, url)
    h = await launch(device, hub)
    await h.click(indicator(h))
    await h.enter_text(field(h, "sign-in-password"), PASSWORD)
    await h.click(field(h, "sign-in-submit"))
    error = h.get(key="sign-in-error").value
    assert error.startswith(f"De server ({url}) is niet bereikbaar.")
    assert "Controleer de internetverbinding" in error
    assert not hub.running
    assert h.crashes() == []


# --- the first start of an empty device --------------------------------------------------------


async def test_first_start_signs_in_fetches_everything_and_opens_today(
    tmp_path: Path, demo_server: DemoServer, hubs: list[SyncHub]
) -> None:
    data_dir = tmp_path / "empty"
    transport = Transport()

    def make_hub(store: Store, url: str | None) -> SyncHub:
        return hub_for(hubs, store, url, transport=transport)

    main = make_main(AppConfig(data_dir=data_dir, server_url=demo_server.url), make_hub=make_hub)
    h = await FletHarness().start(main)
    assert h.has_text("Dit apparaat heeft nog geen gegevens")
    assert h.page.navigation_bar is None
    assert field(h, "sign-in-server").value == demo_server.url

    await h.enter_text(field(h, "sign-in-username"), USERNAME)
    await h.enter_text(field(h, "sign-in-password"), "geen-idee")
    await h.click(field(h, "first-start-submit"))
    assert h.get(key="sign-in-error").value == "Gebruikersnaam of wachtwoord klopt niet."
    assert h.has_text("Dit apparaat heeft nog geen gegevens")

    await h.enter_text(field(h, "sign-in-password"), PASSWORD)
    await h.click(field(h, "first-start-submit"))
    assert h.crashes() == []
    assert h.get(key="screen-title").value == "Vandaag"
    today = [
        v
        for v in demo_server.data.records_for(demo_server.user.id)
        if isinstance(v, Visit)
        and v.planned_start.astimezone().date() == date.today()
        and v.status is not VisitStatus.CANCELLED
    ]
    assert today, "the demo plans visits for today"
    names = {c.id: c.name for c in demo_server.data.records() if isinstance(c, Customer)}
    for visit in today:
        assert h.has_text(names[visit.customer_id])
    pulls = [p for p in transport.paths if p.startswith("/sync/pull")]
    assert len(pulls) >= 3  # several pages: the portfolio came down in steps, with progress
    [background] = hubs
    assert background.running

    # The next start needs nothing: the server and the session were remembered.
    background.close()
    again = make_main(AppConfig(data_dir=data_dir), make_hub=make_hub)
    h2 = await FletHarness().start(again)
    assert h2.get(key="screen-title").value == "Vandaag"
    assert hubs[-1].server_url == demo_server.url
    await h2.wait_until(lambda: kind(h2) is IndicatorKind.SYNCED)


async def test_first_start_can_be_stopped_and_goes_on_where_it_stopped(
    empty: Store, demo_server: DemoServer, hubs: list[SyncHub]
) -> None:
    store = empty
    transport = Transport(hold_pulls_after=2)  # the third page waits: a slow link
    hub = hub_for(hubs, store, demo_server.url, transport=transport)
    h = await launch(store, hub, username=None)
    await h.enter_text(field(h, "sign-in-username"), USERNAME)
    await h.enter_text(field(h, "sign-in-password"), PASSWORD)
    running = asyncio.create_task(h.click(field(h, "first-start-submit")))
    progress = h.get(key="first-start-progress", include_hidden=True)
    await h.wait_until(
        lambda: "records" in str(progress.value) and progress.value.split()[2] != "0",
        what="records coming in",
    )
    assert progress.value.startswith("Gegevens ophalen: ")
    await h.click(h.get(key="first-start-stop"))
    # The page answers at once, though the pull it stopped still hangs in its request.
    await asyncio.wait_for(running, timeout=3)
    assert not transport.released.is_set()
    transport.released.set()  # the request returns; the engine sees the stop and ends
    assert h.get(key="sign-in-error").value.startswith("Gestopt. Wat al is opgehaald blijft")
    button = h.get(key="first-start-submit")
    assert button.content == "Verder ophalen"
    assert not h.find(key="sign-in-password")  # still signed in: no password again
    assert h.page.navigation_bar is None
    stopped_at = len(transport.paths)

    # The app is closed and opened again: it goes on, without asking for the password.
    transport.hold_pulls_after = None
    h = await launch(store, hub, username=None)
    assert h.has_text("Het ophalen van de gegevens is de vorige keer niet afgemaakt.")
    assert not h.find(key="sign-in-password")
    button = h.get(key="first-start-submit")
    assert button.content == "Verder ophalen"
    await h.click(button)
    assert h.get(key="screen-title").value == "Vandaag"
    resumed = [p for p in transport.paths[stopped_at:] if p.startswith("/sync/pull")]
    assert resumed
    assert "cursor=0&" not in resumed[0] + "&"  # went on from its cursor, not from scratch
    assert h.crashes() == []


# --- the day end -------------------------------------------------------------------------------


async def test_day_end_sends_the_visit_and_shows_what_came_down_and_what_needs_attention(
    device: Store, demo_server: DemoServer, hubs: list[SyncHub]
) -> None:
    # The background waits long after a change, so the day-end is what sends it.
    hub = hub_for(hubs, device, demo_server.url, debounce=30.0)
    h = await signed_in_app(device, hub)
    await h.click(h.get(key="visit-done"))
    await h.click(h.get(key="score-4"))
    assert h.get(key="sync-count").value == "1"

    await h.navigate(h.get(key="nav-bar"), 4)
    await h.click(h.get(key="more-day-end"))
    await h.wait_until(lambda: h.find(key="day-end-summary"), what="day-end summary")
    [dialog] = [d for d in h.dialogs() if isinstance(d, ft.AlertDialog)]
    assert h.get(key="day-end-up-summary").value == "1 wijziging verstuurd (1 bezoek)."
    assert h.get(key="day-end-down-summary").value in (
        "Niets nieuws op de server.",
        "1 record opgehaald.",  # the server's answer to the visit, re-versioned
    )
    assert h.has_text("Aandacht nodig")
    assert h.get(key="day-end-up", include_hidden=True).value == "Omhoog: 1 wijziging verstuurd"
    assert not h.find(key="day-end-stop")
    follow_ups = browse.follow_ups_due(
        device, actor=browse.actor_for(demo_server.user), through=date.today() + timedelta(days=1)
    )
    assert follow_ups  # the demo always has open follow-ups, some overdue
    first = follow_ups[0]
    tile = h.get(key=f"follow-up-{first.follow_up.id}")
    assert first.customer_name in tile.subtitle.value
    await h.click(tile)  # opens the customer's file, closing the dialog
    assert h.get(key="screen-title").value == "Klantdossier"
    assert h.has_text(first.customer_name)
    assert dialog not in h.dialogs()
    await h.wait_until(lambda: h.get(key="sync-count", include_hidden=True).value == "")
    assert kind(h) is IndicatorKind.SYNCED
    assert browse.sync_status(device).pending == 0
    assert h.crashes() == []


async def test_day_end_can_be_stopped_while_the_server_hangs_and_tried_again(
    device: Store, demo_server: DemoServer, hubs: list[SyncHub]
) -> None:
    transport = Transport()
    hub = hub_for(hubs, device, demo_server.url, transport=transport, debounce=30.0)
    h = await signed_in_app(device, hub)
    await h.click(h.get(key="visit-done"))
    await h.click(h.get(key="score-2"))
    transport.hold_pushes = True
    await h.navigate(h.get(key="nav-bar"), 4)
    await h.click(h.get(key="more-day-end"))
    up = h.get(key="day-end-up")
    await h.wait_until(lambda: up.value == "Omhoog: 0 van 1 wijziging", what="pushing")
    # Stop only once the push is really on the line: stopped before it, nothing would arrive.
    await h.wait_until(transport.push_held.is_set, what="push held on the line")
    await h.click(h.get(key="day-end-stop"))
    await h.wait_until(lambda: h.find(key="day-end-retry"), timeout=3, what="stopped at once")
    assert h.get(key="day-end-error").value.startswith("Gestopt. Wat al verstuurd")
    assert up.value == "Omhoog: 0 van 1 wijziging"  # where it got to
    assert h.get(key="day-end-close").visible

    transport.hold_pushes = False
    transport.released.set()  # the stopped push arrives after all, and is settled
    await h.wait_until(lambda: browse.sync_status(device).pending == 0)
    await h.click(h.get(key="day-end-retry"))
    await h.wait_until(lambda: h.find(key="day-end-summary"), what="summary after retry")
    assert h.get(key="day-end-up-summary").value.startswith("Niets te versturen")
    assert not h.find(key="day-end-error")
    assert h.crashes() == []


# --- offline -----------------------------------------------------------------------------------


async def test_offline_banner_while_the_connection_is_gone_and_work_goes_on(
    device: Store, demo_server: DemoServer, hubs: list[SyncHub]
) -> None:
    transport = Transport()
    hub = hub_for(hubs, device, demo_server.url, transport=transport)
    h = await signed_in_app(device, hub)
    banner = h.get(key="offline-banner", include_hidden=True)
    assert not banner.visible

    transport.down = True
    await h.click(h.get(key="visit-done"))  # work goes on: saved locally at once
    await h.click(h.get(key="score-5"))
    await h.wait_until(lambda: banner.visible, timeout=15, what="offline banner")
    assert kind(h) is IndicatorKind.OFFLINE
    assert h.get(key="sync-label").value == "Offline"
    assert "1 wijziging wacht op verzending; ze worden verstuurd zodra" in tooltip(h)

    transport.down = False
    await h.wait_until(lambda: not banner.visible and kind(h) is IndicatorKind.SYNCED, timeout=15)
    assert browse.sync_status(device).pending == 0
    assert h.crashes() == []


# --- a conflict found in the background --------------------------------------------------------


def second_device(tmp_path: Path, url: str) -> tuple[Store, SyncEngine]:
    """The same salesperson's laptop, syncing with the plain engine."""
    store = open_store(tmp_path / "laptop")
    http = make_http_client(url)
    engine = SyncEngine(store, SyncClient(http, username=USERNAME, password=PASSWORD))
    return store, engine


async def test_background_conflict_shows_a_snack_and_the_attention_list_keeps_both_values(
    device: Store, demo_server: DemoServer, hubs: list[SyncHub], tmp_path: Path
) -> None:
    hub = hub_for(hubs, device, demo_server.url)
    h = await signed_in_app(device, hub)
    actor = browse.actor_for(demo_server.user)
    customer = browse.customer_page(device, actor=actor).customers[0]

    laptop, engine = second_device(tmp_path, demo_server.url)
    try:
        await asyncio.to_thread(engine.run)
        customers.update_customer(
            laptop, actor=actor, customer_id=customer.id, notes="Laptop: levert via groothandel"
        )
        await asyncio.to_thread(engine.run)
    finally:
        engine.client.http.close()
        laptop.close()

    # The phone edits the same notes without having seen the laptop's (as the customer form
    # would: a service write, then the app's notice to the sync).
    customers.update_customer(
        device, actor=actor, customer_id=customer.id, notes="Telefoon: bestelt zelf online"
    )
    hub.notify_change()
    await h.wait_until(
        lambda: any("1 conflict" in t for t in h.snack_texts()), what="conflict snack bar"
    )
    [snack] = [
        d
        for d in h.dialogs()
        if isinstance(d, ft.SnackBar) and "1 conflict" in str(getattr(d.content, "value", ""))
    ]
    # The follow-ups were mentioned once (after the first sync), not again with the conflict.
    assert getattr(snack.content, "value", None) == "Gesynchroniseerd: 1 conflict."
    assert snack.action == "Bekijken"
    await h.session.dispatch_event(snack._i, "action", None)
    await h.settle()
    assert h.get(key="screen-title").value == "Aandacht nodig"
    [row] = browse.sync_issues(device, actor=actor)
    card = h.get(key=f"issue-{row.issue.id}")
    texts = [t for c in h.all_controls() if _inside(c, card) for t in _values(c)]
    assert f"Conflict: {customer.name}" in texts
    assert "Klant, veld 'notities'" in texts
    assert "Telefoon: bestelt zelf online" in texts  # kept
    assert "Laptop: levert via groothandel" in texts  # lost, but shown
    assert tooltip(h).startswith("1 punt vraagt aandacht")  # the indicator says so too

    await h.click(h.get(key=f"issue-resolve-{row.issue.id}"))
    assert browse.sync_issues(device, actor=actor) == []
    assert not h.find(key=f"issue-{row.issue.id}")
    assert any("afgehandeld" in t for t in h.snack_texts())
    await h.wait_until(lambda: kind(h) is IndicatorKind.SYNCED)
    assert h.crashes() == []


def _inside(control: Any, ancestor: Any) -> bool:
    node = control
    while node is not None:
        if node is ancestor:
            return True
        node = getattr(node, "parent", None)
    return False


def _values(control: Any) -> list[str]:
    out = []
    for attr in ("value", "title", "subtitle"):
        v = getattr(control, attr, None)
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, ft.Text) and isinstance(v.value, str):
            out.append(v.value)
    return out
