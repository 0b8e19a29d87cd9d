"""A real ``fieldsales-server`` on a free loopback port, and a scratch PostgreSQL database.

Tests, benchmarks and tools that need the real thing (the console script with its migrations,
uvicorn, several workers) start it through here, so there is one place that knows how to find
a free port, wait until the server answers ``/health`` and shut it down without leaving a
process behind; and one place that makes and drops a throw-away PostgreSQL database.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx
from sqlalchemy.engine import make_url

HOST = "127.0.0.1"
SERVER_SCRIPT = Path(sys.executable).parent / "fieldsales-server"

#: Cheap password hashing for throw-away servers (tests, benchmarks): argon2's production cost
#: would make every login take a quarter of a second.
FAST_HASHING = {
    "FIELDSALES_ARGON2_TIME_COST": "1",
    "FIELDSALES_ARGON2_MEMORY_KIB": "64",
    "FIELDSALES_ARGON2_PARALLELISM": "1",
}


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_env(database_url: str, *, secret_key: str, **extra: str) -> dict[str, str]:
    """The environment of a test-mode server on ``database_url`` (plus ``extra`` settings)."""
    env = dict(os.environ)
    env.update(
        {
            "FIELDSALES_ENV": "test",
            "FIELDSALES_DATABASE_URL": database_url,
            "FIELDSALES_SECRET_KEY": secret_key,
            **extra,
        }
    )
    return env


class LoopbackServer:
    """``fieldsales-server serve`` on 127.0.0.1 until :meth:`stop`; its output goes to a
    temporary file that is shown when it fails to start."""

    def __init__(
        self,
        env: dict[str, str],
        *,
        port: int | None = None,
        workers: int = 1,
        start_timeout: float = 60.0,
    ) -> None:
        self.env = env
        self.port = port or free_port()
        self.workers = workers
        self.start_timeout = start_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> LoopbackServer:
        """Start the process and return once ``/health`` answers 200 (or raise with its log)."""
        command = [str(SERVER_SCRIPT), "serve", "--host", HOST, "--port", str(self.port)]
        command += ["--workers", str(self.workers), "--log-level", "warning"]
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the server)
        self.process = subprocess.Popen(
            command, env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + self.start_timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"fieldsales-server exited: {self.output()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"fieldsales-server did not become healthy: {self.output()}")
            time.sleep(0.05)

    def output(self, last: int = 4000) -> str:
        """The last ``last`` characters the server printed."""
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-last:]

    def stop(self) -> None:
        """Terminate the server (kill it when it does not stop within 20 s)."""
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None


@contextmanager
def running_server(env: dict[str, str], *, workers: int = 1) -> Iterator[LoopbackServer]:
    """A :class:`LoopbackServer` for the ``with`` block."""
    server = LoopbackServer(env, workers=workers).start()
    try:
        yield server
    finally:
        server.stop()


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL ``url`` as psycopg itself takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def scratch_database(admin_url: str, *, prefix: str = "fieldsales_scratch") -> Iterator[str]:
    """A new, empty PostgreSQL database next to ``admin_url``'s, dropped (with any sessions
    still on it) when the block ends. Yields its SQLAlchemy URL."""
    import psycopg  # the server's extra; only PostgreSQL users need it

    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = libpq_url(admin_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
