"""A translator's file checked against the guidance, unit by unit, before anything is written.

Each unit must name a text the guidance has, for the file it says; its source must still be
that text's words (else the text changed after the export, and the translation was made for
other words); its target must hold every mark of the source (links, code, emphasis, breaks)
once, and nothing a text may not hold. The marks are put back from the guidance's own text,
never from the file: an address cannot be changed through a translation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from policygen.errors import Location, Problem, suggest
from policygen.source.inline import Code, Pair, marks, pieces
from policygen.source.markup import IMAGE, IMAGE_MESSAGE, LINK_ADVICE, is_allowed_link, links_in
from policygen.source.translations import TranslationRecord, is_stale
from policygen.source.twins import TwinText
from policygen.source.xliff import XLIFF_NS, InDocument, InUnit, text_name, unit_id
from policygen.source.xmltree import Element
from policygen.source.yamlsrc import CONTROL_CHARACTER, control_character_message
from policygen.words import language_name


@dataclass(frozen=True, slots=True)
class Arrival:
    """A translation to bring in: the text it is for and its words, marks put back."""

    text: TwinText
    words: str
    changed: bool  # differs from the twin the content has now (else only recorded)


@dataclass(slots=True)
class Intake:
    """What a translator's file brings: the translations, what it leaves, what is wrong."""

    language: str = ""
    arrivals: list[Arrival] = field(default_factory=list)
    untranslated: int = 0  # units with no translation yet
    left_stale: int = 0  # stale units sent back with the earlier translation unconfirmed
    problems: list[Problem] = field(default_factory=list)


def take_in(document: InDocument, name: str, texts: tuple[TwinText, ...],
            languages: tuple[str, ...], record: Callable[[str], TranslationRecord]) -> Intake:
    """Every unit of the file checked; `record` gives a language's translation record."""
    intake = Intake(problems=list(document.problems))
    if not document.readable:  # not XML, or not XLIFF: there are no units to look at
        return intake
    language = _languages(document, name, languages, intake)
    if not language or intake.problems:
        return intake
    intake.language = language
    known = {(t.file, t.name): t for t in texts}
    seen: set[tuple[str, str]] = set()
    done = record(language)
    for unit in document.units:
        text = _known(unit, name, known, seen, intake)
        if text is not None:
            _unit(unit, name, text, languages[0], done, intake)
    return intake


def _languages(document: InDocument, name: str, languages: tuple[str, ...],
               intake: Intake) -> str:
    main, others = languages[0], languages[1:]
    where = Location(name, 2)
    said = (document.source_language, document.target_language)
    if not _same_language(said[0], main):
        intake.problems.append(Problem(where, (
            f"this file translates from '{said[0]}', but the guidance's main language is "
            f"{language_name(main)} ({main}): it is not a translation of this guidance")))
    target = next((tag for tag in others if _same_language(said[1], tag)), "")
    if not target:
        wanted = " or ".join(f"{language_name(t)} ({t})" for t in others)
        intake.problems.append(Problem(where, (
            f"this file translates into '{said[1] or 'no language'}', but the guidance is "
            f"translated into {wanted}: check the target language in the translation tool")))
    return target


def _same_language(said: str, tag: str) -> bool:
    """cy-GB is Welsh (cy) as the guidance names it; the case of a tag never matters."""
    said, tag = said.lower(), tag.lower()
    return said == tag or said.startswith(tag + "-")


def _known(unit: InUnit, name: str, known: dict[tuple[str, str], TwinText],
           seen: set[tuple[str, str]], intake: Intake) -> TwinText | None:
    key = (unit.file, text_name(unit.id))
    where = Location(name, unit.line)
    files = sorted({file for file, _ in known})
    if unit.file not in files:
        intake.problems.append(Problem(where, (
            f"the unit '{unit.id}' is for the file {unit.file}, which the guidance does not "
            f"have{suggest(unit.file, files)}: was the file exported from other guidance?")))
        return None
    if key not in known:
        names = tuple(unit_id(n) for file, n in known if file == unit.file)
        intake.problems.append(Problem(where, (
            f"the unit '{unit.id}' names no text of {unit.file}{suggest(unit.id, names)}; "
            "the unit ids are those policygen translate export wrote: keep them as they are")))
        return None
    if key in seen:
        intake.problems.append(Problem(where, f"the unit '{unit.id}' of {unit.file} is in "
                                       "the file twice; keep one of them"))
        return None
    seen.add(key)
    return known[key]


def _unit(unit: InUnit, name: str, text: TwinText, main: str, done: TranslationRecord,
          intake: Intake) -> None:
    source = text.twin(main)
    assert source is not None  # every text has its main language's words
    found = pieces(source.text)
    every = marks(found)
    said = _Rebuilt(every, f"the unit '{unit.id}' of {unit.file}", name)
    if said.build(unit.source) != source.text or said.problems:
        intake.problems.append(Problem(Location(name, unit.line), (
            f"the {language_name(main)} of the unit '{unit.id}' of {unit.file} is not what "
            f"the guidance says now: the text has changed since the file was exported (or the "
            f"translation tool changed it), so its translation was made for other words: export "
            f"again and have the new file translated")))
        return
    if unit.target is None or not _has_words(unit.target):
        intake.untranslated += 1
        return
    rebuilt = _Rebuilt(every, said.who, name)
    words = rebuilt.build(unit.target).strip()
    problems = rebuilt.problems + rebuilt.missing(unit.target_line) + \
        _unsafe(words, said.who, name, unit.target_line)
    if problems:
        intake.problems += problems
        return
    now = text.twin(intake.language)
    changed = now is None or now.text != words
    if not changed and unit.state == "initial" and is_stale(text, done, main):
        intake.left_stale += 1  # sent back as it went out: nobody has said it is right
        return
    intake.arrivals.append(Arrival(text, words, changed))


def _has_words(children: list[Element | str]) -> bool:
    return any(isinstance(c, Element) or c.strip() for c in children)


class _Rebuilt:
    """A source or target put back into Markdown from the guidance's own marks."""

    def __init__(self, every: dict[str, Code | Pair], who: str, name: str) -> None:
        self.every = every
        self.who = who
        self.name = name
        self.used: list[str] = []
        self.problems: list[Problem] = []

    def build(self, children: list[Element | str]) -> str:
        return "".join(c if isinstance(c, str) else self._element(c) for c in children)

    def _element(self, element: Element) -> str:
        if element.ns != XLIFF_NS:
            return self._refuse(element, f"an element <{element.name}> from outside XLIFF "
                                "where the words are")
        if element.name in ("mrk",):  # a tool's annotation around words: the words count
            return self.build(element.children)
        if element.name in ("sm", "em"):  # the start and end of an annotation
            return ""
        if element.name == "cp":
            return self._code_point(element)
        if element.name in ("ph", "pc", "sc", "ec"):
            return self._mark(element)
        return self._refuse(element, f"an element <{element.name}> policygen does not know")

    def _mark(self, element: Element) -> str:
        ident = element.attributes.get("startRef" if element.name == "ec" else "id", "")
        mark = self.every.get(ident)
        wanted = Code if element.name == "ph" else Pair
        if not isinstance(mark, wanted):
            return self._refuse(element, f"a tag ({element.name} {ident}) that the "
                                "original text does not have; take it out")
        if element.name != "ec":
            self.used.append(ident)
        if isinstance(mark, Code):
            return mark.data
        if element.name == "sc":
            return mark.start
        if element.name == "ec":
            return mark.end
        return mark.start + self.build(element.children) + mark.end

    def _code_point(self, element: Element) -> str:
        try:
            return chr(int(element.attributes.get("hex", ""), 16))
        except (ValueError, OverflowError):
            return self._refuse(element, "a character code <cp> that is not one")

    def _refuse(self, element: Element, what: str) -> str:
        self.problems.append(Problem(Location(self.name, element.line),
                                     f"{self.who} has {what}"))
        return ""

    def missing(self, line: int) -> list[Problem]:
        """The marks of the source the translation lost, or holds twice."""
        found = []
        for ident, mark in self.every.items():
            times = self.used.count(ident)
            if times != 1:
                how = "has lost" if times == 0 else f"has {times} times"
                found.append(Problem(Location(self.name, line), (
                    f"the translation of {self.who} {how} {mark.describe()} (tag {ident}); "
                    "every tag of the original must be in the translation once: put it back "
                    "in the translation tool, around the words it belongs to")))
        return found


def _unsafe(words: str, who: str, name: str, line: int) -> list[Problem]:
    where = Location(name, line)
    found = []
    hidden = CONTROL_CHARACTER.search(words)
    if hidden:
        found.append(Problem(where, f"the translation of {who}: "
                             + control_character_message(hidden.group())))
    if IMAGE.search(words):
        found.append(Problem(where, f"the translation of {who}: {IMAGE_MESSAGE}"))
    for link in links_in(words):
        if link.tag == "a" and not is_allowed_link(link.href):
            found.append(Problem(where, f"the translation of {who} has the link "
                                 f"'{link.href}', which is not a web address: {LINK_ADVICE}"))
    return found
