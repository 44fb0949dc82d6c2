"""The invitation's text: a German template per campaign with a few named placeholders.

The agency writes the text; the placeholders are filled per company: ``{betrieb}`` (the
company's name), ``{ansprechperson}`` (the contact person's name, empty when unknown),
``{anrede}`` ("Guten Tag Kim Muster", or "Guten Tag" without a name: no gendered guess),
``{region}`` and ``{link}`` (the personal link; in the text only, and required there).
``check_template`` refuses anything else (an unknown name, a format spec, a lone brace) with a
German message at the field, so sending can never fail on a template; a literal brace is
written twice (``{{``).
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from ...i18n import N_
from ...i18n import gettext as _
from ..errors import ValidationError
from .selection import Candidate

PLACEHOLDERS = ("betrieb", "ansprechperson", "anrede", "region", "link")
SUBJECT_PLACEHOLDERS = ("betrieb", "ansprechperson", "region")
LINK = "link"

DEFAULT_SUBJECT = N_("Einladung: {betrieb} im Arbeitgeberportal {region}")
DEFAULT_BODY = N_(
    "{anrede},\n\n"
    "die Wirtschaftsförderung lädt {betrieb} ein, sich im Arbeitgeberportal {region} jungen "
    "Menschen vorzustellen: mit einem Arbeitgeberprofil und mit Angeboten wie Praktika, "
    "Ferienjobs oder Ausbildungsplätzen. Das ist kostenlos und in wenigen Minuten erledigt.\n\n"
    "Mit Ihrem persönlichen Link melden Sie sich mit Ihrem bekannten Zugang zum Selbstservice "
    "an und kommen direkt zu Ihrem Arbeitgeberprofil:\n{link}\n\n"
    "Wenn Sie keine weiteren Einladungen wünschen, sagen Sie uns bitte kurz Bescheid.\n\n"
    "Mit freundlichen Grüßen\nIhre Wirtschaftsförderung"
)
"""German defaults of a new campaign (kept German: the mail goes to German companies)."""


def _fields(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(name, spec, conversion)
            for _literal, name, spec, conversion in string.Formatter().parse(text)
            if name is not None]


def _check(text: str, allowed: tuple[str, ...]) -> str | None:
    names = ", ".join("{" + n + "}" for n in allowed)
    try:
        fields = _fields(text)
    except ValueError:
        return _("Eine geschweifte Klammer steht allein. Platzhalter schreiben Sie so: "
                 "%(names)s; eine Klammer als Zeichen doppelt: {{ oder }}.", names=names)
    unknown = sorted({"{" + (name or "") + "}" for name, spec, conversion in fields
                      if name not in allowed or spec or conversion})
    if unknown:
        return _("Unbekannte Platzhalter: %(unknown)s. Möglich sind: %(names)s.",
                 unknown=", ".join(unknown), names=names)
    return None


def check_template(subject: str, body: str) -> None:
    """``ValidationError`` at ``subject``/``body_text`` unless both render for every company."""
    errors = {}
    if not subject.strip():
        errors["subject"] = _("Bitte geben Sie einen Betreff an.")
    elif (message := _check(subject, SUBJECT_PLACEHOLDERS)) is not None:
        errors["subject"] = message
    if not body.strip():
        errors["body_text"] = _("Bitte geben Sie den Text der Einladung an.")
    elif (message := _check(body, PLACEHOLDERS)) is not None:
        errors["body_text"] = message
    elif LINK not in {name for name, _spec, _conv in _fields(body)}:
        errors["body_text"] = _("Der Text braucht den Platzhalter {link}: dort steht der "
                                "persönliche Link des Betriebs.")
    if errors:
        raise ValidationError(errors)


def values(candidate: Candidate, region_name: str, link: str) -> dict[str, str]:
    contact = (candidate.contact_name or "").strip()
    return {
        "betrieb": candidate.name,
        "ansprechperson": contact,
        "anrede": f"Guten Tag {contact}" if contact else "Guten Tag",
        "region": region_name,
        "link": link,
    }


def render(template: str, filled: dict[str, str]) -> str:
    """The template with its placeholders filled (checked before by ``check_template``)."""
    return template.format_map(filled)


@dataclass(frozen=True)
class Preview:
    candidate: Candidate
    subject: str
    body: str


def preview(subject: str, body: str, candidate: Candidate, region_name: str,
            link: str) -> Preview | None:
    """The mail as ``candidate`` would get it; ``None`` while the template does not check."""
    try:
        check_template(subject, body)
    except ValidationError:
        return None
    filled = values(candidate, region_name, link)
    return Preview(candidate, " ".join(render(subject, filled).split()), render(body, filled))
