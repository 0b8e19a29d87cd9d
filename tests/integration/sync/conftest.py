"""Fixtures of the sync reliability suite: the real server over loopback, on SQLite and on
PostgreSQL (marked ``postgres``; ``-m "not postgres"`` runs SQLite alone).

One server process per database for the whole session; every test gets its own tenant
(``world``), so tests never see each other's records. PostgreSQL comes from
``FIELDSALES_TEST_PG_URL`` as in the server's suite: a fresh database per session, dropped at
the end.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url
from sync_support import PG_URL, Backend, ServerProcess, World, make_world, settings_for

from fieldsales.server import migrate
from fieldsales.server.db import make_engine


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def sync_pg_url() -> Iterator[str]:
    name = f"fieldsales_sync_{secrets.token_hex(4)}"
    admin = _libpq(PG_URL)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(
    scope="session",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sync-server') / 'server.sqlite3'}"
    else:
        url = request.getfixturevalue("sync_pg_url")
    engine = make_engine(url)
    migrate.upgrade(engine)
    server = ServerProcess(url).start()
    try:
        yield Backend(request.param, server, engine, settings_for(url))
    finally:
        server.stop()
        engine.dispose()


@pytest.fixture
def world(backend: Backend, tmp_path: Path) -> Iterator[World]:
    made = make_world(backend, tmp_path)
    try:
        yield made
    finally:
        made.close()
