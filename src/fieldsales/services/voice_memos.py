"""Voice memo recordings on the device, from the microphone to an attachment of their visit.

The recorder writes into ``recordings/`` next to the store, one file per recording, named for
its visit (``<visit id>~<random>.m4a``). The app files a recording with its visit when it stops
(``visits.add_voice_memo``) and then removes it. A recording that is still there at the next
start was cut off: the app was killed, the battery ran flat. ``file_leftover_recordings`` files
it with its visit then, so nothing spoken is lost; the name says it was interrupted, because an
AAC file cut off mid-write may not play everywhere (WAV does).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
import uuid
from datetime import datetime
from pathlib import Path

from sqlmodel import select

from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Attachment
from fieldsales.services.attachments import prepare_attachment
from fieldsales.services.errors import ServiceError
from fieldsales.services.visits import add_voice_memo
from fieldsales.store import Store

log = logging.getLogger(__name__)

#: The folder next to the store where recordings wait until they are filed.
RECORDINGS_DIR = "recordings"
#: A recording written to within this many seconds may still be recording: left alone.
STILL_RECORDING_S = 30.0

CONTENT_TYPES = {".m4a": "audio/mp4", ".wav": "audio/wav"}


def recordings_dir(store: Store) -> Path:
    return store.path.parent / RECORDINGS_DIR


def new_recording(store: Store, *, visit_id: str, suffix: str) -> Path:
    """Where the recorder writes the next memo for ``visit_id`` (the folder is made)."""
    folder = recordings_dir(store)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{visit_id}~{uuid.uuid4().hex}{suffix}"


def memo_filename(spoken_on: datetime, suffix: str, *, interrupted: bool = False) -> str:
    """What the attachment list shows: the day and time it was spoken."""
    note = " (onderbroken)" if interrupted else ""
    return f"Spraakmemo {spoken_on:%d-%m-%Y %H.%M}{note}{suffix}"


def file_recording(
    store: Store,
    *,
    actor: Actor,
    visit_id: str,
    path: Path,
    spoken_on: datetime,
    interrupted: bool = False,
) -> Attachment:
    """Copy the recording into the attachments and file it with its visit, then remove it.
    On an error the recording stays where it is."""
    suffix = path.suffix.lower()
    memo = prepare_attachment(
        store,
        filename=memo_filename(spoken_on, suffix, interrupted=interrupted),
        content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"),
        path=path,
    )
    add_voice_memo(store, actor=actor, visit_id=visit_id, memo=memo)
    # Filed: the bytes are with the attachments now. A recording that cannot be removed (held
    # open on Windows) is recognised by its bytes at the next start and not filed twice.
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
    return memo


def _already_filed(store: Store, visit_id: str, path: Path) -> bool:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    with store.read() as session:
        found = session.exec(
            select(Attachment.id).where(
                Attachment.record_id == visit_id, Attachment.sha256 == digest.hexdigest()
            )
        ).first()
    return found is not None


def file_leftover_recordings(
    store: Store, *, actor: Actor, now: float | None = None
) -> list[Attachment]:
    """File the recordings an interrupted app left behind with their visits; see the module.

    Each is filed in its own transaction, so one that cannot be filed holds up no other. One
    written to in the last ``STILL_RECORDING_S`` may still be recording (another window) and is
    left; an empty one is removed; one already filed (its removal failed) is only removed. One
    for a visit this user cannot file to (another user's, one deleted since) stays in the
    folder, logged, rather than being thrown away.
    """
    folder = recordings_dir(store)
    if not folder.is_dir():
        return []
    moment = time.time() if now is None else now
    filed: list[Attachment] = []
    for path in sorted(folder.iterdir()):
        visit_id, marker, _ = path.name.partition("~")
        if not marker or not path.is_file():
            continue
        try:
            stat = path.stat()
            if moment - stat.st_mtime < STILL_RECORDING_S:
                continue
            if stat.st_size == 0 or _already_filed(store, visit_id, path):
                path.unlink(missing_ok=True)
                continue
            spoken_on = datetime.fromtimestamp(stat.st_mtime).astimezone()
            filed.append(
                file_recording(
                    store,
                    actor=actor,
                    visit_id=visit_id,
                    path=path,
                    spoken_on=spoken_on,
                    interrupted=True,
                )
            )
        except (ServiceError, OSError) as exc:  # a full disk, a visit gone: next time
            log.warning("recording %s left in place: %s", path.name, exc)
    return filed
