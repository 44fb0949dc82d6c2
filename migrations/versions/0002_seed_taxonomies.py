"""Seed the taxonomies: BA Berufsfelder, Ausbildungsberufe, benefits, offer types, target groups.

They are data, editable by admins afterwards; the downgrade removes only the seeded keys.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The 16 Berufsfelder of the Bundesagentur für Arbeit.
FIELDS = [
    ("bau", "Bau, Architektur, Vermessung"),
    ("dienstleistung", "Dienstleistung"),
    ("elektro", "Elektro"),
    ("gesellschaft", "Gesellschafts- und Geisteswissenschaften"),
    ("gesundheit", "Gesundheit"),
    ("it", "IT, Computer"),
    ("kunst", "Kunst, Kultur, Gestaltung"),
    ("landwirtschaft", "Landwirtschaft, Natur, Umwelt"),
    ("medien", "Medien"),
    ("metall", "Metall, Maschinenbau"),
    ("naturwissenschaften", "Naturwissenschaften"),
    ("produktion", "Produktion, Fertigung"),
    ("soziales", "Soziales, Pädagogik"),
    ("technik", "Technik, Technologiefelder"),
    ("verkehr", "Verkehr, Logistik"),
    ("wirtschaft", "Wirtschaft, Verwaltung"),
]

# Recognised Ausbildungsberufe (BBiG/HwO and school-based), filed under one Berufsfeld each.
OCCUPATIONS = [
    ("maurer", "Maurer/-in", "bau"),
    ("zimmerer", "Zimmerer/Zimmerin", "bau"),
    ("strassenbauer", "Straßenbauer/-in", "bau"),
    ("vermessungstechniker", "Vermessungstechniker/-in", "bau"),
    ("bauzeichner", "Bauzeichner/-in", "bau"),
    (
        "anlagenmechaniker-shk",
        "Anlagenmechaniker/-in für Sanitär-, Heizungs- und Klimatechnik",
        "bau",
    ),
    ("friseur", "Friseur/-in", "dienstleistung"),
    ("koch", "Koch/Köchin", "dienstleistung"),
    (
        "hotelfachmann",
        "Fachmann/Fachfrau für Restaurants und Veranstaltungsgastronomie",
        "dienstleistung",
    ),
    ("hotelkaufmann", "Hotelfachmann/Hotelfachfrau", "dienstleistung"),
    ("baecker", "Bäcker/-in", "produktion"),
    ("konditor", "Konditor/-in", "produktion"),
    ("fleischer", "Fleischer/-in", "produktion"),
    ("elektroniker-energie", "Elektroniker/-in für Energie- und Gebäudetechnik", "elektro"),
    ("elektroniker-betrieb", "Elektroniker/-in für Betriebstechnik", "elektro"),
    ("elektroniker-geraete", "Elektroniker/-in für Geräte und Systeme", "elektro"),
    ("mechatroniker", "Mechatroniker/-in", "elektro"),
    ("pflegefachmann", "Pflegefachmann/Pflegefachfrau", "gesundheit"),
    ("mfa", "Medizinische/-r Fachangestellte/-r", "gesundheit"),
    ("zfa", "Zahnmedizinische/-r Fachangestellte/-r", "gesundheit"),
    ("pta", "Pharmazeutisch-technische/-r Assistent/-in", "gesundheit"),
    ("augenoptiker", "Augenoptiker/-in", "gesundheit"),
    ("notfallsanitaeter", "Notfallsanitäter/-in", "gesundheit"),
    ("fi-anwendungsentwicklung", "Fachinformatiker/-in für Anwendungsentwicklung", "it"),
    ("fi-systemintegration", "Fachinformatiker/-in für Systemintegration", "it"),
    ("it-systemelektroniker", "IT-System-Elektroniker/-in", "it"),
    ("kaufmann-digitalisierung", "Kaufmann/Kauffrau für Digitalisierungsmanagement", "it"),
    ("mediengestalter", "Mediengestalter/-in Digital und Print", "medien"),
    ("tischler", "Tischler/-in", "kunst"),
    ("goldschmied", "Goldschmied/-in", "kunst"),
    ("gaertner", "Gärtner/-in", "landwirtschaft"),
    ("landwirt", "Landwirt/-in", "landwirtschaft"),
    ("forstwirt", "Forstwirt/-in", "landwirtschaft"),
    ("fachkraft-abwasser", "Fachkraft für Abwassertechnik", "landwirtschaft"),
    ("industriemechaniker", "Industriemechaniker/-in", "metall"),
    ("zerspanungsmechaniker", "Zerspanungsmechaniker/-in", "metall"),
    ("kfz-mechatroniker", "Kraftfahrzeugmechatroniker/-in", "metall"),
    ("metallbauer", "Metallbauer/-in", "metall"),
    ("feinwerkmechaniker", "Feinwerkmechaniker/-in", "metall"),
    ("chemielaborant", "Chemielaborant/-in", "naturwissenschaften"),
    ("biologielaborant", "Biologielaborant/-in", "naturwissenschaften"),
    ("physiklaborant", "Physiklaborant/-in", "naturwissenschaften"),
    ("feinoptiker", "Feinoptiker/-in", "produktion"),
    ("maschinen-anlagenfuehrer", "Maschinen- und Anlagenführer/-in", "produktion"),
    ("fachkraft-lebensmitteltechnik", "Fachkraft für Lebensmitteltechnik", "produktion"),
    ("erzieher", "Erzieher/-in", "soziales"),
    ("sozialassistent", "Sozialassistent/-in", "soziales"),
    ("heilerziehungspfleger", "Heilerziehungspfleger/-in", "soziales"),
    ("mikrotechnologe", "Mikrotechnologe/Mikrotechnologin", "technik"),
    ("technischer-produktdesigner", "Technische/-r Produktdesigner/-in", "technik"),
    ("fachkraft-lagerlogistik", "Fachkraft für Lagerlogistik", "verkehr"),
    ("berufskraftfahrer", "Berufskraftfahrer/-in", "verkehr"),
    ("kaufmann-spedition", "Kaufmann/Kauffrau für Spedition und Logistikdienstleistung", "verkehr"),
    ("industriekaufmann", "Industriekaufmann/Industriekauffrau", "wirtschaft"),
    ("kaufmann-bueromanagement", "Kaufmann/Kauffrau für Büromanagement", "wirtschaft"),
    ("kaufmann-einzelhandel", "Kaufmann/Kauffrau im Einzelhandel", "wirtschaft"),
    ("verkaeufer", "Verkäufer/-in", "wirtschaft"),
    ("bankkaufmann", "Bankkaufmann/Bankkauffrau", "wirtschaft"),
    ("verwaltungsfachangestellter", "Verwaltungsfachangestellte/-r", "wirtschaft"),
    ("steuerfachangestellter", "Steuerfachangestellte/-r", "wirtschaft"),
]

BENEFITS = [
    ("flexible-arbeitszeit", "Flexible Arbeitszeit"),
    ("jobticket", "Jobticket"),
    ("weiterbildung", "Weiterbildung"),
    ("mobiles-arbeiten", "Mobiles Arbeiten"),
    ("uebernahme", "Gute Übernahmechancen nach der Ausbildung"),
    ("tarif", "Vergütung nach Tarif"),
    ("betriebliche-altersvorsorge", "Betriebliche Altersvorsorge"),
    ("gesundheit", "Betriebliches Gesundheitsmanagement"),
    ("kantine", "Kantine oder Essenszuschuss"),
    ("fahrrad", "Dienstrad-Leasing"),
    ("mentoring", "Feste Ansprechperson für Auszubildende"),
    ("auslandsaufenthalt", "Auslandsaufenthalt während der Ausbildung"),
    ("barrierefrei", "Barrierefreier Arbeitsplatz"),
    ("kinderbetreuung", "Unterstützung bei der Kinderbetreuung"),
    ("parkplatz", "Mitarbeiterparkplatz"),
]

# key, name, schema.org kind (JobPosting or Event), employmentType for JobPosting
OFFER_TYPES = [
    ("ferienjob", "Ferienjob", "job", "TEMPORARY"),
    ("schuelerpraktikum", "Schülerpraktikum", "job", "INTERN"),
    ("studierendenpraktikum", "Studierendenpraktikum", "job", "INTERN"),
    ("praktikum-arbeitsuchende", "Praktikum für Arbeitsuchende", "job", "INTERN"),
    ("abschlussarbeit", "Abschluss-/Studien-/Projektarbeit", "job", "OTHER"),
    ("schnuppertag", "Schnuppertag", "event", None),
    ("feriencamp", "Feriencamp", "event", None),
    ("tag-der-offenen-tuer", "Tag der offenen Tür", "event", None),
    ("kooperation-schulen", "Kooperationsangebot für Schulen", "event", None),
    ("ausbildungsplatz", "Ausbildungsplatz", "job", "FULL_TIME"),
    ("duales-studium", "Duales Studium", "job", "FULL_TIME"),
]

TARGET_GROUPS = [
    ("schueler", "Schülerinnen und Schüler"),
    ("studierende", "Studierende"),
    ("arbeitsuchende", "Arbeitsuchende"),
    ("lehrkraefte", "Lehrkräfte und Schulen"),
]


def _term_table(name: str, *extra: sa.Column) -> sa.Table:
    return sa.table(
        name,
        sa.column("id", sa.Integer),
        sa.column("key", sa.String),
        sa.column("name", sa.String),
        sa.column("sort_order", sa.Integer),
        sa.column("active", sa.Boolean),
        *extra,
    )


def _rows(items, **extra_by_index):
    return [
        {
            "key": item[0],
            "name": item[1],
            "sort_order": i,
            "active": True,
            **{name: item[idx] for name, idx in extra_by_index.items()},
        }
        for i, item in enumerate(items)
    ]


def upgrade() -> None:
    fields = _term_table("kwis_job_occupational_field", sa.column("parent_id", sa.Integer))
    op.bulk_insert(fields, [{**r, "parent_id": None} for r in _rows(FIELDS)])

    connection = op.get_bind()
    field_ids = dict(connection.execute(sa.select(fields.c.key, fields.c.id)).all())
    occupations = _term_table("kwis_job_training_occupation", sa.column("field_id", sa.Integer))
    op.bulk_insert(
        occupations,
        [
            {**r, "field_id": field_ids[item[2]]}
            for r, item in zip(_rows(OCCUPATIONS), OCCUPATIONS, strict=True)
        ],
    )
    op.bulk_insert(_term_table("kwis_job_benefit"), _rows(BENEFITS))
    op.bulk_insert(
        _term_table(
            "kwis_job_offer_type",
            sa.column("schema_kind", sa.String),
            sa.column("employment_type", sa.String),
        ),
        _rows(OFFER_TYPES, schema_kind=2, employment_type=3),
    )
    op.bulk_insert(_term_table("kwis_job_target_group"), _rows(TARGET_GROUPS))


def downgrade() -> None:
    """Remove the seeded terms. Offer types still used by offers stay: offers must keep a type."""
    offer = sa.table("kwis_job_offer", sa.column("offer_type_id", sa.Integer))
    for table, items in (
        ("kwis_job_target_group", TARGET_GROUPS),
        ("kwis_job_offer_type", OFFER_TYPES),
        ("kwis_job_benefit", BENEFITS),
        ("kwis_job_training_occupation", OCCUPATIONS),
        ("kwis_job_occupational_field", FIELDS),
    ):
        t = _term_table(table)
        condition = t.c.key.in_([item[0] for item in items])
        if table == "kwis_job_offer_type":
            condition &= t.c.id.not_in(sa.select(offer.c.offer_type_id))
        op.execute(t.delete().where(condition))
