"""The widget inside another site's page (issue 11): a test page served from another origin
(another port) frames /jobs/einbetten/angebote in real Chromium. The widget renders, sets no
cookie, passes axe, is used by keyboard from the host page, and its links open the portal in a
new tab. The configurator passes axe too and re-renders its preview by keyboard, without
JavaScript of its own.

The demo has ``embed`` on in Jena (``demo/seed.py``); the fixture checks that it still is.
"""

from __future__ import annotations

import re
import threading
from html import escape

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from kwis_job_plugin.models import Region
from kwis_job_plugin.services import features

pytestmark = pytest.mark.browser
WIDGET = "/jobs/einbetten/angebote?region=jena&anzahl=3"


@pytest.fixture
def embed_on(live_server):
    with Session(live_server.engine) as session:
        region_id = session.scalar(select(Region.id).where(Region.slug == "jena"))
        assert features.is_enabled(session, "embed", region_id)


@pytest.fixture
def school_site(live_server):
    """A school's page on another origin (its own port) with the widget's iframe."""
    src = escape(f"{live_server.url}{WIDGET}")
    html = (
        '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Schule</title></head>'
        '<body><main><h1>Unsere Schule</h1><p><a href="#start">Start</a></p>'
        f'<iframe src="{src}" title="Angebote in Jena" width="600" height="480"></iframe>'
        "</main></body></html>"
    )

    def app(environ, start_response):
        return Response(html, mimetype="text/html")(environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


def test_the_widget_on_another_origin_renders_sets_no_cookie_and_works_by_keyboard(
    page: Page, live_server, embed_on, school_site, assert_accessible
):
    page.goto(f"{school_site}/schule.html")
    frame = page.frame_locator("iframe")
    links = frame.locator("a.kj-widget-link")
    expect(links.first).to_be_visible()
    assert links.count() == 3
    widget = next(f for f in page.frames if "/jobs/einbetten/angebote" in f.url)
    # by keyboard from the school's page into the frame, to the first offer
    for _ in range(10):
        page.keyboard.press("Tab")
        if widget.evaluate("() => document.activeElement?.classList.contains('kj-widget-link')"):
            break
    else:
        pytest.fail("the widget's first link is not reached by keyboard")
    title = widget.evaluate("() => document.activeElement.firstChild.textContent")
    with page.context.expect_page() as opened:
        page.keyboard.press("Enter")
    portal = opened.value
    portal.wait_for_load_state()
    assert portal.url.startswith(f"{live_server.url}/jobs/angebote/")
    expect(portal.get_by_role("heading", level=1)).to_contain_text(title.strip())
    assert page.context.cookies() == []
    # axe on the widget as its own document (axe does not reach into a cross-origin frame)
    page.goto(WIDGET)
    assert_accessible(page)
    page.goto(f"{WIDGET}&lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Offers in Stadt Jena")
    assert_accessible(page)
    assert page.context.cookies() == []


def test_the_configurator_passes_axe_and_updates_its_preview_by_keyboard(
    page: Page, embed_on, assert_accessible
):
    page.goto("/jobs/")
    page.get_by_role("link", name="Für Schulen und Partner: Angebote einbinden und Schulbutton") \
        .click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Angebote einbinden und Schulbutton")
    assert_accessible(page)
    page.get_by_label("Anzahl der Angebote").select_option("3")
    page.get_by_label("Schulcode für den Schulbutton (freiwillig)").fill("gym-jena-1")
    button = page.get_by_role("button", name="Vorschau aktualisieren")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**anzahl=3**")
    preview = page.frame_locator("iframe.kj-embed-preview")
    expect(preview.locator("a.kj-widget-link")).to_have_count(3)
    expect(page.get_by_label("Code für den Schulbutton (mit Schulcode GYM-JENA-1)")) \
        .to_have_value(re.compile("schule=GYM-JENA-1"))
    assert_accessible(page)
    assert page.context.cookies() == []
