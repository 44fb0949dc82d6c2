"""Alembic environment of KWIS.job.

It runs on a connection the host lends (``config.attributes["connection"]``), keeps its history in
its own version table, and looks only at tables prefixed ``kwis_job_``: the host's tables are never
compared, created, altered or dropped. The search change log's triggers exist per engine and
are not described by the models (migration 0004), so they are left out of comparisons by name.
"""

from alembic import context
from sqlalchemy import create_engine

from kwis_job_plugin.models import metadata
from kwis_job_plugin.models.host import is_own_table
from kwis_job_plugin.models.search import is_engine_specific

config = context.config
VERSION_TABLE = config.attributes.get("version_table", "kwis_job_alembic_version")


def include_name(name, type_, parent_names):
    if is_engine_specific(name):
        return False
    if type_ == "table":
        return is_own_table(name)
    return True


def include_object(obj, name, type_, reflected, compare_to):
    if is_engine_specific(name):
        return False
    if type_ == "table":
        return is_own_table(name)
    table = getattr(obj, "table", None)
    return table is None or (is_own_table(table.name) and not is_engine_specific(table.name))


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        include_name=include_name,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError(
            "No database: pass a connection in config.attributes['connection'] "
            "or set sqlalchemy.url (kwis-job db --database-url ...)."
        )
    with create_engine(url).begin() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        include_name=include_name,
        include_object=include_object,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
