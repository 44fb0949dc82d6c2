""""Zurück in der Region": someone who moved away tells the agency they are back.

Minimal data: what they look for, an address to answer to, a name if they like, and their
consent (its version). The message goes by mail to the region's contact address (through the
outbox, in the request's transaction) and stays listed for the region's admins until it is
``KEEP_DAYS`` old (``kwis-job alerts tick`` deletes older ones), so the agency can answer and
count the returnees (``services/indicators``). A form's nonce is unique: a double submit is one
message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ...i18n import force_locale
from ...i18n import gettext as _
from ...i18n import lazy_gettext as _l
from ...models import Region, Returnee
from ..errors import ValidationError
from ..events.registrations import EMAIL_MAX, EMAIL_RE
from ..input_checks import has_forbidden_chars
from ..mail import outbox

KIND = "alert.returnee"
KEEP_DAYS = 365
LOOKING_FOR_MAX = 2000
NAME_MAX = 200
CONSENT_VERSION = "2026-12"
CONSENT_TEXT = _l(
    "Ich bin einverstanden, dass die Wirtschaftsförderung meine Angaben speichert, um mir zu "
    "antworten und mich bei der Suche in der Region zu unterstützen. Sie werden nach einem "
    "Jahr gelöscht, auf Wunsch früher.")


@dataclass(frozen=True)
class ReturneeInput:
    looking_for: str
    email: str
    name: str = ""
    consent: bool = False


def check_input(data: ReturneeInput) -> dict:
    errors: dict[str, str] = {}
    looking_for = (data.looking_for or "").strip()
    if has_forbidden_chars(looking_for, multi_line=True):
        errors["looking_for"] = _("Bitte entfernen Sie Steuerzeichen oder unsichtbare "
                                  "Richtungszeichen (sie kommen oft beim Kopieren mit).")
    elif not looking_for:
        errors["looking_for"] = _("Bitte schreiben Sie kurz, was Sie suchen.")
    elif len(looking_for) > LOOKING_FOR_MAX:
        errors["looking_for"] = _("Bitte kürzen Sie auf höchstens %(max)d Zeichen.",
                                  max=LOOKING_FOR_MAX)
    email = (data.email or "").strip()
    if has_forbidden_chars(email) or len(email) > EMAIL_MAX or not EMAIL_RE.match(email):
        errors["email"] = _("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. "
                            "name@beispiel.de.")
    name = " ".join((data.name or "").split())
    if has_forbidden_chars(data.name or "") or len(name) > NAME_MAX:
        errors["name"] = _("Bitte kürzen Sie auf höchstens %(max)d Zeichen.", max=NAME_MAX)
    if not data.consent:
        errors["consent"] = _("Bitte stimmen Sie zu, damit wir Ihre Angaben speichern dürfen.")
    if errors:
        raise ValidationError(errors)
    return {"looking_for": looking_for, "email": email.lower(), "name": name or None}


def submit(session: Session, region_id: int, data: ReturneeInput, *, nonce: str,
           now: datetime) -> Returnee:
    """Store the message and mail it to the region's contact address if it has one
    (flushed). ``ValidationError`` for bad input; the same form twice raises the database's
    ``IntegrityError`` (the caller answers as for the first)."""
    checked = check_input(data)
    region = session.get(Region, region_id)
    returnee = Returnee(region_id=region_id, consent_version=CONSENT_VERSION,
                        form_nonce=nonce[:64], created_at=now, **checked)
    session.add(returnee)
    session.flush()
    if region.contact_email:
        with force_locale("de"):
            outbox.queue(
                session, to=region.contact_email, kind=KIND, region_id=region_id,
                subject=_("Zurück in der Region: eine Rückmeldung über KWIS.job %(region)s",
                          region=region.name),
                text="\n".join((
                    _("Über das Portal KWIS.job (%(region)s) meldet sich jemand, der wieder in "
                      "der Region ist.", region=region.name), "",
                    _("Sucht:"), returnee.looking_for, "",
                    _("Name: %(name)s", name=returnee.name or _("(keine Angabe)")),
                    _("E-Mail-Adresse: %(email)s", email=returnee.email),
                    _("Eingegangen: %(time)s (UTC)", time=now.strftime("%d.%m.%Y %H:%M")),
                )),
                dedupe_key=f"returnee:{returnee.form_nonce}",
            )
    return returnee


def for_region(session: Session, region_id: int) -> list[Returnee]:
    return list(session.scalars(
        select(Returnee).where(Returnee.region_id == region_id)
        .order_by(Returnee.created_at.desc(), Returnee.id.desc())))


def count(session: Session, region_id: int, year: int) -> int:
    return session.scalar(select(func.count()).select_from(Returnee).where(
        Returnee.region_id == region_id,
        Returnee.created_at >= datetime(year, 1, 1),
        Returnee.created_at < datetime(year + 1, 1, 1))) or 0


def delete_old(session: Session, now: datetime, keep_days: int = KEEP_DAYS) -> int:
    result = session.execute(delete(Returnee).where(
        Returnee.created_at < now - timedelta(days=keep_days)
    ).execution_options(synchronize_session=False))
    return result.rowcount or 0
