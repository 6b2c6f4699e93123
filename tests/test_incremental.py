"""Rebuilds do only what changed: unchanged editions are taken over, unchanged PDFs kept."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from conftest import ProjectMaker

from policygen import BuildOptions, BuildReport, ContentError, build
from policygen.build.output import read_record

TODAY = date(2026, 11, 25)
PRINT_AND_SITE = frozenset({"site", "posters"})


@pytest.fixture
def project(make_project: ProjectMaker) -> Path:
    root = make_project()
    for name, term in (("alpha", "pupils"), ("beta", "residents")):
        folder = root / "variants" / name
        folder.mkdir(parents=True)
        (folder / "variant.yaml").write_text(
            f"organisation:\n  name: {name.title()} Place\nterminology:\n  children: {term}\n")
    return root


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_an_unchanged_rebuild_renders_nothing_and_changes_nothing(project: Path,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build(BuildOptions(project, out, TODAY, PRINT_AND_SITE, all_variants=True))
    before = snapshot(out)
    again = build(BuildOptions(project, out, TODAY, PRINT_AND_SITE, all_variants=True))
    # Four posters for the base and for each variant, and each variant's adaptation notice.
    assert first.pdfs_rendered == 14 and again.pdfs_rendered == 0 and again.pdfs_reused == 14
    assert snapshot(out) == before
    assert again.variants_built == ("alpha", "beta")
    assert set(read_record(out).editions) == {"", "variants/alpha/", "variants/beta/"}


def test_an_unchanged_rebuild_leaves_the_output_folder_itself_in_place(project: Path,
                                                                      tmp_path: Path) -> None:
    """Nothing to make: the folder is not copied and swapped, so each file is the same file
    (its inode), and nothing is left beside it."""
    out = tmp_path / "out"
    options = BuildOptions(project, out, TODAY, frozenset({"site"}), all_variants=True)
    build(options)
    inodes = {p: p.stat().st_ino for p in [out, *out.rglob("*")]}
    again = build(options)
    assert {p: p.stat().st_ino for p in [out, *out.rglob("*")]} == inodes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "project"]
    assert again.pages == build(replace(options, out=tmp_path / "elsewhere")).pages
    # A damaged index of variants is not taken as it is: the build makes the folder anew.
    index = out / "variants" / "index.html"
    good = index.read_bytes()
    index.write_text("tampered")
    build(options)
    assert index.read_bytes() == good and out.stat().st_ino != inodes[out]
    # Nor is a record that no longer says what this build would (a variant gone).
    folder = project / "variants" / "beta"
    (folder / "variant.yaml").unlink()
    folder.rmdir()
    assert build(options).variants_built == ("alpha",)
    assert not (out / "variants" / "beta").exists()


def test_editing_one_variant_renders_only_that_variant(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(BuildOptions(project, out, TODAY, PRINT_AND_SITE, all_variants=True))
    before = snapshot(out)
    variant = project / "variants" / "beta" / "variant.yaml"
    variant.write_text(variant.read_text().replace("Beta Place", "Beta House"))
    report = build(BuildOptions(project, out, TODAY, PRINT_AND_SITE, all_variants=True))
    after = snapshot(out)
    assert report.pdfs_rendered == 5  # beta's four posters (its name is on each), its notice
    changed = {path for path in after if after[path] != before.get(path)}
    assert changed and all(p.startswith("variants/beta/") or p in (
        "variants/index.html", ".policygen-output") for p in changed)
    assert "Beta House" in (out / "variants" / "index.html").read_text()


def test_a_new_day_or_a_new_template_is_a_new_build(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(BuildOptions(project, out, TODAY, frozenset({"site"}), all_variants=True))
    record = read_record(out)
    build(BuildOptions(project, out, date(2027, 1, 5), frozenset({"site"}), all_variants=True))
    assert read_record(out).editions[""]["key"] != record.editions[""]["key"]
    assert "review--due" in (out / "variants" / "alpha" / "index.html").read_text()
    style = project / "templates" / "assets" / "style.css"
    style.write_text(style.read_text() + "\n/* edited */\n")
    build(BuildOptions(project, out, date(2027, 1, 5), frozenset({"site"}), all_variants=True))
    assert (out / "assets" / "style.css").read_text().endswith("/* edited */\n")
    assert (out / "variants" / "beta" / "assets" / "style.css").read_text().endswith(
        "/* edited */\n")


def test_shards_merged_equal_one_build_of_all_failures_included(project: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from policygen.cli import main
    (project / "variants" / "gamma").mkdir()
    (project / "variants" / "gamma" / "variant.yaml").write_text(
        "organisation:\n  name: Gamma Hall\n")
    (project / "variants" / "delta").mkdir()
    (project / "variants" / "delta" / "variant.yaml").write_text("organisation: {}\n")
    whole = tmp_path / "whole"
    report = build(BuildOptions(project, whole, TODAY, frozenset({"site"}), all_variants=True))
    assert [f.name for f in report.failures] == ["delta"]
    runner = CliRunner()
    for k in (1, 2):
        result = runner.invoke(main, ["build", "--all", "--shard", f"{k}/2", "--format", "site",
                                      "--project", str(project), "--out", str(tmp_path / f"s{k}"),
                                      "--today", TODAY.isoformat()])
        assert result.exit_code == (1 if k == 1 else 0), result.stderr  # delta is in slice 1
    assert sorted(p.name for p in (tmp_path / "s2" / "variants").iterdir()) == [
        "beta", "gamma", "index.html"]
    assert not (tmp_path / "s2" / "index.html").exists()
    merged = tmp_path / "merged"
    result = runner.invoke(main, ["merge", str(tmp_path / "s1"), str(tmp_path / "s2"),
                                  "--project", str(project), "--out", str(merged),
                                  "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Merged 2 shards (3 variants, ")
    mine, theirs = snapshot(merged), snapshot(whole)
    mine.pop(".policygen-output"), theirs.pop(".policygen-output")
    assert mine == theirs


def test_progress_is_line_oriented_in_logs_and_silent_when_quiet(project: Path,
                                                                 tmp_path: Path) -> None:
    from click.testing import CliRunner

    from policygen.cli import main
    args = ["build", "--format", "posters", "--project", str(project), "--today", "2026-11-25"]
    result = CliRunner().invoke(main, args + ["--out", str(tmp_path / "a")])
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert "rendering PDFs 4/4" in lines and "preparing" not in lines
    assert all("\r" not in line for line in lines)
    quiet = CliRunner().invoke(main, args + ["--out", str(tmp_path / "b"), "--quiet"])
    assert quiet.exit_code == 0 and quiet.stdout == "" and quiet.stderr == ""


def test_the_same_input_in_another_folder_and_process_gives_the_same_bytes(
        tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    from conftest import REPO
    outputs = []
    for folder in ("first", "second copy – ü"):
        root = tmp_path / folder
        for part in ("content", "templates", "variants/oakfield-primary"):
            shutil.copytree(REPO / part, root / part)
        subprocess.run([sys.executable, "-m", "policygen", "build", "--variant",
                        "oakfield-primary", "--format", "site,posters", "--project", str(root),
                        "--today", "2026-11-25", "--quiet"], check=True)
        outputs.append(snapshot(root / "build"))
    assert len(outputs[0]) > 20 and any(name.endswith(".pdf") for name in outputs[0])
    assert sorted(outputs[0]) == sorted(outputs[1])
    assert [name for name in outputs[0] if outputs[0][name] != outputs[1][name]] == []


def test_a_damaged_previous_output_is_not_taken_over(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(BuildOptions(project, out, TODAY, frozenset({"site"}), all_variants=True))
    before = snapshot(out)
    (out / "topics" / "email.html").unlink()
    (out / "variants" / "alpha" / "about.html").write_text("tampered")
    build(BuildOptions(project, out, TODAY, frozenset({"site"}), all_variants=True))
    assert snapshot(out) == before


def test_what_weasyprint_said_is_said_again_when_its_pdfs_are_taken_over(
        make_project: ProjectMaker, tmp_path: Path) -> None:
    project = make_project()
    css = project / "templates" / "print" / "poster.css"
    css.write_text(css.read_text() + "\n.kicker { frobnicate: 1; }\n")
    options = BuildOptions(project, tmp_path / "out", TODAY, frozenset({"posters", "handbook"}))

    def said(report: BuildReport) -> list[tuple[str, str]]:
        return [(w.location.file, w.message) for w in report.warnings if "frobnicate" in w.message]
    first = build(options)
    assert said(first) and {file for file, _ in said(first)} == {
        f"posters/{name}.pdf" for name in ("email", "summary", "guidelines", "reporting")}
    # Taken over whole (nothing changed), then PDF by PDF (only the handbook's template did).
    again = build(options)
    assert again.pdfs_rendered == 0 and said(again) == said(first)
    handbook = project / "templates" / "print" / "handbook.css"
    handbook.write_text(handbook.read_text() + "\n.cover { margin-top: 1mm; }\n")
    edited = build(options)
    assert (edited.pdfs_rendered, edited.pdfs_reused) == (1, 4)
    assert said(edited) == said(first)
    with pytest.raises(ContentError):
        build(replace(options, strict=True))


def test_search_added_later_indexes_every_edition_and_taken_away_removes_every_index(
        project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    prefixes = ("", "variants/alpha/", "variants/beta/")

    def indexes() -> dict[str, bool]:
        recorded = read_record(out).files
        return {prefix: (out / prefix / "pagefind" / "pagefind.js").is_file()
                and f"{prefix}pagefind/pagefind.js" in recorded for prefix in prefixes}

    def search_script() -> list[bool]:
        return ["assets/search.js" in (out / prefix / "search.html").read_text()
                for prefix in prefixes]
    build(BuildOptions(project, out, TODAY, frozenset({"site"}), all_variants=True))
    assert indexes() == dict.fromkeys(prefixes, False) and search_script() == [False] * 3
    build(BuildOptions(project, out, TODAY, frozenset({"site", "search"}), all_variants=True))
    assert indexes() == dict.fromkeys(prefixes, True) and search_script() == [True] * 3
    build(BuildOptions(project, out, TODAY, frozenset({"site"}), all_variants=True))
    assert indexes() == dict.fromkeys(prefixes, False) and search_script() == [False] * 3
    assert [p for p in snapshot(out) if "pagefind" in p] == []
    assert [p for p in read_record(out).files if "pagefind" in p] == []


def test_search_asked_for_alone_brings_the_site_it_is_made_from(project: Path,
                                                               tmp_path: Path) -> None:
    options = BuildOptions(project, tmp_path / "out", TODAY, frozenset({"search"}))
    assert options.formats == {"site", "search"}
    report = build(options)
    assert report.pages == 12 and (tmp_path / "out" / "search.html").is_file()
    assert (tmp_path / "out" / "pagefind" / "pagefind.js").is_file()
    assert read_record(tmp_path / "out").build["formats"] == ["search", "site"]
