"""The ledger of a variant: its change records, their fingerprint, where they stand with the
author (not notified, notice prepared, notified, approved, changed since), and the change report."""

from __future__ import annotations

import difflib
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType
from typing import Any

from policygen.errors import Location, Problem, Severity, suggest
from policygen.model import (
    BASE_AUTHOR,
    CHANGE_KINDS,
    PERMISSIONS,
    Adaptation,
    AdaptationRule,
    Change,
    LocalSection,
    Party,
    Publication,
)
from policygen.source.yamlsrc import SourceFile
from policygen.variants.signoff import (
    with_sign_off as with_sign_off,  # where notify and approve write
)
from policygen.variants.standing import AdaptationState, AdaptationStatus, AuthorPart
from policygen.variants.variant import Variant
from policygen.words import SOURCE, long_date

# Kinds of change that take something away or alter it; a protected id refuses them.
_PROTECTABLE = ("reword", "remove", "move", "rename", "sections")
_VERBS = {"terminology": "changing the term", "branding": "changing the branding",
          "contacts": "changing the contact", "dates": "changing the date", "reword": "rewording",
          "add": "adding", "remove": "removing", "move": "moving", "rename": "renaming"}


_PLACE = re.compile(r"[a-z0-9-]+(?:/[a-z0-9_-]+)+")


def _no_entries() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Ledger:
    """The change records made so far while applying one variant, and the problems found.

    Frozen: each step of applying a variant returns a new ledger (`with_change`, `with_problem`,
    `with_gone`, `with_emptied`), so no step can change a record another step already holds.
    """

    rules: Mapping[str, AdaptationRule]  # kind of change → the publisher's rule covering it
    protected: tuple[str, ...]  # ids the publisher protects (adaptation: protected)
    protected_by: Mapping[str, tuple[str, str]]  # id → (organisation, file) up a chain
    source: SourceFile  # the variant's file, for the line each problem shows
    changes: tuple[Change, ...] = ()
    problems: tuple[Problem, ...] = ()
    gone: Mapping[str, str] = field(default_factory=_no_entries)  # ids removed/excluded → why
    # A list → the last edit taking an item out of it, to report a list left empty.
    emptied_by: Mapping[str, Location] = field(default_factory=_no_entries)
    # Items the base removed since the edition the variant was signed off for → that edition:
    # a change to one is drift (a warning, the change left out), not a mistake in the file.
    base_removed: Mapping[str, str] = field(default_factory=_no_entries)

    @classmethod
    def start(cls, base: Publication, variant: Variant,
              base_removed: Mapping[str, str] | None = None) -> Ledger:
        """An empty ledger under the base's rules, holding the warnings from reading the variant."""
        rules = {kind: rule for rule in base.adaptation.rules for kind in rule.changes}
        protected_by = {ident: (who, file) for ident, who, file in base.adaptation.protected_by}
        return cls(MappingProxyType(rules), base.adaptation.protected,
                   MappingProxyType(protected_by), variant.source, problems=variant.warnings,
                   base_removed=MappingProxyType(dict(base_removed or {})))

    def with_problem(self, where: Location, message: str,
                     severity: Severity = Severity.ERROR) -> Ledger:
        problem = Problem(where, message, severity, self.source.line(where.line))
        return replace(self, problems=(*self.problems, problem))

    def with_problems(self, problems: Iterable[Problem]) -> Ledger:
        return replace(self, problems=(*self.problems, *problems))

    def with_change(self, kind: str, target: str, before: str, after: str, where: Location,
                    place: str = "", count: int = 0,
                    placement: tuple[str, str, str] | tuple[()] = ()) -> Ledger:
        """The change kept under the rule for its kind, or reported when the rules refuse it."""
        rule = self.rules.get(kind)
        # No rule for a kind: the author's general rule is that changes are notified.
        change = Change(kind, target, before, after, rule.id if rule else "",
                        rule.permission if rule else "notify", where, place, count,
                        placement=placement)
        refusal = self.refusal(change)
        if refusal:
            return self.with_problem(where, refusal)
        return replace(self, changes=(*self.changes, change))

    def with_gone(self, ident: str, why: str) -> Ledger:
        """An id this variant took away, and why: naming it later says so."""
        return replace(self, gone=MappingProxyType({**self.gone, ident: why}))

    def with_emptied(self, lists: Iterable[str], where: Location) -> Ledger:
        """Lists an edit took an item out of; a list left empty is reported at the last one."""
        emptied = {**self.emptied_by, **dict.fromkeys(lists, where)}
        return replace(self, emptied_by=MappingProxyType(emptied))

    def refusal(self, change: Change) -> str:
        verb = _VERBS.get(change.kind) or ("adding the section" if change.after else "excluding")
        if change.permission == "forbidden":
            rule = self.rules.get(change.kind)
            whose = f"{rule.owner}'s" if rule and rule.owner else "the publisher's"
            return (f"{verb} '{change.target}' is not allowed: {whose} adaptation rule "
                    f"'{change.rule}' forbids {change.kind} changes")
        # A shared consequence sits in several topics: each place it sits counts too.
        places = [change.target, *_PLACE.findall(change.where)]
        protected = next((p for p in self.protected for place in places
                          if place == p or place.startswith(p + "/")), None)
        if protected and change.kind in _PROTECTABLE:
            who, file = self.protected_by.get(protected, ("the publisher",
                                                          "content/publication.yaml"))
            return (f"{verb} '{change.target}' is not allowed: {who} protects "
                    f"'{protected}' (adaptation: protected, in {file}); a "
                    "local copy may add to it but not remove or change what is there")
        return ""


def missing(ledger: Ledger, target: str, where: Location, known: Iterable[str],
            what: str = "item", advice: str = "") -> Ledger:
    """Report an id that is not there: why (this variant took it away), or the nearest ids."""
    if what == "item" and target in ledger.base_removed:
        return ledger.with_problem(where, (
            f"the base guidance has removed '{target}' since the edition of "
            f"{ledger.base_removed[target]} that your change to it was made against, so the "
            "change is left out: take it out of your file (policygen rebase shows both "
            "editions and does it for you)"), Severity.WARNING)
    reason = ledger.gone.get(target) or ledger.gone.get(target.split("/")[0])
    if reason:
        return ledger.with_problem(where, f"the {what} '{target}' is no longer there: {reason}")
    return ledger.with_problem(where, f"there is no {what} '{target}' in the base guidance"
                               f"{nearest(target, sorted(known))}{advice}")


def nearest(target: str, known: list[str]) -> str:
    """The closest ids as a hint; within one topic or list, compared by their own part only."""
    prefix, _, short = target.rpartition("/")
    siblings = [k for k in known if k.rpartition("/")[0] == prefix] if prefix else []
    if not siblings:
        return suggest(target, known)
    close = difflib.get_close_matches(short, [s.rpartition("/")[2] for s in siblings], 3, 0.6)
    if close:
        return " (did you mean " + " or ".join(f"'{prefix}/{c}'" for c in close) + "?)"
    shown = ", ".join(siblings[:12]) + (", …" if len(siblings) > 12 else "")
    return f"; the ids in '{prefix}' are: {shown}"


def variant_next_review(variant: Variant, pub: Publication) -> date:
    """The variant's own next review, or the base's; the earlier when both are set."""
    mine = variant.dates.next_review
    return min(mine, pub.dates.next_review) if mine else pub.dates.next_review


@dataclass(frozen=True, slots=True)
class AdaptedPublication:
    """The base with a variant laid over it, and the ledger of what the variant changed.

    An excluded section stays in `publication` with its content emptied, so that nothing in
    it is rendered or linked by accident; renderers skip the pages in `excluded_sections` and
    add a page for each of `local_sections`.
    """

    publication: Publication
    base: Publication
    variant: Variant
    changes: tuple[Change, ...]
    state: AdaptationState
    local_sections: tuple[LocalSection, ...] = ()
    excluded_sections: tuple[str, ...] = ()
    warnings: tuple[Problem, ...] = ()
    upstream: tuple[Upstream, ...] = ()  # the variants this one adapts, nearest first
    # What the base changed under it since the edition it was signed off for (drift.py):
    # items of its own, and items it takes over as the new edition says them.
    drifted: tuple[int, int] = (0, 0)
    # Of guidance in several languages: the variant over each other language's guidance (its
    # changes in that language; its standing the same as this one's); () in one language.
    twins: tuple[AdaptedPublication, ...] = ()

    def in_language(self, language: str) -> AdaptedPublication:
        """The variant over the guidance in one of its languages (itself in the main one)."""
        return next((twin for twin in self.twins if twin.publication.language == language),
                    self)

    def authors(self) -> tuple[tuple[Party, int], ...]:
        """Each author to tell about changes, with how many of them are theirs (in a chain, a
        change to the council's text goes to the council, one to the board's to the board)."""
        return tuple((part.author, part.count) for part in self.state.parts if part.count)

    def for_author(self, part: AuthorPart) -> AdaptedPublication:
        """Only the changes one author of a chain is told about, standing as that part stands."""
        mine = tuple(c for c in self.changes if c.needs_notice and c.author == part.author.name)
        return replace(self, changes=mine, state=self.state.of_part(part))

    @property
    def root_author(self) -> Party:
        """The author of the guidance at the start of the chain (the board's)."""
        return self.upstream[-1].root_author if self.upstream else self.base.author


@dataclass(frozen=True, slots=True)
class Upstream:
    """A variant that a variant adapts, as its children need it: who it is, whom to tell,
    and which parts of the text it wrote (a change to those goes to it)."""

    name: str
    organisation: str
    author: Party
    owns: frozenset[str]
    root_author: Party  # the board's author, at the top of the chain
    # Of guidance in several languages: its organisation's name in each other language.
    names: tuple[tuple[str, str], ...] = ()
    # ... and the board's author's name in each other language.
    root_names: tuple[tuple[str, str], ...] = ()

    def organisation_in(self, language: str) -> str:
        return dict(self.names).get(language, self.organisation)

    def root_author_in(self, language: str) -> str:
        return dict(self.root_names).get(language, self.root_author.name)


_GROUPS = (("notify", "Changes the author must be told about"),
           ("free", "Changes you may make freely"))
_WIDTH = 92


def format_change_report(adapted: AdaptedPublication) -> str:
    """The report of `policygen changes NAME`: every change, grouped by permission and rule."""
    lines = report_head(adapted)
    rules = {rule.id: rule for rule in adapted.base.adaptation.rules}
    for permission, title in _GROUPS:
        group = [change for change in adapted.changes if change.permission == permission]
        if group:
            lines += ["", f"{title} ({len(group)}):"]
        for rule_id in dict.fromkeys(change.rule for change in group):
            lines += ["", _rule_heading(rule_id, rules.get(rule_id))]
            ordered = sorted((c for c in group if c.rule == rule_id),
                             key=lambda c: CHANGE_KINDS.index(c.kind))
            lines += [line for change in ordered for line in describe_change(change)]
    return "\n".join(lines + authors_lines(adapted) + upstream_lines(adapted.state)) + "\n"


def authors_lines(adapted: AdaptedPublication) -> list[str]:
    """In a chain, whom each change goes to: whoever wrote the text it changes."""
    if not adapted.upstream or not adapted.authors():
        return []
    lines = ["", "Whom to tell (each change goes to whoever wrote the text it changes):"]
    for party, count in adapted.authors():
        targets = [c.target for c in adapted.changes
                   if c.needs_notice and (c.author or adapted.root_author.name) == party.name]
        contact = f" <{party.email}>" if party.email else ""
        lines += textwrap.wrap(f"{party.name}{contact}, {count} change{'s' * (count != 1)}: "
                               + ", ".join(targets), _WIDTH, initial_indent="  ",
                               subsequent_indent="    ")
    return lines


def _rule_heading(rule_id: str, rule: AdaptationRule | None) -> str:
    if rule is None:
        return "  No rule covers these kinds of change; they need notifying."
    explanation = " ".join(rule.explanation.split())
    return f"  Rule '{rule_id}'" + (f": {explanation}" if explanation else "")


def report_head(adapted: AdaptedPublication) -> list[str]:
    state, base = adapted.state, adapted.base
    to_notify = sum(change.needs_notice for change in adapted.changes)
    source = f"as {state.source_in(SOURCE)}" if state.via else f"by {state.publisher}"
    return [f"Changes made by {state.organisation} ({adapted.variant.file})",
            f"to \"{base.title}\" {source}, edition {long_date(state.edition)}",
            "", state.text,
            f"Fingerprint of the {to_notify} changes to notify: {state.fingerprint}"
            if to_notify else "No change needs notifying."]


def describe_change(change: Change) -> list[str]:
    """A change as the report lists it: one line, then any text it adds or takes away, and
    its words in each other language of guidance in several."""
    return _described(change) + [line for language, text in change.twins
                                 if text != change.after
                                 for line in _quoted(language, text)]


def _described(change: Change) -> list[str]:
    language = f" ({change.language})" if change.language else ""
    head = f"    {change.kind:<12} {change.target}{language}"
    line = f" (line {change.location.line})" if change.location.line else ""
    links = _links_note(change.count) if change.kind in ("sections", "remove") else ""
    if change.kind == "terminology":
        times = f", {change.count} times ({change.where})" if change.count else ""
        return [f"{head}: \"{change.before}\" → \"{change.after}\"{times}{line}"]
    if change.kind == "reword":
        return [f"{head}: reworded{line}"] + _quoted("before", change.before) \
            + _quoted("after", change.after)
    if change.kind == "add":
        return [f"{head}: added at {change.where}{line}"] + _quoted("text", change.after)
    if change.kind == "remove":
        return [f"{head}: removed{links}{line}"] + _quoted("was", change.before)
    if change.kind == "move":
        return [f"{head}: moved from {change.before} to {change.after}{line}"]
    if change.kind == "sections":
        done = f"added \"{change.after}\"" if change.after else f"excluded{links}"
        return [f"{head}: {done}{line}"]
    before = f"\"{change.before}\" → " if change.before else ""
    return [f"{head}: {before}\"{change.after}\"{line}"]


def _links_note(count: int) -> str:
    if not count:
        return ""
    return f"; {count} link{'s' if count > 1 else ''} to it now plain text"


def _quoted(label: str, text: str) -> list[str]:
    return textwrap.wrap(" ".join(text.split()), _WIDTH,
                         initial_indent=f"{'':17}{label + ':':<8}", subsequent_indent=" " * 25)


def upstream_lines(state: AdaptationState) -> list[str]:
    """What the base changed since the edition the variant was notified or approved against."""
    if not state.base_moved_on or state.signed_edition is None:
        return []
    what = ("the notice was prepared for" if state.status is AdaptationStatus.NOTICE_PREPARED
            else "these changes were sent for")
    lines = ["", f"The base guidance has been updated since the edition of "
             f"{long_date(state.signed_edition)} that {what}:"]
    for revision in state.upstream:
        summary = " ".join(revision.summary.split())
        lines += textwrap.wrap(f"{revision.date.isoformat()}, version {revision.version}: "
                               f"{summary}", _WIDTH, initial_indent="  ",
                               subsequent_indent="    ")
    return lines + ([] if state.upstream else ["  (the base records no revision notes for it)"])


def loosened_rules(base: Adaptation, own: Adaptation) -> list[tuple[AdaptationRule, str, str]]:
    """(rule, kind, base permission) for each kind a variant's rules would let its children
    change more freely than the base lets the variant itself."""
    strictness = {permission: rank for rank, permission in enumerate(PERMISSIONS)}
    allowed = {kind: rule.permission for rule in base.rules for kind in rule.changes}
    return [(rule, kind, allowed.get(kind, "notify")) for rule in own.rules
            for kind in rule.changes
            if strictness.get(rule.permission, 0) < strictness[allowed.get(kind, "notify")]]


def chain_authors(upstream: Sequence[Upstream]) -> tuple[tuple[str, Party], ...]:
    """A chain's authors as (key, party), the board's first, then each variant up the chain
    from the farthest; none for a variant of the base guidance, which has one author."""
    if not upstream:
        return ()
    return ((BASE_AUTHOR, upstream[0].root_author),
            *((up.name, up.author) for up in reversed(upstream)))


def route(changes: tuple[Change, ...], upstream: tuple[Upstream, ...],
          root: Party) -> tuple[Change, ...]:
    """Each change addressed to the author of the text it changes: the nearest variant up the
    chain that wrote that item, topic or section, else the board."""
    def author(change: Change) -> str:
        places = (change.target, change.target.split("/")[0])
        return next((up.author.name for up in upstream for place in places if place in up.owns),
                    root.name)
    return tuple(replace(change, author=author(change)) for change in changes)
