"""The agency reviews submissions: approve publishes, sending back keeps the public version.

A decision names the version the review page showed (its fingerprint, form field ``fassung``);
a version submitted after the page was opened is refused with 409 and shown instead (issue 9).
"""

from __future__ import annotations

import io
import re
import threading

import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session
from support.web import csrf_token, login
from test_offer_views import form_data

from kwis_job_plugin.demo.factories import OfferFactory, ProfileFactory
from kwis_job_plugin.models import AuditEntry, EmployerProfile, Offer, Region, SearchDoc
from kwis_job_plugin.services import media, publication, review
from kwis_job_plugin.services.errors import EditConflict
from kwis_job_plugin.services.snapshots import offer_snapshot, profile_snapshot

QUEUE = "/admin/job/pruefung"
FORM_PAGE = "/admin/job/regionen"
"""An admin page that always has a form, for the CSRF token where the review page has none."""
OFFERS = "/selfservice/job/angebote"
CONFLICT = "Der Betrieb hat inzwischen eine neue Fassung eingereicht. Bitte prüfen Sie diese."
FINGERPRINT_RE = re.compile(r'name="fassung" value="([0-9a-f]{64})"')
FROM_PAGE = object()


class Links:
    """``review_mails.Links`` for service calls outside a request."""

    def profile_tab(self) -> str:
        return "https://wf.example/selfservice/job/profil"

    def offer(self, offer_id: int) -> str:
        return f"https://wf.example/selfservice/job/angebote/{offer_id}"

    def review_queue(self) -> str:
        return "https://wf.example/admin/job/pruefung"


LINKS = Links()


def item_url(kind: str, object_id: int) -> str:
    return f"{QUEUE}/{kind}/{object_id}"


def fingerprint_on(html: str) -> str:
    found = set(FINGERPRINT_RE.findall(html))
    assert len(found) == 1, "both decision forms name the one version shown"
    return found.pop()


def _decide(client, kind, object_id, decision, *, seen=FROM_PAGE, **data):
    """Post a decision as the review page would; ``seen`` overrides the page's fingerprint
    (``None``: the field is left out)."""
    page = client.get(item_url(kind, object_id)).get_data(as_text=True)
    if seen is FROM_PAGE:
        seen = fingerprint_on(page)
    form = {"csrf_token": csrf_token(client.get(FORM_PAGE).data), **data}
    if seen is not None:
        form["fassung"] = seen
    return client.post(f"{item_url(kind, object_id)}/{decision}", data=form)


def _submitted(session, world):
    profile = ProfileFactory(customer=world.a.customer, region=world.region)
    publication.submit(session, profile, world.region, profile_snapshot, world.a.id)
    offer = OfferFactory(profile=profile, title="Ferienjob im Lager", type_key="ferienjob")
    publication.submit(session, offer, world.region, offer_snapshot, world.a.id)
    session.commit()
    return profile, offer


def _state(session, model, object_id):
    """What a decision may change, straight from the database."""
    session.expire_all()
    obj = session.get(model, object_id)
    return (obj.status, obj.published_snapshot, obj.review_comment, obj.reviewed_at,
            obj.version)


def field_error(html: str, field_id: str = "review-comment") -> str | None:
    match = re.search(rf'<p class="kj-field-error" id="{field_id}-error">([^<]+)</p>', html)
    return match.group(1) if match else None


# -- deciding ---------------------------------------------------------------------------------


def test_approving_profile_and_offer_makes_the_offer_searchable(client, world, session):
    profile, offer = _submitted(session, world)
    login(client, world.admin.email, world.password)
    page = client.get(QUEUE).get_data(as_text=True)
    assert "Optik Alpha" in page and "Ferienjob im Lager" in page
    assert f'href="{item_url("angebot", offer.id)}"' in page

    assert _decide(client, "profil", profile.id, "freigeben").status_code == 302
    assert _decide(client, "angebot", offer.id, "freigeben").status_code == 302
    page = client.get(QUEUE).get_data(as_text=True)
    assert "„Ferienjob im Lager“ ist freigegeben" in page
    assert "Keine Profile warten auf Prüfung." in page

    session.expire_all()
    assert session.get(EmployerProfile, profile.id).status == "published"
    assert session.get(Offer, offer.id).published_snapshot["title"] == "Ferienjob im Lager"
    assert session.scalar(select(SearchDoc.offer_id)) == offer.id
    portal = client.get("/jobs/suche?q=Lager").get_data(as_text=True)
    assert "Ferienjob im Lager" in portal


def test_sending_back_needs_a_reason_and_tells_the_company(client, world, session):
    profile, _offer = _submitted(session, world)
    login(client, world.admin.email, world.password)

    missing = _decide(client, "profil", profile.id, "zurueckgeben", comment="  ")
    assert missing.status_code == 422
    assert field_error(missing.get_data(as_text=True)) == (
        "Bitte begründen Sie die Rückgabe für den Betrieb.")
    session.expire_all()
    assert session.get(EmployerProfile, profile.id).status == "in_review"

    back = _decide(client, "profil", profile.id, "zurueckgeben",
                   comment="Bitte Logo ergänzen.\r\nUnd die Kontaktperson.")
    assert back.status_code == 302
    session.expire_all()
    returned = session.get(EmployerProfile, profile.id)
    assert (returned.status, returned.review_comment) == (
        "draft", "Bitte Logo ergänzen.\nUnd die Kontaktperson.")

    client.post("/logout", data={"csrf_token": csrf_token(client.get(FORM_PAGE).data)})
    login(client, world.a.email, world.password)
    assert "Bitte Logo ergänzen." in client.get("/selfservice/job/profil").get_data(as_text=True)


def test_decisions_on_unknown_or_undecidable_items_change_nothing(client, world, session):
    draft = ProfileFactory(customer=world.b.customer, region=world.region)
    session.commit()
    before = _state(session, EmployerProfile, draft.id)
    login(client, world.admin.email, world.password)
    assert client.get(item_url("profil", 999999)).status_code == 404
    assert client.get(item_url("profil", 2**31)).status_code == 404
    assert _decide(client, "profil", 999999, "freigeben", seen=None).status_code == 404
    assert _decide(client, "betrieb", draft.id, "freigeben", seen=None).status_code == 404
    assert _decide(client, "profil", draft.id, "loeschen", seen=None).status_code == 404

    page = client.get(item_url("profil", draft.id)).get_data(as_text=True)
    assert "liegt nicht zur Prüfung vor" in page and 'name="fassung"' not in page
    refused = _decide(client, "profil", draft.id, "freigeben", seen=None)
    assert refused.status_code == 422
    assert "Nur eingereichte Inhalte können freigegeben werden." in refused.get_data(as_text=True)
    refused = _decide(client, "profil", draft.id, "zurueckgeben", seen=None, comment="x\x00")
    assert refused.status_code == 422
    assert _state(session, EmployerProfile, draft.id) == before


def test_companies_cannot_see_or_decide(client, world, session):
    profile, _offer = _submitted(session, world)
    before = _state(session, EmployerProfile, profile.id)
    login(client, world.a.email, world.password)
    token = csrf_token(client.get("/selfservice/job/profil").data)
    seen = review.fingerprint(profile)
    response = client.post(f"{item_url('profil', profile.id)}/freigeben",
                           data={"csrf_token": token, "fassung": seen})
    assert response.status_code == 403
    assert client.get(item_url("profil", profile.id)).status_code == 403
    assert _state(session, EmployerProfile, profile.id) == before


# -- the decision is bound to the version the page showed ---------------------------------------


def _company(app, world):
    company = app.test_client()
    login(company, world.a.email, world.password)
    return company


def _company_saves(company, session, offer_id: int, **changes) -> None:
    """The company edits its offer through the offers tab (a submitted one becomes a draft)."""
    edit = f"{OFFERS}/{offer_id}/bearbeiten"
    page = company.get(edit).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = company.post(edit, data={**form_data(session, **changes), "version": version,
                                         "csrf_token": csrf_token(page)})
    assert response.status_code == 303, response.get_data(as_text=True)


def _company_submits(company, offer_id: int) -> None:
    preview = company.get(f"{OFFERS}/{offer_id}")
    response = company.post(f"{OFFERS}/{offer_id}/einreichen",
                            data={"csrf_token": csrf_token(preview.data), "back": "list"})
    assert response.status_code == 303


def _company_offer(app, client, session, world, title: str):
    """A public profile and an offer the company wrote and submitted through its tab."""
    ProfileFactory(customer=world.a.customer, region=world.region, status="published")
    session.commit()
    company = _company(app, world)
    page = company.get(f"{OFFERS}/neu")
    response = company.post(f"{OFFERS}/neu", data={**form_data(session, title=title),
                                                  "csrf_token": csrf_token(page.data)})
    assert response.status_code == 303
    offer_id = session.scalar(select(Offer.id).where(Offer.title == title))
    _company_submits(company, offer_id)
    login(client, world.admin.email, world.password)
    return company, offer_id


def test_approval_from_a_page_opened_before_a_resubmission_publishes_nothing(
    app, client, world, session
):
    company, offer_id = _company_offer(app, client, session, world, "Ferienjob im Lager")
    assert _decide(client, "angebot", offer_id, "freigeben").status_code == 302

    _company_saves(company, session, offer_id, title="Ferienjob im Versand")
    _company_submits(company, offer_id)
    opened = client.get(item_url("angebot", offer_id)).get_data(as_text=True)
    assert "Ferienjob im Versand" in opened
    seen = fingerprint_on(opened)

    _company_saves(company, session, offer_id, title="Ferienjob an der Kasse")
    _company_submits(company, offer_id)
    before = _state(session, Offer, offer_id)
    assert before[0] == "in_review"
    assert before[1]["title"] == "Ferienjob im Lager"

    stale = _decide(client, "angebot", offer_id, "freigeben", seen=seen)
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert CONFLICT in html
    assert "Ferienjob an der Kasse" in html and "Ferienjob im Versand" not in html
    current = fingerprint_on(html)
    assert current != seen
    assert _state(session, Offer, offer_id) == before
    assert "Ferienjob im Lager" in client.get("/jobs/suche?q=Ferienjob").get_data(as_text=True)
    assert "Ferienjob an der Kasse" not in client.get("/jobs/suche?q=Kasse").get_data(as_text=True)
    approvals = select(AuditEntry).where(AuditEntry.action == "offer.approved")
    assert len(session.scalars(approvals).all()) == 1

    assert _decide(client, "angebot", offer_id, "freigeben", seen=current).status_code == 302
    session.expire_all()
    published = session.get(Offer, offer_id)
    assert (published.status, published.published_snapshot["title"]) == (
        "published", "Ferienjob an der Kasse")
    assert "Ferienjob an der Kasse" in client.get("/jobs/suche?q=Kasse").get_data(as_text=True)


def test_sending_back_from_a_page_opened_before_a_resubmission_changes_nothing(
    app, client, world, session
):
    company, offer_id = _company_offer(app, client, session, world, "Ferienjob im Lager")
    seen = fingerprint_on(client.get(item_url("angebot", offer_id)).get_data(as_text=True))
    _company_saves(company, session, offer_id, title="Ferienjob an der Kasse")
    _company_submits(company, offer_id)
    before = _state(session, Offer, offer_id)

    stale = _decide(client, "angebot", offer_id, "zurueckgeben", seen=seen,
                    comment="Bitte Arbeitszeiten angeben.")
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert CONFLICT in html and "Ferienjob an der Kasse" in html
    assert ">Bitte Arbeitszeiten angeben.</textarea>" in html, "the note is kept"
    assert _state(session, Offer, offer_id) == before

    back = _decide(client, "angebot", offer_id, "zurueckgeben", seen=fingerprint_on(html),
                   comment="Bitte Arbeitszeiten angeben.")
    assert back.status_code == 302
    session.expire_all()
    returned = session.get(Offer, offer_id)
    assert (returned.status, returned.review_comment, returned.published_snapshot) == (
        "draft", "Bitte Arbeitszeiten angeben.", None)


def test_an_edit_after_the_page_was_opened_cannot_be_approved(app, client, world, session):
    """Edited but not resubmitted: nothing waits any more, so there is nothing to approve."""
    company, offer_id = _company_offer(app, client, session, world, "Ferienjob im Lager")
    seen = fingerprint_on(client.get(item_url("angebot", offer_id)).get_data(as_text=True))
    _company_saves(company, session, offer_id, title="Ferienjob an der Kasse")
    before = _state(session, Offer, offer_id)

    refused = _decide(client, "angebot", offer_id, "freigeben", seen=seen)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Nur eingereichte Inhalte können freigegeben werden." in html
    assert "liegt nicht zur Prüfung vor" in html and 'name="fassung"' not in html
    assert _state(session, Offer, offer_id) == before
    assert before[:2] == ("draft", None)


def test_a_resubmission_committed_while_the_decision_waits_is_a_conflict(engine, world, session):
    """The window between reading the item and writing the decision: the company's uncommitted
    resubmission holds the row; the decision waits for it and then refuses."""
    _profile, offer = _submitted(session, world)
    seen = review.fingerprint(offer)
    company = Session(engine)
    mine = company.get(Offer, offer.id)
    mine.title, mine.status = "Ferienjob an der Kasse", "draft"
    company.flush()
    publication.submit(company, mine, company.get(Region, world.region.id), offer_snapshot,
                       world.a.id)
    outcome: list[str] = []

    def decide() -> None:
        with Session(engine) as desk:
            try:
                review.approve(desk, "angebot", offer.id, world.admin.id, seen_version=seen,
                               links=LINKS)
                desk.commit()
                outcome.append("approved")
            except EditConflict:
                desk.rollback()
                outcome.append("conflict")

    waiting = threading.Thread(target=decide)
    waiting.start()
    waiting.join(0.5)
    assert waiting.is_alive(), "the decision waits for the company's transaction"
    company.commit()
    company.close()
    waiting.join(30)
    assert outcome == ["conflict"]
    state = _state(session, Offer, offer.id)
    assert state[:3] == ("in_review", None, None)
    assert session.get(Offer, offer.id).title == "Ferienjob an der Kasse"


@pytest.mark.parametrize("decision", ["freigeben", "zurueckgeben"])
@pytest.mark.parametrize("seen", [
    None, "", "0" * 64, "\x00" * 64, "\u202e" * 64, "ä" * 64, "x" * 100_000, "OTHER",
], ids=["missing", "empty", "zeros", "nul", "bidi", "non-ascii", "100k", "other-item"])
def test_a_missing_or_forged_version_is_a_conflict(client, world, session, decision, seen):
    profile, offer = _submitted(session, world)
    if seen == "OTHER":
        seen = review.fingerprint(profile)
    before = _state(session, Offer, offer.id)
    login(client, world.admin.email, world.password)
    response = _decide(client, "angebot", offer.id, decision, seen=seen, comment="Bitte ändern.")
    assert response.status_code == 409
    assert CONFLICT in response.get_data(as_text=True)
    assert _state(session, Offer, offer.id) == before


# -- the send-back note -----------------------------------------------------------------------


@pytest.mark.parametrize("note", [
    "Bitte\x00ändern.", "Bitte \u202eändern.", "Bitte \u2066ändern\u2069.", "Bitte\x1bändern.",
    "x" * 100_000, "x" * (review.NOTE_MAX_LENGTH + 1),
], ids=["nul", "rlo", "isolate", "escape", "100k", "one-too-many"])
def test_bad_notes_are_refused_at_the_field_and_nothing_is_stored(client, world, session, note):
    profile, _offer = _submitted(session, world)
    before = _state(session, EmployerProfile, profile.id)
    login(client, world.admin.email, world.password)
    response = _decide(client, "profil", profile.id, "zurueckgeben", comment=note)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    message = field_error(html)
    assert message and ("Steuerzeichen" in message or "zu lang" in message)
    assert 'aria-invalid="true"' in html and 'href="#review-comment"' in html
    assert "\x00" not in html and "\u202e" not in html
    assert _state(session, EmployerProfile, profile.id) == before


def test_a_note_of_exactly_the_limit_is_stored(client, world, session):
    profile, _offer = _submitted(session, world)
    note = "a" * (review.NOTE_MAX_LENGTH - 2) + "\r\nb"
    login(client, world.admin.email, world.password)
    page = client.get(item_url("profil", profile.id)).get_data(as_text=True)
    assert f'maxlength="{review.NOTE_MAX_LENGTH}"' in page
    assert _decide(client, "profil", profile.id, "zurueckgeben", comment=note).status_code == 302
    session.expire_all()
    stored = session.get(EmployerProfile, profile.id).review_comment
    assert stored == note.replace("\r\n", "\n") and len(stored) == review.NOTE_MAX_LENGTH


# -- the review page shows exactly the submitted version ----------------------------------------


def _png(color=(0, 90, 160)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), color).save(out, format="PNG")
    return out.getvalue()


def test_the_review_page_shows_the_submitted_version_not_the_public_one(
    client, world, session
):
    profile = ProfileFactory(customer=world.a.customer, region=world.region, status="published",
                             philosophy_html="<p>Alte Fassung im Portal</p>")
    session.flush()
    profile.philosophy_html = "<p>Eingereichte Fassung mit Werkstatt</p>"
    photo = media.add_image(session, profile, media.PHOTO, media.process_image(_png(), "photo"),
                            "Das Team in der Werkstatt")
    profile.status = "draft"
    publication.submit(session, profile, world.region, profile_snapshot, world.a.id)
    session.commit()

    login(client, world.admin.email, world.password)
    page = client.get(item_url("profil", profile.id)).get_data(as_text=True)
    preview = page.split('id="review-preview-heading"', 1)[1]
    preview = preview.split('id="review-decision-heading"')[0]
    assert "Eingereichte Fassung mit Werkstatt" in preview
    assert "Alte Fassung im Portal" not in page
    assert "Eine frühere Fassung ist öffentlich und bleibt es bis zur Entscheidung." in page
    picture = f"{QUEUE}/bilder/{photo.id}"
    assert f'src="{picture}"' in preview and 'alt="Das Team in der Werkstatt"' in preview
    assert fingerprint_on(page) == review.fingerprint(profile)

    image = client.get(picture)
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.headers["Cache-Control"] == "private, no-store"
    assert client.get(f"{QUEUE}/bilder/{2**31}").status_code == 404
    assert client.get(f"/jobs/medien/{photo.id}").status_code == 404, "not public yet"

    company = client.application.test_client()
    login(company, world.a.email, world.password)
    assert company.get(picture).status_code == 403


def test_the_fingerprint_follows_what_the_page_shows(session, world):
    profile = ProfileFactory(customer=world.a.customer, region=world.region)
    photo = media.add_image(session, profile, media.PHOTO, media.process_image(_png(), "photo"),
                            "Das Team")
    session.commit()
    first = review.fingerprint(profile)
    session.expire_all()
    assert review.fingerprint(session.get(EmployerProfile, profile.id)) == first

    photo.alt_text = "Das Team beim Frühstück"
    changed = review.fingerprint(profile)
    assert changed != first
    photo.alt_text = "Das Team"
    assert review.fingerprint(profile) == first, "the same content is the same version"

    profile.contact_phone = "03641 123456"
    assert review.fingerprint(profile) != first
    assert len(first) == review.FINGERPRINT_LENGTH


# -- archived offers can be restored, never straight back online --------------------------------


def _archived_offer(session, world, rule: str):
    from kwis_job_plugin.services import offers

    world.region.review_rule = rule
    profile = ProfileFactory(customer=world.a.customer, region=world.region, status="published")
    offer = OfferFactory(profile=profile, title="Ferienjob im Lager", type_key="ferienjob",
                         status="published")
    session.flush()
    offers.archive_offer(session, world.a.customer.id, offer.id, world.a.id)
    session.commit()
    return offer


@pytest.mark.parametrize("rule", ["every_change", "first_publication", "none"])
def test_a_restored_offer_is_an_unpublished_draft_and_goes_through_the_rule(
    client, world, session, rule
):
    offer = _archived_offer(session, world, rule)
    login(client, world.a.email, world.password)
    listing = client.get(OFFERS).get_data(as_text=True)
    button = re.search(
        rf'action="{OFFERS}/{offer.id}/wiederherstellen">(.*?)</form>', listing, re.S)
    assert button and "Wiederherstellen<span" in button.group(1)
    version = re.search(r'name="version" value="(\d+)"', button.group(1)).group(1)

    response = client.post(f"{OFFERS}/{offer.id}/wiederherstellen", data={
        "csrf_token": csrf_token(listing), "version": version})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{OFFERS}/{offer.id}")
    session.expire_all()
    restored = session.get(Offer, offer.id)
    assert (restored.status, restored.published_snapshot) == ("draft", None)
    assert not publication.is_public(restored)
    assert client.get("/jobs/suche?q=Lager").get_data(as_text=True).count(
        "Ferienjob im Lager") == 0
    assert session.scalars(select(AuditEntry).where(
        AuditEntry.action == "offer.restored", AuditEntry.object_id == offer.id)).one()

    preview = client.get(f"{OFFERS}/{offer.id}").get_data(as_text=True)
    label = "Veröffentlichen" if rule == "none" else "Zur Prüfung einreichen"
    assert f"{label}<span" in preview, "a restored offer counts as new under the rule"
    _company_submits(client, offer.id)
    session.expire_all()
    expected = "published" if rule == "none" else "in_review"
    assert session.get(Offer, offer.id).status == expected


def test_restoring_with_an_old_version_or_twice_changes_nothing(client, world, session):
    offer = _archived_offer(session, world, "every_change")
    login(client, world.a.email, world.password)
    listing = client.get(OFFERS).get_data(as_text=True)
    token = csrf_token(listing)
    stale = client.post(f"{OFFERS}/{offer.id}/wiederherstellen",
                        data={"csrf_token": token, "version": str(offer.version - 1)})
    assert stale.status_code == 409
    assert "inzwischen geändert" in stale.get_data(as_text=True)
    for bad in ("", "x", "\x00", "9" * 40):
        response = client.post(f"{OFFERS}/{offer.id}/wiederherstellen",
                               data={"csrf_token": token, "version": bad})
        assert response.status_code == 409
    assert _state(session, Offer, offer.id)[0] == "archived"

    ok = client.post(f"{OFFERS}/{offer.id}/wiederherstellen",
                     data={"csrf_token": token, "version": str(offer.version)})
    assert ok.status_code == 303
    session.expire_all()
    current = session.get(Offer, offer.id)
    again = client.post(f"{OFFERS}/{offer.id}/wiederherstellen",
                        data={"csrf_token": token, "version": str(current.version)})
    assert again.status_code == 422
    assert "Nur archivierte Angebote können wiederhergestellt werden." in again.get_data(
        as_text=True)

    other = client.application.test_client()
    login(other, world.b.email, world.password)
    foreign = other.post(f"{OFFERS}/{offer.id}/wiederherstellen", data={
        "csrf_token": csrf_token(other.get(OFFERS).data), "version": str(current.version)})
    assert foreign.status_code == 404


def test_a_region_admin_gets_404_for_another_regions_item_and_picture(client, world, session):
    from kwis_job_plugin.demo.factories import AdminFactory, RegionFactory
    from kwis_job_plugin.models import AdminScope, RegionAdmin

    profile, offer = _submitted(session, world)
    photo = media.add_image(session, profile, media.PHOTO, media.process_image(_png(), "photo"),
                            "Das Team")
    weimar = RegionFactory(slug="weimarer-land", name="Weimarer Land", prefixes=["16071"])
    other = AdminFactory(email="admin@weimarer-land.example")
    session.flush()
    session.add(AdminScope(user_id=other.id, all_regions=False))
    session.add(RegionAdmin(user_id=other.id, region_id=weimar.id))
    session.commit()
    before = _state(session, Offer, offer.id)

    login(client, other.email, world.password)
    assert client.get(item_url("profil", profile.id)).status_code == 404
    assert client.get(item_url("angebot", offer.id)).status_code == 404
    assert client.get(f"{QUEUE}/bilder/{photo.id}").status_code == 404
    token = csrf_token(client.get(FORM_PAGE).data)
    for decision in ("freigeben", "zurueckgeben"):
        response = client.post(f"{item_url('angebot', offer.id)}/{decision}", data={
            "csrf_token": token, "fassung": review.fingerprint(offer), "comment": "Nein."})
        assert response.status_code == 404
    assert _state(session, Offer, offer.id) == before

    session.add(RegionAdmin(user_id=other.id, region_id=world.region.id))
    session.commit()
    assert client.get(item_url("angebot", offer.id)).status_code == 200
    assert client.get(f"{QUEUE}/bilder/{photo.id}").status_code == 200
