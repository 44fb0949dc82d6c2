"""The tab "Arbeitgeberprofil" through the reference host, CSRF on: forms, errors, conflicts,
pictures, ownership (IDOR) and the public picture route."""

from __future__ import annotations

import html
import io
import re
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select
from support.web import csrf_token, login

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import EmployerProfile, Media, OccupationalField
from kwis_job_plugin.models.base import utcnow
from kwis_job_plugin.services import features, profile_input, profiles, publication
from kwis_job_plugin.services import media as media_service

URL = "/selfservice/job/profil"
PREVIEW_URL = URL + "/vorschau"
CONFIRM_URL = URL + "/aktuell"


def png(color=(0, 90, 160), size=(80, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def token(client) -> str:
    return csrf_token(client.get(URL).data)


def version_on_page(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def post(client, data: dict, *, version: str | None = None, files: dict | None = None):
    page = client.get(URL).get_data(as_text=True)
    body = {"csrf_token": csrf_token(page), "version": version or version_on_page(page), **data}
    for name, (content, filename) in (files or {}).items():
        body[name] = (io.BytesIO(content), filename)
    return client.post(URL, data=body, content_type="multipart/form-data")


def profile_of(session, user) -> EmployerProfile | None:
    session.expire_all()
    return profiles.profile_for_customer(session, user.customer.id)


def field_id(session, key: str) -> str:
    return str(session.scalar(select(OccupationalField.id).where(OccupationalField.key == key)))


def textarea(page: str) -> str:
    return html.unescape(re.search(r'<textarea[^>]*name="philosophy"[^>]*>\r?\n?(.*?)</textarea>',
                                   page, re.S).group(1))


@pytest.fixture
def company(client, world):
    login(client, world.a.email, world.password)
    return world.a


def test_the_empty_tab_is_prefilled_from_the_host_record(client, company, session):
    response = client.get(URL)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sie haben noch kein Arbeitgeberprofil angelegt." in page
    assert 'name="contact_email" type="email" value="info@optik-alpha.example"' in page
    assert 'name="contact_phone" type="tel" value="03641 000000"' in page
    preview = page[page.index('id="kj-preview-body"'):]
    assert "Optik Alpha" in preview and "07743 Jena" in preview
    assert version_on_page(page) == "0"
    assert 'name="status"' not in page and 'name="customer_id"' not in page
    assert profile_of(session, company) is None


def test_saving_creates_a_draft_and_ignores_status_customer_and_region(
    client, company, session, world
):
    response = post(client, {
        "philosophy": "Wir bilden seit 1990 aus.", "action": "save",
        "occupational_fields": [field_id(session, "gesundheit")],
        "status": "published", "customer_id": str(world.b.customer.id), "region_id": "99999",
        "published_snapshot": "{}", "slug": "gekapert",
    })
    assert response.status_code == 302 and response.location.endswith(URL)
    assert "Ihr Entwurf ist gespeichert." in client.get(URL).get_data(as_text=True)
    profile = profile_of(session, company)
    assert profile.status == "draft" and profile.published_snapshot is None
    assert profile.region_id == world.region.id and profile.slug == "optik-alpha"
    assert [f.key for f in profile.fields] == ["gesundheit"]
    assert profile_of(session, world.b) is None


def test_bad_input_comes_back_at_the_field_and_writes_nothing(client, company, session):
    response = post(client, {
        "philosophy": "Mein sorgfältig getippter Text.", "video_url": "http://www.youtube.com/x",
        "contact_email": "nicht-gültig", "action": "save",
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'<input aria-describedby="video_url-hint video_url-error" '
                     r'aria-invalid="true" id="video_url"', page)
    assert ('<p class="kj-field-error" id="video_url-error">Bitte geben Sie einen vollständigen '
            'Link an, der mit https:// beginnt') in page
    assert '<a href="#contact_email">E-Mail-Adresse: Bitte geben Sie eine gültige' in page
    assert 'role="alert"' in page
    assert textarea(page) == "Mein sorgfältig getippter Text."
    assert profile_of(session, company) is None


@pytest.mark.parametrize("data", [
    {"version": "abc"},
    {"version": ""},
    {"occupational_fields": ["nicht-eine-zahl"]},
    {"benefits": ["999999"]},
    {"occupations": ["-1"]},
    {"photos-0-media_id": "abc", "photos-0-alt_text": "x"},
    {"philosophy": "x" * 25_000},
    {"custom_benefit_2": "y" * 500},
    {"social_tiktok": "javascript:alert(1)"},
], ids=["version-text", "version-empty", "field-text", "benefit-unknown", "occupation-negative",
        "media-id-text", "philosophy-huge", "benefit-long", "social-js"])
def test_garbage_gets_a_german_message_never_a_500(client, company, session, data):
    page = client.get(URL).get_data(as_text=True)
    body = {"csrf_token": csrf_token(page), "version": "0", "action": "save", **data}
    response = client.post(URL, data=body)
    text = response.get_data(as_text=True)
    assert response.status_code == 422, text[:500]
    assert "Bitte prüfen Sie Ihre Eingaben." in text
    assert profile_of(session, company) is None


def test_an_unknown_action_just_saves(client, company, session):
    assert post(client, {"action": "drop-table", "philosophy": "Hallo"}).status_code == 302
    assert profile_of(session, company).philosophy_html == "<p>Hallo</p>"


def test_a_missing_csrf_token_changes_nothing_and_keeps_the_input(client, company, session):
    response = client.post(URL, data={"version": "0", "philosophy": "Lange geschrieben",
                                      "action": "save"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Das Formular ist abgelaufen. Es wurde nichts gespeichert" in page
    assert textarea(page) == "Lange geschrieben"
    assert csrf_token(page), "a fresh token to send the form again"
    for url in (PREVIEW_URL, CONFIRM_URL):
        assert client.post(url, data={"version": "0"}).status_code == 400
    assert profile_of(session, company) is None


def test_a_missing_csrf_token_from_a_stranger_reveals_nothing(client, world):
    response = client.post(URL, data={"version": "0", "philosophy": "x"})
    assert response.status_code == 400
    assert "Arbeitgeberprofil" not in response.get_data(as_text=True)


def test_an_edit_conflict_loses_nothing(client, app, company, session, world):
    assert post(client, {"philosophy": "Erste Fassung"}).status_code == 302
    opened = client.get(URL).get_data(as_text=True)
    assert version_on_page(opened) == "1"

    colleague = factories.UserFactory(customer=world.a.customer, email="kollegin@optik.example")
    session.commit()
    other = app.test_client()
    login(other, colleague.email, world.password)
    assert post(other, {"philosophy": "Fassung der Kollegin"}).status_code == 302

    response = client.post(URL, data={"csrf_token": csrf_token(opened), "version": "1",
                                      "philosophy": "Meine Fassung", "action": "save"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Das Profil wurde inzwischen geändert" in page and "Es ist nichts verloren" in page
    assert textarea(page) == "Meine Fassung"
    assert version_on_page(page) == "2"
    preview = page[page.index('id="kj-preview-body"'):]
    assert "Fassung der Kollegin" in preview
    assert profile_of(session, company).philosophy_html == "<p>Fassung der Kollegin</p>"

    again = client.post(URL, data={"csrf_token": csrf_token(page), "version": "2",
                                   "philosophy": "Meine Fassung", "action": "save"})
    assert again.status_code == 302
    assert profile_of(session, company).philosophy_html == "<p>Meine Fassung</p>"


def test_the_preview_shows_the_input_and_saves_nothing(client, company, session):
    post(client, {"philosophy": "Gespeicherter Text"})
    response = post(client, {"philosophy": "Nur zur Ansicht", "action": "preview",
                             "custom_benefit_1": "Obstkorb",
                             "custom_benefit_2": "<script>alert(1)</script>",
                             "social_instagram": "https://www.instagram.com/optik"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    preview = page[page.index('id="kj-preview-body"'):]
    assert "<p>Nur zur Ansicht</p>" in preview and "Obstkorb" in preview
    assert 'href="https://www.instagram.com/optik"' in preview
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview and "<script>alert" not in page
    assert "Noch ist nichts gespeichert." in page
    assert textarea(page) == "Nur zur Ansicht"
    profile = profile_of(session, company)
    assert profile.philosophy_html == "<p>Gespeicherter Text</p>" and profile.version == 1


def test_the_live_preview_fragment_is_the_public_body(client, company, session):
    body = {"csrf_token": token(client), "version": "0", "philosophy": "<em>Live</em>"}
    response = client.post(PREVIEW_URL, data=body)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<article class="kj-profile-body">')
    assert "<em>Live</em>" in fragment and "<html" not in fragment
    bad = client.post(PREVIEW_URL, data={**body, "video_url": "http://x.example"})
    assert bad.status_code == 422 and "Vorschau nicht möglich" in bad.get_data(as_text=True)
    assert profile_of(session, company) is None


def test_submitting_and_what_the_company_sees_at_each_step(client, company, session, world):
    complete = {"philosophy": "Wir schleifen Gläser.",
                "occupational_fields": [field_id(session, "gesundheit")]}
    assert post(client, {**complete, "action": "submit"}).status_code == 302
    page = client.get(URL).get_data(as_text=True)
    assert "Ihr Profil ist zur Prüfung eingereicht." in page
    assert "In Prüfung" in page and "Nein, noch nicht" in page
    assert "Jede Änderung wird geprüft" in page

    profile = profile_of(session, company)
    profiles.approve_profile(session, profile, world.admin.id)
    session.commit()
    page = client.get(URL).get_data(as_text=True)
    assert "Veröffentlicht" in page and "Ja, seit" in page
    assert "unterscheidet sich" not in page

    assert post(client, {**complete, "philosophy": "Neuer Text."}).status_code == 302
    page = client.get(URL).get_data(as_text=True)
    assert "Entwurf" in page
    assert "Die öffentliche Fassung unterscheidet sich von Ihrem gespeicherten Entwurf." in page
    assert "Öffentlich sichtbar ist weiterhin die zuletzt veröffentlichte Fassung" in page
    profile = profile_of(session, company)
    assert profile.published_snapshot["philosophy_html"] == "<p>Wir schleifen Gläser.</p>"

    assert post(client, {**complete, "philosophy": "Neuer Text.",
                         "action": "submit"}).status_code == 302
    profile = profile_of(session, company)
    publication.reject(session, profile, world.admin.id, "Bitte Ausbildungsberufe ergänzen.")
    session.commit()
    page = client.get(URL).get_data(as_text=True)
    assert "Hinweis aus der Prüfung" in page and "Bitte Ausbildungsberufe ergänzen." in page
    assert profile_of(session, company).published_snapshot["philosophy_html"] == (
        "<p>Wir schleifen Gläser.</p>")


def test_an_incomplete_submission_saves_nothing_at_all(client, company, session):
    response = post(client, {"philosophy": "", "contact_name": "Kim", "action": "submit"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="philosophy-error"' in page and "mindestens ein Berufsfeld" in page
    assert 'name="contact_name" type="text" value="Kim"' in page
    assert profile_of(session, company) is None


def test_pictures_are_uploaded_checked_and_served_to_the_owner(client, company, session):
    response = post(client, {"new_photo_1_alt": "Blick in die Werkstatt"},
                    files={"logo": (png((255, 0, 0)), "logo.png"),
                           "new_photo_1": (png(size=(2400, 1200)), "werkstatt.jpg")})
    assert response.status_code == 302
    profile = profile_of(session, company)
    logo, photo = media_service.logo_of(profile), media_service.photos_of(profile)[0]
    assert photo.alt_text == "Blick in die Werkstatt" and (photo.width, photo.height) == (
        1600, 800)

    served = client.get(f"{URL}/medien/{photo.id}")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.headers["Cache-Control"].startswith("private")
    assert Image.open(io.BytesIO(served.data)).size == (1600, 800)
    page = client.get(URL).get_data(as_text=True)
    assert f'src="{URL}/medien/{logo.id}"' in page and 'alt="Blick in die Werkstatt"' in page

    for content, name in ((b"<svg onload='alert(1)'/>", "logo.svg"),
                          (b"kein Bild", "logo.png")):
        bad = post(client, {}, files={"logo": (content, name)})
        text = bad.get_data(as_text=True)
        assert bad.status_code == 422
        assert ('<p class="kj-field-error" id="logo-error">Diese Datei ist kein Bild im Format '
                'JPEG, PNG oder WebP.') in text
    assert session.scalar(select(func.count()).select_from(Media)) == 2

    changed = post(client, {"photos-0-media_id": str(photo.id), "photos-0-alt_text": "Neu",
                            "remove_logo": "y"})
    assert changed.status_code == 302
    profile = profile_of(session, company)
    assert media_service.logo_of(profile) is None
    assert media_service.photos_of(profile)[0].alt_text == "Neu"
    assert post(client, {"photos-0-media_id": str(photo.id), "photos-0-alt_text": ""}
                ).status_code == 422
    assert post(client, {"photos-0-media_id": str(photo.id), "photos-0-remove": "y",
                         "photos-1-media_id": str(photo.id), "photos-1-remove": "y"}
                ).status_code == 302
    assert media_service.photos_of(profile_of(session, company)) == []


def test_another_companys_pictures_are_404(client, company, session, world):
    theirs = profiles.save_profile(
        session, world.b.customer.id,
        profile_input.ProfileInput(new_photos=[profile_input.NewPhoto(png(), "Backstube")]),
        expected_version=0, actor_user_id=world.b.id)
    session.commit()
    their_photo = media_service.photos_of(theirs)[0]

    assert client.get(f"{URL}/medien/{their_photo.id}").status_code == 404
    assert client.get(f"{URL}/medien/999999").status_code == 404
    assert client.get(f"{URL}/medien/{10**20}").status_code == 404
    assert client.get(f"/jobs/medien/{10**20}").status_code == 404
    for data in ({"photos-0-media_id": str(their_photo.id), "photos-0-remove": "y"},
                 {"photos-0-media_id": str(their_photo.id), "photos-0-alt_text": "Gekapert"}):
        assert post(client, data).status_code == 404
    session.expire_all()
    photo = session.get(Media, their_photo.id)
    assert (photo.kind, photo.alt_text) == ("photo", "Backstube")
    assert profile_of(session, company) is None

    anonymous = client.application.test_client()
    response = anonymous.get(f"{URL}/medien/{their_photo.id}")
    assert response.status_code == 302 and "/login" in response.location


def test_the_public_picture_route(client, company, session, world):
    post(client, {"philosophy": "Wir", "occupational_fields": [field_id(session, "gesundheit")],
                  "new_photo_1_alt": "Team"}, files={"new_photo_1": (png(), "team.png")})
    photo = media_service.photos_of(profile_of(session, company))[0]
    public = client.application.test_client()
    assert public.get(f"/jobs/medien/{photo.id}").status_code == 404, "a draft is not public"

    world.region.review_rule = "none"
    session.commit()
    post(client, {"philosophy": "Wir", "occupational_fields": [field_id(session, "gesundheit")],
                  "photos-0-media_id": str(photo.id), "photos-0-alt_text": "Team",
                  "action": "submit"})
    response = public.get(f"/jobs/medien/{photo.id}")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["Cache-Control"].startswith("public")
    assert "Set-Cookie" not in response.headers
    assert public.get(f"/jobs/medien/{photo.id}",
                      headers={"If-None-Match": f'"{photo.sha256}"'}).status_code == 304
    assert public.head(f"/jobs/medien/{photo.id}").status_code == 200
    for method in ("POST", "PUT", "DELETE", "OPTIONS"):
        assert public.open(f"/jobs/medien/{photo.id}", method=method).status_code == 405

    profile = profile_of(session, company)
    profile.status = "archived"
    session.commit()
    assert public.get(f"/jobs/medien/{photo.id}").status_code == 404


def test_a_stale_profile_is_flagged_and_can_be_confirmed(client, app, company, session, world):
    post(client, {"philosophy": "Alt"})
    profile = profile_of(session, company)
    profile.updated_at = utcnow() - timedelta(days=40)
    session.commit()
    assert "Ist Ihr Profil noch aktuell?" not in client.get(URL).get_data(as_text=True)

    app.config["KWIS_JOB_STALE_AFTER_DAYS"] = 30
    page = client.get(URL).get_data(as_text=True)
    assert "Ist Ihr Profil noch aktuell?" in page and "mehr als 30 Tagen" in page
    response = client.post(CONFIRM_URL, data={
        "confirm-csrf_token": csrf_token(page), "confirm-version": version_on_page(page)})
    assert response.status_code == 302
    page = client.get(URL).get_data(as_text=True)
    assert "Ihr Profil ist als aktuell bestätigt." in page
    assert "Ist Ihr Profil noch aktuell?" not in page
    assert profile_of(session, company).status == "draft"


def test_the_switched_off_feature_refuses_writes_too(client, company, session, world):
    page_token = token(client)
    features.set_enabled(session, world.region.id, "profile", False, world.admin.id)
    session.commit()
    for url in (URL, PREVIEW_URL, CONFIRM_URL):
        response = client.post(url, data={"csrf_token": page_token, "version": "0",
                                          "philosophy": "x"})
        assert response.status_code == 404, url
    assert profile_of(session, company) is None


def test_an_oversized_request_gets_a_german_message(client, company, session):
    from kwis_job_plugin.views.profile_tab import MAX_REQUEST_BYTES

    body = {"csrf_token": token(client), "version": "0", "action": "save",
            "logo": (io.BytesIO(b"\0" * (MAX_REQUEST_BYTES + 1)), "riesig.png")}
    response = client.post(URL, data=body, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "zusammen zu groß" in response.get_data(as_text=True)
    assert profile_of(session, company) is None


def test_the_video_hosts_setting_is_read_per_request(client, app, company, session):
    link = "https://mediathek.jena.example/ausbildung"
    assert post(client, {"video_url": link}).status_code == 422
    app.config["KWIS_JOB_VIDEO_HOSTS"] = "mediathek.jena.example, youtu.be"
    assert post(client, {"video_url": link}).status_code == 302
    assert profile_of(session, company).video_url == link
