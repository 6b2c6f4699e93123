"""Real PDFs from WeasyPrint, read back: posters fit one page, the handbook is complete."""

from __future__ import annotations

import re
import shutil
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from conftest import REPO, ProjectMaker
from pdf_helpers import page_texts, qr_codes, squash
from pypdf import PdfReader
from site_helpers import plain

from policygen import BuildOptions, BuildReport, ContentError, build
from policygen.build.pipeline import check
from policygen.model import Publication
from policygen.render.edition import base_edition_of
from policygen.render.fitting import Step
from policygen.render.pdf import render_job
from policygen.render.printing import A3, A4, Paper, PrintJob, PrintOptions
from policygen.render.stage import print_jobs
from policygen.render.templating import make_environment
from policygen.source.content import load_content

TODAY = date(2026, 11, 25)
PRINT = frozenset({"posters", "handbook"})
A4_PT = (595, 842)
A3_PT = (842, 1191)
SITE_URL = "https://esafety.example.org/guidance/"


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Publication, Path, BuildReport]:
    """The default content with a site URL, printed on A4 and A3 once for this module."""
    project = tmp_path_factory.mktemp("printed") / "project"
    for folder in ("content", "templates"):
        shutil.copytree(REPO / folder, project / folder)
    pub_file = project / "content" / "publication.yaml"
    pub_file.write_text(f"site_url: {SITE_URL}\n" + pub_file.read_text())
    out = project / "build"
    report = build(BuildOptions(project, out, TODAY, PRINT | {"site"}, ("a4", "a3")))
    return load_content(project).publication, out, report


def poster_names(pub: Publication) -> list[str]:
    return [t.id for t in pub.topics] + ["summary", "guidelines", "reporting"]


def test_every_poster_is_exactly_one_page_on_a4_and_a3(printed: tuple) -> None:
    pub, out, _ = printed
    for name in poster_names(pub):
        for suffix, size in (("", A4_PT), ("-a3", A3_PT)):
            reader = PdfReader(out / "posters" / f"{name}{suffix}.pdf")
            assert len(reader.pages) == 1, f"{name}{suffix}"
            box = reader.pages[0].mediabox
            assert (round(float(box.width)), round(float(box.height))) == size


def test_topic_posters_show_the_rule_and_best_and_poor_practice(printed: tuple) -> None:
    """Issue 17: a poster is a notice; safe practice and "what should be in place?" are left
    to the page and the handbook."""
    pub, out, _ = printed
    for topic in pub.topics:
        text = squash(page_texts(out / "posters" / f"{topic.id}.pdf")[0])
        assert squash(topic.title) in text
        for rule in topic.headline:
            assert squash(plain(rule.poster_text)) in text, rule.id
        for level in topic.practice:
            shown = level.key in ("best", "poor")
            assert (squash(level.label) in text) == shown, (topic.id, level.key)
            for item in level.items:
                assert (squash(plain(item.poster_text)) in text) == shown, item.id
        assert squash("What should be in place?") not in text


def test_posters_carry_publisher_review_date_and_where_to_check(printed: tuple) -> None:
    pub, out, _ = printed
    text = squash(page_texts(out / "posters" / "email.pdf")[0])
    assert squash(pub.publisher.name) in text
    assert squash("Next review due 14 September 2027") in text
    assert squash(f"Check this is the current version: {SITE_URL}topics/email.html") in text


def test_qr_code_decodes_to_the_topic_page(printed: tuple) -> None:
    _, out, _ = printed
    assert qr_codes(out / "posters" / "email.pdf") == [f"{SITE_URL}topics/email.html"]
    assert qr_codes(out / "posters" / "reporting-a3.pdf") == [f"{SITE_URL}reporting.html"]


def test_no_qr_code_without_a_site_url(make_project: ProjectMaker, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(BuildOptions(make_project(), out, TODAY, frozenset({"posters"})))
    assert qr_codes(out / "posters" / "email.pdf") == []
    text = squash(page_texts(out / "posters" / "email.pdf")[0])
    assert squash("Check this is the current version: Testshire Safeguarding Children "
                  "Partnership") in text
    assert "Scan" not in text


def test_handbook_outline_matches_its_sections(printed: tuple) -> None:
    pub, out, _ = printed
    reader = PdfReader(out / "handbook.pdf")
    top = [entry.title for entry in reader.outline if not isinstance(entry, list)]
    expected = ["Contents", "Introduction", *[t.title for t in pub.topics],
                "Summary of good practice", pub.guidelines.title, "Reporting concerns",
                "Glossary", "Legal consequences", "Further information", "About this guidance"]
    assert top == expected


def test_handbook_contents_page_numbers_are_where_the_sections_start(printed: tuple) -> None:
    pub, out, _ = printed
    reader = PdfReader(out / "handbook.pdf")
    contents = page_texts(out / "handbook.pdf")[1]
    for entry in reader.outline:
        if isinstance(entry, list) or entry.title == "Contents":
            continue
        page_number = reader.get_destination_page_number(entry) + 1
        line = next(line for line in contents.splitlines() if line.startswith(entry.title))
        assert line.rstrip().endswith(str(page_number)), (entry.title, line, page_number)


def test_handbook_footers_metadata_and_tags(printed: tuple) -> None:
    pub, out, _ = printed
    reader = PdfReader(out / "handbook.pdf")
    texts = page_texts(out / "handbook.pdf")
    total = len(texts)
    assert total > 20
    for number, text in enumerate(texts[1:], start=2):
        assert squash(f"Page {number} of {total}") in squash(text)
        assert squash("Printed copies may be out of date") in squash(text)
    assert squash(f"{SITE_URL}") in squash(texts[0])
    meta = reader.metadata
    assert meta.title == pub.title and meta.author == pub.publisher.name
    assert meta.subject == pub.subtitle
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB" and "/StructTreeRoot" in root
    links = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    assert any("/Dest" in link or "/A" in link for link in links)


def test_every_topic_item_is_in_the_handbook(printed: tuple) -> None:
    pub, out, _ = printed
    # An internal link is followed by "(see page N)" on paper (handbook.css).
    text = squash(re.sub(r"\(see\s*page\s*\d+\)", "", "".join(page_texts(out / "handbook.pdf"))))
    for topic in pub.topics:
        for level in topic.practice:
            for item in level.items:
                assert squash(plain(item.text))[:60] in text, item.id


def test_an_overdue_handbook_says_so_on_its_cover_and_every_footer(
        make_project: ProjectMaker, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(BuildOptions(make_project(), out, date(2027, 3, 1), frozenset({"handbook"})))
    texts = page_texts(out / "handbook.pdf")
    for text in texts:
        assert squash("OVERDUE FOR REVIEW: this guidance was due for review on 10 January 2027") in squash(text)


def test_topic_pages_link_their_poster_and_the_handbook_with_size(printed: tuple) -> None:
    _, out, _ = printed
    page = (out / "topics" / "email.html").read_text()
    size_kb = round((out / "posters" / "email.pdf").stat().st_size / 1024)
    assert f'href="../posters/email.pdf">Poster, A4 (PDF, {size_kb} KB)' in page
    assert 'href="../posters/email-a3.pdf">Poster, A3 (PDF,' in page
    assert 'href="../handbook.pdf">The whole guidance as a printable handbook (PDF,' in page


def test_no_warnings_from_weasyprint(printed: tuple) -> None:
    _, _, report = printed
    assert report.warnings == ()


def test_an_overflowing_poster_fails_naming_the_topic_and_the_overflow(
        make_project: ProjectMaker, tmp_path: Path) -> None:
    many = "".join(f"      item-{n}: You write a very long rule number {n} that goes on and "
                   "on about everything a person might ever do with a phone at work.\n"
                   for n in range(40))
    topic = ("title: Email\nsummary: Use your work account.\npractice:\n  best:\n    items:\n"
             + many + "  safe:\n    items:\n      manager-knows: Your manager knows.\n"
             "  poor:\n    items:\n      personal: You use your personal account.\n"
             "in_place:\n  aup-explicit: The AUP says which accounts may be used.\n")
    project = make_project({"content/topics/email.yaml": topic})
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(project, tmp_path / "out", TODAY, frozenset({"posters"})))
    [problem] = caught.value.problems
    assert problem.location.file == "content/topics/email.yaml"
    assert problem.message.startswith(
        "the poster 'Email' (posters/email.pdf) does not fit on one page even at the smallest "
        "readable size (18 pt): it is about ")
    assert int(problem.message.split("it is about ")[1].split(" mm")[0]) > 200
    assert not (tmp_path / "out").exists()


def test_files_outside_the_project_and_the_network_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                      '<text y="9">SECRET</text></svg>')
    html = (f'<html><head><link rel="stylesheet" href="http://example.org/x.css"></head><body>'
            f'<p>Hello</p><img src="{secret.as_uri()}" alt="x">'
            f'<img src="https://example.org/x.png" alt="y"></body></html>')
    job = PrintJob("x.pdf", "x", "content/x.yaml", html)
    result = render_job(job, "k" * 64, (str(REPO / "content"),))
    assert sorted(result.refused) == sorted([secret.as_uri(), "https://example.org/x.png",
                                             "http://example.org/x.css"])
    assert not any("refused" in w for w in result.warnings)
    reader = PdfReader(__import__("io").BytesIO(result.data))
    assert "SECRET" not in (reader.pages[0].extract_text() or "")
    assert not reader.pages[0]["/Resources"].get("/XObject")


def test_markdown_images_are_refused_before_anything_is_rendered(
        make_project: ProjectMaker, tmp_path: Path) -> None:
    svg = tmp_path / "evil.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"><text>EVIL</text></svg>')
    project = make_project()
    topic = project / "content" / "topics" / "email.yaml"
    topic.write_text(topic.read_text().replace("read the AUP.", f"read the AUP. ![x]({svg})"))
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(project, tmp_path / "out", TODAY, frozenset({"posters"})))
    assert [f"{p.location}: {p.message}" for p in caught.value.problems] == [
        "content/topics/email.yaml:8: images are not allowed in the text: a picture would be "
        "fetched from outside the guidance (and could not be read by everyone); describe it in "
        "words instead"]
    assert not (tmp_path / "out").exists()


def test_markdown_images_never_reach_a_pdf_even_past_the_check(tmp_path: Path) -> None:
    svg = tmp_path / "evil.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"><text>EVIL</text></svg>')
    from policygen.source.markup import MarkdownRenderer
    html = MarkdownRenderer().block(f"![diagram]({svg.as_uri()}) and ![x]({svg})")
    job = PrintJob("x.pdf", "x", "content/x.yaml", f"<html lang='en'><body>{html}</body></html>")
    result = render_job(job, "k" * 64, (str(REPO / "content"),))
    reader = PdfReader(__import__("io").BytesIO(result.data))
    assert "EVIL" not in (reader.pages[0].extract_text() or "")
    assert not reader.pages[0]["/Resources"].get("/XObject")


@pytest.mark.parametrize("print_shop", [False, True])
def test_two_builds_give_identical_pdfs(make_project: ProjectMaker, tmp_path: Path,
                                        print_shop: bool) -> None:
    project = make_project()
    first, second = tmp_path / "a", tmp_path / "b"
    build(BuildOptions(project, first, TODAY, PRINT, print_shop=print_shop))
    build(BuildOptions(project, second, TODAY, PRINT, print_shop=print_shop))
    pdfs = sorted(first.rglob("*.pdf"))
    assert len(pdfs) == 5
    for pdf in pdfs:  # PDF/X-4 metadata once held a random document id
        assert pdf.read_bytes() == (second / pdf.relative_to(first)).read_bytes(), pdf.name


def test_unchanged_rebuild_renders_no_pdf_and_an_edit_only_its_own(
        make_project: ProjectMaker, tmp_path: Path) -> None:
    project = make_project()
    out = tmp_path / "out"
    first = build(BuildOptions(project, out, TODAY, PRINT))
    assert first.pdfs_rendered == 5 and first.pdfs_reused == 0
    again = build(BuildOptions(project, out, TODAY, PRINT))
    assert again.pdfs_rendered == 0 and again.pdfs_reused == 5
    guidelines = project / "content" / "guidelines.yaml"
    guidelines.write_text(guidelines.read_text().replace("worries you", "worries you at all"))
    edited = build(BuildOptions(project, out, TODAY, PRINT))
    assert edited.pdfs_rendered == 2  # the guidelines poster and the handbook
    assert "worriesyouatall" in squash(page_texts(out / "posters" / "guidelines.pdf")[0])


def test_print_shop_pdfs_have_bleed_and_crop_marks(make_project: ProjectMaker,
                                                  tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(BuildOptions(make_project(), out, TODAY, frozenset({"posters"}), print_shop=True))
    reader = PdfReader(out / "posters" / "email.pdf")
    page = reader.pages[0]
    media, bleed, trim = page.mediabox, page.bleedbox, page.trimbox
    bleed_pt = 3 / 25.4 * 72
    assert round(float(trim.width)) == A4_PT[0] and round(float(trim.height)) == A4_PT[1]
    assert float(trim.left) - float(bleed.left) == pytest.approx(bleed_pt, abs=0.1)
    assert float(bleed.width) - float(trim.width) == pytest.approx(2 * bleed_pt, abs=0.1)
    # The crop marks are drawn outside the bleed, 5 to 10 mm from the trim (print-shop.css).
    assert float(media.width) - float(trim.width) == pytest.approx(20 / 25.4 * 72, abs=0.1)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"PDF/X-4" in xmp


def test_a_template_asking_the_network_stops_the_build(make_project: ProjectMaker,
                                                       tmp_path: Path) -> None:
    project = make_project()
    template = project / "templates" / "print" / "head.html"
    template.write_text(template.read_text().replace(
        "<meta charset", '<link rel="stylesheet" href="https://cdn.example.org/x.css">\n<meta charset',
        1))
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(project, tmp_path / "out", TODAY, frozenset({"posters"})))
    messages = {f"{p.location}: {p.message}" for p in caught.value.problems}
    assert ("content/topics/email.yaml: posters/email.pdf asked for "
            "'https://cdn.example.org/x.css', which was refused: PDFs may only use files inside "
            "the project's content/, templates/ and variants/ folders, and nothing from the network"
            in messages)
    assert not (tmp_path / "out").exists()


def test_a_short_poster_is_printed_at_the_largest_size_without_what_can_happen(
        make_project: ProjectMaker, tmp_path: Path) -> None:
    project, out = make_project(), tmp_path / "out"
    build(BuildOptions(project, out, TODAY, frozenset({"posters"})))
    [job] = [job for job in poster_jobs(project) if job.path == "posters/email.pdf"]
    assert render_job(job, "k" * 64, project_roots(project)).step == Step(26.0, False)
    text = squash(page_texts(out / "posters" / "email.pdf")[0])
    assert squash("What can happen") not in text


@pytest.mark.parametrize("name", ["email", "mobile", "reporting", "guidelines"])
def test_a_default_poster_is_at_the_largest_size_that_fits(name: str) -> None:
    """Checked the slow way: the next larger size, laid out on its own, takes two pages."""
    roots = project_roots(REPO)
    for job in poster_jobs(REPO, (A4, A3)):
        if not job.path.startswith(f"posters/{name}"):
            continue
        chosen = render_job(job, "k" * 64, roots)
        assert chosen.step is not None and len(PdfReader(BytesIO(chosen.data)).pages) == 1
        larger = [step for step in job.steps[:job.steps.index(chosen.step)]
                  if step.notes or not chosen.step.notes]
        for step in larger[-2:]:  # the two steps just above
            alone = PrintJob(job.path, job.title, job.source, job.html_at(step), job.stylesheet,
                             paper=job.paper)
            pages = PdfReader(BytesIO(render_job(alone, "k" * 64, roots).data)).pages
            assert len(pages) > 1, f"{job.path} would fit at {step}, chosen {chosen.step}"


def poster_jobs(project: Path, papers: tuple[Paper, ...] = (A4,)) -> list[PrintJob]:
    report = check(project, TODAY)
    edition = base_edition_of(report.publication, TODAY)
    env = make_environment(project / "templates")
    return list(print_jobs(env, edition, PrintOptions(papers), frozenset({"posters"})))


def project_roots(project: Path) -> tuple[str, ...]:
    return tuple(str((project / name).resolve()) for name in ("content", "templates", "variants"))
