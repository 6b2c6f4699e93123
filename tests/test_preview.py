"""`policygen serve`: edit, save, and the page in the browser shows it; errors show too."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from conftest import ProjectMaker

from policygen.commands.preview import Preview, serve

TODAY = date(2026, 11, 25)


class Running:
    def __init__(self, project: Path, pdfs: bool, search: bool = False) -> None:
        self.preview = Preview(project, today=TODAY, pdfs=pdfs, search=search)
        self.server = serve(self.preview, port=0)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def version(self) -> int:
        return self.preview.state.version

    def next_version(self, after: int) -> int:
        """Ask the server, as the page's script does, to answer when the site has changed."""
        status, body = self.get(f"__policygen/wait?version={after}")
        assert status == 200
        return int(json.loads(body)["version"])

    def stop(self) -> None:
        self.preview.stop()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def running(make_project: ProjectMaker) -> Iterator[Running]:
    server = Running(make_project(), pdfs=False)
    yield server
    server.stop()


def edit(project: Path, old: str, new: str) -> None:
    topic = project / "content" / "topics" / "email.yaml"
    topic.write_text(topic.read_text().replace(old, new))


def test_pages_carry_the_reload_script_and_nothing_is_written(running: Running) -> None:
    status, page = running.get("topics/email.html")
    assert status == 200 and "You use your personal account" in page
    assert f'<script src="/__policygen/reload.js?v={running.version()}"></script>' in page
    assert running.get("")[1].startswith("<!DOCTYPE html>")
    assert running.get("nowhere.html")[0] == 404
    assert "location.reload" in running.get("__policygen/reload.js")[1]
    assert not (running.preview.project / "build").exists()


def test_saving_a_file_rebuilds_and_an_error_shows_until_fixed(running: Running) -> None:
    project = running.preview.project
    before = running.version()
    edit(project, "You use your personal account", "You use a private account")
    after = running.next_version(before)
    assert after > before
    assert "You use a private account" in running.get("topics/email.html")[1]

    edit(project, "summary:", "sumary:")
    broken = running.next_version(after)
    status, page = running.get("topics/email.html")
    assert status == 200 and "The guidance has" in page
    assert "content/topics/email.yaml:2:1: error: unknown field &#39;sumary&#39;" in page
    assert f"reload.js?v={broken}" in page

    edit(project, "sumary:", "summary:")
    running.next_version(broken)
    assert "You use a private account" in running.get("topics/email.html")[1]


def test_posters_follow_in_the_background(make_project: ProjectMaker) -> None:
    server = Running(make_project(), pdfs=True)
    try:
        version = server.version()
        while "posters/email.pdf" not in server.preview.state.files:
            version = server.next_version(version)
        assert server.preview.state.files["posters/email.pdf"].startswith(b"%PDF")
        assert 'href="../posters/email.pdf"' in server.get("topics/email.html")[1]
    finally:
        server.stop()


def test_the_browser_reloads_by_itself_after_a_save(running: Running) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api")
    from browser import CHROMIUM_FLAGS, chromium
    with playwright_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS[1:])
        page = browser.new_page()
        page.goto(running.url + "topics/email.html")
        edit(running.preview.project, "You use your personal account",
             "You use an account of your own")
        # A locator, not a function: the preview's policy forbids evaluating strings.
        page.get_by_text("You use an account of your own").wait_for(timeout=20000)
        browser.close()


def test_serve_says_in_its_terminal_when_it_rebuilds_and_when_a_save_has_an_error(
        make_project: ProjectMaker) -> None:
    import queue
    import subprocess
    import sys
    project = make_project()
    server = subprocess.Popen(
        [sys.executable, "-m", "policygen", "serve", "--project", str(project), "--port", "0",
         "--no-pdf", "--today", "2026-11-25"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    said: queue.Queue[str] = queue.Queue()
    assert server.stdout is not None
    threading.Thread(target=lambda: [said.put(line) for line in server.stdout],  # type: ignore[union-attr]
                     daemon=True).start()

    def next_line(containing: str) -> str:
        while True:
            line = said.get(timeout=60)
            if containing in line:
                return line

    try:
        assert re.fullmatch(r"\d\d:\d\d:\d\d rebuilt the site in \d+\.\d s\n",
                            next_line("rebuilt"))
        assert next_line("Previewing at http://127.0.0.1:")
        topic = project / "content" / "topics" / "email.yaml"
        good = topic.read_text()
        topic.write_text(good.replace("title: Email", "titel: Email"))
        assert re.fullmatch(r"\d\d:\d\d:\d\d not rebuilt: 1 error \(the browser shows it too\):\n",
                            next_line("not rebuilt"))
        assert next_line("content/topics/email.yaml:1:1: error: unknown field 'titel'")
        topic.write_text(good)
        assert next_line("rebuilt the site in")
    finally:
        server.terminate()
        server.wait(30)
        server.stdout.close()
