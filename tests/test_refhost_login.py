"""The reference host's login: German errors at the field, no open redirect."""

from __future__ import annotations

import pytest
from support.web import csrf_token, login


def test_wrong_password_is_refused_in_german(client, world):
    response = login(client, world.a.email, "falsch")
    assert response.status_code == 422
    assert "E-Mail-Adresse oder Passwort ist nicht korrekt." in response.get_data(as_text=True)
    assert client.get("/selfservice/").status_code == 302, "still logged out"


@pytest.mark.parametrize(
    "target", ["//evil.example/", "/\\evil.example/", "https://evil.example/", "javascript:x"]
)
def test_login_never_redirects_off_site(client, world, target):
    page = client.get("/login")
    response = client.post(
        f"/login?next={target}",
        data={"email": world.a.email, "password": world.password,
              "csrf_token": csrf_token(page.data)},
    )
    assert response.status_code == 302
    assert response.location == "/selfservice/"


def test_login_returns_to_a_local_page(client, world):
    page = client.get("/login")
    response = client.post(
        "/login?next=/selfservice/job/angebote",
        data={"email": world.a.email, "password": world.password,
              "csrf_token": csrf_token(page.data)},
    )
    assert response.location == "/selfservice/job/angebote"
