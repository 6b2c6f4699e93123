"""A site in English and Welsh (issue 15), end to end through the CLI: every page has its twin
and links to it both ways, in the page's language; one-language sites are as they were."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from conftest import REPO
from site_helpers import html_pages, parse, visible_text
from test_bilingual_content import bilingual, edit  # noqa: F401 - the fixture

from policygen.build.output import MARKER
from policygen.cli import main

SITE = "https://guidance.example.org/"


def build(project: Path, out: Path, today: str = "2026-10-01") -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", "--format", "site,search", "--project", str(project),
                                       "--out", str(out), "--today", today])
    return result.exit_code, result.output


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def target(out: Path, page: Path, href: str) -> Path:
    """The file a relative link on `page` leads to."""
    base = "https://site.invalid/" + page.relative_to(out).as_posix()
    return out / urlsplit(urljoin(base, href)).path.lstrip("/")


def alternates(soup: BeautifulSoup) -> dict[str, str]:
    return {link["hreflang"]: link["href"]
            for link in soup.find_all("link", rel="alternate", hreflang=True)}


@pytest.fixture
def built(bilingual: Path, tmp_path: Path) -> Path:  # noqa: F811 - the fixture, imported
    out = tmp_path / "site"
    code, output = build(bilingual, out)
    assert code == 0, output
    return out


def test_every_page_has_its_welsh_twin_and_each_links_to_the_other(built: Path) -> None:
    english = [p for p in html_pages(built) if not p.relative_to(built).as_posix()
               .startswith("cy/")]
    welsh = html_pages(built / "cy")
    paths = [p.relative_to(built).as_posix() for p in english]
    assert [p.relative_to(built / "cy").as_posix() for p in welsh] == paths
    assert {"index.html", "topics/email.html", "glossary.html", "search.html"} <= set(paths)
    for path in paths:
        page, twin = built / path, built / "cy" / path
        soup, twin_soup = parse(page), parse(twin)
        assert soup.html["lang"] == "en" and twin_soup.html["lang"] == "cy"
        to_welsh = soup.select("header a[hreflang=cy]")
        to_english = twin_soup.select("header a[hreflang=en]")
        assert [(a.text, a["lang"]) for a in to_welsh] == [("Cymraeg", "cy")], path
        assert [(a.text, a["lang"]) for a in to_english] == [("English", "en")], path
        assert target(built, page, to_welsh[0]["href"]) == twin
        assert target(built, twin, to_english[0]["href"]) == page
        expected = {"en": SITE + path, "cy": SITE + "cy/" + path}
        assert alternates(soup) == alternates(twin_soup) == expected, path


def test_welsh_pages_say_the_interface_words_and_dates_in_welsh(built: Path) -> None:
    english = visible_text(parse(built / "index.html"))
    welsh = visible_text(parse(built / "cy" / "index.html"))
    assert "Canllawiau prawf" in welsh and "Pam mae hyn yn bwysig." in welsh
    assert "Neidio i’r prif gynnwys" in welsh and "Skip to main content" in english
    assert "Canllawiau cyfredol. Yr adolygiad nesaf: 10 Ionawr 2027." in welsh
    assert "Current guidance. Next review due 10 January 2027." in english
    assert "January" not in welsh and "Ionawr" not in english
    topic = visible_text(parse(built / "cy" / "topics" / "email.html"))
    assert "Arfer gorau" in topic and "Defnyddiwch y cyfrif y mae eich sefydliad" in topic


@pytest.mark.parametrize(("today", "english", "welsh"), [
    ("2026-12-01", "Review due soon.", "Adolygiad yn fuan."),
    ("2027-02-01", "Overdue for review.", "Wedi mynd heibio i’r dyddiad adolygu."),
])
def test_the_review_banner_is_in_the_pages_language(bilingual: Path, tmp_path: Path,  # noqa: F811
                                                    today: str, english: str,
                                                    welsh: str) -> None:
    out = tmp_path / "site"
    assert build(bilingual, out, today)[0] == 0
    for page, words in ((out / "about.html", english), (out / "cy" / "about.html", welsh)):
        banner = parse(page).select_one("#review-status")
        assert banner is not None
        shown = [p.get_text(" ", strip=True) for p in banner.select(".review-message")
                 if not p.has_attr("hidden")]
        assert len(shown) == 1 and shown[0].startswith(words), shown


def test_each_language_has_its_own_search_index(built: Path) -> None:
    for folder, language in ((built, "en"), (built / "cy", "cy")):
        entry = json.loads((folder / "pagefind" / "pagefind-entry.json").read_text())
        assert list(entry["languages"]) == [language]
        wasm = entry["languages"][language]["wasm"] or "unknown"
        assert (folder / "pagefind" / f"wasm.{wasm}.pagefind").is_file()
    assert "pagefind/pagefind.js" in parse(built / "cy" / "search.html") \
        .select_one("#search-form")["data-bundle"]


def test_a_missing_twin_fails_the_build_with_its_place_and_keeps_the_last_site(
        bilingual: Path, built: Path) -> None:  # noqa: F811
    before = files_of(built)
    edit(bilingual, "guidelines.yaml",
         "    cy: Dysgwch arwyddion meithrin perthynas amhriodol.\n", "")
    code, output = build(bilingual, built)
    assert code == 1
    assert "content/guidelines.yaml: error: 1 text in this file has no Welsh (cy) twin" in output
    assert ("content/guidelines.yaml:9:5: error: no Welsh (cy) text for items › "
            "grooming-signs (the item 'grooming-signs' in the guidelines)") in output
    assert files_of(built) == before


def test_a_one_language_site_is_byte_identical_whether_written_language_or_languages(
        tmp_path: Path) -> None:
    """The default content's site is not touched by the languages machinery: no cy/, no
    alternates, no language link, and `languages: [en-GB]` builds the same bytes."""
    project = tmp_path / "default"
    for folder in ("content", "templates"):
        shutil.copytree(REPO / folder, project / folder)
    assert build(project, tmp_path / "before")[0] == 0
    publication = project / "content" / "publication.yaml"
    publication.write_text(publication.read_text().replace("language: en-GB",
                                                           "languages: [en-GB]"))
    assert build(project, tmp_path / "after")[0] == 0
    before, after = files_of(tmp_path / "before"), files_of(tmp_path / "after")
    del before[MARKER], after[MARKER]  # the record holds the hash of publication.yaml
    assert before == after
    assert not any(path.startswith("cy/") for path in before)
    index = parse(tmp_path / "before" / "index.html")
    assert index.html["lang"] == "en-GB" and not index.find("link", hreflang=True)
    assert not index.select("a[hreflang]")


def test_welsh_first_puts_the_welsh_pages_at_the_top_and_the_english_in_en(
        bilingual: Path, tmp_path: Path) -> None:  # noqa: F811
    edit(bilingual, "publication.yaml", "languages: [en, cy]", "languages: [cy, en]")
    out = tmp_path / "site"
    assert build(bilingual, out)[0] == 0
    top, english = parse(out / "index.html"), parse(out / "en" / "index.html")
    assert top.html["lang"] == "cy" and english.html["lang"] == "en"
    assert top.select_one("header a[hreflang=en]")["href"] == "en/index.html"
    assert english.select_one("header a[hreflang=cy]")["href"] == "../index.html"
    assert alternates(top) == {"cy": SITE + "index.html", "en": SITE + "en/index.html"}
