"""The pipelined pull: page n+1 is requested while page n is written. The prefetch must never
change what ends up on the device: pages still commit in order with their cursor, a page
fetched ahead is dropped when the one before it fails or the user stops, its request retries
and re-authenticates like any other, and no prefetch thread outlives the pull."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import orjson
import pytest
from faultproxy import Fault, FaultProxy
from sqlalchemy import func, select
from sync_support import FAST, Device, World, assert_equal_to_server, seed_portfolio

from fieldsales.records import COLLECTIONS
from fieldsales.store import UnitOfWork
from fieldsales.sync.client import PullPage
from fieldsales.sync.engine import PREFETCH_THREAD, EngineHooks
from fieldsales.sync.errors import SyncCancelledError, SyncServerError

PAGE = 120
PIPELINED = replace(FAST, pull_limit=PAGE, prefetch=True)


@pytest.fixture
def proxy(world: World) -> Iterator[FaultProxy]:
    with FaultProxy(world.backend.url) as running:
        yield running


def prefetch_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(PREFETCH_THREAD)]


def wait_for_no_prefetch(timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while prefetch_threads() and time.monotonic() < end:
        time.sleep(0.02)
    assert prefetch_threads() == []


def highest_local_version(device: Device) -> int:
    """The newest version of any record on the device (never above its cursor if pages
    committed whole and in order)."""
    highest = 0
    with device.store.read() as session:
        for cls in COLLECTIONS.values():
            value = session.execute(select(func.max(cls.version))).scalar()
            highest = max(highest, int(value or 0))
    return highest


@pytest.mark.parametrize("depth", [1, 2])
def test_the_next_pages_are_requested_before_the_current_one_is_written(
    world: World, proxy: FaultProxy, depth: int
) -> None:
    """The pipeline itself: while page 1 is being written, the requests for the ``depth``
    pages after it are out, and no more."""
    seed_portfolio(world, world.alice, customers=10)
    requested_during_write: list[int] = []

    def note(uow: UnitOfWork, page: PullPage) -> None:
        if not requested_during_write:
            time.sleep(0.3)  # a slow write: the prefetch has time to get its answers
            requested_during_write.append(len(proxy.requests("/sync/pull")))

    phone = world.device(
        world.alice,
        url=proxy.url,
        options=replace(PIPELINED, prefetch_pages=depth),
        hooks=EngineHooks(before_page_commit=note),
    )
    summary = phone.sync()
    assert summary.pages > 3
    assert requested_during_write == [1 + depth]  # page 1, and before it committed the next
    assert_equal_to_server(world, phone)
    wait_for_no_prefetch(timeout=0)


def test_a_failure_writing_page_n_never_writes_the_prefetched_page(
    world: World, proxy: FaultProxy
) -> None:
    seed_portfolio(world, world.alice, customers=10)
    written: list[int] = []

    def fail_on_second(uow: UnitOfWork, page: PullPage) -> None:
        written.append(page.cursor)
        if len(written) == 2:
            raise RuntimeError("disk full")

    phone = world.device(
        world.alice,
        url=proxy.url,
        options=PIPELINED,
        hooks=EngineHooks(before_page_commit=fail_on_second),
    )
    with pytest.raises(RuntimeError, match="disk full"):
        phone.sync()
    wait_for_no_prefetch()
    # Page 3 was requested while page 2 was written, and dropped with it.
    assert len(proxy.requests("/sync/pull")) == 3
    cursor = int(phone.state("cursor") or 0)
    assert cursor == written[0]
    assert highest_local_version(phone) <= cursor
    phone.engine.hooks = EngineHooks()
    proxy.reset_counters()
    phone.sync()
    assert int(proxy.requests("/sync/pull")[0].query["cursor"][0]) == cursor
    assert_equal_to_server(world, phone)


def test_stop_during_a_prefetched_pull_answers_at_once_and_resumes(
    world: World, proxy: FaultProxy
) -> None:
    """Stop while the server is slow to answer the prefetch: the engine does not wait for it,
    the store holds whole pages up to its cursor, and the next sync resumes from there."""
    seed_portfolio(world, world.alice, customers=10)
    cancel = threading.Event()
    stopped_at: list[float] = []

    seen: list[int] = []

    def hook(uow: UnitOfWork, page: PullPage) -> None:
        seen.append(page.cursor)
        if len(seen) == 2:
            cancel.set()
            stopped_at.append(time.monotonic())

    # Page 3's request (the prefetch sent while page 2 is written) is held back 3 s.
    proxy.add(Fault("delay", path="/sync/pull", skip=2, seconds=3.0))
    phone = world.device(
        world.alice, url=proxy.url, options=PIPELINED, hooks=EngineHooks(before_page_commit=hook)
    )
    with pytest.raises(SyncCancelledError):
        phone.sync(cancel=cancel)
    answered = time.monotonic() - stopped_at[0]
    assert answered < 1.0  # not the 3 s the prefetch waits for
    cursor = int(phone.state("cursor") or 0)
    assert cursor == seen[1]  # page 2 was committed whole, page 3 never
    assert highest_local_version(phone) <= cursor
    # The abandoned prefetch ends on its own once its answer comes, and writes nothing.
    wait_for_no_prefetch(timeout=6.0)
    assert int(phone.state("cursor") or 0) == cursor
    assert highest_local_version(phone) <= cursor
    phone.engine.hooks = EngineHooks()
    proxy.clear()
    proxy.reset_counters()
    phone.sync()
    assert int(proxy.requests("/sync/pull")[0].query["cursor"][0]) == cursor
    assert_equal_to_server(world, phone)


def test_the_next_run_joins_a_prefetch_a_stop_left_behind(world: World, proxy: FaultProxy) -> None:
    """A sync started right after a stop waits for the stopped prefetch first: two prefetches
    of one engine never run at once."""
    seed_portfolio(world, world.alice, customers=10)
    cancel = threading.Event()

    def hook(uow: UnitOfWork, page: PullPage) -> None:
        cancel.set()

    proxy.add(Fault("delay", path="/sync/pull", skip=1, seconds=1.0))
    phone = world.device(
        world.alice, url=proxy.url, options=PIPELINED, hooks=EngineHooks(before_page_commit=hook)
    )
    with pytest.raises(SyncCancelledError):
        phone.sync(cancel=cancel)
    assert len(prefetch_threads()) == 1  # still waiting for its delayed answer
    phone.engine.hooks = EngineHooks()
    phone.sync()
    wait_for_no_prefetch(timeout=0)
    assert_equal_to_server(world, phone)


def test_a_dropped_connection_on_the_prefetch_is_retried(world: World, proxy: FaultProxy) -> None:
    total = seed_portfolio(world, world.alice, customers=10)
    # The first pull is the engine's own; the next ones are prefetches.
    drop = proxy.add(Fault("drop_before", path="/sync/pull", skip=2, times=2))
    cut = proxy.add(Fault("drop_after", path="/sync/pull", skip=4, times=1))
    phone = world.device(world.alice, url=proxy.url, options=PIPELINED)
    summary = phone.sync()
    assert drop.hit == 2
    assert cut.hit == 1
    assert summary.pulled >= total
    assert_equal_to_server(world, phone)
    wait_for_no_prefetch(timeout=0)


def test_a_401_on_the_prefetch_renews_the_session_once(world: World, proxy: FaultProxy) -> None:
    seed_portfolio(world, world.alice, customers=10)
    phone = world.device(world.alice, url=proxy.url, options=PIPELINED)
    phone.client.login()
    proxy.reset_counters()
    proxy.add(
        Fault(
            "respond",
            path="/sync/pull",
            skip=1,
            status=401,
            body=b'{"error":{"code":"token_expired","message":"Verlopen.","details":null}}',
        )
    )
    phone.sync()
    assert len(proxy.requests("/auth/refresh")) == 1
    assert_equal_to_server(world, phone)


def test_killed_between_pages_with_prefetch_resumes_from_the_saved_cursor(
    world: World, proxy: FaultProxy
) -> None:
    """A crash while page 3 is written (page 4 already fetched): the next sync starts at
    page 2's cursor, and page 4 was never written."""
    total = seed_portfolio(world, world.alice, customers=10)
    written: list[int] = []

    def crash(uow: UnitOfWork, page: PullPage) -> None:
        written.append(page.cursor)
        if len(written) == 3:
            raise KeyboardInterrupt("power cut")

    phone = world.device(
        world.alice, url=proxy.url, options=PIPELINED, hooks=EngineHooks(before_page_commit=crash)
    )
    with pytest.raises(KeyboardInterrupt):
        phone.sync()
    cursor = int(phone.state("cursor") or 0)
    assert cursor == written[1]
    assert highest_local_version(phone) <= cursor
    wait_for_no_prefetch()
    # A new process: a fresh store handle and engine on the same file.
    again = world.device(world.alice, url=proxy.url, options=PIPELINED, path=phone.path)
    proxy.reset_counters()
    summary = again.sync()
    assert int(proxy.requests("/sync/pull")[0].query["cursor"][0]) == cursor
    assert summary.pulled <= total - 2 * PAGE + PAGE
    assert_equal_to_server(world, again)


def test_an_unreadable_prefetched_page_fails_the_sync_after_the_pages_before_it(
    world: World, proxy: FaultProxy
) -> None:
    """Its rows are built on the prefetch thread; the error still surfaces on the engine's,
    in page order: page 1 is written, the broken page 2 is not, and the sync says why."""
    seed_portfolio(world, world.alice, customers=10)
    epoch = world.device(world.alice, name="probe").client.pull(0, limit=1).epoch
    broken = {
        "epoch": epoch,
        "cursor": 10**9,
        "more": False,
        "records": [{"collection": "customers", "id": "kapot", "version": "twee"}],
    }
    proxy.add(Fault("respond", path="/sync/pull", skip=1, status=200, body=orjson.dumps(broken)))
    written: list[int] = []
    phone = world.device(
        world.alice,
        url=proxy.url,
        options=PIPELINED,
        hooks=EngineHooks(before_page_commit=lambda uow, page: written.append(page.cursor)),
    )
    with pytest.raises(SyncServerError) as caught:
        phone.sync()
    assert caught.value.code == "sync_bad_record"
    assert written == [int(phone.state("cursor") or 0)]  # page 1 only
    assert highest_local_version(phone) <= written[0]
    wait_for_no_prefetch()
