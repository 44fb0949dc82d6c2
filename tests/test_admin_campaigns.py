"""The campaign pages: an admin creates, edits, previews and sends a campaign; sending twice
mails every company once (through the outbox to a real aiosmtpd); the personal link leads a
logged-in company into its profile tab and counts in the funnel. Both engines."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from support import campaign_world
from support.smtp import running_smtp_server
from support.web import csrf_token, login

from kwis_job_plugin.models import AuditEntry, Campaign, MailOptOut, OutboxMail
from kwis_job_plugin.models.base import utcnow
from kwis_job_plugin.services.mail import sender, transport

PASSWORD = campaign_world.factories.DEMO_PASSWORD


@pytest.fixture
def cw(session):
    return campaign_world.build(session)


def _admin(app, cw):
    client = app.test_client()
    assert login(client, cw.admin.email, campaign_world.factories.DEMO_PASSWORD).status_code \
        in (302, 303)
    return client


def _create(client, cw, title="Herbst 2026") -> int:
    page = client.get("/admin/job/kampagnen/neu")
    assert page.status_code == 200
    response = client.post("/admin/job/kampagnen/neu", data={
        "csrf_token": csrf_token(page.data), "region_id": str(cw.region.id), "title": title})
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(re.search(r"/kampagnen/(\d+)", response.headers["Location"]).group(1))


def _fields(html: str) -> dict:
    return {"csrf_token": csrf_token(html)}


def test_create_edit_preview_and_send_twice_mails_each_company_once(app, session, cw):
    client = _admin(app, cw)
    assert "KWIS.job: Kampagnen" in client.get("/admin/").get_data(as_text=True)
    campaign_id = _create(client, cw)
    url = f"/admin/job/kampagnen/{campaign_id}"
    page = client.get(url).get_data(as_text=True)
    assert "8 Betriebe ausgewählt" in page and "6 Einladungen senden" in page
    assert "So bekommt Alpha die Einladung" in page and "Guten Tag Kim Alpha," in page

    bad = client.post(url, data={**_fields(page), "title": "Handwerk", "filter_wz": "62",
                                 "filter_size": "", "filter_postcode": "",
                                 "filter_presence": "all", "subject": "Hallo {firma}",
                                 "body_text": "Ohne Link"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'id="subject-error"' in html and "{firma}" in html
    assert 'id="body_text-error"' in html and "{link}" in html
    assert session.get(Campaign, campaign_id).title == "Herbst 2026"

    good = client.post(url, data={**_fields(page), "title": "IT", "filter_wz": "62",
                                  "filter_size": "", "filter_postcode": "",
                                  "filter_presence": "all", "subject": "Einladung für {betrieb}",
                                  "body_text": "{anrede},\nbitte hier entlang: {link}"})
    assert good.status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "4 Betriebe ausgewählt" in page and "3 Einladungen senden" in page

    with running_smtp_server() as smtp:
        for _round in range(2):
            sent = client.post(f"{url}/senden", data=_fields(page))
            assert sent.status_code == 303 and sent.headers["Location"].endswith("/verlauf")
            now = utcnow() + timedelta(minutes=1)
            sender.send_pass(app.extensions["kwis_host"]["engine"], transport.from_url(smtp.url),
                             sender_id="t", mail_from="noreply@kwis.example", now=now)
        assert sorted(to for _f, [to] in smtp.handler.envelopes) == [
            "alpha@firma.example", "beta@firma.example", "delta@firma.example"]
        body = next(m for m in smtp.handler.messages
                    if m["To"] == "alpha@firma.example").get_body().get_content()
    assert body.startswith("Guten Tag Kim Alpha,")
    link = re.search(r"http://localhost(/selfservice/job/einladung/\S+)", body).group(1)
    funnel = client.get(f"{url}/verlauf").get_data(as_text=True)
    assert "Eingeladen: 3" in funnel and "Angemeldet (persönlichen Link genutzt): 2" in funnel

    company = app.test_client()
    first = company.get(link)
    assert first.status_code == 302 and "/login" in first.headers["Location"]
    assert login(company, "alpha@firma.example", PASSWORD).status_code in (302, 303)
    followed = company.get(link)
    assert followed.status_code == 303
    assert followed.headers["Location"].endswith("/selfservice/job/profil")
    assert company.get(link + "x").status_code == 404
    funnel = client.get(f"{url}/verlauf").get_data(as_text=True)
    assert "Angemeldet (persönlichen Link genutzt): 3" in funnel
    assert session.scalar(select(func.count(OutboxMail.id))) == 3
    kinds = set(session.scalars(select(AuditEntry.action)))
    assert {"campaign.created", "campaign.updated", "campaign.sent",
            "campaign.link_followed"} <= kinds


def test_the_no_invitations_switch(app, session, cw):
    client = _admin(app, cw)
    campaign_id = _create(client, cw)
    url = f"/admin/job/kampagnen/{campaign_id}"
    page = client.get(url).get_data(as_text=True)
    alpha = cw.customers["Alpha"].id
    target = f"{url}/betriebe/{alpha}/einladungen"
    assert client.post(target, data={**_fields(page), "keine": "1"}).status_code == 303
    assert session.get(MailOptOut, alpha) is not None
    assert client.post(target, data={**_fields(page), "keine": "x"}).status_code == 400
    foreign = f"{url}/betriebe/{cw.customers['Weimar'].id}/einladungen"
    assert client.post(foreign, data={**_fields(page), "keine": "1"}).status_code == 404
    assert "Alpha wieder einladen" in client.get(url).get_data(as_text=True)
    session.expire_all()
    assert client.post(target, data={**_fields(page), "keine": "0"}).status_code == 303
    session.expire_all()
    assert session.get(MailOptOut, alpha) is None
