"""Reading and writing rows of the generic ``records`` table in batches.

A push or an import loads every row it will touch in a few ``IN`` queries, changes them in
memory, and writes them back with one executemany per kind of statement: thousands of
mutations cost a handful of round trips. On PostgreSQL the writes of a transaction go out as one
pipeline (one round trip): they happen while the tenant's version lock is held, and with many
devices syncing at once every round trip under that lock is paid by all who wait for it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Row, Select, and_, bindparam, insert, select, union_all, update
from sqlalchemy.exc import DBAPIError

from fieldsales.records import COLLECTIONS, Scope
from fieldsales.server.models import records, utcnow

CHUNK = 500
#: From this many new rows on, PostgreSQL gets them by COPY (before the pipeline: COPY cannot
#: be pipelined); fewer go as one multi-row INSERT inside it.
COPY_MIN_ROWS = 200
#: Key in ``field_versions`` for "every field not listed was last set at this version".
CREATED = "*"


@dataclass(slots=True)
class StoredRecord:
    collection: str
    id: str
    version: int
    deleted: bool
    owner_id: str | None
    customer_id: str | None
    data: dict[str, Any]
    field_versions: dict[str, int] = field(default_factory=dict)
    is_new: bool = False  # not yet in the database
    dirty: bool = False

    def field_version(self, name: str) -> int:
        """The version that last set ``name``."""
        return self.field_versions.get(name, self.field_versions.get(CREATED, self.version))


_COLUMNS = (
    records.c.collection,
    records.c.id,
    records.c.version,
    records.c.deleted,
    records.c.owner_id,
    records.c.customer_id,
    records.c.data,
    records.c.field_versions,
)


def fetch(
    conn: Connection,
    tenant_id: str,
    ids: Iterable[str],
    *,
    parents_of: Collection[str] = frozenset(),
) -> dict[str, StoredRecord]:
    """The stored rows with these ids, in a query per ``CHUNK`` ids.

    For the ids in ``parents_of`` the same query also reads the customer of the row (by its
    ``customer_id`` column, which is its data's ``customer_id``).
    """
    return fetch_with(conn, tenant_id, ids, parents_of=parents_of)[0]


def fetch_with(
    conn: Connection,
    tenant_id: str,
    ids: Iterable[str],
    *,
    parents_of: Collection[str] = frozenset(),
    also: Select[Any] | None = None,
) -> tuple[dict[str, StoredRecord], list[Row[Any]]]:
    """``fetch``, and the rows of ``also``: a query with the same columns (``id`` NULL) that
    rides along with the first chunk, so that a push reads its clients' ``last_mid`` in the
    same round trip as its rows."""
    wanted = sorted(set(ids))
    found: dict[str, StoredRecord] = {}
    extra: list[Row[Any]] = []
    for start in range(0, max(len(wanted), 1 if also is not None else 0), CHUNK):
        chunk = wanted[start : start + CHUNK]
        parts: list[Select[Any]] = []
        if chunk:
            tenant = records.c.tenant_id == tenant_id
            parts.append(select(*_COLUMNS).where(tenant, records.c.id.in_(chunk)))
            children = [record_id for record_id in chunk if record_id in parents_of]
            if children:
                customers = select(records.c.customer_id).where(
                    tenant, records.c.id.in_(children), records.c.customer_id.is_not(None)
                )
                parts.append(select(*_COLUMNS).where(tenant, records.c.id.in_(customers)))
        if also is not None and start == 0:
            parts.append(also)  # last: the first part's column types decode every row
        query = parts[0] if len(parts) == 1 else union_all(*parts)
        for row in conn.execute(query):
            if row.id is None:
                extra.append(row)
                continue
            found[row.id] = StoredRecord(
                collection=row.collection,
                id=row.id,
                version=int(row.version),
                deleted=bool(row.deleted),
                owner_id=row.owner_id,
                customer_id=row.customer_id,
                data=dict(row.data or {}),
                field_versions=dict(row.field_versions or {}),
            )
    return found, extra


def scope_columns(
    collection: str, data: dict[str, Any], customer_owner: str | None
) -> tuple[str | None, str | None]:
    """The ``owner_id`` and ``customer_id`` columns of a record: what pull and scope filter by."""
    scope = COLLECTIONS[collection].scope
    if scope in (Scope.SHARED, Scope.TEAM):
        return None, None
    if scope is Scope.OWNER:
        return data.get("owner_id"), data.get("customer_id")
    if collection == "customers":
        return data.get("owner_id"), None
    return customer_owner, data.get("customer_id")


def flush(
    conn: Connection,
    tenant_id: str,
    rows: Iterable[StoredRecord],
    *,
    then: Callable[[], None] | None = None,
) -> None:
    """Write every new or changed row (one statement for inserts, one executemany for updates),
    then the caller's other writes (``then``): on PostgreSQL all in one pipeline."""
    now = utcnow()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for row in rows:
        if not row.dirty:
            continue
        values = _values(tenant_id, row, now)
        (inserts if row.is_new else updates).append(values)
        row.is_new = False
        row.dirty = False
    if len(inserts) >= COPY_MIN_ROWS:
        bulk_insert(conn, inserts)
        inserts = []
    with pipeline(conn):
        if inserts:
            conn.execute(insert(records), inserts)
        if updates:
            _update(conn, updates)
        if then is not None:
            then()


@contextmanager
def pipeline(conn: Connection) -> Iterator[None]:
    """Statements executed inside go to PostgreSQL together and are answered in one round trip
    (psycopg's pipeline mode; reading a statement's result waits for it). Elsewhere it changes
    nothing."""
    if conn.dialect.name != "postgresql":
        yield
        return
    import psycopg  # only PostgreSQL gets here

    dbapi = conn.connection.dbapi_connection
    assert isinstance(dbapi, psycopg.Connection)
    try:
        with dbapi.pipeline():
            yield
    except psycopg.Error as exc:
        # Errors of pipelined statements surface here, outside SQLAlchemy's execute: wrap them
        # as it would, so the error handlers (409 on a race, 503 when the database is away) and
        # the connection pool see the usual exceptions.
        raise DBAPIError.instance(None, None, exc, psycopg.Error, dialect=conn.dialect) from exc


def _update(conn: Connection, updates: list[dict[str, Any]]) -> None:
    conn.execute(
        update(records)
        .where(
            and_(records.c.tenant_id == bindparam("b_tenant"), records.c.id == bindparam("b_id"))
        )
        .values(
            collection=bindparam("collection"),
            version=bindparam("version"),
            deleted=bindparam("deleted"),
            owner_id=bindparam("owner_id"),
            customer_id=bindparam("customer_id"),
            data=bindparam("data"),
            field_versions=bindparam("field_versions"),
            updated_at=bindparam("updated_at"),
        ),
        [
            {key: value for key, value in v.items() if key not in ("tenant_id", "id")}
            | {"b_tenant": v["tenant_id"], "b_id": v["id"]}
            for v in updates
        ],
    )


_COPY_COLUMNS = (
    "tenant_id",
    "id",
    "collection",
    "version",
    "deleted",
    "owner_id",
    "customer_id",
    "data",
    "field_versions",
    "updated_at",
)


def bulk_insert(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert many ``records`` rows: COPY on PostgreSQL (an order of magnitude faster than
    executemany for a first upload of tens of thousands of records), executemany elsewhere."""
    if conn.dialect.name != "postgresql":
        conn.execute(insert(records), rows)
        return
    import psycopg  # only PostgreSQL gets here

    dbapi = conn.connection.dbapi_connection
    assert isinstance(dbapi, psycopg.Connection)
    statement = f"COPY records ({', '.join(_COPY_COLUMNS)}) FROM STDIN"
    dumps = orjson.dumps
    lines: list[str] = []
    for row in rows:
        updated_at = row["updated_at"]
        lines.append(
            "\t".join(
                (
                    _copy_text(row["tenant_id"]),
                    _copy_text(row["id"]),
                    _copy_text(row["collection"]),
                    str(int(row["version"])),
                    "t" if row["deleted"] else "f",
                    _copy_text(row["owner_id"]),
                    _copy_text(row["customer_id"]),
                    # JSON never holds raw tabs or newlines, only backslash escapes to double.
                    dumps(row["data"]).decode().replace("\\", "\\\\"),
                    dumps(row["field_versions"]).decode(),
                    updated_at.isoformat(),
                )
            )
        )
    payload = ("\n".join(lines) + "\n").encode()
    with dbapi.cursor() as cursor, cursor.copy(statement) as copy:
        copy.write(payload)


def _copy_text(value: str | None) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


def _values(tenant_id: str, row: StoredRecord, now: datetime) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "id": row.id,
        "collection": row.collection,
        "version": row.version,
        "deleted": row.deleted,
        "owner_id": row.owner_id,
        "customer_id": row.customer_id,
        "data": row.data,
        "field_versions": row.field_versions,
        "updated_at": now,
    }
