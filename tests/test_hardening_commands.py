"""Issue 16, points 3, 5 and 9: merge trusts no shard, approve and notify never break the variant
file, and the notice's From and To are one mailbox each whatever the names hold."""

from __future__ import annotations

import email.policy
import json
import os
import shutil
import stat
import textwrap
from collections.abc import Callable
from datetime import date
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import MINIMAL, REPO

from policygen import BuildOptions, build
from policygen.build.merge import merge
from policygen.cli import main
from policygen.commands.notices import approve, notify
from policygen.errors import ContentError, OutputError
from policygen.model import SignOff
from policygen.variants.drift import pins
from policygen.variants.variant import load_variant

TODAY = date(2026, 11, 25)
SITE = frozenset({"site"})
MARKER = ".policygen-output"


def write_project(root: Path, extra: dict[str, str] | None = None) -> Path:
    for rel, text in {**MINIMAL, **(extra or {})}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    shutil.copytree(REPO / "templates", root / "templates")
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


# --- 3. merge trusts no shard -------------------------------------------------------------

VARIANTS = {f"variants/{name}/variant.yaml": f"organisation:\n  name: {name.title()} Place\n"
            for name in ("alpha", "beta", "gamma")}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project, its two shards (1/2: base, alpha, gamma; 2/2: beta) and their good merge."""
    root = tmp_path_factory.mktemp("shards")
    project = write_project(root / "project", VARIANTS)
    for k in (1, 2):
        build(BuildOptions(project, root / f"s{k}", TODAY, SITE, all_variants=True,
                           shard=(k, 2)))
    merge(project, root / "good", [root / "s1", root / "s2"], TODAY)
    return root


@pytest.fixture
def site(built: Path, tmp_path: Path) -> Path:
    """A fresh copy of everything in `built`, to tamper with; `out` is the earlier good merge."""
    for name in ("project", "s1", "s2"):
        shutil.copytree(built / name, tmp_path / name, symlinks=True)
    shutil.copytree(built / "good", tmp_path / "out")
    return tmp_path


def refused(site: Path, *shards: str, today: str = TODAY.isoformat()) -> str:
    """Merge through the CLI, which must refuse; the output is exactly the earlier merge."""
    before = snapshot(site / "out")
    code, out, err = cli("merge", *(str(site / s) for s in shards or ("s1", "s2")),
                         "--project", str(site / "project"), "--out", str(site / "out"),
                         "--today", today)
    assert (code, out) == (2, ""), err
    assert snapshot(site / "out") == before
    assert not [p.name for p in site.iterdir() if p.name.startswith(".policygen")]  # no debris
    assert err.startswith("error: ") and err.endswith("\n") and err.count("\n") == 1
    return err.removeprefix("error: ").rstrip("\n").replace(str(site) + "/", "")


def edit_record(shard: Path, change: Callable[[dict[str, Any]], object]) -> None:
    record = json.loads((shard / MARKER).read_text())
    change(record)
    (shard / MARKER).write_text(json.dumps(record))


def test_good_shards_still_merge_into_one_build_of_all(built: Path, tmp_path: Path) -> None:
    whole = tmp_path / "whole"
    build(BuildOptions(built / "project", whole, TODAY, SITE, all_variants=True))
    mine, theirs = snapshot(built / "good"), snapshot(whole)
    record = json.loads(mine.pop(MARKER))
    assert record["build"]["shard"] is None and record["build"]["today"] == "2026-11-25"
    theirs.pop(MARKER)
    assert mine == theirs


def rename_entry(record: dict[str, Any]) -> None:
    record["editions"]["variants/beta/"]["entry"]["name"] = "javascript:alert(document.domain)//"


def rename_prefix(record: dict[str, Any]) -> None:
    editions = record["editions"]
    editions["variants/javascript:alert(document.domain)//"] = editions.pop("variants/beta/")


def set_in(*path: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(record: dict[str, Any]) -> None:
        target = record
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def drop(*path: str) -> Callable[[dict[str, Any]], None]:
    def change(record: dict[str, Any]) -> None:
        target = record
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return change


BETA = "'editions' › 'variants/beta/'"
RECORD_TAMPERING = [
    ("javascript: as the name in the index", rename_entry,
     f"in {MARKER}, {BETA} › 'entry' › 'name' should be \"beta\", the name in its folder, "
     "found \"javascript:alert(document.domain)//\""),
    ("javascript: as the edition's folder", rename_prefix,
     f"in {MARKER}, an edition in 'editions' should be \"\" (the base) or variants/ and a "
     "variant's name (lower-case letters, digits and hyphens) and /, found "
     "\"variants/javascript:alert(document.domain)//\""),
    ("a failure under a name that is no variant's",
     set_in("failures", "../../etc", value="broken"),
     f"in {MARKER}, a variant named in 'failures' should be a variant's name (lower-case "
     "letters, digits and hyphens), found \"../../etc\""),
    ("a number as a failure's message", set_in("failures", "beta", value=3),
     f"in {MARKER}, 'failures' › 'beta' should be a text, found 3"),
    ("a key that is not a hash", set_in("editions", "variants/beta/", "key", value="beta"),
     f"in {MARKER}, {BETA} › 'key' should be a hash of 64 hex digits, found \"beta\""),
    ("a list as the organisation", set_in("editions", "variants/beta/", "entry",
                                          "organisation", value=["Beta"]),
     f"in {MARKER}, {BETA} › 'entry' › 'organisation' should be plain text, found [\"Beta\"]"),
    ("an escape sequence in the organisation",
     set_in("editions", "variants/beta/", "entry", "organisation", value="\x1b[2JBeta"),
     f"in {MARKER}, {BETA} › 'entry' › 'organisation' should be plain text, found "
     "\"\\u001b[2JBeta\""),
    ("an unknown review state", set_in("editions", "variants/beta/", "entry", "review_state",
                                       value="<b>"),
     f"in {MARKER}, {BETA} › 'entry' › 'review_state' should be one of current, due, overdue, "
     "found \"<b>\""),
    ("a date that is not one", set_in("editions", "variants/beta/", "entry", "next_review",
                                      value="2027-02-30"),
     f"in {MARKER}, {BETA} › 'entry' › 'next_review' should be a date like 2026-11-25, found "
     "\"2027-02-30\""),
    ("a field the entry does not have", set_in("editions", "variants/beta/", "entry", "href",
                                               value="javascript:x"),
     f"in {MARKER}, {BETA} › 'entry' (field 'href') should be only the fields name, "
     "organisation, state, review_state, next_review, status, adapts, signed_edition, drifted, "
     "taken_over, found \"javascript:x\""),
    ("an escape sequence in what a variant adapts",
     set_in("editions", "variants/beta/", "entry", "adapts", value="\x1b[2J"),
     f"in {MARKER}, {BETA} › 'entry' › 'adapts' should be plain text (empty unless the variant "
     "extends another), found \"\\u001b[2J\""),
    ("an unknown adaptation status", set_in("editions", "variants/beta/", "entry", "status",
                                            value="<b>"),
     f"in {MARKER}, {BETA} › 'entry' › 'status' should be one of no-notification-needed, "
     "not-notified, notice-prepared, notified, approved, changed-since-approval, "
     "changed-since-notification, found \"<b>\""),
    ("warnings of the wrong shape", set_in("editions", "variants/beta/", "warnings",
                                           value=[["a", "1", 2, "m", "s"]]),
     f"in {MARKER}, {BETA} › 'warnings' should be a list of [file, line, column, message, "
     "source line], found [[\"a\", \"1\", 2, \"m\", \"s\"]]"),
    ("a size that is text", set_in("editions", "variants/beta/", "files",
                                   "variants/beta/index.html", value="12"),
     f"in {MARKER}, {BETA} › 'files' › 'variants/beta/index.html' should be a size in bytes, "
     "found \"12\""),
    ("a file outside its edition", set_in("editions", "variants/beta/", "files",
                                          "variants/beta/../../index.html", value=1),
     f"in {MARKER}, a file in {BETA} › 'files' should be a path inside variants/beta/, found "
     "\"variants/beta/../../index.html\""),
    ("a PDF hash for a file it does not have", set_in("pdf_inputs", "posters/x.pdf",
                                                      value="0" * 64),
     f"in {MARKER}, the PDF named in 'pdf_inputs' or 'pdf_warnings' should be a PDF the "
     "record lists under 'files', found \"posters/x.pdf\""),
    ("a build record without what it was built from", drop("build"),
     f"in {MARKER}, the record should be a set of entries with 'build' (the shard was built "
     "by an older policygen: build it again), found"),
    ("a build that was not --all", set_in("build", "all_variants", value=False),
     f"in {MARKER}, 'build' › 'all_variants' should be true (merge joins only `build --all` "
     "runs), found false"),
    ("a slice that cannot be", set_in("build", "shard", value=[3, 2]),
     f"in {MARKER}, 'build' › 'shard' should be null or [K, N] with 1 ≤ K ≤ N, found [3, 2]"),
    ("a paper policygen does not make", set_in("build", "papers", value=["a5"]),
     f"in {MARKER}, 'build' › 'papers' should be a list of a4, a3, found [\"a5\"]"),
    ("a record that is not a mapping", lambda record: record.clear() or record.update(x=1),
     f"in {MARKER}, the record (field 'x') should be only the fields generator, note, "
     "pdf_inputs, editions, failures, pdf_warnings, build, files, found 1"),
]


@pytest.mark.parametrize(("change", "message"), [(c, m) for _, c, m in RECORD_TAMPERING],
                         ids=[what for what, _, _ in RECORD_TAMPERING])
def test_every_field_of_a_shards_record_is_checked(site: Path,
                                                   change: Callable[[dict[str, Any]], object],
                                                   message: str) -> None:
    edit_record(site / "s2", change)
    said = refused(site)
    assert said.startswith(f"refusing to merge s2: {message}")


def test_a_record_giving_a_field_twice_or_not_json_is_refused(site: Path) -> None:
    text = (site / "s2" / MARKER).read_text()
    (site / "s2" / MARKER).write_text(text.replace('{\n "build": {', '{\n "failures": {},'
                                                   '\n "build": {', 1))
    assert refused(site) == (f"refusing to merge s2: its {MARKER} is not a build record "
                             "policygen wrote (a field is given twice)")
    (site / "s2" / MARKER).write_bytes(b"\xff{}")
    assert refused(site).startswith(f"refusing to merge s2: its {MARKER} is not a build "
                                    "record policygen wrote (")


@pytest.mark.parametrize("kind", ["link to a file", "link to a folder", "fifo", "link as marker"])
def test_a_link_or_a_special_file_in_a_shard_is_refused(site: Path, kind: str) -> None:
    beta = site / "s2" / "variants" / "beta"
    if kind == "link to a file":
        (beta / "passwd.html").symlink_to("/etc/passwd")
        message = "variants/beta/passwd.html is a symbolic link"
    elif kind == "link to a folder":
        (beta / "etc").symlink_to("/etc", target_is_directory=True)
        message = "variants/beta/etc is a symbolic link"
    elif kind == "fifo":
        os.mkfifo(beta / "pipe.html")
        message = "variants/beta/pipe.html is not a regular file (a pipe, socket or device)"
    else:
        real = site / "s2" / MARKER
        real.rename(site / "record.json")
        real.symlink_to(site / "record.json")
        message = f"{MARKER} is a symbolic link"
    said = refused(site)
    assert said.startswith(f"refusing to merge s2: {message}"), said


def test_a_file_added_changed_or_missing_in_a_shard_is_refused(site: Path) -> None:
    beta = site / "s2" / "variants" / "beta"
    (beta / "extra.html").write_text("<script>alert(1)</script>")
    assert refused(site) == ("refusing to merge s2: variants/beta/extra.html is not one of the "
                             f"files its build recorded in {MARKER}; it was added after the build")
    (beta / "extra.html").unlink()
    page = (beta / "index.html").read_bytes()
    for changed in (b"changed", page.replace(b"<main", b"<mian", 1)):  # also the same size
        (beta / "index.html").write_bytes(changed)
        assert refused(site) == ("refusing to merge s2: variants/beta/index.html is not as its "
                                 "build recorded it (its content differs); it was changed after "
                                 "the build")
    (beta / "index.html").unlink()
    assert refused(site) == ("refusing to merge s2: variants/beta/index.html is missing, though "
                             "its build recorded it; copy the whole output of the shard")


def test_shards_built_from_different_content_are_refused(site: Path, built: Path) -> None:
    project = site / "project"
    topic = project / "content" / "topics" / "email.yaml"
    topic.write_text(topic.read_text().replace("Use your work account.", "Use any account."))
    # The second slice is built again from the changed content: the two disagree.
    shutil.rmtree(site / "s2")
    build(BuildOptions(project, site / "s2", TODAY, SITE, all_variants=True, shard=(2, 2)))
    assert refused(site) == ("refusing to merge s2: it was not built like s1 (the content, "
                             "templates or policygen itself differ); build every slice from the "
                             "same content with the same options and --today")
    # Both slices from the old content, merged with the new: neither matches the project.
    shutil.rmtree(site / "s2")
    shutil.copytree(built / "s2", site / "s2")
    assert refused(site) == ("refusing to merge s1: the shards were not built from the content/ "
                             f"and templates/ of {project} (or were built by another version "
                             "of policygen or WeasyPrint); build them again from this project"
                             ).replace(str(site) + "/", "")


def test_a_shard_of_a_changed_variant_or_another_projects_variants_is_refused(
        site: Path) -> None:
    variant = site / "project" / "variants" / "beta" / "variant.yaml"
    variant.write_text(variant.read_text().replace("Beta Place", "Beta House"))
    assert refused(site) == ("refusing to merge s2: its edition 'variants/beta/' was built from "
                             "a different variants/beta/variant.yaml than the project's; build "
                             "the shards again from this project")
    shutil.rmtree(site / "project" / "variants" / "beta")
    assert refused(site) == ("refusing to merge s1: it holds variants/gamma/, which slice 1/2 of "
                             "this project does not make; were the shards "
                             "built from this project's variants?")


def test_shards_with_different_days_or_options_are_refused(site: Path) -> None:
    shutil.rmtree(site / "s2")
    build(BuildOptions(site / "project", site / "s2", date(2026, 11, 26), SITE,
                       all_variants=True, shard=(2, 2)))
    assert refused(site) == ("refusing to merge s2: it was not built like s1 (today: 2026-11-25 "
                             "in s1, 2026-11-26 in s2); build every slice from the same content "
                             "with the same options and --today")
    shutil.rmtree(site / "s2")
    build(BuildOptions(site / "project", site / "s2", TODAY, SITE, all_variants=True,
                       shard=(2, 2), papers=("a3",)))
    assert refused(site) == ("refusing to merge s2: it was not built like s1 (papers: a4 in s1, "
                             "a3 in s2); build every slice from the same content with the same "
                             "options and --today")


def test_a_merge_on_another_day_than_its_shards_is_refused(site: Path) -> None:
    assert refused(site, today="2026-12-01") == (
        "refusing to merge s1: the shards were built with --today 2026-11-25, but the merge's "
        "given --today is 2026-12-01; give the merge the same --today 2026-11-25")


def test_every_slice_must_be_given_once(site: Path) -> None:
    assert refused(site, "s1") == ("refusing to merge: slice 2 of 2 is missing (--shard K/2); "
                                   "give the output of every slice")
    assert refused(site, "s1", "s2", "s2") == ("refusing to merge s2: it is slice 2/2, as is s2; "
                                               "give each slice once")


def test_the_output_may_not_be_inside_a_shard(site: Path) -> None:
    with pytest.raises(OutputError) as error:
        merge(site / "project", site / "s1" / "merged", [site / "s1", site / "s2"], TODAY)
    assert str(error.value) == (f"refusing to merge into {site}/s1/merged: the shard "
                                f"{site}/s1 is inside it or it is inside the shard; choose an "
                                "--out of its own")
    assert not (site / "s1" / "merged").exists()


# --- 5. approve and notify never break the variant file ------------------------------------

VARIANT = ("# Oakfield's copy\norganisation:\n  name: Oak School\nitems:\n  reword:\n"
           "    email/work-account: Use the school account.  # agreed in May\n")
DAY = date(2026, 12, 1)


def indent(text: str) -> str:
    return "".join("  " + line if line.strip() else line for line in text.splitlines(True))


LAYOUTS = {
    "plain": VARIANT,
    "indented root": indent(VARIANT),
    "document start": "---\n" + VARIANT,
    "document start and end": "--- # the variant\n" + VARIANT + "...\n# kept after the end\n",
    "indented between markers": "%YAML 1.1\n---\n" + indent(VARIANT) + "...\n",
    "CRLF": VARIANT.replace("\n", "\r\n"),
    "byte order mark": "\ufeff" + VARIANT,
    "BOM, CRLF, indented, markers": "\ufeff" + ("---\n" + indent(VARIANT) + "...\n").replace(
        "\n", "\r\n"),
    "comments at the end": VARIANT + "\n# a closing note\n#   approved: not yet\n\n\n",
    "no newline at the end": VARIANT.rstrip("\n"),
    "old approval in the middle": VARIANT.replace("items:", "approved:\n  by: Someone\n"
                                                  "  date: 2026-01-01\n  fingerprint: "
                                                  "0123456789abcdef  # old\nitems:"),
    "a text that keeps its blank lines": VARIANT + "title: |+\n  Our guidance\n\n\n",
    "a flow block inside": VARIANT + "dates: {next_review: 2027-01-01}\n",
}


def make_variant(project: Path, text: str) -> Path:
    path = project / "variants" / "oak" / "variant.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project")


def data_of(text: str) -> Any:
    return yaml.safe_load(text.removeprefix("\ufeff"))


@pytest.mark.parametrize("layout", LAYOUTS, ids=list(LAYOUTS))
def test_approve_keeps_any_block_layout_and_reads_back_the_same(project: Path,
                                                                layout: str) -> None:
    text = LAYOUTS[layout]
    path = make_variant(project, text)
    path.chmod(0o640)  # readable by the office group only: it stays so
    adapted = approve(project, "oak", "The e-safety subgroup", DAY)
    assert adapted.state.text.endswith(
        "Changes approved by The e-safety subgroup on 1 December 2026.")
    written = path.read_bytes().decode("utf-8")
    pinned = pins(adapted.variant, adapted.base)
    assert [ident for ident, _ in pinned] == ["email/work-account"]  # the item oak rewords
    expected = data_of(text) | {"approved": {
        "by": "The e-safety subgroup", "date": DAY, "fingerprint": adapted.state.fingerprint,
        "edition": date(2026, 1, 10), "items": dict(pinned)}}
    assert data_of(written) == expected
    assert written.startswith("\ufeff") == text.startswith("\ufeff")
    assert written.count("\r\n") == (written.count("\n") if "\r\n" in text else 0)
    for line in text.splitlines():  # every line of the editor's stays, but the old approval
        assert line in written.splitlines() or "approved" in text
    assert load_variant(project, "oak").approved == SignOff(
        DAY, adapted.state.fingerprint, date(2026, 1, 10), "The e-safety subgroup", pins=pinned)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["variant.yaml"]
    again = approve(project, "oak", "The e-safety subgroup", DAY)
    assert again.state == adapted.state
    assert path.read_bytes().decode("utf-8") == written  # no blank lines piling up


@pytest.mark.parametrize(("text", "message"), [
    ('{"organisation": {"name": "Oak School"}, "items": {"reword": {"email/work-account": '
     '"Use the school account."}}}\n',
     "the variant file is written as a JSON-style mapping ({…}); policygen can only record "
     "the sign-off in a block-style file (one 'field: value' per line)"),
    ("--- {organisation: {name: Oak School},\n  items: {reword: {email/work-account: Use the "
     "school account.}}}\n",
     "the variant file is written as a JSON-style mapping ({…}); policygen can only record "
     "the sign-off in a block-style file (one 'field: value' per line)"),
], ids=["JSON", "flow after ---"])
def test_a_json_style_file_is_refused_before_writing(project: Path, text: str,
                                                     message: str) -> None:
    path = make_variant(project, text)
    code, out, err = cli("approve", "oak", "--by", "The subgroup", "--date", "2026-12-01",
                         "--project", str(project))
    assert (code, out) == (2, "")
    assert err == (f"error: variants/oak/variant.yaml: {message}; nothing was written, the file "
                   "is as it was\n")
    assert path.read_bytes() == text.encode("utf-8")
    assert sorted(p.name for p in path.parent.iterdir()) == ["variant.yaml"]


@pytest.mark.parametrize(("by", "problem"), [
    ("", "--by (who approved the changes) is empty"),
    ("   ", "--by (who approved the changes) is empty"),
    ("\x1b[31mThe subgroup", "--by (who approved the changes) contains a control character "
     "(U+001B); names must be plain text (retype it, or paste it as plain text)"),
    ("The \x85subgroup", "--by (who approved the changes) contains a control character "
     "(U+0085); names must be plain text (retype it, or paste it as plain text)"),
    ("The sub\u2028group", "--by (who approved the changes) contains a control character "
     "(U+2028); names must be plain text (retype it, or paste it as plain text)"),
    ("bus\u202eeht", "--by (who approved the changes) contains a control character "
     "(U+202E); names must be plain text (retype it, or paste it as plain text)"),
    ("The\tsubgroup", "--by (who approved the changes) contains a control character "
     "(U+0009); names must be plain text (retype it, or paste it as plain text)"),
])
def test_a_bad_signer_is_refused_before_writing(project: Path, by: str, problem: str) -> None:
    path = make_variant(project, VARIANT)
    code, out, err = cli("approve", "oak", "--by", by, "--project", str(project))
    assert (code, out, err) == (2, "", f"error: {problem}; nothing was written, the file is as "
                                "it was\n")
    assert path.read_bytes() == VARIANT.encode("utf-8")


def test_mode_and_link_survive_approve_and_notify(project: Path) -> None:
    real = project / "shared" / "oak.yaml"
    real.parent.mkdir()
    real.write_text(VARIANT.replace("\n", "\r\n"))
    real.chmod(0o640)
    folder = project / "variants" / "oak"
    folder.mkdir(parents=True)
    (folder / "variant.yaml").symlink_to(real)
    adapted = approve(project, "oak", "The subgroup", DAY)
    assert (folder / "variant.yaml").is_symlink()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert "approved:\r\n  by: \"The subgroup\"\r\n" in real.read_bytes().decode()
    assert adapted.state.text.endswith("Changes approved by The subgroup on 1 December 2026.")
    variant = real.read_text().replace("Use the school account.", "Use the school's account.")
    real.write_text(variant)
    real.chmod(0o600)
    result = notify(project, "oak", DAY, "dsl@oak.example")
    assert result.email == folder / "notice-2026-12-01.eml"
    assert (folder / "variant.yaml").is_symlink()
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert "\nnotice_prepared:\n  date: 2026-12-01\n" in real.read_text()
    assert sorted(p.name for p in folder.iterdir()) == ["notice-2026-12-01.eml", "variant.yaml"]


def test_a_link_to_a_file_outside_the_project_is_not_written(project: Path,
                                                             tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(VARIANT)
    folder = project / "variants" / "oak"
    folder.mkdir(parents=True)
    (folder / "variant.yaml").symlink_to(outside)
    with pytest.raises(ContentError) as error:  # refused when read, before any writing
        approve(project, "oak", "The subgroup", DAY)
    assert str(error.value) == ("variants/oak/variant.yaml: error: this file is a link to a "
                                "place outside the project; everything policygen reads must "
                                "live inside the project folder (copy the file in)")
    assert outside.read_text() == VARIANT


def test_a_failed_write_leaves_the_file_and_says_so(project: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_variant(project, VARIANT)

    def full_disk(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OutputError) as error:
        approve(project, "oak", "The subgroup", DAY)
    assert str(error.value) == ("could not write variants/oak/variant.yaml (No space left on "
                                "device); nothing was written, the file is as it was")
    assert path.read_bytes() == VARIANT.encode()
    assert sorted(p.name for p in path.parent.iterdir()) == ["variant.yaml"]


def test_a_file_that_does_not_read_back_is_put_back(project: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from policygen.variants import signoff
    path = make_variant(project, VARIANT)
    real_replace = signoff._replace
    calls: list[bytes] = []

    def garbling(target: Path, data: bytes) -> None:
        calls.append(data)
        real_replace(target, data[:-10] if len(calls) == 1 else data)
    monkeypatch.setattr(signoff, "_replace", garbling)
    with pytest.raises(OutputError) as error:
        approve(project, "oak", "The subgroup", DAY)
    assert str(error.value) == ("variants/oak/variant.yaml did not read back as written; the "
                                "original was put back as it was")
    assert path.read_bytes() == VARIANT.encode() and calls[1] == VARIANT.encode()


def test_notify_refuses_a_json_style_file_before_writing_the_email(project: Path) -> None:
    text = '{"organisation": {"name": "Oak"}, "items": {"reword": {"email/work-account": "X."}}}'
    path = make_variant(project, text)
    code, out, err = cli("notify", "oak", "--from", "dsl@oak.example", "--date", "2026-12-01",
                         "--project", str(project))
    assert (code, out) == (2, "")
    assert err.startswith("error: variants/oak/variant.yaml: the variant file is written as a "
                          "JSON-style mapping")
    assert path.read_text() == text
    assert sorted(p.name for p in path.parent.iterdir()) == ["variant.yaml"]


# --- 9. the notice's From and To ------------------------------------------------------------

TRICKY_NAMES = [
    "Oak <attacker@evil.example>, Primary",
    "Smith, Jones and Co Academy",
    'The "Best" School',
    "Ysgol Gymraeg Aberystwyth — Ŵ",
    "O'Neill; Academy (North)",
    "Ecole \\ Sainte-Marie: Nord",
]


@pytest.mark.parametrize("name", TRICKY_NAMES)
def test_the_from_header_is_one_mailbox_with_the_organisations_name(project: Path,
                                                                    name: str) -> None:
    make_variant(project, VARIANT.replace("Oak School", json.dumps(name, ensure_ascii=False)))
    author = project / "content" / "publication.yaml"
    author.write_text(author.read_text().replace("name: E-safety subgroup",
                                                 f"name: {json.dumps(name)}"))
    result = notify(project, "oak", DAY, "dsl@oak.example")
    assert result.email is not None
    message = BytesParser(policy=email.policy.default).parsebytes(result.email.read_bytes())
    [sender] = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (name, "dsl@oak.example")
    [to] = message["To"].addresses
    assert (to.display_name, to.addr_spec) == (name, "author@example.org")
    # (the standard library folds a long Subject onto its own line, hence the strip)
    assert message["Subject"].strip() == (f"Notice of local changes: {name}'s adaptation of Test "
                                  "guidance")


@pytest.mark.parametrize("sender", ["dsl@oak.example, evil@example.org",
                                    "Oak <dsl@oak.example>", "dsl@oak.example\r\nBcc: x@y.z",
                                    "not an address", "@oak.example"])
def test_from_must_be_one_address(project: Path, sender: str) -> None:
    path = make_variant(project, VARIANT)
    code, out, err = cli("notify", "oak", "--from", sender, "--date", "2026-12-01",
                         "--project", str(project))
    assert (code, out) == (2, "")
    assert err.startswith("error: --from ")
    assert err.endswith("; nothing was written\n")
    assert path.read_text() == VARIANT
    assert sorted(p.name for p in path.parent.iterdir()) == ["variant.yaml"]


CONTROL = "names must be plain text (retype it, or paste it as plain text)"
NAME_FILES = [
    ("the organisation's name", "variants/oak/variant.yaml",
     lambda p: make_variant(p, VARIANT.replace("Oak School", '"Oak \\e[31mSchool"')),
     "variants/oak/variant.yaml:3:9: error: the organisation's name contains a control "
     f"character (U+001B); {CONTROL}"),
    ("the organisation's name, C1", "variants/oak/variant.yaml",
     lambda p: make_variant(p, VARIANT.replace("Oak School", '"Oak\\x85School"')),
     "variants/oak/variant.yaml:3:9: error: the organisation's name contains a control "
     f"character (U+0085); {CONTROL}"),
    ("the local lead's name", "variants/oak/variant.yaml",
     lambda p: make_variant(p, VARIANT + 'local_lead:\n  name: "Ms \\u202eA"\n'),
     "variants/oak/variant.yaml:8:9: error: the local lead's name contains a control "
     f"character (U+202E); {CONTROL}"),
    ("the local lead's email", "variants/oak/variant.yaml",
     lambda p: make_variant(p, VARIANT + "local_lead:\n  name: Ms A\n"
                            "  email: dsl@oak.example, evil@example.org\n"),
     "variants/oak/variant.yaml:9:10: error: the local lead's email should be one email "
     "address like dsl@example.org, found 'dsl@oak.example, evil@example.org'"),
    ("the author's name", "content/publication.yaml",
     lambda p: (p / "content/publication.yaml").write_text(
         (p / "content/publication.yaml").read_text().replace(
             "name: E-safety subgroup", 'name: "E-safety\\nsubgroup"')),
     "content/publication.yaml:7:9: error: the author's name contains a control character "
     f"(U+000A); {CONTROL}"),
    ("the author's email", "content/publication.yaml",
     lambda p: (p / "content/publication.yaml").write_text(
         (p / "content/publication.yaml").read_text().replace(
             "email: author@example.org", "email: Author <author@example.org>")),
     "content/publication.yaml:8:10: error: the author's email should be one email address "
     "like dsl@example.org, found 'Author <author@example.org>'"),
    ("the base's local lead", "content/reporting.yaml",
     lambda p: (p / "content/reporting.yaml").write_text(
         (p / "content/reporting.yaml").read_text().replace(
             "  role: Designated", '  name: "Lead\\x1b]0;x\\x07"\n  role: Designated')),
     "content/reporting.yaml:4:9: error: the local lead's name contains a control character "
     f"(U+001B); {CONTROL}"),
]


@pytest.mark.parametrize(("file", "setup", "message"), [(f, s, m) for _, f, s, m in NAME_FILES],
                         ids=[what for what, _, _, _ in NAME_FILES])
def test_check_refuses_control_characters_in_names_with_file_and_line(
        project: Path, file: str, setup: Callable[[Path], object], message: str) -> None:
    if not (project / "variants").exists():
        make_variant(project, VARIANT)
    setup(project)
    code, _, err = cli("check", "--project", str(project), "--today", "2026-11-25")
    assert code == 1
    assert message in err.splitlines(), err
    if file.startswith("variants/"):
        with pytest.raises(ContentError):
            notify(project, "oak", DAY, "dsl@oak.example")
        assert not list((project / "variants" / "oak").glob("notice-*"))
