"""Small helpers for driving the apps through Flask's test client with CSRF switched on."""

from __future__ import annotations

import re

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str | bytes) -> str:
    text = html.decode() if isinstance(html, bytes) else html
    match = CSRF_RE.search(text)
    assert match, "page has no CSRF token field"
    return match.group(1)


def login(client, email: str, password: str):
    page = client.get("/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(page.data)},
    )


def post_form(client, page_url: str, action: str, data: dict):
    """Post ``data`` to ``action`` with the CSRF token found on ``page_url``."""
    page = client.get(page_url)
    return client.post(action, data={**data, "csrf_token": csrf_token(page.data)})
