"""Settings defaults and the features the plug-in declares to the host."""

from __future__ import annotations

from importlib.resources import files

from kwis_hooks.types import Feature, MigrationLocation

from .i18n import lazy_gettext as _l
from .models.base import TABLE_PREFIX

FEATURES: tuple[Feature, ...] = (
    Feature("profile", _l("Arbeitgeberprofil"), _l("Tab „Arbeitgeberprofil“ im Selbstservice")),
    Feature("offers", _l("Angebote"), _l("Tab „Angebote“ im Selbstservice")),
    Feature(
        "portal", _l("Öffentliches Portal"), _l("Suche, Betriebs- und Angebotsseiten unter /jobs/")
    ),
    Feature(
        "events", _l("Veranstaltungen"), _l("Messen, Tage der offenen Betriebe, Besuchstermine")
    ),
    Feature(
        "api",
        _l("Offene Schnittstelle (API)"),
        _l("Angebote, Betriebe und Veranstaltungen des Portals als JSON unter /jobs/api/v1/"),
        # Off until the agency decides: partners may copy what the API serves.
        default_enabled=False,
    ),
    Feature(
        "embed",
        _l("Einbinden und Schulbutton"),
        _l("Angebotsliste zum Einbetten auf anderen Seiten und Schulbutton unter /jobs/einbetten/"),
        default_enabled=False,
    ),
    Feature(
        "alerts",
        _l("Benachrichtigungen und Alumni-Karte"),
        _l("Neue Angebote und Veranstaltungen per E-Mail (mit Bestätigung), „Zurück in der "
           "Region“ und die Karte zum Ausdrucken"),
        # Off until the agency decides: it stores addresses and sends mail in its name.
        default_enabled=False,
    ),
)
"""Only what is built: a switch shown as "Eingeschaltet" must do something. ``api`` serves
/jobs/api/v1/ (views/api.py) with the Atom feeds and calendars; ``embed`` the widget, its
configurator and the school button (views/embed.py); ``alerts`` the subscription, returnee and
card pages (views/alerts.py, views/admin_alerts.py). All three are off by default, unlike the
others: two publish the portal's content for other sites to copy or frame, the third stores
addresses and mails in the agency's name, which the agency should choose."""
FEATURE_KEYS = frozenset(f.key for f in FEATURES)

VIDEO_HOSTS = ("youtube.com", "www.youtube.com", "youtu.be", "vimeo.com", "player.vimeo.com")
"""Hosts a profile's video link may point to (https only; shown as a link, never embedded)."""

SETTINGS_DEFAULTS = {
    "KWIS_JOB_PUBLIC_PREFIX": "/jobs",
    "KWIS_JOB_SELFSERVICE_PREFIX": "/selfservice/job",
    "KWIS_JOB_ADMIN_PREFIX": "/admin/job",
    "KWIS_JOB_MAIL_FROM": "KWIS.job <noreply@localhost>",
    # The HTTP geocoder (Nominatim-compatible), asked for places no company is in; None: off.
    "KWIS_JOB_GEOCODER_URL": None,
    # None: "KWIS.job/<version> (+<contact>)", the contact being KWIS_JOB_GEOCODER_CONTACT or
    # else the address in KWIS_JOB_MAIL_FROM.
    "KWIS_JOB_GEOCODER_USER_AGENT": None,
    "KWIS_JOB_GEOCODER_CONTACT": None,
    "KWIS_JOB_GEOCODER_TIMEOUT": 3.0,
    "KWIS_JOB_STALE_AFTER_DAYS": 365,
    "KWIS_JOB_VIDEO_HOSTS": VIDEO_HOSTS,
    # Where mail goes (services/mail/transport.py): smtp://, smtp+starttls://, smtps:// or
    # file:<folder>. None: ``kwis-job mail send`` refuses to start and says so.
    "KWIS_JOB_MAIL_URL": None,
    "KWIS_JOB_MAIL_BATCH_SIZE": 50,
    # A claimed mail is another sender's to take after this long (a sender killed mid-batch).
    "KWIS_JOB_MAIL_LEASE_SECONDS": 300,
    # Temporary failures are retried 1, 2, 4, ... minutes apart (at most 4 h); then failed.
    "KWIS_JOB_MAIL_MAX_ATTEMPTS": 12,
    "KWIS_JOB_MAIL_POLL_SECONDS": 5.0,
    "KWIS_JOB_MAIL_TIMEOUT": 30.0,
    # Sent mails (addresses and texts) are deleted this many days after sending by
    # ``kwis-job retention run``; pending and failed mails stay until they are delivered.
    "KWIS_JOB_OUTBOX_KEEP_DAYS": 30,
    # Events, the visitor side (services/events/registrations.py, views/registration.py):
    # a place of someone under 16 is held this long for the guardian's confirmation.
    "KWIS_JOB_GUARDIAN_HOLD_HOURS": 72,
    # Absolute links in mails queued outside a request (``kwis-job events tick``), e.g.
    # "https://www.wfg-jena.de"; the public prefix is added. None: http://localhost.
    "KWIS_JOB_PUBLIC_BASE_URL": None,
    # Rate limits of the registration POSTs (Flask-Limiter syntax), per client IP and per
    # e-mail address; counters in memory unless a shared store is set (redis://host:6379/0).
    "KWIS_JOB_RATELIMIT_PER_CLIENT": "30 per minute; 300 per hour",
    "KWIS_JOB_RATELIMIT_PER_ADDRESS": "10 per hour",
    "KWIS_JOB_RATELIMIT_STORAGE_URL": None,
    # Alerts (services/alerts): a subscription request unconfirmed this long is deleted by
    # ``kwis-job alerts tick``.
    "KWIS_JOB_ALERT_CONFIRM_HOURS": 72,
    # Rate limit of the JSON API's GETs (views/api.py), per client IP, in the same store.
    "KWIS_JOB_RATELIMIT_API": "120 per minute; 3000 per hour",
    # How many days the web server keeps its access logs (IP addresses): set by the host's IT,
    # stated in the portal's privacy notice (services/privacy_notice.py).
    "KWIS_JOB_SERVER_LOG_DAYS": 7,
    # Finished search pages (services/response_cache.py): how many each process keeps (0: no
    # cache), or a shared store for several app servers (redis://host:6379/1) instead.
    "KWIS_JOB_RESPONSE_CACHE_SIZE": 256,
    "KWIS_JOB_RESPONSE_CACHE_URL": None,
    # Test-only: True switches the slot lock off, so the race tests can show overbooking.
    "KWIS_JOB_TEST_UNLOCKED_SLOTS": False,
    # Page views of company and offer pages are counted in each process and written as one
    # batch when the oldest is this old or this many counters wait (services/page_views.py).
    "KWIS_JOB_PAGE_VIEWS_FLUSH_SECONDS": 60.0,
    "KWIS_JOB_PAGE_VIEWS_FLUSH_ENTRIES": 500,
    # Gzip the plug-in's HTML (and XML/JSON) when the client asks (views/assets.py); False when
    # a reverse proxy compresses (INSTALL.md, "Compression and caching").
    "KWIS_JOB_COMPRESS_HTML": True,
}

VERSION_TABLE = "kwis_job_alembic_version"


def migration_location() -> MigrationLocation:
    return MigrationLocation(
        name="kwis_job",
        script_location=files("kwis_job_plugin.migrations"),
        version_table=VERSION_TABLE,
        table_prefix=TABLE_PREFIX,
    )


def templates_path() -> str:
    return str(files("kwis_job_plugin.templates"))
