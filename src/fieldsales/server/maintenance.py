"""Housekeeping: purging old tombstones (and remembering that we did, so old cursors reset)."""

from __future__ import annotations

from sqlalchemy import Engine, delete, select, update

from fieldsales.server.db import write_transaction
from fieldsales.server.models import records, tenants


def purge_tombstones(engine: Engine, *, keep_versions: int, tenant_id: str | None = None) -> int:
    """Delete tombstones older than the newest ``keep_versions`` versions of each tenant.

    The tenant's ``tombstone_horizon`` moves up to the purged range: a device whose cursor is
    below it might have missed a deletion, so its next pull answers ``reset``.
    """
    total = 0
    with engine.connect() as conn:
        query = select(tenants.c.id)
        if tenant_id is not None:
            query = query.where(tenants.c.id == tenant_id)
        tenant_ids = list(conn.execute(query).scalars())
    for tid in tenant_ids:
        with write_transaction(engine) as conn:
            last = conn.execute(
                update(tenants)
                .where(tenants.c.id == tid)
                .values(last_version=tenants.c.last_version)
                .returning(tenants.c.last_version, tenants.c.tombstone_horizon)
            ).one()
            horizon = max(int(last[1]), int(last[0]) - keep_versions)
            if horizon <= int(last[1]):
                continue
            result = conn.execute(
                delete(records).where(
                    records.c.tenant_id == tid,
                    records.c.deleted.is_(True),
                    records.c.version <= horizon,
                )
            )
            conn.execute(
                update(tenants).where(tenants.c.id == tid).values(tombstone_horizon=horizon)
            )
            total += int(result.rowcount or 0)
    return total
