"""Running a migration's DDL inside the caller's transaction.

``sqlite3.Connection.executescript`` would be the obvious tool, but it COMMITs any open
transaction first, which would split a migration from its ``user_version`` bump. So scripts are
split into complete statements (``sqlite3.complete_statement`` understands trigger bodies) and
executed one at a time.
"""

from __future__ import annotations

import sqlite3


def statements(script: str) -> list[str]:
    """The complete SQL statements of ``script``, in order."""
    found: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statement = pending.strip()
            if statement.rstrip(";").strip():
                found.append(statement)
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement at the end of a script: {pending.strip()!r}")
    return found


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Execute every statement of ``script`` in the connection's current transaction."""
    if not conn.in_transaction:
        raise RuntimeError("a migration script must run inside the migration's transaction")
    for statement in statements(script):
        conn.execute(statement)
