"""Attachment bytes on the device: content-addressed files next to the store, and their rows.

A voice memo, photo or quote PDF is a file ``<store dir>/attachments/<sha[:2]>/<sha256>``,
named by its content hash like the server names it, so the same bytes are kept once and a
record (``attachments``) can point at them by hash alone. Files are written atomically: a
temporary file in the same directory, ``fsync``, ``rename``, ``fsync`` of the directory. A
service writes the file *before* it commits the record that names it, so a committed record
never points at bytes that are not on disk; a crash in between leaves at worst a file no record
names (harmless: content-addressed, and the next add of the same bytes reuses it).

``attachment_files`` (see ``local_tables``) keeps per hash what the sync's attachment phase
still has to do: upload, download, or nothing. Rows are written in the caller's transaction.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from fieldsales.records import Attachment
from fieldsales.records.base import utcnow
from fieldsales.store.local_tables import attachment_files

#: Largest attachment the app accepts; the server's default limit (``attachment_max_bytes``).
MAX_BYTES = 25 * 1024 * 1024
DIRECTORY = "attachments"
_COPY_BLOCK = 1024 * 1024

#: Rows whose bytes are complete on this device.
HAVE_BYTES = ("upload", "uploading", "uploaded", "downloaded")
_records = Attachment.__table__  # type: ignore[attr-defined]


def megabytes(size: int) -> str:
    """``26214400`` -> ``"25 MB"``, ``1572864`` -> ``"1,5 MB"`` (Dutch decimal comma)."""
    text = f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + " MB"


def too_large_message(size: int, max_bytes: int) -> str:
    """What the user reads when an attachment is over the limit (same words as the server)."""
    return (
        f"De bijlage is te groot ({megabytes(size)}); het maximum is {megabytes(max_bytes)}. "
        "Verklein de foto of het bestand, of maak een kortere opname."
    )


class AttachmentTooLargeError(ValueError):
    """The bytes are larger than ``max_bytes``; nothing was written."""

    def __init__(self, size: int, max_bytes: int) -> None:
        super().__init__(f"{size} bytes > {max_bytes}")
        self.size = size
        self.max_bytes = max_bytes


@dataclass(frozen=True, slots=True)
class StoredBytes:
    sha256: str
    size_bytes: int
    relative_path: str  # to the store's directory


def relative_path(sha256: str) -> str:
    return f"{DIRECTORY}/{sha256[:2]}/{sha256}"


def root(store_path: Path) -> Path:
    """The directory the store file is in: attachment paths are relative to it."""
    return store_path.parent


def absolute(store_path: Path, relative: str) -> Path:
    return root(store_path) / relative


def file_for(store_path: Path, sha256: str) -> Path:
    return absolute(store_path, relative_path(sha256))


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles (Windows)
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as source:
        while block := source.read(_COPY_BLOCK):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def write_bytes(
    store_path: Path,
    *,
    data: bytes | None = None,
    source: Path | None = None,
    max_bytes: int = MAX_BYTES,
) -> StoredBytes:
    """Put ``data`` (or a copy of the file ``source``) into the content-addressed directory,
    durably, and return its hash; raises ``AttachmentTooLargeError`` above ``max_bytes``."""
    if (data is None) == (source is None):
        raise ValueError("give exactly one of data and source")
    base = root(store_path) / DIRECTORY
    base.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, temp_name = tempfile.mkstemp(prefix=".incoming-", dir=base)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as target:
            if data is not None:
                if len(data) > max_bytes:
                    raise AttachmentTooLargeError(len(data), max_bytes)
                digest.update(data)
                size = len(data)
                target.write(data)
            else:
                assert source is not None
                with source.open("rb") as reader:
                    while block := reader.read(_COPY_BLOCK):
                        size += len(block)
                        if size > max_bytes:  # checked while copying: the file may grow
                            raise AttachmentTooLargeError(size, max_bytes)
                        digest.update(block)
                        target.write(block)
            target.flush()
            os.fsync(target.fileno())
        sha256 = digest.hexdigest()
        final = file_for(store_path, sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists() and final.stat().st_size == size:
            temp.unlink()  # the same bytes are here already
        else:
            os.replace(temp, final)
            _fsync_dir(final.parent)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return StoredBytes(sha256, size, relative_path(sha256))


def install_download(part: Path, final: Path) -> None:
    """Move a verified ``.part`` file into place, durably."""
    with part.open("rb+") as handle:
        os.fsync(handle.fileno())
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(part, final)
    _fsync_dir(final.parent)


def append_durably(part: Path, data: bytes) -> int:
    """Append ``data`` to ``part`` and ``fsync``; returns the new size."""
    part.parent.mkdir(parents=True, exist_ok=True)
    with part.open("ab") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
        return handle.tell()


def read_chunk(path: Path, offset: int, size: int) -> bytes:
    with path.open("rb") as handle:
        handle.seek(offset)
        return handle.read(size)


# --- rows ----------------------------------------------------------------------------------------


def get_row(session: Session, sha256: str) -> Any:
    return session.execute(
        select(attachment_files).where(attachment_files.c.sha256 == sha256)
    ).first()


def note_local_bytes(session: Session, stored: StoredBytes) -> None:
    """The bytes are on this device now: upload them unless that is done or under way."""
    row = get_row(session, stored.sha256)
    if row is None:
        session.execute(
            insert(attachment_files).values(
                sha256=stored.sha256,
                size_bytes=stored.size_bytes,
                path=stored.relative_path,
                state="upload",
                transferred=0,
                attempts=0,
                updated_at=utcnow(),
            )
        )
    elif row.state not in HAVE_BYTES:
        set_state(session, stored.sha256, "upload", transferred=0)


def set_state(
    session: Session,
    sha256: str,
    state: str,
    *,
    transferred: int | None = None,
    error: tuple[str, str] | None = None,
    attempt: bool = False,
) -> None:
    values: dict[str, Any] = {
        "state": state,
        "updated_at": utcnow(),
        "error_code": error[0] if error else None,
        "error_message": error[1] if error else None,
    }
    if transferred is not None:
        values["transferred"] = transferred
    if attempt:
        values["attempts"] = attachment_files.c.attempts + 1
    session.execute(
        update(attachment_files).where(attachment_files.c.sha256 == sha256).values(**values)
    )


def adopt_records(session: Session, store_path: Path) -> int:
    """Give every live ``attachments`` record whose bytes have no row one: ``upload`` when the
    file is here (a service wrote it, e.g. a voice memo filed with its visit), else
    ``download``. Returns how many rows were added."""
    missing = session.execute(
        select(_records.c.sha256, func.max(_records.c.size_bytes))
        .outerjoin(attachment_files, attachment_files.c.sha256 == _records.c.sha256)
        .where(_records.c.deleted.is_(False), attachment_files.c.sha256.is_(None))
        .group_by(_records.c.sha256)
    ).all()
    now = utcnow()
    for sha256, size in missing:
        path = file_for(store_path, sha256)
        here = path.exists() and path.stat().st_size == size
        session.execute(
            insert(attachment_files).values(
                sha256=sha256,
                size_bytes=int(size),
                path=relative_path(sha256),
                state="upload" if here else "download",
                transferred=0,
                attempts=0,
                updated_at=now,
            )
        )
    return len(missing)


def rows_in(session: Session, *states: str) -> list[Any]:
    return list(
        session.execute(
            select(attachment_files)
            .where(attachment_files.c.state.in_(states))
            .order_by(attachment_files.c.updated_at)
        ).all()
    )


def downloads_newest_first(session: Session) -> list[Any]:
    """Rows to download, the bytes of the most recent live records first."""
    newest = func.max(_records.c.created_at).label("newest")
    return list(
        session.execute(
            select(attachment_files, newest)
            .join(_records, _records.c.sha256 == attachment_files.c.sha256)
            .where(attachment_files.c.state == "download", _records.c.deleted.is_(False))
            .group_by(attachment_files.c.sha256)
            .order_by(newest.desc())
        ).all()
    )


def record_ids_for(session: Session, sha256: str) -> list[str]:
    return list(
        session.execute(
            select(_records.c.id).where(_records.c.sha256 == sha256, _records.c.deleted.is_(False))
        ).scalars()
    )


def counts(session: Session) -> dict[str, int]:
    return {
        state: int(count)
        for state, count in session.execute(
            select(attachment_files.c.state, func.count()).group_by(attachment_files.c.state)
        ).all()
    }
