"""Opening the store: finding the file, refusing damaged or newer files, migrating, the Store.

Opening is careful with the user's only copy of unsynced work. A file that is not a database or
fails ``PRAGMA quick_check`` raises ``store_corrupt`` and is left exactly as it is (support may
still recover it); a file from a newer app raises ``store_too_new``. Before an existing file is
migrated, a consistent copy is written next to it (``<file>.pre-v<N>.bak``, N the version it is
being upgraded to; only the latest such copy is kept) with SQLite's backup API, which also
captures what is still in the WAL.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import Engine, select

from fieldsales.store import migrations
from fieldsales.store.engine import (
    BEGIN_OPTION,
    BUSY_TIMEOUT_MS,
    DURABLE_OPTION,
    create_store_engine,
)
from fieldsales.store.errors import StoreBusyError, StoreError
from fieldsales.store.local_tables import sync_state
from fieldsales.store.migrations.m0001_initial import APPLICATION_ID
from fieldsales.store.session import APPLYING_SYNC, READ_ONLY, StoreSession
from fieldsales.store.uow import UnitOfWork

log = logging.getLogger(__name__)

APP_NAME = "fieldsales"
FILE_NAME = "fieldsales.sqlite3"
DATA_DIR_ENV = "FIELDSALES_DATA_DIR"
#: Set by an app made with ``flet build`` (phone, tablet, desktop): a directory Flet creates and
#: the platform keeps across app updates. platformdirs cannot know it inside an Android or iOS
#: sandbox, and a store put anywhere else may be lost with the next update of the app.
FLET_DATA_DIR_ENV = "FLET_APP_STORAGE_DATA"


def default_path() -> Path:
    """``$FIELDSALES_DATA_DIR/fieldsales.sqlite3``, else in Flet's app data directory (a built
    app), else in the platform's user data directory (running from source)."""
    directory = (
        os.environ.get(DATA_DIR_ENV)
        or os.environ.get(FLET_DATA_DIR_ENV)
        or user_data_dir(APP_NAME, appauthor=False)
    )
    return Path(directory) / FILE_NAME


def resolve_path(path: Path | str | None) -> Path:
    if path is None:
        return default_path()
    resolved = Path(path).expanduser()
    if resolved.is_dir():
        return resolved / FILE_NAME
    return resolved


def _corrupt(path: Path) -> StoreError:
    return StoreError(
        f"Het gegevensbestand {path.name} is beschadigd en kan niet worden geopend. Het bestand is "
        "niet gewijzigd; neem contact op met de beheerder om de gegevens te laten herstellen.",
        code="store_corrupt",
    )


def _inspect_existing(path: Path) -> int:
    """The schema version of the file at ``path``; raises if it is not a healthy store of ours.

    Opened read-write without create (``mode=rw``) so a missing file is never made here, and
    nothing but SQLite's own recovery of a committed WAL writes to it.
    """
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)) as conn:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            application_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
            has_objects = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
            checks = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
    except sqlite3.DatabaseError as exc:  # "file is not a database", "malformed", ...
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            raise StoreBusyError(
                "De gegevens zijn even bezet. Probeer het zo opnieuw.", code="store_busy"
            ) from exc
        raise _corrupt(path) from exc
    if checks != ["ok"]:
        raise _corrupt(path)
    if has_objects and application_id != APPLICATION_ID:
        raise StoreError(
            f"Het bestand {path.name} is geen gegevensbestand van deze app en wordt niet gebruikt.",
            code="store_foreign",
        )
    if version > migrations.LATEST_VERSION:
        raise StoreError(
            "Deze gegevens zijn gemaakt met een nieuwere versie van de app. Werk de app bij om "
            "verder te kunnen.",
            code="store_too_new",
        )
    return version


def backup_path(path: Path, version: int) -> Path:
    return path.with_name(f"{path.name}.pre-v{version}.bak")


def _backup(path: Path, version: int) -> Path:
    """Copy the file (WAL included) to ``backup_path``; remove older backups once it is whole."""
    target = backup_path(path, version)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with (
        closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)) as source,
        closing(sqlite3.connect(partial)) as copy,
    ):
        source.backup(copy)
    with closing(sqlite3.connect(partial)) as copy:
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    os.replace(partial, target)
    for old in path.parent.glob(f"{path.name}.pre-v*.bak"):
        if old != target:
            old.unlink(missing_ok=True)
    return target


def _migrate_file(path: Path, *, target: int | None) -> None:
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL").fetchall()
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = OFF")  # see migrations.migrate
        migrations.migrate(conn, target=target)


class Store:
    """The open store: an engine on one SQLite file, and sessions on it."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self._closed = False
        self._write_options = {BEGIN_OPTION: "immediate"}
        self._relaxed_options = {BEGIN_OPTION: "immediate", DURABLE_OPTION: False}
        self._checkpointer: threading.Thread | None = None
        self._read_options = {BEGIN_OPTION: "read"}
        with self.read() as session:
            self.schema_version: int = int(
                session.connection().exec_driver_sql("PRAGMA user_version").scalar_one()
            )
            client_id = session.connection().execute(
                select(sync_state.c.value).where(sync_state.c.key == "client_id")
            )
            self.client_id: str = client_id.scalar_one()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r}, schema_version={self.schema_version})"

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("De gegevens zijn al gesloten.", code="store_closed")

    def unit_of_work(self, *, applying_sync: bool = False, durable: bool = True) -> UnitOfWork:
        """A write transaction (``BEGIN IMMEDIATE``); ``applying_sync`` is for the sync engine.

        ``durable=False`` is for data the server still has (pulled pages with their cursor):
        the commit is not fsynced, so a power cut may lose it whole, and it is fetched again
        (see ``store.engine``). Never for the user's own work.
        """
        self._check_open()
        session = StoreSession(
            self.engine,
            expire_on_commit=False,  # services hand the records they wrote back to the UI
            execution_options=self._write_options if durable else self._relaxed_options,
            info={APPLYING_SYNC: applying_sync},
        )
        return UnitOfWork(session)

    def checkpoint(self) -> tuple[int, int, int]:
        """Fold the WAL into the database file as far as readers allow (``PASSIVE``: never
        waits for, nor blocks, another connection's reads or writes). Returns SQLite's
        (busy, WAL pages, pages checkpointed)."""
        self._check_open()
        with self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            row = raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    def checkpoint_in_background(self) -> threading.Thread:
        """``checkpoint`` on its own thread, after relaxed writes left a large WAL: the app
        carries on meanwhile and its next save does not pay for it. One at a time; ``close``
        waits for it."""
        running = self._checkpointer
        if running is not None and running.is_alive():
            return running

        def work() -> None:
            try:
                self.checkpoint()
            except Exception:
                # Nothing is lost: the pages are safe in the WAL and SQLite folds them in on a
                # later commit or at the close. Logged, so a store that keeps failing shows.
                log.warning("background checkpoint of %s failed", self.path, exc_info=True)

        thread = threading.Thread(target=work, name="fieldsales-checkpoint", daemon=True)
        self._checkpointer = thread
        thread.start()
        return thread

    @contextmanager
    def read(self) -> Iterator[StoreSession]:
        """A read-only session on one consistent snapshot of the file."""
        self._check_open()
        session = StoreSession(
            self.engine,
            autoflush=False,
            execution_options=self._read_options,
            info={READ_ONLY: True},
        )
        try:
            yield session
        finally:
            session.close()

    def close(self) -> None:
        if not self._closed:
            if self._checkpointer is not None:
                self._checkpointer.join()
            self._closed = True
            self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_store(path: Path | str | None = None, *, target_version: int | None = None) -> Store:
    """Open (creating or migrating as needed) the store at ``path``, default ``default_path()``.

    ``target_version`` stops migrating at that version; it exists for tests and tools that need
    a file as an older app left it. Raises ``StoreError`` (see ``store.errors``) when the file is
    damaged, foreign or newer than this app.
    """
    goal = migrations.LATEST_VERSION if target_version is None else target_version
    if not 1 <= goal <= migrations.LATEST_VERSION:
        raise ValueError(f"no schema version {goal}")
    file = resolve_path(path)
    # The store holds customers' data and the sync session's refresh token: a directory the app
    # creates is readable by this OS user alone (an existing one is left as its owner set it).
    file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    version = _inspect_existing(file) if file.exists() else 0
    if 0 < version < goal:
        _backup(file, goal)
    if version < goal:
        _migrate_file(file, target=goal)
    return Store(file, create_store_engine(file))
