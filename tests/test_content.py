"""Validation: every class of content error names file, line and what was expected."""

from __future__ import annotations

import textwrap

import pytest
from conftest import MINIMAL

from policygen.errors import ContentError
from policygen.source.content import parse_content

EMAIL = "content/topics/email.yaml"
PUB = "content/publication.yaml"


def minimal() -> dict[str, str]:
    """The minimal valid project as {path: text}, ready to edit."""
    return {name: textwrap.dedent(text) for name, text in MINIMAL.items()}


def errors_for(files: dict[str, str]) -> list[str]:
    with pytest.raises(ContentError) as caught:
        parse_content(files)
    return [f"{p.location}: {p.message}" for p in caught.value.problems if p.is_error]


def test_minimal_content_is_valid() -> None:
    loaded = parse_content(minimal())
    pub = loaded.publication
    assert [t.id for t in pub.topics] == ["email"]
    assert [item.id for item in pub.topics[0].practice[0].items] == ["email/work-account"]
    assert pub.topics[0].practice[1].consequences[0].text.startswith("Breaking the AUP")


CASES = [
    ("unknown field", {EMAIL: ("summary:", "sumary:")},
     f"{EMAIL}:2:1: unknown field 'sumary' in the topic 'email' (did you mean 'summary'?); "
     "expected one of: title, summary, practice, in_place, intro, headline, scope, preamble"),
    ("missing required field", {EMAIL: ("title: Email\n", "")},
     f"{EMAIL}:1:1: the topic 'email' is missing the required field 'title'"),
    ("empty required field", {EMAIL: ("title: Email", "title:")},
     f"{EMAIL}:1:1: the field 'title' in the topic 'email' is empty"),
    ("wrong type", {EMAIL: ("title: Email", "title: [Email, Mail]")},
     f"{EMAIL}:1:8: the title should be text, found a list"),
    ("impossible date", {PUB: ("published: 2026-01-10", "published: 2025-02-30")},
     f"{PUB}:13:14: the date 'published' '2025-02-30' is not a real date "
     "(day is out of range for month)"),
    ("badly written date", {PUB: ("next_review: 2027-01-10", "next_review: 10/01/2027")},
     f"{PUB}:14:16: the date 'next_review' should be a date written YYYY-MM-DD "
     "(like 2026-09-14), found '10/01/2027'"),
    ("duplicate id across levels", {EMAIL: ("manager-knows:", "work-account:")},
     f"{EMAIL}:11:7: the id 'work-account' is used twice (first on line 8); ids must be unique"),
    ("duplicate id across summary lists", {"content/summary.yaml": ("personal-phone:", "privacy:")},
     "content/summary.yaml:8:5: the id 'privacy' is used twice (first on line 4); ids must be unique"),
    ("duplicate key", {EMAIL: ("manager-knows: Your", "personal: Your\n      personal: Your")},
     f"{EMAIL}:12:7: duplicate key 'personal' (first used on line 11); each key may appear only once"),
    ("bad id", {EMAIL: ("work-account:", "Work Account:")},
     f"{EMAIL}:8:7: 'Work Account' is not a valid id in the items of the 'best' practice level: "
     "use lower-case letters, digits and hyphens, like 'personal-account'"),
    ("glossary link to nothing", {EMAIL: ("read the AUP.", "read the [policy](glossary:aupp).")},
     f"{EMAIL}:8: the link 'glossary:aupp' points at a glossary term that does not exist "
     "(did you mean 'aup'?)"),
    ("topic link to nothing", {"content/guidelines.yaml": ("worries you.", "worries you. See [mail](topic:emial).")},
     "content/guidelines.yaml:3: the link 'topic:emial' points at a topic that does not exist "
     "(did you mean 'email'?)"),
    ("page link to nothing", {"content/reporting.yaml": ("Tell someone.", "Tell someone. See [x](page:reportin).")},
     "content/reporting.yaml:1: the link 'page:reportin' points at a page that does not exist "
     "(did you mean 'reporting'?)"),
    ("empty topic", {EMAIL: ("practice:\n  best:\n    items:\n      work-account: Use the account your organisation gives you; read the AUP.\n  safe:\n    items:\n      manager-knows: Your manager knows which account you use.\n    shared_consequences: [breach]\n  poor:\n    items:\n      personal: You use your personal account without your manager knowing.\n",
                             "practice:\n  best:\n    items: {}\n  safe:\n    items: {}\n  poor:\n    items: {}\n")},
     f"{EMAIL}:1:1: the topic 'email' has no practice items; each of best, safe and poor needs at least one"),
    ("consequence on best practice", {EMAIL: ("  safe:\n    items:", "    consequences:\n      x: y\n  safe:\n    items:")},
     f"{EMAIL}:9:5: best practice has no consequences; put them on the safe or poor level "
     "they warn about"),
    ("unknown shared consequence", {EMAIL: ("[breach]", "[breech]")},
     f"{EMAIL}:12:26: no shared consequence with the id 'breech' in consequences.yaml "
     "(did you mean 'breach'?)"),
    ("topic listed but missing", {PUB: ("topics: [email]", "topics: [email, gaming]")},
     f"{PUB}:26:9: the topic 'gaming' is listed but there is no file content/topics/gaming.yaml"),
    ("topic file not listed", {PUB: ("topics: [email]", "topics: []")},
     f"{PUB}:26:9: content/topics/email.yaml is not listed in 'topics'; add 'email' where it should appear"),
    ("unknown permission", {PUB: ("permission: free", "permission: maybe")},
     f"{PUB}:21:19: unknown permission 'maybe' in the adaptation rule 'free'; expected one of: free, notify, forbidden"),
    ("bad web address", {"content/sources.yaml": ("https://www.nspcc.org.uk/", "www.nspcc.org.uk")},
     "content/sources.yaml:7:14: the url of the source 'nspcc' should be a web address starting with https://, found 'www.nspcc.org.uk'"),
]


@pytest.mark.parametrize(("name", "edits", "expected"), CASES, ids=[c[0] for c in CASES])
def test_content_error_names_file_line_and_expectation(
        name: str, edits: dict[str, tuple[str, str]], expected: str) -> None:
    files = minimal()
    for path, (old, new) in edits.items():
        assert old in files[path], f"fixture text {old!r} not in {path}"
        files[path] = files[path].replace(old, new, 1)
    assert expected in errors_for(files)


def test_missing_file_is_named() -> None:
    files = minimal()
    del files["content/legal.yaml"]
    assert errors_for(files) == ["content/legal.yaml: the file content/legal.yaml is missing; "
                                 "every publication needs it (see docs/content-format.md)"]


def test_every_problem_is_reported_sorted_by_file_and_line() -> None:
    files = minimal()
    files[EMAIL] = files[EMAIL].replace("summary:", "sumary:").replace("in_place:", "in_plase:")
    files[PUB] = files[PUB].replace("2027-01-10", "2027-13-10")
    errors = errors_for(files)
    assert [e.split(": ")[0] for e in errors] == [f"{PUB}:14:16", f"{EMAIL}:2:1", f"{EMAIL}:16:1"]


def test_text_that_looks_like_yes_or_no_stays_as_written() -> None:
    files = minimal()
    files[EMAIL] = files[EMAIL].replace("title: Email", "title: no")
    assert parse_content(files).publication.topics[0].title == "no"


def test_unknown_file_in_content_is_reported() -> None:
    files = minimal()
    files["content/glosary.yaml"] = "terms: {}\n"
    assert any(e.startswith("content/glosary.yaml: policygen does not know this file")
               for e in errors_for(files))


def test_error_format_shows_source_line_and_caret() -> None:
    files = minimal()
    files[EMAIL] = files[EMAIL].replace("summary:", "sumary:")
    with pytest.raises(ContentError) as caught:
        parse_content(files)
    assert str(caught.value).splitlines()[:3] == [
        f"{EMAIL}:2:1: error: unknown field 'sumary' in the topic 'email' (did you mean "
        "'summary'?); expected one of: title, summary, practice, in_place, intro, headline, "
        "scope, preamble",
        "    sumary: Use your work account.",
        "    ^",
    ]


def test_a_core_glossary_term_nobody_uses_is_a_warning() -> None:
    assert parse_content(minimal()).warnings == ()
    files = minimal()
    files["content/guidelines.yaml"] = files["content/guidelines.yaml"].replace(
        "  grooming-signs: Learn the signs of grooming.\n", "")
    loaded = parse_content(files)
    assert [f"{p.location}: {p.severity.value}: {p.message}" for p in loaded.warnings] == [
        "content/glossary.yaml:6:3: warning: the glossary term 'grooming' is not used anywhere "
        "in the guidance"]
