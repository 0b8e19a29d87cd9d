"""The store's schema migrations, keyed on ``PRAGMA user_version``.

Each migration is a numbered module ``mNNNN_<name>.py`` with ``VERSION``, ``DESCRIPTION`` and
``upgrade(conn)`` holding explicit DDL: never ``metadata.create_all`` at run time, because a
migration must create the same schema forever, whatever the record classes look like later. A
test compares the fully migrated schema with the classes' metadata, so the two cannot drift.

Every migration runs in its own ``BEGIN IMMEDIATE`` transaction together with its
``user_version`` bump (SQLite DDL is transactional): a crash or an error leaves the file at the
previous version, never half-migrated. ``user_version`` is re-read inside the transaction, so two
processes opening the same file at once apply each migration exactly once.

Modules are listed explicitly rather than discovered: packaged apps (``flet build``) do not
always let ``pkgutil`` walk a package, and a test checks that every module file is listed.
"""

from __future__ import annotations

import sqlite3
from types import ModuleType
from typing import Protocol, cast

from fieldsales.store.errors import StoreError
from fieldsales.store.migrations import (
    m0001_initial,
    m0002_customer_search,
    m0003_attachment_files,
    m0004_drop_version_indexes,
)


class Migration(Protocol):
    VERSION: int
    DESCRIPTION: str

    def upgrade(self, conn: sqlite3.Connection) -> None: ...


def _as_migration(module: ModuleType) -> Migration:
    return cast(Migration, module)


MIGRATIONS: tuple[Migration, ...] = tuple(
    _as_migration(m)
    for m in (
        m0001_initial,
        m0002_customer_search,
        m0003_attachment_files,
        m0004_drop_version_indexes,
    )
)

#: The schema version this code creates and understands.
LATEST_VERSION = MIGRATIONS[-1].VERSION

if [m.VERSION for m in MIGRATIONS] != list(range(1, len(MIGRATIONS) + 1)):  # pragma: no cover
    raise RuntimeError("store migrations must be numbered 1, 2, 3, ... without gaps")


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, *, target: int | None = None) -> list[int]:
    """Bring the database up to ``target`` (default: the latest); return the versions applied.

    ``conn`` must be in autocommit mode (``isolation_level=None``) so that this function controls
    the transactions. Foreign key enforcement should be off (a table rebuild in a later migration
    needs that, and the pragma cannot change inside a transaction).
    """
    if conn.isolation_level is not None:
        raise ValueError("migrate() needs a connection with isolation_level=None")
    goal = LATEST_VERSION if target is None else target
    if not 0 <= goal <= LATEST_VERSION:
        raise ValueError(f"unknown schema version {goal}")
    applied: list[int] = []
    for migration in MIGRATIONS:
        if goal < migration.VERSION:
            break
        conn.execute("BEGIN IMMEDIATE")
        try:
            if user_version(conn) >= migration.VERSION:  # done by another process meanwhile
                conn.execute("ROLLBACK")
                continue
            migration.upgrade(conn)
            conn.execute(f"PRAGMA user_version = {int(migration.VERSION)}")
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(
                    "De gegevens op dit apparaat konden niet worden bijgewerkt naar de nieuwe "
                    f"versie van de app (stap {migration.VERSION}). Er is niets gewijzigd; "
                    "probeer het opnieuw of neem contact op met de beheerder.",
                    code="store_migration_failed",
                ) from exc
            raise
        applied.append(migration.VERSION)
    return applied
