"""Keyboard-only helpers for the Playwright journeys: the way a keyboard user moves."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page


def tab_to(page: Page, target: Locator, limit: int = 150, key: str = "Tab") -> None:
    """Press Tab (or ``key``) until ``target`` has the focus."""
    element = target.element_handle()
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("el => el === document.activeElement", element):
            return
    pytest.fail(f"{target} not reached after {limit} presses of {key}")


def wait_for_path(page: Page, path: str) -> None:
    """Wait for a page at ``path`` (a fragment such as the skip link's ``#main`` may remain)."""
    page.wait_for_url(lambda url: urlsplit(url).path == path)


def wait_for_path_matching(page: Page, pattern: str) -> None:
    page.wait_for_url(lambda url: re.fullmatch(pattern, urlsplit(url).path) is not None)


def log_in_by_keyboard(page: Page, email: str, password: str,
                       landing: str = "/selfservice/") -> None:
    """Log in at the host's form without the mouse and wait for ``landing`` (the self-service
    area for a company, ``/admin/`` for an admin)."""
    page.goto("/login")
    tab_to(page, page.get_by_label("E-Mail-Adresse", exact=True))
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    wait_for_path(page, landing)
