"""Staleness per region, and content that an unanswered reminder took off the portal.

``kwis_job_region.stale_after_days`` overrides the installation's ``KWIS_JOB_STALE_AFTER_DAYS``
(NULL: the default). ``stale_hidden_at`` on profiles and offers marks content hidden after a
second period without an answer to the reminder: kept, not deleted, back on confirmation.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("kwis_job_region", "stale_after_days", sa.Integer()),
    ("kwis_job_employer_profile", "stale_hidden_at", sa.DateTime()),
    ("kwis_job_offer", "stale_hidden_at", sa.DateTime()),
)


def upgrade() -> None:
    for table, name, type_ in COLUMNS:
        op.add_column(table, sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite >= 3.35): a batch copy would fire the ON DELETE CASCADE of the
    # tables that point at these.
    for table, name, _type in reversed(COLUMNS):
        op.drop_column(table, name)
