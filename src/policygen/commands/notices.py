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
from policygen.model import ONLY_AUTHOR, Party, SignOff
from policygen.render.edition import Edition, variant_edition_of
from policygen.render.formats import NOTICE
from policygen.render.stage import render_edition
from policygen.source.names import address_problem
from policygen.variants.drift import pins
from policygen.variants.ledger import AdaptedPublication, chain_authors, format_change_report
from policygen.variants.signoff import (
    Records,
    check_signer,
    commit_sign_off,
    prepare_sign_off,
    record_sign_off,
    sign_off_block,
)
from policygen.variants.standing import (
    AdaptationStatus,
    AuthorPart,
    adaptation_state,
    base_edition,
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
    """Write the notice as a draft email for the user to send; record only that it was prepared.

    In a chain, one draft for each author whose part of the changes is not yet told.
    """
    report, adapted = _adapted(project, name, day)
    done = _nothing_to_notify(adapted)
    if done:
        return NoticeResult(adapted, None, done)
    parts = _untold(adapted)
    if out is not None and len(parts) > 1:
        raise OutputError(f"--out names one file, but {len(parts)} authors are to be told "
                          f"({_listed(parts)}), each with a notice of their own: leave out --out "
                          "and policygen writes them in the variant's folder; nothing was written")
    edition, edition_day = _unprepared(adapted, day), base_edition(report.publication)
    drafts = [(out or _draft_path(project, name, day, part),
               notice_email(project, edition, day, sender, part=part)) for part in parts]
    # The variant's new text is made and checked first: a file that cannot take the record
    # is refused before any draft exists, and the drafts are taken away if the record fails.
    pending = prepare_sign_off(project, name, PREPARED, _records(adapted, PREPARED, {
        part.key: SignOff(day, part.fingerprint, edition_day, pins=_pins(adapted))
        for part in parts}))
    written = [target for target, email in drafts if _write_new(target, email.as_bytes())]
    try:
        commit_sign_off(pending)
    except OutputError as error:
        for target in written:
            target.unlink(missing_ok=True)
        if not written:
            raise
        raise OutputError(f"{error} (and {', '.join(map(str, written))} were not kept)") \
            from error
    return NoticeResult(adapted, drafts[0][0], _draft_message(project, drafts, parts, name))


def _draft_path(project: Path, name: str, day: date, part: AuthorPart) -> Path:
    author = f"-{part.key}" if part.key != ONLY_AUTHOR else ""
    return project / VARIANTS_DIR / name / f"notice-{day.isoformat()}{author}.eml"


def _draft_message(project: Path, drafts: list[tuple[Path, EmailMessage]],
                   parts: list[AuthorPart], name: str) -> str:
    sent = f"{command_for(project)} notify {name} --sent --date YYYY-MM-DD"
    if len(parts) == 1:
        return (f"Wrote the draft notice {drafts[0][0]}. It has NOT been sent: open it in your "
                f"email program, check it and send it to {parts[0].author.email}. Then record "
                f"that you sent it: {sent} (the day you sent it). Recorded that the notice was "
                f"prepared (fingerprint {parts[0].fingerprint}) in {variant_file_name(name)}.")
    lines = [f"Wrote {len(parts)} draft notices, one for each author whose text this variant "
             "changes. They have NOT been sent: open each in your email program, check it and "
             "send it:"]
    lines += [f"  {target}: to {part.author.name} <{part.author.email}>, "
              f"{part.count} change{'s' * (part.count != 1)}"
              for (target, _), part in zip(drafts, parts, strict=True)]
    lines += ["Then record each one you sent, on the day you sent it:"]
    lines += [f"  {sent} --author {part.key}" for part in parts]
    lines += [f"Recorded that the notices were prepared in {variant_file_name(name)}."]
    return "\n".join(lines)


def confirm_sent(project: Path, name: str, day: date, author: str | None = None) -> NoticeResult:
    """Record that the notice prepared for the current changes was sent on `day`."""
    report, adapted = _adapted(project, name, day)
    done = _nothing_to_notify(adapted)
    if done:
        return NoticeResult(adapted, None, done)
    part = _sent_part(project, adapted, author)
    prepared = adapted.variant.signed(part.key).notice_prepared
    if prepared is None:
        raise OutputError(f"{variant_file_name(name)} records no notice prepared for these "
                          f"changes{_to(part)}: prepare the notice first with "
                          f"{command_for(project)} notify {name}, send it, then run "
                          f"{command_for(project)} notify {name} --sent; nothing was recorded")
    if prepared.fingerprint != part.fingerprint:
        raise OutputError(f"the notice prepared on {long_date(prepared.date)}{_to(part)} was "
                          f"for other changes (fingerprint {prepared.fingerprint}); the variant "
                          f"has changed since (fingerprint {part.fingerprint}), so that notice "
                          "does not describe it: prepare the notice again with "
                          f"{command_for(project)} notify {name} and send that one; nothing "
                          "was recorded")
    if day < prepared.date:
        raise OutputError(f"--date {day.isoformat()} is before the notice was prepared "
                          f"({long_date(prepared.date)}): give the day you sent it; nothing was "
                          "recorded")
    record_sign_off(project, name, NOTIFIED, _records(adapted, NOTIFIED, {part.key: SignOff(
        day, part.fingerprint, prepared.edition or base_edition(report.publication),
        pins=prepared.pins or _pins(adapted))}))
    return NoticeResult(adapt(project, report.publication, name), None,
                        f"Recorded that the notice was sent to {part.author.email} "
                        f"on {long_date(day)} (fingerprint {part.fingerprint}) in "
                        f"{variant_file_name(name)}. When the changes are approved, run: "
                        f"{command_for(project)} approve {name}{_author_option(part)} "
                        "--by \"…\" --date YYYY-MM-DD")


def _sent_part(project: Path, adapted: AdaptedPublication, author: str | None) -> AuthorPart:
    """The author whose notice `--sent` records: named by --author, or the only one pending."""
    if author is not None:
        return _named_part(project, adapted, author)
    prepared = [part for part in _untold(adapted)
                if part.status is AdaptationStatus.NOTICE_PREPARED]
    if len(prepared) > 1:
        raise OutputError(f"notices were prepared for {len(prepared)} authors "
                          f"({_listed(prepared)}): say which one you sent with "
                          + " or ".join(f"--author {part.key}" for part in prepared)
                          + ", once for each notice you sent; nothing was recorded")
    return (prepared or _untold(adapted))[0]


def _named_part(project: Path, adapted: AdaptedPublication, author: str) -> AuthorPart:
    parts = [part for part in _recipients(adapted) if part.count]
    found = next((part for part in parts if part.key == author), None)
    if found is None:
        keys = " or ".join(f"'{part.key}' ({part.author.name})" for part in parts
                           if part.key != ONLY_AUTHOR)
        whom = (f"this variant's changes go to {keys}" if keys else
                f"'{adapted.variant.name}' adapts the base guidance itself, so its changes go "
                "to one author: leave out --author")
        raise OutputError(f"--author {author}: {whom}; see {command_for(project)} changes "
                          f"{adapted.variant.name}; nothing was recorded")
    return found


def send_notice(project: Path, name: str, sender: str | None = None,
                now: datetime | None = None,
                environ: Mapping[str, str] | None = None) -> NoticeResult:
    """Send the notice through the project's mail server; record it once the server took it.

    In a chain, one notice for each author not yet told, each recorded once it was accepted.
    """
    when = now or datetime.now().astimezone()
    report, adapted = _adapted(project, name, when.date())
    done = _nothing_to_notify(adapted)
    if done:
        return NoticeResult(adapted, None, done)
    settings = load_mail_settings(project)  # every setting checked before anything is made
    password = password_for(settings, os.environ if environ is None else environ)
    edition, records = _unprepared(adapted, when.date()), dict[str, SignOff]()
    for part in _untold(adapted):
        email = notice_email(project, edition, when.date(), sender, when, part)
        records[part.key] = SignOff(when.date(), part.fingerprint,
                                    base_edition(report.publication), pins=_pins(adapted))
        pending = prepare_sign_off(project, name, NOTIFIED, _records(adapted, NOTIFIED, records))
        deliver(email, settings, password)
        try:
            commit_sign_off(pending)
        except OutputError as error:
            raise OutputError(f"the notice WAS sent to {part.author.email}, but recording it "
                              f"failed: {error}. Add these lines at the end of "
                              f"{variant_file_name(name)} by hand:\n"
                              + sign_off_block(NOTIFIED, _records(adapted, NOTIFIED, records))
                              .rstrip("\n")) from error
    return NoticeResult(adapt(project, report.publication, name), None,
                        f"Sent the notice to {_addresses(_untold(adapted))} through "
                        f"{settings.server}; the mail server accepted it. Recorded the "
                        f"notification (fingerprint {adapted.state.fingerprint}) in "
                        f"{variant_file_name(name)}.")


def _adapted(project: Path, name: str, day: date) -> tuple[CheckReport, AdaptedPublication]:
    report = check(project, day)
    return report, adapt(project, report.publication, name)


def _recipients(adapted: AdaptedPublication) -> tuple[AuthorPart, ...]:
    """Each author's part of the changes; a variant of the base guidance has one author."""
    state = adapted.state
    if state.parts:
        return state.parts
    count = sum(change.needs_notice for change in adapted.changes)
    return (AuthorPart(ONLY_AUTHOR, adapted.base.author, count, state.fingerprint,
                       state.status, state.sign_off),)


def _untold(adapted: AdaptedPublication) -> list[AuthorPart]:
    """The authors whose part of the changes is not yet notified or approved."""
    return [part for part in _recipients(adapted) if part.count and part.status not in (
        AdaptationStatus.NOTIFIED, AdaptationStatus.APPROVED)]


def _records(adapted: AdaptedPublication, key: str, new: dict[str, SignOff]) -> Records:
    """The whole block to write: the one record, or in a chain every author's (kept as they
    were) with the new ones in their place."""
    if ONLY_AUTHOR in new:
        return new[ONLY_AUTHOR]
    kept = {author: getattr(records, key) for author, records in adapted.variant.sign_offs
            if author != ONLY_AUTHOR and getattr(records, key) is not None}
    return {**kept, **new}


def _pins(adapted: AdaptedPublication) -> tuple[tuple[str, str], ...]:
    """The words of each base item the variant changes, as the record pins them."""
    return pins(adapted.variant, adapted.base)


def _listed(parts: list[AuthorPart]) -> str:
    return ", ".join(f"{part.author.name} ({part.key})" for part in parts)


def _addresses(parts: list[AuthorPart]) -> str:
    return " and ".join(part.author.email for part in parts)


def _to(part: AuthorPart) -> str:
    return f" to {part.author.name}" if part.key != ONLY_AUTHOR else ""


def _author_option(part: AuthorPart) -> str:
    return f" --author {part.key}" if part.key != ONLY_AUTHOR else ""


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
    variant = replace(adapted.variant, sign_offs=tuple(
        (author, replace(records, notice_prepared=None))
        for author, records in adapted.variant.sign_offs))
    state = adaptation_state(variant, adapted.changes, adapted.base, adapted.state.via,
                             chain_authors(adapted.upstream))
    return variant_edition_of(replace(adapted, variant=variant, state=state), day)


def approve(project: Path, name: str, by: str, day: date,
            author: str | None = None) -> AdaptedPublication:
    """Record that `by` approved the variant's current changes on `day` (in a chain, the part
    of them that goes to `author`)."""
    check_signer(by)
    report = check(project, day)
    adapted = adapt(project, report.publication, name)
    part = _approved_part(project, adapted, author)
    record_sign_off(project, name, APPROVED, _records(adapted, APPROVED, {part.key: SignOff(
        day, part.fingerprint, base_edition(report.publication), by.strip(),
        pins=_pins(adapted))}))
    return adapt(project, report.publication, name)


def _approved_part(project: Path, adapted: AdaptedPublication, author: str | None) -> AuthorPart:
    if author is not None:
        return _named_part(project, adapted, author)
    parts = [part for part in _recipients(adapted) if part.count]
    if len(parts) > 1:
        raise OutputError(f"this variant's changes go to {len(parts)} authors "
                          f"({_listed(parts)}), and each approves its own part: say whose "
                          "approval this is with "
                          + " or ".join(f"--author {part.key}" for part in parts)
                          + "; nothing was recorded")
    return parts[0] if parts else _recipients(adapted)[0]


def notice_email(project: Path, edition: Edition, day: date, sender: str | None,
                 sent_at: datetime | None = None,
                 part: AuthorPart | None = None) -> EmailMessage:
    """The notice as an email to the author (in a chain, to the author of `part`, listing the
    changes to their text), the PDF of the whole notice attached.

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
    part = part or _recipients(adapted)[0]
    if not part.author.email:
        raise OutputError(f"{part.author.name} has no email address to send the notice to: add "
                          f"an email under local_lead in {variant_file_name(part.key)}; nothing "
                          "was written")
    message = EmailMessage()
    # Address objects, not text: a name with a comma or <…> stays one quoted display name.
    message["From"] = Address(display_name=organisation, addr_spec=sender)
    message["To"] = Address(display_name=part.author.name, addr_spec=part.author.email)
    message["Subject"] = " ".join(f"Notice of local changes: {organisation}'s adaptation of "
                                  f"{base.title}".split())
    if sent_at is None:
        message["X-Unsent"] = "1"
    else:
        message["Date"] = format_datetime(sent_at)
        message["Message-ID"] = make_msgid(f"notice-{part.fingerprint}",
                                           sender.rpartition("@")[2])
    told = adapted.for_author(part) if part.key != ONLY_AUTHOR else adapted
    message.set_content(_email_text(told, part.author, day if sent_at is None else None))
    message.add_attachment(notice_pdf(project, edition), maintype="application",
                           subtype="pdf", filename=f"{adapted.variant.name}-notice.pdf")
    return message


def _email_text(adapted: AdaptedPublication, author: Party, prepared: date | None) -> str:
    base = adapted.base
    return (f"Dear {author.name},\n\n"
            f"{adapted.variant.organisation.name} has adapted {base.title} "
            f"({base.publisher.name}, edition of {long_date(adapted.state.edition)}). As the "
            "adaptation rules ask, this notice lists every change"
            + (" it makes to your text (its changes to other authors' text are sent to them)"
               if adapted.upstream else "")
            + ", so that it can be presented for approval.\n\n"
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


