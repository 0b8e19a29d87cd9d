"""Store-side helpers of the sync engine: applying pulled pages, settling pushed mutations,
and the bookkeeping of a reset.

Pulled records arrive as wire dicts (``protocol.WireRecord``'s shape). Building a SQLModel object
per record would cost more than everything else in an initial sync, so ``apply_pulled`` turns
wire values straight into the column values SQLAlchemy would have bound (enums by name, datetimes
as UTC ISO text, JSON as ``json.dumps`` text, decimals as exact text) and writes each page with
one ``executemany`` per table on the unit of work's own connection: the page and the cursor the
engine stores next to it commit together. A test checks that the rows equal those the ORM writes.
The rows are built by a function generated per table (``_builder``), and a page with many new
customers and contacts (a first sync) indexes them for the search in one set-based pass instead
of the per-row insert triggers (``_BulkSearch``, inside the same transaction); tests check that
both leave exactly what the general path and the triggers leave.

Local edits that are not pushed yet win over a pulled value, field by field: the pulled record
is stored with the local values of the fields that still have outbox mutations (and stays
tombstoned when a delete is pending). Those mutations are pushed next and the server decides.

Every function here needs a unit of work opened with ``applying_sync=True``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import JSON, Boolean, Enum, Table

from fieldsales.records import ALL_RECORDS, COLLECTIONS
from fieldsales.records.base import DecimalText, SyncedRecord, UtcDateTime, to_wire_value, utcnow
from fieldsales.store.errors import StoreError
from fieldsales.store.migrations import m0002_customer_search
from fieldsales.store.migrations._ddl import statements
from fieldsales.store.outbox import DELETE, INSERT_SQL, UPSERT, dumps_json, loads_json
from fieldsales.store.uow import UnitOfWork

_CHUNK = 500  # ids per IN (...) list, well under SQLite's variable limit

Converter = Callable[[Any], Any]


class PulledRecordError(ValueError):
    """A pulled record is not in the wire format (a server bug or a damaged answer)."""


# --- wire value -> column value ------------------------------------------------------------------


def _utc_text(value: Any) -> Any:
    """What ``UtcDateTime`` binds: ISO-8601 in UTC with microseconds (32 characters)."""
    if value is None:
        return None
    if type(value) is str and len(value) == 32 and value.endswith("+00:00"):
        return value  # the wire format already (to_wire_value writes exactly this)
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat(timespec="microseconds")


def _decimal_text(value: Any) -> Any:
    """What ``DecimalText`` binds. The wire already carries decimals as text; any valid decimal
    text reads back as the same value, so only numbers are converted."""
    if value is None or type(value) is str:
        return value
    return str(Decimal(str(value)))


def _json_text(value: Any) -> Any:
    """What SQLAlchemy's JSON type binds: ``json.dumps(value)`` (None included, as 'null').

    A list of plain ASCII strings (a visit's presented products: ids) is the common case and
    gets ``json.dumps``'s exact text from orjson, several times faster: without a backslash in
    orjson's output nothing was escaped, so ``","`` only occurs between items, where
    ``json.dumps`` writes ``", "``.
    """
    if type(value) is list and all(type(item) is str for item in value):
        text = orjson.dumps(value)
        if text.isascii() and b"\\" not in text:
            return text.decode().replace('","', '", "')
    return json.dumps(value)


def _bool_int(value: Any) -> Any:
    return None if value is None else int(bool(value))


def _enum_names(enum_class: Any) -> Converter:
    names = {member.value: member.name for member in enum_class}

    def convert(value: Any) -> Any:
        if value is None:
            return None
        try:
            return names[value]
        except (KeyError, TypeError):
            raise PulledRecordError(f"unknown {enum_class.__name__} value {value!r}") from None

    return convert


def _converter(column_type: Any) -> Converter | None:
    """The conversion a column needs; None when the wire value is the column value."""
    if isinstance(column_type, UtcDateTime):
        return _utc_text
    if isinstance(column_type, DecimalText):
        return _decimal_text
    if isinstance(column_type, Enum) and column_type.enum_class is not None:
        return _enum_names(column_type.enum_class)
    if isinstance(column_type, JSON):
        return _json_text
    if isinstance(column_type, Boolean):
        return _bool_int
    return None  # strings, integers, floats, dates (ISO text either way)


@dataclass(frozen=True, slots=True)
class TableSpec:
    """How one collection's wire records become rows of its table."""

    cls: type[SyncedRecord]
    table: Table
    names: tuple[str, ...]  # every column, in table order
    index: dict[str, int]
    data_names: tuple[tuple[int, str], ...]  # (column index, name) of the data fields
    converters: tuple[tuple[int, Converter], ...]
    defaults: dict[str, Any]  # column values for data fields a record lacks
    insert_sql: str
    update_sql: str  # SET every column but id; the id is the last parameter
    select_sql: str  # SELECT every column ... WHERE id IN ({})

    getter: Callable[[Mapping[str, Any]], tuple[Any, ...]]  # the data fields, in column order
    #: ``row`` for a record that has every field and valid values, as one generated expression
    #: (see ``_builder``); raises KeyError or TypeError otherwise, and ``row`` then takes the
    #: general path, which fills defaults and reports bad values.
    build: Callable[[str, int, Mapping[str, Any]], list[Any]]

    def row(self, record_id: str, version: int, data: Mapping[str, Any]) -> list[Any]:
        try:
            return self.build(record_id, version, data)
        except (KeyError, TypeError):
            return self.general_row(record_id, version, data)

    def general_row(self, record_id: str, version: int, data: Mapping[str, Any]) -> list[Any]:
        try:
            row = [record_id, version, 0, *self.getter(data)]
        except KeyError:  # a field the server did not send: its default
            defaults = self.defaults
            row = [record_id, version, 0]
            row.extend(
                data[name] if name in data else defaults.get(name) for _, name in self.data_names
            )
        for position, convert in self.converters:
            value = row[position]
            if value is not None:
                row[position] = convert(value)
        return row


_SPECS: dict[type[SyncedRecord], TableSpec] = {}


def _builder(
    names: tuple[str, ...], converters: tuple[tuple[int, Converter], ...]
) -> Callable[[str, int, Mapping[str, Any]], list[Any]]:
    """A function that builds a whole row in one list display, generated for one table.

    The general path (a tuple from ``itemgetter``, then a loop calling each column's converter)
    spends more per record than SQLite's insert of it; an initial sync builds 28,000 rows. Here
    each value is fetched once and converted inline: datetimes and decimals already in the
    stored text form (what the server sends) pass through without a call, other converters are
    called only on non-None values, as in ``TableSpec.general_row``.
    """
    by_position = dict(converters)
    namespace: dict[str, Any] = {}
    parts = ["rid", "ver", "0"]
    for position in range(3, len(names)):
        get = f"d[{names[position]!r}]"
        convert = by_position.get(position)
        if convert is None:
            parts.append(get)
            continue
        helper = f"_c{position}"
        namespace[helper] = convert
        if convert is _utc_text:  # its own fast check, inline
            parts.append(
                f"(v if (v := {get}).__class__ is str and len(v) == 32 and v[26:] == '+00:00' "
                f"else {helper}(v))"
            )
        elif convert is _decimal_text:
            parts.append(f"(v if (v := {get}) is None or v.__class__ is str else {helper}(v))")
        else:
            parts.append(f"(None if (v := {get}) is None else {helper}(v))")
    source = "def build(rid, ver, d):\n    return [" + ", ".join(parts) + "]\n"
    exec(compile(source, f"<row builder {names!r}>", "exec"), namespace)
    built: Callable[[str, int, Mapping[str, Any]], list[Any]] = namespace["build"]
    return built


def _getter(names: tuple[str, ...]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """``itemgetter`` over ``names`` that always returns a tuple (even for one name)."""
    if len(names) == 1:
        single = itemgetter(names[0])
        return lambda data: (single(data),)
    return itemgetter(*names)


def table_spec(cls: type[SyncedRecord]) -> TableSpec:
    spec = _SPECS.get(cls)
    if spec is not None:
        return spec
    table: Table = cls.__table__  # type: ignore[attr-defined]
    names = tuple(column.name for column in table.columns)
    if names[:3] != ("id", "version", "deleted"):  # rows are built as (id, version, deleted, ...)
        raise TypeError(f"{table.name}: id, version, deleted must be the first columns")
    index = {name: i for i, name in enumerate(names)}
    data_fields = set(cls.data_fields())
    converters: list[tuple[int, Converter]] = []
    for i, column in enumerate(table.columns):
        if column.name in ("id", "version", "deleted"):
            continue
        convert = _converter(column.type)
        if convert is not None:
            converters.append((i, convert))
    defaults: dict[str, Any] = {}
    for name, info in cls.model_fields.items():
        if name in data_fields and not info.is_required():
            value = to_wire_value(info.get_default(call_default_factory=True))
            if isinstance(value, list | dict):
                value = json.loads(json.dumps(value, default=to_wire_value))
            defaults[name] = value
    quoted = ", ".join(f'"{name}"' for name in names)
    spec = TableSpec(
        cls=cls,
        table=table,
        names=names,
        index=index,
        data_names=tuple((index[name], name) for name in names if name in data_fields),
        converters=tuple(converters),
        defaults=defaults,
        insert_sql=(
            f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" for _ in names)})'
        ),
        update_sql=(
            f'UPDATE "{table.name}" SET '
            + ", ".join(f'"{name}" = ?' for name in names if name != "id")
            + " WHERE id = ?"
        ),
        select_sql=f'SELECT {quoted} FROM "{table.name}" WHERE id IN ({{}})',
        getter=_getter(names[3:]),
        build=_builder(names, tuple(converters)),
    )
    _SPECS[cls] = spec
    return spec


# --- the outbox as the pull sees it --------------------------------------------------------------


@dataclass(slots=True)
class PendingFields:
    """What a record's unpushed mutations change: these win over pulled values."""

    fields: set[str] = field(default_factory=set)
    tombstone: bool = False  # a delete (or an undelete after one) is pending: keep ``deleted``


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _marks(n: int) -> str:
    return ", ".join("?" for _ in range(n))


def _raw(uow: UnitOfWork) -> Any:
    """The DBAPI connection of the unit of work's transaction."""
    raw = uow.session.connection().connection.dbapi_connection
    assert raw is not None
    return raw


def _require_sync(uow: UnitOfWork) -> None:
    if not uow.applying_sync:
        raise StoreError(
            "Gesynchroniseerde gegevens worden alleen bij het synchroniseren zo weggeschreven.",
            code="store_bulk_write",
        )


def pending_index(uow: UnitOfWork, collection: str, ids: Sequence[str]) -> dict[str, PendingFields]:
    """The pending fields of those of ``ids`` that have outbox mutations."""
    raw = _raw(uow)
    found: dict[str, PendingFields] = {}
    if raw.execute("SELECT 1 FROM outbox LIMIT 1").fetchone() is None:
        return found
    for chunk in _chunks(ids):
        rows = raw.execute(
            "SELECT record_id, op, fields FROM outbox WHERE collection = ? "
            f"AND record_id IN ({_marks(len(chunk))}) ORDER BY mid",
            (collection, *chunk),
        )
        for record_id, op, fields in rows:
            pending = found.setdefault(record_id, PendingFields())
            pending.fields.update(loads_json(fields) or {})
            if op == DELETE:
                pending.tombstone = True
    return found


# --- the search index during a bulk insert ------------------------------------------------------

#: A page inserting at least this many customers and contacts indexes them for the search in one
#: set-based pass instead of through the per-row insert triggers. The triggers re-index a
#: customer per inserted row, one FTS5 delete and insert each time; for an initial sync's 500
#: customers that is several times the cost of indexing them once after the inserts.
BULK_SEARCH_MIN = 50

#: The insert triggers the bulk pass stands in for (see ``m0002_customer_search``); the update
#: and delete triggers stay in place.
_INSERT_TRIGGERS = ("customers_search_ai", "contacts_search_ai")

#: The bulk pass repeats those triggers' ``_refresh`` for a set of customers (ids as a JSON array):
#: a search_docs row for each customer that has none yet, in id order (the order the rows were
#: inserted, so the docids are the triggers' own), then the customer's document replaced.
_IDS = "SELECT value FROM json_each(?)"
_BULK_SEARCH_SQL = (
    "INSERT OR IGNORE INTO search_docs (customer_id) "
    f"SELECT id FROM customers WHERE id IN ({_IDS}) ORDER BY id",
    "DELETE FROM customer_search WHERE rowid IN "
    f"(SELECT docid FROM search_docs WHERE customer_id IN ({_IDS}))",
    """INSERT INTO customer_search (rowid, name, city, postcode, customer_number, contacts)
    SELECT d.docid, c.name, c.city,
           c.postcode || ' ' || replace(c.postcode, ' ', ''),
           coalesce(c.customer_number, ''),
           coalesce((SELECT group_concat(k.first_name || ' ' || k.last_name, ' ')
                     FROM contacts AS k
                     WHERE k.customer_id = c.id AND k.deleted = 0), '')
    FROM customers AS c JOIN search_docs AS d ON d.customer_id = c.id
    WHERE c.id IN ("""
    + _IDS
    + """) AND c.deleted = 0
    ORDER BY d.docid""",
)


def _known_insert_triggers() -> dict[str, str]:
    """The insert triggers' SQL as ``m0002`` created them (as ``sqlite_master`` keeps it)."""
    found: dict[str, str] = {}
    for statement in statements(m0002_customer_search.SCHEMA):
        words = statement.split(maxsplit=3)
        if words[:2] == ["CREATE", "TRIGGER"] and words[2] in _INSERT_TRIGGERS:
            found[words[2]] = statement.rstrip(";")
    return found


_KNOWN_INSERT_TRIGGERS = _known_insert_triggers()


class _BulkSearch:
    """Stands in for the search's insert triggers while one page is written.

    ``begin`` drops the two insert triggers, ``note`` collects the customers the inserted rows
    would have re-indexed, ``finish`` indexes them in one pass and recreates the triggers with
    their exact SQL. All of it inside the page's transaction: SQLite's DDL is transactional,
    so a crash or an error leaves the triggers as they were. Only when the triggers are exactly
    the ones ``_BULK_SEARCH_SQL`` repeats: a later migration that changes them turns the bulk
    pass off (and a test then fails, so it gets updated) rather than indexing differently.
    """

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.customers: set[str] = set()
        self.dropped: list[str] = []

    def begin(self) -> bool:
        found = dict(
            self.raw.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                f"AND name IN ({_marks(len(_INSERT_TRIGGERS))})",
                _INSERT_TRIGGERS,
            ).fetchall()
        )
        if found != _KNOWN_INSERT_TRIGGERS:
            return False
        for name in _INSERT_TRIGGERS:
            self.raw.execute(f'DROP TRIGGER "{name}"')
            self.dropped.append(name)
        return True

    def note(self, collection: str, rows: list[list[Any]], customer_index: int) -> None:
        if collection == "customers":
            self.customers.update(row[0] for row in rows)
        else:
            self.customers.update(
                row[customer_index] for row in rows if row[customer_index] is not None
            )

    def finish(self) -> int:
        """Index the noted customers and restore the triggers; returns how many were noted."""
        if self.customers:
            ids = json.dumps(sorted(self.customers))
            for sql in _BULK_SEARCH_SQL:
                self.raw.execute(sql, (ids,))
        self.restore()
        return len(self.customers)

    def restore(self) -> None:
        while self.dropped:
            name = self.dropped.pop(0)
            self.raw.execute(_KNOWN_INSERT_TRIGGERS[name])


def _search_inserts(page: PreparedPage) -> int:
    """How many customers and contacts ``page`` may insert (its live rows of the two)."""
    return sum(
        len(group.live)
        for group in page.groups
        if group.spec.cls.collection in ("customers", "contacts")
    )


# --- applying a pulled page ----------------------------------------------------------------------


@dataclass(slots=True)
class ApplyResult:
    inserted: int = 0
    updated: int = 0
    deleted: int = 0  # tombstones applied to records this device had
    stale: int = 0  # older than the local version: skipped
    unknown: int = 0  # collections this app does not know: skipped
    kept_local: int = 0  # records whose pending local fields won over pulled ones
    search_bulk: int = 0  # customers indexed for the search in one pass (not per row)

    @property
    def applied(self) -> int:
        return self.inserted + self.updated + self.deleted

    def add(self, other: ApplyResult) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.deleted += other.deleted
        self.stale += other.stale
        self.unknown += other.unknown
        self.kept_local += other.kept_local
        self.search_bulk += other.search_bulk


def _existing_versions(raw: Any, table: str, ids: Sequence[str]) -> dict[str, int | None]:
    found: dict[str, int | None] = {}
    if raw.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone() is None:
        return found  # an empty table (a first sync): no lookups needed
    for chunk in _chunks(ids):
        found.update(
            raw.execute(
                f'SELECT id, version FROM "{table}" WHERE id IN ({_marks(len(chunk))})', chunk
            ).fetchall()
        )
    return found


@dataclass(slots=True)
class PreparedGroup:
    """One collection's records of a page, turned into rows (tombstones apart)."""

    spec: TableSpec
    ids: list[str]
    live: list[tuple[int, list[Any]]]  # (version, row), sorted by id
    tombstones: list[tuple[int, str]]  # (version, id)


@dataclass(slots=True)
class PreparedPage:
    groups: list[PreparedGroup]
    unknown: int = 0


#: Order in which a page's collections are written. Contacts go before customers: the search
#: index's trigger on a contact re-indexes its customer, which costs nothing while the customer
#: is not there yet, and the customer's own trigger then indexes it with all its contacts at
#: once (an initial sync writes a third fewer index rows). Other tables have no triggers.
_APPLY_ORDER: dict[str, int] = {
    cls.collection: i for i, cls in enumerate(ALL_RECORDS) if cls.collection != "contacts"
}
_APPLY_ORDER["contacts"] = _APPLY_ORDER["customers"] - 1


def prepare_page(records: Sequence[Mapping[str, Any]]) -> PreparedPage:
    """Group a page by collection and convert its records to rows; no database needed.

    Separate from ``apply_pulled`` so the engine can do it on the thread that fetched the page
    while the previous page is being written. Rows are sorted by id: inserting into the primary
    key's B-tree in order is measurably faster than in version order.
    """
    grouped: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for record in records:
        try:
            grouped[record["collection"]].append(record)
        except (KeyError, TypeError) as exc:
            raise PulledRecordError("pulled record without a collection") from exc
    page = PreparedPage(groups=[])
    for collection in sorted(grouped, key=lambda name: _APPLY_ORDER.get(name, -99)):
        group = grouped[collection]
        cls = COLLECTIONS.get(collection)
        if cls is None:
            page.unknown += len(group)
            continue
        spec = table_spec(cls)
        live: list[tuple[int, list[Any]]] = []
        tombstones: list[tuple[int, str]] = []
        ids: list[str] = []
        build, general_row = spec.build, spec.general_row  # (the loop runs 28,000 times)
        add_id, add_live = ids.append, live.append
        for record in group:
            record_id = record.get("id")
            version = record.get("version")
            if type(version) is not int or type(record_id) is not str:
                raise PulledRecordError(f"{collection}: malformed record {record_id!r}")
            add_id(record_id)
            if record.get("deleted"):
                tombstones.append((version, record_id))
                continue
            data = record.get("data")
            if type(data) is not dict and not isinstance(data, Mapping):
                raise PulledRecordError(f"{collection}: record {record_id} without data")
            try:  # TableSpec.row, inlined
                row = build(record_id, version, data)
            except (KeyError, TypeError):
                row = general_row(record_id, version, data)
            add_live((version, row))
        live.sort(key=lambda item: item[1][0])
        page.groups.append(PreparedGroup(spec, ids, live, tombstones))
    return page


def apply_pulled(
    uow: UnitOfWork,
    records: Sequence[Mapping[str, Any]] | PreparedPage,
    *,
    trust_local_versions: bool = True,
    seen: dict[str, set[str]] | None = None,
    rebase_pending: bool = False,
) -> ApplyResult:
    """Write one pulled page (wire records, or ``prepare_page``'s result) into the store.

    ``trust_local_versions``: skip a record older than the local copy (a page fetched before a
    push whose result already raised the local version). A reset turns it off: the local
    versions are then from the server's previous life and mean nothing. ``seen`` collects the
    ids per collection (a reset sweeps what it did not see). ``rebase_pending`` moves the base
    version of a record's unpushed mutations to the pulled version (after a reset, their old
    base versions would make the server see conflicts that are none).
    """
    _require_sync(uow)
    raw = _raw(uow)
    page = records if isinstance(records, PreparedPage) else prepare_page(records)
    result = ApplyResult(unknown=page.unknown)
    bulk: _BulkSearch | None = None
    if _search_inserts(page) >= BULK_SEARCH_MIN:
        bulk = _BulkSearch(raw)
        if not bulk.begin():
            bulk = None
    try:
        _apply_groups(uow, raw, page, result, bulk, trust_local_versions, seen, rebase_pending)
        if bulk is not None:
            result.search_bulk = bulk.finish()
    finally:
        if bulk is not None and bulk.dropped and raw.in_transaction:
            bulk.restore()  # an error: the caller rolls back, but leave nothing half done
    return result


def _apply_groups(
    uow: UnitOfWork,
    raw: Any,
    page: PreparedPage,
    result: ApplyResult,
    bulk: _BulkSearch | None,
    trust_local_versions: bool,
    seen: dict[str, set[str]] | None,
    rebase_pending: bool,
) -> None:
    for group in page.groups:
        spec = group.spec
        collection = spec.cls.collection
        if seen is not None:
            seen.setdefault(collection, set()).update(group.ids)
        existing = _existing_versions(raw, spec.table.name, group.ids)
        pending = pending_index(uow, collection, group.ids) if existing else {}

        def stale(record_id: str, version: int, existing: dict[str, int | None] = existing) -> bool:
            if not trust_local_versions:
                return False
            local_version = existing.get(record_id)
            return local_version is not None and version < local_version

        inserts: list[list[Any]] = []
        updates: list[list[Any]] = []
        merge: list[list[Any]] = []
        for version, row in group.live:
            record_id = row[0]
            if record_id not in existing:
                inserts.append(row)
            elif stale(record_id, version):
                result.stale += 1
            elif record_id in pending:
                merge.append(row)
            else:
                updates.append(row)
        tombstones = []
        for version, record_id in group.tombstones:
            if record_id not in existing:
                continue  # never had it: nothing to delete
            if stale(record_id, version):
                result.stale += 1
            else:
                tombstones.append((version, record_id))
        if merge:
            updates.extend(_keep_local(raw, spec, merge, pending))
            result.kept_local += len(merge)
            if rebase_pending:
                version_index = spec.index["version"]
                raw.executemany(
                    "UPDATE outbox SET base_version = ? WHERE collection = ? AND record_id = ?",
                    [(row[version_index], collection, row[0]) for row in merge],
                )
        if inserts:
            raw.executemany(spec.insert_sql, inserts)
            result.inserted += len(inserts)
            if bulk is not None and collection in ("customers", "contacts"):
                bulk.note(collection, inserts, spec.index.get("customer_id", 0))
        if updates:
            raw.executemany(spec.update_sql, [(*row[1:], row[0]) for row in updates])
            result.updated += len(updates)
        if tombstones:
            raw.executemany(
                f'UPDATE "{spec.table.name}" SET deleted = 1, version = ? WHERE id = ?', tombstones
            )
            result.deleted += len(tombstones)


def _keep_local(
    raw: Any, spec: TableSpec, rows: list[list[Any]], pending: dict[str, PendingFields]
) -> list[list[Any]]:
    """``rows`` with the local values of their pending fields (and pending tombstones)."""
    id_index = spec.index["id"]
    local: dict[str, tuple[Any, ...]] = {}
    ids = [row[id_index] for row in rows]
    for chunk in _chunks(ids):
        for values in raw.execute(spec.select_sql.format(_marks(len(chunk))), chunk):
            local[values[id_index]] = values
    deleted_index = spec.index["deleted"]
    for row in rows:
        current = local.get(row[id_index])
        if current is None:
            continue
        wanted = pending[row[id_index]]
        for name in wanted.fields:
            position = spec.index.get(name)
            if position is not None:
                row[position] = current[position]
        if wanted.tombstone:
            row[deleted_index] = current[deleted_index]
    return rows


# --- after a push --------------------------------------------------------------------------------


def confirm_version(
    uow: UnitOfWork, collection: str, record_id: str, *, base_version: int | None, version: int
) -> bool:
    """The server applied the device's change exactly: the record is now at ``version``.

    Only when the local copy is still at ``base_version`` (no pull moved it meanwhile); the
    outbox mutations made while the push was under way are rebased on the new version too, so
    their next push does not look like a conflict with the device's own change.
    """
    _require_sync(uow)
    cls = COLLECTIONS[collection]
    raw = _raw(uow)
    table = table_spec(cls).table.name
    cursor = raw.execute(
        f'UPDATE "{table}" SET version = ? WHERE id = ? AND version IS ?',
        (version, record_id, base_version),
    )
    if cursor.rowcount != 1:
        return False
    raw.execute(
        "UPDATE outbox SET base_version = ? "
        "WHERE collection = ? AND record_id = ? AND base_version IS ?",
        (version, collection, record_id, base_version),
    )
    return True


def local_version(uow: UnitOfWork, collection: str, record_id: str) -> tuple[bool, int | None]:
    """(exists, version) of a local record."""
    cls = COLLECTIONS.get(collection)
    if cls is None:
        return False, None
    row = (
        _raw(uow)
        .execute(f'SELECT version FROM "{table_spec(cls).table.name}" WHERE id = ?', (record_id,))
        .fetchone()
    )
    return (row is not None, None if row is None else row[0])


def has_pending(uow: UnitOfWork, collection: str, record_id: str) -> bool:
    row = (
        _raw(uow)
        .execute(
            "SELECT 1 FROM outbox WHERE collection = ? AND record_id = ? LIMIT 1",
            (collection, record_id),
        )
        .fetchone()
    )
    return row is not None


def drop_pending(uow: UnitOfWork, collection: str, record_id: str) -> int:
    """Remove a record's remaining outbox mutations (its creation was refused for good)."""
    cursor = _raw(uow).execute(
        "DELETE FROM outbox WHERE collection = ? AND record_id = ?", (collection, record_id)
    )
    return int(cursor.rowcount)


def record_wire(uow: UnitOfWork, collection: str, record_id: str) -> dict[str, Any] | None:
    """The local record's data fields as wire values (None when it does not exist)."""
    cls = COLLECTIONS.get(collection)
    if cls is None:
        return None
    record = uow.session.get(cls, record_id)
    return None if record is None else record.to_wire()


def remove_records(uow: UnitOfWork, items: Iterable[tuple[str, str]]) -> int:
    """Hard-delete local records (the server has never had them, or no longer serves them).

    Not a tombstone: nothing is pushed, the rows just stop existing on this device.
    """
    _require_sync(uow)
    raw = _raw(uow)
    by_collection: dict[str, list[str]] = defaultdict(list)
    for collection, record_id in items:
        by_collection[collection].append(record_id)
    count = 0
    for collection, ids in by_collection.items():
        cls = COLLECTIONS.get(collection)
        if cls is None:
            continue
        table = table_spec(cls).table.name
        for chunk in _chunks(ids):
            cursor = raw.execute(f'DELETE FROM "{table}" WHERE id IN ({_marks(len(chunk))})', chunk)
            count += int(cursor.rowcount)
    uow.session.expire_all()
    return count


# --- reset ---------------------------------------------------------------------------------------


def unseen_records(
    uow: UnitOfWork, seen: Mapping[str, set[str]]
) -> list[tuple[str, str, bool, bool]]:
    """Local records a complete re-pull did not bring: (collection, id, deleted, pending).

    ``pending`` says the record still has outbox mutations (it is the device's own and waits
    to be pushed).
    """
    raw = _raw(uow)
    waiting = set(raw.execute("SELECT DISTINCT collection, record_id FROM outbox").fetchall())
    found: list[tuple[str, str, bool, bool]] = []
    for cls in ALL_RECORDS:
        known = seen.get(cls.collection, set())
        table = table_spec(cls).table.name
        for record_id, deleted in raw.execute(f'SELECT id, deleted FROM "{table}"'):
            if record_id not in known:
                found.append(
                    (
                        cls.collection,
                        record_id,
                        bool(deleted),
                        (cls.collection, record_id) in waiting,
                    )
                )
    return found


def requeue_whole(uow: UnitOfWork, items: Iterable[tuple[str, str]]) -> int:
    """Queue every data field of these local records as a new upsert, as if just created.

    For a server restored from a backup that lost records this device still has: pushing them
    again brings them back (parents first, in ``ALL_RECORDS`` order). Their versions are cleared,
    since they belonged to the server's previous life.
    """
    _require_sync(uow)
    raw = _raw(uow)
    order = {cls.collection: i for i, cls in enumerate(ALL_RECORDS)}
    rows = []
    stamp = to_wire_value(utcnow())
    for collection, record_id in sorted(items, key=lambda item: order.get(item[0], 99)):
        data = record_wire(uow, collection, record_id)
        if data is None:
            continue
        rows.append((collection, record_id, UPSERT, None, dumps_json(data), stamp))
    if rows:
        raw.executemany(INSERT_SQL, rows)
        for collection, record_id, *_rest in rows:
            table = table_spec(COLLECTIONS[collection]).table.name
            raw.execute(f'UPDATE "{table}" SET version = NULL WHERE id = ?', (record_id,))
        uow.session.expire_all()
    return len(rows)


def allocated_mid(uow: UnitOfWork) -> int:
    """The highest mid this store ever gave out (pushed or not)."""
    row = _raw(uow).execute("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").fetchone()
    return int(row[0]) if row else 0
