"""Applying a variant is a sequence of pure steps: a frozen ledger, new values from every step,
nothing given to a step changed, and no module writing into a Reader's problems directly."""

from __future__ import annotations

import copy
import dataclasses
import shutil
import textwrap
from pathlib import Path

import pytest
from conftest import REPO
from test_variant import FILE, apply_errors, base, variant

from policygen.errors import ContentError, Location, Problem, Severity
from policygen.model import Edit, Placement, Publication
from policygen.source.content import load_content
from policygen.source.reader import Reader
from policygen.source.yamlsrc import SourceFile, parse_yaml
from policygen.variants.changes import apply_variant
from policygen.variants.itemlists import add_item, item_lists, move_item, remove_item, reword_item
from policygen.variants.ledger import Ledger
from policygen.variants.variant import load_variant, parse_variant

# Every kind of change the minimal base allows, items above all: the steps that used to write
# into shared dicts (the lists, `gone`, `emptied_by`) and lists (`problems`, `changes`).
EVERYTHING = """\
    title: Testfield guidance
    local_lead:
      name: Ms Lead
    contacts:
      add:
        deputy:
          name: Mr Deputy
          for: When the lead is away.
          phone: 01632 960 419
    terminology:
      AUP: RUP
      flibbertigibbet: widget
    items:
      remove: [email/manager-knows, glossary/grooming]
      reword:
        email/work-account: Use your school account.
        glossary/aup: The rules for the school's equipment.
      add:
        - id: new-one
          after: email/work-account
          text: A new rule.
          poster: New rule.
        - id: new-poor
          at: email/poor
          text: A new poor practice.
      move:
        - id: email/personal
          to: email/safe
    labels:
      do: DO THIS
    sections:
      add:
        local:
          title: Local notes
          text: Ask the office.
    dates:
      next_review: 2030-01-01
    """


def snapshot(*values: object) -> list[object]:
    """Deep copies to compare with afterwards; a ledger by its repr (a mappingproxy has no copy)."""
    return [repr(value) if isinstance(value, Ledger) else copy.deepcopy(value)
            for value in values]


def test_applying_a_variant_leaves_the_base_and_the_variant_as_they_were() -> None:
    pub, overlay = base(), variant(EVERYTHING)
    before = snapshot(pub, overlay)
    adapted = apply_variant(pub, overlay)
    assert [pub, overlay] == before and [repr(pub), repr(overlay)] == [repr(v) for v in before]
    # It did change something, so the comparison above is not of two untouched copies.
    assert [i.id for i in item_lists(adapted.publication)["email/safe"]] == ["email/personal"]
    assert [p.format().splitlines()[0] for p in adapted.warnings] == [
        f"{FILE}:39:16: warning: the base guidance is due for review on 2027-01-10, before this "
        "variant's 2030-01-01; the earlier date applies",
        f"{FILE}:14:3: warning: the term 'flibbertigibbet' is not found anywhere in the "
        "guidance, so nothing was changed; check its spelling"]


def test_the_examples_change_neither_the_real_content_nor_their_variants(
        default_project: Path) -> None:
    shutil.copytree(REPO / "variants", default_project / "variants")
    pub = load_content(default_project).publication
    for name in ("oakfield-primary", "riverside-house"):
        overlay = load_variant(default_project, name)
        before = snapshot(pub, overlay)
        first, second = apply_variant(pub, overlay), apply_variant(pub, overlay)
        assert [pub, overlay] == before
        assert first == second and first.changes and repr(first) == repr(second)


def test_applying_the_same_variant_twice_gives_equal_results() -> None:
    pub, overlay = base(), variant(EVERYTHING)
    first, second = apply_variant(pub, overlay), apply_variant(pub, overlay)
    assert first == second
    assert [c.location for c in first.changes] == [c.location for c in second.changes]
    assert first.warnings == second.warnings and len(first.changes) == 16


def ledger_for(text: str = "") -> Ledger:
    return Ledger.start(base(), variant(text or "items:\n  remove: [email/personal]\n"))


def test_the_ledger_is_frozen_and_its_mappings_cannot_be_written() -> None:
    ledger = ledger_for().with_gone("email/x", "removed").with_emptied(["email/safe"],
                                                                      Location(FILE, 3))
    with pytest.raises(dataclasses.FrozenInstanceError):
        ledger.changes = ()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        ledger.gone = {}  # type: ignore[misc]
    for mapping in (ledger.gone, ledger.emptied_by, ledger.rules):
        with pytest.raises(TypeError):
            mapping["email/y"] = "written from outside"  # type: ignore[index]
    assert isinstance(ledger.changes, tuple) and isinstance(ledger.problems, tuple)
    assert dict(ledger.gone) == {"email/x": "removed"}
    assert dict(ledger.emptied_by) == {"email/safe": Location(FILE, 3)}


def test_each_with_method_returns_a_new_ledger_and_leaves_the_old_one() -> None:
    start = ledger_for()
    where = Location(FILE, 4)
    kept = start.with_change("terminology", "workers", "workers", "staff", where)
    notified = start.with_change("reword", "title", "Old", "New", where)
    warned = start.with_problem(where, "look again", Severity.WARNING)
    gone = start.with_gone("email/x", "this variant removes it (line 4)")
    assert (start.changes, start.problems, dict(start.gone)) == ((), (), {})
    assert [(c.kind, c.permission, c.rule) for c in kept.changes] == [
        ("terminology", "free", "free")]
    # The minimal base has no rule for rewording: notified, as the author's general rule says.
    assert [(c.kind, c.permission) for c in notified.changes] == [("reword", "notify")]
    assert warned.problems == (Problem(where, "look again", Severity.WARNING,
                                       "  remove: [email/personal]"),)
    assert dict(gone.gone) == {"email/x": "this variant removes it (line 4)"}
    assert start.with_problems([]) == start


def test_the_ledger_starts_with_the_variants_own_warnings() -> None:
    overlay = variant("dates:\n  next_review: 2030-01-01\n")
    low = dataclasses.replace(overlay, warnings=(Problem(Location(FILE, 2), "low contrast",
                                                         Severity.WARNING),))
    assert Ledger.start(base(), low).problems == low.warnings


def item_edit(target: str, value: str = "", line: int = 5) -> Edit:
    return Edit(target, value, Location(FILE, line))


def placement(ident: str, relation: str, anchor: str, text: str = "") -> Placement:
    where = Location(FILE, 6)
    return Placement(ident, relation, anchor, text, where, where)


def assert_lists_unchanged(pub: Publication, before: Publication) -> None:
    assert pub == before and dict(item_lists(pub)) == dict(item_lists(before))


def test_remove_item_returns_new_values_and_changes_nothing_it_is_given() -> None:
    pub, ledger = base(), ledger_for()
    pub_before, ledger_before = snapshot(pub, ledger)
    new_pub, new_ledger = remove_item(pub, item_edit("email/manager-knows"), ledger)
    assert_lists_unchanged(pub, pub_before)
    assert repr(ledger) == ledger_before and ledger.gone == {} and ledger.changes == ()
    assert [i.id for i in item_lists(new_pub)["email/safe"]] == []
    assert [i.id for i in item_lists(pub)["email/safe"]] == ["email/manager-knows"]
    assert dict(new_ledger.gone) == {"email/manager-knows": "this variant removes it (line 5)"}
    assert dict(new_ledger.emptied_by) == {"email/safe": Location(FILE, 5)}
    assert [(c.kind, c.target, c.where) for c in new_ledger.changes] == [
        ("remove", "email/manager-knows", "email/safe")]


def test_add_item_returns_new_values_and_changes_nothing_it_is_given() -> None:
    pub, ledger = base(), ledger_for()
    pub_before, ledger_before = snapshot(pub, ledger)
    new_pub, new_ledger = add_item(pub, placement("new-one", "after", "email/work-account",
                                                  "A new rule."), ledger)
    assert_lists_unchanged(pub, pub_before)
    assert repr(ledger) == ledger_before
    assert [i.id for i in item_lists(new_pub)["email/best"]] == [
        "email/work-account", "email/new-one"]
    assert [i.id for i in item_lists(pub)["email/best"]] == ["email/work-account"]
    assert [(c.kind, c.target, c.where) for c in new_ledger.changes] == [
        ("add", "email/new-one", "email/best, after email/work-account")]


def test_reword_and_move_return_new_values_and_change_nothing_they_are_given() -> None:
    pub, ledger = base(), ledger_for()
    pub_before, ledger_before = snapshot(pub, ledger)
    reworded, after_reword = reword_item(pub, item_edit("email/work-account", "New."), ledger)
    moved, after_move = move_item(pub, placement("email/personal", "end", "email/best"), ledger)
    assert_lists_unchanged(pub, pub_before)
    assert repr(ledger) == ledger_before
    assert [i.text for i in item_lists(reworded)["email/best"]] == ["New."]
    assert [i.id for i in item_lists(moved)["email/best"]] == [
        "email/work-account", "email/personal"]
    assert [c.kind for c in after_reword.changes + after_move.changes] == ["reword", "move"]


def test_a_move_that_cannot_be_placed_returns_the_publication_as_it_was() -> None:
    pub, ledger = base(), ledger_for()
    moved, after = move_item(pub, placement("email/personal", "after", "email/nope"), ledger)
    assert moved is pub and after.changes == () and after.emptied_by == {}
    assert [p.message.split(";")[0] for p in after.problems] == [
        "there is no item 'email/nope' in the base guidance"]


def test_the_lists_of_items_cannot_be_written() -> None:
    lists = item_lists(base())
    with pytest.raises(TypeError):
        lists["email/best"] = ()  # type: ignore[index]


def test_rewording_an_item_the_variant_removed_says_it_was_removed() -> None:
    # The lists used to be joined into the publication only at the end, so an item removed
    # a few lines above was still "an id of the base" and was called a contact or an offence.
    assert apply_errors("items:\n  remove: [email/work-account]\n  reword:\n"
                        "    email/work-account: Something else.\n") == [
        f"{FILE}:4:12: this leaves 'email/best' with no items; keep at least one (you can "
        "reword an item instead of removing it)", f"{FILE}:6:5: the item 'email/work-account' "
        "is no longer there: this variant removes it (line 4)"]


# The Reader: problems go in only through its own methods.

def reader_for(text: str) -> tuple[Reader, object]:
    source = SourceFile(FILE, textwrap.dedent(text))
    root, problems = parse_yaml(source)
    assert problems == []
    return Reader(source), root


def test_a_readers_problems_cannot_be_appended_to_from_outside() -> None:
    reader, root = reader_for("name: x\n")
    reader.error(root, "wrong")
    with pytest.raises(AttributeError):
        reader.problems.append(Problem(Location(FILE, 1), "sneaked in"))  # type: ignore[attr-defined]
    assert [p.message for p in reader.problems] == ["wrong"]


def test_reader_warning_and_error_at_report_through_the_reader() -> None:
    reader, root = reader_for("organisation:\n  name: x\n")
    reader.warning(root, "a warning")
    reader.error_at(Location(FILE, 2, 3), "an error at a kept position")
    assert [(p.format().splitlines()[0], p.source_line) for p in reader.problems] == [
        (f"{FILE}:1:1: warning: a warning", "organisation:"),
        (f"{FILE}:2:3: error: an error at a kept position", "  name: x")]


@pytest.mark.parametrize(("text", "expected"), [
    ("organisation:\n  name: X\n  accent_colour: \"#aaaaaa\"\n",
     f"{FILE}:3:18: warning: the accent colour #aaaaaa has a contrast of 2.3:1 with white; text "
     "in it needs at least 4.5:1 (WCAG AA), so choose a darker colour"),
    ("organisation:\n  name: X\nlabels:\n  brest: Best\n",
     f"{FILE}:4:3: error: unknown label 'brest' (did you mean 'best'?); expected one of: best, "
     "safe, poor, do, do_not, or a topic and level like 'mobile/best'"),
])
def test_branding_and_variant_report_through_the_reader(text: str, expected: str) -> None:
    source = SourceFile(FILE, text)
    if " error: " in expected:
        with pytest.raises(ContentError) as caught:
            parse_variant(source, "test")
        found = [p.format().splitlines()[0] for p in caught.value.problems]
    else:
        found = [p.format().splitlines()[0] for p in parse_variant(source, "test").warnings]
    assert found == [expected]

