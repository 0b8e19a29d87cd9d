"""Errors of the device's local store.

Like the domain's errors, each carries a stable ``code`` and a Dutch ``message`` the UI can show.
They are split by what the caller can do: ``retryable`` errors (the file is busy) go away by
trying again; the others need the user, support or a newer app (a damaged file, a file written
by a newer app) or are programming errors (writing outside a unit of work).

Codes: ``store_corrupt`` (not a database or failing ``quick_check``; the file is left untouched),
``store_too_new`` (schema newer than this app), ``store_foreign`` (a database, but not ours),
``store_migration_failed``, ``store_busy`` (retryable), ``store_read_only`` (a write in a read
session), ``store_hard_delete`` (synced records are tombstoned, never deleted),
``store_bulk_write`` (a bulk statement would bypass the outbox), ``store_not_found``,
``store_closed``.
"""

from __future__ import annotations


class StoreError(Exception):
    """The local store refused or failed an operation; nothing was written."""

    code = "store_error"
    retryable = False

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class StoreBusyError(StoreError):
    """Another writer held the file for longer than the busy timeout; try again."""

    code = "store_busy"
    retryable = True
