"""Drift: what the base guidance changed under a variant since the edition its changes were
notified or approved against.

Two things are compared. The fingerprints pinned in the variant's record (each item the
variant rewords, removes or moves, as the base worded it then) against the base now: a
mismatch means the base reworded that item under the variant's change. And, where the board
recorded that edition (`policygen edition`, content/editions/), every item of the base then
against the base now: what staff of the organisation now read that nobody there chose
("taken over from the new edition"). Each item is reported once, with both texts.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from policygen.errors import Location, Problem, Severity
from policygen.model import Item, Publication
from policygen.variants.editions import (
    ItemPlace,
    item_places,
    places_in,
    read_record,
    recorded_editions,
)
from policygen.variants.ledger import AdaptedPublication
from policygen.variants.variant import Variant
from policygen.words import language_name, long_date


@dataclass(frozen=True, slots=True)
class Drift:
    """One item the base changed since the edition a variant was signed off against."""

    id: str
    kind: str  # reworded, removed, moved or added
    mine: bool  # the variant changes this item itself (else it takes the base's as it is)
    before: str = ""  # the base's text then (empty when it is not on record, or added)
    after: str = ""  # the base's text now (empty when removed)
    variant_text: str = ""  # what the variant says instead, for an item it rewords
    place_before: str = ""  # list, after which item, then (moves)
    place_after: str = ""
    # Where the words changed in one of the other languages only (cy): the texts are in it.
    language: str = ""

    @property
    def word_diff(self) -> str:
        return word_diff(self.before, self.after)


def item_fingerprint(item: Item | ItemPlace) -> str:
    """A short hash of an item's words (text and poster wording), as a record pins it."""
    data = f"{' '.join(item.text.split())}\n{' '.join(item.poster.split())}"
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def touched_items(variant: Variant) -> tuple[str, ...]:
    """The ids of the base's items that the variant rewords, removes or moves."""
    edits = variant.items
    ids = [e.target for e in edits.reword + edits.remove] + [p.id for p in edits.move]
    return tuple(dict.fromkeys(ident for ident in ids if "/" in ident))


def pins(variant: Variant, base: Publication) -> tuple[tuple[str, str], ...]:
    """(id, fingerprint) of each base item the variant changes, as the base words it now."""
    places = item_places(base)
    return tuple((ident, item_fingerprint(places[ident])) for ident in touched_items(variant)
                 if ident in places)


def find_drift(variant: Variant, pinned: Mapping[str, str], now: Publication,
               then: Mapping[str, ItemPlace] | None, board_now: Publication | None = None,
               theirs: frozenset[str] = frozenset()) -> tuple[Drift, ...]:
    """Every item the base changed since the signed edition: the variant's own first (by pin,
    and by the edition's record where there is one), then what it takes over as it is.

    `now` is the text the variant is laid over; in a chain that is another copy, so the
    board's edition is compared with the board's guidance now (`board_now`), leaving out the
    items the copies up the chain wrote or changed (`theirs`), which are theirs to tell.
    """
    current = item_places(now)
    rewords = {edit.target: edit.value for edit in variant.items.reword}
    touched = touched_items(variant)
    found: dict[str, Drift] = {}
    for ident in touched:
        drift = _own_drift(ident, pinned.get(ident), current.get(ident),
                           _then(then, ident, pinned.get(ident)), rewords.get(ident, ""))
        if drift:
            found[ident] = drift
    if then is not None:
        board = item_places(board_now) if board_now is not None else current
        for drift in _edition_drift(then, board):
            # An item a copy up the chain took away is not read here, whatever the board did.
            gone = drift.kind != "removed" and drift.id not in current
            if drift.id not in theirs and drift.id not in found and not gone:
                found[drift.id] = drift
        for drift in _twin_drift(variant, now, then, board_now, touched):
            if drift.id not in theirs and drift.id not in found and drift.id in current:
                found[drift.id] = drift
    return tuple(found.values())


def _twin_drift(variant: Variant, now: Publication, then: Mapping[str, ItemPlace],
                board_now: Publication | None, touched: tuple[str, ...]) -> Iterable[Drift]:
    """Items the base reworded in another language only (the Welsh, not the English): the
    variant's own Welsh words may no longer fit, and its Welsh readers read the new ones."""
    board = board_now if board_now is not None else now
    for twin in now.twins:
        recorded = places_in(then, twin.language, now.language)
        if recorded is None:
            continue  # the edition's Welsh words are not on record
        rewords = {edit.target: edit.value
                   for edit in variant.in_language(twin.language).items.reword}
        # The places are the same in every language: only a rewording is this language's.
        for drift in _edition_drift(recorded, item_places(board.in_language(twin.language))):
            if drift.kind == "reworded":
                yield replace(drift, mine=drift.id in touched,
                              variant_text=rewords.get(drift.id, ""), language=twin.language)


def _then(then: Mapping[str, ItemPlace] | None, ident: str, pin: str | None) -> ItemPlace | None:
    """The item as the signed edition worded it, where that is the text the variant's change
    was made against (a pin that disagrees means the variant saw other words)."""
    item = then.get(ident) if then else None
    return item if item and (pin is None or pin == item_fingerprint(item)) else None


def _own_drift(ident: str, pin: str | None, now: ItemPlace | None, then: ItemPlace | None,
               variant_text: str) -> Drift | None:
    if now is None:
        return Drift(ident, "removed", True, then.text if then else "", "", variant_text) \
            if pin or then else None
    reworded = (pin is not None and pin != item_fingerprint(now)) or (
        then is not None and item_fingerprint(then) != item_fingerprint(now))
    if reworded:
        return Drift(ident, "reworded", True, then.text if then else "", now.text, variant_text)
    if then is not None and (then.list, then.after) != (now.list, now.after):
        return Drift(ident, "moved", True, then.text, now.text, variant_text, _place(then),
                     _place(now))
    return None


def _edition_drift(then: Mapping[str, ItemPlace],
                   now: Mapping[str, ItemPlace]) -> Iterable[Drift]:
    for ident, old in then.items():
        new = now.get(ident)
        if new is None:
            yield Drift(ident, "removed", False, old.text, "", "", _place(old))
        elif item_fingerprint(old) != item_fingerprint(new):
            yield Drift(ident, "reworded", False, old.text, new.text, "", _place(old),
                        _place(new))
        elif old.list != new.list:  # a neighbour's move alone is not this item's
            yield Drift(ident, "moved", False, old.text, new.text, "", _place(old), _place(new))
    for ident, new in now.items():
        if ident not in then:
            yield Drift(ident, "added", False, "", new.text, "", "", _place(new))


def _place(item: ItemPlace) -> str:
    return f"{item.list}, after {item.after}" if item.after else f"{item.list}, first"


# Words, and runs of punctuation on their own: "polite," against "polite, factual" is one
# word added, not a word changed.
_TOKEN = re.compile(r"(\s*)(\w+(?:['’]\w+)*|[^\w\s]+)")


def word_diff(before: str, after: str) -> str:
    """The two texts as one, word by word: [-taken out-] and {+put in+}."""
    marks = {"delete": ("[-", "-]"), "insert": ("{+", "+}")}
    out = []
    for op, text in word_diff_parts(before, after):
        start, end = marks.get(op, ("", ""))
        lead = " " if text.startswith(" ") else ""
        out.append(f"{lead}{start}{text.lstrip()}{end}" if start else text)
    return "".join(out).strip()


def word_diff_parts(before: str, after: str) -> list[tuple[str, str]]:
    """The word diff as (equal | delete | insert, text) runs, each with its leading space."""
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    parts: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, [t for _, t in old], [t for _, t in new],
                                      autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(("equal", _joined(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("delete", _joined(old[i1:i2])))
        if j2 > j1:
            inserted = _joined(new[j1:j2])
            parts.append(("insert", " " + inserted.lstrip() if i2 > i1 else inserted))
    return parts


def _joined(tokens: list[tuple[str, str]]) -> str:
    return "".join((" " if space else "") + text for space, text in tokens)


@dataclass(frozen=True, slots=True)
class DriftReport:
    """What the base changed under a variant since the edition its record was made against."""

    since: date | None  # that edition; None when nothing was ever notified or approved
    recorded: bool  # whether the board recorded that edition (so its old words are known)
    items: tuple[Drift, ...] = ()

    @property
    def own(self) -> tuple[Drift, ...]:
        return tuple(drift for drift in self.items if drift.mine)

    @property
    def taken_over(self) -> tuple[Drift, ...]:
        return tuple(drift for drift in self.items if not drift.mine)


def pinned_of(variant: Variant) -> dict[str, str]:
    """The pins of the variant's records, the latest record's where two differ."""
    records = sorted(variant.records, key=lambda r: r.date)
    if variant.rebased:  # the editor's last look at the base, after every record
        records.append(variant.rebased)
    return {ident: pin for record in records for ident, pin in record.pins}


def drift_warnings(variant: Variant, report: DriftReport) -> tuple[Problem, ...]:
    """One warning for each item of the variant's own the base changed, at the variant's line,
    and one for everything it takes over from the new edition."""
    if report.since is None:
        return ()
    since = long_date(report.since)
    lines = {e.target: e.location for e in variant.items.reword + variant.items.remove}
    lines.update({p.id: p.location for p in variant.items.move})
    problems = [Problem(lines.get(d.id, Location(variant.file)),
                        f"the base guidance has {_DONE[d.kind]} '{d.id}'{_in(d)} since the "
                        "edition of "
                        f"{since} that your change to it was made against: check that your "
                        f"change still fits (policygen changes {variant.name} shows both texts)",
                        Severity.WARNING, variant.source.line(lines[d.id].line)
                        if d.id in lines else "")
                for d in report.own if d.kind != "removed"]  # said where it is left out
    if report.taken_over:
        ids = ", ".join(d.id for d in report.taken_over[:6]) + (
            ", …" if len(report.taken_over) > 6 else "")
        problems.append(Problem(Location(variant.file), (
            f"the base guidance changed {len(report.taken_over)} item"
            f"{'s' * (len(report.taken_over) != 1)} you did not change since the edition of "
            f"{since} ({ids}): your copy now says what the new edition says; policygen changes "
            f"{variant.name} lists them"), Severity.WARNING))
    return tuple(problems)


_DONE = {"reworded": "reworded", "removed": "removed", "moved": "moved", "added": "added"}


def _in(drift: Drift) -> str:
    """' in Welsh', for a change to the words of one other language only."""
    return f" in {language_name(drift.language)}" if drift.language else ""


def format_drift(report: DriftReport, width: int = 92) -> list[str]:
    """The part of `policygen changes NAME` that says what the base changed underneath."""
    if report.since is None or not report.items:
        return []
    lines = ["", f"The base guidance changed since the edition of {long_date(report.since)} "
             "that your changes were made against:"]
    if not report.recorded:
        lines += textwrap.wrap("(the words of that edition are not on record here, so only "
                               "the items you changed are checked, and their earlier wording "
                               "cannot be shown)", width, initial_indent="  ",
                               subsequent_indent="  ")
    for title, group in (("Items you changed", report.own),
                         ("Taken over from the new edition (your staff now read these)",
                          report.taken_over)):
        if group:
            lines += ["", f"  {title} ({len(group)}):"]
            lines += [line for drift in group for line in drift_lines(drift, width)]
    return lines


def drift_lines(drift: Drift, width: int = 92) -> list[str]:
    lines = [f"    {drift.kind:<12} {drift.id}{_in(drift)}"]
    if drift.kind == "moved":
        lines[0] += f": from {drift.place_before} to {drift.place_after}"
    elif drift.kind == "added":
        lines[0] += f" at {drift.place_after}"
    texts = [("then", drift.before), ("now", drift.after), ("yours", drift.variant_text)]
    if drift.kind == "reworded" and drift.before:
        texts.append(("words", drift.word_diff))
    for label, text in texts:
        if text and not (drift.kind == "moved" and label == "now"):
            lines += textwrap.wrap(" ".join(text.split()), width, initial_indent=f"{'':17}"
                                   f"{label + ':':<8}", subsequent_indent=" " * 25)
    return lines


def drift_of(project: Path, adapted: AdaptedPublication,
             board: Publication | None = None) -> DriftReport:
    """The drift of a variant against the edition its latest record was made against, by its
    pins and by the board's record of that edition, where there is one. `board` is the
    board's guidance now, for a variant in a chain (whose own base is another copy)."""
    since = adapted.state.signed_edition
    rebased = adapted.variant.rebased
    if rebased is not None and rebased.edition and (since is None or rebased.edition > since):
        since = rebased.edition
    if since is None:
        return DriftReport(None, False)
    then = read_record(project, since)
    theirs = frozenset(ident for up in adapted.upstream for ident in up.owns)
    found = find_drift(adapted.variant, pinned_of(adapted.variant), adapted.base, then,
                       board if adapted.upstream else None, theirs)
    return DriftReport(since, then is not None, found)


@dataclass(frozen=True, slots=True)
class EditionChanges:
    """What this edition of the base changed from the one before it, item by item."""

    previous: date  # the edition it replaces
    edition: date
    language: str  # the language of the texts (the publication's main one)
    items: tuple[Drift, ...]
    # The same changes in each other language whose words both editions have: the Welsh
    # pages say in Welsh what changed (a change to the Welsh words alone is one there).
    twins: tuple[EditionChanges, ...] = ()

    def of_kind(self, kind: str) -> tuple[Drift, ...]:
        return tuple(drift for drift in self.items if drift.kind == kind)

    def in_language(self, language: str) -> EditionChanges | None:
        """The changes in one of the languages; None where its words are not on record."""
        if language == self.language:
            return self
        return next((twin for twin in self.twins if twin.language == language), None)


def edition_changes(project: Path, pub: Publication) -> EditionChanges | None:
    """The changes from the latest recorded edition before this one; None without one."""
    edition = pub.dates.last_updated or pub.dates.published
    earlier = [day for day in recorded_editions(project) if day < edition]
    then = read_record(project, earlier[-1]) if earlier else None
    if then is None:
        return None
    return _changes(then, pub, earlier[-1], edition)


def between(then: Publication, now: Publication, previous: date,
            edition: date) -> EditionChanges:
    """The changes from one publication to another (a local copy's edition then and now)."""
    return _changes(item_places(then), now, previous, edition)


def _changes(then: Mapping[str, ItemPlace], now: Publication, previous: date,
             edition: date) -> EditionChanges:
    twins = []
    for twin in now.twins:
        recorded = places_in(then, twin.language, now.language)
        if recorded is not None:
            twins.append(EditionChanges(previous, edition, twin.language, tuple(
                _edition_drift(recorded, item_places(twin)))))
    return EditionChanges(previous, edition, now.language,
                          tuple(_edition_drift(then, item_places(now))), tuple(twins))


def signed_edition(variant: Variant) -> date | None:
    """The latest base edition any of the variant's records (or its rebase) was made for."""
    days = [r.edition or r.date for r in variant.records]
    if variant.rebased and variant.rebased.edition:
        days.append(variant.rebased.edition)
    return max(days) if days else None


def removed_since(project: Path, variant: Variant, board: Publication) -> dict[str, str]:
    """Items of the board's edition the variant was signed off for that its guidance no longer
    has (id → that edition, in words): a variant's change to one is drift, not a mistake."""
    since = signed_edition(variant)
    then = read_record(project, since) if since else None
    if since is None or not then:
        return {}
    now = item_places(board)
    return {ident: long_date(since) for ident in then if ident not in now}
