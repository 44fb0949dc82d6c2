"""Cleaning and checks for what people type, shared by the offer, profile and search input.

One function a rule, so that every form asking for the same thing (a postcode, an id, a line of
text) applies the same rule. No database, no Flask.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

DB_INT_MAX = 2**31 - 1
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
POSTCODE_RE = re.compile(r"^\d{5}$")


def without_control_chars(value: str | None) -> str:
    """Text without control characters (PostgreSQL refuses NUL); line breaks and tabs stay."""
    return CONTROL_RE.sub("", value or "")


def stripped_or_none(value: str | None) -> str | None:
    """Text without control characters and outer spaces; ``None`` when nothing is left."""
    value = without_control_chars(value).strip()
    return value or None


def single_line(value: Any) -> str:
    """Typed text on one line: every non-printable character (NUL included) becomes a space,
    runs of spaces collapse."""
    return " ".join("".join(c if c.isprintable() else " " for c in str(value)).split())


def db_ids(ids: Iterable[int | None]) -> list[int]:
    """Ids that can exist in an INTEGER column; anything else cannot match a row."""
    return sorted({i for i in ids if isinstance(i, int) and 0 < i <= DB_INT_MAX})


def is_postcode(value: str | None) -> bool:
    """A German postcode: five digits (outer spaces allowed)."""
    return bool(value) and bool(POSTCODE_RE.match(value.strip()))
