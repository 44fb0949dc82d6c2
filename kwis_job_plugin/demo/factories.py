"""factory-boy factories for the demo data set and the tests alike.

Factories need a session: call ``use_session(session)`` first. They flush, never commit, so the
caller decides the transaction.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import factory
from factory.alchemy import SQLAlchemyModelFactory
from kwis_hooks.refhost.models import Customer, User
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from ..models import EmployerProfile, Offer, OfferType, Region, RegionAgsPrefix
from ..models.base import utcnow
from ..services.slugs import slugify
from ..services.snapshots import offer_snapshot, profile_snapshot

DEMO_PASSWORD = "demo-passwort"


@lru_cache(maxsize=1)
def _demo_password_hash() -> str:
    """Hash the shared demo password once: scrypt per user would slow seeding and tests."""
    return generate_password_hash(DEMO_PASSWORD)


class _Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_persistence = "flush"


class _PublishableFactory(_Base):
    """A ``status="published"`` object gets its public version, as publishing would write it."""

    class Meta:
        abstract = True

    @factory.lazy_attribute
    def published_at(self):
        return utcnow() if self.status == "published" else None

    @factory.post_generation
    def publish_snapshot(obj, create, extracted, **kwargs):
        if obj.status == "published" and obj.published_snapshot is None:
            obj.published_snapshot = SNAPSHOTS[type(obj)](obj)


SNAPSHOTS = {EmployerProfile: profile_snapshot, Offer: offer_snapshot}


def use_session(session: Session) -> None:
    for factory_class in (
        CustomerFactory, UserFactory, AdminFactory, RegionFactory, ProfileFactory, OfferFactory
    ):
        factory_class._meta.sqlalchemy_session = session


class CustomerFactory(_Base):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Musterbetrieb {n}")
    legal_form = "GmbH"
    street = factory.Sequence(lambda n: f"Teststraße {n + 1}")
    postcode = "07743"
    city = "Jena"
    ags = "16053000"
    wz_code = "62.01"
    size_class = "small"
    website = factory.LazyAttribute(lambda o: f"https://{slugify(o.name)}.example")
    email = factory.LazyAttribute(lambda o: f"info@{slugify(o.name)}.example")
    phone = "03641 000000"
    lat = 50.9279
    lon = 11.5869


class UserFactory(_Base):
    class Meta:
        model = User

    customer = factory.SubFactory(CustomerFactory)
    email = factory.Sequence(lambda n: f"person{n}@betrieb.example")
    display_name = factory.Sequence(lambda n: f"Ansprechperson {n}")
    role = "company"
    active = True
    password_hash = ""

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        if extracted:
            obj.set_password(extracted)
        else:
            obj.password_hash = _demo_password_hash()


class AdminFactory(UserFactory):
    customer = None
    email = factory.Sequence(lambda n: f"admin{n}@wirtschaftsfoerderung.example")
    display_name = factory.Sequence(lambda n: f"Verwaltung {n}")
    role = "admin"


class RegionFactory(_Base):
    class Meta:
        model = Region

    slug = factory.Sequence(lambda n: f"region-{n}")
    name = factory.Sequence(lambda n: f"Region {n}")
    review_rule = "every_change"
    ags_prefixes = factory.LazyFunction(lambda: [])

    @factory.post_generation
    def prefixes(obj, create, extracted, **kwargs):
        for prefix in extracted or ():
            obj.ags_prefixes.append(RegionAgsPrefix(prefix=prefix))


class ProfileFactory(_PublishableFactory):
    class Meta:
        model = EmployerProfile

    customer_id = factory.LazyAttribute(lambda o: o.customer.id)
    display_name = factory.LazyAttribute(lambda o: o.customer.name)
    slug = factory.LazyAttribute(lambda o: f"{slugify(o.customer.name)}-{o.customer.id}")
    status = "draft"
    philosophy_html = "<p>Bei uns lernen Sie das Handwerk von Grund auf.</p>"

    class Params:
        customer = factory.SubFactory(CustomerFactory)
        region = None

    @factory.lazy_attribute
    def region_id(self):
        return self.region.id if self.region is not None else None



def offer_type(session: Session, key: str) -> OfferType:
    found = session.scalar(select(OfferType).where(OfferType.key == key))
    if found is None:
        raise LookupError(f"offer type {key!r} is not seeded; run the migrations first")
    return found


class OfferFactory(_PublishableFactory):
    class Meta:
        model = Offer

    profile = factory.SubFactory(ProfileFactory)
    title = factory.Sequence(lambda n: f"Schülerpraktikum {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    status = "draft"
    time_mode = "by_arrangement"
    place_mode = "company"
    description_html = "<p>Eine Woche in unserem Betrieb mitarbeiten.</p>"

    class Params:
        type_key = "schuelerpraktikum"

    @factory.lazy_attribute
    def offer_type(self):
        return offer_type(OfferFactory._meta.sqlalchemy_session, self.type_key)


    @factory.lazy_attribute
    def valid_until(self):
        return None if self.time_mode != "range" else date(date.today().year + 1, 12, 31)
