"""Each reader's text of a publication in several languages, with its twins and a stable name.

A text is named by its file and the keys above it (`practice.best.items.work-account.text`,
a list entry by its number from 0): the name a translation is kept under, and the id of its
unit in a translator's file. It stays the same when the words change, which is what lets a
translation be matched to the text it was made from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from policygen.errors import Location

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Twin:
    """A text in one language, where it is written."""

    language: str
    text: str  # as the reader reads it: stripped
    location: Location


@dataclass(frozen=True, slots=True)
class TwinText:
    """One text a reader reads, in each language it is written in so far."""

    file: str
    path: Path  # the keys (and list positions) from the top of the file
    what: str  # what it is, in the words of the content's messages
    location: Location  # the field
    twins: tuple[Twin, ...]

    @property
    def name(self) -> str:
        """The text's stable name within its file (`practice.best.items.work-account`)."""
        return ".".join(str(part) for part in self.path)

    def twin(self, language: str) -> Twin | None:
        return next((t for t in self.twins if t.language == language), None)


def fingerprint(text: str) -> str:
    """A short fingerprint of a text, to tell later whether it is still the same."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def twin_texts(picked: Iterable[tuple[str, Node, str]], roots: Mapping[str, Node],
               languages: tuple[str, ...]) -> tuple[TwinText, ...]:
    """The texts a reading took, each once, in file order, with the text in each language."""
    paths = {name: dict(_paths(root, ())) for name, root in roots.items()}
    found: dict[tuple[str, int], TwinText] = {}
    for file, node, what in picked:
        path = paths.get(file, {}).get(id(node))
        if path is not None and (file, id(node)) not in found:
            twins = _twins(file, node, languages)
            if twins:
                found[(file, id(node))] = TwinText(file, path, what, _where(file, node), twins)
    return tuple(sorted(found.values(), key=lambda t: (t.file, t.location.line,
                                                       t.location.column)))


def _twins(file: str, node: Node, languages: tuple[str, ...]) -> tuple[Twin, ...]:
    if isinstance(node, ScalarNode):  # written once: the main language's
        values = [(languages[0], node)]
    elif isinstance(node, MappingNode):
        values = [(str(key.value), value) for key, value in node.value
                  if str(key.value) in languages]
    else:
        return ()
    return tuple(Twin(language, str(value.value).strip(), _where(file, value))
                 for language, value in values
                 if isinstance(value, ScalarNode) and str(value.value).strip())


def _where(file: str, node: Node) -> Location:
    return Location(file, node.start_mark.line + 1, node.start_mark.column + 1)


def _paths(node: Node, above: Path) -> list[tuple[int, Path]]:
    found = [(id(node), above)] if above else []
    if isinstance(node, MappingNode):
        for key, value in node.value:
            found += _paths(value, (*above, str(key.value)))
    elif isinstance(node, SequenceNode):
        for number, entry in enumerate(node.value):
            found += _paths(entry, (*above, number))
    return found
