"""The attachment phase of a sync: moving the bytes of attachments, after the records.

Records never wait for bytes: the record phase (push, pull) finishes first and on its own; this
phase runs after it, and whatever goes wrong here is reported in ``AttachmentReport``, never
raised into the record sync. The protocol is ``/attachments`` (docs/sync-protocol.md,
"Attachments").

Uploads. Every blob in state ``upload``/``uploading`` (see ``store.attachment_files``) goes up
in chunks of ``chunk_bytes``. Before the first chunk the client asks the server where it
stands (``GET /attachments/{sha}/status``) and continues from the server's ``received``: an
upload broken off (connection lost, app killed) resumes, it does not restart, and a blob the
server already has (sent by another device or a colleague) costs one request. A chunk whose
answer was lost is simply sent again (the server ignores what it has); a 409 with another
offset moves to that offset. Each confirmed chunk is written to the store, so progress
survives a crash. A blob over the server's limit (413 ``attachment_too_large``) is marked
``failed`` and becomes a visible sync issue with the server's Dutch message; it is not retried
and it blocks nothing else.

Downloads. Every live ``attachments`` record whose bytes are not on this device is downloaded,
the newest records first, eagerly (a salesperson opens a visit's voice memo or a quote PDF in
a cellar without signal, so the bytes must be there beforehand). A phone's storage and a
day-end's time are bounded by ``download_budget_bytes`` per run: what does not fit waits for
the next sync. Bytes arrive in ``Range`` windows of ``download_window`` appended to
``<file>.part`` (fsync'ed), so a broken download resumes from the bytes already here; the whole
is hashed before it is renamed into place, and a mismatch throws the ``.part`` away.

Retrying: transient errors (offline, timeout, 5xx, 429) are retried with backoff until nothing
has progressed for ``stall_timeout``; then the phase stops and reports the problem, and the
next sync continues where it stopped.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import orjson
from sqlalchemy import delete, select

from fieldsales.records import Attachment
from fieldsales.store import Store
from fieldsales.store import attachment_files as files
from fieldsales.store import queries as store_queries
from fieldsales.sync.client import SyncClient
from fieldsales.sync.errors import (
    SyncAuthError,
    SyncCancelledError,
    SyncError,
    SyncRefusedError,
    SyncRetryableError,
    SyncServerError,
    SyncStalledError,
)

T = TypeVar("T")
log = logging.getLogger(__name__)

CHUNK_BYTES = 512 * 1024
DOWNLOAD_WINDOW = 1024 * 1024
#: Download attempts of one blob that ended in a checksum mismatch before it is given up.
MAX_BAD_DOWNLOADS = 3


@dataclass(frozen=True, slots=True)
class AttachmentOptions:
    chunk_bytes: int = CHUNK_BYTES
    download_window: int = DOWNLOAD_WINDOW
    #: Bytes to download per run at most (None: no limit); the newest records come first.
    download_budget_bytes: int | None = 200 * 1024 * 1024
    stall_timeout: float = 60.0
    backoff_initial: float = 0.5
    backoff_max: float = 30.0


@dataclass
class AttachmentReport:
    """What the attachment phase did; ``problem`` is set when it stopped early."""

    uploaded: int = 0
    downloaded: int = 0
    bytes_up: int = 0
    bytes_down: int = 0
    #: Still to upload / download after this run (they continue next time).
    pending_up: int = 0
    pending_down: int = 0
    #: (sha256, code, Dutch message) of blobs that failed in this run.
    failed: list[tuple[str, str, str]] = field(default_factory=list)
    problem: str | None = None
    problem_code: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "uploaded": self.uploaded,
            "downloaded": self.downloaded,
            "bytes_up": self.bytes_up,
            "bytes_down": self.bytes_down,
            "pending_up": self.pending_up,
            "pending_down": self.pending_down,
            "failed": [{"sha256": s, "code": c, "message": m} for s, c, m in self.failed],
            "problem": self.problem,
            "problem_code": self.problem_code,
        }

    def lines(self) -> list[str]:
        """Dutch lines for ``fieldsales sync`` and the day-end summary; none when there was
        nothing to move."""
        busy = self.uploaded or self.downloaded or self.pending_up or self.pending_down
        if not (busy or self.failed or self.problem):
            return []
        found = [self.label()]
        found += [f"- {message}" for _, _, message in self.failed[:10]]
        if self.problem:
            found.append(f"Bijlagen later verder: {self.problem}")
        return found

    def label(self) -> str:
        """One Dutch line for the day-end summary and ``fieldsales sync``."""
        text = f"Bijlagen: {self.uploaded} verstuurd, {self.downloaded} opgehaald"
        waiting = self.pending_up + self.pending_down
        if waiting:
            text += f", {waiting} wachten nog"
        if self.failed:
            text += f", {len(self.failed)} mislukt"
        return text + "."


@dataclass(frozen=True, slots=True)
class AttachmentStep:
    """How far this run's attachment phase is: files moved (or given up) and bytes sent or
    received, out of what it set out to move (uploads, then the downloads in its budget)."""

    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int


AttachmentProgress = Callable[[AttachmentStep], None]


@dataclass
class AttachmentHooks:
    """Test seam: called after each confirmed upload chunk (sha256, offset reached)."""

    after_chunk: Callable[[str, int], None] | None = None


class _Stop(Exception):
    """Ends this blob's transfer for this run (the reason is already recorded)."""


class AttachmentTransfer:
    """Uploads and downloads attachment bytes for one store, over the sync client.

    It reuses the client's authentication (token renewal, re-login) and error mapping by
    calling its authenticated request method, so an attachment request behaves exactly like a
    push or a pull towards the server, and its bytes count in the client's transfer stats.
    """

    def __init__(
        self,
        store: Store,
        client: SyncClient,
        *,
        options: AttachmentOptions | None = None,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
        hooks: AttachmentHooks | None = None,
    ) -> None:
        self.store = store
        self.client = client
        self.options = options or AttachmentOptions()
        self.rng = rng or random.Random()
        self.clock = clock
        self.hooks = hooks or AttachmentHooks()
        self._last_progress = clock()
        self._cancel = threading.Event()
        self._progress: AttachmentProgress | None = None
        self._files_done = self._files_total = self._bytes_total = 0

    # --- the phase -------------------------------------------------------------------------

    def run(
        self,
        *,
        cancel: threading.Event | None = None,
        progress: AttachmentProgress | None = None,
    ) -> AttachmentReport:
        """Upload what is pending, then download what is missing; never raises a sync error
        (the report says what went wrong), except ``SyncCancelledError`` when cancelled.

        ``progress`` hears how far it is after every chunk and every file.
        """
        self._cancel = cancel or threading.Event()
        self._last_progress = self.clock()
        self._progress = progress
        report = AttachmentReport()
        self._files_done = 0
        try:
            with self.store.unit_of_work() as uow:
                files.adopt_records(uow.session, self.store.path)
                uow.commit()
            with self.store.read() as session:
                uploads = files.rows_in(session, "upload", "uploading")
                downloads = files.downloads_newest_first(session)
            budget = self.options.download_budget_bytes
            planned = _within_budget(downloads, budget)
            self._files_total = len(uploads) + len(planned)
            self._bytes_total = sum(
                max(0, int(row.size_bytes) - int(row.transferred or 0))
                for row in [*uploads, *planned]
            )
            self._tell(report)
            for row in uploads:
                self._upload(row, report)
                self._file_done(report)
            for row in downloads:
                over = budget is not None and report.bytes_down + int(row.size_bytes) > budget
                if over and report.bytes_down:
                    break  # the rest waits for the next sync (at least one always goes)
                self._download(row, report)
                self._file_done(report)
        except SyncCancelledError:
            raise
        except (SyncStalledError, SyncAuthError) as exc:
            report.problem, report.problem_code = exc.message, exc.code
        except SyncError as exc:  # pragma: no cover - every refusal is handled per blob
            report.problem, report.problem_code = exc.message, exc.code
        finally:
            with self.store.read() as session:
                count = files.counts(session)
            report.pending_up = count.get("upload", 0) + count.get("uploading", 0)
            report.pending_down = count.get("download", 0)
        return report

    # --- progress -------------------------------------------------------------------------

    def _tell(self, report: AttachmentReport) -> None:
        if self._progress is None:
            return
        done = report.bytes_up + report.bytes_down
        # A download refused or found damaged may let one more through than planned.
        total = max(self._bytes_total, done)
        files_total = max(self._files_total, self._files_done)
        self._progress(AttachmentStep(self._files_done, files_total, done, total))

    def _file_done(self, report: AttachmentReport) -> None:
        self._files_done += 1
        self._tell(report)

    # --- retrying --------------------------------------------------------------------------

    def _call(self, fn: Callable[[], T]) -> T:
        attempt = 0
        while True:
            if self._cancel.is_set():
                raise SyncCancelledError()
            try:
                result = fn()
            except SyncAuthError:
                raise
            except SyncRetryableError as exc:
                attempt += 1
                ceiling = min(
                    self.options.backoff_max, self.options.backoff_initial * 2 ** (attempt - 1)
                )
                delay = ceiling / 2 + self.rng.uniform(0, ceiling / 2)
                if exc.retry_after is not None:
                    delay = max(delay, exc.retry_after)
                waited = self.clock() - self._last_progress
                if waited + delay > self.options.stall_timeout:
                    raise SyncStalledError(exc, seconds=waited) from exc
                if self._cancel.wait(delay):
                    raise SyncCancelledError() from exc
                continue
            self._last_progress = self.clock()
            return result

    def _request(self, method: str, url: str, **kw: Any) -> Any:
        response = self.client._authed(method, url, **kw)
        return self.client._checked(response)

    # --- uploads ---------------------------------------------------------------------------

    def _upload(self, row: Any, report: AttachmentReport) -> None:
        sha, size = str(row.sha256), int(row.size_bytes)
        path = files.absolute(self.store.path, str(row.path))
        if not path.exists() or path.stat().st_size != size:
            self._fail(
                sha,
                "attachment_file_missing",
                "Het bestand van deze bijlage ontbreekt op dit apparaat en kan niet worden "
                "verstuurd.",
                report,
            )
            return
        try:
            status = self._call(lambda: self._json("GET", f"/attachments/{sha}/status"))
            offset = 0 if status.get("complete") else int(status.get("received") or 0)
            complete = bool(status.get("complete"))
            if not complete and size > int(status.get("max_bytes") or size):
                raise _TooLarge(size, int(status["max_bytes"]))
            # Never more per request than the server takes (it may be configured lower).
            step = min(self.options.chunk_bytes, int(status.get("chunk_max_bytes") or CHUNK_BYTES))
            moved = 0
            while not complete:
                chunk = files.read_chunk(path, offset, step)
                answer = self._put(sha, offset, size, chunk)
                if answer is None:  # the server is somewhere else: ask it where
                    moved += 1
                    if moved > 3:  # it keeps moving (someone else uploads it too): next sync
                        raise _Stop()
                    status = self._call(lambda: self._json("GET", f"/attachments/{sha}/status"))
                    offset, complete = int(status["received"]), bool(status["complete"])
                    continue
                moved = 0
                sent = int(answer["received"]) - offset
                report.bytes_up += max(0, sent)
                self._tell(report)
                offset, complete = int(answer["received"]), bool(answer["complete"])
                with self.store.unit_of_work() as uow:
                    files.set_state(
                        uow.session,
                        sha,
                        "uploaded" if complete else "uploading",
                        transferred=offset,
                    )
                    uow.commit()
                if self.hooks.after_chunk is not None and not complete:
                    self.hooks.after_chunk(sha, offset)
        except _TooLarge as exc:
            message = files.too_large_message(exc.size, exc.limit)
            self._fail(sha, "attachment_too_large", message, report)
            return
        except _Damaged:
            message = (
                "Het bestand van deze bijlage is op dit apparaat beschadigd en kan niet worden "
                "verstuurd."
            )
            self._fail(sha, "attachment_file_damaged", message, report)
            return
        except _Stop:
            return
        with self.store.unit_of_work() as uow:
            files.set_state(uow.session, sha, "uploaded", transferred=size)
            uow.commit()
        report.uploaded += 1

    def _json(self, method: str, url: str, **kw: Any) -> dict[str, Any]:
        response = self._request(method, url, **kw)
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            raise SyncServerError(
                "De server stuurde een onleesbaar antwoord.", code="sync_bad_response"
            ) from exc
        if not isinstance(body, dict):
            raise SyncServerError(
                "De server stuurde een onleesbaar antwoord.", code="sync_bad_response"
            )
        return body

    def _put(self, sha: str, offset: int, total: int, chunk: bytes) -> dict[str, Any] | None:
        """One chunk; None when the server wants another offset (409)."""

        def send() -> dict[str, Any]:
            return self._json(
                "PUT",
                f"/attachments/{sha}",
                params={"offset": offset, "total": total},
                content=chunk,
                headers={"Content-Type": "application/octet-stream"},
            )

        try:
            return self._call(send)
        except SyncRefusedError as exc:
            if exc.status == 409 and exc.server_code != "attachment_size_mismatch":
                return None
            if exc.server_code == "attachment_too_large":
                details = exc.details if isinstance(exc.details, dict) else {}
                raise _TooLarge(total, int(details.get("max_bytes") or 0)) from exc
            if exc.server_code == "checksum_mismatch":
                self._checksum_mismatch(sha)
                return None
            self._record_error(sha, exc)
            raise _Stop() from exc

    def _checksum_mismatch(self, sha: str) -> None:
        """The server hashed what it got and it was not ``sha``: if our file is damaged there
        is nothing to retry; otherwise the bytes were garbled on the way: send them again."""
        with self.store.read() as session:
            row = files.get_row(session, sha)
        path = files.absolute(self.store.path, str(row.path))
        actual, _ = files.hash_file(path)
        with self.store.unit_of_work() as uow:
            files.set_state(uow.session, sha, "uploading", transferred=0, attempt=True)
            uow.commit()
        if actual != sha or int(row.attempts) + 1 >= MAX_BAD_DOWNLOADS:
            raise _Damaged()

    # --- downloads -------------------------------------------------------------------------

    def _download(self, row: Any, report: AttachmentReport) -> None:
        sha, size = str(row.sha256), int(row.size_bytes)
        final = files.absolute(self.store.path, str(row.path))
        part = final.with_name(final.name + ".part")
        have = part.stat().st_size if part.exists() else 0
        if have > size:
            part.unlink()
            have = 0
        try:
            while have < size:
                last = min(size, have + self.options.download_window) - 1
                headers = {"Range": f"bytes={have}-{last}", "Accept-Encoding": "identity"}

                def fetch(headers: dict[str, str] = headers) -> Any:
                    return self._request("GET", f"/attachments/{sha}", headers=headers)

                response = self._call(fetch)
                data = response.content
                if response.status_code == 200:  # the whole blob (a server ignoring Range)
                    part.unlink(missing_ok=True)
                    have = 0
                if not data or have + len(data) > size:
                    raise SyncServerError(
                        "De server stuurde een onleesbaar antwoord.", code="sync_bad_response"
                    )
                have = files.append_durably(part, data)
                report.bytes_down += len(data)
                self._tell(report)
                with self.store.unit_of_work() as uow:
                    files.set_state(uow.session, sha, "download", transferred=have)
                    uow.commit()
        except SyncRefusedError as exc:  # 403/404: not (yet) there for us; try next sync
            self._record_error(sha, exc, state="download", attempt=False)
            return
        if size == 0:
            part.touch()
        actual, _ = files.hash_file(part)
        if actual != sha:
            part.unlink(missing_ok=True)
            message = "De opgehaalde bijlage was beschadigd en wordt opnieuw opgehaald."
            with self.store.unit_of_work() as uow:
                attempts = int(files.get_row(uow.session, sha).attempts) + 1
                state = "failed" if attempts >= MAX_BAD_DOWNLOADS else "download"
                files.set_state(
                    uow.session,
                    sha,
                    state,
                    transferred=0,
                    error=("checksum_mismatch", message),
                    attempt=True,
                )
                uow.commit()
            report.failed.append((sha, "checksum_mismatch", self._named(sha, message)))
            return
        files.install_download(part, final)
        with self.store.unit_of_work() as uow:
            files.set_state(uow.session, sha, "downloaded", transferred=size)
            uow.commit()
        report.downloaded += 1

    # --- bookkeeping -----------------------------------------------------------------------

    def _record_error(
        self, sha: str, exc: SyncError, *, state: str = "upload", attempt: bool = True
    ) -> None:
        with self.store.unit_of_work() as uow:
            files.set_state(
                uow.session,
                sha,
                state,
                error=(exc.server_code or exc.code, exc.message),
                attempt=attempt,
            )
            uow.commit()

    def _named(self, sha: str, message: str) -> str:
        """``message`` prefixed with the file's name, as the user knows it (the hash names the
        bytes, not what the user picked or recorded)."""
        with self.store.read() as session:
            name = session.execute(
                select(_ATTACHMENT_RECORDS.c.filename)
                .where(_ATTACHMENT_RECORDS.c.sha256 == sha)
                .limit(1)
            ).scalar_one_or_none()
        return f"{name}: {message}" if name else message

    def _fail(self, sha: str, code: str, message: str, report: AttachmentReport) -> None:
        """Give the blob up for good: it will not work by retrying; the user sees why."""
        message = self._named(sha, message)
        with self.store.unit_of_work() as uow:
            files.set_state(uow.session, sha, "failed", error=(code, message))
            for record_id in files.record_ids_for(uow.session, sha):
                store_queries.add_issue(
                    uow.session,
                    kind="rejected",
                    collection="attachments",
                    record_id=record_id,
                    code=code,
                    message=message,
                )
            uow.commit()
        report.failed.append((sha, code, message))


def _within_budget(rows: list[Any], budget: int | None) -> list[Any]:
    """The downloads one run sets out to make (as ``run`` stops: at least one goes)."""
    if budget is None:
        return rows
    planned: list[Any] = []
    total = 0
    for row in rows:
        size = int(row.size_bytes)
        if planned and total + size > budget:
            break
        planned.append(row)
        total += size
    return planned


class _TooLarge(Exception):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(size, limit)
        self.size = size
        self.limit = limit


class _Damaged(Exception):
    """The local file no longer matches its hash (or keeps arriving garbled)."""


# --- clean-up -----------------------------------------------------------------------------------

#: A file that neither a row nor a live record names is left alone this long: a service writes
#: the bytes *before* it commits the record that names them, so a young one may be on its way in.
ORPHAN_GRACE_SECONDS = 3600.0
_ATTACHMENT_RECORDS = Attachment.__table__  # type: ignore[attr-defined]


@dataclass(slots=True)
class SweepResult:
    rows: int = 0  # attachment_files rows dropped (no live record names their bytes)
    files: int = 0  # files removed from <data dir>/attachments
    bytes: int = 0


def sweep_unreferenced(
    store: Store, *, grace_seconds: float = ORPHAN_GRACE_SECONDS, now: float | None = None
) -> SweepResult:
    """Drop the bytes no attachment record on this device needs any more.

    Records go when their customer leaves the user's scope (``store.purge``), when a pull
    brings their tombstone, or when the user deletes them; their bytes then only take space
    (a phone's). First, in one transaction, the ``attachment_files`` rows of hashes that no
    live ``attachments`` record names (whatever their state: an upload whose record is gone
    has nothing left to serve); after that commit, their files (and ``.part`` downloads).
    Rows first is crash-safe: a file left behind is harmless and removed by the second step
    of a later sweep, which deletes files that neither a row nor a live record names, once
    they are older than ``grace_seconds``. Bytes a live record names are never touched, so
    neither are those still waiting to be uploaded.
    """
    result = SweepResult()
    records = _ATTACHMENT_RECORDS
    live = select(records.c.sha256).where(records.c.deleted.is_(False))
    table = files.attachment_files
    with store.unit_of_work() as uow:
        gone = uow.session.execute(
            select(table.c.sha256, table.c.path).where(table.c.sha256.not_in(live))
        ).all()
        for chunk in [gone[i : i + 500] for i in range(0, len(gone), 500)]:
            uow.session.execute(
                delete(table).where(table.c.sha256.in_([sha for sha, _path in chunk]))
            )
        uow.commit()
    result.rows = len(gone)
    for _sha, relative in gone:
        path = files.absolute(store.path, str(relative))
        for candidate in (path, path.with_name(path.name + ".part")):
            _remove(candidate, result)
    _sweep_orphans(store, result, grace_seconds, time.time() if now is None else now)
    return result


def _remove(path: Path, result: SweepResult) -> None:
    try:
        size = path.stat().st_size
        path.unlink()
    except FileNotFoundError:
        return
    except OSError as exc:  # a file we cannot remove now: the next sweep tries again
        log.warning("attachment sweep could not remove %s: %s", path, exc)
        return
    result.files += 1
    result.bytes += size


def _sweep_orphans(store: Store, result: SweepResult, grace: float, now: float) -> None:
    base = files.root(store.path) / files.DIRECTORY
    if not base.is_dir():
        return
    with store.read() as session:
        named = set(session.execute(select(files.attachment_files.c.sha256)).scalars())
        named.update(
            session.execute(
                select(_ATTACHMENT_RECORDS.c.sha256).where(_ATTACHMENT_RECORDS.c.deleted.is_(False))
            ).scalars()
        )
    for path in base.rglob("*"):
        if not path.is_file():
            continue
        name = path.name
        sha = name.removesuffix(".part")
        if sha in named:
            continue
        try:
            young = now - path.stat().st_mtime < grace
        except FileNotFoundError:
            continue
        if not young:
            _remove(path, result)


def transfer_attachments(
    store: Store,
    client: SyncClient,
    *,
    options: AttachmentOptions | None = None,
    cancel: threading.Event | None = None,
    progress: AttachmentProgress | None = None,
) -> AttachmentReport:
    """Run the attachment phase once, after the record sync (``SyncEngine.run`` calls it, so
    the background sync, the day end and ``fieldsales sync`` all do). Never raises but for a
    cancel: even an unexpected error (a full disk) is reported, the records stay synced."""
    try:
        return AttachmentTransfer(store, client, options=options).run(
            cancel=cancel, progress=progress
        )
    except SyncCancelledError:
        raise
    except Exception as exc:
        log.exception("attachment phase failed")
        return AttachmentReport(
            problem="De bijlagen konden niet worden gesynchroniseerd; dat wordt later opnieuw "
            f"geprobeerd ({type(exc).__name__}).",
            problem_code="attachments_failed",
        )
