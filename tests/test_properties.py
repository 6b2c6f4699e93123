"""Generated input: whatever an editor types, no traceback, and nothing escapes as markup."""

from __future__ import annotations

import textwrap

import yaml
from bs4 import BeautifulSoup
from conftest import MINIMAL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policygen.errors import ContentError
from policygen.model import Term
from policygen.source.content import parse_content
from policygen.source.markup import MarkdownRenderer

EMAIL = "content/topics/email.yaml"
DANGEROUS = st.sampled_from(["<script>", "</p>", "<img src=x onerror=y>", "javascript:",
                             "[a](javascript:x)", "<!--", "&amp;", "*", "`", "\n\n", "> ",
                             "AUP", "[x](glossary:aup)", "\"", "'", "<b onclick=x>"])
TEXT = st.lists(st.one_of(st.text(max_size=20), DANGEROUS), max_size=12).map("".join)


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_rendered_markdown_never_carries_active_content(text: str) -> None:
    renderer = MarkdownRenderer([Term("aup", "AUP", "…")])
    renderer.start_page("")
    soup = BeautifulSoup(renderer.block(text), "html.parser")
    for element in soup.find_all(True):
        assert element.name in {"p", "em", "strong", "a", "ul", "ol", "li", "code", "br",
                                "blockquote"}
        assert set(element.attrs) <= {"href", "class"}
        assert not element.get("href", "").lower().lstrip().startswith(("javascript", "data"))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_any_item_text_loads_or_fails_with_file_and_line(text: str) -> None:
    files = {k: textwrap.dedent(v) for k, v in MINIMAL.items()}
    files[EMAIL] = files[EMAIL].replace(
        "Use the account your organisation gives you; read the AUP.",
        yaml.safe_dump(text, default_style='"', width=10_000).strip())
    try:
        loaded = parse_content(files)
    except ContentError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.location.file == EMAIL and problem.location.line > 0
        return
    item = loaded.publication.topics[0].practice[0].items[0]
    assert item.text == text.strip()


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_file_text_gives_content_errors_not_tracebacks(text: str) -> None:
    files = {k: textwrap.dedent(v) for k, v in MINIMAL.items()}
    files[EMAIL] = text
    try:
        parse_content(files)
    except ContentError as error:
        assert all(p.location.file for p in error.problems)
