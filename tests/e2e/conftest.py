"""Browser end-to-end fixtures: the app as an offline web server, Chromium through Playwright.

The app runs in its own process group (``flet`` may start children) with
``FLET_FORCE_WEB_SERVER=1 FLET_WEB_NO_CDN=1`` and no ``DISPLAY``; Playwright drives Debian's
Chromium (``/usr/bin/chromium``, or ``$CHROMIUM``). Flutter draws on a canvas: its semantics
tree is switched on first, then controls are found by the labels a screen reader reads.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldsales.server.loopback import LoopbackServer, free_port, server_env

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROME_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


@pytest.fixture
def app_server(tmp_path: Path) -> Iterator[Callable[..., str]]:
    """``start(data_dir, user, extra=[...], env={...})`` runs ``fieldsales app --web`` (with
    ``--user`` when ``user`` is given, and the extra arguments) and returns its URL."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(
        data_dir: Path,
        user: str | None,
        *,
        extra: list[str] | None = None,
        env: dict[str, str] | None = None,
    ) -> str:
        port = free_port()
        environ = {
            **os.environ,
            "FLET_FORCE_WEB_SERVER": "1",
            "FLET_WEB_NO_CDN": "1",
            **(env or {}),
        }
        environ.pop("DISPLAY", None)
        log = (tmp_path / "app.log").open("wb")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "fieldsales.cli.app",
                "app",
                "--web",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--data-dir",
                str(data_dir),
                *(["--user", user] if user else []),
                *(extra or []),
            ],
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        procs.append(proc)
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url, timeout=1).read()
                return url
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError((tmp_path / "app.log").read_text()) from None
                time.sleep(0.1)
        raise TimeoutError(url)

    yield start
    _stop(procs)


@pytest.fixture
def server_process() -> Iterator[Callable[[str], str]]:
    """``start(database_url)`` runs ``fieldsales-server`` on a loopback port; returns its URL."""
    servers: list[LoopbackServer] = []

    def start(database_url: str) -> str:
        env = server_env(database_url, secret_key="e2e-test-secret-key-1234567890")
        servers.append(LoopbackServer(env).start())
        return servers[-1].url

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROME_ARGS)
        yield b
        b.close()
