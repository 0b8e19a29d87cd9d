"""The sync protocol's contract: push verdicts, idempotence, merge/conflict, pull paging, reset."""

from __future__ import annotations

import gzip
from typing import Any

import orjson
from server_support import World, customer_fields
from sqlalchemy import select, update

from fieldsales.domain.ids import new_id
from fieldsales.server.maintenance import purge_tombstones
from fieldsales.server.migrate import rotate_epoch
from fieldsales.server.models import conflicts, rejected_mutations, sync_clients, tenants
from fieldsales.sync.protocol import SCHEMA_VERSION, PullResponse, PushResponse


def test_push_then_pull_round_trip(world: World) -> None:
    alice = world.alice
    customer_id, contact_id = new_id(), new_id()
    body = alice.push(
        alice.mutation("customers", customer_id, customer_fields(alice.id, postcode="1234ab")),
        alice.mutation("contacts", contact_id, {"customer_id": customer_id, "last_name": "Jansen"}),
    )
    PushResponse.model_validate(body)
    statuses = [r["status"] for r in body["results"]]
    assert statuses == ["applied", "applied"]
    v1, v2 = (r["version"] for r in body["results"])
    assert v2 == v1 + 1
    assert body["last_mid"] == 2

    page = alice.pull(v1 - 1)
    PullResponse.model_validate(page)
    records = {r["id"]: r for r in page["records"]}
    assert records[customer_id]["data"]["postcode"] == "1234 AB"  # normalised on the way in
    assert records[customer_id]["version"] == v1
    assert records[contact_id]["data"]["last_name"] == "Jansen"
    assert records[contact_id]["deleted"] is False
    assert page["cursor"] == v2
    assert page["more"] is False


def test_retried_push_is_a_no_op(world: World) -> None:
    alice = world.alice
    customer_id = new_id()
    mutation = alice.mutation("customers", customer_id, customer_fields(alice.id))
    first = alice.push(mutation)
    again = alice.push(mutation)
    assert first["results"][0]["status"] == "applied"
    assert again["results"][0]["status"] == "duplicate"
    assert again["last_mid"] == first["last_mid"]
    versions = [r["version"] for r in alice.pull_all().values() if r["id"] == customer_id]
    assert versions == [first["results"][0]["version"]]


def test_retry_with_more_mutations_applies_only_the_new_ones(world: World) -> None:
    alice = world.alice
    a, b = new_id(), new_id()
    m1 = alice.mutation("customers", a, customer_fields(alice.id))
    alice.push(m1)
    m2 = alice.mutation("customers", b, customer_fields(alice.id))
    body = alice.push(m1, m2)
    assert [r["status"] for r in body["results"]] == ["duplicate", "applied"]


def test_gaps_in_mids_are_allowed_and_order_is_required(world: World) -> None:
    alice = world.alice
    m1 = alice.mutation("customers", new_id(), customer_fields(alice.id))
    alice.next_mid += 10  # an outbox that coalesced entries
    m2 = alice.mutation("customers", new_id(), customer_fields(alice.id))
    body = alice.push(m1, m2)
    assert [r["status"] for r in body["results"]] == ["applied", "applied"]
    assert body["last_mid"] == m2["mid"]

    bad = alice.push(m2 | {"mid": 100}, m1 | {"mid": 99}, expect=422)
    assert bad["error"]["code"] == "mids_not_increasing"


def test_last_mid_is_stored_with_the_push(world: World) -> None:
    alice = world.alice
    alice.push(alice.mutation("customers", new_id(), customer_fields(alice.id)))
    with world.engine.connect() as conn:
        last_mid = conn.execute(
            select(sync_clients.c.last_mid).where(sync_clients.c.client_id == alice.client_id)
        ).scalar_one()
    assert last_mid == 1


def test_rejections_do_not_block_later_mutations(world: World) -> None:
    alice = world.alice
    customer_id = new_id()
    body = alice.push(
        alice.mutation("nonsense", new_id(), {"x": 1}),
        alice.mutation("customers", new_id(), customer_fields(alice.id, colour="red")),
        alice.mutation("customers", new_id(), customer_fields(alice.id) | {"version": 3}),
        alice.mutation("customers", new_id(), customer_fields(alice.id, postcode="12")),
        alice.mutation("customers", new_id(), {"owner_id": alice.id}),
        alice.mutation("customers", new_id(), customer_fields(alice.id, employees=-1)),
        alice.mutation("contacts", new_id(), {"customer_id": new_id(), "last_name": "X"}),
        alice.mutation("customers", customer_id, customer_fields(alice.id)),
    )
    results = body["results"]
    assert [r["status"] for r in results] == ["rejected"] * 7 + ["applied"]
    assert [r["code"] for r in results[:7]] == [
        "unknown_collection",
        "unknown_field",
        "system_field",
        "invalid_postcode",
        "invalid",
        "invalid",
        "unknown_customer",
    ]
    for result in results[:7]:
        assert result["message"]
        assert result["version"] is None
    assert body["last_mid"] == results[-1]["mid"]
    with world.engine.connect() as conn:
        recorded = conn.execute(
            select(rejected_mutations.c.code).where(
                rejected_mutations.c.client_id == alice.client_id
            )
        ).scalars()
        assert len(list(recorded)) == 7


def test_disjoint_edits_merge_and_overlapping_edits_conflict(world: World) -> None:
    alice = world.alice
    customer_id = new_id()
    created = alice.push_one("customers", customer_id, customer_fields(alice.id, city="Delft"))
    base = created["version"]

    # Another device of Alice changes the phone number.
    other = alice.__class__(alice.id, alice.username, alice.role, alice.client, alice.token)
    first = other.push_one("customers", customer_id, {"city": "Leiden"}, base_version=base)
    assert first["status"] == "applied"

    merged = alice.push_one("customers", customer_id, {"sector": "Horeca"}, base_version=base)
    assert merged["status"] == "merged"
    assert merged["conflicts"] == []

    conflict = alice.push_one("customers", customer_id, {"city": "Gouda"}, base_version=base)
    assert conflict["status"] == "conflict"
    assert conflict["conflicts"] == [
        {"field": "city", "losing_value": "Leiden", "losing_version": first["version"]}
    ]
    state = alice.pull_all()[customer_id]["data"]
    assert state["city"] == "Gouda"  # last arrival wins
    assert state["sector"] == "Horeca"  # the merged field survived
    with world.engine.connect() as conn:
        kept = conn.execute(
            select(conflicts.c.losing_value).where(conflicts.c.record_id == customer_id)
        ).scalars()
        assert list(kept) == ["Leiden"]


def test_unchanged_values_keep_the_version(world: World) -> None:
    alice = world.alice
    customer_id = new_id()
    created = alice.push_one("customers", customer_id, customer_fields(alice.id, city="Delft"))
    same = alice.push_one("customers", customer_id, {"city": "Delft"}, base_version=1)
    assert same["status"] == "applied"
    assert same["version"] == created["version"]


def test_delete_makes_a_tombstone_that_pulls(world: World) -> None:
    alice = world.alice
    customer_id = new_id()
    created = alice.push_one("customers", customer_id, customer_fields(alice.id))
    deleted = alice.push_one("customers", customer_id, op="delete", base_version=created["version"])
    assert deleted["status"] == "applied"
    assert deleted["version"] > created["version"]
    page = alice.pull(created["version"])
    assert page["records"] == [
        {
            "collection": "customers",
            "id": customer_id,
            "version": deleted["version"],
            "deleted": True,
            "data": None,
        }
    ]
    again = alice.push_one("customers", customer_id, op="delete")
    assert again == deleted | {"mid": again["mid"]}
    edit = alice.push_one("customers", customer_id, {"city": "Ede"})
    assert (edit["status"], edit["code"]) == ("rejected", "deleted")
    unknown = alice.push_one("customers", new_id(), op="delete")
    assert (unknown["status"], unknown["version"]) == ("applied", None)


def test_same_id_in_another_collection_is_rejected(world: World) -> None:
    alice = world.alice
    record_id = new_id()
    alice.push_one("customers", record_id, customer_fields(alice.id))
    result = alice.push_one("contacts", record_id, {"customer_id": record_id, "last_name": "X"})
    assert result["code"] == "wrong_collection"


def test_pull_pages_in_version_order(world: World) -> None:
    alice = world.alice
    ids = [new_id() for _ in range(7)]
    alice.push(*(alice.mutation("customers", i, customer_fields(alice.id)) for i in ids))
    start = world_cursor_before(world, alice, ids[0])
    seen: list[int] = []
    cursor = start
    pages = 0
    while True:
        page = alice.pull(cursor, limit=3)
        pages += 1
        seen += [r["version"] for r in page["records"]]
        cursor = page["cursor"]
        if not page["more"]:
            break
    assert pages == 3
    assert seen == sorted(seen)
    assert len(seen) == 7
    assert alice.pull(cursor)["records"] == []
    assert alice.pull(cursor)["cursor"] == cursor


def world_cursor_before(world: World, user: Any, record_id: str) -> int:
    records = user.pull_all()
    return int(records[record_id]["version"]) - 1


def test_pull_answers_reset_for_another_epoch_a_purged_horizon_or_a_future_cursor(
    world: World,
) -> None:
    alice = world.alice
    epoch = alice.pull()["epoch"]
    assert alice.pull(epoch=epoch)["reset"] is False
    assert alice.pull(epoch="0000000000000000")["reset"] is True

    customer_id = new_id()
    created = alice.push_one("customers", customer_id, customer_fields(alice.id))
    alice.push_one("customers", customer_id, op="delete")
    with world.engine.connect() as conn:
        last = conn.execute(
            select(tenants.c.last_version).where(tenants.c.id == world.tenant_id)
        ).scalar_one()
    assert alice.pull(last + 5)["reset"] is True

    purged = purge_tombstones(world.engine, keep_versions=0, tenant_id=world.tenant_id)
    assert purged == 1
    assert alice.pull(created["version"])["reset"] is True
    assert alice.pull(last)["reset"] is False
    assert alice.pull(0)["reset"] is False  # a fresh device is never told to reset
    assert customer_id not in alice.pull_all()


def test_rotating_the_epoch_resets_devices(world: World) -> None:
    before = world.alice.pull()["epoch"]
    after = rotate_epoch(world.engine)
    assert after != before
    page = world.alice.pull(epoch=before)
    assert page["reset"] is True
    assert page["epoch"] == after


def test_unsupported_schema_version_is_refused(world: World) -> None:
    response = world.backend.client.post(
        "/sync/push",
        json={"client_id": "x", "schema_version": SCHEMA_VERSION + 1, "mutations": []},
        headers=world.alice.headers,
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "schema_unsupported"


def test_gzip_request_and_response(world: World) -> None:
    alice = world.alice
    customer_id = new_id()
    payload = {
        "client_id": alice.client_id,
        "schema_version": SCHEMA_VERSION,
        "mutations": [alice.mutation("customers", customer_id, customer_fields(alice.id))],
    }
    response = world.backend.client.post(
        "/sync/push",
        content=gzip.compress(orjson.dumps(payload)),
        headers=alice.headers | {"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["status"] == "applied"

    for i in range(30):  # enough records that the page is worth compressing
        alice.push_one("customers", new_id(), customer_fields(alice.id, notes=f"notitie {i}"))
    pulled = world.backend.client.get(
        "/sync/pull", headers=alice.headers | {"Accept-Encoding": "gzip"}
    )
    assert pulled.headers["content-encoding"] == "gzip"
    assert len(pulled.json()["records"]) >= 31


def test_request_size_limits_answer_413(world: World) -> None:
    client = world.backend.client
    limit = world.backend.settings.max_request_bytes
    too_big = b"x" * (limit + 1)
    response = client.post("/sync/push", content=too_big, headers=world.alice.headers)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"

    bomb = gzip.compress(b" " * (limit * 2))
    assert len(bomb) < limit
    response = client.post(
        "/sync/push",
        content=bomb,
        headers=world.alice.headers | {"Content-Encoding": "gzip"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"

    response = client.post(
        "/sync/push",
        content=b"not gzip at all",
        headers=world.alice.headers | {"Content-Encoding": "gzip"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_gzip"


def test_malformed_push_bodies_answer_422(world: World) -> None:
    client = world.backend.client
    for body in (b"", b"{", b"[]", b'{"client_id": "x"}'):
        response = client.post("/sync/push", content=body, headers=world.alice.headers)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "validation_failed"


def test_versions_of_server_writes_continue_the_same_sequence(world: World) -> None:
    alice = world.alice
    first = alice.push_one("customers", new_id(), customer_fields(alice.id))
    with world.engine.begin() as conn:
        conn.execute(
            update(tenants).where(tenants.c.id == world.tenant_id).values(name="Renamed BV")
        )
    from fieldsales.server.accounts import create_team

    team_id = create_team(world.engine, tenant_id=world.tenant_id, name="Team Oost")
    second = alice.push_one("customers", new_id(), customer_fields(alice.id))
    assert second["version"] == first["version"] + 2
    team = alice.pull(first["version"])["records"][0]
    assert (team["id"], team["version"]) == (team_id, first["version"] + 1)


def test_several_offline_edits_of_one_record_are_not_a_conflict_with_itself(world: World) -> None:
    alice = world.alice
    customer_id = new_id()
    body = alice.push(
        alice.mutation("customers", customer_id, customer_fields(alice.id, city="Delft")),
        alice.mutation("customers", customer_id, {"city": "Leiden"}),
        alice.mutation("customers", customer_id, {"city": "Gouda", "sector": "Bouw"}),
    )
    assert [r["status"] for r in body["results"]] == ["applied"] * 3
    versions = [r["version"] for r in body["results"]]
    assert versions == sorted(set(versions))
    assert alice.pull_all()[customer_id]["data"]["city"] == "Gouda"


def test_nul_characters_are_refused_not_crashing_the_database(world: World) -> None:
    alice = world.alice
    result = alice.push_one("customers", new_id(), customer_fields(alice.id, city="Ede\x00"))
    assert (result["status"], result["code"]) == ("rejected", "invalid")
    bad_id = alice.push(alice.mutation("customers", "abc\x00", {}), expect=422)
    assert bad_id["error"]["code"] == "validation_failed"
    login = world.backend.client.post(
        "/auth/token", data={"username": "x\x00y", "password": "whatever"}
    )
    assert login.status_code == 401
    admin = world.backend.client.post("/admin/users/a%00b/deactivate", headers=world.ada.headers)
    assert admin.status_code in (404, 422)


def test_load_records_seeds_versioned_records_devices_pull(world: World) -> None:
    from fieldsales.records import Contact, Customer
    from fieldsales.server.seeding import load_records

    customer = Customer(owner_id=world.alice.id, name="Seed BV", postcode="1234ab")
    contact = Contact(customer_id=customer.id, last_name="Zaad")
    first, last = load_records(world.engine, world.tenant_id, [customer, contact])
    assert last == first + 1
    seen = world.alice.pull(first - 1)["records"]
    assert [(r["id"], r["version"]) for r in seen] == [(customer.id, first), (contact.id, last)]
    assert seen[0]["data"]["postcode"] == "1234 AB"
    assert world.bob.pull(first - 1)["records"] == []  # scoped like pushed records
    edit = world.alice.push_one(
        "contacts", contact.id, {"job_title": "Eigenaar"}, base_version=last
    )
    assert edit["status"] == "applied"


def test_load_records_joins_the_callers_session_and_refuses_invalid_data(world: World) -> None:
    import pytest
    from sqlalchemy.orm import Session

    from fieldsales.server.seeding import load_records
    from fieldsales.server.validation import Rejection

    customer_id = new_id()
    with Session(world.engine) as session:
        load_records(
            session,
            world.tenant_id,
            [
                {
                    "collection": "customers",
                    "id": customer_id,
                    "data": customer_fields(world.alice.id),
                }
            ],
        )
        session.commit()
    assert customer_id in world.alice.pull_all()
    with pytest.raises(Rejection):
        load_records(
            world.engine,
            world.tenant_id,
            [{"collection": "customers", "id": new_id(), "data": {"owner_id": world.alice.id}}],
        )
