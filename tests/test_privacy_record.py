"""``kwis-job privacy record``: the record of processing activities (GDPR Art. 30) from the
declared list, as Markdown and CSV, for all regions or one, on both engines."""

from __future__ import annotations

import csv
import io

from click.testing import CliRunner

from kwis_job_plugin.cli import job
from kwis_job_plugin.models import RegionLegal
from kwis_job_plugin.services import features, personal_data


def _run(db_url: str, *args: str):
    return CliRunner().invoke(job, ["--database-url", db_url, "privacy", "record", *args])


def test_the_markdown_record_lists_every_built_activity(db_url, session, world):
    result = _run(db_url)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("# Verzeichnis von Verarbeitungstätigkeiten (Art. 30 DSGVO)")
    for activity in personal_data.ACTIVITIES:
        assert f". {activity.title}\n" in out, activity.key
    assert "kwis_job_registration (first_name, last_name, email" in out
    assert "Übermittlung in Drittländer: keine" in out
    assert "30 Tage nach dem Versand gelöscht" in out


def test_the_csv_record_has_a_header_and_one_row_per_activity(db_url, session, world):
    result = _run(db_url, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0][:3] == ["Nr.", "Tätigkeit", "Funktion"]
    titles = [row[1] for row in rows[1:]]
    assert "Anmeldung zu Veranstaltungsterminen" in titles
    assert all(len(row) == len(rows[0]) for row in rows)
    registration = next(row for row in rows[1:] if row[1] == "Anmeldung zu Veranstaltungsterminen")
    assert registration[2] == "Veranstaltungen"
    assert "guardian_email" in registration[rows[0].index("Gespeichert in")]


def test_a_region_record_follows_its_features_and_names_its_contacts(db_url, session, world):
    session.add(RegionLegal(region_id=world.region.id, operator_name="Stadt Jena",
                            operator_address="Am Anger 15\n07743 Jena", dpo_name="Dana Schutz",
                            dpo_email="datenschutz@jena.example"))
    features.set_enabled(session, world.region.id, "events", False, None)
    session.commit()
    result = _run(db_url, "--region", "jena")
    assert result.exit_code == 0, result.output
    assert "Region Stadt Jena (jena)" in result.output
    assert "Verantwortliche Stelle: Stadt Jena, Am Anger 15 07743 Jena" in result.output
    assert "Dana Schutz" in result.output and "datenschutz@jena.example" in result.output
    assert "Anmeldung zu Veranstaltungsterminen" not in result.output
    assert "Ansprechpersonen und Fotos in Arbeitgeberprofilen" in result.output


def test_a_bad_region_is_refused_in_german(db_url, session, world):
    unknown = _run(db_url, "--region", "gibt-es-nicht")
    assert unknown.exit_code == 2
    assert "Keine Region mit dem Kurznamen „gibt-es-nicht“" in unknown.output
    hostile = _run(db_url, "--region", "je\x00na")
    assert hostile.exit_code == 2
    assert "Steuerzeichen und unsichtbare Richtungszeichen sind hier nicht erlaubt" in (
        hostile.output)
    wrong_format = _run(db_url, "--format", "pdf")
    assert wrong_format.exit_code == 2
