"""The SQLAlchemy engine of the store: pragmas on every connection and explicit transactions.

Every pooled connection gets, on connect: ``busy_timeout`` (first, so the others wait for a busy
file instead of failing), ``journal_mode=WAL`` (readers never block the writer), ``synchronous=
FULL`` (a committed visit report survives a power cut, not just an app crash) and ``foreign_keys=
ON``. Pragmas are per connection, which is why they are set in a ``connect`` event and not once.

Transactions follow SQLAlchemy's pysqlite recipe: the driver's own implicit BEGIN is switched off
(``isolation_level = None``) and the ``begin`` event emits ours. A connection run with the
execution option ``fieldsales_begin="immediate"`` starts with ``BEGIN IMMEDIATE``, taking the
write lock up front: two units of work that both read and then write would otherwise both hold a
read snapshot and one would fail on upgrading to a write (SQLITE_BUSY with no wait, since waiting
cannot help). ``fieldsales_begin="read"`` starts a deferred transaction with ``query_only`` on,
so a read session cannot write even through raw SQL.

A write with the execution option ``fieldsales_durable=False`` (the sync engine's pulled pages)
runs with ``synchronous=NORMAL`` and a large ``wal_autocheckpoint``: its commit is not fsynced
and does not fold the WAL into the database file. A power cut may then lose the last such
commits, whole (WAL mode never loses half a transaction, nor a transaction before one it keeps),
which for a pulled page and its cursor only means pulling it again; every durable commit later
fsyncs the WAL up to itself, earlier pages included. The store folds the WAL in afterwards on a
background thread (``Store.checkpoint_in_background``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.pool import ConnectionPoolEntry

BEGIN_OPTION = "fieldsales_begin"
DURABLE_OPTION = "fieldsales_durable"
BeginMode = Literal["immediate", "read", "deferred"]

#: How long a connection waits for another writer before giving up with SQLITE_BUSY. Units of
#: work are short (milliseconds); five seconds covers a sync page being applied meanwhile.
BUSY_TIMEOUT_MS = 5000

#: Set on every connection, busy_timeout first (see the module docstring).
CONNECTION_PRAGMAS: tuple[str, ...] = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
)

#: SQLite's default: a commit that leaves more than this many pages in the WAL checkpoints it.
WAL_AUTOCHECKPOINT = 1000
#: The same for relaxed (not durable) writes: a first sync's 28,000 records (~4,200 pages, each
#: written to the WAL several times as its indexes grow) go in without a checkpoint per page,
#: yet a manager's pull of a whole team cannot grow the WAL past ~64 MB.
RELAXED_WAL_AUTOCHECKPOINT = 16384

_QUERY_ONLY = "fieldsales_query_only"
_DURABLE = "fieldsales_durable"


def _connect_handler(busy_timeout_ms: int) -> Callable[[Any, ConnectionPoolEntry], None]:
    def on_connect(dbapi_connection: sqlite3.Connection, record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see ``_on_begin``)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            for pragma in CONNECTION_PRAGMAS:
                cursor.execute(pragma).fetchall()
        finally:
            cursor.close()
        record.info[_QUERY_ONLY] = False
        record.info[_DURABLE] = True

    return on_connect


def _on_begin(conn: Connection) -> None:
    options = conn.get_execution_options()
    mode = options.get(BEGIN_OPTION, "deferred")
    durable = options.get(DURABLE_OPTION, True)
    pooled = conn.connection
    # Straight to the driver: through ``exec_driver_sql`` these two statements cost more than
    # everything else a unit of work does in Python besides the flush itself.
    dbapi_connection = pooled.dbapi_connection
    assert dbapi_connection is not None
    read_only = mode == "read"
    if pooled.info.get(_QUERY_ONLY, False) != read_only:
        # Only on a change of mode, so the write path pays no extra statement per transaction.
        dbapi_connection.execute(f"PRAGMA query_only = {int(read_only)}")
        pooled.info[_QUERY_ONLY] = read_only
    if not read_only and pooled.info.get(_DURABLE, True) != durable:
        # Outside the transaction: SQLite refuses to change ``synchronous`` inside one.
        synchronous, pages = (
            ("FULL", WAL_AUTOCHECKPOINT) if durable else ("NORMAL", RELAXED_WAL_AUTOCHECKPOINT)
        )
        dbapi_connection.execute(f"PRAGMA synchronous = {synchronous}")
        dbapi_connection.execute(f"PRAGMA wal_autocheckpoint = {pages}")
        pooled.info[_DURABLE] = durable
    dbapi_connection.execute("BEGIN IMMEDIATE" if mode == "immediate" else "BEGIN")


def create_store_engine(path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """An engine on the SQLite file at ``path`` with the store's pragmas and transaction modes."""
    engine = create_engine(URL.create("sqlite", database=str(path)))
    event.listen(engine, "connect", _connect_handler(busy_timeout_ms))
    event.listen(engine, "begin", _on_begin)
    return engine
