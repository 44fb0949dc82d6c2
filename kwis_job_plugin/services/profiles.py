"""A company's own employer profile: reading, validating, saving, submitting, previewing.

The row is the company's working copy; ``published_snapshot`` is what the public sees and is
written only by ``services.publication``. Saving changes to a published (or submitted) profile
sets it back to ``draft`` while the snapshot stays public. Ownership is always the customer id
the caller got from the host, never a value from a form.

``ValidationError`` keys are the names of the fields of ``forms.profile.ProfileForm``, so the
view can put each message next to its field.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer, selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..config import VIDEO_HOSTS
from ..i18n import N_
from ..i18n import gettext as _
from ..models import (
    Benefit,
    EmployerProfile,
    Media,
    OccupationalField,
    Offer,
    Region,
    TrainingOccupation,
)
from ..models.base import utcnow
from ..models.host import get_customer
from . import audit, publication, search_index
from . import media as media_service
from .errors import EditConflict, NotFound, ValidationError
from .regions import region_for_ags
from .sanitize import clean_html, text_length
from .slugs import unique_slug
from .snapshots import profile_snapshot

PHILOSOPHY_MAX_TEXT = 3000
PHILOSOPHY_MAX_INPUT = 20000
MAX_CUSTOM_BENEFITS = 3
CUSTOM_BENEFIT_MAX = 80
NAME_MAX, ROLE_MAX, EMAIL_MAX, PHONE_MAX, URL_MAX = 200, 200, 254, 60, 500
DEFAULT_VIDEO_HOSTS = VIDEO_HOSTS

# key -> (label, allowed hosts or None for any https host)
SOCIAL_NETWORKS: dict[str, tuple[str, frozenset[str] | None]] = {
    "website": (N_("Karriereseite"), None),
    "instagram": ("Instagram", frozenset({"instagram.com", "www.instagram.com"})),
    "facebook": ("Facebook", frozenset({"facebook.com", "www.facebook.com", "m.facebook.com"})),
    "linkedin": ("LinkedIn", frozenset({"linkedin.com", "www.linkedin.com", "de.linkedin.com"})),
    "xing": ("XING", frozenset({"xing.com", "www.xing.com"})),
    "tiktok": ("TikTok", frozenset({"tiktok.com", "www.tiktok.com"})),
    "youtube": ("YouTube", frozenset({"youtube.com", "www.youtube.com", "m.youtube.com"})),
    "mastodon": ("Mastodon", None),
}

EMAIL_RE = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"'.]{2,}$")
PHONE_RE = re.compile(r"^\+?[0-9(][0-9 ()/\-.]{3,}[0-9]$")
TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>")


# -- reading --------------------------------------------------------------------------------


def profile_for_customer(session: Session, customer_id: int) -> EmployerProfile | None:
    return session.scalar(
        select(EmployerProfile).where(EmployerProfile.customer_id == customer_id)
    )


def offers_for_customer(session: Session, customer_id: int) -> list[Offer]:
    """The customer's offers, newest first. Ownership is the join, never a form value."""
    return list(
        session.scalars(
            select(Offer)
            .join(EmployerProfile, Offer.profile_id == EmployerProfile.id)
            .where(EmployerProfile.customer_id == customer_id)
            .options(selectinload(Offer.offer_type))
            .order_by(Offer.updated_at.desc(), Offer.id.desc())
        )
    )


def offer_counts_by_status(session: Session, customer_id: int) -> dict[str, int]:
    return dict(
        session.execute(
            select(Offer.status, func.count())
            .join(EmployerProfile, Offer.profile_id == EmployerProfile.id)
            .where(EmployerProfile.customer_id == customer_id)
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


def terms(session: Session, model: type) -> list[Any]:
    """Active terms of a taxonomy, in their order, for choices in the form."""
    return list(
        session.scalars(
            select(model).where(model.active.is_(True)).order_by(model.sort_order, model.name)
        )
    )


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
    """Whether the public version differs from the working copy (``None``-safe)."""
    if profile.published_snapshot is None:
        return False
    return working_snapshot(profile) != profile.published_snapshot


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


def _names(session: Session, model: type, keys: Sequence[str]) -> list[str]:
    if not keys:
        return []
    rows = session.scalars(select(model).where(model.key.in_(list(keys)))).all()
    return [t.name for t in sorted(rows, key=lambda t: (t.sort_order, t.name))]


def _safe_href(url: str | None) -> str | None:
    """``url`` if it is a plain web link (host data is not validated by us), else ``None``."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def profile_view(
    session: Session,
    snapshot: dict[str, Any],
    *,
    media_url: Callable[[int], str],
    customer: Any = None,
) -> dict[str, Any]:
    """What ``portal/_profile_body.html`` renders: a snapshot with names and picture URLs.

    Used for the public page (the published snapshot) and for the preview (the working copy
    through the same snapshot function), so both look exactly alike.
    """
    ids = [i for i in snapshot.get("media") or [] if isinstance(i, int)]
    rows = {
        m.id: m
        for m in session.scalars(
            select(Media).where(Media.id.in_(ids)).options(defer(Media.data))
        )
    } if ids else {}
    pictures = [rows[i] for i in ids if i in rows]
    logo = next((m for m in pictures if media_service.original_kind(m) == "logo"), None)
    photos = [m for m in pictures if media_service.original_kind(m) == "photo"]
    name = snapshot.get("display_name") or ""

    contact = {k: (v or "") for k, v in (snapshot.get("contact") or {}).items()}
    video_url = snapshot.get("video_url")
    social = snapshot.get("social_links") or {}
    company = None
    if customer is not None:
        company = {
            "street": customer.street,
            "postcode": customer.postcode,
            "city": customer.city,
            "website": _safe_href(customer.website),
        }
    return {
        "display_name": name,
        "slug": snapshot.get("slug"),
        "philosophy_html": snapshot.get("philosophy_html") or "",
        "fields": _names(session, OccupationalField, snapshot.get("fields") or []),
        "occupations": _names(session, TrainingOccupation, snapshot.get("occupations") or []),
        "benefits": _names(session, Benefit, snapshot.get("benefits") or [])
        + list(snapshot.get("custom_benefits") or []),
        "contact": contact if any(contact.values()) else None,
        "phone_href": re.sub(r"[^0-9+]", "", contact.get("phone") or ""),
        "video": {"url": video_url, "host": urlsplit(video_url).hostname}
        if _safe_href(video_url) else None,
        "social": [
            {"key": key, "label": _(label), "url": social[key]}
            for key, (label, _hosts) in SOCIAL_NETWORKS.items()
            if _safe_href(social.get(key))
        ],
        "logo": _picture(logo, media_url, _("Logo von %(name)s", name=name)) if logo else None,
        "photos": [_picture(m, media_url, m.alt_text) for m in photos],
        "company": company,
    }


def _picture(m: Media, media_url: Callable[[int], str], alt: str) -> dict[str, Any]:
    return {"id": m.id, "url": media_url(m.id), "alt": alt, "width": m.width, "height": m.height}


# -- input ----------------------------------------------------------------------------------


@dataclass
class PhotoChange:
    """An existing photo as the form sends it back: new description, or removal."""

    media_id: int
    alt_text: str = ""
    remove: bool = False


@dataclass
class NewPhoto:
    data: bytes | None
    alt_text: str = ""


@dataclass
class ProfileInput:
    """What a company may change. No status, customer, region or slug: those are never input."""

    philosophy: str = ""
    field_ids: list[int] = field(default_factory=list)
    occupation_ids: list[int] = field(default_factory=list)
    benefit_ids: list[int] = field(default_factory=list)
    custom_benefits: list[str] = field(default_factory=list)
    contact_name: str = ""
    contact_role: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    video_url: str = ""
    social_links: dict[str, str] = field(default_factory=dict)
    logo: bytes | None = None
    remove_logo: bool = False
    photos: list[PhotoChange] = field(default_factory=list)
    new_photos: list[NewPhoto] = field(default_factory=list)


@dataclass
class _Clean:
    philosophy_html: str
    fields: list[OccupationalField]
    occupations: list[TrainingOccupation]
    benefits: list[Benefit]
    custom_benefits: list[str]
    contact: dict[str, str | None]
    video_url: str | None
    social_links: dict[str, str]
    logo: media_service.ProcessedImage | None
    remove_logo: bool
    photo_changes: list[tuple[Media, str, bool]]
    new_photos: list[tuple[media_service.ProcessedImage, str]]


def philosophy_to_html(text: str) -> str:
    """Plain text (paragraphs separated by blank lines) or simple HTML, sanitised with nh3."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    if TAG_RE.search(text):
        return clean_html(text)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return clean_html(
        "".join(
            "<p>" + "<br>".join(html.escape(line.strip(), quote=False)
                                for line in p.split("\n")) + "</p>"
            for p in paragraphs
        )
    )


def html_to_editable(stored: str | None) -> str:
    """Stored HTML back to the plain text it came from, when that round-trips exactly."""
    if not stored:
        return ""
    paragraphs = re.findall(r"<p>(.*?)</p>", stored, re.S)
    if paragraphs and "".join(f"<p>{p}</p>" for p in paragraphs) == stored:
        candidate = "\n\n".join(html.unescape(p.replace("<br>", "\n")) for p in paragraphs)
        if philosophy_to_html(candidate) == stored:
            return candidate
    return stored


def _host(url: str) -> str | None:
    try:
        return (urlsplit(url).hostname or "").lower() or None
    except ValueError:
        return None


def check_https_url(url: str, hosts: Iterable[str] | None, field_name: str) -> str:
    """A plain ``https://`` link (no credentials, no odd port), optionally on given hosts."""
    url = url.strip()
    if len(url) > URL_MAX:
        raise ValidationError({field_name: _("Der Link ist zu lang: höchstens %(n)s Zeichen.",
                                             n=URL_MAX)})
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if (
        parts is None
        or parts.scheme != "https"
        or not parts.hostname
        or "@" in parts.netloc
        or port not in (None, 443)
        or any(c.isspace() for c in url)
        or "." not in parts.hostname
    ):
        raise ValidationError(
            {field_name: _("Bitte geben Sie einen vollständigen Link an, der mit https:// "
                           "beginnt, zum Beispiel https://www.example.de/seite.")}
        )
    allowed = {h.lower() for h in hosts} if hosts is not None else None
    if allowed is not None and parts.hostname.lower() not in allowed:
        raise ValidationError(
            {field_name: _("Links sind hier nur zu diesen Seiten möglich: %(hosts)s.",
                           hosts=", ".join(sorted(allowed)))}
        )
    return url


def _collect(errors: dict[str, str], check: Callable[[], Any]) -> Any:
    try:
        return check()
    except ValidationError as exc:
        for key, message in exc.errors.items():
            errors.setdefault(key, message)
        return None


def _check_length(value: str, limit: int, field_name: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError({field_name: _("Bitte kürzen Sie auf höchstens %(n)s Zeichen.",
                                             n=limit)})
    return value


def _terms_by_id(
    session: Session, model: type, ids: Iterable[int], field_name: str
) -> list[Any]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = {
        t.id: t
        for t in session.scalars(
            select(model).where(model.id.in_(wanted), model.active.is_(True))
        )
    }
    if len(found) != len(wanted):
        raise ValidationError({field_name: _("Bitte wählen Sie nur Einträge aus der Liste.")})
    return [found[i] for i in wanted]


def _validate(
    session: Session,
    data: ProfileInput,
    profile: EmployerProfile | None,
    video_hosts: Iterable[str],
    *,
    with_uploads: bool = True,
) -> _Clean:
    """Check everything and collect every message before anything is written."""
    errors: dict[str, str] = {}

    def philosophy() -> str:
        raw = data.philosophy or ""
        if len(raw) > PHILOSOPHY_MAX_INPUT:
            raise ValidationError({"philosophy": _(
                "Der Text ist zu lang: höchstens %(n)s Zeichen.", n=PHILOSOPHY_MAX_TEXT)})
        cleaned = philosophy_to_html(raw)
        length = text_length(cleaned)
        if length > PHILOSOPHY_MAX_TEXT:
            raise ValidationError({"philosophy": _(
                "Der Text ist zu lang: höchstens %(n)s Zeichen, Ihr Text hat %(length)s.",
                n=PHILOSOPHY_MAX_TEXT, length=length)})
        return cleaned

    philosophy_html = _collect(errors, philosophy)
    fields = _collect(errors, lambda: _terms_by_id(
        session, OccupationalField, data.field_ids, "occupational_fields")) or []
    occupations = _collect(errors, lambda: _terms_by_id(
        session, TrainingOccupation, data.occupation_ids, "occupations")) or []
    benefits = _collect(errors, lambda: _terms_by_id(
        session, Benefit, data.benefit_ids, "benefits")) or []

    custom: list[str] = []
    for index, value in enumerate(data.custom_benefits):
        key = f"custom_benefit_{index + 1}"
        if index >= MAX_CUSTOM_BENEFITS:
            if (value or "").strip():
                errors.setdefault(key, _("Sie können höchstens %(n)s eigene Vorteile nennen.",
                                         n=MAX_CUSTOM_BENEFITS))
            continue
        text = _collect(errors, lambda v=value, k=key: _check_length(v, CUSTOM_BENEFIT_MAX, k))
        if text and text.casefold() not in {c.casefold() for c in custom}:
            custom.append(text)

    contact: dict[str, str | None] = {}
    for key, limit in (("contact_name", NAME_MAX), ("contact_role", ROLE_MAX),
                       ("contact_email", EMAIL_MAX), ("contact_phone", PHONE_MAX)):
        value = _collect(errors, lambda k=key, n=limit: _check_length(getattr(data, k), n, k))
        contact[key] = value or None
    if contact["contact_email"] and not EMAIL_RE.match(contact["contact_email"]):
        errors.setdefault("contact_email", _(
            "Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel "
            "ausbildung@betrieb.de."))
    if contact["contact_phone"] and not PHONE_RE.match(contact["contact_phone"]):
        errors.setdefault("contact_phone", _(
            "Bitte geben Sie eine Telefonnummer nur mit Ziffern an, zum Beispiel "
            "03641 123456 oder +49 3641 123456."))

    video_url = None
    if (data.video_url or "").strip():
        video_url = _collect(errors, lambda: check_https_url(
            data.video_url, video_hosts, "video_url"))

    social: dict[str, str] = {}
    for key, value in (data.social_links or {}).items():
        if key not in SOCIAL_NETWORKS:
            continue
        if (value or "").strip():
            url = _collect(errors, lambda k=key, v=value: check_https_url(
                v, SOCIAL_NETWORKS[k][1], f"social_{k}"))
            if url:
                social[key] = url

    live = {m.id: m for m in media_service.live_media(profile)} if profile else {}
    photo_changes: list[tuple[Media, str, bool]] = []
    seen: set[int] = set()
    for index, change in enumerate(data.photos):
        media = live.get(change.media_id)
        if media is None or media.kind != media_service.PHOTO:
            raise NotFound(change.media_id)
        if media.id in seen:  # the same photo twice in one form: the first entry counts
            continue
        seen.add(media.id)
        if change.remove:
            photo_changes.append((media, media.alt_text, True))
            continue
        alt = _collect(errors, lambda c=change, i=index: media_service.check_alt_text(
            c.alt_text, f"photos-{i}-alt_text"))
        photo_changes.append((media, alt or media.alt_text, False))

    logo = None
    new_photos: list[tuple[media_service.ProcessedImage, str]] = []
    if with_uploads:
        if data.logo is not None:
            logo = _collect(errors, lambda: media_service.process_image(
                data.logo, media_service.LOGO, "logo"))
        removed_ids = {m.id for m, _alt, removed in photo_changes if removed}
        kept = len([m for m in live.values() if m.kind == media_service.PHOTO]) - len(removed_ids)
        for index, new in enumerate(data.new_photos):
            file_key, alt_key = f"new_photo_{index + 1}", f"new_photo_{index + 1}_alt"
            if new.data is None:
                if (new.alt_text or "").strip():
                    errors.setdefault(file_key, _(
                        "Bitte wählen Sie das Foto zu dieser Bildbeschreibung aus."))
                continue
            if kept + len(new_photos) >= media_service.MAX_PHOTOS:
                errors.setdefault(file_key, _(
                    "Sie können höchstens %(n)s Fotos zeigen. Entfernen Sie zuerst ein Foto.",
                    n=media_service.MAX_PHOTOS))
                continue
            alt = _collect(errors, lambda n=new, k=alt_key: media_service.check_alt_text(
                n.alt_text, k))
            image = _collect(errors, lambda n=new, k=file_key: media_service.process_image(
                n.data, media_service.PHOTO, k))
            if image is not None and alt:
                new_photos.append((image, alt))

    if errors:
        raise ValidationError(errors)
    return _Clean(
        philosophy_html=philosophy_html or "",
        fields=fields,
        occupations=occupations,
        benefits=benefits,
        custom_benefits=custom,
        contact=contact,
        video_url=video_url,
        social_links=social,
        logo=logo,
        remove_logo=data.remove_logo,
        photo_changes=photo_changes,
        new_photos=new_photos,
    )


# -- writing --------------------------------------------------------------------------------


def _state(profile: EmployerProfile) -> tuple[Any, ...]:
    """Everything a save can change, for "did anything change?"."""
    return (
        working_snapshot(profile),
        sorted((m.id or 0, m.kind, m.alt_text, m.sha256) for m in profile.media),
    )


def _apply(session: Session, profile: EmployerProfile, clean: _Clean) -> None:
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


def _new_profile(session: Session, customer: Any) -> EmployerProfile:
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


def _check_version(profile: EmployerProfile | None, expected_version: int | None) -> None:
    current = profile.version if profile is not None else 0
    if expected_version != current:
        raise EditConflict(current)


def _flush(session: Session) -> None:
    """Flush; a concurrent save (version check in the UPDATE) or create is a conflict."""
    try:
        session.flush()
    except StaleDataError:
        raise EditConflict(None) from None
    except IntegrityError:
        raise EditConflict(None) from None


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
    _check_version(profile, expected_version)
    clean = _validate(session, data, profile, video_hosts)
    region = region_for_ags(session, customer.ags)

    created = profile is None
    if profile is None:
        profile = _new_profile(session, customer)
        session.add(profile)
    before = None if created else _state(profile)
    region_before = profile.region_id
    with session.no_autoflush:
        _apply(session, profile, clean)
        profile.region_id = region.id if region else None
        changed = created or _state(profile) != before
    if changed:
        if profile.status in ("published", "in_review"):
            profile.status = "draft"
        profile.updated_at = utcnow()
        profile.updated_by_user_id = actor_user_id
        profile.stale_notified_at = None
    media_service.purge_retired(session, profile, keep_published=True)
    _flush(session)
    if not created and profile.region_id != region_before:
        search_index.refresh_profile(session, profile)  # the public offers move with it
    if created:
        audit.record(session, "employerprofile.created", "employerprofile", profile.id,
                     actor_user_id=actor_user_id, region_id=profile.region_id)
        _flush(session)
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
    region = session.get(Region, profile.region_id) if profile.region_id else None
    if not publication.needs_review(profile, region):
        media_service.purge_retired(session, profile, keep_published=False)
    status = publication.submit(session, profile, region, profile_snapshot, actor_user_id)
    _flush(session)
    return status


def approve_profile(session: Session, profile: EmployerProfile, reviewer_user_id: int) -> None:
    """Approve a submitted profile: the working copy becomes the public version.

    Pictures the company removed meanwhile are deleted first, so the new snapshot lists only
    the working copy's pictures. The review view should call this, not ``publication.approve``.
    """
    if profile.status == "in_review":
        media_service.purge_retired(session, profile, keep_published=False)
    publication.approve(session, profile, profile_snapshot, reviewer_user_id)


def confirm_current(
    session: Session, customer_id: int, *, expected_version: int | None,
    actor_user_id: int | None,
) -> EmployerProfile:
    """"Everything is still correct": resets the staleness clock without changing the status."""
    profile = profile_for_customer(session, customer_id)
    if profile is None:
        raise NotFound(customer_id)
    _check_version(profile, expected_version)
    profile.updated_at = utcnow()
    profile.updated_by_user_id = actor_user_id
    profile.stale_notified_at = None
    _flush(session)
    return profile


def preview(
    session: Session,
    customer_id: int,
    data: ProfileInput,
    *,
    media_url: Callable[[int], str],
    video_hosts: Iterable[str] = DEFAULT_VIDEO_HOSTS,
) -> dict[str, Any]:
    """The public body for unsaved input, built through the same snapshot function.

    The input is applied to the working copy in memory only (no flush); the caller must roll
    the session back afterwards. New uploads are not part of a preview.
    """
    with session.no_autoflush:
        customer = get_customer(session, customer_id)
        if customer is None:
            raise NotFound(customer_id)
        profile = profile_for_customer(session, customer_id) or _new_profile(session, customer)
        clean = _validate(session, data, profile, video_hosts, with_uploads=False)
        for media, alt, removed in clean.photo_changes:
            if removed:
                media.kind = media_service.RETIRED_PREFIX + media.kind
            else:
                media.alt_text = alt
        logo = media_service.logo_of(profile)
        if clean.remove_logo and logo is not None:
            logo.kind = media_service.RETIRED_PREFIX + logo.kind
        clean.photo_changes, clean.remove_logo = [], False
        _apply(session, profile, clean)
        return profile_view(session, working_snapshot(profile), media_url=media_url,
                            customer=customer)


def working_view(
    session: Session, customer_id: int, *, media_url: Callable[[int], str]
) -> dict[str, Any]:
    """The preview of what is saved (or, before the first save, of the prefilled profile)."""
    customer = get_customer(session, customer_id)
    if customer is None:
        raise NotFound(customer_id)
    profile = profile_for_customer(session, customer_id)
    if profile is None:
        with session.no_autoflush:
            snapshot = working_snapshot(_new_profile(session, customer))
        return profile_view(session, snapshot, media_url=media_url, customer=customer)
    return profile_view(session, working_snapshot(profile), media_url=media_url,
                        customer=customer)
