"""Scope, proven per role × collection × action: every allowed action works, every other is
refused (and what may not be read is not pulled).

Alice owns the customer everything hangs under; Bob is a salesperson of the same team; Manny
manages their team, Otto another team; Ada is the admin.
"""

from __future__ import annotations

from typing import Any

import pytest
from server_support import Backend, User, World, make_world

from fieldsales.domain.ids import new_id
from fieldsales.records import COLLECTIONS, Scope
from fieldsales.server.seeding import load_records

ROLES = ("alice", "bob", "manny", "otto", "ada")
ACTIONS = ("read", "update", "create", "delete")


def sample(collection: str, w: dict[str, str]) -> dict[str, Any]:
    """Minimal valid data of each collection, in Alice's scope, referring to ``w``'s parents."""
    owner = w["alice"]
    customer = w["customer"]
    samples: dict[str, dict[str, Any]] = {
        "teams": {"name": "Team West"},
        "users": {"username": f"u{new_id()[-8:]}", "full_name": "Nieuwe Collega"},
        "target_groups": {"code": "A", "name": "A-klanten"},
        "product_groups": {"code": "PG1", "name": "Koffie"},
        "products": {"sku": "K-1", "name": "Espresso", "product_group_id": w["group"]},
        "price_lists": {"name": "Horeca 2026"},
        "price_list_items": {
            "price_list_id": w["price_list"],
            "product_id": w["product"],
            "price_cents": 1250,
        },
        "customers": {"owner_id": owner, "name": "Café De Hoek"},
        "contacts": {"customer_id": customer, "last_name": "de Vries"},
        "account_plans": {"customer_id": customer, "owner_id": owner, "year": 2026},
        "account_plan_versions": {"plan_id": w["plan"], "customer_id": customer, "number": 1},
        "plan_goals": {"plan_id": w["plan"], "customer_id": customer},
        "plan_actions": {"plan_id": w["plan"], "customer_id": customer},
        "visits": {
            "customer_id": customer,
            "owner_id": owner,
            "planned_start": "2026-03-02T09:00:00+01:00",
        },
        "follow_ups": {"customer_id": customer, "owner_id": owner, "description": "Bellen"},
        "call_logs": {
            "customer_id": customer,
            "owner_id": owner,
            "called_at": "2026-03-02T09:00:00+00:00",
            "outcome": "no_answer",
        },
        "attachments": {
            "customer_id": customer,
            "record_collection": "visits",
            "record_id": new_id(),
            "sha256": "ab" * 32,
            "filename": "memo.m4a",
            "content_type": "audio/mp4",
            "size_bytes": 1234,
        },
        "quotes": {
            "customer_id": customer,
            "owner_id": owner,
            "quote_number": "Q-1",
            "quote_date": "2026-03-02",
            "valid_until": "2026-04-01",
        },
        "quote_lines": {"quote_id": new_id(), "customer_id": customer, "product_id": w["product"]},
        "orders": {
            "customer_id": customer,
            "owner_id": owner,
            "order_number": "O-1",
            "order_date": "2026-03-02",
        },
        "order_lines": {"order_id": new_id(), "customer_id": customer, "product_id": w["product"]},
        "complaints": {
            "customer_id": customer,
            "owner_id": owner,
            "reported_on": "2026-03-02",
            "category": "quality",
            "description": "Bonen waren nat",
        },
        "sales_targets": {
            "owner_id": owner,
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "customer_id": customer,
        },
        "deviation_causes": {
            "owner_id": owner,
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "cause": "seasonal",
        },
    }
    return samples[collection]


EDITS: dict[str, dict[str, Any]] = {
    "teams": {"name": "Team Noordwest"},
    "users": {"full_name": "Andere Naam"},
    "target_groups": {"name": "B-klanten"},
    "product_groups": {"name": "Thee"},
    "products": {"name": "Lungo"},
    "price_lists": {"name": "Horeca 2027"},
    "price_list_items": {"price_cents": 1300},
    "customers": {"city": "Zwolle"},
    "contacts": {"job_title": "Inkoper"},
    "account_plans": {"analysis": "Groeit in lunch."},
    "account_plan_versions": {"content": {"analysis": "x"}},
    "plan_goals": {"description": "Meer thee"},
    "plan_actions": {"description": "Proeverij"},
    "visits": {"topics": "Nieuwe bonen"},
    "follow_ups": {"description": "Offerte sturen"},
    "call_logs": {"notes": "Terugbellen"},
    "attachments": {"filename": "memo2.m4a"},
    "quotes": {"notes": "Korting besproken"},
    "quote_lines": {"description": "Proefpakket"},
    "orders": {"notes": "Levering achterom"},
    "order_lines": {"description": "Extra"},
    "complaints": {"resolution": "Creditnota"},
    "sales_targets": {"revenue_target_cents": 500_00},
    "deviation_causes": {"note": "Koud voorjaar"},
}


def allowed(collection: str, role: str) -> set[str]:
    scope = COLLECTIONS[collection].scope
    if scope is Scope.SHARED:
        return {"read", "update", "create", "delete"} if role == "ada" else {"read"}
    if scope is Scope.TEAM:
        if collection == "teams" and role == "ada":
            return {"read", "update", "create", "delete"}
        return {"read"}
    if role == "alice":
        return {"read", "update", "create", "delete"}
    if role in ("manny", "otto"):
        if collection == "sales_targets":
            return {"read", "update", "create", "delete"}
        return {"read"}
    return set()


@pytest.fixture(scope="module")
def matrix_world(backend: Backend) -> tuple[World, dict[str, str]]:
    world = make_world(backend)
    refs = {
        "alice": world.alice.id,
        "customer": new_id(),
        "group": new_id(),
        "product": new_id(),
        "price_list": new_id(),
        "plan": new_id(),
    }
    load_records(
        world.engine,
        world.tenant_id,
        [
            {
                "collection": "product_groups",
                "id": refs["group"],
                "data": sample("product_groups", refs),
            },
            {"collection": "products", "id": refs["product"], "data": sample("products", refs)},
            {
                "collection": "price_lists",
                "id": refs["price_list"],
                "data": sample("price_lists", refs),
            },
            {"collection": "customers", "id": refs["customer"], "data": sample("customers", refs)},
            {
                "collection": "account_plans",
                "id": refs["plan"],
                "data": sample("account_plans", refs),
            },
        ],
    )
    return world, refs


def test_matrix_covers_every_collection() -> None:
    assert set(EDITS) == set(COLLECTIONS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("collection", sorted(COLLECTIONS))
def test_scope(matrix_world: tuple[World, dict[str, str]], collection: str, role: str) -> None:
    world, refs = matrix_world
    actor: User = world.users[role]
    may = allowed(collection, role)
    target_id = new_id()
    first, _ = load_records(
        world.engine,
        world.tenant_id,
        [{"collection": collection, "id": target_id, "data": sample(collection, refs)}],
    )

    page = actor.pull(first - 1, limit=50)
    visible = target_id in {r["id"] for r in page["records"]}
    assert visible == ("read" in may), f"{role} read {collection}"

    def verdict(result: dict[str, Any], action: str) -> None:
        if action in may:
            assert result["status"] in ("applied", "merged"), f"{action}: {result}"
            assert result["version"] is not None
        else:
            assert result["status"] == "rejected", (action, result)
            assert result["code"] in ("forbidden", "server_managed"), (action, result)

    verdict(actor.push_one(collection, target_id, EDITS[collection], base_version=first), "update")
    verdict(actor.push_one(collection, new_id(), sample(collection, refs)), "create")
    verdict(actor.push_one(collection, target_id, op="delete", base_version=first), "delete")

    owner_view = world.alice.pull(first - 1, limit=200)["records"]
    target = [r for r in owner_view if r["id"] == target_id]
    if "read" in allowed(collection, "alice"):
        assert target, "the owner still sees the record"
        assert target[-1]["deleted"] == ("delete" in may)


def test_a_salesperson_cannot_give_a_customer_away_or_take_one(world: World) -> None:
    alice, bob = world.alice, world.bob
    customer_id = new_id()
    created = alice.push_one("customers", customer_id, {"owner_id": alice.id, "name": "Hoek"})
    give = alice.push_one("customers", customer_id, {"owner_id": bob.id}, base_version=1)
    assert give["code"] == "forbidden"
    take = bob.push_one("customers", customer_id, {"owner_id": bob.id}, base_version=1)
    assert take["code"] == "forbidden"
    foreign = bob.push_one("customers", new_id(), {"owner_id": alice.id, "name": "Nep"})
    assert foreign["code"] == "forbidden"
    assert created["status"] == "applied"


def test_a_child_cannot_point_at_someone_elses_customer(world: World) -> None:
    alice, bob = world.alice, world.bob
    customer_id = new_id()
    alice.push_one("customers", customer_id, {"owner_id": alice.id, "name": "Hoek"})
    result = bob.push_one("contacts", new_id(), {"customer_id": customer_id, "last_name": "X"})
    assert result["code"] == "forbidden"
    own = new_id()
    bob.push_one("customers", own, {"owner_id": bob.id, "name": "Bobs"})
    contact = new_id()
    bob.push_one("contacts", contact, {"customer_id": own, "last_name": "Y"})
    moved = bob.push_one("contacts", contact, {"customer_id": customer_id}, base_version=1)
    assert moved["code"] == "forbidden"
    target = bob.push_one(
        "sales_targets",
        new_id(),
        {
            "owner_id": bob.id,
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "customer_id": customer_id,
        },
    )
    assert target["code"] == "forbidden"


PROTECTED = [
    ("GET", "/auth/me", None),
    ("POST", "/auth/logout", None),
    ("GET", "/sync/pull", None),
    ("POST", "/sync/push", {"client_id": "c", "schema_version": 1, "mutations": []}),
    ("POST", "/plans/{plan}/approve", {}),
    ("POST", "/plans/{plan}/reject", {"comment": "nee"}),
    ("GET", "/admin/users", None),
    ("POST", "/admin/users", {"username": "x", "password": "y" * 10, "full_name": "X"}),
    ("POST", "/admin/users/{user}/deactivate", None),
    ("POST", "/admin/users/{user}/password", {"password": "z" * 10}),
]


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
def test_every_protected_endpoint_wants_a_valid_token(
    backend: Backend, method: str, path: str, body: Any
) -> None:
    url = path.format(plan=new_id(), user="nobody")
    for headers in ({}, {"Authorization": "Bearer fsa_not-a-token"}, {"Authorization": "Basic x"}):
        response = backend.client.request(method, url, json=body, headers=headers)
        assert response.status_code == 401, (url, headers, response.text)
        assert response.json()["error"]["code"] in ("not_authenticated", "invalid_token")
        assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("role", ["alice", "manny", "otto"])
def test_only_admins_manage_users(world: World, role: str) -> None:
    user = world.users[role]
    client = world.backend.client
    calls = [
        client.get("/admin/users", headers=user.headers),
        client.post(
            "/admin/users",
            json={"username": f"n{new_id()[-6:]}", "password": "geheim123", "full_name": "N"},
            headers=user.headers,
        ),
        client.post(f"/admin/users/{world.bob.username}/deactivate", headers=user.headers),
        client.post(
            f"/admin/users/{world.bob.username}/password",
            json={"password": "nieuwgeheim"},
            headers=user.headers,
        ),
    ]
    for response in calls:
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "admin_only"
    assert client.get("/auth/me", headers=world.bob.headers).status_code == 200


def test_reassigning_customers_moves_everything_under_them(world: World) -> None:
    from fieldsales.server.accounts import reassign_customers

    alice, bob = world.alice, world.bob
    customer, contact, visit, kept = new_id(), new_id(), new_id(), new_id()
    alice.push(
        alice.mutation("customers", customer, {"owner_id": alice.id, "name": "Over"}),
        alice.mutation("contacts", contact, {"customer_id": customer, "last_name": "Mee"}),
        alice.mutation(
            "visits",
            visit,
            {"customer_id": customer, "owner_id": alice.id, "planned_start": "2026-02-02T09:00Z"},
        ),
        alice.mutation("customers", kept, {"owner_id": alice.id, "name": "Blijft"}),
    )
    bob_cursor = bob.pull(0, limit=10_000)["cursor"]
    alice_cursor = alice.pull(0, limit=10_000)["cursor"]
    moved = reassign_customers(
        world.engine,
        from_username=alice.username,
        to_username=bob.username,
        customer_ids=[customer],
    )
    assert moved == 1
    arrived = {r["id"]: r["version"] for r in bob.pull(bob_cursor)["records"]}
    assert set(arrived) == {customer, contact, visit}
    edit = bob.push_one("contacts", contact, {"job_title": "Inkoop"}, base_version=arrived[contact])
    assert edit["status"] == "applied"
    refused = alice.push_one(
        "contacts", contact, {"job_title": "Oud"}, base_version=edit["version"]
    )
    # The previous owner is told why (a scope exit exists), not just "forbidden".
    assert refused["code"] == "scope_revoked"
    assert "geen toegang meer" in refused["message"]
    page = alice.pull(alice_cursor)
    assert page["revoked"] == [customer]
    assert page["records"] == []
    assert alice.pull(page["cursor"])["revoked"] == []  # the cursor moved past the exit
    assert bob.pull(bob_cursor)["revoked"] == []
    assert kept not in bob.pull_all()
