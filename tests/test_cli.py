"""The ``kwis-job`` command line on a database that already holds the host's schema."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from kwis_hooks import migrations
from kwis_hooks.refhost.db import make_engine
from kwis_hooks.refhost.models import Customer, User, create_host_schema
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from kwis_job_plugin.cli import job
from kwis_job_plugin.config import migration_location
from kwis_job_plugin.models import EmployerProfile, Offer, Region


def _run(url: str, *args: str):
    result = CliRunner().invoke(job, ["--database-url", url, *args], catch_exceptions=False)
    return result


def test_db_upgrade_current_downgrade(empty_database_url):
    create_host_schema(make_engine(empty_database_url))
    assert "(keine)" in _run(empty_database_url, "db", "current").output
    assert _run(empty_database_url, "db", "upgrade").exit_code == 0
    head = migrations.head(migration_location())
    assert _run(empty_database_url, "db", "current").output.strip() == f"{head} (aktuell)"
    assert _run(empty_database_url, "db", "downgrade", "base").exit_code == 0
    assert "(keine)" in _run(empty_database_url, "db", "current").output


def test_region_add_validates_in_german_and_changes_nothing(empty_database_url):
    engine = make_engine(empty_database_url)
    create_host_schema(engine)
    _run(empty_database_url, "db", "upgrade")
    ok = _run(empty_database_url, "region", "add", "jena", "Stadt Jena", "--ags", "16053")
    assert ok.exit_code == 0, ok.output
    again = _run(empty_database_url, "region", "add", "jena2", "Jena doppelt", "--ags", "16053")
    assert again.exit_code == 1 and "AGS-Präfix bereits vergeben: 16053" in again.output
    bad = _run(empty_database_url, "region", "add", "x", "X", "--ags", "16a")
    assert bad.exit_code == 1 and "Ungültiger AGS-Präfix" in bad.output
    listing = _run(empty_database_url, "region", "list").output
    assert listing.count("\n") == 1 and "Stadt Jena\t16053" in listing
    engine.dispose()


@pytest.mark.parametrize("name", ["Stadt\x00Jena", "Stadt \u202eaneJ", "Stadt\x1bJena"])
def test_the_input_rule_holds_at_the_command_line_and_nothing_is_stored(empty_database_url,
                                                                        name):
    """NUL (refused by PostgreSQL), escape and bidi overrides in an argument: a German
    message naming the argument before the command runs, and no region on either engine."""
    engine = make_engine(empty_database_url)
    create_host_schema(engine)
    _run(empty_database_url, "db", "upgrade")
    refused = CliRunner().invoke(job, ["--database-url", empty_database_url, "region", "add",
                                       "weimar", name, "--ags", "16071"], env=GERMAN)
    assert refused.exit_code == 2
    assert "Steuerzeichen und unsichtbare Richtungszeichen sind hier nicht erlaubt" in (
        refused.output)
    assert "NAME" in refused.output
    assert _run(empty_database_url, "region", "list").output == ""
    engine.dispose()


def test_seed_demo_fills_an_empty_database_once(empty_database_url):
    engine = make_engine(empty_database_url)
    create_host_schema(engine)
    _run(empty_database_url, "db", "upgrade")
    first = _run(empty_database_url, "seed-demo")
    assert first.exit_code == 0 and "Demo-Zugänge:" in first.output
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 60
        # a login per company, the agency's admin and Jena's region admin
        assert session.scalar(select(func.count()).select_from(User)) == 62
        assert {r.slug for r in session.scalars(select(Region))} == {
            "jena", "saale-holzland", "weimarer-land"}
        published = session.scalar(select(func.count()).select_from(EmployerProfile)
                                   .where(EmployerProfile.status == "published"))
        assert 30 <= published < 60
        assert session.scalar(select(func.count()).select_from(Offer)) > published
        unplaced = session.scalar(
            select(func.count()).select_from(EmployerProfile)
            .where(EmployerProfile.region_id.is_(None)))
        assert unplaced == 0, "every demo company lies in one of the three regions"
    second = _run(empty_database_url, "seed-demo")
    assert second.exit_code == 1 and "nichts geändert" in second.output
    engine.dispose()


def test_commands_without_a_database_explain_what_is_missing(monkeypatch):
    monkeypatch.delenv("KWIS_DATABASE_URL", raising=False)
    result = CliRunner().invoke(job, ["db", "current"])
    assert result.exit_code == 2 and "--database-url" in result.output


def test_demo_prepares_an_instance_and_prints_logins(tmp_path):
    result = CliRunner().invoke(job, ["demo", "--instance", str(tmp_path), "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "admin@wirtschaftsfoerderung-jena.example" in result.output
    assert "http://127.0.0.1:5000/" in result.output
    rerun = CliRunner().invoke(job, ["demo", "--instance", str(tmp_path), "--no-serve"])
    assert rerun.exit_code == 0 and "Vorhandene Demo-Datenbank" in rerun.output


def test_starting_an_existing_demo_rebuilds_its_search_index(tmp_path):
    """The demo's upgrade path: an index written by an older release (here: emptied) is
    rebuilt from the published content when the demo starts (INSTALL.md, "Upgrade")."""
    assert CliRunner().invoke(job, ["demo", "--instance", str(tmp_path), "--no-serve"]
                              ).exit_code == 0
    engine = create_engine(f"sqlite:///{tmp_path / 'kwis-demo.db'}")
    with engine.begin() as conn:
        indexed = conn.execute(text("SELECT count(*) FROM kwis_job_search_doc")).scalar()
        conn.execute(text("DELETE FROM kwis_job_search_facet"))
        conn.execute(text("DELETE FROM kwis_job_search_doc"))
    assert indexed > 0
    assert CliRunner().invoke(job, ["demo", "--instance", str(tmp_path), "--no-serve"]
                              ).exit_code == 0
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM kwis_job_search_doc")).scalar() == indexed
    engine.dispose()


def test_search_rebuild_indexes_what_is_published(empty_database_url):
    from kwis_job_plugin.models import SearchDoc

    engine = make_engine(empty_database_url)
    create_host_schema(engine)
    _run(empty_database_url, "db", "upgrade")
    _run(empty_database_url, "seed-demo")
    with Session(engine) as session:
        session.execute(SearchDoc.__table__.delete())
        session.commit()
    result = _run(empty_database_url, "search", "rebuild")
    with Session(engine) as session:
        indexed = session.scalar(select(func.count()).select_from(SearchDoc))
    assert result.exit_code == 0 and f"{indexed} Angebote auffindbar" in result.output
    assert indexed > 20
    assert "Abbild des Suchindex gespeichert" in result.output  # for the next worker's start
    from kwis_job_plugin.services import search_snapshot

    with Session(engine) as session:
        stored = search_snapshot.read(session)
    assert stored is not None and len(stored.alive) == indexed
    result = _run(empty_database_url, "search", "snapshot")
    assert result.exit_code == 0 and "Abbild des Suchindex gespeichert" in result.output
    engine.dispose()


# --- German throughout (issue 9, "first impressions") -----------------------------------------

GERMAN = {"LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8"}
ENGLISH = {"LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "en_GB.UTF-8"}


def _commands(group=job, path=()):
    """Every command below ``kwis-job`` with the words that call it."""
    yield path, group
    for name, command in sorted(getattr(group, "commands", {}).items()):
        yield from _commands(command, (*path, name))


def _click_catalogue():
    from kwis_job_plugin.cli_i18n import read_catalogue

    return read_catalogue()


def _english_fragments() -> set[str]:
    """The words of click's English messages that their German translation does not share,
    e.g. "Usage:", "Show this message and exit.", " is not one of ", "[OPTIONS]"."""
    import re

    found = set()
    for message in _click_catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            for fragment in re.split(r"\{[^}]*\}|%\([^)]*\)s", english):
                fragment = fragment.strip(" .:'()\n\t")
                if len(fragment) >= 4 and not any(fragment in german for german in strings):
                    found.add(fragment)
    return found


def test_every_command_option_and_argument_has_a_help_text():
    import click

    missing = []
    for path, command in _commands():
        name = " ".join(("kwis-job", *path))
        if not (command.help or "").strip():
            missing.append(name)
        for param in command.params:
            if not (getattr(param, "help", None) or "").strip():
                kind = "argument" if isinstance(param, click.Argument) else "option"
                missing.append(f"{name}: {kind} {param.human_readable_name}")
    assert not missing, f"without a help text: {missing}"


def test_help_and_errors_speak_german_throughout_click_strings_included():
    import re

    english = _english_fragments()
    assert {"Usage", "Show this message and exit", "Missing option"} <= english
    outputs = {}
    for path, _command in _commands():
        result = CliRunner().invoke(job, [*path, "--help"], env=GERMAN, prog_name="kwis-job")
        assert result.exit_code == 0, result.output
        outputs[" ".join(("kwis-job", *path, "--help"))] = result.output
    for args in (["region", "add", "jena", "Jena"], ["region", "add"], ["nope"],
                 ["retention", "run", "--today", "morgen"], ["mail", "send", "--batch-size", "0"],
                 ["demo", "--port", "x"]):
        result = CliRunner().invoke(job, ["--database-url", "sqlite://", *args], env=GERMAN,
                                    prog_name="kwis-job")
        assert result.exit_code == 2 and "Fehler: " in result.output, result.output
        outputs[" ".join(("kwis-job", *args))] = result.output
    assert "Aufruf: kwis-job [OPTIONEN] BEFEHL [ARGUMENTE]..." in outputs["kwis-job --help"]
    assert "Diese Hilfe anzeigen und beenden." in outputs["kwis-job region add --help"]
    assert "Fehler: Option fehlt '--ags'." in outputs["kwis-job region add jena Jena"]
    shouting = {"TEXT", "INTEGER", "FLOAT", "PATH", "ADDRESS", "DAYS", "COMMAND", "ARGS", "OPTIONS"}
    for name, output in outputs.items():
        leftovers = sorted(f for f in english  # whole words; "file:ORDNER" is a URL scheme
                           if re.search(rf"(?<![\w/:]){re.escape(f)}(?![\w:])", output))
        leftovers += sorted(w for w in shouting - {"TEXT"} if w in output.split())
        assert not leftovers, f"English in `{name}`: {leftovers}\n{output}"


def test_english_locale_keeps_click_and_the_plugins_catalogue_in_english():
    from kwis_job_plugin import cli_i18n, i18n

    result = CliRunner().invoke(job, ["region", "add", "--help"], env=ENGLISH,
                                prog_name="kwis-job")
    assert result.exit_code == 0
    assert "Usage: kwis-job region add [OPTIONS] SLUG NAME" in result.output
    assert "Show this message and exit." in result.output and "Aufruf" not in result.output
    with cli_i18n.speaking("en"):
        first_line = str(job.commands["region"].commands["add"].help).split(",")[0]
    assert first_line == i18n.translations("en").gettext(
        "Region anlegen, z. B.: region add jena 'Stadt Jena' --ags 16053").split(",")[0]
    assert first_line in result.output, "help texts come from the plug-in's catalogue"
    error = CliRunner().invoke(job, ["--database-url", "sqlite://", "region", "add"], env=ENGLISH)
    assert "Error: Missing argument 'SLUG'." in error.output


def test_a_cli_run_leaves_the_process_locale_as_it_was(monkeypatch):
    import gettext

    monkeypatch.setenv("LANGUAGE", "fr")
    domain = gettext.textdomain()
    assert CliRunner().invoke(job, ["--help"], env=GERMAN).exit_code == 0
    assert gettext.textdomain() == domain
    import os

    assert os.environ["LANGUAGE"] == "fr"
    assert gettext.gettext("Usage:") == "Usage:"


def test_what_a_command_writes_elsewhere_keeps_the_plugins_locale():
    """An English terminal must not turn the mails a command queues (reminders, promotions
    from the waiting list) English: only the command line's own output follows ``LANG``."""
    from kwis_job_plugin import cli_i18n, i18n

    with cli_i18n.speaking("en"):
        assert i18n.get_locale() == "de"
        assert cli_i18n.gettext("Angebote") == "Offers"
    assert cli_i18n.gettext("Angebote") == "Angebote"


def test_cli_locale_follows_gettexts_variables():
    from kwis_job_plugin.cli_i18n import cli_locale

    assert cli_locale({}) == "de"
    assert cli_locale({"LANG": "C.UTF-8"}) == "de"
    assert cli_locale({"LANG": "de_DE.UTF-8"}) == "de"
    assert cli_locale({"LANG": "en_US.UTF-8"}) == "en"
    assert cli_locale({"LANGUAGE": "en:de", "LANG": "de_DE.UTF-8"}) == "en"
    assert cli_locale({"LC_ALL": "de_DE.UTF-8", "LANG": "en_US.UTF-8"}) == "de"


def test_click_catalogue_covers_every_message_of_the_installed_click_and_is_compiled():
    from gettext import GNUTranslations
    from pathlib import Path

    import click
    from babel.messages.extract import extract_from_dir

    from kwis_job_plugin.cli_i18n import catalogue_path

    catalogue = _click_catalogue()
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue
                  if m.id and all(m.string if isinstance(m.string, tuple) else (m.string,))}
    wrapped = {
        message if isinstance(message, str) else message[0]
        for _f, _l, message, _c, _ctx in extract_from_dir(
            Path(click.__file__).parent, [("**.py", "python")],
            keywords={"_": None, "ngettext": (1, 2)})
    }
    assert wrapped and not wrapped - translated, sorted(wrapped - translated)
    with catalogue_path(".mo").open("rb") as mo:
        compiled = GNUTranslations(mo)
    for message in catalogue:  # the committed .mo says what the .po says (else: compile it)
        if isinstance(message.id, tuple):
            for n, german in zip((1, 2), message.string, strict=True):
                assert compiled.ngettext(*message.id, n) == german, message.id
        elif message.id:
            assert compiled.gettext(message.id) == message.string, message.id


def test_readme_names_every_option_of_the_demo_command():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    for param in job.commands["demo"].params:
        assert f"{param.opts[0]}`" in readme, param.opts[0]


def test_inside_a_host_flask_job_speaks_german_too(app):
    """``flask job ...``: the host's click group runs ours, and shows errors outside it."""
    runner = app.test_cli_runner()
    help_text = runner.invoke(args=["job", "region", "add", "--help"], env=GERMAN).output
    assert "[OPTIONEN] SLUG NAME" in help_text and "Diese Hilfe anzeigen" in help_text
    error = runner.invoke(args=["job", "region", "add"], env=GERMAN)
    assert error.exit_code == 2 and "Fehler: Argument fehlt 'SLUG'." in error.output
    assert "Usage" not in error.output and "Error" not in error.output
