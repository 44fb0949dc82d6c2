"""Which rows belong to a company: those whose employer profile has the host's customer id.

One definition of the rule that keeps company A out of company B's offers and pictures. The
customer id is always the one the caller got from the host, never a form value; another
company's id is ``NotFound``, like a missing one, so the views answer 404 either way.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ..models import EmployerProfile
from .errors import NotFound


def of_customer(statement: Select, model: type, customer_id: int) -> Select:
    """``statement`` narrowed to the ``model`` rows (with a ``profile_id``) of the customer."""
    return statement.join(EmployerProfile, model.profile_id == EmployerProfile.id).where(
        EmployerProfile.customer_id == customer_id
    )


def owned(session: Session, model: type, customer_id: int, object_id: int) -> Any:
    """The customer's own ``model`` row with this id, else ``NotFound``."""
    statement = of_customer(select(model), model, customer_id).where(model.id == object_id)
    row = session.scalar(statement)
    if row is None:
        raise NotFound(object_id)
    return row
