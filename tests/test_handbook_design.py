"""The handbook as a designer checks it on paper: pages worth printing, readable sizes, a cover,
page numbers for every internal reference, and alternative text for every figure (issue 17).

Everything is measured on the real default handbook and its variants' (built once for the
module), from the PDF itself: where the text stands and how large it is (pypdf), the links'
destinations and the structure tree (pikepdf).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pikepdf
import pytest
from conftest import REPO
from pdf_helpers import squash
from PIL import Image
from pypdf import PageObject, PdfReader
from site_helpers import plain

from policygen import BuildOptions, build
from policygen.model import Publication
from policygen.source.content import load_content

TODAY = date(2026, 12, 1)
MM = 72 / 25.4
# handbook.css: @page margin 20mm 18mm 26mm; the running header and footer sit in the margins.
CONTENT_TOP_MM, CONTENT_BOTTOM_MM = 20, 26
VARIANTS = ("oakfield-primary", "riverside-house")
SEE_PAGE = re.compile(r"\(see\s*page\s*(\d+)\)")


@dataclass(frozen=True)
class Run:
    """One piece of text as drawn: its baseline (pt from the page's foot) and its size in pt."""

    y: float
    size: float
    text: str


def _times(a: list[float], b: list[float]) -> list[float]:
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def runs(page: PageObject) -> list[Run]:
    """The page's text with the size it prints at: the font size times the text and
    transformation matrices' vertical scale."""
    found: list[Run] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            m = _times(tm, cm)
            found.append(Run(m[5], abs(size) * (m[2] ** 2 + m[3] ** 2) ** 0.5, text))

    page.extract_text(visitor_text=visit)
    return found


def content_area(page: PageObject) -> tuple[float, float]:
    height = float(page.mediabox.height)
    return height - CONTENT_TOP_MM * MM, CONTENT_BOTTOM_MM * MM


def in_content(page: PageObject, run: Run) -> bool:
    top, bottom = content_area(page)
    return bottom < run.y < top


def fill(page: PageObject) -> float:
    """How far down the content area the text reaches: from its top to the lowest baseline.

    Text positions rather than dark pixels: a coloured box or a rule is not reading matter, and
    the question is where the reader's eye stops and blank paper begins.
    """
    top, bottom = content_area(page)
    lowest = min((run.y for run in runs(page) if in_content(page, run)), default=top)
    return (top - lowest) / (top - bottom)


@dataclass(frozen=True)
class Printed:
    project: Path
    out: Path
    pub: Publication

    def handbooks(self) -> Iterator[Path]:
        yield self.out / "handbook.pdf"
        for name in VARIANTS:
            yield self.out / "variants" / name / "handbook.pdf"


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    """The default project's handbooks and notices (base and both variants), built once."""
    project = tmp_path_factory.mktemp("design") / "project"
    for folder in ("content", "templates", "variants"):
        shutil.copytree(REPO / folder, project / folder)
    out = project / "build"
    build(BuildOptions(project, out, TODAY, frozenset({"handbook"}), all_variants=True))
    return Printed(project, out, load_content(project).publication)


def outline_pages(reader: PdfReader) -> dict[str, int]:
    """Each top-level outline entry's title and the page (from 1) it starts on."""
    return {entry.title: reader.get_destination_page_number(entry) + 1
            for entry in reader.outline if not isinstance(entry, list)}


def part_starts(reader: PdfReader) -> set[int]:
    """The pages a part starts on (handbook.html: the contents, the introduction and the
    topics, the summary, the reference sections): the page before each is a part's last."""
    pages = outline_pages(reader)
    titles = list(pages)
    after_summary = titles[titles.index("Summary of good practice") + 1]
    return {pages[t] for t in ("Contents", "Introduction", "Summary of good practice",
                               after_summary)}


def test_every_page_but_a_parts_last_is_at_least_a_quarter_full(printed: Printed) -> None:
    for path in printed.handbooks():
        reader = PdfReader(path)
        count = len(reader.pages)
        parts_last = {start - 1 for start in part_starts(reader)} | {1, count}
        thin = {number: f"{fill(page):.0%}" for number, page in enumerate(reader.pages, 1)
                if number not in parts_last and fill(page) < 0.25}
        assert not thin, (path, thin)


def test_body_text_is_at_least_11pt_and_footers_8_5pt(printed: Printed) -> None:
    for path in printed.handbooks():
        reader = PdfReader(path)
        cover = runs(reader.pages[0])
        assert min(run.size for run in cover) >= 11 - 0.01, path
        for number, page in enumerate(reader.pages[1:], 2):
            body = [run for run in runs(page) if in_content(page, run)]
            margins = [run for run in runs(page) if not in_content(page, run)]
            small = {(run.text.strip(), round(run.size, 2)) for run in body if run.size < 10.99}
            assert not small, (path, number, sorted(small)[:5])
            assert margins, (path, number)
            assert min(run.size for run in margins) >= 8.5 - 0.01, (path, number)


def test_the_cover_has_no_footer_the_warning_once_and_dates_unbroken(printed: Printed) -> None:
    reader = PdfReader(printed.out / "handbook.pdf")
    cover = reader.pages[0].extract_text()
    assert "Page 1 of" not in cover
    assert squash(cover).count(squash("Printed copies may be out of date")) == 1
    # The approval date sat at the end of a long line and broke as "8 / September 2026".
    lines = cover.splitlines()
    for when in ("8 September 2026", "14 September 2026", "14 September 2027"):
        assert any(when in line for line in lines), (when, lines)
    assert any(line.strip() == printed.pub.publisher.name for line in lines)
    # The second page keeps its running footer and page number.
    assert "Page 2 of" in reader.pages[1].extract_text()


def _pixel(pdf: Path, tmp_path: Path, x_mm: float, y_mm: float) -> tuple[int, int, int]:
    stem = tmp_path / pdf.parent.name
    subprocess.run(["pdftoppm", "-r", "25", "-f", "1", "-l", "1", "-png", str(pdf), str(stem)],
                   check=True)
    image = Image.open(next(tmp_path.glob(f"{pdf.parent.name}*.png"))).convert("RGB")
    scale = 25 / 25.4
    pixel = image.getpixel((round(x_mm * scale), round(y_mm * scale)))
    assert isinstance(pixel, tuple)
    return pixel[0], pixel[1], pixel[2]


@pytest.mark.parametrize(("variant", "accent"), [("oakfield-primary", (0x1D, 0x5E, 0x3B)),
                                                 ("riverside-house", (0x5B, 0x2A, 0x6E))])
def test_a_variants_cover_is_in_its_colour_with_its_logo(
        printed: Printed, tmp_path: Path, variant: str, accent: tuple[int, int, int]) -> None:
    path = printed.out / "variants" / variant / "handbook.pdf"
    band = _pixel(path, tmp_path, 8, 8)
    assert all(abs(a - b) <= 3 for a, b in zip(band, accent, strict=True)), band
    figures = [f.get("/Alt") for f in figures_of(path)]
    organisation = {"oakfield-primary": "Oakfield Primary School"}.get(variant)
    assert figures == ([organisation] if organisation else [])  # riverside has no logo


def test_the_base_cover_is_in_the_partnerships_blue(printed: Printed, tmp_path: Path) -> None:
    band = _pixel(printed.out / "handbook.pdf", tmp_path, 8, 8)
    assert all(abs(a - b) <= 3 for a, b in zip(band, (0x1D, 0x3F, 0x6E), strict=True)), band


def _targets(printed: Printed, reader: PdfReader) -> dict[str, int]:
    """Where each link target really is, found apart from the link: a section by its outline
    entry, a glossary term by the page whose text holds the term."""
    pub = printed.pub
    pages = outline_pages(reader)
    titles = {"introduction": "Introduction", "summary": "Summary of good practice",
              "guidelines": pub.guidelines.title, "reporting": "Reporting concerns",
              "glossary": "Glossary", "legal": "Legal consequences",
              "sources": "Further information", "about": "About this guidance"}
    found = {f"section-{name}": pages[title] for name, title in titles.items() if title in pages}
    found |= {f"topic-{t.id}": pages[t.title] for t in pub.topics if t.title in pages}
    found["contents"] = pages["Contents"]
    glossary = pages["Glossary"]
    lines = [page.extract_text().splitlines() for page in reader.pages]
    for term in pub.glossary.terms:
        # The term's own line in the glossary (the term, then what it stands for): other
        # definitions may name it earlier.
        heading = term.term + (f" ({term.stands_for})" if term.stands_for else "")
        found[f"term-{term.id}"] = next(
            number for number in range(glossary, len(lines) + 1)
            if any(squash(line) == squash(heading) for line in lines[number - 1]))
    return found


def test_every_internal_reference_says_the_page_it_points_to(printed: Printed) -> None:
    reader = PdfReader(printed.out / "handbook.pdf")
    targets = _targets(printed, reader)
    contents = outline_pages(reader)["Contents"]
    references = 0
    for number, page in enumerate(reader.pages, 1):
        if number == contents:  # the contents give their numbers after leaders
            continue
        links = [a.get_object() for a in page.get("/Annots", [])]
        named = {str(link["/Dest"]) for link in links if "/Dest" in link}
        said = {int(n) for n in SEE_PAGE.findall(page.extract_text())}
        assert said == {targets[name] for name in named}, (number, sorted(named), said)
        references += len(said)
    assert references >= 15


def test_the_summary_is_on_one_page(printed: Printed) -> None:
    # The summary ends its page (break-after), so it is one page when what follows it starts
    # on the next: an overflow would push the next section a page further.
    for path in printed.handbooks():
        pages = outline_pages(PdfReader(path))
        titles = list(pages)
        start = pages["Summary of good practice"]
        following = titles[titles.index("Summary of good practice") + 1]
        assert pages[following] == start + 1, (path, start, following, pages[following])
    # And in the base, every point of it is on that page.
    reader = PdfReader(printed.out / "handbook.pdf")
    summary = printed.pub.summary
    text = squash(reader.pages[outline_pages(reader)["Summary of good practice"] - 1]
                  .extract_text())
    for item in (*summary.do.items, *summary.do_not.items):
        assert squash(plain(item.text))[:50] in text, item.id


def figures_of(path: Path) -> list[dict[str, str]]:
    """Every /Figure in the PDF's structure tree, with its /Alt where it has one."""
    found: list[pikepdf.Dictionary] = []
    seen: set[tuple[int, int]] = set()

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, pikepdf.Dictionary):
            if node.objgen != (0, 0):
                if node.objgen in seen:
                    return
                seen.add(node.objgen)
            if node.get("/S") == "/Figure":
                found.append(node)
            if "/K" in node:
                walk(node["/K"])

    with pikepdf.open(path) as pdf:
        walk(pdf.Root["/StructTreeRoot"])
        return [{"/Alt": str(f["/Alt"])} if "/Alt" in f else {} for f in found]


def test_no_figure_without_alternative_text(printed: Printed) -> None:
    notices = [printed.out / "variants" / name / "adaptation-notice.pdf" for name in VARIANTS]
    for path in (*printed.handbooks(), *notices):
        assert all(figure.get("/Alt") for figure in figures_of(path)), path
    # The level signs are decoration drawn as artifacts, not 23 unnamed figures.
    assert figures_of(printed.out / "handbook.pdf") == []


def test_the_notice_explains_its_rules_in_words_not_ids(printed: Printed) -> None:
    rules = {rule.id: rule for rule in printed.pub.adaptation.rules}
    for name in VARIANTS:
        text = squash("".join(page.extract_text() for page in
                              PdfReader(printed.out / "variants" / name /
                                        "adaptation-notice.pdf").pages))
        for rule_id in rules:
            assert squash(rule_id) not in text, (name, rule_id)
        assert squash(plain(rules["notify-changes"].explanation)) in text, name
