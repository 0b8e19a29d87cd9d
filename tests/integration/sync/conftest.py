"""Fixtures of the sync reliability suite: the real server over loopback, on SQLite and on
PostgreSQL (marked ``postgres``; ``-m "not postgres"`` runs SQLite alone).

One server process per database for the whole session; every test gets its own tenant
(``world``), so tests never see each other's records. PostgreSQL comes from
``FIELDSALES_TEST_PG_URL`` as in the server's suite: a fresh database per session, dropped at
the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sync_support import PG_URL, Backend, ServerProcess, World, make_world, settings_for

from fieldsales.server import migrate
from fieldsales.server.db import make_engine
from fieldsales.server.loopback import scratch_database


@pytest.fixture(scope="session")
def sync_pg_url() -> Iterator[str]:
    with scratch_database(PG_URL, prefix="fieldsales_sync") as url:
        yield url


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
