"""``kwis-job alerts send``: each confirmed subscriber whose period has come gets what is new.

Why a digest is never sent twice: one transaction writes, for a batch of subscribers, each
one's ``AlertDigest`` row (unique per subscriber and period), outbox row and new
``last_sent_at``, and commits. A run that dies before the commit leaves nothing of that batch
behind, so a rerun does it again, once; a rerun after the commit finds the digest rows and
skips. Two runs at once
meet at the unique row: the loser rolls back and skips. Delivery is then the outbox's
(``services/mail/sender.py``).

What is new: offers on the portal now (``search.current_conditions``, in regions with the portal
and alerts on) published after the subscriber's last digest (or confirmation), in the chosen
regions, types and fields (none chosen: all); events published since, if chosen, not over yet.
Grouped by region, then by offer type; at most ``PER_GROUP`` items a group with the number of
the others. Nothing new: the period is recorded without a mail.

The new items are read once per run, bucketed by (region, type) and sorted by publication, so a
subscriber costs a few bisections, not a scan of all offers.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...i18n import force_locale
from ...i18n import gettext as _
from ...models import (
    AlertDigest,
    AlertSubscription,
    Event,
    Offer,
    OfferType,
    Region,
    SearchDoc,
    SearchFacet,
)
from .. import features, search
from ..mail import outbox
from .periods import is_due, period_of
from .subscriptions import KIND, unsubscribe_token

PER_GROUP = 10
FEATURE = "alerts"
BATCH = 100
"""Subscribers per commit: one fsync per subscriber would be most of a large run's time."""


@dataclass(frozen=True)
class DigestLinks:
    offer: Callable[[int, str], str]
    event: Callable[[int, str], str]
    unsubscribe: Callable[[str], str]
    """From the signed unsubscribe token to the link (the page and the one-click POST)."""


@dataclass(frozen=True)
class Item:
    published_at: datetime
    id: int
    title: str
    company: str
    city: str | None
    url: str
    fields: frozenset[str] = frozenset()


@dataclass
class RunResult:
    queued: int = 0
    empty: int = 0
    """Periods recorded without a mail (nothing new)."""
    skipped: int = 0
    """Digests another run had already written."""
    not_due: int = 0


@dataclass
class _News:
    offers: dict[tuple[int, str], list[Item]] = field(default_factory=dict)
    events: dict[int, list[Item]] = field(default_factory=dict)
    region_names: dict[int, str] = field(default_factory=dict)
    type_names: dict[str, str] = field(default_factory=dict)
    type_order: list[str] = field(default_factory=list)


def alert_region_ids(session: Session) -> set[int]:
    """Regions whose alerts can be sent: alerts and the portal on."""
    return features.enabled_region_ids(session, FEATURE) & features.enabled_region_ids(
        session, "portal")


def _news(session: Session, since: datetime, today: date, links: DigestLinks) -> _News:
    news = _News()
    regions = alert_region_ids(session)
    news.region_names = dict(session.execute(select(Region.id, Region.name)).all())
    news.type_order = list(session.scalars(
        select(OfferType.key).order_by(OfferType.sort_order, OfferType.name)))
    news.type_names = dict(session.execute(select(OfferType.key, OfferType.name)).all())
    if not regions:
        return news
    rows = session.execute(
        select(SearchDoc.id, SearchDoc.offer_id, SearchDoc.region_id, SearchDoc.offer_type,
               SearchDoc.title, SearchDoc.offer_slug, SearchDoc.company_name, SearchDoc.city,
               Offer.published_at)
        .join(Offer, Offer.id == SearchDoc.offer_id)
        .where(*search.current_conditions(regions, today), Offer.published_at > since)
    ).all()
    doc_fields: dict[int, set[str]] = defaultdict(set)
    if rows:
        for doc_id, key in session.execute(
            select(SearchFacet.doc_id, SearchFacet.key)
            .join(SearchDoc, SearchDoc.id == SearchFacet.doc_id)
            .join(Offer, Offer.id == SearchDoc.offer_id)
            .where(SearchFacet.facet == "field", *search.current_conditions(regions, today),
                   Offer.published_at > since)
        ):
            doc_fields[doc_id].add(key)
    buckets: dict[tuple[int, str], list[Item]] = defaultdict(list)
    for row in rows:
        buckets[(row.region_id, row.offer_type)].append(Item(
            row.published_at, row.offer_id, row.title, row.company_name, row.city,
            links.offer(row.offer_id, row.offer_slug), frozenset(doc_fields.get(row.id, ()))))
    for items in buckets.values():
        items.sort(key=lambda i: (i.published_at, i.id))
    news.offers = dict(buckets)
    events: dict[int, list[Item]] = defaultdict(list)
    for event in session.scalars(
        select(Event).where(
            Event.status == "published", Event.published_at > since, Event.ends_on >= today,
            Event.region_id.in_(sorted(regions & features.enabled_region_ids(session, "events"))),
        )
    ):
        events[event.region_id].append(Item(
            event.published_at, event.id, event.title,
            event.starts_on.strftime("%d.%m.%Y"), event.city, links.event(event.id, event.slug)))
    for items in events.values():
        items.sort(key=lambda i: (i.published_at, i.id))
    news.events = dict(events)
    return news


def _newest(items: list[Item], since: datetime, fields: set[str]) -> tuple[list[Item], int]:
    """Up to ``PER_GROUP`` of the items published after ``since`` (``items`` sorted by
    publication), newest first, and how many more there are. Without a field filter this
    costs a bisection; with one, a walk over the new items only (no copies)."""
    start = bisect.bisect_right(items, since, key=lambda i: i.published_at)
    if not fields:
        shown = items[max(start, len(items) - PER_GROUP):][::-1]
        return shown, len(items) - start - len(shown)
    shown, total = [], 0
    for index in range(len(items) - 1, start - 1, -1):
        item = items[index]
        if item.fields & fields:
            total += 1
            if len(shown) < PER_GROUP:
                shown.append(item)
    return shown, total - len(shown)


@dataclass
class Digest:
    groups: list[tuple[str, str, list[Item], int]]
    """(region name, heading, items shown, how many more)."""

    @property
    def count(self) -> int:
        return sum(len(items) + more for _r, _h, items, more in self.groups)


def digest_for(subscription: AlertSubscription, news: _News, since: datetime) -> Digest:
    """What one subscriber gets: new since ``since``, by region, then type."""
    interests = subscription.interests or {}
    wanted_fields = set(interests.get("fields") or ())
    wanted_types = interests.get("types") or news.type_order
    groups = []
    for region_id in sorted(interests.get("regions") or (),
                            key=lambda r: news.region_names.get(r, "")):
        region = news.region_names.get(region_id)
        if region is None:
            continue
        for key in wanted_types:
            shown, more = _newest(news.offers.get((region_id, key), []), since, wanted_fields)
            if shown:
                groups.append((region, news.type_names.get(key, key), shown, more))
        if interests.get("events"):
            shown, more = _newest(news.events.get(region_id, []), since, set())
            if shown:
                groups.append((region, _("Veranstaltungen"), shown, more))
    return Digest(groups)


def digest_text(digest: Digest, *, since: datetime, unsubscribe_url: str) -> str:
    lines = [_("Guten Tag,"), "",
             _("hier ist, was seit dem %(day)s neu im Portal KWIS.job ist:",
               day=since.strftime("%d.%m.%Y")), ""]
    last_region = None
    for region, heading, items, more in digest.groups:
        if region != last_region:
            lines += [f"== {region} ==", ""]
            last_region = region
        lines.append(f"{heading}:")
        for item in items:
            place = f", {item.city}" if item.city else ""
            lines.append(f"- {item.title} ({item.company}{place})")
            lines.append(f"  {item.url}")
        if more:
            lines.append(_("… und %(n)s weitere.", n=more))
        lines.append("")
    lines += [_("Sie bekommen diese E-Mail, weil Sie Benachrichtigungen bestellt haben. "
                "Abmelden (Ihre Adresse wird dann gelöscht):"), unsubscribe_url]
    return "\n".join(lines)


def _due(session: Session, now: datetime) -> list[AlertSubscription]:
    return [
        s for s in session.scalars(
            select(AlertSubscription).where(AlertSubscription.status == "active")
            .order_by(AlertSubscription.id))
        if is_due(s.frequency, s.last_sent_at or s.confirmed_at or s.created_at, now)
    ]


def _write(session: Session, subscription: AlertSubscription, news: _News, now: datetime,
           links: DigestLinks, secret_key: str, after_claim, written: set[int]) -> str:
    """One subscriber's digest row, mail and ``last_sent_at`` (not committed); ``written``:
    the subscribers of this batch that already have this period's digest."""
    since = subscription.last_sent_at or subscription.confirmed_at or subscription.created_at
    period = period_of(subscription.frequency, now)
    if subscription.id in written:
        return "skipped"
    digest = digest_for(subscription, news, since)
    row = AlertDigest(subscription_id=subscription.id, period=period, items=digest.count,
                      created_at=now)
    session.add(row)
    if digest.count:
        url = links.unsubscribe(unsubscribe_token(secret_key, subscription))
        with force_locale("de"):
            mail = outbox.queue(  # flushes: the digest row goes in with it
                session, to=subscription.email, kind=KIND, region_id=subscription.region_id,
                subject=_("Neu bei KWIS.job: %(n)s Angebote und Termine", n=digest.count),
                text=digest_text(digest, since=since, unsubscribe_url=url),
                dedupe_key=f"alert-digest:{subscription.id}:{period}",
                unsubscribe_url=url,
            )
        row.outbox_id = mail.id
    subscription.last_sent_at = now
    if after_claim is not None:
        session.flush()
        after_claim(subscription)
    return "queued" if digest.count else "empty"


def send(session: Session, *, now: datetime, links: DigestLinks, secret_key: str,
         batch_size: int = BATCH,
         after_claim: Callable[[AlertSubscription], None] | None = None) -> RunResult:
    """One run over every due subscriber, committed ``batch_size`` subscribers at a time (each
    commit holds their digest rows and mails together; see the module's docstring).

    ``after_claim`` (tests) is called after a subscriber's digest and mail are written and
    before the commit; an exception there rolls back that batch, which the next run does
    again. A batch that meets a digest another run wrote is redone one subscriber at a time."""
    result = RunResult()
    due = _due(session, now)
    result.not_due = session.query(AlertSubscription).filter(
        AlertSubscription.status == "active").count() - len(due)
    if not due:
        return result
    oldest = min(s.last_sent_at or s.confirmed_at or s.created_at for s in due)
    news = _news(session, oldest, now.date(), links)
    ids = [s.id for s in due]
    session.commit()
    for start in range(0, len(ids), batch_size):
        chunk = ids[start:start + batch_size]
        try:
            outcomes = _batch(session, chunk, news, now, links, secret_key, after_claim)
            session.commit()
        except IntegrityError:  # another run wrote one of these digests first
            session.rollback()
            outcomes = []
            for subscription_id in chunk:
                try:
                    outcomes += _batch(session, [subscription_id], news, now, links,
                                       secret_key, after_claim)
                    session.commit()
                except IntegrityError:
                    session.rollback()
                    outcomes.append("skipped")
        except BaseException:
            session.rollback()
            raise
        for outcome in outcomes:
            setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def _batch(session: Session, chunk: list[int], news: _News, now: datetime,
           links: DigestLinks, secret_key: str, after_claim) -> list[str]:
    """The digests of some subscribers: two queries for the batch, then one row each."""
    subscriptions = list(session.scalars(
        select(AlertSubscription).where(AlertSubscription.id.in_(chunk),
                                        AlertSubscription.status == "active")
        .order_by(AlertSubscription.id)))
    periods = {s.id: period_of(s.frequency, now) for s in subscriptions}
    written = {
        subscription_id for subscription_id, period in session.execute(
            select(AlertDigest.subscription_id, AlertDigest.period)
            .where(AlertDigest.subscription_id.in_(chunk)))
        if periods.get(subscription_id) == period
    }
    return [_write(session, s, news, now, links, secret_key, after_claim, written)
            for s in subscriptions]
