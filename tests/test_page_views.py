"""Page views of public company and offer pages (issue 9: "Aufrufe" was always 0), on both engines.

Real requests through the test client (``buffered=True``: the response is closed as a server
closes it, which is when a view is counted), flushes into the real database, the counts shown in
the offers and profile tabs. Bots, HEAD, prefetches, 404 and 304 answers are not views; nothing
is written per request; two flushes add up; two threads flushing at once lose nothing; a flush
that fails leaves the page intact and the counts for the next one.
"""

from __future__ import annotations

import logging
import re
import threading
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, func, select
from support.web import login

from kwis_job_plugin.demo import factories
from kwis_job_plugin.models import DailyCounter
from kwis_job_plugin.services import page_views, search_index
from kwis_job_plugin.views import page_views as page_views_hook

BROWSER = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/120.0.0.0 Safari/537.36")
PHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
         "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")
BOTS = (
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "WhatsApp/2.23.20.0",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/120.0.0.0 Safari/537.36",
    "curl/8.5.0",
    "python-requests/2.31.0",
    "",
)


@pytest.fixture
def pages(session, world):
    """Company A's public page and one public offer on it, in Jena."""
    profile = factories.ProfileFactory(customer=world.a.customer, region=world.region,
                                       status="published")
    offer = factories.OfferFactory(profile=profile, status="published", title="Ferienjob Alpha")
    session.flush()
    search_index.refresh(session, profile)
    search_index.refresh(session, offer)
    session.commit()
    return SimpleNamespace(
        profile=profile, offer=offer, world=world,
        company=f"/jobs/betriebe/{profile.slug}",
        offer_page=f"/jobs/angebote/{offer.id}-{offer.slug}",
    )


def visit(client, url, user_agent=BROWSER, method="GET", **headers):
    """One request, its response closed as a WSGI server closes it after sending."""
    response = client.open(url, method=method, buffered=True,
                           headers={"User-Agent": user_agent, **headers})
    return response


def counters(session) -> dict[tuple[str, str, str], int]:
    session.expire_all()
    rows = session.scalars(select(DailyCounter).where(
        DailyCounter.day == date.today()))
    return {(row.metric, row.scope, row.subject): row.value for row in rows}


def written(session) -> int:
    session.expire_all()
    return session.scalar(select(func.coalesce(func.sum(DailyCounter.value), 0)))


def test_views_are_counted_per_page_and_day_and_written_in_one_batch(app, client, session, pages):
    app.config["KWIS_JOB_PAGE_VIEWS_FLUSH_SECONDS"] = 3600
    for _ in range(3):
        assert visit(client, pages.offer_page).status_code == 200
    assert visit(client, pages.company, PHONE).status_code == 200
    assert visit(client, pages.company).status_code == 200
    assert written(session) == 0, "a view must not be written in its request"
    recorder = page_views_hook.recorder(app)
    assert sum(recorder.buffer.pending().values()) == 5
    assert recorder.flush() == 2
    assert counters(session) == {
        ("offer_view", "jena", f"offer:{pages.offer.id}"): 3,
        ("profile_view", "jena", f"profile:{pages.profile.id}"): 2,
    }
    assert recorder.buffer.pending() == {}


def test_a_full_or_old_buffer_flushes_after_the_answer(app, client, session, pages):
    app.config["KWIS_JOB_PAGE_VIEWS_FLUSH_ENTRIES"] = 1
    visit(client, pages.offer_page)
    assert written(session) == 0  # one key: not more than the limit yet
    visit(client, pages.company)  # a second key: the buffer is flushed once this is sent
    assert written(session) == 2

    ticks = iter([0.0, 0.0, 30.0, 61.0, 61.0])
    buffer = page_views.ViewBuffer(max_age=60, max_entries=100, clock=lambda: next(ticks))
    key = page_views.Key.of_page(date.today(), page_views.OFFER, 1, "jena")
    assert buffer.add(key) is False  # t=0
    assert buffer.add(key) is False  # t=30
    assert buffer.add(key) is True   # t=61: the oldest view waits 61 s


def test_bots_head_prefetch_revisits_and_errors_are_not_views(app, client, session, pages):
    for agent in BOTS:
        assert visit(client, pages.offer_page, agent).status_code == 200
    assert visit(client, pages.offer_page, method="HEAD").status_code == 200
    assert visit(client, pages.offer_page, **{"Sec-Purpose": "prefetch"}).status_code == 200
    assert visit(client, pages.offer_page, **{"Sec-Purpose": "prefetch;prerender"}).status_code \
        == 200
    assert visit(client, pages.offer_page, Purpose="prefetch").status_code == 200
    assert visit(client, f"/jobs/angebote/{pages.offer.id + 999}-x").status_code == 404
    assert visit(client, "/jobs/betriebe/gibt-es-nicht").status_code == 404
    first = visit(client, pages.offer_page)
    assert first.status_code == 200 and first.headers["ETag"]
    again = visit(client, pages.offer_page, **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304  # the browser shows its copy: no new view
    moved = visit(client, f"/jobs/angebote/{pages.offer.id}-alter-titel")
    assert moved.status_code == 301  # counted where it lands, not twice
    page_views_hook.recorder(app).flush()
    assert counters(session) == {("offer_view", "jena", f"offer:{pages.offer.id}"): 1}


def test_the_bot_list_and_the_prefetch_headers():
    for agent in BOTS:
        assert page_views.is_bot(agent), agent
    for agent in (BROWSER, PHONE,
                  "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like "
                  "Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
                  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 "
                  "Firefox/121.0"):
        assert not page_views.is_bot(agent), agent
    assert page_views.is_bot("Mozilla/5.0 " + "x" * 600)
    assert page_views.is_prefetch({"Sec-Purpose": "prefetch"})
    assert page_views.is_prefetch({"X-Moz": "prefetch"})
    assert not page_views.is_prefetch({"Accept": "text/html"})
    assert not page_views.is_countable("HEAD", {"User-Agent": BROWSER})
    assert page_views.is_countable("GET", {"User-Agent": BROWSER})


def test_two_flushes_add_up(app, client, session, pages):
    recorder = page_views_hook.recorder(app)
    for _ in range(2):
        visit(client, pages.offer_page)
    recorder.flush()
    for _ in range(3):
        visit(client, pages.offer_page)
    recorder.flush()
    assert counters(session) == {("offer_view", "jena", f"offer:{pages.offer.id}"): 5}
    assert session.scalar(select(func.count()).select_from(DailyCounter)) == 1  # one row a day


def test_the_upsert_adds_to_rows_of_other_days_and_processes(engine, session):
    """Rows written before (another day, another process) are added to, never replaced."""
    today = date.today()
    key = page_views.Key.of_page(today, page_views.OFFER, 7, "jena")
    yesterday = page_views.Key.of_page(today - timedelta(days=1), page_views.OFFER, 7, "jena")
    with engine.begin() as conn:
        page_views.write(conn, {key: 2, yesterday: 1})
    with engine.begin() as conn:  # a second process's batch
        page_views.write(conn, {key: 5})
    assert page_views.recent_views(session, page_views.OFFER, [7, 8], today) == {7: 8}
    assert page_views.recent_views(session, page_views.OFFER, [7], today, days=1) == {7: 7}
    assert page_views.recent_views(session, page_views.PROFILE, [7], today) == {}


def test_concurrent_adds_and_flushes_from_threads_lose_nothing(engine, session):
    buffer = page_views.ViewBuffer(max_age=3600, max_entries=5)
    keys = [page_views.Key.of_page(date.today(), page_views.OFFER, n, "jena") for n in range(12)]
    start = threading.Barrier(4)
    errors = []

    def worker(offset: int) -> None:
        try:
            start.wait()
            for i in range(300):
                if buffer.add(keys[(i + offset) % len(keys)]):
                    page_views.flush(buffer, engine)
            page_views.flush(buffer, engine)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    page_views.flush(buffer, engine)  # whatever a failed flush put back
    assert not errors
    assert buffer.pending() == {}
    assert written(session) == 1200
    assert len(counters(session)) == 12


def test_a_failing_flush_keeps_the_page_and_the_counts(app, client, session, pages, caplog,
                                                       tmp_path):
    broken = create_engine(f"sqlite:///{tmp_path}/fehlt/nicht-da.db")
    good = page_views_hook.recorder(app)
    app.extensions[page_views_hook.EXTENSION_KEY] = page_views_hook.Recorder(
        page_views.ViewBuffer(max_age=0, max_entries=0), broken)
    with caplog.at_level(logging.ERROR, logger=page_views.__name__):
        assert visit(client, pages.offer_page).status_code == 200
        assert visit(client, pages.offer_page).status_code == 200
    assert "kept for the next flush" in caplog.text
    failing = app.extensions[page_views_hook.EXTENSION_KEY]
    assert sum(failing.buffer.pending().values()) == 2
    assert written(session) == 0
    page_views.flush(failing.buffer, good.engine)  # the database is back
    assert counters(session) == {("offer_view", "jena", f"offer:{pages.offer.id}"): 2}


def test_flush_at_exit_writes_what_is_left(engine, session):
    buffer = page_views.ViewBuffer(max_age=3600, max_entries=100)
    page_views.flush_at_exit(buffer, engine)
    buffer.add(page_views.Key.of_page(date.today(), page_views.PROFILE, 3, "jena"), 4)
    page_views._flush_all()  # what atexit calls
    assert counters(session) == {("profile_view", "jena", "profile:3"): 4}


def _row_cells(html: str, offer_id: int) -> str:
    match = re.search(rf'<a href="/selfservice/job/angebote/{offer_id}">.*?</tr>', html, re.S)
    assert match, "offer row missing"
    return match.group(0)


def test_the_tabs_show_the_views_of_the_last_30_days(app, client, session, pages):
    today = date.today()
    offer_key = page_views.Key.of_page(today, page_views.OFFER, pages.offer.id, "jena")
    old_key = page_views.Key.of_page(today - timedelta(days=30), page_views.OFFER,
                                     pages.offer.id, "jena")
    with session.get_bind().begin() as conn:
        page_views.write(conn, {offer_key: 17, old_key: 1000})
    visit(client, pages.company)
    visit(client, pages.company)
    page_views_hook.recorder(app).flush()
    assert login(client, pages.world.a.email, pages.world.password).status_code == 302

    offers_tab = client.get("/selfservice/job/angebote").get_data(as_text=True)
    assert "Aufrufe" in offers_tab and "(letzte 30 Tage)" in offers_tab
    assert "<td>17</td>" in _row_cells(offers_tab, pages.offer.id)

    profile_tab = client.get("/selfservice/job/profil").get_data(as_text=True)
    shown = re.search(r"Aufrufe der Profilseite \(letzte 30 Tage\)</dt><dd>(\d+)</dd>",
                      profile_tab)
    assert shown and shown.group(1) == "2"
