"""``store.purge``: dropping customers that left the user's scope, on a real store file."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from fieldsales.records import Contact, Customer, SalesTarget, Visit
from fieldsales.store import open_store
from fieldsales.store import queries as store_queries
from fieldsales.store.errors import StoreError
from fieldsales.store.purge import SCOPE_REVOKED, purge_customers

OWNER = "owner-1"


def test_purge_drops_the_customer_and_all_under_it_and_keeps_unsent_changes(
    tmp_path: Path,
) -> None:
    store = open_store(tmp_path / "device.sqlite3")
    try:
        gone = Customer(owner_id=OWNER, name="Weg BV")
        stays = Customer(owner_id=OWNER, name="Blijft BV")
        contact = Contact(customer_id=gone.id, last_name="Weg")
        visit = Visit(customer_id=gone.id, owner_id=OWNER, planned_start=datetime.now(UTC))
        other_contact = Contact(customer_id=stays.id, last_name="Blijft")
        target = SalesTarget(
            owner_id=OWNER,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            customer_id=gone.id,
        )
        with store.unit_of_work() as uow:
            for item in (gone, stays, contact, visit, other_contact, target):
                uow.add(item)
            uow.commit()
        with store.unit_of_work(applying_sync=True) as uow:  # as if pushed: outbox empty
            uow.session.connection().exec_driver_sql(
                "DELETE FROM outbox WHERE record_id != ?", (contact.id,)
            )
            uow.commit()
        with store.unit_of_work() as uow:
            record = uow.session.get(Visit, visit.id)
            assert record is not None
            uow.update(record, report="Nog niet verstuurd")
            uow.commit()

        with store.unit_of_work() as uow, pytest.raises(StoreError):
            purge_customers(uow, [gone.id])  # only while applying a sync
        with store.unit_of_work(applying_sync=True) as uow:
            result = purge_customers(uow, [gone.id, "never-had-it"])
            uow.commit()

        assert result.removed == 3
        assert result.issues == 2  # the contact (never pushed) and the visit edit
        with store.read() as session:
            assert session.get(Customer, gone.id) is None
            assert session.get(Contact, contact.id) is None
            assert session.get(Visit, visit.id) is None
            assert session.get(Customer, stays.id) is not None
            assert session.get(Contact, other_contact.id) is not None
            assert session.get(SalesTarget, target.id) is not None  # the user's own
            assert store_queries.count_pending(session) == 0  # nothing to push: no deletes
            issues = {i.record_id: i for i in store_queries.open_issues(session)}
        assert set(issues) == {contact.id, visit.id}
        assert {i.code for i in issues.values()} == {SCOPE_REVOKED}
        assert issues[visit.id].local_value == {
            "report": "Nog niet verstuurd",
            "updated_at": issues[visit.id].local_value["updated_at"],
        }
        assert issues[contact.id].local_value["last_name"] == "Weg"
        assert "U hebt geen toegang meer tot klant Weg BV" in issues[visit.id].message
    finally:
        store.close()
