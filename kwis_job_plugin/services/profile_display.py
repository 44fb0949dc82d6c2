"""How an employer profile looks: the public page body, and its preview for the company.

``profile_view`` turns a snapshot into what ``portal/_profile_body.html`` renders. The public
page passes the published snapshot; the previews pass the working copy, saved or with unsaved
input, through the same snapshot function, so preview and public page look exactly alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from ..i18n import gettext as _
from ..models import Benefit, Media, OccupationalField, TrainingOccupation
from ..models.host import get_customer
from . import media as media_service
from .errors import NotFound
from .profile_input import DEFAULT_VIDEO_HOSTS, SOCIAL_NETWORKS, ProfileInput, validate_input
from .profiles import apply_input, new_profile, profile_for_customer, working_snapshot
from .snapshots import published_alt_texts


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
    # The snapshot's descriptions, not the rows': a changed description waits for review.
    alts = published_alt_texts(snapshot, pictures)
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
        "photos": [_picture(m, media_url, alts.get(str(m.id), m.alt_text)) for m in photos],
        "company": company,
    }


def _picture(m: Media, media_url: Callable[[int], str], alt: str) -> dict[str, Any]:
    return {"id": m.id, "url": media_url(m.id), "alt": alt, "width": m.width, "height": m.height}


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
        profile = profile_for_customer(session, customer_id) or new_profile(session, customer)
        clean = validate_input(session, data, profile, video_hosts, with_uploads=False)
        for media, alt, removed in clean.photo_changes:
            if removed:
                media.kind = media_service.RETIRED_PREFIX + media.kind
            else:
                media.alt_text = alt
        logo = media_service.logo_of(profile)
        if clean.remove_logo and logo is not None:
            logo.kind = media_service.RETIRED_PREFIX + logo.kind
        clean.photo_changes, clean.remove_logo = [], False
        apply_input(session, profile, clean)
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
            snapshot = working_snapshot(new_profile(session, customer))
        return profile_view(session, snapshot, media_url=media_url, customer=customer)
    return profile_view(session, working_snapshot(profile), media_url=media_url,
                        customer=customer)
