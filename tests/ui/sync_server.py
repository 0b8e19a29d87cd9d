"""A real ``fieldsales-server`` with a small demo team, for the app's sync screens.

One server process (SQLite) per test session, over loopback. Tests that sync get their own
device (an empty data directory, or one filled the way ``fieldsales-admin demo-data`` fills it)
and a ``SyncHub`` with a quick loop. ``Transport`` sits between the app and the server when a
test needs the connection to drop or a pull to wait.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx

from fieldsales.cli.demo_data import seed_device, seed_server
from fieldsales.demo import DEMO_PASSWORD, DemoData, generate
from fieldsales.records import UserProfile
from fieldsales.server import loopback
from fieldsales.server.loopback import LoopbackServer
from fieldsales.store import Store
from fieldsales.sync.client import make_http_client
from fieldsales.sync.engine import SyncOptions
from fieldsales.ui.sync_hub import SyncHub

USERNAME = "verkoper1"
PASSWORD = DEMO_PASSWORD
#: Small pull pages, so a first sync has several and its progress (and "Stoppen") can be seen.
PULL_PAGE = 200

QUICK = SyncOptions(backoff_initial=0.02, backoff_max=0.1, stall_timeout=1.5)
LOOP = {
    "pull_interval": 60.0,
    "change_poll_interval": 0.1,
    "debounce": 0.05,
    "offline_interval": 0.1,
    "offline_interval_max": 0.2,
}


def server_env(database_url: str) -> dict[str, str]:
    return loopback.server_env(
        database_url,
        secret_key="ui-sync-test-secret-key-123456",
        FIELDSALES_PULL_DEFAULT_LIMIT=str(PULL_PAGE),
        FIELDSALES_PULL_MAX_LIMIT=str(PULL_PAGE),
    )


@dataclass
class DemoServer:
    url: str
    data: DemoData
    versions: dict[str, int]
    server: LoopbackServer

    @property
    def user(self) -> UserProfile:
        return self.data.user(USERNAME)

    def stop(self) -> None:
        self.server.stop()


def small_demo(today: date | None = None) -> DemoData:
    """One salesperson and a manager; a portfolio small enough to sync in well under a second."""
    return generate(
        seed=7,
        salespeople=1,
        customers_per_salesperson=12,
        prospects_per_salesperson=2,
        years=1,
        today=today or date.today(),
    )


def start_demo_server(directory: Path) -> DemoServer:
    database_url = f"sqlite:///{directory / 'server.sqlite3'}"
    data = small_demo()
    versions = seed_server(data, database_url=database_url)
    server = LoopbackServer(server_env(database_url)).start()
    return DemoServer(server.url, data, versions, server)


def fill_device(server: DemoServer, data_dir: Path) -> None:
    """The user's data on the device as ``make run`` leaves it: synced, but no session."""
    seed_device(
        server.data,
        user_id=server.user.id,
        path=data_dir / "fieldsales.sqlite3",
        versions=server.versions,
    )


@dataclass
class Transport(httpx.BaseTransport):
    """The app's line to the server: can be cut, and can hold pulls until released."""

    down: bool = False
    hold_pulls_after: int | None = None  # hold every pull after this many
    hold_pushes: bool = False
    released: threading.Event = field(default_factory=threading.Event)
    #: Set when a push has reached the line and is being held (the request is really out).
    push_held: threading.Event = field(default_factory=threading.Event)
    paths: list[str] = field(default_factory=list)
    inner: httpx.HTTPTransport = field(default_factory=httpx.HTTPTransport)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if self.down:
            raise httpx.ConnectError("the test cut the connection", request=request)
        if path == "/sync/push" and self.hold_pushes:
            self.push_held.set()
            self.released.wait(10)
        if path == "/sync/pull":
            pulls = sum(1 for p in self.paths if p.startswith("/sync/pull"))
            if self.hold_pulls_after is not None and pulls >= self.hold_pulls_after:
                self.released.wait(10)
        self.paths.append(f"{path}?{request.url.query.decode()}")
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def quick_hub(
    store: Store, url: str | None, *, transport: Transport | None = None, **loop: float
) -> SyncHub:
    """A hub whose loop reacts in tens of milliseconds (and gives up quickly when offline)."""
    settings = {**LOOP, **loop}
    return SyncHub(
        store,
        server_url=url,
        http_factory=lambda base: make_http_client(base, transport=transport or Transport()),
        options=QUICK,
        loop_settings=settings,
    )
