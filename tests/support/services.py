"""What the suite does when a service it needs (PostgreSQL, Chromium) is missing."""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
MISSING_SERVICE = "missing service: "
"""Prefix of such skips, so the end of the run can list them (``tests/conftest.py``)."""


def unavailable(reason: str):
    """Skip locally, fail in CI: a missing service must never pass unnoticed there."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a missing service is an error)", pytrace=False)
    pytest.skip(MISSING_SERVICE + reason)
