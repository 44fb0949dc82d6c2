"""Two regions with one of everything an admin route can name: Jena and Weimarer Land.

Each region has a company (customer, login, employer profile and offer both waiting for
review, a picture), an event (published, with the company taking part, a slot and a
registration), a failed mail, and a region admin of its own; ``global_admin`` manages both.
Every name of a Weimarer Land object contains ``MARKER``, so a page can be searched for
anything of that region (``leaks``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from PIL import Image
from sqlalchemy.orm import Session

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import (
    Event,
    EventParticipation,
    Media,
    OutboxMail,
    Region,
    Registration,
    Slot,
)
from kwis_job_plugin.services import admin_scope, campaigns, media, publication
from kwis_job_plugin.services.snapshots import offer_snapshot, profile_snapshot

MARKER = "Apolda"
WEIMAR_NAME = "Weimarer Land"
PASSWORD = factories.DEMO_PASSWORD


@dataclass
class RegionObjects:
    """Everything of one region, by the name an admin route's URL variable uses."""

    region: Region
    company: object  # the company's login (UserFactory)
    profile: object
    offer: object
    media: Media
    event: Event
    participation: EventParticipation
    slot: Slot
    registration: Registration
    mail: OutboxMail
    admin: object  # the region's own admin account
    campaign: object = None
    @property
    def customer_id(self) -> int:
        return self.profile.customer_id


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (30, 90, 140)).save(out, "PNG")
    return out.getvalue()


def _objects(session: Session, region: Region, company, label: str, admin_email: str,
             global_admin_id: int) -> RegionObjects:
    profile = factories.ProfileFactory(customer=company.customer, region=region,
                                       display_name=company.customer.name)
    image = media.process_image(_png(), media.PHOTO)
    picture = media.add_image(session, profile, media.PHOTO, image, f"Werkstatt {label}")
    publication.submit(session, profile, region, profile_snapshot, company.id)
    offer = factories.OfferFactory(profile=profile, title=f"Ferienjob {label}",
                                   type_key="ferienjob")
    publication.submit(session, offer, region, offer_snapshot, company.id)
    starts = date.today() + timedelta(days=40)
    event = Event(region_id=region.id, kind="fair", status="published",
                  slug=f"messe-{region.slug}", title=f"Berufemesse {label}",
                  description_html="<p>Messe</p>", starts_on=starts, ends_on=starts,
                  venue=f"Halle {label}", city=label, retention_days=90,
                  published_at=datetime(2026, 1, 1))
    session.add(event)
    session.flush()
    participation = EventParticipation(event_id=event.id, profile_id=profile.id,
                                       status="registered")
    session.add(participation)
    session.flush()
    start = datetime.combine(starts, datetime.min.time()).replace(hour=9)
    slot = Slot(participation_id=participation.id, title=f"Besuch {label}", starts_at=start,
                ends_at=start + timedelta(hours=2), capacity=10, confirmed_count=1,
                waitlist_capacity=5, status="open")
    session.add(slot)
    session.flush()
    registration = Registration(slot_id=slot.id, status="confirmed", first_name="Kim",
                                last_name="Muster", email=f"kim@{region.slug}.example",
                                party_size=1)
    session.add(registration)
    mail = OutboxMail(to_addr=f"kim@{region.slug}.example", subject=f"Erinnerung {label}",
                      body_text="Hallo", kind="registration.reminder", region_id=region.id,
                      status="failed", attempts=5, last_error="550 mailbox unavailable")
    session.add(mail)
    admin = factories.AdminFactory(email=admin_email, display_name=f"Verwaltung {label}")
    session.flush()
    admin_scope.assign(session, global_admin_id, admin.id, all_regions=False,
                       region_ids=[region.id])
    session.flush()
    campaign = campaigns.create_campaign(session, region, f"Kampagne {label}",
                                         actor_user_id=global_admin_id)
    session.flush()
    return RegionObjects(region, company, profile, offer, picture, event, participation, slot,
                         registration, mail, admin, campaign)


def build(session: Session, world: SimpleNamespace) -> SimpleNamespace:
    """Jena (``world.region``, company ``world.a``) and Weimarer Land, committed."""
    weimar = factories.RegionFactory(slug="weimarer-land", name=WEIMAR_NAME, prefixes=["16071"])
    weimar_company = factories.UserFactory(
        email="wl@betrieb-apolda.example", customer__name=f"{MARKER}er Glockengießerei",
        customer__ags="16071001")
    session.flush()
    jena = _objects(session, world.region, world.a, "Jena", "jena-admin@wf.example",
                    world.admin.id)
    wl = _objects(session, weimar, weimar_company, MARKER, "wl-admin@wf.example",
                  world.admin.id)
    no_region_mail = OutboxMail(to_addr="x@irgendwo.example", subject="Ohne Region",
                                body_text="x", kind="privacy.export", region_id=None,
                                status="failed", attempts=5, last_error="550")
    session.add(no_region_mail)
    session.commit()
    return SimpleNamespace(jena=jena, weimar=wl, global_admin=world.admin,
                           no_region_mail=no_region_mail, password=PASSWORD)


def leaks(html: str) -> list[str]:
    """The Weimarer Land names found on a page (empty: nothing of that region shows)."""
    return [word for word in (MARKER, WEIMAR_NAME) if word in html]
