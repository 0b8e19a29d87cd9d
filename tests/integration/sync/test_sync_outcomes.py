"""A push whose answer is lost: the retry's ``duplicate``s carry the original outcomes, and the
device settles them exactly as if the first answer had arrived (item A of issue 4)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from faultproxy import Fault, FaultProxy
from sqlalchemy import select, update
from sync_support import Account, Device, World, assert_equal_to_server

from fieldsales.records import Contact, Customer
from fieldsales.server.models import push_outcomes, utcnow
from fieldsales.server.syncing import OUTCOME_KEEP, OUTCOME_KEEP_MIDS
from fieldsales.store.queries import SyncIssue
from fieldsales.sync.engine import UNCONFIRMED
from fieldsales.sync.protocol import ResultStatus
from fieldsales.sync.summary import SyncSummary


@pytest.fixture
def proxy(world: World) -> Iterator[FaultProxy]:
    with FaultProxy(world.backend.url) as running:
        yield running


def _applied_conflicted_rejected(
    world: World, account: Account, *, proxy: FaultProxy | None = None
) -> tuple[Device, SyncSummary, dict[str, str]]:
    """One push holding one applied, one conflicting and one rejected mutation; through
    ``proxy`` its answer is dropped after the server committed it."""
    phone = world.device(account, url=proxy.url if proxy is not None else None)
    other = world.device(account)
    shared = phone.customer(name="Gedeeld BV", notes="Origineel")
    phone.sync()
    other.sync()
    other.update(Customer, shared.id, notes="Van de tablet")
    other.sync()
    phone.update(Customer, shared.id, notes="Van de telefoon")  # not pulled: a conflict
    new = phone.customer(name="Nieuw BV")
    orphan = phone.add(Contact(customer_id="no-such-customer", last_name="Wees"))
    if proxy is not None:
        proxy.add(Fault("drop_after", path="/sync/push"))
    summary = phone.sync()
    return phone, summary, {"shared": shared.id, "new": new.id, "orphan": orphan.id}


_VARYING = {"id", "owner_id", "created_at", "updated_at"}


def _signature(issue: SyncIssue, ids: dict[str, str]) -> tuple[Any, ...]:
    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if k not in _VARYING}
        return value

    role = next(name for name, record_id in ids.items() if record_id == issue.record_id)
    return (
        issue.kind,
        issue.collection,
        role,
        issue.field,
        issue.code,
        issue.message,
        plain(issue.local_value),
        plain(issue.server_value),
    )


def test_a_lost_answer_is_settled_as_if_it_had_arrived(world: World, proxy: FaultProxy) -> None:
    # The control: bob's answer arrives.
    control, control_summary, control_ids = _applied_conflicted_rejected(world, world.bob)
    assert control_summary.duplicates == 0

    # alice's push is applied, and its answer dropped on the way back.
    phone, summary, ids = _applied_conflicted_rejected(world, world.alice, proxy=proxy)
    assert [e.fault for e in proxy.requests("/sync/push")][-2:] == ["drop_after", None]
    assert summary.duplicates == 3

    for name in ("applied", "conflicted", "rejected", "merged", "pushed"):
        assert getattr(summary, name) == getattr(control_summary, name), name
    assert (summary.applied, summary.conflicted, summary.rejected) == (1, 1, 1)
    issues = sorted(_signature(i, ids) for i in phone.issues())
    expected = sorted(_signature(i, control_ids) for i in control.issues())
    assert issues == expected
    kinds = {(i[0], i[2], i[4]) for i in issues}
    assert kinds == {("conflict", "shared", "conflict"), ("rejected", "orphan", "unknown_customer")}
    conflict = next(i for i in phone.issues() if i.kind == "conflict")
    assert conflict.server_value == "Van de tablet"  # the copy of what this push overwrote
    assert conflict.local_value == "Van de telefoon"
    assert phone.state(UNCONFIRMED) is None  # settled from the outcomes, not checked later
    assert phone.get(Contact, ids["orphan"]) is None  # taken back to the server's state
    new = phone.get(Customer, ids["new"])
    assert new is not None
    assert new.version == world.server_row(ids["new"]).version
    assert phone.pending() == 0
    assert_equal_to_server(world, phone)


def _wire(mid: int, record_id: str, owner_id: str, name: str) -> dict[str, Any]:
    return {
        "mid": mid,
        "collection": "customers",
        "op": "upsert",
        "id": record_id,
        "base_version": None,
        "fields": {"owner_id": owner_id, "name": name},
    }


def test_outcomes_are_kept_for_a_while_then_duplicates_come_without(world: World) -> None:
    phone = world.device(world.alice)
    customer = phone.customer(name="Bewaard BV")
    first = phone.client.push("keep-test", [_wire(1, customer.id, world.alice.id, "Bewaard BV")])
    assert first.results[0].status is ResultStatus.APPLIED
    retry = phone.client.push("keep-test", [_wire(1, customer.id, world.alice.id, "Bewaard BV")])
    result = retry.results[0]
    assert result.status is ResultStatus.DUPLICATE
    assert result.outcome is not None
    assert result.outcome.status is ResultStatus.APPLIED
    assert result.outcome.version == first.results[0].version
    assert result.original().status is ResultStatus.APPLIED

    # Older than the server keeps them: a plain duplicate, the device checks on its own.
    with world.backend.engine.begin() as conn:
        conn.execute(
            update(push_outcomes)
            .where(push_outcomes.c.tenant_id == world.tenant_id)
            .values(created_at=utcnow() - OUTCOME_KEEP - timedelta(minutes=1))
        )
    aged = phone.client.push("keep-test", [_wire(1, customer.id, world.alice.id, "Bewaard BV")])
    assert aged.results[0].status is ResultStatus.DUPLICATE
    assert aged.results[0].outcome is None
    assert aged.results[0].original() is aged.results[0]

    # Pushes far ahead prune them by distance in mids, too (and on their own push: by age).
    with world.backend.engine.begin() as conn:
        conn.execute(
            update(push_outcomes)
            .where(push_outcomes.c.tenant_id == world.tenant_id)
            .values(created_at=utcnow())
        )
    far = OUTCOME_KEEP_MIDS + 10
    other = phone.customer(name="Later BV")
    phone.client.push("keep-test", [_wire(far, other.id, world.alice.id, "Later BV")])
    with world.backend.engine.connect() as conn:
        kept = conn.execute(
            select(push_outcomes.c.last_mid).where(
                push_outcomes.c.tenant_id == world.tenant_id,
                push_outcomes.c.client_id == "keep-test",
            )
        ).all()
    assert [int(row[0]) for row in kept] == [far]


def test_an_older_client_gets_duplicates_without_outcome(world: World) -> None:
    """Without ``?outcomes=true`` the answer has no ``outcome`` key: older clients refuse
    unknown keys."""
    phone = world.device(world.alice)
    customer = phone.customer(name="Oud BV")
    tokens = phone.client.login()
    body = {
        "client_id": "old-app",
        "schema_version": 1,
        "mutations": [_wire(1, customer.id, world.alice.id, "Oud BV")],
    }
    headers = {"Authorization": f"Bearer {tokens.access_token}"}
    for _ in range(2):
        answer = phone.http.post("/sync/push", json=body, headers=headers).json()
    assert answer["results"][0]["status"] == "duplicate"
    assert "outcome" not in answer["results"][0]
    with_outcomes = phone.http.post(
        "/sync/push", params={"outcomes": "true"}, json=body, headers=headers
    ).json()
    assert with_outcomes["results"][0]["outcome"]["status"] == "applied"
