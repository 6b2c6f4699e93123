"""The page "What changed in this edition" (issue 10, point 4), built through the CLI: the
board recorded the edition of 14 September 2026, then published one on 20 November 2026 that
rewords, adds, moves and removes items."""

from __future__ import annotations

import json
from pathlib import Path

from site_helpers import parse, visible_text
from test_drift import new_edition
from test_variant_e2e import run

TODAY = "2026-12-01"
SITE_URL = "https://esafety.example.org/"


def build(project: Path) -> Path:
    code, _, err = run(project, "build", "--format", "site", "--today", TODAY)
    assert code == 0, err
    return project / "build"


def with_site_url(project: Path) -> None:
    publication = project / "content" / "publication.yaml"
    text = publication.read_text()
    if "site_url:" not in text:
        publication.write_text(f"site_url: {SITE_URL}\n" + text)


def test_the_page_lists_each_change_with_the_words_marked(september_project: Path) -> None:
    new_edition(september_project)
    site = build(september_project)
    page = parse(site / "what-changed.html")
    assert " ".join(page.select_one("p.lead").get_text().split()) == (
        "This is the edition of 20 November 2026. It replaces the edition of 14 September "
        "2026. Here is every item it changed, so that you can read just these instead of the "
        "whole guidance.")
    groups = {h2.get_text(strip=True): h2.find_next_sibling("ul").select(":scope > li")
              for h2 in page.select("main h2")}
    assert set(groups) == {"Reworded (3)", "New (1)", "Moved (1)", "Removed (1)"}
    factual = next(li for li in groups["Reworded (3)"] if li.find("ins", string=", factual"))
    assert " ".join(factual.select_one("p.diff").get_text().split()) == (
        "Write each email as though your manager, the child's family or a court might read "
        "it one day, because they might. Keep it clear, polite, factual and to the point.")
    where = factual.select_one("p.where a")
    assert where.get_text() == "Email: Best practice"
    target, anchor = where["href"].split("#")
    assert parse(site / target).find(id=anchor) is not None  # the link reaches the item
    added = groups["New (1)"][0]
    assert "Don't reply to all unless everyone on the list needs your answer." in \
        visible_text(added)
    moved = groups["Moved (1)"][0]
    assert "(moved from Email: Best practice)" in " ".join(moved.get_text().split())
    removed = groups["Removed (1)"][0]
    assert removed.find("a") is None and removed.find("del") is not None
    home = parse(site / "index.html")
    link = home.select_one("p.what-changed-link a")
    assert link.get_text() == "What changed in the edition of 20 November 2026"
    assert link["href"] == "what-changed.html"
    assert parse(site / "about.html").find("a", href="what-changed.html") is not None


def test_the_feed_and_sitemap_list_it_and_rebuilds_are_byte_identical(
        september_project: Path) -> None:
    with_site_url(september_project)
    new_edition(september_project)
    site = build(september_project)
    first = (site / "what-changed.html").read_bytes()
    assert f"<loc>{SITE_URL}what-changed.html</loc>" in (site / "sitemap.xml").read_text()
    feed = (site / "feed.xml").read_text()
    assert "<title>What changed in the edition of 20 November 2026</title>" in feed
    assert "6 items changed since the edition of 14 September 2026." in feed
    (site.parent / "content" / "topics" / "email.yaml").touch()
    code, _, err = run(september_project, "build", "--format", "site", "--today", TODAY,
                       "--out", str(september_project / "again"))
    assert code == 0, err
    assert (september_project / "again" / "what-changed.html").read_bytes() == first


def test_no_page_without_an_earlier_edition_on_record(september_project: Path) -> None:
    site = build(september_project)
    assert not (site / "what-changed.html").exists()
    assert parse(site / "index.html").select_one("p.what-changed-link") is None


def archived_project(project: Path) -> Path:
    """The board kept the edition of 14 September 2026 (policygen edition), then published
    the edition of 20 November 2026 (and set its site address since)."""
    code, _, err = run(project, "edition")
    assert code == 0, err
    assert (project / "content" / "editions" / "2026-09-14" / "topics" / "email.yaml").is_file()
    new_edition(project)
    with_site_url(project)
    return project


def test_an_earlier_edition_stays_readable_marked_superseded(september_project: Path) -> None:
    site = build(archived_project(september_project))
    old = site / "editions" / "2026-09-14"
    email = parse(old / "topics" / "email.html")
    text = visible_text(email)
    assert "You set your work email to forward automatically to a personal account" in text
    assert "Don't reply to all unless everyone" not in text
    banner = email.select_one("#superseded")
    assert " ".join(banner.get_text().split()).startswith(
        "This edition has been superseded. This is the edition of 14 September 2026, kept so "
        "that you can see what it said. It was replaced by the edition of 20 November 2026.")
    link = banner.find("a", string="Read the current guidance")
    assert link["href"] == "../../../topics/email.html"
    assert (old / "topics" / link["href"]).resolve() == (site / "topics" / "email.html")
    assert email.select_one("#review-status") is None  # not "current guidance"
    assert (old / "assets").is_dir() and parse(old / "index.html").select_one("#superseded")
    about = parse(site / "about.html")
    assert about.find("a", href="editions/2026-09-14/index.html").get_text() == \
        "The edition of 14 September 2026"
    assert f"<loc>{SITE_URL}editions/2026-09-14/index.html</loc>" in \
        (site / "sitemap.xml").read_text()
    assert "The edition of 14 September 2026 (superseded on 20 November 2026)" in \
        (site / "feed.xml").read_text()
    assert not (old / "sitemap.xml").exists() and not (old / "feed.xml").exists()


def test_earlier_edition_pages_are_byte_identical_across_rebuilds(september_project: Path) -> None:
    project = archived_project(september_project)
    first = build(project) / "editions"
    again = project / "again"
    code, _, err = run(project, "build", "--format", "site", "--today", "2027-01-05", "--out",
                       str(again))
    assert code == 0, err
    pages = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert pages and pages == sorted(p.relative_to(again / "editions")
                                     for p in (again / "editions").rglob("*") if p.is_file())
    assert all((first / p).read_bytes() == (again / "editions" / p).read_bytes()
               for p in pages)


def test_each_local_copy_keeps_its_earlier_edition_too(september_project: Path) -> None:
    from test_variant_chain import SCHOOL, with_chain
    with_chain(september_project)
    project = archived_project(september_project)
    kept = project / "content" / "editions" / "2026-09-14" / "variants" / SCHOOL / "variant.yaml"
    assert kept.read_bytes() == (project / "variants" / SCHOOL / "variant.yaml").read_bytes()
    code, _, err = run(project, "build", "--all", "--format", "site,search", "--today", TODAY)
    assert code == 0, err
    school = project / "build" / "variants" / SCHOOL
    old = parse(school / "editions" / "2026-09-14" / "topics" / "images.html")
    assert "Check the class photo consent list on the school office system" in visible_text(old)
    banner = old.select_one("#superseded")
    assert banner.find("a")["href"] == "../../../topics/images.html"
    assert old.select_one("#adaptation-status") is not None  # still says whose copy it is
    assert parse(school / "about.html").find("a", href="editions/2026-09-14/index.html")
    # The search index holds the school's current pages only, not the earlier edition's.
    entry = json.loads((school / "pagefind" / "pagefind-entry.json").read_text())
    current = [p for p in school.rglob("*.html") if "editions" not in p.relative_to(school).parts
               and p.name not in ("search.html", "404.html", "adaptation.html")]
    assert [language["page_count"] for language in entry["languages"].values()] == \
        [len(current)]


def test_a_local_copy_says_what_changed_in_its_own_words(september_project: Path) -> None:
    from test_variant_chain import SCHOOL, with_chain
    with_chain(september_project)
    project = archived_project(september_project)
    code, _, err = run(project, "build", "--all", "--format", "site", "--today", TODAY)
    assert code == 0, err
    page = parse(project / "build" / "variants" / SCHOOL / "what-changed.html")
    text = " ".join(page.get_text().split())
    assert "Keep it clear, polite, factual and to the point." in text
    # The school's terms are on both sides, so they are not shown as changes.
    assert not page.find("ins", string=lambda s: s and "pupil" in s)
    # The school rewords consent-checked itself: the board's rewording does not reach it.
    assert "ahead of the session" not in text


def test_a_new_consequence_links_to_its_page_not_to_a_place_it_does_not_have(
        september_project: Path) -> None:
    from test_variant_chain import edit
    new_edition(september_project)
    edit(september_project / "content" / "topics" / "email.yaml",
         "    consequences:\n      blurred-record:\n",
         "    consequences:\n      lost-record:\n        text: A message sent from a personal "
         "account may be lost when you leave.\n      blurred-record:\n")
    site = build(september_project)
    page = parse(site / "what-changed.html")
    added = next(li for li in page.select("main li")
                 if "may be lost when you leave" in li.get_text())
    where = added.select_one("p.where a")
    assert where.get_text() == "Email: Safe practice (consequences)"
    # A consequence has no id on its page (a shared one can be shown twice there), so the
    # link goes to the page, where the reader finds it.
    assert where["href"] == "topics/email.html"
    assert "may be lost when you leave" in visible_text(parse(site / where["href"]))
