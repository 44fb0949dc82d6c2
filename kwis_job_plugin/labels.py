"""German labels for status values, in neutral language, shared by templates and mails."""

STATUS_LABELS = {
    "draft": "Entwurf",
    "in_review": "In Prüfung",
    "published": "Veröffentlicht",
    "paused": "Pausiert",
    "archived": "Archiviert",
}

REVIEW_RULE_LABELS = {
    "none": "Keine Prüfung: Einreichen veröffentlicht sofort",
    "first_publication": "Nur die erste Veröffentlichung wird geprüft",
    "every_change": "Jede Änderung wird geprüft",
}


def status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status or "", status or "")
