"""The review page shows what a submission changes against the public version (issue 10).

Every field kind: texts (word by word), lists of terms, pictures and their descriptions, dates;
a first publication is all new. And a changed photo description is reviewed like any change:
it stays off the public page until approved (it used to go public at once).
"""

from __future__ import annotations

import io
import re
from datetime import date

from PIL import Image
from support.web import login
from test_admin_review import LINKS, fingerprint_on, item_url

from kwis_job_plugin.demo.factories import OfferFactory, ProfileFactory
from kwis_job_plugin.models import Benefit, OccupationalField, TargetGroup, TrainingOccupation
from kwis_job_plugin.services import (
    media,
    profile_display,
    profile_input,
    profiles,
    public_pages,
    publication,
    review,
    review_diff,
    taxonomy,
)
from kwis_job_plugin.services.review_diff import ADDED, DELETED, Segment
from kwis_job_plugin.services.snapshots import MEDIA_ALT, offer_snapshot, profile_snapshot


def _png(color=(0, 90, 160)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), color).save(out, format="PNG")
    return out.getvalue()


def _terms(session, model, n):
    return taxonomy.active_terms(session, model)[:n]


def _by_key(diff):
    return {f.key: f for f in diff.fields}


def _text(side) -> str:
    return " ".join(s.text for s in side.segments)


# --- word by word ---------------------------------------------------------------------------------


def test_words_only_one_version_has_are_marked():
    before, after = review_diff.word_diff(["Wir bauen Brillen in Jena."],
                                          ["Wir bauen Brillen und Hörgeräte in Jena."])
    assert before == (Segment("Wir bauen Brillen in Jena."),)
    assert after == (Segment("Wir bauen Brillen"), Segment("und Hörgeräte", ADDED),
                     Segment("in Jena."))
    before, after = review_diff.word_diff(["Eins", "Zwei drei"], ["Eins", "Zwei vier"])
    assert before == (Segment("Eins"), Segment("\n"), Segment("Zwei"), Segment("drei", DELETED))
    assert after[-1] == Segment("vier", ADDED)


def test_rich_text_is_compared_as_the_plain_text_of_its_sanitised_form():
    paragraphs = review_diff.rich_text_paragraphs(
        '<p>Wir <strong>bauen</strong> Brillen.</p><script>alert(1)</script>'
        '<ul><li>Werkstatt</li><li>Laden &amp; Lager</li></ul><p>x<br>y</p>')
    assert paragraphs == ["Wir bauen Brillen.", "Werkstatt", "Laden & Lager", "x", "y"]
    assert not any("<" in p or "alert" in p for p in paragraphs)


# --- profiles -------------------------------------------------------------------------------------


def test_a_first_publication_shows_every_filled_field_as_new(session, world):
    profile = ProfileFactory(customer=world.a.customer, region=world.region,
                             contact_email="ausbildung@alpha.example")
    profile.fields = _terms(session, OccupationalField, 2)
    media.add_image(session, profile, media.PHOTO, media.process_image(_png(), "photo"),
                    "Das Team in der Werkstatt")
    session.flush()
    diff = review_diff.diff(session, profile)
    assert diff.first_publication
    fields = _by_key(diff)
    assert {f.status for f in diff.fields} == {review_diff.NEW}
    assert "contact.phone" not in fields, "empty fields are no news"
    assert [i.text for i in fields["fields"].after.items] == [
        t.name for t in _terms(session, OccupationalField, 2)]
    photo = next(f for f in diff.fields if f.kind == "picture")
    assert photo.label == "Foto 1" and photo.before.picture is None
    assert _text(photo.after) == "Das Team in der Werkstatt"
    assert fields["contact.email"].status_word == "neu"


def _published_profile(session, world):
    profile = ProfileFactory(
        customer=world.a.customer, region=world.region,
        philosophy_html="<p>Wir bauen Brillen in Jena.</p>", contact_phone="03641 1",
        custom_benefits=["Obstkorb"], social_links={"instagram": "https://instagram.com/alpha"},
    )
    profile.fields = _terms(session, OccupationalField, 2)
    profile.occupations = _terms(session, TrainingOccupation, 1)
    profile.benefits = _terms(session, Benefit, 2)
    media.add_image(session, profile, media.LOGO, media.process_image(_png(), "logo"), "")
    kept = media.add_image(session, profile, media.PHOTO,
                           media.process_image(_png((1, 2, 3)), "photo"), "Das Team")
    gone = media.add_image(session, profile, media.PHOTO,
                           media.process_image(_png((4, 5, 6)), "photo"), "Der Laden")
    publication.submit(session, profile, world.region, profile_snapshot, world.a.id)
    profiles.approve_profile(session, profile, world.admin.id)
    session.flush()
    return profile, kept, gone


def test_every_kind_of_profile_field_shows_what_changed(session, world):
    profile, kept, gone = _published_profile(session, world)
    fields_before = _terms(session, OccupationalField, 2)
    profile.philosophy_html = "<p>Wir bauen Brillen und Hörgeräte in Jena.</p>"
    profile.fields = [fields_before[0], *_terms(session, OccupationalField, 3)[2:]]
    profile.benefits = []
    profile.custom_benefits = ["Obstkorb", "Jobrad"]
    profile.contact_phone = None
    profile.contact_email = "neu@alpha.example"
    profile.social_links = {}
    kept.alt_text = "Das Team beim Frühstück"
    media.remove(session, profile, gone)
    media.add_image(session, profile, media.LOGO, media.process_image(_png((9, 9, 9)), "logo"),
                    "")
    media.add_image(session, profile, media.PHOTO, media.process_image(_png((7, 7, 7)), "photo"),
                    "Die neue Werkstatt")
    session.flush()

    diff = review_diff.diff(session, profile)
    assert not diff.first_publication
    fields = _by_key(diff)
    words = {key: f.status_word for key, f in fields.items()}
    assert words["philosophy_html"] == "geändert"
    assert ("und Hörgeräte", ADDED) in [(s.text, s.mark) for s in fields[
        "philosophy_html"].after.segments]
    assert words["fields"] == "geändert"
    marks = {(i.text, i.mark) for i in fields["fields"].before.items + fields[
        "fields"].after.items}
    names = [t.name for t in _terms(session, OccupationalField, 3)]
    assert {(names[0], None), (names[1], DELETED), (names[2], ADDED)} <= marks
    assert words["benefits"] == "entfernt" and fields["benefits"].after.empty
    assert [(i.text, i.mark) for i in fields["custom_benefits"].after.items] == [
        ("Obstkorb", None), ("Jobrad", ADDED)]
    assert words["contact.phone"] == "entfernt"
    assert words["contact.email"] == "neu"
    assert words["social_links.instagram"] == "entfernt"
    assert words["occupations"] == "unverändert"
    assert "Ausbildungsberufe" in diff.unchanged_labels

    assert words["logo"] == "geändert"
    assert fields["logo"].before.picture.media_id != fields["logo"].after.picture.media_id
    photo = fields[f"photo-{kept.id}"]
    assert (photo.label, photo.status_word) == ("Foto 1", "geändert")
    assert photo.before.picture.media_id == photo.after.picture.media_id == kept.id
    assert _text(photo.before) == "Das Team"
    assert ("beim Frühstück", ADDED) in [(s.text, s.mark) for s in photo.after.segments]
    assert (fields[f"photo-{gone.id}"].status_word, fields[f"photo-{gone.id}"].label) == (
        "entfernt", "Bisheriges Foto 2")
    new_photo = next(f for f in diff.changes if f.kind == "picture" and f.before.picture is None
                     and f.key != "logo")
    assert (new_photo.label, new_photo.status_word) == ("Foto 2", "neu")


def test_a_resubmission_of_the_public_version_changes_nothing(session, world):
    profile, _kept, _gone = _published_profile(session, world)
    diff = review_diff.diff(session, profile)
    assert diff.changes == [] and "Berufsfelder" in diff.unchanged_labels


# --- offers ---------------------------------------------------------------------------------------


def test_every_kind_of_offer_field_shows_what_changed(session, world):
    profile = ProfileFactory(customer=world.a.customer, region=world.region, status="published")
    offer = OfferFactory(profile=profile, title="Ferienjob im Lager", type_key="ferienjob",
                         time_mode="range", start_date=date(2027, 7, 1),
                         end_date=date(2027, 7, 31), min_age=16, places=3, valid_until=None)
    offer.target_groups = _terms(session, TargetGroup, 1)
    publication.submit(session, offer, world.region, offer_snapshot, world.a.id)
    publication.approve(session, offer, offer_snapshot, world.admin.id)
    offer.title = "Ferienjob im Versand"
    offer.offer_type = session.get(type(offer.offer_type), offer.offer_type.id)
    offer.description_html = "<p>Eine Woche in unserem <em>Versand</em> mitarbeiten.</p>"
    offer.target_groups = _terms(session, TargetGroup, 2)
    offer.start_date, offer.end_date = date(2027, 8, 1), date(2027, 8, 31)
    offer.valid_until = date(2027, 12, 31)
    offer.min_age = None
    offer.places = 5
    offer.place_mode, offer.street, offer.postcode, offer.city = (
        "other", "Lagerweg 1", "07743", "Jena")
    offer.accessible_workplace = True
    session.flush()

    fields = _by_key(review_diff.diff(session, offer))
    words = {key: f.status_word for key, f in fields.items()}
    assert words["title"] == "geändert"
    assert [(s.text, s.mark) for s in fields["title"].after.segments] == [
        ("Ferienjob im", None), ("Versand", ADDED)]
    assert words["type"] == "unverändert"
    assert words["description_html"] == "geändert"
    assert "Versand" in _text(fields["description_html"].after)
    assert words["target_groups"] == "geändert"
    assert words["time"] == "geändert"
    assert _text(fields["time"].before) == "01.07.2027 bis 31.07.2027"
    assert ("01.08.2027", ADDED) in [(s.text, s.mark) for s in fields["time"].after.segments]
    assert (words["valid_until"], _text(fields["valid_until"].after)) == ("neu", "31.12.2027")
    assert words["min_age"] == "entfernt" and words["places"] == "geändert"
    assert words["place"] == "geändert" and "Lagerweg 1" in _text(fields["place"].after)
    assert (_text(fields["accessible_workplace"].before),
            _text(fields["accessible_workplace"].after)) == ("nein", "ja")
    assert words["apply.email"] == "unverändert"


# --- the page -------------------------------------------------------------------------------------


def test_the_review_page_shows_the_changes_in_a_table_with_words_and_escaped_text(
    client, world, session
):
    profile, kept, _gone = _published_profile(session, world)
    profile.philosophy_html = ('<p>Wir bauen Brillen &lt;script&gt;alert(1)&lt;/script&gt; '
                               'in Jena.</p>')
    kept.alt_text = 'Das Team <b>"fett"</b>'
    profile.status = "draft"
    publication.submit(session, profile, world.region, profile_snapshot, world.a.id)
    session.commit()

    login(client, world.admin.email, world.password)
    page = client.get(item_url("profil", profile.id)).get_data(as_text=True)
    table = page.split('id="review-diff-heading"', 1)[1].split("</table>", 1)[0]
    assert '<th scope="col">Öffentliche Fassung</th>' in table
    assert '<th scope="col">Eingereichte Fassung</th>' in table
    assert '<th scope="row">So ist es, bei uns zu arbeiten</th>' in table
    assert '<th scope="row">Foto 1</th>' in table
    assert "<td>geändert</td>" in table
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in table and "<script>" not in page
    assert "&lt;b&gt;&#34;fett&#34;&lt;/b&gt;" in table or "&lt;b&gt;&quot;fett" in table
    assert re.search(r'<ins><span class="kj-visually-hidden">\[neu: </span>', table)
    assert f'src="/admin/job/pruefung/bilder/{kept.id}"' in table
    assert "Unverändert: " in page and "Ausbildungsberufe" in page


def test_a_first_publication_page_says_so_and_has_no_public_column(client, world, session):
    profile = ProfileFactory(customer=world.a.customer, region=world.region)
    profile.fields = _terms(session, OccupationalField, 1)
    publication.submit(session, profile, world.region, profile_snapshot, world.a.id)
    session.commit()
    login(client, world.admin.email, world.password)
    page = client.get(item_url("profil", profile.id)).get_data(as_text=True)
    assert "Bisher ist keine Fassung öffentlich: Alle Angaben sind neu." in page
    assert "Öffentliche Fassung</th>" not in page
    assert "<td>neu</td>" in page


# --- a changed photo description is reviewed ----------------------------------------------------


def _save(session, user, **data):
    profile = profiles.profile_for_customer(session, user.customer.id)
    return profiles.save_profile(
        session, user.customer.id, profile_input.ProfileInput(**data),
        expected_version=profile.version if profile else 0, actor_user_id=user.id)


def test_a_changed_photo_description_waits_for_review(client, world, session):
    field_ids = [t.id for t in _terms(session, OccupationalField, 1)]
    profile = _save(session, world.a, philosophy="Wir bauen Brillen.", field_ids=field_ids,
                    new_photos=[profile_input.NewPhoto(_png(), "Unsere Werkstatt")])
    profiles.submit_profile(session, world.a.customer.id, actor_user_id=world.a.id)
    profiles.approve_profile(session, profile, world.admin.id)
    session.commit()
    photo = media.photos_of(profile)[0]

    _save(session, world.a, philosophy="Wir bauen Brillen.", field_ids=field_ids,
          photos=[profile_input.PhotoChange(photo.id, "Ein Foto ohne Bezug")])
    session.commit()
    assert profile.status == "draft" and profiles.has_unpublished_changes(profile)
    company_page = client.get(f"/jobs/betriebe/{profile.slug}").get_data(as_text=True)
    assert 'alt="Unsere Werkstatt"' in company_page
    assert "Ein Foto ohne Bezug" not in company_page

    assert profiles.submit_profile(session, world.a.customer.id,
                                   actor_user_id=world.a.id) == "in_review"
    session.commit()
    login(client, world.admin.email, world.password)
    page = client.get(item_url("profil", profile.id)).get_data(as_text=True)
    table = page.split('id="review-diff-heading"', 1)[1].split("</table>", 1)[0]
    assert '<th scope="row">Foto 1</th>' in table and "Ein Foto ohne Bezug" in table
    assert "Unsere Werkstatt" in table
    assert 'alt="Unsere Werkstatt"' in client.get(
        f"/jobs/betriebe/{profile.slug}").get_data(as_text=True), "public until approved"

    review.approve(session, "profil", profile.id, world.admin.id,
                   seen_version=fingerprint_on(page), links=LINKS)
    session.commit()
    assert profile.published_snapshot[MEDIA_ALT] == {str(photo.id): "Ein Foto ohne Bezug"}
    public = client.get(f"/jobs/betriebe/{profile.slug}").get_data(as_text=True)
    assert 'alt="Ein Foto ohne Bezug"' in public and "Unsere Werkstatt" not in public
    assert public_pages.public_media(session, photo.id).id == photo.id


def test_a_public_version_from_before_descriptions_were_in_the_snapshot_is_not_changed(
    session, world
):
    """Published before the key existed: the rows' descriptions are the public ones, so the
    profile does not count as changed and the public page keeps showing them."""
    profile, kept, _gone = _published_profile(session, world)
    legacy = dict(profile.published_snapshot)
    del legacy[MEDIA_ALT]
    profile.published_snapshot = legacy
    session.flush()
    assert not profiles.has_unpublished_changes(profile)
    view = profile_display.profile_view(
        session, legacy, media_url=lambda i: f"/m/{i}")
    assert [p["alt"] for p in view["photos"]] == ["Das Team", "Der Laden"]
    assert review_diff.diff(session, profile).changes == []


def test_a_description_changed_under_an_older_public_version_waits_for_review(
    client, world, session
):
    """The first save after the upgrade keeps the descriptions that version shows."""
    field_ids = [t.id for t in _terms(session, OccupationalField, 1)]
    profile = _save(session, world.a, philosophy="Wir bauen Brillen.", field_ids=field_ids,
                    new_photos=[profile_input.NewPhoto(_png(), "Unsere Werkstatt")])
    profiles.submit_profile(session, world.a.customer.id, actor_user_id=world.a.id)
    profiles.approve_profile(session, profile, world.admin.id)
    legacy = dict(profile.published_snapshot)
    del legacy[MEDIA_ALT]
    profile.published_snapshot = legacy
    session.commit()
    photo = media.photos_of(profile)[0]

    _save(session, world.a, philosophy="Wir bauen Brillen.", field_ids=field_ids,
          photos=[profile_input.PhotoChange(photo.id, "Ein Foto ohne Bezug")])
    session.commit()
    session.expire_all()
    assert profile.published_snapshot == {**legacy, MEDIA_ALT: {str(photo.id): "Unsere Werkstatt"}}
    assert profiles.has_unpublished_changes(profile)
    page = client.get(f"/jobs/betriebe/{profile.slug}").get_data(as_text=True)
    assert 'alt="Unsere Werkstatt"' in page and "Ein Foto ohne Bezug" not in page
