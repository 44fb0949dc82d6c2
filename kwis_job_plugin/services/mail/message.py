"""Turning an outbox row into an ``email.message.EmailMessage``, the one place headers are built.

Nothing typed by a visitor can become a header of its own: the recipient is checked again here
(``outbox.queue`` already refused it), the subject is flattened to one line, and the standard
library's ``EmailMessage`` refuses any header value that still carried a line break. The
Message-ID is derived from the row, so a mail repeated after a sender crash (the one mail in
flight, see ``sender.py``) carries the same ID and mail clients can recognise the duplicate.

A row with ``list_unsubscribe`` (the alert digests) gets ``List-Unsubscribe`` and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058): mail clients offer a button
that POSTs to the link, without cookies or login. The link is built by the plug-in (https or
http only, no line breaks), never typed by a visitor.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr

from ...models import OutboxMail

ICS_FILENAME = "invite.ics"
_METHOD = re.compile(r"^METHOD:([A-Za-z-]+)\s*$", re.MULTILINE)


ONE_CLICK = "List-Unsubscribe=One-Click"


class UnsafeMessage(ValueError):
    """The row cannot be sent as it is (an address that could inject a header); permanent."""


def one_line(value: str) -> str:
    """Every run of whitespace, line breaks included, becomes one space."""
    return " ".join(value.split())


def _checked_recipient(address: str) -> str:
    if not address or address.count("@") != 1 or any(
        not c.isprintable() or c.isspace() for c in address
    ):
        raise UnsafeMessage("recipient is not a single mail address")
    return address


def _checked_link(url: str) -> str:
    if not url.startswith(("https://", "http://")) or any(
        not c.isprintable() or c.isspace() or c in "<>" for c in url
    ):
        raise UnsafeMessage("unsubscribe link is not a plain http(s) URL")
    return url


def sender_domain(mail_from: str) -> str:
    """The domain of the From address, for the Message-ID (``localhost`` if it has none)."""
    _name, address = parseaddr(mail_from)
    domain = address.rpartition("@")[2]
    return domain if domain and all(c.isalnum() or c in ".-" for c in domain) else "localhost"


def message_id(mail: OutboxMail, domain: str) -> str:
    """Stable for a row: a repeated delivery carries the same ID as the first."""
    created = (mail.created_at or datetime(1970, 1, 1)).strftime("%Y%m%d%H%M%S")
    return f"<kwis-job.{mail.id}.{created}@{domain}>"


def build_message(
    mail: OutboxMail, *, mail_from: str, now: datetime, readable: bool = False
) -> EmailMessage:
    """The mail as the SMTP server (or the demo's mail folder) gets it.

    ``readable`` keeps the text body in 8 bit instead of quoted-printable: for files that a
    person opens in an editor, never for SMTP (that would need 8BITMIME).
    """
    message = EmailMessage(policy=SMTP)
    message["From"] = one_line(mail_from)
    message["To"] = _checked_recipient(mail.to_addr)
    message["Subject"] = one_line(mail.subject)
    stamp = now if now.tzinfo else now.replace(tzinfo=UTC)
    message["Date"] = format_datetime(stamp)
    message["Message-ID"] = message_id(mail, sender_domain(mail_from))
    message["Auto-Submitted"] = "auto-generated"
    if mail.list_unsubscribe:
        message["List-Unsubscribe"] = f"<{_checked_link(mail.list_unsubscribe)}>"
        message["List-Unsubscribe-Post"] = ONE_CLICK
    cte = "8bit" if readable else "quoted-printable"
    text = mail.body_text if mail.body_text.endswith("\n") else mail.body_text + "\n"
    message.set_content(text, cte=cte)
    if mail.body_html:
        message.add_alternative(mail.body_html, subtype="html", cte=cte)
    if mail.ics:
        params = {}
        method = _METHOD.search(mail.ics)
        if method:
            params["method"] = method.group(1).upper()
        message.add_attachment(
            mail.ics, subtype="calendar", filename=ICS_FILENAME, params=params
        )
    return message
