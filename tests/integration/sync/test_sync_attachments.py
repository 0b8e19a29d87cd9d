"""Attachment bytes between the real client and the real server over loopback (SQLite and
PostgreSQL): records first and independent, chunked uploads that resume after a break or a
kill, downloads on another device with ``Range`` resume, and the size limit as a sync issue.

The attachment phase runs inside every sync (``SyncEngine.run``, so the background sync, the
day end and ``fieldsales sync``); tests call ``AttachmentTransfer`` directly only to run it
with small windows or a test hook."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from faultproxy import Fault, FaultProxy, Link, Request
from sqlalchemy import func, select
from sync_support import FAST, PASSWORD, Account, Device, World, running_server

from fieldsales.cli.sync_command import format_summary
from fieldsales.domain.enums import VisitStatus
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Attachment, Visit
from fieldsales.server.models import attachment_chunks
from fieldsales.services import attachments, visits
from fieldsales.sync.attachments import (
    CHUNK_BYTES,
    AttachmentHooks,
    AttachmentOptions,
    AttachmentReport,
    AttachmentTransfer,
)
from fieldsales.sync.background import day_end_sync
from fieldsales.sync.client import SyncClient, make_http_client

CHUNK = CHUNK_BYTES  # what a sync sends per request (512 KiB)
SHORT = replace(FAST, stall_timeout=1.0)  # give up on a dead attachment service quickly


@pytest.fixture
def proxy(world: World) -> Iterator[FaultProxy]:
    with FaultProxy(world.backend.url) as running:
        yield running


def device(
    world: World, account: Account, name: str, url: str | None = None, *, short: bool = False
) -> Device:
    """A device with its own data directory (attachments live next to the store file)."""
    return world.device(
        account,
        url=url,
        path=world.tmp / name / "fieldsales.sqlite3",
        options=SHORT if short else None,
    )


def actor(world: World, account: Account) -> Actor:
    return Actor(user_id=account.id, role=account.role, team_id=world.team_id)


def transfer(
    phone: Device, options: AttachmentOptions, hooks: AttachmentHooks | None = None
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


def server_status(world: World, account: Account, sha: str) -> dict[str, Any]:
    with make_http_client(world.backend.url) as http:
        client = SyncClient(http, username=account.username, password=PASSWORD)
        response = client._authed("GET", f"/attachments/{sha}/status")
    assert response.status_code == 200, response.text
    status: dict[str, Any] = response.json()
    return status


def chunk_rows(world: World, sha: str) -> int:
    with world.backend.engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(attachment_chunks)
                .where(
                    attachment_chunks.c.tenant_id == world.tenant_id,
                    attachment_chunks.c.sha256 == sha,
                )
            ).scalar_one()
        )


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
    phone = device(world, world.alice, "phone", url=proxy.url, short=True)
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
    # The attachment service fails: the records sync regardless, the bytes wait.
    proxy.add(Fault("respond", path="/attachments/", status=503, times=10_000))
    first = phone.sync()
    assert first.applied == 4  # customer, visit (planned, then done), attachment record
    assert first.pending == 0
    on_server = world.server_records(world.alice)
    assert on_server[("attachments", memo.id)]["sha256"] == memo.sha256
    assert on_server[("visits", visit.id)]["voice_memo_attachment_id"] == memo.id
    assert first.attachments is not None
    assert first.attachments.problem is not None
    assert first.attachments.pending_up == 1
    assert server_status(world, world.alice, memo.sha256)["received"] == 0

    proxy.clear()
    second = phone.sync()
    assert second.attachments is not None
    assert second.attachments.uploaded == 1
    assert second.attachments.bytes_up == len(audio)
    assert second.attachments.problem is None
    assert "Bijlagen: 1 verstuurd, 0 opgehaald." in format_summary(second, server=proxy.url)
    assert server_status(world, world.alice, memo.sha256)["complete"] is True

    laptop = device(world, world.alice, "laptop")
    pulled = laptop.sync()
    assert laptop.get(Visit, visit.id).status is VisitStatus.REPORTED
    assert pulled.attachments is not None
    assert pulled.attachments.downloaded == 1
    assert pulled.as_dict()["attachments"]["bytes_down"] == len(audio)
    assert local_bytes(laptop, memo) == audio


def test_an_upload_broken_off_midway_resumes_from_the_servers_offset(
    world: World, proxy: FaultProxy
) -> None:
    phone = device(world, world.alice, "phone", url=proxy.url, short=True)
    made = add_file(world, phone, 10 * CHUNK)
    # The fifth chunk never reaches the server, and stays unreachable: the phase gives up.
    proxy.add(Fault("drop_before", path="/attachments/", method="PUT", skip=4, times=10_000))
    broken = phone.sync()
    assert broken.applied == 2  # the records went through
    assert broken.attachments is not None
    assert broken.attachments.problem is not None
    assert broken.attachments.pending_up == 1
    assert server_status(world, world.alice, made.sha256)["received"] == 4 * CHUNK

    proxy.clear()
    proxy.reset_counters()
    # And the answer to one chunk is lost after the server stored it: sent again, harmless.
    proxy.add(Fault("drop_after", path="/attachments/", method="PUT", skip=2, times=1))
    resumed = phone.sync()
    assert resumed.attachments is not None
    assert resumed.attachments.uploaded == 1
    assert put_offsets(proxy) == [c * CHUNK for c in (4, 5, 6, 6, 7, 8, 9)]  # not from 0
    status = server_status(world, world.alice, made.sha256)
    assert status["complete"] is True
    assert status["received"] == 10 * CHUNK


class Killed(BaseException):
    """The app dying between two chunks (nothing below catches a BaseException)."""


def test_a_device_closed_mid_upload_loses_nothing(world: World) -> None:
    path = world.tmp / "phone" / "fieldsales.sqlite3"
    phone = world.device(world.alice, path=path)
    made = add_file(world, phone, 6 * CHUNK + 1)
    data = local_bytes(phone, made)

    def die(sha: str, offset: int) -> None:
        if offset >= 3 * CHUNK:
            raise Killed()

    with pytest.raises(Killed):
        transfer(phone, AttachmentOptions(), hooks=AttachmentHooks(after_chunk=die))
    phone.close()
    world.devices.remove(phone)

    with FaultProxy(world.backend.url) as proxy:
        again = world.device(world.alice, url=proxy.url, path=path)
        report = again.sync().attachments
    assert report is not None
    assert report.uploaded == 1
    assert put_offsets(proxy)[0] == 3 * CHUNK
    manager = device(world, world.manny, "manager")
    assert manager.sync().attachments.downloaded == 1
    assert local_bytes(manager, made) == data
    assert hashlib.sha256(data).hexdigest() == made.sha256


@pytest.mark.slow
def test_the_sync_process_killed_mid_upload_resumes(world: World) -> None:
    """The real ``fieldsales sync`` over a slow link, SIGKILLed while the bytes go up."""
    path = world.tmp / "phone" / "fieldsales.sqlite3"
    phone = world.device(world.alice, path=path)
    made = add_file(world, phone, 6 * CHUNK)
    phone.close()
    world.devices.remove(phone)
    env = dict(os.environ, FIELDSALES_PASSWORD=PASSWORD)
    link = Link(rtt=0.01, up_bps=4_000_000)  # ~0.5 MB/s up: the 3 MB take ~6 s
    with FaultProxy(world.backend.url, link=link) as proxy:
        command = [
            sys.executable,
            "-m",
            "fieldsales.cli.sync_command",
            "--username",
            world.alice.username,
            "--data-dir",
            str(path.parent),
            "--server",
            proxy.url,
            "--quiet",
        ]
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while int(server_status(world, world.alice, made.sha256)["received"]) < 2 * CHUNK:
            assert process.poll() is None, "the sync ended before it was killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
        reached = int(server_status(world, world.alice, made.sha256)["received"])
        assert 0 < reached < 6 * CHUNK
        proxy.reset_counters()
        final = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert final.returncode == 0, final.stderr
        assert put_offsets(proxy)[0] >= reached  # resumed where the server was
    assert server_status(world, world.alice, made.sha256)["complete"] is True


def test_a_download_broken_off_resumes_with_range(world: World, proxy: FaultProxy) -> None:
    window = 64 * 1024
    phone = device(world, world.alice, "phone")
    made = add_file(world, phone, 5 * window + 17)
    assert phone.sync().attachments.uploaded == 1

    laptop = device(world, world.alice, "laptop", url=proxy.url)
    # Records only: the attachment service is away during this sync.
    proxy.add(Fault("respond", path="/attachments/", status=503, times=10_000))
    laptop.engine.options = SHORT
    laptop.sync()
    proxy.clear()
    proxy.reset_counters()
    # The third window is cut off halfway through its answer, twice: asked again, same run.
    proxy.add(Fault("truncate", path="/attachments/", method="GET", skip=2, times=2))
    asked: list[str] = []

    def note_range(request: Request) -> None:
        for line in request.raw.split(b"\r\n"):
            if line.lower().startswith(b"range:"):
                asked.append(line.split(b":", 1)[1].strip().decode())

    proxy.add(Fault("call", path="/attachments/", method="GET", times=10_000, fn=note_range))
    options = AttachmentOptions(download_window=window, backoff_initial=0.02, backoff_max=0.1)
    report = transfer(laptop, options)
    assert report.downloaded == 1
    assert report.problem is None
    assert local_bytes(laptop, made) == local_bytes(phone, made)
    size = 5 * window + 17
    expected = [f"bytes={n * window}-{min((n + 1) * window, size) - 1}" for n in range(6)]
    assert asked == expected  # (the two cut-off requests went to the truncating fault)
    assert len([e for e in proxy.requests("/attachments/") if e.method == "GET"]) == 8
    assert report.bytes_down == size  # nothing that arrived whole was fetched twice
    assert not list((laptop.store.path.parent / "attachments").rglob("*.part"))


def test_a_download_stopped_midway_resumes_from_the_part_file_next_sync(
    world: World, proxy: FaultProxy
) -> None:
    phone = device(world, world.alice, "phone")
    made = add_file(world, phone, 4 * 1024 * 1024)  # four 1 MiB windows
    phone.sync()
    laptop = device(world, world.alice, "laptop", url=proxy.url, short=True)
    proxy.add(Fault("drop_before", path="/attachments/", method="GET", skip=2, times=10_000))
    stopped = laptop.sync().attachments
    assert stopped is not None
    assert stopped.problem is not None
    assert stopped.pending_down == 1
    parts = list((laptop.store.path.parent / "attachments").rglob("*.part"))
    assert [p.stat().st_size for p in parts] == [2 * 1024 * 1024]

    proxy.clear()
    proxy.reset_counters()
    report = laptop.sync().attachments
    assert report is not None
    assert report.downloaded == 1
    assert report.bytes_down == 2 * 1024 * 1024  # only what was missing
    assert len([e for e in proxy.requests("/attachments/") if e.method == "GET"]) == 2
    assert local_bytes(laptop, made) == local_bytes(phone, made)


def test_too_large_is_a_sync_issue_and_blocks_nothing(world: World) -> None:
    with running_server(
        world.backend.server.database_url,
        FIELDSALES_ATTACHMENT_MAX_BYTES=str(CHUNK),
        FIELDSALES_ATTACHMENT_CHUNK_MAX_BYTES=str(CHUNK // 4),
    ) as small:
        phone = device(world, world.alice, "phone", url=small.url)
        big = add_file(world, phone, 2 * CHUNK, name="groot.jpg")
        fine = add_file(world, phone, CHUNK // 2, name="klein.jpg")
        summary = day_end_sync(phone.store, phone.client, options=FAST)
        assert summary.applied == 4  # both customers and both attachment records
        report = summary.attachments
        assert report is not None
        assert report.uploaded == 1
        assert [code for _, code, _ in report.failed] == ["attachment_too_large"]
        assert report.failed[0][2].startswith("groot.jpg: ")  # the user's name for the file
        issues = [issue for issue in phone.issues() if issue.code == "attachment_too_large"]
        assert [issue.record_id for issue in issues] == [big.id]
        assert "te groot (1 MB); het maximum is 0,5 MB" in issues[0].message
        assert issues[0].message.startswith("groot.jpg: ")
        assert [i.record_id for i in summary.new_rejections] == [big.id]  # shown at day end
        assert attachments.attachment_state(phone.store, attachment_id=big.id) == "failed"
        assert attachments.attachment_state(phone.store, attachment_id=fine.id) == "uploaded"
        assert chunk_rows(world, fine.sha256) == 2  # in the server's smaller chunks
        again = phone.sync()  # not retried, nothing else held up
        assert again.attachments is not None
        assert again.attachments.failed == []
        assert again.attachments.pending_up == 0
