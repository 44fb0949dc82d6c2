"""The host's own schema: user accounts and the customer table (Betrieb).

The host creates these tables itself (``create_host_schema``); plug-ins only read them.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
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


def create_host_schema(engine) -> None:
    HostBase.metadata.create_all(engine)
