"""The automated accessibility check of a region's portal, and the record of any check.

``kwis-job accessibility check`` calls ``sample_pages`` (which pages of the region to open: the
front page, a search, a company page, an offer page, the event calendar and an event page when
events are on, the legal and accessibility pages), ``run_axe`` (axe-core in Debian's Chromium
through Playwright, WCAG 2.1 A/AA and best-practice rules) and ``record`` (date and scope into
``RegionLegal``, which the accessibility statement shows). ``kwis-job accessibility record``
calls ``record`` alone, for a check done otherwise (by hand, by a test lab).

Playwright and axe are needed only here, so they are an optional extra (``pip install
'kwis-job[accessibility]'``); without them ``run_axe`` raises ``CheckUnavailable`` with a
German message naming the fix. Chromium is the system's (``/usr/bin/chromium``); Playwright
downloads no browser. No Flask here: URLs come from a callable the command line passes in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import gettext as _
from ..models import EmployerProfile, Region, RegionLegal, SearchDoc
from . import event_pages, features, search
from .accessibility_statement import AUTOMATED, check_scope_text
from .input_checks import has_forbidden_chars

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
RULE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")
"""The axe rule sets of a check: WCAG 2.1 A and AA (what BITV 2.0 / EN 301 549 ask) and axe's
best practices."""
SCOPE_MAX = 20000
PAGE_TIMEOUT_MS = 30_000

BuildUrl = Callable[..., str | None]
"""``build(endpoint, **values)``: the absolute URL of a page, or ``None`` if the installation
has no such page (an endpoint not registered)."""


class CheckUnavailable(RuntimeError):
    """Playwright, axe or Chromium is missing; the message says in German what to install."""


@dataclass(frozen=True)
class SamplePage:
    label: str
    url: str


@dataclass(frozen=True)
class Sample:
    pages: list[SamplePage]
    missing: list[str]
    """Kinds of page the region has none of (no published company yet, ...): not checked."""


def _public_offer(session: Session, region_id: int, today: date):
    """One current offer of the region with its company's slug (the first by id), or None."""
    return session.execute(
        select(SearchDoc.offer_id, SearchDoc.offer_slug, EmployerProfile.slug)
        .join(EmployerProfile, EmployerProfile.id == SearchDoc.profile_id)
        .where(*search.current_conditions([region_id], today))
        .order_by(SearchDoc.offer_id)
        .limit(1)
    ).first()


def sample_pages(session: Session, region_id: int, today: date, build: BuildUrl) -> Sample:
    """The pages a check of the region opens: one of each kind the region has."""
    region = session.get(Region, region_id)
    if region is None:
        raise LookupError(f"no region with id {region_id}")
    pages: list[SamplePage] = []
    missing: list[str] = []

    def add(label: str, endpoint: str, **values) -> None:
        url = build(endpoint, **values)
        if url:
            pages.append(SamplePage(label, url))
        else:
            missing.append(label)

    add(_("Startseite"), "kwis_job_portal.index")
    add(_("Suche"), "kwis_job_portal.search", region=region.slug, q="Praktikum")
    found = _public_offer(session, region_id, today)
    if found is not None:
        add(_("Seite eines Betriebs"), "kwis_job_portal.company", slug=found.slug)
        add(_("Seite eines Angebots"), "kwis_job_portal.offer", offer_id=found.offer_id,
            slug=found.offer_slug or "angebot")
    else:
        missing += [_("Seite eines Betriebs"), _("Seite eines Angebots")]
    if features.is_enabled(session, "events", region_id):
        add(_("Veranstaltungskalender"), "kwis_job_portal.events", region=region.slug)
        found_calendar = event_pages.calendar(session, today, region=region.slug)
        entries = [e for month in (found_calendar.months if found_calendar else ())
                   for e in month.entries]
        if entries:
            add(_("Seite einer Veranstaltung"), "kwis_job_portal.event",
                event_id=entries[0].event_id, slug=entries[0].slug)
        else:
            missing.append(_("Seite einer Veranstaltung"))
    add(_("Impressum"), "kwis_job_legal.imprint", slug=region.slug)
    add(_("Datenschutzerklärung"), "kwis_job_legal.privacy", slug=region.slug)
    add(_("Erklärung zur Barrierefreiheit"), "kwis_job_accessibility.statement",
        slug=region.slug)
    add(_("Leichte Sprache"), "kwis_job_accessibility.easy_language", slug=region.slug)
    add(_("Rückmeldeformular"), "kwis_job_accessibility_feedback.form", slug=region.slug)
    return Sample(pages, missing)


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str | None
    nodes: int
    help: str


@dataclass(frozen=True)
class PageResult:
    page: SamplePage
    status: int | None
    violations: list[Violation] = field(default_factory=list)
    error: str | None = None


@dataclass(frozen=True)
class CheckResult:
    engine: str
    """``axe-core <version>``."""
    results: list[PageResult]

    @property
    def violation_count(self) -> int:
        return sum(len(r.violations) for r in self.results)

    @property
    def failed_pages(self) -> list[PageResult]:
        return [r for r in self.results if r.error or (r.status or 0) >= 400]

    @property
    def clean(self) -> bool:
        return not self.violation_count and not self.failed_pages


def _load_tools():
    try:
        from axe_playwright_python.sync_playwright import Axe
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise CheckUnavailable(_(
            "Für die automatische Prüfung fehlen Playwright und axe. Bitte installieren Sie "
            "sie mit: pip install 'kwis-job[accessibility]' (den Browser Chromium "
            "bitte über das Betriebssystem, z. B. apt install chromium).")) from None
    return Axe, sync_playwright


def run_axe(pages: list[SamplePage], *, executable_path: Path = CHROMIUM,
            tags: tuple[str, ...] = RULE_TAGS) -> CheckResult:
    """Open each page in headless Chromium and run axe with ``tags``; a page that does not
    load is a result with ``error`` (the check goes on)."""
    Axe, sync_playwright = _load_tools()
    if not executable_path.exists():
        raise CheckUnavailable(_(
            "Chromium wurde unter %(path)s nicht gefunden. Bitte installieren Sie es über das "
            "Betriebssystem (z. B. apt install chromium).", path=str(executable_path)))
    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    results: list[PageResult] = []
    engine = "axe-core"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable_path),
                                             headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="de-DE")
            context.set_default_timeout(PAGE_TIMEOUT_MS)
            tab = context.new_page()
            for page in pages:
                try:
                    response = tab.goto(page.url, wait_until="load")
                    status = response.status if response is not None else None
                    found = axe.run(tab, options=options).response
                except Exception as exc:  # noqa: BLE001 (any failure of one page is reported)
                    results.append(PageResult(page, None, error=str(exc).splitlines()[0]))
                    continue
                engine = f"axe-core {found.get('testEngine', {}).get('version', '')}".strip()
                results.append(PageResult(page, status, [
                    Violation(v["id"], v.get("impact"), len(v.get("nodes", ())), v["help"])
                    for v in found.get("violations", ())
                ]))
        finally:
            browser.close()
    return CheckResult(engine, results)


def scope_of(result: CheckResult, missing: list[str],
             tags: tuple[str, ...] = RULE_TAGS) -> str:
    """The readable record of an automated check: tool, rule sets, pages and result."""
    lines = [
        _("Automatische Prüfung mit %(engine)s in Chromium, Regelsätze: %(tags)s.",
          engine=result.engine, tags=", ".join(tags)),
        _("Geprüfte Seiten:"),
    ]
    for item in result.results:
        if item.error:
            state = _("nicht geladen (%(error)s)", error=item.error)
        elif (item.status or 0) >= 400:
            state = _("Antwort %(status)s", status=item.status)
        elif item.violations:
            state = ", ".join(f"{v.rule} ({v.nodes})" for v in item.violations)
        else:
            state = _("keine Verstöße")
        lines.append(f"- {item.page.label}: {item.page.url} – {state}")
    if missing:
        lines.append(_("Nicht geprüft, weil es in der Region keine solche Seite gibt: "
                       "%(kinds)s.", kinds=", ".join(missing)))
    if result.clean:
        lines.append(_("Ergebnis: axe hat keine Verstöße gefunden. Das heißt nicht, dass die "
                       "Seiten barrierefrei sind: automatische Prüfungen finden nur einen Teil "
                       "der Barrieren."))
    else:
        lines.append(_("Ergebnis: %(count)s Verstöße, %(failed)s Seiten nicht geprüft.",
                       count=result.violation_count, failed=len(result.failed_pages)))
    return "\n".join(lines)


def region_by_slug(session: Session, slug: str) -> Region | None:
    return session.scalar(select(Region).where(Region.slug == slug[:60]))


def check_scope(scope: str) -> str:
    """A scope typed in on the command line, checked by the plug-in's input rule (German
    ``ValueError`` message)."""
    value = (scope or "").strip()
    if not value:
        raise ValueError(_("Bitte beschreiben Sie den Umfang der Prüfung (--scope)."))
    if has_forbidden_chars(value, multi_line=True):
        raise ValueError(_("Der Umfang darf keine Steuerzeichen oder unsichtbaren "
                           "Richtungszeichen enthalten."))
    if len(value) > SCOPE_MAX:
        raise ValueError(_("Der Umfang ist zu lang (höchstens %(max)s Zeichen).",
                           max=SCOPE_MAX))
    return value


def record(session: Session, region_id: int, *, checked_on: date, method: str,
           scope: str) -> RegionLegal:
    """Store the region's last check (date, method and scope) for its accessibility statement;
    creates the region's legal row if it has none yet (all its columns are optional). Flushes,
    never commits."""
    if session.get(Region, region_id) is None:
        raise LookupError(f"no region with id {region_id}")
    legal = session.get(RegionLegal, region_id)
    if legal is None:
        legal = RegionLegal(region_id=region_id)
        session.add(legal)
    legal.accessibility_checked_on = checked_on
    legal.accessibility_check_scope = check_scope_text(method, check_scope(scope))
    session.flush()
    return legal


__all__ = ["AUTOMATED", "CheckResult", "CheckUnavailable", "SamplePage", "record", "run_axe",
           "sample_pages", "scope_of"]
