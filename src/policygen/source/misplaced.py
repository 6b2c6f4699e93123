"""Valid YAML that is almost certainly a slip: a field indented to the wrong level.

A field moved two spaces left or right still parses, as an item id or a field of the wrong
thing; the site would show an extra bullet or lose the text. These say where it belongs.
"""

from __future__ import annotations

from dataclasses import dataclass

from yaml.nodes import MappingNode, Node, ScalarNode

from policygen.source.slips import KEY
from policygen.source.yamlsrc import SourceFile

# The fields that go together in one set, as sections.py reads them: what a key fits into.
FIELD_GROUPS: tuple[tuple[str, frozenset[str]], ...] = (
    ("an item", frozenset({"text", "poster"})),
    ("a topic", frozenset({"title", "summary", "practice", "in_place", "intro", "headline",
                           "scope", "preamble"})),
    ("'practice' (as best:, safe: and poor:)", frozenset({"best", "safe", "poor"})),
    ("a practice level (best:, safe: or poor:)",
     frozenset({"label", "items", "consequences", "shared_consequences"})),
    ("a glossary term", frozenset({"term", "definition", "stands_for", "aliases", "group"})),
    ("a contact in reporting.yaml", frozenset({"name", "for", "phone", "url", "email"})),
    ("an offence in legal.yaml", frozenset({"law", "offence", "summary_maximum",
                                            "indictment_maximum"})),
    ("a source in sources.yaml", frozenset({"name", "url", "about", "checked"})),
    ("a group in sources.yaml", frozenset({"title", "sources"})),
    ("an adaptation rule", frozenset({"changes", "permission", "explanation"})),
)
FIELD_NAMES = frozenset().union(*(fields for _, fields in FIELD_GROUPS))


@dataclass(frozen=True, slots=True)
class Owner:
    """The set of fields a misplaced key belongs in: its name, and a field it already has."""

    name: str
    line: int
    first: str
    spaces: int  # how much further right the key must go


@dataclass(frozen=True, slots=True)
class Sibling:
    """A field the misplaced key should line up with (it was moved too far right)."""

    name: str
    line: int
    column: int


def moved_left(key: ScalarNode, previous: tuple[Node, Node] | None) -> Owner | None:
    """The set of fields above that `key` fits into, when it was moved too far left."""
    chain: list[tuple[Node, MappingNode]] = []
    while previous is not None and isinstance(previous[1], MappingNode) and previous[1].value:
        chain.append((previous[0], previous[1]))
        previous = previous[1].value[-1]
    for owner_key, mapping in reversed(chain):  # the deepest first: the nearest slip
        names = {str(k.value) for k, _ in mapping.value}
        if key.value not in names and _fits(names | {str(key.value)}):
            first = mapping.value[0][0]
            return Owner(str(owner_key.value), owner_key.start_mark.line + 1, str(first.value),
                         first.start_mark.column - key.start_mark.column)
    return None


def moved_right(source: SourceFile, mapping: MappingNode, name: str) -> Sibling | None:
    """A field further left that `name` goes beside, when it was moved too far right."""
    lines = source.text.splitlines()
    column = mapping.start_mark.column
    for number in range(mapping.start_mark.line - 1, -1, -1):
        text = lines[number] if number < len(lines) else ""
        indent = len(text) - len(text.lstrip(" "))
        if not text.strip() or text.lstrip().startswith("#") or indent >= column:
            continue
        column = indent
        found = KEY.fullmatch(text.strip().removeprefix("- "))
        if found and _fits({found["key"], name}):
            return Sibling(found["key"], number + 1, indent)
        if indent == 0:
            break
    return None


def homes(name: str) -> str:
    """Where a field of this name belongs, in words."""
    return " or ".join(what for what, fields in FIELD_GROUPS if name in fields)


def _fits(names: set[str]) -> bool:
    return any(names <= fields for _, fields in FIELD_GROUPS)
