from __future__ import annotations

import pytest

from fieldsales.records import Customer
from fieldsales.store import StoreError, open_store
from fieldsales.store.bulk import upsert_records
from fieldsales.store.queries import count_pending, search_customers


def test_bulk_upsert_of_synced_records(tmp_path):
    store = open_store(tmp_path / "s.sqlite3")
    first = [Customer(owner_id="o", name=f"Klant {i}", version=i + 1) for i in range(300)]
    with store.unit_of_work() as uow, pytest.raises(StoreError):
        upsert_records(uow, first)
    with store.unit_of_work(applying_sync=True) as uow:
        assert upsert_records(uow, first) == 300
        uow.commit()
    changed = first[7].model_copy(update={"name": "Hernoemd BV", "version": 999})
    with store.unit_of_work(applying_sync=True) as uow:
        upsert_records(uow, [changed])
        uow.commit()
    with store.read() as session:
        assert count_pending(session) == 0  # already on the server: nothing to push
        stored = session.get(Customer, first[7].id)
        assert stored is not None
        assert (stored.name, stored.version) == ("Hernoemd BV", 999)
        assert [c.id for c in search_customers(session, "hernoemd")] == [first[7].id]
        old_name_hits = [c.id for c in search_customers(session, "klant 7", limit=50)]
        assert first[7].id not in old_name_hits  # the old name left the index
        assert first[70].id in old_name_hits
    store.close()
