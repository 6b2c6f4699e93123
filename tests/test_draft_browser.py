"""The draft Welsh in a real browser: the banner is the first thing under the menu, each
English stand-in is boxed and read as English, and axe-core passes on the draft's pages."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from browser import serve
from conftest import REPO
from test_quality import WCAG_TAGS, WIDTHS, Recorder

from policygen import BuildOptions, build

playwright_api = pytest.importorskip("playwright.sync_api")
axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")
PAGES = ("cy/topics/gaming.html", "cy/summary.html", "cy/topics/email.html",
         "topics/gaming.html")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = tmp_path_factory.mktemp("draft") / "project"
    shutil.copytree(REPO / "content", project / "content")
    out = project / "build-draft"
    build(BuildOptions(project, out, date(2026, 12, 3), frozenset({"site"}), draft="cy"))
    with serve(out) as url:
        yield url


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_no_axe_violations_on_the_draft_pages(browser: Any, base_url: str,
                                              width: int) -> None:
    recorder = Recorder(browser, width)
    found = {}
    for path in PAGES:
        page = recorder.open(base_url + path)
        result = axe_api.Axe().run(page, options={"runOnly": {"type": "tag",
                                                              "values": WCAG_TAGS}})
        if result.violations_count:
            found[path] = result.generate_report()
    recorder.close()
    assert found == {} and recorder.failures == [] and recorder.errors == []


def test_the_banner_is_seen_first_and_each_stand_in_is_boxed(browser: Any,
                                                             base_url: str) -> None:
    recorder = Recorder(browser, 1280)
    page = recorder.open(base_url + "cy/topics/gaming.html")
    banner = page.locator("#draft-translation").bounding_box()
    assert banner is not None and banner["y"] < 200 and banner["height"] > 100
    assert page.evaluate("getComputedStyle(document.querySelector('#draft-translation'))"
                         ".backgroundColor") == "rgb(29, 29, 27)"
    styles = page.eval_on_selector_all(".stand-in", "tags => tags.map(t => "
                                       "[getComputedStyle(t).outlineStyle, t.lang])")
    assert len(styles) > 10 and set(map(tuple, styles)) == {("dashed", "en-GB")}
    assert page.evaluate("document.querySelector('main h1').closest('[lang]').lang") == "cy"
    recorder.close()
