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

from . import cli_i18n
from .cli_i18n import gettext as _
from .cli_i18n import lazy_gettext as _l
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
            _("Keine Datenbank angegeben: --database-url oder KWIS_DATABASE_URL setzen.")
        )
    if url.startswith("sqlite"):
        from kwis_hooks.refhost.db import make_engine

        return make_engine(url)
    return create_engine(url)


@click.group(name="job", cls=cli_i18n.Group, help=_l(
    "KWIS.job: Migrationen, Regionen, Suchindex, E-Mail-Versand, Veranstaltungen, "
    "Benachrichtigungen, Aufbewahrung, Datenschutz und Demo."))
@click.option(
    "--database-url",
    envvar="KWIS_DATABASE_URL",
    default=None,
    metavar="URL",
    help=_l("SQLAlchemy-URL der KWIS.web-Datenbank (nur ohne Host-App nötig)."),
)
def job(database_url: str | None) -> None:
    """Entry point; options are read by the sub-commands through the click context."""


@job.group(help=_l("Datenbank-Migrationen der Plug-in-Tabellen (kwis_job_*)."))
def db() -> None:
    pass


@db.command(help=_l("Auf eine Revision (Standard: neueste) aktualisieren."))
@click.option("--revision", default="heads", show_default=True, metavar="REVISION",
              help=_l("Ziel-Revision, z. B. 0008; heads ist die neueste."))
@click.pass_context
def upgrade(ctx: click.Context, revision: str) -> None:
    migrations.upgrade(_engine(ctx), migration_location(), revision)
    click.echo(f"KWIS.job-Schema auf {revision} aktualisiert.")


@db.command(help=_l("Auf eine Revision zurücksetzen; 'base' entfernt alle Plug-in-Tabellen."))
@click.argument("revision", help=_l("Ziel-Revision, z. B. 0007, oder base."))
@click.pass_context
def downgrade(ctx: click.Context, revision: str) -> None:
    migrations.downgrade(_engine(ctx), migration_location(), revision)
    click.echo(f"KWIS.job-Schema auf {revision} zurückgesetzt.")


@db.command(help=_l("Aktuelle Revision anzeigen."))
@click.pass_context
def current(ctx: click.Context) -> None:
    location = migration_location()
    rev = migrations.current(_engine(ctx), location)
    head = migrations.head(location)
    click.echo(f"{rev or '(keine)'}{' (aktuell)' if rev == head else f' – neueste: {head}'}")


@job.group(help=_l("Regionen der Wirtschaftsförderung."))
def region() -> None:
    pass


@region.command("add", help=_l(
    "Region anlegen, z. B.: region add jena 'Stadt Jena' --ags 16053"))
@click.argument("slug", help=_l("Kurzname in Adressen, z. B. jena."))
@click.argument("name", help=_l("Name der Region, z. B. 'Stadt Jena'."))
@click.option("--ags", "ags_prefixes", multiple=True, required=True, metavar="AGS",
              help=_l("Anfang des Amtlichen Gemeindeschlüssels (2 bis 8 Ziffern), der Betriebe "
                      "der Region zuordnet; mehrfach möglich."))
@click.option(
    "--review-rule",
    default="every_change",
    show_default=True,
    type=click.Choice(["none", "first_publication", "every_change"]),
    help=_l("Prüfung durch die Verwaltung: none (keine), first_publication (nur die erste "
            "Veröffentlichung), every_change (jede Änderung)."),
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


@region.command("list", help=_l("Regionen auflisten."))
@click.pass_context
def region_list(ctx) -> None:
    with Session(_engine(ctx)) as session:
        for r in region_service.all_regions(session):
            prefixes = ", ".join(p.prefix for p in r.ags_prefixes)
            click.echo(f"{r.slug}\t{r.name}\t{prefixes}\t{r.review_rule}")


@job.group(help=_l("Suchindex des öffentlichen Portals."))
def search() -> None:
    pass


@search.command("rebuild", help=_l("Suchindex aus den veröffentlichten Inhalten neu aufbauen."))
@click.pass_context
def search_rebuild(ctx: click.Context) -> None:
    from .services import search_index

    with Session(_engine(ctx)) as session:
        count = search_index.rebuild_all(session)
        session.commit()
    click.echo(f"Suchindex neu aufgebaut: {count} Angebote auffindbar.")
    _write_snapshot(ctx, from_documents=True)


@search.command(
    "snapshot",
    help=_l("Abbild des Suchindex für neu startende Server-Prozesse speichern (etwa stündlich "
            "per cron; ein neuer Prozess holt nur die Änderungen seitdem nach)."),
)
@click.pass_context
def search_snapshot(ctx: click.Context) -> None:
    _write_snapshot(ctx, from_documents=False)


def _write_snapshot(ctx: click.Context, *, from_documents: bool) -> None:
    from .services import search_sync

    with Session(_engine(ctx)) as session:
        seq, size = search_sync.write_snapshot(session, from_documents=from_documents)
        session.commit()
    click.echo(f"Abbild des Suchindex gespeichert: Stand {seq}, {size / 1e6:.1f} MB.")


@job.group(help=_l("Aufbewahrung: Anmeldungen nach Veranstaltungen löschen, Zahlen behalten."))
def retention() -> None:
    pass


@retention.command(
    "run",
    help=_l("Anmeldungen löschen, deren Aufbewahrungsfrist abgelaufen ist (nur Zahlen bleiben), "
            "und versendete E-Mails nach KWIS_JOB_OUTBOX_KEEP_DAYS Tagen. Einmal täglich per "
            "cron."),
)
@click.option(
    "--outbox-keep-days",
    type=click.IntRange(min=0, max=36500),
    envvar="KWIS_JOB_OUTBOX_KEEP_DAYS",
    default=None,
    metavar=cli_i18n.placeholder("DAYS"),
    help=_l("Tage, die versendete E-Mails bleiben (Standard: Einstellung, sonst 30)."),
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help=_l("Stichtag JJJJ-MM-TT (Standard: heute)."),
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


@job.group(help=_l("Veranstaltungen: regelmäßige Aufgaben der Anmeldungen."))
def events() -> None:
    pass


@events.command(
    "tick",
    help=_l("Nicht bestätigte Plätze (unter 16, ohne Zustimmung) freigeben, Wartende "
            "nachrücken lassen und fällige Erinnerungen (48 Stunden vorher) in den Postausgang "
            "legen. Alle paar Minuten per cron oder systemd-Timer."),
)
@click.option(
    "--base-url",
    envvar="KWIS_JOB_PUBLIC_BASE_URL",
    default=None,
    metavar="URL",
    help=_l("Adresse des Portals für Links in E-Mails, z. B. https://www.wfg-jena.de "
            "(Standard: Einstellung KWIS_JOB_PUBLIC_BASE_URL)."),
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


@job.group(help=_l("Benachrichtigungen und Alumni-Karte: Übersichten verschicken, "
                   "Unbestätigtes löschen."))
def alerts() -> None:
    pass


def _alerts_frame(base_url: str | None):
    """A request context whose ``url_for`` builds the mails' links (under ``base_url``), and
    the secret that signs the unsubscribe links: the host app's, or without one a small app
    with the same URL rules and ``KWIS_JOB_SECRET_KEY``."""
    import os

    from flask import Flask

    base = base_url or _setting("KWIS_JOB_PUBLIC_BASE_URL") or "http://localhost"
    if has_app_context() and EXTENSION_KEY in current_app.extensions:
        return current_app.test_request_context("/", base_url=base), current_app.config.get(
            "SECRET_KEY")
    from .views import alerts as alerts_views
    from .views import portal

    app = Flask("kwis_job_alert_links")
    prefix = _setting("KWIS_JOB_PUBLIC_PREFIX")
    app.register_blueprint(portal.bp, url_prefix=prefix)
    app.register_blueprint(alerts_views.bp, url_prefix=prefix)
    return app.test_request_context("/", base_url=base), os.environ.get("KWIS_JOB_SECRET_KEY")


@alerts.command("send", help=_l(
    "Jeder bestätigten Adresse, deren Zeitraum (Monat, Quartal, Halbjahr, Jahr) gekommen ist, "
    "das Neue seit ihrer letzten Übersicht in den Postausgang legen. Einmal am Tag per cron "
    "oder systemd-Timer; ein zweiter oder abgebrochener Lauf verschickt nichts doppelt."))
@click.option(
    "--base-url", envvar="KWIS_JOB_PUBLIC_BASE_URL", default=None, metavar="URL",
    help=_l("Adresse des Portals für Links in E-Mails, z. B. https://www.wfg-jena.de "
            "(Standard: Einstellung KWIS_JOB_PUBLIC_BASE_URL)."),
)
@click.option(
    "--now", type=click.DateTime(formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d"]), default=None,
    metavar="JJJJ-MM-TT[THH:MM]",
    help=_l("Zeitpunkt des Laufs in UTC (Standard: jetzt); für Tests und Nachholläufe."),
)
@click.pass_context
def alerts_send(ctx: click.Context, base_url: str | None, now) -> None:
    from .models.base import utcnow
    from .services.alerts import digests
    from .views import alerts as alerts_views

    frame, secret_key = _alerts_frame(base_url)
    if not secret_key:
        raise click.ClickException(_(
            "Für die Abmeldelinks fehlt der SECRET_KEY von KWIS.web: bitte in der "
            "Host-Anwendung ausführen (flask job alerts send) oder KWIS_JOB_SECRET_KEY setzen."))
    with frame, Session(_engine(ctx)) as session:
        result = digests.send(session, now=now or utcnow(), links=alerts_views.digest_links(),
                              secret_key=secret_key)
    click.echo(_("Benachrichtigungen: %(queued)s Übersichten in den Postausgang gelegt, "
                 "%(empty)s ohne Neues, %(skipped)s schon verschickt, %(not_due)s noch nicht "
                 "fällig.", queued=result.queued, empty=result.empty, skipped=result.skipped,
                 not_due=result.not_due))


@alerts.command("tick", help=_l(
    "Nicht bestätigte Bestellungen nach Ablauf der Frist und Rückmeldungen „Zurück in der "
    "Region“ nach einem Jahr löschen. Stündlich per cron oder systemd-Timer."))
@click.option(
    "--now", type=click.DateTime(formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d"]), default=None,
    metavar="JJJJ-MM-TT[THH:MM]",
    help=_l("Zeitpunkt des Laufs in UTC (Standard: jetzt); für Tests."),
)
@click.pass_context
def alerts_tick(ctx: click.Context, now) -> None:
    from .models.base import utcnow
    from .services.alerts import returnees, subscriptions

    moment = now or utcnow()
    with Session(_engine(ctx)) as session:
        expired = subscriptions.expire(session, moment)
        old = returnees.delete_old(session, moment)
        session.commit()
    click.echo(_("Benachrichtigungen: %(expired)s unbestätigte Bestellungen und %(old)s alte "
                 "Rückmeldungen gelöscht.", expired=expired, old=old))


def _setting(name: str):
    """A setting of the host app when there is one, else the plug-in's default."""
    from .config import SETTINGS_DEFAULTS

    if has_app_context() and name in current_app.config:
        return current_app.config[name]
    return SETTINGS_DEFAULTS[name]


@job.group(help=_l("Datenschutz: alles zu einer E-Mail-Adresse ausgeben oder löschen."))
def privacy() -> None:
    pass


@privacy.command("export", help=_l("Alles zu einer E-Mail-Adresse als JSON ausgeben."))
@click.argument("address", help=_l("Die E-Mail-Adresse."))
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


@privacy.command("erase", help=_l(
    "Alles zu einer E-Mail-Adresse löschen (Anmeldungen, E-Mails, Benachrichtigungen); "
    "belegte Plätze werden frei, Wartende rücken nach."))
@click.argument("address", help=_l("Die E-Mail-Adresse."))
@click.option("--yes", is_flag=True, help=_l("Ohne Rückfrage löschen."))
@click.option(
    "--base-url",
    envvar="KWIS_JOB_PUBLIC_BASE_URL",
    default=None,
    metavar="URL",
    help=_l("Adresse des Portals für die Links in der E-Mail an Nachrückende, z. B. "
            "https://www.wfg-jena.de (Standard: Einstellung KWIS_JOB_PUBLIC_BASE_URL)."),
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


@privacy.command("record", help=_l(
    "Verzeichnis von Verarbeitungstätigkeiten (Art. 30 DSGVO) für KWIS.job ausgeben: was "
    "gespeichert wird, wozu, auf welcher Rechtsgrundlage, wie lange und wer es erhält."))
@click.option("--format", "output_format", type=click.Choice(["markdown", "csv"]),
              default="markdown", show_default=True,
              help=_l("Ausgabeformat: markdown zum Lesen, csv für eine Tabellenkalkulation."))
@click.option("--region", "region_slug", default=None, metavar="SLUG",
              help=_l("Kurzname einer Region: nur was dort eingeschaltet ist, mit ihren "
                      "Kontakten (Standard: alle Tätigkeiten aller Funktionen)."))
@click.pass_context
def privacy_record(ctx: click.Context, output_format: str, region_slug: str | None) -> None:
    from datetime import date

    from sqlalchemy import select

    from .models import Region, RegionLegal
    from .services import privacy_notice
    from .services.input_checks import has_forbidden_chars

    if region_slug is not None and (has_forbidden_chars(region_slug) or len(region_slug) > 60):
        raise click.BadParameter(_("Bitte einen Kurznamen ohne Steuerzeichen angeben "
                                   "(höchstens 60 Zeichen)."), param_hint="--region")
    settings = privacy_notice.Settings.from_config({
        name: _setting(name) for name in (
            "KWIS_JOB_OUTBOX_KEEP_DAYS", "KWIS_JOB_SERVER_LOG_DAYS",
            "KWIS_JOB_GUARDIAN_HOLD_HOURS", "KWIS_JOB_RATELIMIT_PER_CLIENT",
            "KWIS_JOB_RATELIMIT_PER_ADDRESS")
    })
    with Session(_engine(ctx)) as session:
        region = legal = None
        if region_slug is not None:
            region = session.scalar(select(Region).where(Region.slug == region_slug.strip()))
            if region is None:
                raise click.BadParameter(_("Keine Region mit dem Kurznamen „%(slug)s“.",
                                           slug=region_slug), param_hint="--region")
            legal = session.get(RegionLegal, region.id)
        rows = privacy_notice.record_rows(session, settings, region)
        if output_format == "csv":
            click.echo(privacy_notice.record_csv(rows), nl=False)
            return
        scope = (f"Region {region.name} ({region.slug}), eingeschaltete Funktionen"
                 if region is not None else "alle Regionen und Funktionen")
        click.echo(privacy_notice.record_markdown(
            rows, today=date.today().isoformat(), scope=scope,
            contacts=privacy_notice.record_contacts(region, legal)))


@job.group(help=_l("E-Mail-Versand aus dem Postausgang (KWIS_JOB_MAIL_URL)."))
def mail() -> None:
    pass


def _mail_option(name: str, value):
    """An option given on the command line wins, else the host's setting or the default."""
    return value if value is not None else _setting(name)


@mail.command("send", help=_l(
    "Fällige E-Mails versenden: ein Durchgang, mit --loop dauerhaft (beendet sich sauber bei "
    "SIGTERM). Mehrere Versandprozesse dürfen laufen."))
@click.option("--loop", is_flag=True, help=_l("Dauerhaft laufen und regelmäßig nachsehen."))
@click.option("--url", envvar="KWIS_JOB_MAIL_URL", default=None, metavar="URL",
              help=_l("smtp://, smtp+starttls://, smtps:// oder file:ORDNER "
                      "(Standard: Einstellung)."))
@click.option("--mail-from", envvar="KWIS_JOB_MAIL_FROM", default=None,
              metavar=cli_i18n.placeholder("ADDRESS"),
              help=_l("Absender (Standard: Einstellung KWIS_JOB_MAIL_FROM)."))
@click.option("--batch-size", type=click.IntRange(1, 1000), default=None,
              help=_l("Höchstens so viele E-Mails je Durchgang (Standard: Einstellung "
                      "KWIS_JOB_MAIL_BATCH_SIZE)."))
@click.option("--lease-seconds", type=click.IntRange(1, 86400), default=None,
              help=_l("Nach so vielen Sekunden übernimmt ein anderer Prozess liegengebliebene "
                      "Mails."))
@click.option("--poll-seconds", type=click.FloatRange(0.05, 3600), default=None,
              help=_l("Mit --loop: so viele Sekunden zwischen zwei Durchgängen (Standard: "
                      "Einstellung KWIS_JOB_MAIL_POLL_SECONDS)."))
@click.option("--max-attempts", type=click.IntRange(1, 100), default=None,
              help=_l("So viele Zustellversuche, bevor eine E-Mail als fehlgeschlagen gilt "
                      "(Standard: Einstellung KWIS_JOB_MAIL_MAX_ATTEMPTS)."))
@click.option("--sender-id", default=None, metavar="NAME",
              help=_l("Name dieses Prozesses (Standard: Rechner:PID)."))
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


@job.group(help=_l("Prüfung: tägliche Übersicht für die Wirtschaftsförderung."))
def review() -> None:
    pass


@review.command("summary", help=_l(
    "Je Region eine E-Mail an deren Kontaktadresse mit allem, was auf Prüfung wartet; nichts, "
    "wenn nichts wartet. Einmal am Tag per cron oder systemd-Timer; ein zweiter Lauf am selben "
    "Tag verschickt nichts doppelt."))
@click.option(
    "--base-url", envvar="KWIS_JOB_PUBLIC_BASE_URL", default=None, metavar="URL",
    help=_l("Adresse von KWIS.web für den Link zur Prüfung, z. B. https://www.wfg-jena.de "
            "(Standard: Einstellung KWIS_JOB_PUBLIC_BASE_URL)."),
)
@click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="JJJJ-MM-TT",
    help=_l("Stichtag JJJJ-MM-TT (Standard: heute in Deutschland)."),
)
@click.pass_context
def review_summary(ctx: click.Context, base_url: str | None, today) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from sqlalchemy.exc import IntegrityError

    from .services import review_mails
    from .views import admin_review

    if has_app_context() and EXTENSION_KEY in current_app.extensions:
        if base_url:
            current_app.config["KWIS_JOB_PUBLIC_BASE_URL"] = base_url
        links = admin_review.links()
    else:
        links = admin_review.offline_links(
            base_url or _setting("KWIS_JOB_PUBLIC_BASE_URL") or "http://localhost",
            _setting("KWIS_JOB_ADMIN_PREFIX"), _setting("KWIS_JOB_SELFSERVICE_PREFIX"),
        )
    day = today.date() if today else datetime.now(ZoneInfo("Europe/Berlin")).date()
    with Session(_engine(ctx)) as session:
        result = review_mails.queue_summaries(session, day, links=links)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            click.echo("Prüfung: Die Übersicht dieses Tages hat ein anderer Lauf gerade "
                       "verschickt; nichts doppelt.")
            return
    click.echo(f"Prüfung: {result.queued} Übersichten in den Postausgang gelegt, "
               f"{result.already} heute schon verschickt.")
    for name in result.without_address:
        click.echo(f"Region {name}: Es wartet etwas auf Prüfung, aber die Region hat keine "
                   "Kontaktadresse.")
    if result.outside_regions:
        click.echo(f"{result.outside_regions} Einreichungen von Betrieben außerhalb aller "
                   "Regionen warten ebenfalls.")


@job.group(help=_l("Aktualität: Erinnerungen an lange nicht geänderte Profile und Angebote."))
def stale() -> None:
    pass


@stale.command("run", help=_l(
    "Je Region: Profile und Angebote, die seit dem Zeitraum der Region nicht geändert wurden, "
    "bekommen eine Erinnerung mit Bestätigungslink; ohne Antwort nach einem weiteren Zeitraum "
    "werden sie aus dem Portal genommen (nicht gelöscht) und der Betrieb erfährt es. Einmal "
    "am Tag per cron oder systemd-Timer; ein zweiter Lauf verschickt nichts doppelt."))
@click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="JJJJ-MM-TT",
    help=_l("Stichtag JJJJ-MM-TT (Standard: heute in Deutschland)."),
)
@click.option(
    "--base-url", envvar="KWIS_JOB_PUBLIC_BASE_URL", default=None, metavar="URL",
    help=_l("Adresse von KWIS.web für die Links in den E-Mails, z. B. https://www.wfg-jena.de "
            "(Standard: Einstellung KWIS_JOB_PUBLIC_BASE_URL)."),
)
@click.pass_context
def stale_run(ctx: click.Context, today, base_url: str | None) -> None:
    import os
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from sqlalchemy.exc import IntegrityError

    from .services import staleness
    from .views import still_current

    if has_app_context() and EXTENSION_KEY in current_app.extensions:
        if base_url:
            current_app.config["KWIS_JOB_PUBLIC_BASE_URL"] = base_url
        links = still_current.links()
        secret_key = current_app.config.get("SECRET_KEY")
    else:
        links = still_current.offline_links(
            base_url or _setting("KWIS_JOB_PUBLIC_BASE_URL") or "http://localhost",
            _setting("KWIS_JOB_PUBLIC_PREFIX"), _setting("KWIS_JOB_SELFSERVICE_PREFIX"),
        )
        secret_key = os.environ.get("KWIS_JOB_SECRET_KEY")
    if not secret_key:
        raise click.ClickException(_(
            "Für die Bestätigungslinks fehlt der SECRET_KEY von KWIS.web: bitte in der "
            "Host-Anwendung ausführen (flask job stale run) oder KWIS_JOB_SECRET_KEY setzen."))
    day = today.date() if today else datetime.now(ZoneInfo("Europe/Berlin")).date()
    with Session(_engine(ctx)) as session:
        try:  # a run racing this one fails on the mails' unique dedupe_key, here or at commit
            result = staleness.run(session, day, default_days=int(_setting(
                "KWIS_JOB_STALE_AFTER_DAYS")), links=links, secret_key=secret_key)
            session.commit()
        except IntegrityError:
            session.rollback()
            click.echo(_("Aktualität: Ein anderer Lauf hat gerade dieselben E-Mails verschickt; "
                         "nichts doppelt."))
            return
    click.echo(_("Aktualität: %(reminded)s Erinnerungen in den Postausgang gelegt, "
                 "%(hidden)s Inhalte aus dem Portal genommen.", reminded=result.reminded,
                 hidden=result.hidden))
    for name in sorted(set(result.without_address)):
        click.echo(_("%(name)s: keine E-Mail-Adresse, daher keine Erinnerung.", name=name))


@job.command("seed-demo", help=_l("Demo-Daten in eine leere Datenbank schreiben."))
@click.pass_context
def seed_demo_command(ctx: click.Context) -> None:
    from .demo.seed import already_seeded, seed_demo

    with Session(_engine(ctx)) as session:
        if already_seeded(session):
            raise click.ClickException("Die Datenbank enthält bereits Regionen; nichts geändert.")
        logins = seed_demo(session)
        session.commit()
    _print_logins(logins)


@job.group(help=_l("Barrierefreiheit: Prüfungen des Portals erfassen, die die Erklärung zur "
                   "Barrierefreiheit nennt."))
def accessibility() -> None:
    pass


def _a11y_region(session: Session, slug: str | None):
    """The region named, or the only one whose portal is on."""
    from .services import accessibility_check, features

    if slug:
        found = accessibility_check.region_by_slug(session, slug)
        if found is None:
            raise click.UsageError(_("Keine Region mit dem Kurznamen „%(slug)s“.", slug=slug))
        return found
    shown = features.regions_with(session, "portal")
    if len(shown) != 1:
        raise click.UsageError(_(
            "Bitte wählen Sie die Region mit --region (Regionen mit Portal: %(slugs)s).",
            slugs=", ".join(row.slug for row in shown) or "–"))
    return region_service.region_by_id(session, shown[0].id)


@accessibility.command("check", help=_l(
    "Die Seiten einer Region im laufenden Portal mit axe (WCAG 2.1 A/AA und bewährte "
    "Praktiken) in Chromium prüfen und Datum, Umfang und Ergebnis für die Erklärung zur "
    "Barrierefreiheit speichern. Braucht das Extra [accessibility] und Chromium."))
@click.option("--base-url", required=True, metavar="URL",
              help=_l("Adresse des laufenden Portals ohne /jobs, z. B. https://www.wfg-jena.de."))
@click.option("--region", "region_slug", default=None, metavar="SLUG",
              help=_l("Kurzname der Region (Standard: die einzige Region mit Portal)."))
@click.option("--chromium", type=click.Path(path_type=Path, dir_okay=False),
              default="/usr/bin/chromium", show_default=True, metavar="PATH",
              help=_l("Pfad zum Chromium des Betriebssystems."))
@click.pass_context
def accessibility_check(ctx: click.Context, base_url: str, region_slug: str | None,
                        chromium: Path) -> None:
    from datetime import date

    from .services import accessibility_check as check
    from .views.accessibility import offline_url_builder

    if not base_url.startswith(("http://", "https://")) or any(c.isspace() for c in base_url):
        raise click.BadParameter(_("Bitte eine Adresse mit http:// oder https:// angeben."),
                                 param_hint="--base-url")
    build = offline_url_builder(base_url.rstrip("/"), _setting("KWIS_JOB_PUBLIC_PREFIX"))
    with Session(_engine(ctx)) as session:
        region = _a11y_region(session, region_slug)
        sample = check.sample_pages(session, region.id, date.today(), build)
        region_id, name = region.id, region.name
        session.rollback()  # no transaction stays open while the browser works
    click.echo(_("Prüfe %(count)s Seiten der Region %(name)s …", count=len(sample.pages),
                 name=name))
    try:
        result = check.run_axe(sample.pages, executable_path=chromium)
    except check.CheckUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    scope = check.scope_of(result, sample.missing)
    with Session(_engine(ctx)) as session:
        check.record(session, region_id, checked_on=date.today(), method=check.AUTOMATED,
                     scope=scope)
        session.commit()
    click.echo(scope)
    click.echo(_("Gespeichert für die Erklärung zur Barrierefreiheit."))
    if not result.clean:
        ctx.exit(1)


@accessibility.command("record", help=_l(
    "Eine Prüfung speichern, die anders gemacht wurde (von Hand, durch eine Prüfstelle), "
    "damit die Erklärung zur Barrierefreiheit Datum und Umfang nennt."))
@click.option("--region", "region_slug", required=True, metavar="SLUG",
              help=_l("Kurzname der Region, z. B. jena."))
@click.option("--date", "checked_on", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              metavar="JJJJ-MM-TT", help=_l("Tag der Prüfung, z. B. 2026-11-30."))
@click.option("--scope", required=True, metavar="TEXT",
              help=_l("Was wie geprüft wurde, z. B. 'BITV-Test aller Seitenarten durch …'."))
@click.option("--von-hand", "by_hand", is_flag=True,
              help=_l("Die Prüfung wurde von Hand gemacht (nicht nur automatisch)."))
@click.option("--vollstaendig", "complete", is_flag=True,
              help=_l("Nur mit --von-hand: alle Seiten und Teile des Portals wurden vollständig "
                      "geprüft und sind barrierefrei."))
@click.pass_context
def accessibility_record(ctx: click.Context, region_slug: str, checked_on, scope: str,
                         by_hand: bool, complete: bool) -> None:
    from datetime import date

    from .services import accessibility_check as check
    from .services import accessibility_statement as statement

    if complete and not by_hand:
        raise click.UsageError(_("--vollstaendig gilt nur zusammen mit --von-hand."))
    if checked_on.date() > date.today():
        raise click.BadParameter(_("Das Datum liegt in der Zukunft."), param_hint="--date")
    method = (statement.BY_HAND_COMPLETE if complete else statement.BY_HAND) if by_hand \
        else statement.AUTOMATED
    with Session(_engine(ctx)) as session:
        region = _a11y_region(session, region_slug)
        try:
            check.record(session, region.id, checked_on=checked_on.date(), method=method,
                         scope=scope)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--scope") from None
        session.commit()
        name = region.name
    click.echo(_("Prüfung vom %(date)s für die Region %(name)s gespeichert.",
                 date=checked_on.strftime("%d.%m.%Y"), name=name))


def _print_logins(logins) -> None:
    click.echo("Demo-Zugänge:")
    for login in logins:
        click.echo(f"  {login.email:<48} {login.password}   {login.who}")


@job.command(help=_l("Demo starten: Referenz-Host + Plug-in auf SQLite, mit Demo-Daten."))
@click.option(
    "--instance",
    type=click.Path(path_type=Path),
    default=DEFAULT_INSTANCE,
    show_default=True,
    metavar=cli_i18n.placeholder("DIRECTORY"),
    help=_l("Ordner für die Demo-Datenbank."),
)
@click.option("--host", default="127.0.0.1", show_default=True, metavar="HOST",
              help=_l("Adresse, an der die Demo lauscht (0.0.0.0: von anderen Rechnern "
                      "erreichbar)."))
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535),
              metavar="PORT", help=_l("Port, an dem die Demo lauscht."))
@click.option("--reset", is_flag=True, help=_l("Vorhandene Demo-Datenbank löschen."))
@click.option("--no-serve", is_flag=True, help=_l("Nur vorbereiten, nicht starten."))
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
