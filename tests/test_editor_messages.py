"""Small things an editor meets (issue 11, point 8): dates in plain words, suggestions that are
really close, one message for one mistake, and help that is not cut off."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ProjectMaker

from policygen.cli import main
from policygen.errors import suggest

TERMS = ["aup", "rup", "grooming", "hacking", "sexting", "sextortion", "tagging", "do", "do_not"]


@pytest.mark.parametrize("typed, hint", [
    ("taging", " (did you mean 'tagging'?)"),
    ("sextng", " (did you mean 'sexting'?)"),
    ("groming", " (did you mean 'grooming'?)"),
    ("rup", " (did you mean 'rup' or 'aup'?)"),
    ("dont", " (did you mean 'do_not' or 'do'?)"),
    ("DO-NOT", " (did you mean 'do_not'?)"),
    ("stalking", ""),  # shares letters with tagging, sexting and hacking: no help at all
    ("gaming", ""),
    ("nudes", ""),
])
def test_suggestions_are_only_words_that_are_close(typed: str, hint: str) -> None:
    assert suggest(typed, TERMS) == hint


def test_a_repeated_item_id_in_one_list_is_said_once(make_project: ProjectMaker) -> None:
    project = make_project()
    topic = project / "content" / "topics" / "email.yaml"
    topic.write_text(topic.read_text().replace(
        "      work-account: Use the account your organisation gives you; read the AUP.\n",
        "      work-account: Use the account your organisation gives you; read the AUP.\n"
        "      work-account: Again.\n"))
    result = CliRunner().invoke(main, ["check", "--project", str(project)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert errors == ["content/topics/email.yaml:9:7: error: duplicate key 'work-account' (first "
                      "used on line 8); each key may appear only once"]


def test_help_lists_every_command_without_cutting_it_off() -> None:
    result = CliRunner().invoke(main, ["--help"], terminal_width=80)
    commands = result.stdout.split("Commands:\n", 1)[1].splitlines()
    assert len(commands) == 12
    assert not any(line.rstrip().endswith("...") for line in commands)
    assert "  approve    Record that the variant NAME's changes were approved." in commands
    assert "  translate  Send texts to a translator, and bring the translations back." \
        in commands


LONG_TOPIC = ("title: Email\nsummary: Use your work account.\npractice:\n  best:\n    items:\n"
              + "".join(f"      item-{n}: You write a very long rule number {n} that goes on "
                        "and on about everything a person might ever do with a phone at "
                        "work.\n" for n in range(40))
              + "  safe:\n    items:\n      manager-knows: Your manager knows.\n"
              "  poor:\n    items:\n      personal: You use your personal account.\n"
              "in_place:\n  aup-explicit: The AUP says which accounts may be used.\n")


def test_check_says_print_was_not_checked_and_check_print_finds_what_build_refuses(
        make_project: ProjectMaker, tmp_path: Path) -> None:
    project = make_project({"content/topics/email.yaml": LONG_TOPIC})
    plain = CliRunner().invoke(main, ["check", "--project", str(project), "--today",
                                      "2026-02-01"])
    assert plain.exit_code == 0
    assert plain.stdout.endswith("; print not checked (add --print to lay out every poster "
                                 "and handbook too)\n")
    printed = CliRunner().invoke(main, ["check", "--print", "--project", str(project),
                                        "--today", "2026-02-01"])
    assert printed.exit_code == 1
    assert printed.stderr.startswith("content/topics/email.yaml: error: the poster 'Email' "
                                     "(posters/email.pdf) does not fit on one page")
    built = CliRunner().invoke(main, ["build", "--project", str(project), "--today",
                                      "2026-02-01", "--out", str(tmp_path / "out")])
    def errors(text: str) -> list[str]:
        return [line for line in text.splitlines() if ": error: " in line]
    assert built.exit_code == 1 and errors(built.stderr) == errors(printed.stderr)
    assert not (project / "build").exists() and not list(tmp_path.glob("policygen-check-*"))


def test_check_print_passes_what_build_makes(make_project: ProjectMaker) -> None:
    project = make_project()
    result = CliRunner().invoke(main, ["check", "--print", "--project", str(project),
                                       "--today", "2026-02-01"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith("; print checked: 5 PDFs laid out, every poster on one page\n")
    assert sorted(p.name for p in project.iterdir()) == ["content", "templates"]


def test_a_warning_from_reading_a_variant_is_said_once(make_project: ProjectMaker) -> None:
    project = make_project({"variants/pale/variant.yaml": "organisation:\n  name: Pale School\n"
                            "  accent_colour: \"#eeeeee\"\n"})
    result = CliRunner().invoke(main, ["check", "--project", str(project), "--today",
                                       "2026-02-01"])
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert warnings == ["variants/pale/variant.yaml:3:18: warning: the accent colour #eeeeee has "
                        "a contrast of 1.2:1 with white; text in it needs at least 4.5:1 (WCAG "
                        "AA), so choose a darker colour"]
