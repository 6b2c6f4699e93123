"""Telling the author: the notice email (with its PDF), and recording notification and approval.

These commands edit the variant's own file on purpose (that is what they are asked to do): the
`notified:` or `approved:` block is replaced or added, everything else is kept as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from .confinement import source_roots
from .edition import Edition, variant_edition_of
from .errors import OutputError
from .ledger import (
    AdaptationStatus,
    AdaptedPublication,
    base_edition,
    format_change_report,
)
from .markup import MarkdownRenderer
from .model import SignOff
from .names import address_problem
from .pipeline import check, templates_dir
from .plan import adapt
from .printing import notice_job
from .signoff import check_signer, commit_sign_off, prepare_sign_off, record_sign_off
from .templating import long_date, make_environment
from .variant import VARIANT_FILE, VARIANTS_DIR


@dataclass(frozen=True, slots=True)
class NoticeResult:
    """What `notify` did: the email written (if any) and the state it recorded."""

    adapted: AdaptedPublication
    email: Path | None
    message: str


def notify(project: Path, name: str, day: date, sender: str | None = None,
           out: Path | None = None) -> NoticeResult:
    """Write the notice email to the author and record the notification in the variant."""
    report = check(project, day)
    adapted = adapt(project, report.publication, name)
    state = adapted.state
    if state.status is AdaptationStatus.NO_NOTIFICATION_NEEDED:
        return NoticeResult(adapted, None, "This variant makes only changes the publisher "
                            "allows without notice: there is nothing to notify.")
    if state.status in (AdaptationStatus.NOTIFIED, AdaptationStatus.APPROVED) and state.sign_off:
        return NoticeResult(adapted, None, f"These changes (fingerprint {state.fingerprint}) "
                            f"were already {state.status.value} on "
                            f"{long_date(state.sign_off.date)}: there is nothing new to notify.")
    edition = variant_edition_of(adapted, day)
    email = notice_email(project, edition, day, sender)
    target = out or project / VARIANTS_DIR / name / f"notice-{day.isoformat()}.eml"
    # The variant's new text is made and checked first: a file that cannot take the record
    # is refused before the email exists, and the email is taken away if the record fails.
    pending = prepare_sign_off(project, name, "notified", SignOff(
        day, adapted.state.fingerprint, base_edition(report.publication)))
    written = _write_new(target, email.as_bytes())
    try:
        commit_sign_off(pending)
    except OutputError as error:
        if not written:
            raise
        target.unlink(missing_ok=True)
        raise OutputError(f"{error} (and {target} was not kept)") from error
    return NoticeResult(adapted, target, f"Wrote {target}: send it to "
                        f"{report.publication.author.email}. Recorded the notification "
                        f"(fingerprint {adapted.state.fingerprint}) in "
                        f"{VARIANTS_DIR}/{name}/{VARIANT_FILE}.")


def approve(project: Path, name: str, by: str, day: date) -> AdaptedPublication:
    """Record that `by` approved the variant's current changes on `day`."""
    check_signer(by)
    report = check(project, day)
    adapted = adapt(project, report.publication, name)
    record_sign_off(project, name, "approved", SignOff(
        day, adapted.state.fingerprint, base_edition(report.publication), by.strip()))
    return adapt(project, report.publication, name)


def notice_email(project: Path, edition: Edition, day: date,
                 sender: str | None) -> EmailMessage:
    """The notice as an email to the author, the PDF attached; the same input, the same bytes."""
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
    message["Date"] = format_datetime(datetime.combine(day, time(9), UTC))
    message["Message-ID"] = f"<notice-{adapted.state.fingerprint}-{adapted.variant.name}" \
                            "@policygen.invalid>"
    message.set_content(_email_text(adapted, day))
    message.add_attachment(notice_pdf(project, edition), maintype="application",
                           subtype="pdf", filename=f"{adapted.variant.name}-notice.pdf")
    return message


def _email_text(adapted: AdaptedPublication, day: date) -> str:
    base = adapted.base
    return (f"Dear {base.author.name},\n\n"
            f"{adapted.variant.organisation.name} has adapted {base.title} "
            f"({base.publisher.name}, edition of {long_date(adapted.state.edition)}). As the "
            "adaptation rules ask, this notice lists every change, so that it can be presented "
            "for approval.\n\n"
            + format_change_report(adapted)
            + f"\nThe full notice is attached as a PDF. Sent on {long_date(day)}.\n")


def notice_pdf(project: Path, edition: Edition) -> bytes:
    from .pdf import render_job
    env = make_environment(templates_dir(project))
    job = notice_job(env, MarkdownRenderer(edition.publication.glossary.terms), edition)
    roots = tuple(map(str, source_roots(project)))
    result = render_job(job, "notice" + "0" * 58, roots)
    if result.error:
        raise OutputError(result.error)
    return result.data


def _write_new(path: Path, data: bytes) -> bool:
    """Write a file that must not exist yet: a user's file is never overwritten unasked."""
    if path.exists() and path.read_bytes() != data:
        raise OutputError(f"{path} already exists; move it away or choose another --out")
    if path.exists():
        return False  # the same notice, written before: it is not ours to take away
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


