"""What the company and the public see of an offer: hints, the list of the tab, the page body.

Read-only views over the working copy or a snapshot, for the templates: the youth-protection
and date hints after saving, staleness and visibility, the tab's overview with views and
possible actions, and ``public_view`` for ``_offer_body.html``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..i18n import gettext as _
from ..models import (
    DailyCounter,
    EmployerProfile,
    OccupationalField,
    Offer,
    OfferType,
    TargetGroup,
)
from . import profiles, publication, sanitize, staleness
from .offer_input import URL_RE
from .offer_timing import Timing, date_text, next_text, time_text
from .offers import allowed_actions
from .regions import region_by_id

HOLIDAY_WORK_DAYS_MAX = 20
"""§ 5 Abs. 4 JArbSchG: pupils may do holiday work for at most four weeks a calendar year."""
CHILD_AGE = 15
PUPILS = "schueler"
HOLIDAY_JOB = "ferienjob"
TRAINING_TYPES = frozenset({"ausbildungsplatz", "duales-studium"})
"""Training contracts fall under other JArbSchG rules than holiday work; no 20-day hint."""
VIEW_METRIC = "offer_view"


def view_counts(session: Session, offer_ids: Sequence[int]) -> dict[int, int]:
    """Views per offer from the indicator counters (metric ``offer_view``, ``offer:<id>``)."""
    if not offer_ids:
        return {}
    subjects = {f"offer:{i}": i for i in offer_ids}
    rows = session.execute(
        select(DailyCounter.subject, func.sum(DailyCounter.value))
        .where(DailyCounter.metric == VIEW_METRIC, DailyCounter.subject.in_(list(subjects)))
        .group_by(DailyCounter.subject)
    ).all()
    return {subjects[subject]: int(total or 0) for subject, total in rows}


def is_stale(offer: Offer, now: datetime, stale_after_days: int) -> bool:
    return offer.status != "archived" and offer.updated_at is not None and (
        offer.updated_at < now - timedelta(days=stale_after_days)
    )


def is_visible(offer: Offer, profile: EmployerProfile) -> bool:
    """Public only while its own release and its profile's release are both public."""
    return publication.is_public(offer) and publication.is_public(profile)


@dataclass
class Hint:
    code: str
    message: str


def hints(offer: Offer, profile: EmployerProfile, today: date) -> list[Hint]:
    """Helpful rules, never walls: shown after saving, none of them blocks anything."""
    found: list[Hint] = []
    timing = Timing.of_offer(offer)
    type_key = offer.offer_type.key if offer.offer_type else None
    pupils = any(g.key == PUPILS for g in offer.target_groups)
    if type_key == HOLIDAY_JOB and offer.min_age is not None and offer.min_age < CHILD_AGE:
        found.append(Hint("jarbschg_child", _(
            "Jugendarbeitsschutz: Kinder unter 15 Jahren dürfen nur mit Einwilligung der "
            "Personensorgeberechtigten und nur mit leichten, für sie geeigneten Tätigkeiten "
            "beschäftigt werden, höchstens zwei Stunden täglich und nicht zwischen 18 und 8 Uhr "
            "(§ 5 JArbSchG). Schülerinnen und Schüler ab 15 Jahren dürfen in den Schulferien "
            "höchstens vier Wochen (20 Arbeitstage) im Kalenderjahr arbeiten "
            "(§ 5 Abs. 4 JArbSchG)."
        )))
    days = timing.planned_working_days(today)
    if pupils and type_key not in TRAINING_TYPES and days > HOLIDAY_WORK_DAYS_MAX:
        found.append(Hint("jarbschg_days", _(
            "Jugendarbeitsschutz: Der angegebene Zeitraum umfasst %(days)s Arbeitstage. "
            "Schülerinnen und Schüler dürfen in den Schulferien höchstens vier Wochen "
            "(20 Arbeitstage) im Kalenderjahr arbeiten (§ 5 Abs. 4 JArbSchG). Bitte planen Sie "
            "den Einsatz entsprechend.", days=days,
        )))
    if offer.status != "archived" and timing.is_past(today):
        found.append(Hint("past", _(
            "Der Termin dieses Angebots liegt in der Vergangenheit. Soll es jedes Jahr "
            "wiederkehren, oder möchten Sie es archivieren?"
        )))
    if offer.status != "archived" and timing.is_expired(today):
        found.append(Hint("expired", _(
            "Das Angebot war nur bis %(date)s gültig. Ändern Sie das Datum „Gültig bis“ oder "
            "archivieren Sie das Angebot.", date=date_text(timing.valid_until),
        )))
    if offer.lat is None or offer.lon is None:
        found.append(Hint("locate_later", _(
            "Den Ort konnten wir noch nicht auf der Karte finden. Er wird später verortet; "
            "bis dahin erscheint das Angebot nicht in der Umkreissuche."
        )))
    if staleness.is_hidden(offer):
        found.append(Hint("stale_hidden", _(
            "Dieses Angebot ist zurzeit nicht im Portal zu sehen, weil auf unsere Erinnerung, "
            "ob es noch aktuell ist, keine Antwort kam. Bestätigen Sie es in der Liste Ihrer "
            "Angebote als aktuell, oder ändern Sie es: Dann ist es sofort wieder sichtbar."
        )))
    if staleness.is_hidden(profile):
        found.append(Hint("profile_hidden", _(
            "Ihr Arbeitgeberprofil ist zurzeit nicht im Portal zu sehen, weil auf unsere "
            "Erinnerung keine Antwort kam. Bestätigen Sie es im Tab „Arbeitgeberprofil“ als "
            "aktuell; dann sind auch Ihre Angebote wieder sichtbar."
        )))
    elif not publication.is_public(profile):
        found.append(Hint("profile_unpublished", _(
            "Ihr Arbeitgeberprofil ist noch nicht veröffentlicht. Angebote werden erst sichtbar, "
            "wenn auch das Profil veröffentlicht ist."
        )))
    return found


@dataclass
class OfferRow:
    offer: Offer
    views: int | None
    time_text: str
    next_text: str | None
    notes: list[str]
    actions: frozenset[str]
    stale: bool
    past: bool
    needs_review: bool
    hidden: bool = False
    """Taken off the portal by an unanswered staleness reminder (``services.staleness``)."""


@dataclass
class Overview:
    profile: EmployerProfile | None
    rows: list[OfferRow]
    profile_public: bool = False
    stale_after_days: int | None = None
    """The region's staleness period (``staleness.period_days``)."""


def overview(session: Session, customer_id: int, today: date, now: datetime,
             stale_after_days: int) -> Overview:
    """The list of the tab: every offer with its period, views, notes and possible actions.

    ``stale_after_days`` is the installation's period; the profile's region may set its own
    (``staleness.period_days``)."""
    profile = profiles.profile_for_customer(session, customer_id)
    if profile is None:
        return Overview(None, [])
    offers = profiles.offers_for_customer(session, customer_id)
    counts = view_counts(session, [o.id for o in offers])
    profile_public = publication.is_public(profile)
    region = region_by_id(session, profile.region_id)
    stale_after_days = staleness.period_days(region, stale_after_days)
    rows = []
    for offer in offers:
        timing = Timing.of_offer(offer)
        notes = []
        pending = offer.status == "draft" and offer.published_snapshot is not None
        if pending:
            notes.append(_("Öffentlich ist die zuletzt freigegebene Fassung; Ihre Änderungen "
                           "sind noch nicht eingereicht."))
        if offer.status == "in_review" and offer.published_snapshot is not None:
            notes.append(_("Öffentlich ist die zuletzt freigegebene Fassung, bis die Prüfung "
                           "abgeschlossen ist."))
        hidden = staleness.is_hidden(offer)
        if hidden:
            notes.append(_("Nicht im Portal zu sehen: Auf unsere Erinnerung vom %(date)s, ob es "
                           "noch aktuell ist, kam keine Antwort. Bestätigen oder ändern Sie es, "
                           "dann ist es sofort wieder sichtbar.",
                           date=_day(offer.stale_notified_at)))
        elif offer.stale_notified_at is not None:
            notes.append(_("Wir haben am %(date)s gefragt, ob es noch aktuell ist. Ohne Antwort "
                           "nehmen wir es am %(hide)s aus dem Portal.",
                           date=_day(offer.stale_notified_at),
                           hide=_day(offer.stale_notified_at
                                     + timedelta(days=stale_after_days))))
        if (offer.status in ("published", "in_review") or pending) and not profile_public:
            if staleness.is_hidden(profile):
                notes.append(_("Nicht im Portal zu sehen, solange Ihr Arbeitgeberprofil nicht "
                               "als aktuell bestätigt ist."))
            else:
                notes.append(_("Wird sichtbar, sobald Ihr Arbeitgeberprofil veröffentlicht "
                               "ist."))
        if offer.status == "draft" and offer.review_comment:
            notes.append(_("Hinweis aus der Prüfung: %(comment)s", comment=offer.review_comment))
        stale = is_stale(offer, now, stale_after_days) or hidden
        if stale and not hidden:
            notes.append(_("Seit über %(days)s Tagen nicht geändert. Ist das Angebot noch "
                           "aktuell?", days=stale_after_days))
        past = offer.status != "archived" and timing.is_past(today)
        if past:
            notes.append(_("Der Termin liegt in der Vergangenheit."))
        elif offer.status != "archived" and timing.is_expired(today):
            notes.append(_("Die Gültigkeit ist abgelaufen."))
        released = offer.published_snapshot is not None
        rows.append(OfferRow(
            offer=offer,
            views=counts.get(offer.id, 0) if released else None,
            time_text=time_text(timing),
            next_text=next_text(timing.next(today), today) if timing.time_mode == "yearly"
            else None,
            notes=notes,
            actions=allowed_actions(offer) | ({"confirm"} if stale else frozenset()),
            stale=stale,
            past=past,
            needs_review=publication.needs_review(offer, region),
            hidden=hidden,
        ))
    return Overview(profile, rows, profile_public, stale_after_days)


def _day(moment: datetime | None) -> str:
    return moment.strftime("%d.%m.%Y") if moment else "–"


def public_view(session: Session, snapshot: dict[str, Any], today: date) -> dict[str, Any]:
    """What ``_offer_body.html`` renders: a snapshot with taxonomy names and the next time."""
    type_name = session.scalar(select(OfferType.name).where(OfferType.key == snapshot.get("type")))
    group_keys, field_keys = snapshot.get("target_groups") or [], snapshot.get("fields") or []
    groups = dict(session.execute(
        select(TargetGroup.key, TargetGroup.name).where(TargetGroup.key.in_(group_keys))
    ).all()) if group_keys else {}
    fields = dict(session.execute(
        select(OccupationalField.key, OccupationalField.name)
        .where(OccupationalField.key.in_(field_keys))
    ).all()) if field_keys else {}
    timing = Timing.of_snapshot(snapshot)
    period = timing.next(today)
    url = (snapshot.get("apply") or {}).get("url")
    return {
        **snapshot,
        "description_html": sanitize.clean_html(snapshot.get("description_html")),
        "apply": snapshot.get("apply") or {},
        "place": snapshot.get("place") or {},
        "apply_url": url if url and URL_RE.match(url) else None,
        "type_name": type_name or "",
        "target_group_names": [groups[k] for k in group_keys if k in groups],
        "field_names": [fields[k] for k in field_keys if k in fields],
        "time_text": time_text(timing),
        "next_period": period,
        "next_text": next_text(period, today),
        "valid_until_text": date_text(timing.valid_until) if timing.valid_until else None,
    }
