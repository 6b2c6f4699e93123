"""Where an editor most likely slipped when a YAML file does not parse, in plain words.

PyYAML's own mark is often lines after the slip (it notices only when nothing fits any
more) and its words are a parser's. This walks the text the way an editor reads it, level by
level of indentation, and stops at the first line that fits no level or no shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TAB_MESSAGE = "a tab character; indent with spaces, not tabs"
COLON_MESSAGE = ("a colon followed by a space inside unquoted text; put the text in quotes "
                 "(\"…\") or use a block (|)")
UNCLOSED = {"[": "a list opened with '[' is not closed with ']'",
            "{": "a set of fields opened with '{' is not closed with '}'"}
_CLOSING = {"[": "]", "{": "}"}

# A field name: what comes before the first ': ' (or a ':' ending the line).
KEY = re.compile(r"(?P<key>[^\s#:\-\[\]{}&*!|>'\"%@`,?“‘][^:#]*?|-[^\s:#][^:#]*?)"
                  r"\s*:(?:\s+(?P<value>.*)|$)")
_BLOCK_HEADER = re.compile(r"[|>](?:[1-9][+-]?|[+-][1-9]?)?\s*(?:#.*)?")
_STRAY = "@`%&*!|>]},?:"
_RESERVED = "@`%"
_SMART = "“‘„«"


@dataclass(frozen=True, slots=True)
class Slip:
    """The line and column (from 1) an editor should look at, and what to do there."""

    line: int
    column: int
    message: str


class _Found(Exception):
    def __init__(self, slip: Slip) -> None:
        super().__init__(slip.message)
        self.slip = slip


@dataclass(slots=True)
class _Level:
    """One open level of indentation: its column, whether it holds fields or a list."""

    indent: int
    kind: str  # "map" or "seq"
    key: str = ""
    line: int = 0


@dataclass(slots=True)
class _Text:
    """The last multi-line text read, so that a line just after it can be told apart."""

    key: str
    key_indent: int
    text_indent: int
    end: int  # index of the line after it


@dataclass(slots=True)
class _State:
    levels: list[_Level] = field(default_factory=list)
    pending: int | None = None  # indent of a 'name:' whose value starts on the next line
    closed: dict[int, tuple[int, _Level]] = field(default_factory=dict)
    text: _Text | None = None
    empty: int = -1  # the line found right after a 'name:' that it leaves empty


def find_slip(text: str, last_line: int) -> Slip | None:
    """The first slip at or before `last_line` (from 1), or None when none is recognised."""
    walker = _Walker(text.split("\n"))
    try:
        walker.walk(last_line)
    except _Found as found:
        return found.slip
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _spaces(count: int) -> str:
    return "no spaces" if count == 0 else "1 space" if count == 1 else f"{count} spaces"


def _is_blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#") or stripped in ("---", "...")


class _Walker:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.s = _State()
        self.step, self.step_seen = 2, False

    def slip(self, index: int, column: int, message: str) -> _Found:
        return _Found(Slip(index + 1, column + 1, message))

    def walk(self, last_line: int) -> None:
        index = 0
        while index < min(last_line, len(self.lines)):
            index = self.line(index) if not _is_blank(self.lines[index]) else index + 1

    def line(self, index: int) -> int:
        raw = self.lines[index].rstrip()
        lead = raw[: len(raw) - len(raw.lstrip(" \t"))]
        if "\t" in lead:
            raise self.slip(index, lead.index("\t"), TAB_MESSAGE)
        indent = _indent(raw)
        content = raw[indent:]
        if content[0] in _STRAY:
            raise self.slip(index, indent, f"this line starts with '{content[0]}', which cannot "
                            "start a line here; delete it")
        entry = content == "-" or content.startswith("- ")
        key = KEY.fullmatch(content)
        if self.open_child(index, indent, entry, key is not None):
            if not entry and key is None:
                return self.own_line_text(index, indent)
        else:
            self.place(index, indent, entry, key is not None, content)
        self.s.text = None
        level = self.s.levels[-1]
        if entry:
            level.line = index + 1
            rest = content[1:].lstrip()
            column = indent + len(content) - len(rest)
            while rest == "-" or rest.startswith("- "):  # a list in a list: "- - x"
                self.s.levels.append(_Level(column, "seq", "", index + 1))
                rest = rest[1:].lstrip()
                column = indent + len(content) - len(rest)
            inner = KEY.fullmatch(rest)
            if inner is None:
                return self.value(index, indent, "", rest, column)
            self.s.levels.append(_Level(column, "map", inner["key"], index + 1))
            return self.value(index, column, inner["key"], inner["value"] or "",
                              column + rest.index(":") + 1 + _lead(rest, inner))
        assert key is not None
        level.key, level.line = key["key"], index + 1
        return self.value(index, indent, key["key"], key["value"] or "",
                          indent + content.index(":") + 1 + _lead(content, key))

    def open_child(self, index: int, indent: int, entry: bool, is_key: bool) -> bool:
        """Start a new level when the line above ended with 'name:' and this one is deeper."""
        parent, self.s.pending = self.s.pending, None
        if parent is None:
            return False
        self.s.empty = index
        if indent > parent or (indent == parent and entry and bool(self.s.levels)
                               and self.s.levels[-1].kind == "map"):
            if not self.step_seen and len(self.s.levels) == 1 and indent > parent:
                # The file's own step, from its first nesting: later ones may be the slip.
                self.step, self.step_seen = indent - parent, True
            kind = "seq" if entry else "map"
            self.s.levels.append(_Level(indent, kind, "", index + 1))
            return True
        return False

    def place(self, index: int, indent: int, entry: bool, is_key: bool, content: str) -> None:
        levels = self.s.levels
        popped: list[_Level] = []
        while levels and levels[-1].indent > indent:
            popped.append(levels.pop())
        for level in popped:
            self.s.closed[level.indent] = (index, level)
        if levels and levels[-1].kind == "seq" and not entry and len(levels) > 1 \
                and levels[-2].indent == indent:
            levels.pop()  # the end of a list written level with its 'name:'
        if not levels:
            levels.append(_Level(indent, "seq" if entry else "map"))
        level = levels[-1]
        if level.indent != indent:
            raise self.misaligned(index, indent, popped)
        if level.kind == "map" and entry:
            raise self.slip(index, indent, "this line starts with '- ' (a list entry), but the "
                            "lines at this level are fields written 'name: …' (like "
                            f"'{level.key}:' on line {level.line}); remove the '- '")
        if level.kind == "seq" and not entry:
            raise self.slip(index, indent, "this line is in a list (the lines at this level "
                            f"start with '- ', like line {level.line}), but it has no '- '; "
                            "add '- ' at its start")
        if level.kind == "map" and not is_key:
            raise self.no_colon(index, indent, content, level)

    def misaligned(self, index: int, indent: int, popped: list[_Level]) -> _Found:
        outer = self.s.levels[-1]
        if not popped:
            return self.slip(index, indent, f"this line is indented {_spaces(indent)}, more "
                             f"than '{outer.key}:' on line {outer.line}, which already has its "
                             f"value; line it up with '{outer.key}:' ({_spaces(outer.indent)})")
        earlier = self.dedented_too_far(index, indent)
        if earlier is not None:
            return earlier
        inner = popped[-1]
        children = self.child_indent(index)
        fits = [level for level in (outer, inner) if children - level.indent == self.step]
        choices = fits or ([outer, inner] if children > indent else [inner, outer])
        where = " or with ".join(f"'{c.key}:' on line {c.line} ({_spaces(c.indent)})"
                                 for c in choices)
        return self.slip(index, indent, f"this line is indented {_spaces(indent)}, but the "
                         f"lines around it are indented {outer.indent} or {inner.indent}; "
                         f"line it up with {where}")

    def dedented_too_far(self, index: int, indent: int) -> _Found | None:
        """The line that opened this level sat too far left: its children did not move."""
        outer = self.s.levels[-1]
        moved, children = outer.indent, self.child_indent(outer.line - 1)
        target = children - self.step
        if children - moved == self.step or target <= moved:
            return None
        closed = self.s.closed.get(target)
        if closed and closed[0] == outer.line - 1:
            name, line = closed[1].key, closed[1].line  # the sibling it left behind
        elif target == indent and (found := KEY.fullmatch(self.lines[index].strip())):
            name, line = found["key"], index + 1
        else:
            return self.slip(outer.line - 1, moved, f"'{outer.key}:' is indented "
                             f"{_spaces(moved)}, but the lines under it are indented {children};"
                             f" indent '{outer.key}:' {_spaces(target)}, {self.step} fewer than "
                             "the lines under it")
        return self.slip(outer.line - 1, moved, f"'{outer.key}:' is indented {_spaces(moved)}, "
                         f"but the lines under it are indented {children}, as under '{name}:' "
                         f"on line {line} ({_spaces(target)}); indent '{outer.key}:' "
                         f"{_spaces(target)} to line it up with '{name}:'")

    def previous_key(self, index: int) -> str:
        for line in reversed(self.lines[:index]):
            if not _is_blank(line):
                found = KEY.fullmatch(line.strip().removeprefix("- "))
                return found["key"] if found else ""
        return ""

    def child_indent(self, index: int) -> int:
        """The indent of the next line when it is deeper than this one, else -1."""
        own = _indent(self.lines[index])
        for line in self.lines[index + 1:]:
            if not _is_blank(line):
                return _indent(line) if _indent(line) > own else -1
        return -1

    def no_colon(self, index: int, indent: int, content: str, level: _Level) -> _Found:
        text = self.s.text
        if text and text.end == index and text.key_indent == indent:
            return self.slip(index, indent, "this line has no 'name:' at its start, and it is "
                             f"indented {_spaces(indent)}, less than the text of '{text.key}:' "
                             f"above it ({_spaces(text.text_indent)}); if it is more of that "
                             f"text, indent it {_spaces(text.text_indent)} like the lines above")
        return self.slip(index, indent, _missing_colon(content, level.key, level.line))

    def own_line_text(self, index: int, indent: int) -> int:
        """Text on its own line under 'name:': fine, unless fields follow it (a lost colon)."""
        parent = self.s.levels[-2].indent if len(self.s.levels) > 1 else -1
        self.s.levels.pop()
        end = index + 1
        while end < len(self.lines) and (_is_blank(self.lines[end])
                                         or _indent(self.lines[end]) > parent):
            follow = KEY.fullmatch(self.lines[end].strip())
            if follow and not _is_blank(self.lines[end]):
                raise self.slip(index, indent, _missing_colon(self.lines[index].strip(),
                                                              follow["key"], end + 1))
            end += 1
        return end

    def value(self, index: int, indent: int, key: str, value: str, column: int) -> int:
        """Check a value and skip its lines; `indent` is that of its name (or '- ')."""
        if not value or value.startswith("#"):
            self.s.pending = indent
            return index + 1
        first = value[0]
        if first in "|>":
            return self.block(index, indent, key, value, column)
        if first in "\"'":
            return self.quoted(index, indent, value, column)
        if first in "[{":
            return self.flow(index, indent, value, column)
        if first in "*&" or first in _RESERVED or value.startswith("- "):
            raise self.slip(index, column, _odd_start(value))
        if first in _SMART and (": " in value or value.endswith(":")):
            raise self.slip(index, column, f"the text starts with a curly quote ({first}), "
                            "which YAML does not treat as a quote, so the colon followed by a "
                            "space inside it is not allowed; replace the curly quotes around "
                            "the text with straight ones (\"…\")")
        self.colon_in_text(index, column, value)
        return self.plain(index, indent, key)

    def colon_in_text(self, index: int, column: int, value: str) -> None:
        text = value.split(" #", 1)[0]
        if ": " in text or text.endswith(":"):
            at = text.find(": ") if ": " in text else len(text) - 1
            raise self.slip(index, column + at, COLON_MESSAGE)

    def plain(self, index: int, indent: int, key: str) -> int:
        end = index + 1
        while end < len(self.lines) and (_is_blank(self.lines[end])
                                         or _indent(self.lines[end]) > indent):
            line = self.lines[end]
            if not _is_blank(line):
                deeper = _indent(line)
                if KEY.fullmatch(line.strip()) and key and self.s.empty == index \
                        and deeper - indent == self.step:
                    raise self.slip(index, indent, f"'{key}:' is indented {_spaces(indent)}, as "
                                    f"far as '{self.previous_key(index)}:' above it, which is "
                                    f"left empty; indent '{key}:' {_spaces(deeper)} like the "
                                    "line under it")
                if KEY.fullmatch(line.strip()) and key:
                    raise self.slip(end, deeper, f"this line is indented {_spaces(deeper)}, "
                                    f"more than '{key}:' on line {index + 1} "
                                    f"({_spaces(indent)}), so it is read as more of the text of "
                                    f"'{key}:'; line it up with '{key}:' ({_spaces(indent)})")
                self.colon_in_text(end, deeper, line.strip())
                self.s.text = _Text(key, indent, deeper, 0)
            end += 1
        if self.s.text is not None:
            self.s.text.end = end
        return end

    def block(self, index: int, indent: int, key: str, value: str, column: int) -> int:
        header = _BLOCK_HEADER.match(value)
        if header is None or header.end() != len(value):
            stray = header.end() if header else 1
            while stray < len(value) and value[stray] == " ":
                stray += 1
            raise self.slip(index, column + stray, f"after '{value[:2].rstrip()}' nothing but a "
                            "comment may follow on the same line; start the text on the next "
                            f"line, indented more than '{key}:'")
        end, text_indent = index + 1, -1
        while end < len(self.lines):
            line = self.lines[end]
            if line.strip():
                if text_indent < 0:
                    text_indent = _indent(line)
                    if text_indent <= indent:
                        break
                if _indent(line) < text_indent:
                    if _indent(line) > indent and not line.lstrip().startswith("#"):
                        raise self.slip(end, _indent(line), "this line of the text of "
                                        f"'{key}:' is indented {_spaces(_indent(line))}, less "
                                        f"than the lines above it ({_spaces(text_indent)}); "
                                        f"indent it {_spaces(text_indent)} like them")
                    break
            end += 1
        if text_indent > indent:
            self.s.text = _Text(key, indent, text_indent, end)
        return end

    def quoted(self, index: int, indent: int, value: str, column: int) -> int:
        quote = value[0]
        end = self.closing(index, column + 1, quote, indent)
        if end is None:
            raise self.slip(index, column, f"the text starting with {quote} is not closed: "
                            f"add the closing {quote} at the end of the text")
        line, at = end
        rest = self.lines[line][at + 1:].strip()
        if rest and not rest.startswith("#"):
            raise self.slip(line, at, _after_quote(self.lines[line], at, quote))
        return line + 1

    def closing(self, index: int, start: int, quote: str, indent: int) -> tuple[int, int] | None:
        """Where a quote opened at (index, start - 1) closes, or None when it does not."""
        line = index
        while True:
            text, at = self.lines[line], start if line == index else 0
            while at < len(text):
                if quote == '"' and text[at] == "\\":
                    at += 2
                    continue
                if text[at] == quote:
                    if quote == "'" and text[at + 1: at + 2] == "'":
                        at += 2
                        continue
                    return line, at
                at += 1
            line += 1
            if line >= len(self.lines) or self.ends_value(line, indent):
                return None

    def ends_value(self, line: int, indent: int) -> bool:
        text = self.lines[line]
        return not _is_blank(text) and _indent(text) <= indent \
            and KEY.fullmatch(text.strip()) is not None

    def flow(self, index: int, indent: int, value: str, column: int) -> int:
        opening, depth, line, at = value[0], 0, index, column
        while True:
            text = self.lines[line]
            while at < len(text):
                char = text[at]
                if char in "\"'":
                    end = self.closing(line, at + 1, char, indent)
                    if end is None:
                        raise self.slip(line, at, f"the text starting with {char} is not "
                                        f"closed: add the closing {char} at the end of the text")
                    line, at, text = end[0], end[1], self.lines[end[0]]
                elif char in "[{":
                    depth += 1
                elif char in "]}":
                    depth -= 1
                    if depth == 0:
                        return self.after_flow(index, line, at, opening, column)
                elif char == "#" and text[at - 1: at] == " ":
                    break
                at += 1
            line, at = line + 1, 0
            if line >= len(self.lines) or self.ends_value(line, indent):
                raise self.slip(index, column, UNCLOSED[opening])

    def after_flow(self, index: int, line: int, at: int, opening: str, column: int) -> int:
        rest = self.lines[line][at + 1:].strip()
        if rest and not rest.startswith("#"):
            kind = "a list" if opening == "[" else "a set of fields"
            raise self.slip(index, column, f"the text starts with '{opening}', which YAML reads "
                            f"as the start of {kind} (ending with '{_CLOSING[opening]}'); put the "
                            "whole text in double quotes (\"…\")")
        return line + 1


def _lead(content: str, match: re.Match[str]) -> int:
    """Spaces between the colon and the value."""
    after = content[content.index(":") + 1:]
    return len(after) - len(after.lstrip(" ")) if match["value"] else 1


def _missing_colon(content: str, sibling: str, sibling_line: int) -> str:
    word = content.split(" ", 1)[0]
    if re.fullmatch(r"[\w-]+:\S.*", content):
        name, rest = content.split(":", 1)
        return (f"there is no space after the colon in '{name}:{rest.split(' ', 1)[0]}'; "
                f"write '{name}: {rest.split(' ', 1)[0]}'")
    if word == content and sibling:
        return (f"'{word}' has no ':' after it; write '{word}:' (a name and a colon, like "
                f"'{sibling}:' on line {sibling_line})")
    like = f" (like '{sibling}:' on line {sibling_line})" if sibling else ""
    return ("this line has no ':' after the name at its start, but the lines at this level are "
            f"fields written 'name: text'{like}; add the colon after the name, or if this is "
            "more of the text above, indent it like that text")


def _odd_start(value: str) -> str:
    first = value[0]
    why = {"*": "as a reference to another place in the file (*name)",
           "&": "as a name given to this value (&name)",
           "-": "as a list entry"}.get(first)
    said = f"YAML reads {why}" if why else "cannot start text that is not in quotes"
    return (f"the text starts with '{first}', which {said}; put the whole text in double "
            "quotes (\"…\")")


def _after_quote(line: str, at: int, quote: str) -> str:
    if quote == "'" and line[at - 1: at].isalpha() and line[at + 1: at + 2].isalpha():
        start = at
        while start > 0 and line[start - 1].isalpha():
            start -= 1
        end = at + 1
        while end < len(line) and line[end].isalpha():
            end += 1
        word = line[start:end]
        doubled = word.replace("'", "''")
        return (f"the text is in single quotes, so the apostrophe in \"{word}\" ends it; write "
                f"the apostrophe twice ({doubled}) or put the text in double quotes (\"…\")")
    return (f"the text in quotes ends at this {quote} but more text follows it; put the whole "
            f"text in quotes, or use curly quotes (“ ”) for a quotation inside it")
