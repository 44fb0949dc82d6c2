"""Search: a change log that the in-process index replicas follow; no database full text.

Since this revision the portal searches an in-process replica of ``kwis_job_search_doc``
(``services/search_replica.py``): exact facet counts over any filtered set and a fair daily
order are set operations on compressed bitmaps there, at a cost that hardly grows with the data,
which neither engine's full text could give (counting facets in SQL is linear in the hits). So
the engine-specific full-text parts of revision 0003 go: SQLite's FTS5 table with its triggers
and PostgreSQL's GIN index. Both engines still find exactly the same offers, because the
tokens in ``terms`` were always made in Python (``services/text.py``).

What replaces them is ``kwis_job_search_change``: one row per written document, appended by a
trigger on ``kwis_job_search_doc``, so every change is logged, also those made by a cascade or
a bulk statement. A replica at sequence number *v* applies the offers of the rows after *v*.
Sequence numbers must become visible in the order they were handed out, or a replica could skip
a number that commits late: on PostgreSQL the trigger takes a transaction-level advisory lock
first, so transactions that write the index commit one after the other (SQLite writes one at a
time anyway). The log keeps the last 10,000 changes; a replica further behind reloads whole.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOG = "kwis_job_search_change"
DOC = "kwis_job_search_doc"
KEEP = 10_000
LOCK_KEY = 0x6B776973  # "kwis": the advisory lock that orders index writes on PostgreSQL

FTS_TABLE = "kwis_job_search_fts"
PG_TERMS_INDEX = "ix_kwis_job_search_doc_terms_fts"


def _sqlite_trigger(when: str, row: str) -> str:
    return f"""CREATE TRIGGER {LOG}_{when.lower()} AFTER {when} ON {DOC} BEGIN
        INSERT INTO {LOG}(offer_id) VALUES ({row}.offer_id);
        DELETE FROM {LOG} WHERE seq <= last_insert_rowid() - {KEEP}
            AND last_insert_rowid() % 1000 = 0;
    END"""


SQLITE_TRIGGERS = {
    f"{LOG}_insert": _sqlite_trigger("INSERT", "new"),
    f"{LOG}_update": _sqlite_trigger("UPDATE", "new"),
    f"{LOG}_delete": _sqlite_trigger("DELETE", "old"),
}

PG_FUNCTION = f"""CREATE FUNCTION {LOG}_append() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    next_seq bigint;
BEGIN
    PERFORM pg_advisory_xact_lock({LOCK_KEY});
    IF TG_OP = 'DELETE' THEN
        INSERT INTO {LOG}(offer_id) VALUES (OLD.offer_id) RETURNING seq INTO next_seq;
    ELSE
        INSERT INTO {LOG}(offer_id) VALUES (NEW.offer_id) RETURNING seq INTO next_seq;
    END IF;
    IF next_seq % 1000 = 0 THEN
        DELETE FROM {LOG} WHERE seq <= next_seq - {KEEP};
    END IF;
    RETURN NULL;
END
$$"""

PG_TRIGGER = f"""CREATE TRIGGER {LOG}_append AFTER INSERT OR UPDATE OR DELETE ON {DOC}
    FOR EACH ROW EXECUTE FUNCTION {LOG}_append()"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for suffix in ("au", "ad", "ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif dialect == "postgresql":
        op.drop_index(PG_TERMS_INDEX, table_name=DOC)

    identity = [sa.Identity()] if dialect == "postgresql" else []
    op.create_table(
        LOG,
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), *identity,
                  nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f(f"pk_{LOG}")),
        sqlite_autoincrement=True,
    )
    if dialect == "sqlite":
        for statement in SQLITE_TRIGGERS.values():
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
    # Documents written before this revision are in no log: the first replica loads them whole.


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {LOG}_append ON {DOC}")
        op.execute(f"DROP FUNCTION IF EXISTS {LOG}_append()")
    op.drop_table(LOG)

    if dialect == "sqlite":
        from importlib import import_module

        revision_0003 = import_module("kwis_job_plugin.migrations.versions.0003_search_index")
        for statement in revision_0003.SQLITE_FTS:
            op.execute(statement)
        op.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    elif dialect == "postgresql":
        op.create_index(
            PG_TERMS_INDEX,
            DOC,
            [sa.text("to_tsvector('simple'::regconfig, terms)")],
            postgresql_using="gin",
        )
