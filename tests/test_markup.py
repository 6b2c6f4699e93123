"""Markdown from many hands cannot inject anything; internal and glossary links work."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from policygen.model import Term
from policygen.source.markup import MarkdownRenderer

TERMS = [Term("aup", "AUP", "…", aliases=("acceptable use policy",)),
         Term("grooming", "grooming", "…")]


@pytest.fixture
def renderer() -> MarkdownRenderer:
    r = MarkdownRenderer(TERMS)
    r.start_page("../")
    return r


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    "<iframe src='https://evil.example'></iframe>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
    "<!-- <script>alert(1)</script> -->",
    "<a href='#' onclick='alert(1)'>x</a>",
    "![x](javascript:alert(1))",
    "<svg onload=alert(1)>",
    "[x](vbscript:msgbox)",
])
def test_hostile_markdown_is_neutralised(renderer: MarkdownRenderer, hostile: str) -> None:
    soup = BeautifulSoup(renderer.block(hostile), "html.parser")
    assert not soup.find(["script", "iframe", "img", "svg", "style", "object", "embed"])
    for element in soup.find_all(True):
        assert not any(attr.startswith("on") for attr in element.attrs)
        href = element.get("href", "")
        assert not href or href.split(":")[0].lower() in ("https", "http", "mailto", "tel") \
            or ":" not in href


def test_raw_html_is_shown_as_text(renderer: MarkdownRenderer) -> None:
    html = renderer.inline("Never type <script> into a page")
    assert html == "Never type &lt;script&gt; into a page"


def test_deep_nesting_renders_without_crashing(renderer: MarkdownRenderer) -> None:
    html = renderer.block("> " * 5000 + "deep")
    assert "deep" in html


def test_internal_links_become_relative_links(renderer: MarkdownRenderer) -> None:
    html = renderer.inline("[email](topic:email), [lead](page:reporting), [AUP](glossary:aup), "
                           "[home](page:home)")
    hrefs = [a["href"] for a in BeautifulSoup(html, "html.parser").find_all("a")]
    assert hrefs == ["../topics/email.html", "../reporting.html", "../glossary.html#term-aup",
                     "../index.html"]


def test_glossary_terms_link_once_per_page(renderer: MarkdownRenderer) -> None:
    first = renderer.inline("Read the AUP. The AUP matters. Watch for grooming.")
    second = renderer.inline("The acceptable use policy and Grooming again.")
    links = BeautifulSoup(first + second, "html.parser").find_all("a")
    assert [(a.get_text(), a["href"]) for a in links] == [
        ("AUP", "../glossary.html#term-aup"), ("grooming", "../glossary.html#term-grooming")]
    renderer.start_page("")
    again = BeautifulSoup(renderer.inline("The AUP."), "html.parser").find("a")
    assert again["href"] == "glossary.html#term-aup"


def test_acronyms_match_only_in_capitals_and_never_inside_links(
        renderer: MarkdownRenderer) -> None:
    html = renderer.inline("see https://aup.example.org and [the AUP text](https://x.org) "
                           "and `AUP` and aup")
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.select("a.term")


def test_glossary_page_links_no_terms() -> None:
    r = MarkdownRenderer(TERMS)
    r.start_page("", link_terms=False)
    assert "<a" not in r.inline("The AUP and grooming.")
