"""The reference host's login: German errors at the field, no open redirect."""

from __future__ import annotations

import pytest
from kwis_hooks.refhost.models import User
from kwis_hooks.refhost.views import safe_next
from sqlalchemy import func, select
from support.web import csrf_token, login

HOSTILE_VALUES = {
    "nul": "a\x00b@betrieb-a.example",
    "rlo": "a@betrieb-a.example\u202egpj.exe",
    "crlf": "a@betrieb-a.example\r\nBcc: x@evil.example",
    "huge": "a" * 100_000 + "@betrieb-a.example",
}
EXPECTED_MESSAGE = {
    ("email", "nul"): "Die E-Mail-Adresse darf keine Steuer- oder Sonderzeichen",
    ("email", "rlo"): "Die E-Mail-Adresse darf keine Steuer- oder Sonderzeichen",
    ("email", "crlf"): "Die E-Mail-Adresse darf keine Steuer- oder Sonderzeichen",
    ("email", "huge"): "Die E-Mail-Adresse darf höchstens 254 Zeichen lang sein.",
    ("password", "nul"): "Das Passwort darf keine Steuerzeichen",
    ("password", "rlo"): "Das Passwort darf keine Steuerzeichen",
    ("password", "crlf"): "Das Passwort darf keine Steuerzeichen",
    ("password", "huge"): "Das Passwort darf höchstens 1.024 Zeichen lang sein.",
}


def test_wrong_password_is_refused_in_german(client, world):
    response = login(client, world.a.email, "falsch")
    assert response.status_code == 422
    assert "E-Mail-Adresse oder Passwort ist nicht korrekt." in response.get_data(as_text=True)
    assert client.get("/selfservice/").status_code == 302, "still logged out"


@pytest.mark.parametrize("field", ["email", "password"])
@pytest.mark.parametrize("kind", list(HOSTILE_VALUES))
def test_hostile_input_gets_a_german_message_at_the_field(client, world, session, field, kind):
    """NUL (PostgreSQL refuses it in a query), bidirectional overrides, line breaks and huge
    values: refused before anything is looked up, never a 500, nobody logged in."""
    values = {"email": world.a.email, "password": world.password, field: HOSTILE_VALUES[kind]}
    response = login(client, values["email"], values["password"])
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert EXPECTED_MESSAGE[field, kind] in body
    assert f'id="{field}-error"' in body, "the message stands at its field"
    assert 'aria-invalid="true"' in body
    assert client.get("/selfservice/").status_code == 302, "still logged out"
    count = session.scalar(select(func.count()).select_from(User))
    assert count == 4, "no account was added or removed"


@pytest.mark.parametrize(
    "target", [
        "//evil.example/", "/\\evil.example/", "\\\\evil.example/", "https://evil.example/",
        "javascript:x", "javascript:alert(1)", "/%0d%0aLocation:%20https://evil.example/",
        "/selfservice/%0d%0aSet-Cookie:%20a=b", "/%09selfservice/", "%00/selfservice/",
        "http://localhost/selfservice/job/angebote", "/" + "a" * 5000,
    ]
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


@pytest.mark.parametrize("target", [
    "/selfservice/", "/selfservice/job/angebote?seite=2", "/admin/job/regionen#x", "/jobs/ä",
])
def test_safe_next_keeps_local_paths(target):
    assert safe_next(target) == target


@pytest.mark.parametrize("target", [
    None, "", "selfservice/", "//evil.example", "/\\evil.example", "\\/evil.example",
    "https://evil.example/", "javascript:alert(1)", "/a\r\nb", "/a\nb", "/a\x00b", "/a b",
    "/a\u202eb", "/" * 3000,
])
def test_safe_next_refuses_everything_else(target):
    assert safe_next(target) is None
