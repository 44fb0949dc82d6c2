"""The URL-map fuzz test of issue 9: every route and every form of the plug-in and the reference
host gets hostile input, on both engines, logged out, as a company and as an admin.

What it walks: every rule of ``app.url_map`` whose endpoint belongs to the plug-in
(``kwis_job*``) or the reference host (``auth``, ``selfservice``, ``admin``, ``demo_mail``).
For each rule and method it sends

- the route with real ids from a small world (``fuzz_world``: companies with profiles and
  offers in every state that has buttons, events with a slot, a registration and a fair stand, a
  failed mail, an admin) and hostile GET parameters: every name the page's forms use plus
  ``seite``, ``q``, ``next``, ``zurueck``; every GET page of the identity's area must answer as
  a page does with real ids (``_pages_without_real_ids``), so no route goes unfuzzed because
  the world lacks its object;
- the route with each route parameter replaced by each hostile value (GET and POST, the POST
  with a valid CSRF token so the request reaches the routing and the view);
- every POST form found on the pages (session CSRF token, or the public registration form's
  signed ``form_token``, both read from the page), one field at a time with each hostile value
  and every other field as the page filled it in.

The hostile values: NUL, U+202E (right-to-left override), CR/LF, a 100 kB value, ``-1``,
``99999999999999999999`` (beyond 64 bits) and ``2147483648`` (beyond PostgreSQL's INTEGER).

What must hold:

- never a status >= 500 (the app runs with ``TESTING``, so a view's exception reaches the test
  and is counted as the 500 it would be);
- a hostile route parameter is refused (400/403/404/405, or a redirect to the login);
- a form field with NUL, U+202E or 100 kB, or CR/LF in a one-line field, is refused
  (400/403/404/405/409/413/422; the message at the field is checked by the modules' own tests);
- a query parameter with NUL, U+202E, CR/LF or 100 kB is refused by every plug-in route
  (400), except on the portal's search, which drops it with a note (its rule: a note, never an
  error); the reference host's own routes may ignore it; NUL and U+202E are never shown back
  unchanged;
- a refused request changes nothing in the database: every table of the host and the plug-in
  is compared (row count and a hash of all rows) before and after each request. No table is
  exempt: rate-limit counters live in memory, the outbox and the audit log are written only
  on success. A number in a text field (``-1`` as a title) may legitimately be saved; such an
  accepted request may change rows, but never answer 500.

Each logged-in identity must get at least one form accepted as its page filled it in, so the
sends are known to reach the views (CSRF token and form token included).

Logout is left out for the logged-in identities (a POST with a valid token ends the session,
which is its job; its only input is the CSRF token); action routes without form fields are
sent with hostile route parameters only, since with valid ids they would legitimately act.
"""

from __future__ import annotations

import hashlib
import io
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import quote, urlencode, urlsplit

import pytest
from kwis_hooks.refhost import create_app
from kwis_hooks.refhost.models import HostBase
from PIL import Image
from sqlalchemy import func, select, text, update
from support.web import csrf_token, login
from werkzeug.routing import IntegerConverter

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import (
    EmployerProfile,
    Event,
    EventParticipation,
    OccupationalField,
    Offer,
    Registration,
    Returnee,
    Slot,
    TargetGroup,
    metadata,
)
from kwis_job_plugin.models.base import utcnow
from kwis_job_plugin.models.host import is_own_table
from kwis_job_plugin.services import (
    campaigns,
    features,
    media,
    publication,
    region_theme,
    search_index,
)
from kwis_job_plugin.services.events import tokens
from kwis_job_plugin.services.input_checks import DB_INT_MAX
from kwis_job_plugin.services.mail import outbox
from kwis_job_plugin.services.snapshots import offer_snapshot, profile_snapshot
from kwis_job_plugin.views.request_input import NOTED_ENDPOINTS

HOST_BLUEPRINTS = ("auth", "selfservice", "admin", "demo_mail")
HUGE = "x" * 100_000
HOSTILE_FIELD_VALUES = {
    "nul": "a\x00b",
    "rlo": "Praktikum \u202egpj.exe",
    "crlf": "a\r\nSet-Cookie: x=1",
    "huge": HUGE,
    "negative": "-1",
    "beyond_64_bits": "99999999999999999999",
    "beyond_int": "2147483648",
}
MUST_REFUSE = frozenset({"nul", "rlo", "crlf", "huge"})
"""Values no route parameter may accept. Form fields: NUL, U+202E and 100 kB everywhere, CR/LF in
every field that is not a text area (``form["multi"]``)."""
HOSTILE_PATH_VALUES = {
    "nul": "a%00b",
    "rlo": "a%E2%80%AEb",
    "crlf": "a%0D%0Ab",
    "huge": HUGE,
    "negative": "-1",
    "beyond_64_bits": "99999999999999999999",
    "beyond_int": "2147483648",
}
COMMON_QUERY_NAMES = ("seite", "q", "next", "zurueck")
REFUSED = frozenset({400, 403, 404, 405, 409, 413, 422})
IDENTITIES = ("anonymous", "company", "admin")


# --- the world ------------------------------------------------------------------------------


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, datetime.min.time()).replace(hour=hour)


def _png(size=(120, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (11, 79, 138)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def fuzz_world(session, world):
    """Everything a route with an id can point at, owned by company A where ownership matters,
    and A's things in every state that has buttons of its own: offers draft, published,
    paused, archived, stale and past (submit, delete, pause, resume, restore, confirm, make
    yearly, copy, archive), a stale public profile with a logo, an open-companies week with a
    slot and a registration, a fair with A's stand, a failed mail (the retry button), alerts on
    with a returnee's message."""
    features.set_enabled(session, world.region.id, "events", True, None)
    # the widget and the school button (issue 11), so their routes are walked with a live region
    features.set_enabled(session, world.region.id, "embed", True, None)
    features.set_enabled(session, world.region.id, "alerts", True, None)
    session.add(Returnee(region_id=world.region.id, email="back@example.org",
                         looking_for="Eine Stelle", consent_version="t", form_nonce="fuzz"))
    alpha = factories.ProfileFactory(customer=world.a.customer, region=world.region)
    beta = factories.ProfileFactory(customer=world.b.customer, region=world.region,
                                    status="published")
    session.flush()
    logo = media.add_image(session, alpha, media.LOGO, media.process_image(_png(), media.LOGO),
                           "Logo von Optik Alpha")
    alpha.status, alpha.published_at = "published", utcnow()
    alpha.published_snapshot = profile_snapshot(alpha)  # with the logo: public at /jobs/medien/
    region_theme.update_theme(session, world.region, theme_color="#0B4F8A",
                              theme_color_secondary=None, logo=_png(), logo_alt="Stadt Jena")
    offer = factories.OfferFactory(profile=alpha, status="published", title="Ferienjob Alpha",
                                   apply_contact="Frau Alpha",
                                   target_groups=list(session.scalars(select(TargetGroup))))
    draft = factories.OfferFactory(profile=alpha, title="Entwurf Alpha")
    paused = factories.OfferFactory(profile=alpha, status="published", title="Pause Alpha")
    archived = factories.OfferFactory(profile=alpha, status="published", title="Archiv Alpha")
    stale = factories.OfferFactory(profile=alpha, status="published", title="Alt Alpha")
    past = factories.OfferFactory(profile=alpha, title="Vorbei Alpha", time_mode="range",
                                  start_date=date.today() - timedelta(days=60),
                                  end_date=date.today() - timedelta(days=50))
    beta_offer = factories.OfferFactory(profile=beta, title="Praktikum Beta",
                                        type_key="ferienjob")
    session.flush()
    paused.status, archived.status = "paused", "archived"
    publication.submit(session, beta, world.region, profile_snapshot, world.b.id)
    publication.submit(session, beta_offer, world.region, offer_snapshot, world.b.id)
    for item in (alpha, offer, paused, stale):
        search_index.refresh(session, item)
    day = date.today() + timedelta(days=10)
    event = Event(region_id=world.region.id, kind="open_companies", status="published",
                  slug="woche", title="Woche der offenen Betriebe", starts_on=day,
                  venue="Volkshaus Jena",
                  ends_on=day + timedelta(days=1))
    part = EventParticipation(event=event, profile=alpha)
    field = session.scalars(select(OccupationalField).order_by(OccupationalField.id)).first()
    slot = Slot(participation=part, title="Werkstattrundgang", starts_at=_at(day, 9),
                ends_at=_at(day, 11), capacity=5, waitlist_capacity=1, max_party_size=2,
                field_ids=[field.id], place="Halle 2")
    registration = Registration(slot=slot, status="confirmed", first_name="Erste",
                                last_name="Person", email="erste@example.org")
    fair = Event(region_id=world.region.id, kind="fair", status="published", slug="messe",
                 title="Ausbildungsmesse Jena", starts_on=day + timedelta(days=7),
                 ends_on=day + timedelta(days=7), venue="Sparkassen-Arena")
    stand = EventParticipation(event=fair, profile=alpha, stand_info="Brillen selbst bauen",
                               stand_people="Frau Alpha, zwei Auszubildende")
    draft_event = Event(region_id=world.region.id, kind="info_day", status="draft",
                        slug="infotag", title="Infotag Ausbildung", starts_on=day,
                        ends_on=day, venue="Rathaus Jena")
    over = Event(region_id=world.region.id, kind="info_day", status="published", slug="vorbei",
                 title="Infotag im Frühjahr", starts_on=date.today() - timedelta(days=20),
                 ends_on=date.today() - timedelta(days=20), venue="Rathaus Jena")
    session.add_all([event, part, slot, registration, fair, stand, draft_event, over])
    session.flush()
    cancel_token = tokens.issue(session, registration, "cancel",
                                expires_at=_at(day + timedelta(days=1), 23))
    mail = outbox.queue(session, to="erste@example.org", subject="Anmeldung", text="Hallo",
                        kind="registration", region_id=world.region.id)
    mail.status, mail.attempts, mail.last_error = "failed", 12, "550 Postfach unbekannt"
    campaign = campaigns.create_campaign(session, world.region, "Herbstkampagne",
                                         actor_user_id=world.admin.id)
    session.commit()
    long_ago = utcnow() - timedelta(days=400)
    session.execute(update(Offer).where(Offer.id == stale.id).values(updated_at=long_ago))
    session.execute(update(EmployerProfile).where(EmployerProfile.id == alpha.id)
                    .values(updated_at=long_ago))
    session.commit()
    ids = {
        "offer_id": offer.id, "object_id": alpha.id, "kind": "profil", "decision": "freigeben",
        "media_id": logo.id, "region_id": world.region.id, "feature": "events",
        "event_id": event.id, "slot_id": slot.id, "participation_id": part.id,
        "registration_id": registration.id, "mail_id": mail.id,
        "campaign_id": campaign.id, "customer_id": world.b.customer.id,
        "audience": "angemeldete", "token": cancel_token, "filename": "portal.css", "name": "a",
    }
    slugs = {"kwis_job_portal.company": alpha.slug, "kwis_job_portal.offer": offer.slug,
             "kwis_job_portal.region_logo": world.region.slug,
             "kwis_job_portal.region_stylesheet": world.region.slug}
    extra_pages = [
        f"/admin/job/pruefung/profil/{beta.id}",
        f"/admin/job/pruefung/angebot/{beta_offer.id}",
        f"/admin/job/veranstaltungen/{fair.id}",
        f"/admin/job/veranstaltungen/{draft_event.id}/veroeffentlichen",
        f"/admin/job/veranstaltungen/{over.id}/archivieren",
        f"/selfservice/job/angebote/{past.id}",  # "Jedes Jahr wiederholen"
        f"/selfservice/job/angebote/{archived.id}",
        f"/selfservice/job/veranstaltungen/teilnahme/{stand.id}",
        f"/selfservice/job/veranstaltungen/teilnahme/{stand.id}/stand",
    ]
    return SimpleNamespace(world=world, ids=ids, slugs=slugs, event_slug=event.slug,
                           extra_pages=extra_pages,
                           offers={"draft": draft, "paused": paused, "archived": archived,
                                   "stale": stale, "past": past, "published": offer})


# --- the database snapshot ------------------------------------------------------------------


def _tables():
    own = [t for t in metadata.sorted_tables if is_own_table(t.name)]
    return [*own, *HostBase.metadata.sorted_tables]


def snapshot(engine) -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row of every table of the host and the plug-in (on
    PostgreSQL in one round trip, computed by the server)."""
    result = {}
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            parts = [
                f"SELECT '{t.name}', count(*), "
                f"md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) FROM {t.name} r"
                for t in _tables()
            ]
            return {name: (n, digest)
                    for name, n, digest in conn.execute(text(" UNION ALL ".join(parts)))}
        for table in _tables():
            rows = sorted(repr(tuple(row)) for row in conn.execute(select(table)))
            result[table.name] = (len(rows), hashlib.sha1("\n".join(rows).encode()).hexdigest())
    return result


class WriteProbe:
    """A cheap "has anything been written since?" check, so the whole-database hash is taken
    only after a request that wrote something (most refused requests write nothing, and the
    hash was a third of this test's time).

    SQLite: ``PRAGMA data_version`` on a connection of the probe's own changes whenever another
    connection commits. PostgreSQL: the WAL insert position moves with every write, committed
    or rolled back (and now and then for housekeeping, which only costs a needless hash). An
    unchanged mark proves an unchanged database; a changed one is checked by the hash."""

    def __init__(self, engine):
        self.conn = engine.connect()
        if engine.dialect.name == "sqlite":
            self.conn.exec_driver_sql("PRAGMA data_version")
            self.query = "PRAGMA data_version"
        else:
            self.conn = self.conn.execution_options(isolation_level="AUTOCOMMIT")
            self.query = "SELECT pg_current_wal_insert_lsn()::text"

    def mark(self):
        return self.conn.exec_driver_sql(self.query).scalar()

    def close(self) -> None:
        self.conn.close()


def changed_tables(before, after) -> list[str]:
    return sorted(name for name in after if before.get(name) != after[name])


# --- reading forms from pages ---------------------------------------------------------------


class _Forms(HTMLParser):
    """Every <form> of a page: method, action and its fields as the page filled them in."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(),
                          "action": a.get("action") or "", "fields": [], "multi": set()}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                self._form["fields"].append((a["name"], None))
                return
            self._form["fields"].append((a["name"], a.get("value", "on" if kind == "checkbox"
                                                          else "")))
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None, None]
            self._form["fields"].append((a["name"], None))
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select[2] is None:
                self._select[2] = value
            if "selected" in a:
                self._select[1] = value
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
            self._form["multi"].add(a["name"])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "select" and self._select is not None:
            name, chosen, first = self._select
            fields = self._form["fields"]
            fields.remove((name, None))
            fields.append((name, chosen if chosen is not None else first or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form["fields"].append(tuple(self._textarea))
            self._textarea = None
        elif tag == "form":
            self._form = None


def page_forms(html: str, page_url: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        form["action"] = urlsplit(form["action"] or page_url).path or page_url
        form["names"] = sorted({name for name, _ in form["fields"]})
        form["data"] = [(n, v) for n, v in form["fields"] if v is not None]
    return parser.forms


# --- walking the URL map --------------------------------------------------------------------


def _rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        blueprint = rule.endpoint.split(".")[0]
        if rule.endpoint.startswith("kwis_job") or blueprint in HOST_BLUEPRINTS:
            yield rule


def _build(rule, values: dict[str, str]) -> str | None:
    """The rule's path with ``values`` put in raw (already URL-encoded where needed)."""
    path = ""
    for is_dynamic, part in rule._trace:  # noqa: SLF001 - werkzeug keeps the parsed rule here
        if not is_dynamic:
            path += part
        elif part in values:
            path += values[part]
        else:
            return None
    return path.split("|", 1)[1] if "|" in path else path


def _valid_values(fw, rule) -> dict[str, str]:
    values = {k: str(v) for k, v in fw.ids.items()}
    if "slug" in rule.arguments:
        values["slug"] = fw.slugs.get(rule.endpoint, fw.event_slug)
    if rule.endpoint == "static":
        values["filename"] = "x.css"
    return {k: quote(v, safe="") for k, v in values.items() if k in rule.arguments}


class Fuzzer:
    def __init__(self, app, client, engine, identity):
        self.app, self.client, self.engine, self.identity = app, client, engine, identity
        self.failures: list[str] = []
        self.requests = 0
        self.token = None
        self.probe = WriteProbe(engine)
        self.mark = self.probe.mark()
        self.state = snapshot(engine)
        self.forms: list[tuple] = []
        self.statuses: dict[int, int] = {}
        self.accepted_forms: list[str] = []
        self.pages: dict[str, int] = {}
        """Status of each GET route (by endpoint) and extra page (by path) with real ids."""

    def send(self, method, url, *, data=None, label, must_refuse, echo=None):
        where = f"[{self.identity}] {method} {url[:120]} ({label})"
        self.requests += 1
        try:
            response = self.client.open(url, method=method, data=data)
        except Exception as exc:  # TESTING propagates a view's exception: that is the 500
            self.failures.append(f"{where}: 500 {type(exc).__name__}: {str(exc)[:300]}")
            self.mark = self.probe.mark()
            self.state = snapshot(self.engine)
            return None
        status = response.status_code
        self.statuses[status] = self.statuses.get(status, 0) + 1
        mark = self.probe.mark()
        after = self.state if mark == self.mark else snapshot(self.engine)
        self.mark = mark
        changed = changed_tables(self.state, after)
        self.state = after
        if status >= 500:
            self.failures.append(f"{where}: {status}")
        elif must_refuse and status not in REFUSED and not (300 <= status < 400):
            self.failures.append(f"{where}: accepted with {status}")
        if echo is not None and (echo in response.get_data(as_text=True)
                                 or echo in str(response.headers)):
            self.failures.append(f"{where}: {status} shows the hostile value unchanged")
        if changed and (must_refuse or status >= 400 or echo is not None):
            self.failures.append(f"{where}: {status} changed {changed}")
        return response


def _make_app(db_url):
    return create_app({
        "KWIS_DATABASE_URL": db_url, "SECRET_KEY": "fuzz-secret", "TESTING": True,
        "KWIS_LOGIN_RATELIMIT_PER_CLIENT": "100000 per minute",
        "KWIS_LOGIN_RATELIMIT_PER_ACCOUNT": "100000 per minute",
        "KWIS_JOB_RATELIMIT_PER_CLIENT": "100000 per minute",
        "KWIS_JOB_RATELIMIT_PER_ADDRESS": "100000 per minute",
    })


def _fuzz(app, engine, fw, identity) -> Fuzzer:
    client = app.test_client()
    if identity == "company":
        assert login(client, fw.world.a.email, fw.world.password).status_code == 302
    elif identity == "admin":
        assert login(client, fw.world.admin.email, fw.world.password).status_code == 302
    fuzzer = Fuzzer(app, client, engine, identity)
    if identity != "anonymous":
        fuzzer.token = csrf_token(client.get("/selfservice/").data)
    else:
        fuzzer.token = csrf_token(client.get("/login").data)

    forms: dict[tuple, dict] = {}
    for rule in _rules(app):
        if rule.endpoint == "auth.logout" and identity != "anonymous":
            continue
        valid = _valid_values(fw, rule)
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        # hostile route parameters
        for argument in sorted(rule.arguments):
            for label, value in HOSTILE_PATH_VALUES.items():
                url = _build(rule, {**valid, argument: value})
                if url is None:
                    continue
                for method in methods:
                    data = {"csrf_token": fuzzer.token} if method == "POST" else None
                    fuzzer.send(method, url, data=data, label=f"{argument}={label}",
                                must_refuse=label in MUST_REFUSE or argument != "name")
        url = _build(rule, valid)
        if url is None or "GET" not in methods:
            continue
        page = fuzzer.client.get(url)
        fuzzer.pages[rule.endpoint] = page.status_code
        if page.status_code != 200 or not page.mimetype.startswith("text/html"):
            names = set()
            found = []
        else:
            found = page_forms(page.get_data(as_text=True), url)
            names = {n for f in found for n in f["names"]} - {"csrf_token", "form_token"}
        for form in found:
            if form["method"] == "post":
                form["page"] = url
                forms.setdefault((form["action"], tuple(form["names"])), form)
        # hostile query parameters: refused by the plug-in's routes (400), except on the
        # portal's search, which drops them with a note (``views/request_input.py``)
        strict = rule.endpoint.startswith("kwis_job") and rule.endpoint not in NOTED_ENDPOINTS
        for name in sorted(names | set(COMMON_QUERY_NAMES)):
            for label, value in HOSTILE_FIELD_VALUES.items():
                fuzzer.send("GET", f"{url}?{urlencode({name: value})}", label=f"?{name}={label}",
                            must_refuse=strict and label in MUST_REFUSE,
                            echo=value if label in ("nul", "rlo") else None)

    for url in fw.extra_pages:
        page = fuzzer.client.get(url)
        fuzzer.pages[url] = page.status_code
        if page.status_code == 200:
            for form in page_forms(page.get_data(as_text=True), url):
                form["page"] = url
                if form["method"] == "post":
                    forms.setdefault((form["action"], tuple(form["names"])), form)
    fuzzer.forms = sorted(forms)
    # every POST form, one field at a time
    # forms with many fields first: a one-button form that accepts a number in its one field
    # acts (cancels, archives), and the edit forms should still find the world intact
    for (action, names), form in sorted(forms.items(), key=lambda i: (-len(i[0][1]), i[0])):
        if action == "/logout":
            continue
        base = form["data"]
        if not any(n.endswith("csrf_token") or n == "form_token" for n in names):
            base = [*base, ("csrf_token", fuzzer.token)]  # the review page's forms have none
        if len(names) > 3:  # the form as the page filled it in: the baseline the values vary
            response = fuzzer.send("POST", action, data=_multidict(base), label="unchanged",
                                   must_refuse=False)
            if response is not None and response.status_code < 400:
                fuzzer.accepted_forms.append(action)
                base = _refreshed(fuzzer, form, base)
        for name in names:
            if name in ("csrf_token", "form_token"):
                continue
            for label, value in HOSTILE_FIELD_VALUES.items():
                data = [(n, v) for n, v in base if n != name] + [(name, value)]
                refuse = label in ("nul", "rlo", "huge") or (
                    label == "crlf" and name not in form["multi"])
                response = fuzzer.send("POST", action, data=_multidict(data),
                                       label=f"{name}={label}", must_refuse=refuse)
                if response is not None and response.status_code < 400:
                    base = _refreshed(fuzzer, form, base)  # a new version to edit
    fuzzer.probe.close()
    return fuzzer


def _refreshed(fuzzer, form, base):
    """The form as its page shows it now (after an accepted save its version has changed)."""
    page = fuzzer.client.get(form["page"])
    if page.status_code == 200:
        for again in page_forms(page.get_data(as_text=True), form["page"]):
            if again["action"] == form["action"] and again["names"] == form["names"]:
                extra = [pair for pair in base if pair[0] == "csrf_token"]
                names = {n for n, _ in again["data"]}
                return again["data"] + [p for p in extra if p[0] not in names]
    return base


def _multidict(pairs):
    from werkzeug.datastructures import MultiDict

    return MultiDict(pairs)


OWN_AREA = {
    "anonymous": ("kwis_job_portal", "kwis_job_media", "kwis_job_registration",
                  "kwis_job_embed"),
    "company": ("kwis_job_offers", "kwis_job_profile", "kwis_job_events_tab"),
    "admin": ("kwis_job_admin", "kwis_job_admin_events", "kwis_job_admin_mail",
              "kwis_job_admin_review"),
}
"""The blueprints whose every GET page the identity must reach with the world's real ids."""
NOT_200_WITH_REAL_IDS = {
    "kwis_job_portal.offer_by_id": 301,  # moves to the page with the slug
    "kwis_job_portal.event_by_id": 301,
    "kwis_job_registration.guardian_page": 404,  # the world's token is a cancel token
    # One id a parameter name: these get theirs as extra pages (the fair's stand, a draft
    # event to publish, an event that is over to archive).
    "kwis_job_events_tab.stand": 404,
    "kwis_job_admin_events.publish": 303,
    "kwis_job_admin_events.archive": 303,
}


def _pages_without_real_ids(fuzzer, fw, identity) -> dict[str, int]:
    """GET routes of the identity's area (and its extra pages) that did not answer as a page
    with real ids answers: the world lacks something, so their forms went unfuzzed."""
    area = OWN_AREA[identity]
    wanted = {endpoint: status for endpoint, status in fuzzer.pages.items()
              if endpoint.split(".")[0] in area}
    prefix = {"company": "/selfservice/", "admin": "/admin/"}.get(identity)
    wanted.update({url: status for url, status in fuzzer.pages.items()
                   if prefix and url.startswith(prefix)})
    return {name: status for name, status in wanted.items()
            if status != NOT_200_WITH_REAL_IDS.get(name, 200)}


@pytest.mark.parametrize("identity", IDENTITIES)
def test_no_route_and_no_form_answers_500_or_stores_hostile_input(
    db_url, engine, fuzz_world, identity
):
    app = _make_app(db_url)
    try:
        fuzzer = _fuzz(app, engine, fuzz_world, identity)
    finally:
        app.extensions["kwis_host"]["engine"].dispose()
    assert fuzzer.requests > 200
    if identity != "anonymous":  # the forms reached their views: an unchanged one was saved
        assert fuzzer.accepted_forms, "no form was accepted as the page filled it in"
    missing = _pages_without_real_ids(fuzzer, fuzz_world, identity)
    assert not missing, f"routes the world gives no real ids (endpoint or page: status): {missing}"
    assert not fuzzer.failures, f"{len(fuzzer.failures)} of {fuzzer.requests}:\n" + "\n".join(
        fuzzer.failures[:200])


def test_the_snapshot_sees_a_changed_row(engine, fuzz_world, session):
    """The database comparison can fail: one changed title changes the snapshot."""
    before = snapshot(engine)
    session.execute(text("UPDATE kwis_job_offer SET title = 'anders'"))
    session.commit()
    assert "kwis_job_offer" in changed_tables(before, snapshot(engine))


def test_the_write_probe_sees_a_commit_and_a_rollback(engine, fuzz_world, session):
    """The shortcut past the hash can fail: a commit, and on PostgreSQL a rolled-back write
    too, move the mark; reading does not."""
    probe = WriteProbe(engine)
    try:
        first = probe.mark()
        session.execute(select(func.count()).select_from(text("kwis_job_offer")))
        session.commit()
        assert probe.mark() == first
        session.execute(text("UPDATE kwis_job_offer SET title = 'anders'"))
        session.commit()
        second = probe.mark()
        assert second != first
        if engine.dialect.name == "postgresql":
            session.execute(text("UPDATE kwis_job_offer SET title = 'noch anders'"))
            session.rollback()
            assert probe.mark() != second
    finally:
        probe.close()


def test_every_integer_route_parameter_fits_a_database_integer():
    """A 64-bit-overflowing id must be a 404 from the routing, not a 500 from the database
    (``<int:region_id>`` on the feature switch was one): every integer converter is bounded."""
    app = create_app({"KWIS_DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})
    converters = [(rule.rule, c) for rule in _rules(app)
                  for c in rule._converters.values()]  # noqa: SLF001
    integers = [(path, c) for path, c in converters if isinstance(c, IntegerConverter)]
    assert len(integers) > 20
    for path, converter in integers:
        assert converter.max is not None and converter.max <= DB_INT_MAX, path
        assert not converter.signed, path


def test_every_form_of_the_plugin_carries_the_input_rule():
    """The rule is bound by the forms' ``Meta``; a form class outside ``BaseForm`` or
    ``CheckedForm`` would silently go without it."""
    import importlib
    import pkgutil

    from flask_wtf import FlaskForm
    from wtforms import Form

    import kwis_job_plugin.forms as forms_package
    from kwis_job_plugin.forms.base import BaseForm, CheckedForm

    classes = []
    for module_info in pkgutil.iter_modules(forms_package.__path__):
        module = importlib.import_module(f"kwis_job_plugin.forms.{module_info.name}")
        classes += [c for c in vars(module).values() if isinstance(c, type)
                    and issubclass(c, Form) and c.__module__ == module.__name__]
    assert len(classes) >= 10
    for form_class in classes:
        assert issubclass(form_class, BaseForm | CheckedForm), form_class
        assert form_class is not FlaskForm


# --- query parameters: one rule, a note on the search, 400 elsewhere ---------------------------


@pytest.fixture
def public_company(session, world):
    profile = factories.ProfileFactory(customer=world.a.customer, region=world.region,
                                       status="published")
    session.commit()
    return profile


@pytest.mark.parametrize(("query", "note"), [
    ("q=a%00b", "„Suchtext“ enthielt Steuerzeichen oder unsichtbare Richtungszeichen und "
                "wurde ignoriert."),
    ("region=jena%E2%80%AE", "„Region“ enthielt Steuerzeichen oder unsichtbare "
                             "Richtungszeichen und wurde ignoriert."),
    ("ort=Jena%0D%0ASet-Cookie:%20x", "„Ort“ enthielt Steuerzeichen"),
    ("q=" + "x" * 4001, "„Suchtext“ war länger als 4000 Zeichen und wurde ignoriert."),
    ("a%00b=1", "Ein Teil der Adresse enthielt Steuerzeichen"),
])
def test_the_search_drops_a_hostile_parameter_with_a_note(client, world, query, note):
    for path in ("/jobs/suche", "/jobs/"):
        response = client.get(f"{path}?{query}&frei=1")
        page = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert note in page, path
        assert "\x00" not in page and "\u202e" not in page and "Set-Cookie: x" not in page
        assert "Nur mit freien Plätzen" in page  # the other parameters still apply


def test_a_hostile_query_parameter_elsewhere_is_a_german_400(client, session, world,
                                                             public_company):
    portal_pages = [f"/jobs/betriebe/{public_company.slug}?zurueck=q%3Da%00b",
                    f"/jobs/betriebe/{public_company.slug}?zurueck=" + "q%3D" + "x" * 5000,
                    "/jobs/regionen/jena/stil.css?v=%0A"]
    for url in portal_pages:
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 400, url
        assert '<html lang="de"' in page and "Ungültige Anfrage" in page, url
        assert "\x00" not in page and "\u202e" not in page
    assert client.get(f"/jobs/betriebe/{public_company.slug}?zurueck=q%3DJena").status_code == 200
    # The calendar filters like the search: the refused filter is dropped with a note.
    calendar = client.get("/jobs/termine?region=jena%E2%80%AE")
    assert calendar.status_code == 200 and "enthielt Steuerzeichen" in calendar.get_data(
        as_text=True) and "\u202e" not in calendar.get_data(as_text=True)

    login(client, world.a.email, world.password)
    for url in ("/selfservice/job/angebote?seite=%00", "/selfservice/job/profil?x=%E2%80%AE",
                "/selfservice/job/veranstaltungen?" + "a" * 41 + "=1"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "Ungültige Anfrage" in response.get_data(as_text=True), url
    assert client.get("/selfservice/job/angebote?seite=2").status_code == 200
    before = session.scalar(select(func.count()).select_from(Offer))
    page = client.get("/selfservice/job/angebote/neu").get_data(as_text=True)
    response = client.post("/selfservice/job/angebote/neu?x=%00",
                           data={"csrf_token": csrf_token(page), "title": "Ferienjob"})
    assert response.status_code == 400  # a POST's query string too, before anything is read
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Offer)) == before
