"""Housekeeping: purging old tombstones (and remembering that we did, so old cursors reset),
expired tokens, and the sync bookkeeping that only matters for a while (scope exits below the
tombstone horizon, the stored answers of old pushes)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, delete, select, update

from fieldsales.server.db import write_transaction
from fieldsales.server.models import (
    auth_tokens,
    login_failures,
    push_outcomes,
    records,
    scope_exits,
    tenants,
    utcnow,
)


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
            # A cursor at or below the horizon resets (a full re-pull sweeps what it no longer
            # gets), so the scope exits down there have nobody left to tell.
            conn.execute(
                delete(scope_exits).where(
                    scope_exits.c.tenant_id == tid, scope_exits.c.version <= horizon
                )
            )
            conn.execute(
                update(tenants).where(tenants.c.id == tid).values(tombstone_horizon=horizon)
            )
            total += int(result.rowcount or 0)
    return total


def purge_expired_tokens(engine: Engine, *, older_than_days: int = 7) -> int:
    """Forget tokens that expired (or were revoked) more than ``older_than_days`` ago, and old
    failed-login entries; a reused refresh token older than that is refused as unknown."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    with write_transaction(engine) as conn:
        result = conn.execute(
            delete(auth_tokens).where(
                (auth_tokens.c.expires_at < cutoff) | (auth_tokens.c.revoked_at < cutoff)
            )
        )
        conn.execute(delete(login_failures).where(login_failures.c.failed_at < cutoff))
    return int(result.rowcount or 0)


def purge_push_outcomes(engine: Engine, *, older_than: timedelta) -> int:
    """Forget the stored answers of pushes older than ``older_than``.

    A device prunes its own rows when it pushes again; this catches devices that never come
    back. A retry of a push older than this gets ``duplicate`` without the original outcome and
    the device checks the record on its next pull instead (docs/sync-protocol.md).
    """
    with write_transaction(engine) as conn:
        result = conn.execute(
            delete(push_outcomes).where(push_outcomes.c.created_at < utcnow() - older_than)
        )
    return int(result.rowcount or 0)
