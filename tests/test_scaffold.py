"""`policygen fork` (issue 11, points 4 and 5): every instruction in the new variant.yaml works
when it is followed to the letter, option by option and all at once."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from policygen.cli import main

NAME = "oakfield"
# A clean logo, for the one option that needs a file beside variant.yaml.
LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
        '<rect width="10" height="10" fill="#1d5e3b"/></svg>')


def run(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [args[0], "--project", str(project), *args[1:]])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def fork(project: Path) -> Path:
    code, _, err = run(project, "fork", NAME, "--organisation", "Oakfield Primary")
    assert code == 0, err
    return project / "variants" / NAME / "variant.yaml"


def option_blocks(text: str) -> list[list[int]]:
    """The line numbers of each commented-out option, as the file's notes describe them."""
    blocks: list[list[int]] = []
    for number, line in enumerate(text.splitlines()):
        if re.match(r"\s*#[a-z_]", line):  # an option starts: '#key:' or '  #key:'
            blocks.append([number])
        elif re.match(r"#  +\S", line) and blocks and blocks[-1][-1] == number - 1:
            blocks[-1].append(number)  # its nested lines: '#  name: …'
    return blocks


def uncomment(text: str, lines: list[int]) -> str:
    """Delete the # at the start of each line, only the #, as the file says to."""
    all_lines = text.splitlines(keepends=True)
    for number in lines:
        all_lines[number] = all_lines[number].replace("#", "", 1)
    return "".join(all_lines)


def test_the_scaffold_names_its_options(default_project: Path) -> None:
    lines = fork(default_project).read_text().splitlines()
    blocks = option_blocks("\n".join(lines))
    assert [re.match(r"\s*#([a-z_]+)", lines[block[0]]).group(1)  # type: ignore[union-attr]
            for block in blocks] == [
        "logo", "accent_colour", "url", "local_lead", "contacts", "terminology", "topics",
        "items", "sections", "dates", "revisions"]
    assert [len(block) for block in blocks] == [1, 1, 1, 5, 6, 3, 4, 12, 7, 3, 4]


@pytest.mark.parametrize("option", range(11))
def test_each_option_uncommented_as_told_checks_clean(default_project: Path,
                                                     option: int) -> None:
    variant = fork(default_project)
    (variant.parent / "logo.svg").write_text(LOGO)
    text = variant.read_text()
    variant.write_text(uncomment(text, option_blocks(text)[option]))
    code, out, err = run(default_project, "check", "--today", "2026-12-01")
    assert code == 0, err + variant.read_text()
    assert "error" not in err


def test_every_option_at_once_checks_clean_and_builds(default_project: Path,
                                                      tmp_path: Path) -> None:
    variant = fork(default_project)
    (variant.parent / "logo.svg").write_text(LOGO)
    text = variant.read_text()
    variant.write_text(uncomment(text, [n for block in option_blocks(text) for n in block]))
    code, _, err = run(default_project, "check", "--today", "2026-12-01")
    assert code == 0, err
    code, out, err = run(default_project, "build", "--variant", NAME, "--format", "site",
                         "--today", "2026-12-01", "--out", str(tmp_path / "site"))
    assert code == 0, err
    page = (tmp_path / "site" / "reporting.html").read_text()
    assert "Ms A. Example" in page and "Out-of-hours duty manager" in page


def header_commands(text: str) -> list[list[str]]:
    return [shlex.split(match.group(1)) for match in
            re.finditer(r"^#   (\S*policygen [^(]+?)\s+\(", text, re.MULTILINE)]


def test_the_commands_it_gives_run_as_written(default_project: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    text = fork(default_project).read_text()
    commands = header_commands(text)
    assert [c[:2] for c in commands] == [["policygen", "check"], ["policygen", "changes"],
                                         ["policygen", "build"]]
    monkeypatch.chdir(default_project)  # "in the project folder", as the file says
    for command in commands:
        result = CliRunner().invoke(main, command[1:])
        assert result.exit_code == 0, (command, result.stderr)
    assert (default_project / f"build-{NAME}" / "index.html").is_file()
    assert not (default_project / "build").exists()  # the base's site is not replaced


def test_in_a_project_with_its_own_launcher_the_commands_use_it(default_project: Path) -> None:
    (default_project / "policygen").write_text("#!/bin/sh\n")
    code, out, _ = run(default_project, "fork", NAME)
    assert code == 0
    assert out.endswith(". Edit it, then run: ./policygen check\n")
    text = (default_project / "variants" / NAME / "variant.yaml").read_text()
    assert [c[0] for c in header_commands(text)] == ["./policygen"] * 3
    assert "`./policygen notify oakfield` writes the notice" in text
    assert "`./policygen notify oakfield --sent` records" in text
