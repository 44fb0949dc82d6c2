"""The "Angebote" tab through the reference host: forms with CSRF, 422 with messages at the
fields, one transaction per write, PRG, the preview, the list and its actions."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update
from support.web import csrf_token, login
from test_offer_service import group_ids, offer_input, row_state, type_id

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import AuditEntry, DailyCounter, Offer
from kwis_job_plugin.models.base import utcnow
from kwis_job_plugin.services import features, offer_display, offers

BASE = "/selfservice/job/angebote"
NEW = f"{BASE}/neu"


def field_errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="kj-field-error" id="([\w-]+)-error">([^<]+)</p>', html))


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def form_data(session, **overrides) -> dict:
    data = {
        "offer_type": str(type_id(session, "ferienjob")),
        "title": "Ferienjob im Lager",
        "description": "Kisten packen, Ware prüfen.\n\nMit Pausen und Team.",
        "target_groups": [str(i) for i in group_ids(session, "schueler")],
        "min_age": "16",
        "places": "3",
        "time_mode": "yearly",
        "recur_start": "01.07.",
        "recur_end": "31.08.",
        "place_mode": "company",
        "apply_contact": "Frau Beispiel",
        "apply_email": "bewerbung@optik-alpha.example",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def profile(session, world):
    profile = factories.ProfileFactory(
        customer=world.a.customer, region=world.region, status="published",
        contact_name="Frau Beispiel", contact_email="ausbildung@optik-alpha.example",
    )
    session.commit()
    return profile


@pytest.fixture
def company_a(client, world):
    login(client, world.a.email, world.password)
    return client


def post_new(client, session, **overrides):
    page = client.get(NEW)
    return client.post(NEW, data={**form_data(session, **overrides),
                                  "csrf_token": csrf_token(page.data)})


def test_the_tab_asks_for_a_profile_first(company_a, world):
    page = company_a.get(BASE).get_data(as_text=True)
    assert "legen Sie bitte Ihr Arbeitgeberprofil an" in page
    assert 'href="/selfservice/job/profil"' in page
    assert 'href="/selfservice/job/angebote/neu"' not in page
    response = company_a.get(NEW)
    assert response.status_code == 302 and response.headers["Location"].endswith(BASE)


def test_the_empty_list_invites_the_first_offer(company_a, profile):
    page = company_a.get(BASE).get_data(as_text=True)
    assert "Sie haben noch keine Angebote." in page
    assert "Erstes Angebot anlegen" in page and "<table" not in page


def test_the_new_form_is_prefilled_from_profile_and_customer(company_a, profile, world):
    page = company_a.get(NEW).get_data(as_text=True)
    customer = world.a.customer
    assert f"An unserer Betriebsadresse: {customer.street}, {customer.postcode} {customer.city}" \
        in page
    assert '<input checked id="place_mode-0" name="place_mode" type="radio" value="company">' \
        in page
    assert '<input checked id="time_mode-0" name="time_mode" type="radio" value="by_arrangement">' \
        in page
    assert 'value="ausbildung@optik-alpha.example"' in page
    assert 'value="Frau Beispiel"' in page
    for name in ("Ferienjob", "Schülerpraktikum", "Duales Studium", "Tag der offenen Tür"):
        assert f">{name}</option>" in page
    assert 'name="csrf_token"' in page and "novalidate" in page


def test_creating_an_offer_redirects_to_its_preview(company_a, session, profile, world):
    response = post_new(company_a, session)
    assert response.status_code == 303
    offer = session.scalar(select(Offer))
    assert response.headers["Location"].endswith(f"{BASE}/{offer.id}")
    assert offer.status == "draft" and offer.profile_id == profile.id
    assert offer.updated_by_user_id == world.a.id
    assert (offer.recur_start_month, offer.recur_end_day) == (7, 31)

    page = company_a.get(response.headers["Location"]).get_data(as_text=True)
    assert "ist gespeichert" in page
    assert '<article class="kj-offer"' in page and "Ferienjob im Lager" in page
    assert "jedes Jahr vom 01.07. bis 31.08." in page
    assert "Nächster Termin:" in page
    assert "<p>Kisten packen, Ware prüfen.</p><p>Mit Pausen und Team.</p>" in page
    assert "Zur Prüfung einreichen" in page  # Jena reviews every change


def test_the_preview_is_the_public_body_partial(company_a, session, profile, app):
    """The preview page contains exactly what the shared partial renders for the snapshot."""
    from flask import render_template

    from kwis_job_plugin.services.snapshots import offer_snapshot

    post_new(company_a, session)
    offer = session.scalar(select(Offer))
    page = company_a.get(f"{BASE}/{offer.id}").get_data(as_text=True)
    with app.test_request_context(f"{BASE}/{offer.id}"):
        body = render_template(
            "kwis_job/portal/_offer_body.html",
            offer_view=offer_display.public_view(session, offer_snapshot(offer), date.today()),
            employer_name=profile.display_name, heading_level=3,
        )
    assert 'class="kj-offer-title" id="kj-offer-title">Ferienjob im Lager</h3>' in body
    assert body.strip() in page


def test_errors_are_shown_at_the_fields_with_422_and_nothing_is_written(
    company_a, session, profile
):
    audit_before = count(session, AuditEntry)
    response = post_new(
        company_a, session, offer_type="", title="x" * 121, target_groups=None, min_age="abc",
        places="1000", recur_start="31.02.", recur_end=None, apply_url="javascript:alert(1)",
        apply_email="kaputt", apply_contact="",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    errors = field_errors(page)
    assert errors == {
        "offer_type": "Bitte wählen Sie die Art des Angebots.",
        "title": "Der Titel darf höchstens 120 Zeichen lang sein.",
        "target_groups": "Bitte wählen Sie mindestens eine Zielgruppe.",
        "min_age": "Bitte geben Sie eine ganze Zahl ein.",
        "places": "Bitte geben Sie zwischen 1 und 999 Plätze an.",
        "recur_start": "Bitte geben Sie Tag und Monat im Format TT.MM. an, z. B. 01.07.",
        "recur_end": "Bitte geben Sie an, an welchem Tag das Angebot jedes Jahr endet.",
        "apply_url": "Bitte geben Sie einen vollständigen Link an, der mit https:// oder "
                     "http:// beginnt.",
        "apply_email": "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. "
                       "bewerbung@betrieb.de.",
    }
    assert 'role="alert"' in page and 'href="#title"' in page
    assert 'aria-describedby="title-hint title-error" aria-invalid="true"' in page
    assert 'value="abc"' in page, "what was typed stays in the field"
    assert count(session, Offer) == 0 and count(session, AuditEntry) == audit_before


def test_service_rules_show_at_the_fields_too(company_a, session, profile):
    response = post_new(company_a, session, time_mode="range", recur_start=None,
                        recur_end=None, start_date="2027-07-10", end_date="09.07.2027",
                        place_mode="other", postcode="", city="")
    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True))
    assert errors == {
        "end_date": "Das Ende darf nicht vor dem Beginn liegen.",
        "postcode": "Bitte geben Sie eine fünfstellige Postleitzahl an.",
        "city": "Bitte geben Sie den Ort an.",
    }
    assert count(session, Offer) == 0


@pytest.mark.parametrize(
    "overrides",
    [
        {"offer_type": "99999999999999"},
        {"offer_type": "abc"},
        {"target_groups": ["99999999999999"]},
        {"target_groups": ["x", "1"]},
        {"fields": ["-1"]},
        {"min_age": "99999999999999999999"},
        {"min_grade": "1e3"},
        {"time_mode": "range", "start_date": "2026-02-30", "end_date": "0001-01-01"},
        {"time_mode": "range", "start_date": "9999-12-31", "end_date": "9999-12-31"},
        {"time_mode": "fixed", "fixed_dates": "12.03.2026; gestern"},
        {"time_mode": "fixed", "fixed_dates": ", ".join(
            (date(2027, 1, 1) + timedelta(days=i)).strftime("%d.%m.%Y") for i in range(21))},
        {"time_mode": "nie"},
        {"place_mode": "mond"},
        {"valid_until": "morgen"},
        {"description": "<script>x</script>" * 3},
        {"title": "\x00" * 10},
        {"apply_url": "https://" + "a" * 600 + ".example"},
    ],
)
def test_garbage_never_causes_a_500(company_a, session, profile, overrides):
    response = post_new(company_a, session, **overrides)
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    assert field_errors(response.get_data(as_text=True))
    assert count(session, Offer) == 0


def test_status_customer_and_region_are_never_taken_from_the_form(
    company_a, session, profile, world
):
    other_profile = factories.ProfileFactory(customer=world.b.customer, region=world.region)
    elsewhere = factories.RegionFactory(review_rule="none")
    session.commit()
    response = post_new(
        company_a, session, status="published", customer_id=str(world.b.customer_id),
        region_id=str(elsewhere.id), profile_id=str(other_profile.id), id="4711",
        published_snapshot="{}", version="99",
    )
    assert response.status_code == 303
    offer = session.scalar(select(Offer))
    assert offer.status == "draft" and offer.profile_id == profile.id
    assert offer.published_snapshot is None and offer.id != 4711

    page = company_a.get(f"{BASE}/{offer.id}/bearbeiten")
    response = company_a.post(f"{BASE}/{offer.id}/bearbeiten", data={
        **form_data(session, title="Neu"), "version": str(offer.version),
        "status": "published", "profile_id": str(other_profile.id),
        "csrf_token": csrf_token(page.data),
    })
    assert response.status_code == 303
    state = row_state(session, offer.id)
    assert (state["status"], state["profile_id"], state["title"]) == ("draft", profile.id, "Neu")


def test_every_form_needs_the_csrf_token(company_a, session, profile, world):
    offer = offers.create_offer(session, world.a.customer_id, offer_input(session))
    session.commit()
    before = row_state(session, offer.id)
    assert company_a.post(NEW, data=form_data(session)).status_code == 400
    targets = ["bearbeiten", "einreichen", "kopieren", "pausieren", "fortsetzen", "archivieren",
               "loeschen", "jaehrlich", "aktuell"]
    for target in targets:
        response = company_a.post(f"{BASE}/{offer.id}/{target}",
                                  data={**form_data(session), "version": "1"})
        assert response.status_code == 400, target
        response = company_a.post(f"{BASE}/{offer.id}/{target}",
                                  data={**form_data(session), "csrf_token": "forged"})
        assert response.status_code == 400, target
    assert row_state(session, offer.id) == before
    assert count(session, Offer) == 1


def test_editing_a_published_offer_keeps_it_public_until_resubmitted(
    company_a, session, profile, world
):
    world.region.review_rule = "none"
    offer = offers.create_offer(session, world.a.customer_id, offer_input(session))
    offers.submit_offer(session, world.a.customer_id, offer.id)
    world.region.review_rule = "every_change"
    session.commit()
    edit_url = f"{BASE}/{offer.id}/bearbeiten"
    page = company_a.get(edit_url).get_data(as_text=True)
    assert 'value="Praktikum in der Werkstatt"' in page
    assert "Eine Woche mitarbeiten.\n\nMit eigener Ansprechperson.</textarea>" in page
    response = company_a.post(edit_url, data={
        **form_data(session, title="Neuer Titel"), "version": str(offer.version),
        "csrf_token": csrf_token(page),
    })
    assert response.status_code == 303
    state = row_state(session, offer.id)
    assert state["status"] == "draft" and state["title"] == "Neuer Titel"
    assert state["published_snapshot"]["title"] == "Praktikum in der Werkstatt"
    listing = company_a.get(BASE).get_data(as_text=True)
    assert "Öffentlich ist die zuletzt freigegebene Fassung" in listing


def test_a_conflicting_save_keeps_what_was_typed(company_a, session, profile, world):
    offer = offers.create_offer(session, world.a.customer_id, offer_input(session))
    session.commit()
    edit_url = f"{BASE}/{offer.id}/bearbeiten"
    page = company_a.get(edit_url)
    offers.update_offer(session, world.a.customer_id, offer.id,
                        offer_input(session, title="Von nebenan"), 1)
    session.commit()
    response = company_a.post(edit_url, data={
        **form_data(session, title="Meine Fassung"), "version": "1",
        "csrf_token": csrf_token(page.data),
    })
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Jemand anderes hat dieses Angebot inzwischen geändert." in html
    assert 'value="Meine Fassung"' in html
    assert 'id="version" name="version" type="hidden" value="2"' in html
    assert row_state(session, offer.id)["title"] == "Von nebenan"

    response = company_a.post(edit_url, data={
        **form_data(session, title="Meine Fassung"), "version": "2",
        "csrf_token": csrf_token(page.data),
    })
    assert response.status_code == 303, "saving again, knowingly, overwrites"
    assert row_state(session, offer.id)["title"] == "Meine Fassung"


def test_submit_from_the_preview_and_see_it_in_the_list(company_a, session, profile):
    post_new(company_a, session)
    offer = session.scalar(select(Offer))
    preview = company_a.get(f"{BASE}/{offer.id}")
    response = company_a.post(f"{BASE}/{offer.id}/einreichen",
                              data={"csrf_token": csrf_token(preview.data), "back": "list"})
    assert response.status_code == 303 and response.headers["Location"].endswith(BASE)
    assert row_state(session, offer.id)["status"] == "in_review"
    listing = company_a.get(BASE).get_data(as_text=True)
    assert "ist zur Prüfung eingereicht" in listing
    assert "In Prüfung" in listing and "Ferienjob im Lager" in listing


def test_list_shows_type_status_period_views_and_actions(company_a, session, profile, world):
    world.region.review_rule = "none"
    published = offers.create_offer(session, world.a.customer_id, offer_input(
        session, title="Sommerjob", time_mode="range", start_date=date.today() + timedelta(30),
        end_date=date.today() + timedelta(40)))
    offers.submit_offer(session, world.a.customer_id, published.id)
    draft = offers.create_offer(session, world.a.customer_id, offer_input(session,
                                                                          title="Entwurf X"))
    session.add(DailyCounter(day=date.today(), metric="offer_view", scope="jena",
                             subject=f"offer:{published.id}", value=42))
    session.commit()
    html = company_a.get(BASE).get_data(as_text=True)
    rows = {m[0]: m[1] for m in re.findall(r'<a href="/selfservice/job/angebote/(\d+)">.*?'
                                           r"(.*?)</tr>", html, re.S)}
    published_row, draft_row = rows[str(published.id)], rows[str(draft.id)]
    assert "Veröffentlicht" in published_row and "<td>42</td>" in published_row
    assert (published.start_date.strftime("%d.%m.%Y")) in published_row
    assert "Pausieren" in published_row and "Entwurf löschen" not in published_row
    assert "Entwurf" in draft_row and "noch nicht veröffentlicht" in draft_row
    assert "Veröffentlichen" in draft_row and "Entwurf löschen" in draft_row
    assert "Schülerpraktikum" in draft_row
    for verb in ("Bearbeiten", "Kopieren", "Archivieren"):
        assert f"{verb}<span class=\"kj-visually-hidden\">: Entwurf X</span>" in draft_row


@pytest.mark.parametrize(
    ("target", "back", "status", "location"),
    [
        ("pausieren", "list", "paused", BASE),
        ("archivieren", "preview", "archived", "{preview}"),
        ("kopieren", "list", "published", "{copy_edit}"),
        ("aktuell", "https://evil.example/", "published", BASE),
    ],
)
def test_actions_commit_once_and_go_back(company_a, session, profile, world, target, back,
                                         status, location):
    world.region.review_rule = "none"
    offer = offers.create_offer(session, world.a.customer_id, offer_input(session))
    offers.submit_offer(session, world.a.customer_id, offer.id)
    session.commit()
    page = company_a.get(BASE)
    response = company_a.post(f"{BASE}/{offer.id}/{target}",
                              data={"csrf_token": csrf_token(page.data), "back": back})
    assert response.status_code == 303
    assert row_state(session, offer.id)["status"] == status
    newest = session.scalar(select(Offer).order_by(Offer.id.desc()))
    expected = location.format(preview=f"{BASE}/{offer.id}",
                               copy_edit=f"{BASE}/{newest.id}/bearbeiten")
    assert response.headers["Location"].endswith(expected)


def test_resume_and_delete(company_a, session, profile, world):
    world.region.review_rule = "none"
    offer = offers.create_offer(session, world.a.customer_id, offer_input(session))
    offers.submit_offer(session, world.a.customer_id, offer.id)
    offers.pause_offer(session, world.a.customer_id, offer.id)
    draft = offers.create_offer(session, world.a.customer_id, offer_input(session))
    session.commit()
    token = csrf_token(company_a.get(BASE).data)
    assert company_a.post(f"{BASE}/{offer.id}/fortsetzen",
                          data={"csrf_token": token}).status_code == 303
    assert row_state(session, offer.id)["status"] == "published"
    assert company_a.post(f"{BASE}/{draft.id}/loeschen",
                          data={"csrf_token": token}).status_code == 303
    assert row_state(session, draft.id) == {}


def test_a_refused_action_says_why_with_422_and_changes_nothing(
    company_a, session, profile, world
):
    world.region.review_rule = "none"
    offer = offers.create_offer(session, world.a.customer_id, offer_input(session))
    offers.submit_offer(session, world.a.customer_id, offer.id)
    session.commit()
    before = row_state(session, offer.id)
    token = csrf_token(company_a.get(BASE).data)
    response = company_a.post(f"{BASE}/{offer.id}/loeschen", data={"csrf_token": token})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html
    assert "Nur Entwürfe, die nie veröffentlicht waren, können gelöscht werden." in html
    response = company_a.post(f"{BASE}/{offer.id}/fortsetzen", data={"csrf_token": token})
    assert response.status_code == 422
    assert row_state(session, offer.id) == before


def test_a_past_date_asks_for_recurrence_or_archive(company_a, session, profile, world):
    last_year = date.today().year - 1
    response = post_new(company_a, session, time_mode="range", recur_start=None, recur_end=None,
                        start_date=f"{last_year}-07-06", end_date=f"{last_year}-07-24")
    assert response.status_code == 303, "a past date never blocks saving"
    preview_url = response.headers["Location"]
    html = company_a.get(preview_url).get_data(as_text=True)
    assert "liegt in der Vergangenheit" in html
    offer = session.scalar(select(Offer))
    assert f'action="{BASE}/{offer.id}/jaehrlich"' in html
    assert f'action="{BASE}/{offer.id}/archivieren"' in html
    assert "Der Termin liegt in der Vergangenheit." in company_a.get(BASE).get_data(as_text=True)

    response = company_a.post(f"{BASE}/{offer.id}/jaehrlich",
                              data={"csrf_token": csrf_token(html), "back": "preview"})
    assert response.status_code == 303 and response.headers["Location"].endswith(preview_url)
    state = row_state(session, offer.id)
    assert state["time_mode"] == "yearly"
    assert (state["recur_start_month"], state["recur_start_day"]) == (7, 6)
    html = company_a.get(preview_url).get_data(as_text=True)
    assert "jedes Jahr vom 06.07. bis 24.07." in html
    assert "liegt in der Vergangenheit" not in html


def test_jugendarbeitsschutz_hints_appear_after_saving(company_a, session, profile):
    response = post_new(company_a, session, min_age="14", time_mode="range", recur_start=None,
                        recur_end=None, start_date=f"{date.today().year + 1}-07-05",
                        end_date=f"{date.today().year + 1}-08-20")
    html = company_a.get(response.headers["Location"]).get_data(as_text=True)
    hints = re.search(r'<div class="kj-hints" role="status">(.*?)</div>\s*\n', html, re.S)[1]
    assert "Kinder unter 15 Jahren" in hints and "§ 5 JArbSchG" in hints
    assert "Arbeitstage" in hints and "§ 5 Abs. 4 JArbSchG" in hints


def test_stale_offers_are_flagged_with_the_configured_age(company_a, session, profile, world,
                                                          app):
    offer = offers.create_offer(session, world.a.customer_id, offer_input(session))
    session.commit()
    session.execute(update(Offer).where(Offer.id == offer.id)
                    .values(updated_at=utcnow() - timedelta(days=40)))
    session.commit()
    assert "nicht geändert" not in company_a.get(BASE).get_data(as_text=True)
    app.config["KWIS_JOB_STALE_AFTER_DAYS"] = 30
    html = company_a.get(BASE).get_data(as_text=True)
    assert "Seit über 30 Tagen nicht geändert" in html and "Ist noch aktuell" in html
    company_a.post(f"{BASE}/{offer.id}/aktuell", data={"csrf_token": csrf_token(html)})
    assert "nicht geändert" not in company_a.get(BASE).get_data(as_text=True)


def test_archived_offers_cannot_be_edited(company_a, session, profile, world):
    offer = offers.create_offer(session, world.a.customer_id, offer_input(session))
    offers.archive_offer(session, world.a.customer_id, offer.id)
    session.commit()
    response = company_a.get(f"{BASE}/{offer.id}/bearbeiten")
    assert response.status_code == 303
    assert "Kopie" in company_a.get(response.headers["Location"]).get_data(as_text=True)


def test_the_tab_is_404_when_the_feature_is_off(company_a, session, profile, world):
    offer = offers.create_offer(session, world.a.customer_id, offer_input(session))
    features.set_enabled(session, world.region.id, "offers", False, None)
    session.commit()
    for url in (BASE, NEW, f"{BASE}/{offer.id}", f"{BASE}/{offer.id}/bearbeiten"):
        assert company_a.get(url).status_code == 404, url


def test_admins_and_anonymous_users_get_no_offers_tab(client, world, profile):
    assert client.get(BASE).status_code == 302
    login(client, world.admin.email, world.password)
    assert client.get(BASE).status_code == 403
