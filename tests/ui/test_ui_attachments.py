"""Bijlagen in the app: the list with each file's state (from a real store), opening one in each
mode, adding one through the FilePicker (on a phone, and in a browser via the upload directory),
the size limit in Dutch, and the day-end's attachments line after a real sync with the server.

The FilePicker is driven the way the Flutter client answers it: the harness answers the
service's ``pick_files``/``upload``/``save_file`` calls, and a browser upload's progress comes
back as the service's ``upload`` events.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import flet as ft
import pytest
from flet_harness import FletHarness
from sqlmodel import col, select
from sync_server import PASSWORD, USERNAME, DemoServer, fill_device, quick_hub
from ui_data import Day, clock

from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Attachment, Customer, Visit
from fieldsales.services import browse
from fieldsales.services.attachments import add_attachment, attachment_state
from fieldsales.store import Store, open_store
from fieldsales.store import attachment_files as files
from fieldsales.sync.attachments import AttachmentReport
from fieldsales.sync.summary import SyncSummary
from fieldsales.ui.main import build_app, start
from fieldsales.ui.shell import Shell
from fieldsales.ui.sync_hub import SyncHub
from fieldsales.ui.sync_view import attachments_view
from fieldsales.ui.views import attachments as ui_attachments
from fieldsales.ui.views.attachments import kind_of, size_text
from fieldsales.ui.views.customer_file import CustomerFileScreen

MB = 1024 * 1024


def attach(
    store: Store, actor: Actor, visit: Visit, name: str, kind: str, data: bytes
) -> Attachment:
    return add_attachment(
        store,
        actor=actor,
        customer_id=visit.customer_id,
        record_collection="visits",
        record_id=visit.id,
        filename=name,
        content_type=kind,
        data=data,
    )


def set_state(store: Store, sha256: str, state: str, error: tuple[str, str] | None = None) -> None:
    with store.unit_of_work() as uow:
        files.set_state(uow.session, sha256, state, error=error)
        uow.commit()


def from_server(store: Store, visit: Visit, name: str, size: int) -> Attachment:
    """A colleague's attachment whose record arrived by sync, its bytes not yet."""
    pulled = Attachment(
        customer_id=visit.customer_id,
        record_collection="visits",
        record_id=visit.id,
        sha256=hashlib.sha256(name.encode()).hexdigest(),
        filename=name,
        content_type="application/pdf",
        size_bytes=size,
        version=3,
    )
    with store.unit_of_work(applying_sync=True) as uow:
        uow.add(pulled)
        uow.commit()
    with store.unit_of_work() as uow:
        files.adopt_records(uow.session, store.path)
        uow.commit()
    return pulled


async def open_app(store: Store, actor: Actor) -> tuple[FletHarness, Shell]:
    shells: list[Shell] = []
    h = await FletHarness().start(
        lambda page: shells.append(build_app(page, store=store, actor=actor, clock=clock))
    )
    return h, shells[0]


async def open_report(store: Store, actor: Actor, visit: Visit) -> tuple[FletHarness, Shell]:
    h, shell = await open_app(store, actor)
    await h.click(h.get(key=f"report-{visit.id}"))
    assert h.get(key="screen-title").value == "Bezoekverslag"
    return h, shell


async def reshow(h: FletHarness, shell: Shell) -> None:
    """What the shell does when a sync state changes: the screen reads its attachments again."""
    shell.current.sync_changed()
    h.page.update()
    await h.settle()


def subtitle(h: FletHarness, attachment: Attachment) -> str:
    return str(h.get(key=f"attachment-state-{attachment.id}").value)


def picker(h: FletHarness) -> Any:
    [service] = [c for c in h.all_controls() if isinstance(c, ft.FilePicker)]
    return service


async def as_device(h: FletHarness, platform: str) -> None:
    """Switch the session from the harness's browser to an app on ``platform``."""
    h.session.apply_page_patch({"web": False, "platform": platform})
    await h.settle()


# --- what the list says -------------------------------------------------------------------------


def test_kinds_and_sizes_read_as_a_salesperson_reads_them() -> None:
    assert kind_of("audio/mp4").label == "Spraakmemo"
    assert kind_of("image/jpeg").label == "Foto"
    assert kind_of("application/pdf").label == "PDF"
    assert kind_of("application/octet-stream", "offerte.PDF").label == "PDF"
    assert kind_of("text/plain").label == "Bestand"
    assert size_text(int(1.2 * MB)) == "1,2 MB"
    assert size_text(25 * MB) == "25,0 MB"
    assert size_text(12_000) == "12 kB"
    assert size_text(1) == "1 byte"
    assert size_text(512) == "512 bytes"


async def test_visit_report_lists_each_attachment_with_type_size_and_state(
    store: Store, actor: Actor, day: Day
) -> None:
    visit = day.visits[0]
    memo = attach(store, actor, visit, "memo.m4a", "audio/mp4", b"m" * 3000)
    photo = attach(store, actor, visit, "schap.jpg", "image/jpeg", b"p" * 20_000)
    quote = attach(store, actor, visit, "offerte.pdf", "application/pdf", b"q" * int(1.2 * MB))
    notes = attach(store, actor, visit, "notities.txt", "text/plain", b"n" * 700)
    pulled = from_server(store, visit, "prijslijst.pdf", 2 * MB)
    other_visit = attach(store, actor, day.visits[1], "elders.jpg", "image/jpeg", b"e" * 10)
    set_state(store, photo.sha256, "uploaded")
    set_state(
        store,
        quote.sha256,
        "failed",
        ("attachment_too_large", "De bijlage is te groot voor de server."),
    )
    set_state(store, notes.sha256, "downloaded")

    h, shell = await open_report(store, actor, visit)
    assert h.crashes() == []
    assert subtitle(h, memo) == "Spraakmemo · 3 kB · Wacht op verzending"
    assert subtitle(h, photo) == "Foto · 20 kB · Verstuurd"
    assert subtitle(h, quote) == "PDF · 1,2 MB · Mislukt: De bijlage is te groot voor de server."
    assert subtitle(h, notes) == "Bestand · 700 bytes · Opgehaald"
    assert subtitle(h, pulled) == "PDF · 2,0 MB · Nog niet opgehaald"
    assert not h.find(key=f"attachment-{other_visit.id}")  # another visit's
    icon = h.get(key=f"attachment-{memo.id}").leading
    assert (icon.icon, icon.semantics_label) == (ft.Icons.MIC, "Spraakmemo")

    # The bytes are here for all but the colleague's file; in a browser they are downloaded.
    assert not h.find(key=f"attachment-open-{pulled.id}")
    button = h.get(key=f"attachment-open-{quote.id}")
    assert button.content == "Downloaden"
    saved: list[dict[str, Any]] = []
    h.conn.method_handlers[("FilePicker", "save_file")] = lambda **kw: saved.append(kw)
    await h.click(button)
    assert h.crashes() == []
    [download] = saved
    assert download["file_name"] == "offerte.pdf"
    assert download["src_bytes"] == b"q" * int(1.2 * MB)
    assert h.snack_texts()[-1] == "'offerte.pdf' wordt gedownload."

    # On a computer the operating system opens the file itself.
    await as_device(h, "linux")
    await reshow(h, shell)
    button = h.get(key=f"attachment-open-{quote.id}")
    assert button.content == "Openen"
    await h.click(button)
    target = files.file_for(store.path, quote.sha256)
    assert h.launched_urls() == [target.as_uri()]

    # On a phone it is saved where the user chooses (opening directly is not offered).
    await as_device(h, "android")
    await reshow(h, shell)
    button = h.get(key=f"attachment-open-{memo.id}")
    assert button.content == "Bewaren"
    assert "niet rechtstreeks openen" in button.tooltip
    await h.click(button)
    assert saved[-1]["file_name"] == "memo.m4a"
    assert saved[-1]["src_bytes"] == b"m" * 3000

    # The sync moves on while the report is open: the list follows, what was typed stays.
    await h.enter_text(h.get(key="report-topics"), "Kerstassortiment")
    set_state(store, memo.sha256, "uploaded")
    await reshow(h, shell)
    assert subtitle(h, memo) == "Spraakmemo · 3 kB · Verstuurd"
    assert h.get(key="report-topics").value == "Kerstassortiment"
    assert h.crashes() == []


async def test_customer_file_lists_the_customers_attachments(
    store: Store, actor: Actor, day: Day
) -> None:
    first = attach(store, actor, day.visits[0], "schap.jpg", "image/jpeg", b"p" * 2048)
    pulled = from_server(store, day.visits[0], "prijslijst.pdf", 3 * MB)
    elsewhere = attach(store, actor, day.visits[1], "elders.jpg", "image/jpeg", b"e" * 10)
    h, shell = await open_app(store, actor)
    shell.open(CustomerFileScreen(shell.ctx, customer_id=day.customers[0].id))
    h.page.update()
    await h.settle()
    assert h.get(key="screen-title").value == "Klantdossier"
    assert subtitle(h, first) == "Foto · 2 kB · Wacht op verzending"
    assert subtitle(h, pulled) == "PDF · 3,0 MB · Nog niet opgehaald"
    assert h.find(key=f"attachment-open-{first.id}")
    assert not h.find(key=f"attachment-open-{pulled.id}")
    assert not h.find(key=f"attachment-{elsewhere.id}")  # another customer's

    # The attachment phase fetched the colleague's file: the file shows it, openable now.
    target = files.file_for(store.path, pulled.sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"x" * pulled.size_bytes)
    set_state(store, pulled.sha256, "downloaded")
    await reshow(h, shell)
    assert subtitle(h, pulled) == "PDF · 3,0 MB · Opgehaald"
    assert h.find(key=f"attachment-open-{pulled.id}")
    assert h.crashes() == []


# --- adding --------------------------------------------------------------------------------------


def answer_pick(h: FletHarness, *picked: dict[str, Any]) -> list[dict[str, Any]]:
    """The client's answer to ``pick_files``: the files the user chose (none: cancelled)."""
    asked: list[dict[str, Any]] = []

    def pick_files(**kw: Any) -> list[dict[str, Any]]:
        asked.append(kw)
        return [dict(p) for p in picked]

    h.conn.method_handlers[("FilePicker", "pick_files")] = pick_files
    return asked


def visit_attachments(store: Store, actor: Actor, visit: Visit) -> list[browse.AttachmentRow]:
    return browse.attachments(
        store,
        actor=actor,
        customer_id=visit.customer_id,
        record_collection="visits",
        record_id=visit.id,
    )


async def test_on_a_phone_a_picked_file_is_added_and_waits_for_the_sync(
    store: Store, actor: Actor, day: Day, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    visit = day.visits[0]
    photo = tmp_path / "Schap kerst.jpg"
    photo.write_bytes(b"\xff\xd8" + b"j" * 50_000)
    h, _ = await open_report(store, actor, visit)
    await as_device(h, "android")
    before = int(h.get(key="sync-count", include_hidden=True).value)

    asked = answer_pick(h)  # cancelled: nothing happens
    await h.click(h.get(key="report-add-attachment"))
    assert asked
    assert visit_attachments(store, actor, visit) == []
    assert not h.find(key="report-add-attachment-error")

    answer_pick(h, {"id": 0, "name": photo.name, "size": photo.stat().st_size, "path": str(photo)})
    await h.click(h.get(key="report-add-attachment"))
    assert h.crashes() == []
    [row] = visit_attachments(store, actor, visit)
    assert (row.attachment.filename, row.attachment.content_type) == (photo.name, "image/jpeg")
    assert row.attachment.size_bytes == 50_002
    assert attachment_state(store, attachment_id=row.attachment.id) == "upload"
    assert subtitle(h, row.attachment) == "Foto · 49 kB · Wacht op verzending"
    assert h.snack_texts()[-1] == (
        "'Schap kerst.jpg' is toegevoegd en wordt verstuurd bij de synchronisatie."
    )
    # the record waits to go up (the bytes follow it in the attachment phase)
    assert h.get(key="sync-count", include_hidden=True).value == str(before + 1)
    assert not h.get(key="report-add-attachment").disabled

    # Too large: refused in Dutch before anything is copied.
    answer_pick(h, {"id": 1, "name": "film.mp4", "size": 26 * MB, "path": str(photo)})
    await h.click(h.get(key="report-add-attachment"))
    assert h.get(key="report-add-attachment-error").value == (
        "De bijlage is te groot (26 MB); het maximum is 25 MB. Verklein de foto of het bestand, "
        "of maak een kortere opname."
    )
    assert len(visit_attachments(store, actor, visit)) == 1

    # A file that grew past the limit after it was picked is refused by the service itself.
    big = tmp_path / "opname.m4a"
    big.write_bytes(b"a" * 2048)
    answer_pick(h, {"id": 2, "name": big.name, "size": 1024, "path": str(big)})
    monkeypatch.setattr(
        ui_attachments, "add_attachment", functools.partial(add_attachment, max_bytes=1024)
    )
    await h.click(h.get(key="report-add-attachment"))
    assert h.get(key="report-add-attachment-error").value == files.too_large_message(2048, 1024)
    assert len(visit_attachments(store, actor, visit)) == 1
    assert h.crashes() == []


async def test_in_a_browser_the_file_is_uploaded_to_the_app_first(
    store: Store, actor: Actor, day: Day, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    visit = day.visits[1]
    chosen = tmp_path / "on-the-users-machine" / "offerte.pdf"
    chosen.parent.mkdir()
    chosen.write_bytes(b"%PDF-1.7 " + b"o" * 3 * MB)
    uploads = tmp_path / "uploads"
    uploads.mkdir()

    # Started without an upload directory: said so, and no picker is opened for nothing.
    monkeypatch.delenv(ui_attachments.UPLOAD_DIR_ENV, raising=False)
    h, _ = await open_report(store, actor, visit)
    asked = answer_pick(h)
    await h.click(h.get(key="report-add-attachment"))
    assert h.get(key="report-add-attachment-error").value.startswith(
        "In de browser kunt u hier geen bijlagen toevoegen"
    )
    assert asked == []

    # With one (as ``fieldsales app --web`` starts it): upload, then filed like any other.
    monkeypatch.setenv(ui_attachments.UPLOAD_DIR_ENV, str(uploads))
    h.conn.get_upload_url = lambda file_name, expires: f"/upload?f={file_name}&e={expires}&s=signed"
    progress_seen: list[str] = []

    def upload(files: list[ft.FilePickerUploadFile]) -> None:
        [item] = files
        name = parse_qs(urlparse(item.upload_url).query)["f"][0]
        assert item.id == 7
        (uploads / name).write_bytes(chosen.read_bytes())  # what the browser PUTs

        async def report() -> None:
            await h.session.dispatch_event(
                picker(h)._i, "upload", {"file_name": chosen.name, "progress": 0.5}
            )
            progress_seen.append(str(h.get(key="report-add-attachment-status").value))
            await h.session.dispatch_event(
                picker(h)._i, "upload", {"file_name": chosen.name, "progress": 1.0}
            )

        asyncio.get_running_loop().create_task(report())

    h.conn.method_handlers[("FilePicker", "upload")] = upload
    answer_pick(h, {"id": 7, "name": chosen.name, "size": chosen.stat().st_size, "path": None})
    await h.click(h.get(key="report-add-attachment"))
    await h.wait_until(
        lambda: visit_attachments(store, actor, visit), what="the uploaded file filed"
    )
    assert h.crashes() == []
    assert progress_seen == ["'offerte.pdf' wordt naar de app gestuurd: 50%"]
    [row] = visit_attachments(store, actor, visit)
    assert row.attachment.content_type == "application/pdf"
    assert row.attachment.size_bytes == chosen.stat().st_size
    assert files.file_for(store.path, row.attachment.sha256).read_bytes() == chosen.read_bytes()
    assert list(uploads.iterdir()) == []  # the upload is removed once it is in the store
    assert subtitle(h, row.attachment) == "PDF · 3,0 MB · Wacht op verzending"
    assert not h.find(key="report-add-attachment-status")

    # An upload the browser reports as failed: the reason in Dutch, nothing filed.
    def failing(files: list[ft.FilePickerUploadFile]) -> None:
        async def report() -> None:
            await h.session.dispatch_event(
                picker(h)._i, "upload", {"file_name": "tweede.pdf", "error": "Netwerkfout"}
            )

        asyncio.get_running_loop().create_task(report())

    h.conn.method_handlers[("FilePicker", "upload")] = failing
    answer_pick(h, {"id": 8, "name": "tweede.pdf", "size": 10, "path": None})
    await h.click(h.get(key="report-add-attachment"))
    await h.wait_until(lambda: h.find(key="report-add-attachment-error"), what="upload error")
    assert h.get(key="report-add-attachment-error").value == (
        "'tweede.pdf' kon niet naar de app worden gestuurd: Netwerkfout. Probeer het opnieuw."
    )
    assert len(visit_attachments(store, actor, visit)) == 1
    assert h.crashes() == []


# --- the day end ---------------------------------------------------------------------------------


def test_day_end_lines_name_sent_fetched_failed_and_why_it_stopped() -> None:
    summary = SyncSummary(started_at=clock())
    assert attachments_view(summary) is None  # nothing to move: nothing said
    summary.attachments = AttachmentReport()
    assert attachments_view(summary) is None
    summary.attachments = AttachmentReport(
        uploaded=2,
        downloaded=1,
        pending_down=3,
        failed=[("a" * 64, "attachment_too_large", "De bijlage is te groot (30 MB).")],
        problem="Geen verbinding met de server.",
    )
    view = attachments_view(summary)
    assert view is not None
    assert view.line == "Bijlagen: 2 verstuurd, 1 opgehaald, 3 wachten nog, 1 mislukt."
    assert view.failures == ["Mislukt: De bijlage is te groot (30 MB)."]
    assert view.later == "Bijlagen later verder: Geen verbinding met de server."


@pytest.fixture
def device(tmp_path: Path, demo_server: DemoServer) -> Iterator[Store]:
    """verkoper1's device with the data on it but no session (as after ``make run``)."""
    fill_device(demo_server, tmp_path / "device")
    with open_store(tmp_path / "device") as store:
        yield store


async def test_day_end_says_which_attachments_went_to_the_server(
    device: Store, demo_server: DemoServer, hubs: list[SyncHub]
) -> None:
    hub = quick_hub(device, demo_server.url, debounce=30.0)  # the day end is what sends it
    hubs.append(hub)
    await asyncio.to_thread(hub.sign_in, USERNAME, PASSWORD)
    await asyncio.to_thread(hub.foreground_sync)
    h = await FletHarness().start(lambda page: start(page, device, username=USERNAME, hub=hub))
    await h.wait_until(
        lambda: str(h.get(key="sync-indicator").tooltip or "").startswith("Gesynchroniseerd om"),
        what="synced shown",
    )
    # The loop sends a waiting change at once (the debounce is only for changes the app
    # announces), so it could take the file before the day end does: stop it (this joins it).
    await asyncio.to_thread(hub.stop)
    actor = browse.actor_for(demo_server.user)
    with device.read() as session:
        customer = session.exec(select(Customer).where(col(Customer.deleted).is_(False))).first()
        assert customer is not None
    memo = add_attachment(
        device,
        actor=actor,
        customer_id=customer.id,
        record_collection="customers",
        record_id=customer.id,
        filename="gesprek.m4a",
        content_type="audio/mp4",
        data=b"spraak" * 100_000,
    )
    await h.navigate(h.get(key="nav-bar"), 4)
    await h.click(h.get(key="more-day-end"))
    await h.wait_until(lambda: h.find(key="day-end-summary"), what="day-end summary")
    assert h.get(key="day-end-attachments").value == "Bijlagen: 1 verstuurd, 0 opgehaald."
    assert not h.find(key="day-end-attachment-failed")
    assert attachment_state(device, attachment_id=memo.id) == "uploaded"
    assert h.crashes() == []
