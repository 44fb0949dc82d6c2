"""Where mail goes: an SMTP server or, for the demo, a folder of ``.eml`` files.

One setting, ``KWIS_JOB_MAIL_URL``, says which:

- ``smtp://user:password@host:25``: plain SMTP (login only if a user is given),
- ``smtp+starttls://user:password@host:587``: SMTP upgraded with STARTTLS,
- ``smtps://user:password@host:465``: SMTP over TLS from the first byte,
- ``file:instance/mail`` (relative to the working directory) or ``file:///srv/kwis/mail``.

User and password are percent-decoded, so ``@`` or ``:`` in them are written ``%40`` and
``%3A``. A transport raises ``TemporaryFailure`` (try again later: the server is unreachable,
busy or answered 4xx) or ``PermanentFailure`` (this mail will never go through: 5xx, recipient
refused); ``sender.py`` turns those into retries or a failed row.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

SMTP_TIMEOUT = 30.0
DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
NOT_CONFIGURED = (
    "Kein Mail-Versand eingestellt: bitte KWIS_JOB_MAIL_URL setzen, z. B. "
    "smtp+starttls://benutzer:passwort@mail.example.de:587 oder file:instance/mail. / "
    "No mail transport configured: set KWIS_JOB_MAIL_URL."
)


class MailConfigError(ValueError):
    """The URL setting is missing or not one of the supported forms; the sender won't start."""


class DeliveryError(Exception):
    """A mail did not go out. ``connection`` is true when the server was not reachable at all,
    so the rest of a batch need not try (each would wait for the same timeout)."""

    def __init__(self, message: str, *, connection: bool = False):
        super().__init__(message)
        self.connection = connection


class TemporaryFailure(DeliveryError):
    """Try again later."""


class PermanentFailure(DeliveryError):
    """This mail will not go through as it is; retrying is the admin's decision."""


class Transport(Protocol):
    readable: bool
    """True when mail ends up in files a person reads (the body is then kept in 8 bit)."""

    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


def _smtp_error(code: int, text: bytes | str) -> DeliveryError:
    detail = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    message = f"SMTP {code}: {' '.join(detail.split())}"
    return PermanentFailure(message) if 500 <= code < 600 else TemporaryFailure(message)


@dataclass
class SmtpTransport:
    """One connection per pass, opened on the first mail and closed by ``close``."""

    host: str
    port: int
    security: str  # "plain", "starttls" or "ssl"
    username: str | None = None
    password: str | None = None
    timeout: float = SMTP_TIMEOUT
    readable: bool = False

    def __post_init__(self) -> None:
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.security == "starttls":
                smtp.starttls(context=context)
            if self.username:
                smtp.login(self.username, self.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage) -> None:
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            refused = self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            self._reset()
            code, text = next(iter(exc.recipients.values()))
            raise _smtp_error(code, text) from None
        except (smtplib.SMTPConnectError, smtplib.SMTPHeloError) as exc:
            self.close()
            raise TemporaryFailure(
                f"Mail-Server lehnt die Verbindung ab ({exc.smtp_code})", connection=True
            ) from None
        except smtplib.SMTPAuthenticationError as exc:
            # The sender's configuration, not this mail: retry, so nothing is lost meanwhile.
            self.close()
            raise TemporaryFailure(f"SMTP-Anmeldung fehlgeschlagen ({exc.smtp_code})",
                                   connection=True) from None
        except smtplib.SMTPResponseException as exc:
            self._reset()
            raise _smtp_error(exc.smtp_code, exc.smtp_error) from None
        except (smtplib.SMTPException, OSError) as exc:
            # Refused, timed out, disconnected, TLS failed, STARTTLS unsupported.
            self.close()
            raise TemporaryFailure(
                f"Mail-Server nicht erreichbar: {type(exc).__name__}", connection=True
            ) from None
        if refused:
            code, text = next(iter(refused.values()))
            raise _smtp_error(code, text)

    def _reset(self) -> None:
        """After a refused mail the session stays usable; RSET clears its state."""
        if self._smtp is not None:
            try:
                self._smtp.rset()
            except (smtplib.SMTPException, OSError):
                self.close()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9.-]+")


@dataclass
class FileTransport:
    """Each mail a ``.eml`` file in ``folder`` (the demo), written whole or not at all.

    Files are named by time, so they sort newest last, and are readable by others (mode 0644)
    so the demo host may show them even when it runs as another user.
    """

    folder: Path
    readable: bool = True

    def send(self, message: EmailMessage) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            ident = _UNSAFE_NAME.sub("-", str(message.get("Message-ID", "")).strip("<>"))[:80]
            data = message.as_bytes(policy=message.policy.clone(linesep="\n"))
            handle, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".eml")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, self.folder / f"{stamp}-{ident or 'mail'}.eml")
        except OSError as exc:
            raise TemporaryFailure(
                f"Mail-Ordner nicht beschreibbar: {type(exc).__name__}", connection=True
            ) from None

    def close(self) -> None:
        pass


def file_folder(url: str) -> Path:
    """The folder of a ``file:`` URL (``file:relative/dir`` or ``file:///absolute/dir``)."""
    rest = url[len("file:"):]
    if rest.startswith("//"):
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise MailConfigError(f"file-URL mit Rechnername wird nicht unterstützt: {url}")
        rest = unquote(parts.path)
    if not rest:
        raise MailConfigError("file-URL ohne Ordner / file URL without a folder")
    return Path(rest)


def from_url(url: str | None, *, timeout: float = SMTP_TIMEOUT) -> Transport:
    """The transport a URL setting names; ``MailConfigError`` with a clear message otherwise."""
    if not url:
        raise MailConfigError(NOT_CONFIGURED)
    if url.startswith("file:"):
        return FileTransport(file_folder(url))
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise MailConfigError(
            f"KWIS_JOB_MAIL_URL: unbekanntes Schema „{parts.scheme}“; erlaubt sind smtp://, "
            "smtp+starttls://, smtps:// und file: / unsupported scheme"
        )
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise MailConfigError("KWIS_JOB_MAIL_URL: ungültiger Port / invalid port") from None
    if not parts.hostname:
        raise MailConfigError("KWIS_JOB_MAIL_URL: kein Rechnername / no host name")
    security = {"smtp": "plain", "smtp+starttls": "starttls", "smtps": "ssl"}[scheme]
    return SmtpTransport(
        host=parts.hostname,
        port=port,
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        timeout=timeout,
    )
