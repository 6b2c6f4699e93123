"""Typed reading of YAML nodes into values, collecting every problem with its position."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from policygen.errors import Location, Problem, Severity, suggest
from policygen.model import FieldLines, Item
from policygen.source.markup import IMAGE, IMAGE_MESSAGE, LINK_ADVICE, is_allowed_link, links_in
from policygen.source.misplaced import FIELD_NAMES, homes, moved_left, moved_right
from policygen.source.yamlsrc import SourceFile

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LANGUAGE_KEY = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")  # en, cy, en-GB
_NULL_TAG = "tag:yaml.org,2002:null"
ITEM_FIELDS = ("text", "poster")


@dataclass(frozen=True, slots=True)
class MarkdownText:
    """A Markdown field as written, kept so that its links can be checked across files."""

    location: Location
    text: str
    first_text_line: int

    def line_at(self, offset: int) -> int:
        """The file line of a position in the text (exact for block text, | or >)."""
        if self.first_text_line == self.location.line:
            return self.location.line
        return self.first_text_line + self.text.count("\n", 0, offset)


def describe(node: Node) -> str:
    """How an editor would name what they wrote."""
    if isinstance(node, MappingNode):
        return "a set of fields"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == _NULL_TAG:
        return "nothing"
    return f"'{_shorten(node.value)}'"


def _shorten(text: str, width: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def is_empty(node: Node | None) -> bool:
    return node is None or (isinstance(node, ScalarNode) and node.tag == _NULL_TAG)


class Reader:
    """Reads one file's nodes; every mistake becomes a Problem, reading carries on."""

    def __init__(self, source: SourceFile, languages: Languages | None = None) -> None:
        self.source = source
        self._problems: list[Problem] = []  # written only through the methods below
        self.markdown_texts: list[MarkdownText] = []
        # In a publication in several languages, which one this reading takes its text in.
        self.languages = languages

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem reported so far, in the order found."""
        return tuple(self._problems)

    def error(self, node: object, message: str) -> None:
        self._problems.append(self.source.problem(node, message))

    def warning(self, node: object, message: str) -> None:
        """A problem that does not stop the build (listed, and fatal only with --strict)."""
        self._problems.append(replace(self.source.problem(node, message),
                                      severity=Severity.WARNING))

    def error_at(self, where: Location, message: str) -> None:
        """Report a problem at a position kept from an earlier read."""
        self._problems.append(Problem(where, message, source_line=self.source.line(where.line)))

    def location(self, node: Node) -> Location:
        return self.source.location(node)

    def field_lines(self, found: dict[str, Node]) -> FieldLines:
        """Where each of a block's fields (as `fields` returned them) was written."""
        return FieldLines(tuple((name, self.location(value)) for name, value in found.items()))

    def fields(self, node: Node, what: str, required: tuple[str, ...],
               optional: tuple[str, ...] = ()) -> dict[str, Node] | None:
        """The fields of a mapping; unknown, missing or empty required fields are reported."""
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} should be a set of fields ({', '.join(required)}, …), "
                       f"found {describe(node)}")
            return None
        known = required + optional
        found: dict[str, Node] = {}
        misspelt: set[str] = set()
        for index, (key, value) in enumerate(node.value):
            name = str(key.value)
            if name in FIELD_NAMES and name not in known and self._is_content:
                self.error(key, self._misplaced_field(node, index, what, known))
            elif name not in known:
                hint = suggest(name, known)
                misspelt.update(n for n in required if f"'{n}'" in hint)
                self.error(key, f"unknown field '{name}' in {what}{hint}; "
                           f"expected one of: {', '.join(known)}")
            elif not is_empty(value):
                found.setdefault(name, value)
            elif name in required:
                self.error(key, f"the field '{name}' in {what} is empty")
                found.setdefault(name, value)
        for name in required:
            if name not in found and name not in misspelt:
                self.error(node, f"{what} is missing the required field '{name}'")
        return {k: v for k, v in found.items() if not is_empty(v)}

    @property
    def _is_content(self) -> bool:
        # Where a field "belongs" is said in terms of the content files' own sets of fields;
        # in a variant or the settings file it would point the editor at the wrong file.
        return self.source.name.startswith("content/")

    def _misplaced_field(self, node: MappingNode, index: int, what: str,
                         known: tuple[str, ...]) -> str:
        """A field known elsewhere: most likely indented to the wrong level, so say where."""
        key = node.value[index][0]
        name, where = str(key.value), self._moved(node, index)
        if where:
            return f"'{name}' is not a field of {what}: {where}"
        return (f"'{name}' is not a field of {what}; '{name}:' belongs in {homes(name)}: check "
                f"where it is and that it is indented like the fields around it; the fields of "
                f"{what} are: {', '.join(known)}")

    def _moved(self, node: MappingNode, index: int) -> str:
        """How the key at `index` of this mapping was moved off its level, or ''."""
        key = node.value[index][0]
        name = str(key.value)
        owner = moved_left(key, node.value[index - 1] if index else None)
        if owner:
            above = f"'{owner.name}' above (line {owner.line})"
            return (f"it looks like the field {name}: of {above}, moved too far left; indent it "
                    f"{_more(owner.spaces)} so that it sits under '{owner.name}', as "
                    f"{owner.first}: does")
        sibling = moved_right(self.source, node, name)
        if sibling:
            return (f"it looks like a field that belongs beside '{sibling.name}:' (line "
                    f"{sibling.line}), moved too far right; line it up with '{sibling.name}:' "
                    f"({_spaces(sibling.column)})")
        return ""

    def text(self, node: Node, what: str, twin: bool = True) -> str:
        """Plain text. The raw scalar is used, so `no`, `yes` or `1.0` stay as written.

        `twin`: a reader's words, written in each language of the publication; an address, a
        phone number or a code (twin=False) is written once, the same in every language.
        """
        picked = self._in_language(node, what) if twin else node
        return self._marked(picked, self._plain(picked, what))

    def _in_language(self, node: Node, what: str) -> Node:
        return self.languages.pick(self, node, what) if self.languages else node

    def _marked(self, node: Node, text: str) -> str:
        """A draft translation's text not translated yet is marked as a stand-in."""
        return self.languages.marked(node, text) if self.languages else text

    def _plain(self, node: Node, what: str) -> str:
        if not isinstance(node, ScalarNode) or is_empty(node):
            self.error(node, f"{what} should be text, found {describe(node)}"
                       + self._untold_languages(node))
            return ""
        value = str(node.value).strip()
        if not value:
            self.error(node, f"{what} is empty; expected text")
        return value

    def _untold_languages(self, node: Node) -> str:
        """A text written in languages (en:, cy:) in guidance that names no other language."""
        if self.languages is not None or not isinstance(node, MappingNode) or not node.value \
                or not all(_LANGUAGE_KEY.fullmatch(str(key.value)) for key, _ in node.value):
            return ""
        keys = ", ".join(f"{key.value}:" for key, _ in node.value)
        return (f" (the text in languages, {keys}); but content/publication.yaml names no "
                "language besides its own: list a language being translated under "
                "'translating' (like cy: draft), or the published ones under 'languages' "
                "(docs/translating.md)")

    def markdown(self, node: Node, what: str, twin: bool = True) -> str:
        node = self._in_language(node, what) if twin else node
        value = self._plain(node, what)
        value = self._marked(node, value) if twin else value
        if value:
            first = node.start_mark.line + 1
            if isinstance(node, ScalarNode) and node.style in ("|", ">"):
                first += 1  # block text starts on the line after the indicator
            text = MarkdownText(self.location(node), value, first)
            self.markdown_texts.append(text)
            self._check_links(node, text)
        return value

    def _check_links(self, node: Node, text: MarkdownText) -> None:
        """Links may only go to the web, mail, phone or this guidance (see markup.LINK_ADVICE).

        A refused link is an error, not quietly dropped: the editor meant it to go somewhere.
        """
        searched = 0
        for link in links_in(text.text):
            if link.tag == "img" and not IMAGE.search(text.text):  # else reported already
                self._problem_at(node, text, link.href, IMAGE_MESSAGE)
            elif link.tag == "a" and not is_allowed_link(link.href):
                searched = self._problem_at(node, text, link.href, f"the link '{link.href}' "
                                            f"is not a web address: {LINK_ADVICE}", searched)

    def _problem_at(self, node: Node, text: MarkdownText, href: str, message: str,
                    searched: int = 0) -> int:
        """Report at the address as written; the offset in the text searched up to is returned."""
        offset = text.text.find(href, searched) if href else -1
        line = text.line_at(max(offset, 0))
        last = max(node.end_mark.line + 1, line) if node.end_mark else line
        # Plain text folded over several lines has no line per offset: look for it in each.
        found = next(((n, self.source.line(n).find(href)) for n in range(line, last + 1)
                      if href and href in self.source.line(n)), (line, -1))
        self._problems.append(Problem(Location(self.source.name, found[0], found[1] + 1),
                                      message, source_line=self.source.line(found[0])))
        return offset + len(href) if offset >= 0 else searched

    def optional_text(self, fields: dict[str, Node], name: str, what: str,
                      twin: bool = True) -> str:
        return self.text(fields[name], what, twin) if name in fields else ""

    def optional_markdown(self, fields: dict[str, Node], name: str, what: str) -> str:
        return self.markdown(fields[name], what) if name in fields else ""

    def date(self, node: Node, what: str) -> date | None:
        if not isinstance(node, ScalarNode) or is_empty(node):
            self.error(node, f"{what} should be a date like 2026-09-14, found {describe(node)}")
            return None
        raw = str(node.value).strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            self.error(node, f"{what} should be a date written YYYY-MM-DD (like 2026-09-14), "
                       f"found '{_shorten(raw)}'")
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError as exc:
            self.error(node, f"{what} '{raw}' is not a real date ({exc})")
            return None

    def integer(self, node: Node, what: str, minimum: int = 0) -> int | None:
        raw = str(node.value).strip() if isinstance(node, ScalarNode) else ""
        if not re.fullmatch(r"\d+", raw) or int(raw) < minimum:
            self.error(node, f"{what} should be a whole number of at least {minimum}, "
                       f"found {describe(node)}")
            return None
        return int(raw)

    def sequence(self, node: Node, what: str,
                 shape: str = "a list (lines starting with '- ')") -> list[Node]:
        """The entries of a YAML list; anything else is reported (as `what` should be `shape`)."""
        if not isinstance(node, SequenceNode):
            self.error(node, f"{what} should be {shape}, found {describe(node)}")
            return []
        return list(node.value)

    def text_list(self, node: Node, what: str, twin: bool = True) -> tuple[str, ...]:
        texts = (self.text(entry, f"an entry of {what}", twin)
                 for entry in self.sequence(node, what))
        return tuple(text for text in texts if text)

    def entries(self, node: Node, what: str,
                noun: str = "entry") -> list[tuple[str, Node, Node]]:
        """The `id: value` pairs of a mapping keyed by ids, with malformed ids reported."""
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} should be entries written 'id: text', found "
                       f"{describe(node)}")
            return []
        if not node.value:
            self.error(node, f"{what} has no entries")
        found = []
        for index, (key, value) in enumerate(node.value):
            ident = str(key.value)
            if ident in FIELD_NAMES and (where := self._field_as_entry(node, index, noun)):
                self.error(key, where)
                continue
            if not ID_PATTERN.fullmatch(ident):
                self.error(key, f"'{_shorten(ident)}' is not a valid id in {what}: use lower-case "
                           "letters, digits and hyphens, like 'personal-account'")
                continue
            found.append((ident, key, value))
        return found

    def _field_as_entry(self, node: MappingNode, index: int, noun: str) -> str:
        """An id that is a field name, left there by a slip of indentation, or ''."""
        key = node.value[index][0]
        ident = str(key.value)
        owner = moved_left(key, node.value[index - 1] if index else None)
        if owner:
            above = (f"the {noun} above ('{owner.name}')" if node.value[index - 1][0].value
                     == owner.name else f"'{owner.name}' above (line {owner.line})")
            return (f"the {noun} '{ident}' looks like the field {ident}: of {above}, moved too "
                    f"far left; indent it {_more(owner.spaces)} so that it sits under "
                    f"'{owner.name}', as {owner.first}: does")
        sibling = moved_right(self.source, node, ident)
        if sibling:
            return (f"the {noun} '{ident}' looks like the field {ident}: moved too far right; "
                    f"line it up with '{sibling.name}:' on line {sibling.line} "
                    f"({_spaces(sibling.column)})")
        if noun == "item" and ident in ITEM_FIELDS:
            return (f"the item '{ident}' has the name of a field of an item ({ident}:); if it "
                    f"belongs to an item, indent it under that item's id, beside text:; "
                    "otherwise give the item another id")
        return ""

    def items(self, node: Node, what: str, prefix: str = "") -> tuple[Item, ...]:
        """`id: text` items, each keeping its full id (`prefix/id`) and position.

        An item may instead be written with fields, `text` and a shorter `poster` wording.
        """
        items = []
        for ident, key, value in self.entries(node, what, "item"):
            item_what = f"the item '{ident}' in {what}"
            if isinstance(value, MappingNode) and not self.in_languages(value):
                f = self.fields(value, item_what, ITEM_FIELDS[:1], ITEM_FIELDS[1:]) or {}
                text = self.markdown(f["text"], item_what) if "text" in f else ""
                poster = self.optional_markdown(f, "poster", f"the poster wording of {item_what}")
            else:
                text, poster = self.markdown(value, item_what), ""
            if text:
                items.append(Item(prefix + ident, text, self.location(key), poster))
        return tuple(items)


    def in_languages(self, node: MappingNode) -> bool:
        """An item written as its text in each language, not as its fields (text, poster)."""
        return bool(self.languages) and not any(key.value in ITEM_FIELDS for key, _ in node.value)


class Languages(Protocol):
    """source.languages.Reading: which of a publication's languages is being read (a Protocol:
    the reader is used by what the languages module builds on)."""

    language: str  # the language being read
    languages: tuple[str, ...]  # every language of the publication, the main one first

    def pick(self, reader: Reader, node: Node, what: str) -> Node: ...

    def marked(self, node: Node, text: str) -> str: ...


def _spaces(count: int) -> str:
    return "no spaces" if count == 0 else "1 space" if count == 1 else f"{count} spaces"


def _more(count: int) -> str:
    return "1 more space" if count == 1 else f"{count} more spaces"
