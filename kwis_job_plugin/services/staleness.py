"""Keeping the portal current with little upkeep: the "still current?" reminder, then hiding.

The timeline of a profile or an offer that is on the portal, in a region whose portal is on,
with P the region's period (``period_days``: ``Region.stale_after_days``, else the
installation's ``KWIS_JOB_STALE_AFTER_DAYS``):

1. Not changed for P days (``updated_at``): one reminder mail to the company (``run``), with a
   one-click "still current" link and a link into the tab; ``stale_notified_at`` is the day of
   the run (midnight, naive UTC like every stamp here).
2. P more days without an answer: ``stale_hidden_at``, so it leaves every public place
   (``publication.is_public`` and its SQL twin ``public_conditions``; the search index is
   refreshed at once) and the company is told by mail, with a fresh link. Kept, not deleted,
   and no status change: the company's own status stays as the company left it.
3. Confirming (the tab's button or the link: ``profiles.confirm_current``,
   ``offers.confirm_current``: ``touch``) or saving, submitting or any other change the
   company makes (``answer``) clears both stamps, and it is back at once.

``run`` is meant for a daily timer (``kwis-job stale run``) and is idempotent: the stamps decide
what is due, so a second run the same day finds nothing; each mail also has an outbox
``dedupe_key``, so two runs racing each other fail on the unique key instead of mailing twice.
Writing a stamp never counts as a change: the stamps are written with ``updated_at`` and
``version`` kept as they are (``_stamp``), so a reminder neither restarts the clock nor turns
the company's open form into an edit conflict.

The link carries a signed token (itsdangerous, the app's ``SECRET_KEY`` with a salt of its own,
as the public forms sign theirs; no table) naming the kind, the id, the moment of the reminder
and when it was issued. ``check_link`` refuses, with a German message, a forged token, one older
than the period, one of an older reminder, and one whose content was changed or confirmed since
(the stamp it names is gone). Links come from the caller (``Links``:
``views.still_current.links()`` or ``offline_links``); no Flask here. Mails are German.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import i18n
from ..i18n import gettext as _
from ..models import EmployerProfile, Offer, OutboxMail, Region
from ..models.base import utcnow
from . import audit, features, publication, review_mails, search_index
from .errors import ValidationError
from .mail import outbox

DAYS_MIN, DAYS_MAX = 30, 1095
"""The range an admin may set per region (a month to three years)."""
SALT = "kwis-job.still-current"
TOKEN_MAX = 200
"""Longer input is no token of ours (and no route value: ``request_input.ROUTE_VALUE_MAX``)."""
PROFILE, OFFER = "profile", "offer"
KINDS = {PROFILE: EmployerProfile, OFFER: Offer}
REMINDER_KIND, HIDDEN_KIND = "stale.reminder", "stale.hidden"
MAIL_LOCALE = "de"
_STAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")


class Links(Protocol):
    """Absolute URLs for the mails (built by ``views/still_current.py``)."""

    def still_current(self, token: str) -> str:
        """The public page of the one-click link."""
        ...

    def profile_tab(self) -> str:
        """The company's profile tab."""
        ...

    def offer(self, offer_id: int) -> str:
        """The company's view of one of its offers, in the offers tab."""
        ...


# --- the period ----------------------------------------------------------------------------------


def period_days(region: Region | None, default_days: int) -> int:
    """The region's period, else the installation's (``KWIS_JOB_STALE_AFTER_DAYS``)."""
    if region is not None and region.stale_after_days:
        return int(region.stale_after_days)
    return int(default_days)


def set_stale_after_days(session: Session, region: Region, days: int | str | None, *,
                         actor_user_id: int | None) -> bool:
    """Set the region's period: ``DAYS_MIN``..``DAYS_MAX`` days, or empty (``None``/"") for the
    installation's default. ``ValidationError`` at ``stale_after_days`` otherwise; a change is
    audited with before and after. Return whether anything changed. Flushes, never commits."""
    value = _checked_days(days)
    before = region.stale_after_days
    if before == value:
        return False
    region.stale_after_days = value
    audit.record(session, "region.stale_after_days_changed", "region", region.id,
                 actor_user_id=actor_user_id, region_id=region.id,
                 details=audit.changes({"stale_after_days": before},
                                       {"stale_after_days": value},
                                       shown=("stale_after_days",)))
    session.flush()
    return True


def _checked_days(days: int | str | None) -> int | None:
    if days is None or (isinstance(days, str) and not days.strip()):
        return None
    if isinstance(days, str):
        text = days.strip()
        number = int(text) if text.isascii() and text.isdigit() and len(text) <= 5 else None
    else:
        number = days if isinstance(days, int) and not isinstance(days, bool) else None
    if number is None or not DAYS_MIN <= number <= DAYS_MAX:
        raise ValidationError({"stale_after_days": _(
            "Bitte geben Sie eine ganze Zahl von %(min)s bis %(max)s Tagen an, oder lassen Sie "
            "das Feld leer für die Voreinstellung.", min=DAYS_MIN, max=DAYS_MAX)})
    return number


# --- stamps --------------------------------------------------------------------------------------


def is_hidden(obj: EmployerProfile | Offer) -> bool:
    return obj.stale_hidden_at is not None


def clear(obj: EmployerProfile | Offer) -> bool:
    """Forget the reminder and bring hidden content back (no flush); return whether it was
    hidden, so the caller refreshes the search index after its flush."""
    was_hidden = obj.stale_hidden_at is not None
    obj.stale_notified_at = None
    obj.stale_hidden_at = None
    return was_hidden


def touch(obj: EmployerProfile | Offer, now: datetime | None = None) -> bool:
    """The company answered ("still current", or it saved or submitted): the content counts as
    changed ``now`` and both stamps are cleared; return whether it was hidden."""
    obj.updated_at = now or utcnow()
    return clear(obj)


def answer(obj: EmployerProfile | Offer) -> bool:
    """The company saved, submitted or otherwise changed the content: if a reminder waits (or
    took it off the portal), that answers it (``touch``). Return whether it was hidden, so the
    caller refreshes the search index after its flush (unless it does anyway)."""
    if obj.stale_notified_at is None and obj.stale_hidden_at is None:
        return False
    return touch(obj)


def _stamp(session: Session, obj: EmployerProfile | Offer, **values: Any) -> None:
    """Write stamps without touching ``updated_at`` (the clock) or ``version`` (the company's
    open form stays valid): a plain UPDATE that sets ``updated_at`` to itself, so its
    ``onupdate`` does not fire; then the object is read again."""
    table = type(obj).__table__
    session.execute(
        update(table).where(table.c.id == obj.id).values(updated_at=table.c.updated_at, **values)
    )
    session.refresh(obj)


def reindex(session: Session, obj: EmployerProfile | Offer) -> None:
    """The search index after visibility changed (a profile carries its offers along)."""
    search_index.refresh(session, obj)


# --- the link's token ----------------------------------------------------------------------------


def _serializer(secret_key: str) -> URLSafeSerializer:
    if not secret_key:
        raise RuntimeError("The still-current link needs the app's SECRET_KEY: pass secret_key=.")
    return URLSafeSerializer(secret_key, salt=SALT)


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def issue_token(secret_key: str, kind: str, item_id: int, notified_at: datetime,
                issued_at: datetime) -> str:
    """A signed token for the link: which content, which reminder, issued when."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    return _serializer(secret_key).dumps(
        {"k": kind, "i": item_id, "n": _iso(notified_at), "t": _iso(issued_at)})


class LinkRefused(Exception):
    """The link does not (or no longer) work; ``message`` says why, in German; ``status`` is
    the HTTP status the page answers with (404 unknown or forged, 410 expired or done)."""

    def __init__(self, reason: str, message: str, status: int):
        super().__init__(reason)
        self.reason, self.message, self.status = reason, message, status


@dataclass(frozen=True)
class Claim:
    kind: str
    item_id: int
    notified_at: datetime
    issued_at: datetime


def _invalid() -> LinkRefused:
    return LinkRefused("invalid", _(
        "Dieser Link ist ungültig. Bitte öffnen Sie den Link aus der E-Mail vollständig, oder "
        "melden Sie sich an und bestätigen Sie die Angaben in Ihrem Tab."), 404)


def read_token(secret_key: str, token: str | None) -> Claim:
    """The claim of a genuine token; ``LinkRefused`` ("invalid") for anything else."""
    if not token or len(token) > TOKEN_MAX or not token.isascii():
        raise _invalid()
    try:
        data = _serializer(secret_key).loads(token)
    except BadSignature:
        raise _invalid() from None
    if not isinstance(data, dict) or data.get("k") not in KINDS:
        raise _invalid()
    item_id, notified, issued = data.get("i"), data.get("n"), data.get("t")
    if not (isinstance(item_id, int) and not isinstance(item_id, bool) and 0 < item_id < 2**31
            and all(isinstance(v, str) and _STAMP_RE.match(v) for v in (notified, issued))):
        raise _invalid()
    try:
        return Claim(data["k"], item_id, datetime.fromisoformat(notified),
                     datetime.fromisoformat(issued))
    except ValueError:
        raise _invalid() from None


@dataclass(frozen=True)
class Target:
    """What a working link is about, for its page and for the confirmation."""

    kind: str
    item: EmployerProfile | Offer
    profile: EmployerProfile
    title: str
    company_name: str
    hidden: bool
    notified_at: datetime
    last_change: datetime | None
    period: int


def _profile_of(obj: EmployerProfile | Offer) -> EmployerProfile:
    return obj if isinstance(obj, EmployerProfile) else obj.profile


def _title(obj: EmployerProfile | Offer) -> str:
    if isinstance(obj, EmployerProfile):
        return (obj.published_snapshot or {}).get("display_name") or obj.display_name
    return (obj.published_snapshot or {}).get("title") or obj.title


def check_link(session: Session, secret_key: str, token: str | None, *, now: datetime,
               default_days: int) -> Target:
    """What the link is about, if it still works; ``LinkRefused`` otherwise.

    A link works for one period (the region's) after it was issued, and only while the reminder
    it names is the content's current one: a change or a confirmation clears the stamp, a later
    reminder replaces it, so an older link is refused and never confirms newer content."""
    claim = read_token(secret_key, token)
    item = session.get(KINDS[claim.kind], claim.item_id, populate_existing=True)
    if item is None:
        raise _invalid()
    profile = _profile_of(item)
    region = session.get(Region, profile.region_id) if profile.region_id else None
    period = period_days(region, default_days)
    if now > claim.issued_at + timedelta(days=period):
        raise LinkRefused("expired", _(
            "Dieser Link ist abgelaufen. Bitte melden Sie sich an und bestätigen Sie die "
            "Angaben in Ihrem Tab, oder ändern Sie sie dort."), 410)
    if item.stale_notified_at is None or _iso(item.stale_notified_at) != _iso(claim.notified_at):
        raise LinkRefused("superseded", _(
            "Dieser Link gehört zu einer älteren Erinnerung, oder die Angaben wurden seitdem "
            "geändert oder bestätigt. Es ist nichts weiter zu tun; den aktuellen Stand sehen "
            "Sie nach der Anmeldung in Ihrem Tab."), 410)
    return Target(claim.kind, item, profile, _title(item),
                  (profile.published_snapshot or {}).get("display_name") or profile.display_name,
                  is_hidden(item), item.stale_notified_at, item.updated_at, period)


# --- the daily run -------------------------------------------------------------------------------


@dataclass
class RunResult:
    reminded: int = 0
    """Reminder mails queued."""
    hidden: int = 0
    """Profiles and offers taken off the portal (each with its mail)."""
    reset: int = 0
    """Reminders forgotten because the content was changed in another way since."""
    without_address: list[str] = field(default_factory=list)
    """Companies that could not be reminded (no usable address): nothing stamped, never
    hidden, since nobody was asked."""


def midnight(day: date) -> datetime:
    return datetime.combine(day, time.min)


def _day(moment: datetime | date | None) -> str:
    return moment.strftime("%d.%m.%Y") if moment else "–"


def _released(model: Any) -> tuple[Any, ...]:
    """Released and not set offline by the company (hidden or not)."""
    return (model.published_snapshot.is_not(None),
            model.status.not_in(publication.OFFLINE_STATUSES))


def _due_reminders(session: Session, region_id: int, cutoff: datetime
                   ) -> list[EmployerProfile | Offer]:
    """On the portal now and not changed since ``cutoff``, not yet reminded."""
    profiles = session.scalars(
        select(EmployerProfile).where(
            EmployerProfile.region_id == region_id,
            *publication.public_conditions(EmployerProfile),
            EmployerProfile.stale_notified_at.is_(None),
            EmployerProfile.updated_at < cutoff,
        ).order_by(EmployerProfile.id).execution_options(populate_existing=True)
    ).all()
    offers = session.scalars(
        select(Offer).join(EmployerProfile, Offer.profile_id == EmployerProfile.id).where(
            EmployerProfile.region_id == region_id,
            *publication.public_conditions(EmployerProfile),
            *publication.public_conditions(Offer),
            Offer.stale_notified_at.is_(None),
            Offer.updated_at < cutoff,
        ).order_by(Offer.id).execution_options(populate_existing=True)
    ).all()
    return [*profiles, *offers]


def _due_hiding(session: Session, region_id: int, cutoff: datetime
                ) -> list[EmployerProfile | Offer]:
    """Reminded on or before ``cutoff``, not answered, still released, not hidden yet."""
    profiles = session.scalars(
        select(EmployerProfile).where(
            EmployerProfile.region_id == region_id,
            *_released(EmployerProfile),
            EmployerProfile.stale_hidden_at.is_(None),
            EmployerProfile.stale_notified_at <= cutoff,
        ).order_by(EmployerProfile.id).execution_options(populate_existing=True)
    ).all()
    offers = session.scalars(
        select(Offer).join(EmployerProfile, Offer.profile_id == EmployerProfile.id).where(
            EmployerProfile.region_id == region_id,
            *_released(Offer),
            Offer.stale_hidden_at.is_(None),
            Offer.stale_notified_at <= cutoff,
        ).order_by(Offer.id).execution_options(populate_existing=True)
    ).all()
    return [*profiles, *offers]


def _kind(obj: EmployerProfile | Offer) -> str:
    return PROFILE if isinstance(obj, EmployerProfile) else OFFER


def dedupe_key(mail_kind: str, obj: EmployerProfile | Offer, notified_at: datetime) -> str:
    return f"{mail_kind}:{_kind(obj)}:{obj.id}:{notified_at.date().isoformat()}"


def _what(obj: EmployerProfile | Offer) -> str:
    if isinstance(obj, EmployerProfile):
        return _("Ihr Arbeitgeberprofil „%(name)s“", name=_title(obj))
    return _("Ihr Angebot „%(title)s“", title=_title(obj))


def _tab_link(obj: EmployerProfile | Offer, links: Links) -> str:
    return links.profile_tab() if isinstance(obj, EmployerProfile) else links.offer(obj.id)


def reminder_text(obj: EmployerProfile | Offer, *, period: int, confirm_url: str,
                  tab_url: str, hide_on: date) -> tuple[str, str]:
    """Subject and text of the reminder (German)."""
    subject = (_("Noch aktuell? Ihr Arbeitgeberprofil") if isinstance(obj, EmployerProfile)
               else _("Noch aktuell? %(title)s", title=_title(obj)))
    text = _(
        "Guten Tag,\n\n%(what)s im Portal wurde seit mehr als %(days)s Tagen nicht geändert "
        "(zuletzt am %(date)s). Stimmt noch alles?\n\n"
        "Wenn ja, genügt ein Klick – ohne Anmeldung:\n%(confirm)s\n\n"
        "Wenn sich etwas geändert hat, passen Sie es bitte hier an (nach der Anmeldung):\n"
        "%(tab)s\n\n"
        "Ohne Antwort nehmen wir es ab dem %(hide)s aus dem Portal. Gelöscht wird nichts: Mit "
        "dem Link oben oder einer Änderung ist es sofort wieder sichtbar.\n\n%(signature)s",
        what=_what(obj), days=period, date=_day(obj.updated_at), confirm=confirm_url,
        tab=tab_url, hide=_day(hide_on), signature=review_mails.SIGNATURE,
    )
    return subject, text


def hidden_text(obj: EmployerProfile | Offer, *, notified_at: datetime, confirm_url: str,
                tab_url: str) -> tuple[str, str]:
    """Subject and text of the mail that says the content left the portal (German)."""
    subject = (_("Aus dem Portal genommen: Ihr Arbeitgeberprofil")
               if isinstance(obj, EmployerProfile)
               else _("Aus dem Portal genommen: %(title)s", title=_title(obj)))
    offers_too = _(" Solange es nicht sichtbar ist, erscheinen auch Ihre Angebote nicht.") \
        if isinstance(obj, EmployerProfile) else ""
    text = _(
        "Guten Tag,\n\nam %(date)s haben wir Sie gefragt, ob %(what)s noch aktuell ist. Da wir "
        "keine Antwort bekommen haben, ist es ab heute nicht mehr im Portal zu sehen.%(offers)s "
        "Gelöscht ist nichts.\n\n"
        "Stimmt noch alles, bringt es ein Klick zurück – ohne Anmeldung:\n%(confirm)s\n\n"
        "Oder passen Sie es hier an (nach der Anmeldung); mit der Änderung ist es wieder "
        "sichtbar:\n%(tab)s\n\n%(signature)s",
        date=_day(notified_at), what=_what(obj), offers=offers_too, confirm=confirm_url,
        tab=tab_url, signature=review_mails.SIGNATURE,
    )
    return subject, text


def _address(session: Session, obj: EmployerProfile | Offer) -> str | None:
    """One address per mail: the first of ``review_mails.company_addresses`` (the profile's
    contact, else the company's first account)."""
    found = review_mails.company_addresses(session, _profile_of(obj))
    return found[0] if found else None


def _queued(session: Session, key: str) -> bool:
    return session.scalar(select(OutboxMail.id).where(OutboxMail.dedupe_key == key)) is not None


def _remind(session: Session, obj: EmployerProfile | Offer, stamp: datetime, period: int, *,
            links: Links, secret_key: str, now: datetime, result: RunResult) -> None:
    address = _address(session, obj)
    if address is None:
        result.without_address.append(_profile_of(obj).display_name)
        return
    key = dedupe_key(REMINDER_KIND, obj, stamp)
    _stamp(session, obj, stale_notified_at=stamp)
    if _queued(session, key):
        return
    token = issue_token(secret_key, _kind(obj), obj.id, stamp, now)
    with i18n.force_locale(MAIL_LOCALE):
        subject, text = reminder_text(
            obj, period=period, confirm_url=links.still_current(token),
            tab_url=_tab_link(obj, links), hide_on=(stamp + timedelta(days=period)).date())
    outbox.queue(session, to=address, subject=subject, text=text, kind=REMINDER_KIND,
                 region_id=_profile_of(obj).region_id, dedupe_key=key)
    result.reminded += 1


def _hide(session: Session, obj: EmployerProfile | Offer, stamp: datetime, *, links: Links,
          secret_key: str, now: datetime, result: RunResult) -> None:
    notified = obj.stale_notified_at
    if obj.updated_at is not None and notified is not None and obj.updated_at > notified:
        # Changed since the reminder by a path that did not answer it (a review decision, the
        # host's master data): the clock restarted, so the reminder is forgotten, not acted on.
        _stamp(session, obj, stale_notified_at=None)
        result.reset += 1
        return
    _stamp(session, obj, stale_hidden_at=stamp)
    reindex(session, obj)
    audit.record(session, f"{type(obj).__name__.lower()}.stale_hidden", type(obj).__name__.lower(),
                 obj.id, region_id=_profile_of(obj).region_id,
                 details={"reminded_on": notified.date().isoformat() if notified else None})
    result.hidden += 1
    address = _address(session, obj)
    key = dedupe_key(HIDDEN_KIND, obj, notified or stamp)
    if address is None or _queued(session, key):
        return
    token = issue_token(secret_key, _kind(obj), obj.id, notified or stamp, now)
    with i18n.force_locale(MAIL_LOCALE):
        subject, text = hidden_text(obj, notified_at=notified or stamp,
                                    confirm_url=links.still_current(token),
                                    tab_url=_tab_link(obj, links))
    outbox.queue(session, to=address, subject=subject, text=text, kind=HIDDEN_KIND,
                 region_id=_profile_of(obj).region_id, dedupe_key=key)


def portal_regions(session: Session) -> list[Region]:
    ids = features.enabled_region_ids(session, "portal")
    if not ids:
        return []
    return list(session.scalars(select(Region).where(Region.id.in_(sorted(ids)))
                                .order_by(Region.id)))


def run(session: Session, today: date, *, default_days: int, links: Links | None,
        secret_key: str, now: datetime | None = None,
        regions: Iterable[Region] | None = None) -> RunResult:
    """One daily run over every region whose portal is on: hide what a reminder one period ago
    left unanswered, then remind what is due (see the module docstring). Flushes, never
    commits; a second run the same day finds nothing to do. ``now`` (default: now) is when
    the links are issued; ``today`` decides what is due."""
    if links is None:
        raise RuntimeError(
            "The staleness run mails links but got links=None: pass links= "
            "(views.still_current.links() in an app context, offline_links(...) without one).")
    _serializer(secret_key)  # fail before anything is written
    now = now or utcnow()
    stamp = midnight(today)
    result = RunResult()
    for region in regions if regions is not None else portal_regions(session):
        period = period_days(region, default_days)
        cutoff = stamp - timedelta(days=period)
        for obj in _due_hiding(session, region.id, cutoff):
            _hide(session, obj, stamp, links=links, secret_key=secret_key, now=now,
                  result=result)
        for obj in _due_reminders(session, region.id, cutoff):
            _remind(session, obj, stamp, period, links=links, secret_key=secret_key, now=now,
                    result=result)
    session.flush()
    return result
