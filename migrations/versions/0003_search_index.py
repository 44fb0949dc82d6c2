"""Search index: one row per searchable offer, its facets, and each engine's full text.

``kwis_job_search_doc`` and ``kwis_job_search_facet`` are described by the models
(``kwis_job_plugin/models/search.py``). The full-text parts are not, because they exist on one
engine each; ``migrations/env.py`` leaves them out of ``alembic check`` by name:

* SQLite: the FTS5 table ``kwis_job_search_fts`` with ``kwis_job_search_doc.terms`` as
  external content, kept in sync by three triggers, so rows deleted by a cascade or in bulk
  leave nothing behind in the index.
* PostgreSQL: a GIN index on ``to_tsvector('simple', terms)``.

Why the ``'simple'`` configuration and not ``'german'``: ``terms`` is already stemmed and folded
in Python (``services/text.py``: Snowball German, umlauts and ae/oe/ue folded, Latin plurals,
stop words). ``'german'`` would stem those stems a second time and drop its own stop words, and
SQLite's FTS5 has no German stemmer at all, so the two engines would disagree about what
matches. With ``'simple'`` PostgreSQL, like FTS5, only lower-cases and splits on the spaces
between ready-made tokens, and both engines find exactly the same offers.

The index starts empty; ``search_index.rebuild_all`` fills it from the published snapshots
(the demo seed calls it; an existing installation runs it once after upgrading).

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_TABLE = "kwis_job_search_fts"
PG_TERMS_INDEX = "ix_kwis_job_search_doc_terms_fts"

SQLITE_FTS = [
    f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        terms, content='kwis_job_search_doc', content_rowid='id'
    )""",
    f"""CREATE TRIGGER {FTS_TABLE}_ai AFTER INSERT ON kwis_job_search_doc BEGIN
        INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (new.id, new.terms);
    END""",
    f"""CREATE TRIGGER {FTS_TABLE}_ad AFTER DELETE ON kwis_job_search_doc BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, terms) VALUES ('delete', old.id, old.terms);
    END""",
    f"""CREATE TRIGGER {FTS_TABLE}_au AFTER UPDATE OF terms ON kwis_job_search_doc BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, terms) VALUES ('delete', old.id, old.terms);
        INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (new.id, new.terms);
    END""",
]


def upgrade() -> None:
    op.create_table(
        "kwis_job_search_doc",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("offer_type", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("offer_slug", sa.String(length=160), nullable=False),
        sa.Column("company_name", sa.String(length=200), nullable=False),
        sa.Column("company_slug", sa.String(length=120), nullable=False),
        sa.Column("postcode", sa.String(length=10), nullable=True),
        sa.Column("city", sa.String(length=120), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("places", sa.Integer(), nullable=True),
        sa.Column("has_places", sa.Boolean(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("next_start", sa.Date(), nullable=True),
        sa.Column("yearly_window", sa.String(length=11), nullable=True),
        sa.Column("rotation", sa.Integer(), nullable=False),
        sa.Column("company_rotation", sa.Integer(), nullable=False),
        sa.Column("title_terms", sa.Text(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("indexed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["kwis_job_offer.id"],
            name=op.f("fk_kwis_job_search_doc_offer_id_kwis_job_offer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["kwis_job_employer_profile.id"],
            name=op.f("fk_kwis_job_search_doc_profile_id_kwis_job_employer_profile"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["kwis_job_region.id"],
            name=op.f("fk_kwis_job_search_doc_region_id_kwis_job_region"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kwis_job_search_doc")),
        sa.UniqueConstraint("offer_id", name=op.f("uq_kwis_job_search_doc_offer_id")),
    )
    op.create_index(
        op.f("ix_kwis_job_search_doc_expires_on"), "kwis_job_search_doc", ["expires_on"]
    )
    op.create_index(
        op.f("ix_kwis_job_search_doc_lat_lon"), "kwis_job_search_doc", ["lat", "lon"]
    )
    op.create_index(
        op.f("ix_kwis_job_search_doc_offer_type"), "kwis_job_search_doc", ["offer_type"]
    )
    op.create_index(
        op.f("ix_kwis_job_search_doc_profile_id"), "kwis_job_search_doc", ["profile_id"]
    )
    op.create_index(
        op.f("ix_kwis_job_search_doc_region_id"), "kwis_job_search_doc", ["region_id"]
    )

    op.create_table(
        "kwis_job_search_facet",
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.Column("facet", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["doc_id"],
            ["kwis_job_search_doc.id"],
            name=op.f("fk_kwis_job_search_facet_doc_id_kwis_job_search_doc"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("doc_id", "facet", "key", name=op.f("pk_kwis_job_search_facet")),
    )
    op.create_index(
        op.f("ix_kwis_job_search_facet_facet_key"), "kwis_job_search_facet", ["facet", "key"]
    )

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    elif dialect == "postgresql":
        op.create_index(
            PG_TERMS_INDEX,
            "kwis_job_search_doc",
            [sa.text("to_tsvector('simple'::regconfig, terms)")],
            postgresql_using="gin",
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for suffix in ("au", "ad", "ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif dialect == "postgresql":
        op.drop_index(PG_TERMS_INDEX, table_name="kwis_job_search_doc")

    op.drop_index(op.f("ix_kwis_job_search_facet_facet_key"), table_name="kwis_job_search_facet")
    op.drop_table("kwis_job_search_facet")
    for name in ("region_id", "profile_id", "offer_type", "lat_lon", "expires_on"):
        op.drop_index(op.f(f"ix_kwis_job_search_doc_{name}"), table_name="kwis_job_search_doc")
    op.drop_table("kwis_job_search_doc")
