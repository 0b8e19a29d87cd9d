"""An initial sync through the real server: the store ends up as the per-row triggers would
have left it, the search finds the pulled customers, and a page that fails before its commit
leaves the search's triggers in place and is pulled again whole."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sync_support import FAST, Device, World, assert_equal_to_server, seed_portfolio

from fieldsales.records import ALL_RECORDS, Contact, Customer
from fieldsales.store import sync_apply
from fieldsales.store.queries import search_customers
from fieldsales.sync.engine import EngineHooks


def store_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as conn:
        found = {
            str(cls.__tablename__): conn.execute(
                f'SELECT * FROM "{cls.__tablename__}" ORDER BY id'
            ).fetchall()
            for cls in ALL_RECORDS
        }
        found["search_docs"] = conn.execute("SELECT * FROM search_docs ORDER BY docid").fetchall()
        found["customer_search"] = conn.execute(
            "SELECT rowid, * FROM customer_search ORDER BY rowid"
        ).fetchall()
        found["triggers"] = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        ).fetchall()
    return found


def assert_search_finds_everyone(device: Device) -> None:
    with device.store.read() as session:
        customers = list(session.exec(_live(Customer)))
        contacts = list(session.exec(_live(Contact)))
        assert len(customers) > 50
        for customer in customers[::7]:
            assert customer.id in {c.id for c in search_customers(session, customer.name)}
        for contact in contacts[::11]:
            found = search_customers(session, f"{contact.first_name} {contact.last_name}")
            assert contact.customer_id in {c.id for c in found}


def _live(cls: Any) -> Any:
    from sqlmodel import select

    return select(cls).where(cls.deleted == False)  # noqa: E712


def test_initial_sync_indexes_like_the_triggers(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_portfolio(world, world.alice, customers=60)
    indexed: list[int] = []
    finish = sync_apply._BulkSearch.finish

    def counted(bulk: Any) -> int:
        indexed.append(finish(bulk))
        return indexed[-1]

    monkeypatch.setattr(sync_apply._BulkSearch, "finish", counted)
    fast = world.device(world.alice, name="fast", options=FAST)
    fast.sync()
    assert sum(indexed) > 50  # the customers were indexed in the bulk pass
    assert_equal_to_server(world, fast)
    assert_search_finds_everyone(fast)

    monkeypatch.setattr(sync_apply, "BULK_SEARCH_MIN", 10**9)  # the per-row triggers
    slow = world.device(world.alice, name="slow", options=FAST)
    slow.sync()
    fast_rows, slow_rows = store_rows(fast.path), store_rows(slow.path)
    for name in fast_rows:
        assert fast_rows[name] == slow_rows[name], name


def test_a_page_that_fails_before_its_commit_is_pulled_again(world: World) -> None:
    seed_portfolio(world, world.alice, customers=60)
    failed: list[int] = []

    def crash_once(uow: Any, page: Any) -> None:
        indexed = uow.session.connection().exec_driver_sql("SELECT count(*) FROM search_docs")
        if not failed and indexed.scalar_one() > 0:  # the page with the customers
            failed.append(page.cursor)
            raise RuntimeError("the app stops before the page's commit")

    device = world.device(world.alice, options=FAST, hooks=EngineHooks(crash_once))
    with pytest.raises(RuntimeError):
        device.sync()
    assert failed
    with sqlite3.connect(device.path) as conn:
        assert conn.execute("SELECT count(*) FROM search_docs").fetchone() == (0,)
        triggers = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        assert {"customers_search_ai", "contacts_search_ai"} <= triggers
    device.sync()
    assert_equal_to_server(world, device)
    assert_search_finds_everyone(device)
