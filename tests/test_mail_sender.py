"""The mail sender against a real SMTP server (aiosmtpd), on SQLite and PostgreSQL.

What must hold: every mail arrives exactly once (a killed sender may repeat the one in flight),
outages and 4xx are retried later, 5xx fail with the error kept, several senders never send the
same mail twice, and nothing a visitor typed becomes a header.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session
from support.smtp import running_smtp_server

from kwis_job_plugin.cli import job
from kwis_job_plugin.models import OutboxMail
from kwis_job_plugin.services.mail import message, outbox, sender, transport

FROM = "KWIS.job Jena <noreply@kwis-jena.example>"
T0 = datetime(2026, 6, 1, 8, 0, 0)


@pytest.fixture
def smtp():
    with running_smtp_server() as server:
        yield server


def _ics(summary: str = "Besuch bei Optik Alpha") -> str:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//KWIS.job//Test//DE")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", "slot-1@kwis-jena.example")
    event.add("summary", summary)
    event.add("dtstart", datetime(2026, 6, 10, 9, 0))
    event.add("dtend", datetime(2026, 6, 10, 11, 0))
    event.add("dtstamp", T0)
    cal.add_component(event)
    return cal.to_ical().decode()


def _queue(session, count: int, **extra) -> list[int]:
    ids = []
    for n in range(count):
        mail = outbox.queue(
            session, to=f"person{n}@schule.example", subject=f"Anmeldung {n} bestätigt",
            text=f"Hallo,\n\nIhre Anmeldung {n} ist bestätigt.\nhttps://kwis.example/a?n={n}&x=1\n",
            kind="registration.confirmed", send_after=T0, **extra,
        )
        ids.append(mail.id)
    session.commit()
    return ids


def _pass(engine, url, *, now=T0, sender_id="s1", **kw):
    return sender.send_pass(engine, transport.from_url(url), sender_id=sender_id,
                            mail_from=FROM, now=now, **kw)


def _rows(engine) -> list[OutboxMail]:
    with Session(engine) as s:
        return list(s.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def test_one_pass_delivers_every_pending_mail_once_with_headers_and_ics(engine, session, smtp):
    ids = _queue(session, 3)
    outbox.queue(session, to="eltern@familie.example", subject="Bitte bestätigen Sie",
                 text="Text", html="<p>HTML</p>", ics=_ics(), kind="registration.pending",
                 send_after=T0)
    session.commit()

    result = _pass(engine, smtp.url)
    assert (result.claimed, result.sent, result.retrying, result.failed) == (4, 4, 0, 0)
    received = smtp.handler.messages
    assert len(received) == 4
    assert sorted(to for _f, [to] in smtp.handler.envelopes) == sorted(
        [f"person{n}@schule.example" for n in range(3)] + ["eltern@familie.example"])
    first = next(m for m in received if m["To"] == "person0@schule.example")
    [sent_from] = first["From"].addresses
    assert (sent_from.display_name, sent_from.addr_spec) == (
        "KWIS.job Jena", "noreply@kwis-jena.example")
    assert first["Subject"] == "Anmeldung 0 bestätigt"
    assert first["Date"].datetime.year == 2026
    created = _rows(engine)[0].created_at
    assert first["Message-ID"] == f"<kwis-job.{ids[0]}.{created:%Y%m%d%H%M%S}@kwis-jena.example>"
    assert "https://kwis.example/a?n=0&x=1" in first.get_body(("plain",)).get_content()

    invite = next(m for m in received if m["To"] == "eltern@familie.example")
    assert invite.get_body(("html",)).get_content().strip() == "<p>HTML</p>"
    [attachment] = list(invite.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_param("method") == "PUBLISH"
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Besuch bei Optik Alpha"

    rows = _rows(engine)
    assert {r.status for r in rows} == {"sent"}
    assert all(r.sent_at and r.claimed_by is None and r.attempts == 1 for r in rows)
    again = _pass(engine, smtp.url, now=T0 + timedelta(hours=1))
    assert again.claimed == 0 and len(smtp.handler.messages) == 4


def test_nothing_typed_by_a_visitor_becomes_a_header(engine, session, smtp):
    for bad in ("a@b.example\r\nBcc: evil@x.example", "a@b.example\nBcc:evil@x.example",
                "a@b.example, evil@x.example", "a\x00@b.example"):
        with pytest.raises(outbox.UnsafeAddress):
            outbox.queue(session, to=bad, subject="x", text="x", kind="test")
    session.rollback()
    outbox.queue(session, to="pupil@schule.example", text="x", kind="test", send_after=T0,
                 subject="Hallo\r\nBcc: evil@x.example\r\n\r\nInjected body")
    # A row written around the queue (an old row, a bug elsewhere) is refused by the sender too.
    session.add(OutboxMail(to_addr="x@y.example\r\nBcc: evil@x.example", subject="s",
                           body_text="b", status="pending", attempts=0, next_attempt_at=T0,
                           created_at=T0))
    session.commit()

    result = _pass(engine, smtp.url)
    assert (result.sent, result.failed) == (1, 1)
    [received] = smtp.handler.messages
    assert received["Subject"] == "Hallo Bcc: evil@x.example Injected body"
    assert received["Bcc"] is None and len(received.get_all("Subject")) == 1
    assert smtp.handler.envelopes == [("noreply@kwis-jena.example", ["pupil@schule.example"])]
    failed = next(r for r in _rows(engine) if r.status == "failed")
    assert "Mail nicht erstellbar" in failed.last_error and "evil" not in failed.last_error


def test_server_down_then_back_every_mail_arrives_once(engine, session, smtp):
    _queue(session, 5)
    smtp.stop()

    down = _pass(engine, smtp.url)
    assert (down.claimed, down.retrying, down.sent, down.failed) == (5, 5, 0, 0)
    rows = _rows(engine)
    assert all(r.status == "pending" and r.attempts == 1 for r in rows)
    assert all(r.next_attempt_at >= T0 + timedelta(minutes=1) for r in rows)
    assert all(r.claimed_by is None and "nicht erreichbar" in r.last_error for r in rows)
    assert _pass(engine, smtp.url, now=T0 + timedelta(seconds=30)).claimed == 0, "backoff"

    # Still down after the first delay: the next delay is twice as long.
    second = _pass(engine, smtp.url, now=T0 + timedelta(minutes=2))
    assert second.retrying == 5
    rows = _rows(engine)
    assert all(r.attempts == 2 for r in rows)
    assert all(r.next_attempt_at >= T0 + timedelta(minutes=4) for r in rows)

    smtp.start()
    assert _pass(engine, smtp.url, now=T0 + timedelta(minutes=3)).claimed == 0
    back = _pass(engine, smtp.url, now=T0 + timedelta(minutes=5))
    assert back.sent == 5
    assert sorted(Counter(smtp.handler.message_ids()).values()) == [1] * 5
    assert {r.status for r in _rows(engine)} == {"sent"}


def test_a_5xx_fails_the_mail_with_the_error_and_without_the_address(engine, session, smtp):
    _queue(session, 1)
    smtp.handler.rcpt_reply = "550 5.1.1 <person0@schule.example>: Recipient address rejected"
    result = _pass(engine, smtp.url)
    assert (result.failed, result.sent, result.retrying) == (1, 0, 0)
    [row] = _rows(engine)
    assert row.status == "failed" and row.claimed_by is None
    assert row.last_error.startswith("SMTP 550")
    assert "Recipient address rejected" in row.last_error
    assert "person0" not in row.last_error
    assert _pass(engine, smtp.url, now=T0 + timedelta(days=1)).claimed == 0


def test_a_4xx_is_retried_later_and_then_delivered(engine, session, smtp):
    _queue(session, 2)
    smtp.handler.data_reply = "451 4.3.0 Mailbox busy, try later"
    result = _pass(engine, smtp.url)
    assert (result.retrying, result.failed) == (2, 0)
    assert all(r.status == "pending" and "SMTP 451" in r.last_error for r in _rows(engine))
    smtp.handler.data_reply = None
    assert _pass(engine, smtp.url, now=T0 + timedelta(minutes=2)).sent == 2
    assert len(smtp.handler.messages) == 2


def test_a_server_without_starttls_or_tls_keeps_the_mail_pending(engine, session, smtp):
    """A TLS setting the server cannot do is the sender's problem, not the mail's: retry."""
    _queue(session, 2)
    for day, url in enumerate((smtp.url.replace("smtp://", "smtp+starttls://"),
                               smtp.url.replace("smtp://", "smtps://")), start=1):
        result = _pass(engine, url, now=T0 + timedelta(days=day))
        assert result.retrying == 2 and result.failed == 0
    assert all(r.status == "pending" and r.attempts == 2 for r in _rows(engine))
    assert smtp.handler.messages == []


def test_after_the_last_allowed_attempt_a_mail_fails(engine, session, smtp):
    _queue(session, 1)
    smtp.handler.data_reply = "421 4.7.0 Too many connections"
    now = T0
    for attempt in range(1, 4):
        result = _pass(engine, smtp.url, now=now, max_attempts=3)
        [row] = _rows(engine)
        assert row.attempts == attempt
        now = row.next_attempt_at
    assert result.failed == 1 and row.status == "failed"
    assert "aufgegeben nach 3 Versuchen" in row.last_error


def test_backoff_grows_and_is_capped():
    delays = [sender.backoff(n) for n in range(1, 15)]
    assert delays[0] == timedelta(minutes=1) and delays[3] == timedelta(minutes=8)
    assert delays == sorted(delays) and max(delays) == sender.BACKOFF_CAP


def test_a_claimed_mail_waits_for_the_lease_before_another_sender_takes_it(engine, session, smtp):
    ids = _queue(session, 3)
    claimed = sender.claim(engine, sender_id="dead", batch_size=10, now=T0,
                           lease=timedelta(minutes=5))
    assert claimed == ids
    assert _pass(engine, smtp.url, now=T0 + timedelta(minutes=4), sender_id="s2").claimed == 0
    late = _pass(engine, smtp.url, now=T0 + timedelta(minutes=6), sender_id="s2")
    assert late.sent == 3 and len(smtp.handler.messages) == 3


def test_a_sender_finds_a_row_taken_over_and_skips_it(engine, session, smtp):
    """A sender stalled past its lease must not send what another one has taken over; only
    the mail it had in flight may arrive twice."""
    _queue(session, 2)
    real = transport.from_url(smtp.url)

    class Stalling:
        readable = False
        stalled = False

        def send(self, msg):
            if not self.stalled:  # while the first mail hangs, the lease runs out
                self.stalled = True
                fast = _pass(engine, smtp.url, now=T0 + timedelta(minutes=2), sender_id="fast")
                assert fast.sent == 2
            real.send(msg)

        def close(self):
            real.close()

    slow = sender.send_pass(engine, Stalling(), sender_id="slow", mail_from=FROM, now=T0,
                            lease=timedelta(minutes=1))
    assert (slow.claimed, slow.skipped) == (2, 1)
    counts = Counter(smtp.handler.message_ids())
    assert sorted(counts.values()) == [1, 2], "only the mail in flight twice"
    assert {r.status for r in _rows(engine)} == {"sent"}


def test_a_sender_asked_to_stop_gives_its_other_mails_back(engine, session, smtp):
    _queue(session, 4)
    asked = iter([False, True])
    result = sender.send_pass(engine, transport.from_url(smtp.url), sender_id="s1",
                              mail_from=FROM, now=T0, should_stop=lambda: next(asked, True))
    assert (result.claimed, result.sent, result.skipped) == (4, 1, 3)
    assert all(r.claimed_by is None for r in _rows(engine))
    assert _pass(engine, smtp.url, now=T0 + timedelta(seconds=1), sender_id="s2").sent == 3
    assert sorted(Counter(smtp.handler.message_ids()).values()) == [1] * 4


def test_two_senders_at_once_never_send_a_mail_twice(engine, session, smtp):
    _queue(session, 40)
    smtp.handler.delay = 0.01
    results, errors = [], []

    def work(name: str) -> None:
        try:
            while True:
                result = _pass(engine, smtp.url, sender_id=name, batch_size=3,
                               now=T0 + timedelta(seconds=1))
                results.append(result)
                if result.claimed == 0:
                    return
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"s{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    counts = Counter(smtp.handler.message_ids())
    assert len(counts) == 40 and set(counts.values()) == {1}
    assert sum(r.sent for r in results) == 40
    assert {r.status for r in _rows(engine)} == {"sent"}


def test_run_loop_delivers_and_stops_when_told(engine, session, smtp):
    _queue(session, 3)
    stop = threading.Event()
    loop = threading.Thread(target=sender.run_loop, args=(engine, lambda: transport.from_url(
        smtp.url)), kwargs=dict(sender_id="loop", mail_from=FROM, poll_seconds=0.1,
                                stop=stop, handle_signals=False))
    loop.start()
    assert smtp.handler.wait_for(3)
    outbox.queue(session, to="late@schule.example", subject="Später", text="x", kind="test")
    session.commit()
    assert smtp.handler.wait_for(4)
    stop.set()
    loop.join(5)
    assert not loop.is_alive()
    assert len(smtp.handler.messages) == 4


def _kwis_job() -> str:
    found = shutil.which("kwis-job", path=str(Path(sys.executable).parent))
    assert found, "the kwis-job console script is installed with the package"
    return found


def _start_sender(db_url: str, smtp_url: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [_kwis_job(), "--database-url", db_url, "mail", "send", "--loop", "--url", smtp_url,
         "--lease-seconds", "3", "--poll-seconds", "0.2", "--batch-size", "10"],
        stdout=log.open("ab"), stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


@pytest.mark.slow
def test_a_sender_killed_mid_batch_loses_nothing(db_url, engine, session, smtp, tmp_path):
    _queue(session, 12)
    with Session(engine) as s:  # due now, in real time: the subprocess uses the clock
        for row in s.scalars(select(OutboxMail)):
            row.next_attempt_at = datetime(2000, 1, 1)
        s.commit()
    smtp.handler.delay = 0.4
    log = tmp_path / "sender.log"
    first = _start_sender(db_url, smtp.url, log)
    try:
        assert smtp.handler.wait_for(3), log.read_text()
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    arrived = len(smtp.handler.messages)
    assert arrived < 12, "the sender was killed before the batch was done"
    rows = _rows(engine)
    assert any(r.status == "pending" and r.claimed_by for r in rows), "a batch was in flight"

    smtp.handler.delay = 0.0
    second = _start_sender(db_url, smtp.url, log)
    try:
        assert smtp.handler.wait_for(12, timeout=30), log.read_text()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(r.status != "sent" for r in _rows(engine)):
            time.sleep(0.1)
    finally:
        second.send_signal(signal.SIGTERM)
        code = second.wait(15)
    assert code == 0, log.read_text()
    assert "E-Mail-Versand beendet." in log.read_text()
    counts = Counter(smtp.handler.message_ids())
    assert len(counts) == 12, "every mail arrived"
    assert sum(n - 1 for n in counts.values()) <= 1, "at most the one in flight twice"
    assert {r.status for r in _rows(engine)} == {"sent"}


def test_the_file_transport_writes_readable_mail_files(engine, session, tmp_path):
    _queue(session, 2)
    folder = tmp_path / "mail"
    result = _pass(engine, f"file:{folder}")
    assert result.sent == 2
    files = sorted(folder.glob("*.eml"))
    assert len(files) == 2 and not list(folder.glob(".tmp-*"))
    raw = files[0].read_bytes()
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o644
    assert "Ihre Anmeldung 0 ist bestätigt.".encode() in raw, "text readable as it is"
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["To"] == "person0@schule.example"
    assert "https://kwis.example/a?n=0&x=1" in parsed.get_body(("plain",)).get_content()


@pytest.mark.parametrize("url, expected", [
    ("smtp://mail.example:2525", ("mail.example", 2525, "plain", None, None)),
    ("smtp+starttls://u%40x:p%3Aw@mail.example", ("mail.example", 587, "starttls", "u@x", "p:w")),
    ("smtps://user:pw@mail.example", ("mail.example", 465, "ssl", "user", "pw")),
    ("smtp://mail.example", ("mail.example", 25, "plain", None, None)),
])
def test_the_mail_url_forms(url, expected):
    t = transport.from_url(url)
    assert (t.host, t.port, t.security, t.username, t.password) == expected


def test_file_urls_and_unsupported_ones():
    assert transport.from_url("file:instance/mail").folder == Path("instance/mail")
    assert transport.from_url("file:///srv/kwis/mail").folder == Path("/srv/kwis/mail")
    for bad in ("http://mail.example", "smtp://", "smtp://h:99999", "file:", "file://other/x"):
        with pytest.raises(transport.MailConfigError):
            transport.from_url(bad)
    with pytest.raises(transport.MailConfigError, match="KWIS_JOB_MAIL_URL"):
        transport.from_url(None)


def test_mail_send_refuses_to_start_without_a_mail_url(engine, db_url, monkeypatch):
    monkeypatch.delenv("KWIS_JOB_MAIL_URL", raising=False)
    result = CliRunner().invoke(job, ["--database-url", db_url, "mail", "send"])
    assert result.exit_code == 1
    assert "KWIS_JOB_MAIL_URL" in result.output and "Kein Mail-Versand eingestellt" in result.output


def test_mail_send_one_pass_from_the_command_line(engine, session, db_url, smtp):
    _queue(session, 2)
    result = CliRunner().invoke(
        job, ["--database-url", db_url, "mail", "send", "--url", smtp.url], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "2 versendet, 0 später erneut, 0 fehlgeschlagen" in result.output
    assert len(smtp.handler.messages) == 2


def test_build_message_refuses_a_recipient_with_a_line_break():
    row = OutboxMail(id=1, to_addr="a@b.example\nBcc: c@d.example", subject="s", body_text="b")
    with pytest.raises(message.UnsafeMessage):
        message.build_message(row, mail_from=FROM, now=T0)
