"""Attachment bytes leave the device when no record on it names them any more: a customer
that left the user's scope (purged with its attachments), an attachment deleted elsewhere (a
pulled tombstone), or files nothing names (a crash between writing bytes and their record).
Bytes a live record names stay, those still waiting to be uploaded included."""

from __future__ import annotations

import os
import time

from sqlalchemy import select
from sync_support import Account, Device, World

from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Attachment, Customer
from fieldsales.server import accounts
from fieldsales.services import attachments
from fieldsales.store import attachment_files as files
from fieldsales.store.local_tables import attachment_files
from fieldsales.sync.attachments import ORPHAN_GRACE_SECONDS, sweep_unreferenced


def device(world: World, account: Account, name: str) -> Device:
    return world.device(account, path=world.tmp / name / "fieldsales.sqlite3")


def add_file(world: World, phone: Device, customer: Customer, data: bytes) -> Attachment:
    return attachments.add_attachment(
        phone.store,
        actor=Actor(user_id=phone.account.id, role=phone.account.role, team_id=world.team_id),
        customer_id=customer.id,
        record_collection="customers",
        record_id=customer.id,
        data=data,
        filename="foto.jpg",
        content_type="image/jpeg",
    )


def rows(phone: Device) -> dict[str, str]:
    with phone.store.read() as session:
        return dict(
            session.execute(select(attachment_files.c.sha256, attachment_files.c.state)).all()
        )


def on_disk(phone: Device, sha: str) -> bool:
    return files.file_for(phone.store.path, sha).exists()


def test_a_customer_leaving_the_scope_takes_its_bytes_along(world: World) -> None:
    phone = device(world, world.alice, "phone")
    leaving = phone.customer(name="Verhuist BV")
    staying = phone.customer(name="Blijft BV")
    own = add_file(world, phone, leaving, os.urandom(3000))
    shared_bytes = os.urandom(2000)  # the same photo filed under both customers
    shared_leaving = add_file(world, phone, leaving, shared_bytes)
    add_file(world, phone, staying, shared_bytes)
    phone.sync()
    assert rows(phone) == {own.sha256: "uploaded", shared_leaving.sha256: "uploaded"}

    accounts.reassign_customers(
        world.backend.engine,
        from_username=world.alice.username,
        to_username=world.bob.username,
        customer_ids=[leaving.id],
    )
    summary = phone.sync()
    assert summary.revoked >= 3  # the customer and its two attachments
    assert phone.get(Attachment, own.id) is None
    assert own.sha256 not in rows(phone)
    assert not on_disk(phone, own.sha256)
    # Still named by the staying customer's attachment: row and bytes stay.
    assert rows(phone) == {shared_leaving.sha256: "uploaded"}
    assert on_disk(phone, shared_leaving.sha256)
    assert summary.files_removed == 1
    assert summary.bytes_freed == 3000


def test_a_pulled_tombstone_removes_the_downloaded_bytes(world: World) -> None:
    phone = device(world, world.alice, "phone")
    laptop = device(world, world.alice, "laptop")
    customer = phone.customer(name="Foto BV")
    photo = add_file(world, phone, customer, os.urandom(4000))
    phone.sync()
    laptop.sync()
    assert rows(laptop) == {photo.sha256: "downloaded"}
    assert on_disk(laptop, photo.sha256)

    phone.delete(Attachment, photo.id)
    phone.sync()
    assert not on_disk(phone, photo.sha256)  # deleted here: gone here too
    summary = laptop.sync()
    assert rows(laptop) == {}
    assert not on_disk(laptop, photo.sha256)
    assert summary.files_removed == 1


def test_bytes_waiting_for_upload_stay_and_orphans_go_after_the_grace(world: World) -> None:
    phone = device(world, world.alice, "phone")
    customer = phone.customer(name="Offline BV")
    waiting = add_file(world, phone, customer, os.urandom(1500))  # never synced
    # Bytes a crash left without a record (and without a row): one old, one just written.
    old = files.write_bytes(phone.store.path, data=os.urandom(700))
    young = files.write_bytes(phone.store.path, data=os.urandom(800))
    old_path = files.file_for(phone.store.path, old.sha256)
    past = time.time() - ORPHAN_GRACE_SECONDS - 60
    os.utime(old_path, (past, past))
    # A partial download: of bytes a live record names it stays, of other bytes it goes.
    named_part = old_path.with_name(waiting.sha256 + ".part")
    stray_part = old_path.with_name("ab" * 32 + ".part")
    for part in (named_part, stray_part):
        part.write_bytes(b"x" * 10)
        os.utime(part, (past, past))

    swept = sweep_unreferenced(phone.store)
    assert swept.rows == 0
    assert (swept.files, swept.bytes) == (2, 710)
    assert not old_path.exists()
    assert not stray_part.exists()
    assert named_part.exists()
    assert on_disk(phone, young.sha256)  # may be a record on its way in
    assert rows(phone) == {waiting.sha256: "upload"}
    assert on_disk(phone, waiting.sha256)

    # Deleted before it was ever sent: nothing to upload, the bytes go.
    phone.delete(Attachment, waiting.id)
    swept = sweep_unreferenced(phone.store)
    assert (swept.rows, swept.files) == (1, 2)  # the file and its partial download
    assert rows(phone) == {}
    assert not on_disk(phone, waiting.sha256)
    assert not named_part.exists()


def test_a_sweep_interrupted_after_the_rows_finishes_later(world: World) -> None:
    """Rows first, files after: a file left behind by a crash in between goes next time."""
    phone = device(world, world.alice, "phone")
    customer = phone.customer(name="Stroomuitval BV")
    photo = add_file(world, phone, customer, os.urandom(900))
    phone.delete(Attachment, photo.id)
    with phone.store.unit_of_work() as uow:  # the row went, then the power did
        uow.session.execute(
            attachment_files.delete().where(attachment_files.c.sha256 == photo.sha256)
        )
        uow.commit()
    path = files.file_for(phone.store.path, photo.sha256)
    assert path.exists()
    assert sweep_unreferenced(phone.store).files == 0  # young: could be on its way in
    later = time.time() + ORPHAN_GRACE_SECONDS + 1
    assert sweep_unreferenced(phone.store, now=later).files == 1
    assert not path.exists()
