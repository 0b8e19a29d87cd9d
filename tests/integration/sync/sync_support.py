"""Helpers of the sync reliability suite: a real ``fieldsales-server`` process, tenants with
users, and devices (a store plus the real sync client and engine) that talk to it."""

from __future__ import annotations

import os
import random
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, select, update

from fieldsales.domain.enums import Role
from fieldsales.records import ALL_RECORDS, Customer, SyncedRecord
from fieldsales.server import accounts, loopback
from fieldsales.server.loopback import FAST_HASHING, LoopbackServer
from fieldsales.server.models import auth_tokens, records, utcnow
from fieldsales.server.security import password_hasher
from fieldsales.server.settings import Settings
from fieldsales.store import Store, open_store
from fieldsales.store import queries as store_queries
from fieldsales.store.queries import SyncIssue
from fieldsales.sync.client import SyncClient, make_http_client
from fieldsales.sync.engine import EngineHooks, SyncEngine, SyncOptions
from fieldsales.sync.summary import SyncSummary

PASSWORD = "correct horse battery"
PG_URL = os.environ.get(
    "FIELDSALES_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
R = TypeVar("R", bound=SyncedRecord)

#: Fast retries for tests: faults are injected on purpose, waiting for them is wasted time.
FAST = SyncOptions(backoff_initial=0.02, backoff_max=0.2, stall_timeout=15.0)


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    return loopback.server_env(
        database_url, secret_key="sync-test-secret-key-123456", **FAST_HASHING, **extra
    )


def settings_for(database_url: str) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        secret_key="sync-test-secret-key-123456",
        argon2_time_cost=1,
        argon2_memory_kib=64,
        argon2_parallelism=1,
    )


class ServerProcess(LoopbackServer):
    """``fieldsales-server serve`` on a free loopback port with the suite's settings."""

    def __init__(
        self, database_url: str, *, port: int | None = None, env: dict[str, str] | None = None
    ) -> None:
        super().__init__(server_env(database_url, **(env or {})), port=port)
        self.database_url = database_url

    def start(self) -> ServerProcess:
        super().start()
        return self


@contextmanager
def running_server(database_url: str, **env: str) -> Iterator[ServerProcess]:
    server = ServerProcess(database_url, env=env).start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Backend:
    """The live server of a test session and a direct line to its database."""

    name: str
    server: ServerProcess
    engine: Engine
    settings: Settings

    @property
    def url(self) -> str:
        return self.server.url


@dataclass
class Account:
    id: str
    username: str
    role: Role


@dataclass
class World:
    """A tenant with a team: salespeople alice and bob, their manager manny."""

    backend: Backend
    tenant_id: str
    team_id: str
    alice: Account
    bob: Account
    manny: Account
    tmp: Path
    devices: list[Device] = field(default_factory=list)

    def device(
        self,
        account: Account,
        *,
        url: str | None = None,
        options: SyncOptions | None = None,
        name: str | None = None,
        hooks: EngineHooks | None = None,
        path: Path | None = None,
    ) -> Device:
        name = name or f"{account.username}-{len(self.devices)}"
        device = Device(
            account=account,
            path=path or self.tmp / name,
            url=url or self.backend.url,
            options=options or FAST,
            hooks=hooks,
        )
        self.devices.append(device)
        return device

    def close(self) -> None:
        for device in self.devices:
            device.close()

    def expire_access_tokens(self, account: Account) -> int:
        """Make every access token of ``account`` expired, as if an hour had passed."""
        with self.backend.engine.begin() as conn:
            result = conn.execute(
                update(auth_tokens)
                .where(auth_tokens.c.account_id == account.id, auth_tokens.c.kind == "access")
                .values(expires_at=utcnow())
            )
        return int(result.rowcount or 0)

    def server_records(self, account: Account) -> dict[tuple[str, str], dict[str, Any]]:
        """Every live record the server holds in ``account``'s scope: (collection, id) -> data."""
        with make_http_client(self.backend.url) as http:
            client = SyncClient(http, username=account.username, password=PASSWORD)
            found: dict[tuple[str, str], dict[str, Any]] = {}
            cursor = 0
            while True:
                page = client.pull(cursor, limit=5000)
                for record in page.records:
                    key = (record["collection"], record["id"])
                    if record["deleted"]:
                        found.pop(key, None)
                    else:
                        found[key] = record["data"]
                cursor = page.cursor
                if not page.more:
                    return found

    def server_row(self, record_id: str) -> Any:
        with self.backend.engine.connect() as conn:
            return conn.execute(
                select(records).where(
                    records.c.tenant_id == self.tenant_id, records.c.id == record_id
                )
            ).first()


def make_world(backend: Backend, tmp: Path) -> World:
    engine = backend.engine
    hasher = password_hasher(backend.settings)
    suffix = secrets.token_hex(4)
    tenant_id = accounts.create_tenant(engine, name=f"Sync BV {suffix}")
    team_id = accounts.create_team(engine, tenant_id=tenant_id, name="Team Oost")
    made: dict[str, Account] = {}
    for name, role in (
        ("alice", Role.SALESPERSON),
        ("bob", Role.SALESPERSON),
        ("manny", Role.MANAGER),
    ):
        username = f"{name}-{suffix}"
        user_id = accounts.create_user(
            engine,
            tenant_id=tenant_id,
            username=username,
            password=PASSWORD,
            role=role,
            full_name=name.title(),
            team_id=team_id,
            hasher=hasher,
        )
        made[name] = Account(user_id, username, role)
    return World(backend, tenant_id, team_id, made["alice"], made["bob"], made["manny"], tmp=tmp)


class Device:
    """One installation of the app: its own store file, client and engine."""

    def __init__(
        self,
        *,
        account: Account,
        path: Path,
        url: str,
        options: SyncOptions,
        hooks: EngineHooks | None = None,
    ) -> None:
        self.account = account
        self.path = path
        self.url = url
        self.options = options
        self.store: Store = open_store(path)
        self.http = make_http_client(url, stall_seconds=10)
        self.client = SyncClient(self.http, username=account.username, password=PASSWORD)
        self.engine = SyncEngine(
            self.store, self.client, options=options, rng=random.Random(7), hooks=hooks
        )

    def sync(self, **kw: Any) -> SyncSummary:
        return self.engine.run(**kw)

    def close(self) -> None:
        self.http.close()
        self.store.close()

    # --- local edits, as the services make them -------------------------------------------

    def add(self, record: R) -> R:
        with self.store.unit_of_work() as uow:
            uow.add(record)
            uow.commit()
        return record

    def customer(self, **fields: Any) -> Customer:
        fields.setdefault("owner_id", self.account.id)
        fields.setdefault("name", f"Klant {secrets.token_hex(3)}")
        return self.add(Customer(**fields))

    def update(self, cls: type[R], record_id: str, **changes: Any) -> R:
        with self.store.unit_of_work() as uow:
            record = uow.session.get(cls, record_id)
            assert record is not None, f"{cls.__name__} {record_id} not on this device"
            record = uow.update(record, **changes)
            uow.commit()
        return record

    def delete(self, cls: type[R], record_id: str) -> None:
        with self.store.unit_of_work() as uow:
            record = uow.session.get(cls, record_id)
            assert record is not None
            uow.delete(record)
            uow.commit()

    def get(self, cls: type[R], record_id: str) -> R | None:
        with self.store.read() as session:
            return session.get(cls, record_id)

    # --- what the device holds -------------------------------------------------------------

    def live_records(self) -> dict[tuple[str, str], dict[str, Any]]:
        found: dict[tuple[str, str], dict[str, Any]] = {}
        with self.store.read() as session:
            for cls in ALL_RECORDS:
                for record in session.scalars(select(cls).where(cls.deleted.is_(False))):  # type: ignore[attr-defined]
                    found[(cls.collection, record.id)] = record.to_wire()
        return found

    def pending(self) -> int:
        with self.store.read() as session:
            return store_queries.count_pending(session)

    def issues(self) -> list[SyncIssue]:
        with self.store.read() as session:
            return store_queries.open_issues(session)

    def state(self, key: str) -> str | None:
        with self.store.read() as session:
            return store_queries.get_state(session, key)


def assert_equal_to_server(world: World, device: Device) -> None:
    """The device holds exactly what the server has in its user's scope, value for value."""
    server = world.server_records(device.account)
    local = device.live_records()
    missing = server.keys() - local.keys()
    extra = local.keys() - server.keys()
    assert not missing, f"on the server, not on the device: {sorted(missing)[:5]}"
    assert not extra, f"on the device, not on the server: {sorted(extra)[:5]}"
    different = [key for key in server if server[key] != local[key]]
    assert not different, (
        f"{len(different)} records differ, e.g. {different[0]}: "
        f"server {server[different[0]]} device {local[different[0]]}"
    )


def seed_portfolio(
    world: World, account: Account, *, customers: int = 30, seed: int = 11, years: int = 1
) -> int:
    """Load a demo portfolio for ``account`` straight into the server (as an import would);
    returns how many records that puts in the account's scope."""
    from datetime import date

    from fieldsales.demo import generate
    from fieldsales.server.seeding import load_records

    data = generate(
        seed=seed,
        salespeople=1,
        customers_per_salesperson=customers,
        prospects_per_salesperson=max(1, customers // 10),
        years=years,
        today=date(2026, 11, 28),
    )
    items = []
    for record in data.records():
        if record.collection in ("teams", "users"):
            continue
        if hasattr(record, "owner_id"):
            setattr(record, "owner_id", account.id)  # noqa: B010
        items.append({"collection": record.collection, "id": record.id, "data": record.to_wire()})
    load_records(world.backend.engine, world.tenant_id, items)
    return len(items)
