"""A small client for a Nominatim-compatible geocoder over HTTP, cached in the database.

Used as the second source for places, after the companies' own geocoded addresses (see
``places`` and ``geocoding``). Nothing is sent but the typed place (or an offer's address), with
a ``User-Agent`` that names KWIS.job and a contact, as the public Nominatim usage policy asks.

Cache (``kwis_job_geocode_cache``, keyed by the normalised query: lower case, spaces collapsed):

- a place that was found is reused for ``POSITIVE_TTL`` (a year: towns and postcodes hardly move);
- "not found" (also: found, but outside Germany) is reused for ``NEGATIVE_TTL`` (7 days), so a
  typo is not asked again on every page view, but a new street or a fixed entry comes in soon;
- nothing is cached after a transient error (network, timeout, HTTP error, malformed answer).

Throttle (at most one request a second across all processes and app servers): the time of the
last request is kept in the same table, in a row with the reserved key ``THROTTLE_KEY`` (it
starts with a space, which a normalised query never does). A process claims the next slot with
one conditional ``UPDATE ... WHERE fetched_at <= now - 1 s``; only the process whose update hit
the row may send. A caller that comes too soon waits for the slot, but never longer than
``max_wait`` (1 s by default); if it still has none it gives up and the place counts as "cannot
be located right now" (``Lookup.status == "unavailable"``). A portal request therefore never
waits more than about one second plus the HTTP timeout.

The cache and the throttle are written on their own short connection and committed at once, so
they persist even when the caller's (read-only) request never commits, and a caller's open
transaction is neither committed nor rolled back here. Every failure (network or database) is
logged without the query and ends in ``None``; no exception reaches the caller. No Flask here.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from typing import Any, Literal

import requests
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from ..models.base import utcnow
from ..models.geo import GeocodeCacheEntry
from .input_checks import single_line

log = logging.getLogger(__name__)

GERMANY_BOX = (47.2, 55.1, 5.8, 15.1)
"""(min_lat, max_lat, min_lon, max_lon): Germany with a small margin; anything else is refused."""

POSITIVE_TTL = timedelta(days=365)
NEGATIVE_TTL = timedelta(days=7)
MIN_INTERVAL = timedelta(seconds=1)
MAX_WAIT = 1.0
DEFAULT_TIMEOUT = 3.0
THROTTLE_KEY = " last request"
MAX_QUERY_LENGTH = 300
LOCK_TIMEOUT_MS = 1000

_table = GeocodeCacheEntry.__table__
Status = Literal["found", "not_found", "unavailable"]


@dataclass(frozen=True)
class GeocoderSettings:
    """What the views pass in from the app's settings; ``None`` instead means "no geocoder"."""

    base_url: str
    user_agent: str
    timeout: float = DEFAULT_TIMEOUT
    countrycodes: str = "de"


@dataclass(frozen=True)
class GeoResult:
    lat: float
    lon: float
    label: str | None = None


@dataclass(frozen=True)
class Lookup:
    result: GeoResult | None
    status: Status


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("kwis-job")
    except Exception:  # noqa: BLE001 - not installed as a distribution (e.g. a source tree)
        return "0"


def default_user_agent(contact: str | None) -> str:
    """``KWIS.job/<version> (+<contact>)``; the contact is an e-mail address or a URL."""
    agent = f"KWIS.job/{_version()}"
    contact = (contact or "").strip()
    if contact:
        address = parseaddr(contact)[1] if "<" in contact else contact
        agent += f" (+{address or contact})"
    return agent


def settings_from(config: Mapping[str, Any]) -> GeocoderSettings | None:
    """Geocoder settings from the app's configuration, or ``None`` when no URL is set."""
    base_url = (config.get("KWIS_JOB_GEOCODER_URL") or "").strip()
    if not base_url:
        return None
    user_agent = (config.get("KWIS_JOB_GEOCODER_USER_AGENT") or "").strip() or default_user_agent(
        config.get("KWIS_JOB_GEOCODER_CONTACT") or config.get("KWIS_JOB_MAIL_FROM")
    )
    try:
        timeout = float(config.get("KWIS_JOB_GEOCODER_TIMEOUT") or DEFAULT_TIMEOUT)
    except (TypeError, ValueError):
        timeout = DEFAULT_TIMEOUT
    return GeocoderSettings(base_url=base_url, user_agent=user_agent, timeout=timeout)


def normalise(query: str | None) -> str:
    """The cache key: printable, lower case, spaces collapsed, at most 300 characters."""
    return single_line(query or "").lower()[:MAX_QUERY_LENGTH].strip()


def in_germany(lat: float, lon: float) -> bool:
    min_lat, max_lat, min_lon, max_lon = GERMANY_BOX
    return min_lat <= lat <= max_lat and min_lon <= lon <= max_lon


def search(
    session: Session,
    query: str | None,
    *,
    base_url: str,
    user_agent: str,
    timeout: float = DEFAULT_TIMEOUT,
    countrycodes: str = "de",
    max_wait: float = MAX_WAIT,
) -> GeoResult | None:
    """Coordinates for ``query`` in Germany, or ``None`` (unknown, or cannot be asked now)."""
    return lookup(
        session, query, base_url=base_url, user_agent=user_agent, timeout=timeout,
        countrycodes=countrycodes, max_wait=max_wait,
    ).result


def lookup_with(session: Session, query: str | None, settings: GeocoderSettings) -> Lookup:
    return lookup(
        session, query, base_url=settings.base_url, user_agent=settings.user_agent,
        timeout=settings.timeout, countrycodes=settings.countrycodes,
    )


def lookup(
    session: Session,
    query: str | None,
    *,
    base_url: str,
    user_agent: str,
    timeout: float = DEFAULT_TIMEOUT,
    countrycodes: str = "de",
    max_wait: float = MAX_WAIT,
) -> Lookup:
    """Like ``search``, but says why there is no result: "not_found" or "unavailable"."""
    key = normalise(query)
    if not key:
        return Lookup(None, "not_found")
    engine = _engine(session)
    cached = _cached(engine, key)
    if cached is not None:
        return cached
    if not _claim_slot(engine, max_wait):
        log.info("geocoder: no request slot within %.1f s; place not located now", max_wait)
        return Lookup(None, "unavailable")
    answer = _ask(single_line(query)[:MAX_QUERY_LENGTH], base_url, user_agent, timeout,
                  countrycodes)
    if answer.status != "unavailable":
        _store(engine, key, answer.result)
    return answer


# --- HTTP -------------------------------------------------------------------------------------


def _ask(query: str, base_url: str, user_agent: str, timeout: float, countrycodes: str) -> Lookup:
    url = base_url.rstrip("/") + "/search"
    params = {"q": query, "format": "jsonv2", "limit": "1", "countrycodes": countrycodes,
              "addressdetails": "0"}
    headers = {"User-Agent": user_agent, "Accept-Language": "de", "Accept": "application/json"}
    try:
        response = requests.get(url, params=params, headers=headers, timeout=timeout)
        response.raise_for_status()
        data = response.json()
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        log.warning("geocoder: HTTP error %s", status)
        return Lookup(None, "unavailable")
    except requests.RequestException as exc:
        log.warning("geocoder: request failed (%s)", type(exc).__name__)
        return Lookup(None, "unavailable")
    except ValueError:
        log.warning("geocoder: answer is not JSON")
        return Lookup(None, "unavailable")
    return _parse(data)


def _parse(data: Any) -> Lookup:
    if not isinstance(data, list):
        log.warning("geocoder: unexpected answer (not a list)")
        return Lookup(None, "unavailable")
    if not data:
        return Lookup(None, "not_found")
    first = data[0]
    try:
        lat, lon = float(first["lat"]), float(first["lon"])
    except (TypeError, KeyError, ValueError):
        log.warning("geocoder: unexpected answer (no coordinates)")
        return Lookup(None, "unavailable")
    if not (math.isfinite(lat) and math.isfinite(lon)):
        log.warning("geocoder: unexpected answer (coordinates not finite)")
        return Lookup(None, "unavailable")
    if not in_germany(lat, lon):
        log.info("geocoder: result outside Germany refused")
        return Lookup(None, "not_found")
    label = first.get("display_name") or first.get("name")
    label = single_line(label)[:MAX_QUERY_LENGTH] or None if isinstance(label, str) else None
    return Lookup(GeoResult(lat, lon, label), "found")


# --- database ---------------------------------------------------------------------------------


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind.engine if isinstance(bind, Connection) else bind


@contextmanager
def _connection(engine: Engine) -> Iterator[Connection]:
    """A short connection of its own that waits at most ~1 s for a lock, then fails."""
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            previous = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {LOCK_TIMEOUT_MS}")
        else:
            conn.exec_driver_sql(f"SET lock_timeout = {LOCK_TIMEOUT_MS}")
        try:
            yield conn
        finally:
            conn.rollback()
            if sqlite:
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(previous or 0)}")
            else:
                conn.exec_driver_sql("RESET lock_timeout")
            conn.commit()


def _cached(engine: Engine, key: str) -> Lookup | None:
    try:
        with _connection(engine) as conn:
            row = conn.execute(
                select(_table.c.found, _table.c.lat, _table.c.lon, _table.c.label,
                       _table.c.fetched_at).where(_table.c.query == key)
            ).first()
    except SQLAlchemyError as exc:
        log.warning("geocoder: cache not readable (%s)", type(exc).__name__)
        return None
    if row is None:
        return None
    age = utcnow() - row.fetched_at
    if row.found and row.lat is not None and row.lon is not None:
        if age <= POSITIVE_TTL and in_germany(row.lat, row.lon):
            return Lookup(GeoResult(row.lat, row.lon, row.label), "found")
        return None
    return Lookup(None, "not_found") if age <= NEGATIVE_TTL else None


def _store(engine: Engine, key: str, result: GeoResult | None) -> None:
    values = {
        "found": result is not None,
        "lat": result.lat if result else None,
        "lon": result.lon if result else None,
        "label": result.label if result else None,
        "fetched_at": utcnow(),
    }
    try:
        with _connection(engine) as conn:
            hit = conn.execute(
                update(_table).where(_table.c.query == key).values(**values)
            ).rowcount
            if not hit:
                conn.execute(insert(_table).values(query=key, **values))
            conn.commit()
    except IntegrityError:
        pass  # another process stored the same query just now
    except SQLAlchemyError as exc:
        log.warning("geocoder: answer not cached (%s)", type(exc).__name__)


def _claim_slot(engine: Engine, max_wait: float) -> bool:
    """Take the next request slot (≤ 1 request a second overall), waiting at most ``max_wait``."""
    deadline = time.monotonic() + max(0.0, max_wait)
    while True:
        now = utcnow()
        try:
            claimed, last = _try_claim(engine, now)
        except SQLAlchemyError as exc:
            log.warning("geocoder: throttle not usable (%s)", type(exc).__name__)
            return False
        if claimed:
            return True
        wait = (last + MIN_INTERVAL - now).total_seconds() if last else 0.05
        wait = min(max(wait, 0.01), MIN_INTERVAL.total_seconds())
        if time.monotonic() + wait > deadline:
            return False
        time.sleep(wait)


def _try_claim(engine: Engine, now) -> tuple[bool, Any]:
    with _connection(engine) as conn:
        hit = conn.execute(
            update(_table)
            .where(_table.c.query == THROTTLE_KEY, _table.c.fetched_at <= now - MIN_INTERVAL)
            .values(fetched_at=now)
        ).rowcount
        if hit:
            conn.commit()
            return True, now
        last = conn.scalar(select(_table.c.fetched_at).where(_table.c.query == THROTTLE_KEY))
        if last is not None:
            return False, last
        try:
            conn.execute(insert(_table).values(query=THROTTLE_KEY, found=False, fetched_at=now))
            conn.commit()
            return True, now
        except IntegrityError:
            return False, None
