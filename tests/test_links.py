"""`policygen links` (issue 14) against a real local web server: every address in the content
and the variants asked once, each kind of answer reported at every place it is written."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from policygen.cli import main
from policygen.commands.links import ask
from policygen.errors import Severity

ASKED: list[tuple[str, str]] = []  # (method, path) of every request the server saw


class Site(BaseHTTPRequestHandler):
    """A small site with one page for each answer a real site may give."""

    def do_HEAD(self) -> None:  # noqa: N802 - the name http.server calls
        self.answer(head=True)

    def do_GET(self) -> None:  # noqa: N802
        self.answer(head=False)

    def answer(self, head: bool) -> None:
        ASKED.append(("HEAD" if head else "GET", self.path))
        path = self.path
        if path == "/no-head" and head:
            return self.reply(405)
        if path == "/slow":
            time.sleep(2)
        status, location = {
            "/ok": (200, ""), "/no-head": (200, ""), "/slow": (200, ""), "/gone": (404, ""),
            "/moved": (301, "/ok"), "/for-now": (302, "/ok"), "/bots-refused": (403, ""),
            "/broken": (500, ""),
        }.get(path, (404, ""))
        self.reply(status, location)

    def reply(self, status: int, location: str = "") -> None:
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def column(project: Path, line: int, ending: str) -> int:
    """The column an address ending so starts at, on a line of the topic file."""
    text = (project / "content" / "topics" / "email.yaml").read_text().splitlines()[line - 1]
    end = text.index(ending) + len(ending)
    return text.rindex("http", 0, end) + 1


def write_project(folder: Path, site: str, refused: str) -> Path:
    (folder / "content" / "topics").mkdir(parents=True)
    (folder / "content" / "sources.yaml").write_text(
        "sources:\n"
        "  - id: working\n"
        f"    url: {site}/ok\n"
        "  - id: dead\n"
        f"    url: {site}/gone\n"
        "  - id: moved\n"
        f"    url: {site}/moved\n", encoding="utf-8")
    (folder / "content" / "topics" / "email.yaml").write_text(
        "title: Email\n"
        "intro: |\n"
        "  Read the [guidance]({site}/gone) first.\n"
        f"  A server that refuses HEAD: {site}/no-head. Redirected for now: {site}/for-now\n"
        f"  Refuses programs: <{site}/bots-refused>; fails: {site}/broken, and {refused}/x.\n"
        "# a comment is not content: http://127.0.0.1:9/never-asked\n"
        .replace("{site}", site), encoding="utf-8")
    (folder / "variants" / "school").mkdir(parents=True)
    (folder / "variants" / "school" / "variant.yaml").write_text(
        "organisation:\n"
        "  name: Oakfield Primary\n"
        "  url: https://oakfield.example.org/\n"
        "contacts:\n"
        "  - id: lead\n"
        f"    url: {site}/gone\n", encoding="utf-8")
    return folder


def test_every_kind_of_answer_is_reported_where_it_is_written(server: str,
                                                                tmp_path: Path) -> None:
    refused = f"http://127.0.0.1:{closed_port()}"
    project = write_project(tmp_path, server, refused)
    ASKED.clear()
    result = CliRunner().invoke(main, ["links", "--project", str(project), "--timeout", "5"])
    assert result.exit_code == 1, result.output
    heads = [line for line in result.stderr.splitlines()
             if ": error: " in line or ": warning: " in line]
    assert heads == [
        f"content/sources.yaml:5:10: error: {server}/gone is not there (404): the page has "
        "gone or moved; find where it is now, or take the link out",
        f"content/sources.yaml:7:10: warning: {server}/moved has moved to {server}/ok for good "
        "(301): write the new address",
        f"content/topics/email.yaml:3:23: error: {server}/gone is not there (404): the page "
        "has gone or moved; find where it is now, or take the link out",
        f"content/topics/email.yaml:5:{column(project, 5, '/bots-refused')}: warning: {server}/bots-refused answered 403: the "
        "site refuses programs like this one; open it in a browser to check it",
        f"content/topics/email.yaml:5:{column(project, 5, '/broken')}: error: "
        f"{server}/broken failed on the site's side (500); try again later, and if it stays "
        "broken, find another address",
        f"content/topics/email.yaml:5:{column(project, 5, refused)}: "
        f"error: {refused}/x could not be reached: '127.0.0.1' refused the connection",
        "variants/school/variant.yaml:3:8: warning: https://oakfield.example.org/ is a "
        "placeholder: 'oakfield.example.org' is kept for examples and is never a real site; "
        "write the real address before publishing",
        f"variants/school/variant.yaml:6:10: error: {server}/gone is not there (404): the page "
        "has gone or moved; find where it is now, or take the link out",
    ]
    # The source line is shown under each, with a caret at the address.
    assert f"\n        url: {server}/gone\n             ^\n" in result.stderr
    assert result.stdout.strip() == ("9 web addresses checked: 3 broken, 3 to look at (moved, "
                                     "refused or placeholders)")
    # Each address asked once, however often written; a placeholder and a comment never.
    paths = [path for _, path in ASKED]
    assert paths.count("/gone") == 1 and "/never-asked" not in paths
    assert ("HEAD", "/no-head") in ASKED and ("GET", "/no-head") in ASKED
    assert not any(path.startswith("/x") for path in paths)


def test_all_good_addresses_pass_and_strict_fails_on_warnings(server: str,
                                                               tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    source = tmp_path / "content" / "sources.yaml"
    source.write_text(f"sources:\n  - url: {server}/ok\n  - url: {server}/for-now\n")
    result = CliRunner().invoke(main, ["links", "--project", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "2 web addresses checked: every one answers"
    source.write_text(f"sources:\n  - url: {server}/moved\n")
    assert CliRunner().invoke(main, ["links", "--project", str(tmp_path)]).exit_code == 0
    strict = CliRunner().invoke(main, ["links", "--project", str(tmp_path), "--strict"])
    assert strict.exit_code == 1 and "has moved to" in strict.stderr


def test_a_site_that_does_not_answer_in_time(server: str) -> None:
    verdict = ask(f"{server}/slow", timeout=0.5)
    assert verdict.severity is Severity.ERROR
    assert verdict.message == f"{server}/slow could not be reached: nothing answered within 0.5 s"


def test_an_unknown_name_and_a_computer_off_the_internet(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def no_names(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    monkeypatch.setattr(socket, "getaddrinfo", no_names)
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "sources.yaml").write_text(
        "sources:\n  - url: https://www.thinkuknow.co.uk/\n")
    result = CliRunner().invoke(main, ["links", "--project", str(tmp_path)])
    assert result.exit_code == 1
    assert ("content/sources.yaml:2:10: error: https://www.thinkuknow.co.uk/ could not be "
            "reached: the name 'www.thinkuknow.co.uk' is not known (mistyped, or the site has "
            "closed)") in result.stderr
    assert "is this computer connected to the internet?" in result.stderr


def test_a_file_that_is_not_yaml_is_reported_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "sources.yaml").write_text("sources:\n  - url: [unclosed\n")
    result = CliRunner().invoke(main, ["links", "--project", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith("content/sources.yaml:")


def test_the_copies_kept_with_an_edition_are_not_checked(default_project: Path) -> None:
    from policygen.source.addresses import project_files
    result = CliRunner().invoke(main, ["edition", "--project", str(default_project)])
    assert result.exit_code == 0, result.output
    kept = default_project / "content" / "editions" / "2026-09-14" / "reporting.yaml"
    assert kept.is_file()
    names = [name for _, name in project_files(default_project)]
    assert "content/reporting.yaml" in names
    assert not any(name.startswith("content/editions/") for name in names)
