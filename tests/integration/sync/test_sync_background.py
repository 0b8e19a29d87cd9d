"""The app's background loop and the day-end batch, against the real server."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from faultproxy import Fault, FaultProxy
from sync_support import PASSWORD, Device, World, assert_equal_to_server

from fieldsales.records import Customer, FollowUp
from fieldsales.server import accounts
from fieldsales.server.security import password_hasher
from fieldsales.sync.background import (
    BackgroundSync,
    SyncState,
    SyncStatus,
    day_end_sync,
    stored_tokens,
)
from fieldsales.sync.client import SyncClient, make_http_client
from fieldsales.sync.engine import SyncOptions
from fieldsales.sync.summary import Phase, Progress

QUICK = SyncOptions(backoff_initial=0.02, backoff_max=0.1, stall_timeout=1.0)


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.02)


@pytest.fixture
def loops() -> Iterator[list[BackgroundSync]]:
    started: list[BackgroundSync] = []
    yield started
    for loop in started:
        loop.stop()


def background(device: Device, loops: list[BackgroundSync], **kw: float) -> BackgroundSync:
    settings: dict[str, float] = {
        "pull_interval": 60.0,
        "change_poll_interval": 0.1,
        "debounce": 0.05,
        "offline_interval": 0.1,
        "offline_interval_max": 0.2,
    }
    settings.update(kw)
    loop = BackgroundSync(device.store, device.client, options=QUICK, **settings)  # type: ignore[arg-type]
    loops.append(loop)
    return loop


def test_syncs_at_start_and_after_a_change(world: World, loops: list[BackgroundSync]) -> None:
    phone = world.device(world.alice)
    seen: list[SyncStatus] = []
    loop = background(phone, loops)
    loop.subscribe(seen.append)
    assert loop.status.last_sync_at is None
    loop.start()
    wait_for(lambda: loop.status.last_sync_at is not None and loop.status.state is SyncState.IDLE)
    assert loop.status.online is True
    customer = phone.customer(name="Achtergrond BV")
    loop.notify_change()
    wait_for(lambda: ("customers", customer.id) in world.server_records(world.alice))
    wait_for(lambda: loop.status.pending == 0)
    assert SyncState.SYNCING in {s.state for s in seen}
    loop.stop()
    assert loop.status.state is SyncState.STOPPED


def test_offline_then_back(world: World, loops: list[BackgroundSync]) -> None:
    with FaultProxy(world.backend.url) as proxy:
        phone = world.device(world.alice, url=proxy.url)
        loop = background(phone, loops)
        cut = proxy.add(Fault("drop_before", path="/", times=1_000_000))
        loop.start()
        wait_for(lambda: loop.status.state is SyncState.OFFLINE)
        assert loop.status.online is False
        assert loop.status.message is not None
        assert "verbinding" in loop.status.message.lower()
        phone.customer(name="Onderweg")
        loop.notify_change()
        wait_for(lambda: loop.status.pending == 1)
        probes = len(proxy.requests("/health"))
        time.sleep(0.3)
        assert len(proxy.requests("/health")) > probes  # it keeps looking for a connection
        assert not proxy.requests("/sync/push")[-1:] or proxy.requests("/sync/push")[-1].fault
        cut.times = 0  # the connection is back
        wait_for(lambda: loop.status.online is True and loop.status.pending == 0)
    assert_equal_to_server(world, phone)


def test_pulls_periodically_without_local_changes(
    world: World, loops: list[BackgroundSync]
) -> None:
    phone, laptop = world.device(world.alice), world.device(world.alice)
    loop = background(phone, loops, pull_interval=0.3)
    loop.start()
    wait_for(lambda: loop.status.last_sync_at is not None)
    made = laptop.customer(name="Van de laptop")
    laptop.sync()
    wait_for(lambda: phone.get(Customer, made.id) is not None)


def test_needs_login_after_a_password_reset(world: World, loops: list[BackgroundSync]) -> None:
    phone = world.device(world.alice)
    loop = background(phone, loops)
    loop.start()
    wait_for(lambda: loop.status.last_sync_at is not None)
    accounts.reset_password(
        world.backend.engine,
        username=world.alice.username,
        password="een nieuw wachtwoord",
        hasher=phone_hasher(world),
    )
    loop.sync_now()
    wait_for(lambda: loop.status.state is SyncState.NEEDS_LOGIN)
    assert loop.status.code == "sync_auth_failed"
    phone.client._password = "een nieuw wachtwoord"  # the user typed it in the app
    phone.customer(name="Na het inloggen")
    loop.credentials_changed()
    wait_for(lambda: loop.status.state is SyncState.IDLE and loop.status.pending == 0)


def phone_hasher(world: World) -> PasswordHasher:
    return password_hasher(world.backend.settings)


def test_a_session_survives_an_app_restart(world: World) -> None:
    phone = world.device(world.alice)
    tokens, save = stored_tokens(phone.store)
    assert tokens is None
    with make_http_client(world.backend.url) as http:
        client = SyncClient(
            http, username=world.alice.username, password=PASSWORD, tokens=tokens, on_tokens=save
        )
        day_end_sync(phone.store, client)
    # Next start: no password at hand, the stored refresh token logs the app in.
    tokens, save = stored_tokens(phone.store)
    assert tokens is not None
    with make_http_client(world.backend.url) as http:
        client = SyncClient(http, tokens=tokens, on_tokens=save)
        phone.customer(name="Zonder wachtwoord")
        summary = day_end_sync(phone.store, client)
    assert summary.applied == 1


def test_day_end_reports_progress_and_what_needs_attention(world: World) -> None:
    phone, laptop = world.device(world.alice), world.device(world.alice)
    customer = phone.customer(name="Dagafsluiting BV")
    phone.add(
        FollowUp(
            customer_id=customer.id,
            owner_id=world.alice.id,
            description="Offerte nasturen",
            due_on=date.today() - timedelta(days=1),
        )
    )
    phone.add(
        FollowUp(
            customer_id=customer.id,
            owner_id=world.alice.id,
            description="Volgend kwartaal bellen",
            due_on=date.today() + timedelta(days=90),
        )
    )
    for i in range(7):
        laptop.customer(name=f"Van de laptop {i}", created_at=datetime(2026, 1, 1, tzinfo=UTC))
    laptop.sync()
    steps: list[Progress] = []
    summary = day_end_sync(phone.store, phone.client, progress=steps.append)
    phases = [s.phase for s in steps]
    assert phases[0] is Phase.LOGIN
    assert phases[-1] is Phase.DONE
    assert Phase.PUSH in phases
    assert Phase.PULL in phases
    assert max(s.up_done for s in steps) == 3
    assert max(s.up_total for s in steps) == 3
    assert max(s.down_done for s in steps) >= 7
    assert summary.applied == 3
    assert summary.pulled >= 7
    assert [f.description for f in summary.follow_ups_due] == ["Offerte nasturen"]
    assert summary.follow_ups_due[0].customer_name == "Dagafsluiting BV"
    assert summary.needs_attention
