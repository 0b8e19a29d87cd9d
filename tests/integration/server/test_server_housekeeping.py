"""Housekeeping prunes the sync bookkeeping that only matters for a while: scope exits below the
tombstone horizon, and stored push answers of devices that never came back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from server_support import World, customer_fields
from sqlalchemy import func, select

from fieldsales.domain.ids import new_id
from fieldsales.server import accounts, cli
from fieldsales.server.maintenance import purge_push_outcomes, purge_tombstones
from fieldsales.server.models import push_outcomes, scope_exits


def count(world: World, table: object, **where: str) -> int:
    query = select(func.count()).select_from(table)  # type: ignore[arg-type]
    for column, value in where.items():
        query = query.where(table.c[column] == value)  # type: ignore[attr-defined]
    with world.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def test_scope_exits_go_with_the_tombstone_horizon(world: World) -> None:
    alice = world.alice
    customer_id = new_id()
    alice.push(alice.mutation("customers", customer_id, customer_fields(alice.id)))
    moved = accounts.reassign_customers(
        world.engine, from_username=alice.username, to_username=world.bob.username
    )
    assert moved >= 1
    assert count(world, scope_exits, tenant_id=world.tenant_id, account_id=alice.id) == 1

    purge_tombstones(world.engine, keep_versions=0, tenant_id=world.tenant_id)
    assert count(world, scope_exits, tenant_id=world.tenant_id) == 0
    assert alice.pull(1)["reset"] is True  # the device that missed the exit re-pulls instead


def test_push_answers_of_devices_that_never_come_back_are_forgotten(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    alice = world.alice
    alice.push(alice.mutation("customers", new_id(), customer_fields(alice.id)))
    assert count(world, push_outcomes, account_id=alice.id) == 1

    assert purge_push_outcomes(world.engine, older_than=timedelta(hours=1)) == 0
    assert count(world, push_outcomes, account_id=alice.id) == 1
    monkeypatch.setattr("fieldsales.server.syncing.OUTCOME_KEEP", timedelta(0))
    monkeypatch.setenv("FIELDSALES_DATABASE_URL", world.backend.settings.database_url)
    monkeypatch.setenv("FIELDSALES_ENV", "development")
    assert cli.main(["housekeeping"]) == 0
    assert "old push answers" in capsys.readouterr().out
    assert count(world, push_outcomes, account_id=alice.id) == 0
