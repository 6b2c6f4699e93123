"""Where a variant's changes stand with their authors: not notified, notice prepared, notified,
approved, changed since; the fingerprint that ties a record to the changes it was for.

A variant of the base guidance has one author to tell. In a chain (school → council → board)
each change goes to whoever wrote the text it changes, so each author has a part of the
changes, its own fingerprint and its own records; the variant as a whole stands where its
least advanced part stands.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum

from policygen.errors import Location, Problem, Severity
from policygen.model import ONLY_AUTHOR, Change, Party, Publication, Revision, SignOff, SignOffs
from policygen.variants.variant import Variant
from policygen.words import N_, SOURCE, Words, long_date


class AdaptationStatus(Enum):
    """Whether the author knows about a variant's changes, and has approved them."""

    NO_NOTIFICATION_NEEDED = "no-notification-needed"
    NOT_NOTIFIED = "not-notified"
    NOTICE_PREPARED = "notice-prepared"  # a draft was written; nobody has said it was sent
    NOTIFIED = "notified"
    APPROVED = "approved"
    CHANGED_SINCE_APPROVAL = "changed-since-approval"
    CHANGED_SINCE_NOTIFICATION = "changed-since-notification"


@dataclass(frozen=True, slots=True)
class AdaptationState:
    """A variant's standing with the author, for banners, the index of variants and reports."""

    status: AdaptationStatus
    fingerprint: str  # of the changes the author must be told about
    organisation: str
    publisher: str
    edition: date  # the base edition this build adapts
    sign_off: SignOff | None = None  # the notice, notification or approval the status refers to
    upstream: tuple[Revision, ...] = ()  # base revisions since the edition signed off
    via: tuple[str, ...] = ()  # the organisations whose adaptations this one adapts, nearest first
    # In a chain, each author's part of the changes; empty for a variant of the base guidance.
    parts: tuple[AuthorPart, ...] = ()

    @property
    def signed_edition(self) -> date | None:
        # Older records have no edition; the date they were made is the best stand-in.
        return self.sign_off.edition or self.sign_off.date if self.sign_off else None

    @property
    def base_moved_on(self) -> bool:
        return self.signed_edition is not None and self.signed_edition < self.edition

    @property
    def text(self) -> str:
        """One line for a banner: who adapted whose guidance, and where the changes stand."""
        return self.text_in(SOURCE)

    def text_in(self, words: Words) -> str:
        """`text` in the language of `words` (the site and PDFs use the publication's)."""
        head = words.gettext("Adapted by %(organisation)s from %(source)s (edition "
                             "%(edition)s).", organisation=self.organisation,
                             source=self.source_in(words),
                             edition=long_date(self.edition, words))
        return head + " " + self.standing_in(words) + self._moved_on_text(words)

    def standing_in(self, words: Words) -> str:
        """Where the changes stand: for each author in turn when more than one is told."""
        told = [part for part in self.parts if part.count]
        # Every author where the others are (all not yet told, say): one sentence says it.
        alike = len({(part.status, part.sign_off and (part.sign_off.date, part.sign_off.by))
                     for part in told}) == 1
        if len(told) < 2 or alike:
            return _STATUS_TEXT[self.status](self, words)
        return " ".join(words.gettext("Changes to %(author)s's text: %(standing)s",
                                      author=part.author.name,
                                      standing=_STATUS_TEXT[part.status](
                                          self.of_part(part), words)) for part in told)

    def of_part(self, part: AuthorPart) -> AdaptationState:
        """The state of one author's part, as if that author were the only one."""
        return replace(self, status=part.status, fingerprint=part.fingerprint,
                       sign_off=part.sign_off, parts=())

    def source_in(self, words: Words) -> str:
        """Whose guidance this adapts, the whole chain: "Northshire County Council's
        adaptation of Northshire Safeguarding Children Partnership's guidance"."""
        # Always said after "from" or "of" (the banner, the header, the handbook, the chain).
        source = words.pgettext("after 'from' or 'of'", "%(publisher)s's guidance",
                                publisher=self.publisher)
        for organisation in reversed(self.via):
            source = words.gettext("%(organisation)s's adaptation of %(source)s",
                                   organisation=organisation, source=source)
        return source

    @property
    def label(self) -> str:
        """A few words for a running footer, as honest as the full text."""
        return self.label_in(SOURCE)

    def label_in(self, words: Words) -> str:
        return words.gettext(_LABELS[self.status])

    def _moved_on_text(self, words: Words = SOURCE) -> str:
        if not self.base_moved_on or self.signed_edition is None:
            return ""
        return " " + words.gettext(_SIGNED_WHAT[self._signed_what],
                                   edition=long_date(self.signed_edition, words),
                                   publisher=self.publisher)

    @property
    def _signed_what(self) -> str:
        if self.status is AdaptationStatus.NOTICE_PREPARED:
            return "notice"
        approvals = (AdaptationStatus.APPROVED, AdaptationStatus.CHANGED_SINCE_APPROVAL)
        return "approval" if self.status in approvals else "notification"


# Whole sentences, one per case, so that a translation can order its words as it must.
_SIGNED_WHAT = {
    "notice": N_("The notice was for the edition of %(edition)s; %(publisher)s has updated the "
                 "guidance since."),
    "approval": N_("The approval was for the edition of %(edition)s; %(publisher)s has updated "
                   "the guidance since."),
    "notification": N_("The notification was for the edition of %(edition)s; %(publisher)s has "
                       "updated the guidance since."),
}

_LABELS = {
    AdaptationStatus.NO_NOTIFICATION_NEEDED: N_("no notification needed"),
    AdaptationStatus.NOT_NOTIFIED: N_("not notified"),
    AdaptationStatus.NOTICE_PREPARED: N_("notice prepared, not confirmed as sent"),
    AdaptationStatus.NOTIFIED: N_("notified"),
    AdaptationStatus.APPROVED: N_("approved"),
    AdaptationStatus.CHANGED_SINCE_APPROVAL: N_("changed since approval"),
    AdaptationStatus.CHANGED_SINCE_NOTIFICATION: N_("changed since notification"),
}


def _by(state: AdaptationState) -> str:
    return state.sign_off.by if state.sign_off else ""


def _on(state: AdaptationState, words: Words) -> str:
    return long_date(state.sign_off.date, words) if state.sign_off else ""


_STATUS_TEXT: dict[AdaptationStatus, Callable[[AdaptationState, Words], str]] = {
    AdaptationStatus.NO_NOTIFICATION_NEEDED:
        lambda s, w: w.gettext("It makes only changes the publisher allows without notice."),
    AdaptationStatus.NOT_NOTIFIED:
        lambda s, w: w.gettext("Changes not yet notified to the author."),
    # Writing a draft proves nothing was sent: only the editor's word (notify --sent) or the
    # mail server accepting it (notify --send) turns this into "notified".
    AdaptationStatus.NOTICE_PREPARED:
        lambda s, w: w.gettext("A notice of these changes was prepared on %(on)s but has not "
                               "yet been confirmed as sent to the author.", on=_on(s, w)),
    AdaptationStatus.NOTIFIED:
        lambda s, w: w.gettext("Changes notified to the author on %(on)s, awaiting approval.",
                               on=_on(s, w)),
    AdaptationStatus.APPROVED:
        lambda s, w: w.gettext("Changes approved by %(by)s on %(on)s.", by=_by(s),
                               on=_on(s, w)),
    AdaptationStatus.CHANGED_SINCE_APPROVAL:
        lambda s, w: w.gettext("Changed since approval by %(by)s on %(on)s; the new changes "
                               "are not yet notified.", by=_by(s), on=_on(s, w)),
    AdaptationStatus.CHANGED_SINCE_NOTIFICATION:
        lambda s, w: w.gettext("Changed since the author was notified on %(on)s; the new "
                               "changes are not yet notified.", on=_on(s, w)),
}


def base_edition(pub: Publication) -> date:
    """Which edition of the base this is: when it was last updated, else published."""
    return pub.dates.last_updated or pub.dates.published


def fingerprint(changes: Iterable[Change]) -> str:
    """A short, stable hash of the changes the author must be told about.

    Only what the variant asks for counts: free changes (a new phone number) never undo an
    approval, and neither do the base's own words or counts, which move with each edition
    (a base that moved on is told by the edition instead). Order and positions do not count.
    In several languages each change's words in every language count: a change to the Welsh
    alone is a change the author has not approved. (Guidance in one language has neither, so
    its fingerprints are as they always were.)
    """
    records = sorted([c.kind, c.target, c.after, c.where if c.kind == "add" else "",
                      *([c.language] if c.language else []),
                      *(text for twin in c.twins for text in twin)]
                     for c in changes if c.needs_notice)
    data = json.dumps(records, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class AuthorPart:
    """One author's part of a chained variant's changes, and where it stands with them."""

    key: str  # BASE_AUTHOR, or the name of the variant whose text these changes alter
    author: Party
    count: int  # changes to tell this author about
    fingerprint: str
    status: AdaptationStatus
    sign_off: SignOff | None = None


def adaptation_state(variant: Variant, changes: Sequence[Change], base: Publication,
                     via: tuple[str, ...] = (),
                     authors: Sequence[tuple[str, Party]] = ()) -> AdaptationState:
    """Where the variant's changes stand with the author, against this edition of the base.

    `authors` are a chain's authors (key, party), the board's first; each has its own part,
    and the variant stands where its least advanced part stands.
    """
    if not authors:
        status, sign_off = _standing(variant.signed(ONLY_AUTHOR), changes)
        return _state(variant, changes, base, via, status, sign_off)
    parts = tuple(_part(variant, key, party, [c for c in changes if c.author == party.name])
                  for key, party in authors)
    told = [part for part in parts if part.count] or [parts[0]]
    weakest = min(told, key=lambda part: _PROGRESS[part.status])
    return replace(_state(variant, changes, base, via, weakest.status, weakest.sign_off),
                   parts=parts)


def _part(variant: Variant, key: str, author: Party, changes: Sequence[Change]) -> AuthorPart:
    status, sign_off = _standing(variant.signed(key), changes)
    return AuthorPart(key, author, sum(c.needs_notice for c in changes), fingerprint(changes),
                      status, sign_off)


def _standing(signed: SignOffs,
              changes: Sequence[Change]) -> tuple[AdaptationStatus, SignOff | None]:
    """An author's status and the record it refers to, for their part of the changes."""
    current = fingerprint(changes)
    prepared, notified, approved = signed.notice_prepared, signed.notified, signed.approved
    if not any(change.needs_notice for change in changes):
        return AdaptationStatus.NO_NOTIFICATION_NEEDED, None
    for status, record in ((AdaptationStatus.APPROVED, approved),
                           (AdaptationStatus.NOTIFIED, notified),
                           (AdaptationStatus.NOTICE_PREPARED, prepared)):
        if record and record.fingerprint == current:
            return status, record
    if approved:
        return AdaptationStatus.CHANGED_SINCE_APPROVAL, approved
    if notified:
        return AdaptationStatus.CHANGED_SINCE_NOTIFICATION, notified
    return AdaptationStatus.NOT_NOTIFIED, None


# How far along a part is, to find the one the whole variant waits for.
_PROGRESS = {AdaptationStatus.NOT_NOTIFIED: 0, AdaptationStatus.CHANGED_SINCE_APPROVAL: 0,
             AdaptationStatus.CHANGED_SINCE_NOTIFICATION: 0,
             AdaptationStatus.NOTICE_PREPARED: 1, AdaptationStatus.NOTIFIED: 2,
             AdaptationStatus.APPROVED: 3, AdaptationStatus.NO_NOTIFICATION_NEEDED: 4}


def _state(variant: Variant, changes: Sequence[Change], base: Publication, via: tuple[str, ...],
           status: AdaptationStatus, sign_off: SignOff | None) -> AdaptationState:
    edition = base_edition(base)
    signed = (sign_off.edition or sign_off.date) if sign_off else edition
    upstream = tuple(r for r in base.revisions if signed < r.date <= edition)
    return AdaptationState(status, fingerprint(changes), variant.organisation.name,
                           base.publisher.name, edition, sign_off, upstream, via)


def stale_sign_off(variant: Variant, state: AdaptationState) -> tuple[Problem, ...]:
    """A warning when the changes moved on from what the author was told or approved.

    Every page of the variant says so already; `check` and `build` say it to the editor too,
    at the record that no longer matches, with what to do. In a chain, for each author.
    """
    if state.parts:
        return tuple(problem for part in state.parts
                     for problem in _stale(variant, state.of_part(part), part.author.name))
    return _stale(variant, state, "the author")


def _stale(variant: Variant, state: AdaptationState, whom: str) -> tuple[Problem, ...]:
    stale = {AdaptationStatus.CHANGED_SINCE_APPROVAL: "approved",
             AdaptationStatus.CHANGED_SINCE_NOTIFICATION: f"notified to {whom}"}
    if state.status not in stale or state.sign_off is None:
        return ()
    where = state.sign_off.location
    to = f" {whom}" if whom != "the author" else ""
    return (Problem(where if where.file else Location(variant.file),
                    f"the changes were {stale[state.status]} on "
                    f"{long_date(state.sign_off.date)} (fingerprint "
                    f"{state.sign_off.fingerprint}), but they have changed since (fingerprint "
                    f"{state.fingerprint} now), and every page of this variant says so: run "
                    f"policygen changes {variant.name} to see them, then policygen notify "
                    f"{variant.name} to tell{to or ' the author'}", Severity.WARNING),)


def misplaced_sign_offs(variant: Variant, authors: Sequence[tuple[str, Party]]) -> tuple[
        Problem, ...]:
    """Warnings for records that count for no author: one record in a variant that now extends
    another (whose authors each have their own), or an author's key that is not in the chain."""
    keys = [key for key, _ in authors]
    return tuple(_misplaced(variant, author, record, keys)
                 for author, records in variant.sign_offs for record in records.records
                 if author not in (keys or [ONLY_AUTHOR]))


def _misplaced(variant: Variant, author: str, record: SignOff, keys: list[str]) -> Problem:
    where = record.location if record.location.file else Location(variant.file)
    if not keys:
        why = (f"'{author}': this variant adapts the base guidance itself, so its record is "
               "not kept under an author's name")
    elif author == ONLY_AUTHOR:
        why = ("this variant extends another, so each author's notices and approvals are kept "
               f"under their own name ({', '.join(keys)}), and this one record is for none of "
               "them")
    else:
        why = (f"'{author}' is not one of the authors this variant's changes go to "
               f"({', '.join(keys)})")
    return Problem(where, f"{why}: it counts for nothing, and the pages say the changes are "
                   f"not notified; run policygen notify {variant.name} to tell the authors "
                   "again", Severity.WARNING)
