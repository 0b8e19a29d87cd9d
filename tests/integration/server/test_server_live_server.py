"""The real ``fieldsales-server`` over loopback: the console script, migrations at start, and
20 devices pushing at once against several uvicorn workers on PostgreSQL."""

from __future__ import annotations

import gzip
import secrets
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from server_support import PASSWORD
from sqlalchemy import func, select

from fieldsales.domain.enums import Role
from fieldsales.domain.ids import new_id
from fieldsales.server import accounts, loopback
from fieldsales.server.db import make_engine
from fieldsales.server.migrate import current_revision, head_revision, upgrade
from fieldsales.server.models import records, tenants
from fieldsales.server.security import password_hasher
from fieldsales.server.settings import Settings
from fieldsales.sync.protocol import SCHEMA_VERSION

SCRIPT = Path(sys.executable).parent / "fieldsales-server"


def server_env(database_url: str) -> dict[str, str]:
    return loopback.server_env(
        database_url, secret_key="live-test-secret-key-123456", **loopback.FAST_HASHING
    )


@contextmanager
def running_server(database_url: str, *, workers: int = 1) -> Iterator[str]:
    with loopback.running_server(server_env(database_url), workers=workers) as server:
        yield server.url


def test_settings_refuse_the_default_secret_outside_development() -> None:
    with pytest.raises(ValueError, match="SECRET_KEY"):
        Settings(env="production", database_url="sqlite://")
    assert Settings(env="development", database_url="sqlite://").env == "development"


def test_migrate_command_and_a_real_server_over_loopback(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    migrated = subprocess.run(
        [str(SCRIPT), "migrate"], env=server_env(url), capture_output=True, text=True, timeout=60
    )
    assert migrated.returncode == 0, migrated.stderr
    engine = make_engine(url)
    assert current_revision(engine) == head_revision()
    settings = Settings(env="test", database_url=url, secret_key="x" * 20)
    tenant = accounts.create_tenant(engine, name="Loopback BV")
    user_id = accounts.create_user(
        engine,
        tenant_id=tenant,
        username="lisa",
        password=PASSWORD,
        role=Role.SALESPERSON,
        full_name="Lisa",
        hasher=password_hasher(settings.model_copy(update={"argon2_memory_kib": 64})),
    )
    engine.dispose()

    with running_server(url) as base, httpx.Client(base_url=base, timeout=30) as client:
        assert client.get("/docs").status_code == 200
        assert "/sync/push" in client.get("/openapi.json").json()["paths"]
        token = client.post("/auth/token", data={"username": "lisa", "password": PASSWORD})
        assert token.status_code == 200, token.text
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        customers = [new_id() for _ in range(50)]
        body = {
            "client_id": "phone-1",
            "schema_version": SCHEMA_VERSION,
            "mutations": [
                {
                    "mid": i + 1,
                    "collection": "customers",
                    "op": "upsert",
                    "id": cid,
                    "fields": {"owner_id": user_id, "name": f"Klant {i}", "notes": "x" * 100},
                }
                for i, cid in enumerate(customers)
            ],
        }
        pushed = client.post(
            "/sync/push",
            content=gzip.compress(orjson.dumps(body)),
            headers=headers | {"Content-Encoding": "gzip", "Content-Type": "application/json"},
        )
        assert pushed.status_code == 200, pushed.text
        assert {r["status"] for r in pushed.json()["results"]} == {"applied"}
        pulled = client.get("/sync/pull", headers=headers | {"Accept-Encoding": "gzip"})
        assert pulled.headers["content-encoding"] == "gzip"
        ids = {r["id"] for r in pulled.json()["records"]}
        assert set(customers) <= ids


CLIENTS = 20
PUSHES_PER_CLIENT = 6
MUTATIONS_PER_PUSH = 15


@pytest.mark.postgres
def test_twenty_devices_pushing_at_once_get_unique_gap_free_versions(pg_url: str) -> None:
    engine = make_engine(pg_url)
    upgrade(engine)
    settings = Settings(env="test", database_url=pg_url, secret_key="x" * 20)
    hasher = password_hasher(settings.model_copy(update={"argon2_memory_kib": 64}))
    tenant = accounts.create_tenant(engine, name=f"Druk BV {secrets.token_hex(3)}")
    users = []
    for i in range(CLIENTS // 2):  # two devices per salesperson
        username = f"druk-{i}-{secrets.token_hex(3)}"
        user_id = accounts.create_user(
            engine,
            tenant_id=tenant,
            username=username,
            password=PASSWORD,
            role=Role.SALESPERSON,
            full_name=f"Verkoper {i}",
            hasher=hasher,
        )
        users.append((username, user_id))
    manager = f"chef-{secrets.token_hex(3)}"
    accounts.create_user(
        engine,
        tenant_id=tenant,
        username=manager,
        password=PASSWORD,
        role=Role.MANAGER,
        full_name="Chef",
        hasher=hasher,
    )
    with engine.connect() as conn:
        start = conn.execute(
            select(tenants.c.last_version).where(tenants.c.id == tenant)
        ).scalar_one()

    results: list[dict[str, Any]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(CLIENTS + 1)
    done = threading.Event()
    pulled: dict[str, int] = {}

    def login(client: httpx.Client, username: str) -> dict[str, str]:
        response = client.post("/auth/token", data={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def device(base: str, number: int) -> None:
        username, user_id = users[number // 2]
        try:
            with httpx.Client(base_url=base, timeout=60) as client:
                headers = login(client, username)
                barrier.wait()
                mid = 0
                for push in range(PUSHES_PER_CLIENT):
                    mutations = []
                    for _ in range(MUTATIONS_PER_PUSH):
                        mid += 1
                        mutations.append(
                            {
                                "mid": mid,
                                "collection": "customers",
                                "op": "upsert",
                                "id": new_id(),
                                "fields": {"owner_id": user_id, "name": f"Klant {number}-{mid}"},
                            }
                        )
                    body = {
                        "client_id": f"device-{number}",
                        "schema_version": SCHEMA_VERSION,
                        "mutations": mutations,
                    }
                    response = client.post("/sync/push", json=body, headers=headers)
                    assert response.status_code == 200, response.text
                    with lock:
                        results.extend(response.json()["results"])
                    if push == 2:  # a lost answer: the device sends the same push again
                        again = client.post("/sync/push", json=body, headers=headers)
                        assert {r["status"] for r in again.json()["results"]} == {"duplicate"}
        except BaseException as exc:
            with lock:
                errors.append(exc)
            if not barrier.broken:
                barrier.abort()

    def manager_pulls(base: str) -> None:
        """Pulls incrementally while the pushes run: with commit order = version order it
        never skips a record, so its cursor alone must end up having seen everything."""
        try:
            with httpx.Client(base_url=base, timeout=60) as client:
                headers = login(client, manager)
                cursor = start
                while True:
                    finished = done.is_set()
                    page = client.get(
                        "/sync/pull", params={"cursor": cursor, "limit": 500}, headers=headers
                    ).json()
                    for record in page["records"]:
                        pulled[record["id"]] = record["version"]
                    cursor = page["cursor"]
                    if finished and not page["more"]:
                        return
        except BaseException as exc:
            with lock:
                errors.append(exc)

    with running_server(pg_url, workers=2) as base:
        threads = [threading.Thread(target=device, args=(base, n)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        barrier.wait()
        reader = threading.Thread(target=manager_pulls, args=(base,))
        reader.start()
        for thread in threads:
            thread.join()
        done.set()
        reader.join()
    assert not errors, errors

    total = CLIENTS * PUSHES_PER_CLIENT * MUTATIONS_PER_PUSH
    assert len(results) == total
    assert {r["status"] for r in results} == {"applied"}
    versions = sorted(r["version"] for r in results)
    assert versions == list(range(start + 1, start + total + 1))  # unique, no gaps
    with engine.connect() as conn:
        stored = conn.execute(
            select(func.count(), func.min(records.c.version), func.max(records.c.version)).where(
                records.c.tenant_id == tenant, records.c.collection == "customers"
            )
        ).one()
        last = conn.execute(
            select(tenants.c.last_version).where(tenants.c.id == tenant)
        ).scalar_one()
    assert tuple(stored) == (total, start + 1, start + total)
    assert last == start + total
    customer_versions = sorted(v for v in pulled.values() if v > start)
    assert customer_versions == versions
    engine.dispose()
