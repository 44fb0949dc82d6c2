"""A region's legal data (``models/legal.py``): read, check and save it, and say what is missing.

The agency fills these in on the admin page "Rechtliche Angaben"; the portal's imprint and
privacy notice and the accessibility statement are built from them. Every value is optional, so a
region works without them, but until the minimum the law asks is there ``missing`` names what is
lacking and the admin area says so prominently:

* Impressum (§ 5 Abs. 1 DDG, § 18 Abs. 1 MStV): name and address of the operator and a way to
  reach it quickly by e-mail. Not needed when the host's own imprint page is given.
* Datenschutzerklärung (Art. 13 Abs. 1 lit. a, b, Abs. 2 lit. d DSGVO): the controller (the
  operator, unless another body is named), the data protection officer's contact and the
  supervisory authority. Not needed when the host's own privacy page is given.
* Barrierefreiheit (BITV 2.0 § 7, EU directive 2016/2102 Art. 7): a contact for feedback about
  barriers and the state's enforcement body.

The checks (e-mail addresses, ``https://`` links, telephone numbers, lengths as the columns allow)
raise one ``ValidationError`` keyed by field before anything is written. A save writes an audit
entry naming the changed fields, never their values: the values hold names and addresses. No
Flask here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from babel.support import LazyProxy
from sqlalchemy import String, select
from sqlalchemy.orm import Session

from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..models import Region, RegionLegal
from . import audit
from .errors import ValidationError
from .input_checks import has_forbidden_chars
from .profile_input import EMAIL_RE, PHONE_RE, check_https_url

TEXT_MAX = 2000
"""The longest value of an address or text field (stored as ``Text``, so the column sets none)."""
AUDIT_ACTION = "region.legal_changed"

GROUPS: dict[str, LazyProxy] = {
    "imprint": _l("Impressum"),
    "privacy": _l("Datenschutz"),
    "accessibility": _l("Barrierefreiheit"),
}


@dataclass(frozen=True)
class LegalField:
    """One editable column of ``RegionLegal``: its group on the page, its label and its check.

    ``kind`` is ``line``, ``text`` (several lines), ``email``, ``phone`` or ``url`` (https)."""

    name: str
    group: str
    kind: str
    label: LazyProxy
    hint: LazyProxy | None = None

    @property
    def multi_line(self) -> bool:
        return self.kind == "text"

    @property
    def max_length(self) -> int:
        """As long as the column allows (``Text`` columns: ``TEXT_MAX``)."""
        column_type = RegionLegal.__table__.c[self.name].type
        length = getattr(column_type, "length", None) if isinstance(column_type, String) else None
        return length or TEXT_MAX


FIELDS: tuple[LegalField, ...] = (
    LegalField("operator_name", "imprint", "line", _l("Name der Betreiberin oder des Betreibers"),
               _l("Die Stelle, die das Portal anbietet, zum Beispiel "
                  "„Wirtschaftsförderungsgesellschaft Jena mbH“.")),
    LegalField("operator_address", "imprint", "text", _l("Anschrift"),
               _l("Straße, Hausnummer, Postleitzahl und Ort; keine Postfachadresse.")),
    LegalField("operator_email", "imprint", "email", _l("E-Mail-Adresse")),
    LegalField("operator_phone", "imprint", "phone", _l("Telefon")),
    LegalField("represented_by", "imprint", "line", _l("Vertreten durch"),
               _l("Bei juristischen Personen: wer sie vertritt, zum Beispiel die "
                  "Geschäftsführung.")),
    LegalField("content_responsible", "imprint", "line",
               _l("Verantwortlich für den Inhalt (§ 18 Abs. 2 MStV)"),
               _l("Name und Anschrift einer Person.")),
    LegalField("register_entry", "imprint", "line", _l("Registereintrag"),
               _l("Register und Nummer, zum Beispiel „Amtsgericht Jena, HRB 123456“.")),
    LegalField("vat_id", "imprint", "line", _l("Umsatzsteuer-Identifikationsnummer")),
    LegalField("supervisory_body", "imprint", "line", _l("Aufsichtsbehörde")),
    LegalField("host_imprint_url", "imprint", "url", _l("Link zum eigenen Impressum"),
               _l("Wenn Ihre Verwaltung schon ein Impressum hat: Das Portal verlinkt dann "
                  "dorthin statt auf das hier erzeugte.")),
    LegalField("controller", "privacy", "text", _l("Verantwortliche Stelle"),
               _l("Name, Anschrift und Kontakt. Leer lassen, wenn es die Betreiberin oder der "
                  "Betreiber aus dem Impressum ist.")),
    LegalField("dpo_name", "privacy", "line", _l("Name der oder des Datenschutzbeauftragten")),
    LegalField("dpo_email", "privacy", "email",
               _l("E-Mail-Adresse der oder des Datenschutzbeauftragten")),
    LegalField("dpo_address", "privacy", "text",
               _l("Anschrift der oder des Datenschutzbeauftragten")),
    LegalField("privacy_authority_name", "privacy", "line",
               _l("Datenschutz-Aufsichtsbehörde"),
               _l("Zum Beispiel „Thüringer Landesbeauftragter für den Datenschutz und die "
                  "Informationsfreiheit“.")),
    LegalField("privacy_authority_address", "privacy", "text",
               _l("Anschrift der Aufsichtsbehörde")),
    LegalField("privacy_authority_url", "privacy", "url", _l("Internetseite der Aufsichtsbehörde")),
    LegalField("host_privacy_url", "privacy", "url", _l("Link zur eigenen Datenschutzerklärung"),
               _l("Wenn Ihre Verwaltung schon eine Datenschutzerklärung hat, die KWIS.job "
                  "abdeckt: Das Portal verlinkt dann dorthin statt auf die hier erzeugte.")),
    LegalField("accessibility_email", "accessibility", "email",
               _l("E-Mail-Adresse für Rückmeldungen zur Barrierefreiheit")),
    LegalField("accessibility_phone", "accessibility", "phone",
               _l("Telefon für Rückmeldungen zur Barrierefreiheit")),
    LegalField("enforcement_body_name", "accessibility", "line", _l("Durchsetzungsstelle"),
               _l("Die Schlichtungs- oder Durchsetzungsstelle Ihres Landes für "
                  "Barrierefreiheit.")),
    LegalField("enforcement_body_address", "accessibility", "text",
               _l("Anschrift der Durchsetzungsstelle")),
    LegalField("enforcement_body_email", "accessibility", "email",
               _l("E-Mail-Adresse der Durchsetzungsstelle")),
    LegalField("enforcement_body_url", "accessibility", "url",
               _l("Internetseite der Durchsetzungsstelle")),
    LegalField("sign_language_video_url", "accessibility", "url",
               _l("Link zum Video in Deutscher Gebärdensprache"),
               _l("Ein Video, das das Portal in Gebärdensprache erklärt. Das Portal zeigt es als "
                  "Link im Fuß jeder Seite, eingebettet wird nichts.")),
)
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
BY_NAME: dict[str, LegalField] = {f.name: f for f in FIELDS}


@dataclass(frozen=True)
class Gap:
    """Something the law asks for that a region has not entered yet."""

    group: str
    label: str
    field: str
    """The form field to fill first (the admin page links the gap to it)."""

    @property
    def group_label(self) -> str:
        return str(GROUPS[self.group])


# --- reading ---------------------------------------------------------------------------------


def load(session: Session, region_id: int) -> RegionLegal | None:
    """The region's legal data, or ``None`` if nothing was entered yet."""
    return session.get(RegionLegal, region_id)


def values(legal: RegionLegal | None) -> dict[str, str]:
    """The editable values as the form shows them ("" for what is not set)."""
    return {name: (getattr(legal, name, None) or "") if legal else "" for name in FIELD_NAMES}


def for_slug(session: Session, slug: str) -> tuple[Region, RegionLegal | None] | None:
    """The region called ``slug`` with its legal data (``None`` if none yet); ``None`` if there
    is no such region."""
    row = session.execute(
        select(Region, RegionLegal)
        .outerjoin(RegionLegal, RegionLegal.region_id == Region.id)
        .where(Region.slug == slug)
    ).first()
    return (row[0], row[1]) if row is not None else None


def sign_language_url(session: Session, slug: str) -> str | None:
    """The region's sign-language video link, for the portal footer (one small query)."""
    return session.scalar(
        select(RegionLegal.sign_language_video_url)
        .join(Region, Region.id == RegionLegal.region_id)
        .where(Region.slug == slug)
    )


def _filled(legal: RegionLegal | None, *names: str) -> bool:
    return legal is not None and all((getattr(legal, n) or "").strip() for n in names)


def _any(legal: RegionLegal | None, *names: str) -> bool:
    return any(_filled(legal, n) for n in names)


def controller_is_operator(legal: RegionLegal | None) -> bool:
    """The controller of the privacy notice is the operator when no other body is named."""
    return not _filled(legal, "controller")


def missing(legal: RegionLegal | None) -> list[Gap]:
    """What the law asks that ``legal`` lacks, in the order of the page; empty when complete.

    A host page given for the imprint or the privacy notice stands for that whole part."""
    gaps: list[Gap] = []
    if not _filled(legal, "host_imprint_url"):
        if not _filled(legal, "operator_name"):
            gaps.append(Gap("imprint", _("Name der Betreiberin oder des Betreibers"),
                            "operator_name"))
        if not _filled(legal, "operator_address"):
            gaps.append(Gap("imprint", _("Anschrift der Betreiberin oder des Betreibers"),
                            "operator_address"))
        if not _filled(legal, "operator_email"):
            gaps.append(Gap("imprint", _("E-Mail-Adresse für die Kontaktaufnahme"),
                            "operator_email"))
    if not _filled(legal, "host_privacy_url"):
        if controller_is_operator(legal) and not _filled(legal, "operator_name",
                                                         "operator_address"):
            gaps.append(Gap("privacy", _("Verantwortliche Stelle mit Anschrift"), "controller"))
        if not _any(legal, "dpo_email", "dpo_address"):
            gaps.append(Gap("privacy", _("Kontakt der oder des Datenschutzbeauftragten"),
                            "dpo_email"))
        if not (_filled(legal, "privacy_authority_name")
                and _any(legal, "privacy_authority_address", "privacy_authority_url")):
            gaps.append(Gap("privacy", _("Datenschutz-Aufsichtsbehörde mit Anschrift oder "
                                         "Internetseite"), "privacy_authority_name"))
    if not _any(legal, "accessibility_email", "accessibility_phone"):
        gaps.append(Gap("accessibility", _("Kontakt für Rückmeldungen zur Barrierefreiheit"),
                        "accessibility_email"))
    if not (_filled(legal, "enforcement_body_name")
            and _any(legal, "enforcement_body_address", "enforcement_body_email",
                     "enforcement_body_url")):
        gaps.append(Gap("accessibility", _("Durchsetzungsstelle mit Anschrift, E-Mail-Adresse "
                                           "oder Internetseite"), "enforcement_body_name"))
    return gaps


def missing_by_region(session: Session, region_ids: frozenset[int] | None = None
                      ) -> dict[int, list[Gap]]:
    """``missing`` for every region (or those in ``region_ids``), in one query; regions that
    are complete map to an empty list."""
    query = select(Region.id, RegionLegal).outerjoin(
        RegionLegal, RegionLegal.region_id == Region.id
    )
    if region_ids is not None:
        query = query.where(Region.id.in_(sorted(region_ids)))
    return {region_id: missing(legal) for region_id, legal in session.execute(query)}


# --- checking and saving ---------------------------------------------------------------------


def clean(data: Mapping[str, str | None]) -> dict[str, str | None]:
    """The submitted values checked and normalised (outer spaces off, line breaks as LF,
    "" as ``None``); raises ``ValidationError`` with a German message per refused field."""
    errors: dict[str, str] = {}
    cleaned: dict[str, str | None] = {}
    for spec in FIELDS:
        raw = data.get(spec.name) or ""
        value = raw.replace("\r\n", "\n").replace("\r", "\n")
        if has_forbidden_chars(value.strip(" "), multi_line=spec.multi_line):
            errors[spec.name] = (
                _("„%(label)s“ darf keine Steuerzeichen oder unsichtbaren Richtungszeichen "
                  "enthalten.", label=str(spec.label)) if spec.multi_line else
                _("„%(label)s“ darf keine Zeilenumbrüche, Steuerzeichen oder unsichtbaren "
                  "Richtungszeichen enthalten.", label=str(spec.label))
            )
            continue
        value = value.strip()
        if len(value) > spec.max_length:
            errors[spec.name] = _("Bitte kürzen Sie auf höchstens %(max)d Zeichen.",
                                  max=spec.max_length)
            continue
        message = _check_kind(spec, value) if value else None
        if message:
            errors[spec.name] = message
            continue
        cleaned[spec.name] = value or None
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_kind(spec: LegalField, value: str) -> str | None:
    if spec.kind == "email" and not EMAIL_RE.match(value):
        return _("Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel "
                 "datenschutz@stadt.example.")
    if spec.kind == "phone" and not PHONE_RE.match(value):
        return _("Bitte geben Sie eine Telefonnummer nur mit Ziffern an, zum Beispiel "
                 "03641 123456 oder +49 3641 123456.")
    if spec.kind == "url":
        try:
            check_https_url(value, None, spec.name)
        except ValidationError as exc:
            return exc.errors[spec.name]
    return None


def save(session: Session, region: Region, data: Mapping[str, str | None], *,
         actor_user_id: int | None) -> list[str]:
    """Check and store the region's legal data; return the names of the changed fields.

    Nothing is written when a check fails (``ValidationError``) or nothing changed. A change is
    audited with the changed field names only. Flushes, the caller commits."""
    cleaned = clean(data)
    legal = load(session, region.id)
    before = values(legal)
    changed = [name for name in FIELD_NAMES if (cleaned.get(name) or "") != before[name]]
    if not changed:
        return []
    if legal is None:
        legal = RegionLegal(region_id=region.id)
        session.add(legal)
    for name in FIELD_NAMES:
        setattr(legal, name, cleaned.get(name))
    legal.updated_by_user_id = actor_user_id
    audit.record(session, AUDIT_ACTION, "region", region.id, actor_user_id=actor_user_id,
                 region_id=region.id, details={"fields": changed})
    session.flush()
    return changed
