"""Fixtures of the server's contract suite: every test runs against SQLite and PostgreSQL.

PostgreSQL comes from ``FIELDSALES_TEST_PG_URL`` (default: the local server at 127.0.0.1:5432,
database ``test``, user ``postgres``). Each test session creates its own database
``fieldsales_test_<random>`` there and drops it at the end. Those parameters carry the
``postgres`` mark, so ``-m "not postgres"`` runs the suite on SQLite alone.

Tests are isolated by tenant rather than by database: each ``world`` is a new tenant with its
own teams and users, which costs milliseconds instead of a database per test.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from server_support import PG_URL, Backend, World, libpq_url, make_world, test_settings
from sqlalchemy.engine import make_url

from fieldsales.server.app import create_app
from fieldsales.server.db import make_engine


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    name = f"fieldsales_test_{secrets.token_hex(4)}"
    admin = libpq_url(PG_URL)
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
