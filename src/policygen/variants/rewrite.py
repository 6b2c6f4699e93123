"""Small edits of a variant's file that keep everything else as the editor wrote it.

`policygen rebase` takes a change out (the base's new words are taken instead) or gives a
reworded item new words. Each edit is made on the text, at the lines or characters the YAML
parser says the entry spans, so comments, blank lines and the order of the rest stay; the
result is read again and must be the old data with exactly that edit (source/yamledit.py,
which `translate import` uses too).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from policygen.errors import OutputError
from policygen.source.yamledit import FAILED as _FAILED
from policygen.source.yamledit import checked as _checked
from policygen.source.yamledit import compose as _compose
from policygen.source.yamledit import load_data as _data
from policygen.source.yamledit import with_twin


def without_change(text: str, kind: str, ident: str) -> str:
    """The text without the variant's `kind` change (reword, remove or move) of `ident`;
    an `items:` group left empty goes too."""
    expected = copy.deepcopy(_data(text))
    _drop(expected, kind, ident)
    root = _compose(text)
    group = _child(_child(root, "items"), kind)
    lines = text.splitlines(keepends=True)
    if _entries(group) == 1:  # the last entry: the group goes (and `items:` if it empties)
        items = _child(root, "items")
        span = _line_span(root, "items") if _entries(items) == 1 else _line_span(items, kind)
    else:
        span = _entry_span(group, ident)
    start, end = _with_its_comments(lines, *span)
    del lines[start:end]
    return _checked("".join(lines), expected)


def _with_its_comments(lines: list[str], start: int, end: int) -> tuple[int, int]:
    """The lines of an entry with the comment written just above it (at its indent, no blank
    line between), without the comments and blank lines after it, which belong to the next."""
    while end > start + 1 and lines[end - 1].strip()[:1] in ("", "#"):
        end -= 1
    indent = len(lines[start]) - len(lines[start].lstrip())
    while start > 0 and lines[start - 1].lstrip().startswith("#") and \
            len(lines[start - 1]) - len(lines[start - 1].lstrip()) == indent:
        start -= 1
    return start, end


def with_new_words(text: str, ident: str, words: str) -> str:
    """The text with the reword of `ident` given new words (its poster wording kept)."""
    expected = copy.deepcopy(_data(text))
    entry = expected["items"]["reword"][ident]
    if isinstance(entry, dict):
        entry["text"] = words
    else:
        expected["items"]["reword"][ident] = words
    value = _child(_child(_child(_compose(text), "items"), "reword"), ident)
    if isinstance(value, MappingNode):
        value = _child(value, "text")
    start, end = value.start_mark.index, value.end_mark.index
    tail = "\n" if text[start:end].endswith("\n") else ""  # a block scalar ends with its line
    return _checked(text[:start] + json.dumps(words, ensure_ascii=False) + tail + text[end:],
                    expected)


def with_new_words_in(text: str, ident: str, language: str, main: str, words: str) -> str:
    """The text with the reword of `ident` given new words in one language, in a copy of
    guidance in several (`main` the first); its words in the others, and its poster wording,
    kept."""
    entry = _data(text)["items"]["reword"][ident]
    at_text = isinstance(entry, dict) and "text" in entry
    return with_twin(text, ("items", "reword", ident, *(("text",) if at_text else ())),
                     language, main, words)


def _drop(data: dict[str, Any], kind: str, ident: str) -> None:
    group = data["items"][kind]
    if kind == "reword":
        del group[ident]
    else:
        group[:] = [entry for entry in group if entry != ident
                    and not (isinstance(entry, dict) and entry.get("id") == ident)]
    if not group:
        del data["items"][kind]
    if not data["items"]:
        del data["items"]




def _child(node: Node | None, key: str) -> Node:
    found = _value(node, key) if isinstance(node, MappingNode) else None
    if found is None:
        raise OutputError(f"{_FAILED} (no '{key}' where it was expected)")
    return found


def _value(node: Node, key: str) -> Node | None:
    if isinstance(node, MappingNode):
        return next((value for name, value in node.value if name.value == key), None)
    return None


def _entries(node: Node) -> int:
    return len(node.value) if isinstance(node, MappingNode | SequenceNode) else 0


def _line_span(mapping: Node, key: str) -> tuple[int, int]:
    """The lines [start, end) of a key and its value in a block mapping."""
    assert isinstance(mapping, MappingNode)
    for name, value in mapping.value:
        if name.value == key:
            return name.start_mark.line, _end_line(value)
    raise OutputError(_FAILED)


def _entry_span(group: Node, ident: str) -> tuple[int, int]:
    """The lines of one entry of a group: `ident: …` in a mapping, `- id: ident` in a list."""
    if isinstance(group, MappingNode):
        return _line_span(group, ident)
    if isinstance(group, SequenceNode):
        for entry in group.value:  # `- id: …` (move) or the id alone (remove)
            found = entry if isinstance(entry, ScalarNode) else _value(entry, "id")
            if isinstance(found, ScalarNode) and found.value == ident:
                return entry.start_mark.line, _end_line(entry)
    raise OutputError(_FAILED)


def _end_line(value: Node) -> int:
    """The line after a value's last. A block mapping or list ends where the next key starts,
    which may be on the next line after its indent: the end of its last text is what counts."""
    while isinstance(value, MappingNode | SequenceNode) and value.value and not value.flow_style:
        last = value.value[-1]
        value = last[1] if isinstance(value, MappingNode) else last
    return value.end_mark.line + (1 if value.end_mark.column else 0)
