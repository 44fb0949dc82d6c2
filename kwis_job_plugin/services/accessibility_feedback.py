"""Reports of accessibility barriers (the feedback mechanism of BITV 2.0 § 7 / § 12b BGG).

A visitor tells the agency where a barrier is and what happens; the report goes by mail to the
region's accessibility address (else its general contact address), through the mail outbox in
the request's transaction, and the visitor gets a short confirmation if they left an address.
Nothing else is stored: the outbox rows are the only copy, deleted by ``kwis-job retention
run`` after ``KWIS_JOB_OUTBOX_KEEP_DAYS`` once sent.

The confirmation repeats none of the visitor's text: the address is whatever someone typed, so a
confirmation that echoed the message would let anyone send their words to any address through
the portal. The form's rate limit per address (``views/ratelimit.py``) bounds the rest.
A form's nonce (``forms/accessibility_feedback.py``) is part of each mail's ``dedupe_key``, so a
double submit writes one report. No Flask here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ..i18n import force_locale
from ..i18n import gettext as _
from ..models import OutboxMail, Region
from .accessibility_statement import feedback_address
from .errors import ValidationError
from .events.registrations import EMAIL_MAX, EMAIL_RE
from .input_checks import has_forbidden_chars
from .mail import outbox

WHERE_MAX = 500
MESSAGE_MAX = 5000
NAME_MAX = 200
KIND_REPORT = "accessibility.feedback"
KIND_CONFIRMATION = "accessibility.feedback_confirmation"


class NoRecipient(LookupError):
    """The region has neither an accessibility address nor a contact address: the form cannot
    deliver and is not offered."""


@dataclass(frozen=True)
class FeedbackInput:
    """What the form sends, as typed."""

    where: str
    message: str
    name: str = ""
    email: str = ""


@dataclass(frozen=True)
class Feedback:
    """A checked report: trimmed, bounded, free of control characters."""

    where: str
    message: str
    name: str | None
    email: str | None


@dataclass(frozen=True)
class Queued:
    report: OutboxMail
    confirmation: OutboxMail | None


def _text(errors: dict[str, str], field: str, raw: str, limit: int, *, multi_line: bool,
          missing: str | None) -> str | None:
    value = (raw or "").strip()
    if has_forbidden_chars(value, multi_line=multi_line):
        errors[field] = _("Bitte entfernen Sie Steuerzeichen oder unsichtbare Richtungszeichen "
                          "(sie kommen oft beim Kopieren mit).")
    elif len(value) > limit:
        errors[field] = _("Bitte kürzen Sie auf höchstens %(max)d Zeichen.", max=limit)
    elif not value and missing:
        errors[field] = missing
    return value or None


def check_input(data: FeedbackInput) -> Feedback:
    """Clean and check a report; ``ValidationError`` with German messages keyed by the form's
    field names (``where``, ``message``, ``name``, ``email``)."""
    errors: dict[str, str] = {}
    where = _text(errors, "where", data.where, WHERE_MAX, multi_line=False, missing=_(
        "Bitte nennen Sie die Seite (ihre Adresse) oder beschreiben Sie, wo die Barriere ist."))
    message = _text(errors, "message", data.message, MESSAGE_MAX, multi_line=True, missing=_(
        "Bitte beschreiben Sie die Barriere oder Ihre Frage."))
    name = _text(errors, "name", data.name, NAME_MAX, multi_line=False, missing=None)
    email = (data.email or "").strip()
    if email and (has_forbidden_chars(email) or len(email) > EMAIL_MAX
                  or not EMAIL_RE.match(email)):
        errors["email"] = _("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. "
                            "name@beispiel.de, oder lassen Sie das Feld leer.")
    if errors:
        raise ValidationError(errors)
    return Feedback(where=where or "", message=message or "",
                    name=" ".join(name.split()) if name else None,
                    email=email.lower() or None)


def recipient(session: Session, region_id: int) -> str:
    """The address reports of the region go to; ``NoRecipient`` if it has none."""
    address = feedback_address(session, region_id)
    if not address:
        raise NoRecipient(region_id)
    return address


def submit(session: Session, region_id: int, data: FeedbackInput, *, nonce: str,
           now: datetime, statement_url: str) -> Queued:
    """Check the report and queue it to the region's address, plus a confirmation to the
    sender if they gave an address (flushed, not committed).

    ``ValidationError`` for bad input (nothing queued), ``NoRecipient`` if the region has no
    address. A second submit of the same form (same ``nonce``) raises the database's
    ``IntegrityError`` from the outbox's ``dedupe_key``: the caller rolls back and answers as
    for the first."""
    feedback = check_input(data)
    to = recipient(session, region_id)
    region = session.get(Region, region_id)
    with force_locale("de"):  # the agency's mail is German, whatever the visitor reads
        report = outbox.queue(
            session, to=to, kind=KIND_REPORT, region_id=region_id,
            subject=_("Rückmeldung zur Barrierefreiheit: KWIS.job %(region)s",
                      region=region.name),
            text=_report_text(feedback, region.name, now),
            dedupe_key=f"a11y-feedback:{nonce}",
        )
    confirmation = None
    if feedback.email:
        confirmation = outbox.queue(
            session, to=feedback.email, kind=KIND_CONFIRMATION, region_id=region_id,
            subject=_("Ihre Rückmeldung zur Barrierefreiheit ist angekommen"),
            text=_confirmation_text(region.name, statement_url),
            dedupe_key=f"a11y-feedback-ack:{nonce}",
        )
    return Queued(report, confirmation)


def _report_text(feedback: Feedback, region_name: str, now: datetime) -> str:
    none = _("(keine Angabe)")
    return "\n".join((
        _("Über das Rückmeldeformular des Portals KWIS.job (%(region)s) ist eine Rückmeldung "
          "zur Barrierefreiheit eingegangen.", region=region_name),
        "",
        _("Wo: %(where)s", where=feedback.where),
        "",
        _("Nachricht:"),
        feedback.message,
        "",
        _("Name: %(name)s", name=feedback.name or none),
        _("E-Mail-Adresse: %(email)s", email=feedback.email or none),
        _("Eingegangen: %(time)s (UTC)", time=now.strftime("%d.%m.%Y %H:%M")),
        "",
        _("Bitte antworten Sie innerhalb eines Monats (§ 12b Absatz 4 BGG und die "
          "entsprechenden Regeln des Landes). Das Portal speichert diese Rückmeldung nicht; "
          "diese E-Mail ist die einzige Kopie."),
    ))


def _confirmation_text(region_name: str, statement_url: str) -> str:
    return "\n".join((
        _("Guten Tag,"),
        "",
        _("vielen Dank für Ihre Rückmeldung zur Barrierefreiheit des Portals KWIS.job "
          "(%(region)s). Wir haben sie an die zuständige Stelle weitergeleitet und antworten "
          "Ihnen innerhalb eines Monats.", region=region_name),
        "",
        _("Wenn Sie mit der Antwort nicht zufrieden sind, können Sie sich an die "
          "Schlichtungsstelle wenden. Wie das geht, steht in der Erklärung zur "
          "Barrierefreiheit: %(url)s", url=statement_url),
        "",
        _("Sie haben diese E-Mail bekommen, weil Ihre Adresse im Rückmeldeformular angegeben "
          "wurde. Wenn Sie das nicht waren, können Sie diese E-Mail einfach löschen."),
    ))
