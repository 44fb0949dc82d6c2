"""Logos and photos of employer profiles: verified by content, re-encoded, kept in the database.

An upload is trusted for nothing: not its name, not its declared type. Only bytes that start like
a JPEG, PNG or WebP file and that Pillow decodes as exactly that format are accepted. The pixel
count is read from the header and checked before anything is decoded (decompression bombs), the
EXIF orientation is applied, then every piece of metadata (EXIF with GPS position, XMP, ICC,
comments) is dropped by copying only the pixels into a fresh image, which is scaled down and
encoded anew. SVG and every other format are refused.

Media rows are shared by the working copy and the published snapshot (which lists media ids). A
picture the company removes while the published version still shows it is therefore *retired*
(its kind gets the prefix ``old-``) instead of deleted, so the public page stays whole until the
change is approved; ``purge_retired`` deletes such rows once no published version needs them.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.orm import Session

from ..i18n import gettext as _
from ..models import EmployerProfile, Media
from ..models.base import utcnow
from . import ownership
from .errors import NotFound, ValidationError

LOGO, PHOTO = "logo", "photo"
LIVE_KINDS = (LOGO, PHOTO)
RETIRED_PREFIX = "old-"
MAX_PHOTOS = 4
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 36_000_000
MAX_EDGE = {LOGO: 600, PHOTO: 1600}
MAX_ALT_LENGTH = 300
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
SAVE_OPTIONS = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 85, "method": 4},
}


@dataclass(frozen=True)
class ProcessedImage:
    data: bytes
    content_type: str
    width: int
    height: int
    sha256: str


def sniff(raw: bytes) -> str | None:
    """The format the leading bytes promise (``JPEG``, ``PNG``, ``WEBP``), else ``None``."""
    if raw[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if raw[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if raw[:4] == b"RIFF" and raw[8:12] == b"WEBP":
        return "WEBP"
    return None


def _not_an_image(field: str) -> ValidationError:
    return ValidationError(
        {field: _("Diese Datei ist kein Bild im Format JPEG, PNG oder WebP. Bitte wählen Sie "
                  "ein Foto oder eine Grafik in einem dieser Formate.")}
    )


def _too_many_pixels(field: str) -> ValidationError:
    return ValidationError(
        {field: _("Das Bild hat zu viele Bildpunkte (höchstens %(mp)s Megapixel). Bitte "
                  "verkleinern Sie es vor dem Hochladen.", mp=MAX_PIXELS // 1_000_000)}
    )


def process_image(raw: bytes, kind: str, field: str = "file") -> ProcessedImage:
    """Verify ``raw`` by content and return it cleaned and re-encoded, or raise
    ``ValidationError({field: ...})``."""
    if not raw:
        raise ValidationError({field: _("Die Datei ist leer. Bitte wählen Sie ein Bild aus.")})
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {field: _("Die Datei ist zu groß: höchstens %(mb)s MB.",
                      mb=MAX_UPLOAD_BYTES // (1024 * 1024))}
        )
    fmt = sniff(raw)
    if fmt is None:
        raise _not_an_image(field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw), formats=[fmt]) as source:
                if source.format != fmt:
                    raise _not_an_image(field)
                width, height = source.size
                if width < 1 or height < 1:
                    raise _not_an_image(field)
                if width * height > MAX_PIXELS:
                    raise _too_many_pixels(field)
                edge = MAX_EDGE[kind]
                if fmt == "JPEG":
                    source.draft("RGB", (edge * 2, edge * 2))
                source.load()
                image = _cleaned(source, fmt, edge)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(field) from None
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            TypeError, IndexError, KeyError, ZeroDivisionError):
        raise _not_an_image(field) from None

    out = io.BytesIO()
    image.save(out, format=fmt, **SAVE_OPTIONS[fmt])
    data = out.getvalue()
    return ProcessedImage(
        data=data,
        content_type=CONTENT_TYPES[fmt],
        width=image.width,
        height=image.height,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _cleaned(source: Image.Image, fmt: str, edge: int) -> Image.Image:
    """Upright, small enough, in a plain colour mode, and with pixels only (no metadata)."""
    image = ImageOps.exif_transpose(source)
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    )
    if has_alpha and fmt != "JPEG":
        image = image.convert("RGBA")
    elif has_alpha:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    else:
        image = image.convert("RGB")
    image.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    # A new image from the raw pixels carries no EXIF, GPS, XMP, ICC profile or comment.
    return Image.frombytes(image.mode, image.size, image.tobytes())


def check_alt_text(alt: str | None, field: str) -> str:
    alt = (alt or "").strip()
    if not alt:
        raise ValidationError(
            {field: _("Bitte beschreiben Sie das Foto in wenigen Worten (Bildbeschreibung), "
                      "damit es auch Menschen verstehen, die es nicht sehen können.")}
        )
    if len(alt) > MAX_ALT_LENGTH:
        raise ValidationError(
            {field: _("Die Bildbeschreibung ist zu lang: höchstens %(n)s Zeichen.",
                      n=MAX_ALT_LENGTH)}
        )
    return alt


# -- the profile's pictures ----------------------------------------------------------------


def is_retired(media: Media) -> bool:
    return media.kind.startswith(RETIRED_PREFIX)


def original_kind(media: Media) -> str:
    return media.kind.removeprefix(RETIRED_PREFIX)


def live_media(profile: EmployerProfile) -> list[Media]:
    """The pictures of the working copy (retired ones only serve the published version)."""
    return [m for m in profile.media if m.kind in LIVE_KINDS]


def logo_of(profile: EmployerProfile) -> Media | None:
    return next((m for m in profile.media if m.kind == LOGO), None)


def photos_of(profile: EmployerProfile) -> list[Media]:
    return [m for m in profile.media if m.kind == PHOTO]


def published_ids(profile: EmployerProfile) -> set[int]:
    snapshot = profile.published_snapshot or {}
    return {int(i) for i in snapshot.get("media") or [] if isinstance(i, int)}


def add_image(
    session: Session, profile: EmployerProfile, kind: str, image: ProcessedImage, alt_text: str
) -> Media:
    """Attach an already processed image; a new logo replaces the old one."""
    if kind == LOGO:
        old = logo_of(profile)
        if old is not None:
            remove(session, profile, old)
        sort_order = 0
    else:
        sort_order = max((m.sort_order for m in photos_of(profile)), default=0) + 1
    media = Media(
        kind=kind,
        content_type=image.content_type,
        data=image.data,
        width=image.width,
        height=image.height,
        sha256=image.sha256,
        alt_text=alt_text,
        sort_order=sort_order,
        created_at=utcnow(),
    )
    profile.media.append(media)
    session.flush()
    return media


def remove(session: Session, profile: EmployerProfile, media: Media) -> None:
    """Take a picture out of the working copy; keep it while the public version shows it."""
    if media.profile_id != profile.id or is_retired(media):
        raise NotFound(media.id)
    if media.id in published_ids(profile):
        media.kind = RETIRED_PREFIX + media.kind
    else:
        profile.media.remove(media)
    session.flush()


def purge_retired(session: Session, profile: EmployerProfile, *, keep_published: bool) -> None:
    """Delete retired pictures; with ``keep_published`` only those no public version needs.

    Call it with ``keep_published=False`` right before a new version is published, so the
    new snapshot lists only the working copy's pictures.
    """
    needed = published_ids(profile) if keep_published else set()
    for media in [m for m in profile.media if is_retired(m) and m.id not in needed]:
        profile.media.remove(media)
    session.flush()


def owned_media(session: Session, customer_id: int, media_id: int) -> Media:
    """A picture of the customer's own profile; another company's id is simply not found."""
    return ownership.owned(session, Media, customer_id, media_id)
