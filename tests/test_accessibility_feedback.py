"""The feedback form for accessibility barriers (issue 13): a public write without a cookie,
with a signed, expiring form token, rate limited, delivered through the mail outbox. Every test
runs on SQLite and on PostgreSQL (which refuses NUL in text)."""

from __future__ import annotations

import re
import time

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from kwis_job_plugin.demo.factories import RegionFactory
from kwis_job_plugin.forms import accessibility_feedback as feedback_form
from kwis_job_plugin.models import OutboxMail, RegionLegal
from kwis_job_plugin.services import features

URL = "/jobs/regionen/jena/barrierefreiheit/rueckmeldung"
TOKEN_RE = re.compile(r'name="form_token"[^>]*value="([^"]+)"')
EXPIRED = "Das Formular ist abgelaufen oder ungültig."
GOOD = {"where": "https://portal.example/jobs/suche", "message": "Der Filter Ort ist mit dem "
        "Bildschirmleser nicht erreichbar.", "name": "Kim Muster", "email": "Kim@Example.org"}


@pytest.fixture
def jena(session, world):
    session.add(RegionLegal(region_id=world.region.id,
                            accessibility_email="barrierefrei@wf-jena.example"))
    world.region.contact_email = "info@wf-jena.example"
    session.commit()
    return world.region


def _token(client, url: str = URL) -> str:
    page = client.get(url)
    assert page.status_code == 200
    match = TOKEN_RE.search(page.get_data(as_text=True))
    assert match, "the form carries a form token"
    return match.group(1)


def _mails(session) -> list[OutboxMail]:
    session.expire_all()
    return list(session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def _no_cookie(response) -> None:
    assert "Set-Cookie" not in response.headers, response.headers.get("Set-Cookie")


def test_the_form_sets_no_cookie_is_not_stored_and_says_what_happens_to_the_data(client, jena):
    response = client.get(URL)
    _no_cookie(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Robots-Tag"] == "noindex"
    html = response.get_data(as_text=True)
    assert 'name="csrf_token"' not in html
    assert "Das Portal speichert sie nicht" in html and "höchstens 30 Tage" in html
    assert "Es werden keine Cookies gesetzt." in html
    assert client.get("/jobs/barrierefreiheit/rueckmeldung").status_code == 200, "one region"


def test_a_report_goes_to_the_accessibility_address_with_a_confirmation_to_the_sender(
    client, session, jena
):
    response = client.post(URL, data={**GOOD, "form_token": _token(client)})
    _no_cookie(response)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Danke für Ihre Rückmeldung" in html and "Eine Bestätigung ist per E-Mail" in html
    report, confirmation = _mails(session)
    assert report.to_addr == "barrierefrei@wf-jena.example"
    assert report.kind == "accessibility.feedback" and report.region_id == jena.id
    assert "Stadt Jena" in report.subject
    for part in (GOOD["where"], GOOD["message"], "Kim Muster", "kim@example.org"):
        assert part in report.body_text
    assert confirmation.to_addr == "kim@example.org"
    assert confirmation.kind == "accessibility.feedback_confirmation"
    assert GOOD["message"] not in confirmation.body_text, "the sender's words are not echoed"
    assert "/jobs/regionen/jena/barrierefreiheit" in confirmation.body_text


def test_without_an_address_there_is_no_confirmation_and_the_region_contact_is_the_fallback(
    client, session, world
):
    world.region.contact_email = "info@wf-jena.example"
    session.commit()
    data = {"where": "Startseite", "message": "Kontrast zu schwach", "form_token": _token(client)}
    response = client.post(URL, data=data)
    assert response.status_code == 200
    assert "Eine Bestätigung" not in response.get_data(as_text=True)
    [report] = _mails(session)
    assert report.to_addr == "info@wf-jena.example"
    assert "Name: (keine Angabe)" in report.body_text


def test_a_region_without_any_address_offers_no_form_and_queues_nothing(client, session, world):
    html = client.get(URL).get_data(as_text=True)
    assert "noch keine Adresse hinterlegt" in html and "<form" not in html.split("<main")[1]
    token = feedback_form.new_form_token  # a valid token, as if the page had offered the form
    with client.application.test_request_context():
        valid = token(world.region.id)
    response = client.post(URL, data={**GOOD, "form_token": valid})
    assert response.status_code == 503
    assert _mails(session) == []


def test_a_double_submit_of_one_form_is_one_report(client, session, jena):
    data = {**GOOD, "form_token": _token(client)}
    assert client.post(URL, data=data).status_code == 200
    again = client.post(URL, data=data)
    assert again.status_code == 200 and "Danke für Ihre Rückmeldung" in again.get_data(
        as_text=True)
    assert len(_mails(session)) == 2, "one report and one confirmation"


def _forged(region_id: int) -> str:
    return URLSafeTimedSerializer("not-the-secret", salt=feedback_form.SALT).dumps(
        {"r": region_id, "n": "x" * 32})


def _expired(app, region_id: int) -> str:
    real = time.time
    with app.test_request_context():
        try:
            time.time = lambda: real() - feedback_form.MAX_AGE_SECONDS - 60
            return feedback_form.new_form_token(region_id)
        finally:
            time.time = real


def test_a_missing_forged_expired_or_foreign_token_is_refused_in_german(
    client, session, jena
):
    other = RegionFactory(slug="weimar", name="Weimarer Land")
    session.commit()
    with client.application.test_request_context():
        foreign = feedback_form.new_form_token(other.id)
        registration = __import__(
            "kwis_job_plugin.forms.registration", fromlist=["new_form_token"]
        ).new_form_token(jena.id)
    for token in (None, "", "kaputt", _forged(jena.id), _expired(client.application, jena.id),
                  foreign, registration):
        data = dict(GOOD) if token is None else {**GOOD, "form_token": token}
        response = client.post(URL, data=data)
        _no_cookie(response)
        assert response.status_code == 422, token
        html = response.get_data(as_text=True)
        assert EXPIRED in html, token
        assert 'value="Kim Muster"' in html, "the form comes back filled in"
    assert _mails(session) == []


@pytest.mark.parametrize(("field", "value", "message"), [
    ("where", "Seite\x00eins", "keine Zeilenumbrüche, Steuerzeichen"),
    ("name", "Kim \u202eretsuM", "keine Zeilenumbrüche, Steuerzeichen"),
    ("message", "Text\x00mit NUL", "keine Steuerzeichen oder unsichtbaren Richtungszeichen"),
    ("message", "x" * 100_000, "Bitte kürzen Sie auf höchstens 5000 Zeichen."),
    ("email", "kim@example.org\nBcc: alle@example.org", "keine Zeilenumbrüche"),
    ("email", "keine-adresse", "gültige E-Mail-Adresse"),
    ("where", "   ", "Bitte nennen Sie die Seite"),
    ("message", "", "Bitte beschreiben Sie die Barriere"),
])
def test_bad_input_is_refused_at_its_field_and_nothing_is_queued(
    client, session, jena, field, value, message
):
    response = client.post(URL, data={**GOOD, field: value, "form_token": _token(client)})
    _no_cookie(response)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(rf'id="{field}-error">([^<]*)<', html)
    assert error and message in error.group(1), (field, error and error.group(1))
    assert f'aria-describedby="{field}-hint {field}-error"' in html or (
        f'aria-describedby="{field}-error"' in html)
    assert 'aria-invalid="true"' in html and 'id="error-summary"' in html
    assert _mails(session) == []


def test_the_rate_limit_answers_429_in_german_without_a_cookie(client, session, jena):
    client.application.config["KWIS_JOB_RATELIMIT_PER_CLIENT"] = "2 per minute"
    data = {"where": "Startseite", "message": "Kontrast"}
    for _ in range(2):
        assert client.post(URL, data={**data, "form_token": _token(client)}).status_code == 200
    refused = client.post(URL, data={**data, "form_token": _token(client)})
    assert refused.status_code == 429
    _no_cookie(refused)
    assert "Zu viele Anfragen" in refused.get_data(as_text=True)
    assert len(_mails(session)) == 2
    assert client.get(URL).status_code == 200, "reading the form is not limited"


def test_the_limit_per_address_counts_reports_naming_one_address(client, session, jena):
    client.application.config["KWIS_JOB_RATELIMIT_PER_ADDRESS"] = "1 per hour"
    assert client.post(URL, data={**GOOD, "form_token": _token(client)}).status_code == 200
    again = client.post(URL, data={**GOOD, "message": "Noch etwas",
                                   "form_token": _token(client)})
    assert again.status_code == 429
    assert len(_mails(session)) == 2


def test_a_region_whose_portal_is_off_has_no_form(client, session, jena):
    token = _token(client)
    features.set_enabled(session, jena.id, "portal", False, None)
    session.commit()
    assert client.get(URL).status_code == 404
    assert client.post(URL, data={**GOOD, "form_token": token}).status_code == 404
    assert _mails(session) == []


def test_the_page_a_report_is_about_can_be_filled_in_by_a_link(client, jena):
    html = client.get(URL + "?seite=/jobs/suche%3Fq%3DKoch").get_data(as_text=True)
    assert 'id="where" maxlength="500" name="where" required type="text" ' \
        'value="/jobs/suche?q=Koch"' in html
    hostile = client.get(URL + "?seite=/jobs/suche%00x")
    assert hostile.status_code in (200, 400), "never a 500"
    assert "/jobs/suche\x00x" not in hostile.get_data(as_text=True)
