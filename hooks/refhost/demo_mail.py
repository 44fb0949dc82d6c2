"""Demo only: the mail the plug-in "sent" to files (``file:`` mail URL), readable in the browser.

Active only when ``KWIS_DEMO_MAIL_DIR`` is set (``kwis-job demo`` sets it); otherwise every URL
here answers 404. A newcomer can so follow a guardian's confirmation link without an SMTP server.
Only the text body is shown, escaped, with its http(s) links made clickable.
"""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template
from markupsafe import Markup, escape

demo_mail_bp = Blueprint("demo_mail", __name__, url_prefix="/demo/mail")

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.eml$")
_LINK = re.compile(r"https?://[^\s<>\"']+")
LIST_LIMIT = 200


def _folder() -> Path:
    setting = current_app.config.get("KWIS_DEMO_MAIL_DIR")
    if not setting:
        abort(404)
    return Path(setting)


def _read(path: Path):
    return message_from_bytes(path.read_bytes(), policy=policy.default)


def _linked(text: str) -> Markup:
    """Escape the text; each http(s) URL becomes a link to itself, line breaks stay."""
    parts, last = [], 0
    for match in _LINK.finditer(text):
        url = match.group(0).rstrip(".,;:!?)")
        parts.append(escape(text[last:match.start()]))
        parts.append(Markup('<a href="{0}">{0}</a>').format(url))
        last = match.start() + len(url)
    parts.append(escape(text[last:]))
    return Markup("").join(parts).replace("\n", Markup("<br>\n"))


@demo_mail_bp.get("", defaults={"name": None})
@demo_mail_bp.get("/<name>")
def mailbox(name: str | None):
    folder = _folder()
    files = sorted(folder.glob("*.eml"), key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
    mails = []
    for path in files[:LIST_LIMIT]:
        msg = _read(path)
        mails.append({"name": path.name, "subject": msg["Subject"], "to": msg["To"],
                      "date": msg["Date"]})
    shown = None
    if name is not None:
        if not _NAME.match(name) or not (folder / name).is_file():
            abort(404)
        msg = _read(folder / name)
        body = msg.get_body(preferencelist=("plain",))
        shown = {"subject": msg["Subject"], "to": msg["To"], "from": msg["From"],
                 "date": msg["Date"], "body": _linked(body.get_content() if body else "")}
    return render_template("refhost/demo_mail.html", mails=mails, shown=shown, current=name)
