"""Helpers of the server's contract suite (imported by its tests and conftest)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from fieldsales.domain.enums import Role
from fieldsales.domain.ids import new_id
from fieldsales.server import accounts
from fieldsales.server.security import password_hasher
from fieldsales.server.settings import Settings
from fieldsales.sync.protocol import SCHEMA_VERSION

PG_URL = os.environ.get(
    "FIELDSALES_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PASSWORD = "correct horse battery"


def test_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "env": "test",
        "database_url": database_url,
        "secret_key": "test-secret-key-0123456789",
        "argon2_time_cost": 1,
        "argon2_memory_kib": 64,
        "argon2_parallelism": 1,
        "max_request_bytes": 4 * 1024 * 1024,
    }
    values.update(overrides)
    return Settings(**values)


test_settings.__test__ = False  # type: ignore[attr-defined]


@dataclass
class Backend:
    name: str
    settings: Settings
    engine: Engine
    client: TestClient


@dataclass
class User:
    """A logged-in user of a test world, with shortcuts for the calls tests make."""

    id: str
    username: str
    role: Role
    client: TestClient
    token: str = ""
    refresh_token: str = ""
    client_id: str = field(default_factory=lambda: f"device-{secrets.token_hex(4)}")
    next_mid: int = 1

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def login(self, password: str = PASSWORD) -> None:
        response = self.client.post(
            "/auth/token", data={"username": self.username, "password": password}
        )
        assert response.status_code == 200, response.text
        self.token = response.json()["access_token"]
        self.refresh_token = response.json()["refresh_token"]

    def mutation(
        self,
        collection: str,
        record_id: str,
        fields: dict[str, Any] | None = None,
        *,
        op: str = "upsert",
        base_version: int | None = None,
    ) -> dict[str, Any]:
        mid = self.next_mid
        self.next_mid += 1
        return {
            "mid": mid,
            "collection": collection,
            "op": op,
            "id": record_id,
            "base_version": base_version,
            "fields": fields or {},
        }

    def push(self, *mutations: dict[str, Any], expect: int = 200) -> dict[str, Any]:
        response = self.client.post(
            "/sync/push",
            json={
                "client_id": self.client_id,
                "schema_version": SCHEMA_VERSION,
                "mutations": list(mutations),
            },
            headers=self.headers,
        )
        assert response.status_code == expect, response.text
        body: dict[str, Any] = response.json()
        return body

    def push_one(
        self, collection: str, record_id: str, fields: dict[str, Any] | None = None, **kw: Any
    ) -> dict[str, Any]:
        result: dict[str, Any] = self.push(self.mutation(collection, record_id, fields, **kw))[
            "results"
        ][0]
        return result

    def pull(self, cursor: int = 0, limit: int | None = None, **params: Any) -> dict[str, Any]:
        query: dict[str, Any] = {"cursor": cursor, **params}
        if limit is not None:
            query["limit"] = limit
        response = self.client.get("/sync/pull", params=query, headers=self.headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def pull_all(self, cursor: int = 0, limit: int = 1000) -> dict[str, dict[str, Any]]:
        """Every record visible to this user, by id (the latest state)."""
        seen: dict[str, dict[str, Any]] = {}
        while True:
            page = self.pull(cursor, limit)
            for record in page["records"]:
                seen[record["id"]] = record
            cursor = page["cursor"]
            if not page["more"]:
                return seen


@dataclass
class World:
    """A tenant with one team: two salespeople, their manager, an admin, and a manager of
    another team."""

    backend: Backend
    tenant_id: str
    team_id: str
    alice: User
    bob: User
    manny: User
    ada: User
    otto: User  # manager of another team

    @property
    def engine(self) -> Engine:
        return self.backend.engine

    @property
    def users(self) -> dict[str, User]:
        return {
            "alice": self.alice,
            "bob": self.bob,
            "manny": self.manny,
            "ada": self.ada,
            "otto": self.otto,
        }


def make_world(backend: Backend) -> World:
    engine = backend.engine
    hasher = password_hasher(backend.settings)
    suffix = secrets.token_hex(4)
    tenant_id = accounts.create_tenant(engine, name=f"Test BV {suffix}")
    team_id = accounts.create_team(engine, tenant_id=tenant_id, name="Team Noord")
    other_team = accounts.create_team(engine, tenant_id=tenant_id, name="Team Zuid")
    users: dict[str, User] = {}
    for name, role, team in (
        ("alice", Role.SALESPERSON, team_id),
        ("bob", Role.SALESPERSON, team_id),
        ("manny", Role.MANAGER, team_id),
        ("ada", Role.ADMIN, None),
        ("otto", Role.MANAGER, other_team),
    ):
        username = f"{name}-{suffix}"
        user_id = accounts.create_user(
            engine,
            tenant_id=tenant_id,
            username=username,
            password=PASSWORD,
            role=role,
            full_name=name.title(),
            team_id=team,
            hasher=hasher,
        )
        user = User(id=user_id, username=username, role=role, client=backend.client)
        user.login()
        users[name] = user
    return World(backend, tenant_id, team_id, **users)


def customer_fields(owner_id: str, **extra: Any) -> dict[str, Any]:
    return {"owner_id": owner_id, "name": f"Bakkerij {new_id()[-6:]}", **extra}
