"""The parts of the translator's round trip on their own: Markdown as words and marks, and a
twin written into a YAML file with everything else kept as it was."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from policygen.errors import Location, OutputError
from policygen.source.inline import Code, Pair, markdown_of, matched, pieces
from policygen.source.intake import take_in
from policygen.source.translations import TranslationRecord
from policygen.source.twins import Twin, TwinText
from policygen.source.xliff import OutUnit, read_xliff, xliff_bytes
from policygen.source.yamledit import with_twin

MARKDOWN = st.text(alphabet=st.sampled_from(list("ab \n\t*_`[]()<>#-+1.:\\")), max_size=60)


@given(st.lists(MARKDOWN.filter(bool) | st.sampled_from(["[a](b)", "**x**", "`c`", "\n\n- "]),
                max_size=8).map("".join))
def test_the_pieces_of_any_text_are_the_text_exactly(text: str) -> None:
    assert markdown_of(pieces(text)) == text


def test_links_code_emphasis_and_breaks_are_marks_and_the_rest_is_words() -> None:
    assert pieces("First.\n\n- see the [AUP](glossary:aup), *now*\n- `code` <https://e.org/>") \
        == ("First.", Code("1", "\n\n- ", "fmt"), "see the ",
            Pair("2", "[", "](glossary:aup)", "link", ("AUP",)), ", ",
            Pair("3", "*", "*", "fmt", ("now",)), Code("4", "\n- ", "fmt"),
            Code("5", "`code`", "other"), " ", Code("6", "<https://e.org/>", "link"))
    # A line break within a paragraph, an escaped star and snake_case are words.
    assert pieces("one\ntwo \\*three\\* snake_case_name") == \
        ("one\ntwo \\*three\\* snake_case_name",)


def test_a_translations_marks_take_the_source_ids_and_a_lost_address_keeps_its_words() -> None:
    source = pieces("Read the [AUP](glossary:aup) and *this*.")
    old = pieces("Darllenwch *hwn* a'r [PDD](glossary:old).")
    assert matched(old, source) == ("Darllenwch ", Pair("2", "*", "*", "fmt", ("hwn",)),
                                    " a'r ", "PDD", ".")


LAYOUT = """\
# The topic's title, as the menu shows it.
title: Email   # short
intro: |
  First paragraph,
  wrapped.

  Second.

items:
  a:
    en: |
      Block.
    cy: Hen.
  b: Plain b
  c:
    text: Cee
    poster: Cee poster
aliases: [One, Two]
docs:
  - Doc one
end: x
"""


@pytest.mark.parametrize(("path", "words", "expected"), [
    (("title",), "E-bost", "title:\n  en: Email   # short\n  cy: E-bost\nintro: |"),
    (("intro",), "Paragraff,\nllinell.\n\nAil.",
     "intro:\n  en: |\n    First paragraph,\n    wrapped.\n\n    Second.\n"
     "  cy: |\n    Paragraff,\n    llinell.\n\n    Ail.\n\nitems:"),
    (("items", "a"), "Newydd: gyda colon", "    en: |\n      Block.\n"
     "    cy: \"Newydd: gyda colon\"\n  b: Plain b"),
    (("items", "b"), "Bî", "  b:\n    en: Plain b\n    cy: Bî\n  c:"),
    (("items", "c", "text"), "Cî", "    text:\n      en: Cee\n      cy: Cî\n    poster: Cee"),
    (("aliases", 1), "Dau", "aliases: [One, {en: Two, cy: \"Dau\"}]"),
    (("docs", 0), "Dogfen", "docs:\n  - en: Doc one\n    cy: Dogfen\nend: x"),
])
def test_a_twin_goes_beside_its_text_and_the_rest_stays(path: tuple[str | int, ...],
                                                         words: str, expected: str) -> None:
    text = with_twin(LAYOUT, path, "cy", "en", words)
    assert expected in text
    assert text.startswith("# The topic's title, as the menu shows it.\n")
    data, before = yaml.safe_load(text), yaml.safe_load(LAYOUT)
    node = data
    for part in path:
        node = node[part]
    assert node["cy"].rstrip("\n") == words
    assert {k: v for k, v in data.items() if k != path[0]} == \
        {k: v for k, v in before.items() if k != path[0]}


def test_an_edit_that_would_not_read_back_is_refused() -> None:
    with pytest.raises(OutputError, match="make it by hand"):
        with_twin(LAYOUT, ("nowhere",), "cy", "en", "Dim")


@given(st.lists(MARKDOWN | st.sampled_from(["[a](https://e.org/?a=1&b=2)", "**x**", "`<c>`",
                                            "\n\n- ", " & ", "ŵ"]), max_size=8)
       .map("".join).map(str.strip).filter(bool))
def test_any_text_comes_back_from_an_xliff_file_as_it_went(text: str) -> None:
    """Out as source and target, read back, marks put back from the text: nothing lost."""
    unit = OutUnit("content/x.yaml", "t", text, text, (), "translated")
    document = read_xliff(xliff_bytes([unit], "en", "cy"), "back.xlf")
    twin = TwinText("content/x.yaml", ("t",), "the text", Location("content/x.yaml", 1),
                    (Twin("en", text, Location("content/x.yaml", 1)),))
    intake = take_in(document, "back.xlf", (twin,), ("en", "cy"),
                     lambda language: TranslationRecord(language, {}))
    assert intake.problems == []
    assert [arrival.words for arrival in intake.arrivals] == [text]
