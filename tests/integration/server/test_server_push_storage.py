"""How a push reads and writes its rows: one read for rows, customers and ``last_mid``, the writes
as one pipeline on PostgreSQL (COPY for many new rows), and a queue in front of the tenant's
version lock. The answers must not depend on which of those paths a push takes."""

from __future__ import annotations

import threading
import time

import pytest
from server_support import World, customer_fields
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from fieldsales.domain.ids import new_id
from fieldsales.server.db import make_engine, write_transaction
from fieldsales.server.migrate import rotate_epoch
from fieldsales.server.recordstore import CHUNK, COPY_MIN_ROWS, StoredRecord, flush
from fieldsales.server.versioning import queue_for_lock

#: Text that COPY's format must escape, and JSON must keep.
AWKWARD = 'Regel 1\nRegel 2\tmet tab, "quotes", back\\slash en é'


def _create_customer(world: World) -> tuple[str, int]:
    alice = world.alice
    customer_id = new_id()
    created = alice.push_one("customers", customer_id, customer_fields(alice.id))
    return customer_id, created["version"]


@pytest.mark.parametrize("count", [3, COPY_MIN_ROWS + 50])
def test_new_records_round_trip_whether_inserted_or_copied(world: World, count: int) -> None:
    alice = world.alice
    customer_id, _ = _create_customer(world)
    ids = [new_id() for _ in range(count)]
    body = alice.push(
        *(
            alice.mutation(
                "contacts",
                contact_id,
                {"customer_id": customer_id, "last_name": f"Jansen {n}", "notes": AWKWARD},
            )
            for n, contact_id in enumerate(ids)
        )
    )
    assert {r["status"] for r in body["results"]} == {"applied"}
    seen = alice.pull_all()
    assert [seen[i]["data"]["last_name"] for i in ids] == [f"Jansen {n}" for n in range(count)]
    assert {seen[i]["data"]["notes"] for i in ids} == {AWKWARD}


def test_edits_of_children_find_their_customer_across_chunks(world: World) -> None:
    """Edits carry only the changed fields, not ``customer_id``: the server reads each child's
    customer along with it, also beyond the first ``CHUNK`` ids of a push."""
    alice = world.alice
    customer_id, _ = _create_customer(world)
    ids = [new_id() for _ in range(CHUNK + 20)]
    created = alice.push(
        *(
            alice.mutation("contacts", i, {"customer_id": customer_id, "last_name": "Smit"})
            for i in ids
        )
    )
    versions = [r["version"] for r in created["results"]]
    edited = alice.push(
        *(
            alice.mutation("contacts", i, {"job_title": "Inkoper"}, base_version=v)
            for i, v in zip(ids, versions, strict=True)
        )
    )
    assert {r["status"] for r in edited["results"]} == {"applied"}
    seen = alice.pull_all()
    assert {seen[i]["data"]["job_title"] for i in ids} == {"Inkoper"}


def test_a_child_sent_again_as_new_without_its_customer_is_still_placed(world: World) -> None:
    """A device whose answer was lost may send a known child as new again, with only some
    fields: the server must still find the child's customer (not answer ``unknown_customer``)."""
    alice = world.alice
    customer_id, _ = _create_customer(world)
    contact_id = new_id()
    alice.push_one("contacts", contact_id, {"customer_id": customer_id, "last_name": "Bakker"})
    other = alice.__class__(alice.id, alice.username, alice.role, alice.client, alice.token)
    again = other.push_one("contacts", contact_id, {"job_title": "Chef-kok"})
    assert again["status"] != "rejected", again
    assert alice.pull_all()[contact_id]["data"]["job_title"] == "Chef-kok"


def test_someone_elses_child_stays_forbidden_when_edited_without_customer(world: World) -> None:
    alice, bob = world.alice, world.bob
    customer_id, _ = _create_customer(world)
    contact_id = new_id()
    created = alice.push_one(
        "contacts", contact_id, {"customer_id": customer_id, "last_name": "Visser"}
    )
    refused = bob.push_one(
        "contacts", contact_id, {"job_title": "Baas"}, base_version=created["version"]
    )
    assert (refused["status"], refused["code"]) == ("rejected", "forbidden")


def test_a_push_answers_with_the_current_epoch(world: World) -> None:
    alice = world.alice
    before = alice.push()["epoch"]
    assert before == alice.pull()["epoch"]
    after = rotate_epoch(world.engine)
    assert alice.push()["epoch"] == after != before


def test_a_retried_push_with_a_rejection_and_a_conflict_is_recorded_once(world: World) -> None:
    """Rejections and conflicts are written in the same pipeline as the rows; a retry of the
    same push must add neither again."""
    alice = world.alice
    customer_id, version = _create_customer(world)
    other = alice.__class__(alice.id, alice.username, alice.role, alice.client, alice.token)
    other.push_one("customers", customer_id, {"city": "Leiden"}, base_version=version)
    mutations = [
        alice.mutation("customers", customer_id, {"city": "Gouda"}, base_version=version),
        alice.mutation("customers", new_id(), {"owner_id": alice.id}),  # no name: rejected
    ]
    first = alice.push(*mutations)
    assert [r["status"] for r in first["results"]] == ["conflict", "rejected"]
    again = alice.push(*mutations)
    assert [r["status"] for r in again["results"]] == ["duplicate", "duplicate"]
    with world.engine.connect() as conn:
        counts = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM conflicts WHERE record_id = :r),"
                " (SELECT count(*) FROM rejected_mutations WHERE client_id = :c)"
            ),
            {"r": customer_id, "c": alice.client_id},
        ).one()
    assert tuple(counts) == (1, 1)


def test_a_failed_pipelined_write_raises_sqlalchemys_error(world: World) -> None:
    """A constraint broken inside the pipeline surfaces when it is sent, outside SQLAlchemy's
    execute: it must still arrive as SQLAlchemy's IntegrityError (the API's 409), not as a
    driver exception (a 500), and leave nothing written."""
    customer_id, version = _create_customer(world)
    twin = StoredRecord(
        collection="customers",
        id=customer_id,
        version=version + 10_000,
        deleted=False,
        owner_id=world.alice.id,
        customer_id=None,
        data=customer_fields(world.alice.id),
        is_new=True,
        dirty=True,
    )
    with pytest.raises(IntegrityError), write_transaction(world.engine) as conn:
        flush(conn, world.tenant_id, [twin])
    assert world.alice.pull_all()[customer_id]["version"] == version


@pytest.mark.postgres
def test_postgres_connections_run_without_parallel_query(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW max_parallel_workers_per_gather")).scalar() == "0"
    finally:
        engine.dispose()


def test_the_queue_for_the_lock_serves_in_arrival_order_per_tenant() -> None:
    tenant = new_id()
    served: list[int] = []
    entered = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with queue_for_lock(tenant):
            entered.set()
            release.wait(5)

    def waiter(number: int) -> None:
        with queue_for_lock(tenant):
            served.append(number)

    first = threading.Thread(target=holder)
    first.start()
    assert entered.wait(5)
    waiters: list[threading.Thread] = []
    for number in range(8):
        thread = threading.Thread(target=waiter, args=(number,))
        thread.start()
        waiters.append(thread)
        time.sleep(0.02)  # arrive one after the other
    with queue_for_lock(new_id()):  # another tenant's queue is not blocked
        pass
    assert served == []
    release.set()
    for thread in [first, *waiters]:
        thread.join(5)
    assert served == list(range(8))
