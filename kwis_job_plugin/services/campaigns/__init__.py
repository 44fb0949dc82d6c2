"""Campaigns ("Aktivierung von Unternehmen"): the agency invites companies of its customer
database into the self-service and follows how far each invitation led.

``selection`` picks the region's companies by WZ branch, size class, postcode and presence in
the portal; ``texts`` owns the mail template and its placeholders; ``sending`` writes the
invitations through the outbox (idempotent per campaign and company), the personal link's
token and the companies' "no invitations" list; ``funnel`` counts the steps
invited → logged in → profile started → submitted → published → has offers. ``campaigns``
creates and changes campaigns. Plain functions over a session, no Flask; every change audited.
"""

from .campaigns import campaigns_for, create_campaign, get_campaign, update_campaign
from .funnel import STEPS, Funnel, funnel
from .selection import Candidate, Filters, select_companies, size_classes
from .sending import (
    LinkRefused,
    SendResult,
    follow_link,
    issue_token,
    opted_out,
    send,
    set_opt_out,
)
from .texts import PLACEHOLDERS, Preview, check_template, preview, render

__all__ = [
    "PLACEHOLDERS", "STEPS", "Candidate", "Filters", "Funnel", "LinkRefused", "Preview",
    "SendResult", "campaigns_for", "check_template", "create_campaign", "follow_link", "funnel",
    "get_campaign", "issue_token", "opted_out", "preview", "render", "select_companies", "send",
    "set_opt_out", "size_classes", "update_campaign",
]
