"""Getting work from other threads onto a Flet page, the one way that is safe in Flet 1.0.5.

Flet runs every handler on the session's asyncio loop and changes controls only there. The sync
engine reports from its own threads, so its news is handed to the loop with ``page.run_task``
(``asyncio.run_coroutine_threadsafe`` underneath). A task is no event handler: Flet sends
nothing by itself afterwards, so the task calls ``page.update()`` when it has changed the
controls. A session whose browser went away has no connection (and no loop) until it
reconnects; then the news is dropped and the page refreshes on reconnect instead.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

import flet as ft

log = logging.getLogger(__name__)

T = TypeVar("T")


def run_on_page(page: ft.Page, fn: Callable[[], None]) -> bool:
    """Run ``fn`` on ``page``'s loop, then send the page; from any thread.

    Returns False when the session has no connection right now (nothing was scheduled).
    """

    async def run() -> None:
        try:
            fn()
            page.update()
        except Exception:  # a failed refresh must not take the session down
            log.exception("update from another thread failed")

    try:
        connection = page.session.connection
    except RuntimeError:  # the session is gone
        return False
    if connection is None or connection.loop.is_closed():
        return False  # the browser went away (or the app is shutting down)
    try:
        page.run_task(run)
    except RuntimeError:  # the loop closed in between
        return False
    return True


class Latest(Generic[T]):
    """Hands only the newest of a burst of values to the page (progress, statuses).

    ``push`` may be called hundreds of times a second from a sync thread; the page gets one
    update per loop turn with the value current at that moment.
    """

    def __init__(self, page: ft.Page, show: Callable[[T], None]) -> None:
        self.page = page
        self.show = show
        self._lock = threading.Lock()
        self._value: T | None = None
        self._scheduled = False

    def push(self, value: T) -> None:
        with self._lock:
            self._value = value
            if self._scheduled:
                return
            self._scheduled = True
        if not run_on_page(self.page, self._deliver):
            with self._lock:
                self._scheduled = False

    def _deliver(self) -> None:
        with self._lock:
            value, self._value = self._value, None
            self._scheduled = False
        if value is not None:
            self.show(value)


class Stopped(Exception):
    """The user stopped a job; its thread winds down on its own at its next step."""


async def run_stoppable(fn: Callable[[], T], stop: asyncio.Event) -> T:
    """``fn()`` on a worker thread; its result, or ``Stopped`` as soon as ``stop`` is set.

    A sync stuck in a request notices its cancel flag only when the request returns (up to
    the connection's stall timeout); the screen does not wait for that. ``fn`` must watch the
    same stop (a ``threading.Event`` set together with ``stop``) to end its work.
    """
    job = asyncio.ensure_future(asyncio.to_thread(fn))
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({job, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
    if job.done():
        return job.result()
    # Left running: collect its outcome (a cancellation, usually) so nothing is reported
    # as "never retrieved".
    job.add_done_callback(lambda f: f.cancelled() or f.exception())
    raise Stopped()
