"""Terminology finds a term's usual forms, and reports the phrases that look like it but were
not replaced (issue 11, point 9)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from site_helpers import html_pages, parse, visible_text
from test_variant import FILE, adapt, base

from policygen.cli import main
from policygen.errors import Location
from policygen.model import Edit
from policygen.variants.nearmiss import NearMisses
from policygen.variants.terminology import Substituter, missing_forms, takes_an, term_forms

CYP = "children and young people"


def entries(**terms: str) -> list[Edit]:
    return [Edit(term.replace("_", " "), value, Location(FILE, line, 3))
            for line, (term, value) in enumerate(terms.items(), start=3)]


def substitute(text: str, terms: list[Edit]) -> str:
    return Substituter(term_forms(terms))(text, "page")


@pytest.mark.parametrize(("text", "expected"), [
    ("work with children and young people.", "work with pupils."),
    ("work with children, young people and families", "work with pupils and families"),
    ("work with children/young people", "work with pupils"),
    ("work with children & young people", "work with pupils"),
    ("work with children, and young people", "work with pupils"),
    ("email children, young people, their parents or carers", "email pupils, their parents or "
     "carers"),
    ("If a child, young person or adult is in danger", "If a pupil or adult is in danger"),
    ("a child and young person", "a pupil"),
    ("children and young person", "pupil"),
    ("Children and young people can report.", "Pupils can report."),
    ("For Children and Young People", "For Pupils"),
    ("CHILDREN AND YOUNG PEOPLE", "PUPILS"),
    ("children and young people's games", "pupils' games"),
    ("a child and young person's phone", "a pupil's phone"),
    ("children\n  and young\n  people", "pupils"),
    ("[children and young people](glossary:children-and-young-people)",
     "[pupils](glossary:children-and-young-people)"),
    ("https://example.org/children-and-young-people", "https://example.org/children-and-young-"
     "people"),
    ("grandchildren and young people", "grandchildren and young people"),
    ("children and young peoples", "children and young peoples"),
])
def test_the_forms_of_a_two_part_term(text: str, expected: str) -> None:
    assert substitute(text, entries(children_and_young_people="pupils")) == expected


@pytest.mark.parametrize(("terms", "text", "expected"), [
    ({"child": "pupil"}, "children and a child; Children's games; a child's phone",
     "pupils and a pupil; Pupils' games; a pupil's phone"),
    ({"workers": "staff"}, "workers' rights and Workers", "staff's rights and Staff"),
    ({"workers": "staff"}, "'workers' and 'youth workers'", "'staff' and 'youth staff'"),
    ({"e-safety": "online safety"}, "e-safety, e safety, esafety and E-Safety",
     "online safety, online safety, online safety and Online Safety"),
    ({"worker": "member of staff"}, "a worker; workers", "a member of staff; members of staff"),
    ({"organisation": "home"}, "an organisation; organisations", "a home; homes"),
    ({"parents and carers": "families"}, "a parent/carer; parents & carers",
     "a family; families"),
    ({"children and young people": "the young people you care for"},
     "Children, young people and families", "The young people you care for and families"),
    ({"children, young people": "pupils", "children and young people": "young people"},
     "children, young people; children and young people", "pupils; young people"),
])
def test_singular_plural_possessive_and_hyphen_forms(terms: dict[str, str], text: str,
                                                      expected: str) -> None:
    assert substitute(text, [Edit(t, v, Location(FILE, i, 3))
                             for i, (t, v) in enumerate(terms.items(), 3)]) == expected


@pytest.mark.parametrize(("word", "article"), [
    ("hour", "an"), ("honest worker", "an"), ("user", "a"), ("one-off", "a"), ("once", "a"),
    ("onerous task", "an"), ("SSL", "an"), ("EU", "an"), ("NSPCC", "an"), ("RUP", "an"),
    ("DSL", "a"), ("USB", "a"), ("LADO", "a"), ("SENCO", "a"), ("umbrella", "an"),
    ("update", "an"), ("unit", "a"), ("university", "a"), ("European body", "a"),
    ("iPad", "an"), ("home", "a"), ("apple", "an"),
])
def test_a_or_an_follows_the_first_sound(word: str, article: str) -> None:
    assert ("an" if takes_an(word) else "a") == article
    assert substitute("Give an organisation", entries(organisation=word)) == \
        f"Give {article} {word}"


def near(text: str, **terms: str) -> list[str]:
    found = entries(**terms)
    forms = term_forms(found)
    misses = NearMisses(forms, missing_forms(found))
    Substituter(forms, misses)(text, "page", "email/work-account")
    return [s.message for s in misses.sightings()]


def said(phrase: str, term: str = CYP, where: str = "email/work-account") -> str:
    return (f"'{phrase}' ({where}) looks like the term '{term}' but was not replaced; add it "
            "to terminology if it should be")


@pytest.mark.parametrize(("text", "found"), [
    ("children or young people", ["children or young people"]),
    ("Ask the child or young person", ["child or young person"]),
    ("children and/or young people", ["children and/or young people"]),
    ("young people and children", ["young people and children"]),
    ("young person or child", ["young person or child"]),
    ("children and other young people", ["children and other young people"]),
    ("a child, a young person or an adult", ["child, a young person"]),
    ("childern and young people", ["childern and young people"]),
    ("children and yung people", ["children and yung people"]),
    ("children and young peple", ["children and young peple"]),
    ("children and young people, children, young people", []),
    ("children and families. Young people too", []),
    ("children in care and adults", []),
])
def test_near_misses_of_a_two_part_term(text: str, found: list[str]) -> None:
    assert near(text, children_and_young_people="pupils") == [said(p) for p in found]


def test_a_missing_number_and_a_count_of_places_are_reported() -> None:
    found = entries(workers="staff")
    forms = term_forms(found)
    misses = NearMisses(forms, missing_forms(found))
    substitute = Substituter(forms, misses)
    for place in ("email/a", "email/b", "email/c", "mobile/d", "email/a"):
        substitute("A youth worker talks to a co-worker and to workers.", "email", place)
    assert [s.message for s in misses.sightings()] == [said(
        "worker", "workers", "5 times: email/a, email/b, email/c and 1 more")]


def test_near_misses_are_warnings_naming_the_entry_and_place() -> None:
    pub = base({"content/topics/email.yaml": (
        "personal-account: Don't use your personal email account to contact a child.",
        "personal-account: Don't email children or young people from a personal account.")})
    adapted = adapt(f"terminology:\n  {CYP}: pupils\n", pub)
    assert [f"{w.location}: {w.severity.value}: {w.message}" for w in adapted.warnings] == [
        f"{FILE}:4:3: warning: " + said("children or young people", where=
                                        "email/personal-account")]



def test_variants_with_the_same_terms_each_get_their_own_counts_and_warnings() -> None:
    """Scans of the base prose are shared between variants with the same terms (for speed):
    each variant must still count its own replacements and name its own file and line."""
    text = "Ask workers and children or young people; a worker helps workers."
    results = []
    for line in (3, 9):
        found = [Edit("workers", "staff", Location(FILE, line, 3)),
                 Edit(CYP, "pupils", Location(FILE, line + 1, 3))]
        forms = term_forms(found)
        misses = NearMisses(forms, missing_forms(found))
        substitute = Substituter(forms, misses)
        replaced = [substitute(text, area, f"{area}/x") for area in ("email", "email", "mobile")]
        counts = {form.term: dict(count) for form, count in substitute.results()}
        results.append((replaced[0], counts, [(s.entry.location.line, s.message)
                                              for s in misses.sightings()]))
    first, second = results
    assert first[0] == "Ask staff and children or young people; a worker helps staff."
    assert first[0] == second[0] and first[1] == second[1]
    assert first[1]["workers"] == {"email": 4, "mobile": 2}
    assert [line for line, _ in first[2]] == [3, 4] and [line for line, _ in second[2]] == [9, 10]
    assert [message for _, message in first[2]] == [message for _, message in second[2]] == [
        said("worker", "workers", "3 times: email/x, mobile/x"),
        said("children or young people", where="3 times: email/x, mobile/x")]

# The whole default guidance, built as a site for a school that says "pupils".

def test_a_school_saying_pupils_gets_no_old_forms_in_its_site(default_project: Path,
                                                               tmp_path: Path) -> None:
    folder = default_project / "variants" / "school"
    folder.mkdir(parents=True)
    (folder / "variant.yaml").write_text(
        f"organisation:\n  name: Oakfield Primary School\nterminology:\n  {CYP}: pupils\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--project", str(default_project), "--variant",
                                       "school", "--format", "site", "--out", str(out),
                                       "--today", "2026-12-01"])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("looks like the term") == 2
    assert said("child or young person", where="2 times: images/consent-needed, "
                "glossary/grooming").replace("'", "") in result.stderr.replace("'", "")
    reported = ["child or young person"]
    texts = {page: visible_text(parse(page)) for page in html_pages(out)}
    # Kept as written: the titles of cited documents and the publisher's own statement.
    kept = ["Safer Recruitment Consortium", "UK Council for Internet Safety",
            "Co-operating to Safeguard Children and Young People",
            'may say "staff" and "pupils"', "Keeping children safe"]
    for page, text in texts.items():
        if page.stem == "adaptation":
            continue  # the record of the changes names the term it replaced
        lowered = text.lower()
        for old in (CYP, "children, young people", "children/young people",
                    "child or young person", "child and young person"):
            for at in _all(lowered, old):
                context = text[max(0, at - 120):at + 160]
                assert old in reported or any(k.lower() in context.lower() for k in kept), \
                    (page.name, context)
    home = texts[out / "index.html"]
    assert "E-safety guidance for everyone who works with pupils and families in " \
        "Northshire" in home
    email_page = next(t for p, t in texts.items() if p.parent.name == "email"
                      or p.stem == "email")
    assert "Don't email pupils, their parents or carers, or adults at risk from your " \
        "personal email account." in email_page


def _all(text: str, phrase: str) -> list[int]:
    found, at = [], text.find(phrase)
    while at >= 0:
        found.append(at)
        at = text.find(phrase, at + 1)
    return found
