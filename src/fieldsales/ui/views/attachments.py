"""Bijlagen in the app: the list under a visit report or a customer file, opening one, adding one.

The list says for every attachment what it is (voice memo, photo, PDF, other file), how large,
and where its bytes are, in the words of ``state_text``: waiting to be sent, sent, not fetched
yet, fetched, or failed with the reason. The bytes travel in the attachment phase of the sync,
after the records (``sync.attachments``), so a list shown while a sync runs is refreshed when
the sync state changes (the screens call ``refresh`` from ``sync_changed``).

Opening depends on where the app runs, and Flet 1.0 offers a different thing in each:

* desktop: the file is handed to the operating system (``UrlLauncher`` with a ``file:`` URL),
  which opens it in the user's PDF viewer, image viewer or player;
* browser: a ``file:`` URL would point at the *browser's* machine, not at the server that
  holds the bytes, so the file is offered as a download (``FilePicker.save_file`` with the
  bytes, which the web client turns into a browser download);
* phone: Flet 1.0 has no "open with" for a local file, so the file is saved where the user
  chooses (``save_file`` with the bytes) and the button says so.

Adding uses Flet 1.0's ``FilePicker`` service (``await pick_files()``). On a desktop or phone the
picked file has a path and is copied into the store by ``services.attachments.add_attachment``.
In a browser the file is on the user's machine: it is first uploaded to the app's upload
directory (``ft.run(upload_dir=...)``, named by ``FLET_UPLOAD_DIR``; ``fieldsales app --web``
sets it and the signing key ``FLET_SECRET_KEY``), then filed the same way and the upload
removed. Either way the new attachment shows as "Wacht op verzending" and the background sync,
told by ``AppContext.data_changed``, sends it.
"""

from __future__ import annotations

import asyncio
import mimetypes
import os
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import flet as ft
from platformdirs import user_downloads_dir

from fieldsales.records import Attachment
from fieldsales.services import browse
from fieldsales.services.attachments import MAX_BYTES, add_attachment, open_attachment
from fieldsales.store.attachment_files import too_large_message
from fieldsales.ui.context import USER_ERRORS, AppContext, user_message
from fieldsales.ui.theme import TOUCH_TARGET
from fieldsales.ui.views.memo_player import PlayButton

#: Flet's own setting for the web server's upload directory (read by ``flet_web`` as well).
UPLOAD_DIR_ENV = "FLET_UPLOAD_DIR"
#: How long a browser may take to upload a picked file to the app.
UPLOAD_TIMEOUT_S = 30 * 60


# --- what the list says --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Kind:
    label: str  # what a screen reader says before the name
    icon: ft.IconData


VOICE_MEMO = Kind("Spraakmemo", ft.Icons.MIC)
PHOTO = Kind("Foto", ft.Icons.PHOTO_OUTLINED)
PDF = Kind("PDF", ft.Icons.PICTURE_AS_PDF_OUTLINED)
OTHER = Kind("Bestand", ft.Icons.INSERT_DRIVE_FILE_OUTLINED)


def kind_of(content_type: str, filename: str = "") -> Kind:
    """Voice memo, photo, PDF or other, by content type (the file's extension when that is
    the generic ``application/octet-stream``)."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in ("", "application/octet-stream"):
        kind = mimetypes.guess_type(filename)[0] or ""
    if kind.startswith("audio/"):
        return VOICE_MEMO
    if kind.startswith("image/"):
        return PHOTO
    if kind == "application/pdf":
        return PDF
    return OTHER


def size_text(size: int) -> str:
    """``1,2 MB``, ``340 kB``, ``512 bytes``: Dutch decimal comma, one decimal for megabytes."""
    if size < 1024:
        return f"{size} {'byte' if size == 1 else 'bytes'}"
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " MB"


def state_text(row: browse.AttachmentRow) -> str:
    """Where the bytes are, in the user's words."""
    state = row.state
    if state in ("upload", "uploading"):
        return "Wacht op verzending"
    if state == "uploaded":
        return "Verstuurd"
    if state == "download":
        return "Nog niet opgehaald"
    if state == "downloaded":
        return "Opgehaald"
    if state == "failed":
        return f"Mislukt: {row.error_message or 'onbekende reden'}"
    # No row yet: the next sync adopts the record (upload when the bytes are here).
    return "Wacht op verzending" if row.on_device else "Nog niet opgehaald"


class Mode(StrEnum):
    DESKTOP = "desktop"
    WEB = "web"
    MOBILE = "mobile"


def mode_of(page: ft.Page) -> Mode:
    if page.web:
        return Mode.WEB
    if page.platform is not None and page.platform.is_mobile():
        return Mode.MOBILE
    return Mode.DESKTOP


@dataclass(frozen=True, slots=True)
class OpenAction:
    label: str
    icon: ft.IconData
    why: str  # the tooltip: what the button does here, and why not more


OPEN_ACTIONS: dict[Mode, OpenAction] = {
    Mode.DESKTOP: OpenAction(
        "Openen", ft.Icons.OPEN_IN_NEW, "Openen met het programma van uw computer"
    ),
    Mode.WEB: OpenAction(
        "Downloaden",
        ft.Icons.DOWNLOAD,
        "In de browser kan de app het bestand niet zelf openen: u downloadt het en opent het "
        "daarna vanuit uw downloads",
    ),
    Mode.MOBILE: OpenAction(
        "Bewaren",
        ft.Icons.SAVE_ALT,
        "De app kan het bestand niet rechtstreeks openen: bewaar het op uw telefoon en open het "
        "daar met de app die erbij hoort",
    ),
}


# --- the picker: one per app session -------------------------------------------------------------


@dataclass
class _Upload:
    done: asyncio.Future[None]
    on_progress: Callable[[float], None]


@dataclass
class Picker:
    """The session's ``FilePicker`` service and the browser uploads it is waiting for."""

    service: ft.FilePicker
    waiting: dict[str, _Upload] = field(default_factory=dict)

    def on_upload(self, e: ft.FilePickerUploadEvent) -> None:
        upload = self.waiting.get(e.file_name)
        if upload is None or upload.done.done():
            return
        if e.error:
            upload.done.set_exception(UploadFailedError(e.error))
        elif e.progress is not None and e.progress >= 1.0:
            upload.done.set_result(None)
        elif e.progress is not None:
            upload.on_progress(e.progress)


class UploadFailedError(Exception):
    pass


_pickers: weakref.WeakKeyDictionary[AppContext, Picker] = weakref.WeakKeyDictionary()


def picker_for(ctx: AppContext) -> Picker:
    """Services register with the page they are made on: one picker per session, made on
    first use (inside a handler, where Flet knows the page)."""
    picker = _pickers.get(ctx)
    if picker is None:
        service = ft.FilePicker()
        picker = Picker(service)
        service.on_upload = picker.on_upload
        _pickers[ctx] = picker
    return picker


# --- opening -------------------------------------------------------------------------------------


async def open_row(ctx: AppContext, row: browse.AttachmentRow) -> None:
    """Open (desktop), download (browser) or save (phone) the attachment's file."""
    await open_file(ctx, row.attachment)


async def open_file(ctx: AppContext, a: Attachment) -> None:
    """``open_row`` for an attachment just made (a quote's PDF), which has no row yet."""
    path = ctx.read(open_attachment, attachment_id=a.id)
    if path is None:
        ctx.toast(
            f"'{a.filename}' staat nog niet op dit apparaat; het wordt bij de volgende "
            "synchronisatie opgehaald."
        )
        return
    if mode_of(ctx.page) is Mode.DESKTOP:
        await ctx.open_url(path.as_uri(), what=f"'{a.filename}'")
        return
    await save_bytes(ctx, a.filename, await asyncio.to_thread(path.read_bytes))


async def offer_bytes(ctx: AppContext, filename: str, data: bytes) -> None:
    """A file the app made (a calendar, a report) to the user: on a computer saved in the
    Downloads folder and opened; downloaded in a browser; saved where the user picks on a phone."""
    if mode_of(ctx.page) is Mode.DESKTOP:
        try:
            path = await asyncio.to_thread(
                save_export, export_directory(ctx.store.path.parent), filename, data
            )
        except OSError:
            ctx.toast(f"'{filename}' kon niet worden bewaard op deze computer.")
            return
        ctx.toast(f"'{path.name}' is bewaard in {path.parent} en wordt geopend.")
        await ctx.open_url(path.as_uri(), what=f"'{path.name}'")
        return
    await save_bytes(ctx, filename, data)


def export_directory(fallback: Path) -> Path:
    """Where a desktop export goes: the user's Downloads folder, else next to the app's data."""
    try:
        downloads = Path(user_downloads_dir())
    except Exception:  # an unusual platform without one
        downloads = None
    if downloads is not None and downloads.is_dir():
        return downloads
    return fallback / "exports"


def save_export(directory: Path, name: str, data: bytes) -> Path:
    """Write the file under a name not yet taken (an earlier export may be open in Excel)."""
    directory.mkdir(parents=True, exist_ok=True)
    stem, suffix = Path(name).stem, Path(name).suffix
    path = directory / name
    n = 2
    while path.exists():
        path = directory / f"{stem}-{n}{suffix}"
        n += 1
    path.write_bytes(data)
    return path


async def save_bytes(ctx: AppContext, filename: str, data: bytes) -> None:
    """Download (browser) or save where the user chooses (phone)."""
    try:
        saved = await picker_for(ctx).service.save_file(
            dialog_title=f"{filename} bewaren", file_name=filename, src_bytes=data
        )
    except Exception:  # the client could not offer the file (no save dialog on this device)
        ctx.toast(f"'{filename}' kon niet worden aangeboden op dit apparaat.")
        return
    if mode_of(ctx.page) is Mode.WEB:
        ctx.toast(f"'{filename}' wordt gedownload.")
    elif saved:
        ctx.toast(f"'{filename}' is bewaard.")


# --- the list ------------------------------------------------------------------------------------


def attachment_tile(ctx: AppContext, row: browse.AttachmentRow) -> ft.Control:
    """One attachment: type icon, name, size and state; an open action when the bytes are here."""
    a = row.attachment
    kind = kind_of(a.content_type, a.filename)
    state = state_text(row)
    trailing: ft.Control | None = None
    if row.on_device:
        action = OPEN_ACTIONS[mode_of(ctx.page)]

        async def on_open() -> None:
            await open_row(ctx, row)

        trailing = ft.TextButton(
            action.label,
            icon=action.icon,
            tooltip=f"{a.filename}: {action.why}",
            on_click=on_open,
            height=TOUCH_TARGET,
            data=f"attachment-open-{a.id}",
        )
        if kind is VOICE_MEMO:  # listened to in the app (``memo_player``)
            play = PlayButton(ctx, attachment_id=a.id, filename=a.filename)
            trailing = ft.Row([play.control, trailing], spacing=0, tight=True)
    return ft.ListTile(
        leading=ft.Icon(kind.icon, semantics_label=kind.label),
        title=ft.Text(a.filename),
        subtitle=ft.Text(
            f"{kind.label} · {size_text(a.size_bytes)} · {state}",
            color=ft.Colors.ERROR if row.state == "failed" else None,
            data=f"attachment-state-{a.id}",
        ),
        trailing=trailing,
        data=f"attachment-{a.id}",
    )


class AttachmentList:
    """The attachments of one record (a visit) or of a whole customer, refreshed on demand."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        customer_id: str,
        record_collection: str | None = None,
        record_id: str | None = None,
        empty: str = "Nog geen bijlagen.",
        key: str | None = None,
    ) -> None:
        self.ctx = ctx
        self.customer_id = customer_id
        self.record_collection = record_collection
        self.record_id = record_id
        self.empty = empty
        self.rows: list[browse.AttachmentRow] = []
        self.control = ft.Column(spacing=0, key=key)

    def refresh(self) -> None:
        rows = self.ctx.read(
            browse.attachments,
            customer_id=self.customer_id,
            record_collection=self.record_collection,
            record_id=self.record_id,
        )
        self.rows = rows or []
        self.control.controls = [attachment_tile(self.ctx, row) for row in self.rows] or [
            ft.Text(self.empty, theme_style=ft.TextThemeStyle.BODY_MEDIUM, italic=True)
        ]


# --- adding --------------------------------------------------------------------------------------


def content_type_for(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def upload_dir() -> Path | None:
    value = os.environ.get(UPLOAD_DIR_ENV)
    return Path(value) if value else None


class AttachmentAdder:
    """ "Bijlage toevoegen": pick a file and file it under a record; errors shown in Dutch."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        customer_id: Callable[[], str | None],
        record_collection: str,
        record_id: str,
        on_added: Callable[[], Any],
        key: str,
    ) -> None:
        self.ctx = ctx
        self.customer_id = customer_id
        self.record_collection = record_collection
        self.record_id = record_id
        self.on_added = on_added
        self.busy = False
        self.button = ft.OutlinedButton(
            "Bijlage toevoegen",
            icon=ft.Icons.ATTACH_FILE,
            tooltip="Foto, PDF of ander bestand bij dit bezoek bewaren",
            on_click=self.pick,
            height=TOUCH_TARGET,
            key=key,
        )
        self.status = ft.Text("", visible=False, key=f"{key}-status")
        self.error = ft.Text("", color=ft.Colors.ERROR, visible=False, key=f"{key}-error")
        self.control = ft.Column([self.button, self.status, self.error], spacing=4)

    async def pick(self) -> None:
        """Open the file picker and file what was picked."""
        if self.busy:
            return
        self._show_error(None)
        if mode_of(self.ctx.page) is Mode.WEB and upload_dir() is None:
            self._show_error(
                "In de browser kunt u hier geen bijlagen toevoegen: de app is zonder uploadmap "
                "gestart. Start de app met 'fieldsales app --web', of voeg de bijlage toe in de "
                "app op uw telefoon of computer."
            )
            return
        try:
            picked = await picker_for(self.ctx).service.pick_files(
                dialog_title="Bijlage kiezen", file_type=ft.FilePickerFileType.ANY
            )
        except Exception:  # no picker on this device (e.g. Linux without zenity)
            self._show_error("Op dit apparaat kan geen bestand worden gekozen.")
            return
        await self.receive(picked)

    async def receive(self, picked: list[ft.FilePickerFile]) -> None:
        """File the picked file (the first; the picker allows one): copy it into the store
        (after uploading it to the app in a browser) through ``add_attachment``."""
        if not picked:
            return  # cancelled
        file = picked[0]
        customer_id = self.customer_id()
        if customer_id is None:
            return
        if file.size > MAX_BYTES:  # refused before a browser spends minutes uploading it
            self._show_error(too_large_message(file.size, MAX_BYTES))
            return
        self.busy = True
        self.button.disabled = True
        uploaded: Path | None = None
        try:
            if file.path:
                source = Path(file.path)
            elif mode_of(self.ctx.page) is Mode.WEB:
                self._status(f"'{file.name}' wordt naar de app gestuurd…")
                uploaded = await self._upload(file)
                if uploaded is None:
                    return
                source = uploaded
            else:
                self._show_error(f"'{file.name}' kan op dit apparaat niet worden gelezen.")
                return
            self._status(f"'{file.name}' wordt bewaard…")
            try:
                await asyncio.to_thread(
                    add_attachment,
                    self.ctx.store,
                    actor=self.ctx.actor,
                    customer_id=customer_id,
                    record_collection=self.record_collection,
                    record_id=self.record_id,
                    filename=file.name,
                    content_type=content_type_for(file.name),
                    path=source,
                )
            except USER_ERRORS as exc:
                self._show_error(user_message(exc))
                return
            self.ctx.data_changed()  # the background sync sends the record, then the bytes
            self.ctx.toast(f"'{file.name}' is toegevoegd en wordt verstuurd bij de synchronisatie.")
            self.on_added()
        finally:
            if uploaded is not None:
                uploaded.unlink(missing_ok=True)
            self.busy = False
            self.button.disabled = False
            self.status.visible = False
            self.ctx.page.update()

    async def _upload(self, file: ft.FilePickerFile) -> Path | None:
        """Upload a file picked in the browser to the app's upload directory; None (with the
        reason shown) when that fails."""
        directory = upload_dir()
        if directory is None:  # checked before picking; the environment changed since
            self._show_error("In de browser kunt u hier geen bijlagen toevoegen.")
            return None
        name = f"{uuid.uuid4().hex}{Path(file.name).suffix.lower()[:10]}"
        picker = picker_for(self.ctx)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def progress(value: float) -> None:
            self._status(f"'{file.name}' wordt naar de app gestuurd: {round(value * 100)}%")

        upload = _Upload(done, progress)
        picker.waiting[file.name] = upload
        picker.waiting[name] = upload
        try:
            url = self.ctx.page.get_upload_url(name, UPLOAD_TIMEOUT_S)
            await picker.service.upload(
                [ft.FilePickerUploadFile(upload_url=url, id=file.id, name=file.name)]
            )
            await asyncio.wait_for(done, UPLOAD_TIMEOUT_S)
        except Exception as exc:  # failed upload, timeout, no upload endpoint on this server
            reason = str(exc) if isinstance(exc, UploadFailedError) else ""
            self._show_error(
                f"'{file.name}' kon niet naar de app worden gestuurd"
                + (f": {reason}" if reason else "")
                + ". Probeer het opnieuw."
            )
            (directory / name).unlink(missing_ok=True)
            return None
        finally:
            picker.waiting.pop(file.name, None)
            picker.waiting.pop(name, None)
        return directory / name

    def _status(self, text: str) -> None:
        """Shown at once: the handler is still waiting for the upload or the copy."""
        self.status.value = text
        self.status.visible = True
        self.ctx.page.update()

    def _show_error(self, message: str | None) -> None:
        self.error.value = message or ""
        self.error.visible = message is not None
        if message is not None:
            self.ctx.toast(message)
