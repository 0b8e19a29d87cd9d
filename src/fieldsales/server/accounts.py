"""Tenants, teams and user accounts: what the admin commands and admin endpoints call.

An account (login, password hash, role) lives only on the server; its public profile is the
synced ``users`` record with the same id, and a team is a synced ``teams`` record, both written
through the tenant's version clock so every device's directory follows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import Connection, Engine, Row, func, insert, select, update

from fieldsales.domain.enums import Role
from fieldsales.domain.ids import new_id
from fieldsales.records import COLLECTIONS, Scope, Team, UserProfile
from fieldsales.server.db import write_transaction
from fieldsales.server.models import accounts, auth_tokens, records, tenants, utcnow
from fieldsales.server.syncing import record_scope_exits
from fieldsales.server.validation import Rejection
from fieldsales.server.writer import ServerWriter

MIN_PASSWORD_LENGTH = 8


class AccountError(Exception):
    """An account operation refused; ``message`` is Dutch and says what to change."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class AccountInfo:
    id: str
    tenant_id: str
    username: str
    full_name: str
    email: str | None
    role: Role
    team_id: str | None
    active: bool
    created_at: datetime


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            "weak_password", f"Een wachtwoord heeft minstens {MIN_PASSWORD_LENGTH} tekens."
        )


def _normalize_username(username: str) -> str:
    name = username.strip().lower()
    if not name or len(name) > 80 or any(ch.isspace() for ch in name):
        raise AccountError(
            "invalid_username", "Een gebruikersnaam is 1 tot 80 tekens, zonder spaties."
        )
    return name


def create_tenant(engine: Engine, *, name: str, tenant_id: str | None = None) -> str:
    tenant_id = tenant_id or new_id()
    with write_transaction(engine) as conn:
        exists = conn.execute(select(tenants.c.id).where(tenants.c.id == tenant_id)).first()
        if exists:
            raise AccountError("tenant_exists", "Deze organisatie bestaat al.")
        conn.execute(insert(tenants).values(id=tenant_id, name=name.strip(), created_at=utcnow()))
    return tenant_id


def list_tenants(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return [
            (row.id, row.name)
            for row in conn.execute(select(tenants.c.id, tenants.c.name).order_by(tenants.c.name))
        ]


def create_team(
    engine: Engine,
    *,
    tenant_id: str,
    name: str,
    manager_id: str | None = None,
    team_id: str | None = None,
) -> str:
    team_id = team_id or new_id()
    with write_transaction(engine) as conn:
        writer = ServerWriter(conn, tenant_id)
        _write(writer, "teams", team_id, {"name": name.strip(), "manager_id": manager_id})
        writer.finish()
    return team_id


def create_team_with_users(
    engine: Engine,
    *,
    tenant_name: str,
    team: Team,
    users: Iterable[UserProfile],
    password: str,
    hasher: PasswordHasher,
    demo: bool = False,
) -> str:
    """A tenant holding one team and its users, with the ids the device data already uses
    (the tenant's id is the team's: demo data, benchmarks and tests generate a team's records
    before any server exists). Every user gets ``password``; returns the tenant id."""
    tenant_id = create_tenant(engine, name=tenant_name, tenant_id=team.id)
    create_team(engine, tenant_id=tenant_id, name=team.name, team_id=team.id)
    for profile in users:
        create_user(
            engine,
            tenant_id=tenant_id,
            username=profile.username,
            password=password,
            role=profile.role,
            full_name=profile.full_name,
            email=profile.email,
            team_id=profile.team_id,
            user_id=profile.id,
            hasher=hasher,
            demo=demo,
        )
    return tenant_id


def create_user(
    engine: Engine,
    *,
    tenant_id: str,
    username: str,
    password: str,
    role: Role,
    full_name: str,
    hasher: PasswordHasher,
    email: str | None = None,
    team_id: str | None = None,
    user_id: str | None = None,
    demo: bool = False,
) -> str:
    """Create a login and its directory profile; the username is unique across tenants.

    ``demo`` skips the password policy for the demo accounts (``fieldsales-admin demo-data``,
    whose password ``demo`` is published in the README); nothing else may pass it.
    """
    username = _normalize_username(username)
    if not demo:
        _check_password(password)
    user_id = user_id or new_id()
    password_hash = hasher.hash(password)
    with write_transaction(engine) as conn:
        taken = conn.execute(select(accounts.c.id).where(accounts.c.username == username)).first()
        if taken:
            raise AccountError(
                "username_taken", f"De gebruikersnaam '{username}' is al in gebruik."
            )
        writer = ServerWriter(conn, tenant_id)  # also proves that the tenant exists
        if team_id is not None:
            team = writer.get(team_id)
            if team is None or team.collection != "teams" or team.deleted:
                raise AccountError("unknown_team", "Dit team bestaat niet.")
        conn.execute(
            insert(accounts).values(
                id=user_id,
                tenant_id=tenant_id,
                username=username,
                full_name=full_name.strip(),
                email=email,
                role=Role(role).value,
                team_id=team_id,
                password_hash=password_hash,
                active=True,
                created_at=utcnow(),
                password_changed_at=utcnow(),
            )
        )
        _write(
            writer,
            "users",
            user_id,
            {
                "team_id": team_id,
                "username": username,
                "full_name": full_name.strip(),
                "email": email,
                "role": Role(role).value,
                "active": True,
            },
        )
        writer.finish()
    return user_id


def _write(
    writer: ServerWriter, collection: str, record_id: str, fields: dict[str, object]
) -> None:
    try:
        writer.upsert(collection, record_id, fields)
    except Rejection as exc:
        raise AccountError(exc.code, exc.message) from exc


def _account_id(conn: Connection, username: str) -> tuple[str, str]:
    row = conn.execute(
        select(accounts.c.id, accounts.c.tenant_id).where(
            accounts.c.username == _normalize_username(username)
        )
    ).first()
    if row is None:
        raise AccountError("unknown_user", f"Gebruiker '{username}' bestaat niet.")
    return row.id, row.tenant_id


def revoke_tokens(conn: Connection, account_id: str) -> int:
    result = conn.execute(
        update(auth_tokens)
        .where(auth_tokens.c.account_id == account_id, auth_tokens.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return int(result.rowcount or 0)


def reset_password(engine: Engine, *, username: str, password: str, hasher: PasswordHasher) -> None:
    """Set a new password and end every session of the user (their devices log in again)."""
    _check_password(password)
    password_hash = hasher.hash(password)
    with write_transaction(engine) as conn:
        account_id, _tenant = _account_id(conn, username)
        conn.execute(
            update(accounts)
            .where(accounts.c.id == account_id)
            .values(password_hash=password_hash, password_changed_at=utcnow())
        )
        revoke_tokens(conn, account_id)


def set_active(engine: Engine, *, username: str, active: bool) -> None:
    """Deactivate (or reactivate) a user: logins and tokens stop working at once; their data
    stay, and the directory shows them as inactive."""
    with write_transaction(engine) as conn:
        account_id, tenant_id = _account_id(conn, username)
        conn.execute(update(accounts).where(accounts.c.id == account_id).values(active=active))
        if not active:
            revoke_tokens(conn, account_id)
        writer = ServerWriter(conn, tenant_id)
        _write(writer, "users", account_id, {"active": active})
        writer.finish()


def deactivate_user(engine: Engine, *, username: str) -> None:
    set_active(engine, username=username, active=False)


def _info(row: Row[Any]) -> AccountInfo:
    return AccountInfo(
        id=row.id,
        tenant_id=row.tenant_id,
        username=row.username,
        full_name=row.full_name,
        email=row.email,
        role=Role(row.role),
        team_id=row.team_id,
        active=bool(row.active),
        created_at=row.created_at,
    )


def get_account(
    engine: Engine, *, username: str | None = None, account_id: str | None = None
) -> AccountInfo | None:
    query = select(accounts)
    if username is not None:
        query = query.where(accounts.c.username == username.strip().lower())
    elif account_id is not None:
        query = query.where(accounts.c.id == account_id)
    else:
        raise ValueError("username or account_id")
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else _info(row)


def list_accounts(engine: Engine, *, tenant_id: str) -> list[AccountInfo]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(accounts).where(accounts.c.tenant_id == tenant_id).order_by(accounts.c.username)
        ).all()
    return [_info(row) for row in rows]


def count_accounts(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(accounts)).scalar_one())


def reassign_customers(
    engine: Engine,
    *,
    from_username: str,
    to_username: str,
    customer_ids: list[str] | None = None,
) -> int:
    """Move customers (all of ``from_username``'s, or the given ones) with everything under them
    to another salesperson of the same tenant, e.g. when someone leaves.

    Every moved record gets a new version, so the new owner's devices pull it. The previous
    owner loses access: a scope exit per customer tells their devices to purge their copies.
    """
    with write_transaction(engine) as conn:
        source, tenant_id = _account_id(conn, from_username)
        target, target_tenant = _account_id(conn, to_username)
        if target_tenant != tenant_id:
            raise AccountError(
                "other_tenant", "Beide gebruikers moeten bij dezelfde organisatie horen."
            )
        query = select(records.c.id).where(
            records.c.tenant_id == tenant_id,
            records.c.collection == "customers",
            records.c.owner_id == source,
        )
        if customer_ids is not None:
            query = query.where(records.c.id.in_(customer_ids))
        moving = list(conn.execute(query).scalars())
        if not moving:
            return 0
        children = list(
            conn.execute(
                select(records.c.id).where(
                    records.c.tenant_id == tenant_id,
                    records.c.customer_id.in_(moving),
                    records.c.collection != "customers",
                    records.c.owner_id == source,
                )
            ).scalars()
        )
        writer = ServerWriter(conn, tenant_id)
        writer.load([*moving, *children])
        for customer_id in moving:
            _write(writer, "customers", customer_id, {"owner_id": target})
        for child in children:
            row = writer.rows[child]
            if COLLECTIONS[row.collection].scope is Scope.CUSTOMER:
                writer.rescope(child, target)
        record_scope_exits(conn, writer.clock, source, moving)
        writer.finish()
        return len(moving)
