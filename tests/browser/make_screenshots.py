"""Take the README screenshots from a fresh demo database (not a test; run it by hand).

    .venv/bin/python tests/browser/make_screenshots.py

Uses Debian's Chromium like the browser tests, and the same demo data as ``kwis-job demo``.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from kwis_job_plugin.demo.instance import prepare_demo_app
from kwis_job_plugin.demo.seed import ADMIN_EMAIL

OUT = Path(__file__).resolve().parent / "screenshots"
COMPANY = "personal@saaletal-praezisionsoptik.example"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def _serve(db_path: Path):
    app, logins = prepare_demo_app(f"sqlite:///{db_path}", "shots")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, logins


def _login(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.press("#password", "Enter")
    page.wait_for_load_state("networkidle")


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        server, logins = _serve(Path(tmp) / "demo.db")
        base = f"http://127.0.0.1:{server.server_port}"
        password = logins[0].password
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)

        desk = browser.new_page(viewport={"width": 1280, "height": 900}, locale="de-DE")
        _login(desk, base, COMPANY, password)
        for path, name in (("/selfservice/job/profil", "profile-tab"),
                           ("/selfservice/job/angebote", "offers-tab")):
            desk.goto(base + path)
            desk.screenshot(path=OUT / f"{name}.png")
        desk.context.clear_cookies()
        _login(desk, base, ADMIN_EMAIL, password)
        desk.goto(base + "/admin/job/pruefung")
        desk.screenshot(path=OUT / "review-queue.png")

        phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="de-DE")
        phone.goto(base + "/jobs/suche?q=Ferienjob&ort=07743&umkreis=15")
        phone.screenshot(path=OUT / "portal-search-phone.png", full_page=False)
        browser.close()
        server.shutdown()
    print("\n".join(str(p) for p in sorted(OUT.glob("*.png"))))


if __name__ == "__main__":
    main()
