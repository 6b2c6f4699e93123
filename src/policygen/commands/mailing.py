"""Sending the notice through a mail server, for `policygen notify NAME --send`.

The server is named in the project's policygen.yaml, under `mail:`; the password is never read
from a file (a project is copied, shared and put under version control), only from the
environment variable POLICYGEN_SMTP_PASSWORD. The connection is encrypted and the server's
certificate checked, unless the server is on this computer and the file says `security: none`.
`deliver` returns only once the server has accepted the message; anything else is a MailError.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from yaml.nodes import Node

from policygen.errors import ContentError, Location, OutputError, Problem, suggest
from policygen.source.reader import Reader
from policygen.source.yamlsrc import SourceFile, parse_yaml, read_source

SETTINGS_FILE = "policygen.yaml"
PASSWORD_VARIABLE = "POLICYGEN_SMTP_PASSWORD"
SECURITY = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
# Only a server on this computer may be spoken to unencrypted: nothing crosses a network.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
_FIELDS = ("port", "security", "username", "password", "timeout")
_NOT_RECORDED = "; nothing was recorded"


class MailError(OutputError):
    """The mail server was not reached, or did not accept the notice; nothing was recorded."""


@dataclass(frozen=True, slots=True)
class MailSettings:
    """How to reach the mail server that sends the notice."""

    host: str
    port: int
    security: str = "starttls"  # one of SECURITY
    username: str = ""  # empty: the server takes mail without logging in
    timeout: int = 30  # seconds to wait for each answer of the server

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


def load_mail_settings(project: Path) -> MailSettings:
    """Read the `mail:` section of the project's policygen.yaml; raise if it is missing or wrong."""
    path = project / SETTINGS_FILE
    if not path.exists():
        raise OutputError(f"{SETTINGS_FILE} is not in the project, so policygen does not know "
                          "which mail server to send through: create it with a 'mail:' "
                          "section (see docs/variants.md), or leave out --send to write a "
                          "draft and send it yourself; nothing was sent")
    source, problems = read_source(path, SETTINGS_FILE)
    if source is None:
        raise ContentError(problems)
    return parse_mail_settings(source, problems)


def parse_mail_settings(source: SourceFile, problems: list[Problem] | None = None) -> MailSettings:
    """The mail settings from the text of policygen.yaml; every mistake with its line."""
    root, found = parse_yaml(source)
    problems = (problems or []) + found
    reader = Reader(source)
    settings = _read_settings(reader, root) if root is not None else None
    problems += reader.problems
    if settings is None or any(p.is_error for p in problems):
        raise ContentError(problems or [Problem(Location(source.name, 1), "the file needs a "
                                                "'mail:' section with at least 'host'")])
    return settings


def _read_settings(r: Reader, root: Node) -> MailSettings | None:
    top = r.fields(root, "the settings", ("mail",))
    mail = r.fields(top["mail"], "'mail'", ("host",), _FIELDS) if top and "mail" in top else None
    if mail is None or "host" not in mail:
        return None
    if "password" in mail:
        r.error(mail["password"], f"do not write the password in {SETTINGS_FILE}: everyone "
                "with a copy of the project would have it; set the environment variable "
                f"{PASSWORD_VARIABLE} where you run policygen instead, and take this line out")
    host = r.text(mail["host"], "the mail server's host")
    security = _read_security(r, mail, host)
    port = _read_number(r, mail, "port", DEFAULT_PORTS.get(security, 587), 65535)
    return MailSettings(host, port, security,
                        r.optional_text(mail, "username", "the username for the mail server"),
                        _read_number(r, mail, "timeout", 30, 600))


def _read_security(r: Reader, mail: dict[str, Node], host: str) -> str:
    if "security" not in mail:
        return "starttls"
    security = r.text(mail["security"], "'security'").lower()
    if security not in SECURITY:
        r.error(mail["security"], f"unknown security '{security}'{suggest(security, SECURITY)}; "
                "expected one of: starttls (the usual, port 587), tls (port 465), none (only "
                "for a mail server on this computer)")
    elif security == "none" and host.lower() not in LOCAL_HOSTS:
        r.error(mail["security"], f"'security: none' would send the notice, and any password, "
                f"unencrypted across the network to {host}; it is allowed only for a mail "
                "server on this computer (host: localhost): use starttls or tls")
    return security


def _read_number(r: Reader, mail: dict[str, Node], name: str, default: int, most: int) -> int:
    if name not in mail:
        return default
    number = r.integer(mail[name], f"the {name}", 1)
    if number is not None and number > most:
        r.error(mail[name], f"the {name} should be at most {most}, found {number}")
    return number or default


def password_for(settings: MailSettings, environ: Mapping[str, str]) -> str:
    """The password from the environment, checked against the settings before connecting."""
    password = environ.get(PASSWORD_VARIABLE, "")
    if settings.username and not password:
        raise OutputError(f"{SETTINGS_FILE} gives the username '{settings.username}' for the "
                          f"mail server, but no password is set: set the environment variable "
                          f"{PASSWORD_VARIABLE} where you run policygen (it is never read from "
                          "a file); nothing was sent")
    if password and not settings.username:
        raise OutputError(f"{PASSWORD_VARIABLE} is set, but {SETTINGS_FILE} gives no username "
                          "to log in with: add 'username:' under 'mail:', or unset "
                          f"{PASSWORD_VARIABLE}; nothing was sent")
    return password


def deliver(message: EmailMessage, settings: MailSettings, password: str) -> None:
    """Hand the message to the mail server; return only once the server has accepted it."""
    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"could not reach the mail server {settings.server}: "
                        f"{_reason(error, settings)}; nothing was sent{_NOT_RECORDED}") from error
    try:
        _hand_over(smtp, message, settings, password)
    except smtplib.SMTPServerDisconnected as error:
        raise MailError(f"the mail server {settings.server} closed the connection before it "
                        f"accepted the notice, so it was probably not sent{_NOT_RECORDED}; "
                        "try again later") from error
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"the notice was not sent through the mail server {settings.server}: "
                        f"{_reason(error, settings)}{_NOT_RECORDED}") from error
    finally:
        _close(smtp)


def _connect(settings: MailSettings) -> smtplib.SMTP:
    if settings.security == "tls":
        return smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                context=ssl.create_default_context())
    return smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)


def _hand_over(smtp: smtplib.SMTP, message: EmailMessage, settings: MailSettings,
               password: str) -> None:
    smtp.ehlo()
    if settings.security == "starttls":
        if not smtp.has_extn("starttls"):
            # Never fall back to sending in the clear: say so and stop.
            raise MailError(f"the mail server {settings.server} does not offer STARTTLS "
                            "(encryption), and policygen does not send in the clear: check "
                            f"'port' and 'security' in {SETTINGS_FILE}; nothing was sent"
                            f"{_NOT_RECORDED}")
        smtp.starttls(context=ssl.create_default_context())
        smtp.ehlo()
    if settings.username:
        smtp.login(settings.username, password)
    smtp.send_message(message)  # raises unless the server accepted it for the one recipient


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()  # the message was handed over, or the error is already being reported


def _reason(error: BaseException, settings: MailSettings) -> str:
    """What went wrong, in plain words; the server's own words kept, made safe to print."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        to, (code, text) = next(iter(error.recipients.items()))
        return f"it refused to deliver to {to} ({code} {_said(text)})"
    if isinstance(error, smtplib.SMTPSenderRefused):
        return f"it refused the sender address {error.sender} ({error.smtp_code} " \
               f"{_said(error.smtp_error)})"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"it refused the username and password ({error.smtp_code} " \
               f"{_said(error.smtp_error)}); check 'username' and {PASSWORD_VARIABLE}"
    if isinstance(error, smtplib.SMTPDataError):
        return f"it refused the notice ({error.smtp_code} {_said(error.smtp_error)})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"it answered {error.smtp_code} {_said(error.smtp_error)}"
    if isinstance(error, ssl.SSLCertVerificationError):
        return (f"its certificate could not be checked ({error.verify_message}); policygen "
                "sends only to a server that proves who it is")
    if isinstance(error, ssl.SSLError):
        return (f"encryption could not be set up ({error.reason or error}); check 'security' "
                "and 'port' (starttls is usually port 587, tls port 465)")
    if isinstance(error, socket.gaierror):
        return f"there is no server called '{settings.host}' (check 'host' in {SETTINGS_FILE})"
    if isinstance(error, ConnectionRefusedError):
        return "it refused the connection (is the server running, and is the port right?)"
    if isinstance(error, TimeoutError):
        return f"it did not answer within {settings.timeout} seconds"
    if isinstance(error, OSError):
        return error.strerror or str(error) or type(error).__name__
    return _said(str(error))


def _said(text: bytes | str) -> str:
    """The server's words as printable text: a server cannot write control codes to a terminal."""
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return " ".join("".join(c if c.isprintable() else " " for c in words).split())
