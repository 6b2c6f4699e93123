"""Slips an editor makes in YAML: each is reported at the line to fix, in plain words.

The slips are made in the real content/topics/email.yaml, one at a time, by editing a line
of its text, as an editor would.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from policygen.errors import ContentError, Location, Problem
from policygen.source.content import parse_content
from policygen.source.slips import find_slip
from policygen.source.yamlsrc import SourceFile, parse_yaml

REPO = Path(__file__).resolve().parents[1]
EMAIL = "content/topics/email.yaml"
# A fixed copy of the real email.yaml (as of December 2026): the slips below are made at its
# line numbers, which must not move when the guidance is reworded.
EMAIL_TEXT = (REPO / "tests" / "data" / "email-for-slips.yaml").read_text(encoding="utf-8")


def slipped(number: int, old: str, new: str, text: str = EMAIL_TEXT) -> str:
    """The text with one change made on one line (which must hold `old`)."""
    lines = text.split("\n")
    assert old in lines[number - 1], (number, lines[number - 1])
    lines[number - 1] = lines[number - 1].replace(old, new, 1)
    return "\n".join(lines)


def first_problem(text: str) -> Problem:
    _, problems = parse_yaml(SourceFile(EMAIL, text))
    assert problems
    return problems[0]


# (what the editor did, line, text on that line, what it became, the first line reported)
SLIPS = [
    ('item one space right', 23, '      written', '       written',
     "23:8: error: YAML syntax error: this line is indented 7 spaces, but the lines around it are indented 6 or 8; line it up with 'work-account:' on line 20 (6 spaces)"),
    ('item one space left', 23, '      written', '     written',
     "23:6: error: YAML syntax error: this line is indented 5 spaces, but the lines around it are indented 4 or 6; line it up with 'work-account:' on line 20 (6 spaces)"),
    ('item two spaces left', 23, '      written', '    written',
     "23:5: error: YAML syntax error: 'written-record:' is indented 4 spaces, but the lines under it are indented 8, as under 'work-account:' on line 20 (6 spaces); indent 'written-record:' 6 spaces to line it up with 'work-account:'"),
    ('text line two spaces left', 26, '          it one', '        it one',
     "26:9: error: YAML syntax error: this line has no 'name:' at its start, and it is indented 8 spaces, less than the text of 'text:' above it (10 spaces); if it is more of that text, indent it 10 spaces like the lines above"),
    ('text line one space left', 26, '          it one', '         it one',
     "26:10: error: YAML syntax error: this line of the text of 'text:' is indented 9 spaces, less than the lines above it (10 spaces); indent it 10 spaces like them"),
    ('level two spaces left', 36, '  safe:', 'safe:',
     "36:1: error: YAML syntax error: 'safe:' is indented no spaces, but the lines under it are indented 4, as under 'best:' on line 18 (2 spaces); indent 'safe:' 2 spaces to line it up with 'best:'"),
    ('level one space right', 36, '  safe:', '   safe:',
     "36:4: error: YAML syntax error: this line is indented 3 spaces, but the lines around it are indented 2 or 4; line it up with 'best:' on line 18 (2 spaces)"),
    ('level one space left', 36, '  safe:', ' safe:',
     "36:2: error: YAML syntax error: this line is indented 1 space, but the lines around it are indented 0 or 2; line it up with 'best:' on line 18 (2 spaces)"),
    ('field one space right', 22, '        poster', '         poster',
     "22:10: error: YAML syntax error: this line is indented 9 spaces, more than 'text:' on line 21 (8 spaces), so it is read as more of the text of 'text:'; line it up with 'text:' (8 spaces)"),
    ('field one space left', 22, '        poster', '       poster',
     "22:8: error: YAML syntax error: this line is indented 7 spaces, but the lines around it are indented 6 or 8; line it up with 'text:' on line 21 (8 spaces) or with 'work-account:' on line 20 (6 spaces)"),
    ('first field two spaces left', 21, '        text', '      text',
     "21:7: error: YAML syntax error: 'text:' is indented 6 spaces, as far as 'work-account:' above it, which is left empty; indent 'text:' 8 spaces like the line under it"),
    ('items moved to the margin', 19, '    items', 'items',
     "19:1: error: YAML syntax error: 'items:' is indented no spaces, but the lines under it are indented 6; indent 'items:' 4 spaces, 2 fewer than the lines under it"),
    ('item moved to the margin', 79, '  aup-personal-accounts:', 'aup-personal-accounts:',
     "79:1: error: YAML syntax error: 'aup-personal-accounts:' is indented no spaces, but the lines under it are indented 4, as under 'aup-personal-use:' on line 82 (2 spaces); indent 'aup-personal-accounts:' 2 spaces to line it up with 'aup-personal-use:'"),
    ('missing colon after an id', 20, 'work-account:', 'work-account',
     "20:7: error: YAML syntax error: 'work-account' has no ':' after it; write 'work-account:' (a name and a colon, like 'text:' on line 21)"),
    ('missing colon after items', 19, 'items:', 'items',
     "19:5: error: YAML syntax error: 'items' has no ':' after it; write 'items:' (a name and a colon, like 'work-account:' on line 20)"),
    ('missing colon after a field', 21, 'text:', 'text',
     "21:9: error: YAML syntax error: this line has no ':' after the name at its start, but the lines at this level are fields written 'name: text' (like 'poster:' on line 22); add the colon after the name, or if this is more of the text above, indent it like that text"),
    ('missing space after a colon', 21, 'text: Use', 'text:Use',
     "21:9: error: YAML syntax error: there is no space after the colon in 'text:Use'; write 'text: Use'"),
    ('missing dash', 76, 'shared_consequences: [breach-of-aup, personal-information, allegations]', 'shared_consequences:\n      - breach-of-aup\n      personal-information\n      - allegations',
     "78:7: error: YAML syntax error: this line is in a list (the lines at this level start with '- ', like line 77), but it has no '- '; add '- ' at its start"),
    ('unclosed double quote', 22, 'poster: Use', 'poster: "Use',
     '22:17: error: YAML syntax error: the text starting with " is not closed: add the closing " at the end of the text'),
    ('unclosed single quote', 21, 'text: Use', "text: 'Use",
     "21:15: error: YAML syntax error: the text starting with ' is not closed: add the closing ' at the end of the text"),
    ('apostrophe in single quotes', 11, "personal-email: Don't", "personal-email: 'Don't",
     '11:23: error: YAML syntax error: the text is in single quotes, so the apostrophe in "Don\'t" ends it; write the apostrophe twice (Don\'\'t) or put the text in double quotes ("…")'),
    ('quoted word then text', 22, 'poster: Use your work', 'poster: "Use" your work',
     '22:21: error: YAML syntax error: the text in quotes ends at this " but more text follows it; put the whole text in quotes, or use curly quotes (“ ”) for a quotation inside it'),
    ('colon in text', 22, 'poster: Use your', 'poster: Note: use your',
     '22:21: error: YAML syntax error: a colon followed by a space inside unquoted text; put the text in quotes ("…") or use a block (|)'),
    ('pasted smart quotes', 22, 'poster: Use your work email account for everything to do with work.', 'poster: “Note: use your work email account.”',
     '22:17: error: YAML syntax error: the text starts with a curly quote (“), which YAML does not treat as a quote, so the colon followed by a space inside it is not allowed; replace the curly quotes around the text with straight ones ("…")'),
    ('list item under a mapping', 23, '      written', '      - written',
     "23:7: error: YAML syntax error: this line starts with '- ' (a list entry), but the lines at this level are fields written 'name: …' (like 'work-account:' on line 20); remove the '- '"),
    ('list item for a field', 54, '    consequences:', '    - consequences:',
     "54:5: error: YAML syntax error: this line starts with '- ' (a list entry), but the lines at this level are fields written 'name: …' (like 'items:' on line 37); remove the '- '"),
    ('stray character at the start', 23, '      written', '      @written',
     "23:7: error: YAML syntax error: this line starts with '@', which cannot start a line here; delete it"),
    ('stray character after >-', 24, 'text: >-', 'text: >- x',
     "24:18: error: YAML syntax error: after '>-' nothing but a comment may follow on the same line; start the text on the next line, indented more than 'text:'"),
    ('text starting with a link', 22, 'poster: Use your work email account', 'poster: [Use](https://example.org) your work email account',
     '22:17: error: YAML syntax error: the text starts with \'[\', which YAML reads as the start of a list (ending with \']\'); put the whole text in double quotes ("…")'),
    ('text starting with emphasis', 22, 'poster: Use', 'poster: *Always* use',
     '22:17: error: YAML syntax error: the text starts with \'*\', which YAML reads as a reference to another place in the file (*name); put the whole text in double quotes ("…")'),
    ('text starting with a backtick', 22, 'poster: Use', 'poster: `Use',
     '22:17: error: YAML syntax error: the text starts with \'`\', which cannot start text that is not in quotes; put the whole text in double quotes ("…")'),
    ('tab for indentation', 22, '        poster', '\tposter',
     '22:1: error: YAML syntax error: a tab character; indent with spaces, not tabs'),
    ('unclosed bracket', 76, 'allegations]', 'allegations',
     "76:26: error: YAML syntax error: a list opened with '[' is not closed with ']'"),
]


@pytest.mark.parametrize(("slip", "line", "old", "new", "expected"), SLIPS,
                         ids=[case[0] for case in SLIPS])
def test_each_slip_is_reported_where_it_was_made(slip: str, line: int, old: str, new: str,
                                                 expected: str) -> None:
    assert first_problem(slipped(line, old, new)).format().splitlines()[0] == f"{EMAIL}:{expected}"


def test_the_slips_of_the_user_test_are_reported_at_their_own_lines() -> None:
    # The three slips of issue 11: PyYAML put them at 23:6, 27:9 and 60:3.
    assert [first_problem(slipped(*args)).location for args in (
        (23, "      written", "     written"),
        (26, "          it one", "        it one"),
        (36, "  safe:", "safe:"))] == [Location(EMAIL, 23, 6), Location(EMAIL, 26, 9),
                                      Location(EMAIL, 36, 1)]


def test_a_syntax_error_shows_the_numbered_lines_around_it() -> None:
    problem = first_problem(slipped(36, "  safe:", "safe:"))
    assert problem.format().splitlines()[1:] == [
        "    34 |         text: Use your organisation's standard signature and a display name that makes yo…",
        "    35 |         poster: Use your organisation's signature and a name that shows your role.",
        "    36 | safe:",
        "       | ^",
        "    37 |     items:",
    ]


def test_the_line_at_fault_is_shown_whole_and_the_first_line_without_lines_before() -> None:
    problem = first_problem("title Email\nsummary: x\n")
    assert problem.format().splitlines() == [
        f"{EMAIL}:1:1: error: YAML syntax error: this line has no ':' after the name at its "
        "start, but the lines at this level are fields written 'name: text'; add the colon "
        "after the name, or if this is more of the text above, indent it like that text",
        "    1 | title Email",
        "      | ^",
        "    2 | summary: x",
    ]


def test_other_problems_keep_their_one_line_form() -> None:
    problem = first_problem("title: a\ntitle: b\n")
    assert problem.format().splitlines() == [
        f"{EMAIL}:2:1: error: duplicate key 'title' (first used on line 1); each key may appear "
        "only once", "    title: b", "    ^"]


@pytest.mark.parametrize("path", sorted(
    p.relative_to(REPO).as_posix() for folder in ("content", "variants")
    for p in (REPO / folder).rglob("*.yaml")))
def test_no_slip_is_found_in_valid_content(path: str) -> None:
    text = (REPO / path).read_text(encoding="utf-8")
    assert find_slip(text, text.count("\n") + 1) is None


@pytest.mark.parametrize("text", [
    "summary:\n  Use the email account\n  for work.\nintro: x\n",
    "a: \"multi\n  line quoted\"\nb: 'it''s'\n",
    "topics:\n- a\n- b\nnext: 1\n",
    "topics: [a,\n  b]\nc: {x: 1,\n  y: 2}\n",
    "rev:\n  - date: 1\n    version: '1'\n  - date: 2\n    version: x\nz: 1\n",
    "a: |\n  x\n\n  y\nb: >+\n    deep\n  # c\n",
    "a: text # comment: here\nb: https://x.org/a:b\n",
    "a:\n  - - x\n    - y\n  - z\n",
    "a: x\n  continued text\n  more\nb: 2\n",
])
def test_no_slip_is_found_in_valid_yaml_of_other_shapes(text: str) -> None:
    assert find_slip(text, text.count("\n") + 1) is None


# Valid YAML that is a slip: a field moved to another level still parses.

def content_with(email: str) -> list[str]:
    files = {p.relative_to(REPO).as_posix(): p.read_text(encoding="utf-8")
             for p in (REPO / "content").rglob("*.yaml")
             if "editions" not in p.relative_to(REPO / "content").parts}  # policygen's records
    files[EMAIL] = email
    with pytest.raises(ContentError) as caught:
        parse_content(files)
    return [f"{p.location}: {p.message}" for p in caught.value.problems]


def test_the_real_content_reads_without_a_misplaced_field() -> None:
    files = {p.relative_to(REPO).as_posix(): p.read_text(encoding="utf-8")
             for p in (REPO / "content").rglob("*.yaml")
             if "editions" not in p.relative_to(REPO / "content").parts}  # policygen's records
    assert parse_content(files).warnings == ()


@pytest.mark.parametrize(("line", "old", "new", "expected"), [
    # poster: moved two spaces left becomes an item of its own: an extra bullet on the site
    (22, "        poster", "      poster",
     f"{EMAIL}:22:7: the item 'poster' looks like the field poster: of the item above ('work-account'), moved too far left; indent it 2 more spaces so that it sits under 'work-account', as text: does"),
    (27, "        poster", "      poster",
     f"{EMAIL}:27:7: the item 'poster' looks like the field poster: of the item above ('written-record'), moved too far left; indent it 2 more spaces so that it sits under 'written-record', as text: does"),
    # a level's field moved right becomes an item of that level
    (54, "    consequences", "      consequences",
     f"{EMAIL}:54:7: the item 'consequences' looks like the field consequences: moved too far right; line it up with 'items:' on line 37 (4 spaces)"),
    (76, "    shared_consequences", "      shared_consequences",
     f"{EMAIL}:76:7: the item 'shared_consequences' looks like the field shared_consequences: moved too far right; line it up with 'items:' on line 61 (4 spaces)"),
    # an item's poster: moved to the margin becomes a field of the topic
    (95, "    poster", "poster",
     f"{EMAIL}:95:1: 'poster' is not a field of the topic 'email': it looks like the field poster: of 'secure-email' above (line 93), moved too far left; indent it 4 more spaces so that it sits under 'secure-email', as text: does"),
    # a topic's field moved right becomes a field of 'practice'
    (78, "in_place:", "  in_place:",
     f"{EMAIL}:78:3: 'in_place' is not a field of 'practice': it looks like a field that belongs beside 'practice:' (line 17), moved too far right; line it up with 'practice:' (no spaces)"),
])
def test_a_field_moved_to_another_level_is_reported_with_the_fix(line: int, old: str, new: str,
                                                                 expected: str) -> None:
    assert expected in content_with(slipped(line, old, new))


def test_a_whole_level_moved_to_the_margin_is_reported_as_moved() -> None:
    lines = EMAIL_TEXT.split("\n")
    lines[35:59] = [line[2:] for line in lines[35:59]]  # safe: and all under it, 2 left
    assert f"{EMAIL}:36:1: 'safe' is not a field of the topic 'email': it looks like the field safe: of 'practice' above (line 17), moved too far left; indent it 2 more spaces so that it sits under 'practice', as best: does" in content_with("\n".join(lines))


def test_a_field_of_another_level_with_no_place_above_says_where_it_belongs() -> None:
    text = EMAIL_TEXT.replace("title: Email\n", "title: Email\nitems:\n  extra: An extra item.\n")
    assert f"{EMAIL}:2:1: 'items' is not a field of the topic 'email'; 'items:' belongs in a practice level (best:, safe: or poor:): check where it is and that it is indented like the fields around it; the fields of the topic 'email' are: title, summary, practice, in_place, intro, headline, scope, preamble" in content_with(text)


def test_an_item_named_like_a_field_with_nothing_above_is_reported() -> None:
    text = slipped(11, "personal-email:", "text:")
    assert f"{EMAIL}:11:3: the item 'text' has the name of a field of an item (text:); if it belongs to an item, indent it under that item's id, beside text:; otherwise give the item another id" in content_with(text)


def test_the_default_content_and_the_example_variants_check_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "policygen", "check", "--project", str(REPO)],
                            capture_output=True, text=True, cwd=REPO, check=False,
                            env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert "error" not in result.stderr
