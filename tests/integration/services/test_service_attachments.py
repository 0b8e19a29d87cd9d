"""Attachments on the device: bytes written content-addressed and durably before the record,
one transaction for record and upload row, the size limit, and what ``open_attachment`` says."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from fieldsales.records import Attachment, Visit
from fieldsales.services import attachments, customers, visits
from fieldsales.services.errors import InvalidInput, NotAllowed
from fieldsales.store import Store
from fieldsales.store import attachment_files as files
from fieldsales.store.local_tables import attachment_files
from fieldsales.store.queries import pending_mutations


@pytest.fixture
def customer(store, seller):
    return customers.create_customer(store, actor=seller, name="Bakkerij Jansen")


def _rows(store: Store) -> dict[str, tuple[str, int]]:
    with store.read() as session:
        return {
            row.sha256: (row.state, row.size_bytes)
            for row in session.execute(select(attachment_files)).all()
        }


def test_add_attachment_writes_bytes_record_and_upload_row(store, seller, customer):
    data = os.urandom(70_000)
    sha = hashlib.sha256(data).hexdigest()
    made = attachments.add_attachment(
        store,
        actor=seller,
        customer_id=customer.id,
        record_collection="customers",
        record_id=customer.id,
        data=data,
        filename="offerte.pdf",
        content_type="application/pdf",
    )
    assert made.sha256 == sha
    assert made.size_bytes == len(data)
    on_disk = store.path.parent / "attachments" / sha[:2] / sha
    assert on_disk.read_bytes() == data
    assert not list((store.path.parent / "attachments").glob(".incoming-*"))  # no temp left
    assert _rows(store) == {sha: ("upload", len(data))}
    with store.read() as session:
        assert session.get(Attachment, made.id) is not None
        outbox = [m for m in pending_mutations(session) if m.collection == "attachments"]
    assert [m.record_id for m in outbox] == [made.id]  # the record syncs like any other
    assert attachments.open_attachment(store, actor=seller, attachment_id=made.id) == on_disk
    assert attachments.attachment_state(store, attachment_id=made.id) == "upload"


def test_the_same_bytes_twice_are_kept_once(store, seller, customer, tmp_path: Path):
    data = b"dezelfde foto" * 1000
    source = tmp_path / "foto.jpg"
    source.write_bytes(data)
    first = attachments.add_attachment(
        store,
        actor=seller,
        customer_id=customer.id,
        record_collection="customers",
        record_id=customer.id,
        path=source,
        filename="foto.jpg",
        content_type="image/jpeg",
    )
    second = attachments.add_attachment(
        store,
        actor=seller,
        customer_id=customer.id,
        record_collection="customers",
        record_id=customer.id,
        data=data,
        filename="kopie.jpg",
        content_type="image/jpeg",
    )
    assert first.id != second.id
    assert first.sha256 == second.sha256
    assert len(_rows(store)) == 1
    assert len(list((store.path.parent / "attachments").rglob("*"))) == 2  # one dir, one file


def test_too_large_is_refused_in_dutch_and_nothing_is_written(store, seller, customer):
    with pytest.raises(InvalidInput) as caught:
        attachments.add_attachment(
            store,
            actor=seller,
            customer_id=customer.id,
            record_collection="customers",
            record_id=customer.id,
            data=b"x" * 2001,
            filename="groot.wav",
            content_type="audio/wav",
            max_bytes=2000,
        )
    assert caught.value.code == "attachment_too_large"
    assert "te groot" in caught.value.message
    assert "maximum" in caught.value.message
    assert _rows(store) == {}
    with store.read() as session:
        assert session.execute(select(Attachment)).first() is None
    assert [p for p in (store.path.parent / "attachments").rglob("*") if p.is_file()] == []


def test_the_default_limit_is_the_servers(store, seller, customer, tmp_path: Path):
    big = tmp_path / "lang.wav"
    with big.open("wb") as handle:
        handle.truncate(attachments.MAX_BYTES + 1)  # sparse: no 25 MB written
    with pytest.raises(InvalidInput) as caught:
        attachments.add_attachment(
            store,
            actor=seller,
            customer_id=customer.id,
            record_collection="customers",
            record_id=customer.id,
            path=big,
            filename="lang.wav",
            content_type="audio/wav",
        )
    assert caught.value.code == "attachment_too_large"
    assert "25 MB" in caught.value.message


def test_another_salespersons_customer_is_refused(store, seller, other_seller, customer):
    with pytest.raises(NotAllowed):
        attachments.add_attachment(
            store,
            actor=other_seller,
            customer_id=customer.id,
            record_collection="customers",
            record_id=customer.id,
            data=b"geheim",
            filename="x.txt",
            content_type="text/plain",
        )
    assert _rows(store) == {}


def test_a_failed_transaction_leaves_no_record_but_the_bytes_are_harmless(
    store, seller, customer, monkeypatch
):
    def boom(*args, **kwargs):
        raise RuntimeError("crash between bytes and record")

    monkeypatch.setattr(files, "note_local_bytes", boom)
    with pytest.raises(RuntimeError):
        attachments.add_attachment(
            store,
            actor=seller,
            customer_id=customer.id,
            record_collection="customers",
            record_id=customer.id,
            data=b"half",
            filename="x.txt",
            content_type="text/plain",
        )
    with store.read() as session:
        assert session.execute(select(Attachment)).first() is None
    assert _rows(store) == {}


def test_a_voice_memo_filed_with_its_visit_is_adopted_for_upload(store, seller, customer):
    visit = visits.plan_visit(
        store, actor=seller, customer_id=customer.id, start=datetime(2026, 12, 1, 9, tzinfo=UTC)
    )
    memo = attachments.prepare_attachment(
        store, data=b"spraak" * 500, filename="memo.m4a", content_type="audio/mp4"
    )
    visits.quick_visit_done(store, actor=seller, visit_id=visit.id, satisfaction=5, voice_memo=memo)
    with store.read() as session:
        assert session.get(Visit, visit.id).voice_memo_attachment_id == memo.id
    assert attachments.open_attachment(store, actor=seller, attachment_id=memo.id) is not None
    assert attachments.attachment_state(store, attachment_id=memo.id) == "unknown"
    with store.unit_of_work() as uow:
        assert files.adopt_records(uow.session, store.path) == 1
        uow.commit()
    assert _rows(store) == {memo.sha256: ("upload", memo.size_bytes)}


def test_a_record_from_the_server_without_bytes_is_to_download(store, seller, customer):
    pulled = Attachment(
        customer_id=customer.id,
        record_collection="customers",
        record_id=customer.id,
        sha256="b" * 64,
        filename="foto.jpg",
        content_type="image/jpeg",
        size_bytes=10,
        version=3,
    )
    with store.unit_of_work(applying_sync=True) as uow:
        uow.add(pulled)
        uow.commit()
    assert attachments.open_attachment(store, actor=seller, attachment_id=pulled.id) is None
    with store.unit_of_work() as uow:
        files.adopt_records(uow.session, store.path)
        uow.commit()
    assert _rows(store) == {"b" * 64: ("download", 10)}
    assert attachments.attachment_state(store, attachment_id=pulled.id) == "download"


def test_megabytes_reads_dutch():
    assert files.megabytes(25 * 1024 * 1024) == "25 MB"
    assert files.megabytes(1572864) == "1,5 MB"
