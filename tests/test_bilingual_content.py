"""Content in English and Welsh (issue 15): every text with its twin, read once per language."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

from policygen.cli import main
from policygen.errors import ContentError
from policygen.source.content import load_content

BILINGUAL = REPO / "tests" / "data" / "bilingual"


@pytest.fixture
def bilingual(tmp_path: Path) -> Path:
    """A copy of the small bilingual example, with the shipped templates, safe to edit."""
    root = tmp_path / "bilingual"
    shutil.copytree(BILINGUAL, root)
    shutil.copytree(REPO / "templates", root / "templates")
    return root


def edit(project: Path, name: str, old: str, new: str) -> None:
    path = project / "content" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def check_errors(project: Path) -> list[str]:
    result = CliRunner().invoke(main, ["check", "--project", str(project)])
    assert result.exit_code == 1, result.output
    return [line for line in result.stderr.splitlines() if ": error: " in line]


def test_each_language_is_a_whole_publication_item_for_item() -> None:
    pub = load_content(BILINGUAL).publication
    welsh = pub.in_language("cy")
    assert pub.languages == ("en", "cy") and pub.language == "en" and welsh.language == "cy"
    assert (pub.title, welsh.title) == ("Test guidance", "Canllawiau prawf")
    english_item, welsh_item = (p.topics[0].practice[0].items[0] for p in (pub, welsh))
    assert english_item.id == welsh_item.id == "email/work-account"
    assert (english_item.poster, welsh_item.poster) == ("Use your work account.",
                                                        "Defnyddiwch eich cyfrif gwaith.")
    # Addresses, phone numbers and codes are written once and are the same in both.
    assert welsh.reporting.contacts[0].phone == pub.reporting.contacts[0].phone == "0800 1111"
    assert welsh.sources.groups[0].sources[0].url == "https://www.nspcc.org.uk/"
    assert welsh.adaptation.rules[0].permission == "free"
    assert [t.term for t in welsh.glossary.terms] == ["PDD", "meithrin perthynas amhriodol"]
    assert welsh.twins == () and pub.in_language("en") is pub


def test_every_missing_twin_is_an_error_with_its_line_key_path_and_a_count_per_file(
        bilingual: Path) -> None:
    edit(bilingual, "topics/email.yaml", "  cy: E-bost\n", "")
    edit(bilingual, "topics/email.yaml",
         "      manager-knows:\n        en: Your manager knows which account you use.\n"
         "        cy: Mae eich rheolwr yn gwybod pa gyfrif rydych chi'n ei ddefnyddio.\n",
         "      manager-knows: Your manager knows which account you use.\n")
    edit(bilingual, "glossary.yaml", "      en: AUP\n", "")
    assert check_errors(bilingual) == [
        "content/glossary.yaml: error: 1 text in this file has no English (en) twin (each is "
        "listed below)",
        "content/glossary.yaml:4:7: error: no English (en) text for terms › aup › term ('term' "
        "of the glossary term 'aup'); a publication in English and Welsh needs every text in "
        "both, written under en: and cy:",
        "content/topics/email.yaml: error: 2 texts in this file have no Welsh (cy) twin (each "
        "is listed below)",
        "content/topics/email.yaml:2:3: error: no Welsh (cy) text for title (the title); a "
        "publication in English and Welsh needs every text in both, written under en: and cy:",
        "content/topics/email.yaml:22:22: error: no Welsh (cy) text for practice › safe › "
        "items › manager-knows (the item 'manager-knows' in the items of the 'safe' practice "
        "level); a publication in English and Welsh needs every text in both, written under "
        "en: and cy:",
    ]


def test_a_language_key_that_is_not_declared_is_named_with_a_suggestion(
        bilingual: Path) -> None:
    edit(bilingual, "topics/email.yaml", "  cy: E-bost\n", "  cyy: E-bost\n")
    errors = check_errors(bilingual)
    assert ("content/topics/email.yaml:3:3: error: 'cyy' is not one of the publication's "
            "languages, in the title (did you mean 'cy'?); write the text in each language "
            "under en: and cy:, the languages listed in content/publication.yaml") in errors


def test_other_problems_are_said_once_however_many_languages_read_them(
        bilingual: Path) -> None:
    edit(bilingual, "topics/email.yaml", "shared_consequences: [breach]",
         "shared_consequences: [breech]")
    assert check_errors(bilingual) == [
        "content/topics/email.yaml:26:26: error: no shared consequence with the id 'breech' in "
        "consequences.yaml (did you mean 'breach'?)"]


@pytest.mark.parametrize(("old", "new", "message"), [
    ("languages: [en, cy]", "languages: [en, cy]\nlanguage: en-GB",
     "content/publication.yaml:7:1: error: publication.yaml gives both 'language' and "
     "'languages': write 'language' for guidance in one language, or 'languages' (the first "
     "one the main language) for guidance in several"),
    ("languages: [en, cy]", "languages: [en, Welsh]",
     "content/publication.yaml:6:12: error: 'Welsh' in 'languages' is not a language tag; "
     "write a tag like en, cy or en-GB"),
    ("languages: [en, cy]", "languages: [en, cy, cy]",
     "content/publication.yaml:6:1: error: a language is listed twice in 'languages'"),
])
def test_the_languages_field_is_checked(bilingual: Path, old: str, new: str,
                                        message: str) -> None:
    edit(bilingual, "publication.yaml", old, new)
    # Until the languages are right, no text can be read in them: only this is said.
    assert check_errors(bilingual) == [message]


def test_one_language_content_written_plainly_is_read_as_before(tmp_path: Path) -> None:
    """`languages: [en-GB]` is the same publication as `language: en-GB`."""
    project = tmp_path / "default"
    shutil.copytree(REPO / "content", project / "content")
    before = load_content(project).publication
    path = project / "content" / "publication.yaml"
    path.write_text(path.read_text().replace("language: en-GB", "languages: [en-GB]"))
    after = load_content(project).publication
    assert after == before and after.twins == () and after.languages == ("en-GB",)


def test_a_text_written_by_language_in_one_language_content_is_still_refused(
        tmp_path: Path) -> None:
    project = tmp_path / "default"
    shutil.copytree(REPO / "content", project / "content")
    meta = project / "content" / "publication.yaml"  # the Welsh draft's marker taken out
    meta.write_text(meta.read_text().replace("translating:\n  cy: draft\n", ""))
    path = project / "content" / "topics" / "email.yaml"
    path.write_text(path.read_text().replace("title: Email", "title:\n  en: Email\n  cy: E-bost"))
    with pytest.raises(ContentError, match="the title should be text, found a set of fields "
                       r"\(the text in languages, en:, cy:\); but content/publication.yaml "
                       "names no language besides its own: list a language being translated "
                       "under 'translating'"):
        load_content(project)
