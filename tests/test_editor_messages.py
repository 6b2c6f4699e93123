"""Small things an editor meets (issue 11, point 8): dates in plain words, suggestions that are
really close, one message for one mistake, and help that is not cut off."""

from __future__ import annotations

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
    assert len(commands) == 8
    assert not any(line.rstrip().endswith("...") for line in commands)
    assert "  approve  Record that the variant NAME's changes were approved." in commands
