"""The "Kooperationsangebot für Schulen" is a schema.org ``Service``, not an ``Event``.

A company's offer to schools (a class visit, application training, a project together) is
arranged with each school: it has neither fixed days (so no ``Event``) nor a job (so no
``JobPosting``). As an ``Event`` it had no JSON-LD at all, since it has no next date; as a
``Service`` with its provider, audience and area it says what it is (issue 14). Only the seeded
value is changed: an admin's own choice stays.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_offer_type = sa.table(
    "kwis_job_offer_type", sa.column("key", sa.String), sa.column("schema_kind", sa.String)
)
KEY = "kooperation-schulen"


def _set(old: str, new: str) -> None:
    op.execute(
        _offer_type.update()
        .where(_offer_type.c.key == KEY, _offer_type.c.schema_kind == old)
        .values(schema_kind=new)
    )


def upgrade() -> None:
    _set("event", "service")


def downgrade() -> None:
    _set("service", "event")
