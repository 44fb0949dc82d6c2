"""Every figure of the dashboard as one CSV for a spreadsheet: a BOM, ``;`` between cells,
every cell neutralised against formulas (the events attendee list's ``csv_cell``)."""

from __future__ import annotations

import csv
import io

from ...i18n import gettext as _
from ..events.companies import csv_cell
from .figures import Indicators


def _rows(ind: Indicators) -> list[tuple[str, str, object]]:
    """(figure, breakdown, value) in the order of the dashboard."""
    rows: list[tuple[str, str, object]] = [
        (_("Stand"), "", ind.as_of.isoformat()),
        (_("Veröffentlichte Arbeitgeberprofile mit mindestens einem Angebot"), "",
         ind.profiles_with_offers),
        (_("Ziel für das Jahr"), "", "" if ind.target is None else ind.target),
        (_("Veröffentlichte Angebote"), "", ind.offers),
    ]
    rows += [(_("Angebote nach Art"), c.label, c.value) for c in ind.offers_by_type]
    rows += [(_("Angebote nach Berufsfeld"), c.label, c.value) for c in ind.offers_by_field]
    ev = ind.events
    rows += [
        (_("Durchgeführte Veranstaltungen"), "", ev.held),
        (_("Anmeldungen"), "", ev.registrations),
        (_("Angemeldete Personen"), "", ev.people),
        (_("Anwesende Anmeldungen"), "", ev.attended),
        (_("Anwesende Personen"), "", ev.attended_people),
    ]
    for e in ev.events:
        label = f"{e.title} ({e.ends_on.strftime('%d.%m.%Y')})"
        rows += [(_("Anmeldungen je Veranstaltung"), label, e.registrations),
                 (_("Anwesende je Veranstaltung"), label, e.attended)]
    rows.append((_("Erreichte Schulen"), "", ind.schools.reached))
    rows += [(_("Anmeldungen nach Schule"), c.label, c.value) for c in ind.schools.by_school]
    rows.append((_("Anmeldungen ohne Schule"), "", ind.schools.without_school))
    rows.append((_("Schulen mit Besuchen über ihren Schulbutton"), "",
                 ind.schools.button_schools))
    rows += [(_("Besuche über den Schulbutton nach Schulcode"), c.label, c.value)
             for c in ind.schools.by_code]
    rows.append((_("Rückmeldungen Zurück in der Region"), "", ind.returnees))
    rows += [
        (_("Aufrufe der Betriebsseiten"), "", ind.views.profile_views),
        (_("Aufrufe der Angebotsseiten"), "", ind.views.offer_views),
    ]
    rows += [(_("Aufrufe je Betriebsseite"), v.name, v.views) for v in ind.views.profiles]
    rows += [(_("Aufrufe je Angebotsseite"), v.name, v.views) for v in ind.views.offers]
    return rows


def indicators_csv(ind: Indicators) -> str:
    """The figures of one region and year: Region; Jahr; Kennzahl; Aufschlüsselung; Wert."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Region"), _("Jahr"), _("Kennzahl"), _("Aufschlüsselung"), _("Wert")])
    for figure, breakdown, value in _rows(ind):
        writer.writerow([csv_cell(v) for v in (ind.region.name, ind.year, figure, breakdown,
                                               value)])
    return "\ufeff" + out.getvalue()
