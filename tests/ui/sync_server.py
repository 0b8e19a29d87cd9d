"""A real ``fieldsales-server`` with a small demo team, for the app's sync screens.

One server process (SQLite) per test session, over loopback. Tests that sync get their own
device (an empty data directory, or one filled the way ``fieldsales-admin demo-data`` fills it)
and a ``SyncHub`` with a quick loop. ``Transport`` sits between the app and the server when a
test needs the connection to drop or a pull to wait.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx

from fieldsales.cli.demo_data import seed_device, seed_server
from fieldsales.demo import DEMO_PASSWORD, DemoData, generate
from fieldsales.records import UserProfile
from fieldsales.store import Store
from fieldsales.sync.client import make_http_client
from fieldsales.sync.engine import SyncOptions
from fieldsales.ui.sync_hub import SyncHub

SCRIPT = Path(sys.executable).parent / "fieldsales-server"
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "FIELDSALES_ENV": "test",
            "FIELDSALES_DATABASE_URL": database_url,
            "FIELDSALES_SECRET_KEY": "ui-sync-test-secret-key-123456",
            "FIELDSALES_PULL_DEFAULT_LIMIT": str(PULL_PAGE),
            "FIELDSALES_PULL_MAX_LIMIT": str(PULL_PAGE),
        }
    )
    return env


@dataclass
class DemoServer:
    url: str
    data: DemoData
    versions: dict[str, int]
    process: subprocess.Popen[bytes]

    @property
    def user(self) -> UserProfile:
        return self.data.user(USERNAME)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


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
    port = free_port()
    process = subprocess.Popen(
        [
            str(SCRIPT),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=server_env(database_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise AssertionError("fieldsales-server exited")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return DemoServer(url, data, versions, process)
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError("fieldsales-server did not become healthy")
        time.sleep(0.05)


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
