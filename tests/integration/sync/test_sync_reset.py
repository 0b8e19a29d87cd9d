"""Resets and identities: a device offline past the tombstone horizon, a server restored from a
backup, an app upgrade, a restored (copied) store, access granted and revoked, wrong user."""

from __future__ import annotations

import argparse
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select
from sync_support import (
    FAST,
    Backend,
    ServerProcess,
    World,
    assert_equal_to_server,
    make_world,
    seed_portfolio,
    settings_for,
)

from fieldsales.records import Contact, Customer, Order, Visit
from fieldsales.server import accounts, admin_commands, migrate
from fieldsales.server.db import make_engine
from fieldsales.server.maintenance import purge_tombstones
from fieldsales.server.models import records, scope_exits
from fieldsales.store import open_store
from fieldsales.sync.engine import COLLECTIONS_SEEN, LAST_FULL, RESET, RESET_PAGES
from fieldsales.sync.errors import SyncWrongUserError
from fieldsales.sync.summary import Phase, Progress


def test_offline_past_the_tombstone_horizon(world: World) -> None:
    seed_portfolio(world, world.alice, customers=8)
    stale = world.device(world.alice)
    busy = world.device(world.alice)
    stale.sync()
    busy.sync()
    gone = [key[1] for key in busy.live_records() if key[0] == "contacts"][:3]
    for contact_id in gone:
        busy.delete(Contact, contact_id)
    busy.sync()
    purged = purge_tombstones(world.backend.engine, keep_versions=0, tenant_id=world.tenant_id)
    assert purged >= 3
    # The stale device edited offline meanwhile: its edit must survive the reset.
    customer_id = next(key[1] for key in stale.live_records() if key[0] == "customers")
    stale.update(Customer, customer_id, city="Onderweg bewerkt")
    summary = stale.sync()
    assert summary.reset == "horizon"
    assert summary.removed == 3  # the deletions it missed, found by the complete re-pull
    for contact_id in gone:
        assert stale.get(Contact, contact_id) is None
    stored = stale.get(Customer, customer_id)
    assert stored is not None
    assert stored.city == "Onderweg bewerkt"
    assert stale.state(RESET) is None
    assert_equal_to_server(world, stale)
    busy.sync()
    stored = busy.get(Customer, customer_id)
    assert stored is not None
    assert stored.city == "Onderweg bewerkt"


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[tuple[Backend, Path]]:
    """A server of its own on SQLite, for tests that stop it and restore its database."""
    path = tmp_path / "server.sqlite3"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    server = ServerProcess(url).start()
    backend = Backend("sqlite", server, engine, settings_for(url))
    try:
        yield backend, path
    finally:
        server.stop()
        engine.dispose()


def test_server_restored_from_a_backup(own_server: tuple[Backend, Path], tmp_path: Path) -> None:
    backend, path = own_server
    world = make_world(backend, tmp_path / "devices")
    phone = world.device(world.alice)
    before = phone.customer(name="Voor de back-up")
    phone.sync()
    backup = tmp_path / "backup.sqlite3"
    with sqlite3.connect(path) as source, sqlite3.connect(backup) as copy:
        source.backup(copy)
    after = phone.customer(name="Na de back-up")  # pushed, then lost by the restore
    contact = phone.add(Contact(customer_id=after.id, last_name="Na"))
    phone.sync()
    offline = phone.customer(name="Nog niet verstuurd")  # still in the outbox

    backend.server.stop()
    backend.engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, path)
    migrate.rotate_epoch(backend.engine)  # what operations.md says to do after a restore
    backend.server.start()

    summary = phone.sync()
    assert summary.reset == "epoch"
    assert summary.requeued == 2  # the customer and contact the restore lost, pushed back
    server = world.server_records(world.alice)
    for record in (before, after, offline):
        assert ("customers", record.id) in server
    assert ("contacts", contact.id) in server
    assert phone.pending() == 0
    assert_equal_to_server(world, phone)
    other = world.device(world.alice)
    other.sync()
    assert_equal_to_server(world, other)
    world.close()


def test_a_restored_store_takes_a_new_client_id(world: World, tmp_path: Path) -> None:
    """A copy of the store (a phone backup put back, a clone) would reuse mids the server has
    already seen with this client id; it notices and continues under a new one."""
    phone = world.device(world.alice)
    phone.customer(name="Eerste")
    phone.sync()
    copy_path = tmp_path / "copy.sqlite3"
    with sqlite3.connect(phone.store.path) as source, sqlite3.connect(copy_path) as copy:
        source.backup(copy)
    for i in range(3):
        phone.customer(name=f"Later {i}")  # mids 2..4, pushed by the original
    phone.sync()

    restored = world.device(world.alice, path=copy_path)
    made = restored.customer(name="Na het terugzetten")  # mid 2 again, in the copy
    summary = restored.sync()
    assert summary.new_client_id
    assert restored.engine.client_id != phone.engine.client_id
    assert ("customers", made.id) in world.server_records(world.alice)
    assert restored.pending() == 0
    assert_equal_to_server(world, restored)
    again = restored.sync()  # and it stays on its new identity
    assert not again.new_client_id
    phone.customer(name="Origineel gaat door")
    assert not phone.sync().new_client_id
    assert_equal_to_server(world, phone)


def test_app_upgrade_with_unsynced_changes(world: World, tmp_path: Path) -> None:
    path = tmp_path / "old-app.sqlite3"
    old = open_store(path, target_version=1)  # as the previous app version left it
    with old.unit_of_work() as uow:
        uow.add(Customer(owner_id=world.alice.id, name="Van de oude app"))
        uow.commit()
    old.close()
    phone = world.device(world.alice, path=path)  # opening migrates (and backs up) the file
    assert phone.store.schema_version > 1
    assert phone.pending() == 1
    summary = phone.sync()
    assert summary.applied == 1
    assert_equal_to_server(world, phone)


def test_an_upgrade_that_knows_new_collections_pulls_everything_again(world: World) -> None:
    seed_portfolio(world, world.alice, customers=4)
    phone = world.device(world.alice)
    phone.sync()
    with phone.store.unit_of_work(applying_sync=True) as uow:  # as an older app recorded it
        from fieldsales.store import queries

        queries.set_state(uow.session, COLLECTIONS_SEEN, "customers,visits")
        uow.commit()
    summary = phone.sync()
    assert summary.reset == "upgrade"
    assert summary.pulled > 0
    assert summary.removed == 0
    assert_equal_to_server(world, phone)


def test_access_granted_and_revoked(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A customer handed to another salesperson leaves the old owner's device at the next
    normal pull (with everything under it, pushing nothing), arrives on the new owner's, and a
    change the old owner had not sent yet becomes a visible issue instead of vanishing."""
    bob = world.device(world.bob)
    customer = bob.customer(name="Verhuist BV")
    contact = bob.add(Contact(customer_id=customer.id, last_name="Mee"))
    visit = bob.add(
        Visit(customer_id=customer.id, owner_id=world.bob.id, planned_start=datetime.now(UTC))
    )
    order = bob.add(
        Order(
            customer_id=customer.id,
            owner_id=world.bob.id,
            order_number="ORD-1",
            order_date=date(2026, 11, 28),
        )
    )
    kept = bob.customer(name="Blijft BV")
    bob.sync()
    alice = world.device(world.alice)
    alice.sync()
    assert alice.get(Customer, customer.id) is None

    # Through the administrator's command, as in operations.
    parser = argparse.ArgumentParser()
    admin_commands.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        [
            "reassign-customers",
            *("--from", world.bob.username, "--to", world.alice.username),
            *("--customer", customer.id),
        ]
    )
    monkeypatch.setenv("FIELDSALES_DATABASE_URL", world.backend.server.database_url)
    assert args.func(args) == 0
    assert "1 klanten overgedragen" in capsys.readouterr().out
    bob.update(Contact, contact.id, last_name="Nog niet verstuurd")  # while it is moved away
    alice_summary = alice.sync()  # granted: the customer and everything under it arrive
    for cls, record_id in ((Customer, customer.id), (Contact, contact.id), (Visit, visit.id)):
        assert alice.get(cls, record_id) is not None
    assert alice.get(Order, order.id) is not None
    assert alice_summary.revoked == 0
    assert_equal_to_server(world, alice)

    edited_while_syncing: list[bool] = []

    def edit_while_syncing(step: Progress) -> None:
        # The user edits the visit after the push went out, before the pull: not sent.
        if step.phase is Phase.PULL and not edited_while_syncing:
            edited_while_syncing.append(True)
            bob.update(Visit, visit.id, report="Tijdens het synchroniseren")

    summary = bob.sync(progress=edit_while_syncing)  # an ordinary pull: no reset, no full one
    assert edited_while_syncing
    assert summary.reset is None
    for cls, record_id in ((Customer, customer.id), (Contact, contact.id), (Visit, visit.id)):
        assert bob.get(cls, record_id) is None
    assert bob.get(Order, order.id) is None
    assert bob.get(Customer, kept.id) is not None
    assert bob.pending() == 0  # a purge pushes nothing, and the unsent edit left the outbox
    issues = {i.record_id: i for i in bob.issues()}
    assert {(i.kind, i.collection, i.code) for i in issues.values()} == {
        ("rejected", "contacts", "scope_revoked"),
        ("rejected", "visits", "scope_revoked"),
    }
    # The edit pushed before the pull: the server refused it, saying why.
    assert issues[contact.id].local_value["last_name"] == "Nog niet verstuurd"
    assert "geen toegang meer tot deze klant" in issues[contact.id].message
    # The edit made during the sync was never sent: the purge kept it visible.
    assert issues[visit.id].local_value["report"] == "Tijdens het synchroniseren"
    assert "geen toegang meer tot klant Verhuist BV" in issues[visit.id].message
    assert "niet verstuurd" in issues[visit.id].message
    assert summary.revoked == 3  # customer, visit, order (the refused contact went already)
    assert_equal_to_server(world, bob)
    # The server still has alice's records as they were: bob's purge deleted nothing there.
    assert world.server_row(contact.id).data["last_name"] == "Mee"
    assert not world.server_row(order.id).deleted

    accounts.reassign_customers(
        world.backend.engine,
        from_username=world.alice.username,
        to_username=world.bob.username,
        customer_ids=[customer.id],
    )
    back = bob.sync()  # handed back: it all arrives again
    assert back.revoked == 0
    assert bob.get(Order, order.id) is not None
    assert_equal_to_server(world, bob)
    summary = alice.sync()
    assert summary.reset is None
    assert summary.revoked == 4
    assert alice.get(Customer, customer.id) is None
    assert alice.issues() == []
    assert_equal_to_server(world, alice)


def test_a_revocation_and_a_regrant_in_one_page(world: World) -> None:
    """Away and back again between two syncs: the page purges first, then applies what came
    back (with newer versions), so the device ends with the customer."""
    bob = world.device(world.bob)
    customer = bob.customer(name="Pendel BV")
    bob.add(Contact(customer_id=customer.id, last_name="Pendel"))
    bob.sync()
    for source, target in ((world.bob, world.alice), (world.alice, world.bob)):
        accounts.reassign_customers(
            world.backend.engine,
            from_username=source.username,
            to_username=target.username,
            customer_ids=[customer.id],
        )
    summary = bob.sync()
    assert summary.revoked == 2
    assert summary.pages == 1
    assert bob.get(Customer, customer.id) is not None
    assert_equal_to_server(world, bob)


def test_a_revocation_beyond_the_last_record_moves_the_cursor(world: World) -> None:
    """The exit has no record row in the old owner's scope; the last page's cursor still
    passes it, so the next pull does not report it again."""
    bob = world.device(world.bob)
    customer = bob.customer(name="Eenmalig BV")
    bob.sync()
    accounts.reassign_customers(
        world.backend.engine,
        from_username=world.bob.username,
        to_username=world.alice.username,
        customer_ids=[customer.id],
    )
    assert bob.sync().revoked == 1
    page = bob.client.pull(int(bob.state("cursor") or 0))
    assert page.revoked == []
    assert page.records == []
    with world.backend.engine.connect() as conn:
        exit_version = conn.execute(
            select(scope_exits.c.version).where(scope_exits.c.tenant_id == world.tenant_id)
        ).scalar_one()
    assert int(bob.state("cursor") or 0) >= exit_version


def test_a_managers_device_keeps_reassigned_customers(world: World) -> None:
    """A manager reads the whole tenant: a reassignment takes nothing from their scope."""
    bob = world.device(world.bob)
    customer = bob.customer(name="Gezien BV")
    bob.sync()
    manny = world.device(world.manny)
    manny.sync()
    accounts.reassign_customers(
        world.backend.engine,
        from_username=world.bob.username,
        to_username=world.alice.username,
        customer_ids=[customer.id],
    )
    summary = manny.sync()
    assert summary.revoked == 0
    assert manny.get(Customer, customer.id) is not None
    assert_equal_to_server(world, manny)


def test_an_interrupted_reset_starts_again(world: World) -> None:
    seed_portfolio(world, world.alice, customers=4)
    phone = world.device(world.alice)
    phone.sync()
    with phone.store.unit_of_work(applying_sync=True) as uow:
        from fieldsales.store import queries

        queries.set_state(uow.session, RESET, "horizon")  # a reset that was cut off
        queries.set_state(uow.session, "cursor", "17")
        uow.commit()
    summary = phone.sync()
    assert summary.reset == "horizon"
    assert phone.state(RESET) is None
    assert_equal_to_server(world, phone)


def test_an_interrupted_reset_resumes_where_it_stopped(world: World) -> None:
    """A complete re-pull cut off after two pages goes on from its cursor, not from 0, and
    still sweeps exactly what the server no longer has (what the first pages brought stays)."""
    seed_portfolio(world, world.alice, customers=6)
    phone = world.device(world.alice, options=replace(FAST, pull_limit=200, prefetch=False))
    ghost = phone.customer(name="Spook BV")
    phone.sync()
    with world.backend.engine.begin() as conn:  # gone from the server without a tombstone
        conn.execute(
            delete(records).where(records.c.tenant_id == world.tenant_id, records.c.id == ghost.id)
        )

    pages: list[int] = []

    def cut_off(_uow: Any, page: Any) -> None:
        pages.append(page.cursor)
        if len(pages) == 3:
            raise RuntimeError("battery empty")

    phone.engine.hooks.before_page_commit = cut_off
    with pytest.raises(RuntimeError):
        phone.sync(full=True)
    assert phone.state(RESET) == "full"
    stopped_at = int(phone.state("cursor") or 0)
    assert stopped_at == pages[1]  # two pages committed, the third rolled back

    phone.engine.hooks.before_page_commit = None
    asked: list[int] = []
    pull = phone.client.pull

    def recording_pull(cursor: int, **kw: Any) -> Any:
        asked.append(cursor)
        return pull(cursor, **kw)

    phone.client.pull = recording_pull
    summary = phone.sync()
    assert asked[0] == stopped_at  # resumed, not restarted from 0
    assert 0 not in asked
    assert summary.reset == "full"
    assert summary.removed == 1  # the ghost; nothing the first two pages brought
    assert phone.get(Customer, ghost.id) is None
    assert phone.state(RESET) is None
    assert phone.state(RESET_PAGES) is None
    assert_equal_to_server(world, phone)


def test_a_store_is_never_synced_as_somebody_else(world: World) -> None:
    phone = world.device(world.alice)
    phone.sync()
    intruder = world.device(world.bob, path=phone.store.path)
    with pytest.raises(SyncWrongUserError) as raised:
        intruder.sync()
    assert "andere gebruiker" in raised.value.message


def test_a_monthly_complete_pull_is_the_safety_net(world: World) -> None:
    """Without being asked: once ``full_every`` has passed, a sync pulls everything again and
    drops what the server no longer serves, even what it never said left (here: a scope exit
    the server lost, as for a customer reassigned before scope exits existed)."""
    bob = world.device(world.bob)
    customer = bob.customer(name="Heen en weer BV")
    bob.sync()
    accounts.reassign_customers(
        world.backend.engine,
        from_username=world.bob.username,
        to_username=world.alice.username,
        customer_ids=[customer.id],
    )
    alice = world.device(world.alice)
    first = alice.sync()
    assert first.reset is None  # the first sync pulls from 0 anyway
    assert alice.state(LAST_FULL) is not None
    accounts.reassign_customers(
        world.backend.engine,
        from_username=world.alice.username,
        to_username=world.bob.username,
        customer_ids=[customer.id],
    )
    with world.backend.engine.begin() as conn:
        conn.execute(delete(scope_exits).where(scope_exits.c.tenant_id == world.tenant_id))
    assert alice.sync().reset is None  # not due yet: the stale copy stays
    assert alice.get(Customer, customer.id) is not None

    def last_full(days: int) -> None:
        stamp = (datetime.now(UTC) - timedelta(days=days)).isoformat()
        with alice.store.unit_of_work(applying_sync=True) as uow:
            from fieldsales.store import queries

            queries.set_state(uow.session, LAST_FULL, stamp)
            uow.commit()

    last_full(8)  # the former weekly re-pull is no longer due
    assert alice.sync().reset is None
    last_full(31)
    summary = alice.sync()
    assert summary.reset == "full"
    assert alice.get(Customer, customer.id) is None
    assert_equal_to_server(world, alice)
