"""Server schema migrations that convert data: what was stored before reads back the same after.

Revision 0004 turns ``records.data`` from ``jsonb`` into ``json`` on PostgreSQL (a pull streams
the stored text; rebuilding it from jsonb cost most of a first pull's server time). Rows written
under 0003 must come back with the same values through the model, the pull and the ``->>``
lookups, and a downgrade must take them back to ``jsonb`` intact.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from alembic import command
from server_support import PG_URL
from sqlalchemy import Engine, select, text

from fieldsales.domain.enums import Role
from fieldsales.server import blobs, syncing
from fieldsales.server.db import make_engine
from fieldsales.server.loopback import scratch_database
from fieldsales.server.migrate import alembic_config, current_revision, ensure_epoch, upgrade
from fieldsales.server.models import conflicts, records
from fieldsales.server.scope import Principal

pytestmark = pytest.mark.postgres

TENANT = "00000000-0000-4000-8000-00000000aaaa"
MANAGER = "00000000-0000-4000-8000-00000000bbbb"
SHA = "a" * 64

#: Values jsonb rewrites (key order, spacing, number spelling) or that need escaping as text.
DATA: dict[str, dict[str, Any]] = {
    "00000000-0000-4000-8000-000000000001": {
        "name": 'Café "De Gouden Leeuw" \\ Ø 🍺',
        "notes": "regel één\nregel\ttwee",
        "zz_first_in_text": 1,
        "a": None,
        "amounts": [0.1, 1e-07, 12345678901234, -3, 2.5],
        "nested": {"b": [True, False, {}], "a": {"deep": ["x", 1]}},
        "empty": "",
    },
    "00000000-0000-4000-8000-000000000002": {"sha256": SHA, "owner_id": MANAGER},
    "00000000-0000-4000-8000-000000000003": {},
}


@pytest.fixture
def engine_at_0003() -> Iterator[Engine]:
    """A PostgreSQL database migrated to 0003 and filled as that schema stored records."""
    with scratch_database(PG_URL, prefix="fieldsales_migrations") as url:
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                command.upgrade(alembic_config(conn), "0003")
                ensure_epoch(conn)
                now = datetime.now(UTC)
                conn.execute(
                    text(
                        "INSERT INTO tenants (id, name, last_version, tombstone_horizon,"
                        " created_at) VALUES (:id, 'Oud', :n, 0, :now)"
                    ),
                    {"id": TENANT, "n": len(DATA), "now": now},
                )
                for version, (record_id, data) in enumerate(DATA.items(), start=1):
                    collection = "attachments" if "sha256" in data else "products"
                    conn.execute(
                        text(
                            "INSERT INTO records (tenant_id, id, collection, version, deleted,"
                            " owner_id, customer_id, data, field_versions, updated_at)"
                            " VALUES (:t, :id, :c, :v, false, :o, NULL, CAST(:d AS jsonb),"
                            " CAST('{}' AS jsonb), :now)"
                        ),
                        {
                            "t": TENANT,
                            "id": record_id,
                            "c": collection,
                            "v": version,
                            "o": data.get("owner_id"),
                            "d": orjson.dumps(data).decode(),
                            "now": now,
                        },
                    )
                conn.execute(
                    text(
                        "INSERT INTO conflicts (tenant_id, collection, record_id, field,"
                        " losing_value, losing_version, winning_version, account_id,"
                        " client_id, created_at) VALUES (:t, 'products', :r, 'name',"
                        " CAST(:d AS jsonb), 1, 2, :a, 'phone', :now)"
                    ),
                    {
                        "t": TENANT,
                        "r": next(iter(DATA)),
                        "d": orjson.dumps({"kept": ["as", "jsonb"]}).decode(),
                        "a": MANAGER,
                        "now": now,
                    },
                )
            yield engine
        finally:
            engine.dispose()


def _column_type(engine: Engine, table: str, column: str) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                text(
                    "SELECT data_type FROM information_schema.columns"
                    " WHERE table_name = :t AND column_name = :c"
                ),
                {"t": table, "c": column},
            ).scalar_one()
        )


def _stored(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        return {row.id: row.data for row in conn.execute(select(records.c.id, records.c.data))}


def _manager() -> Principal:
    return Principal(MANAGER, TENANT, Role.MANAGER, "baas", "De Baas", None, "session")


def test_0004_keeps_every_record_value_and_pulls_them_from_json(engine_at_0003: Engine) -> None:
    engine = engine_at_0003
    assert _column_type(engine, "records", "data") == "jsonb"

    upgrade(engine)

    assert current_revision(engine) == "0004"
    assert _column_type(engine, "records", "data") == "json"
    # Only records.data changes: the other JSON columns stay jsonb.
    assert _column_type(engine, "records", "field_versions") == "jsonb"
    assert _column_type(engine, "conflicts", "losing_value") == "jsonb"
    assert _stored(engine) == DATA
    with engine.connect() as conn:
        assert conn.execute(select(conflicts.c.losing_value)).scalar_one() == {
            "kept": ["as", "jsonb"]
        }
    page = orjson.loads(syncing.pull(engine, _manager(), cursor=0, limit=100))
    assert {r["id"]: r["data"] for r in page["records"]} == DATA
    assert page["cursor"] == len(DATA)
    assert page["more"] is False
    # The attachment access check looks the hash up with ->> on the converted column.
    with engine.connect() as conn:
        assert blobs._in_scope(conn, _manager(), SHA)
        assert not blobs._in_scope(conn, _manager(), "b" * 64)


def test_0004_downgrades_back_to_jsonb_intact(engine_at_0003: Engine) -> None:
    engine = engine_at_0003
    upgrade(engine)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0003")
    assert _column_type(engine, "records", "data") == "jsonb"
    assert _stored(engine) == DATA
    upgrade(engine)
    assert _stored(engine) == DATA
