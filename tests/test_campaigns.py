"""Campaigns (issue 10, "Aktivierung von Unternehmen"): selection, text, idempotent sending,
the personal link and the funnel, on a fixed set of companies with known answers
(``support/campaign_world.py``), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select
from support import campaign_world

from kwis_job_plugin.models import AuditEntry, CampaignRecipient, OutboxMail
from kwis_job_plugin.services import campaigns
from kwis_job_plugin.services.campaigns.campaigns import CampaignInput
from kwis_job_plugin.services.errors import NotFound, ValidationError

SECRET = "test-secret"
T0 = datetime(2026, 9, 1, 9, 0)


def link_for(token: str) -> str:
    return f"https://kwis.example/selfservice/job/einladung/{token}"


@pytest.fixture
def cw(session):
    return campaign_world.build(session)


def _names(found) -> list[str]:
    return [c.name for c in found]


def _campaign(session, cw, **changes):
    campaign = campaigns.create_campaign(session, cw.region, "Herbst 2026",
                                         actor_user_id=cw.admin.id)
    if changes:
        data = CampaignInput(title=campaign.title, subject=campaign.subject,
                             body_text=campaign.body_text, **changes)
        campaigns.update_campaign(session, campaign, data, actor_user_id=cw.admin.id)
    session.commit()
    return campaign


def _send(session, campaign, cw, now=T0):
    result = campaigns.send(session, campaign, secret_key=SECRET, link_for=link_for,
                            actor_user_id=cw.admin.id, now=now)
    session.commit()
    return result


@pytest.mark.parametrize("filters, expected", [
    ({}, campaign_world.EXPECTED_ALL),
    ({"wz": "62"}, ["Alpha", "Beta", "Delta", "Zeta"]),
    ({"wz": "62.01"}, ["Alpha", "Delta", "Zeta"]),
    ({"size": "small"}, ["Alpha", "Beta", "Eta", "Zeta"]),
    ({"postcode": "0774"}, ["Alpha", "Beta", "Delta", "Eta", "Gamma", "Theta"]),
    ({"presence": "none"}, ["Alpha", "Eta", "Theta", "Zeta"]),
    ({"presence": "profile"}, ["Beta", "Delta", "Epsilon", "Gamma"]),
    ({"presence": "offers"}, ["Beta", "Epsilon"]),
    ({"wz": "62", "size": "small", "presence": "none"}, ["Alpha", "Zeta"]),
])
def test_the_filters_take_the_region_s_companies_and_only_those(session, cw, filters,
                                                                 expected):
    found = campaigns.select_companies(session, cw.region.id, campaigns.Filters(**filters))
    assert _names(found) == expected


def test_who_gets_the_mail_and_with_which_contact(session, cw):
    found = {c.name: c for c in campaigns.select_companies(session, cw.region.id,
                                                             campaigns.Filters())}
    assert [n for n, c in found.items() if c.will_receive] == campaign_world.RECEIVERS
    assert found["Beta"].contact_name == "Rosa Beta"  # the profile's contact first
    assert found["Alpha"].contact_name == "Kim Alpha"  # else the login's name
    assert found["Alpha"].address == "alpha@firma.example"
    assert found["Theta"].address == "info@theta.example" and found["Theta"].contact_name is None
    assert found["Eta"].address is None and found["Zeta"].opted_out
    assert campaigns.size_classes(session, cw.region.id) == ["large", "medium", "micro",
                                                                "small"]


def test_the_template_is_checked_at_its_fields(session, cw):
    campaign = _campaign(session, cw)
    bad = [
        ({"body_text": "Hallo {firma}, {link}"}, "body_text", "{firma}"),
        ({"body_text": "Hallo {betrieb}"}, "body_text", "{link}"),
        ({"body_text": "Hallo { {link}"}, "body_text", "Klammer"),
        ({"body_text": "{betrieb!r} {link}"}, "body_text", "betrieb"),
        ({"subject": "Ihr Link {link}"}, "subject", "{link}"),
        ({"filter_wz": "C10"}, "filter_wz", "WZ"),
        ({"filter_postcode": "07a"}, "filter_postcode", "Postleitzahl"),
        ({"filter_presence": "maybe"}, "filter_presence", "Möglichkeiten"),
        ({"title": "  "}, "title", "Namen"),
    ]
    for change, field, word in bad:
        data = {"title": campaign.title, "subject": campaign.subject,
                "body_text": campaign.body_text, **change}
        with pytest.raises(ValidationError) as refused:
            campaigns.update_campaign(session, campaign, CampaignInput(**data),
                                      actor_user_id=cw.admin.id)
        assert word in refused.value.errors[field], (change, refused.value.errors)
    session.rollback()
    assert campaigns.update_campaign(session, campaign, CampaignInput(
        title="Herbst", subject="Hallo {betrieb}", body_text="{{Kürzel}} {anrede}: {link}"),
        actor_user_id=cw.admin.id)
    candidate = campaigns.select_companies(session, cw.region.id, campaigns.Filters())[0]
    shown = campaigns.preview(campaign.subject, campaign.body_text, candidate, "Stadt Jena",
                              "https://x.example/l")
    assert shown.subject == "Hallo Alpha"
    assert shown.body == "{Kürzel} Guten Tag Kim Alpha: https://x.example/l"


def test_sending_twice_mails_every_company_once(session, cw):
    campaign = _campaign(session, cw)
    first = _send(session, campaign, cw)
    assert (first.queued, first.already_invited, first.opted_out, first.without_address) == (
        6, 0, 1, 1)
    again = _send(session, campaign, cw)
    assert (again.queued, again.already_invited) == (0, 6)
    mails = session.scalars(select(OutboxMail).order_by(OutboxMail.to_addr)).all()
    assert len(mails) == 6 and {m.kind for m in mails} == {"campaign"}
    assert {m.region_id for m in mails} == {cw.region.id}
    beta = next(m for m in mails if m.to_addr == "beta@firma.example")
    assert beta.subject == "Einladung: Beta im Arbeitgeberportal Stadt Jena"
    assert beta.body_text.startswith("Guten Tag Rosa Beta,\n\ndie Wirtschaftsförderung lädt Beta")
    assert "https://kwis.example/selfservice/job/einladung/" in beta.body_text
    assert session.scalar(select(func.count(CampaignRecipient.id))) == 6
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("campaign.sent") == 2 and "campaign.created" in actions


def test_a_wider_selection_later_mails_only_the_new_companies(session, cw):
    campaign = _campaign(session, cw, filter_wz="62")
    assert _send(session, campaign, cw).queued == 3  # Alpha, Beta, Delta (Zeta opted out)
    data = CampaignInput(title=campaign.title, subject=campaign.subject,
                         body_text=campaign.body_text)
    campaigns.update_campaign(session, campaign, data, actor_user_id=cw.admin.id)
    result = _send(session, campaign, cw)
    assert (result.queued, result.already_invited) == (3, 3)  # Epsilon, Gamma, Theta
    assert session.scalar(select(func.count(OutboxMail.id))) == 6


def test_an_opt_out_is_set_per_company_of_the_region_and_audited(session, cw):
    alpha, weimar = cw.customers["Alpha"], cw.customers["Weimar"]
    assert campaigns.set_opt_out(session, alpha.id, True, region_id=cw.region.id,
                                 actor_user_id=cw.admin.id)
    assert not campaigns.set_opt_out(session, alpha.id, True, region_id=cw.region.id,
                                     actor_user_id=cw.admin.id)
    with pytest.raises(NotFound):
        campaigns.set_opt_out(session, weimar.id, True, region_id=cw.region.id,
                              actor_user_id=cw.admin.id)
    session.commit()
    campaign = _campaign(session, cw)
    assert _send(session, campaign, cw).queued == 5
    assert campaigns.set_opt_out(session, cw.customers["Zeta"].id, False,
                                 region_id=cw.region.id, actor_user_id=cw.admin.id)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "customer.mail_opt_in")
                            ).one()
    assert entry.details["after"] == {"no_invitations": False}


def test_the_funnel_counts_each_step_with_its_companies(session, cw):
    campaign = _campaign(session, cw)
    _send(session, campaign, cw)
    token = campaigns.issue_token(SECRET, campaign.id, cw.customers["Alpha"].id)
    assert campaigns.follow_link(session, SECRET, token, cw.customers["Alpha"].id, now=T0)
    assert not campaigns.follow_link(session, SECRET, token, cw.customers["Alpha"].id)
    assert not campaigns.follow_link(session, SECRET, token, cw.customers["Beta"].id)
    session.commit()
    found = campaigns.funnel(session, campaign)
    assert found.counts() == {"invited": 6, "logged_in": 5, "started": 4, "submitted": 3,
                              "published": 2, "offers": 1}
    lists = {step.key: [c.name for c in step.companies] for step in found.steps}
    assert lists == {
        "invited": ["Alpha", "Beta", "Delta", "Epsilon", "Gamma", "Theta"],
        "logged_in": ["Alpha", "Beta", "Delta", "Epsilon", "Gamma"],
        "started": ["Beta", "Delta", "Epsilon", "Gamma"],
        "submitted": ["Delta", "Epsilon", "Gamma"],
        "published": ["Delta", "Epsilon"],
        "offers": ["Epsilon"],
    }


def test_a_forged_or_foreign_link_notes_nothing(session, cw):
    campaign = _campaign(session, cw)
    _send(session, campaign, cw)
    alpha = cw.customers["Alpha"].id
    with pytest.raises(campaigns.LinkRefused):
        campaigns.follow_link(session, "another-secret",
                              campaigns.issue_token("other", campaign.id, alpha), alpha)
    with pytest.raises(campaigns.LinkRefused):  # Eta was never invited
        campaigns.follow_link(session, SECRET, campaigns.issue_token(
            SECRET, campaign.id, cw.customers["Eta"].id), cw.customers["Eta"].id)
    assert campaigns.funnel(session, campaign).counts()["logged_in"] == 4


def test_campaigns_are_listed_and_found_only_in_the_admin_s_regions(session, cw):
    campaign = _campaign(session, cw)
    assert campaigns.campaigns_for(session, frozenset({cw.region.id})) == [campaign]
    assert campaigns.campaigns_for(session, frozenset({-5})) == []
    with pytest.raises(NotFound):
        campaigns.get_campaign(session, campaign.id, frozenset({-5}))
    assert campaigns.get_campaign(session, campaign.id, None) is campaign
