"""A local copy's own editions (issue 10, point 4), end to end through the CLI: Brookside
Primary School (of the example chain) publishes on 5 October 2026, rewords an item and
publishes again on 2 November 2026, while the partnership's edition stays that of 14
September 2026; then the partnership publishes the edition of 20 November 2026. Each of the
school's editions stays readable at its own address, marked superseded by the next."""

from __future__ import annotations

from pathlib import Path

import pytest
from site_helpers import parse, visible_text
from test_drift import new_edition
from test_variant_chain import COUNCIL, SCHOOL, SCHOOL_FILE, edit, with_chain
from test_variant_e2e import run
from test_what_changed import SITE_URL, with_site_url

TODAY = "2026-12-01"
OLD_CONSENT = "Check the class photo consent list on the school office system before the session"
NEW_CONSENT = "Check the class photo consent list in the school office before the session"
KEPT = f"variants/{SCHOOL}/editions"


def add_revision(project: Path, day: str, version: str, summary: str) -> None:
    school = project / SCHOOL_FILE
    text = school.read_text()
    if "\nrevisions:\n" not in text:
        text += "\nrevisions:\n"
    school.write_text(text.replace("\nrevisions:\n", f"\nrevisions:\n  - date: {day}\n"
                                   f"    version: \"{version}\"\n    summary: {summary}\n"))


def keep_edition(project: Path) -> str:
    code, out, err = run(project, "edition", SCHOOL)
    assert code == 0, err
    return out


@pytest.fixture
def project(september_project: Path) -> Path:
    """The school kept its edition of 5 October 2026, then reworded an item and published
    the edition of 2 November 2026 (kept too)."""
    with_chain(september_project)
    with_site_url(september_project)
    add_revision(september_project, "2026-10-05", "1.0", "Adopted from the council's copy.")
    assert keep_edition(september_project).strip() == (
        "Kept Brookside Primary School's edition of 5 October 2026 in "
        f"{september_project / KEPT / '2026-10-05'}.")
    edit(september_project / SCHOOL_FILE, OLD_CONSENT.replace("Check", "        Check"),
         NEW_CONSENT.replace("Check", "        Check"))
    add_revision(september_project, "2026-11-02", "1.1", "The consent list is in the office.")
    keep_edition(september_project)
    return september_project


def build(project: Path, today: str = TODAY, out: str = "build") -> Path:
    code, _, err = run(project, "build", "--all", "--format", "site", "--today", today,
                       "--out", str(project / out))
    assert code == 0, err
    return project / out / "variants" / SCHOOL


def banner(page: Path) -> str:
    found = parse(page).select_one("#superseded")
    assert found is not None, page
    return " ".join(found.get_text().split())


def test_the_edition_keeps_the_day_the_partnerships_edition_and_the_chains_files(
        project: Path) -> None:
    kept = project / KEPT / "2026-10-05"
    assert (kept / "edition.yaml").read_text().splitlines()[-2:] == [
        "edition: 2026-10-05", "over: 2026-09-14"]
    # The school's file as it was then, and the council's copy it extends.
    school_then = (kept / SCHOOL_FILE).read_text()
    assert OLD_CONSENT in " ".join(school_then.split()) and "2026-11-02" not in school_then
    assert (kept / "variants" / COUNCIL / "variant.yaml").read_bytes() == \
        (project / "variants" / COUNCIL / "variant.yaml").read_bytes()
    assert (project / KEPT / "2026-11-02" / SCHOOL_FILE).read_bytes() == \
        (project / SCHOOL_FILE).read_bytes()


def test_the_earlier_edition_stays_readable_marked_superseded_by_the_next(
        project: Path) -> None:
    school = build(project)
    old = school / "editions" / "2026-10-05" / "topics" / "images.html"
    assert OLD_CONSENT in visible_text(parse(old))
    assert NEW_CONSENT not in visible_text(parse(old))
    assert banner(old).startswith(
        "This edition has been superseded. This is the edition of 5 October 2026, kept so that "
        "you can see what it said. It was replaced by the edition of 2 November 2026.")
    link = parse(old).select_one("#superseded a")
    assert (old.parent / link["href"]).resolve() == school / "topics" / "images.html"
    current = visible_text(parse(school / "topics" / "images.html"))
    assert NEW_CONSENT in current and parse(school / "topics" / "images.html").select_one(
        "#superseded") is None
    # The current edition is not archived as well as shown.
    assert not (school / "editions" / "2026-11-02").exists()
    about = parse(school / "about.html")
    assert about.find("a", href="editions/2026-10-05/index.html").get_text() == \
        "The edition of 5 October 2026"
    assert f"<loc>{SITE_URL}variants/{SCHOOL}/editions/2026-10-05/index.html</loc>" in \
        (school / "sitemap.xml").read_text()
    assert "The edition of 5 October 2026 (superseded on 2 November 2026)" in \
        (school / "feed.xml").read_text()


def test_what_changed_compares_the_copys_last_edition_with_this_one(project: Path) -> None:
    page = parse(build(project) / "what-changed.html")
    assert " ".join(page.select_one("p.lead").get_text().split()).startswith(
        "This is the edition of 2 November 2026. It replaces the edition of 5 October 2026.")
    groups = {h2.get_text(strip=True) for h2 in page.select("main h2")}
    assert groups == {"Reworded (1)"}
    assert page.find("ins", string=lambda s: s and "in" in s.split()) is not None


def test_the_copys_earlier_editions_are_byte_identical_across_rebuilds(project: Path) -> None:
    first = build(project) / "editions"
    again = build(project, today="2027-01-05", out="again") / "editions"
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(again) for p in again.rglob("*")
                                     if p.is_file())
    assert all((first / p).read_bytes() == (again / p).read_bytes() for p in files)


def test_after_the_partnerships_next_edition_every_edition_stays_readable(
        project: Path) -> None:
    new_edition(project)  # the partnership's edition of 20 November 2026
    school = build(project) / "editions"
    assert sorted(p.name for p in school.iterdir()) == ["2026-09-14", "2026-10-05", "2026-11-02"]
    replaced_by = {day: banner(school / day / "index.html").split("replaced by the edition of ")
                   [1].split(".")[0] for day in ("2026-09-14", "2026-10-05", "2026-11-02")}
    assert replaced_by == {"2026-09-14": "5 October 2026", "2026-10-05": "2 November 2026",
                           "2026-11-02": "20 November 2026"}
    # The school's edition of 2 November read the partnership's words of that time.
    email = visible_text(parse(school / "2026-11-02" / "topics" / "email.html"))
    assert "Keep it clear, polite and to the point." in email
    assert NEW_CONSENT in visible_text(parse(school / "2026-11-02" / "topics" / "images.html"))


def test_recording_again_writes_nothing_and_a_changed_copy_is_refused(project: Path) -> None:
    kept = project / KEPT / "2026-11-02" / SCHOOL_FILE
    before = kept.read_bytes()
    assert "already keeps Brookside Primary School's edition of 2 November 2026; nothing was " \
        "written." in keep_edition(project)
    edit(project / SCHOOL_FILE, "in the school office", "at the school office")
    code, out, err = run(project, "edition", SCHOOL)
    assert code != 0
    message = " ".join(err.split())
    assert f"{KEPT}/2026-11-02/{SCHOOL_FILE} already keeps your copy's edition of 2 November " \
        "2026, and your copy now says something else" in message
    assert "add a revision note under revisions: with the day it is published" in message
    assert kept.read_bytes() == before


def test_a_copy_without_a_date_is_told_where_to_give_one(september_project: Path) -> None:
    with_chain(september_project)
    code, _, err = run(september_project, "edition", SCHOOL)
    assert code != 0
    assert err.startswith(f"{SCHOOL_FILE}:1: error: policygen cannot tell which day this "
                          "edition of your copy was published: add a revision note")
    assert not (september_project / KEPT).exists()


def test_an_unreadable_record_is_a_warning_at_its_line_and_the_rest_builds(
        project: Path) -> None:
    record = project / KEPT / "2026-10-05" / "edition.yaml"
    record.write_text(record.read_text().replace("over: 2026-09-14", "over: soon"))
    code, _, err = run(project, "check")
    assert code == 0, err
    assert f"{KEPT}/2026-10-05/edition.yaml:4:7: warning: 'over' should be a date" in err
    assert "that edition's pages are left out" in err
    assert not (build(project) / "editions" / "2026-10-05").exists()
    code, _, err = run(project, "check", "--strict")
    assert code != 0
