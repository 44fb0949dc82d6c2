"""The one-click "still current" link of the reminder mail (issue 10): GET shows, POST confirms,
without a login and without a cookie; a forged, expired, older or overtaken token is refused
with a German page. Both engines; the token comes from the mail the daily run queued.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from test_offer_service import offer_input as complete_offer
from test_staleness import TITLE, TODAY, YEAR, age, mails, on_portal, public_world, run, token_of

from kwis_job_plugin.models import AuditEntry
from kwis_job_plugin.models.base import utcnow
from kwis_job_plugin.services import offers, profiles, staleness

SECRET = "test-secret"


def url(token: str) -> str:
    return f"/jobs/noch-aktuell/{token}"


def reminded(session, world):
    """The first run: the profile's and the offer's reminders, and the offer's token."""
    profile, offer = public_world(session, world)
    run(session, TODAY)
    profile_mail, offer_mail = mails(session, staleness.REMINDER_KIND)
    return profile, offer, token_of(profile_mail), token_of(offer_mail)


def no_cookie_and_private(response) -> None:
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Robots-Tag"] == "noindex"


def test_get_shows_what_it_is_about_and_changes_nothing(client, session, world):
    profile, offer, _profile_token, token = reminded(session, world)
    assert len(token) < 160, "well inside a route value (request_input.ROUTE_VALUE_MAX)"
    stamp = offer.stale_notified_at
    response = client.get(url(token))
    assert response.status_code == 200
    no_cookie_and_private(response)
    page = response.get_data(as_text=True)
    assert "Sind diese Angaben noch aktuell?" in page
    assert f"das Angebot „{TITLE}“ von Optik Alpha" in page
    assert f'<form method="post" action="{url(token)}">' in page
    assert "Ja, die Angaben sind noch aktuell" in page
    assert "csrf" not in page.lower()
    assert client.head(url(token)).status_code == 200
    session.refresh(offer)
    assert offer.stale_notified_at == stamp and offer.updated_at < utcnow() - timedelta(days=300)
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "offer.confirmed")) \
        is None


def test_post_confirms_without_login_or_cookie_and_only_once(client, session, world):
    profile, offer, profile_token, token = reminded(session, world)
    response = client.post(url(token))
    assert response.status_code == 200, response.get_data(as_text=True)
    no_cookie_and_private(response)
    assert "Sie haben bestätigt, dass das Angebot" in response.get_data(as_text=True)
    session.refresh(offer)
    assert (offer.stale_notified_at, offer.stale_hidden_at) == (None, None)
    assert offer.updated_at > utcnow() - timedelta(minutes=5), "counts as touched"
    assert offer.updated_by_user_id is None
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "offer.confirmed"))
    assert entry.details == {"via": "link", "was_hidden": False} and entry.actor_user_id is None

    again = client.post(url(token))
    assert again.status_code == 410
    assert "nichts weiter zu tun" in again.get_data(as_text=True)
    assert len(list(session.scalars(select(AuditEntry).where(
        AuditEntry.action == "offer.confirmed")))) == 1, "a second click confirms nothing"

    other = client.post(url(profile_token))
    assert other.status_code == 200 and "das Arbeitgeberprofil „Optik Alpha“" in \
        other.get_data(as_text=True)
    session.refresh(profile)
    assert profile.stale_notified_at is None


def test_the_link_brings_hidden_content_back(client, session, world):
    profile, offer, profile_token, token = reminded(session, world)
    run(session, TODAY + timedelta(days=YEAR))
    assert not any(on_portal(client, profile, offer).values())
    _p, hidden_offer_mail = mails(session, staleness.HIDDEN_KIND)
    fresh = token_of(hidden_offer_mail)

    page = client.get(url(fresh)).get_data(as_text=True)
    assert "zurzeit nicht im Portal zu sehen" in page
    assert client.post(url(profile_token)).status_code == 200, "the reminder's link still works"
    done = client.post(url(fresh))
    assert done.status_code == 200
    assert "Es ist ab sofort wieder im Portal zu sehen." in done.get_data(as_text=True)
    assert all(on_portal(client, profile, offer).values())


@pytest.mark.parametrize("forged", ["x", "ä-token", "eyJrIjoib2ZmZXIifQ.bad", "a" * 200])
def test_forged_tokens_are_refused_in_german(client, session, world, forged):
    reminded(session, world)
    for response in (client.get(url(forged)), client.post(url(forged))):
        assert response.status_code == 404
        no_cookie_and_private(response)
        assert "Dieser Link ist ungültig." in response.get_data(as_text=True)


@pytest.mark.parametrize("hostile", ["a" * 201, "%00", "x%0Ay", "..%2f..%2fetc"])
def test_hostile_addresses_never_reach_the_link(client, session, world, hostile):
    reminded(session, world)
    for response in (client.get(url(hostile)), client.post(url(hostile))):
        assert response.status_code in (400, 404)
        assert "Set-Cookie" not in response.headers
    assert all(m.status == "pending" for m in mails(session))


def test_a_token_signed_with_another_key_or_altered_is_refused(client, session, world):
    _profile, offer, _pt, token = reminded(session, world)
    foreign = staleness.issue_token("another-secret", "offer", offer.id,
                                    offer.stale_notified_at, utcnow())
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (foreign, altered):
        response = client.post(url(bad))
        assert response.status_code == 404
        assert "Dieser Link ist ungültig." in response.get_data(as_text=True)
    session.refresh(offer)
    assert offer.stale_notified_at is not None


def test_an_expired_token_is_refused(client, session, world):
    _profile, offer, _pt, _token = reminded(session, world)
    old = staleness.issue_token(SECRET, "offer", offer.id, offer.stale_notified_at,
                                utcnow() - timedelta(days=YEAR + 1))
    response = client.post(url(old))
    assert response.status_code == 410
    assert "Dieser Link ist abgelaufen." in response.get_data(as_text=True)
    session.refresh(offer)
    assert offer.stale_notified_at is not None


def test_a_token_of_an_older_reminder_is_refused(client, session, world):
    profile, offer, _pt, first = reminded(session, world)
    offers.confirm_current(session, world.a.customer.id, offer.id, world.a.id)
    profiles.confirm_current(session, world.a.customer.id, expected_version=profile.version,
                             actor_user_id=world.a.id)
    session.commit()
    later = TODAY + timedelta(days=400)
    age(session, offer, 400, today=later)
    run(session, later)
    session.refresh(offer)
    assert offer.stale_notified_at == datetime.combine(later, datetime.min.time())
    response = client.post(url(first))
    assert response.status_code == 410
    assert "gehört zu einer älteren Erinnerung" in response.get_data(as_text=True)
    session.refresh(offer)
    assert offer.stale_notified_at is not None, "the newer reminder still waits"


def test_a_token_for_content_changed_since_is_refused(client, session, world):
    _profile, offer, _pt, token = reminded(session, world)
    offers.update_offer(session, world.a.customer.id, offer.id,
                        complete_offer(session, title="Ganz neu"), offer.version, world.a.id)
    session.commit()
    response = client.get(url(token))
    assert response.status_code == 410
    assert "seitdem geändert oder bestätigt" in response.get_data(as_text=True)


def test_the_page_speaks_english_when_asked(client, session, world):
    _profile, _offer, _pt, token = reminded(session, world)
    response = client.get(url(token), headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert 'lang="en"' in response.get_data(as_text=True)


def test_the_service_refuses_a_missing_secret_and_checks_the_claim(session, world):
    _profile, offer, _pt, token = reminded(session, world)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        staleness.read_token("", token)
    target = staleness.check_link(session, SECRET, token, now=utcnow(), default_days=YEAR)
    assert (target.kind, target.item.id, target.hidden, target.period) == (
        "offer", offer.id, False, YEAR)
    with pytest.raises(staleness.LinkRefused) as refused:
        staleness.check_link(session, SECRET, token, now=utcnow() + timedelta(days=YEAR + 1),
                             default_days=YEAR)
    assert refused.value.reason == "expired"


def test_posts_are_rate_limited_with_a_german_page(app, client, session, world):
    _profile, _offer, _pt, token = reminded(session, world)
    app.config["KWIS_JOB_RATELIMIT_PER_CLIENT"] = "2 per minute"
    answers = [client.post(url(token + "x")).status_code for _ in range(3)]
    assert answers == [404, 404, 429]
    limited = client.post(url(token))
    assert limited.status_code == 429
    assert "zu viele Anfragen" in limited.get_data(as_text=True)
    assert "Set-Cookie" not in limited.headers
    assert client.get(url(token)).status_code == 200, "only POSTs are limited"
