"""Schema migrations of the server database, applied programmatically (Alembic, no ini file)."""

from __future__ import annotations

import secrets
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, insert, select

from fieldsales.server.models import server_meta

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision and make sure the database has an epoch.

    On PostgreSQL an advisory lock keeps several workers starting at once from migrating
    concurrently; SQLite serialises the writers itself.
    """
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(472913)")
        command.upgrade(alembic_config(conn), "head")
        ensure_epoch(conn)


def ensure_epoch(conn: Connection) -> str:
    epoch = conn.execute(select(server_meta.c.value).where(server_meta.c.key == "epoch")).scalar()
    if epoch is None:
        epoch = secrets.token_hex(8)
        conn.execute(insert(server_meta).values(key="epoch", value=epoch))
    return str(epoch)


def rotate_epoch(engine: Engine) -> str:
    """Give the database a new epoch: every device resets (re-pulls, keeps its outbox).

    Run it after restoring a backup, because devices may hold versions the restored database
    never saw and would otherwise skip what is written under those version numbers again.
    """
    epoch = secrets.token_hex(8)
    with engine.begin() as conn:
        conn.execute(server_meta.update().where(server_meta.c.key == "epoch").values(value=epoch))
    return epoch
