"""The admin page "E-Mail-Versand" and the demo's mail folder page.

A 5xx makes a mail fail; the admin sees it with the error and puts it back with the retry
button (a POST with CSRF); the next pass delivers it. Only admins see the page.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest
from support.smtp import running_smtp_server
from support.web import csrf_token, login

from kwis_job_plugin.models import OutboxMail
from kwis_job_plugin.services.mail import admin as mail_admin
from kwis_job_plugin.services.mail import outbox, sender, transport

PAGE = "/admin/job/e-mail"
FROM = "KWIS.job <noreply@kwis.example>"
T0 = datetime(2026, 6, 1, 8, 0)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Structure(HTMLParser):
    """Balanced tags, unique ids, one h1, tables with a caption and scoped headers, every POST
    form with a CSRF token."""

    def __init__(self, html: str):
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.ids: set[str] = set()
        self.h1 = 0
        self.tables = 0
        self.post_forms = 0
        self._form_has_token: bool | None = None
        self._after_table = False
        self.feed(html)
        self.close()
        if self.stack:
            self.problems.append(f"unclosed {self.stack}")

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._after_table and tag != "caption":
            self.problems.append("table without a caption as its first child")
        self._after_table = tag == "table"
        if "id" in attrs:
            if attrs["id"] in self.ids:
                self.problems.append(f"duplicate id {attrs['id']}")
            self.ids.add(attrs["id"])
        if tag == "h1":
            self.h1 += 1
        if tag == "table":
            self.tables += 1
        if tag == "th" and attrs.get("scope") not in ("col", "row"):
            self.problems.append("th without scope")
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self.post_forms += 1
            self._form_has_token = False
        if tag == "input" and attrs.get("name") == "csrf_token" and attrs.get("value"):
            self._form_has_token = True
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag == "form" and self._form_has_token is False:
            self.problems.append("POST form without CSRF token")
        if tag == "form":
            self._form_has_token = None
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()


@pytest.fixture
def smtp():
    with running_smtp_server() as server:
        yield server


def _fail_one(engine, session, smtp) -> OutboxMail:
    mail = outbox.queue(session, to="pupil@schule.example", subject="Ihre Anmeldung",
                        text="Hallo", kind="registration.confirmed", send_after=T0)
    session.commit()
    smtp.handler.rcpt_reply = "550 5.1.1 <pupil@schule.example>: mailbox unavailable"
    result = sender.send_pass(engine, transport.from_url(smtp.url), sender_id="t",
                              mail_from=FROM, now=T0)
    assert result.failed == 1
    smtp.handler.rcpt_reply = None
    return mail


def test_a_5xx_is_shown_and_the_retry_button_puts_it_back(client, world, engine, session, smtp):
    mail = _fail_one(engine, session, smtp)
    login(client, world.admin.email, world.password)
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Ihre Anmeldung" in html and "SMTP 550" in html and "mailbox unavailable" in html
    assert f"/admin/job/e-mail/{mail.id}/erneut" in html
    assert "Keine wartenden E-Mails." in html

    assert client.post(f"{PAGE}/{mail.id}/erneut").status_code == 400, "CSRF is checked"
    answer = client.post(f"{PAGE}/{mail.id}/erneut", data={"csrf_token": csrf_token(html)})
    assert answer.status_code == 302
    after = client.get(PAGE).get_data(as_text=True)
    assert "Die E-Mail „Ihre Anmeldung“ wird erneut versendet." in after
    assert "Keine fehlgeschlagenen E-Mails." in after
    session.expire_all()
    row = session.get(OutboxMail, mail.id)
    assert (row.status, row.attempts) == ("pending", 0)

    again = client.post(f"{PAGE}/{mail.id}/erneut", data={"csrf_token": csrf_token(html)})
    assert again.status_code == 404, "only a failed mail can be retried"
    assert client.post(f"{PAGE}/999999/erneut",
                       data={"csrf_token": csrf_token(html)}).status_code == 404

    result = sender.send_pass(engine, transport.from_url(smtp.url), sender_id="t",
                              mail_from=FROM, now=row.next_attempt_at + timedelta(seconds=1))
    assert result.sent == 1
    [received] = smtp.handler.messages
    assert received["Subject"] == "Ihre Anmeldung"
    assert "Keine fehlgeschlagenen E-Mails." in client.get(PAGE).get_data(as_text=True)


def test_a_4xx_is_shown_as_pending_with_its_next_attempt(client, world, engine, session, smtp):
    outbox.queue(session, to="pupil@schule.example", subject="Erinnerung", text="x",
                 kind="registration.reminder", send_after=T0)
    session.commit()
    smtp.handler.data_reply = "451 4.3.0 try again later"
    sender.send_pass(engine, transport.from_url(smtp.url), sender_id="t", mail_from=FROM,
                     now=T0)
    login(client, world.admin.email, world.password)
    html = client.get(PAGE).get_data(as_text=True)
    assert "Erinnerung" in html and "SMTP 451" in html
    assert '<time datetime="2026-06-01T08:01' in html


def test_the_page_passes_basic_structure_checks(client, world, engine, session, smtp):
    _fail_one(engine, session, smtp)
    outbox.queue(session, to="x@schule.example", subject="Wartet <b>noch</b>", text="x",
                 kind="test")
    session.commit()
    login(client, world.admin.email, world.password)
    html = client.get(PAGE).get_data(as_text=True)
    page = Structure(html)
    assert page.problems == []
    assert page.h1 == 1 and page.tables == 2 and page.post_forms >= 2
    assert "Wartet &lt;b&gt;noch&lt;/b&gt;" in html
    assert 'aria-current="page">KWIS.job: E-Mail-Versand</a>' in html


def test_only_admins_see_the_page(client, world, engine, session, smtp):
    mail = _fail_one(engine, session, smtp)
    anonymous = client.get(PAGE)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    login(client, world.a.email, world.password)
    assert client.get(PAGE).status_code == 403
    token = csrf_token(client.get("/selfservice/job/profil").data)
    assert client.post(f"{PAGE}/{mail.id}/erneut", data={"csrf_token": token}).status_code == 403
    session.expire_all()
    assert session.get(OutboxMail, mail.id).status == "failed"


def test_overview_counts_every_status(session):
    for n in range(3):
        outbox.queue(session, to=f"p{n}@schule.example", subject="s", text="t", kind="k")
    session.flush()
    rows = mail_admin.overview(session)
    assert rows.counts == {"pending": 3, "sent": 0, "failed": 0}
    assert len(rows.pending) == 3 and rows.failed == [] and rows.sent == []


def _file_mail(session, engine, folder, text: str, subject: str = "Bitte bestätigen") -> None:
    outbox.queue(session, to="eltern@familie.example", subject=subject, text=text,
                 kind="registration.guardian", send_after=T0)
    session.commit()
    result = sender.send_pass(engine, transport.from_url(f"file:{folder}"), sender_id="demo",
                              mail_from=FROM, now=T0)
    assert result.sent == 1


def test_the_demo_mail_page_lists_and_shows_mail_files(app, client, engine, session, tmp_path):
    folder = tmp_path / "mail"
    link = "http://localhost/jobs/anmeldung/bestaetigen/abc?a=1&b=2"
    _file_mail(session, engine, folder, f"Guten Tag,\nbitte bestätigen Sie: {link}.\n"
               "<script>alert(1)</script>\n", subject="Erste Mail")
    _file_mail(session, engine, folder, "Zweite", subject="Zweite Mail")
    app.config["KWIS_DEMO_MAIL_DIR"] = str(folder)

    listing = client.get("/demo/mail")
    assert listing.status_code == 200
    html = listing.get_data(as_text=True)
    assert html.index("Zweite Mail") < html.index("Erste Mail"), "newest first"
    first = sorted(folder.glob("*.eml"))[0].name
    shown = client.get(f"/demo/mail/{first}").get_data(as_text=True)
    escaped = link.replace("&", "&amp;")
    assert f'<a href="{escaped}">{escaped}</a>.' in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "<script>" not in shown
    assert Structure(shown).problems == []
    for bad in ("..%2Fsecret.eml", "nope.eml", ".tmp-x.eml", "x.txt"):
        assert client.get(f"/demo/mail/{bad}").status_code == 404, bad


def test_the_demo_mail_page_is_404_without_the_setting(app, client):
    app.config.pop("KWIS_DEMO_MAIL_DIR", None)
    assert client.get("/demo/mail").status_code == 404
    assert client.get("/demo/mail/x.eml").status_code == 404


def test_the_demo_app_sends_its_mail_to_the_demo_folder(tmp_path):
    from kwis_job_plugin.demo.instance import prepare_demo_app

    app, _logins = prepare_demo_app(f"sqlite:///{tmp_path / 'demo.db'}", "s")
    try:
        assert app.config["KWIS_JOB_MAIL_URL"] == f"file:{tmp_path / 'mail'}"
        assert app.config["KWIS_DEMO_MAIL_DIR"] == str(tmp_path / "mail")
        assert app.test_client().get("/demo/mail").status_code == 200
    finally:
        app.extensions["kwis_host"]["engine"].dispose()
