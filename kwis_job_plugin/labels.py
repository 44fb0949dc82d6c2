"""Labels for status values, in neutral language, shared by templates and mails.

Stored as German message ids and translated when shown, so one dict serves every locale.
"""

from .i18n import N_, gettext

STATUS_LABELS = {
    "draft": N_("Entwurf"),
    "in_review": N_("In Prüfung"),
    "published": N_("Veröffentlicht"),
    "paused": N_("Pausiert"),
    "archived": N_("Archiviert"),
}

REVIEW_RULE_LABELS = {
    "none": N_("Keine Prüfung: Einreichen veröffentlicht sofort"),
    "first_publication": N_("Nur die erste Veröffentlichung wird geprüft"),
    "every_change": N_("Jede Änderung wird geprüft"),
}


def status_label(status: str | None) -> str:
    label = STATUS_LABELS.get(status or "")
    return gettext(label) if label else (status or "")


def review_rule_label(rule: str) -> str:
    label = REVIEW_RULE_LABELS.get(rule)
    return gettext(label) if label else rule
