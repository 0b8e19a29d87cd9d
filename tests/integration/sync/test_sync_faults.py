"""Transport faults between the real client and the real server: nothing is lost, nothing is
applied twice, and the device ends equal to the server."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from faultproxy import Fault, FaultProxy, Link, Request
from sqlalchemy import delete
from sync_support import FAST, World, assert_equal_to_server, seed_portfolio

from fieldsales.records import Contact, Customer
from fieldsales.server.models import push_outcomes
from fieldsales.store import queries as store_queries
from fieldsales.sync.client import PullPage
from fieldsales.sync.engine import EngineHooks
from fieldsales.sync.errors import SyncStalledError


@pytest.fixture
def proxy(world: World) -> Iterator[FaultProxy]:
    with FaultProxy(world.backend.url) as running:
        yield running


def forget_outcomes(world: World) -> None:
    """As if the first answers were older than the server keeps them."""
    with world.backend.engine.begin() as conn:
        conn.execute(delete(push_outcomes).where(push_outcomes.c.tenant_id == world.tenant_id))


def customers_on_server(world: World, names: set[str]) -> list[str]:
    return sorted(
        data["name"]
        for (collection, _), data in world.server_records(world.alice).items()
        if collection == "customers" and data["name"] in names
    )


def test_push_dropped_before_the_server_sees_it(world: World, proxy: FaultProxy) -> None:
    phone = world.device(world.alice, url=proxy.url)
    names = {f"Klant {i}" for i in range(5)}
    for name in sorted(names):
        phone.customer(name=name)
    proxy.add(Fault("drop_before", path="/sync/push", times=2))
    summary = phone.sync()
    assert len(proxy.requests("/sync/push")) == 3  # two dropped, the third went through
    assert summary.applied == 5
    assert summary.duplicates == 0
    assert customers_on_server(world, names) == sorted(names)
    assert_equal_to_server(world, phone)


def test_push_dropped_after_the_server_committed(world: World, proxy: FaultProxy) -> None:
    phone = world.device(world.alice, url=proxy.url)
    names = {f"Klant {i}" for i in range(5)}
    for name in sorted(names):
        phone.customer(name=name)
    proxy.add(Fault("drop_after", path="/sync/push"))
    summary = phone.sync()
    # The retry found every mutation applied already: nothing twice, nothing lost. Each
    # duplicate carried the first attempt's answer, settled as if it had arrived.
    assert summary.duplicates == 5
    assert summary.applied == 5
    assert customers_on_server(world, names) == sorted(names)
    assert phone.pending() == 0
    assert phone.issues() == []  # the server shows every change: nothing to report
    assert_equal_to_server(world, phone)
    versions = {world.server_row(key[1]).version for key in world.server_records(world.alice)}
    assert len(versions) == len(world.server_records(world.alice))


def test_a_refusal_in_a_lost_answer_still_becomes_visible(world: World, proxy: FaultProxy) -> None:
    """When the server no longer keeps the first answer, ``duplicate`` does not say that a
    mutation was refused; the device checks what the server shows after the pull and reports
    the change it cannot find."""
    phone = world.device(world.alice, url=proxy.url)
    good = phone.customer(name="Goed BV")
    orphan = phone.add(Contact(customer_id="no-such-customer", last_name="Wees"))
    proxy.add(Fault("drop_after", path="/sync/push"))
    proxy.add(Fault("call", path="/sync/push", fn=lambda _request: forget_outcomes(world)))
    summary = phone.sync()
    assert summary.duplicates == 2
    issues = phone.issues()
    assert [(i.kind, i.record_id, i.code) for i in issues] == [
        ("rejected", orphan.id, "not_confirmed")
    ]
    assert issues[0].local_value["last_name"] == "Wees"
    assert phone.get(Contact, orphan.id) is None  # the device equals the server again
    assert phone.get(Customer, good.id) is not None
    assert_equal_to_server(world, phone)


def test_pull_dropped_mid_response(world: World, proxy: FaultProxy) -> None:
    total = seed_portfolio(world, world.alice, customers=12)
    phone = world.device(world.alice, url=proxy.url, options=replace(FAST, pull_limit=300))
    proxy.add(Fault("truncate", path="/sync/pull", skip=1, times=2, fraction=0.4))
    summary = phone.sync()
    truncated = [e for e in proxy.requests("/sync/pull") if e.fault == "truncate"]
    assert len(truncated) == 2
    assert summary.pulled >= total
    assert_equal_to_server(world, phone)


def test_server_errors_are_retried_with_backoff(world: World, proxy: FaultProxy) -> None:
    phone = world.device(world.alice, url=proxy.url)
    phone.customer(name="Na de storing")
    proxy.add(Fault("respond", path="/sync/push", status=500, times=2))
    proxy.add(Fault("respond", path="/sync/pull", status=503, times=2))
    summary = phone.sync()
    assert summary.applied == 1
    statuses = [e.status for e in proxy.requests("/sync/")]
    assert statuses == [500, 500, 200, 503, 503, 200]
    assert_equal_to_server(world, phone)


def test_rate_limited_with_retry_after_waits_as_asked(world: World, proxy: FaultProxy) -> None:
    phone = world.device(world.alice, url=proxy.url)
    phone.customer(name="Geduld BV")
    proxy.add(
        Fault(
            "respond",
            path="/sync/push",
            status=429,
            headers={"Retry-After": "1"},
            body=b'{"error":{"code":"rate_limited","message":"Te druk.","details":null}}',
        )
    )
    phone.sync()
    first, second = proxy.requests("/sync/push")
    assert first.status == 429
    assert second.status == 200
    assert second.started - first.finished >= 0.95  # backoff alone would be ~0.02 s
    assert_equal_to_server(world, phone)


def test_token_expiry_mid_sync_refreshes_and_resumes(world: World, proxy: FaultProxy) -> None:
    seed_portfolio(world, world.alice, customers=10)
    phone = world.device(world.alice, url=proxy.url, options=replace(FAST, pull_limit=200))
    phone.customer(name="Voor het verlopen")
    phone.client.login()

    def expire(request: Request) -> None:
        world.expire_access_tokens(world.alice)

    proxy.add(Fault("call", path="/sync/pull", skip=1, fn=expire))
    summary = phone.sync()
    paths = [(e.path, e.status) for e in proxy.requests()]
    assert ("/auth/refresh", 200) in paths
    assert ("/sync/pull", 401) in paths
    assert summary.pages > 2
    assert [p for p, _ in paths].count("/auth/token") == 1  # the refresh token did it
    assert_equal_to_server(world, phone)


def test_the_same_push_twice_at_once(world: World, proxy: FaultProxy) -> None:
    """The first push's answer is slower than the client's patience; it sends again while the
    server is still at the first. One applies, the other finds it done."""
    phone = world.device(world.alice, url=proxy.url)
    phone.http.timeout = phone.http.timeout.__class__(0.3)
    names = {f"Dubbel {i}" for i in range(4)}
    for name in sorted(names):
        phone.customer(name=name)
    proxy.add(Fault("delay", path="/sync/push", seconds=0.8))
    summary = phone.sync()
    deadline = time.monotonic() + 5
    while len(proxy.requests("/sync/push")) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # the first, slow exchange is logged when the proxy gives up on it
    assert len(proxy.requests("/sync/push")) >= 2
    assert summary.duplicates == 4
    assert not summary.new_client_id
    assert customers_on_server(world, names) == sorted(names)
    assert phone.pending() == 0
    assert phone.issues() == []
    assert_equal_to_server(world, phone)


def test_identical_pushes_sent_concurrently_apply_once(world: World) -> None:
    phone = world.device(world.alice)
    for i in range(20):
        phone.customer(name=f"Gelijk {i}")
    with phone.store.read() as session:
        batch = store_queries.pending_mutations(session)
    wire = [
        {
            "mid": m.mid,
            "collection": m.collection,
            "op": m.op,
            "id": m.record_id,
            "base_version": m.base_version,
            "fields": m.fields,
        }
        for m in batch
    ]
    phone.client.login()
    answers = []
    barrier = threading.Barrier(3)

    def send() -> None:
        barrier.wait()
        answers.append(phone.client.push(phone.store.client_id, wire))

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(r.status.value for a in answers for r in a.results)
    assert statuses == ["applied"] * 20 + ["duplicate"] * 40


def test_killed_between_writing_a_page_and_its_cursor(world: World) -> None:
    """A page and its cursor commit together: a crash before the commit loses both, and the
    next sync fetches that page again (harmless), never skipping it."""
    total = seed_portfolio(world, world.alice, customers=10)
    pages = 0

    def crash(uow: object, page: PullPage) -> None:
        nonlocal pages
        pages += 1
        if pages == 3:
            raise KeyboardInterrupt("power cut")

    options = replace(FAST, pull_limit=150, prefetch=False)
    phone = world.device(world.alice, options=options, hooks=EngineHooks(before_page_commit=crash))
    with pytest.raises(KeyboardInterrupt):
        phone.sync()
    cursor_after_crash = int(phone.state("cursor") or 0)
    assert cursor_after_crash > 0  # two pages were in
    summary = phone.sync()
    # The third page came again, the first two did not.
    assert total - 2 * 150 <= summary.pulled <= total - 2 * 150 + 150
    assert_equal_to_server(world, phone)


def test_an_interrupted_initial_sync_resumes_where_it_stopped(
    world: World, proxy: FaultProxy
) -> None:
    total = seed_portfolio(world, world.alice, customers=25)
    options = replace(FAST, pull_limit=250, stall_timeout=0.4, prefetch=False)
    phone = world.device(world.alice, url=proxy.url, options=options)
    proxy.add(Fault("drop_before", path="/sync/pull", skip=4, times=10_000))
    with pytest.raises(SyncStalledError):
        phone.sync()
    first = phone.state("cursor")
    assert first is not None
    assert int(first) > 0
    proxy.clear()
    proxy.reset_counters()
    summary = phone.sync()
    pulls = proxy.requests("/sync/pull")
    assert int(pulls[0].query["cursor"][0]) == int(first)  # resumed, not started over
    assert summary.pulled < total
    assert_equal_to_server(world, phone)


def test_no_progress_gives_up_after_the_stall_timeout(world: World, proxy: FaultProxy) -> None:
    phone = world.device(world.alice, url=proxy.url, options=replace(FAST, stall_timeout=1.0))
    phone.customer(name="Offline BV")
    proxy.add(Fault("drop_before", path="/", times=10_000))
    started = time.monotonic()
    with pytest.raises(SyncStalledError) as raised:
        phone.sync()
    assert 0.8 <= time.monotonic() - started < 5
    assert raised.value.retryable
    assert "verbinding" in raised.value.message.lower() or "voortgang" in raised.value.message
    assert phone.pending() == 1  # kept for later


def test_a_slow_link_that_keeps_moving_is_not_cut_off(world: World) -> None:
    """Stall timeout, not total timeout: the whole sync takes far longer than the timeout."""
    seed_portfolio(world, world.alice, customers=12)
    down_bps = 400_000
    link = Link(rtt=0.05, down_bps=down_bps, up_bps=200_000)
    with FaultProxy(world.backend.url, link=link) as slow:
        options = replace(FAST, stall_timeout=0.7, pull_limit=5000)
        phone = world.device(world.alice, url=slow.url, options=options)
        phone.http.timeout = phone.http.timeout.__class__(0.7)
        started = time.monotonic()
        summary = phone.sync()
        took = time.monotonic() - started
        (page,) = slow.requests("/sync/pull")
        # The page alone needs longer on this link than both timeouts together (whatever the
        # page's compression), so a total timeout would have cut it off.
        assert page.down_bytes * 8 / down_bps > 1.4, page.down_bytes
        assert took > 1.4
        assert summary.pages == 1  # one page that took longer than the timeouts
    assert_equal_to_server(world, phone)


def test_pushes_too_large_for_the_server_are_split_and_an_oversized_one_refused(
    world: World, proxy: FaultProxy
) -> None:
    """A 413 makes the batch smaller; a single change the server cannot take is shown to the
    user as refused instead of blocking everything behind it."""
    phone = world.device(world.alice, url=proxy.url)
    customers = [phone.customer(name=f"Klant {i}", notes="x" * 3000) for i in range(8)]
    huge = phone.customer(name="Enorm", notes=secrets.token_urlsafe(15_000)[:20_000])  # random
    later = phone.customer(name="Daarna")
    too_large = b'{"error":{"code":"payload_too_large","message":"Te groot.","details":null}}'
    proxy.add(
        Fault("respond", path="/sync/push", status=413, body=too_large, times=100, min_bytes=12_000)
    )
    summary = phone.sync()
    assert summary.rejected == 1
    (issue,) = phone.issues()
    assert (issue.record_id, issue.code) == (huge.id, "too_large")
    assert phone.pending() == 0
    assert phone.get(Customer, huge.id) is None  # never reached the server; kept in the issue
    server = world.server_records(world.alice)
    for customer in [*customers, later]:
        assert ("customers", customer.id) in server
    assert len(proxy.requests("/sync/push")) > 2  # split into smaller batches
    assert_equal_to_server(world, phone)
