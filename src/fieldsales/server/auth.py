"""Logins, tokens and the rate limit on failed logins.

OAuth2 password flow: a login returns a short-lived access token and a longer-lived refresh
token of the same *session*. A refresh token is used once: refreshing revokes the session's old
tokens and issues a new pair; presenting an already used refresh token (a stolen copy, or a
replay) revokes the whole session. Failed logins are counted per username and client address in
the database, so every worker process sees the same count.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from fieldsales.domain.enums import Role
from fieldsales.domain.ids import new_id
from fieldsales.server.db import read_transaction, write_transaction
from fieldsales.server.errors import ForbiddenError, RateLimitedError, UnauthorizedError
from fieldsales.server.models import accounts, auth_tokens, login_failures, utcnow
from fieldsales.server.scope import Principal
from fieldsales.server.security import (
    ACCESS_PREFIX,
    REFRESH_PREFIX,
    dummy_verify,
    login_key,
    new_token,
    token_hash,
    verify_password,
)
from fieldsales.server.settings import Settings


def login(
    engine: Engine,
    settings: Settings,
    hasher: PasswordHasher,
    *,
    username: str,
    password: str,
    client_ip: str,
) -> dict[str, Any]:
    if "\x00" in username or "\x00" in password or len(username) > 200:
        raise UnauthorizedError(
            "Gebruikersnaam of wachtwoord klopt niet.", code="invalid_credentials"
        )
    key = login_key(username, client_ip)
    now = utcnow()
    window_start = now - timedelta(seconds=settings.login_window_seconds)
    with read_transaction(engine) as conn:
        failures = conn.execute(
            select(func.count(), func.min(login_failures.c.failed_at)).where(
                login_failures.c.key == key, login_failures.c.failed_at > window_start
            )
        ).one()
        if failures[0] >= settings.login_max_failures:
            oldest = failures[1]
            wait = settings.login_window_seconds - (now - oldest).total_seconds()
            raise RateLimitedError(max(1, math.ceil(wait)))
        account = conn.execute(
            select(accounts.c.id, accounts.c.password_hash, accounts.c.active).where(
                accounts.c.username == username.strip().lower()
            )
        ).first()

    if account is None:
        dummy_verify(hasher)
        ok = False
    else:
        ok = verify_password(hasher, account.password_hash, password)
    with write_transaction(engine) as conn:
        if not ok:
            conn.execute(delete(login_failures).where(login_failures.c.failed_at < window_start))
            conn.execute(insert(login_failures).values(key=key, failed_at=now))
        else:
            conn.execute(delete(login_failures).where(login_failures.c.key == key))
    if not ok or account is None:
        raise UnauthorizedError(
            "Gebruikersnaam of wachtwoord klopt niet.", code="invalid_credentials"
        )
    if not account.active:
        raise ForbiddenError(
            "Uw account is gedeactiveerd. Neem contact op met de beheerder.",
            code="account_inactive",
        )
    if hasher.check_needs_rehash(account.password_hash):
        with write_transaction(engine) as conn:
            conn.execute(
                update(accounts)
                .where(accounts.c.id == account.id)
                .values(password_hash=hasher.hash(password))
            )
    with write_transaction(engine) as conn:
        return _issue(conn, settings, account.id, new_id())


def _issue(
    conn: Connection, settings: Settings, account_id: str, session_id: str
) -> dict[str, Any]:
    now = utcnow()
    access = new_token(ACCESS_PREFIX)
    refresh = new_token(REFRESH_PREFIX)
    conn.execute(
        insert(auth_tokens),
        [
            {
                "token_hash": token_hash(settings, access),
                "kind": "access",
                "account_id": account_id,
                "session_id": session_id,
                "expires_at": now + timedelta(seconds=settings.access_token_seconds),
                "revoked_at": None,
                "created_at": now,
            },
            {
                "token_hash": token_hash(settings, refresh),
                "kind": "refresh",
                "account_id": account_id,
                "session_id": session_id,
                "expires_at": now + timedelta(seconds=settings.refresh_token_seconds),
                "revoked_at": None,
                "created_at": now,
            },
        ],
    )
    return {
        "access_token": access,
        "token_type": "bearer",
        "expires_in": settings.access_token_seconds,
        "refresh_token": refresh,
        "refresh_expires_in": settings.refresh_token_seconds,
    }


def refresh(engine: Engine, settings: Settings, *, refresh_token: str) -> dict[str, Any]:
    hashed = token_hash(settings, refresh_token)
    now = utcnow()
    with write_transaction(engine) as conn:
        row = conn.execute(
            select(
                auth_tokens.c.account_id,
                auth_tokens.c.session_id,
                auth_tokens.c.expires_at,
                auth_tokens.c.revoked_at,
                accounts.c.active,
            )
            .join(accounts, accounts.c.id == auth_tokens.c.account_id)
            .where(auth_tokens.c.token_hash == hashed, auth_tokens.c.kind == "refresh")
        ).first()
        if row is None or row.expires_at <= now or not row.active:
            raise UnauthorizedError(code="invalid_refresh_token")
        reused = row.revoked_at is not None
        _revoke_session(conn, row.session_id)
        if not reused:
            return _issue(conn, settings, row.account_id, row.session_id)
    # Raised after the commit: the revocation of the replayed session must stick.
    raise UnauthorizedError(
        "Deze sessie is beëindigd omdat een oud token opnieuw werd gebruikt. Log opnieuw in.",
        code="refresh_token_reused",
    )


def _revoke_session(conn: Connection, session_id: str) -> None:
    conn.execute(
        update(auth_tokens)
        .where(auth_tokens.c.session_id == session_id, auth_tokens.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def logout(engine: Engine, principal: Principal) -> None:
    with write_transaction(engine) as conn:
        _revoke_session(conn, principal.session_id)


def principal_for_token(engine: Engine, settings: Settings, token: str) -> Principal:
    hashed = token_hash(settings, token)
    with engine.connect() as conn:
        row = conn.execute(
            select(
                accounts.c.id,
                accounts.c.tenant_id,
                accounts.c.role,
                accounts.c.username,
                accounts.c.full_name,
                accounts.c.team_id,
                accounts.c.active,
                auth_tokens.c.session_id,
                auth_tokens.c.expires_at,
                auth_tokens.c.revoked_at,
            )
            .join(accounts, accounts.c.id == auth_tokens.c.account_id)
            .where(auth_tokens.c.token_hash == hashed, auth_tokens.c.kind == "access")
        ).first()
    if row is None or row.revoked_at is not None or not row.active:
        raise UnauthorizedError(code="invalid_token")
    if row.expires_at <= utcnow():
        raise UnauthorizedError(
            "Uw sessie is verlopen. Vernieuw uw token of log opnieuw in.", code="token_expired"
        )
    return Principal(
        account_id=row.id,
        tenant_id=row.tenant_id,
        role=Role(row.role),
        username=row.username,
        full_name=row.full_name,
        team_id=row.team_id,
        session_id=row.session_id,
    )
