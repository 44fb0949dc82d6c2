"""Take the README screenshots from a fresh demo database (not a test; run it by hand).

    .venv/bin/python tests/browser/make_screenshots.py [name ...]

With names (e.g. ``events-tab registration-phone``) only those are taken again, so the others
stay byte for byte as they are. Uses Debian's Chromium like the browser tests, and the same
demo data as ``kwis-job demo``.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from kwis_job_plugin.demo.instance import prepare_demo_app
from kwis_job_plugin.demo.seed import ADMIN_EMAIL
from kwis_job_plugin.models import Region, Slot

OUT = Path(__file__).resolve().parent / "screenshots"
COMPANY = "personal@saaletal-praezisionsoptik.example"
OPEN_SLOT = "Mitmachen: eine Schaltung bauen"
"""A demo slot of the Jena week with every place free (and a minimum age, so the form shows
its checkbox)."""
NAMES = ("profile-tab", "offers-tab", "events-tab", "review-queue", "indicators",
         "portal-search-phone", "registration-phone")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def _serve(db_path: Path):
    app, logins = prepare_demo_app(f"sqlite:///{db_path}", "shots")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, logins, app.extensions["kwis_host"]["engine"]


def _slot_id(engine, title: str) -> int:
    with Session(engine) as session:
        return session.scalars(select(Slot.id).where(Slot.title == title)).one()


def _login(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.press("#password", "Enter")
    page.wait_for_load_state("networkidle")


def main(names: list[str]) -> None:
    unknown = set(names) - set(NAMES)
    if unknown:
        sys.exit(f"unknown screenshot(s): {', '.join(sorted(unknown))}; known: {', '.join(NAMES)}")
    wanted = set(names or NAMES)
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        server, logins, engine = _serve(Path(tmp) / "demo.db")
        base = f"http://127.0.0.1:{server.server_port}"
        password = logins[0].password
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)

        desk = browser.new_page(viewport={"width": 1280, "height": 900}, locale="de-DE")
        _login(desk, base, COMPANY, password)
        for path, name in (("/selfservice/job/profil", "profile-tab"),
                           ("/selfservice/job/angebote", "offers-tab"),
                           ("/selfservice/job/veranstaltungen", "events-tab")):
            if name in wanted:
                desk.goto(base + path)
                desk.screenshot(path=OUT / f"{name}.png")
        if "review-queue" in wanted:
            desk.context.clear_cookies()
            _login(desk, base, ADMIN_EMAIL, password)
            desk.goto(base + "/admin/job/pruefung")
            desk.screenshot(path=OUT / "review-queue.png")
        if "indicators" in wanted:
            desk.context.clear_cookies()
            _login(desk, base, ADMIN_EMAIL, password)
            with Session(engine) as session:
                jena = session.scalar(select(Region.id).where(Region.name == "Stadt Jena"))
            desk.goto(f"{base}/admin/job/kennzahlen/{jena}")
            # The charts with their tables beside them, from "Offers by type" on.
            desk.evaluate("document.getElementById('chart-types').scrollIntoView()")
            desk.evaluate("window.scrollBy(0, -90)")
            desk.screenshot(path=OUT / "indicators.png")

        phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="de-DE")
        if "portal-search-phone" in wanted:
            phone.goto(base + "/jobs/suche?q=Ferienjob&ort=07743&umkreis=15")
            phone.screenshot(path=OUT / "portal-search-phone.png", full_page=False)
        if "registration-phone" in wanted:
            phone.goto(f"{base}/jobs/anmeldung/besuch-{_slot_id(engine, OPEN_SLOT)}")
            phone.screenshot(path=OUT / "registration-phone.png", full_page=True)
        browser.close()
        server.shutdown()
    print("\n".join(str(OUT / f"{name}.png") for name in NAMES if name in wanted))


if __name__ == "__main__":
    main(sys.argv[1:])
