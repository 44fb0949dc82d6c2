"""The plug-in's own tables (prefixed ``kwis_job_``) and the read-only host mapping."""

from .admin_scope import AdminScope, RegionAdmin
from .alert import AlertDigest, AlertSubscription, Returnee
from .audit import AuditEntry, DailyCounter, IndicatorTarget
from .base import Base, metadata
from .campaign import Campaign, CampaignRecipient, MailOptOut
from .event import Event, EventParticipation, Registration, RegistrationToken, Slot
from .geo import GeocodeCacheEntry
from .host import customer_table, user_table
from .invitation import Invitation
from .legal import RegionLegal
from .offer import Offer
from .outbox import OutboxMail
from .profile import EmployerProfile, Media
from .region import FeatureSwitch, Region, RegionAgsPrefix
from .search import SearchChange, SearchDoc, SearchFacet, SearchSnapshot, SettingsVersion
from .taxonomy import Benefit, OccupationalField, OfferType, TargetGroup, TrainingOccupation

__all__ = [
    "AdminScope", "AlertDigest", "AlertSubscription", "AuditEntry", "Base", "Benefit",
    "Campaign", "CampaignRecipient", "DailyCounter", "EmployerProfile", "Event",
    "EventParticipation", "FeatureSwitch", "GeocodeCacheEntry", "IndicatorTarget", "Invitation",
    "MailOptOut", "Media", "OccupationalField", "Offer", "OfferType", "OutboxMail", "Region",
    "RegionAdmin", "RegionAgsPrefix", "RegionLegal", "Registration", "RegistrationToken",
    "Returnee", "SearchChange", "SearchDoc", "SearchFacet", "SearchSnapshot", "SettingsVersion",
    "Slot", "TargetGroup", "TrainingOccupation", "customer_table", "metadata", "user_table",
]
