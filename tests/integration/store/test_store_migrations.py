"""Schema migrations: fresh files, upgrades that keep every unsynced change, refusals, backups."""

from __future__ import annotations

import sqlite3
import types
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Index, Integer, MetaData, String, create_engine
from store_testkit import new_contact, new_customer, new_visit, outbox_entries, raw

import fieldsales.store.migrations as migrations_pkg
from fieldsales.records import ALL_RECORDS, store_registry
from fieldsales.store import LATEST_VERSION, StoreError, open_store
from fieldsales.store.core import backup_path
from fieldsales.store.local_tables import is_fts_table, local_metadata
from fieldsales.store.migrations import MIGRATIONS, migrate
from fieldsales.store.migrations.m0001_initial import APPLICATION_ID
from fieldsales.store.queries import search_customers


def _pragma(path: Path, name: str) -> Any:
    return raw(path, f"PRAGMA {name}")[0][0]


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


# --- fresh files and the migration list -----------------------------------------------------------


def test_a_fresh_store_is_created_at_the_latest_version(tmp_path: Path) -> None:
    with open_store(tmp_path / "fieldsales.sqlite3") as store:
        assert store.schema_version == LATEST_VERSION == 4
    path = tmp_path / "fieldsales.sqlite3"
    assert _pragma(path, "user_version") == LATEST_VERSION
    assert _pragma(path, "application_id") == APPLICATION_ID
    assert _pragma(path, "journal_mode") == "wal"
    assert (
        sorted(p.name for p in tmp_path.iterdir() if ".bak" in p.name) == []
    )  # nothing to back up


def test_every_migration_module_is_listed_in_order() -> None:
    directory = Path(migrations_pkg.__file__).parent
    on_disk = sorted(p.stem for p in directory.glob("m[0-9][0-9][0-9][0-9]_*.py"))
    listed = [m.__name__.rsplit(".", 1)[-1] for m in MIGRATIONS]  # type: ignore[attr-defined]
    assert listed == on_disk
    assert [m.VERSION for m in MIGRATIONS] == [int(name[1:5]) for name in on_disk]


# --- the migrated schema is the record classes' schema ------------------------------------------


def _expected_metadata() -> MetaData:
    combined = MetaData()
    for metadata in (store_registry.metadata, local_metadata):
        for table in metadata.tables.values():
            table.to_metadata(combined)
    return combined


def _include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    if type_ == "table" and name is not None:
        return not (is_fts_table(name) or name == "sqlite_sequence")
    return True


def _schema_diff(path: Path, metadata: MetaData) -> list[Any]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_name": _include_name}
            )
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def migrated_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("schema") / "fieldsales.sqlite3"
    open_store(path, target_version=1).close()  # through every step, as a device upgrading
    open_store(path).close()
    return path


def test_the_migrated_schema_equals_the_metadata_of_the_records(migrated_file: Path) -> None:
    assert _schema_diff(migrated_file, _expected_metadata()) == []
    synced = {cls.__tablename__ for cls in ALL_RECORDS}
    tables = {row[0] for row in raw(migrated_file, "SELECT name FROM sqlite_master")}
    assert synced <= tables


def test_declared_column_types_and_so_affinities_are_exactly_the_metadata_ones(
    migrated_file: Path,
) -> None:
    # Affinity follows the declared type: "JSON" is NUMERIC, "VARCHAR(40)" TEXT. Comparing the
    # declared text exactly means a decimal stored as text can never silently become REAL.
    dialect = create_engine("sqlite://").dialect
    for table in _expected_metadata().sorted_tables:
        declared = {
            row[1]: (row[2], bool(row[3]))
            for row in raw(migrated_file, f'PRAGMA table_info("{table.name}")')
        }
        expected = {}
        for column in table.columns:
            type_text = column.type.compile(dialect=dialect)
            expected[column.name] = (type_text, not column.nullable)
        assert declared == expected, table.name


@pytest.mark.parametrize(
    "drift",
    [
        lambda md: setattr(md.tables["visits"].c.report, "type", String(100)),
        lambda md: setattr(md.tables["visits"].c.report, "nullable", True),
        lambda md: md.tables["visits"].append_column(Column("extra", Integer)),
        lambda md: Index("ix_visits_report", md.tables["visits"].c.report),
        lambda md: setattr(md.tables["outbox"].c.record_id, "type", Integer()),
    ],
    ids=["type", "nullability", "column", "index", "local-table"],
)
def test_the_schema_comparison_notices_drift(
    migrated_file: Path, drift: Callable[[MetaData], object]
) -> None:
    metadata = _expected_metadata()
    drift(metadata)
    assert _schema_diff(migrated_file, metadata) != []


def test_the_fts_index_and_its_triggers_exist(migrated_file: Path) -> None:
    objects = dict(raw(migrated_file, "SELECT name, type FROM sqlite_master"))
    assert objects["customer_search"] == "table"
    for trigger in (
        "customers_search_ai",
        "customers_search_au",
        "customers_search_ad",
        "contacts_search_ai",
        "contacts_search_au",
        "contacts_search_ad",
    ):
        assert objects[trigger] == "trigger"


# --- upgrading a file an older app left -------------------------------------------------------


def test_upgrading_from_v1_keeps_every_row_and_every_unsynced_mutation(tmp_path: Path) -> None:
    path = tmp_path / "fieldsales.sqlite3"
    # What the app at schema v1 left behind: records and their unsynced outbox entries.
    with open_store(path, target_version=1) as old:
        assert old.schema_version == 1
        client_id = old.client_id
        bakery = new_customer(name="Bakkerij Brood & Zo", city="Amsterdam", postcode="1012 AB")
        garage = new_customer(name="Garage Snel", city="Zwolle", postcode="8011 AA")
        with old.unit_of_work() as uow:
            uow.add(bakery)
            uow.add(garage)
            uow.add(new_contact(bakery, first_name="Fatima", last_name="El Amrani"))
            for i in range(3):
                uow.add(new_visit(bakery, topics=f"bezoek {i}"))
            uow.commit()
        with old.unit_of_work() as uow:
            uow.update(garage, city="Kampen")
            uow.delete(garage)
            uow.commit()
    stale_backup = backup_path(path, 1)
    stale_backup.write_bytes(b"an older backup")
    before_outbox = raw(path, "SELECT * FROM outbox ORDER BY mid")
    before_customers = raw(path, "SELECT * FROM customers ORDER BY id")
    before_visits = raw(path, "SELECT * FROM visits ORDER BY id")
    assert len(before_outbox) == 7  # 6 inserts, then the change and tombstone in one flush
    assert outbox_entries(path)[-1]["op"] == "delete"
    assert outbox_entries(path)[-1]["fields"]["city"] == "Kampen"

    with open_store(path) as store:
        assert store.schema_version == LATEST_VERSION
        assert store.client_id == client_id  # same device for the server: mids continue
        assert raw(path, "SELECT * FROM outbox ORDER BY mid") == before_outbox
        assert raw(path, "SELECT * FROM customers ORDER BY id") == before_customers
        assert raw(path, "SELECT * FROM visits ORDER BY id") == before_visits
        with store.read() as session:
            assert [c.name for c in search_customers(session, "brood ams")] == [bakery.name]
            assert [c.name for c in search_customers(session, "fatima")] == [bakery.name]
            assert search_customers(session, "garage") == []  # tombstoned before the upgrade
        with store.unit_of_work() as uow:
            uow.update(bakery, city="Amstelveen")
            uow.commit()
        assert outbox_entries(path)[-1]["mid"] == before_outbox[-1][0] + 1

    backup = backup_path(path, LATEST_VERSION)
    assert backup.name == f"fieldsales.sqlite3.pre-v{LATEST_VERSION}.bak"
    assert _pragma(backup, "user_version") == 1
    assert raw(backup, "SELECT * FROM outbox ORDER BY mid") == before_outbox
    assert not stale_backup.exists()  # only the latest backup is kept


def test_opening_an_up_to_date_file_makes_no_backup(tmp_path: Path) -> None:
    path = tmp_path / "fieldsales.sqlite3"
    open_store(path).close()
    open_store(path).close()
    assert not any(".bak" in p.name for p in tmp_path.iterdir())


def test_a_failing_migration_leaves_the_file_at_its_version_with_a_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "fieldsales.sqlite3"
    with open_store(path) as store, store.unit_of_work() as uow:
        uow.add(new_customer())
        uow.commit()

    def broken_upgrade(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x INTEGER)")
        conn.execute("ALTER TABLE no_such_table ADD COLUMN y INTEGER")

    broken = types.SimpleNamespace(
        VERSION=LATEST_VERSION + 1, DESCRIPTION="broken", upgrade=broken_upgrade
    )
    monkeypatch.setattr(migrations_pkg, "MIGRATIONS", (*MIGRATIONS, broken))
    monkeypatch.setattr(migrations_pkg, "LATEST_VERSION", LATEST_VERSION + 1)
    with pytest.raises(StoreError) as caught:
        open_store(path)
    assert caught.value.code == "store_migration_failed"
    assert _pragma(path, "user_version") == LATEST_VERSION
    assert raw(path, "SELECT name FROM sqlite_master WHERE name = 'half_done'") == []
    assert raw(path, "SELECT count(*) FROM customers") == [(1,)]
    assert raw(path, "SELECT count(*) FROM outbox") == [(1,)]
    assert backup_path(path, LATEST_VERSION + 1).exists()


def test_migrate_applies_only_what_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "fieldsales.sqlite3"
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        assert migrate(conn, target=1) == [1]
        assert migrate(conn) == list(range(2, LATEST_VERSION + 1))
        assert migrate(conn) == []


# --- files that must not be opened ------------------------------------------------------------


def test_a_file_from_a_newer_app_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fieldsales.sqlite3"
    open_store(path).close()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
        conn.commit()
    before = _files(tmp_path)
    with pytest.raises(StoreError) as caught:
        open_store(path)
    assert caught.value.code == "store_too_new"
    assert "nieuwere versie" in caught.value.message
    assert _files(tmp_path) == before


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "fieldsales.sqlite3"
    path.write_bytes(b"Dit is geen database maar een boodschappenlijst.\n" * 200)
    before = _files(tmp_path)
    with pytest.raises(StoreError) as caught:
        open_store(path)
    assert caught.value.code == "store_corrupt"
    assert "beschadigd" in caught.value.message
    assert _files(tmp_path) == before


def test_a_database_with_damaged_pages_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "fieldsales.sqlite3"
    with open_store(path) as store, store.unit_of_work() as uow:
        for i in range(400):
            uow.add(new_customer(name=f"Klant {i:04d}", notes="x" * 200))
        uow.commit()
    page_size = _pragma(path, "page_size")
    data = bytearray(path.read_bytes())
    pages = len(data) // page_size
    assert pages > 20
    middle = (pages // 2) * page_size
    data[middle : middle + page_size] = b"\xa5" * page_size
    path.write_bytes(bytes(data))
    before = _files(tmp_path)
    with pytest.raises(StoreError) as caught:
        open_store(path)
    assert caught.value.code == "store_corrupt"
    assert _files(tmp_path) == before


def test_another_apps_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fieldsales.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.commit()
    with pytest.raises(StoreError) as caught:
        open_store(path)
    assert caught.value.code == "store_foreign"
    assert raw(path, "SELECT name FROM sqlite_master") == [("recipes",)]


def test_v4_drops_the_version_indexes_and_keeps_every_other_index(tmp_path: Path) -> None:
    path = tmp_path / "fieldsales.sqlite3"
    with open_store(path, target_version=3) as old:
        bakery = new_customer(name="Bakkerij Brood & Zo", city="Amsterdam")
        with old.unit_of_work() as uow:
            uow.add(bakery)
            uow.commit()
    indexes = "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    before = {row[0] for row in raw(path, indexes)}
    dropped = {name for name in before if name.endswith("_version")}
    assert len(dropped) == 24  # one per synced table
    with open_store(path) as store:
        assert store.schema_version == 4
        with store.read() as session:
            assert [c.name for c in search_customers(session, "brood")] == [bakery.name]
    assert {row[0] for row in raw(path, indexes)} == before - dropped
