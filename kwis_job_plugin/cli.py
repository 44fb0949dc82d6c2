"""The ``kwis-job`` command line: migrations, regions, the demo.

Inside a host (``flask job ...`` through ``kwis_cli_commands``) it uses the host's engine; on its
own it takes ``--database-url`` or ``KWIS_DATABASE_URL``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app, has_app_context
from kwis_hooks import migrations
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from .config import migration_location
from .services import regions as region_service
from .views.context import EXTENSION_KEY

DEFAULT_INSTANCE = Path("instance")


def _engine(ctx: click.Context) -> Engine:
    if has_app_context() and EXTENSION_KEY in current_app.extensions:
        return current_app.extensions[EXTENSION_KEY].host.engine
    url = ctx.find_root().params.get("database_url")
    if not url:
        raise click.UsageError(
            "Keine Datenbank angegeben: --database-url oder KWIS_DATABASE_URL setzen."
        )
    if url.startswith("sqlite"):
        from kwis_hooks.refhost.db import make_engine

        return make_engine(url)
    return create_engine(url)


@click.group(name="job", help="KWIS.job: Migrationen, Regionen und Demo.")
@click.option(
    "--database-url",
    envvar="KWIS_DATABASE_URL",
    default=None,
    help="SQLAlchemy-URL der KWIS.web-Datenbank (ohne Host-App nötig).",
)
def job(database_url: str | None) -> None:
    """Entry point; options are read by the sub-commands through the click context."""


@job.group(help="Datenbank-Migrationen der Plug-in-Tabellen (kwis_job_*).")
def db() -> None:
    pass


@db.command(help="Auf eine Revision (Standard: neueste) aktualisieren.")
@click.option("--revision", default="heads", show_default=True)
@click.pass_context
def upgrade(ctx: click.Context, revision: str) -> None:
    migrations.upgrade(_engine(ctx), migration_location(), revision)
    click.echo(f"KWIS.job-Schema auf {revision} aktualisiert.")


@db.command(help="Auf eine Revision zurücksetzen; 'base' entfernt alle Plug-in-Tabellen.")
@click.argument("revision")
@click.pass_context
def downgrade(ctx: click.Context, revision: str) -> None:
    migrations.downgrade(_engine(ctx), migration_location(), revision)
    click.echo(f"KWIS.job-Schema auf {revision} zurückgesetzt.")


@db.command(help="Aktuelle Revision anzeigen.")
@click.pass_context
def current(ctx: click.Context) -> None:
    location = migration_location()
    rev = migrations.current(_engine(ctx), location)
    head = migrations.head(location)
    click.echo(f"{rev or '(keine)'}{' (aktuell)' if rev == head else f' – neueste: {head}'}")


@job.group(help="Regionen der Wirtschaftsförderung.")
def region() -> None:
    pass


@region.command("add", help="Region anlegen, z. B.: region add jena 'Stadt Jena' --ags 16053")
@click.argument("slug")
@click.argument("name")
@click.option("--ags", "ags_prefixes", multiple=True, required=True, help="AGS-Präfix")
@click.option(
    "--review-rule",
    default="every_change",
    show_default=True,
    type=click.Choice(["none", "first_publication", "every_change"]),
)
@click.pass_context
def region_add(ctx, slug, name, ags_prefixes, review_rule) -> None:
    with Session(_engine(ctx)) as session:
        try:
            region_service.create_region(session, slug, name, ags_prefixes, review_rule)
        except region_service.RegionError as exc:
            raise click.ClickException(str(exc)) from None
        session.commit()
    click.echo(f"Region „{name}“ angelegt.")


@region.command("list", help="Regionen auflisten.")
@click.pass_context
def region_list(ctx) -> None:
    with Session(_engine(ctx)) as session:
        for r in region_service.all_regions(session):
            prefixes = ", ".join(p.prefix for p in r.ags_prefixes)
            click.echo(f"{r.slug}\t{r.name}\t{prefixes}\t{r.review_rule}")


@job.group(help="Suchindex des öffentlichen Portals.")
def search() -> None:
    pass


@search.command("rebuild", help="Suchindex aus den veröffentlichten Inhalten neu aufbauen.")
@click.pass_context
def search_rebuild(ctx: click.Context) -> None:
    from .services import search_index

    with Session(_engine(ctx)) as session:
        count = search_index.rebuild_all(session)
        session.commit()
    click.echo(f"Suchindex neu aufgebaut: {count} Angebote auffindbar.")


@job.command("seed-demo", help="Demo-Daten in eine leere Datenbank schreiben.")
@click.pass_context
def seed_demo_command(ctx: click.Context) -> None:
    from .demo.seed import already_seeded, seed_demo

    with Session(_engine(ctx)) as session:
        if already_seeded(session):
            raise click.ClickException("Die Datenbank enthält bereits Regionen; nichts geändert.")
        logins = seed_demo(session)
        session.commit()
    _print_logins(logins)


def _print_logins(logins) -> None:
    click.echo("Demo-Zugänge:")
    for login in logins:
        click.echo(f"  {login.email:<48} {login.password}   {login.who}")


@job.command(help="Demo starten: Referenz-Host + Plug-in auf SQLite, mit Demo-Daten.")
@click.option(
    "--instance",
    type=click.Path(path_type=Path),
    default=DEFAULT_INSTANCE,
    show_default=True,
    help="Ordner für die Demo-Datenbank.",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--reset", is_flag=True, help="Vorhandene Demo-Datenbank löschen.")
@click.option("--no-serve", is_flag=True, help="Nur vorbereiten, nicht starten.")
def demo(instance: Path, host: str, port: int, reset: bool, no_serve: bool) -> None:
    from .demo.instance import prepare_demo_app

    instance.mkdir(parents=True, exist_ok=True)
    db_path = (instance / "kwis-demo.db").resolve()
    if reset and db_path.exists():
        db_path.unlink()
    app, logins = prepare_demo_app(f"sqlite:///{db_path}", _secret(instance))
    if logins is None:
        from .demo.factories import DEMO_PASSWORD
        from .demo.seed import ADMIN_EMAIL

        click.echo(f"Vorhandene Demo-Datenbank: {db_path} (--reset für neue Daten)")
        click.echo(
            f"Verwaltung: {ADMIN_EMAIL} / {DEMO_PASSWORD}; Betriebe: personal@<betrieb>.example"
        )
    else:
        _print_logins(logins)
    click.echo(f"\nKWIS.web-Demo: http://{host}:{port}/   Portal: http://{host}:{port}/jobs/")
    sys.stdout.flush()
    if not no_serve:
        app.run(host=host, port=port, debug=False, use_reloader=False)


def _secret(instance: Path) -> str:
    """A per-instance secret, so demo logins survive a restart without a committed key."""
    import secrets

    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


main = job
