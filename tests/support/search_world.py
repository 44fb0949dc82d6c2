"""A small, fixed data set for the search tests: four regions, eight companies, fourteen offers.

Everything is published the way companies publish (``publication.submit`` under a review rule
of "none"), then paused, archived or left unpublished where a test needs hidden items. Offers
are known by a letter; ``world.ids`` maps letters to offer ids, ``world.letters`` back.

Visible (portal on, public, not expired): a b c d e f g. Hidden: h (expired), i (paused),
j (archived), k (its profile was never published), l (its region has the portal off),
m (its profile is archived), n (a draft offer).

Coordinates are real town centres (from ``kwis_job_plugin.demo.data``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import (
    Benefit,
    EmployerProfile,
    OccupationalField,
    Offer,
    Region,
    TargetGroup,
    TrainingOccupation,
)
from kwis_job_plugin.services import features, publication, search_index
from kwis_job_plugin.services.snapshots import offer_snapshot, profile_snapshot

TOWNS = {
    "jena-zentrum": ("07743", "Jena", "16053000", 50.9279, 11.5869),
    "jena-west": ("07745", "Jena", "16053000", 50.9253, 11.5694),
    "jena-winzerla": ("07745", "Jena", "16053000", 50.8989, 11.5706),
    "jena-lobeda": ("07747", "Jena", "16053000", 50.8878, 11.6061),
    "jena-ost": ("07749", "Jena", "16053000", 50.9317, 11.6047),
    "jena-isserstedt": ("07751", "Jena", "16053000", 50.9556, 11.4953),
    "apolda": ("99510", "Apolda", "16071001", 51.0264, 11.5139),
    "eisenberg": ("07607", "Eisenberg", "16074018", 50.9683, 11.8997),
    "saalfeld": ("07318", "Saalfeld/Saale", "16073077", 50.6486, 11.3583),
}

# key: (name, town, size class, fields, occupations, benefits)
COMPANIES = {
    "bakery": ("Bäckerei Sonnenkorn", "jena-zentrum", "micro", ["produktion"],
               ["baecker", "konditor"], ["jobticket"]),
    "optics": ("Optikwerk Saale", "jena-west", "large", ["technik", "naturwissenschaften"],
               ["feinoptiker"], ["weiterbildung", "jobticket"]),
    "museum": ("Museum Apolda", "apolda", "small", ["kunst"], [], ["flexible-arbeitszeit"]),
    "carpenter": ("Holzbau Eisenberg", "eisenberg", "small", ["bau"], ["zimmerer"], ["fahrrad"]),
    "paused": ("Pausenhof GmbH", "jena-ost", "medium", ["wirtschaft"], [], []),
    "draft": ("Entwurfswerk KG", "jena-lobeda", "small", ["wirtschaft"], [], []),
    "far": ("Saalfelder Logistik", "saalfeld", "medium", ["verkehr"], [], []),
    "archived": ("Archivbetrieb", "jena-isserstedt", "small", ["wirtschaft"], [], []),
}


@dataclass
class Spec:
    company: str
    type_key: str
    title: str
    description: str
    groups: list[str]
    fields: list[str]
    places: int | None = None
    town: str | None = None  # an offer at another place than the company address
    extra: dict = field(default_factory=dict)


def _specs(today: date) -> dict[str, Spec]:
    event_day = today + timedelta(days=30)
    return {
        "a": Spec("bakery", "ferienjob", "Ferienjob in der Backstube",
                  "Im Sommer helfen Sie beim Backen von Brot und Brötchen.", ["schueler"],
                  ["produktion"], places=2, town="jena-lobeda"),
        "b": Spec("bakery", "ausbildungsplatz", "Ausbildung zum Bäcker (m/w/d)",
                  "Drei Jahre Ausbildung im Handwerk.", ["schueler"], ["produktion"], places=1),
        "c": Spec("optics", "studierendenpraktikum", "Praktikum in der Optikfertigung",
                  "Sechs Monate in der Fertigung von Linsen.", ["studierende"], ["technik"],
                  places=5),
        "d": Spec("optics", "schuelerpraktikum", "Schülerpraktikum Feinoptik",
                  "Zwei Wochen Einblick in die Fertigung.", ["schueler"], ["technik"], places=0),
        "e": Spec("optics", "abschlussarbeit", "Abschlussarbeit Lasertechnik",
                  "Bachelor- oder Masterarbeit zu Lasern.", ["studierende"],
                  ["naturwissenschaften"], town="jena-winzerla"),
        "f": Spec("museum", "schuelerpraktikum", "Praktika im Museum",
                  "Einblicke in Ausstellung und Archiv.", ["schueler"], ["kunst"], places=3),
        "g": Spec("carpenter", "schnuppertag", "Schnuppertag in der Zimmerei",
                  "Einen Tag lang Holz bearbeiten.", ["schueler"], ["bau"], places=10,
                  extra={"time_mode": "fixed", "fixed_dates": [event_day.isoformat()],
                         "start_date": event_day, "end_date": event_day}),
        "h": Spec("carpenter", "ferienjob", "Ferienjob Sommer 2020", "Vorbei.", ["schueler"],
                  ["bau"], places=4, extra={"valid_until": today - timedelta(days=200)}),
        "i": Spec("paused", "ferienjob", "Pausierter Ferienjob", "Gerade nicht.", ["schueler"],
                  ["wirtschaft"], places=2),
        "j": Spec("paused", "schuelerpraktikum", "Archiviertes Praktikum", "Nicht mehr.",
                  ["schueler"], ["wirtschaft"], places=2),
        "k": Spec("draft", "ferienjob", "Ferienjob ohne Profil", "Profil fehlt.", ["schueler"],
                  ["wirtschaft"], places=2),
        "l": Spec("far", "ferienjob", "Ferienjob im Lager", "Portal aus.", ["schueler"],
                  ["verkehr"], places=2),
        "m": Spec("archived", "ferienjob", "Ferienjob im Archiv", "Profil archiviert.",
                  ["schueler"], ["wirtschaft"], places=2),
        "n": Spec("bakery", "ferienjob", "Entwurf eines Ferienjobs", "Noch nicht fertig.",
                  ["schueler"], ["produktion"], places=2),
    }


VISIBLE = frozenset("abcdefg")


@dataclass
class SearchWorld:
    today: date
    regions: dict[str, Region]
    profiles: dict[str, EmployerProfile]
    offers: dict[str, Offer]

    @property
    def ids(self) -> dict[str, int]:
        return {letter: offer.id for letter, offer in self.offers.items()}

    @property
    def letters(self) -> dict[int, str]:
        return {offer.id: letter for letter, offer in self.offers.items()}


def _terms(session: Session, model, keys: list[str]) -> list:
    found = list(session.scalars(select(model).where(model.key.in_(keys))))
    assert len(found) == len(set(keys)), f"unknown {model.__name__} keys in {keys}"
    return found


def build(session: Session, today: date | None = None) -> SearchWorld:
    """Create the data set, publish and hide as described above, and commit."""
    today = today or date.today()
    factories.use_session(session)
    regions = {
        "jena": factories.RegionFactory(slug="jena", name="Stadt Jena", prefixes=["16053"],
                                        review_rule="none"),
        "shk": factories.RegionFactory(slug="saale-holzland", name="Saale-Holzland-Kreis",
                                       prefixes=["16074"], review_rule="none"),
        "wl": factories.RegionFactory(slug="weimarer-land", name="Weimarer Land",
                                      prefixes=["16071"], review_rule="none"),
        "off": factories.RegionFactory(slug="saalfeld", name="Saalfeld-Rudolstadt",
                                       prefixes=["16073"], review_rule="none"),
    }
    region_by_ags = {"16053": "jena", "16074": "shk", "16071": "wl", "16073": "off"}
    profiles = {}
    for key, (name, town, size, fields, occupations, benefits) in COMPANIES.items():
        postcode, city, ags, lat, lon = TOWNS[town]
        customer = factories.CustomerFactory(
            name=name, postcode=postcode, city=city, ags=ags, lat=lat, lon=lon, size_class=size
        )
        region = regions[region_by_ags[ags[:5]]]
        profile = factories.ProfileFactory(customer=customer, region=region)
        profile.fields = _terms(session, OccupationalField, fields)
        profile.occupations = _terms(session, TrainingOccupation, occupations)
        profile.benefits = _terms(session, Benefit, benefits)
        if key != "draft":
            publication.submit(session, profile, region, profile_snapshot, None)
        profiles[key] = profile

    offers = {}
    for letter, spec in _specs(today).items():
        profile = profiles[spec.company]
        customer_town = COMPANIES[spec.company][1]
        postcode, city, _ags, lat, lon = TOWNS[spec.town or customer_town]
        offer = factories.OfferFactory(
            profile=profile,
            type_key=spec.type_key,
            title=spec.title,
            description_html=f"<p>{spec.description}</p>",
            places=spec.places,
            place_mode="other" if spec.town else "company",
            postcode=postcode,
            city=city,
            lat=lat,
            lon=lon,
            **spec.extra,
        )
        offer.fields = _terms(session, OccupationalField, spec.fields)
        offer.target_groups = _terms(session, TargetGroup, spec.groups)
        session.flush()
        if letter != "n":
            region = session.get(Region, profile.region_id)
            publication.submit(session, offer, region, offer_snapshot, None)
        offers[letter] = offer

    # Hide what must stay hidden, the way the offers and profile services will.
    offers["i"].status = "paused"
    offers["j"].status = "archived"
    for letter in "ij":
        search_index.refresh_offer(session, offers[letter])
    profiles["archived"].status = "archived"
    search_index.refresh_profile(session, profiles["archived"])
    features.set_enabled(session, regions["off"].id, "portal", False, None)
    session.commit()
    return SearchWorld(today, regions, profiles, offers)
