"""The helpers services and the sync engine use: live records, the outbox, sync state, issues."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from store_testkit import new_customer, new_visit

from fieldsales.records import Customer, Visit
from fieldsales.store import Store, open_store
from fieldsales.store import queries as q
from fieldsales.store.local_tables import sync_issues


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "fieldsales.sqlite3") as opened:
        yield opened


def test_get_ignores_tombstones_and_unknown_ids(store: Store) -> None:
    live, gone = new_customer(name="Levend"), new_customer(name="Weg")
    with store.unit_of_work() as uow:
        uow.add(live)
        uow.add(gone)
        uow.commit()
    with store.unit_of_work() as uow:
        uow.delete(gone)
        uow.commit()
    with store.read() as session:
        found = q.get(session, Customer, live.id)
        assert found is not None
        assert found.name == "Levend"
        assert q.get(session, Customer, gone.id) is None
        assert q.get(session, Customer, "no-such-id") is None
        assert q.get(session, Visit, live.id) is None  # ids are per collection


def test_pending_mutations_in_mid_order_with_paging_and_acknowledgement(store: Store) -> None:
    customer = new_customer()
    visits = [new_visit(customer, topics=str(i)) for i in range(4)]
    with store.unit_of_work() as uow:
        uow.add(customer)
        for visit in visits:
            uow.add(visit)
        uow.commit()
    with store.unit_of_work() as uow:
        uow.update(visits[0], report="Verslag")
        uow.commit()

    with store.read() as session:
        assert q.count_pending(session) == 6
        first_page = q.pending_mutations(session, 4)
        second_page = q.pending_mutations(session, 4, after_mid=first_page[-1].mid)
        for_visit = q.pending_for_record(session, "visits", visits[0].id)
    assert [m.record_id for m in first_page] == [customer.id, *(v.id for v in visits[:3])]
    assert [m.record_id for m in second_page] == [visits[3].id, visits[0].id]
    mids = [m.mid for m in first_page + second_page]
    assert mids == sorted(set(mids))
    assert len(mids) == 6
    assert first_page[0].fields["name"] == customer.name
    assert first_page[0].base_version is None
    assert first_page[0].created_at.tzinfo is not None
    assert [m.op for m in for_visit] == ["upsert", "upsert"]
    assert for_visit[1].fields["report"] == "Verslag"

    with store.unit_of_work() as uow:
        assert q.remove_pushed(uow.session, up_to_mid=first_page[-1].mid) == 4
        uow.commit()
    with store.read() as session:
        assert q.count_pending(session) == 2
        assert [m.mid for m in q.pending_mutations(session)] == [m.mid for m in second_page]


def test_sync_state_values_are_kept_and_the_client_id_is_protected(store: Store) -> None:
    with store.unit_of_work() as uow:
        assert q.get_state(uow.session, "cursor") is None
        q.set_state(uow.session, "cursor", "1234")
        q.set_state(uow.session, "server_epoch", "e1")
        q.set_state(uow.session, "cursor", "1300")
        with pytest.raises(ValueError, match="client id"):
            q.set_state(uow.session, "client_id", "someone-else")
        uow.commit()
    with store.read() as session:
        assert q.get_state(session, "cursor") == "1300"
        assert q.get_state(session, "server_epoch") == "e1"
        assert q.get_state(session, "client_id") == store.client_id
    with store.unit_of_work() as uow:
        q.set_state(uow.session, "server_epoch", None)
        uow.commit()
    with store.read() as session:
        assert q.get_state(session, "server_epoch") is None
    with store.read() as session, pytest.raises(Exception, match="readonly"):
        q.set_state(session, "cursor", "1")  # writes need a unit of work


def test_sync_issues_are_kept_until_resolved(store: Store) -> None:
    with store.unit_of_work() as uow:
        rejected = q.add_issue(
            uow.session,
            kind="rejected",
            collection="visits",
            record_id="v1",
            mid=17,
            code="not_allowed",
            message="Deze klant is aan een collega toegewezen.",
        )
        conflict = q.add_issue(
            uow.session,
            kind="conflict",
            collection="visits",
            record_id="v2",
            field="report",
            local_value="Mijn verslag",
            server_value={"text": "Verslag van collega", "version": 9},
            code="conflict_copy",
            message="Het verslag is ook door een collega gewijzigd.",
        )
        uow.commit()
    with store.read() as session:
        issues = q.open_issues(session)
    assert [i.id for i in issues] == [rejected, conflict]
    assert issues[0].mid == 17
    assert issues[0].local_value is None
    assert issues[1].local_value == "Mijn verslag"
    assert issues[1].server_value == {"text": "Verslag van collega", "version": 9}
    assert issues[1].resolved_at is None
    with store.unit_of_work() as uow:
        assert q.resolve_issue(uow.session, rejected) is True
        assert q.resolve_issue(uow.session, rejected) is False
        uow.commit()
    with store.read() as session:
        assert [i.id for i in q.open_issues(session)] == [conflict]
    with store.unit_of_work() as uow, pytest.raises(ValueError, match="kind"):
        q.add_issue(uow.session, kind="oops", collection="x", record_id="y", code="c", message="m")


def test_the_schema_itself_refuses_unknown_kinds_and_ops(store: Store) -> None:
    with store.unit_of_work() as uow, pytest.raises(IntegrityError):
        uow.session.execute(
            sync_issues.insert().values(
                kind="other",
                collection="x",
                record_id="y",
                code="c",
                message="m",
                created_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )
    with closing(sqlite3.connect(store.path)) as conn, pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO outbox (collection, record_id, op, fields, created_at) "
            "VALUES ('visits', 'v', 'merge', '{}', '2026-01-01')"
        )
