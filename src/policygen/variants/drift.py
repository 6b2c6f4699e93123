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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from policygen.model import Item, Publication
from policygen.variants.editions import ItemPlace, item_places
from policygen.variants.variant import Variant


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
               then: Mapping[str, ItemPlace] | None) -> tuple[Drift, ...]:
    """Every item the base changed since the signed edition: the variant's own first (by pin,
    and by the edition's record where there is one), then what it takes over as it is."""
    current = item_places(now)
    rewords = {edit.target: edit.value for edit in variant.items.reword}
    touched = touched_items(variant)
    found: dict[str, Drift] = {}
    for ident in touched:
        drift = _own_drift(ident, pinned.get(ident), current.get(ident),
                           then.get(ident) if then else None, rewords.get(ident, ""))
        if drift:
            found[ident] = drift
    if then is not None:
        for drift in _edition_drift(then, current):
            found.setdefault(drift.id, drift)
    return tuple(found.values())


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
            yield Drift(ident, "removed", False, old.text)
        elif item_fingerprint(old) != item_fingerprint(new):
            yield Drift(ident, "reworded", False, old.text, new.text)
        elif old.list != new.list:  # a neighbour's move alone is not this item's
            yield Drift(ident, "moved", False, old.text, new.text, "", _place(old), _place(new))
    for ident, new in now.items():
        if ident not in then:
            yield Drift(ident, "added", False, "", new.text, "", "", _place(new))


def _place(item: ItemPlace) -> str:
    return f"{item.list}, after {item.after}" if item.after else f"{item.list}, first"


_WORD = re.compile(r"\S+")


def word_diff(before: str, after: str) -> str:
    """The two texts as one, word by word: [-taken out-] and {+put in+}."""
    old, new = _WORD.findall(before), _WORD.findall(after)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            out += old[i1:i2]
            continue
        if i2 > i1:
            out.append("[-" + " ".join(old[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + " ".join(new[j1:j2]) + "+}")
    return " ".join(out)


def signed_edition_of(variant: Variant) -> date | None:
    """The base edition the variant's latest record was made against, if any."""
    records = [r for _, signed in variant.sign_offs
               for r in (signed.approved, signed.notified, signed.notice_prepared) if r]
    editions = [r.edition or r.date for r in records]
    return max(editions) if editions else None
