"""In a real browser: the review banner re-checks its date when the page is read."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from browser import dump_dom, serve
from bs4 import BeautifulSoup
from conftest import ProjectMaker

from policygen import BuildOptions, build


@pytest.fixture
def stale_site(make_project: ProjectMaker, tmp_path: Path) -> Path:
    """A site built while current (2020) whose review date has passed by the time it is read."""
    pub = make_project() / "content" / "publication.yaml"
    pub.write_text(pub.read_text().replace("next_review: 2027-01-10", "next_review: 2020-06-01"))
    out = tmp_path / "site"
    build(BuildOptions(pub.parents[1], out, date(2020, 1, 1), frozenset({"site"})))
    return out


def shown_messages(html: str) -> tuple[list[str], list[str]]:
    banner = BeautifulSoup(html, "html.parser").find(id="review-status")
    shown = [p["data-state"] for p in banner.select(".review-message")
             if not p.has_attr("hidden")]
    return banner["class"], shown


def test_without_javascript_the_build_time_state_shows(stale_site: Path) -> None:
    classes, shown = shown_messages((stale_site / "index.html").read_text())
    assert "review--current" in classes and shown == ["current"]


def test_browser_says_overdue_when_read_after_the_review_date(stale_site: Path) -> None:
    classes, shown = shown_messages(dump_dom((stale_site / "topics" / "email.html").as_uri()))
    assert "review--overdue" in classes and shown == ["overdue"]


def test_same_from_a_local_server_under_a_sub_path(stale_site: Path, tmp_path: Path) -> None:
    # Publishing under a sub-path must not break the relative script and stylesheet links.
    root = tmp_path / "www"
    root.mkdir()
    shutil.move(stale_site, root / "guidance")
    with serve(root) as base:
        classes, shown = shown_messages(dump_dom(f"{base}guidance/topics/email.html", 320))
    assert "review--overdue" in classes and shown == ["overdue"]
