"""URL slugs from German names: umlauts spelt out, everything else reduced to ``a-z0-9-``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

MAX_LENGTH = 120


def slugify(text: str) -> str:
    text = text.replace("ß", "ss")
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"),
                          ("Ü", "Ue")):
        text = text.replace(umlaut, plain)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def unique_slug(text: str, taken: Callable[[str], bool], fallback: str = "betrieb") -> str:
    """``slugify(text)``, with ``-2``, ``-3``, ... appended while ``taken(slug)`` says so."""
    base = slugify(text)[: MAX_LENGTH - 8].strip("-") or fallback
    slug, n = base, 1
    while taken(slug):
        n += 1
        slug = f"{base}-{n}"
    return slug
