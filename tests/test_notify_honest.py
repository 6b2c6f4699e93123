"""Issue 11, point 6: `notify` never records "notified" before anything was sent.

By default it writes a draft (X-Unsent) and records `notice_prepared:`; `notify --sent` records
`notified:` on the editor's word; `notify --send` sends through a mail server (tested against a
real local SMTP server, aiosmtpd on 127.0.0.1) and records it only once the server accepted it.
Every banner says which of these happened, and no more.
"""

from __future__ import annotations

import email.policy
import io
import re
import shutil
import socket
import subprocess
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from click.testing import CliRunner
from conftest import MINIMAL, REPO
from pdf_helpers import page_texts, squash
from pypdf import PdfReader
from site_helpers import parse, visible_text
from test_variant import adapt as adapt_text

from policygen.build.editions import adapt
from policygen.build.pipeline import check
from policygen.cli import main
from policygen.commands.mailing import parse_mail_settings
from policygen.commands.notices import confirm_sent, notify, send_notice
from policygen.errors import ContentError, OutputError
from policygen.model import Item, SignOff
from policygen.source.yamlsrc import SourceFile
from policygen.variants.drift import item_fingerprint
from policygen.variants.standing import AdaptationStatus
from policygen.variants.variant import load_variant
from policygen.words import long_date

VARIANT = ("# Oak's copy\norganisation:\n  name: Oak School\nlocal_lead:\n  name: Ms A\n"
           "  email: dsl@oak.example\nitems:\n  reword:\n"
           "    email/work-account: Use the school account.  # agreed in May\n")
DAY = date(2026, 12, 1)
EDITION = date(2026, 1, 10)
HEAD = ("Adapted by Oak School from Testshire Safeguarding Children Partnership's guidance "
        "(edition 10 January 2026). ")
PREPARED = ("A notice of these changes was prepared on 1 December 2026 but has not yet been "
            "confirmed as sent to the author.")
NOTHING = "; nothing was recorded"


def write_project(root: Path, variant: str = VARIANT) -> Path:
    for rel, text in MINIMAL.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "variants" / "oak").mkdir(parents=True)
    (root / "variants" / "oak" / "variant.yaml").write_text(variant, encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project")


def cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env=env).invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def variant_file(project: Path) -> Path:
    return project / "variants" / "oak" / "variant.yaml"


def folder_names(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "variants" / "oak").iterdir())


def fingerprint_of(project: Path) -> str:
    return adapt(project, check(project, DAY).publication, "oak").state.fingerprint


def state_of(project: Path) -> Any:
    return adapt(project, check(project, DAY).publication, "oak").state


def read_eml(path: Path) -> EmailMessage:
    message = BytesParser(policy=email.policy.default).parsebytes(path.read_bytes())
    assert isinstance(message, EmailMessage)
    return message


def body_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def pdf_text(message: EmailMessage) -> str:
    [attachment] = list(message.iter_attachments())
    pdf = PdfReader(io.BytesIO(attachment.get_content()))
    return squash(" ".join(page.extract_text() for page in pdf.pages))


def block(key: str, day: date, fp: str, by: str = "") -> str:
    """The block as policygen writes it, with the pin of the one item oak rewords."""
    who = f'  by: "{by}"\n' if by else ""
    return (f'{key}:\n{who}  date: {day.isoformat()}\n  fingerprint: "{fp}"\n'
            f'  edition: 2026-01-10\n  items:\n    email/work-account: "{PIN}"\n')


# The fingerprint of the words of email/work-account in the test base (the item oak rewords).
PIN = item_fingerprint(Item("email/work-account",
                           "Use the account your organisation gives you; read the AUP."))
PINS = (("email/work-account", PIN),)


# --- 1. The default: a draft, and "notice prepared" -------------------------------------------


def test_notify_writes_a_draft_and_records_only_that_it_was_prepared(project: Path) -> None:
    fp = fingerprint_of(project)
    result = notify(project, "oak", DAY)
    assert result.email == project / "variants" / "oak" / "notice-2026-12-01.eml"
    message = read_eml(result.email)
    assert message["X-Unsent"] == "1"  # Outlook opens it as a new message, ready to send
    assert (message["Date"], message["Message-ID"]) == (None, None)  # the mail program adds them
    assert message["From"].addresses[0].addr_spec == "dsl@oak.example"
    assert message["To"].addresses[0].addr_spec == "author@example.org"
    body = body_of(message)
    assert body.startswith("Dear E-safety subgroup,\n\nOak School has adapted Test guidance")
    assert body.endswith("\nThe full notice is attached as a PDF. Prepared on 1 December 2026.\n")
    assert not re.search(r"\bsent\b", body, re.IGNORECASE)
    assert squash("Changes not yet notified to the author.") in pdf_text(message)
    text = variant_file(project).read_text()
    assert text == VARIANT + "\n" + block("notice_prepared", DAY, fp)
    read = load_variant(project, "oak")
    assert (read.notice_prepared, read.notified) == (SignOff(DAY, fp, EDITION, pins=PINS), None)
    state = state_of(project)
    assert (state.status, state.text) == (AdaptationStatus.NOTICE_PREPARED, HEAD + PREPARED)
    assert state.label == "notice prepared, not confirmed as sent"


def test_the_terminal_says_the_draft_is_unsent_and_what_to_do_next(project: Path) -> None:
    fp = fingerprint_of(project)
    code, out, err = cli("notify", "oak", "--date", "2026-12-01", "--project", str(project))
    assert (code, err) == (0, "")
    eml = project / "variants" / "oak" / "notice-2026-12-01.eml"
    assert out == (f"Wrote the draft notice {eml}. It has NOT been sent: open it in your email "
                   "program, check it and send it to author@example.org. Then record that you "
                   "sent it: policygen notify oak --sent --date YYYY-MM-DD (the day you sent "
                   f"it). Recorded that the notice was prepared (fingerprint {fp}) in "
                   "variants/oak/variant.yaml.\n")


def test_a_draft_made_again_is_a_new_draft_and_never_tells_the_author_it_was_prepared(
        project: Path) -> None:
    fp = fingerprint_of(project)
    notify(project, "oak", DAY)
    again = notify(project, "oak", date(2026, 12, 2))
    assert again.email is not None and again.email.name == "notice-2026-12-02.eml"
    message = read_eml(again.email)
    assert "was prepared on" not in pdf_text(message)  # the notice is that notice
    assert squash("Changes not yet notified to the author.") in pdf_text(message)
    assert variant_file(project).read_text() == (VARIANT + "\n" + block(
        "notice_prepared", date(2026, 12, 2), fp))
    assert folder_names(project) == ["notice-2026-12-01.eml", "notice-2026-12-02.eml",
                                     "variant.yaml"]


# --- 2. --sent: the editor's word that the draft went --------------------------------------


def test_sent_records_notified_on_the_day_given(project: Path) -> None:
    fp = fingerprint_of(project)
    notify(project, "oak", DAY)
    code, out, err = cli("notify", "oak", "--sent", "--date", "2026-12-02",
                         "--project", str(project))
    assert (code, err) == (0, "")
    assert out == ("Recorded that the notice was sent to author@example.org on 2 December 2026 "
                   f"(fingerprint {fp}) in variants/oak/variant.yaml. When the changes are "
                   'approved, run: policygen approve oak --by "…" --date YYYY-MM-DD\n')
    assert variant_file(project).read_text() == (
        VARIANT + "\n" + block("notice_prepared", DAY, fp) + "\n"
        + block("notified", date(2026, 12, 2), fp))
    state = state_of(project)
    assert (state.status, state.text) == (
        AdaptationStatus.NOTIFIED,
        HEAD + "Changes notified to the author on 2 December 2026, awaiting approval.")
    code, out, _ = cli("notify", "oak", "--sent", "--project", str(project))
    assert (code, out) == (0, f"These changes (fingerprint {fp}) were already notified on 2 "
                              "December 2026: there is nothing new to notify.\n")


def test_sent_without_a_prepared_notice_is_refused(project: Path) -> None:
    code, out, err = cli("notify", "oak", "--sent", "--project", str(project))
    assert (code, out) == (2, "")
    assert err == ("error: variants/oak/variant.yaml records no notice prepared for these "
                   "changes: prepare the notice first with policygen notify oak, send it, then "
                   f"run policygen notify oak --sent{NOTHING}\n")
    assert variant_file(project).read_text() == VARIANT


def test_sent_for_a_notice_of_other_changes_is_refused(project: Path) -> None:
    old = fingerprint_of(project)
    notify(project, "oak", DAY)
    path = variant_file(project)
    path.write_text(path.read_text().replace("Use the school account.", "Use your account."))
    before, new = path.read_text(), fingerprint_of(project)
    assert state_of(project).status is AdaptationStatus.NOT_NOTIFIED  # the draft is stale
    with pytest.raises(OutputError) as error:
        confirm_sent(project, "oak", DAY)
    assert str(error.value) == (
        f"the notice prepared on 1 December 2026 was for other changes (fingerprint {old}); the "
        f"variant has changed since (fingerprint {new}), so that notice does not describe it: "
        f"prepare the notice again with policygen notify oak and send that one{NOTHING}")
    assert path.read_text() == before


@pytest.mark.parametrize("args", [("notify", "oak", "--sent"), ("approve", "oak", "--by", "Board"),
                                  ("notify", "oak")])
def test_a_record_dated_in_the_future_is_refused(project: Path, args: tuple[str, ...]) -> None:
    # The clock here is the real one: a year far ahead is in the future whenever this runs.
    notify(project, "oak", DAY)
    before = variant_file(project).read_text()
    code, out, err = cli(*args, "--date", "2999-01-01", "--project", str(project))
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == (f"Error: Invalid value for '--date': 2999-01-01 is in the "
                                    f"future: give the day it happened (today is "
                                    f"{date.today().isoformat()})")
    assert variant_file(project).read_text() == before


def test_sent_before_the_notice_was_prepared_is_refused(project: Path) -> None:
    notify(project, "oak", DAY)
    before = variant_file(project).read_text()
    code, out, err = cli("notify", "oak", "--sent", "--date", "2026-11-30",
                         "--project", str(project))
    assert (code, out) == (2, "")
    assert err == ("error: --date 2026-11-30 is before the notice was prepared (1 December "
                   f"2026): give the day you sent it{NOTHING}\n")
    assert variant_file(project).read_text() == before


@pytest.mark.parametrize(("args", "message"), [
    (("--sent", "--send"), "give --sent (you sent the draft yourself) or --send (policygen "
     "sends the notice), not both"),
    (("--sent", "--from", "me@oak.example"), "--sent records that the draft was sent; --from "
     "and --out are for writing the draft (policygen notify NAME)"),
    (("--sent", "--out", "x.eml"), "--sent records that the draft was sent; --from and --out "
     "are for writing the draft (policygen notify NAME)"),
    (("--send", "--date", "2026-12-01"), "--send sends the notice now and records today's "
     "date, and writes no draft: leave out --date and --out"),
    (("--send", "--out", "x.eml"), "--send sends the notice now and records today's date, and "
     "writes no draft: leave out --date and --out"),
])
def test_options_that_contradict_each_other_are_refused(project: Path, args: tuple[str, ...],
                                                        message: str) -> None:
    code, out, err = cli("notify", "oak", *args, "--project", str(project))
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == f"Error: {message}"
    assert variant_file(project).read_text() == VARIANT
    assert folder_names(project) == ["variant.yaml"]


# --- 3. The states, old files included ------------------------------------------------------


CHANGES = "items:\n  remove: [email/personal-account]\n"
TESTFIELD = ("Adapted by Testfield School from Testshire Safeguarding Children Partnership's "
             "guidance (edition 10 January 2026). ")
OTHER = "0123456789abcdef"


def blocks(prepared: str = "", notified: str = "", approved: str = "") -> str:
    text = ""
    if prepared:
        text += f"notice_prepared:\n  date: 2026-01-20\n  fingerprint: {prepared}\n"
    if notified:
        text += f"notified:\n  date: 2026-02-01\n  fingerprint: {notified}\n"
    if approved:
        text += (f"approved:\n  by: The subgroup\n  date: 2026-03-01\n  fingerprint: "
                 f"{approved}\n")
    return text


STATES = [
    ("prepared", ("current", "", ""), AdaptationStatus.NOTICE_PREPARED,
     "A notice of these changes was prepared on 20 January 2026 but has not yet been "
     "confirmed as sent to the author.", "notice prepared, not confirmed as sent"),
    ("prepared for other changes", (OTHER, "", ""), AdaptationStatus.NOT_NOTIFIED,
     "Changes not yet notified to the author.", "not notified"),
    ("prepared, then sent", ("current", "current", ""), AdaptationStatus.NOTIFIED,
     "Changes notified to the author on 1 February 2026, awaiting approval.", "notified"),
    ("an old file: notified only", ("", "current", ""), AdaptationStatus.NOTIFIED,
     "Changes notified to the author on 1 February 2026, awaiting approval.", "notified"),
    ("prepared after an approval of other changes", ("current", "", OTHER),
     AdaptationStatus.NOTICE_PREPARED,
     "A notice of these changes was prepared on 20 January 2026 but has not yet been "
     "confirmed as sent to the author.", "notice prepared, not confirmed as sent"),
    ("approved", ("current", "current", "current"), AdaptationStatus.APPROVED,
     "Changes approved by The subgroup on 1 March 2026.", "approved"),
    ("changed since approval, stale draft", (OTHER, "", OTHER),
     AdaptationStatus.CHANGED_SINCE_APPROVAL,
     "Changed since approval by The subgroup on 1 March 2026; the new changes are not yet "
     "notified.", "changed since approval"),
    ("changed since notification, stale draft", (OTHER, OTHER, ""),
     AdaptationStatus.CHANGED_SINCE_NOTIFICATION,
     "Changed since the author was notified on 1 February 2026; the new changes are not yet "
     "notified.", "changed since notification"),
]


@pytest.mark.parametrize(("name", "given", "status", "text", "label"), STATES,
                         ids=[s[0] for s in STATES])
def test_each_state_says_only_what_happened(name: str, given: tuple[str, str, str],
                                            status: AdaptationStatus, text: str,
                                            label: str) -> None:
    fp = adapt_text(CHANGES).state.fingerprint
    state = adapt_text(CHANGES + blocks(*(g.replace("current", fp) for g in given))).state
    assert (state.status, state.text, state.label) == (status, TESTFIELD + text, label)


def test_a_draft_for_an_older_edition_says_so() -> None:
    fp = adapt_text(CHANGES).state.fingerprint
    state = adapt_text(CHANGES + f"notice_prepared:\n  date: 2025-12-01\n  fingerprint: {fp}\n"
                       "  edition: 2025-09-01\n").state
    assert state.text == (TESTFIELD + "A notice of these changes was prepared on 1 December "
                          "2025 but has not yet been confirmed as sent to the author. The "
                          "notice was for the edition of 1 September 2025; Testshire "
                          "Safeguarding Children Partnership has updated the guidance since.")


def test_a_badly_written_notice_prepared_block_is_refused_with_its_line() -> None:
    with pytest.raises(ContentError) as error:
        adapt_text(CHANGES + "notice_prepared:\n  date: 2026-13-01\n  fingerprint: abc\n")
    assert [p.format().splitlines()[0] for p in error.value.problems] == [
        "variants/test/variant.yaml:6:9: error: the date in 'notice_prepared' '2026-13-01' is "
        "not a real date (month must be in 1..12)",
        "variants/test/variant.yaml:7:16: error: the fingerprint in 'notice_prepared' should be "
        "the 16 letters and digits printed by 'policygen changes', found 'abc'"]


# --- 4. What readers see: site banners, adaptation page, poster and handbook footers --------


def build_site(project: Path, out: Path, formats: str = "site") -> None:
    code, _, err = cli("build", "--variant", "oak", "--format", formats, "--today",
                       "2026-12-05", "--project", str(project), "--out", str(out))
    assert code == 0, err


def banner(site: Path, page: str = "index.html") -> str:
    # The sentence, behind the banner's one-line label ("Local changes: Approved").
    found = parse(site / page).select_one("#adaptation-status p")
    assert found is not None
    return " ".join(found.get_text(" ").split())


def test_the_site_says_prepared_until_the_notice_is_confirmed_sent(project: Path,
                                                                   tmp_path: Path) -> None:
    notify(project, "oak", DAY)
    build_site(project, tmp_path / "prepared")
    site = tmp_path / "prepared"
    for page in ("index.html", "topics/email.html"):
        assert banner(site, page) == HEAD + PREPARED + " What was changed"
        assert "notified to the author on" not in visible_text(parse(site / page))
    assert parse(site / "index.html").find(id="adaptation-status")["class"] == [
        "adapted", "adapted--notice-prepared"]
    adaptation = parse(site / "adaptation.html").select_one("p.lead")
    assert adaptation is not None and adaptation.get_text() == HEAD + PREPARED
    assert HEAD + PREPARED in visible_text(parse(site / "reporting.html"))  # the footer
    confirm_sent(project, "oak", date(2026, 12, 2))
    build_site(project, tmp_path / "notified")
    notified = HEAD + "Changes notified to the author on 2 December 2026, awaiting approval."
    assert banner(tmp_path / "notified") == notified + " What was changed"
    assert "was prepared on" not in visible_text(parse(tmp_path / "notified" / "index.html"))


def test_posters_and_handbook_say_prepared(project: Path, tmp_path: Path) -> None:
    notify(project, "oak", DAY)
    build_site(project, tmp_path / "out", "posters,handbook")
    poster = squash(page_texts(tmp_path / "out" / "posters" / "email.pdf")[0])
    assert squash(HEAD + PREPARED) in poster
    handbook = page_texts(tmp_path / "out" / "handbook.pdf")
    assert squash(HEAD + PREPARED) in squash(handbook[0])
    assert all(squash("Adapted by Oak School (notice prepared, not confirmed as sent).")
               in squash(text) for text in handbook[1:])
    assert not any("notified" in text for text in handbook[1:])


# --- 5. --send: through a mail server, recorded once it accepted the notice ----------------


@dataclass
class Mailbox:
    """What the test server received, and how it should answer."""

    received: list[Envelope] = field(default_factory=list)
    rcpt_answer: str = "250 OK"
    data_answer: str = "250 OK"

    async def handle_RCPT(self, server: SMTPServer, session: Session, envelope: Envelope,
                          address: str, options: list[str]) -> str:
        if self.rcpt_answer.startswith("250"):
            envelope.rcpt_tos.append(address)
        return self.rcpt_answer

    async def handle_DATA(self, server: SMTPServer, session: Session,
                          envelope: Envelope) -> str:
        if self.data_answer.startswith("250"):
            self.received.append(envelope)
        return self.data_answer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    mailbox: Mailbox
    port: int

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


def start(mailbox: Mailbox, **options: Any) -> Iterator[Server]:
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield Server(mailbox, port)
    finally:
        controller.stop()


@pytest.fixture
def server() -> Iterator[Server]:
    yield from start(Mailbox())


def settings(project: Path, port: int, more: str = "  security: none\n") -> None:
    (project / "policygen.yaml").write_text(f"mail:\n  host: 127.0.0.1\n  port: {port}\n{more}")


NOW = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)


def test_send_delivers_the_notice_then_records_notified(project: Path, server: Server,
                                                        tmp_path: Path) -> None:
    settings(project, server.port)
    fp = fingerprint_of(project)
    code, out, err = cli("notify", "oak", "--send", "--project", str(project))
    assert (code, err) == (0, "")
    assert out == (f"Sent the notice to author@example.org through {server.address}; the mail "
                   f"server accepted it. Recorded the notification (fingerprint {fp}) in "
                   "variants/oak/variant.yaml.\n")
    [envelope] = server.mailbox.received
    assert (envelope.mail_from, envelope.rcpt_tos) == ("dsl@oak.example", ["author@example.org"])
    assert isinstance(envelope.original_content, bytes)
    message = BytesParser(policy=email.policy.default).parsebytes(envelope.original_content)
    assert isinstance(message, EmailMessage)
    assert message["X-Unsent"] is None
    assert (message["From"].addresses[0].display_name,
            message["From"].addresses[0].addr_spec) == ("Oak School", "dsl@oak.example")
    assert message["To"].addresses[0].addr_spec == "author@example.org"
    assert message["Subject"] == "Notice of local changes: Oak School's adaptation of Test guidance"
    assert message["Message-ID"].strip().endswith(f".notice-{fp}@oak.example>")
    assert message["Date"].datetime.date() == datetime.now().astimezone().date()
    assert body_of(message).replace("\r\n", "\n").endswith(
        "\nThe full notice is attached as a PDF.\n")  # nothing about sending: Date says it
    assert squash("Notice of local changes") in pdf_text(message)
    today = date.today()
    assert variant_file(project).read_text() == VARIANT + "\n" + block("notified", today, fp)
    assert folder_names(project) == ["variant.yaml"]  # no draft lies around
    build_site(project, tmp_path / "site")
    assert banner(tmp_path / "site") == (HEAD + f"Changes notified to the author on "
                                         f"{long_date(today)}, awaiting approval. What was "
                                         "changed")
    code, out, _ = cli("notify", "oak", "--send", "--project", str(project))
    assert out.endswith(" there is nothing new to notify.\n") and len(server.mailbox.received) == 1


def test_send_after_a_draft_sends_the_notice_not_the_draft_state(project: Path,
                                                                 server: Server) -> None:
    settings(project, server.port)
    notify(project, "oak", DAY)
    result = send_notice(project, "oak", now=NOW, environ={})
    assert result.adapted.state.status is AdaptationStatus.NOTIFIED
    [envelope] = server.mailbox.received
    message = BytesParser(policy=email.policy.default).parsebytes(envelope.original_content)
    assert isinstance(message, EmailMessage)
    assert "was prepared on" not in pdf_text(message)
    assert message["Date"] == "Tue, 01 Dec 2026 10:30:00 +0000"


def refused_send(project: Path, message: str, env: dict[str, str] | None = None) -> None:
    """Through the CLI: the error is exactly `message`, and nothing at all was recorded."""
    code, out, err = cli("notify", "oak", "--send", "--project", str(project), env=env)
    assert (code, out) == (2, "")
    assert err == f"error: {message}\n"
    assert variant_file(project).read_text() == VARIANT
    assert folder_names(project) == ["variant.yaml"]


def test_a_refused_recipient_records_nothing(project: Path) -> None:
    for server in start(Mailbox(rcpt_answer="550 5.1.1 No such user here")):
        settings(project, server.port)
        refused_send(project, f"the notice was not sent through the mail server "
                     f"{server.address}: it refused to deliver to author@example.org (550 "
                     f"5.1.1 No such user here){NOTHING}")
        assert server.mailbox.received == []


def test_a_refused_message_records_nothing(project: Path) -> None:
    for server in start(Mailbox(data_answer="554 5.7.1 Message rejected as spam")):
        settings(project, server.port)
        refused_send(project, f"the notice was not sent through the mail server "
                     f"{server.address}: it refused the notice (554 5.7.1 Message rejected as "
                     f"spam){NOTHING}")


def test_the_servers_words_cannot_write_control_codes_to_the_terminal(project: Path) -> None:
    for server in start(Mailbox(rcpt_answer="550 \x1b]0;pwned\x07\x1b[31mgo away")):
        settings(project, server.port)
        refused_send(project, f"the notice was not sent through the mail server "
                     f"{server.address}: it refused to deliver to author@example.org (550 "
                     f"]0;pwned [31mgo away){NOTHING}")


def test_a_server_that_is_down_records_nothing(project: Path) -> None:
    port = free_port()
    settings(project, port)
    refused_send(project, f"could not reach the mail server 127.0.0.1:{port}: it refused the "
                 "connection (is the server running, and is the port right?); nothing was "
                 f"sent{NOTHING}")


def test_starttls_is_the_default_and_never_falls_back_to_plain_text(project: Path,
                                                                    server: Server) -> None:
    settings(project, server.port, "")
    refused_send(project, f"the mail server {server.address} does not offer STARTTLS "
                 "(encryption), and policygen does not send in the clear: check 'port' and "
                 f"'security' in policygen.yaml; nothing was sent{NOTHING}")
    assert server.mailbox.received == []


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def tls_server(certificate: tuple[Path, Path]) -> Iterator[Server]:
    import ssl
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    yield from start(Mailbox(), tls_context=context)


def test_starttls_refuses_a_server_it_cannot_check(project: Path,
                                                   certificate: tuple[Path, Path]) -> None:
    for server in tls_server(certificate):
        settings(project, server.port, "")
        code, out, err = cli("notify", "oak", "--send", "--project", str(project))
        assert (code, out) == (2, "")
        assert err.startswith(f"error: the notice was not sent through the mail server "
                              f"{server.address}: its certificate could not be checked (")
        assert err.endswith("); policygen sends only to a server that proves who it is"
                            f"{NOTHING}\n")
        assert variant_file(project).read_text() == VARIANT and server.mailbox.received == []


def test_starttls_sends_to_a_server_whose_certificate_is_trusted(
        project: Path, certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # as a board's own CA would be
    for server in tls_server(certificate):
        settings(project, server.port, "  security: starttls\n")
        result = send_notice(project, "oak", now=NOW, environ={})
        assert result.adapted.state.status is AdaptationStatus.NOTIFIED
        assert len(server.mailbox.received) == 1


class Authenticator:
    def __call__(self, server: SMTPServer, session: Session, envelope: Envelope,
                 mechanism: str, data: Any) -> AuthResult:
        good = isinstance(data, LoginPassword) and (data.login, data.password) == (
            b"dsl@oak.example", b"s3cret")
        return AuthResult(success=good, handled=False)


def test_the_password_comes_from_the_environment(project: Path) -> None:
    for server in start(Mailbox(), authenticator=Authenticator(), auth_require_tls=False):
        settings(project, server.port, "  security: none\n  username: dsl@oak.example\n")
        refused_send(project, "policygen.yaml gives the username 'dsl@oak.example' for the mail "
                     "server, but no password is set: set the environment variable "
                     "POLICYGEN_SMTP_PASSWORD where you run policygen (it is never read from a "
                     "file); nothing was sent", env={"POLICYGEN_SMTP_PASSWORD": ""})
        refused_send(project, f"the notice was not sent through the mail server "
                     f"{server.address}: it refused the username and password (535 5.7.8 "
                     "Authentication credentials invalid); check 'username' and "
                     f"POLICYGEN_SMTP_PASSWORD{NOTHING}", env={"POLICYGEN_SMTP_PASSWORD": "no"})
        assert server.mailbox.received == []
        code, out, err = cli("notify", "oak", "--send", "--project", str(project),
                             env={"POLICYGEN_SMTP_PASSWORD": "s3cret"})
        assert (code, err) == (0, "") and len(server.mailbox.received) == 1


def test_a_password_without_a_username_is_refused(project: Path) -> None:
    settings(project, free_port())
    refused_send(project, "POLICYGEN_SMTP_PASSWORD is set, but policygen.yaml gives no username "
                 "to log in with: add 'username:' under 'mail:', or unset "
                 "POLICYGEN_SMTP_PASSWORD; nothing was sent",
                 env={"POLICYGEN_SMTP_PASSWORD": "s3cret"})


def test_no_settings_file_says_how_to_make_one_or_send_a_draft(project: Path) -> None:
    refused_send(project, "policygen.yaml is not in the project, so policygen does not know which "
                 "mail server to send through: create it with a 'mail:' section (see "
                 "docs/variants.md), or leave out --send to write a draft and send it "
                 "yourself; nothing was sent")


SETTINGS = [
    ("a password in the file", "mail:\n  host: smtp.example.org\n  password: hunter2\n",
     "policygen.yaml:3:13: error: do not write the password in policygen.yaml: everyone with a "
     "copy of the project would have it; set the environment variable POLICYGEN_SMTP_PASSWORD "
     "where you run policygen instead, and take this line out"),
    ("plain text across the network", "mail:\n  host: smtp.example.org\n  security: none\n",
     "policygen.yaml:3:13: error: 'security: none' would send the notice, and any password, "
     "unencrypted across the network to smtp.example.org; it is allowed only for a mail server "
     "on this computer (host: localhost): use starttls or tls"),
    ("unknown security", "mail:\n  host: smtp.example.org\n  security: starttsl\n",
     "policygen.yaml:3:13: error: unknown security 'starttsl' (did you mean 'starttls'?); "
     "expected one of: starttls (the usual, port 587), tls (port 465), none (only for a mail "
     "server on this computer)"),
    ("port out of range", "mail:\n  host: smtp.example.org\n  port: 70000\n",
     "policygen.yaml:3:9: error: the port should be at most 65535, found 70000"),
    ("no host", "mail:\n  port: 587\n",
     "policygen.yaml:2:3: error: 'mail' is missing the required field 'host'"),
    ("misspelt field", "mail:\n  host: smtp.example.org\n  usename: me\n",
     "policygen.yaml:3:3: error: unknown field 'usename' in 'mail' (did you mean 'username'?); "
     "expected one of: host, port, security, username, password, timeout"),
    ("no mail section", "email:\n  host: smtp.example.org\n",
     "policygen.yaml:1:1: error: unknown field 'email' in the settings (did you mean 'mail'?); "
     "expected one of: mail"),
]


@pytest.mark.parametrize(("text", "message"), [s[1:] for s in SETTINGS],
                         ids=[s[0] for s in SETTINGS])
def test_mail_settings_mistakes_name_the_line(text: str, message: str) -> None:
    with pytest.raises(ContentError) as error:
        parse_mail_settings(SourceFile("policygen.yaml", text))
    assert message in [p.format().splitlines()[0] for p in error.value.problems]


def test_default_ports_follow_the_security() -> None:
    read = [parse_mail_settings(SourceFile("policygen.yaml", f"mail:\n  host: {host}\n{more}"))
            for host, more in [("smtp.example.org", ""), ("smtp.example.org", "  security: tls\n"),
                               ("localhost", "  security: none\n")]]
    assert [(s.security, s.port, s.timeout) for s in read] == [
        ("starttls", 587, 30), ("tls", 465, 30), ("none", 25, 30)]


def test_a_bad_settings_file_is_refused_through_the_cli_with_its_line(project: Path) -> None:
    (project / "policygen.yaml").write_text("mail:\n  host: smtp.example.org\n  password: x\n")
    code, out, err = cli("notify", "oak", "--send", "--project", str(project))
    assert (code, out) == (1, "")
    assert err.startswith("policygen.yaml:3:13: error: do not write the password in "
                          "policygen.yaml")
    assert variant_file(project).read_text() == VARIANT


def test_implicit_tls_sends_to_a_trusted_server(project: Path, certificate: tuple[Path, Path],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import ssl
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    for server in start(Mailbox(), ssl_context=context):
        settings(project, server.port, "  security: tls\n")
        send_notice(project, "oak", now=NOW, environ={})
        assert len(server.mailbox.received) == 1
        assert load_variant(project, "oak").notified == SignOff(
            NOW.date(), fingerprint_of(project), EDITION, pins=PINS)


def test_sent_but_not_recorded_says_so_and_gives_the_lines_to_add(
        project: Path, server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    from policygen.variants import signoff
    settings(project, server.port)

    def full_disk(target: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(signoff, "_replace", full_disk)
    with pytest.raises(OutputError) as error:
        send_notice(project, "oak", now=NOW, environ={})
    assert str(error.value) == (
        "the notice WAS sent to author@example.org, but recording it failed: could not write "
        "variants/oak/variant.yaml (No space left on device); nothing was written, the file is "
        "as it was. Add these lines at the end of variants/oak/variant.yaml by hand:\n"
        + block("notified", NOW.date(), fingerprint_of(project)).rstrip("\n"))
    assert len(server.mailbox.received) == 1 and variant_file(project).read_text() == VARIANT
