"""Pictures are decoded within a memory budget: reduced while decoding, one at a time, refused
above ``media.MAX_PIXELS`` with the size named, orientation kept.

Memory itself is measured by ``tests/benchmarks/bench_images.py`` (figures in README); these
tests pin what makes it small: which sizes the pipeline holds in memory.
"""

from __future__ import annotations

import io
import threading
import time

import pytest
from PIL import ExifTags, Image
from sqlalchemy import func, select
from support.web import csrf_token, login

from kwis_job_plugin.models import Media, Region
from kwis_job_plugin.services import media, profile_input, profiles
from kwis_job_plugin.services.errors import ValidationError
from tests.test_profile_media import png_claiming
from tests.test_profile_tab import post, profile_of

CAMERA_36_MP = (7360, 4912)  # a "36 megapixel" camera: 36.2 million pixels


def picture(fmt: str, size, orientation: int | None = None) -> bytes:
    """Left half red, right half blue; optionally with an EXIF orientation."""
    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    save = {}
    if orientation is not None:
        exif = Image.Exif()
        exif[ExifTags.Base.Orientation] = orientation
        save["exif"] = exif.tobytes()
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


@pytest.fixture
def full_size_work(monkeypatch):
    """Records the size of every image the pipeline decodes, and every convert, copy,
    transpose and resize Pillow runs on an image (the steps that used to copy the full-size
    bitmap)."""
    seen = {"decoded": [], "steps": []}
    decode = media._decode

    def spy_decode(source):
        decoded = decode(source)
        seen["decoded"].append(decoded.size)
        return decoded

    monkeypatch.setattr(media, "_decode", spy_decode)
    for name in ("convert", "copy", "transpose", "resize"):
        original = getattr(Image.Image, name)

        def spy(self, *args, _original=original, _name=name, **kwargs):
            seen["steps"].append((_name, self.size))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Image.Image, name, spy)
    return seen


def test_a_36_megapixel_jpeg_is_decoded_at_a_reduced_scale(full_size_work):
    raw = picture("JPEG", CAMERA_36_MP)
    assert len(raw) <= media.MAX_UPLOAD_BYTES

    result = media.process_image(raw, media.PHOTO)

    assert (result.width, result.height) == (1600, 1068)
    [decoded] = full_size_work["decoded"]
    assert decoded[0] <= 2 * result.width and decoded[1] <= 2 * result.height, (
        f"decoded at {decoded}, not reduced while decoding")
    assert all(size[0] <= decoded[0] for _name, size in full_size_work["steps"])


def test_a_36_megapixel_png_is_decoded_once_and_never_copied_whole(full_size_work):
    """A PNG cannot be decoded at a reduced scale: the decoded bitmap is the only full-size
    one; conversion, orientation and resampling work on a reduced picture."""
    raw = picture("PNG", CAMERA_36_MP)

    result = media.process_image(raw, media.PHOTO)

    assert (result.width, result.height) == (1600, 1068)
    assert full_size_work["decoded"] == [CAMERA_36_MP]
    steps = full_size_work["steps"]
    assert steps, "the spy saw the pipeline's steps"
    for name, size in steps:
        assert size[0] <= media.REDUCING_GAP * 2 * result.width, f"{name} on {size}"


def test_a_real_36_megapixel_camera_photo_is_accepted_a_larger_one_refused():
    assert CAMERA_36_MP[0] * CAMERA_36_MP[1] <= media.MAX_PIXELS
    with pytest.raises(ValidationError) as error:
        media.process_image(png_claiming(8000, 6000), media.PHOTO, "new_photo_1")
    assert error.value.errors["new_photo_1"] == (
        "Das Bild ist mit 48,0 Megapixeln zu groß. Bitte laden Sie ein Bild mit höchstens "
        "40 Megapixeln hoch.")


def jpeg_claiming(width: int, height: int, **save) -> bytes:
    """A tiny JPEG whose frame header (SOF) claims ``width`` x ``height`` pixels."""
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 120, 200)).save(out, format="JPEG", **save)
    raw = bytearray(out.getvalue())
    sof = next(i for i in range(len(raw) - 1)
               if raw[i] == 0xFF and raw[i + 1] in (0xC0, 0xC1, 0xC2))
    raw[sof + 5:sof + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return bytes(raw)


@pytest.mark.parametrize(("save", "limit"), [
    ({}, 40),  # baseline: decoded at a reduced scale
    ({"progressive": True}, 40),  # 4:2:0, what cameras write: 3 bytes a pixel in libjpeg
    ({"progressive": True, "subsampling": 0}, 26),  # 4:4:4: every coefficient of 3 channels
])
def test_the_limit_follows_what_decoding_costs_jpeg(save, limit):
    for megapixels, refused in ((limit - 1, False), (limit + 1, True)):
        width = 8000
        raw = jpeg_claiming(width, megapixels * 1_000_000 // width, **save)
        try:
            media.process_image(raw, media.PHOTO, "logo")
        except ValidationError as error:
            message = error.errors["logo"]
        else:  # pragma: no cover - the claimed pixels are missing, so it can't succeed
            message = ""
        above = f"höchstens {limit} Megapixeln" in message
        assert above == refused, (megapixels, message)


def test_a_webp_is_held_four_times_while_decoding_so_its_limit_is_lower():
    """Pillow's WebP reader holds about 16 bytes a pixel: a 12 MP WebP is refused, a 40 MP
    JPEG or PNG is not."""
    assert media.DECODE_BUDGET_BYTES // media.WEBP_BYTES_PER_PIXEL == 10_000_000
    out = io.BytesIO()
    Image.new("RGB", (4000, 3000), (1, 2, 3)).save(out, format="WEBP")
    with pytest.raises(ValidationError) as error:
        media.process_image(out.getvalue(), media.PHOTO, "new_photo_3")
    assert error.value.errors["new_photo_3"] == (
        "Das Bild ist mit 12,0 Megapixeln zu groß. Bitte laden Sie ein Bild mit höchstens "
        "10 Megapixeln hoch.")


def test_a_bomb_beyond_pillows_own_guard_is_refused_with_the_limit():
    with pytest.raises(ValidationError) as error:
        media.process_image(png_claiming(60_000, 60_000), media.LOGO, "logo")
    assert error.value.errors["logo"] == (
        "Das Bild ist zu groß. Bitte laden Sie ein Bild mit höchstens 40 Megapixeln hoch.")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_orientation_is_kept_when_reduced_while_decoding(fmt):
    """EXIF orientation 6 (turn 90° clockwise): the left (red) half ends up on top."""
    result = media.process_image(picture(fmt, (4000, 2000), orientation=6), media.PHOTO)
    after = Image.open(io.BytesIO(result.data))
    after.load()
    assert after.size == (800, 1600)
    top, bottom = after.getpixel((400, 100)), after.getpixel((400, 1500))
    assert top[0] > 200 and top[2] < 60, f"red on top, got {top}"
    assert bottom[2] > 200 and bottom[0] < 60, f"blue at the bottom, got {bottom}"
    assert len(after.getexif()) == 0


def test_a_paletted_png_with_transparency_keeps_it_when_reduced():
    image = Image.new("P", (3000, 2000), 1)
    image.putpalette([255, 255, 255, 200, 0, 0] + [0, 0, 0] * 254)
    image.paste(0, (0, 0, 1500, 2000))
    out = io.BytesIO()
    image.save(out, format="PNG", transparency=0)
    after = Image.open(io.BytesIO(media.process_image(out.getvalue(), media.LOGO).data))
    assert after.mode == "RGBA" and after.size == (600, 400)
    assert after.getpixel((100, 200))[3] == 0 and after.getpixel((500, 200)) == (200, 0, 0, 255)


def test_one_picture_is_decoded_at_a_time_per_process(monkeypatch):
    decode = media._decode
    state = {"now": 0, "most": 0}
    lock = threading.Lock()

    def slow_decode(source):
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        return decode(source)

    monkeypatch.setattr(media, "_decode", slow_decode)
    raw = picture("PNG", (800, 600))
    threads = [threading.Thread(target=media.process_image, args=(raw, media.PHOTO))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert state["most"] == 1


def test_too_many_pixels_is_refused_at_the_field_and_nothing_stored(session, world):
    with pytest.raises(ValidationError) as error:
        profiles.save_profile(
            session, world.a.customer.id,
            profile_input.ProfileInput(
                logo=png_claiming(9000, 5000),
                new_photos=[profile_input.NewPhoto(png_claiming(7000, 6000), "Werkstatt")]),
            expected_version=0, actor_user_id=world.a.id,
        )
    assert error.value.errors["logo"].startswith("Das Bild ist mit 45,0 Megapixeln zu groß.")
    assert error.value.errors["new_photo_1"].startswith("Das Bild ist mit 42,0 Megapixeln")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Media)) == 0
    assert profiles.profile_for_customer(session, world.a.customer.id) is None


def test_the_message_stands_at_the_upload_field_of_the_form(client, session, world):
    login(client, world.a.email, world.password)
    response = post(client, {"new_photo_1_alt": "Halle"},
                    files={"new_photo_1": (png_claiming(7000, 6000), "halle.png")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ('<p class="kj-field-error" id="new_photo_1-error">Das Bild ist mit 42,0 Megapixeln '
            'zu groß. Bitte laden Sie ein Bild mit höchstens 40 Megapixeln hoch.') in page
    assert session.scalar(select(func.count()).select_from(Media)) == 0
    assert profile_of(session, world.a) is None


# --- real photos arrive (issue 9: 24-36 MP photos are 8-15 MB; the limit was 5 MB) -------------


def camera_jpeg(megapixels: int, *, grain: int = 64, blend: float = 0.35,
                quality: int = 95) -> bytes:
    """A 3:2 photo as a camera writes it at "fine" quality: fine grain over shapes, so the file
    is as large as a real one of that size (24 MP: about 15 MB)."""
    height = round((megapixels * 1_000_000 / 1.5) ** 0.5)
    width = round(height * 1.5)
    image = Image.merge("RGB", (
        Image.linear_gradient("L").resize((width, height)),
        Image.linear_gradient("L").rotate(90).resize((width, height)),
        Image.radial_gradient("L").resize((width, height)),
    ))
    image = Image.blend(image, Image.effect_noise((width, height), grain).convert("RGB"), blend)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()


@pytest.fixture(scope="module")
def photo_15_mb() -> bytes:
    raw = camera_jpeg(24)
    assert 14_000_000 < len(raw) <= media.MAX_UPLOAD_BYTES, len(raw)
    return raw


def test_a_real_24_megapixel_photo_of_15_mb_is_accepted(photo_15_mb):
    result = media.process_image(photo_15_mb, media.PHOTO, "new_photo_1")
    assert (result.width, result.height) == (1600, 1067)
    assert result.content_type == "image/jpeg"


def test_a_15_mb_photo_arrives_through_the_profile_form(client, session, world, photo_15_mb):
    login(client, world.a.email, world.password)
    response = post(client, {"new_photo_1_alt": "Unsere Werkstatt"},
                    files={"new_photo_1": (photo_15_mb, "IMG_4711.JPG")})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    [stored] = session.scalars(select(Media)).all()
    assert (stored.width, stored.height) == (1600, 1067) and stored.alt_text == "Unsere Werkstatt"


def test_a_60_mb_file_gets_the_message_at_its_field_and_nothing_is_stored(client, session,
                                                                          world):
    """Within the form's body limit (every picture slot may carry a full photo), a single file
    beyond the per-file limit is refused at its own field (422), not with a bare 413."""
    from kwis_job_plugin.views.profile_tab import MAX_REQUEST_BYTES

    body = b"\xff\xd8\xff" + b"\0" * (60 * 1024 * 1024)
    assert len(body) < MAX_REQUEST_BYTES
    login(client, world.a.email, world.password)
    response = post(client, {"new_photo_1_alt": "Riesig"},
                    files={"new_photo_1": (body, "riesig.jpg")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ('<p class="kj-field-error" id="new_photo_1-error">Die Datei ist zu groß: höchstens '
            '20 MB.') in page
    assert session.scalar(select(func.count()).select_from(Media)) == 0
    assert profile_of(session, world.a) is None


def test_a_body_beyond_the_form_limit_gets_the_german_form_back(client, session, world):
    from kwis_job_plugin.views.profile_tab import MAX_REQUEST_BYTES

    login(client, world.a.email, world.password)
    response = post(client, {}, files={"logo": (b"\0" * (MAX_REQUEST_BYTES + 1), "x.png")})
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert '<html lang="de"' in page and "zusammen zu groß" in page
    assert f"höchstens {MAX_REQUEST_BYTES // (1024 * 1024)} MB" in page
    assert profile_of(session, world.a) is None


def test_the_region_logo_form_takes_a_photo_and_refuses_60_mb_in_german(client, session,
                                                                         world, photo_15_mb):
    from kwis_job_plugin.views.admin import THEME_MAX_REQUEST_BYTES

    assert len(photo_15_mb) < THEME_MAX_REQUEST_BYTES
    login(client, world.admin.email, world.password)
    url = f"/admin/job/regionen/{world.region.id}/darstellung"

    def send(logo: bytes):
        page = client.get("/admin/job/regionen").get_data(as_text=True)
        return client.post(url, content_type="multipart/form-data", data={
            "csrf_token": csrf_token(page), "theme_color": "#0B4F8A",
            "logo_alt": "Wirtschaftsförderung Jena", "logo": (io.BytesIO(logo), "logo.jpg")})

    assert send(photo_15_mb).status_code == 302
    session.expire_all()
    assert session.get(Region, world.region.id).logo_width == 600  # re-encoded, small
    response = send(b"\xff\xd8\xff" + b"\0" * (60 * 1024 * 1024))
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert '<html lang="de"' in page and "zu groß" in page and "Traceback" not in page
