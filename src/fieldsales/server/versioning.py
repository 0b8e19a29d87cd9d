"""The per-tenant version sequence.

Every write of a synced record takes its version here, inside the writing transaction, after
locking the tenant's row. The lock is held until commit, so writers of one tenant are serialised
and commit order equals version order: a device that pulled up to version N can never later find
a record with a version <= N that it missed. (On SQLite the write transaction already holds the
database's write lock; on PostgreSQL the row lock does it.)
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

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


class Queued(Protocol):
    """Something waiting for the version lock: ``size`` counts towards a batch's limit."""

    size: int
    done: bool


Q = TypeVar("Q", bound=Queued)


class LockQueue(Generic[Q]):
    """This process's queue in front of one tenant's version lock, with group commit.

    Writers of a tenant are serialised by the lock, and under load what a writer pays for
    holding it is mostly per transaction: taking the lock, the round trips, the commit, and the
    waits for a CPU (and the GIL) between them. So the writer whose turn it is takes every
    writer waiting behind it (in arrival order, up to ``limit`` in total ``size``) and applies
    them all in one transaction: fifty devices syncing at once cost a handful of transactions
    instead of fifty. Waiting writers hold no database connection. Workers (processes) still
    meet at the lock itself.
    """

    def __init__(self) -> None:
        self._turn = threading.Condition()
        self._waiting: deque[Q] = deque()
        self._busy = False

    def submit(self, item: Q, run: Callable[[list[Q]], None], *, limit: int) -> None:
        """Return once ``item`` is done: applied by this thread together with those waiting
        behind it, or by another thread that took it into its batch. ``run`` applies a batch
        and records each item's outcome on the item."""
        with self._turn:
            self._waiting.append(item)
        while True:
            with self._turn:
                while self._busy and not item.done:
                    self._turn.wait()
                if item.done:
                    return
                self._busy = True
                batch = [self._waiting.popleft()]
                total = batch[0].size
                while self._waiting and total + self._waiting[0].size <= limit:
                    total += self._waiting[0].size
                    batch.append(self._waiting.popleft())
            try:
                run(batch)
            finally:
                with self._turn:
                    for queued in batch:
                        queued.done = True
                    self._busy = False
                    self._turn.notify_all()


_QUEUES: dict[str, LockQueue[Any]] = {}
_QUEUES_GUARD = threading.Lock()


def queue_for_lock(tenant_id: str) -> LockQueue[Any]:
    """The tenant's ``LockQueue`` in this process."""
    queue = _QUEUES.get(tenant_id)
    if queue is None:
        with _QUEUES_GUARD:
            queue = _QUEUES.setdefault(tenant_id, LockQueue())
    return queue
