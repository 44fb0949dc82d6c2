"""The ``kwis-job`` command line: migrations, regions, the demo, retention and privacy.

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


@job.group(help="Aufbewahrung: Anmeldungen nach Veranstaltungen löschen, Zahlen behalten.")
def retention() -> None:
    pass


@retention.command(
    "run",
    help="Anmeldungen löschen, deren Aufbewahrungsfrist abgelaufen ist (nur Zahlen bleiben), und "
    "versendete E-Mails nach KWIS_JOB_OUTBOX_KEEP_DAYS Tagen. Einmal täglich per cron.",
)
@click.option(
    "--outbox-keep-days",
    type=click.IntRange(min=0, max=36500),
    envvar="KWIS_JOB_OUTBOX_KEEP_DAYS",
    default=None,
    help="Tage, die versendete E-Mails bleiben (Standard: Einstellung, sonst 30).",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Stichtag JJJJ-MM-TT (Standard: heute).",
)
@click.pass_context
def retention_run(ctx: click.Context, outbox_keep_days: int | None, today) -> None:
    from datetime import date

    from .services.events import retention as retention_service

    if outbox_keep_days is None:
        outbox_keep_days = int(_setting("KWIS_JOB_OUTBOX_KEEP_DAYS"))
    with Session(_engine(ctx)) as session:
        summary = retention_service.run(
            session, today.date() if today else date.today(), outbox_keep_days=outbox_keep_days
        )
        session.commit()
    click.echo(
        f"Aufbewahrung: {summary.registrations} Anmeldungen aus {summary.events} "
        f"Veranstaltungen gelöscht (Zahlen behalten), {summary.outbox_mails} versendete "
        "E-Mails gelöscht."
    )


@job.group(help="Veranstaltungen: regelmäßige Aufgaben der Anmeldungen.")
def events() -> None:
    pass


@events.command(
    "tick",
    help="Nicht bestätigte Plätze (unter 16, ohne Zustimmung) freigeben, Wartende nachrücken "
    "lassen und fällige Erinnerungen (48 Stunden vorher) in den Postausgang legen. Alle paar "
    "Minuten per cron oder systemd-Timer.",
)
@click.option(
    "--base-url",
    envvar="KWIS_JOB_PUBLIC_BASE_URL",
    default=None,
    help="Adresse des Portals für Links in E-Mails, z. B. https://www.wfg-jena.de "
    "(Standard: Einstellung KWIS_JOB_PUBLIC_BASE_URL).",
)
@click.pass_context
def events_tick(ctx: click.Context, base_url: str | None) -> None:
    from .models.base import utcnow
    from .services.events import registrations
    from .views import registration as registration_views

    if has_app_context() and EXTENSION_KEY in current_app.extensions:
        if base_url:
            current_app.config["KWIS_JOB_PUBLIC_BASE_URL"] = base_url
        links = registration_views.links()
    else:
        links = registration_views.offline_links(
            base_url or _setting("KWIS_JOB_PUBLIC_BASE_URL") or "http://localhost",
            _setting("KWIS_JOB_PUBLIC_PREFIX"),
        )
    hold_hours = float(_setting("KWIS_JOB_GUARDIAN_HOLD_HOURS"))
    with Session(_engine(ctx)) as session:
        try:
            expired = registrations.expire_pending(
                session, utcnow(), links=links, hold_hours=hold_hours
            )
            session.commit()
            reminded = registrations.send_reminders(session, utcnow(), links=links)
            session.commit()
        except registrations.SlotBusy as exc:
            session.rollback()
            raise click.ClickException(
                f"Ein Termin war zu lange gesperrt; beim nächsten Lauf geht es weiter ({exc})."
            ) from None
    click.echo(f"Veranstaltungen: {expired} nicht bestätigte Plätze freigegeben, "
               f"{reminded} Erinnerungen in den Postausgang gelegt.")


def _setting(name: str):
    """A setting of the host app when there is one, else the plug-in's default."""
    from .config import SETTINGS_DEFAULTS

    if has_app_context() and name in current_app.config:
        return current_app.config[name]
    return SETTINGS_DEFAULTS[name]


@job.group(help="Datenschutz: alles zu einer E-Mail-Adresse ausgeben oder löschen.")
def privacy() -> None:
    pass


@privacy.command("export", help="Alles zu einer E-Mail-Adresse als JSON ausgeben.")
@click.argument("address")
@click.pass_context
def privacy_export(ctx: click.Context, address: str) -> None:
    import json

    from .services import errors
    from .services import privacy as privacy_service

    with Session(_engine(ctx)) as session:
        try:
            data = privacy_service.export(session, address)
        except errors.ValidationError as exc:
            raise click.ClickException(exc.errors["address"]) from None
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))


@privacy.command("erase", help="Alles zu einer E-Mail-Adresse löschen (Anmeldungen, E-Mails, "
                 "Benachrichtigungen); belegte Plätze werden frei, Wartende rücken nach.")
@click.argument("address")
@click.option("--yes", is_flag=True, help="Ohne Rückfrage löschen.")
@click.option(
    "--base-url",
    envvar="KWIS_JOB_PUBLIC_BASE_URL",
    default=None,
    help="Adresse des Portals für die Links in der E-Mail an Nachrückende, z. B. "
    "https://www.wfg-jena.de (Standard: Einstellung KWIS_JOB_PUBLIC_BASE_URL).",
)
@click.pass_context
def privacy_erase(ctx: click.Context, address: str, yes: bool, base_url: str | None) -> None:
    from .services import errors
    from .services import privacy as privacy_service
    from .services.events import registrations as registration_service
    from .views import registration as registration_views

    links = None  # without any, only an erase that promotes nobody can run
    if has_app_context() and EXTENSION_KEY in current_app.extensions:
        if base_url:
            current_app.config["KWIS_JOB_PUBLIC_BASE_URL"] = base_url
        links = registration_views.links()
    elif base_url or _setting("KWIS_JOB_PUBLIC_BASE_URL"):
        links = registration_views.offline_links(
            base_url or _setting("KWIS_JOB_PUBLIC_BASE_URL"), _setting("KWIS_JOB_PUBLIC_PREFIX")
        )
    with Session(_engine(ctx)) as session:
        try:
            held = privacy_service.export(session, address)
        except errors.ValidationError as exc:
            raise click.ClickException(exc.errors["address"]) from None
        click.echo(
            f"Zu {held['address']}: {len(held['registrations'])} Anmeldungen, "
            f"{len(held['mails'])} E-Mails, {len(held['alert_subscriptions'])} Benachrichtigungen."
        )
        if not yes:
            answer = click.prompt("Wirklich unwiderruflich löschen? [j/N]", default="n",
                                  show_default=False)
            if answer.strip().lower() not in ("j", "ja", "y", "yes"):
                raise click.ClickException("Abgebrochen; nichts gelöscht.")
        try:
            counts = privacy_service.erase(session, address, links=links)
        except registration_service.SlotBusy:
            raise click.ClickException(
                "Ein Termin ist gerade gesperrt; bitte gleich noch einmal versuchen. "
                "Nichts gelöscht."
            ) from None
        except privacy_service.LinksUnavailable:
            raise click.ClickException(
                "Beim Löschen rückt jemand von der Warteliste nach; für die Links in dessen "
                "E-Mail fehlt die Adresse des Portals. Bitte --base-url angeben (oder "
                "KWIS_JOB_PUBLIC_BASE_URL setzen) oder in der Host-Anwendung ausführen: "
                "flask job privacy erase ADRESSE. Nichts gelöscht."
            ) from None
        session.commit()
    click.echo(
        f"Gelöscht: {counts['registrations']} Anmeldungen ({counts['places_released']} Plätze "
        f"freigegeben), {counts['mails']} E-Mails, "
        f"{counts['alert_subscriptions']} Benachrichtigungen."
    )
    if counts["audit_entries"]:
        click.echo(f"Im Protokoll unkenntlich gemacht: {counts['audit_entries']} Einträge.")
    if counts["contacts_kept"]:
        click.echo(
            f"Nicht geändert: {counts['contacts_kept']} Kontaktadressen von Betrieben, Angeboten "
            "oder Regionen; diese pflegen der Betrieb oder die Verwaltung dort."
        )


@job.group(help="E-Mail-Versand aus dem Postausgang (KWIS_JOB_MAIL_URL).")
def mail() -> None:
    pass


def _mail_option(name: str, value):
    """An option given on the command line wins, else the host's setting or the default."""
    return value if value is not None else _setting(name)


@mail.command("send", help="Fällige E-Mails versenden: ein Durchgang, mit --loop dauerhaft "
              "(beendet sich sauber bei SIGTERM). Mehrere Versandprozesse dürfen laufen.")
@click.option("--loop", is_flag=True, help="Dauerhaft laufen und regelmäßig nachsehen.")
@click.option("--url", envvar="KWIS_JOB_MAIL_URL", default=None,
              help="smtp://, smtp+starttls://, smtps:// oder file:ORDNER (Standard: Einstellung).")
@click.option("--mail-from", envvar="KWIS_JOB_MAIL_FROM", default=None,
              help="Absender (Standard: Einstellung KWIS_JOB_MAIL_FROM).")
@click.option("--batch-size", type=click.IntRange(1, 1000), default=None)
@click.option("--lease-seconds", type=click.IntRange(1, 86400), default=None,
              help="Nach so vielen Sekunden übernimmt ein anderer Prozess liegengebliebene Mails.")
@click.option("--poll-seconds", type=click.FloatRange(0.05, 3600), default=None)
@click.option("--max-attempts", type=click.IntRange(1, 100), default=None)
@click.option("--sender-id", default=None, help="Name dieses Prozesses (Standard: Rechner:PID).")
@click.pass_context
def mail_send(ctx: click.Context, loop: bool, url, mail_from, batch_size, lease_seconds,
              poll_seconds, max_attempts, sender_id) -> None:
    from datetime import timedelta

    from .services.mail import sender, transport

    url = _mail_option("KWIS_JOB_MAIL_URL", url)
    timeout = float(_setting("KWIS_JOB_MAIL_TIMEOUT"))
    try:
        transport.from_url(url, timeout=timeout)
    except transport.MailConfigError as exc:
        raise click.ClickException(str(exc)) from None
    options = dict(
        sender_id=sender_id or sender.default_sender_id(),
        mail_from=_mail_option("KWIS_JOB_MAIL_FROM", mail_from),
        batch_size=int(_mail_option("KWIS_JOB_MAIL_BATCH_SIZE", batch_size)),
        lease=timedelta(seconds=int(_mail_option("KWIS_JOB_MAIL_LEASE_SECONDS", lease_seconds))),
        max_attempts=int(_mail_option("KWIS_JOB_MAIL_MAX_ATTEMPTS", max_attempts)),
    )
    engine = _engine(ctx)
    if not loop:
        result = sender.send_pass(engine, transport.from_url(url, timeout=timeout), **options)
        _echo_pass(result)
        return
    click.echo(f"E-Mail-Versand läuft als {options['sender_id']} (Ende mit SIGTERM oder Strg+C).")
    sys.stdout.flush()
    sender.run_loop(
        engine, lambda: transport.from_url(url, timeout=timeout),
        poll_seconds=float(_mail_option("KWIS_JOB_MAIL_POLL_SECONDS", poll_seconds)),
        on_pass=lambda result: result.claimed and _echo_pass(result), **options,
    )
    click.echo("E-Mail-Versand beendet.")


def _echo_pass(result) -> None:
    click.echo(f"E-Mail-Versand: {result.sent} versendet, {result.retrying} später erneut, "
               f"{result.failed} fehlgeschlagen.")
    sys.stdout.flush()


def _start_demo_sender(app) -> None:
    """The demo delivers its mail to files in a background thread (no SMTP server needed)."""
    import threading

    from .services.mail import sender, transport

    url = app.config["KWIS_JOB_MAIL_URL"]
    threading.Thread(
        target=sender.run_loop,
        args=(app.extensions["kwis_host"]["engine"], lambda: transport.from_url(url)),
        kwargs=dict(sender_id="demo", mail_from=app.config["KWIS_JOB_MAIL_FROM"],
                    poll_seconds=2.0, handle_signals=False),
        name="kwis-demo-mail", daemon=True,
    ).start()


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
    click.echo(f"Versendete E-Mails der Demo: http://{host}:{port}/demo/mail")
    sys.stdout.flush()
    if not no_serve:
        _start_demo_sender(app)
        app.run(host=host, port=port, debug=False, use_reloader=False)


def _secret(instance: Path) -> str:
    """A per-instance secret, so demo logins survive a restart without a committed key."""
    import secrets

    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


main = job
