"""Browser smoke test: the demo in Chromium, by keyboard where it matters, axe on every page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect
from support.keyboard import tab_to, wait_for_path

pytestmark = pytest.mark.browser

LOGIN_ERROR = "E-Mail-Adresse oder Passwort ist nicht korrekt."
EMPTY_PROFILE = "Sie haben noch kein Arbeitgeberprofil angelegt."
SWITCHED_FEATURE, SWITCHED_REGION = "Veranstaltungen", "Weimarer Land"


def switch_button(page: Page, action: str) -> Locator:
    """The switch for the feature under test; its name is "<action>: <feature> in <region>"."""
    # Chromium joins the visible verb and the visually hidden rest with a space before the colon.
    name = re.compile(rf"^{action}\s*:\s*{SWITCHED_FEATURE} in {SWITCHED_REGION}$")
    return page.get_by_role("button", name=name)






def login_with_form(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("E-Mail-Adresse", exact=True).fill(email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()


def selfservice_tabs(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Selbstservice")


def expect_active_tab(page: Page, label: str) -> None:
    tabs = selfservice_tabs(page)
    expect(tabs.get_by_role("link", name=label, exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(tabs.locator('[aria-current="page"]')).to_have_count(1)


def test_company_uses_selfservice_by_keyboard(page: Page, live_server, assert_accessible):
    company = live_server.company
    page.goto("/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmelden")
    assert_accessible(page)

    # From the page start: Tab to the skip link, follow it, Tab into the form.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Zum Inhalt springen")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("E-Mail-Adresse", exact=True)).to_be_focused()
    page.keyboard.type(company.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Passwort", exact=True)).to_be_focused()
    page.keyboard.type(company.password)
    page.keyboard.press("Enter")

    wait_for_path(page, "/selfservice/")
    tabs = selfservice_tabs(page)
    for label in ("Stammdaten", "Arbeitgeberprofil", "Angebote"):
        expect(tabs.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stammdaten")
    expect(page.get_by_role("main")).to_contain_text(company.who)
    expect_active_tab(page, "Stammdaten")
    assert_accessible(page)

    # Plug-in tab 1 by keyboard: Tab to the link, Enter.
    tab_to(page, tabs.get_by_role("link", name="Arbeitgeberprofil", exact=True))
    page.keyboard.press("Enter")
    wait_for_path(page, "/selfservice/job/profil")
    expect(page.get_by_role("heading", level=1)).to_have_text("Arbeitgeberprofil")
    expect(page.get_by_role("main")).to_contain_text(company.who)
    expect(page.get_by_role("main")).not_to_contain_text(EMPTY_PROFILE)
    expect_active_tab(page, "Arbeitgeberprofil")
    assert_accessible(page)

    # Plug-in tab 2 by keyboard as well.
    tab_to(page, selfservice_tabs(page).get_by_role("link", name="Angebote", exact=True))
    page.keyboard.press("Enter")
    wait_for_path(page, "/selfservice/job/angebote")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Angebote von {company.who}")
    expect(page.get_by_role("table")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("row")).not_to_have_count(0)
    expect_active_tab(page, "Angebote")
    assert_accessible(page)


def test_company_without_profile_sees_empty_state(page: Page, live_server, assert_accessible):
    login = live_server.company_without_profile
    login_with_form(page, login.email, login.password)
    wait_for_path(page, "/selfservice/")

    selfservice_tabs(page).get_by_role("link", name="Arbeitgeberprofil", exact=True).click()
    wait_for_path(page, "/selfservice/job/profil")
    expect(page.get_by_role("heading", level=1)).to_have_text("Arbeitgeberprofil")
    expect(page.get_by_role("main")).to_contain_text(EMPTY_PROFILE)
    expect(page.get_by_role("main")).to_contain_text(login.who.replace(" (noch ohne Profil)", ""))
    expect_active_tab(page, "Arbeitgeberprofil")
    assert_accessible(page)


def test_admin_opens_plugin_pages_and_switches_a_feature(
    page: Page, live_server, assert_accessible
):
    admin = live_server.admin
    login_with_form(page, admin.email, admin.password)
    wait_for_path(page, "/admin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verwaltung")
    menu = page.get_by_role("navigation", name="Verwaltung")
    regions_link = menu.get_by_role("link", name="KWIS.job: Regionen und Funktionen")
    review_link = menu.get_by_role("link", name="KWIS.job: Prüfung")
    expect(regions_link).to_be_visible()
    expect(review_link).to_be_visible()
    assert_accessible(page)

    review_link.click()
    wait_for_path(page, "/admin/job/pruefung")
    expect(page.get_by_role("heading", level=1)).to_have_text("Zur Prüfung eingereicht")
    expect(menu.get_by_role("link", name="KWIS.job: Prüfung")).to_have_attribute(
        "aria-current", "page"
    )
    assert_accessible(page)

    menu.get_by_role("link", name="KWIS.job: Regionen und Funktionen").click()
    wait_for_path(page, "/admin/job/regionen")
    expect(page.get_by_role("heading", level=1)).to_have_text("Regionen und Funktionen")
    expect(page.get_by_role("heading", level=2, name="Stadt Jena")).to_be_visible()
    assert_accessible(page)

    switch_off = switch_button(page, "Ausschalten")
    switch_off.focus()
    expect(switch_off).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text(
        f"„{SWITCHED_FEATURE}“ ist in {SWITCHED_REGION} jetzt ausgeschaltet."
    )
    switch_on = switch_button(page, "Einschalten")
    expect(switch_on).to_be_visible()
    expect(page.get_by_role("row").filter(has=switch_on)).to_contain_text("Ausgeschaltet")
    assert_accessible(page)

    switch_on.focus()
    expect(switch_on).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_role("status")).to_have_text(
        f"„{SWITCHED_FEATURE}“ ist in {SWITCHED_REGION} jetzt eingeschaltet."
    )
    expect(switch_button(page, "Ausschalten")).to_be_visible()


def test_public_portal_is_accessible_and_self_contained(page: Page, live_server, assert_accessible):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto("/jobs/", wait_until="networkidle")
    assert response is not None and response.status == 200

    expect(page.get_by_role("heading", level=1)).to_have_text("Arbeitgeber in der Region")
    results = page.locator(".kj-result-list > li")
    expect(results).not_to_have_count(0)
    expect(page.locator("#kj-result-count")).to_contain_text("gefunden")
    page.get_by_role("searchbox").first.fill(live_server.company.who)
    page.keyboard.press("Enter")
    expect(page.locator(".kj-result-list")).to_contain_text(live_server.company.who)

    assert any(url.endswith("/jobs/") for url in requested), requested
    foreign = [url for url in requested if urlsplit(url).netloc != live_server.host]
    assert not foreign, f"portal loaded resources from other hosts: {foreign}"
    assert_accessible(page)


def test_wrong_password_shows_error_at_the_field(page: Page, live_server, assert_accessible):
    login_with_form(page, live_server.company.email, "falsches-passwort")
    expect(page).to_have_url(f"{live_server.url}/login")

    password = page.get_by_label("Passwort", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    error_id = password.get_attribute("aria-describedby")
    assert error_id, "password field has no aria-describedby"
    error = page.locator(f"#{error_id}")
    expect(error).to_have_text(LOGIN_ERROR)
    expect(password).to_have_accessible_description(LOGIN_ERROR)
    expect(page.get_by_role("alert")).to_contain_text("Bitte prüfen Sie Ihre Eingaben.")
    expect(page.get_by_label("E-Mail-Adresse", exact=True)).not_to_have_attribute(
        "aria-invalid", "true"
    )
    assert_accessible(page)


def test_an_offer_opened_from_the_search_by_keyboard_keeps_the_search_on_the_way_back(
    page: Page, live_server, assert_accessible
):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    console_errors: list[str] = []

    def on_console(message) -> None:  # the reference host has no favicon: not our concern
        if message.type == "error" and not message.location.get("url", "").endswith("favicon.ico"):
            console_errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", on_console)

    page.goto("/jobs/suche")
    type_key = page.locator("#kj-facet-type input[type=checkbox]").first.get_attribute("value")
    page.goto(f"/jobs/suche?art={type_key}")
    filtered_url = page.url
    first_result = page.locator(".kj-result-list h3 a").first
    title = first_result.inner_text()

    # By keyboard: skip the filters, then Tab to the first result and follow it.
    tab_to(page, page.get_by_role("link", name="Filter überspringen, zu den Ergebnissen"))
    page.keyboard.press("Enter")
    expect(page.locator("#kj-results")).to_be_focused()
    tab_to(page, first_result)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path.startswith("/jobs/angebote/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator('link[rel="canonical"]')).to_have_attribute(
        "href", re.compile(r"^http://127\.0\.0\.1:\d+/jobs/angebote/\d+-[a-z0-9-]+$")
    )
    expect(page.get_by_role("heading", level=2, name="Der Betrieb")).to_be_visible()
    assert_accessible(page)

    # Browser back: the same search, its filter still ticked, the same offer listed.
    page.go_back()
    expect(page).to_have_url(re.compile(rf"^{re.escape(filtered_url)}(#kj-results)?$"))
    expect(page.locator(f'input[name="art"][value="{type_key}"]')).to_be_checked()
    expect(page.locator(".kj-result-list")).to_contain_text(title)

    # Forward again and on to the company's page through the breadcrumbs.
    page.go_forward()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    breadcrumbs = page.get_by_role("navigation", name="Navigationspfad")
    breadcrumbs.get_by_role("link").nth(1).click()
    page.wait_for_url(lambda url: urlsplit(url).path.startswith("/jobs/betriebe/"))
    expect(page.get_by_role("heading", level=2, name="Angebote")).to_be_visible()
    expect(page.locator(".kj-company-offers")).to_contain_text(title)
    assert_accessible(page)

    foreign = [url for url in requested if urlsplit(url).netloc != live_server.host]
    assert not foreign, f"public pages loaded resources from other hosts: {foreign}"
    assert not console_errors, console_errors  # a CSP violation would be reported here
