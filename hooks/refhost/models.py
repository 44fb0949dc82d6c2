"""The host's own schema: user accounts and the customer table (Betrieb).

The host creates these tables itself (``create_host_schema``); plug-ins only read them.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..types import HostCustomer, HostUser

ROLES = ("company", "admin")


class HostBase(DeclarativeBase):
    metadata = MetaData()


class Customer(HostBase):
    """A company record of the agency's customer database."""

    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_form: Mapped[str | None] = mapped_column(String(60))
    street: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(120))
    ags: Mapped[str | None] = mapped_column(String(8), index=True)
    wz_code: Mapped[str | None] = mapped_column(String(10))
    size_class: Mapped[str | None] = mapped_column(String(20))
    website: Mapped[str | None] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(60))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)

    def as_host_customer(self) -> HostCustomer:
        return HostCustomer(id=self.id, name=self.name, ags=self.ags)


class User(HostBase):
    """A login. Company users belong to exactly one customer; admins to none."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20), default="company")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Stored in the session cookie at login; a cookie carrying another number is no longer a
    login. Logout counts it up, so a copy of the cookie (taken before logout, from another
    device or by an attacker) stops working: the cookie itself is signed but not revocable."""

    customer: Mapped[Customer | None] = relationship()

    # flask-login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def as_host_user(self) -> HostUser:
        return HostUser(
            id=self.id,
            email=self.email,
            display_name=self.display_name,
            role=self.role,  # type: ignore[arg-type]
            customer_id=self.customer_id,
        )


def normalise_email(value: str) -> str:
    """The form in which an address is looked up and counted by the rate limit."""
    return value.strip().lower()


@cache
def dummy_hash() -> str:
    """A hash of the same kind and cost as a real one, checked when no account matches.

    Made once per process; ``create_app`` makes it, so the first unknown address is not the
    one answer that takes longer."""
    return generate_password_hash("kein Konto mit dieser Adresse")


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active account with this address and password, else ``None``.

    Every attempt goes through exactly one password-hash check, also for an address without an
    account (against a dummy hash) and for a deactivated account: the answer takes as long
    either way, so the response time does not tell whether an account exists.
    """
    user = session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))
    matches = check_password_hash(user.password_hash if user else dummy_hash(), password)
    return user if matches and user is not None and user.active else None


def end_sessions(session: Session, user_id: int) -> None:
    """End every login of this account (each device's): count its session version up.

    One UPDATE, so two logouts at once both count. Flushes, does not commit.
    """
    session.execute(
        update(User).where(User.id == user_id)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    session.flush()


def create_host_schema(engine) -> None:
    """Create the host's tables; add columns that a database made by an older host lacks."""
    HostBase.metadata.create_all(engine)
    columns = {c["name"] for c in inspect(engine).get_columns(User.__tablename__)}
    if "session_version" not in columns:
        with engine.begin() as conn:
            conn.execute(text(
                "ALTER TABLE app_user ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0"
            ))
