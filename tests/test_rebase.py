"""`policygen rebase` (issue 10, point 3), through the CLI with an editor's answers: keep,
take and edit; nothing written until confirmed, the old file kept beside the new, comments and
layout kept, the fingerprints pinned again so that the drift is not reported twice."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from test_drift import NEW_WORK_ACCOUNT, TODAY, approved_copies, new_edition
from test_variant_chain import SCHOOL, school_file

from policygen.cli import main

OAK_FILE = Path("variants") / "oak" / "variant.yaml"
KEPT = "variant.yaml.before-rebase-2026-12-01"


@pytest.fixture
def project(september_project: Path) -> Path:
    return approved_copies(september_project)


def rebase(project: Path, name: str, answers: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["rebase", name, "--project", str(project), "--date",
                                       TODAY], input=answers)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    return result.exit_code, result.stdout, result.stderr


def changes(project: Path, name: str) -> tuple[str, str]:
    result = CliRunner().invoke(main, ["changes", name, "--project", str(project)])
    assert result.exit_code == 0, result.stderr
    return result.stdout, result.stderr


def test_keep_pins_the_new_words_and_the_drift_is_not_reported_again(project: Path) -> None:
    new_edition(project)
    before = (project / OAK_FILE).read_text()
    code, out, err = rebase(project, "oak", "keep\ny\n")
    assert code == 0, err
    assert "reworded     email/work-account" in out  # shown, with both texts
    assert "Your copy takes over 5 items as the new edition says them" in out
    assert ("Your changes are those the author was told about: no new notice is needed."
            in out)
    after = (project / OAK_FILE).read_text()
    assert after.startswith(before)  # the editor's text is as it was; a record is added
    record = yaml.safe_load(after)["rebased"]
    assert record["edition"].isoformat() == "2026-11-20"
    assert list(record["items"]) == ["email/work-account"]
    assert (project / "variants" / "oak" / KEPT).read_text() == before
    report, warnings = changes(project, "oak")
    assert "The base guidance changed since" not in report
    assert "warning" not in warnings


def test_take_removes_the_change_and_keeps_the_rest_of_the_file(project: Path) -> None:
    new_edition(project)
    code, out, err = rebase(project, SCHOOL, "take\ny\n")
    assert code == 0, err
    text = school_file(project).read_text()
    assert "images/consent-checked" not in text.split("\napproved:")[0]
    # The comment above the entry taken out goes with it; every other comment stays.
    assert "# The partnership's item: this change goes to the partnership." not in text
    assert "    # The council's own wording of this item: this change goes to the council." \
        in text
    assert text.startswith("# Brookside Primary School's copy of Northshire County Council's")
    report, _ = changes(project, SCHOOL)
    assert "images/consent-checked" not in report.split("Whom to tell")[0]
    assert "The base guidance changed since" not in report


def test_edit_gives_new_words_and_says_the_author_must_be_told(project: Path) -> None:
    new_edition(project)
    code, out, err = rebase(project, "oak",
                            "edit\nUse the school email account for all school messages.\ny\n")
    assert code == 0, err
    assert "run policygen notify oak" in out
    data = yaml.safe_load((project / OAK_FILE).read_text())
    assert data["items"]["reword"]["email/work-account"]["text"] == (
        "Use the school email account for all school messages.")
    report, _ = changes(project, "oak")
    assert "Use the school email account for all school messages." in report
    assert "Changed since approval" in report


def test_nothing_is_written_until_confirmed(project: Path) -> None:
    new_edition(project)
    before = (project / OAK_FILE).read_bytes()
    code, out, err = rebase(project, "oak", "take\nn\n")
    assert code == 0, err
    assert "Nothing was written." in out
    assert "-      text: Use the school email account" in out  # the change it would make
    assert (project / OAK_FILE).read_bytes() == before
    assert sorted(p.name for p in (project / "variants" / "oak").iterdir()) == ["variant.yaml"]


def test_nothing_to_rebase_is_said_plainly(project: Path) -> None:
    before = (project / OAK_FILE).read_bytes()
    code, _, err = rebase(project, "oak", "")
    assert code != 0
    assert ("nothing in the base guidance has changed under 'oak' since the edition of 14 "
            "September 2026: there is nothing to rebase") in err
    assert NEW_WORK_ACCOUNT not in (project / OAK_FILE).read_text()
    assert (project / OAK_FILE).read_bytes() == before
    assert sorted(p.name for p in (project / "variants" / "oak").iterdir()) == ["variant.yaml"]


LAYOUT = """\
# Oak's copy.
items:
  reword:
    # Agreed with the head.
    email/work-account: Use the school account.  # May 2026
    email/written-record:
      text: >-
        Write as if a court
        will read it.
      poster: Write it for a court.
  move:
    - id: email/right-recipient
      to: email/safe
# The end.
"""


def test_a_reword_taken_out_takes_its_comment_and_nothing_else() -> None:
    from policygen.variants.rewrite import without_change
    assert without_change(LAYOUT, "reword", "email/work-account") == LAYOUT.replace(
        "    # Agreed with the head.\n    email/work-account: Use the school account.  # May "
        "2026\n", "")
    assert without_change(LAYOUT, "move", "email/right-recipient") == LAYOUT.replace(
        "  move:\n    - id: email/right-recipient\n      to: email/safe\n", "")


def test_new_words_replace_only_the_words() -> None:
    from policygen.variants.rewrite import with_new_words
    plain = with_new_words(LAYOUT, "email/work-account", "Use the trust's account.")
    assert plain == LAYOUT.replace("Use the school account.", '"Use the trust\'s account."')
    block = with_new_words(LAYOUT, "email/written-record", 'Write it "for the record".')
    assert block == LAYOUT.replace(">-\n        Write as if a court\n        will read it.\n",
                                   '"Write it \\"for the record\\"."\n')
    assert yaml.safe_load(block)["items"]["reword"]["email/written-record"] == {
        "text": 'Write it "for the record".', "poster": "Write it for a court."}


def test_a_change_to_an_item_the_base_removed_is_drift_not_an_error(project: Path) -> None:
    oak = project / OAK_FILE
    oak.write_text(oak.read_text().replace(
        "items:\n  reword:\n", "items:\n  reword:\n    email/auto-forwarding: You never "
        "auto-forward school email.\n"))
    approved = CliRunner().invoke(main, ["approve", "oak", "--project", str(project), "--by",
                                         "The subgroup", "--date", "2026-10-02"])
    assert approved.exit_code == 0, approved.stderr
    new_edition(project)
    result = CliRunner().invoke(main, ["check", "--project", str(project), "--today", TODAY])
    assert result.exit_code == 0, result.stderr
    assert ("variants/oak/variant.yaml:5:5: warning: the base guidance has removed "
            "'email/auto-forwarding' since the edition of 14 September 2026 that your change "
            "to it was made against, so the change is left out") in result.stderr
    report, _ = changes(project, "oak")
    assert "removed      email/auto-forwarding" in report.split("Items you changed")[1].split(
        "Taken over")[0]
    # Keeping it is allowed (it stays left out, and said so); taking it out removes it.
    code, out, err = rebase(project, "oak", "keep\nkeep\nn\n")
    assert code == 0, err
    assert "Nothing was written." in out
    # rebase: take it out (the first item asked is the removed one, then work-account)
    code, out, err = rebase(project, "oak", "take\nkeep\ny\n")
    assert code == 0, err
    assert "email/auto-forwarding" not in oak.read_text().split("\napproved:")[0]
    assert "email/work-account" in oak.read_text()


def test_the_last_reword_taken_out_leaves_the_next_group_whole() -> None:
    """A reword written as a block of fields, last in its group, ends where the next group
    starts: the next group's line stays."""
    from policygen.variants.rewrite import without_change
    text = ("items:\n  reword:\n    email/work-account:\n      text: Use the school account.\n"
            "      poster: School account.\n  add:\n    - id: laptops\n      after: "
            "email/work-account\n      text: Use the class laptops.\n")
    assert without_change(text, "reword", "email/work-account") == (
        "items:\n  add:\n    - id: laptops\n      after: email/work-account\n      text: Use "
        "the class laptops.\n")
