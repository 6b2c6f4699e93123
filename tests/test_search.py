"""Offline search (issue 13): each edition's search page and its own Pagefind index, in real
Chromium, served at the root and under a sub-path with the documented Content-Security-Policy;
without JavaScript the page is a list of every topic and its items."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from browser import serve
from conftest import REPO, ProjectMaker
from site_helpers import parse
from test_preview import Running, edit
from test_quality import WCAG_TAGS, Recorder

from policygen import BuildOptions, build
from policygen.build.output import MARKER
from policygen.commands.preview import SITE_POLICY
from policygen.errors import SearchIndexError
from policygen.render import search as search_index
from policygen.render.search import UNUSED, index_edition
from policygen.render.templating import anchor
from policygen.source.content import load_content

playwright_api = pytest.importorskip("playwright.sync_api")
axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")

TODAY = date(2026, 12, 1)
SITE = frozenset({"site"})
SEARCHABLE = frozenset({"site", "search"})
OAKFIELD = "variants/oakfield-primary/"
EDITIONS = ("", "variants/brookside-primary/", "variants/northshire-council/", OAKFIELD,
            "variants/riverside-house/")
# In one item of the base guidance only (content/topics/mobile.yaml).
BASE_WORD, BASE_ITEM = "withhold", "topics/mobile.html#item-withhold-number"
# In an item that only the Oakfield variant adds.
VARIANT_WORD, VARIANT_ITEM = "iPads", "topics/images.html#item-class-tablets"


@pytest.fixture(scope="module")
def www(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A web server's folder holding the base and both example variants at /sub/."""
    root = tmp_path_factory.mktemp("search") / "www"
    report = build(BuildOptions(REPO, root / "sub", TODAY, SEARCHABLE, all_variants=True))
    assert report.failures == () and len(report.variants_built) == len(EDITIONS) - 1
    return root


@pytest.fixture(scope="module")
def site(www: Path) -> Path:
    return www / "sub"


@pytest.fixture(scope="module")
def roots(www: Path, site: Path) -> Iterator[dict[str, str]]:
    """The site's address at the root of one server and under /sub/ of another."""
    with serve(site) as at_root, serve(www) as at_top:
        yield {"root": at_root, "sub-path": at_top + "sub/"}


@pytest.fixture
def recorder(browser: Any) -> Iterator[Recorder]:
    recorder = Recorder(browser, 1280)
    yield recorder
    recorder.close()


def search(page: Any, words: str) -> list[str]:
    """Type the words in the search box and wait for the results: their links' addresses."""
    page.fill("#search-words", words)
    page.press("#search-words", "Enter")
    page.wait_for_selector("#search-status:not(:empty):not(:text('Searching'))")
    return list(page.eval_on_selector_all("#search-results a",
                                          "links => links.map(a => a.getAttribute('href'))"))


def assert_stayed_home(recorder: Recorder, root: str) -> None:
    """Nothing failed, no request left the site, no CSP violation, nothing in the console."""
    assert recorder.page.evaluate("window.__csp") == []
    assert recorder.failures == []
    assert [url for url in recorder.requests if not url.startswith(root)] == []
    assert recorder.errors == []


def test_each_edition_has_its_search_page_and_its_own_index_all_in_the_record(
        site: Path) -> None:
    recorded = json.loads((site / MARKER).read_text())["files"]
    for prefix in EDITIONS:
        bundle = site / prefix / "pagefind"
        names = {p.relative_to(site).as_posix() for p in bundle.rglob("*") if p.is_file()}
        assert {f"{prefix}pagefind/pagefind.js", f"{prefix}pagefind/pagefind-entry.json",
                f"{prefix}pagefind/pagefind-worker.js"} <= names
        assert names <= set(recorded)
        assert not {n.rsplit("/", 1)[1] for n in names} & UNUSED
        menu = parse(site / prefix / "index.html").select("nav[aria-label='Main'] a")
        assert [a["href"] for a in menu if a.get_text() == "Search"] == ["search.html"]
    entry = json.loads((site / OAKFIELD / "pagefind" / "pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["en-gb"]


def test_only_the_main_content_is_indexed() -> None:
    page = (REPO / "templates" / "site" / "base.html").read_text()
    assert '<main id="main" tabindex="-1" data-pagefind-body>' in page


@pytest.mark.parametrize("where", ["root", "sub-path"])
def test_typing_a_word_finds_its_item_and_the_link_leads_to_it(
        recorder: Recorder, roots: dict[str, str], where: str) -> None:
    root = roots[where]
    page = recorder.open(root + "search.html")
    assert page.is_visible("#search-words") and not page.is_visible("#search-note")
    links = search(page, BASE_WORD)
    assert links[:2] == [BASE_ITEM.split("#")[0], BASE_ITEM]
    assert page.inner_text("#search-results mark").lower() == BASE_WORD
    page.click(f"#search-results a[href='{BASE_ITEM}']")
    page.wait_for_url(root + BASE_ITEM)
    assert BASE_WORD in page.inner_text("#item-withhold-number")
    assert_stayed_home(recorder, root)


def test_a_variants_search_finds_what_only_the_variant_says(
        recorder: Recorder, roots: dict[str, str]) -> None:
    root = roots["sub-path"]
    assert search(recorder.open(root + "search.html"), VARIANT_WORD) == []
    assert "Nothing found for “iPads”" in recorder.page.inner_text("#search-status")
    page = recorder.open(root + OAKFIELD + "search.html")
    assert VARIANT_ITEM in search(page, VARIANT_WORD)
    page.click(f"#search-results a[href='{VARIANT_ITEM}']")
    page.wait_for_url(root + OAKFIELD + VARIANT_ITEM)
    assert VARIANT_WORD in page.inner_text("#item-class-tablets")
    assert_stayed_home(recorder, root)


def test_a_search_given_in_the_address_runs_at_once(recorder: Recorder,
                                                    roots: dict[str, str]) -> None:
    page = recorder.open(roots["root"] + f"search.html?q={BASE_WORD}")
    page.wait_for_selector(f"#search-results a[href='{BASE_ITEM}']")
    assert page.input_value("#search-words") == BASE_WORD


def test_every_topic_and_item_is_listed_for_a_reader_without_javascript(
        browser: Any, site: Path, roots: dict[str, str]) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(roots["root"] + "search.html")
    assert not page.is_visible("#search-form")
    assert "With JavaScript on, a search box appears here" in page.inner_text("#search-note")
    listed = set(page.eval_on_selector_all(".every-item a", "l => l.map(a => a.getAttribute('href'))"))
    context.close()
    expected = set()
    for topic in load_content(REPO).publication.topics:
        page_of = f"topics/{topic.id}.html"
        items = [*topic.headline, *topic.preamble, *topic.in_place,
                 *(item for level in topic.practice for item in level.items)]
        expected |= {page_of} | {f"{page_of}#{anchor(item.id)}" for item in items}
    assert listed == expected
    for href in expected:  # every link leads to the item's anchor on its page
        path, _, fragment = href.partition("#")
        assert not fragment or parse(site / path).find(id=fragment) is not None, href


def test_built_without_search_the_page_lists_everything_and_says_so_with_javascript_on(
        recorder: Recorder, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(BuildOptions(REPO, out, TODAY, SITE, all_variants=True))
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("pagefind")) == []
    with serve(out) as root:
        for prefix in ("", OAKFIELD):
            page = recorder.open(root + prefix + "search.html")
            assert page.inner_text("#search-note") == (
                "This copy of the guidance was published without its search index, so there "
                "is no search box. Every topic and its items are listed below.")
            assert page.locator("#search-form").count() == 0
            assert page.locator("script[src$='search.js']").count() == 0
            assert page.locator(".every-item a").count() > 100
        assert_stayed_home(recorder, root)
        assert [url for url in recorder.requests if "pagefind" in url] == []


def test_the_preview_makes_no_index_unless_asked(make_project: ProjectMaker) -> None:
    running = Running(make_project(), pdfs=False)
    try:
        status, page = running.get("search.html")
        assert status == 200 and "published without its search index" in page
        assert not [name for name in running.preview.state.files if "pagefind" in name]
    finally:
        running.stop()


def test_opened_from_disk_the_page_says_search_needs_a_server(recorder: Recorder,
                                                              site: Path) -> None:
    page = recorder.open((site / "search.html").as_uri())
    note = page.inner_text("#search-note")
    assert "published on a web server" in note and not page.is_visible("#search-form")
    assert page.locator(".every-item a").count() > 100
    assert_stayed_home(recorder, site.as_uri())


@pytest.mark.parametrize("width", [1280, 320])
def test_no_axe_violations_on_the_search_page_before_and_after_a_search(
        browser: Any, roots: dict[str, str], width: int) -> None:
    recorder = Recorder(browser, width)
    page = recorder.open(roots["root"] + OAKFIELD + "search.html")
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}}
    before = axe_api.Axe().run(page, options=options)
    search(page, "phone")
    after = axe_api.Axe().run(page, options=options)
    wide = page.evaluate("document.documentElement.scrollWidth")
    recorder.close()
    assert (before.violations_count, after.violations_count) == (0, 0), \
        before.generate_report() + after.generate_report()
    assert wide <= width


def test_two_builds_give_the_same_index_byte_for_byte(tmp_path: Path, site: Path) -> None:
    again = tmp_path / "again"
    build(BuildOptions(REPO, again, TODAY, SEARCHABLE, all_variants=True))
    first = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*")
             if p.is_file()}
    second = {p.relative_to(again).as_posix(): p.read_bytes() for p in again.rglob("*")
              if p.is_file()}
    assert [n for n in first if "pagefind/" in n and first[n] != second.get(n)] == []
    assert first == second


def test_an_unchanged_rebuild_indexes_nothing_and_an_edited_variant_only_itself(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    for folder in ("content", "variants"):
        _copy(REPO / folder, project / folder)
    out = tmp_path / "out"
    options = BuildOptions(project, out, TODAY, SEARCHABLE, all_variants=True)
    build(options)
    indexed: list[list[str]] = []
    real = search_index.index_editions

    def counting(editions: Any, files: Any, counter: Any = None) -> dict[str, bytes]:
        editions = list(editions)
        indexed.append([prefix for prefix, _ in editions])
        return real(editions, files, counter)
    monkeypatch.setattr(search_index, "index_editions", counting)
    before = (out / MARKER).read_bytes()
    build(options)
    assert (out / MARKER).read_bytes() == before
    assert indexed == []  # nothing changed: the output folder is left as it is
    bundles = _bundles(out)
    variant = project / OAKFIELD / "variant.yaml"
    variant.write_text(variant.read_text().replace("locker", "bag"))
    build(options)
    assert indexed == [[OAKFIELD]]
    now = _bundles(out)
    assert [prefix for prefix in EDITIONS if now[prefix] != bundles[prefix]] == [OAKFIELD]


def _bundles(out: Path) -> dict[str, dict[str, bytes]]:
    return {prefix: {p.name: p.read_bytes() for p in (out / prefix / "pagefind").rglob("*")
                     if p.is_file()} for prefix in EDITIONS}


def test_a_failing_pagefind_stops_the_build_and_leaves_the_last_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    build(BuildOptions(REPO, out, TODAY, SEARCHABLE))
    before = (out / MARKER).read_bytes()
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'no index today' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(broken))
    with pytest.raises(SearchIndexError) as raised:
        build(BuildOptions(REPO, out, date(2026, 12, 2), SEARCHABLE))
    assert str(raised.value) == ("could not make the search index of the base guidance: "
                                 "Pagefind stopped (exit status 3): no index today")
    assert (out / MARKER).read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["out", "pagefind"]


def _copy(source: Path, target: Path) -> None:
    for path in source.rglob("*"):
        if path.is_file():
            (target / path.relative_to(source)).parent.mkdir(parents=True, exist_ok=True)
            (target / path.relative_to(source)).write_bytes(path.read_bytes())



def test_the_pages_of_an_edition_give_the_same_index_in_any_order(site: Path) -> None:
    # The base edition's own pages: not the variants', nor an earlier edition kept readable
    # under editions/DATE/ (which has no index of its own, and is not in this one).
    pages = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.glob("**/*.html")
             if not p.relative_to(site).as_posix().startswith(("variants/", "editions/"))}
    bundle = index_edition(pages)
    assert bundle == index_edition(dict(reversed(pages.items())))
    assert bundle == {name: (site / name).read_bytes() for name in bundle}  # as built


def test_the_preview_searches_its_own_pages_under_the_sites_policy(
        make_project: ProjectMaker, browser: Any) -> None:
    running = Running(make_project(), pdfs=False, search=True)
    try:
        with urllib.request.urlopen(running.url + "search.html", timeout=30) as response:
            assert response.headers["Content-Security-Policy"] == SITE_POLICY
        assert_finds(browser, running.url, "personal")
        version = running.version()
        edit(running.preview.project, "You use your personal account",
             "You use your zebra account")
        running.next_version(version)
        assert_finds(browser, running.url, "zebra")  # in the index made again on save
    finally:
        running.stop()


def assert_finds(browser: Any, root: str, word: str) -> None:
    """A search for the word leads to an item of the email topic, and nothing left the site."""
    recorder = Recorder(browser, 1280)
    found = search(recorder.open(root + "search.html"), word)
    assert any(href.startswith("topics/email.html#") for href in found), (word, found)
    assert_stayed_home(recorder, root)
    recorder.close()  # a page left open would reload itself when the preview rebuilds


def test_the_command_says_what_pagefind_said_and_that_nothing_was_written(
        make_project: ProjectMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from policygen.cli import main
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "nowhere" / "pagefind"))
    result = CliRunner().invoke(main, ["build", "--format", "search", "--project",
                                       str(make_project()), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr.startswith("could not start Pagefind (")
    assert result.stderr.endswith("or set PAGEFIND_BINARY_PATH to a Pagefind binary\n"
                                  "nothing was written\n")
    assert not (tmp_path / "out").exists()


def test_the_keyboard_alone_searches_and_reaches_a_result(recorder: Recorder,
                                                          roots: dict[str, str]) -> None:
    page = recorder.open(roots["root"] + "search.html")
    page.focus(".site-header nav[aria-label='Main'] a[aria-current='page']")
    page.keyboard.press("Tab")  # from the menu's last link, the search box comes next
    assert page.evaluate("document.activeElement.id") == "search-words"
    page.keyboard.type(BASE_WORD)
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#search-results a[href='{BASE_ITEM}']")
    assert page.inner_text("#search-status") == f"Pages found for “{BASE_WORD}”: 1"
    page.keyboard.press("Tab")  # the button, then the results in order
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == BASE_ITEM
    page.keyboard.press("Enter")
    page.wait_for_url(roots["root"] + BASE_ITEM)
