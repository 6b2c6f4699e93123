"""A variant's words, put in everywhere: whole words, sensible capitals and plurals, never links.

Also the walk over every text field of a publication that terminology and link removal share.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any, TypeVar, cast

from policygen.errors import Location
from policygen.model import Edit, Level, Publication, Topic

T = TypeVar("T")
TextFunction = Callable[[str, str], str]  # (text, area) -> text; the area is a page or topic id
PlaceFunction = Callable[[str, str, str], str]  # (text, area, place) -> text

# Fields that hold names, ids, addresses and codes, never words to adapt.
NOT_PROSE = frozenset({"id", "key", "name", "url", "email", "phone", "group", "language",
                       "site_url", "location", "changes", "permission", "protected", "logo"})
# Kept as the publisher wrote them: its governance and history, the names of the bodies and
# documents it cites, and the wording of the law, which a local synonym would misstate.
AS_WRITTEN = frozenset({"publisher", "author", "approval", "adaptation", "revisions", "dates",
                        "supporting_documents", "circulated_to", "offences"})
_HOME_FIELDS = ("title", "subtitle", "introduction", "audience")

# Spans copied verbatim: a link's target, a reference definition, an autolink, code, and web
# or email addresses written out (a term inside `glossary:aup` or a URL must never change).
_VERBATIM = re.compile(r"""
    \]\([^)]*\)
  | ^[ \t]*\[[^\]\n]+\]:[ \t]*\S+
  | <[^<>\s]+>
  | `[^`]*`
  | (?:https?|mailto|tel):[^\s)<>]+
  | www\.[^\s)<>]+
  | [\w.+-]+@[\w-]+(?:\.[\w-]+)+
  | \b(?:[\w-]+\.)+[a-z]{2,}\b(?:/[^\s)<>]*)?
""", re.VERBOSE | re.MULTILINE)
_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?(glossary|topic|page):([^)\s>]*)>?\s*\)")


def map_text(value: T, function: TextFunction, skip: frozenset[str] = frozenset(),
             area: str = "") -> T:
    """The value with every string in it (bar fields named in `skip`) passed through function."""
    return cast(T, _walk(value, lambda text, where, _: function(text, where), skip, area, area))


def map_prose(pub: Publication, function: TextFunction) -> Publication:
    """The publication with function applied to its prose: what a reader reads as guidance."""
    return map_text(pub, function, NOT_PROSE | AS_WRITTEN)


def map_prose_places(pub: Publication, function: PlaceFunction) -> Publication:
    """As map_prose, the function also told the place of each text (an item id, home/subtitle)."""
    return cast(Publication, _walk(pub, function, NOT_PROSE | AS_WRITTEN, "", ""))


def _walk(value: Any, function: PlaceFunction, skip: frozenset[str], area: str,
          place: str, may_change: Callable[[Any], bool] | None = None,
          kept: KeptWalks | None = None) -> Any:
    """`may_change`: told each part before it is walked; a part it says no to is kept whole.
    `kept`: the walks of parts made before with the same function, taken instead of walking
    them again."""
    if isinstance(value, str):
        result = function(value, area, place)
        return value if result == value else result  # the same object: nothing to copy
    if may_change is not None and not may_change(value):
        return value
    if kept is not None:
        found = kept.enter(value, area, place)
        if found is not _NOT_KEPT:
            return found
    walked = _walk_inside(value, function, skip, area, place, may_change, kept)
    if kept is not None:
        kept.leave(value, area, place, walked)
    return walked


def _walk_inside(value: Any, function: PlaceFunction, skip: frozenset[str], area: str,
                 place: str, may_change: Callable[[Any], bool] | None,
                 kept: KeptWalks | None) -> Any:
    if isinstance(value, tuple):
        walked = tuple(_walk(v, function, skip, area, place, may_change, kept) for v in value)
        return value if same_objects(walked, value) else walked
    if not is_dataclass(value) or isinstance(value, (type, Location)):
        return value
    area = value.id if isinstance(value, Topic) else area
    changed = {}
    for name in _field_names(type(value), skip):
        before = getattr(value, name)
        if not before or type(before) in _NO_TEXT:
            continue  # nothing in it to change (an empty text or list, a date, a number)
        where = _area(value, name, area)
        after = _walk(before, function, skip, where, _place(value, name, where, place),
                      may_change, kept)
        if after is not before:
            changed[name] = after
    # Left alone when nothing in it changed: most of a publication is, and a copy of it for
    # every variant costs more than the walk.
    return replace(value, **changed) if changed else value


_NO_TEXT = frozenset({int, float, bool, type(None), date})
_NOT_KEPT = object()


class KeptWalks:
    """A variant's terms put in, each part of the base walked once for each set of terms.

    Most of what a variant reads is the base's own parts, the same objects for every variant,
    and twenty schools that say "pupils" and "staff" have the same terms: the walk of each
    part is kept, by the part and the terms, with what the substituter's calls did besides
    replacing (a term counted, prose with a near-miss looked through). A later variant with
    the same terms takes the walked part and has that done again, in the same order, instead
    of walking it: what it counts and warns of is what a walk would give.
    """

    def __init__(self, substitute: Substituter, key: tuple[int, int]) -> None:
        self.substitute = substitute
        self.key = key
        self._recording: list[list[Effect]] = []  # one list for each open part

    def text(self, text: str, area: str, place: str) -> str:
        result, effect = self.substitute.replaced(text, area, place)
        if effect is not None:
            self.substitute.repeat(effect)
            for effects in self._recording:
                effects.append(effect)
        return result

    def enter(self, value: Any, area: str, place: str) -> Any:
        """The part as walked before with these terms (its calls made again), else _NOT_KEPT
        and the part's calls are recorded until it is left."""
        found = _KEPT.get((id(value), self.key, area, place))
        if found is not None and found[0] is value:  # the part itself, not a later one
            for effect in found[2]:
                self.substitute.repeat(effect)
            for effects in self._recording:
                effects += found[2]
            return found[1]
        self._recording.append([])
        return _NOT_KEPT

    def leave(self, value: Any, area: str, place: str, walked: Any) -> None:
        effects = self._recording.pop()
        if len(_KEPT) >= _KEPT_LIMIT:
            _KEPT.clear()
        _KEPT[(id(value), self.key, area, place)] = (value, walked, tuple(effects))


# (id of a part, terms' key, area, place) -> (the part, it walked, what its calls did besides
# replacing); the part is kept so that its id is not given to another while the entry stands.
_KEPT: dict[tuple[int, tuple[int, int], str, str], tuple[Any, Any, tuple[Effect, ...]]] = {}
_KEPT_LIMIT = 100_000  # of the order of 20 sets of terms × the parts of the base


def substitute_prose(pub: Publication, substitute: Substituter) -> Publication:
    """As map_prose_places with the substituter, each part of the base walked once for each
    set of terms (KeptWalks) where the substituter says what its effects depend on."""
    key = substitute.walk_key
    if key is None:
        return map_prose_places(pub, substitute)
    kept = KeptWalks(substitute, key)
    return cast(Publication, _walk(pub, kept.text, NOT_PROSE | AS_WRITTEN, "", "", None,
                                   kept))


def same_objects(new: tuple[Any, ...], old: tuple[Any, ...]) -> bool:
    """Whether two tuples hold the very same objects (a part left as it was is not copied)."""
    return all(a is b for a, b in zip(new, old, strict=True))


@lru_cache(maxsize=256)
def _field_names(kind: type, skip: frozenset[str]) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind) if f.name not in skip)


def _area(owner: object, name: str, area: str) -> str:
    if not isinstance(owner, Publication):
        return area
    return "home" if name in _HOME_FIELDS else name


def _place(owner: object, name: str, area: str, place: str) -> str:
    """Where a field is, as an editor names it: email/work-account, email/intro, home/subtitle."""
    ident = getattr(owner, "id", None)
    if isinstance(owner, Topic):
        return f"{owner.id}/{name}" if isinstance(getattr(owner, name), str) else owner.id
    if isinstance(ident, str):
        return ident if "/" in ident else f"{area}/{ident}"  # glossary/aup, reporting/childline
    if isinstance(owner, Level):
        return f"{place}/{owner.key}"
    if isinstance(owner, Publication):
        return f"home/{name}" if area == "home" else area
    return f"{place}/{name}" if isinstance(getattr(owner, name), str) else place


def unlink(value: T, kind: str, targets: Collection[str]) -> tuple[T, int]:
    """Links of one kind (glossary, topic, page) to the targets, turned into their plain text."""
    count = 0

    def plain(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(2) != kind or match.group(3) not in targets:
            return match.group(0)
        count += 1
        return match.group(1)

    # A link to a target has "kind:target" in its text: a part without that anywhere in it
    # (most of the guidance, for one term or topic left out) is kept as it is, unwalked.
    needles = tuple(f"{kind}:{target}" for target in targets)

    def holds_one(part: Any) -> bool:
        text = text_of(part)
        return any(needle in text for needle in needles)

    result = _walk(value, lambda text, *_: _LINK.sub(plain, text), frozenset(), "", "",
                   holds_one)
    return result, count


def text_of(value: Any) -> str:
    """Every text in a value (a publication or any part of one), joined: what a search for a
    word in the part looks through. Kept for the parts of the base guidance, which every
    variant shares: each is joined once, not once per variant."""
    if isinstance(value, str):
        return value
    kept = _TEXTS.get(id(value))
    if kept is not None and kept[0] is value:  # the same object, not one given its id since
        return kept[1]
    if isinstance(value, tuple):
        parts = [text_of(v) for v in value]
    elif is_dataclass(value) and not isinstance(value, (type, Location)):
        parts = [text_of(getattr(value, name)) for name in _field_names(type(value), _NONE)]
    else:
        return ""
    text = "\n".join(part for part in parts if part)
    if len(_TEXTS) >= _TEXTS_LIMIT:
        _TEXTS.clear()
    _TEXTS[id(value)] = (value, text)
    return text


_NONE: frozenset[str] = frozenset()
# The parts' texts by id (each with its part, which keeps the id from being given to another).
_TEXTS: dict[int, tuple[Any, str]] = {}
_TEXTS_LIMIT = 20_000


# The plurals that matter in this guidance and do not end in -s; and words with one form only.
IRREGULAR = {"children": "child", "people": "person", "men": "man", "women": "woman"}
_SINGULAR = {plural: one for plural, one in IRREGULAR.items()}
_PLURAL = {one: plural for plural, one in IRREGULAR.items()}
UNCOUNTABLE = frozenset({"staff", "information", "advice", "software", "equipment", "data",
                         "media", "guidance", "safety", "e-safety", "esafety", "personnel"})
# Between the parts of a term such as "children and young people": "children, young people",
# "children/young people", "children & young people", "children, and young people".
JOINER = r"(?:\s*,\s*(?:and\s+)?|\s*/\s*|\s+&\s+|\s+and\s+)"
_PARTS = re.compile(r"(\s*,\s*(?:and\s+)?|\s*/\s*|\s+&\s+|\s+and\s+)")
_APOSTROPHES = "'\u2019"


@dataclass(frozen=True, slots=True)
class TermForm:
    """One form to look for: a term as written, or its other number (singular or plural).

    `parts` are the term's conjuncts ("children", "young people"), each with the spellings
    accepted for it: the first parts in either number, the last in this form's number only.
    """

    term: str
    replacement: str
    entry: Edit  # the variant's line it comes from
    derived: bool = False
    parts: tuple[tuple[str, ...], ...] = ()
    plural: bool = False

    @property
    def pattern(self) -> str:
        """The regular expression for this form: its parts, any joiner between them."""
        body = JOINER.join(_alternatives(part) for part in self.parts or ((self.term,),))
        if self.term == self.term.lower():
            body = f"(?i:{body})"  # a lower-case term is found however it is capitalised
        # Not after a hyphen: "co-workers" is its own word; "AUP-compliant" still changes.
        return rf"(?<![\w-]){body}(?!\w)"


def term_forms(entries: Sequence[Edit], english: bool = True) -> tuple[TermForm, ...]:
    """Every form to replace: each term, plus its other number when both sides have one.

    `service users: pupils` also turns "service user" into "pupil", `child: pupil` turns
    "children" into "pupils", and `children and young people: pupils` also turns "child,
    young person" into "pupil"; `workers: staff` derives nothing, since "staff" has no
    singular. A form the editor lists wins over a derived one. The plurals are English
    ones: in another language (`english` false) only the forms the editor lists are found.
    """
    written = {_key(entry.target) for entry in entries}
    forms = [_written_form(entry) for entry in entries]
    if not english:
        return tuple(forms)
    for entry, form in zip(entries, tuple(forms), strict=True):
        other = other_number(entry.target, form.plural)
        replacement = inflect(entry.value, not form.plural)
        shown = inflect(entry.target, not form.plural) or other  # child and young person
        if other and replacement and _key(shown) not in written:
            forms.append(TermForm(shown, replacement, entry, True, _parts(other, form.parts),
                                  not form.plural))
    return tuple(forms)


def missing_forms(entries: Sequence[Edit]) -> tuple[TermForm, ...]:
    """The other number of terms whose replacement has none ("worker" for `workers: staff`)."""
    written = {_key(entry.target) for entry in entries}
    missing = []
    for entry in entries:
        form = _written_form(entry)
        other = other_number(entry.target, form.plural)
        if other and _key(other) not in written and not inflect(entry.value, not form.plural):
            missing.append(TermForm(other, "", entry, True, _parts(other, form.parts)))
    return tuple(missing)


def _written_form(entry: Edit) -> TermForm:
    parts = split_parts(entry.target)
    spellings = tuple((part, *filter(None, [other_number(part, is_plural(part))]))
                      for part in parts[:-1]) + ((parts[-1],),)
    return TermForm(entry.target, entry.value, entry, False, spellings, is_plural(parts[-1]))


def _parts(other: str, written: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    return written[:-1] + ((split_parts(other)[-1],),)


def _alternatives(spellings: tuple[str, ...]) -> str:
    return "(?:" + "|".join(_spelling_pattern(s) for s in sorted(spellings, key=len,
                                                                 reverse=True)) + ")"


def _spelling_pattern(spelling: str) -> str:
    # Source text may break a phrase over lines; "e-safety" is also "e safety" and "esafety".
    words = [r"(?:-|\s+)?".join(re.escape(bit) for bit in word.split("-"))
             for word in spelling.split()]
    return r"(?:\s+|-)".join(words)


def split_parts(term: str) -> list[str]:
    """The conjuncts of a term: "children and young people" → ["children", "young people"]."""
    return [part for part in _PARTS.split(term)[::2] if part] or [term]


def _key(term: str) -> str:
    return " ".join(term.split()).casefold()


def is_plural(phrase: str) -> bool:
    """Whether the phrase's head word is a plural we know the singular of."""
    return bool(_singular_word(_head(phrase)[1]))


def other_number(phrase: str, plural: bool) -> str:
    """The phrase in the other number (the last part's head changed), or "" when unknown."""
    parts = _PARTS.split(phrase)
    last = _inflect_part(parts[-1], not plural)
    return "".join(parts[:-1]) + last if last and last != parts[-1] else ""


def inflect(phrase: str, plural: bool) -> str:
    """A replacement in the number asked for, each part's head changed; "" when unknown."""
    parts = _PARTS.split(phrase)
    changed = [bit if i % 2 else (_inflect_part(bit, plural) or bit)
               for i, bit in enumerate(parts)]
    return "".join(changed) if _inflect_part(parts[-1], plural) else ""


def singular(phrase: str) -> str:
    """The phrase with its head made singular, or "" when it is not a plural we know."""
    return _inflect_part(phrase, plural=False) if is_plural(phrase) else ""


def _head(part: str) -> tuple[str, str, str]:
    """(before, head word, after): "members of staff" → ("", "members", " of staff")."""
    match = re.match(r"(.*?)([^\s]+)((?:\s+of\s.*)?)$", part, re.DOTALL)
    return (match.group(1), match.group(2), match.group(3)) if match else ("", part, "")


def _inflect_part(part: str, plural: bool) -> str:
    before, word, after = _head(part)
    if is_plural(part) == plural:
        return "" if not plural and word.casefold() in UNCOUNTABLE else part
    changed = _plural_word(word) if plural else _singular_word(word)
    return f"{before}{changed}{after}" if changed else ""


def _singular_word(word: str) -> str:
    lower = word.casefold()
    if lower in _SINGULAR:
        return _same_case(word, _SINGULAR[lower])
    if lower in UNCOUNTABLE:
        return ""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if re.search(r"(ch|sh|ss|x|z)es$", word):
        return word[:-2]
    if re.search(r"[^sui']s$", word) and len(word) > 3:
        return word[:-1]
    return ""


def _plural_word(word: str) -> str:
    lower = word.casefold()
    if lower in _PLURAL:
        return _same_case(word, _PLURAL[lower])
    if lower in UNCOUNTABLE:
        return word
    if _is_acronym(word):
        return word + "s"  # AUP → AUPs
    if not word[-1:].isalpha():
        return ""
    if re.search(r"(ch|sh|ss|x|z|s)$", word):
        return word + "es"
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    return word + "s"


def _same_case(model: str, word: str) -> str:
    return word.upper() if model.isupper() and len(model) > 1 else \
        word[:1].upper() + word[1:] if model[:1].isupper() else word


def _is_acronym(word: str) -> bool:
    return word.isupper() and word.isalpha() and len(word) > 1


# (replaced text, index of the form of each replacement, stretches left as they were)
Scan = tuple[str, tuple[int, ...], tuple[str, ...]]
# What a call did besides replacing: (area, place, the forms it counted, the prose it looked
# through for near-misses that has some).
Effect = tuple[str, str, tuple[int, ...], tuple[str, ...]]
# Scans kept across the variants of one process: (terms' key, prose) -> Scan.
_SCANNED: dict[tuple[int, str], Scan] = {}
_SCANNED_LIMIT = 200_000
_SIGNATURES: dict[tuple[Any, ...], int] = {}


class Substituter:
    """Replaces every form of every term in one pass, counting where each one was found.

    `unreplaced` (if given) sees every stretch of prose left as it was, with its place, so that
    near-misses can be looked for where no term was replaced.
    """

    def __init__(self, forms: Sequence[TermForm],
                 unreplaced: Callable[[str, str], None] | None = None,
                 english: bool = True) -> None:
        # Longer forms first, so that "service users" wins over "users".
        self.forms = tuple(sorted(forms, key=lambda form: len(form.term), reverse=True))
        self.found: list[Counter[str]] = [Counter() for _ in self.forms]
        self.unreplaced = unreplaced
        # A form the editor wrote wins over another term's form spelt the same way.
        self.written = {_key(form.term): i for i, form in enumerate(self.forms)
                        if not form.derived}
        # An article before a term is matched with it, so that it can agree with the
        # replacement: "an organisation" becomes "a home", not "an home". A possessive after
        # it is matched too: "children's" becomes "pupils'". Only in English: in Welsh "a"
        # is "and", and is never "an" (a group that matches nothing stands in for it).
        article = r"(?<!\w)[Aa]n?\s+" if english else r"(?!)"
        self.pattern = re.compile(rf"(?P<article>{article})?(?:" + "|".join(
            f"(?P<t{i}>{form.pattern})" for i, form in enumerate(self.forms))
            + rf")(?P<poss>[{_APOSTROPHES}](?:s(?!\w))?)?")
        # Most prose holds none of the terms: a cheap search for a word every match must
        # contain rules it out before the full pattern is tried.
        self.quick = quick_filter(self.forms)
        # What the replacements depend on (not where the editor wrote them): the same for
        # two variants with the same terms, which then share their scans of the base prose.
        self.key = _SIGNATURES.setdefault((*(
            (f.term, f.replacement, f.derived, f.parts, f.plural) for f in self.forms),
            *(() if english else ("not english",))), len(_SIGNATURES))

    @property
    def walk_key(self) -> tuple[int, int] | None:
        """What its effects on a text depend on (its terms, and the near-misses looked for);
        None when that cannot be said (a callback without a key of its own)."""
        if self.unreplaced is None:
            return self.key, -1
        other = getattr(self.unreplaced, "key", None)
        return (self.key, other) if isinstance(other, int) else None

    def __call__(self, text: str, area: str, place: str = "") -> str:
        replaced, effect = self.replaced(text, area, place)
        if effect is not None:
            self.repeat(effect)
        return replaced

    def replaced(self, text: str, area: str, place: str = "") -> tuple[str, Effect | None]:
        """The text with the terms replaced, and what replacing does besides (the terms it
        counts, the prose left as it was that is looked through for near-misses), done by
        `repeat`; None when it does nothing else. Nothing is counted yet."""
        # Only prose with a near-miss in it has an effect, where the callback can say so.
        finds = getattr(self.unreplaced, "finds", None)
        prose, verbatim = _split_verbatim(text)
        pieces: list[str] = []
        hits: list[int] = []
        seen: list[str] = []
        for index, piece in enumerate(prose):
            result, found, untouched = self._scanned(piece)
            pieces += [verbatim[index - 1], result] if index else [result]
            hits += found
            if self.unreplaced is not None:
                seen += [stretch for stretch in untouched
                         if stretch.strip() and (finds is None or finds(stretch))]
        effect = (area, place or area, tuple(hits), tuple(seen)) if hits or seen else None
        return "".join(pieces), effect

    def repeat(self, effect: Effect) -> None:
        """Do what replacing does besides, as `effect` says it."""
        area, place, hits, seen = effect
        for index in hits:
            self.found[index][area] += 1
        for prose in seen:
            self._unreplaced(prose, place)

    def _scanned(self, prose: str) -> Scan:
        scanned = _SCANNED.get((self.key, prose))
        if scanned is None:
            scanned = self._scan(prose)
            if len(_SCANNED) >= _SCANNED_LIMIT:
                _SCANNED.clear()
            _SCANNED[(self.key, prose)] = scanned
        return scanned

    def _scan(self, prose: str) -> Scan:
        """The prose with the terms replaced, which form each replacement was (by index), and
        the stretches left as they were. It depends on the forms and the prose only, so a
        variant with the same terms as one before reuses it."""
        if not self.quick.search(prose):
            return prose, (), (prose,)
        pieces, hits, untouched, last = [], [], [], 0
        for match in self.pattern.finditer(prose):
            index, replacement = self._one(match, prose)
            pieces += [prose[last:match.start()], replacement]
            hits.append(index)
            untouched.append(prose[last:match.start()])
            last = match.end()
        untouched.append(prose[last:])
        return "".join(pieces) + prose[last:], tuple(hits), tuple(untouched)

    def _unreplaced(self, prose: str, place: str) -> None:
        if self.unreplaced is not None and prose.strip():
            self.unreplaced(prose, place)

    def _one(self, match: re.Match[str], prose: str) -> tuple[int, str]:
        name = next(key for key, value in match.groupdict().items()
                    if value is not None and key.startswith("t"))
        index, found = int(name[1:]), match.group(name)
        index = self._written_wins(index, found)
        form = self.forms[index]
        replacement = match_case(found, form)
        poss, rest = _possessive(match, found, prose)
        if poss:
            replacement = possessive(replacement, poss, form.plural)
        return index, agree(match.group("article"), replacement) + replacement + rest

    def _written_wins(self, index: int, found: str) -> int:
        written = self.written.get(_key(found))
        if written is None or written == index:
            return index
        return written if re.fullmatch(self.forms[written].pattern, found) else index

    def results(self) -> Iterator[tuple[TermForm, Counter[str]]]:
        """Each form with its count per area, in the order the editor wrote the terms."""
        order = sorted(range(len(self.forms)),
                       key=lambda i: (self.forms[i].entry.location, self.forms[i].derived))
        return ((self.forms[i], self.found[i]) for i in order)


@lru_cache(maxsize=8192)
def _split_verbatim(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The text's prose pieces, and the verbatim spans between them (one fewer). Kept: every
    variant reads the same base texts."""
    prose, verbatim, last = [], [], 0
    for span in _VERBATIM.finditer(text):
        prose.append(text[last:span.start()])
        verbatim.append(span.group(0))
        last = span.end()
    prose.append(text[last:])
    return tuple(prose), tuple(verbatim)


def quick_filter(forms: Sequence[TermForm]) -> re.Pattern[str]:
    """A pattern that finds, in any case, one word that every match of some form contains:
    the longest piece of a spelling of its first part (a term's words may be split by a
    hyphen or joined, so the pieces between hyphens are what is sure to be there)."""
    pieces = {max((bit for word in spelling.split() for bit in word.split("-")), key=len)
              for form in forms for spelling in (form.parts or ((form.term,),))[0]}
    return re.compile("|".join(re.escape(piece) for piece in
                               sorted(pieces, key=len, reverse=True)) or "(?!)", re.IGNORECASE)


def _possessive(match: re.Match[str], found: str, prose: str) -> tuple[str, str]:
    """(the possessive ending to keep, text to put back): a lone ' may be a closing quote."""
    poss = match.group("poss") or ""
    if len(poss) == 1 and (not found.endswith(("s", "S")) or _quoted(prose[:match.start() + 1])):
        return "", poss
    return poss, ""


def _quoted(before: str) -> bool:
    """Whether a quote opened before is still open: then "workers'" ends it, not a possessive."""
    opened = len(re.findall(r"(?:^|(?<=[\s(\[]))['\u2018](?=\w)", before))
    closed = len(re.findall(r"(?<=\w)['\u2019](?!\w)", before))
    return opened > closed


def possessive(word: str, ending: str, plural: bool) -> str:
    """The replacement made possessive: "pupils'" for a plural in -s, else "pupil's", "staff's"."""
    apostrophe = ending[0]
    if plural and word.endswith(("s", "S")):
        return word + apostrophe
    return word + apostrophe + ("S" if word.isupper() and len(word) > 1 else "s")


# Initial sounds the first letter does not tell: "an hour", "a user", "a one-off", "a Euro".
_AN_BEFORE = ("hour", "honest", "honour", "honor", "heir")
_A_BEFORE = ("union", "unique", "unit", "univers", "uniform", "unison", "unilateral", "use",
             "usual", "usab", "utili", "ubiq", "euro", "eu", "ewe", "once", "one")
_ONE_WORDS = ("one", "once")  # whole words only: "onerous" takes "an"
# Abbreviations said as words, not letter by letter: "a LADO", not "an LADO".
_SAID_AS_WORDS = frozenset({"LADO", "MASH", "SENCO", "SENDCO", "SEND", "SIM", "NATO", "NASA",
                            "LAN", "RAM", "ROM", "SATS"})
_LETTERS_WITH_VOWEL_SOUND = "AEFHILMNORSX"  # said "ay", "ef", "aitch", "el", "ess"...


def takes_an(word: str) -> bool:
    """Whether a word is said with a vowel sound first: an hour, an SSL, an EU; a user, a LADO."""
    first = re.match(r"[^\W\d_]+", word)
    if not first:
        return False
    token = first.group(0)
    if token.upper() in _SAID_AS_WORDS and token.isupper():
        return token[0] in "AEIOU"
    if len(token) > 1 and token[:2].isupper() or len(token) == 1 and token.isupper():
        return token[0] in _LETTERS_WITH_VOWEL_SOUND
    lower = token.lower()
    if lower.startswith(_AN_BEFORE):
        return True
    if lower in _ONE_WORDS or lower.startswith(tuple(p for p in _A_BEFORE
                                                      if p not in _ONE_WORDS)):
        return False
    return lower[0] in "aeiou"


def agree(article: str | None, word: str) -> str:
    """The article before a replaced word, made to agree with how the word is said."""
    if not article:
        return ""
    wanted = "an" if takes_an(word) else "a"
    spaced = article[len(article.rstrip()):]
    return (wanted.capitalize() if article[0] == "A" else wanted) + spaced


_SMALL_WORDS = frozenset({"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or",
                          "the", "to", "with"})


def match_case(found: str, form: TermForm) -> str:
    """The replacement in the capitals of the text it replaces: staff, Staff, STAFF, Title Case."""
    replacement = form.replacement
    if form.term != form.term.lower() or found == found.lower():
        return replacement
    if found.isupper() and len(found) > 1:
        return replacement.upper()
    if _is_title(found):
        return re.sub(r"[^\W\d_][\w'-]*", lambda m: m.group(0) if m.start() and m.group(
            0).lower() in _SMALL_WORDS else m.group(0)[:1].upper() + m.group(0)[1:], replacement)
    return replacement[:1].upper() + replacement[1:]


def _is_title(found: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_]+", found) if w.lower() not in _SMALL_WORDS]
    return len(words) > 1 and all(word[0].isupper() for word in words)
