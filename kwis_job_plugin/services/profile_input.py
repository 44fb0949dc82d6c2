"""What a company enters for its employer profile, and how it is checked before anything is saved.

``validate_input`` collects every problem into one ``ValidationError`` whose keys are the names
of the fields of ``forms.profile.ProfileForm``, so the view can put each message next to its
field; it returns the cleaned values that ``services.profiles`` writes. Links must be plain
``https://`` addresses, social links on the network's own hosts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from ..config import VIDEO_HOSTS
from ..i18n import N_
from ..i18n import gettext as _
from ..models import Benefit, EmployerProfile, Media, OccupationalField, TrainingOccupation
from . import media as media_service
from . import taxonomy
from .errors import NotFound, ValidationError
from .sanitize import as_typed, clean_html, paragraphs_to_html, text_length

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
class CleanInput:
    """The checked input, ready to write: HTML cleaned, terms as rows, pictures processed."""

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
    return paragraphs_to_html(text)


def html_to_editable(stored: str | None) -> str:
    """Stored HTML back to the plain text it came from, when that round-trips exactly."""
    return as_typed(stored, philosophy_to_html)


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
    found = {t.id: t for t in taxonomy.active_terms(session, model, ids=wanted)}
    if len(found) != len(wanted):
        raise ValidationError({field_name: _("Bitte wählen Sie nur Einträge aus der Liste.")})
    return [found[i] for i in wanted]


def validate_input(
    session: Session,
    data: ProfileInput,
    profile: EmployerProfile | None,
    video_hosts: Iterable[str],
    *,
    with_uploads: bool = True,
) -> CleanInput:
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
    return CleanInput(
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
