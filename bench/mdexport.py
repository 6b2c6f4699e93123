"""The built site as Markdown: one .md per HTML page, for Hugo and MkDocs to build.

Each page's <main> becomes Markdown with the same words and structure (headings, paragraphs,
lists, tables, emphasis, links), so the three tools render the same text. The header, review
banner and footer are left to each tool's own templates, as a user of that tool would have.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "caption", "tr"}
SKIPPED = {"svg", "script", "style", "nav"}  # icons and in-page navigation: not content


class MainToMarkdown(HTMLParser):
    """Collects the Markdown of a page's <main> element."""

    def __init__(self, index_name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.index_name = index_name
        self.lines: list[str] = []
        self.text: list[str] = []
        self.in_main = False
        self.skip_tag = ""  # the element being left out, and how deep we are inside it
        self.skip_depth = 0
        self.lists: list[str] = []  # "ul" or "ol" for each open list
        self.cells: list[str] | None = None
        self.header_rows = 0
        self.link: str | None = None
        self.title = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.in_main = True
        if not self.in_main:
            return
        if self.skip_depth:
            self.skip_depth += tag == self.skip_tag
            return
        if tag in SKIPPED or "hidden" in dict(attrs):
            self.skip_tag, self.skip_depth = tag, 1
            return
        if self.cells is not None and tag != "tr" and tag not in ("td", "th"):
            self.text.append(" ")  # blocks inside a table cell stay in the cell
        elif tag in BLOCKS or tag in ("ul", "ol", "table", "div", "section"):
            self.flush()
        if tag in ("ul", "ol"):
            self.lists.append(tag)
        elif tag == "tr":
            self.cells = []
        elif tag in ("td", "th"):
            self.flush_cell()
        elif tag in ("strong", "b"):
            self.text.append("**")
        elif tag in ("em", "i", "cite"):
            self.text.append("*")
        elif tag == "br":
            self.text.append(" ")
        elif tag == "a":
            self.link = markdown_href(dict(attrs).get("href") or "", self.index_name)
            self.text.append("[" if self.link else "")

    def handle_endtag(self, tag: str) -> None:
        if not self.in_main:
            return
        if self.skip_depth:
            self.skip_depth -= tag == self.skip_tag
            return
        if tag == "main":
            self.flush()
            self.in_main = False
        elif self.cells is not None and tag != "tr":
            if tag in ("strong", "b", "em", "i", "cite", "a"):
                self.inline_end(tag)
            else:
                self.text.append(" ")
        elif tag in BLOCKS:
            self.end_block(tag)
        elif tag in ("ul", "ol") and self.lists:
            self.flush()
            self.lists.pop()
        else:
            self.inline_end(tag)

    def inline_end(self, tag: str) -> None:
        if tag in ("strong", "b"):
            self.text.append("**")
        elif tag in ("em", "i", "cite"):
            self.text.append("*")
        elif tag == "a" and self.link:
            self.text.append(f"]({self.link})")
            self.link = None

    def handle_data(self, data: str) -> None:
        if self.in_main and not self.skip_depth:
            self.text.append(data)

    def end_block(self, tag: str) -> None:
        text = self.take_text()
        if tag == "tr":
            self.flush_cell()
            self.table_row(self.cells or [])
            self.cells = None
        elif tag[0] == "h" and tag[1:].isdigit():
            self.title = self.title or (text if tag == "h1" else "")
            self.add(f"{'#' * int(tag[1])} {text}")
        elif tag == "li":
            marker = "1." if self.lists and self.lists[-1] == "ol" else "-"
            self.add(f"{'  ' * max(len(self.lists) - 1, 0)}{marker} {text}", gap=False)
        else:
            self.add(text)

    def flush(self) -> None:
        """Text outside any block (in a <div>) becomes a paragraph of its own."""
        text = self.take_text()
        if text and self.cells is None:
            self.add(text)

    def flush_cell(self) -> None:
        if self.cells is not None:
            text = self.take_text()
            if text:
                self.cells.append(text.replace("|", "\\|"))

    def table_row(self, cells: list[str]) -> None:
        if not cells:
            return
        self.add("| " + " | ".join(cells) + " |", gap=False)
        if self.header_rows == 0:
            self.add("|" + " --- |" * len(cells), gap=False)
        self.header_rows += 1

    def take_text(self) -> str:
        text = re.sub(r"\s+", " ", "".join(self.text)).strip()
        self.text = []
        return text.replace("** **", " ").replace("****", "")

    def add(self, line: str, gap: bool = True) -> None:
        if not line:
            return
        if gap and self.lines and self.lines[-1] != "":
            self.lines.append("")
        if not line.startswith("|"):
            self.header_rows = 0
        self.lines.append(line)
        if gap:
            self.lines.append("")


def markdown_href(href: str, index_name: str) -> str:
    """Links between pages point at the Markdown files; anchors and other sites stay."""
    if not href or href.startswith("#"):
        return ""
    if re.match(r"[a-z]+:", href):
        return href
    path, _, fragment = href.partition("#")
    if not path.endswith(".html"):
        return ""  # the PDFs and feeds are not part of the Markdown sites
    return markdown_name(path, index_name) + (f"#{fragment}" if fragment else "")


def markdown_name(html_path: str, index_name: str) -> str:
    """topics/email.html -> topics/email.md; index.html -> `index_name` (see export)."""
    path = html_path.removesuffix(".html") + ".md"
    return re.sub(r"(^|/)index\.md$", rf"\g<1>{index_name}", path)


def page_markdown(html: str, index_name: str = "_index.md") -> tuple[str, str]:
    """(title, Markdown body) of one built page."""
    parser = MainToMarkdown(index_name)
    parser.feed(html)
    parser.close()
    body = "\n".join(parser.lines).strip() + "\n"
    return parser.title, re.sub(r"\n{3,}", "\n\n", body)


def export(site: Path, docs: Path, index_name: str = "_index.md") -> dict[str, int]:
    """Every HTML page under `site` as Markdown under `docs`; returns pages and words.

    For Hugo, index.html becomes _index.md: Hugo makes a folder with an index.md one page
    whose other files are its attachments, while _index.md keeps them pages. MkDocs wants
    index.md.
    """
    pages = words = 0
    for html_file in sorted(site.rglob("*.html")):
        relative = html_file.relative_to(site).as_posix()
        title, body = page_markdown(html_file.read_text(encoding="utf-8"), index_name)
        target = docs / markdown_name(relative, index_name)
        target.parent.mkdir(parents=True, exist_ok=True)
        front = f"---\ntitle: {json.dumps(title or html_file.stem)}\n---\n\n"
        target.write_text(front + body, encoding="utf-8")
        pages += 1
        words += len(re.findall(r"[A-Za-z0-9’']+", body))
    return {"pages": pages, "words": words}


def html_words(site: Path) -> int:
    """Words in the <main> of every page of the built site, to compare with the export."""
    total = 0
    for html_file in site.rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        main = text[text.find("<main"):text.find("</main>")]
        main = re.sub(r"<svg.*?</svg>|<[^>]+>", " ", main, flags=re.DOTALL)
        total += len(re.findall(r"[A-Za-z0-9’']+", main))
    return total
