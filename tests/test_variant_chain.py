"""Chains of variants (issue 10, point 1), end to end through the CLI: the partnership's
guidance, adapted by a council (variants/northshire-council), adapted by a school
(variants/brookside-primary): what the school's pages say and hold, whom each change goes to,
the rules a parent may only tighten, and every way a chain can be wrong, at its line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO
from pdf_helpers import page_texts, squash
from site_helpers import parse, visible_text
from test_variant_e2e import banner, run

COUNCIL = "northshire-council"
SCHOOL = "brookside-primary"
CHAIN = ("Adapted by Brookside Primary School from Northshire County Council's adaptation of "
         "Northshire Safeguarding Children Partnership's guidance (edition 14 September 2026).")
SCHOOL_FILE = f"variants/{SCHOOL}/variant.yaml"


def with_chain(project: Path) -> Path:
    """The default project with the example chain: the council's copy and the school's."""
    for name in (COUNCIL, SCHOOL):
        shutil.copytree(REPO / "variants" / name, project / "variants" / name)
    return project


@pytest.fixture
def project(september_project: Path) -> Path:
    """The chain over the partnership's edition of 14 September 2026 (as kept on record)."""
    return with_chain(september_project)


def school_file(project: Path) -> Path:
    return project / SCHOOL_FILE


def line_of(path: Path, text: str) -> int:
    return path.read_text().splitlines().index(text) + 1


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_the_school_reads_the_councils_words_with_its_own_terms(project: Path) -> None:
    code, _, err = run(project, "build", "--all", "--format", "site", "--today", "2026-12-01")
    assert code == 0, err
    school = project / "build" / "variants" / SCHOOL
    assert banner(school).startswith("Local changes: Not yet notified " + CHAIN)
    header = parse(school / "index.html").select_one(".site-publisher").get_text(" ", strip=True)
    assert " ".join(header.split()) == (
        "Brookside Primary School 's adaptation of Northshire County Council's adaptation of "
        "Northshire Safeguarding Children Partnership's guidance")
    internet = visible_text(parse(school / "topics" / "internet.html"))
    # The council's own item, in the school's words ("pupils" was the council's too).
    assert ("Use the council's learning platform for any online lesson, homework or message to "
            "pupils, and sign in with your council account, never a personal one.") in internet
    email = visible_text(parse(school / "topics" / "email.html"))
    assert "with the school's name under it" in email  # the school's rewording of the council's
    # The council's own copy says only the partnership's name.
    council = project / "build" / "variants" / COUNCIL
    assert "Adapted by Northshire County Council from Northshire Safeguarding Children " \
           "Partnership's guidance" in banner(council)
    index = parse(project / "build" / "variants" / "index.html")
    adapts = {row.th.get_text(strip=True): row.td.get_text(strip=True)
              for row in index.select("tbody tr")}
    assert adapts == {
        "Brookside Primary School": "Northshire County Council",
        "Northshire County Council": "Northshire Safeguarding Children Partnership's guidance"}


def test_the_handbook_cover_names_the_chain(project: Path) -> None:
    code, _, err = run(project, "build", "--variant", SCHOOL, "--format", "handbook",
                       "--today", "2026-12-01")
    assert code == 0, err
    cover = squash(page_texts(project / "build" / "handbook.pdf")[0])
    assert squash("Adapted from Northshire County Council's adaptation of Northshire "
                  "Safeguarding Children Partnership's guidance") in cover


def test_each_change_goes_to_whoever_wrote_the_text_it_changes(project: Path) -> None:
    code, out, err = run(project, "changes", SCHOOL)
    assert code == 0, err
    assert out.splitlines()[1] == (
        "to \"Safer working online\" as Northshire County Council's adaptation of Northshire "
        "Safeguarding Children Partnership's guidance, edition 14 September 2026")
    tell = out[out.index("Whom to tell"):].split("\n\n")[0]
    assert " ".join(tell.split()) == (
        "Whom to tell (each change goes to whoever wrote the text it changes): "
        "Northshire Safeguarding Children Partnership e-safety subgroup <esafety@example.org>, "
        "2 changes: images/consent-checked, images/consent-checked (poster) "
        "Northshire County Council <education.safeguarding@northshire-council.example.org>, "
        "2 changes: email/professional-signature, email/professional-signature (poster)")
    code, _, err = run(project, "build", "--variant", SCHOOL, "--format", "site", "--today",
                       "2026-12-01")
    assert code == 0, err
    page = parse(project / "build" / "adaptation.html")
    table = page.select_one("#to-approve-caption").find_parent("table")
    rows = {tr.th.find(string=True).strip(): tr.select("td")[-1].get_text(strip=True)
            for tr in table.select("tbody tr")}
    assert rows == {
        "images/consent-checked": "Northshire Safeguarding Children Partnership e-safety subgroup",
        "images/consent-checked (poster)":
            "Northshire Safeguarding Children Partnership e-safety subgroup",
        "email/professional-signature": "Northshire County Council",
        "email/professional-signature (poster)": "Northshire County Council"}
    to = page.find("dt", string="To").find_next_sibling("dd")
    assert [" ".join(li.get_text().split()) for li in to.select("li")] == [
        "Northshire Safeguarding Children Partnership e-safety subgroup (esafety@example.org): "
        "2 changes",
        "Northshire County Council (education.safeguarding@northshire-council.example.org): "
        "2 changes"]


def test_a_parents_rules_bind_its_children(project: Path) -> None:
    edit(school_file(project), "items:\n  reword:", "items:\n  remove:\n    - email/written-record\n"
         "  reword:")
    code, _, err = run(project, "check")
    assert code == 1
    line = line_of(school_file(project), "    - email/written-record")
    assert f"{SCHOOL_FILE}:{line}:7: error: removing 'email/written-record' is not allowed: " \
           "Northshire County Council's adaptation rule 'no-removals' forbids remove changes" \
           in err
    edit(school_file(project), "  remove:\n    - email/written-record\n", "")
    edit(school_file(project), "  reword:\n", "  reword:\n    internet/learning-platform: Use "
         "the platform.\n")
    code, _, err = run(project, "check")
    assert code == 1
    assert ("rewording 'internet/learning-platform' is not allowed: Northshire County Council "
            "protects 'internet/learning-platform' (adaptation: protected, in "
            "variants/northshire-council/variant.yaml)") in err


def test_a_parent_may_tighten_the_rules_but_never_loosen_them(project: Path) -> None:
    council = project / "variants" / COUNCIL / "variant.yaml"
    edit(council, "      changes: [remove]\n      permission: forbidden",
         "      changes: [remove, reword]\n      permission: free")
    code, _, err = run(project, "check")
    assert code == 1
    line = line_of(council, "      changes: [remove, reword]")
    for kind in ("remove", "reword"):
        assert (f"variants/{COUNCIL}/variant.yaml:{line}:7: error: the rule 'no-removals' makes "
                f"'{kind}' changes free for copies of this variant, but the guidance it adapts "
                "makes them notify: a local copy may make the rules stricter for its own "
                "copies, never looser") in err
    # Said once, under the council; the school says why it cannot be built.
    assert err.count("makes 'remove' changes free") == 1
    assert (f"{SCHOOL_FILE}:5:10: error: the variant this one extends, '{COUNCIL}', has the "
            "errors above: fix them, and this one can be built") in err


@pytest.mark.parametrize(("extends", "message"), [
    ("northshire-counci", "there is no variant 'northshire-counci' to extend (did you mean "
                          "'northshire-council'?)"),
    (SCHOOL, f"the variant '{SCHOOL}' cannot extend itself: name the variant it adapts, or "
             "remove 'extends' to adapt the base guidance"),
    ("Northshire Council", "'extends' should name another variant by its folder in variants/ "
                           "(lower-case letters, digits and hyphens, like northshire-council), "
                           "found 'Northshire Council'"),
])
def test_a_wrong_parent_is_named_at_its_line(project: Path, extends: str, message: str) -> None:
    edit(school_file(project), f"extends: {COUNCIL}", f"extends: {extends}")
    code, _, err = run(project, "check")
    assert code == 1
    assert f"{SCHOOL_FILE}:5:10: error: {message}" in err


def test_a_loop_and_a_chain_too_long_are_refused(project: Path) -> None:
    council = project / "variants" / COUNCIL / "variant.yaml"
    edit(council, "organisation:\n", f"extends: {SCHOOL}\n\norganisation:\n")
    code, _, err = run(project, "build", "--variant", SCHOOL, "--format", "site")
    assert code == 1
    assert (f"variants/{COUNCIL}/variant.yaml:9:10: error: these variants extend each other in "
            f"a loop ({SCHOOL} → {COUNCIL} → {SCHOOL}): one of them must adapt the base "
            "guidance, or another variant") in err
    edit(council, f"extends: {SCHOOL}\n\n", "")
    # school → council → level1 → … : five links above the base.
    parent = COUNCIL
    for level in range(1, 5):
        name = f"level{level}"
        folder = project / "variants" / name
        folder.mkdir()
        (folder / "variant.yaml").write_text(f"organisation:\n  name: Level {level}\n")
        edit(project / "variants" / parent / "variant.yaml", "organisation:\n",
             f"extends: {name}\norganisation:\n")
        parent = name
    code, _, err = run(project, "check")
    assert code == 1
    assert "a chain may have at most 4 local copies above the base guidance; this one is " \
           "longer" in err


def test_editing_the_council_rebuilds_the_school(project: Path) -> None:
    code, _, err = run(project, "build", "--all", "--format", "site", "--today", "2026-12-01")
    assert code == 0, err
    page = project / "build" / "variants" / SCHOOL / "topics" / "internet.html"
    edit(project / "variants" / COUNCIL / "variant.yaml", "never a personal one.",
         "never a personal one, and sign out at the end.")
    code, _, err = run(project, "build", "--all", "--format", "site", "--today", "2026-12-01")
    assert code == 0, err
    assert "never a personal one, and sign out at the end." in visible_text(parse(page))
