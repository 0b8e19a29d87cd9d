"""Schema v3: ``attachment_files``, the device's bookkeeping of attachment bytes.

The bytes of voice memos, photos and quote PDFs sync apart from their ``attachments`` records,
in resumable chunks; this table remembers, per content hash, where the file is and how far its
upload or download got, so a transfer broken off (or an app killed mid-upload) resumes where it
stopped instead of starting over, and no attachment is forgotten. See ``local_tables``.

Frozen like every migration: change the table with a new migration, never by editing this one.
"""

from __future__ import annotations

import sqlite3

from fieldsales.store.migrations._ddl import run_script

VERSION = 3
DESCRIPTION = "attachment_files: the bytes of attachments on this device and their transfer state"

SCHEMA = """
CREATE TABLE attachment_files (
    sha256 VARCHAR(64) NOT NULL,
    size_bytes INTEGER NOT NULL,
    path TEXT NOT NULL,
    state VARCHAR(12) NOT NULL,
    transferred INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    error_code VARCHAR(60),
    error_message TEXT,
    updated_at VARCHAR(32) NOT NULL,
    PRIMARY KEY (sha256),
    CONSTRAINT ck_attachment_files_state
        CHECK (state IN ('upload', 'uploading', 'uploaded', 'download', 'downloaded', 'failed'))
);

CREATE INDEX ix_attachment_files_state ON attachment_files (state);
"""


def upgrade(conn: sqlite3.Connection) -> None:
    run_script(conn, SCHEMA)
