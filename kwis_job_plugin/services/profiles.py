"""A company's own employer profile: reading, saving the working copy, submitting, approving.

The row is the company's working copy; ``published_snapshot`` is what the public sees and is
written only by ``services.publication``. Saving changes to a published (or submitted) profile
sets it back to ``draft`` while the snapshot stays public. Ownership is always the customer id
the caller got from the host, never a value from a form. What the input may be is
``services.profile_input``; how the profile looks is ``services.profile_display``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..i18n import gettext as _
from ..models import EmployerProfile, Offer
from ..models.base import utcnow
from ..models.host import get_customer
from . import audit, ownership, publication, search_index, staleness
from . import media as media_service
from .errors import NotFound, ValidationError
from .locking import check_version, flush_or_conflict
from .profile_input import DEFAULT_VIDEO_HOSTS, CleanInput, ProfileInput, validate_input
from .regions import region_by_id, region_for_ags
from .sanitize import text_length
from .slugs import unique_slug
from .snapshots import MEDIA_ALT, complete_alt_texts, profile_snapshot

# -- reading --------------------------------------------------------------------------------


def profile_for_customer(session: Session, customer_id: int) -> EmployerProfile | None:
    return session.scalar(
        select(EmployerProfile).where(EmployerProfile.customer_id == customer_id)
    )


def offers_for_customer(session: Session, customer_id: int) -> list[Offer]:
    """The customer's offers, newest first. Ownership is the join, never a form value."""
    return list(
        session.scalars(
            ownership.of_customer(select(Offer), Offer, customer_id)
            .options(selectinload(Offer.offer_type))
            .order_by(Offer.updated_at.desc(), Offer.id.desc())
        )
    )


def offer_counts_by_status(session: Session, customer_id: int) -> dict[str, int]:
    return dict(
        session.execute(
            ownership.of_customer(select(Offer.status, func.count()), Offer, customer_id)
            .group_by(Offer.status)
        ).all()
    )


def in_review(session: Session) -> tuple[list[EmployerProfile], list[Offer]]:
    profiles = session.scalars(
        select(EmployerProfile)
        .where(EmployerProfile.status == "in_review")
        .order_by(EmployerProfile.submitted_at)
    ).all()
    offers = session.scalars(
        select(Offer)
        .where(Offer.status == "in_review")
        .options(selectinload(Offer.profile), selectinload(Offer.offer_type))
        .order_by(Offer.submitted_at)
    ).all()
    return list(profiles), list(offers)


def prefill(customer: Any) -> dict[str, str]:
    """Form values for a profile that does not exist yet, from the host's customer record."""
    return {
        "contact_email": (customer.email or "") if customer is not None else "",
        "contact_phone": (customer.phone or "") if customer is not None else "",
    }


# -- the working copy and its public shape --------------------------------------------------


def working_snapshot(profile: EmployerProfile) -> dict[str, Any]:
    """``profile_snapshot`` of the working copy (it leaves out retired pictures itself)."""
    return profile_snapshot(profile)


def has_unpublished_changes(profile: EmployerProfile) -> bool:
    """Whether the public version differs from the working copy (``None``-safe).

    A public version published before pictures' descriptions were part of the snapshot
    (``snapshots.MEDIA_ALT``) shows the rows' descriptions, so it is compared without them:
    such a profile does not suddenly count as changed."""
    published = profile.published_snapshot
    if published is None:
        return False
    working = working_snapshot(profile)
    if MEDIA_ALT not in published:
        working.pop(MEDIA_ALT, None)
    return working != published


def is_stale(profile: EmployerProfile, now: datetime, stale_after_days: int) -> bool:
    return profile.updated_at is not None and profile.updated_at < now - timedelta(
        days=stale_after_days
    )


def stale_profiles(session: Session, now: datetime, stale_after_days: int) -> list[EmployerProfile]:
    """Profiles nobody touched for ``stale_after_days``: flagged for the company, never hidden."""
    return list(
        session.scalars(
            select(EmployerProfile)
            .where(EmployerProfile.updated_at < now - timedelta(days=stale_after_days))
            .order_by(EmployerProfile.updated_at)
        )
    )


# -- writing --------------------------------------------------------------------------------


def _state(profile: EmployerProfile) -> tuple[Any, ...]:
    """Everything a save can change, for "did anything change?"."""
    return (
        working_snapshot(profile),
        sorted((m.id or 0, m.kind, m.alt_text, m.sha256) for m in profile.media),
    )


def apply_input(session: Session, profile: EmployerProfile, clean: CleanInput) -> None:
    """Write checked input to the working copy (no flush); pictures are added or retired."""
    profile.philosophy_html = clean.philosophy_html
    profile.fields = clean.fields
    profile.occupations = clean.occupations
    profile.benefits = clean.benefits
    profile.custom_benefits = clean.custom_benefits
    profile.contact_name = clean.contact["contact_name"]
    profile.contact_role = clean.contact["contact_role"]
    profile.contact_email = clean.contact["contact_email"]
    profile.contact_phone = clean.contact["contact_phone"]
    profile.video_url = clean.video_url
    profile.social_links = clean.social_links
    for media, alt, removed in clean.photo_changes:
        if removed:
            media_service.remove(session, profile, media)
        elif media.alt_text != alt:
            media.alt_text = alt
    logo = media_service.logo_of(profile)
    if clean.remove_logo and logo is not None and clean.logo is None:
        media_service.remove(session, profile, logo)
    if clean.logo is not None:
        media_service.add_image(session, profile, media_service.LOGO, clean.logo, "")
    for image, alt in clean.new_photos:
        media_service.add_image(session, profile, media_service.PHOTO, image, alt)


def new_profile(session: Session, customer: Any) -> EmployerProfile:
    """An unsaved draft for the customer, named after it, with a free slug."""

    def taken(slug: str) -> bool:
        return session.scalar(select(EmployerProfile.id).where(EmployerProfile.slug == slug)) \
            is not None

    return EmployerProfile(
        customer_id=customer.id,
        display_name=customer.name,
        slug=unique_slug(customer.name or "", taken),
        status="draft",
        philosophy_html="",
        custom_benefits=[],
        social_links={},
    )


def save_profile(
    session: Session,
    customer_id: int,
    data: ProfileInput,
    *,
    expected_version: int | None,
    actor_user_id: int | None,
    video_hosts: Iterable[str] = DEFAULT_VIDEO_HOSTS,
) -> EmployerProfile:
    """Save the working copy as a draft (creating it on the first save); flush, never commit.

    ``expected_version`` is the ``version`` the form was opened with (0 before the first save).
    Raises ``EditConflict`` when someone saved in between, ``ValidationError`` on bad input and
    ``NotFound`` for a picture that is not the company's own; nothing is written then.
    """
    customer = get_customer(session, customer_id)
    if customer is None:
        raise NotFound(customer_id)
    profile = profile_for_customer(session, customer_id)
    check_version(expected_version, profile.version if profile is not None else 0)
    clean = validate_input(session, data, profile, video_hosts)
    region = region_for_ags(session, customer.ags)

    created = profile is None
    if profile is None:
        profile = new_profile(session, customer)
        session.add(profile)
    before = None if created else _state(profile)
    region_before = profile.region_id
    with session.no_autoflush:
        complete_alt_texts(profile)
        apply_input(session, profile, clean)
        profile.region_id = region.id if region else None
        after = _state(profile)
        changed = created or after != before
    if changed:
        if profile.status in ("published", "in_review"):
            profile.status = "draft"
        profile.updated_at = utcnow()
        profile.updated_by_user_id = actor_user_id
    # Saving answers a staleness reminder, changed or not: the profile is back on the portal.
    was_hidden = staleness.answer(profile)
    media_service.purge_retired(session, profile, keep_published=True)
    flush_or_conflict(session, duplicate_key_is_conflict=True)
    if was_hidden or (not created and profile.region_id != region_before):
        search_index.refresh_profile(session, profile)  # the public offers move with it
    if created:
        audit.record(session, "employerprofile.created", "employerprofile", profile.id,
                     actor_user_id=actor_user_id, region_id=profile.region_id)
        flush_or_conflict(session, duplicate_key_is_conflict=True)
    elif changed:  # which fields, never their text (services/audit.py)
        fields = audit.changes(before[0], after[0])["fields"]
        if before[1] != after[1]:
            fields.append("media")
        audit.record(session, "employerprofile.updated", "employerprofile", profile.id,
                     actor_user_id=actor_user_id, region_id=profile.region_id,
                     details={"fields": fields})
        flush_or_conflict(session, duplicate_key_is_conflict=True)
    return profile


def submit_profile(
    session: Session, customer_id: int, *, actor_user_id: int | None
) -> str:
    """Release the saved working copy under the region's review rule; return the new status."""
    profile = profile_for_customer(session, customer_id)
    if profile is None:
        raise NotFound(customer_id)
    if profile.status == "in_review":
        raise ValidationError({"status": _(
            "Ihr Profil liegt bereits zur Prüfung vor. Sobald es geprüft ist, sehen Sie hier "
            "das Ergebnis.")})
    if profile.status == "published" and not has_unpublished_changes(profile):
        raise ValidationError({"status": _("Diese Fassung Ihres Profils ist bereits "
                                           "veröffentlicht.")})
    errors = {}
    if not text_length(profile.philosophy_html or ""):
        errors["philosophy"] = _("Bitte beschreiben Sie in einigen Sätzen, wie es ist, bei "
                                 "Ihnen zu arbeiten, bevor Sie das Profil einreichen.")
    if not profile.fields:
        errors["occupational_fields"] = _("Bitte wählen Sie mindestens ein Berufsfeld, bevor "
                                          "Sie das Profil einreichen.")
    if errors:
        raise ValidationError(errors)
    region = region_by_id(session, profile.region_id)
    if not publication.needs_review(profile, region):
        media_service.purge_retired(session, profile, keep_published=False)
    staleness.answer(profile)  # submitting answers a reminder; submit refreshes the index
    status = publication.submit(session, profile, region, profile_snapshot, actor_user_id)
    flush_or_conflict(session, duplicate_key_is_conflict=True)
    return status


def approve_profile(session: Session, profile: EmployerProfile, reviewer_user_id: int, *,
                    details: dict[str, Any] | None = None) -> None:
    """Approve a submitted profile: the working copy becomes the public version.

    Pictures the company removed meanwhile are deleted first, so the new snapshot lists only
    the working copy's pictures. The review view should call this, not ``publication.approve``.
    """
    if profile.status == "in_review":
        media_service.purge_retired(session, profile, keep_published=False)
    publication.approve(session, profile, profile_snapshot, reviewer_user_id,
                        region_id=profile.region_id, details=details)


def confirm_current(
    session: Session, customer_id: int, *, expected_version: int | None,
    actor_user_id: int | None, via: str = "tab",
) -> EmployerProfile:
    """"Everything is still correct": resets the staleness clock without changing the status.

    One path for the tab's button and the one-click link of the reminder mail (``via="link"``,
    no user: the signed token was the check, ``services.staleness.check_link``). A reminder's
    stamps are cleared, so a profile the reminder took off the portal is back at once, its
    offers with it (the search index is refreshed)."""
    profile = profile_for_customer(session, customer_id)
    if profile is None:
        raise NotFound(customer_id)
    check_version(expected_version, profile.version)
    was_hidden = staleness.touch(profile)
    profile.updated_by_user_id = actor_user_id
    audit.record(session, "employerprofile.confirmed", "employerprofile", profile.id,
                 actor_user_id=actor_user_id, region_id=profile.region_id,
                 details={"via": via, "was_hidden": was_hidden})
    flush_or_conflict(session, duplicate_key_is_conflict=True)
    if was_hidden:
        staleness.reindex(session, profile)
    return profile
