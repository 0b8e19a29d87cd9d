"""Syncing without the user asking: a background thread the app starts and stops.

It syncs when local changes wait and the server is reachable (shortly after a change, so a
burst of edits goes up as one push), pulls every ``pull_interval`` seconds anyway, and when
offline checks for a connection with a cheap ``/health`` call at a growing interval rather than
retrying full syncs. It never blocks the UI: the app reads ``status`` (or subscribes to it) for
the indicator (last sync, pending count, online or offline) and gets ``on_finished`` with the
summary when a sync brought something to look at.

The day-end batch (``day_end``) runs the same engine, on the caller's thread, with a patient
stall timeout and progress; the engine's per-store lock keeps it and the loop from overlapping.

Callbacks run on the sync thread; a Flet app hands them to its page (``page.run_task`` /
``page.update()``) itself.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from fieldsales.records.base import utcnow
from fieldsales.store import Store
from fieldsales.store import queries as store_queries
from fieldsales.sync.client import SyncClient, Tokens
from fieldsales.sync.engine import LAST_SYNC, ProgressCallback, SyncEngine, SyncOptions
from fieldsales.sync.errors import (
    SyncAuthError,
    SyncCancelledError,
    SyncError,
    SyncOfflineError,
    SyncRetryableError,
    SyncStalledError,
    SyncTimeoutError,
)
from fieldsales.sync.summary import Progress, SyncSummary

log = logging.getLogger(__name__)

#: Background syncs give up sooner than the day-end: the loop tries again anyway.
BACKGROUND_OPTIONS = SyncOptions(stall_timeout=30.0)
#: The deliberate day-end sync waits longer through a poor connection before it gives up.
DAY_END_OPTIONS = SyncOptions(stall_timeout=120.0)

REFRESH_TOKEN = "refresh_token"


class SyncState(StrEnum):
    IDLE = "idle"
    SYNCING = "syncing"
    OFFLINE = "offline"
    NEEDS_LOGIN = "needs_login"  # the server no longer accepts the credentials
    ERROR = "error"  # the server refused something; the message says what
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """What the sync indicator shows. Immutable: a new one is published on every change."""

    state: SyncState
    online: bool | None  # None until the first attempt
    pending: int  # local changes waiting to be pushed
    last_sync_at: datetime | None  # the last complete sync (this or an earlier session)
    last_attempt_at: datetime | None = None
    message: str | None = None  # Dutch, for the user, when something is wrong
    code: str | None = None  # the error's stable code
    progress: Progress | None = None  # while syncing
    last_summary: SyncSummary | None = None


def _read_last_sync(store: Store) -> tuple[int, datetime | None]:
    with store.read() as session:
        pending = store_queries.count_pending(session)
        raw = store_queries.get_state(session, LAST_SYNC)
    try:
        return pending, datetime.fromisoformat(raw) if raw else None
    except ValueError:
        return pending, None


def stored_tokens(store: Store) -> tuple[Tokens | None, Callable[[Tokens | None], None]]:
    """A session kept across app starts: the refresh token in the store's sync state.

    Returns the tokens to start a ``SyncClient`` with and the ``on_tokens`` callback that keeps
    the stored refresh token current (and forgets it on logout). The refresh token lives in the
    app's private data file, next to the data it gives access to.
    """
    with store.read() as session:
        refresh = store_queries.get_state(session, REFRESH_TOKEN)
    tokens = (
        Tokens(access_token="", refresh_token=refresh, access_expires_at=0.0) if refresh else None
    )

    def save(new: Tokens | None) -> None:
        with store.unit_of_work(applying_sync=True) as uow:
            store_queries.set_state(
                uow.session, REFRESH_TOKEN, new.refresh_token if new is not None else None
            )
            uow.commit()

    return tokens, save


class BackgroundSync:
    """The app's sync loop. ``start()`` once the user is known, ``stop()`` when closing."""

    def __init__(
        self,
        store: Store,
        client: SyncClient,
        *,
        options: SyncOptions = BACKGROUND_OPTIONS,
        pull_interval: float = 300.0,
        change_poll_interval: float = 5.0,
        debounce: float = 2.0,
        offline_interval: float = 10.0,
        offline_interval_max: float = 300.0,
        on_status: Callable[[SyncStatus], None] | None = None,
        on_finished: Callable[[SyncSummary], None] | None = None,
    ) -> None:
        self.store = store
        self.client = client
        self.engine = SyncEngine(store, client, options=options)
        self.pull_interval = pull_interval
        self.change_poll_interval = change_poll_interval
        self.debounce = debounce
        self.offline_interval = offline_interval
        self.offline_interval_max = offline_interval_max
        self.on_finished = on_finished
        self._listeners: list[Callable[[SyncStatus], None]] = []
        if on_status is not None:
            self._listeners.append(on_status)
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._requested = False
        self._full_requested = False
        self._paused_for_login = False
        self._next_pull = 0.0  # monotonic time of the next periodic pull (0: at start)
        self._retry_at = 0.0  # while offline or failing: not before this
        self._retry_interval = offline_interval
        pending, last = _read_last_sync(store)
        self._status = SyncStatus(
            state=SyncState.STOPPED, online=None, pending=pending, last_sync_at=last
        )

    # --- status --------------------------------------------------------------------------------

    @property
    def status(self) -> SyncStatus:
        with self._lock:
            return self._status

    def subscribe(self, listener: Callable[[SyncStatus], None]) -> Callable[[], None]:
        """Call ``listener`` with every new status; returns the function that unsubscribes."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def _publish(self, **changes: object) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)  # type: ignore[arg-type]
            status = self._status
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(status)
            except Exception:  # a broken listener must not stop syncing
                log.exception("sync status listener failed")

    def _refresh_pending(self) -> int:
        pending, _last = _read_last_sync(self.store)
        if pending != self.status.pending:
            self._publish(pending=pending)
        return pending

    # --- control -------------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="fieldsales-sync", daemon=True)
        self._publish(state=SyncState.IDLE)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the loop; a sync under way is cancelled at its next step (what is done stays)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._publish(state=SyncState.STOPPED, progress=None)

    def notify_change(self) -> None:
        """A local change was saved: push it soon (a burst of changes goes up together)."""
        self._refresh_pending()
        with self._lock:
            self._requested = True
        self._wake.set()

    def sync_now(self, *, full: bool = False) -> None:
        """Sync at once (the user pulled to refresh); ``full`` re-pulls everything."""
        with self._lock:
            self._requested = True
            self._full_requested = self._full_requested or full
            self._retry_at = 0.0
            self._paused_for_login = False
        self._wake.set()

    def credentials_changed(self) -> None:
        """The user logged in again after ``NEEDS_LOGIN``: resume syncing."""
        self.sync_now()

    # --- the day-end batch ---------------------------------------------------------------------

    def day_end(
        self, *, progress: ProgressCallback | None = None, cancel: threading.Event | None = None
    ) -> SyncSummary:
        """The deliberate end-of-day sync, on the caller's thread (run it off the UI thread)."""
        engine = SyncEngine(self.store, self.client, options=DAY_END_OPTIONS)
        return self._run(engine, progress=progress, cancel=cancel or self._stop, full=False)

    # --- the loop ------------------------------------------------------------------------------

    def _loop(self) -> None:
        while not self._stop.is_set():
            now = time.monotonic()
            with self._lock:
                requested, full = self._requested, self._full_requested
                paused = self._paused_for_login
            pending = self._refresh_pending()
            if not paused and now >= self._retry_at:
                if requested:
                    # Give a burst of edits a moment to finish, then take them all.
                    if self._stop.wait(self.debounce):
                        return
                    self._attempt(full=full)
                    continue
                if now >= self._next_pull or pending > 0:
                    self._attempt(full=False)
                    continue
            wait = self.change_poll_interval
            if not paused:
                upcoming = self._retry_at if self._retry_at > now else self._next_pull
                wait = min(wait, upcoming - now)
            self._wake.wait(max(0.05, wait))
            self._wake.clear()

    def _attempt(self, *, full: bool) -> None:
        with self._lock:
            self._requested = False
            self._full_requested = False
        if self.status.online is False and not self.client.health():
            self._offline(None)
            return
        try:
            self._run(self.engine, progress=None, cancel=self._stop, full=full)
        except SyncCancelledError:
            return
        except SyncError:
            return  # recorded in the status by _run
        except Exception:
            log.exception("background sync failed")
            self._retry_at = time.monotonic() + self.pull_interval

    def _run(
        self,
        engine: SyncEngine,
        *,
        progress: ProgressCallback | None,
        cancel: threading.Event,
        full: bool,
    ) -> SyncSummary:
        self._publish(state=SyncState.SYNCING, last_attempt_at=utcnow(), progress=None)

        def report(step: Progress) -> None:
            self._publish(progress=step)
            if progress is not None:
                progress(step)

        try:
            summary = engine.run(progress=report, cancel=cancel, full=full)
        except SyncAuthError as exc:
            with self._lock:
                self._paused_for_login = True
            self._publish(
                state=SyncState.NEEDS_LOGIN, message=exc.message, code=exc.code, progress=None
            )
            raise
        except SyncCancelledError:
            self._publish(state=SyncState.STOPPED if self._stop.is_set() else SyncState.IDLE)
            raise
        except SyncRetryableError as exc:
            self._offline(exc)
            raise
        except SyncError as exc:
            self._retry_at = time.monotonic() + self.pull_interval
            self._publish(state=SyncState.ERROR, message=exc.message, code=exc.code, progress=None)
            raise
        self._next_pull = time.monotonic() + self.pull_interval
        self._retry_at = 0.0
        self._retry_interval = self.offline_interval
        pending, last = _read_last_sync(self.store)
        self._publish(
            state=SyncState.IDLE,
            online=True,
            pending=pending,
            last_sync_at=last,
            message=None,
            code=None,
            progress=None,
            last_summary=summary,
        )
        if self.on_finished is not None:
            try:
                self.on_finished(summary)
            except Exception:
                log.exception("sync finished callback failed")
        return summary

    def _offline(self, error: SyncRetryableError | None) -> None:
        """Not reachable (or failing): back off, and probe cheaply before the next full try."""
        wait = self._retry_interval
        if error is not None and error.retry_after:
            wait = max(wait, error.retry_after)
        self._retry_at = time.monotonic() + wait
        self._retry_interval = min(self.offline_interval_max, self._retry_interval * 2)
        cause = error.cause if isinstance(error, SyncStalledError) else error
        unreachable = error is None or isinstance(cause, SyncOfflineError | SyncTimeoutError)
        self._publish(
            state=SyncState.OFFLINE if unreachable else SyncState.ERROR,
            online=False if unreachable else self.status.online,
            message=(error.message if error is not None else SyncOfflineError.message),
            code=(error.code if error is not None else SyncOfflineError.code),
            progress=None,
        )


def day_end_sync(
    store: Store,
    client: SyncClient,
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    options: SyncOptions = DAY_END_OPTIONS,
) -> SyncSummary:
    """The day-end batch without a background loop (the terminal command, scripts)."""
    return SyncEngine(store, client, options=options).run(progress=progress, cancel=cancel)
