"""Reading a built site the way the tests need: parsed pages, links, visible text."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from bs4 import BeautifulSoup


def parse(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def visible_text(soup: BeautifulSoup) -> str:
    """The page's words with hidden elements (the inactive banner messages) left out."""
    for hidden in soup.select("[hidden]"):
        hidden.decompose()
    return words(soup.get_text(" "))


def words(text: str) -> str:
    """Whitespace folded, and none before punctuation (left where a link ends a phrase)."""
    return re.sub(r"\s+([,.;:!?)])", r"\1", " ".join(text.split()))


def local_links(page: Path, soup: BeautifulSoup) -> list[tuple[Path, str]]:
    """(target file, fragment) for every link and asset that stays inside the site."""
    found = []
    for tag, attr in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
        for element in soup.find_all(tag):
            url = element.get(attr)
            if not url or urlsplit(url).scheme in ("http", "https", "mailto", "tel"):
                continue
            target, fragment = urldefrag(url)
            found.append(((page.parent / target).resolve() if target else page, fragment))
    return found


def plain(markdown_text: str) -> str:
    """The words of a Markdown text as a reader sees them."""
    from policygen.source.markup import MarkdownRenderer
    html = MarkdownRenderer().inline(markdown_text)
    return words(BeautifulSoup(html, "html.parser").get_text(" "))
