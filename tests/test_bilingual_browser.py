"""The English and Welsh site in a real browser (issue 15): axe-core passes on every page of
both languages (the pages of what a new edition changed among them), with lang="cy" on the
Welsh ones, and the Welsh search finds Welsh words."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from browser import serve
from conftest import REPO
from test_bilingual_editions import new_edition, record_edition
from test_quality import WCAG_TAGS, WIDTHS, Recorder, pages_of

from policygen import BuildOptions, build

playwright_api = pytest.importorskip("playwright.sync_api")
axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small example, its first edition recorded, then a new edition."""
    folder = tmp_path_factory.mktemp("bilingual")
    project = folder / "project"
    shutil.copytree(REPO / "tests" / "data" / "bilingual", project)
    record_edition(project)
    new_edition(project)
    out = folder / "site"
    build(BuildOptions(project, out, date(2026, 12, 1), frozenset({"site", "search"})))
    assert (out / "cy" / "what-changed.html").is_file()
    return out


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_no_axe_violations_on_any_page_in_either_language(browser: Any, site: Path,
                                                          base_url: str, width: int) -> None:
    recorder = Recorder(browser, width)
    found, welsh = {}, 0
    for path in pages_of(site):
        page = recorder.open(base_url + path)
        if path.startswith("cy/"):
            assert page.evaluate("document.documentElement.lang") == "cy", path
            welsh += 1
        result = axe_api.Axe().run(page, options={"runOnly": {"type": "tag",
                                                              "values": WCAG_TAGS}})
        if result.violations_count:
            found[path] = result.generate_report()
    recorder.close()
    assert found == {} and welsh == len(pages_of(site)) // 2


def test_the_welsh_search_finds_a_welsh_word_and_leads_to_the_welsh_item(
        browser: Any, base_url: str) -> None:
    recorder = Recorder(browser, 1280)
    page = recorder.open(base_url + "cy/search.html")
    page.fill("#search-words", "rheolwr")
    page.press("#search-words", "Enter")
    page.wait_for_selector("#search-results a")
    links = page.eval_on_selector_all("#search-results a",
                                      "links => links.map(a => a.getAttribute('href'))")
    assert "topics/email.html#item-manager-knows" in links
    page.click("#search-results a[href='topics/email.html#item-manager-knows']")
    page.wait_for_url("**/cy/topics/email.html#item-manager-knows")
    recorder.close()
    assert recorder.failures == [] and recorder.errors == []
