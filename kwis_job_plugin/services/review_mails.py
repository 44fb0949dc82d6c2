"""The review's mails: the company hears of each decision, the agency of what waits.

Both go through the outbox (``services.mail.outbox.queue``) in the caller's transaction: the
decision mail exists exactly when the decision commits, and a dead mail server delays it, never
loses it.

Who the company is, for a mail: the profile's contact address (``contact_email``, the person the
company named for its employer profile, as typed in its working copy), else every host user
account of the customer (``app_user`` with role ``company``; they log in to the tab the mail
links to). Addresses are lower-cased and deduplicated; one that could reach a header (a line
break, no single ``@``) is left out, never mailed. No address at all: no mail, and the decision
stands (the company sees the result in its tab).

The agency's daily summary goes to each region's ``contact_email``: one mail per region and day
(outbox ``dedupe_key`` ``review-summary:<region>:<date>``), nothing when nothing waits. Items of a
company outside every region have no agency to tell; they are counted for the command's output.

Links come from the caller (``Links``: ``views.admin_review.links()`` in a request, or
``offline_links`` for the command line); services build no URLs. Texts are German, whatever the
reviewer's language: the company and the agency read German.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .. import i18n
from ..i18n import gettext as _
from ..models import EmployerProfile, Offer, OutboxMail, Region
from ..models.host import user_table
from . import publication
from .mail import outbox

SIGNATURE = "Mit freundlichen Grüßen\nIhre Wirtschaftsförderung"
COMPANY_ROLE = "company"
MAIL_LOCALE = "de"
ADDRESS_RE = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;.]{2,}$")
APPROVED, RETURNED = "approved", "returned"
SUMMARY_KIND = "review.summary"


class Links(Protocol):
    """Absolute URLs for the review's mails (built by ``views/admin_review.py``)."""

    def profile_tab(self) -> str:
        """The company's profile tab."""
        ...

    def offer(self, offer_id: int) -> str:
        """The company's view of one of its offers, in the offers tab."""
        ...

    def review_queue(self) -> str:
        """The agency's list of what waits for review."""
        ...


class MissingLinks(RuntimeError):
    """A review mail needs links and the caller passed none."""


def required(links: Links | None) -> Links:
    if links is None:
        raise MissingLinks(
            "A review decision mails the company a link into its tab but got links=None: pass "
            "links= (views.admin_review.links() in a request or app context, "
            "views.admin_review.offline_links(base_url, ...) without one)."
        )
    return links


# --- the company's address ----------------------------------------------------------------------


def usable_addresses(addresses: Iterable[str | None]) -> list[str]:
    """Plausible single addresses, lower-cased, each once, in the given order."""
    seen: dict[str, None] = {}
    for address in addresses:
        address = (address or "").strip().lower()
        if address and ADDRESS_RE.match(address) and address.isprintable():
            seen.setdefault(address, None)
    return list(seen)


def company_addresses(session: Session, profile: EmployerProfile) -> list[str]:
    """Where the company's review mails go: the profile's contact address, else the
    customer's host user accounts (see the module docstring)."""
    contact = usable_addresses([profile.contact_email])
    if contact:
        return contact
    return usable_addresses(session.scalars(
        select(user_table.c.email)
        .where(user_table.c.customer_id == profile.customer_id,
               user_table.c.role == COMPANY_ROLE)
        .order_by(user_table.c.id)
    ))


# --- the decision mails -------------------------------------------------------------------------


def _profile_of(obj: EmployerProfile | Offer) -> EmployerProfile:
    return obj if isinstance(obj, EmployerProfile) else obj.profile


def _what(obj: EmployerProfile | Offer) -> str:
    if isinstance(obj, EmployerProfile):
        return _("Ihr Arbeitgeberprofil „%(name)s“", name=obj.display_name)
    return _("Ihr Angebot „%(title)s“", title=obj.title)


def _link(obj: EmployerProfile | Offer, links: Links) -> str:
    return links.profile_tab() if isinstance(obj, EmployerProfile) else links.offer(obj.id)


def _approved_text(obj: EmployerProfile | Offer, links: Links) -> tuple[str, str]:
    if isinstance(obj, Offer) and not publication.is_public(obj.profile):
        visible = _("Im Portal erscheint es, sobald auch Ihr Arbeitgeberprofil veröffentlicht "
                    "ist.")
    else:
        visible = _("Es ist jetzt im Portal öffentlich sichtbar.")
    subject = (_("Freigegeben: Ihr Arbeitgeberprofil") if isinstance(obj, EmployerProfile)
               else _("Freigegeben: %(title)s", title=obj.title))
    text = _(
        "Guten Tag,\n\n%(what)s ist geprüft und freigegeben. %(visible)s\n\n"
        "Ansehen und ändern können Sie es hier (nach der Anmeldung):\n%(link)s\n\n%(signature)s",
        what=_what(obj), visible=visible, link=_link(obj, links), signature=SIGNATURE,
    )
    return subject, text


def _returned_text(obj: EmployerProfile | Offer, note: str, links: Links) -> tuple[str, str]:
    kept = _("Die bisher veröffentlichte Fassung bleibt so lange sichtbar.") if (
        obj.published_snapshot is not None) else ""
    subject = (_("Bitte überarbeiten: Ihr Arbeitgeberprofil") if isinstance(obj, EmployerProfile)
               else _("Bitte überarbeiten: %(title)s", title=obj.title))
    text = _(
        "Guten Tag,\n\n%(what)s ist geprüft. Bevor es veröffentlicht werden kann, bitten wir "
        "Sie um Änderungen. Unser Hinweis:\n\n%(note)s\n\n"
        "Bitte ändern Sie die Angaben und reichen Sie sie erneut ein. %(kept)s\n\n"
        "Zur Bearbeitung (nach der Anmeldung):\n%(link)s\n\n%(signature)s",
        what=_what(obj), note=note, kept=kept, link=_link(obj, links), signature=SIGNATURE,
    )
    return subject, text.replace(" \n", "\n")


def decision_mail(session: Session, obj: EmployerProfile | Offer, decision: str, *,
                  links: Links | None, note: str = "") -> list[OutboxMail]:
    """Queue the mail about ``decision`` (``APPROVED`` or ``RETURNED``, with the reviewer's
    ``note``) to the company's addresses; return the queued rows (none without an address)."""
    links = required(links)
    profile = _profile_of(obj)
    with i18n.force_locale(MAIL_LOCALE):
        if decision == APPROVED:
            subject, text = _approved_text(obj, links)
        elif decision == RETURNED:
            subject, text = _returned_text(obj, note, links)
        else:
            raise ValueError(f"unknown review decision {decision!r}")
    kind = f"review.{decision}"
    return [
        outbox.queue(session, to=address, subject=subject, text=text, kind=kind,
                     region_id=profile.region_id)
        for address in company_addresses(session, profile)
    ]


# --- what waits, and the agency's daily summary ---------------------------------------------------


def waiting_profiles(session: Session) -> list[EmployerProfile]:
    return list(session.scalars(
        select(EmployerProfile).where(EmployerProfile.status == "in_review")
        .order_by(EmployerProfile.submitted_at, EmployerProfile.id)
    ))


def waiting_offers(session: Session) -> list[Offer]:
    return list(session.scalars(
        select(Offer).where(Offer.status == "in_review")
        .options(selectinload(Offer.profile), selectinload(Offer.offer_type))
        .order_by(Offer.submitted_at, Offer.id)
    ))


@dataclass
class Waiting:
    """What waits for review in one region (``region`` ``None``: outside every region)."""

    region: Region | None
    profiles: list[EmployerProfile] = field(default_factory=list)
    offers: list[Offer] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.profiles) + len(self.offers)


def waiting_by_region(session: Session) -> list[Waiting]:
    """What waits, grouped by region (regions by name, then the items without region)."""
    by_id: dict[int | None, Waiting] = {}
    regions = {r.id: r for r in session.scalars(select(Region))}

    def bucket(region_id: int | None) -> Waiting:
        key = region_id if region_id in regions else None
        return by_id.setdefault(key, Waiting(regions.get(key)))

    for profile in waiting_profiles(session):
        bucket(profile.region_id).profiles.append(profile)
    for offer in waiting_offers(session):
        bucket(offer.profile.region_id).offers.append(offer)
    return sorted(by_id.values(), key=lambda w: (w.region is None,
                                                 w.region.name if w.region else "",
                                                 w.region.id if w.region else 0))


def _day(value) -> str:
    return value.strftime("%d.%m.%Y") if value else "–"


def summary_text(waiting: Waiting, today: date, links: Links) -> tuple[str, str]:
    """Subject and text of one region's summary (German)."""
    lines: list[str] = []
    if waiting.profiles:
        lines.append(_("Arbeitgeberprofile (%(n)s):", n=len(waiting.profiles)))
        lines += [_("- %(name)s, eingereicht am %(date)s", name=p.display_name,
                    date=_day(p.submitted_at)) for p in waiting.profiles]
        lines.append("")
    if waiting.offers:
        lines.append(_("Angebote (%(n)s):", n=len(waiting.offers)))
        lines += [_("- „%(title)s“ von %(company)s, eingereicht am %(date)s", title=o.title,
                    company=o.profile.display_name, date=_day(o.submitted_at))
                  for o in waiting.offers]
        lines.append("")
    subject = _("KWIS.job: %(n)s Einreichungen warten auf Prüfung (%(region)s, %(date)s)",
                n=waiting.count, region=waiting.region.name, date=_day(today))
    text = _(
        "Guten Tag,\n\nin der Region %(region)s warten heute %(n)s Einreichungen auf Ihre "
        "Prüfung:\n\n%(items)s\nZur Prüfung (nach der Anmeldung):\n%(link)s\n\n"
        "Diese Übersicht kommt einmal am Tag, solange etwas auf Prüfung wartet.\n\n—\nKWIS.job",
        region=waiting.region.name, n=waiting.count, items="\n".join(lines),
        link=links.review_queue(),
    )
    return subject, text


def summary_key(region_id: int, today: date) -> str:
    return f"review-summary:{region_id}:{today.isoformat()}"


@dataclass(frozen=True)
class SummaryResult:
    queued: int
    """Mails queued by this run."""
    already: int
    """Regions whose summary of the day was queued by an earlier run."""
    without_address: list[str]
    """Names of regions with waiting items but no contact address."""
    outside_regions: int
    """Waiting items of companies outside every region (no agency to tell)."""


def queue_summaries(session: Session, today: date, *, links: Links | None) -> SummaryResult:
    """Queue each region's summary of the day, once (idempotent per region and day).

    Regions where nothing waits get no mail. A concurrent run may still insert the same key
    first; the caller's commit then fails on the unique ``dedupe_key`` and nothing is doubled.
    """
    links = required(links)
    queued = already = outside = 0
    without_address: list[str] = []
    for waiting in waiting_by_region(session):
        if waiting.region is None:
            outside += waiting.count
            continue
        addresses = usable_addresses([waiting.region.contact_email])
        if not addresses:
            without_address.append(waiting.region.name)
            continue
        key = summary_key(waiting.region.id, today)
        if session.scalar(select(OutboxMail.id).where(OutboxMail.dedupe_key == key)):
            already += 1
            continue
        with i18n.force_locale(MAIL_LOCALE):
            subject, text = summary_text(waiting, today, links)
        outbox.queue(session, to=addresses[0], subject=subject, text=text, kind=SUMMARY_KIND,
                     region_id=waiting.region.id, dedupe_key=key)
        queued += 1
    return SummaryResult(queued, already, without_address, outside)
