"""The YAML layer refuses what is unsafe or ambiguous, naming the file and line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from policygen.source.yamlsrc import MAX_FILE_BYTES, SourceFile, parse_yaml, read_source


def problems_of(text: str) -> list[str]:
    _, problems = parse_yaml(SourceFile("content/x.yaml", text))
    return [f"{p.location}: {p.message}" for p in problems]


@pytest.mark.parametrize(("text", "expected"), [
    ("a: 1\nb: [1, 2\n", "content/x.yaml:2:4: YAML syntax error: a list opened with '[' is not closed with ']'"),
    ("title: x\n\tsummary: y\n", "content/x.yaml:2:1: YAML syntax error: a tab character; indent with spaces, not tabs"),
    ("title: Email: the rules\n", "content/x.yaml:1:13: YAML syntax error: a colon followed by a space inside unquoted text; put the text in quotes (\"…\") or use a block (|)"),
    ("title: a\nsummary: b\ntitle: c\n", "content/x.yaml:3:1: duplicate key 'title' (first used on line 1); each key may appear only once"),
    ("a: !!python/object/apply:os.system ['echo hi']\n", "content/x.yaml:1:4: the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed; remove it and write plain text"),
    ("a: !custom x\n", "content/x.yaml:1:4: the tag '!custom' is not allowed; remove it and write plain text"),
    ("a: &x hello\nb: *x\n", "content/x.yaml:1:4: anchors and aliases (&name, *name) are not allowed; write the text out where it is used"),
    ("", "content/x.yaml:1: the file is empty; expected the fields described in docs/content-format.md"),
    ("# only a comment\n", "content/x.yaml:1: the file is empty; expected the fields described in docs/content-format.md"),
])
def test_refused_yaml_names_line_and_reason(text: str, expected: str) -> None:
    assert problems_of(text)[0] == expected


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i-1}"] * 9) + "]" for i in range(1, 10)]
    started = time.perf_counter()
    problems = problems_of("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 5  # a guard against expansion, not a benchmark
    assert problems and all("aliases" in p for p in problems)


def test_deep_nesting_does_not_crash() -> None:
    text = "a: " + "[" * 5000 + "]" * 5000 + "\n"
    node, problems = parse_yaml(SourceFile("content/x.yaml", text))
    assert node is not None or problems


def test_values_keep_their_written_form() -> None:
    node, problems = parse_yaml(SourceFile("content/x.yaml", "a: no\nb: 1.10\nc: on\n"))
    assert not problems and node is not None
    assert [value.value for _, value in node.value] == ["no", "1.10", "on"]


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"\xef\xbb\xbftitle: Email\n")
    source, problems = read_source(path, "content/x.yaml")
    assert not problems and source is not None
    node, problems = parse_yaml(source)
    assert not problems and node is not None and node.value[0][0].value == "title"


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"title: Email\nsummary: caf\xe9\n")
    source, problems = read_source(path, "content/x.yaml")
    assert source is None
    assert [p.format() for p in problems] == [
        "content/x.yaml:2: error: the file is not UTF-8 text (byte 0xe9); save it as UTF-8 in your editor"]


def test_huge_file_is_refused_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"a: " + b"x" * (10 * 1024 * 1024) + b"\n")
    source, problems = read_source(path, "content/x.yaml")
    assert source is None
    assert problems[0].message == (f"the file is {path.stat().st_size // 1024} KB; content files "
                                   f"may be at most {MAX_FILE_BYTES // 1024} KB")
