"""A region's look on the public portal: two colours, a logo and its name.

The portal is styled with KERN UX (``assets_build.py``); a region changes only a few CSS custom
properties. They reach the browser as a small stylesheet of their own
(``/jobs/regionen/<slug>/stil.css?v=<version>``), not as a ``<style>`` element or ``style``
attribute: the Content-Security-Policy of plug-in pages and of the reference host is
``style-src 'self'`` without nonces, which forbids both. A separate file also caches: its URL
changes with its content (``Theme.version``), so it can be kept for a day.

Colours are accepted only if white text on them reaches the WCAG 2.1 AA contrast of 4.5:1: the
main colour is the background of the header and the buttons (white text) and the colour of
links on white, and contrast is symmetric, so one check covers both uses. An admin who picks a
light colour gets a German message at the field with the ratio reached, and nothing is saved.

Which region a page shows: a company's and an offer's page the region of the company profile,
the search the region of its ``region`` filter, else none (the neutral default look). No Flask
here; ``views/theme.py`` serves the stylesheet and the logo.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import gettext as _
from ..models import EmployerProfile, Offer, Region
from . import audit, media
from .errors import ValidationError

MIN_CONTRAST = 4.5
WHITE = "#ffffff"
HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
MAX_LOGO_ALT = 300
FIELDS = ("theme_color", "theme_color_secondary", "logo", "logo_alt")


# --- colours ---------------------------------------------------------------------------------


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(color: str) -> float:
    """WCAG 2.1 relative luminance of ``#rrggbb``."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def normalise_color(raw: str | None) -> str | None:
    """``#rrggbb`` in lower case from "#RGB", "#RRGGBB" or the same without "#"; "" -> None.

    Raises ``ValueError`` for anything else.
    """
    text = (raw or "").strip()
    if not text:
        return None
    match = HEX.fullmatch(text)
    if match is None:
        raise ValueError(text)
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return f"#{digits}"


def _format_ratio(ratio: float) -> str:
    return f"{int(ratio * 10) / 10:.1f}".replace(".", ",")  # rounded down: never flatter


def check_color(raw: str | None, field: str) -> str | None:
    """A valid theme colour or ``None`` (the default look); else ``ValidationError``."""
    try:
        color = normalise_color(raw)
    except ValueError:
        raise ValidationError({field: _(
            "Bitte geben Sie die Farbe als Hex-Wert mit 6 Stellen ein, zum Beispiel #0b4f8a."
        )}) from None
    if color is None:
        return None
    ratio = contrast_ratio(color, WHITE)
    if ratio < MIN_CONTRAST:
        raise ValidationError({field: _(
            "Diese Farbe ist zu hell: Weiße Schrift darauf erreicht nur einen Kontrast von "
            "%(ratio)s:1, nötig sind mindestens 4,5:1 (WCAG 2.1 AA). Bitte wählen Sie einen "
            "dunkleren Ton.", ratio=_format_ratio(ratio)
        )})
    return color


# --- editing ---------------------------------------------------------------------------------


def update_theme(
    session: Session,
    region: Region,
    *,
    theme_color: str | None,
    theme_color_secondary: str | None,
    logo: bytes | None = None,
    logo_alt: str | None = None,
    remove_logo: bool = False,
    actor_user_id: int | None = None,
) -> Region:
    """Check everything first, then change the region; any error changes nothing.

    ``logo``: the bytes of a new upload (verified and re-encoded like a profile logo) or
    ``None`` to keep the current one; ``remove_logo`` drops it. A change is audited
    (``region.look_changed``: colours and the logo's hash before and after; the logo text only
    as a changed field name).
    """
    errors: dict[str, str] = {}
    colors = {}
    for field, raw in (("theme_color", theme_color),
                       ("theme_color_secondary", theme_color_secondary)):
        try:
            colors[field] = check_color(raw, field)
        except ValidationError as exc:
            errors.update(exc.errors)
    image = None
    if logo:
        try:
            image = media.process_image(logo, media.LOGO, field="logo")
        except ValidationError as exc:
            errors.update(exc.errors)
    alt = " ".join((logo_alt or "").split())
    if len(alt) > MAX_LOGO_ALT:
        errors["logo_alt"] = _("Der Text ist zu lang: höchstens %(n)s Zeichen.", n=MAX_LOGO_ALT)
    if errors:
        raise ValidationError(errors)

    before = _look(region)
    region.theme_color = colors["theme_color"]
    region.theme_color_secondary = colors["theme_color_secondary"]
    if remove_logo and image is None:
        region.logo_data = None
        region.logo_content_type = region.logo_sha256 = None
        region.logo_width = region.logo_height = None
    elif image is not None:
        region.logo_data = image.data
        region.logo_content_type = image.content_type
        region.logo_width, region.logo_height = image.width, image.height
        region.logo_sha256 = image.sha256
    region.logo_alt = alt or None
    changed = audit.changes(before, _look(region), shown=LOOK_VALUES_SHOWN)
    if changed["fields"]:
        audit.record(session, "region.look_changed", "region", region.id,
                     actor_user_id=actor_user_id, region_id=region.id, details=changed)
    session.flush()
    return region


LOOK_VALUES_SHOWN = ("theme_color", "theme_color_secondary", "logo_sha256")


def _look(region: Region) -> dict[str, str | None]:
    """What the audit log compares; the logo by its hash, never its bytes."""
    return {"theme_color": region.theme_color,
            "theme_color_secondary": region.theme_color_secondary,
            "logo_sha256": region.logo_sha256, "logo_alt": region.logo_alt}


# --- what the portal shows -------------------------------------------------------------------


@dataclass(frozen=True)
class Logo:
    sha256: str
    width: int
    height: int
    alt: str


@dataclass(frozen=True)
class Theme:
    """What ``portal/base.html`` needs to dress a page in a region's look."""

    slug: str
    name: str
    primary: str | None
    secondary: str | None
    logo: Logo | None

    @property
    def has_colors(self) -> bool:
        return bool(self.primary or self.secondary)

    @property
    def version(self) -> str:
        """Changes whenever the stylesheet's content does: it is part of the URL."""
        key = f"{self.primary}|{self.secondary}"
        return hashlib.sha256(key.encode()).hexdigest()[:10]


_COLUMNS = (
    Region.slug, Region.name, Region.theme_color, Region.theme_color_secondary,
    Region.logo_sha256, Region.logo_width, Region.logo_height, Region.logo_alt,
)


def _theme(row) -> Theme | None:
    if row is None:
        return None
    slug, name, primary, secondary, sha256, width, height, alt = row
    logo = Logo(sha256, width or 0, height or 0, alt or "") if sha256 else None
    return Theme(slug, name, primary, secondary, logo)


def for_region(session: Session, slug: str | None) -> Theme | None:
    if not slug:
        return None
    return _theme(session.execute(select(*_COLUMNS).where(Region.slug == slug)).first())


def for_profile(session: Session, profile_id: int) -> Theme | None:
    return _theme(session.execute(
        select(*_COLUMNS).join(EmployerProfile, EmployerProfile.region_id == Region.id)
        .where(EmployerProfile.id == profile_id)
    ).first())


def for_offer(session: Session, offer_id: int) -> Theme | None:
    return _theme(session.execute(
        select(*_COLUMNS).join(EmployerProfile, EmployerProfile.region_id == Region.id)
        .join(Offer, Offer.profile_id == EmployerProfile.id)
        .where(Offer.id == offer_id)
    ).first())


def stylesheet(theme: Theme) -> str:
    """The region's custom properties. ``portal.css`` derives tints from them; KERN's
    ``--kern-color-action-default`` (links, buttons, ticked boxes) follows the main colour."""
    lines = [f"/* KWIS.job: look of the region {theme.slug} */", ".kj-portal[data-kern-theme] {"]
    if theme.primary:
        lines += [f"  --kj-accent: {theme.primary};",
                  f"  --kern-color-action-default: {theme.primary};"]
    if theme.secondary:
        lines.append(f"  --kj-accent-2: {theme.secondary};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def logo_of(session: Session, slug: str) -> Region | None:
    """The region with its logo bytes loaded, if it has a logo."""
    region = session.scalar(select(Region).where(Region.slug == slug))
    return region if region is not None and region.logo_sha256 else None
