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

_QUERY_ONLY = "fieldsales_query_only"


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

    return on_connect


def _on_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get(BEGIN_OPTION, "deferred")
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
    dbapi_connection.execute("BEGIN IMMEDIATE" if mode == "immediate" else "BEGIN")


def create_store_engine(path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """An engine on the SQLite file at ``path`` with the store's pragmas and transaction modes."""
    engine = create_engine(URL.create("sqlite", database=str(path)))
    event.listen(engine, "connect", _connect_handler(busy_timeout_ms))
    event.listen(engine, "begin", _on_begin)
    return engine
