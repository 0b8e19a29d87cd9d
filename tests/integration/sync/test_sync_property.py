"""Property: random offline edits on three devices with random faults and crashes; after a quiet
sync every change the app reported saved is on the server or visible, and every device equals
the server within its scope.

"Visible" means: a conflict copy or rejection on some device, or (for a value a later arrival
overwrote while the answer that said so was lost) the server's own conflict archive. A value
is legitimately gone only when someone overwrote it after having seen it, or deleted the record.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from faultproxy import Fault, FaultProxy, Request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sync_support import FAST, Backend, Device, World, assert_equal_to_server, make_world

from fieldsales.records import Contact, Customer
from fieldsales.server.models import conflicts, records
from fieldsales.store import queries as store_queries
from fieldsales.store.errors import StoreError
from fieldsales.sync.engine import EngineHooks
from fieldsales.sync.errors import SyncError


class Crash(BaseException):
    """The app killed at a bad moment (not an Exception: nothing may catch it on the way)."""


FAULTS = [
    None,
    ("drop_before", "/sync/push"),
    ("drop_after", "/sync/push"),
    ("truncate", "/sync/pull"),
    ("respond", "/sync/push"),
    ("respond", "/sync/pull"),
    ("drop_after", "/sync/pull"),
    ("outage", "/"),  # long enough for the sync to give up (stall timeout)
    ("crash", "settle"),  # killed after the server committed, before the device settled
    ("crash", "page"),  # killed between writing a page and committing it with its cursor
    ("edit_during", "/sync/pull"),  # the user saves an edit while the pull is under way
]

device_index = st.integers(min_value=0, max_value=2)
pick = st.integers(min_value=0, max_value=50)
operation = st.one_of(
    st.tuples(st.just("create"), device_index),
    st.tuples(st.just("contact"), device_index, pick),
    st.tuples(st.just("edit"), device_index, pick, st.sampled_from(["name", "city", "notes"])),
    st.tuples(st.just("edit_contact"), device_index, pick),
    st.tuples(st.just("delete"), device_index, pick),
    st.tuples(st.just("sync"), device_index, st.sampled_from(range(len(FAULTS)))),
    st.tuples(st.just("sync_all"), st.just(0), st.sampled_from(range(len(FAULTS)))),
)


@dataclass
class Edit:
    device: int
    collection: str
    record_id: str
    field: str
    old: Any  # what the device showed before the edit
    new: Any


@dataclass
class Journal:
    """What the app reported saved."""

    edits: list[Edit] = field(default_factory=list)
    created: list[tuple[int, str, str]] = field(default_factory=list)  # device, collection, id
    deleted: set[str] = field(default_factory=set)


class Harness:
    def __init__(self, backend: Backend, tmp: Path) -> None:
        self.world: World = make_world(backend, tmp)
        self.proxy = FaultProxy(backend.url).__enter__()
        self.crash_at: str | None = None
        options = replace(FAST, stall_timeout=0.3, backoff_initial=0.01, backoff_max=0.05)
        hooks = EngineHooks(
            before_push_settled=lambda uow, response: self._maybe_crash("settle"),
            before_page_commit=lambda uow, page: self._maybe_crash("page"),
        )
        w = self.world
        self.devices: list[Device] = [
            w.device(w.alice, url=self.proxy.url, options=options, hooks=hooks, name="phone"),
            w.device(w.alice, url=self.proxy.url, options=options, hooks=hooks, name="laptop"),
            w.device(w.manny, url=self.proxy.url, options=options, hooks=hooks, name="manager"),
        ]
        self.journal = Journal()
        self.counter = 0
        self.lost_answers: set[str] = set()

    def _maybe_crash(self, where: str) -> None:
        if self.crash_at == where:
            self.crash_at = None
            raise Crash(where)

    def close(self) -> None:
        self.proxy.close()
        self.world.close()

    def value(self, device: int) -> str:
        self.counter += 1
        return f"d{device}-{self.counter}"

    def live(self, device: Device, cls: type[Customer] | type[Contact]) -> list[Any]:
        with device.store.read() as session:
            return list(
                session.scalars(select(cls).where(cls.deleted.is_(False)).order_by(cls.id))  # type: ignore[attr-defined]
            )

    def run(self, op: tuple[Any, ...]) -> None:
        kind, index = op[0], op[1]
        device = self.devices[index]
        try:
            if kind == "create":
                value = self.value(index)
                made = device.customer(name=value, owner_id=self.world.alice.id)
                self.journal.created.append((index, "customers", made.id))
                for name in ("name", "city", "notes"):
                    self.journal.edits.append(
                        Edit(index, "customers", made.id, name, None, getattr(made, name))
                    )
            elif kind == "contact":
                customers = self.live(device, Customer)
                if customers:
                    customer = customers[op[2] % len(customers)]
                    value = self.value(index)
                    contact = device.add(Contact(customer_id=customer.id, last_name=value))
                    self.journal.created.append((index, "contacts", contact.id))
                    self.journal.edits.append(
                        Edit(index, "contacts", contact.id, "last_name", None, value)
                    )
            elif kind in ("edit", "edit_contact"):
                cls = Customer if kind == "edit" else Contact
                name = op[3] if kind == "edit" else "last_name"
                found = self.live(device, cls)
                if found:
                    record = found[op[2] % len(found)]
                    value = self.value(index)
                    old = getattr(record, name)
                    device.update(cls, record.id, **{name: value})
                    self.journal.edits.append(
                        Edit(index, cls.collection, record.id, name, old, value)
                    )
            elif kind == "delete":
                customers = self.live(device, Customer)
                if customers:
                    customer = customers[op[2] % len(customers)]
                    device.delete(Customer, customer.id)
                    self.journal.deleted.add(customer.id)
            elif kind == "sync":
                self.sync_with_fault(device, FAULTS[op[2]])
            elif kind == "sync_all":
                for each in self.devices:
                    self.sync_with_fault(each, FAULTS[op[2]])
        except StoreError:
            pass  # the app showed the refusal; nothing was saved

    def preamble(self) -> None:
        """Records every device has, so the random edits meet each other from the start."""
        phone = self.devices[0]
        for _ in range(3):
            self.run(("create", 0))
            self.run(("contact", 0, self.counter))
        phone.sync()
        for device in self.devices[1:]:
            device.sync()

    def sync_with_fault(self, device: Device, fault: tuple[str, str] | None) -> None:
        self.proxy.clear()
        if fault is not None:
            action, where = fault
            if (action, where) in (("drop_after", "/sync/push"), ("crash", "settle")):
                # Answers of this push may be lost: the server's conflict archive then is the
                # only place a value overwritten by it stays visible.
                with device.store.read() as session:
                    self.lost_answers.update(
                        m.record_id for m in store_queries.pending_mutations(session, limit=10_000)
                    )
            if action == "crash":
                self.crash_at = where
            elif action == "edit_during":
                index = self.devices.index(device)

                def edit_now(request: Request) -> None:
                    self.run(("edit", index, self.counter, "city"))

                self.proxy.add(Fault("call", path=where, fn=edit_now))
            elif action == "outage":
                self.proxy.add(Fault("drop_before", path=where, times=1_000_000))
            else:
                self.proxy.add(Fault(action, path=where, times=2))
        try:
            device.sync()
        except (SyncError, Crash):
            pass  # reported to the user as "not synced"; changes stay on the device
        finally:
            self.crash_at = None
            self.proxy.clear()

    def quiet_sync(self) -> None:
        for _round in range(2):
            for device in self.devices:
                device.sync()

    # --- the property ----------------------------------------------------------------------

    def check(self) -> None:
        world = self.world
        for device in self.devices:
            assert device.pending() == 0
            assert_equal_to_server(world, device)
        with world.backend.engine.connect() as conn:
            rows = {
                row.id: row
                for row in conn.execute(
                    select(records.c.id, records.c.deleted, records.c.data).where(
                        records.c.tenant_id == world.tenant_id
                    )
                )
            }
            archived = {
                (row.record_id, row.field, _key(row.losing_value))
                for row in conn.execute(
                    select(
                        conflicts.c.record_id, conflicts.c.field, conflicts.c.losing_value
                    ).where(conflicts.c.tenant_id == world.tenant_id)
                )
            }
        issues = [(i, issue) for i, d in enumerate(self.devices) for issue in d.issues()]
        overwritten = {(e.record_id, e.field, _key(e.old)) for e in self.journal.edits}

        def visible(device: int, record_id: str, name: str, value: Any) -> bool:
            for owner, issue in issues:
                if issue.record_id != record_id:
                    continue
                if issue.kind == "rejected" and owner == device:
                    local = issue.local_value if isinstance(issue.local_value, dict) else {}
                    if local.get(name) == value or name not in local:
                        return True
                if (
                    issue.kind == "conflict"
                    and issue.field == name
                    and value in (issue.server_value, issue.local_value)
                ):
                    return True
            return record_id in self.lost_answers and (record_id, name, _key(value)) in archived

        for device, collection, record_id in self.journal.created:
            row = rows.get(record_id)
            if row is None:
                assert visible(device, record_id, "", None) or _rejected(issues, record_id), (
                    f"{collection} {record_id} made on device {device} vanished"
                )
        finals: dict[tuple[int, str, str], Edit] = {}
        for edit in self.journal.edits:
            finals[(edit.device, edit.record_id, edit.field)] = edit
        for edit in finals.values():
            row = rows.get(edit.record_id)
            if row is None or row.deleted:
                gone_on_purpose = edit.record_id in self.journal.deleted or _parent_deleted(
                    row, self.journal.deleted
                )
                assert gone_on_purpose or _rejected(issues, edit.record_id), (
                    f"{edit} lost: the record is gone and nobody deleted it"
                )
                continue
            if row.data.get(edit.field) == edit.new:
                continue
            assert (edit.record_id, edit.field, _key(edit.new)) in overwritten or visible(
                edit.device, edit.record_id, edit.field, edit.new
            ), f"{edit} silently lost; the server has {row.data.get(edit.field)!r}"


def _key(value: Any) -> str:
    return repr(value)


def _rejected(issues: list[tuple[int, Any]], record_id: str) -> bool:
    return any(issue.record_id == record_id and issue.kind == "rejected" for _, issue in issues)


def _parent_deleted(row: Any, deleted: set[str]) -> bool:
    return row is not None and isinstance(row.data, dict) and row.data.get("customer_id") in deleted


@pytest.mark.slow
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=4, max_size=28))
def test_random_offline_edits_with_faults_converge_without_loss(
    backend: Backend, tmp_path_factory: pytest.TempPathFactory, operations: list[tuple[Any, ...]]
) -> None:
    harness = Harness(backend, tmp_path_factory.mktemp(f"prop-{secrets.token_hex(3)}"))
    try:
        harness.preamble()
        for op in operations:
            harness.run(op)
        harness.quiet_sync()
        harness.check()
    finally:
        harness.close()
