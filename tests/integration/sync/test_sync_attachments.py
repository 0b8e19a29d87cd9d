"""Attachment bytes between the real client and the real server over loopback (SQLite and
PostgreSQL): records first and independent, chunked uploads that resume after a break or a
kill, downloads on another device with ``Range`` resume, and the size limit as a sync issue."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from faultproxy import Fault, FaultProxy, Request
from sync_support import PASSWORD, Account, Device, World, running_server

from fieldsales.domain.enums import VisitStatus
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Attachment, Visit
from fieldsales.services import attachments, visits
from fieldsales.sync.attachments import (
    AttachmentHooks,
    AttachmentOptions,
    AttachmentReport,
    AttachmentTransfer,
)
from fieldsales.sync.client import SyncClient, make_http_client

CHUNK = 64 * 1024
OPTIONS = AttachmentOptions(
    chunk_bytes=CHUNK,
    download_window=CHUNK,
    stall_timeout=15.0,
    backoff_initial=0.02,
    backoff_max=0.2,
)


@pytest.fixture
def proxy(world: World) -> Iterator[FaultProxy]:
    with FaultProxy(world.backend.url) as running:
        yield running


def device(world: World, account: Account, name: str, url: str | None = None) -> Device:
    """A device with its own data directory (attachments live next to the store file)."""
    return world.device(account, url=url, path=world.tmp / name / "fieldsales.sqlite3")


def actor(world: World, account: Account) -> Actor:
    return Actor(user_id=account.id, role=account.role, team_id=world.team_id)


def transfer(
    phone: Device, options: AttachmentOptions = OPTIONS, hooks: AttachmentHooks | None = None
) -> AttachmentReport:
    return AttachmentTransfer(phone.store, phone.client, options=options, hooks=hooks).run()


def add_file(world: World, phone: Device, size: int, name: str = "foto.jpg") -> Attachment:
    customer = phone.customer()
    return attachments.add_attachment(
        phone.store,
        actor=actor(world, phone.account),
        customer_id=customer.id,
        record_collection="customers",
        record_id=customer.id,
        data=os.urandom(size),
        filename=name,
        content_type="image/jpeg",
    )


def server_status(world: World, account: Account, sha: str) -> dict[str, object]:
    with make_http_client(world.backend.url) as http:
        client = SyncClient(http, username=account.username, password=PASSWORD)
        response = client._authed("GET", f"/attachments/{sha}/status")
    assert response.status_code == 200, response.text
    status: dict[str, object] = response.json()
    return status


def put_offsets(proxy: FaultProxy) -> list[int]:
    return [int(e.query["offset"][0]) for e in proxy.requests("/attachments/") if e.method == "PUT"]


def local_bytes(phone: Device, attachment: Attachment) -> bytes:
    path = attachments.open_attachment(
        phone.store,
        actor=Actor(user_id=phone.account.id, role=phone.account.role, team_id=None),
        attachment_id=attachment.id,
    )
    assert path is not None, "the bytes are not on the device"
    return Path(path).read_bytes()


def test_a_voice_memo_syncs_its_record_at_once_and_its_bytes_after(
    world: World, proxy: FaultProxy
) -> None:
    phone = device(world, world.alice, "phone", url=proxy.url)
    customer = phone.customer()
    visit = visits.plan_visit(
        phone.store,
        actor=actor(world, world.alice),
        customer_id=customer.id,
        start=datetime(2026, 12, 1, 10, tzinfo=UTC),
    )
    audio = os.urandom(3 * CHUNK + 500)
    memo = attachments.prepare_attachment(
        phone.store, data=audio, filename="memo.m4a", content_type="audio/mp4"
    )
    visits.quick_visit_done(
        phone.store,
        actor=actor(world, world.alice),
        visit_id=visit.id,
        satisfaction=4,
        voice_memo=memo,
    )
    # The attachment service is down: the records sync regardless.
    proxy.add(Fault("respond", path="/attachments/", status=503, times=10_000))
    summary = phone.sync()
    assert summary.applied >= 3  # customer, visit, attachment record
    on_server = world.server_records(world.alice)
    assert on_server[("attachments", memo.id)]["sha256"] == memo.sha256
    assert on_server[("visits", visit.id)]["voice_memo_attachment_id"] == memo.id
    stalled = transfer(phone, replace(OPTIONS, stall_timeout=0.5))
    assert stalled.problem is not None
    assert stalled.pending_up == 1
    assert stalled.uploaded == 0

    proxy.clear()
    report = transfer(phone)
    assert report.problem is None
    assert report.uploaded == 1
    assert report.bytes_up == len(audio)
    assert server_status(world, world.alice, memo.sha256)["complete"] is True

    laptop = device(world, world.alice, "laptop")
    laptop.sync()
    assert laptop.get(Visit, visit.id).status is VisitStatus.REPORTED
    got = transfer(laptop)
    assert got.downloaded == 1
    assert local_bytes(laptop, memo) == audio


def test_an_upload_broken_off_midway_resumes_from_the_servers_offset(
    world: World, proxy: FaultProxy
) -> None:
    phone = device(world, world.alice, "phone", url=proxy.url)
    made = add_file(world, phone, 10 * CHUNK)
    phone.sync()
    # The fifth chunk never reaches the server, and stays unreachable: the phase gives up.
    proxy.add(Fault("drop_before", path="/attachments/", method="PUT", skip=4, times=10_000))
    broken = transfer(phone, replace(OPTIONS, stall_timeout=0.5))
    assert broken.problem is not None
    assert broken.pending_up == 1
    assert server_status(world, world.alice, made.sha256)["received"] == 4 * CHUNK

    proxy.clear()
    proxy.reset_counters()
    # The answer to one chunk is lost after the server stored it: re-sent, harmless.
    proxy.add(Fault("drop_after", path="/attachments/", method="PUT", skip=2, times=1))
    report = transfer(phone)
    assert report.uploaded == 1
    offsets = put_offsets(proxy)
    assert offsets[0] == 4 * CHUNK  # resumed, not restarted
    assert offsets == [4 * CHUNK, 5 * CHUNK, 6 * CHUNK, 6 * CHUNK, 7 * CHUNK, 8 * CHUNK, 9 * CHUNK]
    status = server_status(world, world.alice, made.sha256)
    assert status["complete"] is True
    assert status["received"] == 10 * CHUNK


class Killed(BaseException):
    """The app process dying mid-upload (nothing below catches a BaseException)."""


def test_a_device_closed_mid_upload_loses_nothing(world: World, proxy: FaultProxy) -> None:
    path = world.tmp / "phone" / "fieldsales.sqlite3"
    phone = world.device(world.alice, url=proxy.url, path=path)
    made = add_file(world, phone, 6 * CHUNK + 1)
    data = local_bytes(phone, made)
    phone.sync()

    def die(sha: str, offset: int) -> None:
        if offset >= 3 * CHUNK:
            raise Killed()

    with pytest.raises(Killed):
        transfer(phone, hooks=AttachmentHooks(after_chunk=die))
    phone.close()
    world.devices.remove(phone)

    proxy.reset_counters()
    again = world.device(world.alice, url=proxy.url, path=path)
    report = transfer(again)
    assert report.uploaded == 1
    assert put_offsets(proxy)[0] == 3 * CHUNK
    manager = device(world, world.manny, "manager")
    manager.sync()
    assert transfer(manager).downloaded == 1
    assert local_bytes(manager, made) == data
    assert hashlib.sha256(data).hexdigest() == made.sha256


def test_a_download_broken_off_resumes_with_range(world: World, proxy: FaultProxy) -> None:
    phone = device(world, world.alice, "phone")
    made = add_file(world, phone, 5 * CHUNK + 17)
    phone.sync()
    assert transfer(phone).uploaded == 1

    laptop = device(world, world.alice, "laptop", url=proxy.url)
    laptop.sync()
    # The third window is cut off halfway through its answer, twice: asked again, same run.
    proxy.add(Fault("truncate", path="/attachments/", method="GET", skip=2, times=2))
    asked: list[str] = []

    def note_range(request: Request) -> None:
        for line in request.raw.split(b"\r\n"):
            if line.lower().startswith(b"range:"):
                asked.append(line.split(b":", 1)[1].strip().decode())

    proxy.add(Fault("call", path="/attachments/", method="GET", times=10_000, fn=note_range))
    report = transfer(laptop)
    assert report.downloaded == 1
    assert report.problem is None
    assert local_bytes(laptop, made) == local_bytes(phone, made)
    windows = [f"bytes={n * CHUNK}-{min((n + 1) * CHUNK, 5 * CHUNK + 17) - 1}" for n in range(6)]
    assert asked == windows  # (the two cut-off requests went to the truncating fault)
    assert len([e for e in proxy.requests("/attachments/") if e.method == "GET"]) == 8
    assert report.bytes_down == 5 * CHUNK + 17  # nothing that arrived whole was fetched twice
    assert not list((laptop.store.path.parent / "attachments").rglob("*.part"))


def test_a_download_stopped_midway_resumes_from_the_part_file_next_sync(
    world: World, proxy: FaultProxy
) -> None:
    phone = device(world, world.alice, "phone")
    made = add_file(world, phone, 4 * CHUNK)
    phone.sync()
    transfer(phone)
    laptop = device(world, world.alice, "laptop", url=proxy.url)
    laptop.sync()
    proxy.add(Fault("drop_before", path="/attachments/", method="GET", skip=2, times=10_000))
    stopped = transfer(laptop, replace(OPTIONS, stall_timeout=0.5))
    assert stopped.problem is not None
    assert stopped.pending_down == 1
    parts = list((laptop.store.path.parent / "attachments").rglob("*.part"))
    assert [p.stat().st_size for p in parts] == [2 * CHUNK]

    proxy.clear()
    proxy.reset_counters()
    report = transfer(laptop)
    assert report.downloaded == 1
    assert report.bytes_down == 2 * CHUNK  # only what was missing
    assert len([e for e in proxy.requests("/attachments/") if e.method == "GET"]) == 2
    assert local_bytes(laptop, made) == local_bytes(phone, made)


def test_too_large_is_a_sync_issue_and_blocks_nothing(world: World) -> None:
    with running_server(
        world.backend.server.database_url, FIELDSALES_ATTACHMENT_MAX_BYTES=str(2 * CHUNK)
    ) as small:
        phone = device(world, world.alice, "phone", url=small.url)
        big = add_file(world, phone, 3 * CHUNK, name="groot.jpg")
        fine = add_file(world, phone, CHUNK, name="klein.jpg")
        summary = phone.sync()
        assert summary.applied == 4  # both customers and both attachment records
        report = transfer(phone)
        assert report.uploaded == 1
        assert [code for _, code, _ in report.failed] == ["attachment_too_large"]
        issues = [issue for issue in phone.issues() if issue.code == "attachment_too_large"]
        assert [issue.record_id for issue in issues] == [big.id]
        assert "te groot" in issues[0].message
        assert "maximum is" in issues[0].message
        assert attachments.attachment_state(phone.store, attachment_id=big.id) == "failed"
        assert attachments.attachment_state(phone.store, attachment_id=fine.id) == "uploaded"
        before = phone.client.stats.requests
        again = transfer(phone)  # not retried: no request is made for it
        assert again.failed == []
        assert phone.client.stats.requests == before
