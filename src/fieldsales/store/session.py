"""The store's session class and the hooks that make every write of a synced record syncable.

The hooks are registered on ``StoreSession`` only, so sessions elsewhere (the server's) are
untouched. Flags in ``session.info``:

``APPLYING_SYNC`` (``"applying_sync"``)
    The sync engine is writing records it pulled from the server: no outbox rows (that would
    echo the server's own changes back to it), no ``updated_at`` stamp, and bulk statements on
    synced tables are allowed.
``READ_ONLY``
    Set by ``Store.read()``: flushing a change raises ``store_read_only``.

What cannot be captured is refused: ``session.delete()`` of a synced record (deleting is a
tombstone, ``uow.delete``) and ORM bulk ``insert``/``update``/``delete`` statements on synced
tables outside sync (they skip the flush and would change rows without an outbox entry). Raw SQL
through ``text()`` is not inspected; it is not to be used for synced tables.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, UOWTransaction
from sqlmodel import Session

from fieldsales.records import ALL_RECORDS
from fieldsales.records.base import SyncedRecord
from fieldsales.store import outbox
from fieldsales.store.errors import StoreError

APPLYING_SYNC = "applying_sync"
READ_ONLY = "fieldsales_read_only"

_SYNCED_TABLES = frozenset(cls.__tablename__ for cls in ALL_RECORDS)


def _hard_delete_error() -> StoreError:
    return StoreError(
        "Gesynchroniseerde gegevens worden niet echt verwijderd maar als verwijderd gemarkeerd.",
        code="store_hard_delete",
    )


class StoreSession(Session):
    """A ``sqlmodel.Session`` whose flushes write the outbox (see the module docstring)."""

    def delete(self, instance: object) -> None:
        if isinstance(instance, SyncedRecord):
            raise _hard_delete_error()
        super().delete(instance)

    @property
    def applying_sync(self) -> bool:
        return bool(self.info.get(APPLYING_SYNC, False))


@event.listens_for(StoreSession, "before_flush")
def _before_flush(session: Session, flush_context: UOWTransaction, instances: Any) -> None:
    info = session.info
    if info.get(READ_ONLY) and (
        session.new or session.deleted or any(session.is_modified(o) for o in session.dirty)
    ):
        raise StoreError(
            "Wijzigingen kunnen hier niet worden opgeslagen (alleen-lezen).",
            code="store_read_only",
        )
    if any(isinstance(obj, SyncedRecord) for obj in session.deleted):
        raise _hard_delete_error()
    if info.get(APPLYING_SYNC):
        return
    rows = outbox.capture(session)
    if rows:
        dbapi_connection = session.connection().connection.dbapi_connection
        assert dbapi_connection is not None
        dbapi_connection.executemany(outbox.INSERT_SQL, rows)


@event.listens_for(StoreSession, "do_orm_execute")
def _refuse_uncaptured_bulk_writes(state: ORMExecuteState) -> None:
    statement = state.statement
    if not getattr(statement, "is_dml", False) or state.session.info.get(APPLYING_SYNC):
        return
    table = getattr(statement, "table", None)
    if getattr(table, "name", None) in _SYNCED_TABLES:
        raise StoreError(
            "Deze wijziging zou niet worden gesynchroniseerd en is daarom geweigerd.",
            code="store_bulk_write",
        )
