"""Attachment bytes on the server: content-addressed blobs per tenant, uploaded in chunks.

Voice memos, photos and quote PDFs travel apart from the records (an ``attachments`` record
names its bytes by SHA-256), so a record never waits for its bytes and a broken upload never
costs more than the chunk that was on the line.

Why this shape:

- The bytes live in the database (``attachment_blobs`` + ``attachment_chunks``), on SQLite and
  PostgreSQL alike: one backup holds records and attachments together, and there is no second
  store to keep consistent with the first.
- Content-addressed per tenant: the same photo sent twice (or by two people) is stored once; an
  upload of a blob the tenant already has answers "complete" at once.
- An upload is a series of ``PUT ?offset=N&total=T``. The server appends only at the offset it
  has reached (``received``); a chunk re-sent after a lost answer is recognised and ignored, a
  chunk from further on is refused with 409 and the offset to continue from. The size limit is
  checked on the declared total before a byte is stored. When ``received == total`` the whole
  is hashed; a mismatch discards the partial data (422 ``checksum_mismatch``) so a corrupt blob
  can never be served.
- Downloading needs a live ``attachments`` record in the user's scope that names the blob (the
  same rule as pulling the record), or that the user started its upload.

The routes are in ``routes/attachments.py``; the protocol is described in
docs/sync-protocol.md ("Attachments").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from fieldsales.server.db import read_transaction, write_transaction
from fieldsales.server.errors import (
    ApiError,
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
    PayloadTooLargeError,
)
from fieldsales.server.models import attachment_blobs, attachment_chunks, records, utcnow
from fieldsales.server.scope import Principal, can_read_owner
from fieldsales.server.settings import Settings

SHA256_PATTERN = r"^[0-9a-f]{64}$"
_SHA256 = re.compile(SHA256_PATTERN)
ATTACHMENTS = "attachments"


def megabytes(size: int) -> str:
    """``26214400`` -> ``"25 MB"``, ``1572864`` -> ``"1,5 MB"`` (Dutch decimal comma)."""
    value = size / (1024 * 1024)
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + " MB"


class AttachmentTooLargeError(ApiError):
    status_code = 413
    code = "attachment_too_large"
    message = "De bijlage is te groot."


class ChecksumMismatchError(ApiError):
    status_code = 422
    code = "checksum_mismatch"
    message = (
        "De bijlage kwam beschadigd aan (de controlesom klopt niet) en is niet bewaard. "
        "Verstuur haar opnieuw."
    )


class RangeNotSatisfiableError(ApiError):
    status_code = 416
    code = "range_not_satisfiable"
    message = "Het gevraagde deel valt buiten de bijlage."


def too_large(size: int, limit: int) -> AttachmentTooLargeError:
    return AttachmentTooLargeError(
        f"De bijlage is te groot ({megabytes(size)}); het maximum is {megabytes(limit)}. "
        "Verklein de foto of het bestand, of maak een kortere opname.",
        details={"size_bytes": size, "max_bytes": limit},
    )


@dataclass(frozen=True, slots=True)
class BlobStatus:
    """How far an upload is: what the client needs to resume it."""

    sha256: str
    size_bytes: int | None  # None: the server has nothing of it yet
    received: int
    complete: bool

    def as_dict(self, settings: Settings) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "size_bytes": self.size_bytes,
            "received": self.received,
            "complete": self.complete,
            "max_bytes": settings.attachment_max_bytes,
            "chunk_max_bytes": settings.attachment_chunk_max_bytes,
        }


@dataclass(frozen=True, slots=True)
class Readable:
    """A complete blob the principal may download, with where its chunks start."""

    sha256: str
    size_bytes: int
    chunks: tuple[tuple[int, int], ...]  # (start, size) in order


def check_sha256(sha256: str) -> str:
    if not _SHA256.match(sha256):
        raise InvalidRequestError(
            "Dit is geen geldige SHA-256 (64 tekens 0-9 en a-f).", code="invalid_sha256"
        )
    return sha256


def _row(conn: Connection, tenant_id: str, sha256: str, *, lock: bool = False) -> Any:
    query = select(attachment_blobs).where(
        attachment_blobs.c.tenant_id == tenant_id, attachment_blobs.c.sha256 == sha256
    )
    if lock:
        query = query.with_for_update()
    return conn.execute(query).first()


def _status(sha256: str, row: Any) -> BlobStatus:
    if row is None:
        return BlobStatus(sha256, None, 0, False)
    return BlobStatus(sha256, int(row.size_bytes), int(row.received), bool(row.complete))


def status(engine: Engine, principal: Principal, sha256: str) -> BlobStatus:
    """Where an upload stands. Anyone of the tenant may ask: knowing the hash means having the
    bytes, so this reveals nothing the asker does not already hold."""
    check_sha256(sha256)
    with read_transaction(engine) as conn:
        return _status(sha256, _row(conn, principal.tenant_id, sha256))


def put_chunk(
    engine: Engine,
    principal: Principal,
    settings: Settings,
    *,
    sha256: str,
    offset: int,
    total: int,
    data: bytes,
) -> BlobStatus:
    """Store ``data`` at ``offset`` of the blob ``sha256`` of ``total`` bytes; see the module
    docstring for the rules. Returns the blob's status after the chunk."""
    check_sha256(sha256)
    if total > settings.attachment_max_bytes:
        raise too_large(total, settings.attachment_max_bytes)
    if len(data) > settings.attachment_chunk_max_bytes:
        raise PayloadTooLargeError(
            f"Dit deel van de bijlage is te groot (maximaal "
            f"{settings.attachment_chunk_max_bytes} bytes per deel).",
            code="attachment_chunk_too_large",
            details={"chunk_max_bytes": settings.attachment_chunk_max_bytes},
        )
    if offset < 0 or total < 0 or offset + len(data) > total:
        raise InvalidRequestError(
            "Dit deel valt buiten de opgegeven grootte van de bijlage.",
            code="attachment_chunk_out_of_range",
        )
    tenant_id = principal.tenant_id
    mismatch = False
    with write_transaction(engine) as conn:
        row = _row(conn, tenant_id, sha256, lock=True)
        if row is None:
            if offset != 0:
                raise _wrong_offset(0)
            now = utcnow()
            conn.execute(
                insert(attachment_blobs).values(
                    tenant_id=tenant_id,
                    sha256=sha256,
                    size_bytes=total,
                    received=0,
                    complete=False,
                    uploaded_by=principal.account_id,
                    created_at=now,
                    updated_at=now,
                )
            )
            received = 0
        else:
            if row.complete:
                return _status(sha256, row)  # stored already (by anyone): nothing to send
            if int(row.size_bytes) != total:
                raise ConflictError(
                    "De opgegeven grootte van de bijlage verschilt van de eerdere poging.",
                    code="attachment_size_mismatch",
                    details={"offset": int(row.received), "size_bytes": int(row.size_bytes)},
                )
            received = int(row.received)
        if offset > received:
            raise _wrong_offset(received)
        end = offset + len(data)
        if end > received:  # else: a chunk we already have, re-sent after a lost answer
            fresh = data[received - offset :]
            conn.execute(
                insert(attachment_chunks).values(
                    tenant_id=tenant_id,
                    sha256=sha256,
                    start=received,
                    size_bytes=len(fresh),
                    data=fresh,
                )
            )
            received = end
        complete = False
        if received == total:
            if _hash(conn, tenant_id, sha256) == sha256:
                complete = True
            else:
                mismatch = True
                _discard(conn, tenant_id, sha256)
        if not mismatch:
            conn.execute(
                update(attachment_blobs)
                .where(
                    attachment_blobs.c.tenant_id == tenant_id,
                    attachment_blobs.c.sha256 == sha256,
                )
                .values(received=received, complete=complete, updated_at=utcnow())
            )
    if mismatch:  # raised after the commit, so the discarded partial stays discarded
        raise ChecksumMismatchError(details={"offset": 0})
    return BlobStatus(sha256, total, received, complete)


def _wrong_offset(received: int) -> ConflictError:
    return ConflictError(
        f"De server verwacht dit bestand vanaf byte {received}; verstuur het vanaf daar.",
        code="attachment_offset_mismatch",
        details={"offset": received},
    )


def _hash(conn: Connection, tenant_id: str, sha256: str) -> str:
    digest = hashlib.sha256()
    # A few chunks at a time (a server-side cursor on PostgreSQL), not the whole blob at once.
    result = conn.execute(
        select(attachment_chunks.c.data)
        .where(attachment_chunks.c.tenant_id == tenant_id, attachment_chunks.c.sha256 == sha256)
        .order_by(attachment_chunks.c.start)
        .execution_options(yield_per=4)
    )
    for (data,) in result:
        digest.update(data)
    return digest.hexdigest()


def _discard(conn: Connection, tenant_id: str, sha256: str) -> None:
    conn.execute(
        delete(attachment_chunks).where(
            attachment_chunks.c.tenant_id == tenant_id, attachment_chunks.c.sha256 == sha256
        )
    )
    conn.execute(
        delete(attachment_blobs).where(
            attachment_blobs.c.tenant_id == tenant_id, attachment_blobs.c.sha256 == sha256
        )
    )


def _in_scope(conn: Connection, principal: Principal, sha256: str) -> bool:
    """True when a live ``attachments`` record that names ``sha256`` is readable by
    ``principal`` (the rule that decides whether the record itself would be pulled)."""
    owners = conn.execute(
        select(records.c.owner_id)
        .where(
            records.c.tenant_id == principal.tenant_id,
            records.c.collection == ATTACHMENTS,
            records.c.deleted.is_(False),
            records.c.data["sha256"].as_string() == sha256,
        )
        .limit(100)
    ).scalars()
    return any(can_read_owner(principal, owner) for owner in owners)


def readable(engine: Engine, principal: Principal, sha256: str) -> Readable:
    """The complete blob if ``principal`` may download it; else 404 (absent or unfinished)
    or 403 (no record in the user's scope names it)."""
    check_sha256(sha256)
    with read_transaction(engine) as conn:
        row = _row(conn, principal.tenant_id, sha256)
        if row is None or not row.complete:
            raise NotFoundError(
                "Deze bijlage staat (nog) niet op de server.", code="attachment_not_found"
            )
        if row.uploaded_by != principal.account_id and not _in_scope(conn, principal, sha256):
            raise ForbiddenError(
                "U hebt geen toegang tot deze bijlage.", code="attachment_forbidden"
            )
        chunks = conn.execute(
            select(attachment_chunks.c.start, attachment_chunks.c.size_bytes)
            .where(
                attachment_chunks.c.tenant_id == principal.tenant_id,
                attachment_chunks.c.sha256 == sha256,
            )
            .order_by(attachment_chunks.c.start)
        ).all()
    return Readable(sha256, int(row.size_bytes), tuple((int(s), int(n)) for s, n in chunks))


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """``(first, last)`` byte positions (inclusive) of a single ``bytes=`` range, or None for
    the whole blob (no header, or several ranges, which a server may answer in full)."""
    if not header:
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first_text, dash, last_text = spec.strip().partition("-")
    if not dash:
        return None
    try:
        if first_text == "":  # the last N bytes
            count = int(last_text)
            if count <= 0:
                raise RangeNotSatisfiableError(headers={"Content-Range": f"bytes */{size}"})
            return max(0, size - count), size - 1
        first = int(first_text)
        last = int(last_text) if last_text else size - 1
    except ValueError:
        return None
    if first >= size:
        raise RangeNotSatisfiableError(headers={"Content-Range": f"bytes */{size}"})
    if first < 0 or last < first:
        return None
    return first, min(last, size - 1)


def iter_bytes(
    engine: Engine, tenant_id: str, blob: Readable, first: int, last: int
) -> Iterator[bytes]:
    """Bytes ``first..last`` (inclusive) of the blob, a chunk row at a time, so a download
    holds at most one chunk in memory and no transaction for its whole duration."""
    for start, size in blob.chunks:
        end = start + size  # exclusive
        if end <= first or start > last:
            continue
        with engine.connect() as conn:
            data = conn.execute(
                select(attachment_chunks.c.data).where(
                    attachment_chunks.c.tenant_id == tenant_id,
                    attachment_chunks.c.sha256 == blob.sha256,
                    attachment_chunks.c.start == start,
                )
            ).scalar_one()
        yield bytes(data[max(first, start) - start : min(last + 1, end) - start])


def purge_stale_uploads(engine: Engine, *, older_than: timedelta) -> int:
    """Drop unfinished uploads untouched for ``older_than`` (a device that never came back);
    a device that does come back later starts that upload again from byte 0."""
    cutoff = utcnow() - older_than
    with write_transaction(engine) as conn:
        stale = conn.execute(
            select(attachment_blobs.c.tenant_id, attachment_blobs.c.sha256).where(
                attachment_blobs.c.complete.is_(False), attachment_blobs.c.updated_at < cutoff
            )
        ).all()
        for tenant_id, sha256 in stale:
            _discard(conn, tenant_id, sha256)
    return len(stale)


__all__ = [
    "SHA256_PATTERN",
    "AttachmentTooLargeError",
    "BlobStatus",
    "ChecksumMismatchError",
    "RangeNotSatisfiableError",
    "Readable",
    "iter_bytes",
    "parse_range",
    "purge_stale_uploads",
    "put_chunk",
    "readable",
    "status",
    "too_large",
]
