"""Where a variant stands with the author: fingerprint, states, banner text, change report,
review dates; and the two example variants against the real content."""

from __future__ import annotations

import random
import textwrap
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from conftest import MINIMAL, REPO
from test_variant import FILE, adapt, base, variant

from policygen.errors import Location
from policygen.model import CHANGE_KINDS, Change, Publication
from policygen.source.content import load_content
from policygen.variants.changes import AdaptedPublication, apply_variant
from policygen.variants.itemlists import item_lists
from policygen.variants.ledger import format_change_report, variant_next_review
from policygen.variants.standing import AdaptationStatus, fingerprint
from policygen.variants.terminology import map_prose
from policygen.variants.variant import load_variant

PUB = "content/publication.yaml"
FREE = ("changes: [terminology]", "changes: [terminology, branding, contacts]")
CHANGES = "items:\n  remove: [email/personal-account]\n"
HEAD = ("Adapted by Testfield School from Testshire Safeguarding Children Partnership's "
        "guidance (edition 10 January 2026). ")


def change(kind: str, target: str, after: str, permission: str = "notify", **more: str) -> Change:
    return Change(kind, target, "", after, "rule", permission, **more)  # type: ignore[arg-type]


NOTICE = (change("remove", "email/personal-account", ""),
          change("add", "email/tablets", "Use tablets.", where="email/best, after email/x"),
          change("reword", "email/personal", "You use your own account."))


# The fingerprint

def test_the_fingerprint_is_pinned_so_recorded_approvals_stay_valid() -> None:
    assert fingerprint(NOTICE) == "13a535c050bdf46d"


def test_the_fingerprint_ignores_order_positions_base_text_and_free_changes() -> None:
    shuffled = list(NOTICE)
    random.Random(4).shuffle(shuffled)
    moved = [replace(c, location=Location(FILE, 99, 1), before="old base words", count=7)
             for c in shuffled]
    free = [change("terminology", "AUP", "RUP", "free", where="email 3"),
            change("contacts", "reporting/local_lead", "Sam Jones", "free")]
    assert fingerprint(moved + free) == fingerprint(NOTICE)


@pytest.mark.parametrize("edit", [
    lambda c: replace(c, after=c.after + "!"),
    lambda c: replace(c, target=c.target + "-x"),
    lambda c: replace(c, kind="move"),
])
def test_the_fingerprint_changes_when_a_change_to_notify_does(edit: object) -> None:
    edited = [edit(NOTICE[1])] + list(NOTICE[:1] + NOTICE[2:])  # type: ignore[operator]
    assert fingerprint(edited) != fingerprint(NOTICE)
    assert fingerprint(NOTICE[:2]) != fingerprint(NOTICE)
    placed = replace(NOTICE[1], where="email/best, before email/x")
    assert fingerprint((NOTICE[0], placed, NOTICE[2])) != fingerprint(NOTICE)


# The states

def current() -> str:
    return adapt(CHANGES).state.fingerprint


def sign_offs(notified: str = "", approved: str = "", edition: str = "2026-01-10") -> str:
    text = ""
    if notified:
        text += f"notified:\n  date: 2026-02-01\n  fingerprint: {notified}\n"
        text += f"  edition: {edition}\n" if edition else ""
    if approved:
        text += f"approved:\n  by: Testshire e-safety subgroup\n  date: 2026-03-01\n" \
                f"  fingerprint: {approved}\n"
        text += f"  edition: {edition}\n" if edition else ""
    return text


OTHER = "0123456789abcdef"
STATES = [
    ("not notified", "", "", AdaptationStatus.NOT_NOTIFIED,
     "Changes not yet notified to the author."),
    ("notified", "current", "", AdaptationStatus.NOTIFIED,
     "Changes notified to the author on 1 February 2026, awaiting approval."),
    ("approved", "current", "current", AdaptationStatus.APPROVED,
     "Changes approved by Testshire e-safety subgroup on 1 March 2026."),
    ("changed since approval", OTHER, OTHER, AdaptationStatus.CHANGED_SINCE_APPROVAL,
     "Changed since approval by Testshire e-safety subgroup on 1 March 2026; the new changes "
     "are not yet notified."),
    ("changed since notification", OTHER, "", AdaptationStatus.CHANGED_SINCE_NOTIFICATION,
     "Changed since the author was notified on 1 February 2026; the new changes are not yet "
     "notified."),
    ("notified again after a change", "current", OTHER, AdaptationStatus.NOTIFIED,
     "Changes notified to the author on 1 February 2026, awaiting approval."),
]


@pytest.mark.parametrize(("name", "notified", "approved", "status", "text"), STATES,
                         ids=[s[0] for s in STATES])
def test_each_state_and_its_banner_text(name: str, notified: str, approved: str,
                                        status: AdaptationStatus, text: str) -> None:
    fp = current()
    state = adapt(CHANGES + sign_offs(notified.replace("current", fp),
                                      approved.replace("current", fp))).state
    assert (state.status, state.text, state.base_moved_on) == (status, HEAD + text, False)


STALE = {"changed since approval": ("approved", 10), "changed since notification":
         ("notified to the author", 6)}


@pytest.mark.parametrize(("name", "notified", "approved", "status", "text"), STATES,
                         ids=[s[0] for s in STATES])
def test_the_editor_is_warned_at_the_record_the_changes_moved_on_from(
        name: str, notified: str, approved: str, status: AdaptationStatus, text: str) -> None:
    fp = current()
    adapted = adapt(CHANGES + sign_offs(notified.replace("current", fp),
                                        approved.replace("current", fp)))
    warnings = [f"{w.location}: {w.message}" for w in adapted.warnings]
    if name not in STALE:
        assert warnings == []
        return
    what, line = STALE[name]
    day = "1 March 2026" if what == "approved" else "1 February 2026"
    assert warnings == [
        f"{FILE}:{line}:3: the changes were {what} on {day} (fingerprint {OTHER}), but they "
        f"have changed since (fingerprint {fp} now), and every page of this variant says so: "
        "run policygen changes test to see them, then policygen notify test to tell the author"]


def test_only_free_changes_need_no_notification() -> None:
    state = adapt("terminology:\n  AUP: RUP\nlocal_lead:\n  name: Sam Jones\n",
                  base({PUB: FREE})).state
    assert (state.status, state.text) == (
        AdaptationStatus.NO_NOTIFICATION_NEEDED,
        HEAD + "It makes only changes the publisher allows without notice.")


def moved_on() -> Publication:
    """The minimal base, updated on 1 June 2026 with a revision note."""
    text = textwrap.dedent(MINIMAL[PUB]).replace(
        "  published: 2026-01-10\n", "  published: 2026-01-10\n  last_updated: 2026-06-01\n").replace(
        "revisions:\n", "revisions:\n  - date: 2026-06-01\n    version: \"1.1\"\n"
        "    summary: New reporting numbers.\n")
    return base(more={PUB: text})


def test_a_base_that_moved_on_since_the_approval_says_so() -> None:
    fp = current()
    adapted = adapt(CHANGES + sign_offs(fp, fp), moved_on())
    state = adapted.state
    assert (state.status, state.base_moved_on, [r.version for r in state.upstream]) == (
        AdaptationStatus.APPROVED, True, ["1.1"])
    assert state.text == (
        "Adapted by Testfield School from Testshire Safeguarding Children Partnership's "
        "guidance (edition 1 June 2026). Changes approved by Testshire e-safety subgroup on "
        "1 March 2026. The approval was for the edition of 10 January 2026; Testshire "
        "Safeguarding Children Partnership has updated the guidance since.")
    assert format_change_report(adapted).endswith(
        "The base guidance has been updated since the edition of 10 January 2026 that these "
        "changes were sent for:\n  2026-06-01, version 1.1: New reporting numbers.\n")


def test_a_sign_off_without_edition_is_dated_by_when_it_was_made() -> None:
    fp = current()
    assert adapt(CHANGES + sign_offs(fp, edition=""), moved_on()).state.base_moved_on
    assert not adapt(CHANGES + sign_offs(fp, edition="")).state.base_moved_on


# Review dates

@pytest.mark.parametrize(("own", "expected"), [
    ("", date(2027, 1, 10)), ("dates:\n  next_review: 2026-09-01\n", date(2026, 9, 1)),
    ("dates:\n  next_review: 2027-09-01\n", date(2027, 1, 10))])
def test_the_next_review_is_the_variants_or_the_bases_whichever_is_first(
        own: str, expected: date) -> None:
    assert variant_next_review(variant(own), base()) == expected


# The change report

REPORT_VARIANT = """\
    terminology:
      AUP: RUP
    local_lead:
      name: Sam Jones
    items:
      remove: [email/personal-account]
      reword:
        email/personal: You use your own account.
      add:
        - id: tablets
          after: email/work-account
          text: >-
            Use the class tablets, which are set up to upload photos to the school's storage
            every evening and never to a personal account.
      move:
        - id: email/work-account
          to: email/safe
    sections:
      exclude: [sources]
    """


def test_the_change_report_lists_exactly_the_changes() -> None:
    adapted = adapt(REPORT_VARIANT, base({PUB: FREE}))
    assert format_change_report(adapted) == f"""\
Changes made by Testfield School (variants/test/variant.yaml)
to "Test guidance" by Testshire Safeguarding Children Partnership, edition 10 January 2026

{HEAD}Changes not yet notified to the author.
Fingerprint of the 5 changes to notify: {adapted.state.fingerprint}

Changes the author must be told about (5):

  No rule covers these kinds of change; they need notifying.
    reword       email/personal: reworded (line 10)
                 before: You use your personal account without your manager knowing.
                 after:  You use your own account.
    add          email/tablets: added at email/best, after email/work-account (line 12)
                 text:   Use the class tablets, which are set up to upload photos to the
                         school's storage every evening and never to a personal account.
    remove       email/personal-account: removed (line 8)
                 was:    Don't use your personal email account to contact a child.
    move         email/work-account: moved from email/best to end of email/safe (line 18)
    sections     sources: excluded (line 21)

Changes you may make freely (3):

  Rule 'free'
    terminology  AUP: "AUP" → "RUP", 4 times (email 3, glossary 1) (line 4)
    branding     organisation/name: "Testfield School" (line 2)
    contacts     reporting/local_lead: "Sam Jones, Designated safeguarding lead" (line 6)
"""


# The two example variants, against the real content

@pytest.fixture(scope="module")
def real() -> Publication:
    return load_content(REPO).publication


def real_edition() -> date | None:
    return load_content(REPO).publication.dates.last_updated


@pytest.fixture(scope="module")
def oakfield(real: Publication) -> AdaptedPublication:
    return apply_variant(real, load_variant(REPO, "oakfield-primary"))


@pytest.fixture(scope="module")
def riverside(real: Publication) -> AdaptedPublication:
    return apply_variant(real, load_variant(REPO, "riverside-house"))


def prose(pub: Publication) -> str:
    found: list[str] = []
    map_prose(pub, lambda text, _: found.append(text) or text)
    return "\n".join(found)


def test_the_examples_apply_cleanly_and_use_every_kind_of_change(
        oakfield: AdaptedPublication, riverside: AdaptedPublication) -> None:
    assert oakfield.warnings == ()
    # Riverside's one warning is that its approval is for changes as they were (see below).
    assert [(w.location.line, w.message.split(",")[0]) for w in riverside.warnings] == [
        (riverside.variant.signed().approved.location.line,
         "the changes were approved on 24 November 2026 (fingerprint d93e0a52f829489e)")]
    kinds = {c.kind for c in oakfield.changes} | {c.kind for c in riverside.changes}
    assert kinds == set(CHANGE_KINDS)
    assert oakfield.state.status is AdaptationStatus.NOT_NOTIFIED
    # Riverside was approved over the edition of 14 September 2026 and has gone through the
    # partnership's next edition (its `rebased:` record); that edition put a new topic among
    # the ones Riverside reorders, so its changes are no longer those approved, and its state
    # must say so until it notifies the partnership again.
    assert riverside.state.status is AdaptationStatus.CHANGED_SINCE_APPROVAL
    approved, rebased = riverside.variant.signed().approved, riverside.variant.rebased
    assert approved is not None and rebased is not None
    assert approved.edition == date(2026, 9, 14) and approved.fingerprint != \
        riverside.state.fingerprint
    assert (rebased.edition, rebased.fingerprint) == (real_edition(), riverside.state.fingerprint)


def test_oakfield_is_a_primary_school(oakfield: AdaptedPublication) -> None:
    pub, text = oakfield.publication, prose(oakfield.publication)
    assert "young people" not in text.lower() and "organisation" not in text.lower()
    assert "Use a camera, phone or tablet that belongs to your school." in text
    lists = item_lists(pub)
    assert [i.id for i in lists["images/best"]][:3] == [
        "images/consent-checked", "images/org-equipment", "images/class-tablets"]
    assert "email/phone-app-agreed" not in {i.id for i in lists["email/safe"]}
    assert [t.id for t in pub.topics][:2] == ["images", "mobile"]
    assert oakfield.excluded_sections == ("legal",) and pub.legal.offences == ()
    assert [s.title for s in oakfield.local_sections] == ["Using school tablets"]
    assert (pub.reporting.local_lead.name, pub.summary.do_not.label) == (
        "Ms Rachel Okafor", "DON'T")
    assert pub.dates.next_review == date(2027, 7, 16)
    assert oakfield.variant.logo_path == REPO / "variants/oakfield-primary/logo.svg"


def test_riverside_is_a_childrens_home(riverside: AdaptedPublication) -> None:
    pub, text = riverside.publication, prose(riverside.publication)
    assert "gaming" not in [t.id for t in pub.topics]
    assert "AUP" not in text and "your organisation" not in text.lower()
    assert "nurses and social workers" in riverside.local_sections[0].text
    lists = item_lists(pub)
    assert [i.id for i in lists["mobile/best"]][:2] == ["mobile/work-phone", "mobile/shift-phone"]
    assert [i.id for i in lists["images/preamble"]][0] == "images/children-at-risk"
    assert [i.id for i in lists["reporting/steps"]].index("reporting/tell-the-social-worker") \
        == [i.id for i in lists["reporting/steps"]].index("reporting/tell-your-dsl") + 1
    assert "aup" not in [t.id for t in pub.glossary.terms]
    assert [t.title for t in pub.topics if t.id == "streaming"] == ["Live streaming"]
    assert (pub.summary.do.label, pub.summary.do_not.label) == ("Appropriate", "Inappropriate")


def test_riverside_says_when_the_partnership_updates_its_guidance(
        september_project: Path) -> None:
    """Riverside as approved over the edition of 14 September 2026, then a new edition."""
    import shutil

    from conftest import september_variant
    default_project = september_project
    shutil.copytree(september_variant("riverside-house"),
                    default_project / "variants" / "riverside-house")
    publication = default_project / "content" / "publication.yaml"
    text = publication.read_text(encoding="utf-8")
    assert "  last_updated: 2026-09-14\n" in text and "revisions:\n" in text
    publication.write_text(text.replace("  last_updated: 2026-09-14\n", "  last_updated: "
                                        "2027-01-20\n").replace(
        "revisions:\n", "revisions:\n  - date: 2027-01-20\n    version: \"3.1\"\n"
        "    summary: New number for the Professionals Online Safety Helpline.\n"),
        encoding="utf-8")
    adapted = apply_variant(load_content(default_project).publication,
                            load_variant(default_project, "riverside-house"))
    assert (adapted.state.status, adapted.state.base_moved_on) == (
        AdaptationStatus.APPROVED, True)
    assert adapted.state.text.endswith(
        "The approval was for the edition of 14 September 2026; Northshire Safeguarding "
        "Children Partnership has updated the guidance since.")
    assert format_change_report(adapted).endswith(
        "\n  2027-01-20, version 3.1: New number for the Professionals Online Safety Helpline.\n")


def test_a_sign_off_block_with_a_comment_inside_is_replaced_cleanly() -> None:
    import yaml

    from policygen.model import SignOff
    from policygen.variants.ledger import with_sign_off
    text = ("organisation:\n  name: X\nnotified:\n  date: 2026-01-01\n# a note at column 0\n"
            "  fingerprint: \"abc\"\n# the editor's closing note\n")
    result = with_sign_off(text, "notified", SignOff(date(2026, 2, 2), "def"))
    assert yaml.safe_load(result) == {"organisation": {"name": "X"},
                                      "notified": {"date": date(2026, 2, 2), "fingerprint": "def"}}
    assert "# the editor's closing note" in result
