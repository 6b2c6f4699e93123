"""Telling the author: the notice email (with its PDF), and recording notification and approval.

A variant is recorded as notified only when that is known to have happened: `notify` writes a
draft and records `notice_prepared:`; `notify --sent` records `notified:` on the editor's word
that they sent that draft; `notify --send` records it once the mail server accepted the notice.
These commands edit the variant's own file on purpose (that is what they are asked to do): the
block is replaced or added, everything else is kept as written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from policygen.build.editions import adapt
from policygen.build.pipeline import check, render_setup, templates_dir
from policygen.build.plan import BuildOptions, CheckReport
from policygen.commands.mailing import deliver, load_mail_settings, password_for
from policygen.commands.scaffold import command_for
from policygen.errors import OutputError
from policygen.model import Publication, SignOff
from policygen.render.edition import Edition, variant_edition_of
from policygen.render.stage import NOTICE, render_edition
from policygen.source.names import address_problem
from policygen.variants.ledger import (
    AdaptationStatus,
    AdaptedPublication,
    adaptation_state,
    base_edition,
    format_change_report,
)
from policygen.variants.signoff import (
    check_signer,
    commit_sign_off,
    prepare_sign_off,
    record_sign_off,
    sign_off_block,
)
from policygen.variants.variant import VARIANTS_DIR, variant_file_name
from policygen.words import long_date

# The variant's blocks, in the order they happen: a draft made, the author told, approval.
PREPARED, NOTIFIED, APPROVED = "notice_prepared", "notified", "approved"


@dataclass(frozen=True, slots=True)
class NoticeResult:
    """What `notify` did: the draft written (if any), the state now, and what to tell the user."""

    adapted: AdaptedPublication
    email: Path | None
    message: str


def notify(project: Path, name: str, day: date, sender: str | None = None,
           out: Path | None = None) -> NoticeResult:
    """Write the notice as a draft email for the user to send; record only that it was prepared."""
    report, adapted = _adapted(project, name, day)
    done = _nothing_to_notify(adapted)
    if done:
        return NoticeResult(adapted, None, done)
    email = notice_email(project, _unprepared(adapted, day), day, sender)
    target = out or project / VARIANTS_DIR / name / f"notice-{day.isoformat()}.eml"
    # The variant's new text is made and checked first: a file that cannot take the record
    # is refused before the draft exists, and the draft is taken away if the record fails.
    pending = prepare_sign_off(project, name, PREPARED, SignOff(
        day, adapted.state.fingerprint, base_edition(report.publication)))
    written = _write_new(target, email.as_bytes())
    try:
        commit_sign_off(pending)
    except OutputError as error:
        if not written:
            raise
        target.unlink(missing_ok=True)
        raise OutputError(f"{error} (and {target} was not kept)") from error
    return NoticeResult(adapted, target, _draft_message(project, target, report.publication, name,
                                                        adapted.state.fingerprint))


def _draft_message(project: Path, target: Path, base: Publication, name: str,
                   fingerprint: str) -> str:
    return (f"Wrote the draft notice {target}. It has NOT been sent: open it in your email "
            f"program, check it and send it to {base.author.email}. Then record that you sent "
            f"it: {command_for(project)} notify {name} --sent --date YYYY-MM-DD (the day you "
            "sent it). "
            f"Recorded that the notice was prepared (fingerprint {fingerprint}) in "
            f"{variant_file_name(name)}.")


def confirm_sent(project: Path, name: str, day: date) -> NoticeResult:
    """Record that the notice prepared for the current changes was sent on `day`."""
    report, adapted = _adapted(project, name, day)
    done = _nothing_to_notify(adapted)
    if done:
        return NoticeResult(adapted, None, done)
    prepared, current = adapted.variant.notice_prepared, adapted.state.fingerprint
    if prepared is None:
        raise OutputError(f"{variant_file_name(name)} records no notice prepared for these "
                          f"changes: prepare the notice first with {command_for(project)} notify "
                          f"{name}, send it, then run {command_for(project)} notify {name} --sent; "
                          "nothing was "
                          "recorded")
    if prepared.fingerprint != current:
        raise OutputError(f"the notice prepared on {long_date(prepared.date)} was for other "
                          f"changes (fingerprint {prepared.fingerprint}); the variant has "
                          f"changed since (fingerprint {current}), so that notice does not "
                          "describe it: prepare the notice again with "
                          f"{command_for(project)} notify {name} and send that one; nothing "
                          "was recorded")
    if day < prepared.date:
        raise OutputError(f"--date {day.isoformat()} is before the notice was prepared "
                          f"({long_date(prepared.date)}): give the day you sent it; nothing was "
                          "recorded")
    record_sign_off(project, name, NOTIFIED, SignOff(
        day, current, prepared.edition or base_edition(report.publication)))
    return NoticeResult(adapt(project, report.publication, name), None,
                        f"Recorded that the notice was sent to {report.publication.author.email} "
                        f"on {long_date(day)} (fingerprint {current}) in "
                        f"{variant_file_name(name)}. When the changes are approved, run: "
                        f"{command_for(project)} approve {name} --by \"…\" --date YYYY-MM-DD")


def send_notice(project: Path, name: str, sender: str | None = None,
                now: datetime | None = None,
                environ: Mapping[str, str] | None = None) -> NoticeResult:
    """Send the notice through the project's mail server; record it once the server took it."""
    when = now or datetime.now().astimezone()
    report, adapted = _adapted(project, name, when.date())
    done = _nothing_to_notify(adapted)
    if done:
        return NoticeResult(adapted, None, done)
    settings = load_mail_settings(project)  # every setting checked before anything is made
    password = password_for(settings, os.environ if environ is None else environ)
    email = notice_email(project, _unprepared(adapted, when.date()), when.date(), sender, when)
    record = SignOff(when.date(), adapted.state.fingerprint, base_edition(report.publication))
    pending = prepare_sign_off(project, name, NOTIFIED, record)
    deliver(email, settings, password)
    try:
        commit_sign_off(pending)
    except OutputError as error:
        raise OutputError(f"the notice WAS sent to {report.publication.author.email}, but "
                          f"recording it failed: {error}. Add these lines at the end of "
                          f"{variant_file_name(name)} by hand:\n"
                          + sign_off_block(NOTIFIED, record).rstrip("\n")) from error
    return NoticeResult(adapt(project, report.publication, name), None,
                        f"Sent the notice to {report.publication.author.email} through "
                        f"{settings.server}; the mail server accepted it. Recorded the "
                        f"notification (fingerprint {record.fingerprint}) in "
                        f"{variant_file_name(name)}.")


def _adapted(project: Path, name: str, day: date) -> tuple[CheckReport, AdaptedPublication]:
    report = check(project, day)
    return report, _one_author(project, adapt(project, report.publication, name))


def _one_author(project: Path, adapted: AdaptedPublication) -> AdaptedPublication:
    """A variant in a chain tells more than one author; its notices cannot be recorded yet."""
    if not adapted.upstream:
        return adapted
    name, parent = adapted.variant.name, adapted.upstream[0]
    authors = ", ".join(f"{party.name} ({count})" for party, count in adapted.authors())
    raise OutputError(f"'{name}' extends '{parent.name}', so its changes go to more than one "
                      f"author ({authors or 'none yet'}), and policygen cannot yet prepare or "
                      "record notices and approvals for a chain: run "
                      f"{command_for(project)} changes {name}, which says whom each change "
                      "goes to, and send it to each of them; nothing was written")


def _nothing_to_notify(adapted: AdaptedPublication) -> str:
    """Why no notice is needed (only free changes, or these already told), or nothing."""
    state = adapted.state
    if state.status is AdaptationStatus.NO_NOTIFICATION_NEEDED:
        return ("This variant makes only changes the publisher allows without notice: there "
                "is nothing to notify.")
    if state.status in (AdaptationStatus.NOTIFIED, AdaptationStatus.APPROVED) and state.sign_off:
        return (f"These changes (fingerprint {state.fingerprint}) were already "
                f"{state.status.value} on {long_date(state.sign_off.date)}: there is nothing "
                "new to notify.")
    return ""


def _unprepared(adapted: AdaptedPublication, day: date) -> Edition:
    """The edition for the notice, its state as if no draft had been made.

    A draft made earlier and made again must not tell the author that a notice "was prepared
    but has not been confirmed as sent": the notice is that notice.
    """
    variant = replace(adapted.variant, notice_prepared=None)
    state = adaptation_state(variant, adapted.changes, adapted.base, adapted.state.via)
    return variant_edition_of(replace(adapted, variant=variant, state=state), day)


def approve(project: Path, name: str, by: str, day: date) -> AdaptedPublication:
    """Record that `by` approved the variant's current changes on `day`."""
    check_signer(by)
    report = check(project, day)
    adapted = _one_author(project, adapt(project, report.publication, name))
    record_sign_off(project, name, APPROVED, SignOff(
        day, adapted.state.fingerprint, base_edition(report.publication), by.strip()))
    return adapt(project, report.publication, name)


def notice_email(project: Path, edition: Edition, day: date, sender: str | None,
                 sent_at: datetime | None = None) -> EmailMessage:
    """The notice as an email to the author, the PDF attached.

    Without `sent_at` it is a draft, the same bytes for the same input: marked unsent (Outlook
    opens it as a new message to send), with no Date or Message-ID (the email program adds its
    own when it sends it). With `sent_at` it is the message handed to the mail server.
    """
    assert edition.adaptation is not None
    adapted = edition.adaptation
    base, organisation = adapted.base, adapted.variant.organisation.name
    given = sender is not None
    sender = (sender or adapted.publication.reporting.local_lead.email or "").strip()
    if not sender:
        raise OutputError("the notice needs a sender address: give --from ADDRESS, or set "
                          "local_lead email in the variant")
    problem = address_problem(sender, "--from" if given else "the local lead's email")
    if problem:
        raise OutputError(f"{problem}; nothing was written")
    message = EmailMessage()
    # Address objects, not text: a name with a comma or <…> stays one quoted display name.
    message["From"] = Address(display_name=organisation, addr_spec=sender)
    message["To"] = Address(display_name=base.author.name, addr_spec=base.author.email)
    message["Subject"] = " ".join(f"Notice of local changes: {organisation}'s adaptation of "
                                  f"{base.title}".split())
    if sent_at is None:
        message["X-Unsent"] = "1"
    else:
        message["Date"] = format_datetime(sent_at)
        message["Message-ID"] = make_msgid(f"notice-{adapted.state.fingerprint}",
                                           sender.rpartition("@")[2])
    message.set_content(_email_text(adapted, day if sent_at is None else None))
    message.add_attachment(notice_pdf(project, edition), maintype="application",
                           subtype="pdf", filename=f"{adapted.variant.name}-notice.pdf")
    return message


def _email_text(adapted: AdaptedPublication, prepared: date | None) -> str:
    base = adapted.base
    return (f"Dear {base.author.name},\n\n"
            f"{adapted.variant.organisation.name} has adapted {base.title} "
            f"({base.publisher.name}, edition of {long_date(adapted.state.edition)}). As the "
            "adaptation rules ask, this notice lists every change, so that it can be presented "
            "for approval.\n\n"
            + format_change_report(adapted)
            + "\nThe full notice is attached as a PDF."
            + (f" Prepared on {long_date(prepared)}." if prepared else "") + "\n")


def notice_pdf(project: Path, edition: Edition) -> bytes:
    """The notice PDF, made by the render stage as a build makes it."""
    from policygen.render.pdf import PdfRenderer
    with PdfRenderer(1) as renderer:  # one PDF: no worker processes
        setup = render_setup(BuildOptions(project, formats=NOTICE), templates_dir(project),
                             renderer)
        outputs = render_edition(edition, setup, NOTICE)
    if outputs.problems:
        raise OutputError(outputs.problems[0][1].message)
    return outputs.pdfs[0].data


def _write_new(path: Path, data: bytes) -> bool:
    """Write a file that must not exist yet: a user's file is never overwritten unasked."""
    if path.exists() and path.read_bytes() != data:
        raise OutputError(f"{path} already exists; move it away or choose another --out")
    if path.exists():
        return False  # the same notice, written before: it is not ours to take away
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


