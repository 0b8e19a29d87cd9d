"""The initial sync's fast paths in ``store.sync_apply``: the generated row builders and the
search index built in one pass per page instead of by the per-row insert triggers. Both must
leave the store exactly as the general path (and the triggers) would. No server needed."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fieldsales.demo import generate
from fieldsales.records import ALL_RECORDS, SyncedRecord
from fieldsales.store import Store, open_store, sync_apply
from fieldsales.store.queries import search_customers
from fieldsales.store.sync_apply import ApplyResult, apply_pulled, prepare_page, table_spec


def wire(record: SyncedRecord, version: int, **changes: Any) -> dict[str, Any]:
    return {
        "collection": record.collection,
        "id": record.id,
        "version": version,
        "deleted": False,
        "data": {**record.to_wire(), **changes},
    }


def portfolio_pages() -> list[list[dict[str, Any]]]:
    """A small portfolio as an initial sync pulls it (pages of 700, version order), then a page
    of changes: new contacts of known customers, edited and tombstoned customers and contacts,
    new customers with their contacts."""
    data = generate(
        seed=5,
        salespeople=1,
        customers_per_salesperson=120,
        prospects_per_salesperson=30,
        years=1,
        today=date(2026, 11, 28),
    )
    records = list(data.records())
    held_back = {c.id for c in data.customers[-20:]}
    first = [
        r
        for r in records
        if not (r.collection == "customers" and r.id in held_back)
        and not (r.collection == "contacts" and r.customer_id in held_back)  # type: ignore[attr-defined]
    ]
    versioned = [wire(r, version) for version, r in enumerate(first, start=1)]
    pages = [versioned[start : start + 700] for start in range(0, len(versioned), 700)]
    version = len(versioned)
    changes: list[dict[str, Any]] = []
    contacts = data.contacts
    customers = data.customers
    for i, contact in enumerate(c for c in contacts[:40] if c.customer_id not in held_back):
        if i >= 30:
            break
        version += 1
        if i % 3 == 0:  # a new contact of a known customer: its customer is re-indexed
            new = contact.model_copy(update={"id": f"0190ffff-0000-7000-8000-{i:012d}"})
            changes.append(wire(new, version, first_name=f"Nieuw{i}", last_name="Achternaam"))
        elif i % 3 == 1:
            changes.append(wire(contact, version, last_name=f"Gewijzigd{i}"))
        else:
            changes.append(
                {"collection": "contacts", "id": contact.id, "version": version, "deleted": True}
            )
    # Other customers than the contacts' (whose update trigger would re-index them anyway).
    touched = {c.customer_id for c in contacts[:40]}
    for i, customer in enumerate(
        c for c in customers if c.id not in held_back and c.id not in touched
    ):
        if i >= 20:
            break
        version += 1
        if i % 2:
            changes.append(wire(customer, version, name=f"Hernoemd Bedrijf {i}"))
        else:
            changes.append(
                {"collection": "customers", "id": customer.id, "version": version, "deleted": True}
            )
    for record in records:  # the held-back customers and their contacts arrive now
        if (record.collection == "customers" and record.id in held_back) or (
            record.collection == "contacts" and record.customer_id in held_back  # type: ignore[attr-defined]
        ):
            version += 1
            changes.append(wire(record, version))
    pages.append(changes)
    return pages


def snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row a user can see: the synced tables, the search's documents and its index."""
    with sqlite3.connect(path) as conn:
        found = {
            str(cls.__tablename__): conn.execute(
                f'SELECT * FROM "{cls.__tablename__}" ORDER BY id'
            ).fetchall()
            for cls in ALL_RECORDS
        }
        found["search_docs"] = conn.execute("SELECT * FROM search_docs ORDER BY docid").fetchall()
        found["customer_search"] = conn.execute(
            "SELECT rowid, * FROM customer_search ORDER BY rowid"
        ).fetchall()
        found["schema"] = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        # FTS5 checks its index against its content (raises when they differ).
        conn.execute("INSERT INTO customer_search (customer_search) VALUES ('integrity-check')")
    return found


def pull_into(store: Store, pages: list[list[dict[str, Any]]]) -> ApplyResult:
    total = ApplyResult()
    for page in pages:
        with store.unit_of_work(applying_sync=True) as uow:
            total.add(apply_pulled(uow, prepare_page(page)))
            uow.commit()
    return total


@pytest.fixture
def pages() -> list[list[dict[str, Any]]]:
    return portfolio_pages()


def test_bulk_search_index_equals_the_triggers(
    tmp_path: Path, pages: list[list[dict[str, Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = open_store(tmp_path / "fast.sqlite3")
    fast_result = pull_into(fast, pages)
    fast.close()
    assert fast_result.search_bulk > 100  # the bulk pass ran (the first page and the changes)

    monkeypatch.setattr(sync_apply, "BULK_SEARCH_MIN", 10**9)  # per-row triggers only
    slow = open_store(tmp_path / "slow.sqlite3")
    slow_result = pull_into(slow, pages)
    slow.close()
    assert slow_result.search_bulk == 0

    assert fast_result.inserted == slow_result.inserted
    assert fast_result.updated == slow_result.updated
    assert fast_result.deleted == slow_result.deleted > 0
    fast_rows, slow_rows = snapshot(tmp_path / "fast.sqlite3"), snapshot(tmp_path / "slow.sqlite3")
    assert fast_rows.keys() == slow_rows.keys()
    for name in fast_rows:
        assert fast_rows[name] == slow_rows[name], name
    assert len(fast_rows["customer_search"]) > 100


def test_pulled_customers_are_found_by_the_search(
    tmp_path: Path, pages: list[list[dict[str, Any]]]
) -> None:
    store = open_store(tmp_path / "fieldsales.sqlite3")
    pull_into(store, pages[:2])
    first = pages[1]  # the customers and their contacts (the first page is the catalogue)
    customer = next(r for r in first if r["collection"] == "customers")
    contact = next(
        r
        for r in first
        if r["collection"] == "contacts"
        and r["data"]["customer_id"] in {c["id"] for c in first if c["collection"] == "customers"}
    )
    with store.read() as session:
        by_name = search_customers(session, customer["data"]["name"])
        assert customer["id"] in {c.id for c in by_name}
        by_contact = search_customers(session, contact["data"]["last_name"])
        assert contact["data"]["customer_id"] in {c.id for c in by_contact}
    # After the bulk page the triggers are back: a customer written later is indexed too.
    renamed = dict(customer, version=10**6, data=dict(customer["data"], name="Zeldzaamnaam BV"))
    with store.unit_of_work(applying_sync=True) as uow:
        apply_pulled(uow, [renamed])
        uow.commit()
    with store.read() as session:
        assert [c.id for c in search_customers(session, "zeldzaamn")] == [customer["id"]]
    store.close()


def test_a_failing_page_leaves_the_triggers_in_place(
    tmp_path: Path, pages: list[list[dict[str, Any]]]
) -> None:
    store = open_store(tmp_path / "fieldsales.sqlite3")
    path = tmp_path / "fieldsales.sqlite3"
    with sqlite3.connect(path) as conn:
        triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        before = sorted(triggers.fetchall())
    broken = [dict(r) for r in pages[1]]
    last_customer = max(i for i, r in enumerate(broken) if r["collection"] == "customers")
    broken[last_customer] = dict(
        broken[last_customer], data=dict(broken[last_customer]["data"], name=None)
    )
    prepared = prepare_page(broken)
    with store.unit_of_work(applying_sync=True) as uow, pytest.raises(sqlite3.IntegrityError):
        apply_pulled(uow, prepared)  # the engine's unit of work then rolls back
    with sqlite3.connect(path) as conn:
        triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        assert sorted(triggers.fetchall()) == before
        assert conn.execute("SELECT count(*) FROM customers").fetchone() == (0,)
    store.close()


def test_changed_insert_triggers_turn_the_bulk_pass_off(
    tmp_path: Path, pages: list[list[dict[str, Any]]]
) -> None:
    """A later migration that redefines the search triggers must not be bypassed by SQL that
    repeats the old ones: the page is then indexed by the triggers themselves."""
    path = tmp_path / "fieldsales.sqlite3"
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        sql = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'customers_search_ai'"
        ).fetchone()[0]
        conn.execute("DROP TRIGGER customers_search_ai")
        conn.execute(sql.replace("BEGIN", "BEGIN\n    SELECT 1;", 1))
    store = open_store(path)
    result = pull_into(store, pages[:2])
    assert result.search_bulk == 0
    assert result.inserted > 0
    with store.read() as session:
        name = next(r for r in pages[1] if r["collection"] == "customers")["data"]["name"]
        assert search_customers(session, name)
    store.close()


def test_row_builders_equal_the_general_path(pages: list[list[dict[str, Any]]]) -> None:
    """Every pulled record: the generated builder's row is the general path's, value and type."""
    checked = 0
    for page in pages:
        for record in page:
            if record.get("deleted"):
                continue
            spec = table_spec(next(c for c in ALL_RECORDS if c.collection == record["collection"]))
            built = spec.build(record["id"], record["version"], record["data"])
            general = spec.general_row(record["id"], record["version"], record["data"])
            assert [(type(v), v) for v in built] == [(type(v), v) for v in general]
            checked += 1
    assert checked > 1000


def test_row_builder_falls_back_for_missing_fields_and_bad_values() -> None:
    from fieldsales.records import Visit

    spec = table_spec(Visit)
    data = {"customer_id": "c", "owner_id": "o", "planned_start": "2026-11-28T08:00:00+01:00"}
    row = spec.row("v1", 3, data)
    assert row == spec.general_row("v1", 3, data)
    assert row[spec.index["planned_start"]] == "2026-11-28T07:00:00.000000+00:00"
    with pytest.raises(sync_apply.PulledRecordError):
        spec.row("v1", 3, {**data, "status": "no-such-status"})
    with pytest.raises(sync_apply.PulledRecordError):
        spec.row("v1", 3, {**data, "status": ["unhashable"]})


@pytest.mark.parametrize(
    "value",
    [
        [],
        ["0190a000-0000-7000-8000-000000000001"],
        ["a", "b", "c"],
        ['with "quotes"', "b"],
        ['a","b'],
        ["back\\slash"],
        ["café"],
        ["line\nbreak", "tab\t"],
        [1, 2.5, None, True],
        ["a", 1],
        [["nested"]],
        {"key": ["value"]},
        "text",
    ],
)
def test_json_columns_get_json_dumps_text(value: Any) -> None:
    """The orjson shortcut for lists of plain strings writes exactly what ``json.dumps`` (and so
    SQLAlchemy's JSON type) writes; everything else goes to ``json.dumps`` itself."""
    assert sync_apply._json_text(value) == json.dumps(value)
