"""Guidance in several languages: the languages a publication declares, and each text's twins.

A publication in English and Welsh writes every reader's text in both, side by side:

    title:
      en: Email
      cy: E-bost

The content is read once for each language; each reading takes every text in its language,
so that each gives a whole Publication in that language alone, and a text without its twin
is an error found by the reading of the language it lacks.

A language being translated (`translating: {cy: draft}`) is read too, but never published:
its twins are checked like any other text, a text without one is no error (it is counted, and
its main-language words stand in for it, marked as such), and its publication is kept apart
from the published ones, for `build --draft` to show.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from policygen.errors import Location, Problem, suggest
from policygen.model import StandIn
from policygen.source.reader import Reader, is_empty
from policygen.source.yamlsrc import parse_yaml, read_source
from policygen.words import language_name

PUBLICATION_FILE = "content/publication.yaml"
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


class Reading:
    """One reading of the content, in one of the publication's languages (the first is the
    main one: a text written once, without its languages, is taken to be in it)."""

    def __init__(self, language: str, languages: tuple[str, ...],
                 roots: Mapping[str, Node], twins_required: bool = True,
                 published: tuple[str, ...] = (), stand_in: str = "") -> None:
        self.language = language
        self.languages = languages  # every language a text may be written in
        self.published = published or languages  # those the guidance is published in
        self._roots = roots
        self._paths: dict[str, dict[int, str]] = {}
        self.missing: list[Location] = []  # each text this reading found without its twin
        # `policygen translate` reads content whose twins are still to come: not an error.
        self.twins_required = twins_required
        self.picked: list[tuple[str, Node, str]] = []  # each text read: (file, node, what)
        # A language being translated, not published: the main language's tag (en-GB), whose
        # words stand in for each text not translated yet; "" for a published language.
        self.stand_in = stand_in
        self._standing_in: set[int] = set()

    @property
    def is_draft(self) -> bool:
        return bool(self.stand_in)

    def pick(self, reader: Reader, node: Node, what: str) -> Node:
        """The node of the text in this reading's language (the main language's text stands in
        for a missing twin, reported, so that the rest reads as it would with it)."""
        if not is_empty(node):
            self.picked.append((reader.source.name, node, what))
        if isinstance(node, MappingNode) and node.value:
            return self._from_mapping(reader, node, what)
        if isinstance(node, ScalarNode) and not is_empty(node) \
                and self.language != self.languages[0]:
            self._missing(reader, node, what)
            self._standing_in.add(id(node))
        return node

    def marked(self, node: Node, text: str) -> str:
        """The text read from the node, marked as a stand-in when it is one (a draft's)."""
        if self.is_draft and text and id(node) in self._standing_in:
            return StandIn(text, self.stand_in)
        return text

    def _from_mapping(self, reader: Reader, node: MappingNode, what: str) -> Node:
        values: dict[str, Node] = {str(key.value): value for key, value in node.value}
        for key, _ in node.value:
            if str(key.value) not in self.languages:
                reader.error(key, f"'{key.value}' is not one of the publication's languages, "
                             f"in {what}{suggest(str(key.value), self.languages)}; write the "
                             f"text in each language under {keys_of(self.languages)}, the "
                             f"languages {self._declared}")
        if self.language in values:
            return values[self.language]
        self._missing(reader, node, what)
        first: Node = node.value[0][1]
        found = values.get(self.languages[0], first)
        self._standing_in.add(id(found))
        return found

    @property
    def _declared(self) -> str:
        if self.published == self.languages:
            return "listed in content/publication.yaml"
        return ("content/publication.yaml publishes (languages) or is translating "
                "(translating)")

    def _missing(self, reader: Reader, node: Node, what: str) -> None:
        if self.is_draft:
            self.missing.append(reader.location(node))  # counted, no error: still to come
            return
        if not self.twins_required and self.language != self.languages[0]:
            return  # a translation still to come; the main language's text never is
        self.missing.append(reader.location(node))
        name = f"{language_name(self.language)} ({self.language})"
        path = self._path(reader.source.name, node)
        if len(self.published) < 2:  # one language published, others being translated
            reader.error(node, f"no {name} text for {path} ({what}); every text needs its "
                         f"{language_name(self.language)}, the language the guidance is "
                         f"published in, written under {self.language}:")
            return
        every = "both" if len(self.published) == 2 else "each of them"
        reader.error(node, f"no {name} text for {path} ({what}); a publication in "
                     f"{names_of(self.published)} needs every text in {every}, written under "
                     f"{keys_of(self.published)}")

    def _path(self, file: str, node: Node) -> str:
        """Where the text is, as the keys above it (practice › best › items › work-account)."""
        if file not in self._paths:
            self._paths[file] = dict(_key_paths(self._roots[file], ())) \
                if file in self._roots else {}
        return self._paths[file].get(id(node), "this text")


def _key_paths(node: Node, above: tuple[str, ...]) -> list[tuple[int, str]]:
    found = [(id(node), " › ".join(above))] if above else []
    if isinstance(node, MappingNode):
        for key, value in node.value:
            found += _key_paths(value, (*above, str(key.value)))
    elif isinstance(node, SequenceNode):
        for number, entry in enumerate(node.value, 1):
            found += _key_paths(entry, (*above, f"entry {number}"))
    return found


def names_of(languages: tuple[str, ...]) -> str:
    """The languages by name, as a sentence says them: "English and Welsh"."""
    names = [language_name(tag) for tag in languages]
    return ", ".join(names[:-1]) + " and " + names[-1]


def keys_of(languages: tuple[str, ...]) -> str:
    """The keys a text is written under in each language: "en: and cy:"."""
    return ", ".join(f"{tag}:" for tag in languages[:-1]) + f" and {languages[-1]}:"


@dataclass(frozen=True, slots=True)
class Declared:
    """What publication.yaml says of the guidance's languages."""

    published: tuple[str, ...]  # `languages`, the main one first; () in one language
    drafts: tuple[str, ...]  # `translating`: being translated, not published
    main: str  # the main language's tag as its pages give it (en-GB)

    @property
    def keys(self) -> tuple[str, ...]:
        """What a text's twins are written under, the main language's first: the tags in
        `languages`, or in guidance published in one language the language of its tag (en
        for en-GB, however it is declared)."""
        published = self.published if len(self.published) > 1 else (self.main.split("-")[0],)
        return (*published, *self.drafts)


# How far a translation is, as `translating:` says it: only a draft is known so far (a
# translation finished and reviewed is published: its language moves to `languages`).
DRAFT = "draft"


def declared(reader: Reader, root: Node) -> Declared:
    """The languages publication.yaml publishes and translates, checked."""
    published = declared_languages(reader, root)
    fields = _fields(root)
    language = fields["language"][1] if "language" in fields else None
    main = published[0] if published else \
        (reader.text(language, "the language", twin=False) if language else "en-GB")
    keys = Declared(published, (), main).keys
    drafts = _translating(reader, fields["translating"], (*keys, main)) \
        if "translating" in fields else ()
    return Declared(published, drafts, main)


def _fields(root: Node) -> dict[str, tuple[Node, Node]]:
    if not isinstance(root, MappingNode):
        return {}
    return {str(key.value): (key, value) for key, value in root.value}


def _translating(reader: Reader, entry: tuple[Node, Node], keys: tuple[str, ...]
                 ) -> tuple[str, ...]:
    """`translating:`, each language being translated with how far it is (`cy: draft`)."""
    key, node = entry
    if not isinstance(node, MappingNode) or not node.value:
        reader.error(node, "'translating' should name each language being translated and "
                     "how far it is, one a line, like 'cy: draft'")
        return ()
    found = []
    for tag_node, state in node.value:
        tag = str(tag_node.value)
        if not LANGUAGE_TAG.fullmatch(tag):
            reader.error(tag_node, f"'{tag}' in 'translating' is not a language tag; write a "
                         "tag like cy")
        elif tag in keys:
            reader.error(tag_node, f"{language_name(tag)} ({tag}) is published already (it is "
                         "the main language, or listed in 'languages'): a language is either "
                         "published or being translated; take it out of 'translating'")
        elif reader.text(state, f"how far the {language_name(tag)} is", twin=False) != DRAFT:
            reader.error(state, f"how far the {language_name(tag)} ({tag}) translation is "
                         f"should be '{DRAFT}' (translated in part, not yet reviewed by a "
                         f"{language_name(tag)} translator, not published), found "
                         f"'{state.value}'; when it is finished and reviewed, take {tag} out "
                         "of 'translating' and add it to 'languages' to publish it")
        else:
            found.append(tag)
    return tuple(found)


def declared_languages(reader: Reader, root: Node) -> tuple[str, ...]:
    """The `languages` of publication.yaml, checked; () when it has none (one language)."""
    if not isinstance(root, MappingNode):
        return ()  # reported by the reading of the file
    fields = _fields(root)
    if "languages" not in fields:
        return ()
    key, node = fields["languages"]
    if "language" in fields:
        reader.error(fields["language"][0], "publication.yaml gives both 'language' and "
                     "'languages': write 'language' for guidance in one language, or "
                     "'languages' (the first one the main language) for guidance in several")
    tags = reader.text_list(node, "languages", twin=False)
    if not tags and isinstance(node, SequenceNode):
        reader.error(node, "'languages' lists no language; list at least one, like [en, cy]")
    for tag in tags:
        if not LANGUAGE_TAG.fullmatch(tag):
            reader.error(node, f"'{tag}' in 'languages' is not a language tag; write a tag "
                         "like en, cy or en-GB")
    if len(set(tags)) != len(tags):
        reader.error(key, "a language is listed twice in 'languages'")
    return tuple(dict.fromkeys(tag for tag in tags if LANGUAGE_TAG.fullmatch(tag)))


def project_languages(project: Path) -> tuple[str, ...]:
    """The languages a project's content/publication.yaml declares, read quickly for a variant
    read on its own; () when it declares none or cannot be read (loading the content says why)."""
    source, _ = read_source(project / PUBLICATION_FILE, PUBLICATION_FILE)
    if source is None:
        return ()
    root = parse_yaml(source)[0]
    if root is None:
        return ()
    reader = Reader(source)
    languages = declared_languages(reader, root)
    return () if reader.problems else languages


# `posters:` in publication.yaml, and whether each poster is then in every language at once.
POSTER_CHOICES = {"bilingual": True, "per-language": False}


def bilingual_posters(reader: Reader, node: Node | None) -> bool:
    """The `posters` of publication.yaml: a poster in each language (the default: a whole
    topic fits one page in one language, rarely in two), or every language on each poster;
    said only of guidance in several."""
    if node is None:
        return False
    choice = reader.text(node, "posters", twin=False)
    if choice not in POSTER_CHOICES:
        reader.error(node, f"posters should be 'bilingual' (every language on each poster, "
                     f"on one page) or 'per-language' (a poster in each language), found "
                     f"'{choice}'{suggest(choice, tuple(POSTER_CHOICES))}")
    elif not isinstance(reader.languages, Reading) or len(reader.languages.published) < 2:
        reader.warning(node, "'posters' says how guidance in several languages prints its "
                       "posters, but this guidance is in one language, so it changes "
                       "nothing; take it out, or list every language under 'languages'")
    return POSTER_CHOICES.get(choice, False)


def missing_twin_counts(readings: list[Reading]) -> list[Problem]:
    """One line per file (and language) saying how many of its texts lack their twin, above
    that file's own lines: a translator sees at once how much there is to do, and where."""
    problems = []
    for reading in readings:
        if reading.is_draft:
            continue  # still being translated: counted (translation_progress), no error
        name = f"{language_name(reading.language)} ({reading.language})"
        for file, count in sorted(Counter(where.file for where in reading.missing).items()):
            texts = "1 text in this file has" if count == 1 else \
                f"{count} texts in this file have"
            problems.append(Problem(Location(file), f"{texts} no {name} twin (each is listed "
                                    "below)"))
    return problems


@dataclass(frozen=True, slots=True)
class TranslationProgress:
    """How far a language being translated is: per file, (file, texts translated, texts)."""

    language: str
    files: tuple[tuple[str, int, int], ...]

    @property
    def translated(self) -> int:
        return sum(done for _, done, _ in self.files)

    @property
    def texts(self) -> int:
        return sum(total for _, _, total in self.files)


def translation_progress(reading: Reading) -> TranslationProgress:
    """The texts of each file a draft reading read, and how many of them have their twin."""
    texts = Counter(file for file, _ in {(file, id(node)) for file, node, _ in reading.picked})
    missing = Counter(where.file for where in set(reading.missing))
    return TranslationProgress(reading.language, tuple(
        (file, total - missing[file], total) for file, total in sorted(texts.items())))


def progress_lines(progress: TranslationProgress) -> list[str]:
    """How far a translation is, for `check`: a line for the whole, then one per file."""
    name = language_name(progress.language)
    lines = [f"{name} ({progress.language}) is being translated, a draft not published: "
             f"{progress.translated} of {progress.texts} texts have their {name} so far "
             f"(policygen build --draft {progress.language} shows them)"]
    lines += [f"  {file}: {done} of {total} texts in {name}"
              for file, done, total in progress.files]
    return lines
