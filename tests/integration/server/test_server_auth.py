"""Login, tokens, refresh, logout, deactivation and the rate limit on failed logins."""

from __future__ import annotations

from datetime import timedelta

from server_support import PASSWORD, Backend, World
from sqlalchemy import select, update

from fieldsales.server import accounts
from fieldsales.server.models import accounts as accounts_table
from fieldsales.server.models import auth_tokens, utcnow
from fieldsales.server.security import password_hasher
from fieldsales.sync.protocol import Me, TokenResponse


def test_login_returns_expiring_bearer_and_refresh_tokens(world: World) -> None:
    response = world.backend.client.post(
        "/auth/token", data={"username": world.alice.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    tokens = TokenResponse.model_validate(response.json())
    assert tokens.token_type == "bearer"
    assert tokens.expires_in == world.backend.settings.access_token_seconds
    me = world.backend.client.get(
        "/auth/me", headers={"Authorization": f"Bearer {tokens.access_token}"}
    )
    assert Me.model_validate(me.json()).user_id == world.alice.id
    assert me.json()["role"] == "salesperson"
    assert me.json()["team_id"] == world.team_id
    assert me.json()["organisation"].startswith("Test BV ")  # for the quote's letterhead


def test_tokens_are_stored_only_as_hashes(world: World) -> None:
    with world.engine.connect() as conn:
        stored = set(conn.execute(select(auth_tokens.c.token_hash)).scalars())
    assert world.alice.token not in stored
    assert world.alice.refresh_token not in stored
    assert all(len(h) == 64 for h in stored)


def test_wrong_password_and_unknown_user_look_alike(world: World) -> None:
    client = world.backend.client
    wrong = client.post("/auth/token", data={"username": world.alice.username, "password": "x"})
    unknown = client.post("/auth/token", data={"username": "nobody-here", "password": "x"})
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_credentials"
    missing = client.post("/auth/token", data={"username": "x"})
    assert missing.status_code == 422
    assert missing.json()["error"]["code"] == "validation_failed"


def test_failed_logins_are_rate_limited_per_user(world: World) -> None:
    client = world.backend.client
    limit = world.backend.settings.login_max_failures
    for _ in range(limit):
        response = client.post(
            "/auth/token", data={"username": world.bob.username, "password": "wrong"}
        )
        assert response.status_code == 401
    blocked = client.post(
        "/auth/token", data={"username": world.bob.username, "password": PASSWORD}
    )
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "rate_limited"
    retry_after = int(blocked.headers["Retry-After"])
    assert 0 < retry_after <= world.backend.settings.login_window_seconds
    # Another user from the same address is not affected.
    other = client.post(
        "/auth/token", data={"username": world.alice.username, "password": PASSWORD}
    )
    assert other.status_code == 200


def test_a_successful_login_clears_the_failure_count(world: World) -> None:
    client = world.backend.client
    limit = world.backend.settings.login_max_failures
    for _ in range(limit - 1):
        client.post("/auth/token", data={"username": world.bob.username, "password": "wrong"})
    world.bob.login()
    for _ in range(limit - 1):
        response = client.post(
            "/auth/token", data={"username": world.bob.username, "password": "wrong"}
        )
        assert response.status_code == 401


def test_refresh_rotates_and_a_reused_refresh_token_ends_the_session(world: World) -> None:
    client = world.backend.client
    alice = world.alice
    old_access, old_refresh = alice.token, alice.refresh_token
    response = client.post("/auth/refresh", json={"refresh_token": old_refresh})
    assert response.status_code == 200
    new = TokenResponse.model_validate(response.json())
    assert new.access_token != old_access
    new_headers = {"Authorization": f"Bearer {new.access_token}"}
    assert client.get("/auth/me", headers=new_headers).status_code == 200
    assert client.get("/auth/me", headers=alice.headers).status_code == 401  # old one revoked

    replay = client.post("/auth/refresh", json={"refresh_token": old_refresh})
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "refresh_token_reused"
    assert client.get("/auth/me", headers=new_headers).status_code == 401
    after = client.post("/auth/refresh", json={"refresh_token": new.refresh_token})
    assert after.status_code == 401

    garbage = client.post("/auth/refresh", json={"refresh_token": "fsr_nonsense"})
    assert garbage.status_code == 401
    assert garbage.json()["error"]["code"] == "invalid_refresh_token"


def test_logout_revokes_the_session_only(world: World) -> None:
    client = world.backend.client
    alice = world.alice
    second = alice.__class__(alice.id, alice.username, alice.role, client)
    second.login()
    assert client.post("/auth/logout", headers=alice.headers).status_code == 204
    assert client.get("/auth/me", headers=alice.headers).status_code == 401
    refreshed = client.post("/auth/refresh", json={"refresh_token": alice.refresh_token})
    assert refreshed.status_code == 401
    assert client.get("/auth/me", headers=second.headers).status_code == 200


def test_expired_access_token_is_refused_with_its_own_code(world: World) -> None:
    with world.engine.begin() as conn:
        conn.execute(
            update(auth_tokens)
            .where(auth_tokens.c.account_id == world.alice.id, auth_tokens.c.kind == "access")
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    response = world.backend.client.get("/auth/me", headers=world.alice.headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"


def test_deactivated_user_is_locked_out_at_once(world: World) -> None:
    client = world.backend.client
    accounts.deactivate_user(world.engine, username=world.bob.username)
    assert client.get("/auth/me", headers=world.bob.headers).status_code == 401
    response = client.post(
        "/auth/token", data={"username": world.bob.username, "password": PASSWORD}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "account_inactive"
    profile = world.alice.pull_all()[world.bob.id]
    assert profile["data"]["active"] is False


def test_reset_password_ends_sessions_and_takes_the_new_password(world: World) -> None:
    client = world.backend.client
    hasher = password_hasher(world.backend.settings)
    accounts.reset_password(
        world.engine, username=world.alice.username, password="een nieuw wachtwoord", hasher=hasher
    )
    assert client.get("/auth/me", headers=world.alice.headers).status_code == 401
    old = client.post("/auth/token", data={"username": world.alice.username, "password": PASSWORD})
    assert old.status_code == 401
    world.alice.login("een nieuw wachtwoord")
    with world.engine.connect() as conn:
        stored = conn.execute(
            select(accounts_table.c.password_hash).where(accounts_table.c.id == world.alice.id)
        ).scalar_one()
    assert stored.startswith("$argon2id$")


def test_admin_endpoints_manage_users_of_their_own_tenant(world: World) -> None:
    client = world.backend.client
    ada = world.ada
    listed = client.get("/admin/users", headers=ada.headers)
    assert listed.status_code == 200
    assert {u["username"] for u in listed.json()} >= {world.alice.username, world.bob.username}

    username = f"nieuw-{world.tenant_id[-6:]}"
    created = client.post(
        "/admin/users",
        json={
            "username": username,
            "password": "welkom1234",
            "full_name": "Nieuwe Verkoper",
            "team_id": world.team_id,
        },
        headers=ada.headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["role"] == "salesperson"
    ok = client.post("/auth/token", data={"username": username, "password": "welkom1234"})
    assert ok.status_code == 200

    taken = client.post(
        "/admin/users",
        json={"username": username, "password": "welkom1234", "full_name": "Dubbel"},
        headers=ada.headers,
    )
    assert taken.status_code == 409
    weak = client.post(
        "/admin/users",
        json={"username": username + "x", "password": "kort", "full_name": "Zwak"},
        headers=ada.headers,
    )
    assert weak.status_code == 422
    assert weak.json()["error"]["code"] == "weak_password"

    reset = client.post(
        f"/admin/users/{username}/password", json={"password": "anders1234"}, headers=ada.headers
    )
    assert reset.status_code == 204
    gone = client.post(f"/admin/users/{username}/deactivate", headers=ada.headers)
    assert gone.status_code == 204
    refused = client.post("/auth/token", data={"username": username, "password": "anders1234"})
    assert refused.status_code == 403


def test_admins_cannot_touch_other_tenants(world: World, backend: Backend) -> None:
    from server_support import make_world

    other = make_world(backend)
    response = world.backend.client.post(
        f"/admin/users/{other.alice.username}/deactivate", headers=world.ada.headers
    )
    assert response.status_code == 404
    assert world.backend.client.get("/auth/me", headers=other.alice.headers).status_code == 200
    assert other.alice.id not in world.ada.pull_all()


def test_purging_old_tokens_keeps_live_ones(world: World) -> None:
    from fieldsales.server.maintenance import purge_expired_tokens

    with world.engine.begin() as conn:
        conn.execute(
            update(auth_tokens)
            .where(auth_tokens.c.account_id == world.bob.id)
            .values(expires_at=utcnow() - timedelta(days=30))
        )
    assert purge_expired_tokens(world.engine, older_than_days=7) >= 2
    with world.engine.connect() as conn:
        left = set(
            conn.execute(
                select(auth_tokens.c.account_id).where(
                    auth_tokens.c.account_id.in_([world.alice.id, world.bob.id])
                )
            ).scalars()
        )
    assert left == {world.alice.id}
    assert world.backend.client.get("/auth/me", headers=world.alice.headers).status_code == 200
