"""Uploads of logos and photos: verified by content, re-encoded with Pillow, limited, cleaned.

Every image here is a real file made with Pillow (or crafted byte by byte where a real one would
be dangerous), and the checks read the stored result back with Pillow.
"""

from __future__ import annotations

import io
import struct
import time
import zlib

import pytest
from PIL import ExifTags, Image
from sqlalchemy import func, select

from kwis_job_plugin.demo.factories import ProfileFactory
from kwis_job_plugin.models import Media, OccupationalField
from kwis_job_plugin.services import (
    features,
    media,
    profile_input,
    profiles,
    public_pages,
    taxonomy,
)
from kwis_job_plugin.services.errors import NotFound, ValidationError

NOT_AN_IMAGE = "kein Bild im Format JPEG, PNG oder WebP"
TOO_MANY_PIXELS = "Bitte laden Sie ein Bild mit höchstens 40 Megapixeln hoch."


def image_bytes(fmt="PNG", size=(40, 30), color=(200, 30, 30), mode="RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, format=fmt, **save)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels (a decompression bomb's
    calling card): only a few hundred bytes, but decoding it would need gigabytes."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def jpeg_with_gps_and_rotation() -> bytes:
    """A 200x100 JPEG, left half red, right half blue, EXIF orientation 6 (turn 90° clockwise),
    a GPS position and a comment."""
    image = Image.new("RGB", (200, 100), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 100, 100))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Kamerahersteller"
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (50.0, 55.0, 40.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (11.0, 35.0, 10.0),
    }
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"Betriebsgeheimnis", quality=95)
    return out.getvalue()


def reopen(processed: media.ProcessedImage) -> Image.Image:
    image = Image.open(io.BytesIO(processed.data))
    image.load()
    return image


# -- pure image checks (no database) ---------------------------------------------------------


@pytest.mark.parametrize(("fmt", "content_type"), [
    ("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp"),
])
def test_real_images_are_accepted_and_re_encoded(fmt, content_type):
    # Pillow's PNG encoder is deterministic: a file it wrote with the settings we use would
    # come back byte for byte, so the upload is written with other ones.
    raw = image_bytes(fmt, size=(64, 48), **({"compress_level": 1} if fmt == "PNG" else {}))
    result = media.process_image(raw, media.PHOTO)
    assert result.content_type == content_type
    assert (result.width, result.height) == (64, 48)
    assert reopen(result).format == fmt
    assert result.data != raw, "the upload is encoded anew, never stored as sent"
    assert len(result.sha256) == 64


def test_the_format_comes_from_the_content_not_the_name():
    """A JPEG that someone named logo.png is a JPEG; the name is never looked at."""
    result = media.process_image(image_bytes("JPEG"), media.LOGO, "logo")
    assert result.content_type == "image/jpeg"


@pytest.mark.parametrize("raw", [
    b"Dies ist kein Bild, nur Text in einer Datei namens foto.png",
    b"\x89PNG\r\n\x1a\n" + b"\x00garbage after a PNG signature" * 4,
    b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
    image_bytes("BMP"),
    image_bytes("GIF"),
], ids=["text-named-png", "png-signature-garbage", "gif-header", "pdf", "bmp", "gif"])
def test_fake_and_unsupported_files_are_refused(raw):
    with pytest.raises(ValidationError) as error:
        media.process_image(raw, media.PHOTO, "new_photo_1")
    assert NOT_AN_IMAGE in error.value.errors["new_photo_1"]


def test_a_truncated_png_is_refused():
    raw = image_bytes("PNG", size=(300, 300), color=(10, 20, 30))
    with pytest.raises(ValidationError) as error:
        media.process_image(raw[: len(raw) // 2], media.PHOTO, "logo")
    assert NOT_AN_IMAGE in error.value.errors["logo"]


def test_svg_with_script_is_refused():
    svg = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"'
           b' onload="alert(document.cookie)"><script>alert(1)</script><rect width="10"'
           b' height="10"/></svg>')
    with pytest.raises(ValidationError) as error:
        media.process_image(svg, media.LOGO, "logo")
    assert NOT_AN_IMAGE in error.value.errors["logo"]


@pytest.mark.parametrize("size", [(50_000, 50_000), (7_000, 6_000)],
                         ids=["beyond-pillows-limit", "beyond-our-limit"])
def test_a_decompression_bomb_is_refused_before_decoding(size):
    """The header is checked before any pixel is decoded: the file has no real pixel data, so
    decoding would fail with a different message, and would take far longer for real ones."""
    bomb = png_claiming(*size)
    assert len(bomb) < 200
    started = time.perf_counter()
    with pytest.raises(ValidationError) as error:
        media.process_image(bomb, media.PHOTO, "new_photo_2")
    assert time.perf_counter() - started < 1
    message = error.value.errors["new_photo_2"]
    assert TOO_MANY_PIXELS in message
    if size == (7_000, 6_000):  # the header was read: the message names the size
        assert message.startswith("Das Bild ist mit 42,0 Megapixeln zu groß.")


def test_exif_with_gps_is_stripped_and_the_orientation_applied():
    raw = jpeg_with_gps_and_rotation()
    before = Image.open(io.BytesIO(raw))
    assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo), "the test image carries a position"
    assert before.size == (200, 100)

    result = media.process_image(raw, media.PHOTO)
    after = reopen(result)
    assert after.size == (100, 200), "turned upright as the camera said"
    assert after.getpixel((50, 10))[0] > 200 and after.getpixel((50, 10))[2] < 60, "red on top"
    assert after.getpixel((50, 190))[2] > 200, "blue at the bottom"
    assert len(after.getexif()) == 0
    assert not after.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert not {"exif", "comment", "icc_profile", "xmp"} & set(after.info)
    assert b"Betriebsgeheimnis" not in result.data and b"Kamerahersteller" not in result.data


def test_png_text_chunks_are_dropped_and_transparency_kept():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Max Mustermann, Privatadresse")
    raw = image_bytes("PNG", size=(30, 30), color=(0, 128, 0, 0), mode="RGBA", pnginfo=info)
    result = media.process_image(raw, media.LOGO)
    after = reopen(result)
    assert after.mode == "RGBA" and after.getpixel((5, 5))[3] == 0
    assert b"Mustermann" not in result.data and "Author" not in after.info


def test_large_images_are_scaled_down_logo_smaller_than_photos():
    photo = media.process_image(image_bytes("JPEG", size=(3000, 1000)), media.PHOTO)
    assert (photo.width, photo.height) == (1600, 533)
    logo = media.process_image(image_bytes("PNG", size=(1200, 1200)), media.LOGO)
    assert (logo.width, logo.height) == (600, 600)


def test_files_above_the_byte_limit_are_refused_unread():
    raw = b"\x89PNG\r\n\x1a\n" + b"\x00" * media.MAX_UPLOAD_BYTES
    with pytest.raises(ValidationError) as error:
        media.process_image(raw, media.PHOTO, "logo")
    assert "zu groß: höchstens 20 MB" in error.value.errors["logo"]


def test_an_empty_file_gets_its_own_message():
    with pytest.raises(ValidationError) as error:
        media.process_image(b"", media.PHOTO, "logo")
    assert "leer" in error.value.errors["logo"]


# -- pictures of a profile (database) --------------------------------------------------------


def _save(session, world, user=None, **data):
    user = user or world.a
    profile = profiles.profile_for_customer(session, user.customer.id)
    return profiles.save_profile(
        session, user.customer.id, profile_input.ProfileInput(**data),
        expected_version=profile.version if profile else 0, actor_user_id=user.id,
    )


def _count_media(session) -> int:
    return session.scalar(select(func.count()).select_from(Media))


def test_photos_need_a_description_and_nothing_is_stored_without(session, world):
    with pytest.raises(ValidationError) as error:
        _save(session, world, new_photos=[profile_input.NewPhoto(image_bytes("JPEG"), "  ")])
    assert "Bildbeschreibung" in error.value.errors["new_photo_1_alt"]
    session.rollback()
    assert _count_media(session) == 0
    assert profiles.profile_for_customer(session, world.a.customer.id) is None


def test_at_most_four_photos_and_one_logo(session, world):
    photos = [profile_input.NewPhoto(image_bytes("PNG", color=(i * 40, 0, 0)), f"Werkstatt {i}")
              for i in range(4)]
    profile = _save(session, world, new_photos=photos, logo=image_bytes("PNG"))
    session.commit()
    assert [m.alt_text for m in media.photos_of(profile)] == [f"Werkstatt {i}" for i in range(4)]
    assert media.logo_of(profile) is not None

    with pytest.raises(ValidationError) as error:
        _save(session, world, photos=[profile_input.PhotoChange(m.id, m.alt_text)
                                      for m in media.photos_of(profile)],
              new_photos=[profile_input.NewPhoto(image_bytes("PNG"), "Noch eins")])
    assert "höchstens 4 Fotos" in error.value.errors["new_photo_1"]
    session.rollback()
    assert _count_media(session) == 5

    old_logo = media.logo_of(profile).id
    _save(session, world, logo=image_bytes("JPEG"))
    session.commit()
    assert media.logo_of(profile).id != old_logo
    assert media.logo_of(profile).content_type == "image/jpeg"
    assert session.get(Media, old_logo) is None, "a draft's old logo is gone, not kept"
    assert _count_media(session) == 5


def test_removing_a_published_photo_keeps_it_public_until_approval(session, world):
    """The public version keeps its pictures while a change waits for review."""
    profile = _save(session, world, philosophy="Wir bauen Brillen.",
                    new_photos=[profile_input.NewPhoto(image_bytes("PNG"), "Unsere Werkstatt")])
    profile.fields = [taxonomy.active_terms(session, OccupationalField)[0]]
    profiles.submit_profile(session, world.a.customer.id, actor_user_id=world.a.id)
    profiles.approve_profile(session, profile, world.admin.id)
    session.commit()
    photo = media.photos_of(profile)[0]
    assert profile.published_snapshot["media"] == [photo.id]

    _save(session, world, philosophy="Wir bauen Brillen.",
          field_ids=[f.id for f in profile.fields],
          photos=[profile_input.PhotoChange(photo.id, remove=True)])
    session.commit()
    assert profile.status == "draft"
    assert media.photos_of(profile) == [], "gone from the working copy"
    assert public_pages.public_media(session, photo.id).id == photo.id, "still on the public page"
    assert profiles.working_snapshot(profile)["media"] == []

    profiles.submit_profile(session, world.a.customer.id, actor_user_id=world.a.id)
    assert profile.status == "in_review"
    assert public_pages.public_media(session, photo.id).id == photo.id, "still public during review"
    profiles.approve_profile(session, profile, world.admin.id)
    session.commit()
    assert profile.published_snapshot["media"] == []
    assert session.get(Media, photo.id) is None
    with pytest.raises(NotFound):
        public_pages.public_media(session, photo.id)


def test_public_media_only_of_published_public_profiles(session, world):
    profile = _save(session, world, new_photos=[profile_input.NewPhoto(image_bytes("PNG"), "Team")])
    session.commit()
    photo = media.photos_of(profile)[0]
    with pytest.raises(NotFound):
        public_pages.public_media(session, photo.id)  # a draft is not public
    profile.published_snapshot = profiles.working_snapshot(profile)
    profile.status = "published"
    assert public_pages.public_media(session, photo.id) is photo
    profile.status = "archived"
    with pytest.raises(NotFound):
        public_pages.public_media(session, photo.id)
    with pytest.raises(NotFound):
        public_pages.public_media(session, 987654)


def _published_with_pictures(session, world, user=None):
    """A company page with a logo and a photo, plus a photo uploaded after publication."""
    user = user or world.a
    profile = _save(session, world, user=user, philosophy="Wir bauen Brillen.",
                    logo=image_bytes("PNG"),
                    new_photos=[profile_input.NewPhoto(image_bytes("PNG"), "Unsere Werkstatt")])
    profile.fields = [taxonomy.active_terms(session, OccupationalField)[0]]
    profiles.submit_profile(session, user.customer.id, actor_user_id=user.id)
    profiles.approve_profile(session, profile, world.admin.id)
    session.commit()
    published = [m.id for m in media.live_media(profile)]
    _save(session, world, user=user, philosophy="Wir bauen Brillen.",
          field_ids=[f.id for f in profile.fields],
          new_photos=[profile_input.NewPhoto(image_bytes("PNG"), "Neu, noch nicht geprüft")])
    session.commit()
    unpublished = [m.id for m in media.live_media(profile) if m.id not in published]
    return profile, published, unpublished


def _all_media_ids(session) -> list[int]:
    return list(session.scalars(select(Media.id).order_by(Media.id)))


def test_pictures_follow_the_company_pages_rule_over_http(client, session, world):
    """Ids are sequential: asking every one shows only what the company pages show. With the
    portal off in the region (company page gone), every picture is a 404 too."""
    profile, published, unpublished = _published_with_pictures(session, world)
    draft = _save(session, world, user=world.b, philosophy="Backstube",
                  new_photos=[profile_input.NewPhoto(image_bytes("JPEG"), "Ofen")])
    session.commit()
    draft_ids = [m.id for m in media.live_media(draft)]
    assert len(published) == 2 and len(unpublished) == 1 and len(draft_ids) == 1

    page = client.get(f"/jobs/betriebe/{profile.slug}")
    assert page.status_code == 200
    for media_id in published:
        response = client.get(f"/jobs/medien/{media_id}")
        assert response.status_code == 200, media_id
        assert response.headers["Content-Type"] == "image/png"
        assert "Set-Cookie" not in response.headers
    served = {i for i in range(1, max(_all_media_ids(session)) + 5)
              if client.get(f"/jobs/medien/{i}").status_code == 200}
    assert served == set(published), "a draft's or a new upload's pictures are not served"

    features.set_enabled(session, world.region.id, "portal", False, world.admin.id)
    session.commit()
    assert client.get(f"/jobs/betriebe/{profile.slug}").status_code == 404
    for media_id in [*_all_media_ids(session), max(_all_media_ids(session)) + 1]:
        assert client.get(f"/jobs/medien/{media_id}").status_code == 404, media_id
        assert client.head(f"/jobs/medien/{media_id}").status_code == 404, media_id

    features.set_enabled(session, world.region.id, "portal", True, world.admin.id)
    session.commit()
    assert all(client.get(f"/jobs/medien/{i}").status_code == 200 for i in published)


def test_pictures_of_a_company_outside_every_region_are_not_served(client, session, world):
    """Public in every other respect, but no region means no company page: no pictures."""
    profile, published, _unpublished = _published_with_pictures(session, world,
                                                                 user=world.outside)
    assert profile.region_id is None and profile.published_snapshot
    assert not public_pages.has_company_page(session, profile)
    for media_id in published:
        assert client.get(f"/jobs/medien/{media_id}").status_code == 404


def test_another_companys_photo_is_not_found(session, world):
    theirs = _save(session, world, user=world.b,
                   new_photos=[profile_input.NewPhoto(image_bytes("PNG"), "Backstube")])
    session.commit()
    their_photo = media.photos_of(theirs)[0]
    _save(session, world, philosophy="Optik")
    session.commit()

    with pytest.raises(NotFound):
        media.owned_media(session, world.a.customer.id, their_photo.id)
    assert media.owned_media(session, world.b.customer.id, their_photo.id) is their_photo
    with pytest.raises(NotFound):
        _save(session, world, photos=[profile_input.PhotoChange(their_photo.id, remove=True)])
    session.rollback()
    with pytest.raises(NotFound):
        _save(session, world, photos=[profile_input.PhotoChange(their_photo.id, "Meins!")])
    session.rollback()
    session.refresh(their_photo)
    assert their_photo.alt_text == "Backstube" and their_photo.kind == "photo"


def test_a_profile_from_the_factory_has_no_pictures(session, world):
    profile = ProfileFactory(customer=world.a.customer, region=world.region)
    assert media.live_media(profile) == [] and media.logo_of(profile) is None
