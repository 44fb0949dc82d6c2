"""The portal's accessibility statement (Erklärung zur Barrierefreiheit), generated per region.

What the law asks the statement to contain (BITV 2.0 § 7 with § 12b BGG, the states' rules such
as Thuringia's ThürBarrWebG/ThürBITVO, directive (EU) 2016/2102 art. 7 and its model statement,
implementing decision (EU) 2018/1523): the conformity status; the parts that are not accessible,
why, and any accessible alternative; how and when the statement was prepared (the last check);
a direct electronic way to report barriers and ask for content (the feedback mechanism); and the
enforcement procedure with a link to the state's body (Schlichtungsstelle/Durchsetzungsstelle).

Generated, not written by hand, so it says what the software really does in the region:

* the scope is the public pages of the features switched on (``PARTS``): a region without the
  events feature has no calendar or registration pages, so they are not in its statement;
* the known barriers (``BARRIERS``) are the ones this software cannot remove itself, because
  companies write the content (texts, pictures, linked videos and documents);
* the last check is what ``kwis-job accessibility check`` (automated, axe) or
  ``kwis-job accessibility record`` (a check done otherwise) stored in ``RegionLegal``;
* contact and enforcement body are the region's legal data. What is missing is said, never
  invented (``Statement.missing`` names it for the admin area too).

The status is "teilweise vereinbar" unless every part in scope was checked by hand, completely,
within the last year (recorded with ``record --von-hand --vollstaendig``) and no non-compliance
is known (a missing sign-language video is one). The companies' content is third-party content
outside the rules' scope and listed under its own heading, as the model statement does.

How a check is stored: ``RegionLegal.accessibility_check_scope`` is readable text; its first
line is a marker naming the method (``METHOD_MARKERS``), written by ``check_scope_text`` and
read by ``recorded_check``. No Flask here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session

from ..i18n import lazy_gettext as _l
from ..models import Region, RegionLegal
from . import features

AUTOMATED = "automated"
BY_HAND = "by_hand"
BY_HAND_COMPLETE = "by_hand_complete"
METHOD_MARKERS = {
    AUTOMATED: "[automatisch]",
    BY_HAND: "[von Hand]",
    BY_HAND_COMPLETE: "[von Hand, vollständig]",
}
"""The first line of a stored check scope: how the check was done."""
CHECK_VALID_DAYS = 365
"""The model statement asks for a review at least once a year; an older check no longer
supports "vollständig vereinbar"."""
STANDARD = "EN 301 549 V3.2.1 / WCAG 2.1 (Stufe AA)"

FULLY = "fully"
PARTIALLY = "partially"


@dataclass(frozen=True)
class Part:
    """A kind of public page of the portal, in the statement's scope while ``feature`` is on.

    ``keyboard_journey``: the project's browser tests go through this part with the keyboard
    only on every release (automated, in a real browser)."""

    key: str
    label: str
    feature: str
    keyboard_journey: bool = False


PARTS: tuple[Part, ...] = (
    Part("search", _l("Startseite und Suche nach Angeboten"), "portal", keyboard_journey=True),
    Part("company", _l("Seiten der Betriebe"), "portal"),
    Part("offer", _l("Seiten der Angebote"), "portal", keyboard_journey=True),
    Part("legal", _l("Impressum, Datenschutzerklärung, diese Erklärung und die Seite in "
                     "Leichter Sprache"), "portal"),
    Part("feedback", _l("Formular für Rückmeldungen zur Barrierefreiheit"), "portal",
         keyboard_journey=True),
    Part("events", _l("Veranstaltungskalender und Seiten der Veranstaltungen"), "events",
         keyboard_journey=True),
    Part("registration", _l("Anmeldung zu Besuchsterminen und die Seiten hinter den Links in "
                            "den E-Mails dazu"), "events", keyboard_journey=True),
    Part("embed", _l("Angebotsliste zum Einbetten auf anderen Websites, ihr Konfigurator und "
                     "der Schulbutton"), "embed", keyboard_journey=True),
)
PART_KEYS = tuple(part.key for part in PARTS)


NONCOMPLIANT = "noncompliant"
THIRD_PARTY = "third_party"
"""The model statement's two headings used here: (a) non-compliance with the rules, and (c)
content outside their scope, which is third-party content neither funded, developed nor
controlled by the public body (directive (EU) 2016/2102 art. 1(4)(e)): the companies'."""


@dataclass(frozen=True)
class Barrier:
    """Content that is known not to be (fully) accessible: what, why, and any alternative."""

    key: str
    what: str
    why: str
    alternative: str | None = None
    category: str = THIRD_PARTY


def _barriers(region_features: dict[str, bool], sign_language: bool,
              reviewed: bool) -> list[Barrier]:
    """The barriers this software cannot remove itself, for the parts in scope."""
    company_text = _l(
        "Die Betriebe schreiben ihre Texte selbst. Sie werden gebeten, Bilder zu beschreiben "
        "(ohne Bildbeschreibung nimmt das Portal kein Foto an), aber ob Texte verständlich und "
        "gut gegliedert sind, prüft keine Software.")
    barriers = [
        Barrier(
            "company_content",
            _l("Texte und Bilder der Betriebe auf den Seiten der Betriebe und Angebote."),
            company_text if not reviewed else _l(
                "%(base)s Die Wirtschaftsförderung sieht die Inhalte vor der Veröffentlichung "
                "durch, prüft sie aber nicht vollständig auf Barrierefreiheit.",
                base=company_text),
            _l("Die wichtigsten Angaben (Art, Ort, Zeitraum, Kontakt) zeigt das Portal bei "
               "jedem Angebot in fester, barrierefreier Form."),
        ),
        Barrier(
            "company_videos",
            _l("Videos, die Betriebe auf ihren Seiten verlinken (zum Beispiel bei YouTube oder "
               "Vimeo)."),
            _l("Die Videos liegen auf fremden Seiten und gehören den Betrieben. Ob sie "
               "Untertitel, Audiodeskription oder ein Transkript haben, kann das Portal nicht "
               "prüfen oder ändern."),
            _l("Das Portal bettet keine Videos ein, sondern zeigt nur einen Link. Fragen Sie "
               "den Betrieb über die Kontaktangaben auf seiner Seite nach einer Textfassung."),
        ),
        Barrier(
            "company_documents",
            _l("Dokumente (zum Beispiel PDF-Dateien) und Webseiten, auf die Betriebe verlinken, "
               "etwa für Bewerbungen."),
            _l("Sie liegen außerhalb des Portals und werden von den Betrieben erstellt."),
            _l("Bitten Sie den Betrieb oder uns über das Rückmeldeformular um eine zugängliche "
               "Fassung."),
        ),
    ]
    if region_features.get("events"):
        barriers.append(Barrier(
            "event_details",
            _l("Angaben der Betriebe zu Treffpunkten und zur Barrierefreiheit vor Ort bei "
               "Besuchsterminen."),
            _l("Die Betriebe machen diese Angaben selbst; ob ein Ort stufenlos erreichbar ist, "
               "kann das Portal nicht prüfen."),
            _l("Fragen Sie vor dem Besuch beim Betrieb oder bei uns nach."),
        ))
    if not sign_language:
        barriers.append(Barrier(
            "sign_language",
            _l("Ein Video in Deutscher Gebärdensprache, das das Portal erklärt."),
            _l("Dieses Video gibt es noch nicht; es ist in Vorbereitung."),
            _l("Eine Erklärung in Leichter Sprache gibt es schon. Über das Rückmeldeformular "
               "können Sie uns auch schreiben, was Sie wissen möchten."),
            category=NONCOMPLIANT,
        ))
    return barriers


@dataclass(frozen=True)
class RecordedCheck:
    """The last check of the region's portal, as stored in ``RegionLegal``."""

    checked_on: date
    method: str
    scope: str
    """The scope text without its marker line: what was checked and with which rules."""

    @property
    def by_hand(self) -> bool:
        return self.method in (BY_HAND, BY_HAND_COMPLETE)


def check_scope_text(method: str, scope: str) -> str:
    """What ``RegionLegal.accessibility_check_scope`` stores: the method's marker, then the
    scope as given."""
    if method not in METHOD_MARKERS:
        raise ValueError(f"unknown check method {method!r}; known: {', '.join(METHOD_MARKERS)}")
    return f"{METHOD_MARKERS[method]}\n{scope.strip()}"


def recorded_check(legal: RegionLegal | None) -> RecordedCheck | None:
    """The stored check, or ``None`` if none was recorded. A scope without a marker (typed in
    elsewhere) counts as an automated check: the cautious reading."""
    if legal is None or legal.accessibility_checked_on is None:
        return None
    text = (legal.accessibility_check_scope or "").strip()
    first, _sep, rest = text.partition("\n")
    for method, marker in METHOD_MARKERS.items():
        if first.strip() == marker:
            return RecordedCheck(legal.accessibility_checked_on, method, rest.strip())
    return RecordedCheck(legal.accessibility_checked_on, AUTOMATED, text)


def web_link(value: str | None) -> str | None:
    """A stored address fit for a link: http(s) only (never ``javascript:`` or the like), else
    ``None``; the admin form checks it too, this keeps the page safe whatever is stored."""
    value = (value or "").strip()
    return value if value.lower().startswith(("https://", "http://")) else None


@dataclass(frozen=True)
class Contact:
    email: str | None
    phone: str | None

    @property
    def missing(self) -> bool:
        return not (self.email or self.phone)


@dataclass(frozen=True)
class EnforcementBody:
    name: str | None
    address: str | None
    email: str | None
    url: str | None

    @property
    def missing(self) -> bool:
        return not (self.name or self.url)


@dataclass
class Statement:
    """Everything the statement page shows; the template only lays it out."""

    region_name: str
    operator_name: str | None
    status: str
    parts: list[Part]
    parts_off: list[Part]
    """Parts of the software that are switched off in the region: not in its scope."""
    barriers: list[Barrier]
    check: RecordedCheck | None
    check_outdated: bool
    keyboard_parts: list[Part]
    contact: Contact
    enforcement: EnforcementBody
    feedback_form: bool
    """Whether the feedback form can deliver (the region has an address for it)."""
    sign_language_url: str | None
    prepared_on: date
    missing: list[str] = field(default_factory=list)
    """Plain German notes on the region's data that is missing, for the page and the admin."""

    @property
    def fully_conformant(self) -> bool:
        return self.status == FULLY

    @property
    def noncompliant(self) -> list[Barrier]:
        return [b for b in self.barriers if b.category == NONCOMPLIANT]

    @property
    def third_party(self) -> list[Barrier]:
        return [b for b in self.barriers if b.category == THIRD_PARTY]

    @property
    def hand_checked_parts(self) -> list[Part]:
        """The parts checked by hand: all of them after a complete check by hand, else none
        can be named (a partial check by hand is described by its scope text)."""
        if self.check is not None and self.check.method == BY_HAND_COMPLETE:
            return list(self.parts)
        return []

    @property
    def parts_not_checked_by_hand(self) -> list[Part]:
        """All parts unless a check by hand was recorded (whose scope text then says what
        it covered)."""
        if self.check is not None and self.check.by_hand:
            return []
        return list(self.parts)


def _status(check: RecordedCheck | None, outdated: bool, barriers: list[Barrier]) -> str:
    """Fully conformant only after a complete check by hand within the last year and with no
    known non-compliance; the companies' content is outside the rules' scope and does not
    count here (it is listed under its own heading)."""
    if (check is None or outdated or check.method != BY_HAND_COMPLETE
            or any(b.category == NONCOMPLIANT for b in barriers)):
        return PARTIALLY
    return FULLY


def build(session: Session, region_id: int, *, today: date) -> Statement:
    """The statement of one region, from its legal data, feature switches and last check."""
    region = session.get(Region, region_id)
    if region is None:
        raise LookupError(f"no region with id {region_id}")
    legal = session.get(RegionLegal, region_id)
    switches = features.states(session, region_id)
    parts = [part for part in PARTS if switches.get(part.feature)]
    parts_off = [part for part in PARTS if not switches.get(part.feature)]
    check = recorded_check(legal)
    outdated = check is not None and check.checked_on < today - timedelta(days=CHECK_VALID_DAYS)
    sign_language = web_link(legal.sign_language_video_url) if legal else None
    barriers = _barriers(switches, bool(sign_language),
                         reviewed=region.review_rule != "none")
    contact = Contact(
        email=(legal.accessibility_email if legal else None) or None,
        phone=(legal.accessibility_phone if legal else None) or None,
    )
    enforcement = EnforcementBody(
        name=(legal.enforcement_body_name or None) if legal else None,
        address=(legal.enforcement_body_address or None) if legal else None,
        email=(legal.enforcement_body_email or None) if legal else None,
        url=web_link(legal.enforcement_body_url) if legal else None,
    )
    statement = Statement(
        region_name=region.name,
        operator_name=(legal.operator_name or None) if legal else None,
        status=_status(check, outdated, barriers),
        parts=parts,
        parts_off=parts_off,
        barriers=barriers,
        check=check,
        check_outdated=outdated,
        keyboard_parts=[part for part in parts if part.keyboard_journey],
        contact=contact,
        enforcement=enforcement,
        feedback_form=feedback_address(session, region_id) is not None,
        sign_language_url=sign_language,
        prepared_on=today,
    )
    statement.missing = missing_data(legal, region)
    return statement


def missing_data(legal: RegionLegal | None, region: Region) -> list[str]:
    """What the region still has to fill in for a complete statement (German, one line each);
    also for the admin area's notice."""
    missing = []
    if legal is None or not (legal.accessibility_email or legal.accessibility_phone):
        missing.append(str(_l(
            "Kontakt für Fragen zur Barrierefreiheit (E-Mail-Adresse oder Telefonnummer)")))
    if legal is None or not (legal.enforcement_body_name or legal.enforcement_body_url):
        missing.append(str(_l("Schlichtungs- oder Durchsetzungsstelle des Landes")))
    if legal is None or legal.accessibility_checked_on is None:
        missing.append(str(_l("Datum und Umfang der letzten Prüfung (kwis-job accessibility "
                              "check oder record)")))
    if legal is None or not legal.sign_language_video_url:
        missing.append(str(_l("Link zu einem Video in Deutscher Gebärdensprache")))
    return missing


def feedback_address(session: Session, region_id: int) -> str | None:
    """Where reports of barriers go: the region's accessibility e-mail, else its general
    contact address; ``None`` if it has neither."""
    legal = session.get(RegionLegal, region_id)
    if legal is not None and legal.accessibility_email:
        return legal.accessibility_email
    region = session.get(Region, region_id)
    return region.contact_email if region is not None and region.contact_email else None
