"""Words that look like a variant's term but were not replaced, reported so the editor can decide.

"child or young person" beside `children and young people: pupils`: "or" offers a choice where
"and" names one group, so the swap may change who a rule covers, and it is left to the editor.
So are the parts in the other order, other words between them, a typo in one word of a phrase,
and the other number of a term whose replacement has none ("worker" beside `workers: staff`).
Only prose left as it was is searched: text a term was replaced in cannot be a near-miss.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from policygen.model import Edit
from policygen.variants.terminology import JOINER, TermForm, split_parts

_OR = r"(?:\s*,)?\s+(?:and/or|or|nor)\s+"
_WORDS_BETWEEN = r"(?:[^\W\d_][\w'\u2019-]*\s+){1,2}"
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
_JOINED = re.compile(r"[\s,/&]*")
_PLACES_SHOWN = 3
# Finds kept across the variants of one process: (patterns' key, prose) -> (slot, phrase)s.
_FOUND: dict[tuple[int, str], tuple[tuple[int, str], ...]] = {}
_FOUND_LIMIT = 200_000
_SIGNATURES: dict[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]], int] = {}


@dataclass(slots=True)
class Sighting:
    """One phrase that looks like a term, and each place it was seen."""

    entry: Edit
    phrase: str
    places: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        return (f"'{self.phrase}' ({self.where}) looks like the term '{self.entry.target}' but "
                "was not replaced; add it to terminology if it should be")

    @property
    def where(self) -> str:
        if len(self.places) == 1:
            return self.places[0]
        distinct = list(dict.fromkeys(self.places))
        shown = ", ".join(distinct[:_PLACES_SHOWN])
        more = len(distinct) - _PLACES_SHOWN
        return f"{len(self.places)} times: {shown}" + (f" and {more} more" if more > 0 else "")


class NearMisses:
    """Looks through prose left unreplaced for phrases close to the terms, grouped by phrase."""

    def __init__(self, forms: Sequence[TermForm], missing: Sequence[TermForm] = ()) -> None:
        entries = list(dict.fromkeys(form.entry for form in forms))
        self.patterns = [(entry, re.compile(_shape_pattern(forms, entry))) for entry in entries
                         if len(split_parts(entry.target)) > 1]
        self.patterns += [(form.entry, re.compile(form.pattern)) for form in missing]
        self.phrases = [(form.entry, tuple(_WORD.findall(form.term.casefold())))
                        for form in forms if len(_WORD.findall(form.term)) > 1]
        self.seen: dict[str, Sighting] = {}
        # What the finds depend on: two variants with the same terms share their finds in the
        # base prose (each is a slot, a pattern or phrase in order, and the phrase found).
        self.entries = [entry for entry, _ in self.patterns] + [e for e, _ in self.phrases]
        self.key = _SIGNATURES.setdefault((tuple(p.pattern for _, p in self.patterns),
                                           tuple(phrase for _, phrase in self.phrases)),
                                          len(_SIGNATURES))

    def __call__(self, prose: str, place: str) -> None:
        # A phrase close to two terms ("children, young people" and "children and young
        # people" both listed) is reported once, under the first; each place counted once.
        finds = self.finds(prose)
        found = {_key(phrase): (self.entries[slot], phrase) for slot, phrase in reversed(finds)}
        for key, (entry, phrase) in found.items():
            self.seen.setdefault(key, Sighting(entry, phrase)).places.append(place)

    def finds(self, prose: str) -> tuple[tuple[int, str], ...]:
        """The phrases close to a term in the prose, (slot, phrase) each; kept across variants."""
        finds = _FOUND.get((self.key, prose))
        if finds is None:
            finds = tuple(self._find(prose))
            if len(_FOUND) >= _FOUND_LIMIT:
                _FOUND.clear()
            _FOUND[(self.key, prose)] = finds
        return finds

    def _find(self, prose: str) -> Iterator[tuple[int, str]]:
        for slot, (_, pattern) in enumerate(self.patterns):
            for match in pattern.finditer(prose):
                yield slot, " ".join(match.group(0).split())
        if not self.phrases:
            return
        spans, folded = _words(prose)
        for slot, (_, phrase) in enumerate(self.phrases, len(self.patterns)):
            size = len(phrase)
            # A typo leaves one of the first two words alone: only windows that start with
            # the phrase's first word, or whose second word is its second, can be one.
            for start in _starts(folded, phrase, len(spans) - size + 1):
                if _one_typo(folded[start:start + size], phrase) \
                        and _joined(prose, spans[start:start + size]):
                    yield slot, " ".join(prose[spans[start][0]:spans[start + size - 1][1]]
                                          .split())

    def sightings(self) -> list[Sighting]:
        """Every phrase seen, the editor's terms in the order written."""
        return sorted(self.seen.values(), key=lambda s: s.entry.location)


def _shape_pattern(forms: Sequence[TermForm], entry: Edit) -> str:
    """The parts joined by "or", with words between, or the other way round."""
    spellings = [set(part) for part in next(f.parts for f in forms if f.entry is entry)]
    for form in forms:
        if form.entry is entry:
            spellings[-1].update(form.parts[-1])
    first, last = (_alternatives(spellings[0]), _alternatives(spellings[-1]))
    any_joiner = f"(?:{_OR}|{JOINER})"
    shapes = (f"{first}(?:{_OR}(?:{_WORDS_BETWEEN})?|{JOINER}{_WORDS_BETWEEN}){last}",
              f"{last}{any_joiner}(?:{_WORDS_BETWEEN})?{first}")
    return r"(?i)(?<![\w-])(?:" + "|".join(shapes) + r")(?!\w)"


def _alternatives(spellings: set[str]) -> str:
    return "(?:" + "|".join(r"(?:\s+|-)".join(map(re.escape, s.split()))
                            for s in sorted(spellings, key=len, reverse=True)) + ")"


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _one_typo(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    """Every word as in the phrase bar one, and that one a slip of the pen away."""
    different = [(word, want) for word, want in zip(words, phrase, strict=True) if word != want]
    return len(different) == 1 and _close(*different[0])


def _joined(prose: str, window: Sequence[tuple[int, int]]) -> bool:
    """The words of a phrase are next to each other, with nothing but spaces, commas, / or &."""
    return all(_JOINED.fullmatch(prose, a[1], b[0])
               for a, b in zip(window, window[1:], strict=False))


@lru_cache(maxsize=8192)
def _words(prose: str) -> tuple[tuple[tuple[int, int], ...], tuple[str, ...]]:
    """Where each word of the prose is, and each word casefolded. Kept: every variant of a
    base reads the same base prose, so it is split into words once, not once a variant."""
    matches = list(_WORD.finditer(prose))
    return (tuple(m.span() for m in matches), tuple(m.group(0).casefold() for m in matches))


def _starts(folded: tuple[str, ...], phrase: tuple[str, ...], count: int) -> list[int]:
    """Window starts whose first word is the phrase's first, or second word its second."""
    first, second = phrase[0], phrase[1]
    found = {i for i, word in enumerate(folded) if word == first and i < count}
    found.update(i - 1 for i, word in enumerate(folded) if word == second and 0 < i <= count)
    return sorted(found)


@lru_cache(maxsize=65536)
def _close(word: str, want: str) -> bool:
    """A typo, not another word: 1 letter off in words of 4 to 7 letters, 2 in longer ones."""
    limit = 0 if len(want) < 4 else 1 if len(want) < 8 else 2
    return limit > 0 and abs(len(word) - len(want)) <= limit and _distance(word, want) <= limit


def _distance(a: str, b: str) -> int:
    """Edits from a to b: letters added, dropped, changed, or two swapped ("childern")."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, letter in enumerate(a, 1):
        row = [i]
        for j, other in enumerate(b, 1):
            cost = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (letter != other))
            if i > 1 and j > 1 and letter == b[j - 2] and a[i - 2] == other:
                cost = min(cost, previous2[j - 2] + 1)
            row.append(cost)
        previous2, previous = previous, row
    return previous[-1]
