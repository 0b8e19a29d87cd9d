"""The pull page's records are written by the database (``syncing._record_json``): each must
still be exactly a ``PullRecord`` object, its strings escaped, on SQLite and PostgreSQL, for a
salesperson (two merged range scans) and for a manager (one scan of the whole tenant)."""

from __future__ import annotations

from typing import Any

import orjson
from server_support import World, customer_fields

from fieldsales.domain.ids import new_id
from fieldsales.sync.protocol import PullResponse

TRICKY = 'Zegt "ja" \\ nee\nregel\ttwee, café, Ø, 🍺, \u0001, </script>'


def _raw_page(world: World, user: Any) -> dict[str, Any]:
    response = world.backend.client.get(
        "/sync/pull", params={"cursor": 0, "limit": 1000}, headers=user.headers
    )
    assert response.status_code == 200, response.text
    page: dict[str, Any] = orjson.loads(response.content)
    PullResponse.model_validate_json(response.content)  # the wire model accepts it as is
    return page


def test_records_are_pull_record_objects_with_their_text_escaped(world: World) -> None:
    alice = world.alice
    kept, gone = new_id(), new_id()
    fields = customer_fields(alice.id, name=TRICKY, notes=TRICKY)
    assert alice.push_one("customers", kept, fields)["status"] == "applied"
    created = alice.push_one("customers", gone, customer_fields(alice.id))
    deleted = alice.push_one("customers", gone, op="delete", base_version=created["version"])
    assert deleted["status"] == "applied"

    for user in (alice, world.manny):
        page = _raw_page(world, user)
        by_id = {record["id"]: record for record in page["records"]}
        record = by_id[kept]
        assert list(record) == ["collection", "id", "version", "deleted", "data"]
        assert record["collection"] == "customers"
        assert record["deleted"] is False
        assert isinstance(record["version"], int)
        assert record["data"]["name"] == TRICKY
        assert record["data"]["notes"] == TRICKY
        assert by_id[gone] == {
            "collection": "customers",
            "id": gone,
            "version": deleted["version"],
            "deleted": True,
            "data": None,
        }
        versions = [r["version"] for r in page["records"]]
        assert versions == sorted(versions)
        assert page["cursor"] == versions[-1]


def test_pages_split_at_the_limit_and_count_what_remains(world: World) -> None:
    alice = world.alice
    ids = [new_id() for _ in range(5)]
    alice.push(*(alice.mutation("customers", i, customer_fields(alice.id)) for i in ids))
    everything = alice.pull(0, limit=1000)["records"]  # the team directory, then the customers
    assert [r["id"] for r in everything][-5:] == ids
    pages = [alice.pull(0, limit=2)]
    while pages[-1]["more"]:
        pages.append(alice.pull(pages[-1]["cursor"], limit=2))
    assert [r for page in pages for r in page["records"]] == everything
    assert [len(page["records"]) for page in pages[:-1]] == [2] * (len(pages) - 1)
    seen = 0
    for page in pages:
        seen += len(page["records"])
        assert page["remaining"] == len(everything) - seen
