"""Every web address written in the content and the variants, with the file, line and column
it was written at: what `policygen links` checks.

The addresses are found in the text of each YAML value as the editor wrote it, so that a
Markdown link inside a paragraph, a `url:` field and an address written out in a sentence are
all found, and each is placed exactly, even inside a block of several lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from policygen.errors import Location, Problem
from policygen.source.content import is_kept_copy
from policygen.source.yamlsrc import SourceFile, parse_yaml, read_source

# An address runs to the first space, quote or bracket; trailing punctuation is the sentence's.
_ADDRESS = re.compile(r"""(?i)\bhttps?://[^\s<>"'\[\]{}|\\^`]+|(?<![\w./@-])www\.[^\s<>"'\[\]{}|\\^`]+""")
_TRAILING = ".,;:!?*_~"
# Names kept for examples and tests (RFC 2606 and RFC 6761): never a real site, so not fetched
# but reported, since a published page that points at one points nowhere.
_PLACEHOLDER_ZONES = ("example", "test", "invalid", "localhost")
_PLACEHOLDER_DOMAINS = ("example.com", "example.org", "example.net")


@dataclass(frozen=True, slots=True)
class Address:
    """One web address as written, where it was written, and the line it is on."""

    url: str
    location: Location
    source_line: str

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").rstrip(".").lower()

    @property
    def is_placeholder(self) -> bool:
        host = self.host
        return host.rsplit(".", 1)[-1] in _PLACEHOLDER_ZONES or any(
            host == domain or host.endswith("." + domain) for domain in _PLACEHOLDER_DOMAINS)


def project_files(project: Path) -> list[tuple[Path, str]]:
    """The content files and every variant file, each with the name an editor knows it by
    (not the copies `policygen edition` keeps: what was published then stays as it was, and
    nobody edits it to mend an address)."""
    found = [(path, path.relative_to(project).as_posix())
             for folder in ("content", "variants") if (project / folder).is_dir()
             for path in sorted((project / folder).rglob("*.yaml")) if path.is_file()
             and not is_kept_copy(path.relative_to(project).as_posix())]
    return sorted(found, key=lambda pair: pair[1])


def find_addresses(project: Path) -> tuple[list[Address], list[Problem]]:
    """Every address in the project, in file order; and the files that could not be read."""
    addresses: list[Address] = []
    problems: list[Problem] = []
    for path, name in project_files(project):
        source, unreadable = read_source(path, name)
        problems += unreadable
        if source is None:
            continue
        root, syntax = parse_yaml(source)
        problems += syntax
        if root is not None:
            addresses += addresses_in(source, root)
    return addresses, problems


def addresses_in(source: SourceFile, root: Node) -> Iterator[Address]:
    """The addresses in one file's values (keys and comments are not content)."""
    for node in _values(root):
        start, end = node.start_mark.index, node.end_mark.index
        for match in _ADDRESS.finditer(source.text, start, end):
            url = _without_trailing(match.group(0))
            index = match.start()
            line = source.text.count("\n", 0, index) + 1
            column = index - (source.text.rfind("\n", 0, index) + 1) + 1
            yield Address(url if "://" in url else "https://" + url,
                          Location(source.name, line, column), source.line(line))


def _values(node: Node) -> Iterator[ScalarNode]:
    if isinstance(node, ScalarNode):
        yield node
    elif isinstance(node, SequenceNode):
        for item in node.value:
            yield from _values(item)
    elif isinstance(node, MappingNode):
        for _, value in node.value:
            yield from _values(value)


def _without_trailing(url: str) -> str:
    """The address without the full stop after it, or the bracket closing a Markdown link."""
    while url and (url[-1] in _TRAILING or url[-1] == ")" and url.count("(") < url.count(")")):
        url = url[:-1]
    return url
