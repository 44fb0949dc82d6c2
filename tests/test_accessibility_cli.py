"""``kwis-job accessibility record`` (issue 13) on both engines: it stores date, method and scope
of a check for the region's accessibility statement, and refuses bad input in German without
writing anything. ``check`` runs a real browser: tests/browser/test_accessibility_pages.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from kwis_job_plugin.cli import job
from kwis_job_plugin.demo.factories import RegionFactory
from kwis_job_plugin.models import RegionLegal
from kwis_job_plugin.services import accessibility_statement as statement

GERMAN = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "de_DE.UTF-8"}


def _run(db_url: str, *args: str):
    return CliRunner().invoke(job, ["--database-url", db_url, "accessibility", *args],
                              env=GERMAN, catch_exceptions=False)


def _legal(session, region_id: int) -> RegionLegal | None:
    session.expire_all()
    return session.get(RegionLegal, region_id)


def test_record_stores_a_check_by_hand_that_the_statement_then_shows(db_url, session, world):
    result = _run(db_url, "record", "--region", "jena", "--date", "2026-11-20",
                  "--scope", "BITV-Test der Startseite und Suche mit NVDA", "--von-hand")
    assert result.exit_code == 0, result.output
    assert "Prüfung vom 20.11.2026 für die Region Stadt Jena gespeichert." in result.output
    legal = _legal(session, world.region.id)
    assert legal.accessibility_checked_on == date(2026, 11, 20)
    check = statement.recorded_check(legal)
    assert check.method == statement.BY_HAND
    assert check.scope == "BITV-Test der Startseite und Suche mit NVDA"
    found = statement.build(session, world.region.id, today=date(2026, 12, 1))
    assert found.check.by_hand and found.status == statement.PARTIALLY


def test_record_keeps_the_other_legal_data_of_the_region(db_url, session, world):
    session.add(RegionLegal(region_id=world.region.id, operator_name="WF Jena",
                            accessibility_email="a11y@wf.example"))
    session.commit()
    assert _run(db_url, "record", "--region", "jena", "--date", "2026-11-01",
                "--scope", "axe, 9 Seiten").exit_code == 0
    legal = _legal(session, world.region.id)
    assert (legal.operator_name, legal.accessibility_email) == ("WF Jena", "a11y@wf.example")
    assert statement.recorded_check(legal).method == statement.AUTOMATED


def test_a_complete_check_by_hand_is_recorded_as_such(db_url, session, world):
    result = _run(db_url, "record", "--region", "jena", "--date", date.today().isoformat(),
                  "--scope", "alles", "--von-hand", "--vollstaendig")
    assert result.exit_code == 0, result.output
    assert statement.recorded_check(_legal(session, world.region.id)).method == (
        statement.BY_HAND_COMPLETE)


@pytest.mark.parametrize(("args", "message"), [
    (["--region", "gibt-es-nicht", "--date", "2026-11-01", "--scope", "x"],
     "Keine Region mit dem Kurznamen „gibt-es-nicht“."),
    (["--region", "jena", "--date", "01.11.2026", "--scope", "x"], "--date"),
    (["--region", "jena", "--date", (date.today() + timedelta(days=1)).isoformat(),
      "--scope", "x"], "Das Datum liegt in der Zukunft."),
    (["--region", "jena", "--date", "2026-11-01", "--scope", "   "],
     "Bitte beschreiben Sie den Umfang der Prüfung"),
    (["--region", "jena", "--date", "2026-11-01", "--scope", "a\x00b"],
     "Steuerzeichen und unsichtbare Richtungszeichen sind hier nicht erlaubt"),
    (["--region", "jena", "--date", "2026-11-01", "--scope", "a\u202eb"],
     "Steuerzeichen und unsichtbare Richtungszeichen sind hier nicht erlaubt"),
    (["--region", "jena", "--date", "2026-11-01", "--scope", "x" * 20001], "zu lang"),
    (["--region", "jena", "--date", "2026-11-01", "--scope", "x", "--vollstaendig"],
     "--vollstaendig gilt nur zusammen mit --von-hand."),
    (["--region", "jena", "--date", "2026-11-01"], "--scope"),
])
def test_record_refuses_bad_input_in_german_and_writes_nothing(
    db_url, session, world, args, message
):
    result = _run(db_url, "record", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert _legal(session, world.region.id) is None


def test_the_help_of_every_option_is_german(db_url):
    for command in ("check", "record"):
        output = _run(db_url, command, "--help").output
        assert "Aufruf:" in output
        options = [line for line in output.splitlines() if line.strip().startswith("--")]
        assert len(options) >= 3
        for line in options:
            assert len(line.split(None, 2)) >= 2, f"option without help: {line}"


def test_check_names_the_choice_when_several_regions_have_a_portal(db_url, session, world):
    RegionFactory(slug="weimar", name="Weimarer Land")
    session.commit()
    result = _run(db_url, "check", "--base-url", "http://127.0.0.1:9")
    assert result.exit_code == 2
    assert "Bitte wählen Sie die Region mit --region" in result.output
    assert "jena" in result.output and "weimar" in result.output
    bad = _run(db_url, "check", "--base-url", "ftp://x", "--region", "jena")
    assert bad.exit_code == 2 and "http:// oder https://" in bad.output
    assert _legal(session, world.region.id) is None


def test_check_without_chromium_says_what_to_install_and_records_nothing(db_url, session, world):
    result = _run(db_url, "check", "--base-url", "http://127.0.0.1:9", "--region", "jena",
                  "--chromium", "/nicht/da/chromium")
    assert result.exit_code == 1
    assert "Chromium wurde unter /nicht/da/chromium nicht gefunden." in result.output
    assert "apt install chromium" in result.output
    assert _legal(session, world.region.id) is None


def test_check_without_the_extra_names_the_extra(db_url, session, world, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "axe_playwright_python.sync_playwright", None)
    result = _run(db_url, "check", "--base-url", "http://127.0.0.1:9", "--region", "jena")
    assert result.exit_code == 1
    assert "pip install 'kwis-job[accessibility]'" in result.output
    assert _legal(session, world.region.id) is None


def test_the_sample_holds_one_page_of_each_kind_the_region_has(session, world):
    from datetime import date as day

    from kwis_job_plugin.demo.factories import OfferFactory, ProfileFactory
    from kwis_job_plugin.services import accessibility_check, features, search_index

    def build(endpoint, **values):
        return f"{endpoint}:{sorted(values.items())}"

    empty = accessibility_check.sample_pages(session, world.region.id, day.today(), build)
    assert "Seite eines Betriebs" in empty.missing and "Seite eines Angebots" in empty.missing
    profile = ProfileFactory(customer=world.a.customer, region=world.region, status="published")
    OfferFactory(profile=profile, status="published", title="Ferienjob bei Alpha")
    search_index.rebuild_all(session)
    session.commit()
    found = accessibility_check.sample_pages(session, world.region.id, day.today(), build)
    labels = [page.label for page in found.pages]
    assert labels[:4] == ["Startseite", "Suche", "Seite eines Betriebs", "Seite eines Angebots"]
    assert "Veranstaltungskalender" in labels
    assert found.missing == ["Seite einer Veranstaltung"], "the region has no public event"
    features.set_enabled(session, world.region.id, "events", False, None)
    session.commit()
    without = accessibility_check.sample_pages(session, world.region.id, day.today(), build)
    assert "Veranstaltungskalender" not in [page.label for page in without.pages]
