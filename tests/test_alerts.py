"""Alerts and the Alumni-Karte (issue 11): double opt-in with one pending mail per address,
expiry on a fixed clock, rate limits, the feature switch, digests on a fixed clock with their
contents, the RFC 8058 one-click unsubscribe without cookies, a digest run broken between claim
and commit and rerun (delivered through a real SMTP server: each digest once), and "Zurück in
der Region". Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from support import search_world
from support.smtp import running_smtp_server

from kwis_job_plugin.models import (
    AlertDigest,
    AlertSubscription,
    Offer,
    OutboxMail,
    Returnee,
    SearchDoc,
)
from kwis_job_plugin.services import features
from kwis_job_plugin.services.alerts import digests, subscriptions
from kwis_job_plugin.services.alerts.digests import DigestLinks
from kwis_job_plugin.services.mail import sender, transport

URL = "/jobs/regionen/jena/benachrichtigungen"
TOKEN_RE = re.compile(r'name="form_token"[^>]*value="([^"]+)"')
CONFIRM_RE = re.compile(r"(/jobs/benachrichtigungen/bestaetigen/[A-Za-z0-9_-]+)")
T0 = datetime(2027, 1, 20, 9, 0)
GOOD = {"email": "Alex@Example.org", "regions": None, "types": ["ferienjob"],
        "frequency": "monthly", "events": "y", "return_month": "2028-06", "consent": "y"}


@pytest.fixture
def jena(session, world):
    features.set_enabled(session, world.region.id, "alerts", True, None)
    world.region.contact_email = "info@wf-jena.example"
    session.commit()
    return world.region


def _token(client, url: str = URL) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return TOKEN_RE.search(page.get_data(as_text=True)).group(1)


def _post(client, region, url=URL, **changes):
    data = {**GOOD, "regions": [str(region.id)], **changes, "form_token": _token(client, url)}
    return client.post(url, data={k: v for k, v in data.items() if v is not None})


def _mails(session, kind="alert") -> list[OutboxMail]:
    session.expire_all()
    return list(session.scalars(
        select(OutboxMail).where(OutboxMail.kind == kind).order_by(OutboxMail.id)))


def _subs(session) -> list[AlertSubscription]:
    session.expire_all()
    return list(session.scalars(select(AlertSubscription).order_by(AlertSubscription.id)))


def _no_cookie(response) -> None:
    assert "Set-Cookie" not in response.headers, response.headers.get("Set-Cookie")


def test_double_opt_in_keeps_the_consent_record(client, session, jena):
    page = client.get(URL + "?quelle=karte-jena")
    _no_cookie(page)
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert 'name="csrf_token"' not in html and 'value="karte-jena"' in html
    data = {**GOOD, "regions": [str(jena.id)], "source": "karte-jena",
            "form_token": TOKEN_RE.search(html).group(1)}
    response = client.post(URL, data=data)
    _no_cookie(response)
    assert response.status_code == 200
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in response.get_data(as_text=True)
    [mail] = _mails(session)
    assert mail.to_addr == "alex@example.org" and mail.region_id == jena.id
    [sub] = _subs(session)
    assert sub.status == "pending" and sub.consent_version == subscriptions.CONSENT_VERSION
    assert sub.created_at and sub.confirmed_at is None and sub.source == "karte-jena"
    assert sub.interests == {"regions": [jena.id], "types": ["ferienjob"], "fields": [],
                             "events": True}
    assert sub.frequency == "monthly" and sub.return_hint == "2028-06"
    link = CONFIRM_RE.search(mail.body_text).group(1)
    shown = client.get(link)
    assert shown.status_code == 200 and "<form" in shown.get_data(as_text=True)
    assert _subs(session)[0].status == "pending", "a GET (a mail scanner) confirms nothing"
    confirmed = client.post(link)
    _no_cookie(confirmed)
    assert "Benachrichtigungen bestätigt" in confirmed.get_data(as_text=True)
    [sub] = _subs(session)
    assert sub.status == "active" and sub.confirmed_at >= sub.created_at


def test_one_pending_mail_per_address_however_often_the_form_is_sent(client, session, jena):
    for email in ("alex@example.org", "ALEX@example.org", " Alex@Example.org "):
        assert _post(client, jena, email=email).status_code == 200
    assert len(_mails(session)) == 1 and len(_subs(session)) == 1
    client.post(CONFIRM_RE.search(_mails(session)[0].body_text).group(1))
    again = _post(client, jena)
    assert "Bitte bestätigen Sie" in again.get_data(as_text=True), "the same answer"
    assert len(_mails(session)) == 1, "a subscribed address gets no new mail"


def test_bad_input_changes_nothing(client, session, jena):
    response = _post(client, jena, email="kein-at", consent=None, frequency="daily",
                     regions=["99999"])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="error-summary"' in html and "Bitte stimmen Sie zu" in html
    assert _subs(session) == [] and _mails(session) == []
    bad_token = client.post(URL, data={**GOOD, "regions": [str(jena.id)], "form_token": "x"})
    assert bad_token.status_code == 422 and _subs(session) == []


def test_unconfirmed_requests_expire_and_are_deleted(app, session, jena):
    choices = subscriptions.choices(session, {jena.id})
    data = subscriptions.SubscriptionInput(email="kim@example.org", regions=[jena.id],
                                           frequency="yearly", consent=True)
    tokens = []

    def remember(token):
        tokens.append(token)
        return f"https://portal.example/{token}"

    subscriptions.request(session, jena.id, data, choices, now=T0, hold_hours=72,
                          confirm_url=remember, region_name=jena.name)
    session.commit()
    runner = app.test_cli_runner()
    with app.app_context():
        kept = runner.invoke(args=["job", "alerts", "tick", "--now", "2027-01-23T08:59"])
    assert kept.exit_code == 0, kept.output
    assert len(_subs(session)) == 1
    assert subscriptions.confirm(session, tokens[0], now=T0 + timedelta(hours=73)) == "expired"
    session.rollback()
    with app.app_context():
        gone = runner.invoke(args=["job", "alerts", "tick", "--now", "2027-01-23T09:01"])
    assert "1 unbestätigte Bestellungen" in gone.output
    assert _subs(session) == []
    # an expired request not yet swept gives way to a new one (one new mail)
    subscriptions.request(session, jena.id, data, choices, now=T0, hold_hours=72,
                          confirm_url=remember, region_name=jena.name)
    subscriptions.request(session, jena.id, data, choices, now=T0 + timedelta(hours=80),
                          hold_hours=72, confirm_url=remember, region_name=jena.name)
    session.commit()
    assert len(tokens) == 3 and len(_subs(session)) == 1


def test_the_rate_limit_per_address_answers_429_without_a_cookie(client, session, jena):
    client.application.config["KWIS_JOB_RATELIMIT_PER_ADDRESS"] = "2 per hour"
    for _ in range(2):
        assert _post(client, jena).status_code == 200
    refused = _post(client, jena)
    assert refused.status_code == 429 and "Zu viele Anfragen" in refused.get_data(as_text=True)
    _no_cookie(refused)
    assert len(_mails(session)) == 1


def test_the_pages_are_404_while_alerts_are_off(client, session, world):
    for url in (URL, "/jobs/benachrichtigungen", "/jobs/regionen/jena/zurueck-in-der-region",
                "/jobs/benachrichtigungen/bestaetigen/abc"):
        assert client.get(url).status_code == 404, url
    assert "Benachrichtigungen bestellen" not in client.get("/jobs/").get_data(as_text=True)
    features.set_enabled(session, world.region.id, "alerts", True, None)
    session.commit()
    front = client.get("/jobs/").get_data(as_text=True)
    assert 'href="/jobs/benachrichtigungen"' in front
    assert client.get("/jobs/benachrichtigungen").status_code == 200


# --- digests ---------------------------------------------------------------------------------

def _links() -> DigestLinks:
    return DigestLinks(offer=lambda i, s: f"https://portal.example/jobs/angebote/{i}-{s}",
                       event=lambda i, s: f"https://portal.example/jobs/termine/{i}-{s}",
                       unsubscribe=lambda t: f"https://portal.example/jobs/benachrichtigungen/"
                                             f"abmelden/{t}")


def _subscriber(session, email, regions, *, types=(), fields=(), events=False,
                frequency="monthly", confirmed=T0):
    sub = AlertSubscription(
        email=email, region_id=regions[0], status="active", token_hash=email.ljust(64, "x"),
        consent_version="t", created_at=confirmed, confirmed_at=confirmed,
        frequency=frequency, interests={"regions": list(regions), "types": list(types),
                                        "fields": list(fields), "events": events})
    session.add(sub)
    session.commit()
    return sub


@pytest.fixture
def sw(session):
    world = search_world.build(session)
    for key in ("jena", "shk"):
        features.set_enabled(session, world.regions[key].id, "alerts", True, None)
    # every visible offer published before the subscribers confirmed, two after
    session.execute(update(Offer).values(published_at=T0 - timedelta(days=30)))
    for letter, day in (("a", 3), ("b", 5)):
        session.execute(update(Offer).where(Offer.id == world.offers[letter].id)
                        .values(published_at=T0 + timedelta(days=day)))
    session.commit()
    return world


def test_a_digest_holds_only_what_is_new_grouped_by_region_and_type(session, sw):
    jena_id = sw.regions["jena"].id
    assert session.scalar(select(SearchDoc.region_id).where(
        SearchDoc.offer_id == sw.offers["a"].id)) == jena_id
    _subscriber(session, "all@example.org", [jena_id])
    holidays = _subscriber(session, "ferien@example.org", [jena_id], types=["ferienjob"])
    bakery_field = _subscriber(session, "technik@example.org", [jena_id], fields=["technik"])
    quarterly = _subscriber(session, "q@example.org", [jena_id], frequency="quarterly")

    early = digests.send(session, now=T0 + timedelta(days=6), links=_links(), secret_key="s")
    assert early.queued == 0 and early.not_due == 4, "not in the month they confirmed in"

    now = datetime(2027, 2, 1, 6, 0)
    result = digests.send(session, now=now, links=_links(), secret_key="s")
    assert (result.queued, result.empty, result.not_due) == (2, 1, 1)
    mails = {m.to_addr: m for m in _mails(session)}
    assert set(mails) == {"all@example.org", "ferien@example.org"}
    text = mails["all@example.org"].body_text
    assert "== Stadt Jena ==" in text and "seit dem 20.01.2027" in text
    assert "Ferienjob in der Backstube" in text and "Ausbildung zum Bäcker" in text
    assert "Praktikum in der Optikfertigung" not in text, "published before: not new"
    assert text.index("Ausbildungsplatz:") != text.index("Ferienjob:")
    assert "Ausbildung zum Bäcker" not in mails["ferien@example.org"].body_text
    assert mails["all@example.org"].list_unsubscribe.startswith(
        "https://portal.example/jobs/benachrichtigungen/abmelden/")
    session.expire_all()
    assert session.get(AlertSubscription, bakery_field.id).last_sent_at == now
    assert session.get(AlertSubscription, quarterly.id).last_sent_at is None

    again = digests.send(session, now=now + timedelta(days=3), links=_links(), secret_key="s")
    assert again.queued == 0 and len(_mails(session)) == 2, "one digest a period"
    session.execute(update(Offer).where(Offer.id == sw.offers["c"].id)
                    .values(published_at=datetime(2027, 2, 10)))
    session.commit()
    march = digests.send(session, now=datetime(2027, 3, 1), links=_links(), secret_key="s")
    assert march.queued == 2, "everything and technik"
    newest = {m.to_addr: m for m in _mails(session)[2:]}
    assert set(newest) == {"all@example.org", "technik@example.org"}
    assert "Ferienjob in der Backstube" not in newest["all@example.org"].body_text
    assert "Praktikum in der Optikfertigung" in newest["technik@example.org"].body_text
    assert holidays.id and session.scalar(select(AlertDigest.period).where(
        AlertDigest.subscription_id == holidays.id).order_by(AlertDigest.id.desc())) == "2027-03"


def test_one_click_unsubscribe_without_cookies_deletes_the_address(app, session, sw):
    sub = _subscriber(session, "weg@example.org", [sw.regions["jena"].id])
    with app.test_request_context():
        token = subscriptions.unsubscribe_token(app.config["SECRET_KEY"], sub)
    url = f"/jobs/benachrichtigungen/abmelden/{token}"
    client = app.test_client(use_cookies=False)
    page = client.get(url)
    assert page.status_code == 200 and 'method="post"' in page.get_data(as_text=True)
    assert len(_subs(session)) == 1
    response = client.post(url, data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert 200 <= response.status_code < 300
    _no_cookie(response)
    assert _subs(session) == []
    assert client.post(url).status_code == 200, "a second POST answers the same"
    forged = client.post("/jobs/benachrichtigungen/abmelden/" + token[:-2] + "xx")
    assert forged.status_code == 404


def test_a_run_broken_between_claim_and_commit_and_rerun_sends_each_digest_once(
    engine, session, sw
):
    jena_id = sw.regions["jena"].id
    for n in range(5):
        _subscriber(session, f"p{n}@example.org", [jena_id])
    now = datetime(2027, 2, 1, 6, 0)
    calls = []

    def crash_on_third(subscription):
        calls.append(subscription.email)
        if len(calls) == 3:
            raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        digests.send(session, now=now, links=_links(), secret_key="s", batch_size=2,
                     after_claim=crash_on_third)
    assert [m.to_addr for m in _mails(session)] == ["p0@example.org", "p1@example.org"], (
        "the first batch is committed, the broken one left nothing behind")
    with Session(engine) as rerun:
        result = digests.send(rerun, now=now, links=_links(), secret_key="s")
    assert result.queued == 3
    with Session(engine) as third:
        assert digests.send(third, now=now, links=_links(), secret_key="s").queued == 0
    with running_smtp_server() as smtp:
        sent = sender.send_pass(engine, transport.from_url(smtp.url), sender_id="t",
                                mail_from="KWIS.job <noreply@portal.example>", now=now)
        messages = smtp.handler.messages
    assert sent.sent == 5
    assert sorted(m["To"] for m in messages) == [f"p{n}@example.org" for n in range(5)]
    for message in messages:
        assert message["List-Unsubscribe"].startswith("<https://portal.example/jobs/")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


# --- Zurück in der Region --------------------------------------------------------------------

RETURN_URL = "/jobs/regionen/jena/zurueck-in-der-region"


def test_a_returnee_tells_the_agency_once_with_consent(client, session, jena):
    data = {"looking_for": "Eine Stelle als Mechatronikerin ab Herbst",
            "email": "Rueck@Example.org", "name": "Rike", "consent": "y",
            "form_token": _token(client, RETURN_URL)}
    response = client.post(RETURN_URL, data=data)
    _no_cookie(response)
    assert response.status_code == 200 and "Willkommen zurück" in response.get_data(
        as_text=True)
    assert client.post(RETURN_URL, data=data).status_code == 200, "a double submit"
    session.expire_all()
    [row] = session.scalars(select(Returnee)).all()
    assert row.email == "rueck@example.org" and row.consent_version
    [mail] = _mails(session, "alert.returnee")
    assert mail.to_addr == "info@wf-jena.example" and "Mechatronikerin" in mail.body_text
    refused = client.post(RETURN_URL, data={**data, "consent": "",
                                            "form_token": _token(client, RETURN_URL)})
    assert refused.status_code == 422
    assert len(session.scalars(select(Returnee)).all()) == 1


def test_the_admin_sees_the_returnees_and_the_indicators_count_them(client, session, jena,
                                                                      world):
    from support.web import login

    from kwis_job_plugin.services.indicators import figures

    client.post(RETURN_URL, data={"looking_for": "Ausbildung im Handwerk", "consent": "y",
                                  "email": "back@example.org",
                                  "form_token": _token(client, RETURN_URL)})
    login(client, world.admin.email, world.password)
    html = client.get(f"/admin/job/regionen/{jena.id}/zurueck-in-der-region").get_data(
        as_text=True)
    assert "Ausbildung im Handwerk" in html and "back@example.org" in html
    year = datetime.now().year
    assert figures.compute(session, jena, year, datetime.now().date()).returnees == 1
    assert figures.compute(session, jena, year - 1, datetime.now().date()).returnees == 0


def test_the_card_carries_a_qr_code_of_the_subscription_page_with_its_campaign_code(
    client, session, jena, world
):
    import segno
    from support.web import login

    from kwis_job_plugin.services.alerts import card

    login(client, world.admin.email, world.password)
    html = client.get(f"/admin/job/regionen/{jena.id}/alumni-karte").get_data(as_text=True)
    url = "http://localhost/jobs/regionen/jena/benachrichtigungen?quelle=karte-jena"
    assert html.count('class="kj-card"') == 4 and url in html
    code = card.qr_code(url)
    # segno's matrix is the code: the same URL gives the same modules, and the page shows them
    assert code.matrix == segno.make(url, error="m", micro=False, boost_error=False).matrix
    assert code.mode == "byte" and code.error == "M" and not code.is_micro
    path = re.search(r'<path[^>]* d="([^"]+)"', card.qr_svg(url, "t")).group(1)
    assert html.count(path) == 4, "each card shows exactly this code"
    other = card.qr_code(url.replace("karte-jena", "karte-wl"))
    assert other.matrix != code.matrix, "the campaign code is in the modules"
    page = client.get(url.removeprefix("http://localhost")).get_data(as_text=True)
    assert 'value="karte-jena"' in page



def test_a_group_shows_the_ten_newest_and_counts_the_rest():
    from kwis_job_plugin.services.alerts.digests import PER_GROUP, Item, _newest

    items = [Item(T0 + timedelta(hours=n), n, f"O{n}", "Betrieb", None, f"u{n}",
                  frozenset({"technik" if n % 2 else "bau"})) for n in range(30)]
    shown, more = _newest(items, T0 + timedelta(hours=4.5), set())
    assert [i.id for i in shown] == list(range(29, 29 - PER_GROUP, -1)) and more == 15
    shown, more = _newest(items, T0 + timedelta(hours=4.5), {"technik"})
    assert [i.id for i in shown] == list(range(29, 9, -2)) and more == 3  # 5,7,9
    assert _newest(items, T0 + timedelta(days=2), set()) == ([], 0)
