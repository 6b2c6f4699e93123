"""What a person meets in a real browser: accessibility (axe-core), keyboard, privacy, links,
print, and a strict Content-Security-Policy — on every page, served and from disk."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from browser import serve
from conftest import REPO

from policygen import BuildOptions, build

playwright_api = pytest.importorskip("playwright.sync_api")
axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
WIDTHS = {"desktop": 1280, "phone": 320}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base site and every example variant, as a board publishes them with --all."""
    out = tmp_path_factory.mktemp("quality") / "site"
    report = build(BuildOptions(REPO, out, date(2026, 11, 25), frozenset({"site", "search"}),
                                all_variants=True))
    assert report.failures == () and len(report.variants_built) >= 2
    return out


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


def pages_of(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


class Recorder:
    """A browser page that records every request, failure and CSP violation it meets."""

    def __init__(self, browser: Any, width: int) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.requests: list[str] = []
        self.failures: list[str] = []
        # What the page's scripts, and Pagefind's worker, report as errors: a policy that
        # blocks WebAssembly is said here, not as a securitypolicyviolation event.
        self.errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", lambda r: r.status >= 400 and self.failures.append(
            f"{r.url} ({r.status})"))
        self.page.add_init_script(
            "window.__csp = []; document.addEventListener('securitypolicyviolation',"
            " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")

    def _failed(self, request: Any) -> None:
        # The browser asks for the icon on its own and drops the request when the next page
        # opens; that is not a broken link.
        if not (request.url.endswith("favicon.svg") and "ERR_ABORTED" in str(request.failure)):
            self.failures.append(f"{request.url} ({request.failure})")

    def open(self, url: str) -> Any:
        self.page.goto(url, wait_until="load")
        return self.page

    def close(self) -> None:
        self.page.close()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_no_axe_violations_on_any_page(browser: Any, site: Path, base_url: str,
                                       width: int) -> None:
    recorder = Recorder(browser, width)
    found = {}
    for path in pages_of(site):
        result = axe_api.Axe().run(recorder.open(base_url + path),
                                   options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        if result.violations_count:
            found[path] = result.generate_report()
    recorder.close()
    assert found == {}


@pytest.mark.parametrize("mode", ["served", "from disk"])
def test_every_page_loads_with_nothing_failing_and_no_request_leaving(
        browser: Any, site: Path, base_url: str, mode: str) -> None:
    root = base_url if mode == "served" else site.as_uri() + "/"
    recorder = Recorder(browser, 1280)
    for path in pages_of(site):
        page = recorder.open(root + path)
        assert page.evaluate("window.__csp") == [], path
        assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui")
    recorder.close()
    assert recorder.failures == [] and recorder.errors == []
    assert [url for url in recorder.requests if not url.startswith(root)] == []


def test_searching_every_edition_breaks_no_policy_and_requests_nothing_from_elsewhere(
        browser: Any, site: Path, base_url: str) -> None:
    recorder = Recorder(browser, 1280)
    searches = [p for p in pages_of(site) if p.endswith("search.html")]
    # An earlier edition kept readable (editions/DATE/) is published without an index: its
    # search page says so and lists every item instead, with no box to type into.
    earlier = [p for p in searches if "editions/" in p]
    assert earlier, "the default content keeps an earlier edition"
    for path in earlier:
        kept = (site / path).read_text()
        assert 'id="search-words"' not in kept and "there is no search box" in kept, path
    for path in [p for p in searches if p not in earlier]:
        page = recorder.open(base_url + path)
        page.fill("#search-words", "phone")
        page.press("#search-words", "Enter")
        page.wait_for_selector("#search-results a")
        assert page.evaluate("window.__csp") == [], path
    recorder.close()
    assert recorder.failures == [] and recorder.errors == []
    assert any("/pagefind/wasm." in url for url in recorder.requests)
    assert [url for url in recorder.requests if not url.startswith(base_url)] == []


def test_every_internal_link_answers_200_when_served(browser: Any, site: Path,
                                                     base_url: str) -> None:
    recorder = Recorder(browser, 1280)
    targets: set[str] = set()
    for path in pages_of(site):
        page = recorder.open(base_url + path)
        targets |= set(page.eval_on_selector_all(
            "a[href]", "links => links.map(a => a.href.split('#')[0])"))
    broken = [url for url in sorted(targets) if url.startswith(base_url)
              and recorder.page.request.get(url).status != 200]
    recorder.close()
    assert broken == []
    assert len([u for u in targets if u.startswith(base_url)]) >= len(pages_of(site)) - 1


def test_keyboard_reaches_every_link_in_order_and_the_skip_link_works(
        browser: Any, base_url: str) -> None:
    recorder = Recorder(browser, 1280)
    page = recorder.open(base_url + "topics/email.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page = recorder.open(base_url + "topics/email.html")
    expected = page.eval_on_selector_all(
        "a[href], [tabindex]:not([tabindex='-1'])", "els => els.map(e => e.outerHTML)")
    reached = []
    for _ in range(len(expected)):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.outerHTML"))
    recorder.close()
    assert reached == expected


def test_focus_is_visible(browser: Any, base_url: str) -> None:
    recorder = Recorder(browser, 1280)
    page = recorder.open(base_url + "index.html")
    for _ in range(3):
        page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    shadow = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    recorder.close()
    assert outline == "solid" and shadow != "none"


def test_printing_a_topic_page_hides_navigation_and_keeps_every_item(
        browser: Any, base_url: str) -> None:
    recorder = Recorder(browser, 1280)
    page = recorder.open(base_url + "topics/email.html")
    page.emulate_media(media="print")
    hidden = page.eval_on_selector_all(
        "nav, .skip-link, .print-links",
        "els => els.length >= 3 && els.every(e => getComputedStyle(e).display === 'none')")
    items = page.eval_on_selector_all(
        "main li", "els => els.filter(e => !e.closest('nav, .print-links'))"
        "  .filter(e => e.offsetParent !== null && e.innerText.length > 0).length")
    text = page.inner_text("main")
    recorder.close()
    assert hidden and items >= 15  # every practice item and duty of the email topic
    assert "Best practice" in text and "What should be in place?" in text


def test_phone_width_never_scrolls_sideways(browser: Any, site: Path, base_url: str) -> None:
    recorder = Recorder(browser, 320)
    wide = []
    for path in pages_of(site):
        page = recorder.open(base_url + path)
        if page.evaluate("document.documentElement.scrollWidth") > 320:
            wide.append(path)
    recorder.close()
    assert wide == []
