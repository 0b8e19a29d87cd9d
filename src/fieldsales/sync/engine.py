"""The sync engine: push the outbox, then pull until done, without ever losing a change.

One ``SyncEngine.run()``:

1. **Who**: the store belongs to one user. The first sync records the account (``/auth/me``);
   syncing it later as somebody else is refused (``SyncWrongUserError``).
2. **Push** the outbox in mid order, ``push_batch`` mutations per request. Before a batch is
   sent the highest mid sent so far (``attempted_mid``) is stored, so an answer ``duplicate``
   means one of two things: a retry of a push whose answer was lost (mid <= attempted_mid), or
   a mid this store never sent, which only happens when the store is a *copy* (restored from a
   backup, cloned onto a second phone) of one the server already heard from with the same
   client id. The copy then takes a new client id and sends the batch again from that mid on.
   The answers are settled in one local transaction together with removing the batch from the
   outbox: conflict copies and rejections become ``sync_issues`` rows, a refused record is
   taken back to what the server has (see *repair*), a record the server applied exactly gets
   its new version. A ``duplicate`` that carries the ``outcome`` of the push that applied it
   (the server keeps recent answers) is settled exactly as that answer would have been.
3. **Pull** pages after the stored cursor; each page and its cursor are written in one
   transaction (``store.sync_apply.apply_pulled``), so a repeated page is harmless and an
   interrupted initial sync resumes where it stopped. Unpushed local fields win over pulled
   ones. The next page is requested (one page ahead, on a prefetch thread that sends the GET,
   decodes the answer and builds its rows) before the current one is written, so the server
   and the device work at the same time; every decision stays in page order. Customers
   the page says left the user's scope (``revoked``) are purged first, locally
   (``store.purge``); their unpushed changes become visible issues. Pages say how many records
   follow (``remaining``), so progress reports a real fraction.
4. **Reset** when the server says so (a new epoch after a restore from backup, a cursor below
   the tombstone horizon) or the app learnt new collections: everything is pulled again from
   cursor 0 while the outbox is kept and pushed. Local records the complete re-pull did not
   bring are removed, except, after a restore, the user's own records the server lost: those
   are queued again so the server gets them back. What the re-pull has seen is stored with each
   page, so an interrupted reset resumes at its cursor instead of starting again from 0.
5. **Repair**: records whose change the server refused are removed locally and pulled again
   from their version, so the device ends equal to the server (the refused values stay visible
   in the rejection). A push whose answer was lost and came back as ``duplicate`` without an
   outcome (the server no longer keeps it) is checked after the pull: a change the server
   does not show becomes a visible issue.

6. **Attachments**: bytes that no record on the device names any more (purged with a
   customer, tombstoned by a pull, deleted here) are removed after the records committed,
   then the attachment phase moves files up and down, reporting its progress.

Transient failures (no connection, 5xx, 429, a stalled transfer) are retried with exponential
backoff and jitter, at least as long as ``Retry-After`` asks; the engine gives up only when
nothing progressed for ``stall_timeout`` seconds (``SyncStalledError``), never on a total
time, so a slow link that keeps moving finishes. A 401 is handled by the client (refresh, then
log in again) and the sync resumes where it was.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import orjson
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col

from fieldsales.domain.enums import FollowUpStatus
from fieldsales.records import COLLECTIONS, Customer, FollowUp, Scope
from fieldsales.records.base import utcnow
from fieldsales.store import Store, UnitOfWork, sync_apply
from fieldsales.store import queries as store_queries
from fieldsales.store.errors import StoreError
from fieldsales.store.local_tables import sync_issues, sync_state
from fieldsales.store.outbox import DELETE, PendingMutation
from fieldsales.store.purge import purge_customers
from fieldsales.sync._gc import gc_paused
from fieldsales.sync.attachments import (
    AttachmentOptions,
    AttachmentStep,
    sweep_unreferenced,
    transfer_attachments,
)
from fieldsales.sync.client import PullPage, SyncClient
from fieldsales.sync.errors import (
    SyncAuthError,
    SyncCancelledError,
    SyncError,
    SyncRetryableError,
    SyncServerError,
    SyncStalledError,
    SyncTooLargeError,
    SyncWrongUserError,
)
from fieldsales.sync.prefetch import PagePrefetcher
from fieldsales.sync.protocol import MutationResult, PushResponse, ResultStatus
from fieldsales.sync.summary import FollowUpDue, Phase, Progress, SyncSummary

T = TypeVar("T")

# Keys of the store's sync_state table owned by the engine.
CURSOR = "cursor"
EPOCH = "server_epoch"
ACCOUNT = "account_id"
USERNAME = "username"
CLIENT_ID = "sync_client_id"  # overrides the store's client_id once a copy was detected
ATTEMPTED = "attempted_mid"  # highest mid sent under the current client id
RESET = "reset_pending"  # a re-pull from 0 is under way: its kind
RESET_PAGES = "reset_pages"  # pages of the re-pull applied so far (their ids: RESET_SEEN + n)
RESET_SEEN = "reset_seen:"  # JSON {collection: [id, ...]} a page of the re-pull brought
REPAIR_FROM = (
    "repair_from"  # pull again from here: refused records come back as the server has them
)
UNCONFIRMED = "unconfirmed"  # JSON: mutations answered only with "duplicate" (answer lost)
COLLECTIONS_SEEN = "collections"  # the collections the last complete pull knew
LAST_SYNC = "last_sync_at"  # read by the UI's sync indicator (display only)
LAST_FULL = "last_full_sync_at"  # when everything was last pulled from cursor 0 (wall clock)
#: Name prefix of the pull's prefetch thread (tests look for leftovers by it).
PREFETCH_THREAD = "fieldsales-prefetch"

#: Fields whose conflicts are bookkeeping, not the user's data.
_NO_CONFLICT_COPY = frozenset({"updated_at", "created_at"})
#: Collections a user writes themselves: after a server restore these are pushed back.
_OWN_SCOPES = frozenset({Scope.CUSTOMER, Scope.OWNER})

ProgressCallback = Callable[[Progress], None]
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SyncOptions:
    """Tuning of a sync run. The defaults suit a phone on a mobile link."""

    push_batch: int = 500  # mutations per push request
    pull_limit: int = 5000  # records per pull page (the server caps it, 10,000 by default)
    min_pull_limit: int = 200  # pages shrink to this after failures on a poor link
    stall_timeout: float = 60.0  # give up when nothing progressed for this long
    backoff_initial: float = 0.5
    backoff_max: float = 30.0
    prefetch: bool = True  # fetch the next pages while writing this one
    #: How many pages the prefetch may fetch ahead of the one being written (``sync.prefetch``).
    prefetch_pages: int = 2
    follow_ups_limit: int = 50
    #: Pull everything again this often (seconds; None: never on its own). The server tells a
    #: device when a customer leaves its scope (``revoked``), so this is only a safety net for
    #: whatever a device could still hold by mistake: a month keeps it rare (it moves ~19 MB).
    full_every: float | None = 30 * 24 * 3600


@dataclass
class EngineHooks:
    """Test seams: called inside the page's transaction, before its commit."""

    before_page_commit: Callable[[UnitOfWork, PullPage], None] | None = None
    before_push_settled: Callable[[UnitOfWork, PushResponse], None] | None = None


_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _store_lock(path: Path) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(path.resolve(), threading.Lock())


def collections_fingerprint() -> str:
    return ",".join(sorted(COLLECTIONS))


@dataclass(frozen=True, slots=True)
class _Page:
    page: PullPage
    prepared: sync_apply.PreparedPage


def _prepare(page: PullPage) -> sync_apply.PreparedPage:
    try:
        with gc_paused():
            return sync_apply.prepare_page(page.records)
    except sync_apply.PulledRecordError as exc:
        raise SyncServerError(
            "De server stuurde gegevens die deze app niet kan lezen.",
            code="sync_bad_record",
            details=str(exc),
        ) from exc


@dataclass
class _Run:
    summary: SyncSummary
    progress: ProgressCallback | None
    cancel: threading.Event
    last_progress: float
    up_done: int = 0
    up_total: int = 0
    down_received: int = 0  # records in the pages of this pull phase so far
    down_total: int | None = None  # down_received + what the last page said remains
    resetting: bool = False
    files: AttachmentStep | None = None  # the attachment phase so far
    first_issue_id: int = 0
    phase: Phase = Phase.LOGIN


class SyncEngine:
    """Synchronises one store with the server through one ``SyncClient``.

    ``run`` may be called again and again (the background loop does); runs on the same store
    file are serialised within the process.
    """

    def __init__(
        self,
        store: Store,
        client: SyncClient,
        *,
        options: SyncOptions | None = None,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
        hooks: EngineHooks | None = None,
    ) -> None:
        self.store = store
        self.client = client
        self.options = options or SyncOptions()
        self.rng = rng or random.Random()
        self.clock = clock
        self.hooks = hooks or EngineHooks()
        self._pull_limit = self.options.pull_limit
        self._lock = _store_lock(store.path)
        self._abandoned: list[threading.Thread] = []
        self._report_lock = threading.Lock()

    # --- state -----------------------------------------------------------------------------

    def state(self, key: str) -> str | None:
        with self.store.read() as session:
            return store_queries.get_state(session, key)

    @property
    def client_id(self) -> str:
        return self.state(CLIENT_ID) or self.store.client_id

    @contextmanager
    def _uow(self, *, durable: bool = True) -> Iterator[UnitOfWork]:
        """A unit of work of the engine. ``durable=False`` only for what the server holds too
        (pulled pages with their cursor, the time of the last sync): see ``store.engine``."""
        with self.store.unit_of_work(applying_sync=True, durable=durable) as uow:
            yield uow

    # --- the run ---------------------------------------------------------------------------

    def run(
        self,
        *,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        full: bool = False,
    ) -> SyncSummary:
        """Push, pull, repair; returns what happened. ``full`` re-pulls everything (a reset).

        Raises ``SyncError``: retryable ones (``SyncStalledError`` after the stall timeout)
        mean "try later", the others need the user. Whatever was done before the error is
        committed and stays done.
        """
        cancel = cancel or threading.Event()
        while not self._lock.acquire(timeout=0.2):
            if cancel.is_set():
                raise SyncCancelledError()
        try:
            summary = SyncSummary(started_at=utcnow())
            run = _Run(summary, progress, cancel, last_progress=self.clock())
            start_stats = self.client.stats.copy()
            with self.store.read() as session:
                run.first_issue_id = int(
                    session.execute(select(func.coalesce(func.max(sync_issues.c.id), 0))).scalar()
                    or 0
                )
            try:
                self._report(run, Phase.LOGIN)
                user_id = self._identify(run)
                self._push_all(run)
                self._pull_all(run, full=full)
                if summary.pages:
                    # Pulled pages were written without checkpoints; fold the WAL into the
                    # file meanwhile, rather than in the user's next save.
                    self.store.checkpoint_in_background()
                self._repair(run)
                with self._uow(durable=False) as uow:
                    store_queries.set_state(uow.session, LAST_SYNC, utcnow().isoformat())
                    uow.commit()
                self._sweep(run)
                self._attachments(run)
            finally:
                stats = self.client.stats.since(start_stats)
                summary.requests = stats.requests
                summary.bytes_sent = stats.bytes_sent
                summary.bytes_received = stats.bytes_received
            self._attention(run, user_id)
            summary.finished_at = utcnow()
            self._report(run, Phase.DONE)
            return summary
        finally:
            self._lock.release()

    def _report(
        self,
        run: _Run,
        phase: Phase,
        *,
        problem: SyncRetryableError | None = None,
        retry_in: float | None = None,
    ) -> None:
        run.phase = phase
        if run.progress is None:
            return
        # A prefetch's retries report from its thread: one callback at a time (the terminal's
        # bar and the UI's listeners need not be thread-safe).
        with self._report_lock:
            run.progress(
                Progress(
                    phase=phase,
                    up_done=run.up_done,
                    up_total=run.up_total,
                    down_done=run.summary.pulled + run.summary.deleted,
                    down_received=run.down_received,
                    down_total=run.down_total,
                    pages=run.summary.pages,
                    reset=run.resetting,
                    problem=problem.message if problem is not None else None,
                    retry_in=retry_in,
                    files_done=run.files.files_done if run.files else 0,
                    files_total=run.files.files_total if run.files else 0,
                    bytes_done=run.files.bytes_done if run.files else 0,
                    bytes_total=run.files.bytes_total if run.files else 0,
                )
            )

    def _progressed(self, run: _Run) -> None:
        run.last_progress = self.clock()

    # --- retrying ----------------------------------------------------------------------------

    def _backoff(self, attempt: int) -> float:
        """Exponential with "equal jitter": half fixed, half random, capped."""
        ceiling = min(self.options.backoff_max, self.options.backoff_initial * 2 ** (attempt - 1))
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)

    def _call(
        self,
        run: _Run,
        fn: Callable[[], T],
        *,
        on_retry: Callable[[], None] | None = None,
        halt: threading.Event | None = None,
    ) -> T:
        """``fn()`` until it works, a refusal, cancellation, or the stall timeout.

        ``halt`` stops a prefetch whose page is no longer wanted (the pull failed meanwhile).
        """
        attempt = 0
        while True:
            if run.cancel.is_set() or (halt is not None and halt.is_set()):
                raise SyncCancelledError()
            try:
                result = fn()
            except SyncAuthError:
                raise
            except SyncRetryableError as exc:
                attempt += 1
                delay = self._backoff(attempt)
                if exc.retry_after is not None:
                    delay = max(delay, exc.retry_after)
                waited = self.clock() - run.last_progress
                if waited + delay > self.options.stall_timeout:
                    raise SyncStalledError(exc, seconds=waited) from exc
                if on_retry is not None:
                    on_retry()
                self._report(run, run.phase, problem=exc, retry_in=delay)
                self._sleep(run, delay, halt)
                continue
            self._progressed(run)
            return result

    @staticmethod
    def _sleep(run: _Run, seconds: float, halt: threading.Event | None = None) -> None:
        """Wait, but wake up for a cancel (or a halted prefetch) within 0.1 s."""
        end = time.monotonic() + seconds
        while (remaining := end - time.monotonic()) > 0:
            if run.cancel.wait(min(0.1, remaining)) or (halt is not None and halt.is_set()):
                raise SyncCancelledError()

    # --- who -----------------------------------------------------------------------------------

    def _identify(self, run: _Run) -> str:
        account = self.state(ACCOUNT)
        username = self.state(USERNAME)
        given = (self.client.username or "").strip().lower() or None
        if account is not None and (given is None or given == username):
            return account
        me = self._call(run, self.client.me)
        if account is not None and account != me.user_id:
            raise SyncWrongUserError()
        with self._uow() as uow:
            store_queries.set_state(uow.session, ACCOUNT, me.user_id)
            store_queries.set_state(uow.session, USERNAME, me.username)
            uow.commit()
        return me.user_id

    # --- push ----------------------------------------------------------------------------------

    def _push_all(self, run: _Run) -> None:
        with self.store.read() as session:
            run.up_total = store_queries.count_pending(session)
        self._report(run, Phase.PUSH)
        size = self.options.push_batch
        while True:
            with self.store.read() as session:
                batch = store_queries.pending_mutations(session, limit=size)
            if not batch:
                return
            client_id, attempted_before = self._claim(batch[-1].mid)
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
            try:
                response, ours = self._push_batch(run, client_id, wire, attempted_before)
            except SyncTooLargeError:
                # More than the server takes in one request: smaller batches, down to one
                # mutation; one that is too large on its own is refused here, not queued forever.
                if len(batch) > 1:
                    size = max(1, len(batch) // 2)
                else:
                    self._too_large(run, batch[0])
                    run.up_done += 1
                continue
            if size < self.options.push_batch:
                size = min(self.options.push_batch, size * 2)
            settled = self._settle(run, batch, response, ours)
            run.up_done += settled
            with self.store.read() as session:
                run.up_total = run.up_done + store_queries.count_pending(session)
            self._report(run, Phase.PUSH)

    def _too_large(self, run: _Run, mutation: PendingMutation) -> None:
        refusal = MutationResult(
            mid=mutation.mid,
            status=ResultStatus.REJECTED,
            code="too_large",
            message=(
                "Deze wijziging is te groot om naar de server te sturen (bijvoorbeeld een heel "
                "lange tekst). Maak haar kleiner en sla haar opnieuw op."
            ),
        )
        with self._uow() as uow:
            store_queries.remove_pushed(uow.session, up_to_mid=mutation.mid)
            self._refused(uow, (mutation.collection, mutation.record_id), [(mutation, refusal)])
            uow.commit()
        run.summary.pushed += 1
        run.summary.rejected += 1

    def _push_batch(
        self, run: _Run, client_id: str, wire: list[dict[str, Any]], attempted_before: int
    ) -> tuple[PushResponse, int]:
        """Send one batch; returns the answer and the mid up to which a ``duplicate`` is ours.

        Once the batch went out and its answer was lost, a ``duplicate`` for any of its mids
        may be the server remembering that first attempt, so only the first attempt's answer
        can reveal a copied store.
        """
        tries = 0

        def send() -> PushResponse:
            nonlocal tries
            tries += 1
            return self.client.push(client_id, wire)

        response = self._call(run, send)
        ours = attempted_before if tries == 1 else max(attempted_before, wire[-1]["mid"])
        return response, ours

    def _claim(self, last_mid: int) -> tuple[str, int]:
        """Record that mids up to ``last_mid`` are about to be sent; (client id, previous)."""
        with self._uow() as uow:
            session = uow.session
            client_id = store_queries.get_state(session, CLIENT_ID) or self.store.client_id
            before = int(store_queries.get_state(session, ATTEMPTED) or 0)
            if last_mid > before:
                store_queries.set_state(session, ATTEMPTED, str(last_mid))
            uow.commit()
        return client_id, before

    def _settle(
        self,
        run: _Run,
        batch: list[PendingMutation],
        response: PushResponse,
        attempted_before: int,
    ) -> int:
        """Write the server's answers for ``batch``; returns how many mutations are done."""
        if [r.mid for r in response.results] != [m.mid for m in batch]:
            raise SyncServerError(
                "De server beantwoordde andere wijzigingen dan verstuurd.", code="sync_bad_response"
            )
        summary = run.summary
        copy_at = next(
            (
                i
                for i, r in enumerate(response.results)
                if r.status is ResultStatus.DUPLICATE and r.mid > attempted_before
            ),
            None,
        )
        done = batch if copy_at is None else batch[:copy_at]
        results = response.results[: len(done)]
        with self._uow() as uow:
            if self.hooks.before_push_settled is not None:
                self.hooks.before_push_settled(uow, response)
            session = uow.session
            if copy_at is not None:
                # This store is a copy: the server already has these mids from the original.
                store_queries.set_state(session, CLIENT_ID, str(uuid.uuid4()))
                store_queries.set_state(session, ATTEMPTED, "0")
                summary.new_client_id = True
            if done:
                store_queries.remove_pushed(session, up_to_mid=done[-1].mid)
            self._apply_results(uow, run, done, results)
            uow.commit()
        return len(done)

    def _apply_results(
        self,
        uow: UnitOfWork,
        run: _Run,
        batch: list[PendingMutation],
        results: list[MutationResult],
    ) -> None:
        summary = run.summary
        session = uow.session
        final: dict[tuple[str, str], tuple[int | None, int | None]] = {}  # key -> (base, version)
        unsure: set[tuple[str, str]] = set()  # merged or conflicted: the pull brings the truth
        pushed_last: dict[tuple[str, str, str], Any] = {}
        refused: dict[tuple[str, str], list[tuple[PendingMutation, MutationResult]]] = {}
        unconfirmed: list[dict[str, Any]] = []
        for mutation in batch:
            for name, value in mutation.fields.items():
                pushed_last[(mutation.collection, mutation.record_id, name)] = value
        for mutation, answer in zip(batch, results, strict=True):
            key = (mutation.collection, mutation.record_id)
            summary.pushed += 1
            if answer.status is ResultStatus.DUPLICATE:
                summary.duplicates += 1
            # A retry whose first answer was lost: settle it as that answer, when it came along.
            result = answer.original()
            status = result.status
            if status is ResultStatus.REJECTED:
                summary.rejected += 1
                refused.setdefault(key, []).append((mutation, result))
                continue
            if status is ResultStatus.DUPLICATE:
                unconfirmed.append(
                    {
                        "c": mutation.collection,
                        "id": mutation.record_id,
                        "op": mutation.op,
                        "mid": mutation.mid,
                        "f": mutation.fields,
                    }
                )
                continue
            if status is ResultStatus.APPLIED:
                summary.applied += 1
            elif status is ResultStatus.MERGED:
                summary.merged += 1
                unsure.add(key)
            else:
                summary.conflicted += 1
                unsure.add(key)
                self._conflict_copies(session, mutation, result, pushed_last)
            if result.version is not None:
                final[key] = (mutation.base_version, result.version)
        for (collection, record_id), (base, version) in final.items():
            if (collection, record_id) in unsure or version is None:
                continue
            sync_apply.confirm_version(
                uow, collection, record_id, base_version=base, version=version
            )
        for key, answers in refused.items():
            self._refused(uow, key, answers)
        self._remember_unconfirmed(uow, unconfirmed, batch)

    def _conflict_copies(
        self,
        session: Any,
        mutation: PendingMutation,
        result: MutationResult,
        pushed_last: dict[tuple[str, str, str], Any],
    ) -> None:
        cls = COLLECTIONS.get(mutation.collection)
        long_texts = cls.long_text_fields if cls is not None else frozenset()
        for conflict in result.conflicts:
            name = conflict.field
            if name in _NO_CONFLICT_COPY:
                continue
            ours = mutation.fields.get(name)
            final = pushed_last.get((mutation.collection, mutation.record_id, name), ours)
            if conflict.losing_value in (ours, final):
                continue  # nothing was lost: the "other" value is this device's own
            kind = "tekst" if name in long_texts else "waarde"
            store_queries.add_issue(
                session,
                kind="conflict",
                collection=mutation.collection,
                record_id=mutation.record_id,
                mid=mutation.mid,
                field=name,
                local_value=ours,
                server_value=conflict.losing_value,
                code="conflict",
                message=(
                    f"'{name}' was tegelijk elders gewijzigd. Uw {kind} is bewaard; de andere "
                    "versie staat hier, zodat u die kunt overnemen."
                ),
            )

    def _refused(
        self,
        uow: UnitOfWork,
        key: tuple[str, str],
        answers: list[tuple[PendingMutation, MutationResult]],
    ) -> None:
        """Keep refused changes visible and take the record back to the server's state."""
        collection, record_id = key
        exists, version = sync_apply.local_version(uow, collection, record_id)
        creation_refused = exists and version is None
        if creation_refused:
            # Never accepted: later edits of it would be refused too. One issue with the whole
            # record as the device has it, and the rest of its queue goes with it.
            mutation, result = answers[0]
            local = sync_apply.record_wire(uow, collection, record_id) or mutation.fields
            sync_apply.drop_pending(uow, collection, record_id)
            self._rejection(uow, mutation, result, local)
        else:
            for mutation, result in answers:
                self._rejection(uow, mutation, result, mutation.fields)
            if sync_apply.has_pending(uow, collection, record_id):
                return  # a later mutation of it is still to be answered
        if exists:
            sync_apply.remove_records(uow, [key])
            if version is not None:
                self._need_repair(uow, version)

    @staticmethod
    def _rejection(
        uow: UnitOfWork, mutation: PendingMutation, result: MutationResult, local: Any
    ) -> None:
        store_queries.add_issue(
            uow.session,
            kind="rejected",
            collection=mutation.collection,
            record_id=mutation.record_id,
            mid=mutation.mid,
            local_value=local,
            server_value=result.details,
            code=result.code or "rejected",
            message=result.message or "De server heeft deze wijziging geweigerd.",
        )

    @staticmethod
    def _need_repair(uow: UnitOfWork, version: int) -> None:
        current = store_queries.get_state(uow.session, REPAIR_FROM)
        start = max(version - 1, 0)
        if current is None or start < int(current):
            store_queries.set_state(uow.session, REPAIR_FROM, str(start))

    def _remember_unconfirmed(
        self, uow: UnitOfWork, entries: list[dict[str, Any]], batch: list[PendingMutation]
    ) -> None:
        """Keep answer-lost mutations for checking after the pull, minus what later pushes
        of the same fields superseded (their own answers count)."""
        session = uow.session
        stored = store_queries.get_state(session, UNCONFIRMED)
        if stored is None and not entries:
            return
        known: list[dict[str, Any]] = orjson.loads(stored or "[]")
        known.extend(entries)
        later: dict[tuple[str, str], list[PendingMutation]] = {}
        for mutation in batch:
            later.setdefault((mutation.collection, mutation.record_id), []).append(mutation)
        kept: list[dict[str, Any]] = []
        for entry in known:
            for mutation in later.get((entry["c"], entry["id"]), []):
                if mutation.mid > entry["mid"]:
                    if mutation.op == DELETE or entry["op"] == DELETE:
                        entry["gone"] = True
                    for name in mutation.fields:
                        entry["f"].pop(name, None)
            if not entry.get("gone"):
                kept.append(entry)
        store_queries.set_state(session, UNCONFIRMED, orjson.dumps(kept).decode() if kept else None)
        for entry in entries:
            exists, version = sync_apply.local_version(uow, entry["c"], entry["id"])
            if exists and version is not None:
                self._need_repair(uow, version)

    # --- pull ----------------------------------------------------------------------------------

    def _full_due(self) -> bool:
        every = self.options.full_every
        last = self.state(LAST_FULL)
        if every is None or last is None:
            return False
        try:
            age = (utcnow() - datetime.fromisoformat(last)).total_seconds()
        except ValueError:
            return True
        # A clock that was a year off when the last one was stored must not stop them for good.
        return abs(age) >= every

    def _pull_all(self, run: _Run, *, full: bool) -> None:
        self._join_abandoned(run)
        cursor = int(self.state(CURSOR) or 0)
        full = full or (cursor > 0 and self._full_due())
        from_scratch = cursor == 0
        epoch = self.state(EPOCH)
        kind = self.state(RESET)
        known = self.state(COLLECTIONS_SEEN)
        if kind is None and full:
            kind = "full"
        elif kind is None and known is not None and known != collections_fingerprint():
            kind = "upgrade"
        seen: dict[str, set[str]] | None = None
        if kind is not None:
            # Started now, or an earlier reset was interrupted: it resumes at its cursor with
            # what its pages brought so far (an older app's reset kept that in memory: from 0).
            resumed = self._resume_reset(run) if self.state(RESET) is not None else None
            if resumed is not None:
                cursor, seen = resumed
            else:
                cursor, seen = self._begin_reset(run, kind, epoch)
        self._report(run, Phase.PULL)
        resets = 0
        while True:
            page = self._fetch(run, cursor, epoch)
            if page.reset or (epoch is not None and page.epoch != epoch and cursor > 0):
                resets += 1
                if resets > 3:
                    raise SyncServerError(
                        "De server blijft om een volledige synchronisatie vragen.",
                        code="sync_reset_loop",
                    )
                kind = "epoch" if epoch is not None and page.epoch != epoch else "horizon"
                epoch = page.epoch
                cursor, seen = self._begin_reset(run, kind, epoch)
                continue
            epoch = page.epoch
            cursor = self._pull_pages(run, page, seen)
            break
        if kind is not None and seen is not None:
            self._finish_reset(run, kind, seen)
        elif known is None or from_scratch:
            with self._uow(durable=False) as uow:  # lost in a power cut: set again next time
                store_queries.set_state(uow.session, COLLECTIONS_SEEN, collections_fingerprint())
                store_queries.set_state(uow.session, LAST_FULL, utcnow().isoformat())
                uow.commit()

    def _fetch(
        self, run: _Run, cursor: int, epoch: str | None, halt: threading.Event | None = None
    ) -> PullPage:
        def shrink() -> None:
            self._pull_limit = max(self.options.min_pull_limit, self._pull_limit // 2)

        page = self._call(
            run,
            lambda: self.client.pull(cursor, limit=self._pull_limit, epoch=epoch),
            on_retry=shrink,
            halt=halt,
        )
        if self._pull_limit < self.options.pull_limit:
            self._pull_limit = min(self.options.pull_limit, self._pull_limit * 2)
        return page

    def _pull_pages(
        self,
        run: _Run,
        first: PullPage,
        seen: dict[str, set[str]] | None,
        *,
        phase: Phase = Phase.PULL,
        keep_cursor: bool = False,
    ) -> int:
        """Apply ``first`` and every page after it; returns the final cursor.

        Pipelined (``sync.prefetch``): a producer thread requests, decodes and prepares the
        pages after ``first``, up to ``prefetch_pages`` ahead of the one being written, while
        this thread writes them in order, one transaction per page. Every decision (reset,
        cursor, revoked, applying) stays here. Pages fetched ahead are dropped unwritten when
        the page before them fails or the sync is stopped.
        """
        run.down_received, run.down_total = 0, None
        ahead: PagePrefetcher[_Page] | None = None
        current: _Page | PullPage = first
        try:
            while True:
                page = current.page if isinstance(current, _Page) else current
                if page.more and self.options.prefetch and ahead is None:
                    ahead = self._start_prefetch(run, page.cursor, page.epoch)
                if not isinstance(current, _Page):
                    current = _Page(page, _prepare(page))
                self._apply_page(run, current, seen, keep_cursor=keep_cursor)
                self._report(run, phase)
                if not page.more:
                    if ahead is not None:
                        ahead.thread.join()  # it handed out the last page and is ending
                    return page.cursor
                if ahead is not None:
                    current = ahead.next(run.cancel)
                else:
                    current = self._fetch(run, page.cursor, page.epoch)
                page = current.page if isinstance(current, _Page) else current
                if page.reset:
                    raise SyncServerError(
                        "De server wisselde van tijdperk tijdens het ophalen.",
                        code="sync_epoch_changed",
                    )
        finally:
            if ahead is not None:
                # After a failure or a stop the producer may still wait for the server: it ends
                # at its next step and never writes, so a stop does not wait for it; the next
                # pull joins it first (``_join_abandoned``).
                left = ahead.stop()
                if left is not None:
                    self._abandoned.append(left)

    def _start_prefetch(self, run: _Run, cursor: int, epoch: str | None) -> PagePrefetcher[_Page]:
        """The producer of the pages after ``cursor`` (see ``sync.prefetch``)."""

        def fetch(at: int, at_epoch: str | None, halt: threading.Event) -> PullPage:
            return self._fetch(run, at, at_epoch, halt)

        def prepare(page: PullPage) -> _Page:
            return _Page(page, _prepare(page))

        prefetcher = PagePrefetcher(
            fetch, prepare, depth=max(1, self.options.prefetch_pages), name=PREFETCH_THREAD
        )
        return prefetcher.start(cursor, epoch)

    def _join_abandoned(self, run: _Run) -> None:
        """Wait for prefetches a failed or stopped pull left behind, so two never overlap.

        They were halted, so each ends when its request does (at most the HTTP timeout).
        """
        while self._abandoned:
            thread = self._abandoned[0]
            while thread.is_alive():
                if run.cancel.is_set():
                    raise SyncCancelledError()
                thread.join(0.1)
            self._abandoned.pop(0)

    def _apply_page(
        self, run: _Run, current: _Page, seen: dict[str, set[str]] | None, *, keep_cursor: bool
    ) -> None:
        summary = run.summary
        page = current.page
        with self._uow(durable=False) as uow:
            if page.revoked:
                # Before the records: a customer handed back later comes with newer versions.
                self._purge(uow, run, page.revoked)
            with gc_paused():
                applied = sync_apply.apply_pulled(
                    uow,
                    current.prepared,
                    trust_local_versions=seen is None,
                    seen=seen,
                    rebase_pending=seen is not None,
                )
            session = uow.session
            stored = int(store_queries.get_state(session, CURSOR) or 0)
            if not keep_cursor:
                cursor = page.cursor if seen is not None else max(stored, page.cursor)
                store_queries.set_state(session, CURSOR, str(cursor))
            elif page.cursor > stored:
                store_queries.set_state(session, CURSOR, str(page.cursor))
            store_queries.set_state(session, EPOCH, page.epoch)
            if seen is not None:
                self._remember_seen(session, page)
            if self.hooks.before_page_commit is not None:
                self.hooks.before_page_commit(uow, page)
            uow.commit()
        self._progressed(run)
        run.down_received += len(page.records)
        if page.remaining is not None:
            run.down_total = run.down_received + page.remaining
        summary.pages += 1
        summary.pulled += applied.inserted + applied.updated
        summary.deleted += applied.deleted
        summary.kept_local += applied.kept_local

    def _purge(self, uow: UnitOfWork, run: _Run, customer_ids: list[str]) -> None:
        """Drop customers that left the user's scope, with everything under them (locally:
        nothing is pushed); their unpushed changes become issues, not unconfirmed checks."""
        purged = purge_customers(uow, customer_ids)
        run.summary.revoked += purged.removed
        raw = store_queries.get_state(uow.session, UNCONFIRMED)
        if raw is not None and purged.keys:
            kept = [e for e in orjson.loads(raw) if (e["c"], e["id"]) not in purged.keys]
            value = orjson.dumps(kept).decode() if kept else None
            store_queries.set_state(uow.session, UNCONFIRMED, value)

    # --- reset ---------------------------------------------------------------------------------

    @staticmethod
    def _remember_seen(session: Any, page: PullPage) -> None:
        """Store what this page of a re-pull brought, with it: an interrupted reset resumes."""
        number = int(store_queries.get_state(session, RESET_PAGES) or 0) + 1
        ids: dict[str, list[str]] = {}
        for record in page.records:
            ids.setdefault(record["collection"], []).append(record["id"])
        store_queries.set_state(session, f"{RESET_SEEN}{number}", orjson.dumps(ids).decode())
        store_queries.set_state(session, RESET_PAGES, str(number))

    @staticmethod
    def _forget_seen(session: Any) -> None:
        session.execute(
            sync_state.delete().where(sync_state.c.key.startswith(RESET_SEEN, autoescape=True))
        )
        store_queries.set_state(session, RESET_PAGES, None)

    def _resume_reset(self, run: _Run) -> tuple[int, dict[str, set[str]]] | None:
        """The cursor and the ids seen of an interrupted reset, or None to start it over."""
        with self.store.read() as session:
            if store_queries.get_state(session, RESET_PAGES) is None:
                return None
            cursor = int(store_queries.get_state(session, CURSOR) or 0)
            seen: dict[str, set[str]] = {}
            for value in session.execute(
                select(sync_state.c.value).where(
                    sync_state.c.key.startswith(RESET_SEEN, autoescape=True)
                )
            ).scalars():
                for collection, ids in orjson.loads(value).items():
                    seen.setdefault(collection, set()).update(ids)
        run.resetting = True
        run.summary.reset = self.state(RESET)
        return cursor, seen

    def _begin_reset(
        self, run: _Run, kind: str, epoch: str | None
    ) -> tuple[int, dict[str, set[str]]]:
        with self._uow() as uow:
            session = uow.session
            store_queries.set_state(session, RESET, kind)
            self._forget_seen(session)
            store_queries.set_state(session, RESET_PAGES, "0")
            store_queries.set_state(session, CURSOR, "0")
            store_queries.set_state(session, REPAIR_FROM, None)  # the re-pull repairs everything
            if epoch is not None:
                store_queries.set_state(session, EPOCH, epoch)
            uow.commit()
        run.resetting = True
        run.summary.reset = kind
        return 0, {}

    def _finish_reset(self, run: _Run, kind: str, seen: dict[str, set[str]]) -> None:
        summary = run.summary
        with self._uow() as uow:
            unseen = sync_apply.unseen_records(uow, seen)
            remove: list[tuple[str, str]] = []
            requeue: list[tuple[str, str]] = []
            for collection, record_id, deleted, pending in unseen:
                own = COLLECTIONS[collection].scope in _OWN_SCOPES
                if kind == "epoch" and own and not deleted:
                    requeue.append((collection, record_id))  # the restored server lost it
                elif pending and not deleted:
                    continue  # the device's own, not pushed yet
                else:
                    remove.append((collection, record_id))
            for collection, record_id in requeue:
                sync_apply.drop_pending(uow, collection, record_id)
            summary.requeued += sync_apply.requeue_whole(uow, requeue)
            summary.removed += sync_apply.remove_records(uow, remove)
            session = uow.session
            store_queries.set_state(session, RESET, None)
            self._forget_seen(session)
            store_queries.set_state(session, COLLECTIONS_SEEN, collections_fingerprint())
            store_queries.set_state(session, LAST_FULL, utcnow().isoformat())
            uow.commit()
        run.resetting = False
        if summary.requeued:
            self._push_all(run)  # give the restored server its records back now

    # --- repair --------------------------------------------------------------------------------

    def _repair(self, run: _Run) -> None:
        start = self.state(REPAIR_FROM)
        if start is not None:
            self._report(run, Phase.REPAIR)
            page = self._fetch(run, int(start), self.state(EPOCH))
            if not page.reset:
                self._pull_pages(run, page, None, phase=Phase.REPAIR, keep_cursor=True)
            with self._uow() as uow:
                store_queries.set_state(uow.session, REPAIR_FROM, None)
                uow.commit()
        self._verify_unconfirmed()

    def _verify_unconfirmed(self) -> None:
        """Mutations whose answer was lost (``duplicate`` on retry): does the server show them?

        After the pull and the repair the device holds what the server has, so a change that is
        not there was refused (or since overwritten): either way the user gets to see it.
        """
        raw = self.state(UNCONFIRMED)
        if raw is None:
            return
        with self._uow() as uow:
            for entry in orjson.loads(raw):
                self._verify_one(uow, entry)
            store_queries.set_state(uow.session, UNCONFIRMED, None)
            uow.commit()

    @staticmethod
    def _verify_one(uow: UnitOfWork, entry: dict[str, Any]) -> None:
        collection, record_id, fields = entry["c"], entry["id"], entry["f"]
        if sync_apply.has_pending(uow, collection, record_id):
            return  # edited again meanwhile: that edit is pushed and answered on its own
        exists, version = sync_apply.local_version(uow, collection, record_id)
        current = sync_apply.record_wire(uow, collection, record_id) if exists else None
        cls = COLLECTIONS.get(collection)
        deleted = False
        if exists and cls is not None:
            record = uow.session.get(cls, record_id)
            deleted = bool(record is not None and record.deleted)
        if entry["op"] == DELETE:
            missing = exists and not deleted and version is not None
            different: dict[str, Any] = {}
        else:
            missing = not exists or version is None or deleted
            different = {
                name: value
                for name, value in fields.items()
                if name not in _NO_CONFLICT_COPY
                and current is not None
                and current.get(name) != value
            }
        if not missing and not different:
            return
        store_queries.add_issue(
            uow.session,
            kind="rejected",
            collection=collection,
            record_id=record_id,
            mid=entry.get("mid"),
            local_value=fields if missing else different,
            server_value=None if current is None else {k: current.get(k) for k in different},
            code="not_confirmed",
            message=(
                "De server heeft deze wijziging niet bevestigd (de verbinding viel weg) en toont "
                "haar nu niet. Controleer de gegevens en voer de wijziging zo nodig opnieuw in."
            ),
        )
        if exists and version is None:
            sync_apply.remove_records(uow, [(collection, record_id)])

    # --- summary -------------------------------------------------------------------------------

    def _attachments(self, run: _Run) -> None:
        """The bytes of attachments, after the records are done (they never wait for bytes);
        failures are in ``summary.attachments``, never raised (see ``sync.attachments``)."""
        options = AttachmentOptions(
            stall_timeout=self.options.stall_timeout,
            backoff_initial=self.options.backoff_initial,
            backoff_max=self.options.backoff_max,
        )

        def step(files: AttachmentStep) -> None:
            run.files = files
            self._report(run, Phase.ATTACHMENTS)

        run.summary.attachments = transfer_attachments(
            self.store, self.client, options=options, cancel=run.cancel, progress=step
        )

    def _sweep(self, run: _Run) -> None:
        """Bytes of attachments no record names any more (purged with a customer that left
        the scope, tombstoned by a pull, deleted here) leave the device, after the records'
        transactions committed and before the attachment phase would move them. Never fails
        the sync: what stays is harmless and the next sweep tries again."""
        try:
            swept = sweep_unreferenced(self.store)
        except (OSError, StoreError, SQLAlchemyError):
            log.exception("attachment sweep failed")
            return
        run.summary.files_removed += swept.files
        run.summary.bytes_freed += swept.bytes

    def _attention(self, run: _Run, user_id: str) -> None:
        summary = run.summary
        with self.store.read() as session:
            summary.pending = store_queries.count_pending(session)
            issues = store_queries.open_issues(session, limit=10_000)
            summary.open_issues = len(issues)
            for issue in issues:
                if issue.id <= run.first_issue_id:
                    continue
                if issue.kind == "conflict":
                    summary.new_conflicts.append(issue)
                else:
                    summary.new_rejections.append(issue)
            summary.follow_ups_due = follow_ups_due(
                session, user_id=user_id, today=date.today(), limit=self.options.follow_ups_limit
            )


def follow_ups_due(
    session: Any, *, user_id: str, today: date, limit: int = 50
) -> list[FollowUpDue]:
    """Open follow-ups of ``user_id`` due today or earlier, oldest first."""
    rows = session.execute(
        select(FollowUp, col(Customer.name))
        .join(Customer, col(Customer.id) == col(FollowUp.customer_id), isouter=True)
        .where(
            col(FollowUp.owner_id) == user_id,
            col(FollowUp.deleted).is_(False),
            col(FollowUp.status) == FollowUpStatus.OPEN,
            col(FollowUp.due_on).is_not(None),
            col(FollowUp.due_on) <= today,
        )
        .order_by(col(FollowUp.due_on), col(FollowUp.id))
        .limit(limit)
    ).all()
    return [
        FollowUpDue(
            id=follow_up.id,
            customer_id=follow_up.customer_id,
            customer_name=name or "",
            description=follow_up.description,
            due_on=follow_up.due_on,
        )
        for follow_up, name in rows
        if follow_up.due_on is not None
    ]


def sync_once(
    store: Store,
    client: SyncClient,
    *,
    options: SyncOptions | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    full: bool = False,
) -> SyncSummary:
    """One complete sync (the day-end batch, the terminal command)."""
    return SyncEngine(store, client, options=options).run(
        progress=progress, cancel=cancel, full=full
    )


__all__ = [
    "EngineHooks",
    "StoreError",
    "SyncEngine",
    "SyncError",
    "SyncOptions",
    "follow_ups_due",
    "sync_once",
]
