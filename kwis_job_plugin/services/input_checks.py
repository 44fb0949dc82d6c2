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
_DIRECTION = "\u202a-\u202e\u2066-\u2069"
"""Bidirectional embeddings, overrides and isolates: "Praktikum \u202egpj.exe" reads reversed."""
_SEPARATORS = "\u2028\u2029"
_FORBIDDEN_IN_TEXT = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f{_SEPARATORS}{_DIRECTION}]")
_FORBIDDEN_IN_LINE = re.compile(rf"[\x00-\x1f\x7f{_SEPARATORS}{_DIRECTION}]")


def has_forbidden_chars(value: str | None, *, multi_line: bool = False) -> bool:
    """The one rule for typed text: control characters (NUL included, which PostgreSQL
    refuses in text), Unicode line/paragraph separators and bidirectional formatting are
    refused; a multi-line text may keep line breaks (LF, CR) and tabs, a single line may not.
    Callers refuse such input with a German message at the field and store nothing."""
    pattern = _FORBIDDEN_IN_TEXT if multi_line else _FORBIDDEN_IN_LINE
    return bool(value) and pattern.search(value) is not None


def without_forbidden_chars(value: str | None, *, multi_line: bool = False) -> str:
    """``value`` without what ``has_forbidden_chars`` refuses: for showing refused input
    again, since the characters are invisible and nobody could find them to delete them."""
    pattern = _FORBIDDEN_IN_TEXT if multi_line else _FORBIDDEN_IN_LINE
    return pattern.sub("", value or "")


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
