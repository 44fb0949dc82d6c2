"""Logos and photos of employer profiles: verified by content, re-encoded, kept in the database.

An upload is trusted for nothing: not its name, not its declared type. Only bytes that start like
a JPEG, PNG or WebP file and that Pillow decodes as exactly that format are accepted. The pixel
count is read from the header and checked before anything is decoded (decompression bombs).
Decoding stays within a memory and time budget: a JPEG is decoded at a reduced scale (libjpeg's
draft mode), other formats are reduced in bands right after decoding, and a process decodes one
picture at a time, so the only full-size bitmap is a PNG's or WebP's own (at most ``MAX_PIXELS``
x 4 bytes). The EXIF orientation is applied, then every piece of metadata (EXIF with GPS
position, XMP, ICC, comments) is dropped by copying only the pixels into a fresh image, which is
encoded anew. SVG and every other format are refused.

Media rows are shared by the working copy and the published snapshot (which lists media ids). A
picture the company removes while the published version still shows it is therefore *retired*
(its kind gets the prefix ``old-``) instead of deleted, so the public page stays whole until the
change is approved; ``purge_retired`` deletes such rows once no published version needs them.
"""

from __future__ import annotations

import hashlib
import io
import math
import threading
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
# A photo as phones and cameras write it: 24-36 MP JPEGs are 8-15 MB (about 0.4 bytes a pixel
# at "fine" quality), with room for a detailed scene. The bytes cost memory once (the decoding
# budget below is about pixels, not bytes); the request bodies that carry them are bounded
# per form from this (``views/profile_tab.MAX_REQUEST_BYTES``, ``views/admin``'s logo form).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# A "36 megapixel" camera (7360 x 4912 = 36.2 MP) must pass, as a JPEG (what cameras write).
MAX_PIXELS = 40_000_000
# What decoding may hold at once besides the small result, as estimated by ``_decode_cost``:
# 40 MP of a PNG in RGB (Pillow stores RGB as 32 bits a pixel) fit exactly.
DECODE_BUDGET_BYTES = 160_000_000
# Pillow's WebP reader holds about four full RGBA frames while decoding (libwebp's canvas and
# previous canvas, the frame as bytes, Pillow's bitmap); measured 15.5 bytes a pixel.
WEBP_BYTES_PER_PIXEL = 16
REDUCING_GAP = 1.5
ORIENTATION_KEYS = ("exif", "Raw profile type exif", "XML:com.adobe.xmp", "xmp")
# One picture decoded at a time per process: four photos in one request, or two requests at
# once, never hold two full-size bitmaps. This is not shared state in the DESIGN sense (no
# data, nothing another process or request must see): it bounds this process's memory only,
# and each worker process has its own. Waiting costs at most about a second per picture.
_ONE_AT_A_TIME = threading.Semaphore(1)
MAX_EDGE = {LOGO: 600, PHOTO: 1600}
MAX_ALT_LENGTH = 300
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
SAVE_OPTIONS = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
    # zlib's default level: a photo of 1600 x 1067 as PNG takes 0.26 s instead of 2.1 s with
    # ``optimize`` (level 9), for a file about 9 % larger.
    "PNG": {"compress_level": 6},
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


def _too_many_pixels(field: str, pixels: int | None = None,
                     limit_pixels: int = MAX_PIXELS) -> ValidationError:
    limit = limit_pixels // 1_000_000
    if pixels is None:  # Pillow's own bomb guard fired before the size could be read
        return ValidationError({field: _(
            "Das Bild ist zu groß. Bitte laden Sie ein Bild mit höchstens %(max)s Megapixeln "
            "hoch.", max=limit)})
    megapixels = f"{pixels / 1_000_000:.1f}".replace(".", ",")
    return ValidationError({field: _(
        "Das Bild ist mit %(mp)s Megapixeln zu groß. Bitte laden Sie ein Bild mit höchstens "
        "%(max)s Megapixeln hoch.", mp=megapixels, max=limit)})


def process_image(raw: bytes, kind: str, field: str = "file") -> ProcessedImage:
    """Verify ``raw`` by content and return it cleaned and re-encoded, or raise
    ``ValidationError({field: ...})``.

    Blocks while another thread of this process decodes a picture (see ``_ONE_AT_A_TIME``).
    """
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
    with _ONE_AT_A_TIME:
        image = _decode_within_budget(raw, fmt, MAX_EDGE[kind], field)
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


def _decode_within_budget(raw: bytes, fmt: str, edge: int, field: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw), formats=[fmt]) as source:  # reads the header only
                if source.format != fmt:
                    raise _not_an_image(field)
                width, height = source.size
                if width < 1 or height < 1:
                    raise _not_an_image(field)
                limit = min(MAX_PIXELS, DECODE_BUDGET_BYTES // _decode_cost(source))
                if width * height > limit:
                    raise _too_many_pixels(field, width * height, limit)
                target = _fitted((width, height), edge)
                if fmt == "JPEG":
                    # libjpeg scales while decoding (1/2, 1/4, 1/8): the largest reduction
                    # that still leaves at least the target size.
                    source.draft("RGB", target)
                decoded = _decode(source)
                orientation = {key: decoded.info[key] for key in ORIENTATION_KEYS
                               if key in decoded.info}
                image = _shrink(decoded, target, _plain_mode(decoded))
                # Upright as the camera said (EXIF, or XMP), turned once it is small.
                image.info = orientation
                ImageOps.exif_transpose(image, in_place=True)
                return _cleaned(image, fmt)  # before the source (maybe ``image``) is closed
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(field) from None
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            TypeError, IndexError, KeyError, ZeroDivisionError):
        raise _not_an_image(field) from None


def _decode_cost(source: Image.Image) -> int:
    """Bytes a pixel that decoding ``source`` holds at its peak, read from the header only.

    A baseline JPEG is decoded at a reduced scale (see ``_decode_within_budget``): 4 bytes for
    the bitmap, an upper bound. A progressive JPEG makes libjpeg keep every DCT coefficient of
    the whole picture (2 bytes a sample; 3 bytes a pixel with the usual 4:2:0 colour
    subsampling, 6 without). PNG: Pillow's bitmap in the file's mode. WebP: see
    ``WEBP_BYTES_PER_PIXEL``."""
    if source.format == "WEBP":
        return WEBP_BYTES_PER_PIXEL
    if source.format == "JPEG":
        if not source.info.get("progressive"):
            return 4
        layers = getattr(source, "layer", None) or [("", 1, 1, 0)]
        most = max(h * v for _id, h, v, _q in layers)
        samples = sum(h * v for _id, h, v, _q in layers) / most
        return max(4, math.ceil(2 * samples))
    return {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2}.get(source.mode, 4)


def _fitted(size: tuple[int, int], edge: int) -> tuple[int, int]:
    """``size`` scaled down (never up) to fit into an ``edge`` x ``edge`` square.

    The box is square, so whether the EXIF orientation turns the picture does not matter."""
    width, height = size
    scale = min(1.0, edge / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _decode(source: Image.Image) -> Image.Image:
    """Decode the pixels (JPEG already set to a reduced scale); the one full-size step."""
    source.load()
    return source


def _plain_mode(image: Image.Image) -> str:
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    )
    return "RGBA" if has_alpha else "RGB"


def _shrink(decoded: Image.Image, target: tuple[int, int], mode: str) -> Image.Image:
    """``decoded`` in ``mode`` and ``target`` size, without a second full-size copy.

    Converting and reducing by an integer factor (an average of factor x factor pixels) runs
    in bands of rows, so besides the decoded picture only the reduced one is whole in memory;
    Lanczos then resamples from at least ``REDUCING_GAP`` times the target size, as Pillow's
    ``thumbnail`` does (close to resampling the whole picture, much cheaper). The decoded
    picture is closed (its memory released) as soon as the reduced one exists."""
    width, height = decoded.size
    factor = max(1, int(min(width / target[0], height / target[1]) / REDUCING_GAP))
    if factor == 1:
        image = decoded if decoded.mode == mode else decoded.convert(mode)
    else:
        band = factor * 64
        image = Image.new(mode, (-(-width // factor), -(-height // factor)))
        for top in range(0, height, band):
            piece = decoded.crop((0, top, width, min(height, top + band)))
            if piece.mode != mode:
                piece = piece.convert(mode)
            image.paste(piece.reduce(factor), (0, top // factor))
    if image is not decoded:
        decoded.close()
    if image.size != target:
        image = image.resize(target, Image.Resampling.LANCZOS)
    return image


def _cleaned(image: Image.Image, fmt: str) -> Image.Image:
    """In a colour mode the format stores, and with pixels only (no metadata)."""
    if image.mode == "RGBA" and fmt == "JPEG":
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
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
