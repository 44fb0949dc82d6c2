"""Every change by an admin is in the audit log (who, when, what, before/after), and the admin
page "Änderungsprotokoll" lists it, newest first, paged, filtered by region, company and kind,
a region admin seeing only the entries of their regions (issue 10).

The details rule (``services/audit.py``): field names always, values only when they cannot be
personal (ids, flags, dates, statuses, colours, hashes); free text only as a changed field name.
"""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from PIL import Image
from sqlalchemy import select
from support import region_world
from support.web import csrf_token, login

from kwis_job_plugin.models import AuditEntry
from kwis_job_plugin.services import audit, audit_log

PAGE = "/admin/job/protokoll"
REGIONS = "/admin/job/regionen"


@pytest.fixture
def rw(session, world):
    return region_world.build(session, world)


def _login(app, email, password):
    client = app.test_client()
    login(client, email, password)
    return client


def _entries(session, action: str) -> list[AuditEntry]:
    session.expire_all()
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                .order_by(AuditEntry.id)))


def _no_personal_data(entry: AuditEntry, *words: str) -> None:
    text = json.dumps(entry.details, ensure_ascii=False)
    assert "@" not in text, entry.details
    for word in words:
        assert word not in text, (word, entry.details)


def test_changes_names_every_field_and_shows_only_the_allowed_values():
    details = audit.changes(
        {"title": "Alt", "starts_on": date(2027, 1, 1), "same": 1},
        {"title": "Neu", "starts_on": date(2027, 1, 2), "same": 1},
        shown=("starts_on",))
    assert details == {"fields": ["starts_on", "title"],
                       "before": {"starts_on": "2027-01-01"},
                       "after": {"starts_on": "2027-01-02"}}
    assert audit.changes({"a": 1}, {"a": 1})["fields"] == []


# -- what is written --------------------------------------------------------------------------


def test_a_feature_switch_is_audited_with_before_and_after(app, session, rw):
    client = _login(app, rw.jena.admin.email, rw.password)
    region = rw.jena.region
    response = client.post(f"{REGIONS}/{region.id}/funktionen/events",
                           data={"csrf_token": csrf_token(client.get(REGIONS).data),
                                 "enabled": "0"})
    assert response.status_code == 302
    [entry] = _entries(session, "feature.disabled")
    assert (entry.actor_user_id, entry.region_id, entry.object_id) == (
        rw.jena.admin.id, region.id, region.id)
    assert entry.details["before"] == {"events": True}
    assert entry.details["after"] == {"events": False}


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 40), (11, 79, 138)).save(out, "PNG")
    return out.getvalue()


def test_the_look_and_logo_are_audited_without_the_logo_text(app, session, rw):
    client = _login(app, rw.jena.admin.email, rw.password)
    region = rw.jena.region
    response = client.post(
        f"{REGIONS}/{region.id}/darstellung",
        data={"csrf_token": csrf_token(client.get(REGIONS).data), "theme_color": "#0b4f8a",
              "theme_color_secondary": "", "logo_alt": "Wappen der Stadt mit Lilie",
              "logo": (io.BytesIO(_png()), "logo.png")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    [entry] = _entries(session, "region.look_changed")
    assert entry.actor_user_id == rw.jena.admin.id and entry.region_id == region.id
    assert set(entry.details["fields"]) == {"theme_color", "logo_sha256", "logo_alt"}
    assert entry.details["before"] == {"theme_color": None, "logo_sha256": None}
    assert entry.details["after"]["theme_color"] == "#0b4f8a"
    assert len(entry.details["after"]["logo_sha256"]) == 64
    _no_personal_data(entry, "Wappen")


def test_saving_the_same_look_again_writes_no_entry(app, session, rw):
    client = _login(app, rw.jena.admin.email, rw.password)
    for _ in range(2):
        client.post(f"{REGIONS}/{rw.jena.region.id}/darstellung",
                    data={"csrf_token": csrf_token(client.get(REGIONS).data),
                          "theme_color": "#0b4f8a", "theme_color_secondary": ""},
                    content_type="multipart/form-data")
    assert len(_entries(session, "region.look_changed")) == 1


def _event_form(region_id: int, **changes) -> dict:
    day = (date.today() + timedelta(days=60)).strftime("%d.%m.%Y")
    return {"kind": "fair", "region_id": str(region_id), "title": "Ausbildungsmesse",
            "slug": "", "starts_on": day, "ends_on": day, "venue": "Arena", "street": "",
            "postcode": "07745", "city": "Jena", "description": "Viele Betriebe.",
            "retention_days": "90", **changes}


def test_event_changes_are_audited_with_dates_but_without_free_text(app, session, rw):
    client = _login(app, rw.jena.admin.email, rw.password)
    new = "/admin/job/veranstaltungen/neu"
    response = client.post(new, data={**_event_form(rw.jena.region.id),
                                      "csrf_token": csrf_token(client.get(new).data)})
    assert response.status_code == 303
    [created] = _entries(session, "event.created")
    assert created.actor_user_id == rw.jena.admin.id
    assert created.region_id == rw.jena.region.id
    assert "title" in created.details["fields"]
    assert created.details["after"]["kind"] == "fair"
    edit = f"/admin/job/veranstaltungen/{created.object_id}/bearbeiten"
    later = (date.today() + timedelta(days=61)).strftime("%d.%m.%Y")
    response = client.post(edit, data={
        **_event_form(rw.jena.region.id, title="Messe für Kim Muster", ends_on=later),
        "csrf_token": csrf_token(client.get(edit).data)})
    assert response.status_code == 303
    [updated] = _entries(session, "event.updated")
    assert updated.details["fields"] == ["ends_on", "slug", "title"]
    assert updated.details["after"] == {"ends_on": (date.today() + timedelta(days=61))
                                        .isoformat()}
    _no_personal_data(updated, "Kim Muster", "kim-muster", "Ausbildungsmesse")

    publish = f"/admin/job/veranstaltungen/{created.object_id}/veroeffentlichen"
    response = client.post(publish, data={"csrf_token": csrf_token(client.get(publish).data)})
    assert response.status_code == 303
    [published] = _entries(session, "event.published")
    assert published.details["before"] == {"status": "draft"}
    assert published.details["after"] == {"status": "published"}


def test_a_mail_retry_is_audited_without_address_or_subject(app, session, rw):
    client = _login(app, rw.jena.admin.email, rw.password)
    url = f"/admin/job/e-mail/{rw.jena.mail.id}/erneut"
    response = client.post(url, data={"csrf_token": csrf_token(client.get(REGIONS).data)})
    assert response.status_code == 302
    [entry] = _entries(session, "mail.retried")
    assert (entry.actor_user_id, entry.region_id, entry.object_id) == (
        rw.jena.admin.id, rw.jena.region.id, rw.jena.mail.id)
    assert entry.details["before"] == {"status": "failed", "attempts": 5}
    assert entry.details["after"] == {"status": "pending", "attempts": 0}
    _no_personal_data(entry, "Erinnerung")


# -- the page ---------------------------------------------------------------------------------


def _rows(html: str) -> int:
    return html.count('<tr id="entry-')


def test_the_page_lists_newest_first_and_a_region_admin_sees_only_own_regions(app, session, rw):
    jena = _login(app, rw.jena.admin.email, rw.password).get(PAGE).get_data(as_text=True)
    everything = _login(app, rw.global_admin.email, rw.password).get(PAGE)
    assert everything.status_code == 200
    html = everything.get_data(as_text=True)
    global_ids = [int(x) for x in _ids(html)]
    assert global_ids == sorted(global_ids, reverse=True)
    # the assignments (no region) and Weimarer Land's submissions are not the Jena admin's
    assert "admin_scope.changed" in html and "admin_scope.changed" not in jena
    assert region_world.MARKER in html and not region_world.leaks(jena)
    jena_ids = set(_ids(jena))
    assert jena_ids and jena_ids < set(_ids(html))
    expected = {str(e.id) for e in session.scalars(
        select(AuditEntry).where(AuditEntry.region_id == rw.jena.region.id))}
    assert jena_ids == expected


def _ids(html: str) -> list[str]:
    import re
    return re.findall(r'<tr id="entry-(\d+)"', html)


def test_filters_by_region_company_and_kind(app, session, rw):
    client = _login(app, rw.global_admin.email, rw.password)
    by_region = client.get(f"{PAGE}?region={rw.weimar.region.id}").get_data(as_text=True)
    assert set(_ids(by_region)) == {str(e.id) for e in session.scalars(
        select(AuditEntry).where(AuditEntry.region_id == rw.weimar.region.id))}
    by_company = client.get(f"{PAGE}?betrieb={rw.jena.customer_id}").get_data(as_text=True)
    kinds = {e.object_type for e in session.scalars(select(AuditEntry).where(
        AuditEntry.id.in_([int(i) for i in _ids(by_company)])))}
    assert _ids(by_company) and kinds <= {"employerprofile", "offer", "customer"}
    assert region_world.MARKER not in by_company.split("<tbody>")[1]
    by_kind = client.get(f"{PAGE}?art=user").get_data(as_text=True)
    assert len(_ids(by_kind)) == 2 and "offer." not in by_kind.split("<tbody>")[1]


def test_a_region_admin_asking_for_another_region_gets_404(app, rw):
    client = _login(app, rw.jena.admin.email, rw.password)
    assert client.get(f"{PAGE}?region={rw.weimar.region.id}").status_code == 404
    assert client.get(f"{PAGE}?region={rw.jena.region.id}").status_code == 200


@pytest.mark.parametrize("query", ["region=abc", "seite=-1", "seite=99999999999",
                                   "art=unbekannt", "betrieb=999999", "betrieb=1e3"])
def test_unusable_filters_are_left_out_with_a_note(app, rw, query):
    client = _login(app, rw.global_admin.email, rw.password)
    response = client.get(f"{PAGE}?{query}")
    assert response.status_code == 200
    assert 'class="kj-hint" role="status"' in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["betrieb=%00", "art=%E2%80%AEx"])
def test_hostile_filters_are_refused_by_the_shared_query_rule(app, rw, query):
    client = _login(app, rw.global_admin.email, rw.password)
    assert client.get(f"{PAGE}?{query}").status_code == 400


def test_the_log_is_paged(app, session, rw):
    for n in range(audit_log.PER_PAGE + 5):
        audit.record(session, "test.entry", "region", rw.jena.region.id,
                     region_id=rw.jena.region.id, details={"n": n})
    session.commit()
    client = _login(app, rw.jena.admin.email, rw.password)
    first = client.get(f"{PAGE}?art=region").get_data(as_text=True)
    assert _rows(first) == audit_log.PER_PAGE and "seite=2" in first
    second = client.get(f"{PAGE}?art=region&seite=2").get_data(as_text=True)
    assert 0 < _rows(second) <= 5 + 1
    assert not set(_ids(first)) & set(_ids(second))
    assert min(int(i) for i in _ids(first)) > max(int(i) for i in _ids(second))


def test_only_admins_read_the_log(app, rw):
    company = _login(app, rw.jena.company.email, rw.password)
    assert company.get(PAGE).status_code == 403
    assert app.test_client().get(PAGE).status_code in (302, 303)
