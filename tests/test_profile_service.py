"""The profile service: validation, sanitising, status transitions, optimistic locking, staleness.

Real database (SQLite and PostgreSQL), no mocks: two sessions on one database for the races.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import (
    AuditEntry,
    Benefit,
    EmployerProfile,
    OccupationalField,
    TrainingOccupation,
)
from kwis_job_plugin.models.base import utcnow
from kwis_job_plugin.services import (
    profile_display,
    profile_input,
    profiles,
    publication,
    taxonomy,
)
from kwis_job_plugin.services.errors import EditConflict, NotFound, ValidationError
from kwis_job_plugin.services.slugs import slugify, unique_slug

Input = profile_input.ProfileInput


def _version(session, user) -> int:
    profile = profiles.profile_for_customer(session, user.customer.id)
    return profile.version if profile else 0


def save(session, user, data: Input | None = None, version: int | None = None, **kwargs):
    return profiles.save_profile(
        session, user.customer.id, data or Input(**kwargs),
        expected_version=_version(session, user) if version is None else version,
        actor_user_id=user.id,
    )


def errors_of(session, user, **kwargs) -> dict[str, str]:
    with pytest.raises(ValidationError) as error:
        save(session, user, **kwargs)
    session.rollback()
    return error.value.errors


def term(session, model, key):
    return session.scalar(select(model).where(model.key == key))


def complete(session, **extra) -> Input:
    """Enough to be submitted: a text and one occupational field."""
    values = {"philosophy": "Wir schleifen Brillengläser.",
              "field_ids": [term(session, OccupationalField, "gesundheit").id]}
    return Input(**{**values, **extra})


# -- creating and prefilling -----------------------------------------------------------------


def test_first_save_creates_a_draft_from_the_host_record(session, world):
    profile = save(session, world.a, Input(philosophy="Hallo"))
    session.commit()
    assert profile.customer_id == world.a.customer.id
    assert profile.display_name == "Optik Alpha" and profile.slug == "optik-alpha"
    assert profile.status == "draft" and profile.region_id == world.region.id
    assert profile.version == 1 and profile.updated_by_user_id == world.a.id
    assert session.scalar(select(AuditEntry.action)) == "employerprofile.created"
    assert profiles.prefill(world.a.customer) == {
        "contact_email": "info@optik-alpha.example", "contact_phone": "03641 000000",
    }


def test_slugs_stay_unique_for_companies_with_the_same_name(session, world):
    twin = factories.UserFactory(customer__name="Optik Alpha", customer__ags="16053000")
    first = save(session, world.a, Input())
    second = save(session, twin, Input())
    assert first.slug == "optik-alpha" and second.slug == "optik-alpha-2"
    assert slugify("Bäckerei Größe & Söhne") == "baeckerei-groesse-soehne"
    assert unique_slug("!!!", lambda s: False) == "betrieb"


def test_a_company_outside_every_region_gets_no_region(session, world):
    profile = save(session, world.outside, Input())
    assert profile.region_id is None


# -- validation and sanitising ---------------------------------------------------------------


def test_rich_text_is_sanitised(session, world):
    profile = save(session, world.a, philosophy=(
        '<p onclick="steal()">Wir <strong>bilden</strong> aus.<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">klick</a><a href="https://optik.example">Web</a>'
        '<img src=x onerror=alert(1)><style>p{}</style><iframe src="https://evil.example">'
    ))
    html = profile.philosophy_html
    assert "<strong>bilden</strong>" in html
    for bad in ("script", "alert", "onclick", "javascript:", "<img", "<style", "iframe"):
        assert bad not in html, bad
    assert '<a href="https://optik.example" rel="noopener noreferrer nofollow">Web</a>' in html


def test_plain_text_becomes_paragraphs_and_comes_back_as_typed(session, world):
    typed = "Erster Absatz.\nZweite Zeile & mehr.\n\nZweiter Absatz mit 3 < 4."
    profile = save(session, world.a, philosophy=typed)
    assert profile.philosophy_html == (
        "<p>Erster Absatz.<br>Zweite Zeile &amp; mehr.</p><p>Zweiter Absatz mit 3 &lt; 4.</p>")
    assert profile_input.html_to_editable(profile.philosophy_html) == typed
    rich = "<p>Mit <em>Betonung</em></p>"
    assert profile_input.html_to_editable(profile_input.philosophy_to_html(rich)) == rich


def test_the_length_limit_counts_visible_text_not_markup(session, world):
    at_limit = "<p>" + "<em>abc</em>" * (profile_input.PHILOSOPHY_MAX_TEXT // 3) + "</p>"
    assert save(session, world.a, philosophy=at_limit).philosophy_html
    session.rollback()
    errors = errors_of(session, world.a, philosophy="x" * (profile_input.PHILOSOPHY_MAX_TEXT + 1))
    assert errors == {"philosophy": "Der Text ist zu lang: höchstens 3000 Zeichen, Ihr Text "
                                    "hat 3001."}


@pytest.mark.parametrize(("url", "fragment"), [
    ("http://www.youtube.com/watch?v=abc", "mit https:// beginnt"),
    ("https://evil.example/watch?v=abc", "nur zu diesen Seiten möglich"),
    ("https://www.youtube.com@evil.example/x", "mit https:// beginnt"),
    ("https://www.youtube.com:8443/x", "mit https:// beginnt"),
    ("javascript:alert(1)//https://youtu.be/", "mit https:// beginnt"),
    ("https://youtu.be/ab c", "mit https:// beginnt"),
    ("youtube.com/watch?v=abc", "mit https:// beginnt"),
])
def test_video_links_only_https_to_allowed_hosts(session, world, url, fragment):
    errors = errors_of(session, world.a, video_url=url)
    assert list(errors) == ["video_url"] and fragment in errors["video_url"]
    assert profiles.profile_for_customer(session, world.a.customer.id) is None


def test_video_hosts_come_from_the_setting(session, world):
    data = Input(video_url="https://video.stadt-jena.example/ausbildung")
    with pytest.raises(ValidationError):
        profiles.save_profile(session, world.a.customer.id, data, expected_version=0,
                              actor_user_id=world.a.id)
    profile = profiles.save_profile(session, world.a.customer.id, data, expected_version=0,
                                    actor_user_id=world.a.id,
                                    video_hosts=["video.stadt-jena.example"])
    assert profile.video_url == "https://video.stadt-jena.example/ausbildung"


def test_social_links_https_only_and_on_the_network_they_claim(session, world):
    errors = errors_of(session, world.a, social_links={
        "instagram": "https://www.facebook.com/optik",
        "facebook": "http://www.facebook.com/optik",
        "linkedin": "https://www.linkedin.com/company/optik",
    })
    assert set(errors) == {"social_instagram", "social_facebook"}
    profile = save(session, world.a, social_links={
        "instagram": " https://www.instagram.com/optik.alpha ",
        "mastodon": "https://social.example/@optik",
        "website": "https://karriere.optik-alpha.example/",
        "myspace": "https://myspace.com/optik",
        "xing": "",
    })
    assert profile.social_links == {
        "instagram": "https://www.instagram.com/optik.alpha",
        "mastodon": "https://social.example/@optik",
        "website": "https://karriere.optik-alpha.example/",
    }


def test_contact_person_is_optional_but_checked_when_given(session, world):
    errors = errors_of(session, world.a, contact_email="keine-adresse",
                       contact_phone="ruf mich an", contact_name="x" * 201)
    assert set(errors) == {"contact_email", "contact_phone", "contact_name"}
    assert "gültige E-Mail-Adresse" in errors["contact_email"]
    assert "nur mit Ziffern" in errors["contact_phone"]
    profile = save(session, world.a, contact_name="Alex Muster", contact_role="Ausbildung",
                   contact_email="ausbildung@optik.example", contact_phone="+49 (3641) 12-34")
    assert (profile.contact_name, profile.contact_phone) == ("Alex Muster", "+49 (3641) 12-34")
    profile = save(session, world.a, Input())
    assert profile.contact_name is None and profile.contact_email is None


def test_benefits_from_the_taxonomy_plus_three_own(session, world):
    jobticket = term(session, Benefit, "jobticket")
    errors = errors_of(session, world.a, custom_benefits=["a", "b", "c", "d"])
    assert "höchstens 3 eigene Vorteile" in errors["custom_benefit_4"]
    errors = errors_of(session, world.a, custom_benefits=["x" * 81])
    assert "höchstens 80 Zeichen" in errors["custom_benefit_1"]
    profile = save(session, world.a, benefit_ids=[jobticket.id],
                   custom_benefits=[" Obstkorb ", "obstkorb", ""])
    assert [b.key for b in profile.benefits] == ["jobticket"]
    assert profile.custom_benefits == ["Obstkorb"]


def test_only_active_taxonomy_terms_can_be_chosen(session, world):
    retired = term(session, TrainingOccupation, "maurer")
    retired.active = False  # never committed: the seeded taxonomies outlive each test
    session.flush()
    assert retired not in taxonomy.active_terms(session, TrainingOccupation)
    errors = errors_of(session, world.a, occupation_ids=[retired.id], field_ids=[999999])
    assert errors == {"occupations": "Bitte wählen Sie nur Einträge aus der Liste.",
                      "occupational_fields": "Bitte wählen Sie nur Einträge aus der Liste."}


def test_every_problem_is_reported_at_once_and_nothing_is_written(session, world):
    save(session, world.a, philosophy="Vorher")
    session.commit()
    errors = errors_of(session, world.a, philosophy="Nachher", video_url="http://x.example",
                       contact_email="@", social_links={"tiktok": "https://evil.example"})
    assert set(errors) == {"video_url", "contact_email", "social_tiktok"}
    profile = profiles.profile_for_customer(session, world.a.customer.id)
    assert profile.philosophy_html == "<p>Vorher</p>" and profile.version == 1


# -- status transitions ----------------------------------------------------------------------


@pytest.mark.parametrize(("rule", "after_submit"), [
    ("none", "published"), ("first_publication", "in_review"), ("every_change", "in_review"),
])
def test_submitting_follows_the_region_rule(session, world, rule, after_submit):
    world.region.review_rule = rule
    save(session, world.a, complete(session))
    status = profiles.submit_profile(session, world.a.customer.id, actor_user_id=world.a.id)
    session.commit()
    profile = profiles.profile_for_customer(session, world.a.customer.id)
    assert status == profile.status == after_submit
    assert (profile.published_snapshot is not None) == (after_submit == "published")


def test_an_edit_keeps_the_published_version_until_approved(session, world):
    world.region.review_rule = "every_change"
    profile = save(session, world.a, complete(session))
    profiles.submit_profile(session, world.a.customer.id, actor_user_id=world.a.id)
    profiles.approve_profile(session, profile, world.admin.id)
    session.commit()
    assert profile.status == "published" and not profiles.has_unpublished_changes(profile)
    public = dict(profile.published_snapshot)

    save(session, world.a, complete(session, contact_name="Neue Ansprechperson"))
    session.commit()
    assert profile.status == "draft", "changes pending"
    assert profile.published_snapshot == public and publication.is_public(profile)
    assert profiles.has_unpublished_changes(profile)

    profiles.submit_profile(session, world.a.customer.id, actor_user_id=world.a.id)
    assert profile.status == "in_review" and profile.published_snapshot == public

    publication.reject(session, profile, world.admin.id, "Bitte mit Funktion angeben.")
    assert profile.status == "draft" and profile.published_snapshot == public
    assert profile.review_comment == "Bitte mit Funktion angeben."

    save(session, world.a, complete(session, contact_name="Neue Ansprechperson",
                                    contact_role="Ausbildungsleitung"))
    profiles.submit_profile(session, world.a.customer.id, actor_user_id=world.a.id)
    profiles.approve_profile(session, profile, world.admin.id)
    assert profile.published_snapshot["contact"]["role"] == "Ausbildungsleitung"
    assert profile.review_comment is None and not profiles.has_unpublished_changes(profile)


def test_first_publication_rule_publishes_later_edits_directly(session, world):
    world.region.review_rule = "first_publication"
    profile = save(session, world.a, complete(session))
    profiles.submit_profile(session, world.a.customer.id, actor_user_id=world.a.id)
    profiles.approve_profile(session, profile, world.admin.id)
    save(session, world.a, complete(session, philosophy="Neu geschrieben."))
    assert profiles.submit_profile(session, world.a.customer.id,
                                   actor_user_id=world.a.id) == "published"
    assert profile.published_snapshot["philosophy_html"] == "<p>Neu geschrieben.</p>"


def test_editing_during_review_withdraws_the_submission(session, world):
    save(session, world.a, complete(session))
    profiles.submit_profile(session, world.a.customer.id, actor_user_id=world.a.id)
    profile = save(session, world.a, complete(session, contact_name="Kim"))
    assert profile.status == "draft"
    assert profiles.in_review(session)[0] == []


def test_an_unchanged_save_changes_nothing(session, world):
    profile = save(session, world.a, complete(session))
    profiles.submit_profile(session, world.a.customer.id, actor_user_id=world.a.id)
    session.commit()
    version, updated = profile.version, profile.updated_at
    save(session, world.a, complete(session))
    session.commit()
    assert (profile.status, profile.version, profile.updated_at) == ("in_review", version,
                                                                      updated)


def test_what_cannot_be_submitted(session, world):
    with pytest.raises(NotFound):
        profiles.submit_profile(session, world.a.customer.id, actor_user_id=world.a.id)
    save(session, world.a, Input(philosophy="   "))
    with pytest.raises(ValidationError) as incomplete:
        profiles.submit_profile(session, world.a.customer.id, actor_user_id=world.a.id)
    assert set(incomplete.value.errors) == {"philosophy", "occupational_fields"}
    assert "mindestens ein Berufsfeld" in incomplete.value.errors["occupational_fields"]
    profile = save(session, world.a, complete(session))
    assert profile.status == "draft"

    profiles.submit_profile(session, world.a.customer.id, actor_user_id=world.a.id)
    with pytest.raises(ValidationError) as twice:
        profiles.submit_profile(session, world.a.customer.id, actor_user_id=world.a.id)
    assert "bereits zur Prüfung" in twice.value.errors["status"]
    profiles.approve_profile(session, profile, world.admin.id)
    with pytest.raises(ValidationError) as unchanged:
        profiles.submit_profile(session, world.a.customer.id, actor_user_id=world.a.id)
    assert "bereits veröffentlicht" in unchanged.value.errors["status"]


def test_the_input_has_no_way_to_set_status_customer_or_region():
    fields = set(profile_input.ProfileInput.__dataclass_fields__)
    assert not fields & {"status", "customer_id", "region_id", "slug", "published_snapshot",
                         "version", "display_name"}


# -- optimistic locking ----------------------------------------------------------------------


def test_a_stale_form_version_is_a_conflict_and_writes_nothing(session, world):
    save(session, world.a, Input(philosophy="Fassung von Person 1"))
    session.commit()
    save(session, world.a, Input(philosophy="Fassung von Person 2"), version=1)
    session.commit()
    with pytest.raises(EditConflict):
        save(session, world.a, Input(philosophy="Fassung von Person 3"), version=1)
    session.rollback()
    profile = profiles.profile_for_customer(session, world.a.customer.id)
    assert profile.philosophy_html == "<p>Fassung von Person 2</p>" and profile.version == 2


def test_two_people_creating_the_profile_at_once(session, world):
    save(session, world.a, Input(philosophy="Zuerst"), version=0)
    session.commit()
    with pytest.raises(EditConflict):
        save(session, world.a, Input(philosophy="Gleichzeitig"), version=0)


def test_a_race_between_two_sessions_is_caught_by_the_version_column(session, world, engine):
    """Both read version 1 and pass the form check; the database lets only one UPDATE win."""
    save(session, world.a, Input(philosophy="Start"))
    session.commit()
    with Session(engine) as first, Session(engine) as second:
        for s in (first, second):
            assert profiles.profile_for_customer(s, world.a.customer.id).version == 1
        profiles.save_profile(first, world.a.customer.id, Input(philosophy="Erste"),
                              expected_version=1, actor_user_id=world.a.id)
        first.commit()
        with pytest.raises(EditConflict):
            profiles.save_profile(second, world.a.customer.id, Input(philosophy="Zweite"),
                                  expected_version=1, actor_user_id=world.b.id)
        second.rollback()
    session.expire_all()
    profile = profiles.profile_for_customer(session, world.a.customer.id)
    assert profile.philosophy_html == "<p>Erste</p>" and profile.version == 2


# -- staleness -------------------------------------------------------------------------------


def test_profiles_untouched_for_a_year_are_flagged_not_hidden(session, world):
    profile = factories.ProfileFactory(customer=world.a.customer, region=world.region,
                                       status="published")
    fresh = factories.ProfileFactory(customer=world.b.customer, region=world.region)
    session.flush()
    now = utcnow()
    profile.updated_at = now - timedelta(days=366)
    session.flush()
    assert profiles.is_stale(profile, now, 365) and not profiles.is_stale(fresh, now, 365)
    assert profiles.stale_profiles(session, now, 365) == [profile]
    assert publication.is_public(profile), "stale profiles stay public"

    with pytest.raises(EditConflict):
        profiles.confirm_current(session, world.a.customer.id,
                                 expected_version=profile.version - 1, actor_user_id=world.a.id)
    profiles.confirm_current(session, world.a.customer.id, expected_version=profile.version,
                             actor_user_id=world.a.id)
    assert not profiles.is_stale(profile, utcnow(), 365)
    assert profile.status == "published", "confirming changes no status"


def test_preview_shows_unsaved_input_and_writes_nothing(session, world):
    save(session, world.a, Input(philosophy="Gespeichert"))
    session.commit()
    jobticket = term(session, Benefit, "jobticket")
    view = profile_display.preview(session, world.a.customer.id,
                                   Input(philosophy="Nur angesehen", benefit_ids=[jobticket.id],
                                         custom_benefits=["Obstkorb"],
                                         video_url="https://youtu.be/xyz"),
                                   media_url=lambda i: f"/m/{i}")
    session.rollback()
    assert view["philosophy_html"] == "<p>Nur angesehen</p>"
    assert view["benefits"] == ["Jobticket", "Obstkorb"]
    assert view["video"] == {"url": "https://youtu.be/xyz", "host": "youtu.be"}
    assert view["company"]["city"] == "Jena"
    profile = profiles.profile_for_customer(session, world.a.customer.id)
    assert profile.philosophy_html == "<p>Gespeichert</p>" and profile.version == 1
    with pytest.raises(ValidationError):
        profile_display.preview(session, world.a.customer.id, Input(video_url="ftp://x"),
                                media_url=str)
    session.rollback()
    assert session.scalar(select(EmployerProfile.version)) == 1


def test_the_public_view_links_only_plain_web_addresses_from_the_host(session, world):
    world.a.customer.website = "javascript:alert(document.cookie)"
    save(session, world.a, Input(social_links={"xing": "https://www.xing.com/pages/optik"}))
    view = profile_display.working_view(session, world.a.customer.id, media_url=str)
    assert view["company"]["website"] is None
    assert view["social"] == [{"key": "xing", "label": "XING",
                               "url": "https://www.xing.com/pages/optik"}]
    world.a.customer.website = "https://optik-alpha.example"
    view = profile_display.working_view(session, world.a.customer.id, media_url=str)
    assert view["company"]["website"] == "https://optik-alpha.example"
