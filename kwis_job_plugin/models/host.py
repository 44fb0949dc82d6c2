"""Read-only mapping of the host's tables.

The plug-in needs the host's customer (Betrieb) and user tables for foreign keys and for reading
names and addresses. They are declared here, in the plug-in's metadata, only so that foreign keys
resolve; migrations skip them (see ``is_own_table``), and nothing in the plug-in writes to them.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Integer, String, Table, select
from sqlalchemy.orm import Session

from .base import TABLE_PREFIX, metadata

customer_table = Table(
    "customer",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200)),
    Column("legal_form", String(60)),
    Column("street", String(200)),
    Column("postcode", String(10)),
    Column("city", String(120)),
    Column("ags", String(8)),
    Column("wz_code", String(10)),
    Column("size_class", String(20)),
    Column("website", String(300)),
    Column("email", String(254)),
    Column("phone", String(60)),
    Column("lat", Float),
    Column("lon", Float),
    info={"host_table": True},
)

user_table = Table(
    "app_user",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254)),
    Column("display_name", String(200)),
    Column("role", String(20)),
    Column("customer_id", Integer),
    info={"host_table": True},
)

HOST_TABLES = frozenset({customer_table.name, user_table.name})


def is_own_table(name: str) -> bool:
    return name.startswith(TABLE_PREFIX) and name not in HOST_TABLES


def get_customer(session: Session, customer_id: int):
    """Return the customer row (a read-only ``Row``) or ``None``."""
    return session.execute(
        select(customer_table).where(customer_table.c.id == customer_id)
    ).one_or_none()
