"""What the law asks a public website to say about its operator, per region (issue 13).

One row per region, filled in by the agency in the admin area. Every column is optional: a region
without its data still works, the admin area says prominently what is missing, and the portal's
legal pages say that the information is being completed instead of inventing it. Where the host
already has its own imprint or privacy page, its address replaces the generated page.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class RegionLegal(Base):
    __tablename__ = "kwis_job_region_legal"

    region_id: Mapped[int] = mapped_column(
        ForeignKey("kwis_job_region.id", ondelete="CASCADE"), primary_key=True
    )
    # Impressum (§ 5 DDG, § 18 MStV): who runs the portal.
    operator_name: Mapped[str | None] = mapped_column(String(200))
    operator_address: Mapped[str | None] = mapped_column(Text)
    operator_email: Mapped[str | None] = mapped_column(String(254))
    operator_phone: Mapped[str | None] = mapped_column(String(60))
    represented_by: Mapped[str | None] = mapped_column(String(300))
    content_responsible: Mapped[str | None] = mapped_column(String(300))
    register_entry: Mapped[str | None] = mapped_column(String(300))
    vat_id: Mapped[str | None] = mapped_column(String(40))
    supervisory_body: Mapped[str | None] = mapped_column(String(300))
    host_imprint_url: Mapped[str | None] = mapped_column(String(500))
    # Datenschutz (GDPR Art. 13): controller (the operator unless given), DPO, authority.
    controller: Mapped[str | None] = mapped_column(Text)
    dpo_name: Mapped[str | None] = mapped_column(String(200))
    dpo_email: Mapped[str | None] = mapped_column(String(254))
    dpo_address: Mapped[str | None] = mapped_column(Text)
    privacy_authority_name: Mapped[str | None] = mapped_column(String(300))
    privacy_authority_address: Mapped[str | None] = mapped_column(Text)
    privacy_authority_url: Mapped[str | None] = mapped_column(String(500))
    host_privacy_url: Mapped[str | None] = mapped_column(String(500))
    # Barrierefreiheit (BITV 2.0 § 7): the feedback contact and the state's enforcement body.
    accessibility_email: Mapped[str | None] = mapped_column(String(254))
    accessibility_phone: Mapped[str | None] = mapped_column(String(60))
    enforcement_body_name: Mapped[str | None] = mapped_column(String(300))
    enforcement_body_address: Mapped[str | None] = mapped_column(Text)
    enforcement_body_email: Mapped[str | None] = mapped_column(String(254))
    enforcement_body_url: Mapped[str | None] = mapped_column(String(500))
    sign_language_video_url: Mapped[str | None] = mapped_column(String(500))
    # Filled by ``kwis-job accessibility record`` after an automated check of the portal.
    accessibility_checked_on: Mapped[date | None] = mapped_column(Date)
    accessibility_check_scope: Mapped[str | None] = mapped_column(Text)

    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
