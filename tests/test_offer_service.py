"""The offers service on a real database: validation, status transitions under the review rules,
sanitising, copies, locks, hints, staleness, views and places. No mocks; SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import (
    AuditEntry,
    DailyCounter,
    OccupationalField,
    Offer,
    OfferType,
    SearchDoc,
    TargetGroup,
)
from kwis_job_plugin.models.base import utcnow
from kwis_job_plugin.services import (
    geocoding,
    offer_display,
    offer_timing,
    offers,
    publication,
)
from kwis_job_plugin.services.errors import EditConflict, NotFound, ValidationError
from kwis_job_plugin.services.offer_input import (
    OfferInput,
    description_for_editing,
    description_to_html,
    validate_input,
)
from kwis_job_plugin.services.recurrence import Period, Window
from kwis_job_plugin.services.snapshots import offer_snapshot

TODAY = date(2026, 11, 21)


def type_id(session: Session, key: str) -> int:
    return session.scalar(select(OfferType.id).where(OfferType.key == key))


def group_ids(session: Session, *keys: str) -> list[int]:
    return list(session.scalars(select(TargetGroup.id).where(TargetGroup.key.in_(keys))))


def field_ids(session: Session, *keys: str) -> list[int]:
    return list(
        session.scalars(select(OccupationalField.id).where(OccupationalField.key.in_(keys)))
    )


def offer_input(session: Session, **overrides) -> OfferInput:
    """A complete, valid offer; ``type_key``/``groups``/``field_keys`` name taxonomy terms."""
    type_key = overrides.pop("type_key", "schuelerpraktikum")
    groups = overrides.pop("groups", ("schueler",))
    field_keys = overrides.pop("field_keys", ("it",))
    values = {
        "offer_type_id": type_id(session, type_key),
        "title": "Praktikum in der Werkstatt",
        "description": "Eine Woche mitarbeiten.\n\nMit eigener Ansprechperson.",
        "target_group_ids": group_ids(session, *groups),
        "field_ids": field_ids(session, *field_keys),
        "time_mode": "by_arrangement",
        "place_mode": "company",
        "apply_email": "bewerbung@betrieb.example",
    }
    values.update(overrides)
    return OfferInput(**values)


def row_state(session: Session, offer_id: int) -> dict:
    """Every column of the offer row plus its taxonomy links, straight from the database."""
    session.expire_all()
    offer = session.get(Offer, offer_id)
    if offer is None:
        return {}
    state = {c.key: getattr(offer, c.key) for c in Offer.__table__.columns}
    state["fields"] = sorted(f.key for f in offer.fields)
    state["target_groups"] = sorted(g.key for g in offer.target_groups)
    return state


@pytest.fixture
def company(session, world):
    """Company A with a published profile in Jena (review rule: every change)."""
    profile = factories.ProfileFactory(
        customer=world.a.customer, region=world.region, status="published",
        contact_name="Frau Beispiel", contact_phone="03641 123456",
        contact_email="ausbildung@optik-alpha.example",
    )
    session.commit()
    return profile


def customer_id(world, who="a") -> int:
    return getattr(world, who).customer_id


# --- validation -------------------------------------------------------------------------------


def test_a_valid_offer_is_created_as_a_draft_of_the_own_profile(session, world, company):
    offer = offers.create_offer(session, customer_id(world), offer_input(session), world.a.id)
    session.commit()
    assert offer.status == "draft" and offer.profile_id == company.id
    assert offer.published_snapshot is None
    assert offer.slug == "praktikum-in-der-werkstatt"
    assert [g.key for g in offer.target_groups] == ["schueler"]
    assert [f.key for f in offer.fields] == ["it"]
    assert offer.description_html == (
        "<p>Eine Woche mitarbeiten.</p><p>Mit eigener Ansprechperson.</p>"
    )
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "offer.created"))
    assert entry.object_id == offer.id and entry.region_id == world.region.id


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"offer_type_id": None}, "offer_type", "Bitte wählen Sie die Art des Angebots."),
        ({"offer_type_id": 2**40}, "offer_type", "Bitte wählen Sie die Art des Angebots."),
        ({"title": "   "}, "title", "Bitte geben Sie einen Titel ein."),
        ({"title": "x" * 121}, "title", "Der Titel darf höchstens 120 Zeichen lang sein."),
        ({"description": "<p> </p>"}, "description",
         "Bitte beschreiben Sie das Angebot in ein paar Sätzen."),
        ({"description": "<b>" + "a" * 5001 + "</b>"}, "description",
         "Die Beschreibung darf höchstens 5000 Zeichen Text enthalten (jetzt: 5001)."),
        ({"target_group_ids": []}, "target_groups",
         "Bitte wählen Sie mindestens eine Zielgruppe."),
        ({"target_group_ids": [2**40]}, "target_groups",
         "Bitte wählen Sie nur Zielgruppen aus der Liste."),
        ({"field_ids": [999999]}, "fields", "Bitte wählen Sie nur Berufsfelder aus der Liste."),
        ({"min_age": 12}, "min_age",
         "Bitte geben Sie ein Mindestalter zwischen 13 und 99 Jahren an."),
        ({"min_grade": 14}, "min_grade", "Bitte geben Sie eine Klassenstufe zwischen 5 und 13 an."),
        ({"places": 0}, "places", "Bitte geben Sie zwischen 1 und 999 Plätze an."),
        ({"places": 1000}, "places", "Bitte geben Sie zwischen 1 und 999 Plätze an."),
        ({"time_mode": "sometimes"}, "time_mode",
         "Bitte wählen Sie, wann das Angebot stattfindet."),
        ({"time_mode": "range", "end_date": date(2027, 1, 1)}, "start_date",
         "Bitte geben Sie an, ab wann das Angebot läuft."),
        ({"time_mode": "range", "start_date": date(2027, 2, 1), "end_date": date(2027, 1, 31)},
         "end_date", "Das Ende darf nicht vor dem Beginn liegen."),
        ({"time_mode": "range", "start_date": date(1999, 12, 31), "end_date": date(2026, 1, 1)},
         "start_date", "Bitte geben Sie ein Datum zwischen 2000 und 2100 an."),
        ({"time_mode": "fixed", "fixed_dates": [date(9999, 12, 31)]}, "fixed_dates",
         "Bitte geben Sie ein Datum zwischen 2000 und 2100 an."),
        ({"time_mode": "fixed"}, "fixed_dates", "Bitte geben Sie mindestens einen Termin an."),
        ({"time_mode": "yearly"}, "recur_start",
         "Bitte geben Sie an, von wann bis wann das Angebot jedes Jahr stattfindet."),
        ({"time_mode": "yearly", "recurrence": Window(2, 30, 3, 1)}, "recur_start",
         "Diesen Tag gibt es nicht. Bitte prüfen Sie das Datum."),
        ({"place_mode": "moon"}, "place_mode", "Bitte wählen Sie, wo das Angebot stattfindet."),
        ({"place_mode": "other", "postcode": "0774", "city": "Jena"}, "postcode",
         "Bitte geben Sie eine fünfstellige Postleitzahl an."),
        ({"place_mode": "other", "postcode": "07743", "city": " "}, "city",
         "Bitte geben Sie den Ort an."),
        ({"apply_url": "javascript:alert(1)"}, "apply_url",
         "Bitte geben Sie einen vollständigen Link an, der mit https:// oder http:// beginnt."),
        ({"apply_url": "ftp://betrieb.example/x"}, "apply_url",
         "Bitte geben Sie einen vollständigen Link an, der mit https:// oder http:// beginnt."),
        ({"apply_email": "keine-adresse"}, "apply_email",
         "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. bewerbung@betrieb.de."),
        ({"apply_email": None}, "apply_contact",
         "Bitte geben Sie an, wie man sich bewirbt: Ansprechperson, Link oder E-Mail-Adresse."),
    ],
)
def test_bad_input_is_refused_at_its_field_and_writes_nothing(
    session, world, company, overrides, field, message
):
    before = session.scalar(select(func.count()).select_from(Offer))
    with pytest.raises(ValidationError) as caught:
        offers.create_offer(session, customer_id(world), offer_input(session, **overrides))
    assert caught.value.errors[field] == message
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Offer)) == before


def test_all_problems_are_reported_at_once(session, world, company):
    data = offer_input(session, title="", target_group_ids=[], places=0, apply_email=None)
    with pytest.raises(ValidationError) as caught:
        validate_input(session, data)
    assert set(caught.value.errors) == {"title", "target_groups", "places", "apply_contact"}


def test_https_and_http_links_and_plain_emails_are_accepted(session, world, company):
    data = offer_input(session, apply_url="https://betrieb.example/bewerben?stelle=1",
                       apply_email="a.b+praktikum@betrieb.example")
    offer = offers.create_offer(session, customer_id(world), data)
    assert offer.apply_url == "https://betrieb.example/bewerben?stelle=1"
    data = offer_input(session, apply_url="http://betrieb.example", apply_email=None)
    assert offers.create_offer(session, customer_id(world), data).apply_url == (
        "http://betrieb.example"
    )


def test_time_fields_of_other_modes_are_dropped(session, world, company):
    data = offer_input(
        session, time_mode="yearly", recurrence=Window(7, 1, 8, 31),
        start_date=date(2026, 1, 1), end_date=date(2026, 2, 1), fixed_dates=[date(2026, 3, 1)],
    )
    offer = offers.create_offer(session, customer_id(world), data)
    assert (offer.start_date, offer.end_date, offer.fixed_dates) == (None, None, [])
    assert (offer.recur_start_month, offer.recur_start_day, offer.recur_end_month,
            offer.recur_end_day) == (7, 1, 8, 31)

    data = offer_input(session, time_mode="fixed",
                       fixed_dates=[date(2027, 3, 19), date(2027, 3, 12), date(2027, 3, 12)],
                       recurrence=Window(7, 1, 8, 31))
    offer = offers.create_offer(session, customer_id(world), data)
    assert offer.fixed_dates == ["2027-03-12", "2027-03-19"]
    assert (offer.start_date, offer.end_date) == (date(2027, 3, 12), date(2027, 3, 19))
    assert offer.recur_start_month is None


def test_no_profile_means_no_offer(session, world):
    with pytest.raises(NotFound):
        offers.create_offer(session, customer_id(world), offer_input(session))


# --- sanitising -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("<p onclick=\"x()\">Hallo <script>alert(1)</script><strong>Welt</strong></p>",
         "<p>Hallo <strong>Welt</strong></p>"),
        ('<a href="javascript:alert(1)">Link</a>',
         '<a rel="noopener noreferrer nofollow">Link</a>'),
        ("Null\x00bytes\x07 raus", "<p>Nullbytes raus</p>"),
        ('<img src=x onerror="alert(1)"><p>Text</p>', "<p>Text</p>"),
        ("Erste Zeile\nzweite Zeile\n\nNeuer Absatz", "<p>Erste Zeile<br>zweite Zeile</p>"
         "<p>Neuer Absatz</p>"),
        ("Alter < 18 & > 14", "<p>Alter &lt; 18 &amp; &gt; 14</p>"),
    ],
)
def test_descriptions_are_sanitised(session, world, company, typed, stored):
    offer = offers.create_offer(session, customer_id(world), offer_input(session,
                                                                         description=typed))
    assert offer.description_html == stored


def test_markup_does_not_count_towards_the_length_limit(session, world, company):
    text = "<p><strong>" + "a" * 4990 + "</strong></p>"
    offer = offers.create_offer(session, customer_id(world), offer_input(session,
                                                                         description=text))
    assert len(offer.description_html) > 5000


@pytest.mark.parametrize(
    "typed", ["Erste Zeile\nzweite Zeile\n\nNeuer Absatz", "Alter < 18 & > 14", "Nur ein Satz."]
)
def test_plain_text_comes_back_as_typed_for_editing(typed):
    assert description_for_editing(description_to_html(typed)) == typed


def test_html_stays_html_for_editing():
    html = "<p>Mit <strong>Fett</strong></p>"
    assert description_for_editing(html) == html


# --- ownership --------------------------------------------------------------------------------


def test_another_companys_offer_is_not_found(session, world, company):
    factories.ProfileFactory(customer=world.b.customer, region=world.region, status="published")
    session.flush()
    other = offers.create_offer(session, customer_id(world, "b"), offer_input(session))
    session.commit()
    before = row_state(session, other.id)
    for call in (
        lambda: offers.get_offer(session, customer_id(world), other.id),
        lambda: offers.update_offer(session, customer_id(world), other.id,
                                    offer_input(session, title="Gekapert"), other.version),
        lambda: offers.submit_offer(session, customer_id(world), other.id),
        lambda: offers.duplicate_offer(session, customer_id(world), other.id),
        lambda: offers.delete_offer(session, customer_id(world), other.id),
        lambda: offers.archive_offer(session, customer_id(world), other.id),
        lambda: offers.get_offer(session, customer_id(world), 2**40),
    ):
        with pytest.raises(NotFound):
            call()
    session.rollback()
    assert row_state(session, other.id) == before
    assert session.scalar(select(func.count()).select_from(Offer)) == 1


# --- status transitions -----------------------------------------------------------------------


def _published_offer(session, world, **overrides) -> Offer:
    offer = offers.create_offer(session, customer_id(world), offer_input(session, **overrides))
    world.region.review_rule = "none"
    assert offers.submit_offer(session, customer_id(world), offer.id) == "published"
    world.region.review_rule = "every_change"
    session.commit()
    return offer


@pytest.mark.parametrize(
    ("rule", "first", "second"),
    [
        ("none", "published", "published"),
        ("first_publication", "in_review", "published"),
        ("every_change", "in_review", "in_review"),
    ],
)
def test_submitting_follows_the_review_rule_of_the_profiles_region(
    session, world, company, rule, first, second
):
    world.region.review_rule = rule
    session.flush()
    offer = offers.create_offer(session, customer_id(world), offer_input(session))
    assert offers.submit_offer(session, customer_id(world), offer.id) == first
    if first == "in_review":
        assert offer.published_snapshot is None
        publication.approve(session, offer, offer_snapshot, world.admin.id)
    assert offer.status == "published"
    assert offer.published_snapshot["title"] == "Praktikum in der Werkstatt"

    offers.update_offer(session, customer_id(world), offer.id,
                        offer_input(session, title="Neuer Titel"), offer.version)
    assert offer.status == "draft"
    assert offers.submit_offer(session, customer_id(world), offer.id) == second
    expected = "Neuer Titel" if second == "published" else "Praktikum in der Werkstatt"
    assert offer.published_snapshot["title"] == expected


def test_the_rule_comes_from_the_profiles_region(session, world, company):
    lenient = factories.RegionFactory(review_rule="none", prefixes=["16071"])
    company.region_id = lenient.id
    session.flush()
    offer = offers.create_offer(session, customer_id(world), offer_input(session))
    assert offers.submit_offer(session, customer_id(world), offer.id) == "published"


def test_editing_a_published_offer_keeps_the_public_version(session, world, company):
    offer = _published_offer(session, world)
    public = dict(offer.published_snapshot)
    offers.update_offer(session, customer_id(world), offer.id,
                        offer_input(session, title="Geänderter Titel"), offer.version)
    session.commit()
    assert offer.status == "draft" and offer.title == "Geänderter Titel"
    assert offer.published_snapshot == public
    assert publication.is_public(offer), "the last released version stays online"
    assert offers.has_pending_changes(offer)


def test_an_unchanged_save_changes_no_status(session, world, company):
    offer = _published_offer(session, world)
    version = offer.version
    offers.update_offer(session, customer_id(world), offer.id, offer_input(session), version)
    session.commit()
    assert offer.status == "published" and offer.version == version


def test_editing_an_offer_in_review_withdraws_it_to_draft(session, world, company):
    offer = offers.create_offer(session, customer_id(world), offer_input(session))
    offers.submit_offer(session, customer_id(world), offer.id)
    assert offer.status == "in_review"
    offers.update_offer(session, customer_id(world), offer.id,
                        offer_input(session, places=3), offer.version)
    assert offer.status == "draft"


def test_pause_and_resume(session, world, company):
    offer = _published_offer(session, world)
    offers.pause_offer(session, customer_id(world), offer.id)
    assert offer.status == "paused" and not publication.is_public(offer)
    assert offer.published_snapshot is not None
    offers.resume_offer(session, customer_id(world), offer.id)
    assert offer.status == "published" and publication.is_public(offer)


def test_pause_resume_and_archive_keep_the_search_index_in_step(session, world, company):
    offer = _published_offer(session, world)
    indexed = select(func.count()).select_from(SearchDoc).where(SearchDoc.offer_id == offer.id)
    assert session.scalar(indexed) == 1
    offers.pause_offer(session, customer_id(world), offer.id)
    assert session.scalar(indexed) == 0, "a paused offer is not findable"
    offers.resume_offer(session, customer_id(world), offer.id)
    assert session.scalar(indexed) == 1
    offers.archive_offer(session, customer_id(world), offer.id)
    assert session.scalar(indexed) == 0


def test_resuming_with_pending_changes_leaves_a_draft_to_submit(session, world, company):
    offer = _published_offer(session, world)
    offers.pause_offer(session, customer_id(world), offer.id)
    offers.update_offer(session, customer_id(world), offer.id,
                        offer_input(session, title="Im Urlaub geändert"), offer.version)
    assert offer.status == "paused", "saving does not unpause"
    offers.resume_offer(session, customer_id(world), offer.id)
    assert offer.status == "draft"
    assert offer.published_snapshot["title"] == "Praktikum in der Werkstatt"


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (offers.pause_offer, "Nur veröffentlichte Angebote können pausiert werden."),
        (offers.resume_offer, "Nur pausierte Angebote können fortgesetzt werden."),
    ],
)
def test_refused_transitions_change_nothing(session, world, company, action, message):
    offer = offers.create_offer(session, customer_id(world), offer_input(session))
    session.commit()
    before = row_state(session, offer.id)
    with pytest.raises(ValidationError) as caught:
        action(session, customer_id(world), offer.id)
    assert caught.value.errors == {"status": message}
    session.rollback()
    assert row_state(session, offer.id) == before


def test_archive_hides_and_freezes_an_offer(session, world, company):
    offer = _published_offer(session, world)
    offers.archive_offer(session, customer_id(world), offer.id)
    assert offer.status == "archived" and not publication.is_public(offer)
    with pytest.raises(ValidationError) as caught:
        offers.update_offer(session, customer_id(world), offer.id, offer_input(session),
                            offer.version)
    assert "Kopie" in caught.value.errors["status"]
    with pytest.raises(ValidationError):
        offers.submit_offer(session, customer_id(world), offer.id)
    assert offers.allowed_actions(offer) == {"duplicate", "restore"}


def test_only_never_published_drafts_can_be_deleted(session, world, company):
    draft = offers.create_offer(session, customer_id(world), offer_input(session))
    offers.delete_offer(session, customer_id(world), draft.id)
    session.commit()
    assert session.get(Offer, draft.id) is None

    released = _published_offer(session, world)
    offers.update_offer(session, customer_id(world), released.id,
                        offer_input(session, title="Wieder Entwurf"), released.version)
    session.commit()
    assert released.status == "draft"
    with pytest.raises(ValidationError) as caught:
        offers.delete_offer(session, customer_id(world), released.id)
    assert "Archivieren" in caught.value.errors["status"]
    session.rollback()
    assert session.get(Offer, released.id) is not None


def test_duplicate_is_a_new_draft_with_the_same_content(session, world, company):
    source = _published_offer(
        session, world, groups=("schueler", "lehrkraefte"), field_keys=("it", "metall"),
        time_mode="fixed", fixed_dates=[date(2027, 3, 12)], places=4,
        title="x" * 120,
    )
    copy = offers.duplicate_offer(session, customer_id(world), source.id)
    session.commit()
    assert copy.id != source.id and copy.profile_id == source.profile_id
    assert copy.status == "draft" and copy.published_snapshot is None
    assert copy.published_at is None and copy.submitted_at is None
    assert copy.title.startswith("Kopie von xxx") and len(copy.title) == 120
    assert sorted(g.key for g in copy.target_groups) == ["lehrkraefte", "schueler"]
    assert sorted(f.key for f in copy.fields) == ["it", "metall"]
    assert (copy.fixed_dates, copy.places) == (["2027-03-12"], 4)
    assert "delete" in offers.allowed_actions(copy)
    assert source.status == "published"


def test_make_yearly_turns_a_past_period_into_a_window(session, world, company):
    offer = _published_offer(session, world, time_mode="range", start_date=date(2025, 12, 20),
                             end_date=date(2026, 1, 6))
    offers.make_yearly(session, customer_id(world), offer.id, today=TODAY)
    assert offer.time_mode == "yearly" and offer.status == "draft"
    assert offer_timing.Timing.of_offer(offer).window == Window(12, 20, 1, 6)
    assert (offer.start_date, offer.end_date) == (None, None)
    assert offer_timing.Timing.of_offer(offer).next(TODAY) == Period(date(2026, 12, 20),
                                                                     date(2027, 1, 6))


def test_make_yearly_refuses_periods_of_a_year_or_more(session, world, company):
    data = offer_input(session, type_key="ausbildungsplatz", time_mode="range",
                       start_date=date(2026, 8, 1), end_date=date(2029, 7, 31))
    offer = offers.create_offer(session, customer_id(world), data)
    with pytest.raises(ValidationError) as caught:
        offers.make_yearly(session, customer_id(world), offer.id)
    assert "ein Jahr oder länger" in caught.value.errors["time_mode"]


# --- optimistic lock --------------------------------------------------------------------------


def test_a_stale_version_is_an_edit_conflict(session, world, company):
    offer = offers.create_offer(session, customer_id(world), offer_input(session))
    session.commit()
    offers.update_offer(session, customer_id(world), offer.id,
                        offer_input(session, title="Erste Änderung"), 1)
    session.commit()
    with pytest.raises(EditConflict):
        offers.update_offer(session, customer_id(world), offer.id,
                            offer_input(session, title="Zweite Änderung"), 1)
    session.rollback()
    assert row_state(session, offer.id)["title"] == "Erste Änderung"


def test_a_concurrent_commit_is_an_edit_conflict_not_an_error(session, engine, world, company):
    offer = offers.create_offer(session, customer_id(world), offer_input(session))
    session.commit()
    with Session(engine, expire_on_commit=False) as first:
        mine = offers.get_offer(first, customer_id(world), offer.id)
        first.commit()  # the form is open; nothing is locked meanwhile
        with Session(engine) as second:
            offers.update_offer(second, customer_id(world), offer.id,
                                offer_input(second, title="Von nebenan"), 1)
            second.commit()
        assert mine.version == 1, "this session still holds the version it opened"
        with pytest.raises(EditConflict):
            offers.update_offer(first, customer_id(world), offer.id,
                                offer_input(first, title="Meine Fassung"), 1)
        first.rollback()
    assert row_state(session, offer.id)["title"] == "Von nebenan"


# --- what the company sees --------------------------------------------------------------------


def test_views_come_from_the_daily_counters(session, world, company):
    offer = _published_offer(session, world)
    other = _published_offer(session, world, title="Anderes Angebot")
    session.add_all([
        DailyCounter(day=date(2026, 11, 1), metric="offer_view", scope="jena",
                     subject=f"offer:{offer.id}", value=5),
        DailyCounter(day=date(2026, 11, 2), metric="offer_view", scope="jena",
                     subject=f"offer:{offer.id}", value=7),
        DailyCounter(day=date(2026, 11, 2), metric="offer_view", scope="",
                     subject=f"offer:{offer.id}", value=1),
        DailyCounter(day=date(2026, 11, 2), metric="profile_view", scope="jena",
                     subject=f"offer:{offer.id}", value=100),
        DailyCounter(day=date(2026, 11, 2), metric="offer_view", scope="jena",
                     subject=f"offer:{offer.id}0", value=100),
    ])
    session.commit()
    assert offer_display.view_counts(session, [offer.id, other.id]) == {offer.id: 13}
    rows = {r.offer.id: r for r in offer_display.overview(session, customer_id(world), TODAY,
                                                          utcnow(), 365).rows}
    assert rows[offer.id].views == 13 and rows[other.id].views == 0


def test_a_draft_shows_no_view_count(session, world, company):
    offers.create_offer(session, customer_id(world), offer_input(session))
    session.commit()
    [row] = offer_display.overview(session, customer_id(world), TODAY, utcnow(), 365).rows
    assert row.views is None


def test_stale_offers_are_flagged_not_hidden(session, world, company):
    offer = _published_offer(session, world)
    session.execute(update(Offer).where(Offer.id == offer.id)
                    .values(updated_at=utcnow() - timedelta(days=400)))
    session.commit()
    session.expire_all()
    [row] = offer_display.overview(session, customer_id(world), TODAY, utcnow(), 365).rows
    assert row.stale and "confirm" in row.actions
    assert any("Seit über 365 Tagen nicht geändert" in note for note in row.notes)
    assert row.offer.status == "published" and publication.is_public(row.offer)

    [row] = offer_display.overview(session, customer_id(world), TODAY, utcnow(), 500).rows
    assert not row.stale, "the threshold is the setting's"

    offers.confirm_current(session, customer_id(world), offer.id)
    session.commit()
    [row] = offer_display.overview(session, customer_id(world), TODAY, utcnow(), 365).rows
    assert not row.stale and row.offer.status == "published"


def test_offers_of_an_unpublished_profile_say_so(session, world):
    profile = factories.ProfileFactory(customer=world.a.customer, region=world.region)
    session.flush()
    world.region.review_rule = "none"
    offer = offers.create_offer(session, customer_id(world), offer_input(session))
    assert offers.submit_offer(session, customer_id(world), offer.id) == "published"
    session.commit()
    assert publication.is_public(offer) and not offer_display.is_visible(offer, profile)
    overview = offer_display.overview(session, customer_id(world), TODAY, utcnow(), 365)
    assert not overview.profile_public
    assert "Wird sichtbar, sobald Ihr Arbeitgeberprofil veröffentlicht ist." in (
        overview.rows[0].notes
    )
    assert "profile_unpublished" in {h.code for h in offer_display.hints(offer, profile, TODAY)}

    publication.submit(session, profile, world.region, lambda p: {"display_name": "x"}, None)
    assert offer_display.is_visible(offer, profile)


def test_prefill_comes_from_the_profile_and_the_customer(session, world, company):
    values = offers.prefill(session, customer_id(world))
    assert values == {
        "place_mode": "company",
        "time_mode": "by_arrangement",
        "apply_contact": "Frau Beispiel, 03641 123456",
        "apply_email": "ausbildung@optik-alpha.example",
    }
    company.contact_email = None
    company.contact_name = company.contact_phone = None
    values = offers.prefill(session, customer_id(world))
    assert values["apply_email"] == world.a.customer.email and values["apply_contact"] is None


# --- hints ------------------------------------------------------------------------------------


def _hint_codes(session, world, **overrides) -> set[str]:
    offer = offers.create_offer(session, customer_id(world), offer_input(session, **overrides))
    return {h.code for h in offer_display.hints(offer, offer.profile, TODAY)}


@pytest.mark.parametrize(
    ("overrides", "present", "absent"),
    [
        ({"type_key": "ferienjob", "min_age": 14}, {"jarbschg_child"}, {"jarbschg_days"}),
        ({"type_key": "ferienjob", "min_age": 15}, set(), {"jarbschg_child"}),
        ({"type_key": "schuelerpraktikum", "min_age": 13}, set(), {"jarbschg_child"}),
        ({"type_key": "ferienjob", "time_mode": "range", "start_date": date(2027, 7, 5),
          "end_date": date(2027, 8, 2)}, {"jarbschg_days"}, set()),
        ({"type_key": "ferienjob", "time_mode": "range", "start_date": date(2027, 7, 5),
          "end_date": date(2027, 7, 30)}, set(), {"jarbschg_days"}),
        ({"type_key": "ferienjob", "time_mode": "yearly", "recurrence": Window(7, 1, 8, 31)},
         {"jarbschg_days"}, {"past"}),
        ({"type_key": "ferienjob", "groups": ("studierende",), "time_mode": "range",
          "start_date": date(2027, 7, 1), "end_date": date(2027, 9, 30)}, set(),
         {"jarbschg_days"}),
        ({"type_key": "ausbildungsplatz", "time_mode": "range", "start_date": date(2027, 8, 1),
          "end_date": date(2030, 7, 31)}, set(), {"jarbschg_days"}),
        ({"time_mode": "range", "start_date": date(2026, 7, 6), "end_date": date(2026, 7, 10)},
         {"past"}, {"expired"}),
        ({"time_mode": "fixed", "fixed_dates": [date(2026, 11, 20)]}, {"past"}, set()),
        ({"time_mode": "fixed", "fixed_dates": [date(2026, 11, 21)]}, set(), {"past"}),
        ({"valid_until": date(2026, 11, 1)}, {"expired"}, {"past"}),
    ],
)
def test_hints_are_shown_but_never_block(session, world, company, overrides, present, absent):
    codes = _hint_codes(session, world, **overrides)
    assert present <= codes and not (absent & codes), codes


def test_the_working_day_hint_names_the_count(session, world, company):
    offer = offers.create_offer(session, customer_id(world), offer_input(
        session, type_key="ferienjob", time_mode="range", start_date=date(2027, 7, 5),
        end_date=date(2027, 8, 13)))
    [hint] = [h for h in offer_display.hints(offer, offer.profile, TODAY)
              if h.code == "jarbschg_days"]
    assert "30 Arbeitstage" in hint.message and "§ 5 Abs. 4 JArbSchG" in hint.message


# --- places -----------------------------------------------------------------------------------


def test_postcodes_are_located_at_the_centroid_of_host_customers(session, world):
    factories.CustomerFactory(postcode="99423", lat=50.98, lon=11.32)
    factories.CustomerFactory(postcode="99423", lat=50.96, lon=11.34)
    factories.CustomerFactory(postcode="99423", lat=None, lon=None)
    session.flush()
    found = geocoding.locate(session, "99423", "Weimar")
    assert (found.lat, found.lon, found.precision) == (pytest.approx(50.97), pytest.approx(11.33),
                                                       "postcode")
    assert geocoding.locate(session, "01067", "Dresden") is None
    assert geocoding.locate(session, "9942", "Weimar") is None
    assert geocoding.locate(session, None, None) is None


def test_an_offer_at_the_company_uses_the_company_address(session, world, company):
    customer = world.a.customer
    offer = offers.create_offer(session, customer_id(world), offer_input(session))
    assert (offer.street, offer.postcode, offer.city) == (customer.street, customer.postcode,
                                                          customer.city)
    assert (offer.lat, offer.lon) == (customer.lat, customer.lon)


def test_another_address_is_located_or_left_for_later(session, world, company):
    factories.CustomerFactory(postcode="99423", lat=50.98, lon=11.32)
    session.flush()
    data = offer_input(session, place_mode="other", street="Markt 1", postcode="99423",
                       city="Weimar")
    offer = offers.create_offer(session, customer_id(world), data)
    assert (offer.street, offer.postcode, offer.city) == ("Markt 1", "99423", "Weimar")
    assert (offer.lat, offer.lon) == (pytest.approx(50.98), pytest.approx(11.32))
    assert "locate_later" not in {h.code for h in offer_display.hints(offer, company, TODAY)}

    unknown = offers.create_offer(session, customer_id(world), replace(
        data, postcode="01067", city="Dresden"))
    assert (unknown.lat, unknown.lon) == (None, None)
    assert "locate_later" in {h.code for h in offer_display.hints(unknown, company, TODAY)}


# --- the public body --------------------------------------------------------------------------


def test_public_view_resolves_names_and_the_next_occurrence(session, world, company):
    offer = offers.create_offer(session, customer_id(world), offer_input(
        session, groups=("schueler", "studierende"), field_keys=("it",), time_mode="yearly",
        recurrence=Window(12, 20, 1, 6), apply_url="https://betrieb.example/jobs"))
    view = offer_display.public_view(session, offer_snapshot(offer), date(2027, 1, 3))
    assert view["type_name"] == "Schülerpraktikum"
    assert view["target_group_names"] == ["Schülerinnen und Schüler", "Studierende"]
    assert view["field_names"] == ["IT, Computer"]
    assert view["time_text"] == "jedes Jahr vom 20.12. bis 06.01."
    assert view["next_period"] == Period(date(2026, 12, 20), date(2027, 1, 6))
    assert view["next_text"] == "Läuft gerade, bis 06.01.2027"
    assert view["apply_url"] == "https://betrieb.example/jobs"


def test_public_view_never_passes_an_unsafe_link_or_markup(session, world, company):
    offer = offers.create_offer(session, customer_id(world), offer_input(session))
    snapshot = offer_snapshot(offer)
    snapshot["apply"]["url"] = "javascript:alert(1)"
    snapshot["description_html"] = "<p>ok</p><script>alert(1)</script>"
    view = offer_display.public_view(session, snapshot, TODAY)
    assert view["apply_url"] is None and view["description_html"] == "<p>ok</p>"


def test_overview_lists_only_the_own_offers_with_their_time(session, world, company):
    factories.ProfileFactory(customer=world.b.customer, region=world.region, status="published")
    session.flush()
    offers.create_offer(session, customer_id(world, "b"), offer_input(session, title="Von B"))
    offers.create_offer(session, customer_id(world), offer_input(
        session, time_mode="yearly", recurrence=Window(7, 1, 8, 31)))
    session.commit()
    overview = offer_display.overview(session, customer_id(world), TODAY,
                               datetime(2026, 11, 21, 12), 365)
    assert [r.offer.title for r in overview.rows] == ["Praktikum in der Werkstatt"]
    row = overview.rows[0]
    assert row.time_text == "jedes Jahr vom 01.07. bis 31.08."
    assert row.next_text == "Nächster Termin: 01.07.2027 bis 31.08.2027"
    assert row.needs_review and overview.profile_public
