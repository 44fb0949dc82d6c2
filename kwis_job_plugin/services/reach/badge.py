"""The school button: a badge "Praktika und Ausbildung in der Region" as SVG and PNG.

Both are drawn from the region's look (its primary colour, checked against white when the
agency set it, so white text on it keeps its contrast) and carry no school code: the code is in
the link around the image, so one image serves every school and caches well. The PNG is made
with Pillow on first request and kept per process (``lru_cache``, a few kilobytes each); the
SVG is text. Pillow's bundled font (``ImageFont.load_default``) draws the PNG, so no system
font is needed.
"""

from __future__ import annotations

import io
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 300, 84
DEFAULT_COLOR = "#1b4b8f"
"""Dark blue: 8.6:1 against white."""
PNG_SCALE = 2
"""Drawn at twice the size, for sharp edges on high-density screens."""


def _color(primary: str | None) -> str:
    return primary if primary and primary.startswith("#") and len(primary) == 7 else DEFAULT_COLOR


def svg(line1: str, line2: str, primary: str | None, label: str) -> str:
    """The badge as SVG (``role="img"`` with a title, for when it is opened on its own)."""
    color = _color(primary)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label={quoteattr(label)}>'
        f"<title>{escape(label)}</title>"
        f'<rect width="{WIDTH}" height="{HEIGHT}" rx="10" fill="{color}"/>'
        f'<text x="16" y="34" font-family="Fira Sans, Arial, sans-serif" font-size="17" '
        f'font-weight="700" fill="#ffffff">{escape(line1)}</text>'
        f'<text x="16" y="62" font-family="Fira Sans, Arial, sans-serif" font-size="15" '
        f'fill="#ffffff">{escape(line2)}</text>'
        "</svg>\n"
    )


@lru_cache(maxsize=64)
def png(line1: str, line2: str, primary: str | None) -> bytes:
    """The badge as PNG, the same drawing as ``svg``."""
    scale = PNG_SCALE
    image = Image.new("RGB", (WIDTH * scale, HEIGHT * scale), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, WIDTH * scale - 1, HEIGHT * scale - 1), radius=10 * scale,
                           fill=_color(primary))
    bold = ImageFont.load_default(size=17 * scale)
    plain = ImageFont.load_default(size=15 * scale)
    draw.text((16 * scale, 34 * scale), line1, font=bold, fill="#ffffff", anchor="ls")
    draw.text((16 * scale, 62 * scale), line2, font=plain, fill="#ffffff", anchor="ls")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
