"""A region's legal data: the service's checks and the admin page "Rechtliche Angaben".

- ``services.legal``: e-mail addresses, https links, telephone numbers and lengths are checked
  with a German message per field and nothing is written; a save audits the changed field names
  and never their values; ``missing`` names what the law asks and a region lacks, and a host page
  stands for the imprint or privacy part.
- The admin page over HTTP on both engines: every field is on the form, refused input comes back
  at its field with 422 and nothing saved, NUL never reaches PostgreSQL, the regions page and the
  page itself say prominently what is missing, region admins reach only their regions.
- The page shows the last recorded accessibility check as the statement reads it: how it was
  done (automatic, by hand, by hand and complete), its date, its scope without the stored marker
  line, and whether it is older than a year.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from support.web import csrf_token, login

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import AuditEntry, RegionAdmin, RegionLegal
from kwis_job_plugin.models.admin_scope import AdminScope
from kwis_job_plugin.services import accessibility_statement, legal
from kwis_job_plugin.services.errors import ValidationError

REGIONS = "/admin/job/regionen"

COMPLETE = {
    "operator_name": "Wirtschaftsförderung Jena GmbH",
    "operator_address": "Markt 1\n07743 Jena",
    "operator_email": "info@wf-jena.example",
    "dpo_email": "datenschutz@wf-jena.example",
    "privacy_authority_name": "Thüringer Landesbeauftragter für den Datenschutz",
    "privacy_authority_url": "https://www.tlfdi.de",
    "accessibility_email": "barrierefrei@wf-jena.example",
    "enforcement_body_name": "Durchsetzungsstelle Thüringen",
    "enforcement_body_url": "https://www.example.de/durchsetzung",
}


def _page(region_id: int) -> str:
    return f"{REGIONS}/{region_id}/rechtliches"


# --- the service -------------------------------------------------------------------------------


def test_every_editable_column_of_the_model_is_a_field():
    columns = set(RegionLegal.__table__.columns.keys())
    bookkeeping = {"region_id", "updated_at", "updated_by_user_id",
                   "accessibility_checked_on", "accessibility_check_scope"}
    assert set(legal.FIELD_NAMES) == columns - bookkeeping


@pytest.mark.parametrize(("name", "value", "words"), [
    ("operator_email", "info@", "E-Mail-Adresse"),
    ("dpo_email", "daten schutz@stadt.de", "E-Mail-Adresse"),
    ("host_imprint_url", "http://www.stadt.de/impressum", "https://"),
    ("sign_language_video_url", "javascript:alert(1)", "https://"),
    ("operator_phone", "bitte anrufen", "Telefonnummer"),
    ("operator_name", "x" * 201, "höchstens 200 Zeichen"),
    ("vat_id", "DE" + "1" * 39, "höchstens 40 Zeichen"),
    ("operator_name", "Stadt\x00Jena", "Steuerzeichen"),
    ("operator_name", "Stadt\nJena", "Zeilenumbrüche"),
    ("operator_address", "Markt 1\x0b", "Steuerzeichen"),
])
def test_refused_values_get_a_german_message_at_their_field(name, value, words):
    with pytest.raises(ValidationError) as error:
        legal.clean({name: value})
    assert list(error.value.errors) == [name]
    assert words in error.value.errors[name]


def test_values_are_trimmed_and_empty_ones_are_none():
    cleaned = legal.clean({"operator_name": "  Stadt Jena ",
                           "operator_address": "Markt 1\r\n07743 Jena", "dpo_name": "   "})
    assert cleaned["operator_name"] == "Stadt Jena"
    assert cleaned["operator_address"] == "Markt 1\n07743 Jena"
    assert cleaned["dpo_name"] is None


def test_missing_names_what_the_law_asks_until_it_is_there():
    assert {g.group for g in legal.missing(None)} == {"imprint", "privacy", "accessibility"}
    assert len(legal.missing(None)) == 8
    complete = RegionLegal(**COMPLETE)
    assert legal.missing(complete) == []
    without_dpo = RegionLegal(**{**COMPLETE, "dpo_email": None})
    assert [g.label for g in legal.missing(without_dpo)] == [
        "Kontakt der oder des Datenschutzbeauftragten"]


def test_a_host_page_stands_for_the_imprint_or_privacy_part():
    only_pages = RegionLegal(host_imprint_url="https://www.stadt.example/impressum",
                             host_privacy_url="https://www.stadt.example/datenschutz")
    assert {g.group for g in legal.missing(only_pages)} == {"accessibility"}


def test_a_named_controller_replaces_the_operator_in_the_privacy_part():
    data = {k: v for k, v in COMPLETE.items() if not k.startswith("operator_")}
    gaps = {g.label for g in legal.missing(RegionLegal(**data))}
    assert "Verantwortliche Stelle mit Anschrift" in gaps
    named = RegionLegal(**data, controller="Stadt Jena, Am Anger 15, 07743 Jena")
    assert "Verantwortliche Stelle mit Anschrift" not in {g.label for g in legal.missing(named)}


def test_missing_by_region_covers_regions_without_data(session, world):
    weimar = factories.RegionFactory(slug="weimar", name="Weimar", prefixes=["16055"])
    session.add(RegionLegal(region_id=world.region.id, **COMPLETE))
    session.commit()
    found = legal.missing_by_region(session)
    assert found[world.region.id] == []
    assert len(found[weimar.id]) == 8
    assert set(legal.missing_by_region(session, frozenset({weimar.id}))) == {weimar.id}
    assert all(g.field in legal.FIELD_NAMES for g in found[weimar.id])


def test_save_audits_the_changed_fields_without_their_values(session, world):
    changed = legal.save(session, world.region, COMPLETE, actor_user_id=world.admin.id)
    session.commit()
    assert changed == [name for name in legal.FIELD_NAMES if name in COMPLETE]
    stored = session.get(RegionLegal, world.region.id)
    assert stored.operator_email == "info@wf-jena.example"
    assert stored.updated_by_user_id == world.admin.id
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == legal.AUDIT_ACTION)).one()
    assert entry.details == {"fields": changed}
    assert entry.region_id == world.region.id and entry.actor_user_id == world.admin.id
    assert "wf-jena" not in str(entry.details)

    assert legal.save(session, world.region, COMPLETE, actor_user_id=world.admin.id) == []
    assert legal.save(session, world.region, {**COMPLETE, "dpo_name": "Dana Schutz"},
                      actor_user_id=world.admin.id) == ["dpo_name"]
    session.commit()
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == legal.AUDIT_ACTION)
                              .order_by(AuditEntry.id)).all()
    assert [e.details for e in entries] == [{"fields": changed}, {"fields": ["dpo_name"]}]


def test_a_refused_save_writes_nothing(session, world):
    with pytest.raises(ValidationError):
        legal.save(session, world.region, {**COMPLETE, "dpo_email": "kaputt"},
                   actor_user_id=world.admin.id)
    session.rollback()
    assert session.get(RegionLegal, world.region.id) is None
    assert session.scalars(select(AuditEntry)).all() == []


# --- the admin page ----------------------------------------------------------------------------


def _post(client, region_id: int, data: dict):
    page = client.get(_page(region_id))
    assert page.status_code == 200
    form = {name: "" for name in legal.FIELD_NAMES}
    return client.post(_page(region_id), data={**form, **data,
                                               "csrf_token": csrf_token(page.data)})


def test_the_page_has_every_field_and_says_what_is_missing(client, world):
    login(client, world.admin.email, world.password)
    html = client.get(_page(world.region.id)).get_data(as_text=True)
    for name in legal.FIELD_NAMES:
        assert re.search(rf'<(input|textarea)[^>]*name="{name}"', html), name
    assert 'maxlength="254"' in html and 'maxlength="40"' in html
    assert "Es fehlen noch Pflichtangaben" in html
    assert "Kontakt der oder des Datenschutzbeauftragten" in html
    assert 'href="#dpo_email"' in html and 'id="dpo_email"' in html
    regions = client.get(REGIONS).get_data(as_text=True)
    assert "Rechtliche Pflichtangaben fehlen" in regions
    assert f'href="{_page(world.region.id)}"' in regions


def test_saving_the_form_stores_audits_and_clears_the_warning(client, world, session):
    login(client, world.admin.email, world.password)
    response = _post(client, world.region.id, COMPLETE)
    assert response.status_code == 302
    assert session.get(RegionLegal, world.region.id).dpo_email == "datenschutz@wf-jena.example"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "sind gespeichert" in html
    assert "Es fehlen noch Pflichtangaben" not in html
    assert "Rechtliche Pflichtangaben fehlen" not in client.get(REGIONS).get_data(as_text=True)
    assert session.scalars(select(AuditEntry.details).where(
        AuditEntry.action == legal.AUDIT_ACTION)).one() == {
            "fields": [n for n in legal.FIELD_NAMES if n in COMPLETE]}


@pytest.mark.parametrize(("name", "value", "words"), [
    ("dpo_email", "kaputt", "gültige E-Mail-Adresse"),
    ("enforcement_body_url", "ftp://example.de", "https://"),
    ("operator_name", "Stadt\x00Jena", "Steuerzeichen"),
    ("operator_address", "Markt\x001", "Steuerzeichen"),
    ("vat_id", "D" * 41, "höchstens 40 Zeichen"),
])
def test_refused_input_comes_back_at_its_field_and_saves_nothing(client, world, session,
                                                                 name, value, words):
    login(client, world.admin.email, world.password)
    response = _post(client, world.region.id, {**COMPLETE, name: value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(rf'<p class="kj-field-error" id="{name}-error">([^<]*)</p>', html)
    assert error and words in error.group(1)
    assert f'aria-describedby="{name}-error"' in html or f'{name}-error"' in html
    assert "\x00" not in html
    session.expire_all()
    assert session.get(RegionLegal, world.region.id) is None
    assert session.scalars(select(AuditEntry)).all() == []


def test_without_csrf_token_nothing_is_saved(client, world, session):
    login(client, world.admin.email, world.password)
    response = client.post(_page(world.region.id), data=COMPLETE)
    assert response.status_code in (400, 422)
    assert session.get(RegionLegal, world.region.id) is None


def test_unknown_region_and_non_admins_are_refused(client, world):
    login(client, world.admin.email, world.password)
    assert client.get(_page(2147483647)).status_code == 404
    assert client.get(f"{REGIONS}/2147483648/rechtliches").status_code == 404
    other = client.application.test_client()
    login(other, world.a.email, world.password)
    assert other.get(_page(world.region.id)).status_code == 403


def test_a_region_admin_reaches_only_their_regions(client, world, session):
    weimar = factories.RegionFactory(slug="weimar", name="Weimar", prefixes=["16055"])
    session.add(AdminScope(user_id=world.admin.id, all_regions=False))
    session.add(RegionAdmin(user_id=world.admin.id, region_id=world.region.id))
    session.commit()
    login(client, world.admin.email, world.password)
    assert client.get(_page(world.region.id)).status_code == 200
    assert client.get(_page(weimar.id)).status_code == 404
    page = client.get(_page(world.region.id))
    response = client.post(_page(weimar.id), data={**COMPLETE,
                                                   "csrf_token": csrf_token(page.data)})
    assert response.status_code == 404
    assert session.get(RegionLegal, weimar.id) is None


# --- the recorded accessibility check on the page ----------------------------------------------

SCOPE = "Geprüfte Seiten:\n- Startseite: https://portal.example/jobs/ – keine Verstöße"


def _check_block(client, region_id: int) -> str:
    html = client.get(_page(region_id)).get_data(as_text=True)
    block = re.search(r'<div class="kj-legal-check" id="last-check">(.*?)</div>', html, re.S)
    assert block, "the page has the block of the last check"
    return block.group(1)


def _record(session, region_id: int, scope: str | None, days_ago: int = 10) -> None:
    session.add(RegionLegal(region_id=region_id, **COMPLETE,
                            accessibility_checked_on=date.today() - timedelta(days=days_ago),
                            accessibility_check_scope=scope))
    session.commit()


def test_without_a_recorded_check_the_page_says_so(client, world):
    login(client, world.admin.email, world.password)
    block = _check_block(client, world.region.id)
    assert "noch keine Prüfung erfasst" in block
    assert "Prüfung am" not in block and "kwis-job accessibility check" in block


@pytest.mark.parametrize(("method", "says", "not_says"), [
    (accessibility_statement.AUTOMATED, "Automatische Prüfung am", "von Hand am"),
    (accessibility_statement.BY_HAND, "Prüfung von Hand am", "Automatische Prüfung am"),
    (accessibility_statement.BY_HAND_COMPLETE, "Vollständige Prüfung von Hand am",
     "nicht vollständig"),
])
def test_the_recorded_check_shows_its_method_date_and_scope_without_the_marker(
        client, world, session, method, says, not_says):
    _record(session, world.region.id, accessibility_statement.check_scope_text(method, SCOPE))
    login(client, world.admin.email, world.password)
    block = _check_block(client, world.region.id)
    assert says in block and not_says not in block
    assert (date.today() - timedelta(days=10)).strftime("%d.%m.%Y") in block
    assert accessibility_statement.METHOD_MARKERS[method] not in block
    assert "[automatisch]" not in block and "[von Hand" not in block
    assert "Geprüfte Seiten:<br>- Startseite: https://portal.example/jobs/" in block
    assert "älter als ein Jahr" not in block
    assert ("nur einen Teil der Barrieren" in block) is (method == "automated")


def test_a_scope_typed_in_without_marker_counts_as_automated_and_is_escaped(client, world,
                                                                            session):
    _record(session, world.region.id, "Stichprobe <script>alert(1)</script>")
    login(client, world.admin.email, world.password)
    block = _check_block(client, world.region.id)
    assert "Automatische Prüfung am" in block
    assert "<script>" not in block and "&lt;script&gt;" in block


def test_a_check_older_than_a_year_is_called_outdated(client, world, session):
    _record(session, world.region.id,
            accessibility_statement.check_scope_text(accessibility_statement.BY_HAND_COMPLETE,
                                                     SCOPE),
            days_ago=accessibility_statement.CHECK_VALID_DAYS + 1)
    login(client, world.admin.email, world.password)
    block = _check_block(client, world.region.id)
    assert "Vollständige Prüfung von Hand am" in block and "älter als ein Jahr" in block
