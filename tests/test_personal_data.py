"""The declared list of personal data (``services/personal_data.py``) against the models, and the
privacy notice built from it (``services/privacy_notice.py``).

- Every column of every own table is declared personal or not personal, never both, and no
  declaration names a column that does not exist: a new column fails here until someone says
  whether it holds personal data and why it is kept.
- The check itself catches a new column (a copy of the models with one more column).
- The notice has one section per activity running in the region: switching a feature off
  removes its sections; retention follows the configured periods and the region's events.
- The portal loads nothing from third parties: no template links a script, stylesheet, font,
  image or frame from another site.
"""

from __future__ import annotations

import re
from datetime import date
from importlib.resources import files
from pathlib import Path

from sqlalchemy import Column, MetaData, String

from kwis_job_plugin.config import FEATURE_KEYS
from kwis_job_plugin.models import Event, metadata
from kwis_job_plugin.models.host import is_own_table
from kwis_job_plugin.services import features, personal_data, privacy_notice

SETTINGS = privacy_notice.Settings(outbox_keep_days=14, server_log_days=5)


def test_every_own_column_is_classified_exactly_once():
    assert personal_data.unclassified(metadata) == [], (
        "declare these columns in services/personal_data.py: PERSONAL (with the activity they "
        "serve) or NOT_PERSONAL")
    assert personal_data.stale(metadata) == []


def test_only_own_tables_are_declared():
    declared = set(personal_data.PERSONAL) | set(personal_data.NOT_PERSONAL)
    assert all(is_own_table(name) for name in declared)
    assert {"app_user", "customer"}.isdisjoint(declared)
    assert declared == {t for t in metadata.tables if is_own_table(t)}


def test_a_new_column_is_caught():
    copy = MetaData()
    for table in metadata.tables.values():
        table.to_metadata(copy)
    copy.tables["kwis_job_registration"].append_column(Column("phone", String(60)))
    assert personal_data.unclassified(copy) == ["kwis_job_registration.phone"]
    copy.remove(copy.tables["kwis_job_slot"])
    assert "kwis_job_slot.capacity" in personal_data.stale(copy)


def test_every_personal_column_serves_a_declared_activity():
    for table, columns in personal_data.PERSONAL.items():
        for column, key in columns.items():
            assert key in personal_data.BY_KEY, f"{table}.{column}: unknown activity {key!r}"
    for activity in personal_data.ACTIVITIES:
        assert set(activity.legal_bases) <= set(personal_data.LEGAL_BASES)
        has_columns = bool(personal_data.columns_of(activity.key))
        assert has_columns or activity.stored_outside is not None, activity.key


def test_the_personal_data_the_issue_names_is_declared():
    personal = personal_data.PERSONAL
    assert personal["kwis_job_registration"]["email"] == "event_registration"
    assert personal["kwis_job_registration"]["guardian_email"] == "event_registration"
    assert personal["kwis_job_alert_subscription"]["email"] == "alerts"
    assert personal["kwis_job_employer_profile"]["contact_email"] == "profile_contacts"
    assert personal["kwis_job_offer"]["apply_email"] == "offer_contacts"
    assert personal["kwis_job_mail_outbox"]["to_addr"] == "mail"
    assert personal["kwis_job_audit_log"]["actor_user_id"] == "accountability"
    assert "server_logs" in personal_data.BY_KEY


def test_features_of_activities_are_declared_or_not_yet_built():
    for activity in personal_data.ACTIVITIES:
        assert activity.feature is None or activity.feature in FEATURE_KEYS | {"alerts"}
    # A feature not declared yet counts as off: nothing is promised that is not built.
    assert not personal_data.activity_is_on(personal_data.BY_KEY["alerts"], {"events": True})


def test_switching_a_feature_off_removes_its_sections(session, world):
    region = world.region
    for key in ("profile", "offers", "portal", "events"):
        features.set_enabled(session, region.id, key, True, None)
    session.commit()
    on = {s.key for s in privacy_notice.sections(session, region.id, SETTINGS)}
    assert {"server_logs", "event_registration", "event_companies", "profile_contacts",
            "offer_contacts", "mail", "accountability"} <= on
    assert "alerts" not in on

    features.set_enabled(session, region.id, "events", False, None)
    session.commit()
    off = {s.key for s in privacy_notice.sections(session, region.id, SETTINGS)}
    assert on - off == {"event_registration", "event_companies"}

    features.set_enabled(session, region.id, "offers", False, None)
    session.commit()
    assert "offer_contacts" not in {s.key for s in privacy_notice.sections(
        session, region.id, SETTINGS)}


def test_sections_name_tables_legal_bases_and_configured_retention(session, world):
    features.set_enabled(session, world.region.id, "events", True, None)
    session.commit()
    by_key = {s.key: s for s in privacy_notice.sections(session, world.region.id, SETTINGS)}
    registration = by_key["event_registration"]
    assert any(place.startswith("kwis_job_registration (") and "guardian_email" in place
               for place in registration.stored_in)
    assert any("Art. 6 Abs. 1 lit. e DSGVO" in basis for basis in registration.legal_bases)
    assert "90 Tage nach" in registration.retention          # the default, no events yet
    assert "14 Tage nach" in by_key["mail"].retention          # KWIS_JOB_OUTBOX_KEEP_DAYS
    assert "5 Tagen" in by_key["server_logs"].retention    # KWIS_JOB_SERVER_LOG_DAYS
    assert by_key["server_logs"].stored_in == ("Protokolldateien des Webservers (nicht in der "
                                               "Datenbank)",)


def test_retention_follows_the_regions_events(session, world):
    session.add_all([_event(world.region.id, 30), _event(world.region.id, 120),
                     _event(world.region.id, 30, "zweite-messe")])
    session.commit()
    assert privacy_notice.event_retention_days(session, world.region.id) == [30, 120]
    features.set_enabled(session, world.region.id, "events", True, None)
    session.commit()
    by_key = {s.key: s for s in privacy_notice.sections(session, world.region.id, SETTINGS)}
    retention = by_key["event_registration"].retention
    assert "30 Tage bis 120 Tage, je nach Veranstaltung, nach" in retention


def _event(region_id: int, retention_days: int, slug: str = "messe") -> Event:
    return Event(region_id=region_id, kind="fair", status="draft", slug=slug,
                 title="Messe", starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 1),
                 retention_days=retention_days)


EXTERNAL_RESOURCE = re.compile(
    r"<(script|img|iframe|source|video|audio|embed|object)\b[^>]*\b(src|data)=\"(https?:)?//"
    r"|<link\b[^>]*\bhref=\"(https?:)?//"
    r"|@import\s+url\(\s*[\"']?(https?:)?//",
    re.IGNORECASE,
)


def test_the_portal_loads_nothing_from_third_parties():
    """What the notice says: every resource comes from the app itself."""
    root = Path(str(files("kwis_job_plugin.templates"))) / "kwis_job"
    checked = 0
    for folder in ("portal", "registration"):
        for template in (root / folder).rglob("*.html"):
            checked += 1
            assert not EXTERNAL_RESOURCE.search(template.read_text()), template
    static = files("kwis_job_plugin") / "static"
    for name in ("portal.css", "kj-events.css", "kj-portal.js"):
        checked += 1
        assert not re.search(r"url\(\s*[\"']?(https?:)?//", (static / name).read_text())
    assert checked > 10


def test_rate_limits_are_stated_in_words():
    assert privacy_notice.limit_words("30 per minute; 300 per hour") == (
        "30 pro Minute, 300 pro Stunde")
    assert privacy_notice.limit_words("10/hour") == "10 pro Stunde"
    assert privacy_notice.limit_words("") == "–"
    text = privacy_notice.retention_text(
        personal_data.BY_KEY["rate_limits"],
        privacy_notice.Settings(rate_limit_per_client="5 per minute",
                                rate_limit_per_address="2 per day"), [90])
    assert "5 pro Minute je IP-Adresse und 2 pro Tag je E-Mail-Adresse" in text
