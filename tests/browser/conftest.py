"""Browser fixtures: Debian's Chromium through Playwright, a live demo server, axe scans.

The live server is built once per session the way ``kwis-job demo`` builds its database (host
schema, plug-in migrations, demo seed) on SQLite only: these tests are about the rendered pages,
not the database engine. CSRF stays on, so the real forms are exercised.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy.orm import Session
from support.services import unavailable
from werkzeug.serving import make_server

from kwis_job_plugin.demo import factories
from kwis_job_plugin.demo.instance import prepare_demo_app
from kwis_job_plugin.demo.seed import ADMIN_EMAIL, REGION_ADMIN_EMAIL, DemoLogin

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_TAGS = [*WCAG_TAGS, "best-practice"]
"""Every scan runs axe's best-practice rules too (landmarks named alike, heading order, content
outside landmarks): they are what a screen-reader user meets first on every page."""
NO_PROFILE_MARK = "(noch ohne Profil)"
BROWSER_DIR = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    """Every test below tests/browser is a browser test."""
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        unavailable(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) per test, German locale."""
    context = browser.new_context(base_url=live_server.url, locale="de-DE")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@dataclass
class LiveServer:
    url: str
    host: str
    logins: list[DemoLogin]
    engine: Any = None

    def new_company(self, name: str, ags: str = "16053000") -> DemoLogin:
        """A fresh company with a login and no profile, so a journey starts from nothing and
        no other test depends on what it changes."""
        with Session(self.engine) as session:
            factories.use_session(session)
            user = factories.UserFactory(
                email=f"personal@{factories.slugify(name)}.example",
                display_name=f"Personal {name}",
                customer__name=name,
                customer__ags=ags,
            )
            session.commit()
            return DemoLogin(user.email, factories.DEMO_PASSWORD, name)

    def new_region_admin(self, email: str, name: str, region_slug: str) -> int:
        """An admin of one region, assigned by the demo's global admin; returns the region's
        id. A journey brings its own, so nobody's scope changes for the other tests."""
        from sqlalchemy import select

        from kwis_job_plugin.models import Region
        from kwis_job_plugin.services import admin_scope

        with Session(self.engine) as session:
            factories.use_session(session)
            region = session.scalar(select(Region).where(Region.slug == region_slug))
            user = factories.AdminFactory(email=email, display_name=name)
            session.flush()
            global_id = next(a.user_id for a in admin_scope.list_admins(session)
                             if a.email == self.admin.email)
            admin_scope.assign(session, global_id, user.id, all_regions=False,
                               region_ids=[region.id])
            session.commit()
            return region.id

    @property
    def admin(self) -> DemoLogin:
        return next(login for login in self.logins if login.email == ADMIN_EMAIL)

    @property
    def company(self) -> DemoLogin:
        """The first company with a profile; ``who`` is the company's real name."""
        return next(
            login
            for login in self.logins
            if login.email not in (ADMIN_EMAIL, REGION_ADMIN_EMAIL)
            and NO_PROFILE_MARK not in login.who
        )

    @property
    def company_without_profile(self) -> DemoLogin:
        return next(login for login in self.logins if NO_PROFILE_MARK in login.who)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("browser-demo") / "kwis-demo.db"
    app, logins = prepare_demo_app(f"sqlite:///{db_path}", "browser-test-secret")
    engine = app.extensions["kwis_host"]["engine"]

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    host = f"127.0.0.1:{server.server_port}"
    yield LiveServer(url=f"http://{host}", host=host, logins=logins, engine=engine)
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()
    engine.dispose()


_axe = Axe()


def assert_accessible(page, max_targets: int = 3) -> None:
    """Run axe (WCAG 2.1 A and AA and the best-practice rules) on the current page and fail on
    any violation."""
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    results = _axe.run(page, options=options)
    violations = results.response["violations"]
    if not violations:
        return
    lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
    for violation in violations:
        targets = [", ".join(map(str, node["target"])) for node in violation["nodes"]]
        shown = "; ".join(targets[:max_targets])
        more = f" (+{len(targets) - max_targets} more)" if len(targets) > max_targets else ""
        lines.append(
            f"- {violation['id']} [{violation['impact']}]: {violation['help']}\n"
            f"    at {shown}{more}\n    {violation['helpUrl']}"
        )
    pytest.fail("\n".join(lines), pytrace=False)


@pytest.fixture(name="assert_accessible")
def assert_accessible_fixture():
    """The helper as a fixture, so test modules need not import from conftest."""
    return assert_accessible
