"""``records.data`` becomes ``json`` (text as written) instead of ``jsonb`` on PostgreSQL.

A pull sends each record's stored JSON text as it is; from ``jsonb`` PostgreSQL has to rebuild
that text for every row (0.39 s of a 28k-record first pull, against 0.07 s from ``json``), and
every pushed record had to be parsed into ``jsonb``. Nothing queries ``data`` with a jsonb-only
operator or index: ``->``/``->>`` (the attachment check in ``blobs``) work on ``json`` too.

Existing values are converted in place (``data::json``, the jsonb's canonical text: same JSON,
keys in jsonb's order, with spaces after ``:`` and ``,``); rows written afterwards hold orjson's
compact text. The ALTER rewrites the table under an exclusive lock, so plan the upgrade as a
short maintenance window: 0.65 s for 28k records (18 MB of JSON) on the benchmark machine, a
few seconds per 100k. SQLite stores JSON as text already: nothing changes there.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column(
        "records",
        "data",
        type_=sa.JSON(),
        existing_type=postgresql.JSONB(),
        existing_nullable=False,
        postgresql_using="data::json",
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column(
        "records",
        "data",
        type_=postgresql.JSONB(),
        existing_type=sa.JSON(),
        existing_nullable=False,
        postgresql_using="data::jsonb",
    )
