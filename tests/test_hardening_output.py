"""The output folder and what a build reads, under attack or accident (issue 16, points 1, 4,
7, 10 and 11; issue 11, point 1): no build deletes what is not its own, two builds never write
one folder at once, damaged output is made again, links never widen what is read, and special
files or hidden characters are clear errors, never a hang or a traceback."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ProjectMaker

from policygen.build.output import MARKER, Staging, output_lock
from policygen.cli import main
from policygen.errors import OutputError
from policygen.source.confinement import source_roots

TODAY = "2026-11-25"
EXAMPLE_VARIANT = """\
organisation:
  name: Example School
terminology:
  children and young people: pupils
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
        result.exception
    return result.exit_code, result.stdout, result.stderr


def build(project: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    return run("build", "--project", str(project), "--out", str(out), "--today", TODAY, *extra)


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every file (its bytes) and link (its target) under a folder."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name] = os.readlink(path)
        elif path.is_file():
            found[name] = path.read_bytes()
    return found


# 1. A build never deletes what is not its own -----------------------------------------------

def test_a_marker_file_cannot_make_the_project_deletable(make_project: ProjectMaker) -> None:
    project = make_project()
    (project / MARKER).touch()
    before = snapshot(project)
    code, out, err = build(project, project, "--format", "site")
    assert code == 2, out
    assert err == (f"error: refusing to build into {project.resolve()}: it holds the project "
                   "itself (content/ and the rest); choose a folder of its own, like build/\n")
    assert snapshot(project) == before


def test_a_folder_above_the_project_is_refused(make_project: ProjectMaker, tmp_path: Path) -> None:
    project = make_project()
    (tmp_path / MARKER).touch()
    code, _, err = build(project, tmp_path, "--format", "site")
    assert code == 2 and "it holds the project itself" in err
    assert (project / "content" / "publication.yaml").is_file()


def test_the_variants_folder_is_refused(make_project: ProjectMaker) -> None:
    project = make_project({"variants/school/variant.yaml": EXAMPLE_VARIANT})
    code, _, err = build(project, project / "variants" / "site", "--format", "site")
    assert code == 2 and err.endswith("it is inside the variants/ folder\n")


def test_a_bare_marker_is_not_a_record_of_what_policygen_wrote(make_project: ProjectMaker,
                                                              tmp_path: Path) -> None:
    project = make_project()
    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_text('{"generator": "policygen"}')
    (out / "thesis.docx").write_bytes(b"years of work")
    code, _, err = build(project, out, "--format", "site")
    assert code == 2
    assert err == (f"error: {out} has a {MARKER} file but no record of the files policygen "
                   "wrote there (it was made by hand, or by an older policygen), so policygen "
                   "cannot tell its own files from yours and leaves the folder untouched. Check "
                   "what is in it and empty it yourself, or choose another --out\n")
    assert (out / "thesis.docx").read_bytes() == b"years of work"


@pytest.mark.parametrize("add, named", [
    (lambda out: (out / "notes.txt").write_text("mine"), "notes.txt"),
    (lambda out: (out / "topics" / "extra.html").write_text("mine"), "topics/extra.html"),
    (lambda out: (out / "drafts").mkdir(), "drafts/"),
    (lambda out: (out / "linked.html").symlink_to(out / "index.html"), "linked.html"),
    (lambda out: (out / "topics").rename(out / "moved"), "moved/"),
])
def test_files_added_to_a_built_folder_are_never_deleted(make_project: ProjectMaker,
                                                         tmp_path: Path, add: object,
                                                         named: str) -> None:
    project = make_project()
    out = tmp_path / "out"
    assert build(project, out, "--format", "site")[0] == 0
    add(out)  # type: ignore[operator]
    before = snapshot(out)
    code, _, err = build(project, out, "--format", "site")
    assert code == 2
    assert err.startswith(f"error: {out} holds files that policygen did not write there (")
    assert named in err.split("(", 1)[1].split(")")[0].split(", ")
    assert err.endswith("a build replaces the folder whole, so it is left untouched. Move those "
                        "files out, or choose another --out\n")
    assert snapshot(out) == before


def test_a_refusal_names_a_few_files_and_counts_the_rest(make_project: ProjectMaker,
                                                        tmp_path: Path) -> None:
    project = make_project()
    out = tmp_path / "out"
    assert build(project, out, "--format", "site")[0] == 0
    for number in range(8):
        (out / f"mine-{number}.txt").write_text("mine")
    code, _, err = build(project, out, "--format", "site")
    assert code == 2 and "(mine-0.txt, mine-1.txt, mine-2.txt, mine-3.txt, mine-4.txt, and 3 " \
                         "more)" in err


def test_a_clean_rebuild_still_replaces_its_own_folder(make_project: ProjectMaker,
                                                      tmp_path: Path) -> None:
    project = make_project()
    out = tmp_path / "out"
    assert build(project, out, "--format", "site")[0] == 0
    topic = project / "content" / "topics" / "email.yaml"
    topic.write_text(topic.read_text().replace("title: Email", "title: Email and messages"))
    assert build(project, out, "--format", "site")[0] == 0
    assert "Email and messages" in (out / "topics" / "email.html").read_text()


# Issue 11, point 1: a folder a web server can read ----------------------------------------

@contextmanager
def umask(mask: int) -> Iterator[None]:
    before = os.umask(mask)
    try:
        yield
    finally:
        os.umask(before)


@pytest.mark.parametrize("mask, folder_mode, file_mode", [
    (0o022, 0o755, 0o644), (0o027, 0o750, 0o640), (0o002, 0o775, 0o664)])
def test_output_gets_the_modes_the_umask_gives(make_project: ProjectMaker, tmp_path: Path,
                                               mask: int, folder_mode: int,
                                               file_mode: int) -> None:
    project = make_project()
    out = tmp_path / "out"
    with umask(mask):
        assert build(project, out, "--format", "site")[0] == 0
        assert build(project, out, "--format", "site")[0] == 0  # a rebuild takes files over
    folders = [out, *(p for p in out.rglob("*") if p.is_dir())]
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(folders) > 1 and len(files) > 10
    assert {stat.S_IMODE(p.stat().st_mode) for p in folders} == {folder_mode}
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {file_mode}


# 4. One build at a time in one folder ------------------------------------------------------

def test_a_second_build_into_a_folder_in_use_fails_clearly(make_project: ProjectMaker,
                                                          tmp_path: Path) -> None:
    project = make_project()
    out = tmp_path / "out"
    assert build(project, out, "--format", "site")[0] == 0
    before = snapshot(out)
    holder = subprocess.Popen(  # another process holds the folder, as a running build does
        [sys.executable, "-c", "import sys, pathlib; from policygen.build.output import output_lock\n"
         f"with output_lock(pathlib.Path({str(out)!r})):\n"
         "    print('holding', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        code, _, err = build(project, out, "--format", "site")
        assert code == 2
        assert err == (f"error: another policygen command is writing into {out} right now; "
                       "wait until it has finished, then run this again\n")
        assert snapshot(out) == before
    finally:
        holder.communicate("")
    assert build(project, out, "--format", "site")[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "project"]  # no lock left


def test_the_lock_is_taken_again_if_its_file_was_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with output_lock(out):
        with pytest.raises(OutputError, match="another policygen command is writing"):
            with output_lock(out):
                pass
    with output_lock(out):  # released: free again
        pass


def test_two_real_builds_at_once_leave_a_whole_site(make_project: ProjectMaker,
                                                   tmp_path: Path) -> None:
    project = make_project()
    out = tmp_path / "out"
    command = [sys.executable, "-m", "policygen", "build", "--project", str(project), "--out",
               str(out), "--today", TODAY, "--format", "site,posters", "--quiet"]
    first = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)
    second = subprocess.run(command, stderr=subprocess.PIPE, text=True, check=False)
    first_err = first.communicate()[1]
    codes = sorted([first.returncode, second.returncode])
    assert codes in ([0, 0], [0, 2])  # the second waited its turn, or was refused
    if codes == [0, 2]:
        assert "another policygen command is writing into" in first_err + second.stderr
    linked = {p.name for p in out.glob("posters/*.pdf")}
    record = (out / MARKER).read_text()
    assert linked and all(f'"posters/{name}"' in record for name in linked)


# 10. Damaged output is made again, not trusted ---------------------------------------------

def test_damaged_files_are_made_again(make_project: ProjectMaker, tmp_path: Path) -> None:
    project = make_project()
    out = tmp_path / "out"
    assert build(project, out, "--format", "site,handbook")[0] == 0
    good = snapshot(out)
    page, handbook = out / "index.html", out / "handbook.pdf"
    text = page.read_bytes()
    page.write_bytes(text.replace(b"<main", b"<mian", 1))  # the same size
    data = bytearray(handbook.read_bytes())
    data[len(data) // 2] ^= 0x01  # one flipped bit
    handbook.write_bytes(bytes(data))
    code, summary, _ = build(project, out, "--format", "site,handbook")
    assert code == 0 and "unchanged" not in summary
    assert snapshot(out) == good


def test_an_unchanged_rebuild_still_takes_everything_over(make_project: ProjectMaker,
                                                         tmp_path: Path) -> None:
    project = make_project()
    out = tmp_path / "out"
    assert build(project, out, "--format", "site,handbook")[0] == 0
    code, summary, _ = build(project, out, "--format", "site,handbook")
    assert code == 0 and ", 1 PDFs (1 unchanged)" in summary


def test_a_file_staged_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="'index.html' would be written twice into one output"):
        with Staging(tmp_path / "out") as staging:
            staging.write("index.html", b"one")
            staging.write("index.html", b"two")
    assert not (tmp_path / "out").exists()


# 7. Links never widen what a build reads ---------------------------------------------------

def outside_variants(tmp_path: Path) -> Path:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "school").mkdir(parents=True)
    (elsewhere / "school" / "variant.yaml").write_text(EXAMPLE_VARIANT)
    return elsewhere


@pytest.mark.parametrize("folder", ["variants", "templates"])
def test_a_source_folder_linked_outside_is_refused(make_project: ProjectMaker, tmp_path: Path,
                                                   folder: str) -> None:
    project = make_project()
    shutil.rmtree(project / folder, ignore_errors=True)
    (project / folder).symlink_to(outside_variants(tmp_path), target_is_directory=True)
    code, _, err = run("check", "--project", str(project))
    assert code == 1
    assert err.splitlines()[0] == (
        f"{folder}: error: this folder is a link to a place outside the project; everything "
        "policygen reads must live inside the project folder (copy the folder in)")
    assert folder not in {root.name for root in source_roots(project)}


def test_a_variant_file_linked_outside_is_not_read(make_project: ProjectMaker,
                                                   tmp_path: Path) -> None:
    project = make_project()
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2-do-not-show\n")
    (project / "variants" / "school").mkdir(parents=True)
    (project / "variants" / "school" / "variant.yaml").symlink_to(secret)
    code, out, err = run("check", "--project", str(project))
    assert code == 1
    assert (
        "variants/school/variant.yaml: error: this file is a link to a place outside the "
        "project; everything policygen reads must live inside the project folder (copy the "
        "file in)") in err.splitlines()
    assert "hunter2" not in out + err


def test_a_link_inside_the_project_is_still_followed(make_project: ProjectMaker) -> None:
    project = make_project({"shared/school.yaml": EXAMPLE_VARIANT})
    (project / "variants" / "school").mkdir(parents=True)
    (project / "variants" / "school" / "variant.yaml").symlink_to(project / "shared" /
                                                                   "school.yaml")
    code, out, err = run("check", "--project", str(project), "--today", TODAY)
    assert code == 0, err
    assert "1 variant" in out


@pytest.mark.parametrize("where, expected", [
    ("content/topics/loop.yaml", "content/topics/loop.yaml: error: this file is a link that "
     "leads back to itself (a loop of links); replace it with the real file"),
    ("variants/loop/variant.yaml", "variants/loop/variant.yaml: error: this file is a link "
     "that leads back to itself (a loop of links); replace it with the real file"),
])
def test_a_loop_of_links_is_a_clear_error(make_project: ProjectMaker, where: str,
                                          expected: str) -> None:
    project = make_project()
    path = project / where
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(path.with_name("other.yaml"))
    path.with_name("other.yaml").symlink_to(path)
    code, out, err = run("check", "--project", str(project))
    assert code == 1 and "Traceback" not in out + err
    assert expected in err.splitlines()


# 11. Special files and hidden characters ---------------------------------------------------

def make_special(path: Path, kind: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "named pipe":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        try:
            os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # like /dev/null
        except PermissionError:
            pytest.skip("this machine does not allow making device files")


@pytest.mark.parametrize("where, name", [
    ("content/topics/email.yaml", "content/topics/email.yaml"),
    ("variants/school/variant.yaml", "variants/school/variant.yaml")])
@pytest.mark.parametrize("kind", ["named pipe", "device"])
def test_a_special_file_is_an_error_not_a_hang(make_project: ProjectMaker, where: str,
                                               name: str, kind: str) -> None:
    project = make_project()
    (project / where).unlink(missing_ok=True)
    make_special(project / where, kind)
    result = subprocess.run([sys.executable, "-m", "policygen", "check", "--project",
                             str(project)], capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 1
    assert (f"{name}: error: this is not an ordinary file (it is a {kind}); content files "
            "must be ordinary text files") in result.stderr.splitlines()


def test_the_preview_survives_a_named_pipe(make_project: ProjectMaker) -> None:
    from policygen.commands.preview import Preview
    project = make_project()
    preview = Preview(project, pdfs=False)
    (project / "content" / "topics" / "email.yaml").unlink()
    os.mkfifo(project / "content" / "topics" / "email.yaml")
    worker = threading.Thread(target=lambda: (preview.snapshot(), preview.rebuild()),
                              daemon=True)
    worker.start()
    worker.join(30)
    assert not worker.is_alive()
    assert "this is not an ordinary file (it is a named pipe)" in preview.state.error


@pytest.mark.parametrize("text, where, code_point", [
    ("title: Email\x00 and more\n", "1:13", "0000"),
    ("summary: x\ntitle: Em\x1bail\n", "2:10", "001B"),
    ("title: Email\x7f\n", "1:13", "007F"),
    ("title: E\u0085mail\n", "1:9", "0085"),
    ("title: Email\u2028more\n", "1:13", "2028"),
    ('title: "Email\\x1b[31m"\n', "1:8", "001B"),
    ('title: "Email\\u0007"\n', "1:8", "0007"),
    ('title: "Email\\x85"\n', "1:8", "0085"),
])
def test_hidden_control_characters_are_located(make_project: ProjectMaker, text: str,
                                               where: str, code_point: str) -> None:
    project = make_project()
    topic = project / "content" / "topics" / "email.yaml"
    topic.write_bytes(topic.read_bytes().replace(b"title: Email\n", text.encode("utf-8"), 1))
    code, _, err = run("check", "--project", str(project))
    assert code == 1 and "Traceback" not in err
    assert err.splitlines()[0] == (
        f"content/topics/email.yaml:{where}: error: an invisible control character "
        f"(U+{code_point}) is in the text; delete it (it can come from text copied out of "
        "another program) and type the text again")


def test_a_bad_version_asked_of_the_preview_is_answered_400(make_project: ProjectMaker) -> None:
    import urllib.error
    import urllib.request

    from policygen.commands.preview import Preview, serve
    server = serve(Preview(make_project(), pdfs=False), port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/__policygen/wait?version="
    try:
        for bad in ("abc", "1e9", "-1", "%C2%B2", "9" * 40):
            with pytest.raises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(url + bad, timeout=10)
            assert caught.value.code == 400
            caught.value.close()
        with urllib.request.urlopen(url + "0&x=1", timeout=30) as answer:
            assert answer.status == 200
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("jobs", ["0", "65", "100000"])
def test_jobs_has_bounds(make_project: ProjectMaker, jobs: str) -> None:
    code, _, err = run("build", "--project", str(make_project()), "--jobs", jobs)
    assert code == 2 and "is not in the range 1<=x<=64" in err
