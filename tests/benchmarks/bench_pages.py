"""Lighthouse and transfer sizes of the four public page kinds of the demo.

    .venv/bin/python tests/benchmarks/bench_pages.py             # as built
    .venv/bin/python tests/benchmarks/bench_pages.py --baseline  # as before the asset build
    .venv/bin/python tests/benchmarks/bench_pages.py --runs 1 --no-lighthouse

Serves the demo (``prepare_demo_app`` on a throwaway SQLite file, like the browser tests) on
127.0.0.1 and measures the front page, a search, a company page and an offer page:

- Lighthouse 12 (npm ``lighthouse``, installed by this script into
  ``~/.cache/kwis-job-bench/lighthouse`` on first use; ``CHROME_PATH=/usr/bin/chromium``,
  headless), mobile (its default simulated phone and throttling) and ``--desktop``: the median
  of ``--runs`` runs of the performance, accessibility, best-practices and SEO scores, first
  and largest contentful paint, and the total transfer size Lighthouse saw.
- Playwright (Debian's Chromium) at a 390x844 viewport: the bytes on the wire (the sum of
  ``encodedDataLength`` of every response, headers included) of a first visit to a search page,
  and of a repeat visit (another search in the same browser, its cache warm).

``--baseline`` serves the same demo as it was before the asset build: no manifest (plain
names, full KERN and fonts, one-hour cache) and no HTML compression; the figures "before" in
README come from it. Lighthouse scores vary with the machine's load: the script prints
``os.getloadavg()`` before and after. Not part of pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

CHROMIUM = "/usr/bin/chromium"
CACHE = Path(os.environ.get("KWIS_JOB_BENCH_CACHE", Path.home() / ".cache" / "kwis-job-bench"))
LIGHTHOUSE_VERSION = "12"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
VIEWPORT = {"width": 390, "height": 844}
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"


def lighthouse_bin() -> Path:
    folder = CACHE / "lighthouse"
    binary = folder / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        folder.mkdir(parents=True, exist_ok=True)
        print(f"installing lighthouse@{LIGHTHOUSE_VERSION} into {folder} ...", flush=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(folder),
             f"lighthouse@{LIGHTHOUSE_VERSION}"],
            check=True, timeout=600,
        )
    return binary


def serve_demo(baseline: bool):
    import logging

    from werkzeug.serving import make_server

    from kwis_job_plugin.demo.instance import prepare_demo_app
    from kwis_job_plugin.views import assets

    if baseline:
        assets.manifest.cache_clear()
        assets.hashed_names.cache_clear()
        assets.manifest = lambda: {}  # as before the build: plain names, full KERN
        assets.hashed_names = lambda: {}
    tmp = Path(tempfile.mkdtemp(prefix="kwis-bench-pages-"))
    app, _logins = prepare_demo_app(f"sqlite:///{tmp / 'demo.db'}", "bench-secret")
    if baseline:
        app.config["KWIS_JOB_COMPRESS_HTML"] = False
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}", tmp


def page_urls(base: str) -> dict[str, str]:
    """A search, a company and an offer page, taken from the sitemap."""
    import re

    import requests

    sitemap = requests.get(f"{base}/jobs/sitemap.xml", timeout=30).text
    locs = [urlsplit(u).path for u in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    company = next(p for p in locs if "/betriebe/" in p)
    offer = next(p for p in locs if "/angebote/" in p)
    return {
        "front page": f"{base}/jobs/",
        "search": f"{base}/jobs/suche?q=Ausbildung",
        "company": f"{base}{company}",
        "offer": f"{base}{offer}",
    }


def lighthouse(binary: Path, url: str, desktop: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="kwis-lh-") as tmp:
        out = Path(tmp) / "report.json"
        cmd = [str(binary), url, "--output=json", f"--output-path={out}", "--quiet",
               f"--chrome-flags={CHROME_FLAGS}",
               f"--only-categories={','.join(CATEGORIES)}"]
        if desktop:
            cmd.append("--preset=desktop")
        env = {**os.environ, "CHROME_PATH": CHROMIUM}
        subprocess.run(cmd, check=True, timeout=300, env=env, capture_output=True)
        report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    return {
        **{c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES},
        "fcp_ms": audits["first-contentful-paint"]["numericValue"],
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "bytes": audits["total-byte-weight"]["numericValue"],
    }


def median_runs(binary: Path, url: str, runs: int, desktop: bool) -> dict:
    results = [lighthouse(binary, url, desktop) for _ in range(runs)]
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def transfer(base: str, urls: dict[str, str]) -> dict:
    """Bytes on the wire of a first and a repeat visit to a search page (Playwright, CDP)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport=VIEWPORT, locale="de-DE")
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        seen: dict[str, dict] = {}

        def on_response(event):
            seen.setdefault(event["requestId"], {})["url"] = event["response"]["url"]
            seen[event["requestId"]]["status"] = event["response"]["status"]

        def on_finished(event):
            seen.setdefault(event["requestId"], {})["bytes"] = event["encodedDataLength"]

        cdp.on("Network.responseReceived", on_response)
        cdp.on("Network.loadingFinished", on_finished)
        visits = {}
        for name, url in (("first visit", urls["search"]),
                          ("repeat visit", f"{base}/jobs/suche?q=Praktikum")):
            seen.clear()
            page.goto(url, wait_until="networkidle")
            on_wire = [r for r in seen.values() if r.get("bytes")]
            visits[name] = {
                "responses": len(on_wire),
                "bytes": sum(r["bytes"] for r in on_wire),
                "files": sorted(f"{urlsplit(r['url']).path} {r['bytes']}" for r in on_wire),
            }
        browser.close()
    return visits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--desktop", action="store_true", help="Lighthouse's desktop preset")
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--pages", default="front page,search,company,offer")
    args = parser.parse_args(argv)

    print(f"load before: {os.getloadavg()}  ({'baseline' if args.baseline else 'as built'})")
    server, base, tmp = serve_demo(args.baseline)
    try:
        urls = page_urls(base)
        for name, visit in transfer(base, urls).items():
            print(f"{name} of a search (390x844): {visit['responses']} responses, "
                  f"{visit['bytes'] / 1024:.1f} KB on the wire")
            for line in visit["files"]:
                print(f"    {line}")
        if not args.no_lighthouse:
            binary = lighthouse_bin()
            form = "desktop" if args.desktop else "mobile"
            print(f"\nLighthouse {form}, median of {args.runs}:")
            print(f"{'page':<12} {'perf':>5} {'a11y':>5} {'b-p':>5} {'seo':>5} "
                  f"{'FCP ms':>7} {'LCP ms':>7} {'KB':>7}")
            for name in args.pages.split(","):
                r = median_runs(binary, urls[name], args.runs, args.desktop)
                print(f"{name:<12} {r['performance']:>5.0f} {r['accessibility']:>5.0f} "
                      f"{r['best-practices']:>5.0f} {r['seo']:>5.0f} {r['fcp_ms']:>7.0f} "
                      f"{r['lcp_ms']:>7.0f} {r['bytes'] / 1024:>7.1f}", flush=True)
    finally:
        server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"load after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
