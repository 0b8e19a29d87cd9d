"""``fieldsales-admin demo-data``: the demo team in the server's database and in a device store.

The server gets the whole tenant (accounts with the demo-only password, then every record through
the tenant's version clock). The device store gets what one user's device would hold after its
first sync: the records in that user's scope, with the versions the server gave them, and no
outbox entries (nothing is waiting to be pushed).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from fieldsales.demo import DEMO_PASSWORD, DemoData, generate
from fieldsales.records import SyncedRecord
from fieldsales.services import browse
from fieldsales.store import open_store
from fieldsales.store.bulk import upsert_records
from fieldsales.store.core import resolve_path
from fieldsales.store.queries import count_pending


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "demo-data",
        help="fill the server database and a device store with the demo team",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seed", type=int, default=1, help="same seed, same data (default 1)")
    parser.add_argument(
        "--today", type=date.fromisoformat, default=None, help="anchor of the history (ISO date)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="device data directory (default: FIELDSALES_DATA_DIR or the app's data directory)",
    )
    parser.add_argument(
        "--user", default="verkoper1", help="whose device to fill: verkoper1..3 or manager"
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="server database (default: FIELDSALES_DATABASE_URL or the server's SQLite file)",
    )
    parser.add_argument("--no-server", action="store_true", help="fill only the device store")
    parser.add_argument("--no-device", action="store_true", help="fill only the server")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    data = generate(seed=args.seed, today=args.today)
    try:
        user = data.user(args.user)
    except KeyError:
        names = ", ".join(u.username for u in data.users)
        print(f"fieldsales-admin: onbekende demogebruiker {args.user!r} ({names})", file=sys.stderr)
        return 2
    versions: dict[str, int] | None = None
    if not args.no_server:
        versions = seed_server(data, database_url=args.database_url)
    if not args.no_device:
        path = resolve_path(args.data_dir / "fieldsales.sqlite3" if args.data_dir else None)
        loaded = seed_device(data, user_id=user.id, path=path, versions=versions)
        print(f"Apparaat van {user.username}: {loaded:,} records in {path}")
    print(
        "Demo-accounts: manager, "
        + ", ".join(u.username for u in data.salespeople)
        + f" met wachtwoord '{DEMO_PASSWORD}' (alleen voor de demo, nooit in productie)."
    )
    return 0


def seed_server(data: DemoData, *, database_url: str | None) -> dict[str, int]:
    """Create the demo tenant, team and accounts and load every record; returns id -> version.

    Seeding a database that already holds the demo tenant changes nothing and returns its
    versions, so ``make run`` can call this every time.
    """
    from argon2 import PasswordHasher
    from sqlalchemy import select

    from fieldsales.server import accounts, migrate
    from fieldsales.server.db import make_engine
    from fieldsales.server.models import records, tenants
    from fieldsales.server.seeding import load_records
    from fieldsales.server.settings import Settings

    url = database_url or os.environ.get("FIELDSALES_DATABASE_URL") or Settings().database_url
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        tenant_id = data.team.id  # one team per demo tenant: the ids may coincide
        with engine.connect() as conn:
            exists = conn.execute(select(tenants.c.id).where(tenants.c.id == tenant_id)).first()
        if exists is None:
            accounts.create_team_with_users(
                engine,
                tenant_name=data.tenant_name,
                team=data.team,
                users=data.users,
                password=DEMO_PASSWORD,
                hasher=PasswordHasher(),
                demo=True,
            )
            rest = [r for r in data.records() if r.collection not in ("teams", "users")]
            load_records(engine, tenant_id, rest)
            print(f"Server ({_safe(url)}): demo-organisatie '{data.tenant_name}' aangemaakt.")
        else:
            print(f"Server ({_safe(url)}): demo-organisatie bestond al, niets gewijzigd.")
        with engine.connect() as conn:
            return {
                row.id: row.version
                for row in conn.execute(
                    select(records.c.id, records.c.version).where(records.c.tenant_id == tenant_id)
                )
            }
    finally:
        engine.dispose()


def seed_device(
    data: DemoData, *, user_id: str, path: Path, versions: dict[str, int] | None
) -> int:
    """Load the user's scope into the store at ``path`` as already-synced records.

    Refuses a store that has unsynced changes: demo data never overwrites real work.
    """
    store = open_store(path)
    try:
        with store.read() as session:
            if count_pending(session):
                raise SystemExit(
                    f"fieldsales-admin: {path} bevat nog niet gesynchroniseerde wijzigingen; "
                    "kies een andere --data-dir."
                )
        scope: list[SyncedRecord] = list(data.records_for(user_id))
        if versions is not None:
            # Only what the server holds: a device never has records its server lacks.
            scope = [r for r in scope if r.id in versions]
            for record in scope:
                record.version = versions[record.id]
        else:
            for version, record in enumerate(scope, start=1):
                record.version = version
        with store.unit_of_work(applying_sync=True) as uow:
            count = upsert_records(uow, scope)
            uow.commit()
        # What a sign-in would have told the device (the quote PDF's letterhead).
        browse.remember_organisation(store, name=data.tenant_name)
        return count
    finally:
        store.close()


def _safe(url: str) -> str:
    """The URL without its password, for printing."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"
    return url
