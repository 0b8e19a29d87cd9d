"""Attachment bytes: blobs by content hash per tenant, and their chunks.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachment_blobs",
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("received", sa.BigInteger(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "sha256"),
    )
    with op.batch_alter_table("attachment_blobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attachment_blobs_updated_at"), ["updated_at"], unique=False
        )
    op.create_table(
        "attachment_chunks",
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("start", sa.BigInteger(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "sha256", "start"),
    )


def downgrade() -> None:
    op.drop_table("attachment_chunks")
    with op.batch_alter_table("attachment_blobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_blobs_updated_at"))
    op.drop_table("attachment_blobs")
