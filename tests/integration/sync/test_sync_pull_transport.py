"""How pulled pages travel and land: zstd on the wire when both sides have it (gzip for a
client without it), and written to the store without an fsync or checkpoint per page, while
the device's own changes stay durable."""

from __future__ import annotations

from typing import Any

import httpx
from sync_support import FAST, World, assert_equal_to_server

from fieldsales.records import Customer
from fieldsales.store.uow import UnitOfWork
from fieldsales.sync.client import PullPage
from fieldsales.sync.engine import EngineHooks, SyncOptions
from fieldsales.sync.protocol import PushResponse


def _encodings(http: httpx.Client) -> list[str]:
    """The ``Content-Encoding`` of every pull answer the client receives, as it arrives."""
    seen: list[str] = []

    def record(response: httpx.Response) -> None:
        if response.request.url.path == "/sync/pull":
            seen.append(response.headers.get("content-encoding", "identity"))

    http.event_hooks = {"response": [record]}
    return seen


def test_pull_pages_arrive_as_zstd_and_a_gzip_only_client_gets_the_same(world: World) -> None:
    phone = world.device(world.alice)
    for i in range(40):
        phone.customer(name=f"Groothandel {i}", notes="Levert op dinsdag en vrijdag. " * 20)
    phone.sync()

    laptop = world.device(world.alice, options=SyncOptions(pull_limit=15))
    laptop_codings = _encodings(laptop.http)
    older = world.device(world.alice, options=SyncOptions(pull_limit=15))
    older.http.headers["Accept-Encoding"] = "gzip"  # an app without the zstandard package
    older_codings = _encodings(older.http)

    fast, slow = laptop.sync(), older.sync()
    assert fast.pulled == slow.pulled >= 40
    assert len(laptop_codings) >= 3  # several pages, each of them zstd
    assert set(laptop_codings) == {"zstd"}
    assert set(older_codings) == {"gzip"}
    assert fast.bytes_received < slow.bytes_received
    assert laptop.live_records() == older.live_records()
    assert_equal_to_server(world, laptop)


def _synchronous(uow: UnitOfWork) -> int:
    raw = uow.session.connection().connection.dbapi_connection
    assert raw is not None
    return int(raw.execute("PRAGMA synchronous").fetchone()[0])


def test_pulled_pages_are_written_relaxed_and_the_devices_own_work_durably(world: World) -> None:
    seen: dict[str, list[int]] = {"page": [], "push": []}

    def on_page(uow: UnitOfWork, page: PullPage) -> None:
        seen["page"].append(_synchronous(uow))

    def on_push(uow: UnitOfWork, response: PushResponse) -> None:
        seen["push"].append(_synchronous(uow))

    hooks = EngineHooks(before_page_commit=on_page, before_push_settled=on_push)
    phone = world.device(world.alice, hooks=hooks, options=FAST)
    customer = phone.customer(name="Bloemisterij Anna")
    with phone.store.unit_of_work() as uow:
        assert _synchronous(uow) == 2  # the user's own save: FULL, fsynced before it returns
    summary = phone.sync()
    assert summary.pushed == 1
    assert seen["push"] == [2]  # settling a push (the outbox) stays durable
    assert seen["page"]
    assert set(seen["page"]) == {1}  # pages: NORMAL, pulled again if lost
    with phone.store.unit_of_work() as uow:
        assert _synchronous(uow) == 2  # and the next save is durable again
    phone.update(Customer, customer.id, city="Aalsmeer")
    assert phone.pending() == 1


def test_the_wal_is_folded_in_after_a_pull(world: World) -> None:
    phone = world.device(world.alice)
    for i in range(30):
        phone.customer(name=f"Klant {i}", notes="x" * 2000)
    phone.sync()
    laptop = world.device(world.alice)
    before = laptop.path.stat().st_size
    laptop.sync()
    checkpointer: Any = laptop.store._checkpointer
    assert checkpointer is not None  # started by the pull
    checkpointer.join(timeout=30)
    assert laptop.path.stat().st_size > before  # the pulled pages are in the file itself
