"""German first, English second: every UI string has an English translation, and it is used."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from support.web import login

from kwis_job_plugin import i18n

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "_l": None, "N_": None}
METHODS = [("**.py", "python"), ("**.html", "jinja2")]


def _source_messages() -> set[str]:
    found = set()
    for folder in ("kwis_job_plugin", "templates"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, METHODS, keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_ui_string_has_an_english_translation():
    with i18n.catalog_path("en").open("rb") as po:
        catalog = read_po(po, locale="en")
    translated = {
        m.id[0] if m.pluralizable else m.id
        for m in catalog
        if m.id and not m.fuzzy and (all(m.string) if m.pluralizable else m.string)
    }
    missing = sorted(_source_messages() - translated)
    assert not missing, f"untranslated (run pybabel extract/update, see translations/): {missing}"


def test_placeholders_survive_translation():
    with i18n.catalog_path("en").open("rb") as po:
        catalog = read_po(po, locale="en")
    for message in catalog:
        if message.id and "%(" in message.id:
            for name in re.findall(r"%\((\w+)\)s", message.id):
                assert (f"%({name})s" in message.id) == (f"%({name})s" in message.string), (
                    message.id
                )


def test_force_locale_and_the_german_default():
    assert i18n.gettext("Angebote") == "Angebote"
    with i18n.force_locale("en"):
        assert i18n.gettext("Angebote") == "Offers"
        assert i18n.gettext("Funktionen in %(region)s", region="Jena") == "Features in Jena"
    with i18n.force_locale("fr"):
        assert i18n.gettext("Angebote") == "Angebote", "unknown locales fall back to German"


def test_pages_follow_the_browsers_language(client, world):
    english = {"Accept-Language": "en-GB,en;q=0.9"}
    login(client, world.a.email, world.password)
    page = client.get("/selfservice/job/angebote", headers=english).get_data(as_text=True)
    assert "Offers of Optik Alpha" in page and '<html lang="en">' in page
    tab_bar = client.get("/selfservice/", headers=english).get_data(as_text=True)
    assert ">Employer profile<" in tab_bar
    german = client.get("/selfservice/job/angebote").get_data(as_text=True)
    assert "Angebote von Optik Alpha" in german and '<html lang="de">' in german
    portal = client.get("/jobs/", headers=english).get_data(as_text=True)
    assert "Employers in the region" in portal and '<html lang="en">' in portal
