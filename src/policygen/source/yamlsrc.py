"""Safe YAML parsing that keeps every value's position and refuses what editors trip over."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from policygen.errors import Location, Problem
from policygen.source.slips import COLON_MESSAGE, TAB_MESSAGE, UNCLOSED, find_slip

# A content file is a few kilobytes; anything this big is a mistake (or an attack) and
# would make the pure-Python parser crawl.
MAX_FILE_BYTES = 2 * 1024 * 1024

_STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class SourceFile:
    """The text of one content file and the name an editor knows it by."""

    name: str
    text: str

    def line(self, number: int) -> str:
        lines = self.text.splitlines()
        return lines[number - 1].rstrip() if 0 < number <= len(lines) else ""

    def context(self, number: int, before: int = 2, after: int = 1) -> tuple[tuple[int, str], ...]:
        """The line with a few around it, numbered, for messages that need to show where."""
        lines = self.text.splitlines()
        shown = range(max(1, number - before), min(len(lines), number + after) + 1)
        return tuple((n, lines[n - 1].rstrip() if n == number else _clip(lines[n - 1].rstrip()))
                     for n in shown)

    def problem(self, node_or_mark: object, message: str) -> Problem:
        line, column = _position(node_or_mark)
        return Problem(Location(self.name, line, column), message, source_line=self.line(line))

    def problem_at(self, index: int, message: str) -> Problem:
        """A problem at a character of the text (for what YAML cannot point at itself)."""
        line = self.text.count("\n", 0, index) + 1
        column = index - (self.text.rfind("\n", 0, index) + 1) + 1
        return Problem(Location(self.name, line, column), message, source_line=self.line(line))

    def location(self, node: Node) -> Location:
        line, column = _position(node)
        return Location(self.name, line, column)


def _clip(line: str, width: int = 90) -> str:
    return line if len(line) <= width else line[: width - 1] + "…"


def _position(node_or_mark: object) -> tuple[int, int]:
    mark = getattr(node_or_mark, "start_mark", node_or_mark)
    if mark is None:
        return 0, 0
    return getattr(mark, "line", -1) + 1, getattr(mark, "column", -1) + 1


def read_source(path: Path, name: str) -> tuple[SourceFile | None, list[Problem]]:
    """Read a file as UTF-8 text, refusing huge or undecodable files with a clear message."""
    try:
        data = _read_plain_file(path)
    except _NotReadable as exc:
        return None, [Problem(Location(name), str(exc))]
    except OSError as exc:
        return None, [Problem(Location(name), f"cannot read the file: {exc.strerror}")]
    try:
        source = SourceFile(name, data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Problem(Location(name, line), "the file is not UTF-8 text (byte "
                              f"0x{data[exc.start]:02x}); save it as UTF-8 in your editor")]
    hidden = CONTROL_CHARACTER.search(source.text)
    if hidden:
        # Reported here with its place, then blanked, so that the rest of the file is still
        # read and checked (YAML itself would stop at it with no line to show).
        problem = source.problem_at(hidden.start(), control_character_message(hidden.group()))
        return SourceFile(name, CONTROL_CHARACTER.sub(" ", source.text)), [problem]
    return source, []


# Characters no text should hold: invisible, and refused by YAML, HTML or the feed's XML. They
# come from text copied out of other programs. (Tab and the line breaks are fine.)
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029"
                               "\ufffe\uffff]")


def control_character_message(character: str) -> str:
    return (f"an invisible control character (U+{ord(character):04X}) is in the text; delete "
            "it (it can come from text copied out of another program) and type the text again")


class _NotReadable(Exception):
    """A file that is not ordinary text to read: the message says what it is instead."""


def _read_plain_file(path: Path) -> bytes:
    # Opened without blocking, and looked at before reading: a named pipe or a device in the
    # content folder would otherwise hang the build (or the preview) for ever.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise _NotReadable(f"this is not an ordinary file (it is {_kind(info.st_mode)}); "
                               "content files must be ordinary text files")
        if info.st_size > MAX_FILE_BYTES:
            raise _NotReadable(f"the file is {info.st_size // 1024} KB; content files may be "
                               f"at most {MAX_FILE_BYTES // 1024} KB")
        return handle.read(MAX_FILE_BYTES + 1)


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"),
             (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))
    return next((name for test, name in kinds if test(mode)), "a special file")


def parse_yaml(source: SourceFile) -> tuple[Node | None, list[Problem]]:
    """Compose the YAML node tree; refuse syntax errors, tags, aliases and duplicate keys."""
    try:
        root = yaml.compose(source.text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(source, exc)]
    except yaml.YAMLError as exc:
        return None, [Problem(Location(source.name), f"YAML syntax error: {exc}")]
    if root is None:
        return None, [Problem(Location(source.name, 1), "the file is empty; expected the "
                              "fields described in docs/content-format.md")]
    fatal: list[Problem] = []
    problems: list[Problem] = []
    _check_tree(source, root, fatal, problems)
    # Duplicate keys are reported but the file is still read (the first value counts), so its
    # other mistakes show too; unsafe tags and aliases stop the file from being read at all.
    return (None if fatal else root), fatal + problems


def _syntax_problem(source: SourceFile, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    # PyYAML notices a slip only where nothing fits any more, often lines later: look for the
    # line the editor most likely got wrong, and say what to do there.
    slip = find_slip(source.text, mark.line + 1) if mark is not None else None
    if slip is not None:
        line, column, what = slip.line, slip.column, slip.message
    else:
        line, column = _position(mark)
        what = _plain_words(exc)
        if "',' or ']'" in what or "',' or '}'" in what:
            line, column = _position(exc.context_mark or mark)  # where the bracket opened
            what = UNCLOSED["[" if "]" in what else "{"]
    return Problem(Location(source.name, line, column), f"YAML syntax error: {what}",
                   source_line=source.line(line), context=source.context(line))


def _plain_words(exc: yaml.MarkedYAMLError) -> str:
    what = exc.problem or exc.context or "cannot be read"
    if "'\\t'" in what or "tab character" in what:
        return TAB_MESSAGE
    if "mapping values are not allowed" in what:
        return COLON_MESSAGE
    words = {"did not find expected key": "this line does not fit the lines around it; check "
             "its indentation and that it is written 'name: text'",
             "could not find expected ':'": "a ':' is missing after a name",
             "found character that cannot start any token": "a character that cannot start "
             "text here; put the text in double quotes (\"…\")",
             "found unexpected end of stream": "the file ends before the text in quotes is "
             "closed"}
    return next((plain for phrase, plain in words.items() if phrase in what), what)


def _check_tree(source: SourceFile, root: Node, fatal: list[Problem],
                problems: list[Problem]) -> None:
    # Walk iteratively: deep nesting must not blow the Python stack. A node reached twice is
    # an alias (*name); refusing aliases also defuses "billion laughs" expansion.
    seen: set[int] = set()
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            fatal.append(source.problem(node, "anchors and aliases (&name, *name) are not "
                                           "allowed; write the text out where it is used"))
            continue
        seen.add(id(node))
        if node.tag not in _STANDARD_TAGS:
            fatal.append(source.problem(node, f"the tag '{node.tag}' is not allowed; "
                                           "remove it and write plain text"))
            continue
        if isinstance(node, ScalarNode) and (hidden := CONTROL_CHARACTER.search(node.value)):
            problems.append(source.problem(node, control_character_message(hidden.group())))
        elif isinstance(node, MappingNode):
            _check_keys(source, node, fatal, problems)
            stack.extend(value for _, value in reversed(node.value))
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))


def _check_keys(source: SourceFile, node: MappingNode, fatal: list[Problem],
                problems: list[Problem]) -> None:
    first_line: dict[str, int] = {}
    for key, _ in node.value:
        if not isinstance(key, ScalarNode):
            fatal.append(source.problem(key, "a key must be a plain name, not a list or "
                                           "mapping"))
            continue
        if key.tag not in _STANDARD_TAGS:
            fatal.append(source.problem(key, f"the tag '{key.tag}' is not allowed"))
        if key.value in first_line:
            problems.append(source.problem(key, f"duplicate key '{key.value}' (first used on "
                                           f"line {first_line[key.value]}); each key may "
                                           "appear only once"))
        else:
            first_line[key.value] = key.start_mark.line + 1
