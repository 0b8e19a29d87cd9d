"""How a push reads and writes its rows: one read for rows, customers and ``last_mid``, the writes
as one pipeline on PostgreSQL (COPY for many new rows), and a queue in front of the tenant's
version lock. The answers must not depend on which of those paths a push takes."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import orjson
import pytest
from server_support import World, customer_fields, make_world
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from fieldsales.domain.enums import Role
from fieldsales.domain.ids import new_id
from fieldsales.server import syncing
from fieldsales.server.db import make_engine, write_transaction
from fieldsales.server.migrate import rotate_epoch
from fieldsales.server.recordstore import CHUNK, COPY_MIN_ROWS, StoredRecord, flush
from fieldsales.server.scope import Principal
from fieldsales.server.syncing import push_together, validate_created
from fieldsales.server.versioning import LockQueue
from fieldsales.sync.protocol import SCHEMA_VERSION, PushRequest

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


@dataclass(eq=False)
class _Item:
    name: int
    size: int = 1
    done: bool = False


def test_the_lock_queue_batches_waiting_items_in_arrival_order_within_the_limit() -> None:
    queue: LockQueue[_Item] = LockQueue()
    batches: list[list[int]] = []
    first_running = threading.Event()
    release = threading.Event()

    def run(batch: list[_Item]) -> None:
        batches.append([item.name for item in batch])
        if batch[0].name == -1:
            first_running.set()
            release.wait(5)

    first = threading.Thread(target=queue.submit, args=(_Item(-1), run), kwargs={"limit": 5})
    first.start()
    assert first_running.wait(5)
    waiters = []
    for name in range(8):  # arrive one after the other while the lock is busy
        item = _Item(name, size=2)
        thread = threading.Thread(target=queue.submit, args=(item, run), kwargs={"limit": 5})
        thread.start()
        waiters.append((item, thread))
        time.sleep(0.02)
    other: LockQueue[_Item] = LockQueue()  # another tenant's queue is not held up
    other.submit(_Item(100), run, limit=5)
    release.set()
    for _, thread in [(None, first), *waiters]:
        thread.join(5)
    assert batches == [[-1], [100], [0, 1], [2, 3], [4, 5], [6, 7]]
    assert all(item.done for item, _ in waiters)


def test_the_lock_queue_settles_every_item_when_applying_fails() -> None:
    queue: LockQueue[_Item] = LockQueue()

    def fail(batch: list[_Item]) -> None:
        raise RuntimeError("database gone")

    item = _Item(1)
    with pytest.raises(RuntimeError):
        queue.submit(item, fail, limit=10)
    assert item.done
    queue.submit(_Item(2), lambda batch: None, limit=10)  # the queue is free again


@dataclass
class _Push:
    principal: Principal
    request: PushRequest
    created: dict[int, Any]


def _pending(world: World, user: Any, *mutations: dict[str, Any]) -> _Push:
    with world.engine.connect() as conn:
        row = conn.execute(
            text("SELECT role, username, full_name, team_id FROM accounts WHERE id = :i"),
            {"i": user.id},
        ).one()
    principal = Principal(
        user.id, world.tenant_id, Role(row.role), row.username, "", row.team_id, "s"
    )
    request = PushRequest.model_validate(
        {"client_id": user.client_id, "schema_version": SCHEMA_VERSION, "mutations": mutations}
    )
    return _Push(principal, request, validate_created(request.mutations))


def _scenario(world: World, ids: dict[str, str]) -> tuple[list[_Push], int]:
    """Pushes that depend on each other: an edit, a conflicting edit from another device, a
    retry with one more mutation, a push outside the user's scope, and a new client."""
    alice, bob = world.alice, world.bob
    customer_id, contact_id = ids["customer"], ids["contact"]
    created = alice.push_one("customers", customer_id, customer_fields(alice.id))
    version = created["version"]
    laptop = alice.__class__(alice.id, alice.username, alice.role, alice.client, alice.token)
    tablet = alice.__class__(alice.id, alice.username, alice.role, alice.client, alice.token)
    city = alice.mutation("customers", customer_id, {"city": "Leiden"}, base_version=version)
    contact = alice.mutation(
        "contacts", contact_id, {"customer_id": customer_id, "last_name": "Dekker"}
    )
    title = alice.mutation("contacts", contact_id, {"job_title": "Chef"})
    gouda = laptop.mutation("customers", customer_id, {"city": "Gouda"}, base_version=version)
    ede = bob.mutation("customers", customer_id, {"city": "Ede"}, base_version=version)
    sector = tablet.mutation("customers", customer_id, {"sector": "Horeca"}, base_version=version)
    pushes = [
        _pending(world, alice, city, contact),
        _pending(world, laptop, gouda),
        _pending(world, alice, city, title),
        _pending(world, bob, ede),
        _pending(world, tablet, sector),
    ]
    return pushes, version


TOUCHED = ("customer_id", "last_name", "job_title")


def _normalised(answers: list[bytes], start: int) -> list[Any]:
    out = []
    for answer in answers:
        body = orjson.loads(answer)
        out.append(
            (
                body["last_mid"],
                [
                    (
                        r["status"],
                        r["code"],
                        None if r["version"] is None else r["version"] - start,
                        [
                            (c["field"], c["losing_value"], c["losing_version"] - start)
                            for c in r["conflicts"]
                        ],
                    )
                    for r in body["results"]
                ],
            )
        )
    return out


def test_pushes_applied_together_answer_as_if_applied_one_after_the_other(world: World) -> None:
    """Group commit must not change a single answer: the same pushes applied together in one
    transaction, and one by one in another tenant, answer alike (versions counted from each
    tenant's start) and leave the same data."""
    ids = {"customer": new_id(), "contact": new_id()}
    together, start = _scenario(world, ids)
    answers = push_together(world.engine, together)
    alone_world = make_world(world.backend)
    alone, alone_start = _scenario(alone_world, ids)
    alone_answers = [push_together(alone_world.engine, [push])[0] for push in alone]
    assert _normalised(answers, start) == _normalised(alone_answers, alone_start)
    statuses = [[r[0] for r in results] for _, results in _normalised(answers, start)]
    assert statuses == [
        ["applied", "applied"],
        ["conflict"],
        ["duplicate", "conflict"],
        ["rejected"],
        ["merged"],
    ]
    data = world.alice.pull_all()
    alone_data = alone_world.alice.pull_all()
    for record_id, fields in ((ids["customer"], ("city", "sector")), (ids["contact"], TOUCHED)):
        mine, theirs = data[record_id], alone_data[record_id]
        assert mine["version"] - start == theirs["version"] - alone_start
        assert [mine["data"][f] for f in fields] == [theirs["data"][f] for f in fields]
    assert data[ids["customer"]]["data"]["city"] == "Gouda"
    retried = world.alice.push(together[0].request.mutations[0].model_dump(mode="json"))
    assert retried["results"][0]["status"] == "duplicate"  # last_mid stored with the batch


def test_one_failing_push_does_not_fail_the_others_applied_with_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob = world.alice, world.bob
    good = [
        _pending(world, alice, alice.mutation("customers", new_id(), customer_fields(alice.id))),
        _pending(world, bob, bob.mutation("customers", new_id(), customer_fields(bob.id))),
    ]
    bad = _pending(world, alice, alice.mutation("customers", new_id(), customer_fields(alice.id)))
    bad.request = bad.request.model_copy(update={"client_id": "kapot"})
    original = syncing._PushContext.apply

    def apply(self: Any, mutation: Any) -> Any:
        if self.client_id == "kapot":
            raise RuntimeError("a bug in one push")
        return original(self, mutation)

    monkeypatch.setattr(syncing._PushContext, "apply", apply)
    batch = [
        syncing._Waiting(p.principal, p.request, p.created, size=1) for p in [good[0], bad, good[1]]
    ]
    syncing._apply_batch(world.engine, batch)
    assert [w.error is None for w in batch] == [True, False, True]
    assert isinstance(batch[1].error, RuntimeError)
    for waiting, user in ((batch[0], alice), (batch[2], bob)):
        assert waiting.answer is not None
        result = orjson.loads(waiting.answer)["results"][0]
        assert result["status"] == "applied"
        assert user.pull(result["version"] - 1)["records"][0]["version"] == result["version"]
