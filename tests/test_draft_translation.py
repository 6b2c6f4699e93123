"""A translation under way (issue 15, point 6): the default content's summary and online gaming
topic in Welsh, marked `translating: {cy: draft}`; checked and counted, never published, and
shown with `build --draft cy` under a banner, each text not yet translated marked English."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup, Tag
from click.testing import CliRunner
from conftest import REPO
from site_helpers import html_pages, parse, visible_text
from test_bilingual_site import files_of, target

from policygen.cli import main

TODAY = "2026-12-03"
MARKER = "translating:\n  cy: draft\n"
# Welsh from the worked example, which no published page may hold.
WELSH = ("Gemau ar-lein", "Prif bwyntiau'r canllawiau hyn ar un dudalen", "GWNEWCH",
         "Cadwch eich cyfrifon gemau'n bersonol", "meithrin perthynas amhriodol")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the default content (Welsh draft and all) with the shipped templates."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    return root


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def build(project: Path, *options: str) -> Any:
    result = run("build", "--project", str(project), "--today", TODAY, *options)
    assert result.exit_code == 0, result.output
    return result


def english_only(project: Path) -> None:
    """The content as it was before the Welsh was written: each text its English alone."""
    meta = project / "content" / "publication.yaml"
    meta.write_text(meta.read_text().replace(MARKER, ""))
    for name in ("summary.yaml", "topics/gaming.yaml"):
        path = project / "content" / name
        path.write_text(yaml.safe_dump(_english(yaml.safe_load(path.read_text())),
                                       allow_unicode=True, width=10_000, sort_keys=False))


def _english(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"en", "cy"}:
        return value["en"]
    if isinstance(value, dict):
        return {key: _english(each) for key, each in value.items()}
    if isinstance(value, list):
        return [_english(each) for each in value]
    return value


def test_the_published_site_is_the_english_one_byte_for_byte_without_any_welsh(
        project: Path, tmp_path: Path) -> None:
    with_draft = tmp_path / "with-draft"
    build(project, "--format", "site", "--out", str(with_draft))
    english_only(project)
    without = tmp_path / "without"
    build(project, "--format", "site", "--out", str(without))
    made, expected = files_of(with_draft), files_of(without)
    made.pop(".policygen-output"), expected.pop(".policygen-output")  # records the inputs
    assert made == expected
    assert not (with_draft / "cy").exists() and not (with_draft / "assets" / "draft.css").exists()
    for page in html_pages(with_draft):
        html = page.read_text(encoding="utf-8")
        assert not any(words in html for words in WELSH), page
        assert 'lang="cy"' not in html and "stand-in" not in html and "draft" not in html


@pytest.fixture
def draft(project: Path) -> Path:
    build(project, "--draft", "cy")
    assert not (project / "build").exists()  # never where the published site goes
    return project / "build-draft"


def test_the_draft_shows_the_welsh_summary_and_gaming_topic_in_welsh(draft: Path) -> None:
    summary, gaming = parse(draft / "cy" / "summary.html"), parse(draft / "cy" / "topics"
                                                                   / "gaming.html")
    assert summary.html["lang"] == gaming.html["lang"] == "cy"
    assert gaming.h1.text == "Gemau ar-lein" and summary.h1.text == "Crynodeb o arfer da"
    main_text = visible_text(summary.select_one("main"))
    assert "Prif bwyntiau'r canllawiau hyn ar un dudalen" in main_text
    assert "GWNEWCH" in main_text and "PEIDIWCH" in main_text
    assert "Cloiwch bob dyfais" not in main_text  # the page has the items, not the posters'
    assert "Diogelwch eich ffôn a phob dyfais arall â PIN" in main_text
    assert summary.select("main .stand-in") == []  # all of it is translated
    assert "Cadwch eich cyfrifon gemau'n bersonol" in visible_text(gaming.select_one("main"))
    link = gaming.select_one('main a[href$="glossary.html#term-randoms"]')
    assert link is not None and link.text == "chwaraewyr dieithr"
    assert not (draft / "handbook.pdf").exists() and not list(draft.rglob("*.pdf"))


def _stand_ins(soup: BeautifulSoup | Tag) -> list[str]:
    return [" ".join(tag.text.split()) for tag in soup.select(".stand-in")]


def test_what_is_not_translated_yet_is_english_marked_with_its_language(draft: Path) -> None:
    gaming = parse(draft / "cy" / "topics" / "gaming.html")
    for tag in gaming.select(".stand-in"):
        assert tag["lang"] == "en-GB", tag
    header = gaming.select_one(".site-title .stand-in")
    assert header is not None and header.text == "Safer working online"
    # In the page itself, only the shared consequences (consequences.yaml, not translated)
    # and the neighbouring topics' titles.
    main_part = _stand_ins(gaming.select_one("main"))
    assert len(main_part) == 4, main_part
    assert main_part[0].startswith("When the line between your work and your private life")
    assert main_part[2:] == ["Mobile phones and devices", "Social media"]
    assert "Email" in _stand_ins(gaming.select_one("footer"))
    assert "Gemau ar-lein" not in _stand_ins(gaming)  # its own title is translated
    # A page not translated at all: every text of the content marked.
    email = parse(draft / "cy" / "topics" / "email.html")
    assert email.h1.select_one(".stand-in[lang=en-GB]").text == "Email"
    # A name inside a Welsh sentence (the about page's protected parts) keeps its mark.
    about = parse(draft / "cy" / "about.html")
    contact = next(li for li in about.select("main li") if "Police (emergency)" in li.text)
    assert contact.text.startswith("y cyswllt")
    assert contact.select_one(".stand-in[lang=en-GB]").text == "Police (emergency)"
    # The head says the words plainly: a mark in the title would be shown as written.
    assert gaming.title.text == "Gemau ar-lein – Safer working online"
    head = (draft / "cy" / "topics" / "gaming.html").read_text().partition("</head>")[0]
    assert "stand-in" not in head


def test_every_page_of_the_draft_says_it_is_a_draft_in_welsh_and_english(draft: Path) -> None:
    pages = html_pages(draft)
    assert len(pages) > 30
    for page in pages:
        banner = parse(page).select_one("#draft-translation")
        assert banner is not None, page
        welsh, english = banner.select("p")
        assert welsh["lang"] == "cy" and english["lang"] == "en-GB"
        assert welsh.strong.text == "Cyfieithiad drafft, heb ei gyhoeddi."
        assert "nid yw cyfieithydd Cymraeg wedi'i adolygu eto" in welsh.text
        assert english.strong.text == "Draft translation, not published."
        assert "a Welsh translator has not yet reviewed it" in english.text
        assert "Do not publish these pages." in english.text
    assert (draft / "cy" / "assets" / "draft.css").is_file()


def test_each_draft_page_links_to_its_twin_both_ways(draft: Path) -> None:
    for path in ("summary.html", "topics/gaming.html", "index.html"):
        page, twin = draft / path, draft / "cy" / path
        to_welsh = parse(page).select_one("header a[hreflang=cy]")
        to_english = parse(twin).select_one("header a[hreflang=en-GB]")
        assert to_welsh.text == "Cymraeg" and to_english.text == "English"
        assert target(draft, page, to_welsh["href"]) == twin
        assert target(draft, twin, to_english["href"]) == page


def test_check_says_how_far_the_translation_is_file_by_file(project: Path) -> None:
    result = run("check", "--project", str(project))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"Welsh \(cy\) is being translated, a draft not published: 75 of \d+ "
                        r"texts have their Welsh so far \(policygen build --draft cy shows "
                        r"them\)", lines[0]), lines[0]
    assert "  content/summary.yaml: 39 of 39 texts in Welsh" in lines
    assert "  content/topics/gaming.yaml: 36 of 36 texts in Welsh" in lines
    assert any(re.fullmatch(r"  content/topics/email.yaml: 0 of \d+ texts in Welsh", line)
               for line in lines)
    gaming = project / "content" / "topics" / "gaming.yaml"
    gaming.write_text(gaming.read_text().replace("  cy: Gemau ar-lein\n", ""))
    result = run("check", "--project", str(project))
    assert result.exit_code == 0, result.output  # a text still to translate is no error
    assert "  content/topics/gaming.yaml: 35 of 36 texts in Welsh" in result.stdout


def test_a_twin_in_a_language_neither_published_nor_translated_is_an_error_at_its_line(
        project: Path) -> None:
    gaming = project / "content" / "topics" / "gaming.yaml"
    gaming.write_text(gaming.read_text().replace("  cy: Gemau ar-lein\n",
                                                 "  cy: Gemau ar-lein\n  fr: Jeux en ligne\n"))
    result = run("check", "--project", str(project))
    assert result.exit_code == 1
    assert ("content/topics/gaming.yaml:6:3: error: 'fr' is not one of the publication's "
            "languages, in the title; write the text in each language under en: and cy:, "
            "the languages content/publication.yaml publishes (languages) or is translating "
            "(translating)") in result.stderr


def test_the_welsh_twins_are_checked_like_any_text(project: Path) -> None:
    gaming = project / "content" / "topics" / "gaming.yaml"
    gaming.write_text(gaming.read_text().replace("(glossary:randoms), rydych",
                                                 "(glossary:strangers), rydych"))
    result = run("check", "--project", str(project))
    assert result.exit_code == 1
    assert re.search(r"content/topics/gaming\.yaml:\d+: error: the link 'glossary:strangers' "
                     "points at a glossary term that does not exist", result.stderr)


@pytest.mark.parametrize(("marker", "expected"), [
    ("translating:\n  cy: done\n", "content/publication.yaml:8:7: error: how far the Welsh (cy) "
     "translation is should be 'draft' (translated in part, not yet reviewed by a Welsh "
     "translator, not published), found 'done'; when it is finished and reviewed, take cy out "
     "of 'translating' and add it to 'languages' to publish it"),
    ("translating:\n  en: draft\n", "content/publication.yaml:8:3: error: English (en) is "
     "published already (it is the main language, or listed in 'languages'): a language is "
     "either published or being translated; take it out of 'translating'"),
    ("translating: [cy]\n", "content/publication.yaml:7:14: error: 'translating' should name "
     "each language being translated and how far it is, one a line, like 'cy: draft'"),
])
def test_a_wrong_translating_says_what_it_should_be(project: Path, marker: str,
                                                    expected: str) -> None:
    meta = project / "content" / "publication.yaml"
    meta.write_text(meta.read_text().replace(MARKER, marker))
    result = run("check", "--project", str(project))
    assert result.exit_code == 1
    assert expected in result.stderr.splitlines()


def test_a_draft_is_web_pages_of_a_language_being_translated_only(project: Path) -> None:
    printed = run("build", "--project", str(project), "--draft", "cy", "--format", "posters")
    assert printed.exit_code == 2 and "--draft makes web pages only" in printed.output
    variant = run("build", "--project", str(project), "--draft", "cy", "--all")
    assert variant.exit_code == 2 and "leave out --variant and --all" in variant.output
    other = run("build", "--project", str(project), "--draft", "fr")
    assert other.exit_code == 2
    assert ("--draft fr: content/publication.yaml is not translating into fr ('translating' "
            "lists cy)") in other.output
    assert not (project / "build-draft").exists() and not (project / "build").exists()


def test_the_preview_shows_the_draft_too(project: Path) -> None:
    from policygen.commands.preview import Preview

    preview = Preview(project, today=None, draft="cy")
    preview.rebuild()
    assert preview.state.error == "" and not preview.pdfs
    page = BeautifulSoup(preview.state.files["cy/topics/gaming.html"], "html.parser")
    assert page.h1.text == "Gemau ar-lein" and page.select_one("#draft-translation")
    assert not any(name.endswith(".pdf") for name in preview.state.files)


def test_a_draft_beside_two_published_languages_claims_no_published_address(
        tmp_path: Path) -> None:
    project = tmp_path / "bilingual"
    shutil.copytree(REPO / "tests" / "data" / "bilingual", project)
    meta = project / "content" / "publication.yaml"
    meta.write_text(meta.read_text().replace("languages: [en, cy]\n",
                                             "languages: [en, cy]\ntranslating:\n  fr: draft\n"))
    email = project / "content" / "topics" / "email.yaml"
    email.write_text(email.read_text().replace("  cy: E-bost\n", "  cy: E-bost\n  fr: Courriel\n",
                                               1))
    checked = run("check", "--project", str(project))
    assert checked.exit_code == 0, checked.output
    assert "  content/topics/email.yaml: 1 of 8 texts in French" in checked.stdout
    published = tmp_path / "published"
    build(project, "--format", "site", "--out", str(published))
    assert not (published / "fr").exists() and (published / "cy" / "index.html").is_file()
    build(project, "--draft", "fr")
    draft = project / "build-draft"
    assert parse(draft / "fr" / "topics" / "email.html").h1.text == "Courriel"
    assert parse(draft / "cy" / "topics" / "email.html").select_one("#draft-translation")
    assert not (draft / "feed.xml").exists() and not (draft / "sitemap.xml").exists()
    for page in html_pages(draft):
        assert "guidance.example.org" not in page.read_text(), page
