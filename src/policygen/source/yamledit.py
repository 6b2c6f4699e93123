"""Small edits of a YAML file that keep everything else as the editor wrote it.

An edit is made on the text, at the characters the YAML parser says a value spans, so that
comments, blank lines and the order of the rest stay; the result is read again and must be
the old data with exactly that edit (else nothing is changed, and the editor is told to make
it by hand). `policygen rebase` edits a variant's file this way (variants/rewrite.py), and
`policygen translate import` puts each translation beside its text.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from policygen.errors import OutputError

FAILED = ("policygen could not make this edit without changing the rest of the file; make "
          "it by hand")

Path = tuple[str | int, ...]


def compose(text: str) -> MappingNode:
    """The file's node tree (the pure-Python parser: its marks count characters)."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, MappingNode):
        raise OutputError(FAILED)
    return root


def load_data(text: str) -> Any:
    return yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 (the safe loader)


def checked(text: str, expected: Any) -> str:
    """The edited text, if it reads back as exactly the data expected."""
    try:
        same = load_data(text) == expected
    except yaml.YAMLError:
        same = False
    if not same:
        raise OutputError(FAILED)
    return text


def with_twin(text: str, path: Path, language: str, main: str, words: str) -> str:
    """The text with `words` as the `language` twin of the text at `path` (written once, the
    text becomes `main: …` and `language: …`; a twin already there is replaced)."""
    node, parent = _at(compose(text), path)
    if isinstance(node, ScalarNode):
        text = _as_languages(text, node, parent, path, main)
        node, parent = _at(compose(text), path)
    if not isinstance(node, MappingNode):
        raise OutputError(FAILED)
    expected = copy.deepcopy(load_data(text))
    _data_at(expected, path)[language] = _value_of(words, node.flow_style)
    old = next(((key, value) for key, value in node.value if key.value == language), None)
    if old is not None:
        return checked(_replaced(text, *old, words, node.flow_style), expected)
    return checked(_inserted(text, node, language, words), expected)


def _at(root: Node, path: Path) -> tuple[Node, Node]:
    node, parent = root, root
    for part in path:
        parent = node
        if isinstance(node, MappingNode) and isinstance(part, str):
            found = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
            found = node.value[part]
        else:
            found = None
        if found is None:
            raise OutputError(f"{FAILED} (nothing at {'.'.join(map(str, path))})")
        node = found
    return node, parent


def _data_at(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


def _as_languages(text: str, node: ScalarNode, parent: Node, path: Path, main: str) -> str:
    """A text written once, written instead under its language, `main: …`."""
    expected = copy.deepcopy(load_data(text))
    inner = _data_at(expected, path[:-1])
    inner[path[-1]] = {main: inner[path[-1]]}
    start, end = node.start_mark.index, node.end_mark.index
    body, tail = _body(text[start:end], node)
    if getattr(parent, "flow_style", False):
        return checked(text[:start] + f"{{{main}: {body}}}" + tail + text[end:], expected)
    indent = " " * (node.start_mark.column if isinstance(parent, SequenceNode)
                    else _key_column(parent, node) + 2)
    moved = re.sub(r"\n(?=[^\n])", "\n  ", body)  # continuation lines stay under the text
    if isinstance(parent, SequenceNode):
        new = f"{main}: {moved}"
    else:
        start = text.rindex(":", 0, start) + 1  # from just after the key's colon
        new = f"\n{indent}{main}: {moved}"
    return checked(text[:start] + new + tail + text[end:], expected)


def _key_column(mapping: Node, value: Node) -> int:
    assert isinstance(mapping, MappingNode)
    return int(next(k.start_mark.column for k, v in mapping.value if v is value))


def _body(written: str, node: ScalarNode) -> tuple[str, str]:
    """A scalar as written, and the line ends a block scalar ends with (kept after it)."""
    if node.style not in ("|", ">"):
        return written, ""
    body = written.rstrip()
    return body, written[len(body):]


def _replaced(text: str, key: Node, old: Node, words: str, flow: bool | None) -> str:
    if not isinstance(old, ScalarNode):
        raise OutputError(FAILED)
    start, end = old.start_mark.index, old.end_mark.index
    _, tail = _body(text[start:end], old)
    if not tail and text[end:].split("\n", 1)[0].strip():
        flow = True  # a comment after it on its line: a block would take the comment in
    return text[:start] + _scalar(words, key.start_mark.column + 2, flow) + tail + text[end:]


def _inserted(text: str, node: MappingNode, language: str, words: str) -> str:
    """A `language: …` entry after the mapping's last, at its indent."""
    last = node.value[-1][1]
    if node.flow_style:
        at = last.end_mark.index
        return text[:at] + f", {language}: {_scalar(words, 0, True)}" + text[at:]
    column = node.value[0][0].start_mark.column
    at = _line_end(text, last)
    line = f"{' ' * column}{language}: {_scalar(words, column + 2, False)}\n"
    return text[:at] + line + text[at:]


def _line_end(text: str, node: Node) -> int:
    """Where the line after a value starts (after a block scalar's last line of text)."""
    start, end = node.start_mark.index, node.end_mark.index
    if isinstance(node, ScalarNode) and node.style in ("|", ">"):
        end = start + len(text[start:end].rstrip())
    newline = text.find("\n", end)
    return len(text) if newline < 0 else newline + 1


def _scalar(words: str, indent: int, flow: bool | None) -> str:
    """The words as YAML: plain when that reads back the same, a block for paragraphs."""
    if flow or (("\n" in words) and words[:1] in (" ", "\t")):
        return json.dumps(words, ensure_ascii=False)
    if "\n" in words:
        lines = [(" " * indent + line) if line else "" for line in words.split("\n")]
        return "|\n" + "\n".join(lines)
    try:
        plain = yaml.safe_load(f"k: {words}") == {"k": words}
    except yaml.YAMLError:
        plain = False
    return words if plain else json.dumps(words, ensure_ascii=False)


def _value_of(words: str, flow: bool | None) -> str:
    """What the twin reads back as: a block keeps its last line's end."""
    return words + "\n" if "\n" in words and not flow and words[:1] not in (" ", "\t") \
        else words
