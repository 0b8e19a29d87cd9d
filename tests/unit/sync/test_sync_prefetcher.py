"""``PagePrefetcher`` on its own: it stays ``depth`` pages ahead, hands pages out in order,
raises a failure where it happened, and stops when told (the engine's use of it is covered
against the real server in tests/integration/sync/test_sync_prefetch.py)."""

from __future__ import annotations

import threading
import time

import pytest

from fieldsales.sync.client import PullPage
from fieldsales.sync.errors import SyncCancelledError, SyncOfflineError
from fieldsales.sync.prefetch import PagePrefetcher


def page(cursor: int, *, more: bool = True, reset: bool = False) -> PullPage:
    return PullPage(
        epoch="e", cursor=cursor, more=more, reset=reset, records=[], remaining=None, revoked=[]
    )


class Server:
    """Pages 1..last (cursor = page number); fails at ``fail_at``; counts requests."""

    def __init__(self, last: int, fail_at: int | None = None, reset_at: int | None = None):
        self.last, self.fail_at, self.reset_at = last, fail_at, reset_at
        self.requested: list[int] = []

    def fetch(self, cursor: int, epoch: str | None, halt: threading.Event) -> PullPage:
        number = cursor + 1
        self.requested.append(number)
        if number == self.fail_at:
            raise SyncOfflineError()
        return page(number, more=number < self.last, reset=number == self.reset_at)


def prepared(p: PullPage) -> tuple[str, int]:
    return ("prepared", p.cursor)


def settle() -> None:
    time.sleep(0.15)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_stays_depth_pages_ahead_and_hands_them_out_in_order(depth: int) -> None:
    server = Server(last=6)
    ahead = PagePrefetcher(server.fetch, prepared, depth=depth, name="t").start(0, "e")
    cancel = threading.Event()
    settle()
    assert server.requested == list(range(1, depth + 1))  # nothing taken yet: depth ahead
    assert ahead.next(cancel) == ("prepared", 1)
    settle()
    assert server.requested == list(range(1, depth + 2))  # one taken, one more requested
    got = [ahead.next(cancel) for _ in range(5)]
    assert got == [("prepared", n) for n in range(2, 7)]
    ahead.thread.join(timeout=2)
    assert not ahead.thread.is_alive()  # ends after the last page
    assert server.requested == [1, 2, 3, 4, 5, 6]


def test_a_failure_is_raised_after_the_pages_before_it_and_ends_the_producer() -> None:
    server = Server(last=6, fail_at=3)
    ahead = PagePrefetcher(server.fetch, prepared, depth=3, name="t").start(0, "e")
    cancel = threading.Event()
    assert ahead.next(cancel) == ("prepared", 1)
    assert ahead.next(cancel) == ("prepared", 2)
    with pytest.raises(SyncOfflineError):
        ahead.next(cancel)
    ahead.thread.join(timeout=2)
    assert server.requested == [1, 2, 3]  # nothing fetched after the failure


def test_a_page_asking_for_a_reset_is_handed_out_bare_and_ends_the_producer() -> None:
    server = Server(last=6, reset_at=2)
    ahead = PagePrefetcher(server.fetch, prepared, depth=3, name="t").start(0, "e")
    cancel = threading.Event()
    assert ahead.next(cancel) == ("prepared", 1)
    second = ahead.next(cancel)
    assert isinstance(second, PullPage)
    assert second.reset
    ahead.thread.join(timeout=2)
    assert server.requested == [1, 2]


def test_stop_and_cancel_answer_while_a_request_hangs() -> None:
    release = threading.Event()

    def hanging(cursor: int, epoch: str | None, halt: threading.Event) -> PullPage:
        release.wait(5)
        return page(cursor + 1)

    ahead = PagePrefetcher(hanging, prepared, depth=2, name="t").start(0, "e")
    cancel = threading.Event()
    cancel.set()
    started = time.monotonic()
    with pytest.raises(SyncCancelledError):
        ahead.next(cancel)
    assert time.monotonic() - started < 0.5
    left = ahead.stop()
    assert left is ahead.thread  # still waiting for its request: the engine joins it later
    release.set()
    left.join(timeout=2)
    assert not left.is_alive()  # halted: it fetched no further page


def test_depth_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least one"):
        PagePrefetcher(Server(1).fetch, prepared, depth=0, name="t")
