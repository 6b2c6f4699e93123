"""Reading variant files: the format, every mistake named by file and line, safe paths.

The helpers at the top are shared by the other test_variant_* modules.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from conftest import MINIMAL, REPO

from policygen.errors import ContentError, Severity
from policygen.model import Edit, Placement, Publication, SignOff
from policygen.source.content import parse_content
from policygen.source.yamlsrc import SourceFile
from policygen.variants.changes import AdaptedPublication, apply_variant
from policygen.variants.ledger import with_sign_off
from policygen.variants.variant import Variant, list_variants, load_variant, parse_variant

FILE = "variants/test/variant.yaml"
ORG = "organisation:\n  name: Testfield School\n"


def base(edits: dict[str, tuple[str, str]] | None = None,
         more: dict[str, str] | None = None) -> Publication:
    """The minimal publication, with (old, new) text replacements per file and more files."""
    files = {name: textwrap.dedent(text) for name, text in {**MINIMAL, **(more or {})}.items()}
    for path, (old, new) in (edits or {}).items():
        assert old in files[path], f"fixture text {old!r} not in {path}"
        files[path] = files[path].replace(old, new, 1)
    return parse_content(files).publication


def variant(text: str, name: str = "test") -> Variant:
    """A variant parsed from its text; an organisation is put first when the text has none."""
    text = textwrap.dedent(text)
    if not text.startswith("organisation:"):
        text = ORG + text
    return parse_variant(SourceFile(f"variants/{name}/variant.yaml", text), name)


def adapt(text: str, pub: Publication | None = None) -> AdaptedPublication:
    return apply_variant(pub or base(), variant(text))


def problems_of(call: Callable[[], object], severity: Severity = Severity.ERROR) -> list[str]:
    """The problems of one severity the call raises, as 'file:line:col: message'."""
    with pytest.raises(ContentError) as caught:
        call()
    return [f"{p.location}: {p.message}" for p in caught.value.problems
            if p.severity is severity]


def parse_errors(text: str) -> list[str]:
    return problems_of(lambda: variant(text))


def apply_errors(text: str, pub: Publication | None = None) -> list[str]:
    return problems_of(lambda: adapt(text, pub))


# The tests of reading.

def test_a_variant_needs_only_its_organisation() -> None:
    found = variant("organisation:\n  name: Testfield School\n")
    assert found.organisation.name == "Testfield School"
    assert (found.name, found.file, found.topics.exclude, found.notified) == (
        "test", FILE, (), None)


def test_every_part_is_read_with_its_line() -> None:
    found = variant("""\
        terminology:
          workers: staff
        items:
          reword:
            email/work-account:
              text: Use your school account.
              poster: School account only.
          add:
            - id: tablets
              after: email/work-account
              text: Use the class tablets.
          move:
            - id: email/personal
              to: email/safe
        approved:
          by: The subgroup
          date: 2026-02-01
          fingerprint: "0123456789ABCDEF"
        """)
    assert found.terminology == (Edit("workers", "staff"),)
    assert found.terminology[0].location.line == 4
    assert found.items.reword == (Edit("email/work-account", "Use your school account.",
                                       poster="School account only."),)
    assert found.items.add == (Placement("tablets", "after", "email/work-account",
                                         "Use the class tablets."),)
    assert found.items.move == (Placement("email/personal", "end", "email/safe"),)
    assert found.approved == SignOff(date(2026, 2, 1), "0123456789abcdef", None, "The subgroup")


CASES = [
    ("unknown field", "terminolgy:\n  workers: staff\n",
     f"{FILE}:3:1: unknown field 'terminolgy' in the variant (did you mean 'terminology'?); "
     "expected one of: organisation, extends, adaptation, title, local_lead, contacts, terminology, topics, items, "
     "labels, sections, dates, revisions, notice_prepared, notified, approved, rebased"),
    ("no organisation", "organisation:\n  url: https://example.org/\n",
     f"{FILE}:2:3: 'organisation' is missing the required field 'name'"),
    ("colour without quotes", ORG + "  accent_colour: #1d5e3b\n",
     f"{FILE}:3:3: the accent colour is empty; a colour starts with #, which YAML reads as a "
     "comment unless it is in quotes: accent_colour: \"#1d5e3b\""),
    ("colour badly written", ORG + "  accent_colour: \"#1d5e3\"\n",
     f"{FILE}:3:18: the accent colour should be written \"#rrggbb\" (like \"#1d5e3b\"), found "
     "'#1d5e3'"),
    ("logo outside the folder", ORG + "  logo: ../../content/logo.svg\n",
     f"{FILE}:3:9: the logo '../../content/logo.svg' should be inside the variant's folder; "
     "'..' is not allowed"),
    ("logo with an absolute path", ORG + "  logo: /etc/logo.png\n",
     f"{FILE}:3:9: the logo '/etc/logo.png' should be a file in the variant's folder, named "
     "without a drive or leading slash (like logo.svg)"),
    ("logo on a drive", ORG + "  logo: 'C:\\logo.png'\n",
     f"{FILE}:3:9: the logo 'C:\\logo.png' should be a file in the variant's folder, named "
     "without a drive or leading slash (like logo.svg)"),
    ("logo of another kind", ORG + "  logo: logo.gif\n",
     f"{FILE}:3:9: the logo 'logo.gif' should be an .svg, .png or .jpg file"),
    ("short id to remove", "items:\n  remove: [work-account]\n",
     f"{FILE}:4:12: 'work-account' in 'remove' of 'items' is not a full item id: write where "
     "the item is and its id, like 'email/work-account' or 'summary/lock-devices'"),
    ("new id with a capital", "items:\n  add:\n    - id: Tablets\n      at: email/best\n"
     "      text: Use tablets.\n",
     f"{FILE}:5:11: 'Tablets' is not a valid id in 'add' of 'items': use lower-case letters, "
     "digits and hyphens, like 'school-tablets'"),
    ("two places for one item", "items:\n  add:\n    - id: tablets\n      at: email/best\n"
     "      after: email/work-account\n      text: Use tablets.\n",
     f"{FILE}:5:7: an entry of 'add' in 'items' needs one of 'at' (a list), 'after' or "
     "'before' (an item) to say where the item goes; found at and after"),
    ("no place to move to", "items:\n  move:\n    - id: email/personal\n",
     f"{FILE}:5:7: an entry of 'move' in 'items' needs one of 'to' (a list), 'after' or "
     "'before' (an item) to say where the item goes; found none"),
    ("unknown label", "labels:\n  dont: Never\n",
     f"{FILE}:4:3: unknown label 'dont' (did you mean 'do_not' or 'do'?); expected one of: best, safe, "
     "poor, do, do_not, or a topic and level like 'mobile/best'"),
    ("unknown section", "sections:\n  exclude: [glosary]\n",
     f"{FILE}:4:13: 'glosary' cannot be used in 'exclude' of 'sections' (did you mean "
     "'glossary'?); expected one of: summary, guidelines, glossary, reporting, legal, sources"),
    ("local section named like a page", "sections:\n  add:\n    legal:\n      title: Law\n"
     "      text: Our local law notes.\n",
     f"{FILE}:5:5: 'legal' is already the name of a page of the guidance; give your section its "
     "own id, like 'case-law' or 'local-procedure'"),
    ("a number as a term", "terminology:\n  '999': '112'\n",
     f"{FILE}:4:3: '999' is not a word; terminology changes words, not numbers or symbols"),
    ("a number in a term", "terminology:\n  call 999: call 112\n",
     f"{FILE}:4:3: 'call 999' is not a word; terminology changes words, not numbers or symbols"),
    ("a term twice", "terminology:\n  AUP: RUP\n  aup: rup\n",
     f"{FILE}:5:3: the term 'aup' is listed twice (first on line 4 as 'AUP')"),
    ("fingerprint badly copied", "notified:\n  date: 2026-02-01\n  fingerprint: 0123-4567\n",
     f"{FILE}:5:16: the fingerprint in 'notified' should be the 16 letters and digits printed "
     "by 'policygen changes', found '0123-4567'"),
    ("approval without who", "approved:\n  date: 2026-02-01\n  fingerprint: 0123456789abcdef\n",
     f"{FILE}:4:3: 'approved' is missing the required field 'by'"),
    ("impossible date", "dates:\n  next_review: 2027-02-30\n",
     f"{FILE}:4:16: the date 'next_review' '2027-02-30' is not a real date "
     "(day is out of range for month)"),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_variant_mistakes_name_file_line_and_expectation(name: str, text: str,
                                                         expected: str) -> None:
    assert expected in parse_errors(text)


def test_every_mistake_is_listed_not_only_the_first() -> None:
    found = parse_errors("terminolgy: {}\nitems:\n  remove: [work-account]\n")
    assert [line.split(": ")[0] for line in found] == [f"{FILE}:3:1", f"{FILE}:5:12"]


def test_a_pale_accent_colour_is_a_warning() -> None:
    found = variant(ORG + "  accent_colour: \"#FFCC00\"\n")
    assert found.organisation.accent_colour == "#ffcc00"
    assert [f"{w.location}: {w.message}" for w in found.warnings] == [
        f"{FILE}:3:18: the accent colour #ffcc00 has a contrast of 1.5:1 with white; text in it "
        "needs at least 4.5:1 (WCAG AA), so choose a darker colour"]


def make_variant(project: Path, name: str, text: str) -> Path:
    folder = project / "variants" / name
    folder.mkdir(parents=True)
    (folder / "variant.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@pytest.mark.parametrize("name", ["../content", "a/b", "/etc", "Oakfield", "oak field", ".."])
def test_a_variant_name_cannot_leave_the_variants_folder(tmp_path: Path, name: str) -> None:
    assert problems_of(lambda: load_variant(tmp_path, name)) == [
        f"variants: '{name}' is not a variant name: give the name of its folder in variants/, "
        "in lower-case letters, digits and hyphens (like oakfield-primary)"]


def test_an_unknown_variant_suggests_the_ones_there(tmp_path: Path) -> None:
    make_variant(tmp_path, "oakfield-primary", ORG)
    assert problems_of(lambda: load_variant(tmp_path, "oakfield-primery")) == [
        "variants/oakfield-primery/variant.yaml: there is no such variant "
        "(did you mean 'oakfield-primary'?)"]
    assert list_variants(tmp_path) == ("oakfield-primary",)


def test_the_logo_must_be_a_file_in_the_variant_folder(tmp_path: Path) -> None:
    folder = make_variant(tmp_path, "school", ORG + "  logo: logo.svg\n")
    assert problems_of(lambda: load_variant(tmp_path, "school")) == [
        "variants/school/variant.yaml:3:9: there is no logo file 'logo.svg' in the variant's "
        "folder"]
    (folder / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    loaded = load_variant(tmp_path, "school")
    assert loaded.logo_path == folder / "logo.svg"


def test_a_logo_linking_outside_the_folder_is_refused(tmp_path: Path) -> None:
    folder = make_variant(tmp_path, "school", ORG + "  logo: logo.svg\n")
    secret = tmp_path / "secret.svg"
    secret.write_text("<svg/>")
    (folder / "logo.svg").symlink_to(secret)
    assert problems_of(lambda: load_variant(tmp_path, "school")) == [
        "variants/school/variant.yaml:3:9: the logo 'logo.svg' leads outside the variant's "
        "folder (it is a link); copy the image itself into the folder"]


def test_recording_a_sign_off_keeps_the_rest_of_the_file() -> None:
    text = ORG + "# our copy\nnotified:\n  date: 2026-01-01\n  fingerprint: aaaaaaaaaaaaaaaa\n" \
        "# the review\ndates:\n  next_review: 2027-01-01\n"
    notified = SignOff(date(2026, 2, 1), "0123456789abcdef", date(2026, 1, 10))
    approved = SignOff(date(2026, 3, 1), "0123456789abcdef", date(2026, 1, 10), 'The "e" group')
    written = with_sign_off(with_sign_off(text, "notified", notified), "approved", approved)
    assert written == (
        ORG + "# our copy\n# the review\ndates:\n  next_review: 2027-01-01\n\n"
        "notified:\n  date: 2026-02-01\n  fingerprint: \"0123456789abcdef\"\n"
        "  edition: 2026-01-10\n\n"
        "approved:\n  by: \"The \\\"e\\\" group\"\n  date: 2026-03-01\n"
        "  fingerprint: \"0123456789abcdef\"\n  edition: 2026-01-10\n")
    read = variant(written)
    assert (read.notified, read.approved) == (notified, approved)


def test_the_example_variants_load() -> None:
    assert list_variants(REPO) == ("brookside-primary", "northshire-council", "oakfield-primary",
                                   "riverside-house")
    for name in list_variants(REPO):
        loaded = load_variant(REPO, name)
        assert loaded.warnings == ()
        assert loaded.file == f"variants/{name}/variant.yaml"
