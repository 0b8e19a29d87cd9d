"""The store's engine: pragmas on every connection, write lock up front, read-only reads, paths."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from platformdirs import user_data_dir
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlmodel import func, select
from store_testkit import new_customer, new_visit

from fieldsales.records import Customer, Visit
from fieldsales.store import DATA_DIR_ENV, Store, StoreBusyError, StoreError, open_store
from fieldsales.store.core import FLET_DATA_DIR_ENV, default_path
from fieldsales.store.engine import create_store_engine


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "fieldsales.sqlite3") as opened:
        yield opened


def _pragmas(dbapi_conn: object) -> dict[str, object]:
    values: dict[str, object] = {}
    for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout", "query_only"):
        values[name] = dbapi_conn.execute(f"PRAGMA {name}").fetchone()[0]  # type: ignore[attr-defined]
    return values


EXPECTED = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL
    "foreign_keys": 1,
    "busy_timeout": 5000,
}


def test_every_pooled_connection_gets_the_pragmas(store: Store) -> None:
    # Three connections at once force the pool to open new ones; each must be set up.
    connections = [store.engine.connect() for _ in range(3)]
    try:
        for conn in connections:
            values = _pragmas(conn.connection.dbapi_connection)
            assert {k: values[k] for k in EXPECTED} == EXPECTED
    finally:
        for conn in connections:
            conn.close()


def test_sessions_of_both_kinds_run_with_the_pragmas(store: Store) -> None:
    with store.unit_of_work() as uow:
        values = _pragmas(uow.session.connection().connection.dbapi_connection)
        assert {k: values[k] for k in EXPECTED} == EXPECTED
        assert values["query_only"] == 0
    with store.read() as session:
        values = _pragmas(session.connection().connection.dbapi_connection)
        assert {k: values[k] for k in EXPECTED} == EXPECTED
        assert values["query_only"] == 1


def test_a_unit_of_work_holds_the_write_lock_from_its_start(store: Store) -> None:
    with closing(sqlite3.connect(store.path, timeout=0, isolation_level=None)) as other:
        # Nothing written yet, but the lock is taken: another writer cannot start.
        with store.unit_of_work(), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released when the unit of work ends
        other.execute("ROLLBACK")


def test_a_busy_file_raises_a_retryable_store_busy(tmp_path: Path) -> None:
    path = tmp_path / "fieldsales.sqlite3"
    open_store(path).close()
    store = Store(path, create_store_engine(path, busy_timeout_ms=50))
    try:
        with closing(sqlite3.connect(path, isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")
            with pytest.raises(StoreBusyError) as caught:
                store.unit_of_work().__enter__()
            other.execute("ROLLBACK")
        assert caught.value.code == "store_busy"
        assert caught.value.retryable
        with store.unit_of_work() as uow:  # usable again once the other writer is done
            uow.add(new_customer())
            uow.commit()
    finally:
        store.close()


def test_concurrent_read_modify_write_units_of_work_neither_deadlock_nor_lose_updates(
    store: Store,
) -> None:
    customer = new_customer(employees=0)
    with store.unit_of_work() as uow:
        uow.add(customer)
        uow.commit()
    rounds, errors = 25, []
    barrier = threading.Barrier(2)

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(rounds):
                with store.unit_of_work() as uow:
                    # Read first, then write: with deferred transactions two of these would
                    # both hold a read snapshot and one would fail to upgrade (SQLITE_BUSY).
                    current = uow.session.get(Customer, customer.id)
                    assert current is not None
                    uow.session.exec(select(func.count()).select_from(Visit)).one()
                    uow.update(current, employees=(current.employees or 0) + 1)
                    uow.add(new_visit(current))
                    uow.commit()
        except Exception as exc:  # reported below; a thread's exception is otherwise lost
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with store.read() as session:
        stored = session.get(Customer, customer.id)
        assert stored is not None
        assert stored.employees == 2 * rounds
        assert session.exec(select(func.count()).select_from(Visit)).one() == 2 * rounds


def test_a_read_session_cannot_write(store: Store) -> None:
    customer = new_customer()
    with store.unit_of_work() as uow:
        uow.add(customer)
        uow.commit()
    with store.read() as session:
        loaded = session.get(Customer, customer.id)
        assert loaded is not None
        loaded.name = "Gewijzigd"
        with pytest.raises(StoreError) as caught:
            session.flush()
        assert caught.value.code == "store_read_only"
    with store.read() as session, pytest.raises(OperationalError, match="readonly"):
        session.execute(text("DELETE FROM outbox"))
    # The pooled connection that served the reads writes again in a unit of work.
    with store.unit_of_work() as uow:
        uow.update(customer, name="Bakkerij Jansen")
        uow.commit()
    with store.read() as session:
        stored = session.get(Customer, customer.id)
        assert stored is not None
        assert stored.name == "Bakkerij Jansen"


def test_path_from_argument_directory_environment_and_platform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "from-env"))
    with open_store() as store:
        assert store.path == tmp_path / "from-env" / "fieldsales.sqlite3"
        assert store.path.exists()
    with open_store(tmp_path / "from-env") as store:  # a directory means the file in it
        assert store.path == tmp_path / "from-env" / "fieldsales.sqlite3"
    with open_store(str(tmp_path / "elsewhere.sqlite3")) as store:
        assert store.path == tmp_path / "elsewhere.sqlite3"
    monkeypatch.delenv(DATA_DIR_ENV)
    monkeypatch.delenv(FLET_DATA_DIR_ENV, raising=False)
    expected = Path(user_data_dir("fieldsales", appauthor=False)) / "fieldsales.sqlite3"
    assert default_path() == expected


def test_a_built_app_keeps_its_store_where_flet_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a phone the platform's directories are the sandbox's: Flet names the one it keeps
    across updates; an explicit FIELDSALES_DATA_DIR still comes first."""
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    monkeypatch.setenv(FLET_DATA_DIR_ENV, str(tmp_path / "flet-data"))
    with open_store() as store:
        assert store.path == tmp_path / "flet-data" / "fieldsales.sqlite3"
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "chosen"))
    assert default_path() == tmp_path / "chosen" / "fieldsales.sqlite3"


def test_a_new_data_directory_is_private_to_its_user(tmp_path: Path) -> None:
    """Customers' data and the refresh token are not for other accounts on a shared laptop."""
    with open_store(tmp_path / "new" / "data") as store:
        assert store.path.parent.stat().st_mode & 0o777 == 0o700
    existing = tmp_path / "existing"
    existing.mkdir(mode=0o755)
    existing.chmod(0o755)
    with open_store(existing):
        assert existing.stat().st_mode & 0o777 == 0o755  # the owner's choice is kept


def test_client_id_is_made_once_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "fieldsales.sqlite3"
    with open_store(path) as store:
        first = store.client_id
    with open_store(path) as store:
        assert store.client_id == first
    with open_store(tmp_path / "other.sqlite3") as other:
        assert other.client_id != first


def test_a_closed_store_refuses_work(store: Store) -> None:
    store.close()
    with pytest.raises(StoreError) as caught:
        store.unit_of_work()
    assert caught.value.code == "store_closed"


def _synchronous_and_autocheckpoint(uow: object) -> tuple[int, int]:
    raw = uow.session.connection().connection.dbapi_connection  # type: ignore[attr-defined]
    return (
        raw.execute("PRAGMA synchronous").fetchone()[0],
        raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0],
    )


def test_relaxed_units_of_work_skip_fsync_and_checkpoints_and_durable_ones_get_them_back(
    store: Store,
) -> None:
    for _ in range(2):  # switching back and forth on the pooled connection(s)
        with store.unit_of_work(applying_sync=True, durable=False) as uow:
            assert _synchronous_and_autocheckpoint(uow) == (1, 16384)  # NORMAL
            uow.add(new_customer())
            uow.commit()
        with store.unit_of_work() as uow:
            assert _synchronous_and_autocheckpoint(uow) == (2, 1000)  # FULL, SQLite's default
            uow.add(new_customer())
            uow.commit()


def _write_customers(store: Store, *, durable: bool, count: int = 600) -> None:
    # ~5 MB: more than the 1,000 WAL pages at which a durable commit checkpoints.
    for _ in range(3):
        with store.unit_of_work(applying_sync=not durable, durable=durable) as uow:
            for _ in range(count // 3):
                uow.add(new_customer(notes="Vaste klant sinds 1998. " * 350))
            uow.commit()


def test_relaxed_writes_stay_in_the_wal_until_the_checkpoint(tmp_path: Path) -> None:
    with open_store(tmp_path / "relaxed.sqlite3") as relaxed:
        empty = relaxed.path.stat().st_size
        _write_customers(relaxed, durable=False)
        assert relaxed.path.stat().st_size == empty  # everything still in the WAL
        thread = relaxed.checkpoint_in_background()
        assert relaxed.checkpoint_in_background() is thread or not thread.is_alive()
        thread.join(timeout=30)
        assert relaxed.path.stat().st_size > empty + 4_000_000  # folded into the file
        with relaxed.read() as session:
            assert session.exec(select(func.count()).select_from(Customer)).one() == 600
    with open_store(tmp_path / "durable.sqlite3") as durable:
        empty = durable.path.stat().st_size
        _write_customers(durable, durable=True)
        assert durable.path.stat().st_size > empty + 2_000_000  # checkpointed on commit


def test_close_waits_for_a_background_checkpoint(tmp_path: Path) -> None:
    store = open_store(tmp_path / "fieldsales.sqlite3")
    _write_customers(store, durable=False, count=300)
    thread = store.checkpoint_in_background()
    store.close()
    assert not thread.is_alive()
    with open_store(tmp_path / "fieldsales.sqlite3") as again, again.read() as session:
        assert session.exec(select(func.count()).select_from(Customer)).one() == 300


def test_a_failing_background_checkpoint_is_logged_and_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_store(tmp_path / "fieldsales.sqlite3")
    _write_customers(store, durable=False, count=30)

    def broken() -> tuple[int, int, int]:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store, "checkpoint", broken)
    with caplog.at_level(logging.WARNING, logger="fieldsales.store.core"):
        store.checkpoint_in_background().join(timeout=30)
    assert "background checkpoint" in caplog.text
    assert "disk I/O error" in caplog.text
    store.close()  # SQLite folds the WAL in at the close instead
    with open_store(tmp_path / "fieldsales.sqlite3") as again, again.read() as session:
        assert session.exec(select(func.count()).select_from(Customer)).one() == 30
