"""The accessibility statement and the Leichte Sprache page (issue 13), on both engines and in
both locales: they exist per region while its portal is on, set no cookie, and what they say
follows the region's data, its feature switches and its last recorded check."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kwis_job_plugin.demo.factories import RegionFactory
from kwis_job_plugin.models import RegionLegal
from kwis_job_plugin.services import accessibility_statement as statement
from kwis_job_plugin.services import features

ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}
PAGES = ("barrierefreiheit", "leichte-sprache")


def _legal(session, region, **values) -> RegionLegal:
    legal = session.get(RegionLegal, region.id) or RegionLegal(region_id=region.id)
    for key, value in values.items():
        setattr(legal, key, value)
    session.add(legal)
    session.commit()
    return legal


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.mark.parametrize("headers", [GERMAN, ENGLISH], ids=["de", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_the_pages_answer_with_and_without_a_region_and_set_no_cookie(
    client, world, page, headers
):
    for url in (f"/jobs/{page}", f"/jobs/regionen/jena/{page}"):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url
        assert response.headers["Cache-Control"].startswith("public"), url
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        html = response.get_data(as_text=True)
        assert f'<html lang="{"en" if headers is ENGLISH else "de"}">' in html
        assert "Stadt Jena" in html, "the page names its region (and wears its look)"
    assert client.head(f"/jobs/regionen/jena/{page}").status_code == 200
    assert client.post(f"/jobs/regionen/jena/{page}").status_code == 405


@pytest.mark.parametrize("page", PAGES)
def test_a_region_whose_portal_is_off_or_that_does_not_exist_has_no_such_page(
    client, session, world, page
):
    assert client.get(f"/jobs/regionen/gibt-es-nicht/{page}").status_code == 404
    features.set_enabled(session, world.region.id, "portal", False, None)
    session.commit()
    assert client.get(f"/jobs/regionen/jena/{page}").status_code == 404
    assert client.get(f"/jobs/{page}").status_code == 404, "no portal anywhere: no page"


@pytest.mark.parametrize("page", PAGES)
def test_without_a_region_several_portal_regions_are_offered_to_choose(
    client, session, world, page
):
    RegionFactory(slug="weimar", name="Weimarer Land")
    dark = RegionFactory(slug="dunkel", name="Region ohne Portal")
    session.flush()
    features.set_enabled(session, dark.id, "portal", False, None)
    session.commit()
    html = _text(client.get(f"/jobs/{page}"))
    assert f'href="/jobs/regionen/jena/{page}"' in html
    assert f'href="/jobs/regionen/weimar/{page}"' in html
    assert "dunkel" not in html, "a region whose portal is off is not offered"
    assert "Weimarer Land" in _text(client.get(f"/jobs/regionen/weimar/{page}"))


def test_the_front_page_links_leichte_sprache_and_sign_language(client, world):
    html = _text(client.get("/jobs/"))
    assert 'href="/jobs/leichte-sprache">Leichte Sprache</a>' in html
    assert 'href="/jobs/leichte-sprache#gebaerdensprache">Gebärdensprache</a>' in html


# --- the statement follows the data ---------------------------------------------------------


def test_a_statement_without_data_says_what_is_missing_instead_of_inventing_it(client, world):
    html = _text(client.get("/jobs/regionen/jena/barrierefreiheit"))
    assert "Diese Erklärung ist noch nicht vollständig" in html
    assert "Schlichtungs- oder Durchsetzungsstelle des Landes" in html
    assert "Die zuständige Stelle ist hier noch nicht eingetragen." in html
    assert "Eine Kontaktadresse für Fragen zur Barrierefreiheit ist hier noch nicht" in html
    assert "Für dieses Portal ist noch keine Prüfung erfasst." in html
    assert "teilweise mit den Anforderungen vereinbar" in html
    assert "Ein Video in Deutscher Gebärdensprache gibt es noch nicht." in html
    assert "Das Rückmeldeformular ist noch nicht eingerichtet" in html, "no address to send to"
    assert 'href="/jobs/regionen/jena/barrierefreiheit/rueckmeldung"' not in html


def test_the_statement_links_the_feedback_form_once_the_region_has_an_address(
    client, session, world
):
    world.region.contact_email = "info@wf-jena.example"
    session.commit()
    html = _text(client.get("/jobs/regionen/jena/barrierefreiheit"))
    assert 'href="/jobs/regionen/jena/barrierefreiheit/rueckmeldung"' in html
    assert "Bitte nutzen Sie das Formular." in html
    assert "noch nicht eingerichtet" not in html


def test_the_statement_shows_the_regions_contact_enforcement_body_and_last_check(
    client, session, world
):
    _legal(
        session, world.region,
        operator_name="Wirtschaftsförderung Jena GmbH",
        accessibility_email="barrierefrei@wf-jena.example",
        accessibility_phone="03641 123456",
        enforcement_body_name="Landesbeauftragter für Menschen mit Behinderungen",
        enforcement_body_address="Werner-Seelenbinder-Straße 6\n99096 Erfurt",
        enforcement_body_url="https://www.tlmb-thueringen.example/schlichtung",
        sign_language_video_url="https://video.example/dgs-kwis-job",
        accessibility_checked_on=date(2026, 11, 2),
        accessibility_check_scope=statement.check_scope_text(
            statement.AUTOMATED, "axe über 9 Seiten: keine Verstöße"),
    )
    html = _text(client.get("/jobs/regionen/jena/barrierefreiheit"))
    assert "Wirtschaftsförderung Jena GmbH möchte das Portal" in html
    assert 'href="mailto:barrierefrei@wf-jena.example"' in html and "03641 123456" in html
    assert "Landesbeauftragter für Menschen mit Behinderungen" in html
    assert 'href="https://www.tlmb-thueringen.example/schlichtung"' in html
    assert 'href="https://video.example/dgs-kwis-job"' in html
    assert "02.11.2026" in html and "automatisch geprüft" in html
    assert "axe über 9 Seiten: keine Verstöße" in html
    assert "[automatisch]" not in html, "the stored marker is not shown"
    assert "noch nicht vollständig" not in html
    assert "wurden bisher nicht geprüft" in html, "no check by hand was recorded"


def test_a_complete_check_by_hand_makes_it_fully_conformant_only_while_recent_and_complete(
    session, world
):
    today = date(2026, 12, 1)
    _legal(session, world.region, sign_language_video_url="https://video.example/dgs",
           accessibility_checked_on=today - timedelta(days=30),
           accessibility_check_scope=statement.check_scope_text(
               statement.BY_HAND_COMPLETE, "BITV-Test aller Seitenarten"))
    found = statement.build(session, world.region.id, today=today)
    assert found.status == statement.FULLY and found.hand_checked_parts == found.parts
    assert found.third_party, "the companies' content is still named, under its own heading"
    assert not found.parts_not_checked_by_hand

    older = statement.build(session, world.region.id, today=today + timedelta(days=400))
    assert older.status == statement.PARTIALLY and older.check_outdated

    _legal(session, world.region, sign_language_video_url=None)
    without_video = statement.build(session, world.region.id, today=today)
    assert without_video.status == statement.PARTIALLY
    assert [b.key for b in without_video.noncompliant] == ["sign_language"]

    _legal(session, world.region, sign_language_video_url="https://video.example/dgs",
           accessibility_check_scope=statement.check_scope_text(
               statement.BY_HAND, "Startseite mit NVDA"))
    partial = statement.build(session, world.region.id, today=today)
    assert partial.status == statement.PARTIALLY and partial.check.by_hand
    assert partial.check.scope == "Startseite mit NVDA"


def test_a_scope_typed_in_elsewhere_counts_as_an_automated_check(session, world):
    _legal(session, world.region, accessibility_checked_on=date(2026, 10, 1),
           accessibility_check_scope="irgendein Text ohne Kennzeichen")
    found = statement.build(session, world.region.id, today=date(2026, 12, 1))
    assert found.check.method == statement.AUTOMATED
    assert found.check.scope == "irgendein Text ohne Kennzeichen"
    assert found.status == statement.PARTIALLY


def test_switching_events_off_takes_their_pages_out_of_the_statement(client, session, world):
    def scope_section(html: str) -> str:
        start = html.index("Für welche Seiten gilt diese Erklärung?")
        return html[start:html.index("Stand der Vereinbarkeit", start)]

    features.set_enabled(session, world.region.id, "embed", True, None)  # every part on
    session.commit()
    url = "/jobs/regionen/jena/barrierefreiheit"
    with_events = _text(client.get(url))
    section = scope_section(with_events)
    assert "Veranstaltungskalender und Seiten der Veranstaltungen" in section
    assert "ausgeschaltet" not in section
    assert "Treffpunkten und zur Barrierefreiheit vor Ort" in with_events

    features.set_enabled(session, world.region.id, "events", False, None)
    session.commit()
    without = _text(client.get(url))
    section = scope_section(without)
    off = section[section.index("ausgeschaltet"):]
    assert "Veranstaltungskalender und Seiten der Veranstaltungen" in off
    assert "Anmeldung zu Besuchsterminen" in off
    assert "Treffpunkten und zur Barrierefreiheit vor Ort" not in without
    assert "Startseite und Suche nach Angeboten" in section[:section.index("ausgeschaltet")]

    found = statement.build(session, world.region.id, today=date.today())
    assert {p.key for p in found.parts} == {"search", "company", "offer", "legal", "feedback",
                                            "embed"}
    assert {p.key for p in found.parts_off} == {"events", "registration"}


def test_a_review_rule_of_none_drops_the_sentence_about_the_agencys_review(session, world):
    reviewed = statement.build(session, world.region.id, today=date.today())
    assert "sieht die Inhalte vor der Veröffentlichung" in str(reviewed.third_party[0].why)
    world.region.review_rule = "none"
    session.commit()
    unreviewed = statement.build(session, world.region.id, today=date.today())
    assert "sieht die Inhalte vor der Veröffentlichung" not in str(unreviewed.third_party[0].why)


def test_addresses_that_are_not_web_links_are_never_shown_as_links(client, session, world):
    _legal(session, world.region, enforcement_body_name="Schlichtungsstelle",
           enforcement_body_url="javascript:alert(1)",
           sign_language_video_url="javascript:alert(2)")
    for page in PAGES:
        html = _text(client.get(f"/jobs/regionen/jena/{page}"))
        main = html[html.index("<main"):html.index("</main>")]  # the footer is the legal pages'
        assert "javascript:" not in main, page


def test_the_feedback_address_is_the_accessibility_email_else_the_region_contact(
    session, world
):
    assert statement.feedback_address(session, world.region.id) is None
    world.region.contact_email = "info@wf-jena.example"
    session.commit()
    assert statement.feedback_address(session, world.region.id) == "info@wf-jena.example"
    _legal(session, world.region, accessibility_email="barrierefrei@wf-jena.example")
    assert statement.feedback_address(session, world.region.id) == (
        "barrierefrei@wf-jena.example")


# --- Leichte Sprache -------------------------------------------------------------------------


def test_leichte_sprache_explains_the_portal_and_shows_the_sign_language_video_when_set(
    client, session, world
):
    html = _text(client.get("/jobs/regionen/jena/leichte-sprache", headers=GERMAN))
    assert "<h1>Das Job-Portal in Leichter Sprache</h1>" in html
    # BITV 2.0 § 4: what the site offers, how to find one's way, the statement in short, what
    # else there is in Leichte Sprache and sign language.
    for heading in ("Was ist das Job-Portal?", "So finden Sie sich zurecht",
                    "So suchen Sie ein Angebot", "Die Seiten von den Firmen",
                    "Termine und Besuche bei Firmen", "Etwas ist schwer für Sie?",
                    "Die Erklärung zur Barriere-Freiheit", "Gebärden-Sprache"):
        assert f">{heading}</h2>" in html, heading
    assert 'href="/jobs/regionen/jena/barrierefreiheit/rueckmeldung"' in html
    assert "Ein Video in Gebärden-Sprache fehlt noch." in html
    assert 'href="/jobs/regionen/jena/barrierefreiheit"' in html
    assert 'id="gebaerdensprache"' in html

    _legal(session, world.region, sign_language_video_url="https://video.example/dgs")
    html = _text(client.get("/jobs/regionen/jena/leichte-sprache", headers=GERMAN))
    assert 'href="https://video.example/dgs">Zum Video in Deutscher Gebärden-Sprache</a>' in html
    assert "fehlt noch" not in html


def test_leichte_sprache_leaves_out_events_when_they_are_off(client, session, world):
    features.set_enabled(session, world.region.id, "events", False, None)
    session.commit()
    html = _text(client.get("/jobs/regionen/jena/leichte-sprache", headers=GERMAN))
    assert "Termine und Besuche bei Firmen" not in html
    english = _text(client.get("/jobs/regionen/jena/leichte-sprache", headers=ENGLISH))
    assert "Dates and visits to companies" not in english


def test_the_english_locale_gets_the_plain_english_page(client, session, world):
    html = _text(client.get("/jobs/regionen/jena/leichte-sprache", headers=ENGLISH))
    assert "<h1>The job portal: easy to read</h1>" in html
    assert "Leichter Sprache" not in html
    assert 'id="gebaerdensprache"' in html and "A video in sign language is still missing." in html
    _legal(session, world.region, sign_language_video_url="https://video.example/dgs")
    html = _text(client.get("/jobs/regionen/jena/leichte-sprache", headers=ENGLISH))
    assert 'href="https://video.example/dgs">Watch the video in German Sign Language</a>' in html


def test_the_leichte_sprache_text_keeps_to_its_rules():
    """What a test can check of the Netzwerk Leichte Sprache rules (and BITV 2.0 Anlage 2):
    short sentences, no abbreviations with a full stop, numbers as digits, no negation."""
    import re
    from importlib.resources import files

    folder = files("kwis_job_plugin.templates") / "kwis_job/portal/accessibility"
    text = (folder / "easy_language_de.html").read_text(encoding="utf-8")
    lines = re.findall(r"<(?:p|li)>(.*?)</(?:p|li)>", text)
    assert len(lines) > 60
    for line in lines:
        plain = re.sub(r"<[^>]+>|\{\{.*?\}\}", "", line)
        sentences = [s for s in re.split(r"(?<=[.?!:])\s+", plain) if s]
        for sentence in sentences:
            assert len(sentence.split()) <= 15, sentence
        assert not re.search(r"\b(z|d|u|bzw|ggf|usw|evtl|ca)\.", plain, re.I), plain
        assert not re.search(r"\b(eins|zwei|drei|vier|fünf|sechs|zehn|zwölf)\b", plain, re.I), (
            plain)
        assert not re.search(r"\b(nicht|kein|keine|keinen|nie|niemand)\b", plain, re.I), plain
