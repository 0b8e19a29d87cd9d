"""Fixtures of the server's contract suite: every test runs against SQLite and PostgreSQL.

PostgreSQL comes from ``FIELDSALES_TEST_PG_URL`` (default: the local server at 127.0.0.1:5432,
database ``test``, user ``postgres``). Each test session creates its own database
``fieldsales_test_<random>`` there and drops it at the end. Those parameters carry the
``postgres`` mark, so ``-m "not postgres"`` runs the suite on SQLite alone.

Tests are isolated by tenant rather than by database: each ``world`` is a new tenant with its
own teams and users, which costs milliseconds instead of a database per test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from server_support import PG_URL, Backend, World, make_world, test_settings

from fieldsales.server.app import create_app
from fieldsales.server.db import make_engine
from fieldsales.server.loopback import scratch_database


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    with scratch_database(PG_URL, prefix="fieldsales_test") as url:
        yield url


@pytest.fixture(
    scope="session",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("server") / "server.sqlite3"
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_url")
    settings = test_settings(url)
    engine = make_engine(url)
    app = create_app(settings, engine=engine)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Backend(request.param, settings, engine, client)
    engine.dispose()


@pytest.fixture
def world(backend: Backend) -> World:
    return make_world(backend)
