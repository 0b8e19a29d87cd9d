"""Fixtures for the in-process UI tests: a real store in a temp dir, filled through services."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sync_server import DemoServer, start_demo_server
from ui_data import NOW, Day, seed_day

from fieldsales.domain.enums import Role
from fieldsales.domain.plan_workflow import Actor
from fieldsales.store import Store, open_store
from fieldsales.ui.sync_hub import SyncHub


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path)
    yield s
    s.close()


@pytest.fixture
def actor() -> Actor:
    return Actor(user_id="u-anna", role=Role.SALESPERSON, team_id="t-1")


@pytest.fixture
def day(store: Store, actor: Actor) -> Day:
    customers, contacts, visits = seed_day(store, actor, NOW)
    return Day(customers, contacts, visits)


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """``fieldsales-server`` over loopback with a small demo team (verkoper1, password demo)."""
    server = start_demo_server(tmp_path_factory.mktemp("demo-server"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def hubs() -> Iterator[list[SyncHub]]:
    """Hubs a test made; their loops are stopped before the test's stores close."""
    made: list[SyncHub] = []
    yield made
    for hub in made:
        hub.close()
