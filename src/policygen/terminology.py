"""A variant's words, put in everywhere: whole words, sensible capitals and plurals, never links.

Also the walk over every text field of a publication that terminology and link removal share.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any, TypeVar, cast

from .errors import Location
from .model import Edit, Publication, Topic

T = TypeVar("T")
TextFunction = Callable[[str, str], str]  # (text, area) -> text; the area is a page or topic id

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
    return cast(T, _walk(value, function, skip, area))


def map_prose(pub: Publication, function: TextFunction) -> Publication:
    """The publication with function applied to its prose: what a reader reads as guidance."""
    return map_text(pub, function, NOT_PROSE | AS_WRITTEN)


def _walk(value: Any, function: TextFunction, skip: frozenset[str], area: str) -> Any:
    if isinstance(value, str):
        return function(value, area)
    if isinstance(value, tuple):
        return tuple(_walk(v, function, skip, area) for v in value)
    if not is_dataclass(value) or isinstance(value, (type, Location)):
        return value
    area = value.id if isinstance(value, Topic) else area
    return replace(value, **{
        f.name: _walk(getattr(value, f.name), function, skip, _area(value, f.name, area))
        for f in fields(value) if f.name not in skip})


def _area(owner: object, name: str, area: str) -> str:
    if not isinstance(owner, Publication):
        return area
    return "home" if name in _HOME_FIELDS else name


def unlink(value: T, kind: str, targets: Collection[str]) -> tuple[T, int]:
    """Links of one kind (glossary, topic, page) to the targets, turned into their plain text."""
    count = 0

    def plain(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(2) != kind or match.group(3) not in targets:
            return match.group(0)
        count += 1
        return match.group(1)

    result = map_text(value, lambda text, _: _LINK.sub(plain, text))
    return result, count


@dataclass(frozen=True, slots=True)
class TermForm:
    """One spelling to look for: a term as written, or the singular derived from its plural."""

    term: str
    replacement: str
    entry: Edit  # the variant's line it comes from
    derived: bool = False


def term_forms(entries: Sequence[Edit]) -> tuple[TermForm, ...]:
    """Every form to replace: each term, plus its singular when both sides are regular plurals.

    `service users: pupils` also turns "service user" into "pupil"; `workers: staff` derives
    nothing, since "staff" has no regular singular; `AUP: RUP` also turns "AUPs" into "RUPs".
    A form the editor lists wins over a derived one.
    """
    written = {entry.target.casefold() for entry in entries}
    forms = [TermForm(entry.target, entry.value, entry) for entry in entries]
    for entry in entries:
        term, replacement = singular(entry.target), singular(entry.value)
        if _is_acronym(entry.target) and _is_acronym(entry.value):
            term, replacement = entry.target + "s", entry.value + "s"  # AUPs → RUPs
        if term and replacement and term.casefold() not in written:
            forms.append(TermForm(term, replacement, entry, derived=True))
    return tuple(forms)


def _is_acronym(word: str) -> bool:
    return word.isupper() and word.isalpha() and len(word) > 1


def singular(phrase: str) -> str:
    """The phrase with its last word made singular, or "" when it is not a regular plural."""
    head, _, word = phrase.rpartition(" ")
    if len(word) > 4 and word.endswith("ies"):
        one = word[:-3] + "y"
    elif re.search(r"(ch|sh|ss|x|z)es$", word):
        one = word[:-2]
    elif re.search(r"[^sui']s$", word) and len(word) > 3:
        one = word[:-1]
    else:
        return ""
    return f"{head} {one}" if head else one


class Substituter:
    """Replaces every form of every term in one pass, counting where each one was found."""

    def __init__(self, forms: Sequence[TermForm]) -> None:
        # Longer forms first, so that "service users" wins over "users".
        self.forms = tuple(sorted(forms, key=lambda form: len(form.term), reverse=True))
        self.found: list[Counter[str]] = [Counter() for _ in self.forms]
        # An article before a term is matched with it, so that it can agree with the
        # replacement: "an organisation" becomes "a home", not "an home".
        self.pattern = re.compile(r"(?P<article>(?<!\w)[Aa]n?\s+)?(?:" + "|".join(
            f"(?P<t{i}>{_form_pattern(form.term)})" for i, form in enumerate(self.forms)) + ")")

    def __call__(self, text: str, area: str) -> str:
        pieces, last = [], 0
        for span in _VERBATIM.finditer(text):
            pieces += [self._replace(text[last:span.start()], area), span.group(0)]
            last = span.end()
        return "".join(pieces) + self._replace(text[last:], area)

    def _replace(self, prose: str, area: str) -> str:
        def one(match: re.Match[str]) -> str:
            index = int((match.lastgroup or "t0")[1:])
            self.found[index][area] += 1
            found = match.group(match.lastgroup or 0)
            replacement = match_case(found, self.forms[index])
            return agree(match.group("article"), replacement) + replacement

        return self.pattern.sub(one, prose) if prose else prose

    def results(self) -> Iterator[tuple[TermForm, Counter[str]]]:
        """Each form with its count per area, in the order the editor wrote the terms."""
        order = sorted(range(len(self.forms)),
                       key=lambda i: (self.forms[i].entry.location, self.forms[i].derived))
        return ((self.forms[i], self.found[i]) for i in order)


def _form_pattern(term: str) -> str:
    # Words may be split over lines in the source; a term with capitals (AUP, Twitter) is
    # matched exactly, a lower-case one in any case ("Workers" at the start of a sentence).
    body = r"\s+".join(re.escape(word) for word in term.split())
    if term == term.lower():
        body = f"(?i:{body})"
    # Not after a hyphen: "co-workers" is its own word; "AUP-compliant" still changes.
    return rf"(?<![\w-]){body}(?!\w)"


def agree(article: str | None, word: str) -> str:
    """The article before a replaced word, made to agree with it; acronyms keep theirs."""
    if not article:
        return ""
    if word[:2].isupper():
        return article  # "an RUP" or "a RUP" depends on how it is said; leave it as written
    wanted = "an" if word[:1].lower() in "aeio" else "a"
    spaced = article[len(article.rstrip()):]
    return (wanted.capitalize() if article[0] == "A" else wanted) + spaced


def match_case(found: str, form: TermForm) -> str:
    """The replacement in the capitals of the text it replaces: staff, Staff, STAFF."""
    replacement = form.replacement
    if form.term != form.term.lower() or found == found.lower():
        return replacement
    if found.isupper() and len(found) > 1:
        return replacement.upper()
    return replacement[:1].upper() + replacement[1:]
