"""Keep the plug-in's tables consistent when the host changes or deletes customers and users.

The cascade is walked here, along the foreign keys declared in the models, instead of relying on
the database's ``ON DELETE``: SQLite only honours those when the host enabled them per
connection, and a GDPR deletion must not depend on a connection setting.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from ..models import EmployerProfile, Offer, metadata
from ..models.host import customer_table, is_own_table, user_table
from . import audit, search_index, search_sync
from .regions import region_for_ags

ADDRESS_COLUMNS = frozenset({"street", "postcode", "city", "lat", "lon"})
COMPANY_PLACE_MODES = ("company", "multiple")
"""Offers in these modes are placed at the company address and move with it."""


def _referencing(parent: Table) -> Iterable[tuple[Table, str, str | None]]:
    """Own tables with a foreign key into ``parent.id``: (table, column name, ondelete)."""
    for table in metadata.sorted_tables:
        if not is_own_table(table.name):
            continue
        for fk in table.foreign_keys:
            if fk.column.table is parent:
                yield table, fk.parent.name, (fk.ondelete or "").upper() or None


def _delete_rows(session: Session, table: Table, column: str, ids: list[int]) -> int:
    """Delete rows of ``table`` whose ``column`` is in ``ids``, children first."""
    if not ids:
        return 0
    has_id = "id" in table.c and table.c.id.primary_key
    if has_id:
        own_ids = list(session.scalars(select(table.c.id).where(table.c[column].in_(ids))))
        for child, child_column, ondelete in _referencing(table):
            if ondelete == "SET NULL":
                session.execute(
                    update(child).where(child.c[child_column].in_(own_ids))
                    .values({child_column: None})
                )
            elif child is not table:
                _delete_rows(session, child, child_column, own_ids)
    result = session.execute(delete(table).where(table.c[column].in_(ids)))
    return result.rowcount or 0


def delete_customer_data(session: Session, customer_id: int) -> int:
    """Remove everything kept about a customer; return the number of top-level rows removed."""
    removed = 0
    for table, column, _ondelete in _referencing(customer_table):
        removed += _delete_rows(session, table, column, [customer_id])
    audit.record(session, "customer.data_deleted", "customer", customer_id)
    session.flush()
    search_sync.written(session)  # its documents went with the rows, logged by the trigger
    return removed


def forget_user(session: Session, user_id: int) -> None:
    """Null every reference to a deleted user account (reviewer, editor, audit actor), and
    delete the rows that belong to it (``ON DELETE CASCADE``: an admin's regions, issue 10)."""
    for table, column, ondelete in _referencing(user_table):
        if ondelete == "CASCADE":
            _delete_rows(session, table, column, [user_id])
        else:
            session.execute(
                update(table).where(table.c[column] == user_id).values({column: None}))
    session.flush()


def customer_changed(session: Session, customer_id: int, changed: frozenset[str]) -> None:
    """Follow a moved company: new region by AGS, new place for offers at the company address."""
    profile = session.scalar(
        select(EmployerProfile).where(EmployerProfile.customer_id == customer_id)
    )
    if profile is None:
        return
    customer = session.execute(
        select(customer_table).where(customer_table.c.id == customer_id)
    ).one()
    if "ags" in changed:
        region = region_for_ags(session, customer.ags)
        profile.region_id = region.id if region else None
    if "name" in changed and customer.name:
        profile.display_name = customer.name
    if changed & ADDRESS_COLUMNS:
        session.execute(
            update(Offer)
            .where(Offer.profile_id == profile.id, Offer.place_mode.in_(COMPANY_PLACE_MODES))
            .values(
                street=customer.street,
                postcode=customer.postcode,
                city=customer.city,
                lat=customer.lat,
                lon=customer.lon,
            )
        )
    session.flush()
    if changed & (ADDRESS_COLUMNS | {"ags", "name"}):
        search_index.refresh_profile(session, profile)
