"""The website on a phone (320 px) and a desktop (1280 px), in a real browser (issue 17):
the title near the top, a menu that folds away without script, the topics first, tables that
say they scroll, the adaptation state as a label, and a logo that states its size."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from browser import serve
from conftest import REPO, ProjectMaker
from PIL import Image

from policygen import BuildOptions, build

playwright_api = pytest.importorskip("playwright.sync_api")

TOPIC = "topics/email.html"
VARIANTS = ("variants/oakfield-primary/", "variants/riverside-house/")
# Every link of the main menu, where the header's <details> keeps them.
MENU_LINKS = ".site-header nav[aria-label='Main'] a"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small") / "site"
    report = build(BuildOptions(REPO, out, date(2026, 12, 1), frozenset({"site"}),
                                all_variants=True))
    assert report.failures == () and len(report.variants_built) >= 2
    return out


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    page = browser.new_page(viewport={"width": 320, "height": 900})
    yield page
    page.close()


@pytest.fixture
def desktop(browser: Any) -> Iterator[Any]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    yield page
    page.close()


def h1_top(page: Any, url: str) -> float:
    page.goto(url, wait_until="load")
    return float(page.eval_on_selector("h1", "e => e.getBoundingClientRect().top"))


@pytest.mark.parametrize("path", ["index.html", TOPIC, "reporting.html"])
def test_the_title_is_within_200px_of_the_top_of_a_phone(phone: Any, base_url: str,
                                                         path: str) -> None:
    assert h1_top(phone, base_url + path) <= 200


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("path", ["index.html", TOPIC])
def test_a_variants_title_is_within_300px_of_the_top_of_a_phone(
        phone: Any, base_url: str, variant: str, path: str) -> None:
    assert h1_top(phone, base_url + variant + path) <= 300


def test_the_adaptation_banner_is_one_line_on_a_phone_with_the_whole_sentence_behind_it(
        phone: Any, base_url: str) -> None:
    phone.goto(base_url + VARIANTS[0] + "index.html", wait_until="load")
    summary = phone.locator("#adaptation-status summary")
    line = float(phone.evaluate("parseFloat(getComputedStyle("
                                "document.querySelector('#adaptation-status summary')).lineHeight)"))
    assert summary.bounding_box()["height"] <= line * 1.5
    sentence = phone.locator("#adaptation-status details p")
    assert not sentence.is_visible()
    summary.focus()
    phone.keyboard.press("Enter")
    assert sentence.is_visible()
    assert "Changes not yet notified to the author." in sentence.inner_text()
    assert phone.locator("#adaptation-status a[href='adaptation.html']").is_visible()


def test_the_menu_is_folded_on_a_phone_and_every_link_is_reached_by_keyboard_once_open(
        phone: Any, base_url: str) -> None:
    phone.goto(base_url + TOPIC, wait_until="load")
    links = phone.locator(MENU_LINKS)
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs == ["../index.html", "../index.html#topics", "../summary.html",
                     "../guidelines.html", "../reporting.html", "../glossary.html",
                     "../about.html", "../search.html"]
    assert not any(links.nth(i).is_visible() for i in range(links.count()))
    # A closed menu is one button: after the skip link and the title's link comes the button.
    phone.focus(".site-title a")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.tagName") == "SUMMARY"
    assert phone.evaluate("document.activeElement.textContent.trim()") == "Menu"
    phone.keyboard.press("Enter")
    assert phone.evaluate("document.querySelector('.menu').open") is True
    reached = []
    for _ in hrefs:
        phone.keyboard.press("Tab")
        reached.append(phone.evaluate("document.activeElement.getAttribute('href')"))
    assert reached == hrefs
    assert all(links.nth(i).is_visible() for i in range(links.count()))
    # The open menu lies over the page, within the screen: nothing scrolls sideways.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320


def test_every_menu_link_shows_on_one_row_at_desktop_width_without_opening_anything(
        desktop: Any, base_url: str) -> None:
    for path in ("index.html", TOPIC, VARIANTS[0] + "index.html"):
        desktop.goto(base_url + path, wait_until="load")
        assert desktop.evaluate("document.querySelector('.menu').open") is False
        assert not desktop.locator(".menu > summary").is_visible()
        boxes = desktop.eval_on_selector_all(
            MENU_LINKS, "els => els.map(e => [e.textContent, e.getBoundingClientRect().top,"
            " e.getClientRects().length, e.offsetHeight])")
        assert len(boxes) == 8
        assert len({round(top) for _, top, _, _ in boxes}) == 1, boxes  # one row
        about = next(box for box in boxes if box[0] == "About this guidance")
        assert about[2] == 1  # one line box: the words did not wrap
        # Keyboard: Tab goes from the header's last link into the menu's, no button between.
        desktop.focus(".site-publisher a" if "variants" in path else ".site-title a")
        desktop.keyboard.press("Tab")
        assert desktop.evaluate("document.activeElement.textContent") == boxes[0][0]


def test_the_menu_still_folds_away_when_printed(desktop: Any, base_url: str) -> None:
    desktop.goto(base_url + "index.html", wait_until="load")
    desktop.emulate_media(media="print")
    assert desktop.eval_on_selector(".menu", "e => getComputedStyle(e).display") == "none"
    assert desktop.locator("#adaptation-status").count() == 0
    desktop.goto(base_url + VARIANTS[0] + "index.html", wait_until="load")
    # On paper the whole adaptation sentence stands, with nothing to click.
    assert desktop.locator("#adaptation-status details p").is_visible()
    assert not desktop.locator("#adaptation-status summary").is_visible()


@pytest.mark.parametrize("path", ["variants/index.html", "legal.html",
                                  VARIANTS[0] + "adaptation.html",
                                  VARIANTS[1] + "adaptation.html", VARIANTS[1] + "about.html"])
def test_nothing_scrolls_sideways_on_a_phone_but_a_table_in_a_focusable_labelled_region(
        phone: Any, base_url: str, path: str) -> None:
    phone.goto(base_url + path, wait_until="load")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320
    tables = phone.eval_on_selector_all("main table", """els => els.map(t => {
        const box = t.closest('[role=region]');
        return {wide: t.scrollWidth > t.parentElement.clientWidth, scrolls: !!box
          && box.tabIndex === 0 && getComputedStyle(box).overflowX === 'auto'
          && !!(box.getAttribute('aria-label') || box.getAttribute('aria-labelledby'))
          && getComputedStyle(box).backgroundImage.includes('gradient')};
    })""")
    assert tables and all(t["scrolls"] for t in tables if t["wide"]), tables


def test_a_wide_table_can_be_scrolled_with_the_keyboard(phone: Any, base_url: str) -> None:
    phone.goto(base_url + VARIANTS[0] + "adaptation.html", wait_until="load")
    region = phone.locator(".table-scroll").first
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")  # five columns do not fit
    region.focus()
    phone.keyboard.press("ArrowRight")
    phone.wait_for_timeout(300)  # a smooth scroll takes a moment
    assert region.evaluate("e => e.scrollLeft") > 0


def test_the_home_page_leads_with_report_a_concern_then_the_topics(
        phone: Any, base_url: str, site: Path) -> None:
    for prefix in ("", *VARIANTS):
        phone.goto(base_url + prefix + "index.html", wait_until="load")
        first = phone.eval_on_selector("main a[href]", "e => [e.textContent, e.getAttribute('href')]")
        assert first == ["Report a concern", "reporting.html"]
        assert phone.locator("main a[href]").first.bounding_box()["y"] < 900  # seen at once
        order = phone.eval_on_selector_all("main h2", "els => els.map(e => e.id)")
        assert order[:2] == ["topics", "introduction"]


def test_no_glossary_link_sits_in_a_topic_card(site: Path) -> None:
    for prefix in ("", *VARIANTS):
        html = (site / prefix / "index.html").read_text()
        topics = html[html.index('<h2 id="topics">'):html.index('<h2 id="introduction">')]
        cards = re.findall(r'<li class="card">(.*?)</li>', topics, re.S)
        assert len(cards) >= 6
        assert [c for c in cards if "glossary" in c] == []
        # ...while the summaries' words are all there: "DSL" is a glossary term in one.
        assert all(c.count("<a ") == 1 for c in cards)


def test_a_card_summary_keeps_its_words_but_no_link_linked_or_written(
        make_project: ProjectMaker, tmp_path: Path) -> None:
    # "grooming" is a glossary term the site links by itself; the AUP is linked by hand.
    project = make_project()
    topic = project / "content" / "topics" / "email.yaml"
    topic.write_text(topic.read_text().replace(
        "summary: Use your work account.",
        "summary: Read the [AUP](glossary:aup), learn about grooming and *never* guess."))
    out = tmp_path / "out"
    build(BuildOptions(project, out, date(2026, 12, 1), frozenset({"site"})))
    html = (out / "index.html").read_text()
    card = re.search(r'<li class="card">.*?Read the.*?</li>', html, re.S)
    assert card is not None
    assert "<p>Read the AUP, learn about grooming and <em>never</em> guess.</p>" in card.group(0)
    # The topic's own page still links the terms.
    assert 'href="../glossary.html#term-aup"' in (out / "topics" / "email.html").read_text()


def test_the_adaptation_state_is_a_label(site: Path) -> None:
    oakfield = (site / VARIANTS[0] / "index.html").read_text()
    riverside = (site / VARIANTS[1] / "index.html").read_text()
    assert '<span class="badge badge--not-notified">Not yet notified</span>' in oakfield
    # Riverside's approval was for the edition before the one it now adapts (see
    # test_variant_state): its label says so in words, not colour alone.
    assert ('<span class="badge badge--changed-since-approval">Changed since approval</span>'
            in riverside)
    adaptation = (site / VARIANTS[0] / "adaptation.html").read_text()
    assert '<p class="state-label"><span class="badge badge--not-notified">Not yet notified</span>' \
        '</p>\n<p class="lead">Adapted by' in adaptation


def test_a_changed_title_is_filed_as_the_title_not_as_renaming_topics(site: Path) -> None:
    html = (site / VARIANTS[0] / "adaptation.html").read_text()
    rows = re.findall(r"<tr>\s*<td>([^<]*)</td>\s*<th scope=\"row\">([^<]*)", html)
    kinds = dict((target, kind) for kind, target in rows)
    assert kinds["title"] == "Changing the title"
    assert all(kind != "Renaming topics" for target, kind in kinds.items() if target == "title")


def test_the_logo_states_a_width_and_height_in_its_own_proportions(
        site: Path, phone: Any, base_url: str) -> None:
    html = (site / VARIANTS[0] / "index.html").read_text()
    tag = re.search(r'<img class="logo"[^>]*>', html)
    assert tag is not None and 'width="48" height="48"' in tag.group(0)  # viewBox 0 0 64 64
    phone.goto(base_url + VARIANTS[0] + "index.html", wait_until="load")
    box = phone.locator(".logo").bounding_box()
    assert abs(box["width"] / box["height"] - 1) < 0.01


@pytest.mark.parametrize(("logo", "size"), [
    ("svg-viewbox", (96, 48)), ("svg-size", (24, 48)), ("png", (144, 48)), ("jpeg", (36, 48)),
])
def test_a_logos_width_and_height_come_from_the_file(
        make_project: ProjectMaker, tmp_path: Path, logo: str, size: tuple[int, int]) -> None:
    project = make_project()
    folder = project / "variants" / "school"
    folder.mkdir(parents=True)
    svg = '<svg xmlns="http://www.w3.org/2000/svg" {}><rect width="9" height="9"/></svg>\n'
    if logo == "svg-viewbox":
        name, data = "logo.svg", svg.format('viewBox="0 0 200 100"').encode()
    elif logo == "svg-size":
        name, data = "logo.svg", svg.format('width="30" height="60"').encode()
    else:
        width, height = (300, 100) if logo == "png" else (60, 80)
        buffer = io.BytesIO()
        Image.new("RGB", (width, height), "white").save(buffer, logo.upper())
        name, data = f"logo.{'png' if logo == 'png' else 'jpg'}", buffer.getvalue()
    (folder / name).write_bytes(data)
    (folder / "variant.yaml").write_text(f"organisation:\n  name: A School\n  logo: {name}\n")
    out = tmp_path / "out"
    build(BuildOptions(project, out, date(2026, 12, 1), frozenset({"site"}),
                       variant="school"))
    tag = re.search(r'<img class="logo"[^>]*>', (out / "index.html").read_text())
    assert tag is not None
    assert f'width="{size[0]}" height="{size[1]}"' in tag.group(0)


def test_safe_practice_is_blue_with_a_shield_and_amber_is_kept_for_warnings(
        desktop: Any, base_url: str) -> None:
    """Safe practice is allowed practice: it wears the posters' blue shield, not a warning's
    amber triangle; amber stays on the review banner and unsigned local changes."""
    desktop.goto(base_url + TOPIC, wait_until="load")
    colour = "e => getComputedStyle(e).borderLeftColor"
    levels = {key: desktop.eval_on_selector(f".level--{key}", colour)
              for key in ("best", "safe", "poor")}
    assert levels == {"best": "rgb(0, 107, 79)", "safe": "rgb(31, 90, 150)",
                      "poor": "rgb(179, 38, 30)"}
    shield = desktop.eval_on_selector(".level--safe .icon path", "e => e.getAttribute('d')")
    assert shield.startswith("M12 1L22 4.5v7")  # the shield of templates/print/poster-icons.html
    desktop.goto(base_url + "variants/oakfield-primary/index.html", wait_until="load")
    banner = desktop.eval_on_selector(".adapted--not-notified", colour)
    assert banner == "rgb(138, 75, 0)"
