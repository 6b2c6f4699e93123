"""Hostile and broken input: each case is refused with file and line, or neutralised; no
traceback, no hang, nothing written outside the output folder, the last good output kept."""

from __future__ import annotations

import errno
import os
import re
import textwrap
from datetime import date
from pathlib import Path

import pytest
from conftest import MINIMAL, ProjectMaker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from policygen import BuildOptions, ContentError, build
from policygen.build import output as output_module
from policygen.errors import WriteError
from policygen.source.content import load_content

TODAY = date(2026, 11, 25)
SITE = frozenset({"site"})
# Links to javascript: or data: are content errors now (tests/test_hardening_templates_links.py).
HOSTILE = ("<script>alert('x')</script> <iframe src=//evil.example></iframe> "
           "<img src=x onerror=alert(1)> <!-- <script>hidden()</script> -->")


def test_a_content_file_linked_from_outside_the_project_is_refused(
        make_project: ProjectMaker, tmp_path: Path) -> None:
    project = make_project()
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text((project / "content" / "topics" / "email.yaml").read_text())
    (project / "content" / "topics" / "email.yaml").unlink()
    (project / "content" / "topics" / "email.yaml").symlink_to(outside)
    with pytest.raises(ContentError) as caught:
        load_content(project)
    assert "content/topics/email.yaml: error: this file is a link to a place outside the " \
           "project; everything policygen reads must live inside the project folder (copy " \
           "the file in)" in str(caught.value)


def test_unquoted_date_where_text_is_meant_stays_text(make_project: ProjectMaker) -> None:
    project = make_project()
    topic = project / "content" / "topics" / "email.yaml"
    topic.write_text(topic.read_text().replace("title: Email", "title: 2026-01-01"))
    assert load_content(project).publication.topics[0].title == "2026-01-01"


def test_hostile_markdown_is_neutralised_in_html_and_pdf(make_project: ProjectMaker,
                                                         tmp_path: Path) -> None:
    import yaml
    from bs4 import BeautifulSoup
    project = make_project()
    topic = project / "content" / "topics" / "email.yaml"
    topic.write_text(topic.read_text().replace(
        "Use the account your organisation gives you; read the AUP.",
        yaml.safe_dump(HOSTILE, default_style='"', width=10**6).strip()))
    out = tmp_path / "out"
    build(BuildOptions(project, out, TODAY, frozenset({"site", "posters"})))
    html = (out / "topics" / "email.html").read_text()
    main = BeautifulSoup(html, "html.parser").find("main")
    assert not main.find_all(["script", "iframe", "img", "object", "embed"])
    assert not [e for e in main.find_all(True) if any(a.startswith("on") for a in e.attrs)]
    assert not re.search(r'(href|src)="\s*(javascript|data):', html, re.IGNORECASE)
    assert "<script>alert('x')</script>" in main.get_text()  # shown as text, harmlessly
    reader = PdfReader(out / "posters" / "email.pdf")
    actions = [annotation.get_object().get("/A", {}) for page in reader.pages
               for annotation in page.get("/Annots", [])]
    assert not [a for a in actions if a.get("/S") == "/JavaScript"
                or str(a.get("/URI", "")).lower().startswith(("javascript", "data"))]
    assert "/JavaScript" not in reader.trailer["/Root"].get("/Names", {})
    text = reader.pages[0].extract_text()
    assert "<script>alert('x')</script>" in text  # shown as text, never run


def test_disk_full_half_way_keeps_the_previous_site(make_project: ProjectMaker, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project()
    out = tmp_path / "out"
    build(BuildOptions(project, out, TODAY, SITE))
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    guidelines = project / "content" / "guidelines.yaml"  # so that every page is written anew
    guidelines.write_text(guidelines.read_text().replace("worries you", "worries you at all"))
    written = []

    def write_bytes_until_full(self: Path, data: bytes) -> int:
        written.append(self)
        if len(written) > 5:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return original(self, data)

    original = Path.write_bytes
    monkeypatch.setattr(Path, "write_bytes", write_bytes_until_full)
    with pytest.raises(WriteError, match="could not write the output: No space left on device"):
        build(BuildOptions(project, out, TODAY, SITE))
    monkeypatch.undo()
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "project"]


def test_disk_full_is_reported_without_a_traceback(make_project: ProjectMaker, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from policygen.cli import main

    def full(*_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "build/index.html")

    monkeypatch.setattr(output_module, "_swap", full)
    result = CliRunner().invoke(main, ["build", "--format", "site", "--project",
                                       str(make_project()), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: could not write the output: No space left on device")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("folder", ["with space", "ünïcödé – folder"])
def test_projects_in_folders_with_spaces_and_non_ascii_build(
        make_project: ProjectMaker, tmp_path: Path, folder: str) -> None:
    project = make_project(name=folder)
    out = tmp_path / folder / "out put"
    build(BuildOptions(project, out, TODAY, frozenset({"site", "posters"})))
    assert (out / "topics" / "email.html").is_file() and (out / "posters" / "email.pdf").is_file()


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               max_size=60)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(title=TEXT, item=TEXT)
def test_generated_content_builds_or_fails_cleanly_and_is_always_escaped(
        tmp_path_factory: pytest.TempPathFactory, title: str, item: str) -> None:
    import yaml
    root = tmp_path_factory.mktemp("gen")
    for rel, text in MINIMAL.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    topic = root / "content" / "topics" / "email.yaml"
    source = topic.read_text().replace("title: Email", "title: " + yaml.safe_dump(
        title + "<b>x</b>", default_style='"', width=10**6).strip())
    source = source.replace("You use your personal account without your manager knowing.",
                            yaml.safe_dump(item + " <script>x()</script>", default_style='"',
                                           width=10**6).strip())
    topic.write_text(source, encoding="utf-8")
    out = root / "out"
    try:
        build(BuildOptions(root, out, TODAY, SITE))
    except ContentError as error:
        assert all(p.location.file.startswith("content/") for p in error.problems)
        assert not out.exists()
        return
    html = (out / "topics" / "email.html").read_text()
    assert "<b>x</b>" not in html and "<script>x()" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def _variant_with_logo(project: Path, logo: bytes, suffix: str = ".svg") -> None:
    folder = project / "variants" / "school"
    folder.mkdir(parents=True)
    (folder / f"logo{suffix}").write_bytes(logo)
    (folder / "variant.yaml").write_text(
        f"organisation:\n  name: A School\n  logo: logo{suffix}\n")


def test_a_huge_logo_is_refused(make_project: ProjectMaker, tmp_path: Path) -> None:
    project = make_project()
    _variant_with_logo(project, b"\x89PNG\r\n\x1a\n" + b"\0" * (3 * 1024 * 1024), ".png")
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(project, tmp_path / "out", TODAY, SITE, variant="school"))
    assert ("variants/school/variant.yaml:3:9: the logo 'logo.png' is 3072 KB; a logo may be "
            "at most 512 KB (save a smaller copy: it is shown small)") in [
        f"{p.location}: {p.message}" for p in caught.value.problems]


@pytest.mark.parametrize(("svg", "found"), [
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "contains a <script> element (line 1 of the SVG)"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9"/></svg>',
     "contains an event handler 'onload=' on <svg> (line 1 of the SVG)"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
     b'<image xlink:href="https://tracker.example/pixel.png" width="10" height="10"/></svg>',
     "contains a link to 'https://tracker.example/pixel.png' on <image>, not to a part of the "
     "logo (#name) (line 1 of the SVG)"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import "https://x.example/a.css";'
     b'</style></svg>', "contains the CSS rule '@import' in <style> (line 1 of the SVG)"),
])  # the whole family is in test_svg_logos.py
def test_an_svg_logo_that_runs_or_fetches_anything_is_refused(
        make_project: ProjectMaker, tmp_path: Path, svg: bytes, found: str) -> None:
    project = make_project()
    _variant_with_logo(project, svg)
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(project, tmp_path / "out", TODAY, SITE, variant="school"))
    assert (f"variants/school/variant.yaml:3:9: the logo 'logo.svg' {found}; save it again as "
            "a plain picture, or as a PNG"
            in [f"{p.location}: {p.message}" for p in caught.value.problems])
    assert not (tmp_path / "out").exists()


def test_a_plain_svg_logo_with_internal_references_is_fine(make_project: ProjectMaker,
                                                           tmp_path: Path) -> None:
    project = make_project()
    _variant_with_logo(project, b'<svg xmlns="http://www.w3.org/2000/svg" '
                       b'xmlns:xlink="http://www.w3.org/1999/xlink"><defs><path id="p" d="M0 0h9"/>'
                       b'</defs><use xlink:href="#p"/><rect fill="url(#p)" width="9"/></svg>')
    build(BuildOptions(project, tmp_path / "out", TODAY, frozenset({"site", "posters"}),
                       variant="school"))
    assert (tmp_path / "out" / "assets" / "logo.svg").is_file()


def test_misnamed_and_outside_variant_folders_are_errors(make_project: ProjectMaker,
                                                          tmp_path: Path) -> None:
    from click.testing import CliRunner

    from policygen.cli import main
    project = make_project()
    misnamed = project / "variants" / "Oak_School"
    misnamed.mkdir(parents=True)
    (misnamed / "variant.yaml").write_text("organisation:\n  name: Oak\n")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "variant.yaml").write_text("organisation:\n  name: Away\n")
    (project / "variants" / "away").symlink_to(outside)
    result = CliRunner().invoke(main, ["check", "--project", str(project)])
    assert result.exit_code == 1
    assert ("variants/Oak_School/variant.yaml: error: 'Oak_School' cannot be a variant's name"
            in result.stderr)
    assert ("variants/away/variant.yaml: error: this folder is a link to a place outside the "
            "project" in result.stderr)


def test_images_by_reference_and_in_variant_text_are_refused(make_project: ProjectMaker,
                                                             tmp_path: Path) -> None:
    project = make_project()
    topic = project / "content" / "topics" / "email.yaml"
    topic.write_text(topic.read_text().replace("read the AUP.", "read the AUP. ![logo][1]"))
    with pytest.raises(ContentError) as caught:
        load_content(project)
    assert [f"{p.location}" for p in caught.value.problems if "images" in p.message] == [
        "content/topics/email.yaml:8"]
    topic.write_text(topic.read_text().replace(" ![logo][1]", ""))
    folder = project / "variants" / "school"
    folder.mkdir(parents=True)
    (folder / "variant.yaml").write_text(
        "organisation:\n  name: A School\nitems:\n  reword:\n"
        "    email/work-account: 'See ![x](https://tracker.example/p.png)'\n")
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(project, tmp_path / "out", TODAY, SITE, variant="school"))
    assert ["variants/school/variant.yaml:5" == f"{p.location}"
            for p in caught.value.problems if "images" in p.message] == [True]
