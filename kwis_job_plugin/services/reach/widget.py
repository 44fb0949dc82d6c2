"""The embeddable list of offers (the widget) and its configurator: what a school or partner
chose, read from the URL, and the offers it shows.

The choice is a region (required: the widget wears its look), offer types, occupational fields,
companies and a number of items, in the portal's own parameter names (``search_query.PARAMS``)
plus ``betrieb`` (company slugs) and ``anzahl``. The offers come from the portal search
(``search.search``) in its fair daily rotation, restricted to the chosen companies
(``profile_ids``): a widget on a school's site presents the region's companies as equally as
the portal does. Unknown values are left out, as on the portal; the widget never fails for a
company that has since left.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import EmployerProfile
from .. import publication, search
from ..search_query import PAGE_SIZE, PARAMS, SearchQuery, Vocabulary

COMPANY_PARAM = "betrieb"
COUNT_PARAM = "anzahl"
LANG_PARAM = "lang"
COUNT_DEFAULT = 5
COUNT_CHOICES = (3, 5, 10, 15, 20)
MAX_COMPANIES = 20
COMPANY_CHOICES_LIMIT = 200
"""The configurator lists at most this many companies of a region to pick from."""


@dataclass(frozen=True)
class Choice:
    region: str
    region_name: str
    types: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    count: int = COUNT_DEFAULT
    lang: str = "de"

    def args(self) -> dict[str, Any]:
        """URL arguments of this choice, without defaults (equal choices share a URL)."""
        found: dict[str, Any] = {"region": self.region}
        if self.types:
            found[PARAMS["types"]] = list(self.types)
        if self.fields:
            found[PARAMS["fields"]] = list(self.fields)
        if self.companies:
            found[COMPANY_PARAM] = list(self.companies)
        if self.count != COUNT_DEFAULT:
            found[COUNT_PARAM] = str(self.count)
        if self.lang != "de":
            found[LANG_PARAM] = self.lang
        return found

    def query(self) -> SearchQuery:
        return SearchQuery(types=self.types, fields=self.fields, region=self.region)


def _getlist(args: Any, name: str) -> list[str]:
    if hasattr(args, "getlist"):
        return args.getlist(name)
    value = args.get(name)
    return list(value) if isinstance(value, list | tuple) else ([value] if value else [])


def _count(raw: str | None) -> int:
    if raw and raw.isdigit() and 1 <= int(raw) <= PAGE_SIZE:
        return int(raw)
    return COUNT_DEFAULT


def companies_of(session: Session, region_id: int) -> list[tuple[str, str]]:
    """(slug, name) of the region's companies with a public page, by name: what the
    configurator offers to pick from."""
    rows = session.execute(
        select(EmployerProfile.slug, EmployerProfile.published_snapshot,
               EmployerProfile.display_name)
        .where(EmployerProfile.region_id == region_id,
               *publication.public_conditions(EmployerProfile))
        .order_by(EmployerProfile.id)
        .limit(COMPANY_CHOICES_LIMIT)
    ).all()
    named = [(slug, (snapshot or {}).get("display_name") or name or slug)
             for slug, snapshot, name in rows]
    return sorted(named, key=lambda pair: (pair[1].casefold(), pair[0]))


def _profile_ids(session: Session, region_id: int, slugs: tuple[str, ...]) -> list[int]:
    if not slugs:
        return []
    return list(session.scalars(
        select(EmployerProfile.id)
        .where(EmployerProfile.slug.in_(list(slugs)), EmployerProfile.region_id == region_id,
               *publication.public_conditions(EmployerProfile))
    ))


def parse(
    session: Session, args: Any, vocab: Vocabulary, allowed: set[int] | frozenset[int],
    default_region: str | None = None,
) -> Choice | None:
    """The choice in ``args``, or ``None`` if it names no region with the widget on (nor
    ``default_region``)."""
    regions = {slug: value for slug, value in vocab.regions.items() if value[0] in allowed}
    region = (_getlist(args, "region") or [default_region])[0]
    if region not in regions:
        return None
    types = tuple(dict.fromkeys(k for k in _getlist(args, PARAMS["types"]) if k in vocab.types))
    field_names = vocab.of("fields")
    fields = tuple(dict.fromkeys(k for k in _getlist(args, PARAMS["fields"])
                                 if k in field_names))
    slugs = tuple(dict.fromkeys(s[:160] for s in _getlist(args, COMPANY_PARAM) if s))
    known = {slug for slug, _name in companies_of(session, regions[region][0])} if slugs else set()
    companies = tuple(s for s in slugs if s in known)[:MAX_COMPANIES]
    lang = (_getlist(args, LANG_PARAM) or ["de"])[0]
    return Choice(
        region=region,
        region_name=regions[region][1],
        types=types,
        fields=fields,
        companies=companies,
        count=_count((_getlist(args, COUNT_PARAM) or [None])[0]),
        lang=lang if lang in ("de", "en") else "de",
    )


@dataclass(frozen=True)
class WidgetList:
    items: list[search.SearchItem]
    total: int


def offers(session: Session, choice: Choice, vocab: Vocabulary, today: date) -> WidgetList:
    """The first ``choice.count`` offers of the choice in the day's rotation, and how many
    there are in all."""
    region_vocab = dataclasses.replace(vocab, regions={choice.region: vocab.regions[choice.region]})
    options: Mapping[str, Any] = {}
    if choice.companies:
        options = {"profile_ids": _profile_ids(session, region_vocab.regions[choice.region][0],
                                               choice.companies)}
    result = search.search(session, choice.query(), today, region_vocab, **options)
    return WidgetList(items=result.items[:choice.count], total=result.total)
