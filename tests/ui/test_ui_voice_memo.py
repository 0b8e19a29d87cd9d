"""Spraakmemo: recorded in the quick "visit done" and in the visit report, filed with the visit
the moment recording stops, kept when the dialog is cancelled, the score is tapped or the screen
is left mid-recording (or the app killed); a refused microphone said in Dutch; no recording in
the managers' browser. Memos play in the app, one at a time.

The recorder and the player are driven the way the Flutter client answers Flet's
``AudioRecorder`` and ``Audio`` services: the harness answers their method calls, "stop" leaves
the recorded bytes at the path the app gave, and the end of playing comes as a state event.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path
from typing import Any

import flet_audio as fa
import pytest
from flet_harness import FletHarness
from sqlmodel import select
from test_ui_attachments import attach
from ui_data import Day, clock

from fieldsales.domain.enums import VisitStatus
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Attachment, Visit
from fieldsales.services import voice_memos
from fieldsales.services.attachments import attachment_state
from fieldsales.services.voice_memos import RECORDINGS_DIR
from fieldsales.store import Store
from fieldsales.store import attachment_files as files
from fieldsales.ui.main import build_app
from fieldsales.ui.views import memo_player
from fieldsales.ui.views import voice_memo as ui_voice_memo
from fieldsales.ui.views.voice_memo import (
    NO_MICROPHONE,
    NOT_CLOSED,
    NOTHING_RECORDED,
    duration_text,
    recorded_file,
)


class Microphone:
    """The device's side of ``AudioRecorder``: permission, encoders, and a file at "stop"."""

    def __init__(
        self,
        h: FletHarness,
        *,
        allowed: bool = True,
        aac: bool = True,
        records: bool = True,
        closes: bool = True,
    ) -> None:
        self.allowed, self.aac, self.records, self.closes = allowed, aac, records, closes
        self.audio = b"\x00\x00\x00\x18ftypM4A " + os.urandom(30_000)
        self.started: list[dict[str, Any]] = []
        self.stops = 0
        self.path: str | None = None
        handlers = h.conn.method_handlers
        handlers[("AudioRecorder", "has_permission")] = lambda: self.allowed
        handlers[("AudioRecorder", "is_supported_encoder")] = lambda encoder: self.aac
        handlers[("AudioRecorder", "start_recording")] = self.start
        handlers[("AudioRecorder", "stop_recording")] = self.stop

    def start(self, output_path: str, configuration: Any, upload: Any) -> bool:
        self.started.append({"path": output_path, "encoder": configuration.encoder})
        self.path = output_path
        return True

    def stop(self) -> str | None:
        self.stops += 1
        assert self.path is not None
        Path(self.path).write_bytes(self.audio if self.records else b"")
        if not self.closes:
            raise RuntimeError("MediaRecorder: stop failed")
        return self.path


async def launch(store: Store, actor: Actor, *, platform: str | None = "android") -> FletHarness:
    h = await FletHarness().start(
        lambda page: build_app(page, store=store, actor=actor, clock=clock)
    )
    if platform is not None:
        h.session.apply_page_patch({"web": False, "platform": platform})
        await h.settle()
    return h


def stored(store: Store, visit_id: str) -> Visit:
    with store.read() as session:
        visit = session.get(Visit, visit_id)
        assert visit is not None
        return visit


def memos(store: Store) -> list[Attachment]:
    with store.read() as session:
        return list(session.exec(select(Attachment)).all())


def recordings(store: Store) -> list[Path]:
    folder = store.path.parent / RECORDINGS_DIR
    return sorted(folder.iterdir()) if folder.exists() else []


async def test_a_memo_spoken_in_the_quick_done_is_filed_with_the_visit_at_stop(
    store: Store, actor: Actor, day: Day
) -> None:
    h = await launch(store, actor)
    mic = Microphone(h)
    before = int(h.get(key="sync-count", include_hidden=True).value)
    await h.click(h.get(key="visit-done"))
    visit = day.visits[1]  # 11:30 now: the 11:00 visit is preselected
    button = h.get(key="done-memo")
    assert button.content == "Spraakmemo inspreken"

    await h.click(button)
    [started] = mic.started
    assert started["encoder"].value == "aacLc"
    recording = Path(started["path"])
    assert recording.parent == store.path.parent / RECORDINGS_DIR
    assert recording.name.startswith(f"{visit.id}~")  # a cut-off recording knows its visit
    assert recording.suffix == ".m4a"
    assert button.content == "Stoppen en bewaren"
    assert h.get(key="done-memo-status").value.startswith("Opname loopt · 0:0")
    assert memos(store) == []  # nothing filed while it records

    await h.click(button)
    assert h.crashes() == []
    [memo] = memos(store)
    assert memo.filename == "Spraakmemo 27-11-2026 11.30.m4a"
    assert (memo.content_type, memo.record_collection, memo.record_id) == (
        "audio/mp4",
        "visits",
        visit.id,
    )
    assert memo.customer_id == visit.customer_id
    assert memo.sha256 == hashlib.sha256(mic.audio).hexdigest()
    assert files.file_for(store.path, memo.sha256).read_bytes() == mic.audio
    assert recordings(store) == []  # the recording is gone once its bytes are filed
    saved = stored(store, visit.id)
    assert saved.voice_memo_attachment_id == memo.id
    assert saved.status is VisitStatus.PLANNED  # the memo alone does not close the visit
    assert h.snack_texts()[-1].startswith("Spraakmemo van 0:0")
    assert button.content == "Spraakmemo inspreken"
    # the visit's change and the memo's record wait for the sync (the bytes follow them)
    assert int(h.get(key="sync-count", include_hidden=True).value) == before + 2

    await h.click(h.get(key="score-4"))
    done = stored(store, visit.id)
    assert (done.status, done.satisfaction) == (VisitStatus.REPORTED, 4)
    assert done.voice_memo_attachment_id == memo.id


async def recording_in_quick_done(store: Store, actor: Actor) -> tuple[FletHarness, Microphone]:
    """The quick "visit done" open on a phone, its memo being recorded."""
    h = await launch(store, actor)
    mic = Microphone(h)
    await h.click(h.get(key="visit-done"))
    await h.click(h.get(key="done-memo"))
    assert mic.started
    return h, mic


async def test_a_score_tapped_while_recording_stops_and_files_the_memo_first(
    store: Store, actor: Actor, day: Day
) -> None:
    h, mic = await recording_in_quick_done(store, actor)
    await h.click(h.get(key="score-5"))
    assert h.crashes() == []
    assert mic.stops == 1
    [memo] = memos(store)
    done = stored(store, day.visits[1].id)
    assert (done.status, done.satisfaction) == (VisitStatus.REPORTED, 5)
    assert done.voice_memo_attachment_id == memo.id


async def test_cancelling_while_recording_keeps_the_memo(
    store: Store, actor: Actor, day: Day
) -> None:
    h, mic = await recording_in_quick_done(store, actor)
    [dialog] = h.dialogs()
    # another visit cannot be chosen while the memo for this one is spoken
    await h.click(h.get(key=f"choose-{day.visits[0].id}"))
    assert h.get(key=f"choose-{day.visits[1].id}").selected
    assert h.snack_texts()[-1] == "Stop eerst de opname: die hoort bij het gekozen bezoek."

    await h.click(h.get(key="done-cancel"))
    assert mic.stops == 1
    assert not dialog.open
    [memo] = memos(store)
    kept = stored(store, day.visits[1].id)
    assert kept.voice_memo_attachment_id == memo.id
    assert kept.status is VisitStatus.PLANNED  # the score was cancelled, not the memo


async def test_tapping_beside_the_dialog_while_recording_keeps_the_memo(
    store: Store, actor: Actor, day: Day
) -> None:
    h, mic = await recording_in_quick_done(store, actor)
    [dialog] = h.dialogs()
    dialog.open = False  # what Flutter does on a tap beside a non-modal dialog, then says so
    await h.session.dispatch_event(dialog._i, "dismiss", None)
    await h.settle()
    assert mic.stops == 1
    [memo] = memos(store)
    assert stored(store, day.visits[1].id).voice_memo_attachment_id == memo.id


async def test_a_stop_while_the_recorder_is_still_starting_waits_and_files(
    store: Store, actor: Actor, day: Day
) -> None:
    h, mic = await recording_in_quick_done(store, actor)
    await h.click(h.get(key="done-memo"))  # a first memo: the recorder service is there now
    memo_button = h.get(key="done-memo").on_click.__self__
    # A score tapped while "start" still waits for the device: the stop waits for the start,
    # then stops and files; the microphone is never left on unseen.
    await asyncio.gather(memo_button.start(), memo_button.stop())
    assert len(mic.started) == 2
    assert mic.stops == 2
    assert not memo_button.recording
    assert len(memos(store)) == 2


async def test_a_recording_the_device_cannot_close_is_kept_for_the_next_start(
    store: Store, actor: Actor, day: Day
) -> None:
    h = await launch(store, actor)
    Microphone(h, closes=False)
    await h.click(h.get(key="visit-done"))
    await h.click(h.get(key="done-memo"))
    await h.click(h.get(key="score-3"))  # the score is saved all the same
    assert h.crashes() == []
    assert h.snack_texts()[-1] == NOT_CLOSED  # said last, after "afgerond"
    assert memos(store) == []
    [kept] = recordings(store)
    assert stored(store, day.visits[1].id).satisfaction == 3
    old = kept.stat().st_mtime - 600
    os.utime(kept, (old, old))
    await launch(store, actor)  # the next start files it with its visit
    [memo] = memos(store)
    assert stored(store, day.visits[1].id).voice_memo_attachment_id == memo.id


async def test_a_memo_that_cannot_be_filed_says_why_and_keeps_the_recording(
    store: Store, actor: Actor, day: Day, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(voice_memos, "file_recording", full_disk)
    h, _ = await recording_in_quick_done(store, actor)
    await h.click(h.get(key="done-memo"))
    assert h.crashes() == []
    assert h.get(key="done-memo-error").value == (
        "De spraakmemo kon niet bij het bezoek worden bewaard: het apparaat is vol."
    )
    assert memos(store) == []
    assert len(recordings(store)) == 1


async def test_a_memo_at_its_longest_is_stopped_and_filed(
    store: Store, actor: Actor, day: Day, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ui_voice_memo, "MAX_SECONDS", {".m4a": 0, ".wav": 0})
    h, mic = await recording_in_quick_done(store, actor)
    await h.wait_until(lambda: memos(store) != [], what="the memo stopped at its longest")
    assert mic.stops == 1
    assert h.get(key="done-memo").content == "Spraakmemo inspreken"


async def test_a_refused_microphone_is_said_in_dutch_and_nothing_is_recorded(
    store: Store, actor: Actor, day: Day
) -> None:
    h = await launch(store, actor)
    mic = Microphone(h, allowed=False)
    await h.click(h.get(key="visit-done"))
    await h.click(h.get(key="done-memo"))
    assert mic.started == []
    assert h.get(key="done-memo-error").value == NO_MICROPHONE
    assert h.get(key="done-memo").content == "Spraakmemo inspreken"
    assert memos(store) == []


async def test_an_empty_recording_is_not_filed(store: Store, actor: Actor, day: Day) -> None:
    h = await launch(store, actor)
    Microphone(h, records=False)
    await h.click(h.get(key="visit-done"))
    await h.click(h.get(key="done-memo"))
    await h.click(h.get(key="done-memo"))
    assert h.get(key="done-memo-error").value == NOTHING_RECORDED
    assert memos(store) == []
    assert stored(store, day.visits[1].id).voice_memo_attachment_id is None


async def test_without_aac_on_the_device_the_memo_is_a_wav(
    store: Store, actor: Actor, day: Day
) -> None:
    h = await launch(store, actor, platform="linux")
    mic = Microphone(h, aac=False)
    await h.click(h.get(key="visit-done"))
    await h.click(h.get(key="done-memo"))
    await h.click(h.get(key="done-memo"))
    assert mic.started[0]["encoder"].value == "wav"
    [memo] = memos(store)
    assert (memo.filename, memo.content_type) == ("Spraakmemo 27-11-2026 11.30.wav", "audio/wav")


async def test_in_the_managers_browser_there_is_no_memo_button(
    store: Store, actor: Actor, day: Day
) -> None:
    h = await launch(store, actor, platform=None)  # the harness is a browser session
    assert h.page.web
    await h.click(h.get(key="visit-done"))
    assert not h.get(key="done-memo", include_hidden=True).parent.visible


async def recording_in_report(
    store: Store, actor: Actor, visit: Visit
) -> tuple[FletHarness, Microphone]:
    """The visit's report open on a phone, before any attachment, its memo being recorded."""
    h = await launch(store, actor)
    mic = Microphone(h)
    await h.click(h.get(key=f"report-{visit.id}"))
    assert h.has_text("Nog geen bijlagen bij dit bezoek.")
    await h.click(h.get(key="report-memo"))
    assert mic.started
    return h, mic


async def test_in_the_visit_report_a_memo_joins_the_attachments(
    store: Store, actor: Actor, day: Day
) -> None:
    visit = day.visits[0]
    h, mic = await recording_in_report(store, actor, visit)
    await h.click(h.get(key="report-memo"))
    assert h.crashes() == []
    [memo] = memos(store)
    assert memo.record_id == visit.id
    assert attachment_state(store, attachment_id=memo.id) == "unknown"  # adopted at next sync
    subtitle = h.get(key=f"attachment-state-{memo.id}").value
    assert subtitle == "Spraakmemo · 29 kB · Wacht op verzending"
    assert stored(store, visit.id).voice_memo_attachment_id == memo.id
    assert mic.stops == 1


async def test_leaving_the_report_while_recording_files_the_memo(
    store: Store, actor: Actor, day: Day
) -> None:
    visit = day.visits[0]
    h, mic = await recording_in_report(store, actor, visit)
    await h.click(h.get(key="back"))
    await h.wait_until(lambda: memos(store) != [], what="the memo filed")
    assert mic.stops == 1
    [memo] = memos(store)
    assert stored(store, visit.id).voice_memo_attachment_id == memo.id
    assert recordings(store) == []


async def test_a_recording_cut_off_by_a_killed_app_is_filed_at_the_next_start(
    store: Store, actor: Actor, day: Day
) -> None:
    visit = day.visits[2]
    folder = store.path.parent / RECORDINGS_DIR
    folder.mkdir()
    cut_off = folder / f"{visit.id}~a1b2.wav"
    cut_off.write_bytes(b"RIFF" + b"\x01" * 20_000)
    old = cut_off.stat().st_mtime - 600
    os.utime(cut_off, (old, old))
    h = await launch(store, actor)
    assert h.crashes() == []
    [memo] = memos(store)
    assert memo.filename.endswith(" (onderbroken).wav")
    assert stored(store, visit.id).voice_memo_attachment_id == memo.id
    assert not cut_off.exists()
    assert h.snack_texts() == ["Een onderbroken spraakmemo is alsnog bij het bezoek bewaard."]


def test_durations_read_like_a_recorder() -> None:
    assert [duration_text(s) for s in (0, 7.9, 60, 165, 3660)] == [
        "0:00",
        "0:07",
        "1:00",
        "2:45",
        "61:00",
    ]


# --- listening -----------------------------------------------------------------------------------


class Speaker:
    """The device's side of the ``Audio`` services: each one reports "loaded" once it is on
    the client, then what it was asked to play, releases, and the end of playing."""

    def __init__(self, h: FletHarness, *, loads: bool = True) -> None:
        self.h = h
        self.played: list[bytes] = []
        self.released = 0
        self.loaded: set[int] = set()
        h.conn.method_handlers[("Audio", "play")] = self.play
        h.conn.method_handlers[("Audio", "release")] = self.release
        self.task = asyncio.get_running_loop().create_task(self._load() if loads else _idle())

    def services(self) -> list[fa.Audio]:
        return [c for c in self.h.all_controls() if isinstance(c, fa.Audio)]

    async def _load(self) -> None:
        while True:
            for audio in self.services():
                if audio._i not in self.loaded:
                    self.loaded.add(audio._i)
                    await self.h.session.dispatch_event(audio._i, "loaded", None)
            await asyncio.sleep(0.005)

    def play(self, position: Any = 0) -> None:
        [audio] = [a for a in self.services() if a._i == max(a._i for a in self.services())]
        assert isinstance(audio.src, bytes)
        self.played.append(audio.src)

    def release(self) -> None:
        self.released += 1

    async def finish(self) -> None:
        """The memo played to its end: the client reports the state change."""
        await self.h.session.dispatch_event(
            max(self.loaded), "state_change", {"state": "completed"}
        )
        await self.h.settle()


async def _idle() -> None:
    await asyncio.Event().wait()


def play_button(h: FletHarness, memo: Attachment) -> Any:
    return h.get(key=f"attachment-play-{memo.id}")


async def test_a_memo_plays_in_the_visit_report_and_its_button_follows_the_player(
    store: Store, actor: Actor, day: Day
) -> None:
    visit = day.visits[0]
    spoken = b"RIFF" + os.urandom(8_000)
    first = attach(store, actor, visit, "Spraakmemo 27-11-2026 09.40.wav", "audio/wav", spoken)
    second = attach(
        store, actor, visit, "Spraakmemo 27-11-2026 09.55.m4a", "audio/mp4", os.urandom(4_000)
    )
    photo = attach(store, actor, visit, "schap.jpg", "image/jpeg", b"\xff\xd8" + os.urandom(100))
    h = await launch(store, actor)
    speaker = Speaker(h)
    await h.click(h.get(key=f"report-{visit.id}"))
    assert not h.find(key=f"attachment-play-{photo.id}")  # only memos play
    button = play_button(h, first)
    assert button.tooltip == "Afspelen: Spraakmemo 27-11-2026 09.40.wav"

    await h.click(button)
    assert h.crashes() == []
    assert speaker.played == [spoken]  # the memo's own bytes, which play in a browser too
    assert play_button(h, first).tooltip == "Stoppen: Spraakmemo 27-11-2026 09.40.wav"
    await speaker.finish()
    assert play_button(h, first).tooltip == "Afspelen: Spraakmemo 27-11-2026 09.40.wav"

    # Starting another memo stops the one playing; tapping "Stoppen" stops it.
    await h.click(play_button(h, first))
    await h.click(play_button(h, second))
    assert speaker.released == 1
    assert play_button(h, first).tooltip.startswith("Afspelen")
    assert play_button(h, second).tooltip.startswith("Stoppen")
    await h.click(play_button(h, second))
    assert speaker.released == 2
    assert play_button(h, second).tooltip.startswith("Afspelen")
    speaker.task.cancel()


async def test_a_memo_stopped_while_it_loads_does_not_start_after_all(
    store: Store, actor: Actor, day: Day, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(memo_player, "LOAD_WAIT_S", 0.3)
    visit = day.visits[0]
    memo = attach(store, actor, visit, "Spraakmemo.wav", "audio/wav", b"RIFF" + bytes(4_000))
    h = await launch(store, actor)
    speaker = Speaker(h, loads=False)  # the device is slow to report it loaded
    await h.click(h.get(key=f"report-{visit.id}"))
    first_tap = asyncio.get_running_loop().create_task(h.click(play_button(h, memo)))
    await h.wait_until(lambda: play_button(h, memo).tooltip.startswith("Stoppen"))
    await h.click(play_button(h, memo))  # stopped before it loaded
    await first_tap
    assert speaker.played == []
    assert play_button(h, memo).tooltip.startswith("Afspelen")
    speaker.task.cancel()


def test_the_recording_is_where_the_app_asked_else_where_the_recorder_says(
    tmp_path: Path,
) -> None:
    asked = tmp_path / "v~1.m4a"
    elsewhere = tmp_path / "elders.m4a"
    elsewhere.write_bytes(b"x")
    assert recorded_file(asked, f"file://{elsewhere}") == elsewhere
    assert recorded_file(asked, str(elsewhere)) == elsewhere
    assert recorded_file(asked, None) == asked
    asked.write_bytes(b"y")
    assert recorded_file(asked, str(elsewhere)) == asked
