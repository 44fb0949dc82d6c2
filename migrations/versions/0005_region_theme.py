"""Regions get a look of their own on the portal: a second colour and a logo.

``theme_color`` (revision 0001) stays the main colour; ``theme_color_secondary`` joins it. The
logo lives in the region row (re-encoded bytes, type, size, SHA-256 for the ETag, text
alternative), so several app servers see it without a shared volume, like profile pictures.
All columns are nullable: a region without them uses the portal's neutral default look.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "kwis_job_region"
COLUMNS = (
    ("theme_color_secondary", sa.String(length=7)),
    ("logo_data", sa.LargeBinary()),
    ("logo_content_type", sa.String(length=40)),
    ("logo_width", sa.Integer()),
    ("logo_height", sa.Integer()),
    ("logo_sha256", sa.String(length=64)),
    ("logo_alt", sa.String(length=300)),
)


def upgrade() -> None:
    for name, type_ in COLUMNS:
        op.add_column(TABLE, sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35), not a batch copy: re-creating the
    # region table would fire the ON DELETE CASCADE of every table that points at it.
    for name, _type in reversed(COLUMNS):
        op.drop_column(TABLE, name)
