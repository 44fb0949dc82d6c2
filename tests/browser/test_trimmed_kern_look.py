"""A page with the build's trimmed KERN looks like the same page with the full KERN.

Each page kind is shot twice in Chromium at a phone's viewport (search and offer also at a
wide one): as served (the
trimmed sheet with the subset fonts, ``assets_optimize.py``) and with the request for that
sheet answered by KERN's full ``kern.min.css`` and its full font files. The shots are compared
pixel by pixel with Pillow; a rule the trimming dropped wrongly shows as a differing area.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from kwis_job_plugin import assets_optimize

pytestmark = pytest.mark.browser

KERN = Path(assets_optimize.STATIC) / "kern"
PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}
TOLERANCE = 0.0002
"""Share of pixels that may differ: glyph edges of the subset and the full font files differ in
up to 0.007 % of the pixels; one dropped rule (``.kern-form-input__input``) made 0.14 %."""
FULL_FONTS = "/__full-kern-fonts__/"


def _full_sheet() -> str:
    faces = (KERN / "fonts" / "fira-sans.css").read_text(encoding="utf-8")
    faces = faces.replace("./fira-sans/", FULL_FONTS)
    return faces + "\n" + (KERN / "kern.min.css").read_text(encoding="utf-8")


SWAPPED: list[str] = []


def _with_full_kern(route):
    SWAPPED.append(route.request.url)
    route.fulfill(status=200, content_type="text/css", body=_full_sheet())


def _full_font(route):
    name = route.request.url.rsplit("/", 1)[-1]
    route.fulfill(status=200, content_type="font/woff2",
                  body=(KERN / "fonts" / "fira-sans" / name).read_bytes())


def _shot(browser, base_url: str, path: str, viewport: dict, full: bool) -> Image.Image:
    context = browser.new_context(base_url=base_url, locale="de-DE", viewport=viewport,
                                  reduced_motion="reduce")
    page = context.new_page()
    if full:
        page.route(re.compile(r".*/kern/kern-portal\.[0-9a-f]{10}\.css$"), _with_full_kern)
        page.route(f"**{FULL_FONTS}*", _full_font)
    page.goto(path, wait_until="networkidle")
    page.evaluate("document.fonts.ready")
    shot = page.screenshot(full_page=True, animations="disabled", caret="hide")
    context.close()
    return Image.open(io.BytesIO(shot)).convert("RGB")


def _page_paths(page) -> list[str]:
    sitemap = page.request.get("/jobs/sitemap.xml").text()
    locs = re.findall(r"<loc>https?://[^/]+([^<]+)</loc>", sitemap)
    company = next(p for p in locs if "/betriebe/" in p)
    offer = next(p for p in locs if "/angebote/" in p)
    legal = next((p for p in locs if "/impressum" in p or "/datenschutz" in p), None)
    paths = [("/jobs/", PHONE), ("/jobs/suche?q=Ausbildung", PHONE), ("/jobs/suche", WIDE),
             (company, PHONE), (offer, PHONE), (offer, WIDE), ("/jobs/gibt-es-nicht", PHONE)]
    return paths + ([(legal, PHONE)] if legal else [])


@pytest.mark.skipif(not (KERN / "kern.min.css").is_file(), reason="built without KERN")
def test_the_trimmed_sheet_looks_like_the_full_one(browser, page, live_server):
    assert page.request.get("/jobs/").ok
    html = page.request.get("/jobs/").text()
    assert re.search(r"/kern/kern-portal\.[0-9a-f]{10}\.css", html), "the build made no sheet"
    failures = []
    for path, viewport in _page_paths(page):
        trimmed = _shot(browser, live_server.url, path, viewport, full=False)
        full = _shot(browser, live_server.url, path, viewport, full=True)
        if trimmed.size != full.size:
            failures.append(f"{path} at {viewport['width']}px: size {trimmed.size} "
                            f"with the trimmed sheet, {full.size} with the full one")
            continue
        diff = ImageChops.difference(trimmed, full).convert("L").point(
            lambda v: 255 if v > 16 else 0)
        share = sum(diff.histogram()[255:]) / (diff.width * diff.height)
        if share > TOLERANCE:
            failures.append(f"{path} at {viewport['width']}px: {share:.2%} of the pixels "
                            f"differ, around {diff.getbbox()}")
    assert not failures, "\n".join(failures)
    assert len(SWAPPED) == len(_page_paths(page)), "the full sheet was not swapped in"
