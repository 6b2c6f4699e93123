"""Drift (issue 10, point 2), end to end through the CLI: local copies approved against the
edition of 14 September 2026, then a new edition of the base that rewords, removes, adds and
moves items; each copy is told, once for each item, what the base changed under it, with
the old and new texts side by side and a word diff."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from test_variant_chain import COUNCIL, SCHOOL, edit, with_chain
from test_variant_e2e import run

TODAY = "2026-12-01"
OAK = """\
organisation:
  name: Oak School
items:
  reword:
    email/work-account:
      text: Use the school email account for every message about pupils or school work.
"""
OLD_WORK_ACCOUNT = ("Use the work email account your organisation sets up for you for every "
                    "message that has anything to do with your work.")
NEW_WORK_ACCOUNT = ("Use the work email account your organisation sets up for you for every "
                    "message about your work, including messages sent from a phone.")


@pytest.fixture
def project(september_project: Path) -> Path:
    return approved_copies(september_project)


def approved_copies(default_project: Path) -> Path:
    """The default content, the example chain, and Oak School's copy, each approved against
    the edition of 14 September 2026, which the board recorded."""
    with_chain(default_project)
    (default_project / "variants" / "oak").mkdir()
    (default_project / "variants" / "oak" / "variant.yaml").write_text(OAK)
    assert (default_project / "content" / "editions" / "2026-09-14.yaml").is_file()
    for args in (("oak",), (COUNCIL,), (SCHOOL, "--author", "base"),
                 (SCHOOL, "--author", COUNCIL)):
        code, _, err = run(default_project, "approve", *args, "--by", "The subgroup",
                           "--date", "2026-10-01")
        assert code == 0, err
    return default_project


def new_edition(project: Path) -> None:
    """The board's edition of 20 November 2026: one item of each kind of change."""
    content = project / "content"
    edit(content / "publication.yaml", "  last_updated: 2026-09-14",
         "  last_updated: 2026-11-20")
    edit(content / "publication.yaml", "revisions:\n", "revisions:\n  - date: 2026-11-20\n"
         "    version: \"3.1\"\n    summary: Email guidance brought up to date.\n")
    email = content / "topics" / "email.yaml"
    edit(email, OLD_WORK_ACCOUNT, NEW_WORK_ACCOUNT)  # reworded: Oak rewords it too
    edit(email, "Keep it clear, polite and to the point.",
         "Keep it clear, polite, factual and to the point.")  # reworded, taken over
    edit(email, "      auto-forwarding:\n        text: You set your work email to forward "
         "automatically to a personal account so you can read it at home.\n        poster: You "
         "auto-forward your work email to a personal account to read it at home.\n", "")
    edit(email, "      professional-signature:\n        text: Use your organisation's standard "
         "signature and a display name that makes your role clear.\n        poster: Use your "
         "organisation's signature and a name that shows your role.\n", "")  # moved, below
    edit(email, "  safe:\n    items:\n", "  safe:\n    items:\n      professional-signature:\n"
         "        text: Use your organisation's standard signature and a display name that "
         "makes your role clear.\n        poster: Use your organisation's signature and a name "
         "that shows your role.\n")
    edit(email, "      right-recipient:\n", "      no-reply-all:\n        text: Don't reply to "
         "all unless everyone on the list needs your answer.\n      right-recipient:\n")
    edit(content / "topics" / "images.yaml", "Check before the session that consent",
         "Check ahead of the session that consent")  # the school rewords it too


def drift_section(out: str) -> str:
    start = out.index("The base guidance changed since the edition of 1")
    return out[start:]


def test_a_copy_is_told_each_item_the_new_edition_changed_once(project: Path) -> None:
    new_edition(project)
    code, out, err = run(project, "changes", "oak")
    assert code == 0, err
    drift = drift_section(out)
    assert drift.splitlines()[0] == ("The base guidance changed since the edition of 14 "
                                     "September 2026 that your changes were made against:")
    own = drift[drift.index("Items you changed (1):"):drift.index("Taken over")]
    flat = " ".join(own.split())
    assert flat.startswith("Items you changed (1): reworded email/work-account then: "
                           + OLD_WORK_ACCOUNT + " now: " + NEW_WORK_ACCOUNT
                           + " yours: Use the school email account")
    assert ("words: Use the work email account your organisation sets up for you for every "
            "message [-that has anything to do with-] {+about+} your work{+, including "
            "messages sent from a phone+}.") in flat
    taken = " ".join(drift[drift.index("Taken over"):].split())
    assert taken.startswith("Taken over from the new edition (your staff now read these) (")
    entries = re.findall(r"^    (reworded|removed|moved|added) +([a-z0-9/_-]+)", drift, re.MULTILINE)
    ids = [ident for _, ident in entries]
    assert len(ids) == len(set(ids)), "an item is reported more than once"
    kinds = dict((ident, kind) for kind, ident in entries)
    assert {ident: kinds[ident] for ident in (
        "email/work-account", "email/written-record", "email/auto-forwarding",
        "email/no-reply-all", "email/professional-signature")} == {
        "email/work-account": "reworded", "email/written-record": "reworded",
        "email/auto-forwarding": "removed", "email/no-reply-all": "added",
        "email/professional-signature": "moved"}
    assert ("moved email/professional-signature: from email/best, after email/right-recipient "
            "to email/safe, first") in " ".join(drift.split())
    assert "added email/no-reply-all at email/best, after email/written-record" in \
        " ".join(drift.split())
    assert "Keep it clear, polite{+, factual+} and to the point." in taken  # a word diff


def test_drift_is_a_warning_at_the_changes_line_and_strict_fails(project: Path) -> None:
    new_edition(project)
    code, _, err = run(project, "check", "--today", TODAY)
    assert code == 0, err
    assert ("variants/oak/variant.yaml:5:5: warning: the base guidance has reworded "
            "'email/work-account' since the edition of 14 September 2026 that your change to "
            "it was made against") in err
    assert re.search(r"variants/oak/variant\.yaml: warning: the base guidance changed \d+ items "
                     r"you did not change since the edition of 14 September 2026 \(", err)
    code, _, err = run(project, "check", "--strict", "--today", TODAY)
    assert code != 0


def test_in_a_chain_each_link_is_told_about_its_own_items(project: Path) -> None:
    new_edition(project)
    code, out, err = run(project, "changes", SCHOOL)
    assert code == 0, err
    drift = drift_section(out)
    flat = " ".join(drift.split())
    # The school rewords the partnership's item, which the new edition rewords: both texts.
    assert "reworded images/consent-checked then: Check" in flat
    assert "{+ahead of+}" in flat
    # The council rewords professional-signature; the board moving it is the council's to hear.
    assert "email/professional-signature" not in drift
    assert "reworded email/written-record" in flat  # nobody up the chain changed this one
    code, out, err = run(project, "changes", COUNCIL)
    assert code == 0, err
    assert ("moved email/professional-signature: from email/best, after "
            "email/right-recipient to email/safe, first") in " ".join(drift_section(out).split())


def test_no_drift_before_the_base_moves_on_and_records_pin_what_was_approved(
        project: Path) -> None:
    code, out, err = run(project, "changes", "oak")
    assert code == 0, err
    assert "The base guidance changed since" not in out
    assert "warning" not in err
    record = yaml.safe_load((project / "variants" / "oak" / "variant.yaml").read_text())
    assert list(record["approved"]["items"]) == ["email/work-account"]


def test_edition_records_once_and_never_over_another(project: Path) -> None:
    record = project / "content" / "editions" / "2026-09-14.yaml"
    before = record.read_bytes()
    code, out, err = run(project, "edition")
    assert (code, err) == (0, "")
    assert "already records this edition; kept the files of oak with it, as they are now." \
        in out  # the copy the board's record did not have yet
    code, out, err = run(project, "edition")
    assert "already records this edition; nothing was written" in out
    edit(project / "content" / "topics" / "email.yaml", OLD_WORK_ACCOUNT, NEW_WORK_ACCOUNT)
    code, out, err = run(project, "edition")
    assert code != 0
    assert ("content/editions/2026-09-14.yaml already records the edition of 14 September "
            "2026, and the guidance now says something else") in err
    assert record.read_bytes() == before
    edit(project / "content" / "topics" / "email.yaml", NEW_WORK_ACCOUNT, OLD_WORK_ACCOUNT)
    new_edition(project)
    code, out, err = run(project, "edition")
    assert code == 0, err
    written = project / "content" / "editions" / "2026-11-20.yaml"
    data = yaml.safe_load(written.read_text())
    assert data["edition"].isoformat() == "2026-11-20"
    items = {item["id"]: item for item in data["items"]}
    assert items["email/work-account"]["text"] == NEW_WORK_ACCOUNT
    assert items["email/professional-signature"]["list"] == "email/safe"
    assert "email/auto-forwarding" not in items


@pytest.mark.parametrize(("before", "after", "diff"), [
    ("Keep it clear.", "Keep it clear.", "Keep it clear."),
    ("Keep it clear.", "Always keep it clear.", "[-Keep-] {+Always keep+} it clear."),
    ("Keep it clear and short.", "Keep it clear.", "Keep it clear [-and short-]."),
    ("Don't reply.", "Don't reply to all.", "Don't reply {+to all+}."),
    ("", "New text.", "{+New text.+}"),
])
def test_the_word_diff_marks_words_not_letters(before: str, after: str, diff: str) -> None:
    from policygen.variants.drift import word_diff
    assert word_diff(before, after) == diff


def test_a_record_edited_into_a_wrong_shape_is_named_at_its_line(project: Path) -> None:
    record = project / "content" / "editions" / "2026-09-14.yaml"
    text = record.read_text()
    record.write_text(text.replace("  list: email/best\n", "  lists: email/best\n", 1))
    line = record.read_text().splitlines().index("  lists: email/best") + 1
    new_edition(project)
    code, _, err = run(project, "changes", "oak")
    assert code != 0
    assert f"content/editions/2026-09-14.yaml:{line}:3: error: unknown field 'lists'" in err


def test_the_boards_overview_says_what_each_copy_was_signed_off_for_and_what_drifted(
        project: Path) -> None:
    from site_helpers import parse
    new_edition(project)
    (project / "variants" / "riverside-house").mkdir(exist_ok=True)
    (project / "variants" / "riverside-house" / "variant.yaml").write_text(
        "organisation:\n  name: Riverside House\n")
    code, _, err = run(project, "build", "--all", "--format", "site", "--today", TODAY)
    assert code == 0, err
    page = parse(project / "build" / "variants" / "index.html")
    assert "This is the edition of 20 November 2026." in page.get_text(" ")
    rows = {row.th.get_text(strip=True): (
        " ".join(row.select_one("td.signed").get_text().split()),
        " ".join(row.select_one("td.drift").get_text().split()))
        for row in page.select("tbody tr")}
    earlier = "Edition of 14 September 2026 (an earlier edition)"
    assert rows["Oak School"] == (earlier, "1 of its own changes; 5 items taken over")
    assert rows["Brookside Primary School"][0] == earlier
    assert rows["Brookside Primary School"][1].startswith("1 of its own changes; ")
    assert rows["Riverside House"] == ("Nothing signed off yet", "–")
    # The base edition the copies are compared with is recorded once approved again.
    code, _, err = run(project, "approve", "oak", "--by", "The subgroup", "--date", TODAY)
    assert code == 0, err
    code, _, err = run(project, "build", "--all", "--format", "site", "--today", TODAY)
    assert code == 0, err
    page = parse(project / "build" / "variants" / "index.html")
    oak = next(row for row in page.select("tbody tr") if row.th.get_text(strip=True) ==
               "Oak School")
    assert " ".join(oak.select_one("td.signed").get_text(" ").split()) == \
        "Edition of 20 November 2026"
