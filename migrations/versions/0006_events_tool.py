"""Events tool: windows and retention on events, richer slots, registrations with tokens, and
an outbox that several senders can share.

* Events get the companies' participation window, "in den Betrieben", retention days and the
  moments of publication, cancellation and archiving. Two kinds join (``parents_evening``,
  ``returnee_day``); ``kind`` is a plain string, so only the labels change.
* Participations get the stand of a fair; slots get the minimum grade, the party size a teacher
  may register, accessibility notes, occupational fields and a cancellation moment.
* Registrations are recreated: no release before this one wrote any (the registration form did
  not exist), and the new shape moves the token into ``kwis_job_registration_token`` (one row a
  purpose, hashes only) and adds a *partial* unique index, one active registration per address
  and slot, which SQLite can only get on a new table anyway.
* The outbox gets a claim (sender name and lease), what the mail is about and its region (no
  foreign key: a mail outlives its region, and SQLite cannot add one to an existing table).

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = "status IN ('pending', 'confirmed', 'waitlisted')"

EVENT_COLUMNS = (
    ("at_companies", sa.Boolean(), sa.false(), False),
    ("participation_opens_at", sa.DateTime(), None, True),
    ("participation_closes_at", sa.DateTime(), None, True),
    ("retention_days", sa.Integer(), sa.text("90"), False),
    ("published_at", sa.DateTime(), None, True),
    ("cancelled_at", sa.DateTime(), None, True),
    ("archived_at", sa.DateTime(), None, True),
)
PARTICIPATION_COLUMNS = (
    ("stand_info", sa.Text(), None, True),
    ("stand_people", sa.String(length=300), None, True),
    ("withdrawn_at", sa.DateTime(), None, True),
)
SLOT_COLUMNS = (
    ("min_grade", sa.Integer(), None, True),
    ("max_party_size", sa.Integer(), sa.text("1"), False),
    ("accessibility", sa.String(length=500), None, True),
    ("field_ids", sa.JSON(), None, True),
    ("cancelled_at", sa.DateTime(), None, True),
)
OUTBOX_COLUMNS = (
    ("kind", sa.String(length=40), None, True),
    ("region_id", sa.Integer(), None, True),
    ("claimed_by", sa.String(length=64), None, True),
    ("claimed_until", sa.DateTime(), None, True),
)


def _add(table: str, columns) -> None:
    for name, type_, default, nullable in columns:
        op.add_column(table, sa.Column(name, type_, server_default=default, nullable=nullable))


def _drop(table: str, columns) -> None:
    # Plain DROP COLUMN (SQLite >= 3.35): a batch copy of these tables would fire the
    # ON DELETE CASCADE of the tables that point at them.
    for name, *_rest in reversed(columns):
        op.drop_column(table, name)


def _registration_v1() -> None:
    op.create_table(
        "kwis_job_registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("party_size", sa.Integer(), nullable=False),
        sa.Column("under_16", sa.Boolean(), nullable=False),
        sa.Column("guardian_email", sa.String(length=254), nullable=True),
        sa.Column("guardian_confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("reminder_sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["slot_id"], ["kwis_job_slot.id"],
            name=op.f("fk_kwis_job_registration_slot_id_kwis_job_slot"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kwis_job_registration")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_kwis_job_registration_token_hash")),
    )
    op.create_index("ix_kwis_job_registration_slot_id", "kwis_job_registration", ["slot_id"])
    op.create_index("ix_kwis_job_registration_status", "kwis_job_registration", ["status"])


def _registration_v2() -> None:
    op.create_table(
        "kwis_job_registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("school", sa.String(length=200), nullable=True),
        sa.Column("grade", sa.Integer(), nullable=True),
        sa.Column("party_size", sa.Integer(), nullable=False),
        sa.Column("under_16", sa.Boolean(), nullable=False),
        sa.Column("guardian_email", sa.String(length=254), nullable=True),
        sa.Column("guardian_confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("pending_until", sa.DateTime(), nullable=True),
        sa.Column("form_nonce", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("promoted_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("checked_in_at", sa.DateTime(), nullable=True),
        sa.Column("reminder_sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["slot_id"], ["kwis_job_slot.id"],
            name=op.f("fk_kwis_job_registration_slot_id_kwis_job_slot"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kwis_job_registration")),
        sa.UniqueConstraint("form_nonce", name=op.f("uq_kwis_job_registration_form_nonce")),
    )
    table = "kwis_job_registration"
    op.create_index("ix_kwis_job_registration_slot_id", table, ["slot_id"])
    op.create_index("ix_kwis_job_registration_status", table, ["status"])
    op.create_index("ix_kwis_job_registration_email", table, ["email"])
    op.create_index("ix_kwis_job_registration_guardian_email", table, ["guardian_email"])
    op.create_index(
        "uq_kwis_job_registration_active_email", table, ["slot_id", "email"], unique=True,
        sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE),
    )
    op.create_table(
        "kwis_job_registration_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"], ["kwis_job_registration.id"],
            name=op.f("fk_kwis_job_registration_token_registration_id_kwis_job_registration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kwis_job_registration_token")),
        sa.UniqueConstraint(
            "token_hash", name=op.f("uq_kwis_job_registration_token_token_hash")
        ),
    )
    op.create_index(
        "ix_kwis_job_registration_token_registration_id",
        "kwis_job_registration_token", ["registration_id"],
    )


def upgrade() -> None:
    _add("kwis_job_event", EVENT_COLUMNS)
    _add("kwis_job_event_participation", PARTICIPATION_COLUMNS)
    _add("kwis_job_slot", SLOT_COLUMNS)
    _add("kwis_job_mail_outbox", OUTBOX_COLUMNS)
    op.create_index("ix_kwis_job_mail_outbox_region_id", "kwis_job_mail_outbox", ["region_id"])
    op.create_index("ix_kwis_job_mail_outbox_to_addr", "kwis_job_mail_outbox", ["to_addr"])
    op.drop_table("kwis_job_registration")
    _registration_v2()


def downgrade() -> None:
    op.drop_table("kwis_job_registration_token")
    op.drop_table("kwis_job_registration")
    _registration_v1()
    op.drop_index("ix_kwis_job_mail_outbox_to_addr", "kwis_job_mail_outbox")
    op.drop_index("ix_kwis_job_mail_outbox_region_id", "kwis_job_mail_outbox")
    _drop("kwis_job_mail_outbox", OUTBOX_COLUMNS)
    _drop("kwis_job_slot", SLOT_COLUMNS)
    _drop("kwis_job_event_participation", PARTICIPATION_COLUMNS)
    _drop("kwis_job_event", EVENT_COLUMNS)
