"""Review rules: what submitting does per region, and that the public version survives edits."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kwis_job_plugin.demo.factories import ProfileFactory
from kwis_job_plugin.models import AuditEntry
from kwis_job_plugin.services import publication
from kwis_job_plugin.services.errors import ValidationError
from kwis_job_plugin.services.sanitize import clean_html, text_length
from kwis_job_plugin.services.snapshots import profile_snapshot


@pytest.mark.parametrize(
    ("rule", "first", "second"),
    [
        ("none", "published", "published"),
        ("first_publication", "in_review", "published"),
        ("every_change", "in_review", "in_review"),
    ],
)
def test_review_rules(session, world, rule, first, second):
    world.region.review_rule = rule
    profile = ProfileFactory(customer=world.a.customer, region=world.region)
    assert publication.submit(session, profile, world.region, profile_snapshot, world.a.id) == first
    if first == "in_review":
        publication.approve(session, profile, profile_snapshot, world.admin.id)
    assert profile.published_snapshot["display_name"] == "Optik Alpha"

    profile.display_name, profile.status = "Optik Alpha Jena", "draft"
    assert (
        publication.submit(session, profile, world.region, profile_snapshot, world.a.id) == second
    )
    public_name = profile.published_snapshot["display_name"]
    assert public_name == ("Optik Alpha Jena" if second == "published" else "Optik Alpha")
    assert publication.is_public(profile)


def test_rejection_keeps_the_published_version_and_says_why(session, world):
    profile = ProfileFactory(customer=world.a.customer, region=world.region)
    publication.submit(session, profile, world.region, profile_snapshot, world.a.id)
    publication.approve(session, profile, profile_snapshot, world.admin.id)
    profile.display_name, profile.status = "OPTIK ALPHA!!!", "draft"
    publication.submit(session, profile, world.region, profile_snapshot, world.a.id)

    with pytest.raises(ValidationError) as missing_reason:
        publication.reject(session, profile, world.admin.id, "   ")
    assert "comment" in missing_reason.value.errors
    publication.reject(session, profile, world.admin.id, "Bitte ohne Großbuchstaben.")

    assert profile.status == "draft" and profile.review_comment == "Bitte ohne Großbuchstaben."
    assert profile.published_snapshot["display_name"] == "Optik Alpha"
    assert publication.is_public(profile)
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == [
        "employerprofile.submitted",
        "employerprofile.approved",
        "employerprofile.submitted",
        "employerprofile.rejected",
    ]


def test_only_drafts_are_submitted_and_only_submissions_reviewed(session, world):
    profile = ProfileFactory(customer=world.a.customer, region=world.region, status="archived")
    with pytest.raises(ValidationError):
        publication.submit(session, profile, world.region, profile_snapshot, world.a.id)
    profile.status = "draft"
    with pytest.raises(ValidationError):
        publication.approve(session, profile, profile_snapshot, world.admin.id)
    assert profile.published_snapshot is None and not publication.is_public(profile)


def test_paused_and_archived_versions_are_not_public(session, world):
    profile = ProfileFactory(customer=world.a.customer, region=world.region, status="published")
    assert publication.is_public(profile)
    for status in ("paused", "archived"):
        profile.status = status
        assert not publication.is_public(profile)


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>Hallo<script>alert(1)</script></p>", "<p>Hallo</p>"),
        ('<p onclick="x()">Text</p>', "<p>Text</p>"),
        (
            '<a href="javascript:alert(1)">Link</a>',
            '<a rel="noopener noreferrer nofollow">Link</a>',
        ),
        ('<img src="x" onerror="y">Bild', "Bild"),
        ('<p style="color:red">Rot</p><style>p{}</style>', "<p>Rot</p>"),
        ("<ul><li>Jobticket</li></ul>", "<ul><li>Jobticket</li></ul>"),
        ("", ""),
    ],
)
def test_rich_text_is_sanitised(dirty, clean):
    assert clean_html(dirty) == clean


def test_visible_text_length_ignores_markup():
    assert text_length("<p><strong>Ausbildung</strong> mit Zukunft</p>") == len(
        "Ausbildung mit Zukunft"
    )
