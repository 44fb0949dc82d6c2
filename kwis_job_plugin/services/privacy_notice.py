"""The privacy notice of a region (GDPR Art. 13) and the record of processing (Art. 30).

Both are built from the declared list in ``personal_data``: a notice has one section per
processing activity that runs in the region (its feature switch on, ``features.states``), with
purpose, legal basis, the data and the tables and columns it is stored in, recipients and
retention as configured (``Settings``: the outbox's keep days, the server logs' days, the
retention days of the region's events). Switch a feature off and its section goes.

``record_rows`` is the same list as rows for ``kwis-job privacy record``, for one region or, when
none is given, for every activity with the feature it belongs to. No Flask here: the caller
passes the settings (``Settings.from_config``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..config import FEATURE_KEYS, FEATURES
from ..i18n import gettext as _
from ..i18n import ngettext
from ..models import Event, Region, RegionLegal
from . import features, personal_data
from .events.agency import RETENTION_DEFAULT
from .events.retention import OUTBOX_KEEP_DAYS
from .personal_data import Activity

SERVER_LOG_DAYS = 7
"""Default of ``KWIS_JOB_SERVER_LOG_DAYS``: how long the web server keeps its logs (set by the
host's IT; the notice states the configured value)."""


@dataclass(frozen=True)
class Settings:
    """The configured periods the retention texts name."""

    outbox_keep_days: int = OUTBOX_KEEP_DAYS
    server_log_days: int = SERVER_LOG_DAYS
    guardian_hold_hours: float = 72
    rate_limit_per_client: str = ""
    rate_limit_per_address: str = ""
    alert_confirm_hours: float = 72

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        return cls(
            outbox_keep_days=int(config.get("KWIS_JOB_OUTBOX_KEEP_DAYS", OUTBOX_KEEP_DAYS)),
            server_log_days=int(config.get("KWIS_JOB_SERVER_LOG_DAYS", SERVER_LOG_DAYS)),
            guardian_hold_hours=float(config.get("KWIS_JOB_GUARDIAN_HOLD_HOURS", 72)),
            rate_limit_per_client=str(config.get("KWIS_JOB_RATELIMIT_PER_CLIENT") or ""),
            rate_limit_per_address=str(config.get("KWIS_JOB_RATELIMIT_PER_ADDRESS") or ""),
            alert_confirm_hours=float(config.get("KWIS_JOB_ALERT_CONFIRM_HOURS", 72)),
        )


@dataclass(frozen=True)
class Section:
    """One activity as the notice and the record show it; all texts in the current locale."""

    key: str
    feature: str | None
    title: str
    purpose: str
    legal_bases: tuple[str, ...]
    subjects: str
    data: str
    stored_in: tuple[str, ...]
    recipients: str
    retention: str


def _days(n: int) -> str:
    """Dative, as in "nach 7 Tagen"."""
    return ngettext("einem Tag", "%(num)d Tagen", n)


def _days_before(n: int) -> str:
    """Accusative, as in "90 Tage nach dem Ende"."""
    return ngettext("einen Tag", "%(num)d Tage", n)


_LIMIT = re.compile(r"(\d+)\s*(?:per|/)\s*(?:1\s*)?(second|minute|hour|day)s?", re.IGNORECASE)


def limit_words(spec: str) -> str:
    """A Flask-Limiter rate ("30 per minute; 300 per hour") in words of the current locale
    ("30 pro Minute, 300 pro Stunde"); "–" when none is set."""
    units = {"second": _("pro Sekunde"), "minute": _("pro Minute"), "hour": _("pro Stunde"),
             "day": _("pro Tag")}
    parts = [f"{count} {units[unit.lower()]}" for count, unit in _LIMIT.findall(spec or "")]
    return ", ".join(parts) or "–"


def event_retention_days(session: Session, region_id: int | None) -> list[int]:
    """The distinct retention periods of the region's events (every region's without one);
    the default when there are no events yet."""
    query = select(Event.retention_days).distinct()
    if region_id is not None:
        query = query.where(Event.region_id == region_id)
    found = sorted({d for d in session.scalars(query) if d is not None})
    return found or [RETENTION_DEFAULT]


def retention_text(activity: Activity, settings: Settings, event_days: list[int]) -> str:
    """How long the activity's data is kept, with the configured periods."""
    kind = activity.retention
    if kind == "server_logs":
        return _("Die Protokolle werden nach %(days)s gelöscht.",
                 days=_days(settings.server_log_days))
    if kind == "rate_limits":
        return _("Die Zähler verfallen nach dem Zeitraum, für den sie gelten (derzeit "
                 "%(client)s je IP-Adresse und %(address)s je E-Mail-Adresse).",
                 client=limit_words(settings.rate_limit_per_client),
                 address=limit_words(settings.rate_limit_per_address))
    if kind == "event_registration":
        if len(event_days) == 1:
            period = _days_before(event_days[0])
        else:
            period = _("%(low)s bis %(high)s, je nach Veranstaltung,",
                       low=_days_before(event_days[0]), high=_days_before(event_days[-1]))
        return _("Die Anmeldungen werden %(period)s nach dem letzten Tag der Veranstaltung "
                 "gelöscht; es bleiben nur Zahlen ohne Personenbezug. Ein Platz, dessen "
                 "Zustimmung der Erziehungsberechtigten nach %(hours)s Stunden nicht vorliegt, "
                 "wird freigegeben.",
                 period=period, hours=f"{settings.guardian_hold_hours:g}")
    if kind == "alerts":
        return _("Bis Sie sich abmelden (dann wird alles gelöscht). Eine nicht bestätigte "
                 "Bestellung wird nach %(hours)s Stunden gelöscht.",
                 hours=f"{settings.alert_confirm_hours:g}")
    if kind == "returnees":
        return _("Ein Jahr nach Eingang, auf Wunsch früher.")
    if kind == "mail":
        return _("Versandte E-Mails werden %(days)s nach dem Versand gelöscht; noch nicht "
                 "zugestellte bleiben bis zur Zustellung.",
                 days=_days_before(settings.outbox_keep_days))
    if kind == "company_content":
        return _("Solange der Betrieb die Angaben im Portal hält; sie werden gelöscht, wenn "
                 "der Betrieb sie ändert oder sein Konto gelöscht wird.")
    if kind == "until_changed":
        return _("Bis die Angaben geändert werden.")
    if kind == "accountability":
        return _("Solange der Eintrag besteht; wird ein Nutzerkonto gelöscht, wird auch seine "
                 "Nummer überall entfernt.")
    raise ValueError(f"unknown retention kind {kind!r} of activity {activity.key!r}")


def _stored_in(activity: Activity) -> tuple[str, ...]:
    places = [f"{table} ({', '.join(columns)})"
              for table, columns in personal_data.columns_of(activity.key).items()]
    if activity.stored_outside is not None:
        places.append(str(activity.stored_outside))
    return tuple(places)


def section(activity: Activity, settings: Settings, event_days: list[int]) -> Section:
    return Section(
        key=activity.key,
        feature=activity.feature,
        title=str(activity.title),
        purpose=str(activity.purpose),
        legal_bases=tuple(str(personal_data.LEGAL_BASES[k]) for k in activity.legal_bases),
        subjects=str(activity.subjects),
        data=str(activity.data),
        stored_in=_stored_in(activity),
        recipients=str(activity.recipients),
        retention=retention_text(activity, settings, event_days),
    )


def sections(session: Session, region_id: int, settings: Settings) -> list[Section]:
    """The notice's sections for a region: one per activity running there, in declared order."""
    states = features.states(session, region_id)
    days = event_retention_days(session, region_id)
    return [section(a, settings, days) for a in personal_data.ACTIVITIES
            if personal_data.activity_is_on(a, states)]


def feature_label(key: str | None) -> str:
    """The German (or English) name of a feature switch; "immer" for ``None``."""
    if key is None:
        return _("immer")
    for feature in FEATURES:
        if feature.key == key:
            return str(feature.label)
    return _("noch nicht gebaut (%(key)s)", key=key)


def record_rows(session: Session, settings: Settings, region: Region | None = None
                ) -> list[Section]:
    """The record of processing (Art. 30): for ``region`` what runs there, else everything
    built (each row names its feature; activities of features not declared yet are left out,
    as in the notice)."""
    if region is not None:
        return sections(session, region.id, settings)
    days = event_retention_days(session, None)
    return [section(a, settings, days) for a in personal_data.ACTIVITIES
            if a.feature is None or a.feature in FEATURE_KEYS]


# --- the record of processing activities (Art. 30) ---------------------------------------------

RECORD_COLUMNS = (
    ("number", "Nr."), ("title", "Tätigkeit"), ("feature", "Funktion"), ("purpose", "Zweck"),
    ("legal_bases", "Rechtsgrundlage"), ("subjects", "Betroffene Personen"),
    ("data", "Kategorien personenbezogener Daten"), ("stored_in", "Gespeichert in"),
    ("recipients", "Empfänger"), ("third_countries", "Übermittlung in Drittländer"),
    ("retention", "Löschfrist"),
)
"""The columns of the record; German, like the rest of the command line."""
NO_THIRD_COUNTRIES = "keine"
MEASURES = (
    "Zugriff nur für angemeldete Konten, geprüft je Seite nach Rolle (Betrieb, Verwaltung) und "
    "Region; CSRF-Schutz für jedes Formular; das öffentliche Portal setzt keine Cookies und "
    "lädt nichts von Dritten (Content-Security-Policy); Links in E-Mails sind zufällig, "
    "befristet und nur als Prüfwert (SHA-256) gespeichert; das Änderungsprotokoll enthält "
    "keine Namen oder Adressen; Anmeldungen und versandte E-Mails werden nach den Fristen "
    "automatisch gelöscht (kwis-job retention run); Auskunft und Löschung je E-Mail-Adresse "
    "mit kwis-job privacy export/erase; Transportverschlüsselung (HTTPS) durch den Webserver "
    "der Verwaltung."
)


def record_table(rows: list[Section]) -> list[dict[str, str]]:
    """The record as rows of plain text, keyed like ``RECORD_COLUMNS``."""
    return [
        {
            "number": str(number),
            "title": row.title,
            "feature": feature_label(row.feature),
            "purpose": row.purpose,
            "legal_bases": "; ".join(row.legal_bases),
            "subjects": row.subjects,
            "data": row.data,
            "stored_in": "; ".join(row.stored_in),
            "recipients": row.recipients,
            "third_countries": NO_THIRD_COUNTRIES,
            "retention": row.retention,
        }
        for number, row in enumerate(rows, start=1)
    ]


def record_csv(rows: list[Section]) -> str:
    """The record as CSV (comma-separated, quoted as needed, a header row)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([label for _key, label in RECORD_COLUMNS])
    for row in record_table(rows):
        writer.writerow([row[key] for key, _label in RECORD_COLUMNS])
    return out.getvalue()


def record_markdown(rows: list[Section], *, today: str, scope: str,
                    contacts: list[tuple[str, str]]) -> str:
    """The record as Markdown: a header (date, scope, contacts, measures), one part per row."""
    lines = [
        "# Verzeichnis von Verarbeitungstätigkeiten (Art. 30 DSGVO): KWIS.job",
        "",
        f"Stand: {today}. Umfang: {scope}.",
        "",
    ]
    for label, value in contacts:
        lines.append(f"- {label}: {value}")
    lines += [
        f"- Übermittlung in Drittländer: {NO_THIRD_COUNTRIES}",
        f"- Technische und organisatorische Maßnahmen (Art. 32 DSGVO): {MEASURES}",
        "",
    ]
    for row in record_table(rows):
        lines += [f"## {row['number']}. {row['title']}", ""]
        lines += [f"- {label}: {_one_line(row[key])}" for key, label in RECORD_COLUMNS[2:]]
        lines.append("")
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def record_contacts(region: Region | None, legal: RegionLegal | None) -> list[tuple[str, str]]:
    """The controller and the data protection officer for the record's header, as entered
    for ``region`` (none without a region: each region has its own)."""
    if region is None:
        return [("Verantwortliche Stelle", "je Region (siehe --region)")]

    def joined(*values: str | None) -> str:
        return ", ".join(" ".join(v.split()) for v in values if v and v.strip()) or "fehlt"

    controller = (legal.controller if legal is not None and legal.controller else
                  joined(legal.operator_name, legal.operator_address, legal.operator_email)
                  if legal is not None else "fehlt")
    dpo = (joined(legal.dpo_name, legal.dpo_address, legal.dpo_email)
           if legal is not None else "fehlt")
    return [("Verantwortliche Stelle", " ".join(controller.split())),
            ("Datenschutzbeauftragte oder Datenschutzbeauftragter", dpo)]
