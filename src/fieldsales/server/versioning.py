"""The per-tenant version sequence.

Every write of a synced record takes its version here, inside the writing transaction, after
locking the tenant's row. The lock is held until commit, so writers of one tenant are serialised
and commit order equals version order: a device that pulled up to version N can never later find
a record with a version <= N that it missed. (On SQLite the write transaction already holds the
database's write lock; on PostgreSQL the row lock does it.)
"""

from __future__ import annotations

from sqlalchemy import Connection, select, update

from fieldsales.server.errors import NotFoundError
from fieldsales.server.models import tenants


class VersionClock:
    """Hands out consecutive versions for one transaction; ``close`` stores the last one."""

    def __init__(self, conn: Connection, tenant_id: str) -> None:
        self.conn = conn
        self.tenant_id = tenant_id
        # A no-op UPDATE takes the row lock on every database (SELECT ... FOR UPDATE does not
        # exist on SQLite); RETURNING then reads the value under that lock.
        row = conn.execute(
            update(tenants)
            .where(tenants.c.id == tenant_id)
            .values(last_version=tenants.c.last_version)
            .returning(tenants.c.last_version, tenants.c.tombstone_horizon)
        ).first()
        if row is None:
            raise NotFoundError("Deze organisatie bestaat niet.", code="tenant_not_found")
        self.start = int(row[0])
        self.last = self.start
        self.tombstone_horizon = int(row[1])

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
