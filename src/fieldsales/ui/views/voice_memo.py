"""Spraakmemo: a voice memo for a visit, one tap to start and one to stop, no typing.

The brief asks for a quick "visit done" with a score and a voice memo, so that nobody types in
the car. Three choices follow from "nothing the user saved is ever lost":

* The memo is filed the moment recording stops (``services.visits.add_voice_memo``), not when
  the dialog around it closes. A salesperson who records, is then called away and never taps a
  score still has the memo, with the visit, on its way to the server. Closing the dialog or
  tapping a score while recording stops and files first.
* The recorder (Flet's ``AudioRecorder`` service, flet-audio-recorder) writes into the data
  directory's ``recordings/`` folder (``services.voice_memos``). Once filed, the bytes live
  content-addressed with the other attachments and the recording is removed; when filing
  fails, or the app is killed mid-recording, the recording stays there and is filed with its
  visit at the next start.
* AAC in an ``.m4a`` where the platform records it (Android, iOS, macOS, Windows: about half a
  megabyte a minute at 64 kbit/s mono), WAV elsewhere.

In a browser (the managers' web app) the recorder can hand back only a blob URL that lives in
the browser, or stream raw PCM at a rate the browser picks and does not report; managers do not
record visit memos, so the button is not offered there.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

import flet as ft
import flet_audio_recorder as far

from fieldsales.services import voice_memos
from fieldsales.ui.context import USER_ERRORS, AppContext, user_message
from fieldsales.ui.theme import BIG_TARGET


@dataclass(frozen=True, slots=True)
class Format:
    configuration: far.AudioRecorderConfiguration
    suffix: str


AAC = Format(
    far.AudioRecorderConfiguration(
        encoder=far.AudioEncoder.AACLC, channels=1, sample_rate=44100, bit_rate=64000
    ),
    ".m4a",
)
WAV = Format(
    far.AudioRecorderConfiguration(encoder=far.AudioEncoder.WAV, channels=1, sample_rate=16000),
    ".wav",
)

NO_MICROPHONE = (
    "De app mag de microfoon niet gebruiken. Sta dat toe in de instellingen van uw telefoon of "
    "computer en probeer het opnieuw."
)
CANNOT_RECORD = "Opnemen lukt niet op dit apparaat. Voeg eventueel een opname toe als bijlage."
NOTHING_RECORDED = "Er is niets opgenomen. Probeer het opnieuw."
NOT_CLOSED = (
    "De opname kon niet netjes worden afgesloten. Ze blijft op dit apparaat en wordt bij de "
    "volgende start van de app bij het bezoek bewaard."
)
#: How long the device may take to close a recording before the app stops waiting for it.
STOP_TIMEOUT_S = 10.0
#: The longest recording per format: stopped and filed then, below the 25 MB attachment
#: limit (AAC at 64 kbit/s: about 0.5 MB a minute; WAV at 16 kHz: about 1.9 MB a minute).
MAX_SECONDS = {".m4a": 45 * 60, ".wav": 12 * 60}
#: A memo that cannot be filed says why; a full disk is an OSError, not a service error.
_FILING_ERRORS: tuple[type[Exception], ...] = (*USER_ERRORS, OSError)


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def duration_text(seconds: float) -> str:
    """``0:07``, ``2:45``, ``61:00``: minutes and seconds, as a recorder shows them."""
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def recorded_file(asked: Path, answer: object) -> Path:
    """Where the recording is: the path the app gave, which a phone or desktop records to;
    else the one the recorder answers with (as a path or a ``file:`` URI)."""
    if asked.exists() or not isinstance(answer, str) or not answer:
        return asked
    if answer.startswith("file:"):
        return Path(url2pathname(urlparse(answer).path))
    return Path(answer)


_recorders: weakref.WeakKeyDictionary[AppContext, far.AudioRecorder] = weakref.WeakKeyDictionary()


def recorder_for(ctx: AppContext) -> far.AudioRecorder:
    """One recorder service per app session, made on first use (inside a handler, where Flet
    knows the page it belongs to). The service holds its page weakly: no cycle to the key."""
    recorder = _recorders.get(ctx)
    if recorder is None:
        recorder = far.AudioRecorder()
        _recorders[ctx] = recorder
    return recorder


@dataclass
class _Recording:
    visit_id: str
    path: Path
    format: Format
    started_at: float  # monotonic, for the duration
    started_on: datetime  # the user's clock, for the file name


class VoiceMemoButton:
    """ "Spraakmemo inspreken" / "Stoppen en bewaren", with the running time below it.

    ``stop`` is safe at any moment: while the recorder is still starting it waits for the
    start and then stops, so a score tapped or a screen left during the start never leaves
    the microphone running unseen.
    """

    def __init__(
        self,
        ctx: AppContext,
        *,
        visit_id: Callable[[], str | None],
        on_saved: Callable[[], Any] | None = None,
        key: str,
    ) -> None:
        self.ctx = ctx
        self.visit_id = visit_id
        self.on_saved = on_saved
        self.key = key
        self._recording: _Recording | None = None
        self._starting: asyncio.Event | None = None  # set when the start is over
        self._stopping = False
        self._ticker: asyncio.Task[None] | None = None
        self.button = ft.FilledTonalButton(on_click=self.toggle, height=BIG_TARGET, key=key)
        self.status = ft.Text("", visible=False, key=f"{key}-status")
        self.error = ft.Text("", color=ft.Colors.ERROR, visible=False, key=f"{key}-error")
        self.control = ft.Column(
            [self.button, self.status, self.error], spacing=4, visible=not ctx.page.web
        )
        self._show_idle()

    @property
    def recording(self) -> bool:
        """Recording, or starting to: either way there is a memo to stop and file."""
        return self._recording is not None or self._starting is not None

    async def toggle(self) -> None:
        if self.recording:
            await self.stop()
        else:
            await self.start()

    async def start(self) -> None:
        visit_id = self.visit_id()
        if self.recording or self._stopping or visit_id is None:
            return
        self._starting = asyncio.Event()
        self._show_error(None)
        try:
            recording = await self._start(visit_id)
            if recording is not None:
                self._recording = recording
                self._show_recording()
                self._ticker = asyncio.create_task(self._tick())
        finally:
            self._starting.set()
            self._starting = None
            self.ctx.page.update()

    async def _start(self, visit_id: str) -> _Recording | None:
        recorder = recorder_for(self.ctx)
        if not await self._ask(recorder.has_permission()):
            self._show_error(NO_MICROPHONE)
            return None
        aac = await self._ask(recorder.is_supported_encoder(AAC.configuration.encoder))
        chosen = AAC if aac else WAV
        try:
            path = await asyncio.to_thread(
                voice_memos.new_recording, self.ctx.store, visit_id=visit_id, suffix=chosen.suffix
            )
        except OSError:
            self._show_error(CANNOT_RECORD)
            return None
        started = await self._ask(
            recorder.start_recording(output_path=str(path), configuration=chosen.configuration)
        )
        if not started:
            self._show_error(CANNOT_RECORD)
            return None
        return _Recording(visit_id, path, chosen, time.monotonic(), self.ctx.now())

    async def stop(self) -> bool:
        """Stop recording and file the memo with its visit; True when one was filed."""
        if self._starting is not None:
            await self._starting.wait()
        recording = self._recording
        if recording is None:
            return False
        self._recording = None
        self._stopping = True
        if self._ticker is not None and self._ticker is not asyncio.current_task():
            self._ticker.cancel()
        self._ticker = None
        seconds = time.monotonic() - recording.started_at
        self.button.disabled = True
        self._show_status("De spraakmemo wordt bewaard…")
        self.ctx.page.update()
        try:
            try:
                answer = await asyncio.wait_for(
                    recorder_for(self.ctx).stop_recording(), STOP_TIMEOUT_S
                )
            except Exception:  # no answer, or an error: the recorder may still be writing
                self._show_error(NOT_CLOSED)  # the file is filed at the next start
                return False
            return await self._file(recording, recorded_file(recording.path, answer), seconds)
        finally:
            self._stopping = False
            self.button.disabled = False
            self._show_idle()
            self.ctx.page.update()

    async def _file(self, recording: _Recording, path: Path, seconds: float) -> bool:
        try:
            size = await asyncio.to_thread(_size, path)
            if size == 0:
                self._show_error(NOTHING_RECORDED)
                return False
            if path != recording.path:  # recorded elsewhere: into recordings/ before filing
                await asyncio.to_thread(shutil.move, path, recording.path)
            await asyncio.to_thread(
                voice_memos.file_recording,
                self.ctx.store,
                actor=self.ctx.actor,
                visit_id=recording.visit_id,
                path=recording.path,
                spoken_on=recording.started_on,
            )
        except _FILING_ERRORS as exc:
            # The recording stays in recordings/ and is filed at the next start if it can be.
            reason = user_message(exc) if isinstance(exc, USER_ERRORS) else "het apparaat is vol"
            self._show_error(f"De spraakmemo kon niet bij het bezoek worden bewaard: {reason}.")
            return False
        self.ctx.data_changed()  # the background sync sends the record, then the bytes
        self.ctx.toast(
            f"Spraakmemo van {duration_text(seconds)} bewaard bij het bezoek; hij wordt "
            "verstuurd bij de synchronisatie."
        )
        if self.on_saved is not None:
            self.on_saved()
        return True

    async def _tick(self) -> None:
        """The running time, once a second, so the user sees the recorder is listening; at
        the longest a memo may be, it is stopped and filed."""
        with contextlib.suppress(asyncio.CancelledError):
            while (recording := self._recording) is not None:
                elapsed = time.monotonic() - recording.started_at
                if elapsed >= MAX_SECONDS[recording.format.suffix]:
                    await self.stop()
                    return
                self._show_status(f"Opname loopt · {duration_text(elapsed)}")
                self.ctx.page.update()
                await asyncio.sleep(1)

    @staticmethod
    async def _ask(call: Any, default: Any = False) -> Any:
        """A call to the recorder on the device; a device without one answers with an error."""
        try:
            return await call
        except Exception:
            return default

    # --- what the user sees -----------------------------------------------------------------

    def _show_idle(self) -> None:
        self.button.content = "Spraakmemo inspreken"
        self.button.icon = ft.Icons.MIC
        self.button.tooltip = "Neem een spraakmemo op bij dit bezoek; tik nogmaals om te stoppen"
        self.button.bgcolor = None
        self.button.color = None
        self.status.visible = False

    def _show_recording(self) -> None:
        self.button.content = "Stoppen en bewaren"
        self.button.icon = ft.Icons.STOP
        self.button.tooltip = "Stop de opname; de spraakmemo wordt bij het bezoek bewaard"
        self.button.bgcolor = ft.Colors.ERROR_CONTAINER
        self.button.color = ft.Colors.ON_ERROR_CONTAINER
        self._show_status("Opname loopt · 0:00")

    def _show_status(self, text: str) -> None:
        self.status.value = text
        self.status.visible = True

    def _show_error(self, message: str | None) -> None:
        self.error.value = message or ""
        self.error.visible = message is not None
        if message is not None:
            self.ctx.toast(message)


def file_leftover_memos(ctx: AppContext) -> None:
    """At the app's start: recordings an interrupted app left behind are filed with their
    visits (``services.voice_memos.file_leftover_recordings``), and the user is told."""
    try:
        filed = voice_memos.file_leftover_recordings(ctx.store, actor=ctx.actor)
    except USER_ERRORS as exc:
        ctx.toast(user_message(exc))
        return
    except OSError:  # an unreadable folder must not keep the app from starting
        return
    if not filed:
        return
    ctx.data_changed()
    ctx.toast(
        "Een onderbroken spraakmemo is alsnog bij het bezoek bewaard."
        if len(filed) == 1
        else f"{len(filed)} onderbroken spraakmemo's zijn alsnog bij hun bezoek bewaard."
    )
