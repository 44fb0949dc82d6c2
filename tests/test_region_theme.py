"""The portal's look and links over HTTP, on both engines.

- A region's look (``services/region_theme.py``): colours refused below 4.5:1 against white
  with a German message at the field and nothing saved; the logo re-encoded; the look reaches
  company, offer and region-filtered search pages as a stylesheet of its own (the CSP forbids
  inline styles), and the unfiltered search stays neutral.
- KERN UX is linked and served by the app itself.
- ``?zurueck=``: result cards carry the search, the way back rebuilds it, nothing else gets
  through (no open redirect).
- The start page asks for type, place and radius in one form.
"""

from __future__ import annotations

import io
import re
from html import unescape
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from PIL import Image
from support import search_world
from support.web import csrf_token, login

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import Region
from kwis_job_plugin.services import region_theme
from kwis_job_plugin.services.errors import ValidationError

REGIONS = "/admin/job/regionen"
JENA_BLUE = "#0b4f8a"


# --- colours ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("first", "second", "ratio"), [
    ("#ffffff", "#000000", 21.0),
    ("#ffffff", "#ffffff", 1.0),
    ("#767676", "#ffffff", 4.54),   # the lightest grey that passes AA on white
    ("#777777", "#ffffff", 4.48),   # one step lighter fails
    ("#0b4f8a", "#ffffff", 8.40),
])
def test_contrast_ratio_follows_wcag(first, second, ratio):
    assert region_theme.contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)
    assert region_theme.contrast_ratio(second, first) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize(("raw", "color"), [
    ("#0B4F8A", "#0b4f8a"), ("0b4f8a", "#0b4f8a"), (" #036 ", "#003366"), ("", None), (None, None),
])
def test_colours_are_normalised(raw, color):
    assert region_theme.check_color(raw, "theme_color") == color


@pytest.mark.parametrize("raw", ["blau", "#12345", "#1234567", "rgb(0,0,0)", "#ggg000"])
def test_a_colour_that_is_no_hex_value_gets_an_example(raw):
    with pytest.raises(ValidationError) as error:
        region_theme.check_color(raw, "theme_color")
    assert error.value.errors == {"theme_color": (
        "Bitte geben Sie die Farbe als Hex-Wert mit 6 Stellen ein, zum Beispiel #0b4f8a.")}


def test_a_light_colour_is_refused_with_the_ratio_it_reaches():
    with pytest.raises(ValidationError) as error:
        region_theme.check_color("#ffcc00", "theme_color_secondary")
    message = error.value.errors["theme_color_secondary"]
    assert message.startswith("Diese Farbe ist zu hell: Weiße Schrift darauf erreicht nur einen "
                              "Kontrast von 1,5:1, nötig sind mindestens 4,5:1")
    with pytest.raises(ValidationError, match="4,4:1"):
        region_theme.check_color("#787878", "theme_color")  # 4.42: rounded down, never up


# --- the admin form --------------------------------------------------------------------------


def _png(size=(120, 40), color=(11, 79, 138)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def admin_world(session):
    region = factories.RegionFactory(slug="jena", name="Stadt Jena", prefixes=["16053"])
    admin = factories.AdminFactory(email="admin@wf.example")
    session.commit()
    return region, admin


def _post_theme(client, region_id, **data):
    token = csrf_token(client.get(REGIONS).data)
    return client.post(f"{REGIONS}/{region_id}/darstellung",
                       data={"csrf_token": token, **data},
                       content_type="multipart/form-data")


def test_only_admins_edit_the_look(client, admin_world, session):
    region, _admin = admin_world
    company = factories.UserFactory(email="c@firma.example")
    session.commit()
    login(client, company.email, factories.DEMO_PASSWORD)
    page = client.get(REGIONS)
    assert page.status_code in (302, 403)
    response = client.post(f"{REGIONS}/{region.id}/darstellung", data={"theme_color": "#000000"})
    assert response.status_code in (302, 400, 403)
    session.expire_all()
    assert session.get(Region, region.id).theme_color is None


def test_a_light_colour_is_refused_at_its_field_and_nothing_is_saved(client, admin_world,
                                                                      session):
    region, admin = admin_world
    login(client, admin.email, factories.DEMO_PASSWORD)
    response = _post_theme(client, region.id, theme_color=JENA_BLUE,
                           theme_color_secondary="#ffcc00", logo=(io.BytesIO(_png()), "l.png"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    field = re.search(r'<input type="text" id="r\d+-theme_color_secondary"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    assert f'aria-describedby="r{region.id}-theme_color_secondary-error"' in field
    assert 'value="#ffcc00"' in field  # what was typed stays, to be corrected
    error = re.search(rf'id="r{region.id}-theme_color_secondary-error">([^<]+)<', html).group(1)
    assert unescape(error).startswith("Diese Farbe ist zu hell")
    assert 'role="alert"' in html
    session.expire_all()
    saved = session.get(Region, region.id)
    assert saved.theme_color is None and saved.theme_color_secondary is None
    assert saved.logo_sha256 is None  # the valid parts were not written either


def test_a_broken_logo_is_refused_at_its_field(client, admin_world, session):
    region, admin = admin_world
    login(client, admin.email, factories.DEMO_PASSWORD)
    response = _post_theme(client, region.id, theme_color=JENA_BLUE,
                           logo=(io.BytesIO(b"<svg></svg>"), "logo.svg"))
    assert response.status_code == 422
    assert f'id="r{region.id}-logo-error">Diese Datei ist kein Bild' in response.get_data(
        as_text=True)
    session.expire_all()
    assert session.get(Region, region.id).theme_color is None


def test_the_look_is_saved_and_shown_on_the_portal(client, admin_world, session):
    region, admin = admin_world
    login(client, admin.email, factories.DEMO_PASSWORD)
    response = _post_theme(client, region.id, theme_color="#0B4F8A",
                           theme_color_secondary="#7a1f3d", logo_alt="Wirtschaftsförderung Jena",
                           logo=(io.BytesIO(_png()), "logo.png"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#region-{region.id}-theme")
    assert "ist gespeichert" in client.get(REGIONS).get_data(as_text=True)
    session.expire_all()
    saved = session.get(Region, region.id)
    assert (saved.theme_color, saved.theme_color_secondary) == ("#0b4f8a", "#7a1f3d")
    assert saved.logo_content_type == "image/png" and (saved.logo_width, saved.logo_height) == (
        120, 40)

    theme = region_theme.for_region(session, "jena")
    css = client.get(f"/jobs/regionen/jena/stil.css?v={theme.version}")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert "--kj-accent: #0b4f8a;" in css.get_data(as_text=True)
    assert "--kern-color-action-default: #0b4f8a;" in css.get_data(as_text=True)
    assert "--kj-accent-2: #7a1f3d;" in css.get_data(as_text=True)
    assert "max-age=86400" in css.headers["Cache-Control"]
    assert "max-age=60" in client.get("/jobs/regionen/jena/stil.css").headers["Cache-Control"]
    logo = client.get(f"/jobs/regionen/jena/logo?v={saved.logo_sha256[:10]}")
    assert logo.status_code == 200 and logo.mimetype == "image/png"
    assert Image.open(io.BytesIO(logo.data)).size == (120, 40)

    # Removing the logo and clearing the colours returns to the default look.
    response = _post_theme(client, region.id, theme_color="", theme_color_secondary="",
                           remove_logo="1")
    assert response.status_code == 302
    assert client.get("/jobs/regionen/jena/logo").status_code == 404
    assert client.get("/jobs/regionen/jena/stil.css").status_code == 404


def test_unknown_regions_have_no_look(client, session):
    assert client.get("/jobs/regionen/nirgendwo/stil.css").status_code == 404
    assert client.get("/jobs/regionen/nirgendwo/logo").status_code == 404
    assert client.post("/admin/job/regionen/999999/darstellung").status_code in (302, 400, 403,
                                                                                 404)


# --- the look on public pages ----------------------------------------------------------------


@pytest.fixture
def themed(session):
    world = search_world.build(session)
    jena = world.regions["jena"]
    jena.theme_color, jena.theme_color_secondary = JENA_BLUE, "#7a1f3d"
    session.commit()
    return world


def _stylesheets(html: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)


def test_company_offer_and_region_search_pages_wear_the_region_look(client, themed, session):
    theme = region_theme.for_region(session, "jena")
    sheet = f"/jobs/regionen/jena/stil.css?v={theme.version}"
    company = themed.profiles["bakery"]
    offer = themed.offers["a"]
    pages = {
        "company": client.get(f"/jobs/betriebe/{company.slug}"),
        "offer": client.get(f"/jobs/angebote/{offer.id}", follow_redirects=True),
        "search": client.get("/jobs/suche?region=jena"),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
        html = page.get_data(as_text=True)
        assert sheet in _stylesheets(html), name
        assert '<span class="kj-brand-region">Stadt Jena</span>' in html, name
        # Nothing inline that the CSP (style-src 'self', no nonce) would block.
        assert "<style" not in html and " style=" not in html, name
        assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"], name

    neutral = client.get("/jobs/suche").get_data(as_text=True)
    assert not [s for s in _stylesheets(neutral) if "/regionen/" in s]
    assert "kj-brand-region" not in neutral
    other = client.get("/jobs/suche?region=saale-holzland").get_data(as_text=True)
    assert "Saale-Holzland-Kreis</span>" in other  # its name, but no colours of its own
    assert not [s for s in _stylesheets(other) if "/regionen/" in s]


def test_kern_is_linked_and_served_by_the_app(client, themed):
    html = client.get("/jobs/").get_data(as_text=True)
    sheets = _stylesheets(html)
    # The build's trimmed KERN (with its font faces), then portal.css; hashed names.
    assert re.fullmatch(r"/jobs/assets/kern/kern-portal\.[0-9a-f]{10}\.css", sheets[0]), sheets
    assert re.fullmatch(r"/jobs/assets/portal\.[0-9a-f]{10}\.css", sheets[1]), sheets
    assert 'data-kern-theme="light"' in html
    for path in sheets[:2] + ["/jobs/assets/kern/fonts/fira-sans/FiraSans-Regular.woff2",
                              "/jobs/assets/kern/LICENSE.md", "/jobs/assets/kj-portal.js"]:
        response = client.get(path)
        assert response.status_code == 200, path
    loaded = re.sub(r'<link rel="canonical"[^>]*>', "", html)  # names the page, loads nothing
    for url in re.findall(r'(?:src|href)="([^"]+)"', loaded):
        assert not urlsplit(url).netloc, f"the page points at another host: {url}"


# --- ?zurueck= -------------------------------------------------------------------------------


def _links(html: str, prefix: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', html) if h.startswith(prefix)]


def test_result_cards_carry_the_search_and_the_way_back_restores_it(client, themed):
    search = "/jobs/suche?art=ferienjob&art=schuelerpraktikum&ort=07743&umkreis=50&seite=1"
    html = client.get(search).get_data(as_text=True)
    offers = _links(html, "/jobs/angebote/")
    companies = _links(html, "/jobs/betriebe/")
    assert offers and companies
    for link in offers + companies:
        back = parse_qs(urlsplit(link).query)["zurueck"]
        assert parse_qs(back[0]) == {"art": ["ferienjob", "schuelerpraktikum"], "ort": ["07743"],
                                     "umkreis": ["50"]}

    page = client.get(offers[0], follow_redirects=True).get_data(as_text=True)
    back_links = _links(page, "/jobs/suche")
    assert back_links and set(back_links) == {
        "/jobs/suche?art=ferienjob&art=schuelerpraktikum&ort=07743&umkreis=50"}
    # The company link on the offer page passes the search on, and so do its offer cards.
    company_link = next(link for link in _links(page, "/jobs/betriebe/"))
    assert "zurueck=" in company_link
    company_page = client.get(company_link).get_data(as_text=True)
    assert all("zurueck=" in link for link in _links(company_page, "/jobs/angebote/"))
    assert "/jobs/suche?art=ferienjob&amp;art=schuelerpraktikum&amp;ort=07743" in company_page


def test_a_search_without_filters_adds_nothing_to_the_links(client, themed):
    html = client.get("/jobs/suche").get_data(as_text=True)
    assert not [link for link in _links(html, "/jobs/angebote/") if "zurueck" in link]


@pytest.mark.parametrize("value", [
    "https://evil.example/jobs/suche?art=ferienjob",
    "//evil.example/jobs/suche?art=ferienjob",
    "/\\evil.example/?art=ferienjob",
    "\\\\evil.example",
    "/admin/job/regionen?art=ferienjob",
    "javascript:alert(1)",
    "/jobs/suche?art=<script>",
    "%0d%0aLocation:%20https://evil.example",
])
def test_the_way_back_never_leaves_the_portal(client, themed, value):
    offer = themed.offers["a"]
    response = client.get(f"/jobs/angebote/{offer.id}-{offer.slug}?zurueck={quote(value)}")
    if response.status_code == 301:  # slug changed: follow within the portal
        response = client.get(response.headers["Location"])
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for link in _links(html, "") + re.findall(r'href="([^"]+)"', html):
        assert "evil" not in link and "javascript:" not in link and "<script" not in link
    for back in _links(html, "/jobs/suche"):
        assert urlsplit(back).path == "/jobs/suche"


def test_a_same_site_path_is_accepted_as_the_way_back(client, themed):
    offer = themed.offers["a"]
    value = quote("/jobs/suche?art=ferienjob&ort=Jena")
    html = client.get(f"/jobs/angebote/{offer.id}-{offer.slug}?zurueck={value}",
                      follow_redirects=True).get_data(as_text=True)
    assert "/jobs/suche?art=ferienjob&ort=Jena&umkreis=25" in _links(html, "/jobs/suche")


# --- the start page --------------------------------------------------------------------------


def test_the_start_page_asks_for_type_place_and_radius_in_one_form(client, themed):
    html = client.get("/jobs/").get_data(as_text=True)
    form = re.search(r'<form class="kj-search".*?</form>', html, re.S).group(0)
    bar = re.search(r'<div class="kj-search-bar">.*?<div class="kj-layout">', form, re.S).group(0)
    assert '<select class="kern-form-input__select" id="kj-art" name="art">' in bar
    assert re.search(r'<option value="ferienjob">Ferienjob \(\d+\)</option>', bar)
    assert 'name="ort"' in bar and 'name="umkreis"' in bar
    assert 'action="/jobs/suche"' in form
    # One control per parameter: no type checkboxes beside the select.
    assert 'type="checkbox" id="kj-facet-type' not in form
    # On the search page the type is a filter with counts, as before.
    assert 'id="kj-facet-type-ferienjob" name="art"' in client.get("/jobs/suche").get_data(
        as_text=True)
