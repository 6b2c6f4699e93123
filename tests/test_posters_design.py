"""The posters as notices read from two metres (issue 17), measured in the real PDFs: text sizes
from pypdf's text runs, blank space from a rendering, the QR code as a phone reads it."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import REPO, ProjectMaker
from pdf_helpers import page_texts, qr_codes, squash
from pypdf import PdfReader

from policygen import BuildOptions, ContentError, build

TODAY = date(2026, 12, 1)
SITE_URL = "https://esafety.example.org/guidance/"
MIN_BODY = {"": 18.0, "-a3": 25.4}


@pytest.fixture(scope="module")
def default_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default project with a site_url, every poster on A4 and A3, variants too."""
    project = tmp_path_factory.mktemp("posters") / "project"
    shutil.copytree(REPO, project, ignore=shutil.ignore_patterns(
        "build", ".git", ".venv", "__pycache__", "tests", ".*cache"))
    pub_file = project / "content" / "publication.yaml"
    pub_file.write_text(f"site_url: {SITE_URL}\n" + pub_file.read_text())
    out = project / "build"
    build(BuildOptions(project, out, TODAY, frozenset({"posters"}), ("a4", "a3"),
                       all_variants=True))
    return out


def runs(pdf: Path) -> list[tuple[float, str]]:
    """(font size in pt, text) of every text run on the first page."""
    found: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            found.append((round(size * abs(tm[3]) * abs(cm[3] or 1), 1), text.strip()))
    PdfReader(pdf).pages[0].extract_text(visitor_text=visit)
    return found


def posters(out: Path) -> list[Path]:
    return sorted(out.rglob("posters/*.pdf"))


def test_every_default_poster_has_large_body_text_and_a_rule_twice_its_size(
        default_build: Path) -> None:
    assert len(posters(default_build)) > 40
    for pdf in posters(default_build):
        suffix = "-a3" if pdf.stem.endswith("-a3") else ""
        found = runs(pdf)
        sizes = [size for size, text in found if len(text) > 3]
        weight: dict[float, int] = {}
        for size, text in found:  # the body is the size most of the text is in
            weight[size] = weight.get(size, 0) + len(text)
        body = max(weight, key=lambda size: weight[size])
        assert body >= MIN_BODY[suffix], (pdf, body)
        name = pdf.stem.removesuffix("-a3")
        if name not in ("summary", "guidelines", "reporting", "internet"):
            assert max(sizes) >= 2 * body - 0.1, (pdf, max(sizes), body)


def test_the_page_is_used_down_to_the_footer(default_build: Path, tmp_path: Path) -> None:
    from PIL import Image
    for pdf in posters(default_build):
        if pdf.stem.endswith("-a3"):
            continue
        stem = tmp_path / pdf.stem
        subprocess.run(["pdftoppm", "-r", "30", "-gray", "-singlefile", "-png", str(pdf),
                        str(stem)], check=True)
        image = Image.open(f"{stem}.png").convert("L")
        width, height = image.size
        rows = [all(image.getpixel((x, y)) > 245 for x in range(0, width, 2))
                for y in range(height)]
        # The footer's rule is the last dark full-width line: blank rows just above it.
        foot = max(y for y in range(height * 2 // 3, height)
                   if sum(image.getpixel((x, y)) < 200 for x in range(width)) > width * 0.7)
        blank = 0
        for y in range(foot - 3, 0, -1):
            if not rows[y]:
                break
            blank += 1
        assert blank * 25.4 / 30 < 20, (pdf, blank * 25.4 / 30)


def test_every_poster_names_where_to_check_and_its_qr_is_labelled(default_build: Path) -> None:
    for pdf in posters(default_build):
        text = squash(page_texts(pdf)[0])
        assert squash("Check this is the current version:") in text, pdf
        assert squash("Scan to check the current version") in text, pdf
    assert qr_codes(default_build / "posters" / "email.pdf") == [f"{SITE_URL}topics/email.html"]


def test_without_a_site_url_the_publisher_is_where_to_check(
        make_project: ProjectMaker, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(BuildOptions(make_project(), out, TODAY, frozenset({"posters"})))
    text = squash(page_texts(out / "posters" / "email.pdf")[0])
    assert squash("Check this is the current version:") in text
    assert "Scan" not in text


def test_999_is_the_largest_number_on_the_reporting_poster(default_build: Path) -> None:
    for pdf in default_build.rglob("posters/reporting*.pdf"):
        found = runs(pdf)
        size_999 = max(size for size, text in found if text == "999")
        numbers = [size for size, text in found if any(c.isdigit() for c in text)
                   and text != "999"]
        assert size_999 > max(numbers), pdf


def test_no_figure_without_alt(default_build: Path) -> None:
    pikepdf = pytest.importorskip("pikepdf")
    for pdf in posters(default_build)[:12]:
        with pikepdf.open(pdf) as doc:
            todo = [doc.Root.StructTreeRoot]
            figures = 0
            while todo:
                node = todo.pop()
                if isinstance(node, pikepdf.Dictionary):
                    if node.get("/S") == "/Figure":
                        figures += 1
                        assert "/Alt" in node, pdf
                    kids = node.get("/K")
                    if kids is not None:
                        todo.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
                elif isinstance(node, pikepdf.Array):
                    todo.extend(node)


def test_a_contact_nobody_can_reach_is_an_error_with_its_line(
        make_project: ProjectMaker, tmp_path: Path) -> None:
    project = make_project()
    reporting = project / "content" / "reporting.yaml"
    text = reporting.read_text()
    reporting.write_text(text + "  lado:\n    name: LADO\n    for: Allegations about adults.\n")
    line = len(text.splitlines()) + 1
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(project, tmp_path / "out", TODAY, frozenset({"posters"})))
    assert [f"{p.location}: {p.message}" for p in caught.value.problems] == [
        f"content/reporting.yaml:{line}:3: the contact 'lado' has no phone, email or web address: "
        "a reader cannot reach it; add one, or remove the contact"]
