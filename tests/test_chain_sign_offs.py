"""Notices and approvals in a chain (issue 10, point 1), end to end through the CLI: a school
(variants/brookside-primary) adapts a council's copy (variants/northshire-council) of the
partnership's guidance; each change goes to whoever wrote the text it changes, so each author
gets a notice of their own changes and approves them, and the school's pages say where each
part stands."""

from __future__ import annotations

import email
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
import yaml
from test_variant_chain import COUNCIL, SCHOOL, edit, school_file, with_chain
from test_variant_e2e import banner, run

BOARD_EMAIL = "esafety@example.org"
COUNCIL_EMAIL = "education.safeguarding@northshire-council.example.org"
SCHOOL_DIR = Path("variants") / SCHOOL


@pytest.fixture
def project(september_project: Path) -> Path:
    """The chain over the partnership's edition of 14 September 2026 (as kept on record)."""
    return with_chain(september_project)


def draft(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=default)
    assert isinstance(message, EmailMessage)
    return message


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return " ".join(part.get_content().split())


def records(project: Path, key: str) -> dict[str, dict[str, object]]:
    data = yaml.safe_load(school_file(project).read_text())
    return data.get(key) or {}


def test_notify_writes_one_draft_for_each_author_with_only_their_changes(project: Path) -> None:
    code, out, err = run(project, "notify", SCHOOL, "--date", "2026-11-20")
    assert code == 0, err
    board = project / SCHOOL_DIR / "notice-2026-11-20-base.eml"
    council = project / SCHOOL_DIR / f"notice-2026-11-20-{COUNCIL}.eml"
    assert f"{board}: to Northshire Safeguarding Children Partnership e-safety subgroup " \
           f"<{BOARD_EMAIL}>, 2 changes" in out
    assert f"notify {SCHOOL} --sent --date YYYY-MM-DD --author {COUNCIL}" in out
    to_board, to_council = draft(board), draft(council)
    assert to_board["To"].addresses[0].addr_spec == BOARD_EMAIL
    assert to_council["To"].addresses[0].addr_spec == COUNCIL_EMAIL
    assert "images/consent-checked" in body(to_board)
    assert "email/professional-signature" not in body(to_board)
    assert "email/professional-signature" in body(to_council)
    assert "images/consent-checked" not in body(to_council)
    assert body(to_council).startswith("Dear Northshire County Council,")
    assert "its changes to other authors' text are sent to them" in body(to_council)
    prepared = records(project, "notice_prepared")
    assert set(prepared) == {"base", COUNCIL}
    assert prepared["base"]["fingerprint"] != prepared[COUNCIL]["fingerprint"]
    # Both drafts describe what the school's pages then say.
    code, _, err = run(project, "build", "--variant", SCHOOL, "--format", "site",
                       "--today", "2026-12-01")
    assert code == 0, err
    assert "Notice prepared" in banner(project / "build")


def test_sent_asks_whose_notice_when_two_were_prepared(project: Path) -> None:
    assert run(project, "notify", SCHOOL, "--date", "2026-11-20")[0] == 0
    before = school_file(project).read_bytes()
    code, _, err = run(project, "notify", SCHOOL, "--sent", "--date", "2026-11-21")
    assert code != 0
    assert "notices were prepared for 2 authors" in err
    assert f"--author base or --author {COUNCIL}" in err
    assert "nothing was recorded" in err
    code, _, err = run(project, "notify", SCHOOL, "--sent", "--author", "the-board")
    assert code != 0
    assert (f"--author the-board: this variant's changes go to 'base' (Northshire Safeguarding "
            f"Children Partnership e-safety subgroup) or '{COUNCIL}' (Northshire County "
            "Council)") in err
    assert school_file(project).read_bytes() == before


def test_each_author_is_recorded_and_the_pages_say_where_each_part_stands(
        project: Path) -> None:
    assert run(project, "notify", SCHOOL, "--date", "2026-11-20")[0] == 0
    code, out, err = run(project, "notify", SCHOOL, "--sent", "--date", "2026-11-21",
                         "--author", COUNCIL)
    assert code == 0, err
    assert f"sent to {COUNCIL_EMAIL} on 21 November 2026" in out
    assert f"approve {SCHOOL} --author {COUNCIL}" in out
    assert set(records(project, "notified")) == {COUNCIL}
    code, out, err = run(project, "approve", SCHOOL, "--by", "Ms Adviser", "--date",
                         "2026-11-25")
    assert code != 0
    assert "each approves its own part" in err
    code, out, err = run(project, "approve", SCHOOL, "--author", COUNCIL, "--by",
                         "Ms Natarajan", "--date", "2026-11-25")
    assert code == 0, err
    # The whole variant waits for its least advanced part: the board's notice is unsent.
    assert ("Changes to Northshire Safeguarding Children Partnership e-safety subgroup's "
            "text: A notice of these changes was prepared on 20 November 2026 but has not yet "
            "been confirmed as sent to the author. Changes to Northshire County Council's "
            "text: Changes approved by Ms Natarajan on 25 November 2026.") in out
    assert run(project, "notify", SCHOOL, "--sent", "--date", "2026-11-22",
               "--author", "base")[0] == 0
    code, out, err = run(project, "approve", SCHOOL, "--author", "base", "--by",
                         "The e-safety subgroup", "--date", "2026-11-28")
    assert code == 0, err
    code, _, err = run(project, "build", "--variant", SCHOOL, "--format", "site",
                       "--today", "2026-12-01")
    assert code == 0, err
    text = banner(project / "build")
    assert text.startswith("Local changes: Approved")
    assert "Changes approved by The e-safety subgroup on 28 November 2026." in text
    assert "Changes approved by Ms Natarajan on 25 November 2026." in text
    assert set(records(project, "approved")) == {"base", COUNCIL}


def test_a_change_to_one_authors_text_reopens_only_that_part(project: Path) -> None:
    for author, by in (("base", "The e-safety subgroup"), (COUNCIL, "Ms Natarajan")):
        code, _, err = run(project, "approve", SCHOOL, "--author", author, "--by", by,
                           "--date", "2026-11-25")
        assert code == 0, err
    edit(school_file(project), "with the school's name under it, so that",
         "with the school's name and address under it, so that")
    code, out, err = run(project, "check", "--today", "2026-12-01")
    assert code == 0, err
    assert ("the changes were approved on 25 November 2026" in err
            and "to tell Northshire County Council" in err)
    assert "to tell Northshire Safeguarding" not in err
    code, out, err = run(project, "notify", SCHOOL, "--date", "2026-12-01")
    assert code == 0, err
    drafts = sorted(p.name for p in (project / SCHOOL_DIR).glob("notice-*.eml"))
    assert drafts == [f"notice-2026-12-01-{COUNCIL}.eml"]  # the board's part stays approved


def test_the_records_keep_the_files_comments_and_read_back(project: Path) -> None:
    assert run(project, "approve", SCHOOL, "--author", COUNCIL, "--by", "Ms Natarajan",
               "--date", "2026-11-25")[0] == 0
    assert run(project, "approve", SCHOOL, "--author", "base", "--by", "The subgroup",
               "--date", "2026-11-26")[0] == 0
    text = school_file(project).read_text()
    assert text.startswith("# Brookside Primary School's copy of Northshire County Council's")
    assert "# The council's own wording of this item: this change goes to the council." in text
    block = text[text.index("approved:"):]
    assert block.splitlines()[:3] == ["approved:", f"  {COUNCIL}:", "    by: \"Ms Natarajan\""]
    assert "  base:\n    by: \"The subgroup\"\n    date: 2026-11-26\n" in block


def test_author_is_refused_for_a_variant_of_the_base_guidance(project: Path) -> None:
    code, _, err = run(project, "approve", COUNCIL, "--author", "base", "--by", "X")
    assert code != 0
    assert f"'{COUNCIL}' adapts the base guidance itself, so its changes go to one author: " \
           "leave out --author" in err
    code, _, err = run(project, "notify", COUNCIL, "--author", "base")
    assert code != 0 and "--author goes with --sent" in err


def test_a_record_for_nobody_is_a_warning_at_its_line(project: Path) -> None:
    # Written when the school still adapted the partnership's guidance itself.
    with school_file(project).open("a") as file:
        file.write("approved:\n  by: The subgroup\n  date: 2026-10-01\n"
                   "  fingerprint: \"0123456789abcdef\"\n")
    line = len(school_file(project).read_text().splitlines()) - 2
    code, _, err = run(project, "check", "--today", "2026-12-01")
    assert code == 0, err
    assert (f"variants/{SCHOOL}/variant.yaml:{line}:3: warning: this variant extends another, "
            f"so each author's notices and approvals are kept under their own name (base, "
            f"{COUNCIL}), and this one record is for none of them: it counts for nothing") \
        in err


def test_authors_where_the_others_are_are_said_in_one_sentence(project: Path) -> None:
    code, _, err = run(project, "build", "--variant", SCHOOL, "--format", "site",
                       "--today", "2026-12-01")
    assert code == 0, err
    text = banner(project / "build")
    assert text.endswith("(edition 14 September 2026). Changes not yet notified to the author. "
                         "What was changed")
    assert "Changes to" not in text
