"""Asset delivery: hashed URLs cached for a year, plain URLs still answered, compression
negotiated (pre-compressed br/gzip for assets, gzip in the app for HTML), trimmed KERN and
subset fonts from the build (``assets_optimize.py``, ``views/assets.py``).

The build's output in the tree (``static/built/``, written by ``pip install -e .``) is what the
page tests read; the trimming and the font subset are also checked as functions on the current
templates, so a template that starts using a new KERN class fails here until the build ran.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from pathlib import Path

import brotli
import pytest
import tinycss2
from fontTools.ttLib import TTFont
from support import search_world

from kwis_job_plugin import assets_optimize
from kwis_job_plugin.views import assets

REPO = Path(__file__).resolve().parents[1]
STATIC = REPO / "kwis_job_plugin" / "static"
BUILT = STATIC / "built"
KERN_CSS = STATIC / "kern" / "kern.min.css"
needs_kern = pytest.mark.skipif(not KERN_CSS.is_file(), reason="built with KWIS_JOB_KERN=skip")
HASHED = re.compile(r"/jobs/assets/([\w/.-]+\.[0-9a-f]{10}\.(?:css|js|woff2))")
GERMAN_AND_ENGLISH = "äöüÄÖÜßẞ€„“”‚‘’–—…«»§°·×éèàçñ"
CLASS_ATTR = re.compile(r"""class="([^"]*)\"""")
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


@pytest.fixture
def sw(session):
    return search_world.build(session)


def _manifest() -> dict:
    return json.loads((BUILT / "manifest.json").read_text(encoding="utf-8"))["assets"]


def _search_page(client, **headers):
    return client.get("/jobs/suche?q=Ausbildung", headers=headers)


def _asset_urls(html: str) -> list[str]:
    return HASHED.findall(html)


def test_the_build_is_current_in_this_tree():
    manifest = json.loads((BUILT / "manifest.json").read_text(encoding="utf-8"))
    fresh = assets_optimize._inputs_digest(STATIC, assets_optimize.SOURCES)
    assert manifest["inputs"] == fresh, (
        "static/built/ is older than its sources: run `python -m kwis_job_plugin.assets_build`"
    )


def test_asset_urls_are_hashed_and_immutable(client, sw):
    page = _search_page(client)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    urls = _asset_urls(html)
    assert any(u.startswith("portal.") and u.endswith(".css") for u in urls), html[:1500]
    assert "/jobs/assets/portal.css" not in html
    for url in urls:
        response = client.get(f"/jobs/assets/{url}")
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert "Accept-Encoding" in response.headers["Vary"]
        assert "Set-Cookie" not in response.headers
        again = client.get(f"/jobs/assets/{url}",
                           headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304


def test_plain_urls_still_work_with_a_short_cache(client):
    for name in ("portal.css", "kj-portal.js", "kern/kern.min.css", "licenses/fira-sans-OFL.txt"):
        if name.startswith("kern/") and not KERN_CSS.is_file():
            continue
        response = client.get(f"/jobs/assets/{name}")
        assert response.status_code == 200, name
        assert response.headers["Cache-Control"] == "public, max-age=3600", name
    assert client.get("/jobs/assets/portal.0000000000.css").status_code == 404
    assert client.get("/jobs/assets/../config.py").status_code == 404


@pytest.mark.parametrize(("accept", "encoding"), [
    ("br, gzip", "br"), ("gzip, deflate", "gzip"), ("br;q=0, gzip", "gzip"), ("", None),
    ("identity", None),
])
def test_asset_compression_is_negotiated(client, accept, encoding):
    name = _manifest()["portal.css"]["path"]
    response = client.get(f"/jobs/assets/{name}", headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    body = response.get_data()
    plain = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[encoding](body)
    assert plain == (STATIC / "portal.css").read_bytes()
    assert response.mimetype == "text/css"


def test_html_is_gzipped_only_when_asked(client, sw):
    plain = _search_page(client)
    packed = _search_page(client, **{"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    for response in (plain, packed):
        assert "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert len(packed.get_data()) < len(plain.get_data()) / 3
    # The ETag of the gzipped body is weak, and a revisit still gets its 304.
    assert packed.headers["ETag"].startswith("W/")
    again = _search_page(client, **{"Accept-Encoding": "gzip",
                                    "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304
    small = client.get("/jobs/_ping", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers  # below the minimum size


def _template_classes() -> set[str]:
    """Every literal class the templates write (Jinja expressions taken out)."""
    classes = set()
    for path in (REPO / "templates").rglob("*.html"):
        for value in CLASS_ATTR.findall(path.read_text(encoding="utf-8")):
            classes.update(JINJA.sub(" ", value).split())
    for literal in re.findall(r"""['"]([\w\s-]*kern-[\w\s-]*)['"]""", "\n".join(
            p.read_text(encoding="utf-8") for p in (REPO / "templates").rglob("*.html"))):
        classes.update(literal.split())
    return classes


def _sheet_classes(css: str) -> set[str]:
    found = set()

    def walk(rules):
        for rule in rules:
            if rule.type == "qualified-rule":
                for selector in assets_optimize._split_selectors(rule.prelude):
                    found.update(assets_optimize.selector_classes(selector))
            elif rule.type == "at-rule" and rule.content is not None \
                    and rule.lower_at_keyword in ("media", "supports", "layer"):
                walk(tinycss2.parse_rule_list(rule.content, skip_whitespace=True,
                                              skip_comments=True))

    walk(tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True))
    return found


@needs_kern
def test_the_trimmed_sheet_keeps_every_class_the_templates_use():
    full = _sheet_classes(KERN_CSS.read_text(encoding="utf-8"))
    built = (BUILT / _manifest()["kern/kern-portal.css"]["path"]).read_text(encoding="utf-8")
    trimmed = _sheet_classes(built)
    used = _template_classes() & full
    assert {"kern-btn", "kern-form-input__input", "kern-form-check__checkbox"} & used
    assert used - trimmed == set()
    assert len(built) < len(KERN_CSS.read_text(encoding="utf-8")) / 3
    # Rules for classes no page uses are gone, element and custom-property rules stay.
    assert "kern-col-md-6" in full and "kern-col-md-6" not in trimmed
    assert "--kern-color-action-default" in built


def test_trimming_keeps_what_matches_and_widening_pseudo_classes():
    css = (".a{color:red}.b{color:blue}.a .c,.a{margin:0}p:not(.unused){x:y}"
           "@media (min-width:1px){.b{a:b}.a{c:d}}@keyframes s{to{opacity:1}}"
           ":root{--k:var(--j);--j:1;--b:2;--own:3;--unused:4;--kept-by-word:5}"
           ".a{color:var(--k)}.b{color:var(--b)}")
    out = assets_optimize.trim_css(css, {"a", "kept-by-word"}, frozenset({"--own"}))
    assert ".b" not in out and ".c" not in out
    assert ".a{margin:0}" in out and "p:not(.unused)" in out
    assert "@media (min-width:1px){.a{c:d}}" in out
    assert "@keyframes" in out
    # Custom properties stay when a kept rule reads them (also through another property), an
    # own stylesheet does, or a template or module names them; the others go.
    assert ":root{--k:var(--j);--j:1;--own:3;--kept-by-word:5}" in out


@needs_kern
def test_fonts_are_subset_swapped_and_preloaded(client, sw):
    manifest = _manifest()
    for logical, entry in manifest.items():
        if not logical.endswith(".woff2"):
            continue
        data = (BUILT / entry["path"]).read_bytes()
        assert data[:4] == b"wOF2"
        assert len(data) < 40_000, logical
        cmap = TTFont(io.BytesIO(data)).getBestCmap()
        missing = [c for c in GERMAN_AND_ENGLISH + "AZaz09" if ord(c) not in cmap]
        assert not missing, f"{logical} lacks {missing}"
        assert ord("ł") not in cmap  # beyond German and English: a fallback font draws it
    bundle = (BUILT / manifest["kern/kern-portal.css"]["path"]).read_text(encoding="utf-8")
    faces = re.findall(r"@font-face\{[^}]*\}", bundle)
    assert faces and all("font-display:swap" in face for face in faces)
    assert all("unicode-range" in face for face in faces)
    for url in re.findall(r'url\("(fonts/[^"]+)"\)', bundle):
        assert client.get(f"/jobs/assets/kern/{url}").status_code == 200, url
    html = _search_page(client).get_data(as_text=True)
    preloads = re.findall(r'<link rel="preload" as="font" type="font/woff2" href="([^"]+)" '
                          r'crossorigin>', html)
    assert len(preloads) == 2
    assert all(HASHED.fullmatch(url) for url in preloads)


def test_an_edited_stylesheet_falls_back_to_its_plain_name(monkeypatch, tmp_path):
    """An editable install whose portal.css changed after the build serves the new file."""
    root = tmp_path / "static"
    (root / "built").mkdir(parents=True)
    (root / "portal.css").write_text("p{}")
    entry = {"path": "portal.1234567890.css", "encodings": [], "source_sha256": "0" * 64}
    (root / "built" / "manifest.json").write_text(json.dumps({"assets": {"portal.css": entry}}))
    monkeypatch.setattr(assets, "static_root", lambda: root)
    assets.manifest.cache_clear()
    try:
        assert assets.asset_path("portal.css") == "portal.css"
    finally:
        assets.manifest.cache_clear()
        assets.hashed_names.cache_clear()


def test_without_kern_the_own_files_are_still_hashed_and_compressed(tmp_path):
    """``KWIS_JOB_KERN=skip``: no KERN in static/, the build still hashes and compresses."""
    static = tmp_path / "static"
    static.mkdir()
    (static / "portal.css").write_text(".kj-portal{color:#000}\n" * 100)
    (static / "kj-portal.js").write_text("document.documentElement.dataset.js = '1';\n")
    manifest = assets_optimize.build(static, roots=(), log=lambda _message: None)
    assert manifest["kern"] is False
    assert set(manifest["assets"]) == {"portal.css", "kj-portal.js"}
    entry = manifest["assets"]["portal.css"]
    assert re.fullmatch(r"portal\.[0-9a-f]{10}\.css", entry["path"])
    assert entry["encodings"] == ["br", "gzip"]
    built = static / "built" / entry["path"]
    assert gzip.decompress(built.with_name(built.name + ".gz").read_bytes()) == built.read_bytes()
    assert brotli.decompress(built.with_name(built.name + ".br").read_bytes()) == \
        built.read_bytes()
    assert assets_optimize.build(static, roots=(), log=print) == manifest  # nothing to do
