"""The command line as an editor meets it: messages, exit codes, and output kept safe."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from conftest import ProjectMaker

from policygen.build.output import MARKER
from policygen.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
        result.exception
    return result.exit_code, result.stdout, result.stderr


def test_check_clean_content_exits_0_with_a_summary(make_project: ProjectMaker) -> None:
    project = make_project()
    code, out, err = run("check", "--project", str(project), "--today", "2026-02-01")
    assert code == 0, err
    assert out == ("content is valid: 1 topics, 3 practice items, 2 glossary terms, 1 contacts, "
                   "1 offences; review current (next review 2027-01-10); print not checked "
                   "(add --print to lay out every poster and handbook too)\n")


def test_content_errors_exit_1_with_every_problem_and_no_traceback(
        make_project: ProjectMaker) -> None:
    project = make_project({"content/topics/email.yaml":
                            (Path(__file__).parent / "conftest.py").read_text()
                            .split('"content/topics/email.yaml": """\\\n')[1].split('""",')[0]
                            .replace("summary:", "sumary:").replace("in_place:", "in_plase:")})
    code, out, err = run("check", "--project", str(project))
    assert code == 1
    lines = err.splitlines()
    assert lines[0].startswith("content/topics/email.yaml:2:1: error: unknown field 'sumary'")
    assert any(line.startswith("content/topics/email.yaml:16:1: error: unknown field "
                               "'in_plase'") for line in lines)
    assert lines[-1] == "2 errors found; nothing was written"
    assert "Traceback" not in err + out


def test_usage_errors_exit_2(make_project: ProjectMaker) -> None:
    code, _, err = run("build", "--today", "2026-02-30")
    assert code == 2 and ("Error: Invalid value for '--today': '2026-02-30' is not a date in the "
                          "calendar (check the day and the month)") in err
    code, _, err = run("build", "--today", "14/09/2026")
    assert code == 2 and ("Error: Invalid value for '--today': expected a date written "
                          "YYYY-MM-DD, like 2026-09-14; got '14/09/2026'") in err
    code, _, err = run("check", "--project", "/nonexistent")
    assert code == 2 and "Directory '/nonexistent' does not exist." in err
    code, _, err = run("build", "--frobnicate")
    assert code == 2 and "No such option '--frobnicate'" in err


def test_strict_check_turns_warnings_into_errors(make_project: ProjectMaker) -> None:
    project = make_project()
    code, _, err = run("check", "--project", str(project), "--today", "2026-12-01", "--strict")
    assert code == 1
    assert err.splitlines() == [
        "content/publication.yaml: warning: the guidance is due for review on 2027-01-10 "
        "(in 40 days)", "error: warnings are errors with --strict"]


def test_build_reports_one_line_and_writes_the_site(make_project: ProjectMaker,
                                                    tmp_path: Path) -> None:
    project = make_project()
    out = tmp_path / "site"
    code, stdout, err = run("build", "--format", "site", "--project", str(project), "--out", str(out),
                            "--today", "2026-02-01")
    assert code == 0, err
    assert stdout.startswith(f"Built 12 pages (16 files) into {out} in ")
    assert stdout.rstrip().endswith("s; review current (next review 2027-01-10)")
    assert (out / "topics" / "email.html").is_file() and (out / MARKER).is_file()


def test_failed_build_leaves_previous_output_untouched(make_project: ProjectMaker,
                                                       tmp_path: Path) -> None:
    project = make_project()
    out = tmp_path / "site"
    assert run("build", "--format", "site", "--project", str(project), "--out", str(out))[0] == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (project / "content" / "glossary.yaml").write_text("terms:\n  aup: [broken\n")
    code, _, err = run("build", "--format", "site", "--project", str(project), "--out", str(out))
    assert code == 1 and err.startswith("content/glossary.yaml:2:8: error: YAML syntax error: "
                                        "a list opened with '[' is not closed with ']'")
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "site"]


def test_template_error_names_template_and_line_and_keeps_output(
        make_project: ProjectMaker, tmp_path: Path) -> None:
    project = make_project()
    out = tmp_path / "site"
    assert run("build", "--format", "site", "--project", str(project), "--out", str(out))[0] == 0
    before = (out / "index.html").read_bytes()
    template = project / "templates" / "site" / "home.html"
    template.write_text(template.read_text().replace("{{ pub.title }}", "{{ pub.titel }}", 1))
    code, _, err = run("build", "--format", "site", "--project", str(project), "--out", str(out))
    assert code == 1
    assert err.startswith("templates/site/home.html:3: error: template error: ")
    assert "titel" in err and "Traceback" not in err
    assert (out / "index.html").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "site"]


def test_stale_files_from_removed_pages_do_not_survive(make_project: ProjectMaker,
                                                       tmp_path: Path) -> None:
    project = make_project()
    out = tmp_path / "site"
    (project / "content" / "topics" / "gaming.yaml").write_text(
        (project / "content" / "topics" / "email.yaml").read_text().replace("Email", "Gaming"))
    pub = project / "content" / "publication.yaml"
    pub.write_text(pub.read_text().replace("topics: [email]", "topics: [email, gaming]"))
    assert run("build", "--format", "site", "--project", str(project), "--out", str(out))[0] == 0
    assert (out / "topics" / "gaming.html").is_file()
    (project / "content" / "topics" / "gaming.yaml").unlink()
    pub.write_text(pub.read_text().replace("topics: [email, gaming]", "topics: [email]"))
    assert run("build", "--format", "site", "--project", str(project), "--out", str(out))[0] == 0
    assert not (out / "topics" / "gaming.html").exists()


def test_refuses_to_overwrite_a_folder_policygen_did_not_make(make_project: ProjectMaker,
                                                              tmp_path: Path) -> None:
    project = make_project()
    out = tmp_path / "my-documents"
    out.mkdir()
    (out / "letter.docx").write_bytes(b"precious")
    code, _, err = run("build", "--format", "site", "--project", str(project), "--out", str(out))
    assert code == 2
    assert f"error: {out} already exists and was not made by policygen" in err
    assert (out / "letter.docx").read_bytes() == b"precious"


def test_debris_of_an_interrupted_build_is_cleared_but_not_a_neighbours(
        make_project: ProjectMaker, tmp_path: Path) -> None:
    from policygen.build.output import _debris_name
    project = make_project()
    site, neighbour = tmp_path / "site", tmp_path / "site-x"
    debris = _debris_name(site, ".policygen-tmp-", "abc123")
    theirs = _debris_name(neighbour, ".policygen-old-", "999")
    for folder in (debris, theirs):
        folder.mkdir()
        (folder / "index.html").write_text("half")
    assert run("build", "--format", "site", "--project", str(project), "--out", str(site))[0] == 0
    assert not debris.exists() and theirs.exists()


def test_a_crash_between_the_two_renames_is_recovered(make_project: ProjectMaker,
                                                      tmp_path: Path) -> None:
    from policygen.build.output import _debris_name
    project = make_project()
    site = tmp_path / "site"
    assert run("build", "--format", "site", "--project", str(project), "--out", str(site))[0] == 0
    before = (site / "index.html").read_bytes()
    site.rename(_debris_name(site, ".policygen-old-", "4242"))  # as if the machine stopped here
    (project / "content" / "glossary.yaml").write_text("terms: [broken\n")
    assert run("build", "--format", "site", "--project", str(project), "--out", str(site))[0] == 1
    assert (site / "index.html").read_bytes() == before


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run([sys.executable, "-m", "policygen", "--help"], capture_output=True,
                            text=True, check=True)
    assert "check" in result.stdout and "build" in result.stdout


def test_unknown_format_is_a_usage_error(make_project: ProjectMaker) -> None:
    code, _, err = run("build", "--project", str(make_project()), "--format", "site,poster")
    assert code == 2
    assert ("Invalid value for --format: expected some of site, search, posters, handbook, separated "
            "by commas; got 'site,poster'") in err


def test_strict_build_fails_on_warnings_and_writes_nothing(make_project: ProjectMaker,
                                                           tmp_path: Path) -> None:
    out = tmp_path / "site"
    code, _, err = run("build", "--format", "site", "--project", str(make_project()),
                       "--out", str(out), "--today", "2026-12-01", "--strict")
    assert code == 1
    assert err.startswith("content/publication.yaml: error: the guidance is due for review on "
                          "2027-01-10 (in 40 days)")
    assert not out.exists()


def test_build_everything_on_both_papers(make_project: ProjectMaker, tmp_path: Path) -> None:
    out = tmp_path / "site"
    code, stdout, err = run("build", "--project", str(make_project()), "--out", str(out),
                            "--paper", "both", "--today", "2026-02-01")
    assert code == 0, err
    assert stdout.startswith(f"Built 12 pages, 9 PDFs (41 files) into {out} in ")
    assert sorted(p.name for p in (out / "posters").iterdir()) == sorted(
        f"{name}{suffix}.pdf" for name in ("email", "summary", "guidelines", "reporting")
        for suffix in ("", "-a3"))


def test_a_project_with_only_some_templates_uses_the_shipped_ones_for_the_rest(
        make_project: ProjectMaker, tmp_path: Path) -> None:
    import shutil
    project = make_project()
    for folder in ("print", "fork", "preview", "assets"):
        shutil.rmtree(project / "templates" / folder)
    home = project / "templates" / "site" / "home.html"
    home.write_text(home.read_text().replace("<h2>Topics", "<h2>Our topics", 1)
                    .replace('<h2 id="topics">{{ _("Topics") }}', '<h2 id="topics">Our topics', 1))
    out = tmp_path / "site"
    code, _, err = run("build", "--project", str(project), "--out", str(out),
                       "--today", "2026-02-01")
    assert code == 0, err
    assert "Our topics" in (out / "index.html").read_text()
    assert (out / "assets" / "style.css").is_file() and (out / "posters" / "email.pdf").is_file()
    code, _, err = run("fork", "school", "--project", str(project))
    assert code == 0, err
