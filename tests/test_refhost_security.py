"""The reference host's sessions and login under attack (issue 9, defects 6 and 7).

Sessions end at logout (also for a copied cookie) and are renewed at login; the cookie is Secure,
HttpOnly and SameSite=Lax and HSTS is sent in production only; private pages are not cached;
password guessing is rate-limited per account and per client; an unknown address costs the
same password-hash check as a known one.
"""

from __future__ import annotations

import pytest
from kwis_hooks.refhost import create_app
from kwis_hooks.refhost import models as host_models
from kwis_hooks.refhost.models import User, create_host_schema
from kwis_hooks.refhost.views import SESSION_VERSION_KEY
from sqlalchemy import create_engine, inspect, select, text
from support.web import csrf_token, login

COOKIE = "session"
WRONG = "falsches-passwort"
PER_ACCOUNT = 5  # the default "5 per minute; 20 per hour"
PER_CLIENT = 20  # the default "20 per minute; 100 per hour"


def _post_login(client, email: str, password: str, *, ip: str = "127.0.0.1", query: str = ""):
    page = client.get("/login", environ_base={"REMOTE_ADDR": ip})
    return client.post(
        f"/login{query}",
        data={"email": email, "password": password, "csrf_token": csrf_token(page.data)},
        environ_base={"REMOTE_ADDR": ip},
    )


def _logged_in(client) -> bool:
    return client.get("/selfservice/").status_code == 200


def _client_with_cookie(app, value: str):
    other = app.test_client()
    other.set_cookie(COOKIE, value)
    return other


# --- the session ends at logout -------------------------------------------------------------


def test_a_cookie_copied_before_logout_no_longer_works_after_it(app, client, world):
    assert login(client, world.a.email, world.password).status_code == 302
    copied = client.get_cookie(COOKIE).value
    assert _logged_in(_client_with_cookie(app, copied)), "the copy works while logged in"

    page = client.get("/selfservice/")
    response = client.post("/logout", data={"csrf_token": csrf_token(page.data)})
    assert response.status_code == 302

    thief = _client_with_cookie(app, copied)
    answer = thief.get("/selfservice/")
    assert answer.status_code == 302
    assert answer.location.startswith("/login")


def test_a_cookie_from_an_earlier_login_stays_dead_after_logging_in_again(app, client, world):
    login(client, world.a.email, world.password)
    old = client.get_cookie(COOKIE).value
    page = client.get("/selfservice/")
    client.post("/logout", data={"csrf_token": csrf_token(page.data)})
    assert login(client, world.a.email, world.password).status_code == 302
    assert _logged_in(client)
    assert not _logged_in(_client_with_cookie(app, old))


def test_logout_ends_the_login_on_every_device(app, world):
    phone, laptop = app.test_client(), app.test_client()
    login(phone, world.a.email, world.password)
    login(laptop, world.a.email, world.password)
    page = phone.get("/selfservice/")
    phone.post("/logout", data={"csrf_token": csrf_token(page.data)})
    assert not _logged_in(laptop)


def test_logout_counts_the_session_version_up(client, world, session):
    before = world.a.session_version
    login(client, world.a.email, world.password)
    page = client.get("/selfservice/")
    client.post("/logout", data={"csrf_token": csrf_token(page.data)})
    session.expire_all()
    assert session.scalar(select(User.session_version).where(User.id == world.a.id)) == before + 1


def test_login_starts_a_new_session(client, world):
    client.get("/login")
    with client.session_transaction() as planted:
        planted["planted"] = "von vorher"
    before = client.get_cookie(COOKIE).value
    login(client, world.a.email, world.password)
    assert client.get_cookie(COOKIE).value != before
    with client.session_transaction() as current:
        assert "planted" not in current
        assert current[SESSION_VERSION_KEY] == world.a.session_version


def test_a_session_without_the_version_is_no_login(client, world):
    """A cookie written before sessions had versions (or forged without one) is logged out."""
    login(client, world.a.email, world.password)
    with client.session_transaction() as current:
        del current[SESSION_VERSION_KEY]
    assert not _logged_in(client)


# --- cookie flags, HSTS, caching -----------------------------------------------------------


def _app(db_url, **settings):
    return create_app({"KWIS_DATABASE_URL": db_url, "SECRET_KEY": "test-secret", **settings})


def _session_cookie_header(app, world) -> str:
    client = app.test_client()
    response = login(client, world.a.email, world.password)
    assert response.status_code == 302
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{COOKIE}=")]
    assert cookies, "login sets the session cookie"
    return cookies[-1]


def test_production_cookie_is_secure_httponly_lax_and_hsts_is_sent(db_url, world):
    app = _app(db_url, KWIS_PRODUCTION=True)
    try:
        cookie = _session_cookie_header(app, world)
        assert "; Secure" in cookie
        assert "; HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        for url in ("/login", "/jobs/"):
            hsts = app.test_client().get(url).headers.get("Strict-Transport-Security")
            assert hsts == "max-age=31536000", url
    finally:
        app.extensions["kwis_host"]["engine"].dispose()


def test_without_settings_the_host_runs_as_production(db_url, world, monkeypatch):
    monkeypatch.delenv("KWIS_PRODUCTION", raising=False)
    app = _app(db_url)
    try:
        assert app.config["KWIS_PRODUCTION"] is True
        assert app.config["SESSION_COOKIE_SECURE"] is True
        assert "Strict-Transport-Security" in app.test_client().get("/login").headers
    finally:
        app.extensions["kwis_host"]["engine"].dispose()


@pytest.mark.parametrize("settings", [
    {"TESTING": True}, {"DEBUG": True}, {"KWIS_DEMO_MAIL_DIR": "/tmp/kwis-demo-mail"},
    {"KWIS_PRODUCTION": False},
], ids=["testing", "debug", "demo", "off"])
def test_testing_debug_and_demo_send_no_hsts_and_plain_cookies(db_url, world, monkeypatch,
                                                               settings):
    monkeypatch.delenv("KWIS_PRODUCTION", raising=False)
    app = _app(db_url, **settings)
    try:
        cookie = _session_cookie_header(app, world)
        assert "; Secure" not in cookie
        assert "; HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Strict-Transport-Security" not in app.test_client().get("/login").headers
    finally:
        app.extensions["kwis_host"]["engine"].dispose()


def test_the_environment_can_switch_production_on_and_explicit_settings_win(db_url, monkeypatch):
    monkeypatch.setenv("KWIS_PRODUCTION", "1")
    app = _app(db_url, TESTING=True)
    assert app.config["KWIS_PRODUCTION"] is True
    app.extensions["kwis_host"]["engine"].dispose()
    app = _app(db_url, KWIS_PRODUCTION=True, SESSION_COOKIE_SECURE=False)
    assert app.config["SESSION_COOKIE_SECURE"] is False, "an explicit setting is kept"
    app.extensions["kwis_host"]["engine"].dispose()


def test_the_client_address_comes_from_the_proxy_only_when_configured(db_url):
    seen = []
    for count in (0, 1):
        app = _app(db_url, TESTING=True, KWIS_PROXY_COUNT=count)

        @app.get("/_who")
        def who():
            from flask import request
            return request.remote_addr or ""

        answer = app.test_client().get(
            "/_who", headers={"X-Forwarded-For": "203.0.113.7"},
            environ_base={"REMOTE_ADDR": "10.0.0.1"},
        )
        seen.append(answer.get_data(as_text=True))
        app.extensions["kwis_host"]["engine"].dispose()
    assert seen == ["10.0.0.1", "203.0.113.7"]


PRIVATE_COMPANY_PAGES = ("/selfservice/", "/selfservice/job/angebote", "/selfservice/job/profil")
PRIVATE_ADMIN_PAGES = ("/admin/", "/admin/job/regionen")


def test_private_pages_are_not_stored_by_any_cache(client, world):
    assert client.get("/login").headers.get("Cache-Control") == "no-store"
    login(client, world.a.email, world.password)
    for url in PRIVATE_COMPANY_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers.get("Cache-Control") == "no-store", url


def test_admin_pages_are_not_stored_by_any_cache(client, world):
    login(client, world.admin.email, world.password)
    for url in PRIVATE_ADMIN_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers.get("Cache-Control") == "no-store", url


def test_the_public_portal_stays_cacheable_also_when_logged_in(client, world):
    anonymous = client.get("/jobs/")
    login(client, world.a.email, world.password)
    logged_in = client.get("/jobs/")
    for response in (anonymous, logged_in):
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")
        assert "public" in response.headers.get("Cache-Control", "")


# --- rate limits --------------------------------------------------------------------------


def test_after_too_many_wrong_passwords_even_the_right_one_is_refused(client, world):
    for attempt in range(PER_ACCOUNT):
        assert _post_login(client, world.a.email, WRONG).status_code == 422, attempt
    blocked = _post_login(client, world.a.email, world.password)
    assert blocked.status_code == 429
    body = blocked.get_data(as_text=True)
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in body
    assert '<html lang="de">' in body
    assert int(blocked.headers["Retry-After"]) > 0
    assert not _logged_in(client)


def test_the_account_limit_holds_across_client_addresses(client, world):
    for attempt in range(PER_ACCOUNT):
        answer = _post_login(client, world.a.email, WRONG, ip=f"198.51.100.{attempt + 1}")
        assert answer.status_code == 422
    other = _post_login(client, world.a.email.upper(), world.password, ip="203.0.113.50")
    assert other.status_code == 429


def test_a_blocked_account_does_not_block_others(client, world):
    for _ in range(PER_ACCOUNT):
        _post_login(client, world.a.email, WRONG, ip="198.51.100.1")
    assert _post_login(client, world.b.email, world.password, ip="198.51.100.2").status_code == 302


def test_one_client_trying_many_accounts_is_limited(client, world):
    for n in range(PER_CLIENT):
        answer = _post_login(client, f"rate{n}@unbekannt.example", WRONG, ip="198.51.100.9")
        assert answer.status_code == 422, n
    blocked = _post_login(client, world.a.email, world.password, ip="198.51.100.9")
    assert blocked.status_code == 429
    elsewhere = _post_login(client, world.a.email, world.password, ip="198.51.100.10")
    assert elsewhere.status_code == 302, "another client is not held up"


def test_successful_logins_are_not_counted(app, world):
    for _ in range(PER_ACCOUNT * 2):
        assert login(app.test_client(), world.a.email, world.password).status_code == 302


def test_limits_are_settings(db_url, world):
    app = _app(db_url, TESTING=True, KWIS_LOGIN_RATELIMIT_PER_ACCOUNT="2 per minute")
    try:
        client = app.test_client()
        assert [_post_login(client, world.a.email, WRONG).status_code for _ in range(3)] == [
            422, 422, 429]
    finally:
        app.extensions["kwis_host"]["engine"].dispose()


# --- the same work for unknown and known accounts ------------------------------------------


@pytest.fixture
def hash_checks(monkeypatch):
    """Every password-hash check the login makes, as ``(hash method, password)``."""
    calls = []
    real = host_models.check_password_hash

    def counting(pwhash, password):
        calls.append((pwhash.split("$", 1)[0].split(":", 1)[0], password))
        return real(pwhash, password)

    monkeypatch.setattr(host_models, "check_password_hash", counting)
    return calls


def test_unknown_and_known_accounts_take_the_same_path_through_the_hash(
        client, world, session, hash_checks):
    known_method = world.a.password_hash.split(":", 1)[0]
    inactive = session.get(User, world.b.id)
    inactive.active = False
    session.commit()
    cases = [
        (world.a.email, WRONG, 422),
        ("niemand@unbekannt.example", WRONG, 422),
        (world.b.email, world.password, 422),  # deactivated: checked, then refused
        (world.a.email, world.password, 302),
    ]
    for email, password, status in cases:
        hash_checks.clear()
        assert _post_login(client, email, password).status_code == status, email
        assert hash_checks == [(known_method, password)], email


def test_the_answer_for_an_unknown_account_reads_like_a_wrong_password(client, world):
    unknown = _post_login(client, "niemand@unbekannt.example", WRONG).get_data(as_text=True)
    known = _post_login(client, world.a.email, WRONG).get_data(as_text=True)
    message = "E-Mail-Adresse oder Passwort ist nicht korrekt."
    assert message in unknown and message in known


# --- the host's schema grows the column -----------------------------------------------------


def test_an_older_host_database_gets_the_session_version_column(empty_database_url):
    engine = create_engine(empty_database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE customer (id INTEGER PRIMARY KEY, name VARCHAR(200))"))
            conn.execute(text(
                "CREATE TABLE app_user (id INTEGER PRIMARY KEY, email VARCHAR(254), "
                "display_name VARCHAR(200), password_hash VARCHAR(256), role VARCHAR(20), "
                "customer_id INTEGER REFERENCES customer(id), active BOOLEAN)"
            ))
            conn.execute(text(
                "INSERT INTO app_user (id, email, display_name, password_hash, role, active) "
                "VALUES (1, 'alt@example.org', 'Alt', 'x', 'admin', TRUE)"
            ))
        create_host_schema(engine)
        assert "session_version" in {c["name"] for c in inspect(engine).get_columns("app_user")}
        with engine.connect() as conn:
            assert conn.execute(text("SELECT session_version FROM app_user")).scalar_one() == 0
        create_host_schema(engine)  # a second run changes nothing
    finally:
        engine.dispose()
