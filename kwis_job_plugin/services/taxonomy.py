"""The active terms of the taxonomies (offer types, target groups, fields, occupations, benefits).

One query for "which terms may a company or a searcher choose", in their display order, so the
forms, the input checks and the portal's search offer the same terms.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, TextClause, select, text
from sqlalchemy.orm import Session


def _active(statement: Select, model: type) -> Select:
    return statement.where(model.active.is_(True)).order_by(model.sort_order, model.name)


def active_terms(
    session: Session,
    model: type,
    *,
    ids: Iterable[int] | None = None,
    top_level_only: bool = False,
) -> list[Any]:
    """Active terms in their order; only those with ``ids`` if given, only those without a
    parent with ``top_level_only``."""
    statement = select(model)
    if ids is not None:
        wanted = list(ids)
        if not wanted:
            return []
        statement = statement.where(model.id.in_(wanted))
    if top_level_only:
        statement = statement.where(model.parent_id.is_(None))
    return list(session.scalars(_active(statement, model)))


def active_names(session: Session, model: type) -> dict[str, str]:
    """Key → name of the active terms, in their order."""
    return dict(session.execute(_active(select(model.key, model.name), model)).all())


def active_names_of(session: Session, *models: type) -> list[dict[str, str]]:
    """``active_names`` of several taxonomies in one plain SQL query. The portal's search asks
    for all five on every request; as one statement it costs a fifth of five ORM queries."""
    statement = _active_names_statement(models)
    found: list[dict[str, str]] = [{} for _ in models]
    for n, key, name, _order in session.execute(statement, {"on": True}):
        found[n][key] = name
    return found


@lru_cache(maxsize=8)
def _active_names_statement(models: tuple[type, ...]) -> TextClause:
    parts = [
        f"SELECT {n} AS taxonomy, key, name, sort_order FROM {model.__tablename__} "
        "WHERE active = :on"
        for n, model in enumerate(models)
    ]
    return text(" UNION ALL ".join(parts) + " ORDER BY taxonomy, sort_order, name")
