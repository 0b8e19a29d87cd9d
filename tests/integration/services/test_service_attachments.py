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
from fieldsales.services import attachments, customers, visits, voice_memos
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


def test_a_voice_memo_recorded_before_or_after_the_visit_is_filed_and_none_is_lost(
    store, seller, customer
):
    visit = visits.plan_visit(
        store, actor=seller, customer_id=customer.id, start=datetime(2026, 12, 1, 9, tzinfo=UTC)
    )
    first = attachments.prepare_attachment(
        store, data=b"eerste" * 400, filename="memo-1.m4a", content_type="audio/mp4"
    )
    visits.add_voice_memo(store, actor=seller, visit_id=visit.id, memo=first)
    with store.read() as session:
        stored = session.get(Visit, visit.id)
        assert (stored.status, stored.voice_memo_attachment_id) == (visit.status, first.id)
        filed = session.get(Attachment, first.id)
        assert (filed.customer_id, filed.record_collection, filed.record_id) == (
            customer.id,
            "visits",
            visit.id,
        )
    # The visit is ticked off, then a second memo is spoken in the car: it becomes the
    # visit's memo, and the first stays one of the visit's attachments.
    visits.quick_visit_done(store, actor=seller, visit_id=visit.id, satisfaction=4)
    second = attachments.prepare_attachment(
        store, data=b"tweede" * 400, filename="memo-2.m4a", content_type="audio/mp4"
    )
    visits.add_voice_memo(store, actor=seller, visit_id=visit.id, memo=second)
    with store.read() as session:
        assert session.get(Visit, visit.id).voice_memo_attachment_id == second.id
        kept = session.execute(select(Attachment)).scalars()
        assert {a.id for a in kept if a.record_id == visit.id} == {first.id, second.id}
    with store.read() as session:
        queued = [(m.collection, m.record_id) for m in pending_mutations(session)]
    assert ("attachments", first.id) in queued
    assert ("attachments", second.id) in queued
    assert queued.count(("visits", visit.id)) >= 1


def test_a_voice_memo_for_someone_elses_visit_is_refused(store, seller, other_seller, customer):
    visit = visits.plan_visit(
        store, actor=seller, customer_id=customer.id, start=datetime(2026, 12, 1, 9, tzinfo=UTC)
    )
    memo = attachments.prepare_attachment(
        store, data=b"x" * 100, filename="memo.m4a", content_type="audio/mp4"
    )
    with pytest.raises(NotAllowed):
        visits.add_voice_memo(store, actor=other_seller, visit_id=visit.id, memo=memo)
    with store.read() as session:
        assert session.get(Attachment, memo.id) is None
        assert session.get(Visit, visit.id).voice_memo_attachment_id is None


def test_recordings_left_by_an_interrupted_app_are_filed_and_none_thrown_away(
    store, seller, other_seller, customer
):
    start = datetime(2026, 12, 1, 9, tzinfo=UTC)
    mine = visits.plan_visit(store, actor=seller, customer_id=customer.id, start=start)
    theirs_customer = customers.create_customer(store, actor=other_seller, name="Bij Ander BV")
    theirs = visits.plan_visit(
        store, actor=other_seller, customer_id=theirs_customer.id, start=start
    )
    cut_off = voice_memos.new_recording(store, visit_id=mine.id, suffix=".m4a")
    cut_off.write_bytes(b"m4a" * 1000)
    still_recording = voice_memos.new_recording(store, visit_id=mine.id, suffix=".m4a")
    still_recording.write_bytes(b"nu" * 100)
    empty = voice_memos.new_recording(store, visit_id=mine.id, suffix=".wav")
    empty.touch()
    not_mine = voice_memos.new_recording(store, visit_id=theirs.id, suffix=".wav")
    not_mine.write_bytes(b"wav" * 100)
    later = cut_off.stat().st_mtime + voice_memos.STILL_RECORDING_S + 1
    os.utime(still_recording, (later, later))

    [filed] = voice_memos.file_leftover_recordings(store, actor=seller, now=later)
    assert filed.content_type == "audio/mp4"
    assert filed.filename.startswith("Spraakmemo ")
    assert filed.filename.endswith(" (onderbroken).m4a")
    with store.read() as session:
        assert session.get(Visit, mine.id).voice_memo_attachment_id == filed.id
        assert session.get(Visit, theirs.id).voice_memo_attachment_id is None
    kept = attachments.open_attachment(store, actor=seller, attachment_id=filed.id)
    assert kept is not None
    assert kept.read_bytes() == b"m4a" * 1000
    assert not cut_off.exists()
    assert not empty.exists()
    assert still_recording.exists()  # written to just now: perhaps still recording
    assert not_mine.exists()  # another user's visit: kept, not thrown away
    # Once it is quiet, the last one is filed too.
    [second] = voice_memos.file_leftover_recordings(store, actor=seller, now=later + 60)
    with store.read() as session:
        assert session.get(Visit, mine.id).voice_memo_attachment_id == second.id


def test_a_leftover_recording_is_never_filed_twice_nor_a_fresh_empty_one_removed(
    store, seller, customer
):
    visit = visits.plan_visit(
        store, actor=seller, customer_id=customer.id, start=datetime(2026, 12, 1, 9, tzinfo=UTC)
    )
    spoken = b"memo" * 2_000
    first = voice_memos.new_recording(store, visit_id=visit.id, suffix=".m4a")
    first.write_bytes(spoken)
    filed = voice_memos.file_recording(
        store, actor=seller, visit_id=visit.id, path=first, spoken_on=datetime.now(UTC)
    )
    # Its removal failed (a file held open): the same bytes are still in recordings/.
    again = voice_memos.new_recording(store, visit_id=visit.id, suffix=".m4a")
    again.write_bytes(spoken)
    starting = voice_memos.new_recording(store, visit_id=visit.id, suffix=".m4a")
    starting.touch()  # a recorder that has only just opened its file
    now = again.stat().st_mtime + voice_memos.STILL_RECORDING_S + 1
    os.utime(starting, (now, now))

    assert voice_memos.file_leftover_recordings(store, actor=seller, now=now) == []
    assert not again.exists()
    assert starting.exists()
    with store.read() as session:
        kept = session.execute(select(Attachment)).scalars().all()
    assert [a.id for a in kept] == [filed.id]
