"""End-to-end: the real default content built into tmp_path, parsed and checked."""

from __future__ import annotations

import itertools
import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from site_helpers import html_pages, local_links, parse, plain, visible_text

from policygen import BuildOptions, build
from policygen.source.content import load_content

TODAY = date(2026, 11, 25)
SITE_ONLY = frozenset({"site"})


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The repository's default content, built once for this module: (project, site)."""
    from conftest import REPO
    out = tmp_path_factory.mktemp("site") / "build"
    build(BuildOptions(REPO, out, TODAY, SITE_ONLY))
    return REPO, out


def test_every_page_is_there(built: tuple[Path, Path]) -> None:
    project, site = built
    pub = load_content(project).publication
    expected = {"index.html", "404.html", "accessibility.html", "summary.html", "guidelines.html", "glossary.html",
                "reporting.html", "legal.html", "sources.html", "about.html", "search.html"}
    fixed = set(expected)
    expected |= {f"topics/{t.id}.html" for t in pub.topics}
    # Each earlier edition kept on record stays readable under editions/DATE/, with the
    # topics it had then, and this edition says what it changed.
    kept = sorted(p for p in (project / "content" / "editions").iterdir() if p.is_dir()
                  and p.name < pub.dates.last_updated.isoformat())
    assert kept, "the default content records an earlier edition"
    expected.add("what-changed.html")
    for edition in kept:
        pages = fixed | {f"topics/{t.stem}.html" for t in (edition / "topics").glob("*.yaml")}
        expected |= {f"editions/{edition.name}/{page}" for page in pages}
    assert {p.relative_to(site).as_posix() for p in html_pages(site)} == expected
    assert len(pub.topics) == 8


def test_every_topic_page_shows_every_item_of_its_source(built: tuple[Path, Path]) -> None:
    project, site = built
    for topic in load_content(project).publication.topics:
        soup = parse(site / "topics" / f"{topic.id}.html")
        assert soup.h1.get_text(strip=True) == topic.title
        text = visible_text(soup)
        items = topic.headline + topic.preamble + topic.in_place + tuple(
            i for level in topic.practice for i in level.items + level.consequences)
        for item in items:
            assert plain(item.text) in text, f"{item.id} missing from {topic.id}"
        labels = [h.get_text(" ", strip=True) for h in soup.select("section.level h3")]
        assert labels == [level.label for level in topic.practice]


def test_practice_levels_are_told_by_text_and_icon_not_colour_alone(
        built: tuple[Path, Path]) -> None:
    _, site = built
    soup = parse(site / "topics" / "email.html")
    for key in ("best", "safe", "poor"):
        heading = soup.select_one(f"section.level--{key} h3")
        assert heading.select_one("svg[aria-hidden=true]") is not None
        assert heading.get_text(strip=True).lower().startswith(key)


def test_sections_pages_show_their_content(built: tuple[Path, Path]) -> None:
    project, site = built
    pub = load_content(project).publication
    checks = {
        "summary.html": [i.text for i in pub.summary.do.items + pub.summary.do_not.items],
        "guidelines.html": [i.text for i in pub.guidelines.items],
        "glossary.html": [t.definition for t in pub.glossary.terms],
        "reporting.html": [c.name for c in pub.reporting.contacts]
        + [s.text for s in pub.reporting.steps],
        "legal.html": [o.law for o in pub.legal.offences],
        "sources.html": [s.name for g in pub.sources.groups for s in g.sources],
        "about.html": [r.version for r in pub.revisions] + [pub.approval.body],
    }
    for page, texts in checks.items():
        text = visible_text(parse(site / page))
        for expected in texts:
            assert plain(expected) in text, f"{expected[:40]!r} missing from {page}"


def test_reporting_page_has_emergency_numbers_as_phone_links(built: tuple[Path, Path]) -> None:
    _, site = built
    soup = parse(site / "reporting.html")
    phones = {a["href"] for a in soup.select('a[href^="tel:"]')}
    assert {"tel:08001111", "tel:08088005000", "tel:03443814772"} <= phones
    assert "999" in soup.select_one("section.emergency").get_text()


def test_every_internal_link_and_fragment_resolves(built: tuple[Path, Path]) -> None:
    _, site = built
    ids_cache: dict[Path, set[str]] = {}
    for page in html_pages(site):
        soup = parse(page)
        for target, fragment in local_links(page, soup):
            assert target.is_file(), f"{page.relative_to(site)} links to missing {target}"
            assert site in target.parents, f"{page.relative_to(site)} links outside the site"
            if fragment and target.suffix == ".html":
                if target not in ids_cache:
                    ids_cache[target] = {e["id"] for e in parse(target).select("[id]")}
                assert fragment in ids_cache[target], f"{page.name} → {target.name}#{fragment}"


def test_glossary_terms_are_linked_once_per_page_where_first_used(
        built: tuple[Path, Path]) -> None:
    _, site = built
    soup = parse(site / "topics" / "email.html")
    term_links = [a["href"] for a in soup.select("main a.term")]
    assert "../glossary.html#term-aup" in term_links
    assert len(term_links) == len(set(term_links))
    strings = soup.find("main").find_all(string=re.compile(r"\bAUP\b"))
    first = strings[0]
    assert first.parent.name == "a" and "term" in first.parent["class"]
    assert all(s.parent.name != "a" for s in strings[1:])


def test_accessibility_structure(built: tuple[Path, Path]) -> None:
    _, site = built
    for page in html_pages(site):
        soup = parse(page)
        name = page.relative_to(site).as_posix()
        assert soup.html.get("lang") == "en-GB", name
        assert len(soup.find_all("h1")) == 1, name
        levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), f"heading skip in {name}"
        skip = soup.find("a", class_="skip-link")
        assert skip and skip["href"] == "#main" and soup.find(id="main").name == "main", name
        assert {n["aria-label"] for n in soup.find_all("nav")} >= {"Main", "All pages"}, name
        assert soup.find("header") and soup.find("footer"), name
        for svg in soup.find_all("svg"):
            assert svg.get("aria-hidden") == "true", name


def test_no_third_party_requests_and_no_inline_script_or_style(
        built: tuple[Path, Path]) -> None:
    _, site = built
    for page in html_pages(site):
        soup = parse(page)
        name = page.relative_to(site).as_posix()
        for element in soup.find_all(["script", "link", "img", "iframe", "source", "video"]):
            url = element.get("src") or (element.get("href") if element.name == "link" else "")
            if element.name == "link" and element.get("rel") in (["canonical"], ["alternate"]):
                continue
            assert url and "://" not in url and not url.startswith("//"), f"{name}: {element}"
        assert all(s.get("src") for s in soup.find_all("script")), f"inline script in {name}"
        assert not soup.find("style") and not soup.select("[style]"), f"inline style in {name}"
        assert not soup.select("[onclick], [onload], [onerror]"), name
    css = (site / "assets" / "style.css").read_text()
    assert "@import" not in css and "url(" not in css


@pytest.mark.parametrize(("today", "state", "message"), [
    (date(2026, 11, 25), "current", "Current guidance. Next review due 14 September 2027. Last reviewed 14 September 2026."),
    (date(2027, 8, 1), "due", "Review due soon. This guidance is due for review on 14 September 2027. It still applies until then."),
    (date(2028, 3, 1), "overdue", "Overdue for review. This guidance was due for review on 14 September 2027. Check with Northshire Safeguarding Children Partnership that it is still current before you rely on it."),
])
def test_review_banner_on_every_page(tmp_path: Path, default_project: Path, today: date,
                                     state: str, message: str) -> None:
    out = tmp_path / "out"
    build(BuildOptions(default_project, out, today, SITE_ONLY))
    earlier = [p for p in html_pages(out) if p.relative_to(out).parts[0] == "editions"]
    assert earlier and all(parse(p).find(id="superseded") is not None for p in earlier)
    for page in (p for p in html_pages(out) if p not in earlier):
        soup = parse(page)
        banner = soup.find(id="review-status")
        assert banner is not None and f"review--{state}" in banner["class"]
        assert banner["data-next-review"] == "2027-09-14"
        shown = [p for p in banner.select(".review-message") if not p.has_attr("hidden")]
        assert [" ".join(p.get_text(" ").split()) for p in shown] == [message], page.name


def test_dates_are_kept_apart_on_the_about_page(built: tuple[Path, Path]) -> None:
    _, site = built
    facts = parse(site / "about.html").select("dl.facts")[1]
    pairs = dict(zip([dt.get_text(strip=True) for dt in facts.find_all("dt")],
                     [dd.get_text(" ", strip=True) for dd in facts.find_all("dd")], strict=True))
    assert pairs["Published"] == "14 September 2026"
    assert pairs["Last reviewed"] == "14 September 2026"
    assert pairs["Next review"].startswith("14 September 2027")


def test_identical_input_gives_identical_output(tmp_path: Path, default_project: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    build(BuildOptions(default_project, first, TODAY, SITE_ONLY))
    build(BuildOptions(default_project, second, TODAY, SITE_ONLY))
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert len(files) > 15
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_feed_and_sitemap_only_with_a_site_url(tmp_path: Path, default_project: Path) -> None:
    out = tmp_path / "plain"
    build(BuildOptions(default_project, out, TODAY, SITE_ONLY))
    assert not (out / "feed.xml").exists() and not (out / "sitemap.xml").exists()

    pub_file = default_project / "content" / "publication.yaml"
    pub_file.write_text("site_url: https://esafety.example.org/guidance\n" + pub_file.read_text())
    out = tmp_path / "with-url"
    build(BuildOptions(default_project, out, TODAY, SITE_ONLY))
    import xml.etree.ElementTree as ET
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(out / "feed.xml").getroot()
    data = yaml.safe_load(pub_file.read_text())
    revisions = data["revisions"]
    ids = [entry.find(f"{atom}id").text for entry in feed.findall(f"{atom}entry")]
    about = "https://esafety.example.org/guidance/about.html#revision-"
    assert [i for i in ids if i.startswith(about)] == [
        about + str(r["version"]).replace(".", "-") for r in revisions]
    # This edition's "What changed" page and the edition it superseded come first.
    earlier = max(p.stem for p in (default_project / "content" / "editions").glob("*.yaml")
                  if p.stem < data["dates"]["last_updated"].isoformat())
    assert ids[:2] == [
        f"https://esafety.example.org/guidance/what-changed.html#{data['dates']['last_updated']}",
        f"https://esafety.example.org/guidance/editions/{earlier}/index.html"]
    assert len(ids) == len(revisions) + 2
    urls = [loc.text for loc in ET.parse(out / "sitemap.xml").getroot().iter(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://esafety.example.org/guidance/topics/email.html" in urls
    assert not any(u.endswith("404.html") for u in urls)
