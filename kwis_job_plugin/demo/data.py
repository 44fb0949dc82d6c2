"""A realistic but fictional demo data set for the three demo regions.

KWIS.job is shown to agencies, employers and schools before any real employer has signed up, so
the demo needs employers that look like the ones a young person in Jena, the Saale-Holzland-Kreis
or the Weimarer Land would actually meet: bakeries and carpenters next to optics firms, care homes,
hauliers and a hospital. This module holds that data as plain Python, so that seeding, tests and
screenshots all draw on one set.

What is real and what is not:

* ``REGIONS`` and ``TOWNS`` are real. Postcodes, the 8-digit Amtlicher Gemeindeschlüssel (AGS,
  as in the official municipality index; Gebietsstand 2021) and telephone area codes are the
  real ones; coordinates are WGS84 approximations of the town centre (4 decimals). Jena is one
  municipality (AGS 16053000) with several postcodes, so it appears once per district, with the
  district in ``"district"``; elsewhere ``"district"`` is ``None``. Two districts can share a
  postcode (Jena-Zentrum and Jena-Nord are both 07743), so ``(name, postcode)`` finds the town,
  and ``(name, district)`` finds the exact row.
* ``COMPANIES`` are invented. Names, streets with house numbers and the local part of each phone
  number are fictional; websites and e-mail addresses use the reserved ``.example`` domain, so
  nothing here can reach a real firm. The WZ 2008 codes, the legal forms and the area codes in the
  phone numbers are real. ``"town"`` and ``"postcode"`` (plus ``"district"`` in Jena) match a row
  of ``TOWNS``, which supplies the AGS, the coordinates and so the region.

Buttstädt is deliberately missing: since the 2019 reform of municipalities it belongs to the
Landkreis Sömmerda (AGS 16068063), not to the Weimarer Land.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict


class Region(TypedDict):
    slug: str
    name: str
    ags_prefixes: list[str]


class Town(TypedDict):
    name: str
    district: str | None
    postcode: str
    ags: str
    lat: float
    lon: float
    region: str
    area_code: str


class Company(TypedDict):
    name: str
    legal_form: str
    street: str
    town: str
    district: str | None
    postcode: str
    wz_code: str
    size_class: str
    phone: str
    website: str
    email: str


SIZE_CLASSES: tuple[str, ...] = ("micro", "small", "medium", "large")
"""Employee bands: micro < 10, small 10-49, medium 50-249, large 250 or more."""

LEGAL_FORMS: tuple[str, ...] = (
    "GmbH",
    "GmbH & Co. KG",
    "e.K.",
    "AG",
    "eG",
    "GbR",
    "KdöR",
    "UG (haftungsbeschränkt)",
)

REGIONS: list[Region] = [
    {"slug": "jena", "name": "Stadt Jena", "ags_prefixes": ["16053"]},
    {"slug": "saale-holzland", "name": "Saale-Holzland-Kreis", "ags_prefixes": ["16074"]},
    {"slug": "weimarer-land", "name": "Weimarer Land", "ags_prefixes": ["16071"]},
]

TOWNS: list[Town] = [
    {
        "name": "Jena",
        "district": "Jena-Zentrum",
        "postcode": "07743",
        "ags": "16053000",
        "lat": 50.9279,
        "lon": 11.5869,
        "region": "jena",
        "area_code": "03641",
    },
    {
        "name": "Jena",
        "district": "Jena-Nord",
        "postcode": "07743",
        "ags": "16053000",
        "lat": 50.9447,
        "lon": 11.5864,
        "region": "jena",
        "area_code": "03641",
    },
    {
        "name": "Jena",
        "district": "Jena-West",
        "postcode": "07745",
        "ags": "16053000",
        "lat": 50.9253,
        "lon": 11.5694,
        "region": "jena",
        "area_code": "03641",
    },
    {
        "name": "Jena",
        "district": "Jena-Winzerla",
        "postcode": "07745",
        "ags": "16053000",
        "lat": 50.8989,
        "lon": 11.5706,
        "region": "jena",
        "area_code": "03641",
    },
    {
        "name": "Jena",
        "district": "Jena-Lobeda",
        "postcode": "07747",
        "ags": "16053000",
        "lat": 50.8878,
        "lon": 11.6061,
        "region": "jena",
        "area_code": "03641",
    },
    {
        "name": "Jena",
        "district": "Jena-Ost",
        "postcode": "07749",
        "ags": "16053000",
        "lat": 50.9317,
        "lon": 11.6047,
        "region": "jena",
        "area_code": "03641",
    },
    {
        "name": "Jena",
        "district": "Jena-Isserstedt",
        "postcode": "07751",
        "ags": "16053000",
        "lat": 50.9556,
        "lon": 11.4953,
        "region": "jena",
        "area_code": "036425",
    },
    {
        "name": "Eisenberg",
        "district": None,
        "postcode": "07607",
        "ags": "16074018",
        "lat": 50.9683,
        "lon": 11.8997,
        "region": "saale-holzland",
        "area_code": "036691",
    },
    {
        "name": "Hermsdorf",
        "district": None,
        "postcode": "07629",
        "ags": "16074041",
        "lat": 50.8967,
        "lon": 11.8558,
        "region": "saale-holzland",
        "area_code": "036601",
    },
    {
        "name": "Bad Klosterlausnitz",
        "district": None,
        "postcode": "07639",
        "ags": "16074003",
        "lat": 50.9167,
        "lon": 11.8667,
        "region": "saale-holzland",
        "area_code": "036601",
    },
    {
        "name": "Stadtroda",
        "district": None,
        "postcode": "07646",
        "ags": "16074094",
        "lat": 50.8564,
        "lon": 11.7272,
        "region": "saale-holzland",
        "area_code": "036428",
    },
    {
        "name": "Kahla",
        "district": None,
        "postcode": "07768",
        "ags": "16074044",
        "lat": 50.8069,
        "lon": 11.5875,
        "region": "saale-holzland",
        "area_code": "036424",
    },
    {
        "name": "Dornburg-Camburg",
        "district": None,
        "postcode": "07774",
        "ags": "16074011",
        "lat": 51.0531,
        "lon": 11.7081,
        "region": "saale-holzland",
        "area_code": "036421",
    },
    {
        "name": "Schkölen",
        "district": None,
        "postcode": "07619",
        "ags": "16074116",
        "lat": 51.0408,
        "lon": 11.8206,
        "region": "saale-holzland",
        "area_code": "036694",
    },
    {
        "name": "Bürgel",
        "district": None,
        "postcode": "07616",
        "ags": "16074009",
        "lat": 50.9419,
        "lon": 11.7572,
        "region": "saale-holzland",
        "area_code": "036692",
    },
    {
        "name": "Apolda",
        "district": None,
        "postcode": "99510",
        "ags": "16071001",
        "lat": 51.0264,
        "lon": 11.5139,
        "region": "weimarer-land",
        "area_code": "03644",
    },
    {
        "name": "Bad Berka",
        "district": None,
        "postcode": "99438",
        "ags": "16071003",
        "lat": 50.8997,
        "lon": 11.2814,
        "region": "weimarer-land",
        "area_code": "036458",
    },
    {
        "name": "Blankenhain",
        "district": None,
        "postcode": "99444",
        "ags": "16071008",
        "lat": 50.8597,
        "lon": 11.3433,
        "region": "weimarer-land",
        "area_code": "036459",
    },
    {
        "name": "Bad Sulza",
        "district": None,
        "postcode": "99518",
        "ags": "16071004",
        "lat": 51.0893,
        "lon": 11.6236,
        "region": "weimarer-land",
        "area_code": "036461",
    },
    {
        "name": "Großheringen",
        "district": None,
        "postcode": "99518",
        "ags": "16071022",
        "lat": 51.1028,
        "lon": 11.6650,
        "region": "weimarer-land",
        "area_code": "036461",
    },
    {
        "name": "Magdala",
        "district": None,
        "postcode": "99441",
        "ags": "16071053",
        "lat": 50.9061,
        "lon": 11.4433,
        "region": "weimarer-land",
        "area_code": "036454",
    },
    {
        "name": "Mellingen",
        "district": None,
        "postcode": "99441",
        "ags": "16071056",
        "lat": 50.9419,
        "lon": 11.3953,
        "region": "weimarer-land",
        "area_code": "036453",
    },
    {
        "name": "Kranichfeld",
        "district": None,
        "postcode": "99448",
        "ags": "16071046",
        "lat": 50.8556,
        "lon": 11.2014,
        "region": "weimarer-land",
        "area_code": "036450",
    },
]

COMPANIES: list[Company] = [
    # Stadt Jena: 25 companies
    {
        "name": "Saaletal Präzisionsoptik",
        "legal_form": "GmbH",
        "street": "Löbstedter Straße 58",
        "town": "Jena",
        "district": "Jena-Nord",
        "postcode": "07743",
        "wz_code": "26.70",
        "size_class": "large",
        "phone": "03641 668871",
        "website": "https://saaletal-praezisionsoptik.example",
        "email": "info@saaletal-praezisionsoptik.example",
    },
    {
        "name": "Städtisches Klinikum Kernberge",
        "legal_form": "GmbH",
        "street": "Erlanger Allee 120",
        "town": "Jena",
        "district": "Jena-Lobeda",
        "postcode": "07747",
        "wz_code": "86.10",
        "size_class": "large",
        "phone": "03641 639325",
        "website": "https://staedtisches-klinikum-kernberge.example",
        "email": "info@staedtisches-klinikum-kernberge.example",
    },
    {
        "name": "Faserlicht Photonik",
        "legal_form": "GmbH",
        "street": "Magdelstieg 45",
        "town": "Jena",
        "district": "Jena-West",
        "postcode": "07745",
        "wz_code": "26.70",
        "size_class": "medium",
        "phone": "03641 340979",
        "website": "https://faserlicht-photonik.example",
        "email": "info@faserlicht-photonik.example",
    },
    {
        "name": "Kunitzburg Software",
        "legal_form": "GmbH",
        "street": "Karl-Liebknecht-Straße 12",
        "town": "Jena",
        "district": "Jena-Ost",
        "postcode": "07749",
        "wz_code": "62.01",
        "size_class": "small",
        "phone": "03641 504883",
        "website": "https://kunitzburg-software.example",
        "email": "info@kunitzburg-software.example",
    },
    {
        "name": "Datenfluss Saale",
        "legal_form": "UG (haftungsbeschränkt)",
        "street": "Johannisstraße 17",
        "town": "Jena",
        "district": "Jena-Zentrum",
        "postcode": "07743",
        "wz_code": "63.11",
        "size_class": "micro",
        "phone": "03641 313206",
        "website": "https://datenfluss-saale.example",
        "email": "info@datenfluss-saale.example",
    },
    {
        "name": "Bäckerei Hoffmann",
        "legal_form": "e.K.",
        "street": "Dornburger Straße 28",
        "town": "Jena",
        "district": "Jena-Nord",
        "postcode": "07743",
        "wz_code": "10.71",
        "size_class": "small",
        "phone": "03641 343484",
        "website": "https://baeckerei-hoffmann.example",
        "email": "info@baeckerei-hoffmann.example",
    },
    {
        "name": "Fleischerei Wagner",
        "legal_form": "e.K.",
        "street": "Karl-Marx-Allee 19",
        "town": "Jena",
        "district": "Jena-Lobeda",
        "postcode": "07747",
        "wz_code": "10.13",
        "size_class": "micro",
        "phone": "03641 514247",
        "website": "https://fleischerei-wagner.example",
        "email": "info@fleischerei-wagner.example",
    },
    {
        "name": "Tischlerei Schubert",
        "legal_form": "GmbH",
        "street": "Oßmaritzer Straße 9",
        "town": "Jena",
        "district": "Jena-Winzerla",
        "postcode": "07745",
        "wz_code": "43.32",
        "size_class": "micro",
        "phone": "03641 519897",
        "website": "https://tischlerei-schubert.example",
        "email": "info@tischlerei-schubert.example",
    },
    {
        "name": "Elektro Seidel",
        "legal_form": "GmbH & Co. KG",
        "street": "Naumburger Straße 74",
        "town": "Jena",
        "district": "Jena-Nord",
        "postcode": "07743",
        "wz_code": "43.21",
        "size_class": "small",
        "phone": "03641 535958",
        "website": "https://elektro-seidel.example",
        "email": "info@elektro-seidel.example",
    },
    {
        "name": "Kfz-Meisterbetrieb Lorenz",
        "legal_form": "e.K.",
        "street": "Rudolstädter Straße 40",
        "town": "Jena",
        "district": "Jena-Winzerla",
        "postcode": "07745",
        "wz_code": "45.20",
        "size_class": "small",
        "phone": "03641 578337",
        "website": "https://kfz-meisterbetrieb-lorenz.example",
        "email": "info@kfz-meisterbetrieb-lorenz.example",
    },
    {
        "name": "Pflegeheim Fuchsturmblick",
        "legal_form": "GmbH",
        "street": "Jenzigweg 30",
        "town": "Jena",
        "district": "Jena-Ost",
        "postcode": "07749",
        "wz_code": "87.10",
        "size_class": "medium",
        "phone": "03641 666776",
        "website": "https://pflegeheim-fuchsturmblick.example",
        "email": "info@pflegeheim-fuchsturmblick.example",
    },
    {
        "name": "Pflegedienst Sonnenweg",
        "legal_form": "GmbH",
        "street": "Emil-Wölk-Straße 5",
        "town": "Jena",
        "district": "Jena-Lobeda",
        "postcode": "07747",
        "wz_code": "88.10",
        "size_class": "small",
        "phone": "03641 805507",
        "website": "https://pflegedienst-sonnenweg.example",
        "email": "info@pflegedienst-sonnenweg.example",
    },
    {
        "name": "Saale BioAnalytik",
        "legal_form": "GmbH",
        "street": "Winzerlaer Straße 10",
        "town": "Jena",
        "district": "Jena-Winzerla",
        "postcode": "07745",
        "wz_code": "72.11",
        "size_class": "small",
        "phone": "03641 311503",
        "website": "https://saale-bioanalytik.example",
        "email": "info@saale-bioanalytik.example",
    },
    {
        "name": "Ingenieurbüro Krüger & Partner",
        "legal_form": "GmbH",
        "street": "Saalstraße 20",
        "town": "Jena",
        "district": "Jena-Zentrum",
        "postcode": "07743",
        "wz_code": "71.12",
        "size_class": "small",
        "phone": "03641 568384",
        "website": "https://ingenieurbuero-krueger-partner.example",
        "email": "info@ingenieurbuero-krueger-partner.example",
    },
    {
        "name": "Saale-Kurier Logistik",
        "legal_form": "GmbH",
        "street": "Stadtrodaer Straße 95",
        "town": "Jena",
        "district": "Jena-Lobeda",
        "postcode": "07747",
        "wz_code": "49.41",
        "size_class": "medium",
        "phone": "03641 308368",
        "website": "https://saale-kurier-logistik.example",
        "email": "info@saale-kurier-logistik.example",
    },
    {
        "name": "Frischemarkt Wenigenjena",
        "legal_form": "GmbH",
        "street": "Camsdorfer Ufer 17",
        "town": "Jena",
        "district": "Jena-Ost",
        "postcode": "07749",
        "wz_code": "47.11",
        "size_class": "small",
        "phone": "03641 692274",
        "website": "https://frischemarkt-wenigenjena.example",
        "email": "info@frischemarkt-wenigenjena.example",
    },
    {
        "name": "Hotel Zum Saalbogen",
        "legal_form": "GmbH",
        "street": "Holzmarkt 8",
        "town": "Jena",
        "district": "Jena-Zentrum",
        "postcode": "07743",
        "wz_code": "55.10",
        "size_class": "small",
        "phone": "03641 573495",
        "website": "https://hotel-zum-saalbogen.example",
        "email": "info@hotel-zum-saalbogen.example",
    },
    {
        "name": "Restaurant Zum Fuchsbau",
        "legal_form": "e.K.",
        "street": "Johannisplatz 6",
        "town": "Jena",
        "district": "Jena-Zentrum",
        "postcode": "07743",
        "wz_code": "56.10",
        "size_class": "micro",
        "phone": "03641 371390",
        "website": "https://restaurant-zum-fuchsbau.example",
        "email": "info@restaurant-zum-fuchsbau.example",
    },
    {
        "name": "Friseur Schnittpunkt Winzerla",
        "legal_form": "e.K.",
        "street": "Anna-Siemsen-Straße 21",
        "town": "Jena",
        "district": "Jena-Winzerla",
        "postcode": "07745",
        "wz_code": "96.02",
        "size_class": "micro",
        "phone": "03641 317677",
        "website": "https://friseur-schnittpunkt-winzerla.example",
        "email": "info@friseur-schnittpunkt-winzerla.example",
    },
    {
        "name": "Energieversorgung Leutratal",
        "legal_form": "GmbH",
        "street": "Westbahnhofstraße 20",
        "town": "Jena",
        "district": "Jena-West",
        "postcode": "07745",
        "wz_code": "35.11",
        "size_class": "medium",
        "phone": "03641 242494",
        "website": "https://energieversorgung-leutratal.example",
        "email": "info@energieversorgung-leutratal.example",
    },
    {
        "name": "Steuerkanzlei Neumann & Fischer",
        "legal_form": "GbR",
        "street": "Forstweg 14",
        "town": "Jena",
        "district": "Jena-West",
        "postcode": "07745",
        "wz_code": "69.20",
        "size_class": "micro",
        "phone": "03641 268051",
        "website": "https://steuerkanzlei-neumann-fischer.example",
        "email": "info@steuerkanzlei-neumann-fischer.example",
    },
    {
        "name": "Zahnarztpraxis Dr. Lehmann & Kollegen",
        "legal_form": "GbR",
        "street": "Dornburger Straße 141",
        "town": "Jena",
        "district": "Jena-Nord",
        "postcode": "07743",
        "wz_code": "86.23",
        "size_class": "micro",
        "phone": "03641 661235",
        "website": "https://zahnarztpraxis-dr-lehmann-kollegen.example",
        "email": "info@zahnarztpraxis-dr-lehmann-kollegen.example",
    },
    {
        "name": "Feinmechanik Burgau",
        "legal_form": "GmbH",
        "street": "Rudolstädter Straße 88",
        "town": "Jena",
        "district": "Jena-Winzerla",
        "postcode": "07745",
        "wz_code": "25.62",
        "size_class": "small",
        "phone": "03641 822689",
        "website": "https://feinmechanik-burgau.example",
        "email": "info@feinmechanik-burgau.example",
    },
    {
        "name": "Lernwerk Saale",
        "legal_form": "UG (haftungsbeschränkt)",
        "street": "Unterm Markt 5",
        "town": "Jena",
        "district": "Jena-Zentrum",
        "postcode": "07743",
        "wz_code": "85.59",
        "size_class": "micro",
        "phone": "03641 578138",
        "website": "https://lernwerk-saale.example",
        "email": "info@lernwerk-saale.example",
    },
    {
        "name": "Landschaftspflege Windknollen",
        "legal_form": "GbR",
        "street": "Windknollenweg 3",
        "town": "Jena",
        "district": "Jena-Isserstedt",
        "postcode": "07751",
        "wz_code": "81.30",
        "size_class": "micro",
        "phone": "036425 24220",
        "website": "https://landschaftspflege-windknollen.example",
        "email": "info@landschaftspflege-windknollen.example",
    },
    # Saale-Holzland-Kreis: 18 companies
    {
        "name": "Mühltaler Möbelmanufaktur",
        "legal_form": "GmbH",
        "street": "Industriestraße 14",
        "town": "Eisenberg",
        "district": None,
        "postcode": "07607",
        "wz_code": "31.09",
        "size_class": "medium",
        "phone": "036691 43973",
        "website": "https://muehltaler-moebelmanufaktur.example",
        "email": "info@muehltaler-moebelmanufaktur.example",
    },
    {
        "name": "Konditorei Meißner",
        "legal_form": "e.K.",
        "street": "Markt 9",
        "town": "Eisenberg",
        "district": None,
        "postcode": "07607",
        "wz_code": "10.71",
        "size_class": "micro",
        "phone": "036691 52342",
        "website": "https://konditorei-meissner.example",
        "email": "info@konditorei-meissner.example",
    },
    {
        "name": "Holzland Pflegedienst",
        "legal_form": "GmbH",
        "street": "Schloßgasse 3",
        "town": "Eisenberg",
        "district": None,
        "postcode": "07607",
        "wz_code": "88.10",
        "size_class": "small",
        "phone": "036691 72156",
        "website": "https://holzland-pflegedienst.example",
        "email": "info@holzland-pflegedienst.example",
    },
    {
        "name": "Forstbetrieb Thieme",
        "legal_form": "e.K.",
        "street": "Am Waldrand 2",
        "town": "Eisenberg",
        "district": None,
        "postcode": "07607",
        "wz_code": "02.10",
        "size_class": "micro",
        "phone": "036691 31945",
        "website": "https://forstbetrieb-thieme.example",
        "email": "info@forstbetrieb-thieme.example",
    },
    {
        "name": "Holzland Keramiktechnik",
        "legal_form": "AG",
        "street": "Keramikerstraße 5",
        "town": "Hermsdorf",
        "district": None,
        "postcode": "07629",
        "wz_code": "23.44",
        "size_class": "large",
        "phone": "036601 37022",
        "website": "https://holzland-keramiktechnik.example",
        "email": "info@holzland-keramiktechnik.example",
    },
    {
        "name": "Spedition Am Kreuz",
        "legal_form": "GmbH & Co. KG",
        "street": "An der Autobahn 7",
        "town": "Hermsdorf",
        "district": None,
        "postcode": "07629",
        "wz_code": "49.41",
        "size_class": "medium",
        "phone": "036601 53987",
        "website": "https://spedition-am-kreuz.example",
        "email": "info@spedition-am-kreuz.example",
    },
    {
        "name": "Kurhotel Holzland",
        "legal_form": "GmbH",
        "street": "Kurpromenade 6",
        "town": "Bad Klosterlausnitz",
        "district": None,
        "postcode": "07639",
        "wz_code": "55.10",
        "size_class": "small",
        "phone": "036601 33591",
        "website": "https://kurhotel-holzland.example",
        "email": "info@kurhotel-holzland.example",
    },
    {
        "name": "Physiotherapie Köppe",
        "legal_form": "GbR",
        "street": "Jenaer Straße 3",
        "town": "Bad Klosterlausnitz",
        "district": None,
        "postcode": "07639",
        "wz_code": "86.90",
        "size_class": "micro",
        "phone": "036601 29134",
        "website": "https://physiotherapie-koeppe.example",
        "email": "info@physiotherapie-koeppe.example",
    },
    {
        "name": "Holzland Zimmerei Krause",
        "legal_form": "GmbH",
        "street": "Lindenweg 8",
        "town": "Stadtroda",
        "district": None,
        "postcode": "07646",
        "wz_code": "43.91",
        "size_class": "small",
        "phone": "036428 57924",
        "website": "https://holzland-zimmerei-krause.example",
        "email": "info@holzland-zimmerei-krause.example",
    },
    {
        "name": "Rodatal Fahrzeugtechnik",
        "legal_form": "GmbH",
        "street": "Jenaer Straße 40",
        "town": "Stadtroda",
        "district": None,
        "postcode": "07646",
        "wz_code": "45.20",
        "size_class": "small",
        "phone": "036428 86665",
        "website": "https://rodatal-fahrzeugtechnik.example",
        "email": "info@rodatal-fahrzeugtechnik.example",
    },
    {
        "name": "Wasserzweckverband Holzland-Mitte",
        "legal_form": "KdöR",
        "street": "Wasserwerkstraße 2",
        "town": "Stadtroda",
        "district": None,
        "postcode": "07646",
        "wz_code": "36.00",
        "size_class": "small",
        "phone": "036428 78692",
        "website": "https://wasserzweckverband-holzland-mitte.example",
        "email": "info@wasserzweckverband-holzland-mitte.example",
    },
    {
        "name": "Saalehang Porzellanwerkstatt",
        "legal_form": "GmbH",
        "street": "Bachstraße 12",
        "town": "Kahla",
        "district": None,
        "postcode": "07768",
        "wz_code": "23.41",
        "size_class": "small",
        "phone": "036424 54075",
        "website": "https://saalehang-porzellanwerkstatt.example",
        "email": "info@saalehang-porzellanwerkstatt.example",
    },
    {
        "name": "Landgasthof Dohlenstein",
        "legal_form": "e.K.",
        "street": "Dohlensteinweg 1",
        "town": "Kahla",
        "district": None,
        "postcode": "07768",
        "wz_code": "56.10",
        "size_class": "micro",
        "phone": "036424 64134",
        "website": "https://landgasthof-dohlenstein.example",
        "email": "info@landgasthof-dohlenstein.example",
    },
    {
        "name": "Heizung & Sanitär Brandt",
        "legal_form": "GmbH",
        "street": "Jenaische Straße 22",
        "town": "Kahla",
        "district": None,
        "postcode": "07768",
        "wz_code": "43.22",
        "size_class": "small",
        "phone": "036424 55059",
        "website": "https://heizung-sanitaer-brandt.example",
        "email": "info@heizung-sanitaer-brandt.example",
    },
    {
        "name": "Obsthof Saalehänge",
        "legal_form": "GbR",
        "street": "Am Weinberg 4",
        "town": "Dornburg-Camburg",
        "district": None,
        "postcode": "07774",
        "wz_code": "01.24",
        "size_class": "micro",
        "phone": "036421 20639",
        "website": "https://obsthof-saalehaenge.example",
        "email": "info@obsthof-saalehaenge.example",
    },
    {
        "name": "Camburger Metallbau",
        "legal_form": "GmbH",
        "street": "Naumburger Straße 15",
        "town": "Dornburg-Camburg",
        "district": None,
        "postcode": "07774",
        "wz_code": "25.62",
        "size_class": "small",
        "phone": "036421 70912",
        "website": "https://camburger-metallbau.example",
        "email": "info@camburger-metallbau.example",
    },
    {
        "name": "Agrarbetrieb Wethautal",
        "legal_form": "eG",
        "street": "Gutshof 1",
        "town": "Schkölen",
        "district": None,
        "postcode": "07619",
        "wz_code": "01.11",
        "size_class": "small",
        "phone": "036694 82972",
        "website": "https://agrarbetrieb-wethautal.example",
        "email": "info@agrarbetrieb-wethautal.example",
    },
    {
        "name": "Keramikwerkstatt Kornblume",
        "legal_form": "GbR",
        "street": "Töpfergasse 4",
        "town": "Bürgel",
        "district": None,
        "postcode": "07616",
        "wz_code": "23.41",
        "size_class": "micro",
        "phone": "036692 68309",
        "website": "https://keramikwerkstatt-kornblume.example",
        "email": "info@keramikwerkstatt-kornblume.example",
    },
    # Weimarer Land: 17 companies
    {
        "name": "Apoldaer Strickwaren",
        "legal_form": "GmbH",
        "street": "Dornburger Straße 31",
        "town": "Apolda",
        "district": None,
        "postcode": "99510",
        "wz_code": "14.39",
        "size_class": "medium",
        "phone": "03644 639557",
        "website": "https://apoldaer-strickwaren.example",
        "email": "info@apoldaer-strickwaren.example",
    },
    {
        "name": "Sozialwerk Ilm-Saale",
        "legal_form": "GmbH",
        "street": "Jenaer Straße 70",
        "town": "Apolda",
        "district": None,
        "postcode": "99510",
        "wz_code": "87.10",
        "size_class": "large",
        "phone": "03644 611681",
        "website": "https://sozialwerk-ilm-saale.example",
        "email": "info@sozialwerk-ilm-saale.example",
    },
    {
        "name": "Brauhaus Herressen",
        "legal_form": "GmbH & Co. KG",
        "street": "Am Brauhaus 2",
        "town": "Apolda",
        "district": None,
        "postcode": "99510",
        "wz_code": "11.05",
        "size_class": "small",
        "phone": "03644 492066",
        "website": "https://brauhaus-herressen.example",
        "email": "info@brauhaus-herressen.example",
    },
    {
        "name": "Ilmtal Digital",
        "legal_form": "UG (haftungsbeschränkt)",
        "street": "Bahnhofstraße 44",
        "town": "Apolda",
        "district": None,
        "postcode": "99510",
        "wz_code": "62.02",
        "size_class": "micro",
        "phone": "03644 425424",
        "website": "https://ilmtal-digital.example",
        "email": "info@ilmtal-digital.example",
    },
    {
        "name": "Baugeschäft Hartung",
        "legal_form": "GmbH",
        "street": "Auenstraße 9",
        "town": "Apolda",
        "district": None,
        "postcode": "99510",
        "wz_code": "41.20",
        "size_class": "small",
        "phone": "03644 746386",
        "website": "https://baugeschaeft-hartung.example",
        "email": "info@baugeschaeft-hartung.example",
    },
    {
        "name": "Friseur Lockenpracht",
        "legal_form": "e.K.",
        "street": "Markt 11",
        "town": "Apolda",
        "district": None,
        "postcode": "99510",
        "wz_code": "96.02",
        "size_class": "micro",
        "phone": "03644 558928",
        "website": "https://friseur-lockenpracht.example",
        "email": "info@friseur-lockenpracht.example",
    },
    {
        "name": "Hotel Ilmblick",
        "legal_form": "GmbH",
        "street": "Tannrodaer Straße 12",
        "town": "Bad Berka",
        "district": None,
        "postcode": "99438",
        "wz_code": "55.10",
        "size_class": "small",
        "phone": "036458 54017",
        "website": "https://hotel-ilmblick.example",
        "email": "info@hotel-ilmblick.example",
    },
    {
        "name": "Physiotherapie Adelsberg",
        "legal_form": "GbR",
        "street": "Goethestraße 8",
        "town": "Bad Berka",
        "district": None,
        "postcode": "99438",
        "wz_code": "86.90",
        "size_class": "micro",
        "phone": "036458 58435",
        "website": "https://physiotherapie-adelsberg.example",
        "email": "info@physiotherapie-adelsberg.example",
    },
    {
        "name": "Blankenhainer Landtechnik",
        "legal_form": "GmbH",
        "street": "Am Gewerbepark 5",
        "town": "Blankenhain",
        "district": None,
        "postcode": "99444",
        "wz_code": "33.12",
        "size_class": "small",
        "phone": "036459 35957",
        "website": "https://blankenhainer-landtechnik.example",
        "email": "info@blankenhainer-landtechnik.example",
    },
    {
        "name": "Bäckerei Sommer",
        "legal_form": "e.K.",
        "street": "Marktstraße 6",
        "town": "Blankenhain",
        "district": None,
        "postcode": "99444",
        "wz_code": "10.71",
        "size_class": "small",
        "phone": "036459 28151",
        "website": "https://baeckerei-sommer.example",
        "email": "info@baeckerei-sommer.example",
    },
    {
        "name": "Weinbau Ilmhänge",
        "legal_form": "GbR",
        "street": "Weinbergstraße 3",
        "town": "Bad Sulza",
        "district": None,
        "postcode": "99518",
        "wz_code": "01.21",
        "size_class": "micro",
        "phone": "036461 53250",
        "website": "https://weinbau-ilmhaenge.example",
        "email": "info@weinbau-ilmhaenge.example",
    },
    {
        "name": "Seniorenhaus Salinenblick",
        "legal_form": "GmbH",
        "street": "Salinenstraße 14",
        "town": "Bad Sulza",
        "district": None,
        "postcode": "99518",
        "wz_code": "87.10",
        "size_class": "medium",
        "phone": "036461 51985",
        "website": "https://seniorenhaus-salinenblick.example",
        "email": "info@seniorenhaus-salinenblick.example",
    },
    {
        "name": "Saale-Ilm Transporte",
        "legal_form": "GmbH",
        "street": "Bahnhofstraße 9",
        "town": "Großheringen",
        "district": None,
        "postcode": "99518",
        "wz_code": "49.41",
        "size_class": "small",
        "phone": "036461 73268",
        "website": "https://saale-ilm-transporte.example",
        "email": "info@saale-ilm-transporte.example",
    },
    {
        "name": "Milchgut Magdalatal",
        "legal_form": "eG",
        "street": "Am Gut 2",
        "town": "Magdala",
        "district": None,
        "postcode": "99441",
        "wz_code": "01.41",
        "size_class": "small",
        "phone": "036454 48977",
        "website": "https://milchgut-magdalatal.example",
        "email": "info@milchgut-magdalatal.example",
    },
    {
        "name": "Garten- und Landschaftsbau Vogt",
        "legal_form": "GmbH",
        "street": "Karl-Alexander-Straße 60",
        "town": "Mellingen",
        "district": None,
        "postcode": "99441",
        "wz_code": "81.30",
        "size_class": "small",
        "phone": "036453 81882",
        "website": "https://garten-und-landschaftsbau-vogt.example",
        "email": "info@garten-und-landschaftsbau-vogt.example",
    },
    {
        "name": "Ilmtal Präzisionsdreherei",
        "legal_form": "GmbH",
        "street": "Weimarer Straße 25",
        "town": "Kranichfeld",
        "district": None,
        "postcode": "99448",
        "wz_code": "25.62",
        "size_class": "small",
        "phone": "036450 73445",
        "website": "https://ilmtal-praezisionsdreherei.example",
        "email": "info@ilmtal-praezisionsdreherei.example",
    },
    {
        "name": "Gasthaus Ilmaue",
        "legal_form": "e.K.",
        "street": "Baumbachstraße 2",
        "town": "Kranichfeld",
        "district": None,
        "postcode": "99448",
        "wz_code": "56.10",
        "size_class": "micro",
        "phone": "036450 46114",
        "website": "https://gasthaus-ilmaue.example",
        "email": "info@gasthaus-ilmaue.example",
    },
]


# --- What each company offers: by its trade (WZ code) -------------------------------------------
#
# A bakery trains bakers and sales staff and takes pupils into its bakehouse; it does not offer IT
# internships. ``TRADES`` says per WZ code which Berufsfelder and which Ausbildungsberufe
# (keys of the taxonomies seeded by migration 0002) a company of that trade shows, where a pupil
# would spend a placement, what a holiday job there is (if any), and what students could study
# there (if anything). ``demo/seed.py`` builds the profiles and offers from it;
# ``tests/test_demo_data.py`` checks the seeded result against it and the product's own rules.


@dataclass(frozen=True)
class HolidayJob:
    """A summer job for pupils that keeps to the Jugendarbeitsschutzgesetz: from 15 (§ 5: no
    holiday work for children under 15), Monday to Friday (§§ 15-17), between 6 and 20 o'clock
    (§ 14), at most 8 hours a day (§ 8) with the breaks of § 11, and at most three weeks in the
    summer (§ 5 Abs. 4 allows four weeks a year)."""

    task: str
    """What the job is, after "Ferienjob: " in the title."""
    duties: str
    """One sentence for the description."""
    start_hour: int
    end_hour: int
    break_minutes: int
    min_age: int = 15


@dataclass(frozen=True)
class Trade:
    fields: tuple[str, ...]
    """Berufsfelder of the profile (``kwis_job_occupational_field.key``); the first is the one
    of offers that are not about one occupation."""
    occupations: tuple[str, ...]
    """Ausbildungsberufe (``kwis_job_training_occupation.key``) the company trains in, the
    first ones offered as apprenticeships."""
    practice: str
    """Where a pupil spends a placement or a taster day, after "Schülerpraktikum "."""
    holiday_job: HolidayJob | None = None
    studies: str | None = None
    """A subject students of which find an internship or a thesis here."""


def _farm(task: str, duties: str) -> HolidayJob:
    return HolidayJob(task, duties, start_hour=7, end_hour=13, break_minutes=30)


_STORE = HolidayJob("Ware einräumen und auszeichnen",
                    "Sie räumen Regale ein, zeichnen Ware aus und helfen an der Frischetheke.",
                    start_hour=8, end_hour=14, break_minutes=30)
_BAKERY_SALES = HolidayJob("Aushilfe im Verkauf",
                           "Sie helfen im Laden: Brötchen und Kuchen verkaufen, Kaffee kochen, "
                           "die Theke auffüllen.", start_hour=7, end_hour=13, break_minutes=30)
_DISPATCH = HolidayJob("Verpackung und Versand",
                       "Sie packen fertige Teile ab, beschriften Sendungen und halten das Lager "
                       "in Ordnung; an Maschinen arbeiten Sie nicht.",
                       start_hour=7, end_hour=13, break_minutes=30, min_age=16)
_HOTEL = HolidayJob("Frühstücksservice",
                    "Sie decken ein, füllen das Frühstücksbuffet auf und räumen ab.",
                    start_hour=7, end_hour=12, break_minutes=15, min_age=16)
_CARE = HolidayJob("Freizeitbegleitung",
                   "Sie lesen vor, spielen und gehen mit Bewohnerinnen und Bewohnern spazieren; "
                   "Pflege gehört nicht dazu.", start_hour=9, end_hour=14, break_minutes=30)
_IT = HolidayJob("Rechner einrichten",
                 "Sie setzen neue Laptops auf, spielen Software ein und helfen bei der Inventur "
                 "der Geräte.", start_hour=9, end_hour=15, break_minutes=30, min_age=16)
_GARDEN = HolidayJob("Grünpflege",
                     "Sie gießen, jäten und pflanzen mit unserem Team; Motorsägen und "
                     "Aufsitzmäher bedienen Sie nicht.", start_hour=7, end_hour=13,
                     break_minutes=30, min_age=16)

_IT_TRADE = Trade(("it", "wirtschaft"), ("fi-anwendungsentwicklung", "fi-systemintegration",
                                         "kaufmann-digitalisierung"),
                  "in der Softwareentwicklung", _IT, "Informatik")
_CARE_HOME = Trade(("gesundheit", "soziales"), ("pflegefachmann", "sozialassistent"),
                   "in der Pflege und Betreuung", _CARE)
_HOTEL_TRADE = Trade(("dienstleistung",), ("hotelkaufmann", "koch", "hotelfachmann"),
                     "an der Rezeption und im Service", _HOTEL)
_RESTAURANT = Trade(("dienstleistung",), ("koch", "hotelfachmann"), "in Küche und Service")
_LOGISTICS = Trade(("verkehr", "wirtschaft"),
                   ("berufskraftfahrer", "fachkraft-lagerlogistik", "kaufmann-spedition"),
                   "in Lager und Disposition",
                   HolidayJob("Sendungen sortieren",
                              "Sie sortieren Pakete nach Touren, scannen sie ein und halten das "
                              "Lager in Ordnung; Stapler fahren Sie nicht.",
                              start_hour=7, end_hour=13, break_minutes=30, min_age=16))
_PRECISION_METAL = Trade(("metall", "produktion"),
                         ("zerspanungsmechaniker", "industriemechaniker", "feinwerkmechaniker"),
                         "in Dreherei und Fräserei", _DISPATCH, "Maschinenbau")
_CERAMICS_WORKSHOP = Trade(("kunst", "produktion"), (), "in der Keramikwerkstatt")
_PHYSIO = Trade(("gesundheit",), (), "in der Physiotherapie")
_HAIR = Trade(("dienstleistung",), ("friseur",), "im Salon")
_BAKERY = Trade(("produktion", "dienstleistung", "wirtschaft"), ("baecker", "verkaeufer"),
                "in der Backstube", _BAKERY_SALES)
_GARDENING = Trade(("landwirtschaft", "bau"), ("gaertner",), "im Garten- und Landschaftsbau",
                   _GARDEN)
_CAR_REPAIR = Trade(("metall", "elektro"), ("kfz-mechatroniker",), "in der Kfz-Werkstatt",
                    HolidayJob("Fahrzeugpflege",
                               "Sie waschen und saugen Kundenfahrzeuge und räumen die Werkstatt "
                               "auf; an Fahrzeugen schrauben Sie nicht.",
                               start_hour=8, end_hour=14, break_minutes=30))
_OPTICS = Trade(("produktion", "technik", "naturwissenschaften", "wirtschaft"),
                ("feinoptiker", "mikrotechnologe", "physiklaborant", "industriekaufmann"),
                "in Fertigung und Messraum", _DISPATCH, "Physik oder Photonik")
_HOME_CARE = Trade(("gesundheit", "soziales"), ("pflegefachmann",), "im ambulanten Pflegedienst")

TRADES: dict[str, Trade] = {
    "01.11": Trade(("landwirtschaft",), ("landwirt",), "auf dem Hof und auf dem Feld",
                   _farm("Mithilfe bei der Ernte", "Sie helfen beim Einlagern der Ernte, "
                         "reinigen Säcke und Kisten und halten den Hof in Ordnung; Traktor "
                         "fahren Sie nicht.")),
    "01.21": Trade(("landwirtschaft",), ("gaertner",), "im Weinberg und im Keller",
                   _farm("Laubarbeit im Weinberg", "Sie binden Triebe auf und entblättern die "
                         "Rebzeilen, mit Handschuhen und Sonnenhut.")),
    "01.24": Trade(("landwirtschaft",), ("gaertner",), "in der Obstplantage",
                   _farm("Erntehilfe: Kirschen und Beeren", "Sie pflücken Kirschen und "
                         "Beeren, sortieren und wiegen sie ab und helfen im Hofladen.")),
    "01.41": Trade(("landwirtschaft", "produktion"), ("landwirt", "fachkraft-lebensmitteltechnik"),
                   "im Stall und in der Hofmolkerei",
                   _farm("Kälberpflege", "Sie füttern Kälber, misten aus und helfen in der "
                         "Hofmolkerei beim Abfüllen.")),
    "02.10": Trade(("landwirtschaft",), ("forstwirt",), "im Forst"),
    "10.13": Trade(("produktion", "dienstleistung", "wirtschaft"), ("fleischer", "verkaeufer"),
                   "in Fleischerei und Verkauf",
                   HolidayJob("Aushilfe im Verkauf", "Sie helfen an der Theke, packen ab und "
                              "bereiten den Partyservice mit vor.", start_hour=8, end_hour=14,
                              break_minutes=30)),
    "10.71": _BAKERY,
    "11.05": Trade(("produktion", "dienstleistung"),
                   ("fachkraft-lebensmitteltechnik", "koch", "hotelfachmann"),
                   "in Brauerei und Gaststätte"),
    "14.39": Trade(("produktion", "wirtschaft"), ("maschinen-anlagenfuehrer", "industriekaufmann"),
                   "an den Strickmaschinen", _DISPATCH),
    "23.41": _CERAMICS_WORKSHOP,
    "23.44": Trade(("produktion", "technik", "metall", "wirtschaft"),
                   ("maschinen-anlagenfuehrer", "industriemechaniker", "industriekaufmann"),
                   "in Fertigung und Labor", _DISPATCH, "Werkstofftechnik"),
    "25.62": _PRECISION_METAL,
    "26.70": _OPTICS,
    "31.09": Trade(("kunst", "produktion", "technik"), ("tischler", "technischer-produktdesigner"),
                   "in der Möbelwerkstatt", _DISPATCH),
    "33.12": Trade(("metall", "elektro", "landwirtschaft"), ("industriemechaniker",
                                                             "mechatroniker"),
                   "in der Landtechnik-Werkstatt"),
    "35.11": Trade(("elektro", "technik", "wirtschaft", "it"),
                   ("elektroniker-betrieb", "industriekaufmann", "kaufmann-digitalisierung"),
                   "in Netzbetrieb und Kundenservice", None, "Elektrotechnik oder Energietechnik"),
    "36.00": Trade(("landwirtschaft", "wirtschaft"), ("fachkraft-abwasser",
                                                      "verwaltungsfachangestellter"),
                   "im Wasserwerk und in der Kläranlage"),
    "41.20": Trade(("bau",), ("maurer", "bauzeichner"), "auf der Baustelle"),
    "43.21": Trade(("elektro",), ("elektroniker-energie",), "in der Elektrowerkstatt"),
    "43.22": Trade(("bau", "technik"), ("anlagenmechaniker-shk",), "auf der Baustelle"),
    "43.32": Trade(("kunst", "bau", "produktion"), ("tischler",), "in der Tischlerwerkstatt"),
    "43.91": Trade(("bau",), ("zimmerer",), "im Abbund und auf der Baustelle"),
    "45.20": _CAR_REPAIR,
    "47.11": Trade(("wirtschaft", "dienstleistung"), ("verkaeufer", "kaufmann-einzelhandel"),
                   "im Markt", _STORE),
    "49.41": _LOGISTICS,
    "55.10": _HOTEL_TRADE,
    "56.10": _RESTAURANT,
    "62.01": _IT_TRADE,
    "62.02": _IT_TRADE,
    "63.11": Trade(("it", "medien"), ("fi-systemintegration", "fi-anwendungsentwicklung"),
                   "im Rechenzentrum", _IT, "Informatik"),
    "69.20": Trade(("wirtschaft",), ("steuerfachangestellter", "kaufmann-bueromanagement"),
                   "in der Kanzlei", None, "Wirtschaftswissenschaften"),
    "71.12": Trade(("bau", "technik"), ("bauzeichner", "vermessungstechniker"),
                   "im Planungsbüro", None, "Bauingenieurwesen"),
    "72.11": Trade(("naturwissenschaften",), ("biologielaborant", "chemielaborant"), "im Labor",
                   None, "Biologie oder Biochemie"),
    "81.30": _GARDENING,
    "85.59": Trade(("soziales", "wirtschaft"), ("kaufmann-bueromanagement",), "in der Nachhilfe",
                   None, "Lehramt oder Erziehungswissenschaft"),
    "86.10": Trade(("gesundheit", "soziales", "wirtschaft"),
                   ("pflegefachmann", "mfa", "notfallsanitaeter", "kaufmann-bueromanagement"),
                   "auf Station und in der Medizintechnik",
                   HolidayJob("Hol- und Bringedienst", "Sie bringen Post, Proben und Material "
                              "zwischen den Stationen hin und her und helfen in der "
                              "Patientenbibliothek.", start_hour=7, end_hour=13,
                              break_minutes=30, min_age=16), "Medizintechnik"),
    "86.23": Trade(("gesundheit",), ("zfa",), "in der Zahnarztpraxis"),
    "86.90": _PHYSIO,
    "87.10": _CARE_HOME,
    "88.10": _HOME_CARE,
    "96.02": _HAIR,
}

TRADE_BY_COMPANY: dict[str, Trade] = {
    # Same WZ code as a bakery, but a confectioner's: trains confectioners, not bakers.
    "Konditorei Meißner": Trade(("produktion", "dienstleistung", "wirtschaft"),
                                ("konditor", "verkaeufer"), "in der Konditorei", _BAKERY_SALES),
}
"""Companies whose trade is narrower than their WZ code says."""


def trade_of(company: Company) -> Trade:
    return TRADE_BY_COMPANY.get(company["name"]) or TRADES[company["wz_code"]]


# --- Legal data of each demo region (issue 13: imprint, privacy notice, accessibility) ----------
#
# What an agency enters on the admin page "Rechtliche Angaben" (``models/legal.py``), so the
# demo's Impressum, Datenschutzerklärung and Erklärung zur Barrierefreiheit are filled in and the
# accessibility feedback form can deliver (every region has an ``accessibility_email``).
# The operators, people, streets ("Musterstraße"), telephone numbers, register numbers and
# e-mail addresses (reserved ``.example`` domain) are invented. Real are only the two Thuringian
# bodies below, with names and web addresses as they publish them (checked on 1 Dec 2026; no
# postal address is given because none was checked). ``demo/seed.py`` saves these through
# ``services.legal.save``, so they pass the product's own checks;
# ``tests/test_demo_data.py`` checks that no region has a gap except ``LEGAL_INCOMPLETE``.

THURINGIA_PRIVACY_AUTHORITY = {
    "privacy_authority_name": (
        "Thüringer Landesbeauftragter für den Datenschutz und die Informationsfreiheit (TLfDI)"),
    "privacy_authority_url": "https://www.tlfdi.de",
}
"""The supervisory authority for public and private bodies in Thuringia (Art. 77 GDPR)."""

THURINGIA_ENFORCEMENT_BODY = {
    "enforcement_body_name": (
        "Landesdurchsetzungsstelle für digitale Barrierefreiheit beim Thüringer "
        "Landesbeauftragten für Menschen mit Behinderungen"),
    "enforcement_body_url": (
        "https://tlmb-thueringen.de/themen/barrierefreiheit/landesdurchsetzungsstelle"),
}
"""Thuringia's enforcement body for the accessibility of public bodies' websites
(ThürBarrWebG): free out-of-court dispute resolution when a feedback gets no answer."""

LEGAL_INCOMPLETE = "saale-holzland"
"""The one demo region left incomplete on purpose, so the admin area's warning has something
to show: its privacy part lacks the data protection officer and the supervisory authority
(``LEGAL_INCOMPLETE_GAPS``, the fields ``services.legal.missing`` links the gaps to)."""
LEGAL_INCOMPLETE_GAPS = ("dpo_email", "privacy_authority_name")

LEGAL: dict[str, dict[str, str]] = {
    "jena": {
        "operator_name": "Wirtschaftsförderung Jena GmbH",
        "operator_address": "Musterstraße 1\n07743 Jena",
        "operator_email": "info@wirtschaftsfoerderung-jena.example",
        "operator_phone": "03641 123450",
        "represented_by": "Dr. Erika Mustermann, Geschäftsführerin",
        "content_responsible": "Max Mustermann, Musterstraße 1, 07743 Jena",
        "register_entry": "Amtsgericht Jena, HRB 000001 (Beispiel)",
        "dpo_name": "Sabine Beispiel",
        "dpo_email": "datenschutz@wirtschaftsfoerderung-jena.example",
        "dpo_address": ("Wirtschaftsförderung Jena GmbH\nDatenschutzbeauftragte\n"
                        "Musterstraße 1\n07743 Jena"),
        **THURINGIA_PRIVACY_AUTHORITY,
        "accessibility_email": "barrierefreiheit@wirtschaftsfoerderung-jena.example",
        "accessibility_phone": "03641 123459",
        **THURINGIA_ENFORCEMENT_BODY,
        "sign_language_video_url": "https://www.wirtschaftsfoerderung-jena.example/dgs-video",
    },
    "saale-holzland": {
        "operator_name": "Wirtschaftsförderung Saale-Holzland GmbH",
        "operator_address": "Musterstraße 12\n07607 Eisenberg",
        "operator_email": "kontakt@wirtschaftsfoerderung-shk.example",
        "operator_phone": "036691 12340",
        "represented_by": "Jonas Musterfrau, Geschäftsführer",
        "content_responsible": "Jonas Musterfrau, Musterstraße 12, 07607 Eisenberg",
        "register_entry": "Amtsgericht Jena, HRB 000002 (Beispiel)",
        # No data protection officer and no supervisory authority yet: the gaps the admin area
        # warns about (LEGAL_INCOMPLETE).
        "accessibility_email": "barrierefreiheit@wirtschaftsfoerderung-shk.example",
        **THURINGIA_ENFORCEMENT_BODY,
    },
    "weimarer-land": {
        "operator_name": "Wirtschaftsförderung Weimarer Land",
        "operator_address": "Musterstraße 5\n99510 Apolda",
        "operator_email": "wirtschaft@weimarer-land.example",
        "operator_phone": "03644 123400",
        "represented_by": "Erika Beispiel, Leiterin der Wirtschaftsförderung",
        "content_responsible": "Petra Muster, Musterstraße 5, 99510 Apolda",
        "dpo_name": "Behördlicher Datenschutzbeauftragter",
        "dpo_email": "datenschutz@weimarer-land.example",
        **THURINGIA_PRIVACY_AUTHORITY,
        "accessibility_email": "barrierefreiheit@weimarer-land.example",
        "accessibility_phone": "03644 123409",
        **THURINGIA_ENFORCEMENT_BODY,
    },
}
"""Legal data by region slug: the columns of ``RegionLegal`` the admin page edits."""

ACCESSIBILITY_CHECK_REGION = "jena"
ACCESSIBILITY_CHECK_DAYS_AGO = 14
ACCESSIBILITY_CHECK_SCOPE = (
    "Beispiel aus den Demo-Daten, keine echte Prüfung. Eine echte automatische Prüfung "
    "(axe in Chromium) trägt „kwis-job accessibility check --base-url … --region jena“ hier "
    "ein, eine Prüfung von Hand „kwis-job accessibility record“."
)
"""A recorded automated check for one region, so the statement and the admin page show how a
recorded check looks; it says plainly that it is an example."""
