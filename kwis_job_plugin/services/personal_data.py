"""What personal data KWIS.job processes: one declared list, checked against the models.

The privacy notice on the portal (``privacy_notice``) and the record of processing activities for
the data protection officer (``kwis-job privacy record``, GDPR Art. 30) are both built from this
module, so they say what the software really does. Two declarations cover every column of every
own table (``kwis_job_*``; the host's tables are the host's):

* ``PERSONAL``: table -> column -> the ``Activity`` (purpose, legal basis, retention, recipients,
  feature) the column serves;
* ``NOT_PERSONAL``: table -> columns that hold no personal data (keys, states, company data,
  counters, published content of companies).

``unclassified`` and ``stale`` compare them with the models; a test fails when a model gains a
column that is in neither list, so nobody can add personal data without saying why it is kept.

Columns of a row that is about one person (a registration, an outbox mail, an alert
subscription) count as personal, timestamps included; technical keys and processing states do
not. Company data (name, address, offers) is not personal data; the contact persons a company
names are. Processing outside the database is declared as activities without columns: the web
server's logs and the rate-limit counters.

Legal bases are keys of ``LEGAL_BASES`` (GDPR Art. 6 (1)); retention is a key that
``privacy_notice.retention_text`` turns into words with the configured periods. No Flask here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from babel.support import LazyProxy
from sqlalchemy import MetaData

from ..i18n import lazy_gettext as _l
from ..models.host import is_own_table

LEGAL_BASES: dict[str, LazyProxy] = {
    "a": _l("Art. 6 Abs. 1 lit. a DSGVO (Einwilligung)"),
    "b": _l("Art. 6 Abs. 1 lit. b DSGVO (auf Ihre Anfrage, zur Durchführung dessen, wofür Sie "
            "sich angemeldet haben)"),
    "c": _l("Art. 6 Abs. 1 lit. c DSGVO (rechtliche Verpflichtung)"),
    "e": _l("Art. 6 Abs. 1 lit. e DSGVO (Aufgabe im öffentlichen Interesse: Wirtschafts- und "
            "Berufsorientierungsförderung der Region)"),
}


@dataclass(frozen=True)
class Activity:
    """One processing activity: why and how long data is kept, who gets it, which feature.

    ``feature``: the feature switch it belongs to (``config.FEATURES``); ``None`` for what runs
    whatever is switched on. A feature not (yet) declared counts as off: its activity is listed
    once the release that builds it declares the switch. ``stored_outside``: where the data is
    when it is not in a table (logs, the rate-limit store)."""

    key: str
    feature: str | None
    title: LazyProxy
    purpose: LazyProxy
    legal_bases: tuple[str, ...]
    subjects: LazyProxy
    data: LazyProxy
    recipients: LazyProxy
    retention: str
    stored_outside: LazyProxy | None = None


ACTIVITIES: tuple[Activity, ...] = (
    Activity(
        "server_logs", None, _l("Aufruf der Seiten (Server-Protokolle)"),
        _l("Die Seiten an Ihren Browser ausliefern, Angriffe erkennen und abwehren, Fehler "
           "finden."),
        ("e",),
        _l("Alle, die das Portal aufrufen"),
        _l("IP-Adresse, Zeitpunkt, aufgerufene Adresse, Statuscode, übertragene Datenmenge, "
           "Browserkennung (User-Agent)"),
        _l("Die IT-Stelle der Wirtschaftsförderung oder ihr Rechenzentrum (Auftragsverarbeitung)"),
        "server_logs",
        _l("Protokolldateien des Webservers (nicht in der Datenbank)"),
    ),
    Activity(
        "rate_limits", None, _l("Schutz vor Missbrauch der Formulare"),
        _l("Zu viele Anfragen in kurzer Zeit begrenzen, damit niemand die Formulare mit "
           "Massenanfragen stört oder fremde Adressen mit E-Mails überhäuft."),
        ("e",),
        _l("Alle, die ein Formular des Portals absenden"),
        _l("IP-Adresse und die eingegebene E-Mail-Adresse, jeweils nur als Zähler"),
        _l("Niemand außerhalb des Servers"),
        "rate_limits",
        _l("Zähler im Arbeitsspeicher oder in einem gemeinsamen Zwischenspeicher (Redis), "
           "nicht in der Datenbank"),
    ),
    Activity(
        "event_registration", "events", _l("Anmeldung zu Veranstaltungsterminen"),
        _l("Ihren Platz bei einem Termin (zum Beispiel einem Betriebsbesuch) vergeben und "
           "verwalten, Sie per E-Mail bestätigen, erinnern und über Änderungen informieren, "
           "bei Personen unter 16 Jahren die Zustimmung der Erziehungsberechtigten einholen; "
           "danach nur noch Zahlen für die Auswertung der Veranstaltung."),
        ("e", "a"),
        _l("Schülerinnen und Schüler, Eltern und Erziehungsberechtigte, Lehrkräfte, "
           "Studierende, Arbeitsuchende"),
        _l("Vor- und Nachname, E-Mail-Adresse, Schule, Klassenstufe, Gruppengröße, ob unter "
           "16 Jahren, E-Mail-Adresse der erziehungsberechtigten Person, Zeitpunkte der "
           "Anmeldung, Bestätigung, Absage und Anwesenheit; Links in E-Mails nur als Prüfwert"),
        _l("Der Betrieb, der den Termin anbietet (Teilnahmeliste mit Name, Schule, Klassenstufe "
           "und Gruppengröße), die Veranstaltungsverwaltung der Wirtschaftsförderung"),
        "event_registration",
    ),
    Activity(
        "alerts", "alerts", _l("Benachrichtigungen über neue Angebote"),
        _l("Ihnen neue Angebote und Veranstaltungen zu Ihren Interessen per E-Mail senden, so "
           "oft Sie es gewählt haben, bis Sie sich abmelden; die Einwilligung nachweisen."),
        ("a",),
        _l("Alle, die Benachrichtigungen bestellen"),
        _l("E-Mail-Adresse, gewählte Regionen, Angebotsarten, Berufsfelder und Häufigkeit, ob "
           "Veranstaltungen gewünscht sind, freiwillig der Monat einer möglichen Rückkehr, "
           "der Kampagnencode der Karte, Version des Einwilligungstexts, Zeitpunkte von "
           "Bestellung, Bestätigung und letzter Nachricht; der Bestätigungslink nur als "
           "Prüfwert"),
        _l("Niemand außer der Wirtschaftsförderung"),
        "alerts",
    ),
    Activity(
        "returnees", "alerts", _l("Rückmeldungen „Zurück in der Region“"),
        _l("Ihnen antworten und Sie bei der Suche nach Arbeit, Ausbildung oder Kontakten in "
           "der Region unterstützen, wenn Sie uns sagen, dass Sie zurück sind; zählen, wie "
           "viele zurückkommen (nur als Zahl)."),
        ("a",),
        _l("Alle, die sich über das Formular „Zurück in der Region“ melden"),
        _l("Was Sie suchen, E-Mail-Adresse, freiwillig Name, Version des Einwilligungstexts, "
           "Zeitpunkt"),
        _l("Die Wirtschaftsförderung der Region (per E-Mail an ihre Kontaktadresse und in "
           "ihrem Verwaltungsbereich)"),
        "returnees",
    ),
    Activity(
        "mail", None, _l("Versand von E-Mails"),
        _l("E-Mails zuverlässig zustellen (Bestätigungen, Erinnerungen, Rückmeldungen) und "
           "nachweisen können, dass sie versandt wurden."),
        ("e", "b"),
        _l("Alle, denen das Portal eine E-Mail sendet"),
        _l("E-Mail-Adresse, Betreff und Text der E-Mail (mit den Angaben, um die es geht), "
           "Kalendereintrag, Fehlermeldung des Mailservers, Zeitpunkte"),
        _l("Der Mailserver der Wirtschaftsförderung und der Mailserver der Empfängerin oder "
           "des Empfängers"),
        "mail",
    ),
    Activity(
        "accessibility_feedback", None, _l("Rückmeldungen zur Barrierefreiheit"),
        _l("Ihre Meldung einer Barriere an die zuständige Stelle weiterleiten und Ihnen, wenn "
           "Sie eine Adresse angeben, den Eingang bestätigen."),
        ("c", "e"),
        _l("Alle, die eine Barriere melden"),
        _l("Ihre Nachricht, freiwillig Name und E-Mail-Adresse"),
        _l("Die Kontaktstelle für Barrierefreiheit der Region"),
        "mail",
        _l("Nur als E-Mail im Postausgang (kwis_job_mail_outbox), keine eigene Tabelle"),
    ),
    Activity(
        "profile_contacts", "profile", _l("Ansprechpersonen und Fotos in Arbeitgeberprofilen"),
        _l("Jugendlichen und Interessierten zeigen, wen sie bei einem Betrieb ansprechen "
           "können; die Betriebe stellen ihre Profile selbst ein und geben sie frei."),
        ("e",),
        _l("Beschäftigte der Betriebe, die als Ansprechperson genannt oder auf Fotos zu sehen "
           "sind"),
        _l("Name, Funktion, E-Mail-Adresse und Telefon der Ansprechperson; Fotos mit "
           "Beschreibung"),
        _l("Öffentlich im Portal (auch für Suchmaschinen), sobald der Betrieb das Profil "
           "veröffentlicht"),
        "company_content",
    ),
    Activity(
        "offer_contacts", "offers", _l("Ansprechpersonen in Angeboten"),
        _l("Zeigen, wie man sich auf ein Angebot bewirbt und bei wem."),
        ("e",),
        _l("Beschäftigte der Betriebe, die für Bewerbungen genannt sind"),
        _l("Name und E-Mail-Adresse für Bewerbungen"),
        _l("Öffentlich im Portal (auch für Suchmaschinen), sobald das Angebot veröffentlicht ist"),
        "company_content",
    ),
    Activity(
        "event_companies", "events", _l("Betriebe bei Veranstaltungen"),
        _l("Die Teilnahme eines Betriebs an einer Veranstaltung organisieren (wer am Stand ist, "
           "Hinweise an die Wirtschaftsförderung)."),
        ("e",),
        _l("Beschäftigte der teilnehmenden Betriebe"),
        _l("Namen der Personen am Stand, Hinweise des Betriebs an die Veranstalter"),
        _l("Die Veranstaltungsverwaltung der Wirtschaftsförderung"),
        "company_content",
    ),
    Activity(
        "published_contacts", None, _l("Angaben im Impressum und in dieser Erklärung"),
        _l("Die gesetzlich vorgeschriebenen Angaben zur Betreiberin oder zum Betreiber, zum "
           "Datenschutz und zur Barrierefreiheit veröffentlichen."),
        ("c",),
        _l("Beschäftigte der Wirtschaftsförderung, die als Vertretung, Verantwortliche, "
           "Datenschutzbeauftragte oder Kontakt genannt sind"),
        _l("Namen, dienstliche Anschriften, E-Mail-Adressen und Telefonnummern"),
        _l("Öffentlich im Portal"),
        "until_changed",
    ),
    Activity(
        "accountability", None, _l("Nachvollziehbarkeit der Verwaltung"),
        _l("Festhalten, welches Nutzerkonto etwas geprüft, freigegeben, geändert oder "
           "eingestellt hat (Rechenschaftspflicht, Sicherheit)."),
        ("c", "e"),
        _l("Beschäftigte der Wirtschaftsförderung und Nutzerkonten der Betriebe"),
        _l("Nummer des Nutzerkontos und Zeitpunkt einer Änderung; keine Namen oder Adressen im "
           "Protokoll"),
        _l("Die Verwaltung der Wirtschaftsförderung"),
        "accountability",
    ),
)
BY_KEY: dict[str, Activity] = {a.key: a for a in ACTIVITIES}


def _columns(activity: str, *names: str) -> dict[str, str]:
    return dict.fromkeys(names, activity)


_ACCOUNT = "accountability"
PERSONAL: dict[str, dict[str, str]] = {
    "kwis_job_registration": _columns(
        "event_registration", "first_name", "last_name", "email", "school", "grade",
        "party_size", "under_16", "guardian_email", "status", "guardian_confirmed_at",
        "pending_until",
        "form_nonce", "created_at", "confirmed_at", "promoted_at", "cancelled_at",
        "checked_in_at", "reminder_sent_at",
    ),
    "kwis_job_registration_token": _columns(
        "event_registration", "purpose", "token_hash", "expires_at", "used_at", "created_at",
    ),
    "kwis_job_alert_subscription": _columns(
        "alerts", "email", "interests", "frequency", "status", "token_hash", "created_at",
        "confirmed_at", "last_sent_at", "consent_version", "return_hint", "source",
        "confirm_until",
    ),
    "kwis_job_alert_digest": _columns("alerts", "period", "items", "created_at"),
    "kwis_job_returnee": _columns(
        "returnees", "name", "email", "looking_for", "consent_version", "form_nonce",
        "created_at",
    ),
    "kwis_job_mail_outbox": _columns(
        "mail", "to_addr", "subject", "body_text", "body_html", "ics", "last_error",
        "created_at", "sent_at",
    ),
    "kwis_job_employer_profile": {
        **_columns("profile_contacts", "contact_name", "contact_role", "contact_email",
                   "contact_phone", "published_snapshot"),
        **_columns(_ACCOUNT, "reviewed_by_user_id", "updated_by_user_id"),
    },
    "kwis_job_media": _columns("profile_contacts", "data", "alt_text"),
    "kwis_job_offer": {
        **_columns("offer_contacts", "apply_contact", "apply_email", "published_snapshot"),
        **_columns(_ACCOUNT, "reviewed_by_user_id", "updated_by_user_id"),
    },
    "kwis_job_event_participation": _columns("event_companies", "note", "stand_people"),
    "kwis_job_region": _columns("published_contacts", "contact_email"),
    "kwis_job_region_legal": {
        **_columns("published_contacts", "operator_email", "operator_phone", "represented_by",
                   "content_responsible", "controller", "dpo_name", "dpo_email", "dpo_address",
                   "accessibility_email", "accessibility_phone"),
        **_columns(_ACCOUNT, "updated_by_user_id"),
    },
    "kwis_job_audit_log": _columns(_ACCOUNT, "actor_user_id", "at"),
    "kwis_job_feature_switch": _columns(_ACCOUNT, "changed_by_user_id"),
    "kwis_job_event": _columns(_ACCOUNT, "created_by_user_id"),
    "kwis_job_invitation": _columns(_ACCOUNT, "invited_by_user_id"),
    "kwis_job_admin_scope": _columns(_ACCOUNT, "user_id", "changed_by_user_id"),
    "kwis_job_region_admin": _columns(_ACCOUNT, "user_id", "created_by_user_id"),
    "kwis_job_indicator_target": _columns(_ACCOUNT, "updated_by_user_id"),
    "kwis_job_campaign": _columns(_ACCOUNT, "created_by_user_id"),
    "kwis_job_mail_opt_out": _columns(_ACCOUNT, "created_by_user_id"),
}
"""Per table, the columns holding personal data and the activity each serves."""

_TERM = frozenset({"id", "key", "name", "sort_order", "active"})
_PUBLISHABLE = frozenset({"review_comment", "submitted_at", "published_at", "reviewed_at",
                          "stale_notified_at", "stale_hidden_at", "version", "created_at",
                          "updated_at"})
NOT_PERSONAL: dict[str, frozenset[str]] = {
    "kwis_job_registration": frozenset({"id", "slot_id"}),
    "kwis_job_registration_token": frozenset({"id", "registration_id"}),
    "kwis_job_alert_subscription": frozenset({"id", "region_id"}),
    "kwis_job_mail_outbox": frozenset({
        "id", "kind", "region_id", "status", "attempts", "next_attempt_at", "claimed_by",
        "claimed_until", "dedupe_key", "list_unsubscribe",
    }),
    "kwis_job_alert_digest": frozenset({"id", "subscription_id", "outbox_id"}),
    "kwis_job_returnee": frozenset({"id", "region_id"}),
    "kwis_job_employer_profile": _PUBLISHABLE | {
        "id", "customer_id", "region_id", "status", "slug", "display_name", "philosophy_html",
        "custom_benefits", "video_url", "social_links",
    },
    "kwis_job_media": frozenset({
        "id", "profile_id", "kind", "content_type", "width", "height", "sha256", "sort_order",
        "created_at",
    }),
    "kwis_job_offer": _PUBLISHABLE | {
        "id", "profile_id", "offer_type_id", "status", "slug", "title", "description_html",
        "min_age", "min_grade", "places", "time_mode", "start_date", "end_date", "fixed_dates",
        "recur_start_month", "recur_start_day", "recur_end_month", "recur_end_day",
        "valid_until", "place_mode", "street", "postcode", "city", "lat", "lon", "apply_url",
        "accessible_workplace",
    },
    "kwis_job_event_participation": frozenset({
        "id", "event_id", "profile_id", "status", "stand_info", "withdrawn_at", "created_at",
        "updated_at",
    }),
    "kwis_job_region": frozenset({
        "id", "slug", "name", "review_rule", "theme_color", "theme_color_secondary",
        "logo_data", "logo_content_type", "logo_width", "logo_height", "logo_sha256", "logo_alt",
        "stale_after_days", "created_at", "updated_at",
    }),
    "kwis_job_region_legal": frozenset({
        "region_id", "operator_name", "operator_address", "register_entry", "vat_id",
        "supervisory_body", "host_imprint_url", "privacy_authority_name",
        "privacy_authority_address", "privacy_authority_url", "host_privacy_url",
        "enforcement_body_name", "enforcement_body_address", "enforcement_body_email",
        "enforcement_body_url", "sign_language_video_url", "accessibility_checked_on",
        "accessibility_check_scope", "updated_at",
    }),
    "kwis_job_audit_log": frozenset({
        "id", "action", "object_type", "object_id", "region_id", "details",
    }),
    "kwis_job_feature_switch": frozenset({"id", "region_id", "feature_key", "enabled",
                                          "changed_at"}),
    "kwis_job_event": frozenset({
        "id", "region_id", "kind", "status", "slug", "title", "description_html", "starts_on",
        "ends_on", "at_companies", "venue", "street", "postcode", "city", "lat", "lon",
        "participation_opens_at", "participation_closes_at", "registration_opens_at",
        "registration_closes_at", "retention_days", "published_at", "cancelled_at",
        "archived_at", "created_at", "updated_at",
    }),
    "kwis_job_slot": frozenset({
        "id", "participation_id", "title", "description", "starts_at", "ends_at", "capacity",
        "waitlist_capacity", "confirmed_count", "min_age", "min_grade", "max_party_size",
        "place", "accessibility", "field_ids", "status", "cancelled_at", "version",
        "created_at", "updated_at",
    }),
    "kwis_job_invitation": frozenset({"id", "customer_id", "token_hash", "sent_at",
                                      "accepted_at"}),
    "kwis_job_admin_scope": frozenset({"all_regions", "changed_at"}),
    "kwis_job_region_admin": frozenset({"id", "region_id", "created_at"}),
    "kwis_job_region_ags_prefix": frozenset({"id", "region_id", "prefix"}),
    "kwis_job_daily_counter": frozenset({"id", "day", "metric", "scope", "subject", "value"}),
    "kwis_job_indicator_target": frozenset({
        "id", "region_id", "year", "metric", "target", "updated_at",
    }),
    # Campaigns invite companies (company data); the text is the agency's, the address a mail
    # went to is only in the outbox. When a company followed its link is about the company.
    "kwis_job_campaign": frozenset({
        "id", "region_id", "title", "subject", "body_text", "filter_wz", "filter_size",
        "filter_postcode", "filter_presence", "last_sent_at", "created_at", "updated_at",
    }),
    "kwis_job_campaign_recipient": frozenset({
        "id", "campaign_id", "customer_id", "outbox_mail_id", "invited_at", "logged_in_at",
    }),
    "kwis_job_mail_opt_out": frozenset({"customer_id", "created_at"}),
    "kwis_job_geocode_cache": frozenset({"id", "query", "found", "lat", "lon", "label",
                                         "fetched_at"}),
    "kwis_job_search_doc": frozenset({
        "id", "offer_id", "profile_id", "region_id", "offer_type", "title", "offer_slug",
        "company_name", "company_slug", "postcode", "city", "lat", "lon", "places",
        "has_places", "expires_on", "next_start", "yearly_window", "rotation",
        "company_rotation", "title_terms", "terms", "indexed_at",
    }),
    "kwis_job_search_facet": frozenset({"doc_id", "facet", "key"}),
    "kwis_job_search_change": frozenset({"seq", "offer_id"}),
    # the search replica serialised: terms and filter values of published offers, no people
    "kwis_job_search_snapshot": frozenset({"id", "seq", "format", "written_at", "data"}),
    "kwis_job_settings_version": frozenset({"id", "version"}),
    "kwis_job_offer_field": frozenset({"offer_id", "field_id"}),
    "kwis_job_offer_target_group": frozenset({"offer_id", "target_group_id"}),
    "kwis_job_profile_benefit": frozenset({"profile_id", "benefit_id"}),
    "kwis_job_profile_field": frozenset({"profile_id", "field_id"}),
    "kwis_job_profile_occupation": frozenset({"profile_id", "occupation_id"}),
    "kwis_job_occupational_field": _TERM | {"parent_id"},
    "kwis_job_training_occupation": _TERM | {"field_id"},
    "kwis_job_benefit": _TERM,
    "kwis_job_offer_type": _TERM | {"schema_kind", "employment_type"},
    "kwis_job_target_group": _TERM,
}
"""Per table, the columns that hold no personal data (a geocoder query is a place typed into the
search, kept without any link to who typed it; search documents copy only company data)."""


def own_columns(metadata: MetaData) -> set[tuple[str, str]]:
    """(table, column) of every own table in ``metadata`` (``kwis_job_*`` but the host's)."""
    return {
        (table.name, column.name)
        for table in metadata.tables.values() if is_own_table(table.name)
        for column in table.columns
    }


def _declared(declaration: dict[str, Iterable[str]]) -> set[tuple[str, str]]:
    return {(table, column) for table, columns in declaration.items() for column in columns}


def unclassified(metadata: MetaData) -> list[str]:
    """``table.column`` of own columns declared neither personal nor not personal."""
    known = _declared(PERSONAL) | _declared(NOT_PERSONAL)
    return sorted(f"{t}.{c}" for t, c in own_columns(metadata) - known)


def stale(metadata: MetaData) -> list[str]:
    """Declared columns that no model has (any more), and columns declared both ways."""
    columns = own_columns(metadata)
    personal, not_personal = _declared(PERSONAL), _declared(NOT_PERSONAL)
    gone = (personal | not_personal) - columns
    return sorted(f"{t}.{c}" for t, c in gone | (personal & not_personal))


def columns_of(activity_key: str) -> dict[str, tuple[str, ...]]:
    """Table -> the personal columns that serve ``activity_key``, in declaration order."""
    found: dict[str, tuple[str, ...]] = {}
    for table, columns in PERSONAL.items():
        names = tuple(c for c, key in columns.items() if key == activity_key)
        if names:
            found[table] = names
    return found


def activity_is_on(activity: Activity, states: dict[str, bool]) -> bool:
    """Whether ``activity`` runs in a region with these feature ``states``
    (``features.states``); a feature the plug-in does not declare is not built, so off."""
    return activity.feature is None or states.get(activity.feature, False)
