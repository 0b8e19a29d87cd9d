"""The per-tenant version sequence.

Every write of a synced record takes its version here, inside the writing transaction, after
locking the tenant's row. The lock is held until commit, so writers of one tenant are serialised
and commit order equals version order: a device that pulled up to version N can never later find
a record with a version <= N that it missed. (On SQLite the write transaction already holds the
database's write lock; on PostgreSQL the row lock does it.)
"""

from __future__ import annotations

import threading
from types import TracebackType

from sqlalchemy import Connection, select, update

from fieldsales.server.errors import NotFoundError
from fieldsales.server.models import server_meta, tenants


class VersionClock:
    """Hands out consecutive versions for one transaction; ``close`` stores the last one."""

    def __init__(self, conn: Connection, tenant_id: str) -> None:
        self.conn = conn
        self.tenant_id = tenant_id
        # A no-op UPDATE takes the row lock on every database (SELECT ... FOR UPDATE does not
        # exist on SQLite); RETURNING then reads the value under that lock. The database's epoch
        # comes along (a push answers with it): one round trip fewer while holding the lock.
        epoch = select(server_meta.c.value).where(server_meta.c.key == "epoch").scalar_subquery()
        row = conn.execute(
            update(tenants)
            .where(tenants.c.id == tenant_id)
            .values(last_version=tenants.c.last_version)
            .returning(tenants.c.last_version, tenants.c.tombstone_horizon, epoch)
        ).first()
        if row is None:
            raise NotFoundError("Deze organisatie bestaat niet.", code="tenant_not_found")
        self.start = int(row[0])
        self.last = self.start
        self.tombstone_horizon = int(row[1])
        self.epoch = str(row[2])

    def next(self) -> int:
        self.last += 1
        return self.last

    def close(self) -> None:
        if self.last != self.start:
            self.conn.execute(
                update(tenants).where(tenants.c.id == self.tenant_id).values(last_version=self.last)
            )


def current_version(conn: Connection, tenant_id: str) -> int:
    return int(
        conn.execute(select(tenants.c.last_version).where(tenants.c.id == tenant_id)).scalar_one()
    )


class _Queue:
    """A first-come, first-served lock (``threading.Lock`` wakes waiters in no particular order,
    which shows in the slowest device's wait)."""

    def __init__(self) -> None:
        self._turn = threading.Condition()
        self._next_ticket = 0
        self._serving = 0

    def __enter__(self) -> None:
        with self._turn:
            ticket = self._next_ticket
            self._next_ticket += 1
            while self._serving != ticket:
                self._turn.wait()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        with self._turn:
            self._serving += 1
            self._turn.notify_all()


_QUEUES: dict[str, _Queue] = {}
_QUEUES_GUARD = threading.Lock()


def queue_for_lock(tenant_id: str) -> _Queue:
    """This process's queue in front of the tenant's version lock.

    Pushes of one tenant are serialised by the lock anyway. Without this queue, each waiting push
    of a worker would hold a database connection while it waits (fifty devices at day end: more
    than the pool, so new connections get opened while pulls wait for one); with it, a worker has
    one push at the lock per tenant and the others wait here, in arrival order, holding nothing.
    Workers (processes) still meet at the lock itself.
    """
    queue = _QUEUES.get(tenant_id)
    if queue is None:
        with _QUEUES_GUARD:
            queue = _QUEUES.setdefault(tenant_id, _Queue())
    return queue
