"""Attachments: voice memos, photos and quote PDFs, filed under a customer's record.

The bytes are written to the device first (content-addressed, atomically; see
``store.attachment_files``), then the ``attachments`` record that names them is committed in
one transaction with the row that tells the sync to upload them. So a record never points at
bytes that are not on the device, and an attachment whose upload breaks off is still there
(and resumes) on the next sync. The record itself syncs at once, like any record; its bytes
follow in the attachment phase of the sync and never hold the records up.

Attachments that come from the server (another device's, a colleague's) are downloaded by the
attachment phase, newest first; until then ``open_attachment`` answers None and the UI shows
"nog niet gedownload".
"""

from __future__ import annotations

from pathlib import Path

from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import COLLECTIONS, Attachment
from fieldsales.services.access import load, load_customer
from fieldsales.services.errors import InvalidInput, NotFound
from fieldsales.services.transaction import transaction
from fieldsales.store import Store
from fieldsales.store import attachment_files as files

#: The largest attachment accepted (the server's default limit as well).
MAX_BYTES = files.MAX_BYTES


def _too_large(size: int, max_bytes: int) -> InvalidInput:
    return InvalidInput(
        files.too_large_message(size, max_bytes), code="attachment_too_large", field="data"
    )


def store_bytes(
    store: Store,
    *,
    data: bytes | None = None,
    path: Path | None = None,
    max_bytes: int = MAX_BYTES,
) -> files.StoredBytes:
    """Write the bytes into the device's attachment directory (durably) before any record
    names them; refuses above ``max_bytes`` with a Dutch ``attachment_too_large``."""
    if (data is None) == (path is None):
        raise ValueError("give exactly one of data and path")
    if path is not None:
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise InvalidInput(
                "Het bestand kan niet worden gelezen.", code="attachment_unreadable"
            ) from exc
        if size > max_bytes:
            raise _too_large(size, max_bytes)
    try:
        return files.write_bytes(store.path, data=data, source=path, max_bytes=max_bytes)
    except files.AttachmentTooLargeError as exc:
        raise _too_large(exc.size, exc.max_bytes) from exc


def add_attachment(
    store: Store,
    *,
    actor: Actor,
    customer_id: str,
    record_collection: str,
    record_id: str,
    filename: str,
    content_type: str,
    data: bytes | None = None,
    path: Path | None = None,
    max_bytes: int = MAX_BYTES,
) -> Attachment:
    """File ``data`` (or a copy of the file at ``path``) under a record of ``customer_id``."""
    if record_collection not in COLLECTIONS:
        raise InvalidInput(
            "Een bijlage hoort bij een bekend soort gegeven.", field="record_collection"
        )
    stored = store_bytes(store, data=data, path=path, max_bytes=max_bytes)
    with transaction(store) as uow:
        load_customer(uow.session, actor, customer_id)
        attachment = Attachment(
            customer_id=customer_id,
            record_collection=record_collection,
            record_id=record_id,
            sha256=stored.sha256,
            filename=filename,
            content_type=content_type,
            size_bytes=stored.size_bytes,
        )
        uow.add(attachment)
        files.note_local_bytes(uow.session, stored)
        uow.commit()
    return attachment


def prepare_attachment(
    store: Store,
    *,
    filename: str,
    content_type: str,
    data: bytes | None = None,
    path: Path | None = None,
    max_bytes: int = MAX_BYTES,
) -> Attachment:
    """Store the bytes now and return an unsaved record for a service that files it in its own
    transaction (``visits.quick_visit_done(voice_memo=...)`` sets customer and record). The
    sync's attachment phase finds the record and uploads the bytes that are already here."""
    stored = store_bytes(store, data=data, path=path, max_bytes=max_bytes)
    return Attachment(
        customer_id="",
        record_collection="",
        record_id="",
        sha256=stored.sha256,
        filename=filename,
        content_type=content_type,
        size_bytes=stored.size_bytes,
    )


def open_attachment(store: Store, *, actor: Actor, attachment_id: str) -> Path | None:
    """The file with the attachment's bytes, or None while they are not on this device yet."""
    with store.read() as session:
        attachment = load(session, Attachment, attachment_id)
        load_customer(session, actor, attachment.customer_id)
    target = files.file_for(store.path, attachment.sha256)
    if target.exists() and target.stat().st_size == attachment.size_bytes:
        return target
    return None


def attachment_state(store: Store, *, attachment_id: str) -> str:
    """Where the attachment's bytes are: a state of ``local_tables.ATTACHMENT_STATES``, or
    ``"unknown"`` before the next sync has looked at a record that just arrived."""
    with store.read() as session:
        attachment = session.get(Attachment, attachment_id)
        if attachment is None:
            raise NotFound("De bijlage is niet gevonden.", code="not_found")
        row = files.get_row(session, attachment.sha256)
    return str(row.state) if row is not None else "unknown"
