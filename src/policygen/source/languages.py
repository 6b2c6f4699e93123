"""Guidance in several languages: the languages a publication declares, and each text's twins.

A publication in English and Welsh writes every reader's text in both, side by side:

    title:
      en: Email
      cy: E-bost

The content is read once for each language; each reading takes every text in its language,
so that each gives a whole Publication in that language alone, and a text without its twin
is an error found by the reading of the language it lacks.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from policygen.errors import Location, Problem, suggest
from policygen.source.reader import Reader, is_empty
from policygen.source.yamlsrc import parse_yaml, read_source
from policygen.words import language_name

PUBLICATION_FILE = "content/publication.yaml"
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


class Reading:
    """One reading of the content, in one of the publication's languages (the first is the
    main one: a text written once, without its languages, is taken to be in it)."""

    def __init__(self, language: str, languages: tuple[str, ...],
                 roots: Mapping[str, Node], twins_required: bool = True) -> None:
        self.language = language
        self.languages = languages
        self._roots = roots
        self._paths: dict[str, dict[int, str]] = {}
        self.missing: list[Location] = []  # each text this reading found without its twin
        # `policygen translate` reads content whose twins are still to come: not an error.
        self.twins_required = twins_required
        self.picked: list[tuple[str, Node, str]] = []  # each text read: (file, node, what)

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
        return node

    def _from_mapping(self, reader: Reader, node: MappingNode, what: str) -> Node:
        values: dict[str, Node] = {str(key.value): value for key, value in node.value}
        for key, _ in node.value:
            if str(key.value) not in self.languages:
                reader.error(key, f"'{key.value}' is not one of the publication's languages, "
                             f"in {what}{suggest(str(key.value), self.languages)}; write the "
                             f"text in each language under {keys_of(self.languages)}, the "
                             "languages listed in content/publication.yaml")
        if self.language in values:
            return values[self.language]
        self._missing(reader, node, what)
        first: Node = node.value[0][1]
        return values.get(self.languages[0], first)

    def _missing(self, reader: Reader, node: Node, what: str) -> None:
        if not self.twins_required and self.language != self.languages[0]:
            return  # a translation still to come; the main language's text never is
        self.missing.append(reader.location(node))
        name = f"{language_name(self.language)} ({self.language})"
        path = self._path(reader.source.name, node)
        every = "both" if len(self.languages) == 2 else "each of them"
        reader.error(node, f"no {name} text for {path} ({what}); a publication in "
                     f"{names_of(self.languages)} needs every text in {every}, written under "
                     f"{keys_of(self.languages)}")

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


def declared_languages(reader: Reader, root: Node) -> tuple[str, ...]:
    """The `languages` of publication.yaml, checked; () when it has none (one language)."""
    if not isinstance(root, MappingNode):
        return ()  # reported by the reading of the file
    fields = {str(key.value): (key, value) for key, value in root.value}
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
    elif reader.languages is None:
        reader.warning(node, "'posters' says how guidance in several languages prints its "
                       "posters, but this guidance is in one language, so it changes "
                       "nothing; take it out, or list every language under 'languages'")
    return POSTER_CHOICES.get(choice, False)


def missing_twin_counts(readings: list[Reading]) -> list[Problem]:
    """One line per file (and language) saying how many of its texts lack their twin, above
    that file's own lines: a translator sees at once how much there is to do, and where."""
    problems = []
    for reading in readings:
        name = f"{language_name(reading.language)} ({reading.language})"
        for file, count in sorted(Counter(where.file for where in reading.missing).items()):
            texts = "1 text in this file has" if count == 1 else \
                f"{count} texts in this file have"
            problems.append(Problem(Location(file), f"{texts} no {name} twin (each is listed "
                                    "below)"))
    return problems
