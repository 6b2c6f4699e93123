"""A new edition of guidance in English and Welsh (issue 15 with issue 10), end to end through
the CLI: the board's record of an edition keeps each language's words, so the Welsh pages have
their own "What changed in this edition" (the English page's twin), a change to the Welsh
words alone shows there and not on the English page, and a local copy is told when the board
reworded, in Welsh only, an item the copy rewords."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from site_helpers import parse, visible_text
from test_bilingual_content import bilingual, edit  # noqa: F401 - the fixture
from test_bilingual_variant import VARIANT, run, write_variant

from policygen import BuildOptions, build
from policygen.cli import main
from policygen.render.search import index_edition
from policygen.source.content import load_content
from policygen.variants.editions import format_record

TODAY = "2026-12-01"
WELSH_BEFORE = "Mae eich rheolwr yn gwybod pa gyfrif rydych chi'n ei ddefnyddio."
WELSH_AFTER = "Mae eich rheolwr llinell yn gwybod pa gyfrif rydych chi'n ei ddefnyddio."
POOR_BEFORE = ("You use your personal account without your manager knowing.",
               "Rydych chi'n defnyddio eich cyfrif personol heb i'ch rheolwr wybod.")
POOR_AFTER = ("You use your personal account and your manager does not know.",
              "Rydych chi'n defnyddio eich cyfrif personol ac nid yw eich rheolwr yn gwybod.")


@pytest.fixture
def project(bilingual: Path) -> Path:  # noqa: F811 - the fixture, imported
    """The small English and Welsh example, safe to edit."""
    return bilingual


def record_edition(project: Path) -> dict[str, object]:
    code, out = run(project, "edition")
    assert code == 0, out
    path = project / "content" / "editions" / "2026-01-10.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def new_edition(project: Path) -> None:
    """The edition of 20 November 2026: one item reworded in both languages, one in Welsh
    only (a better translation; the English stays as it was)."""
    edit(project, "publication.yaml", "  published: 2026-01-10\n",
         "  published: 2026-01-10\n  last_updated: 2026-11-20\n")
    edit(project, "publication.yaml", "revisions:\n", "revisions:\n  - date: 2026-11-20\n"
         "    version: \"1.1\"\n    summary:\n      en: Email brought up to date.\n"
         "      cy: Diweddarwyd yr adran e-bost.\n")
    edit(project, "topics/email.yaml", WELSH_BEFORE, WELSH_AFTER)
    for before, after in zip(POOR_BEFORE, POOR_AFTER, strict=True):
        edit(project, "topics/email.yaml", before, after)


def test_the_record_of_a_bilingual_edition_keeps_both_languages_words(project: Path) -> None:
    record = record_edition(project)
    assert record["languages"] == ["en", "cy"]
    items = {item["id"]: item for item in record["items"]}  # type: ignore[attr-defined]
    assert items["email/work-account"]["text"] == {
        "en": "Use the account your organisation gives you; read the AUP.",
        "cy": "Defnyddiwch y cyfrif y mae eich sefydliad yn ei roi i chi; darllenwch y PDD."}
    assert items["email/work-account"]["poster"] == {
        "en": "Use your work account.", "cy": "Defnyddiwch eich cyfrif gwaith."}
    assert items["email/manager-knows"]["text"]["cy"] == WELSH_BEFORE
    assert "poster" not in items["email/manager-knows"]


def test_the_welsh_pages_say_in_welsh_what_the_edition_changed(project: Path,
                                                               tmp_path: Path) -> None:
    record_edition(project)
    new_edition(project)
    out = tmp_path / "site"
    code, output = run(project, "build", "--format", "site", "--out", str(out),
                       "--today", TODAY)
    assert code == 0, output
    english, welsh = parse(out / "what-changed.html"), parse(out / "cy" / "what-changed.html")
    assert welsh.html["lang"] == "cy" and english.html["lang"] == "en"
    # Each page links to its twin, as every other page does.
    assert english.find("link", hreflang="cy")["href"].endswith("cy/what-changed.html")
    assert welsh.find("link", hreflang="en")["href"].endswith("what-changed.html")
    english_text, welsh_text = visible_text(english), visible_text(welsh)
    # The English page: only the item whose English words changed.
    assert POOR_AFTER[0] in english_text and POOR_BEFORE[0] in english_text
    assert "email/manager-knows" not in str(english.find("main"))
    # The Welsh page: both, in Welsh, with the Welsh words then and now.
    for text in (POOR_BEFORE[1], POOR_AFTER[1], WELSH_BEFORE, WELSH_AFTER):
        assert " ".join(text.split()) in welsh_text, text
    assert POOR_AFTER[0] not in welsh_text
    assert "20 Tachwedd 2026" in welsh_text
    # Each list is named as the Welsh pages name it.
    assert [a.get_text() for a in welsh.select("main p.where a")] == ["E-bost: Arfer diogel",
                                                                 "E-bost: Arfer gwael"]
    changed = welsh.find("ins", string=lambda s: s and "llinell" in s)
    assert changed is not None, "the Welsh word put in is marked"
    home = parse(out / "cy" / "index.html")
    assert home.find("a", href="what-changed.html") is not None


def test_a_record_of_english_words_only_gives_the_welsh_pages_no_changes_page(
        project: Path, tmp_path: Path) -> None:
    """An edition recorded before records kept the Welsh: the Welsh page cannot be made
    honestly (its words then are not known), so it is left out, and the English one too is
    kept (it has what it needs)."""
    record = record_edition(project)
    path = project / "content" / "editions" / "2026-01-10.yaml"
    del record["languages"]
    for item in record["items"]:  # type: ignore[attr-defined]
        item["text"] = item["text"]["en"]
        if "poster" in item:
            item["poster"] = item["poster"]["en"]
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    new_edition(project)
    out = tmp_path / "site"
    code, output = run(project, "build", "--format", "site", "--out", str(out),
                       "--today", TODAY)
    assert code == 0, output
    assert POOR_AFTER[0] in visible_text(parse(out / "what-changed.html"))
    assert not (out / "cy" / "what-changed.html").exists()


def approved_school(project: Path) -> Path:
    """The school's copy approved against the edition of 10 January 2026, which the board
    recorded; then the board's edition of 20 November 2026."""
    write_variant(project, VARIANT)
    code, out = run(project, "approve", "school", "--by", "The subgroup", "--date",
                    "2026-02-01")
    assert code == 0, out
    record_edition(project)
    new_edition(project)
    return project / "variants" / "school" / "variant.yaml"


def test_a_copy_is_told_when_the_board_rewords_in_welsh_an_item_it_rewords(
        project: Path) -> None:
    school = approved_school(project)
    code, out = run(project, "check", "--today", TODAY)
    assert code == 0, out
    lines = school.read_text().splitlines()
    line = lines.index("    email/manager-knows:") + 1
    assert (f"variants/school/variant.yaml:{line}:5: warning: the base guidance has reworded "
            "'email/manager-knows' in Welsh since the edition of 10 January 2026 that your "
            "change to it was made against") in out
    code, out = run(project, "changes", "school")
    assert code == 0, out
    flat = " ".join(out.split())
    assert ("reworded email/manager-knows in Welsh then: " + WELSH_BEFORE + " now: "
            + WELSH_AFTER + " yours: Mae'r pennaeth yn gwybod") in flat
    # The item reworded in both languages is told once, in English, as before.
    assert flat.count("reworded email/personal then:") == 1
    assert "email/personal in Welsh" not in flat


def rebase(project: Path, answers: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["rebase", "school", "--project", str(project),
                                       "--date", TODAY], input=answers)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    return result.exit_code, result.output


def test_rebase_edit_asks_the_words_in_each_language_enter_keeping_them(
        project: Path) -> None:
    school = approved_school(project)
    welsh = "Mae'r pennaeth a'r rheolwr llinell yn gwybod pa gyfrif rydych chi'n ei ddefnyddio."
    # English: Enter keeps the words the copy has; Welsh: new words.
    code, out = rebase(project, f"edit\n\n{welsh}\ny\n")
    assert code == 0, out
    assert "your new words in English [The head teacher knows which account you use.]" in out
    assert "your new words in Welsh [Mae'r pennaeth yn gwybod" in out
    assert "run policygen notify school" in out
    reword = yaml.safe_load(school.read_text(encoding="utf-8"))["items"]["reword"]
    assert reword["email/manager-knows"] == {
        "en": "The head teacher knows which account you use.", "cy": welsh}
    code, out = run(project, "check", "--today", TODAY)
    assert code == 0, out
    assert "email/manager-knows' in Welsh" not in out  # told once, then pinned by the rebase
    code, out = run(project, "build", "--variant", "school", "--format", "site", "--out",
                    str(project / "out"), "--today", TODAY)
    assert code == 0, out
    page = visible_text(parse(project / "out" / "cy" / "topics" / "email.html"))
    assert welsh in page


def test_rebase_take_takes_the_boards_words_in_every_language(project: Path) -> None:
    school = approved_school(project)
    code, out = rebase(project, "take\ny\n")
    assert code == 0, out
    data = yaml.safe_load(school.read_text(encoding="utf-8"))
    assert "reword" not in data["items"]
    assert data["items"]["add"][0]["id"] == "class-laptops"  # the rest stays


def test_the_earlier_edition_stays_readable_in_welsh_too(project: Path, tmp_path: Path) -> None:
    """Each language keeps its earlier editions in its own folder (cy/editions/DATE/), every
    page linked to its twin and to the same page now, and not searched."""
    record_edition(project)
    new_edition(project)
    out = tmp_path / "site"
    build(BuildOptions(project, out, date(2026, 12, 1), frozenset({"site", "search"})))
    english = sorted(p.relative_to(out / "editions").as_posix()
                     for p in (out / "editions").rglob("*.html"))
    welsh = sorted(p.relative_to(out / "cy" / "editions").as_posix()
                   for p in (out / "cy" / "editions").rglob("*.html"))
    assert english == welsh and "2026-01-10/topics/email.html" in welsh
    old = out / "cy" / "editions" / "2026-01-10" / "topics" / "email.html"
    page = parse(old)
    assert page.html["lang"] == "cy"
    text = visible_text(page)
    assert ("Mae argraffiad newydd wedi disodli’r argraffiad hwn. Dyma argraffiad 10 Ionawr "
            "2026") in text
    assert POOR_BEFORE[1] in text and POOR_AFTER[1] not in text
    now = page.find("div", id="superseded").find("a")
    assert (old.parent / now["href"]).resolve() == (out / "cy" / "topics" / "email.html")
    twin = page.find("a", hreflang="en")
    assert (old.parent / twin["href"]).resolve() == \
        out / "editions" / "2026-01-10" / "topics" / "email.html"
    assert page.find("link", rel="canonical")["href"] == \
        "https://guidance.example.org/cy/editions/2026-01-10/topics/email.html"
    # The Welsh "About" page's link to it leads to it.
    about = parse(out / "cy" / "about.html")
    link = about.find("a", href="editions/2026-01-10/index.html")
    assert link is not None and (out / "cy" / link["href"]).is_file()
    # The Welsh search index holds the Welsh pages of now only.
    current = {p.relative_to(out / "cy").as_posix(): p.read_bytes()
               for p in (out / "cy").rglob("*.html")
               if not p.relative_to(out / "cy").as_posix().startswith("editions/")}
    bundle = index_edition(current)
    assert bundle == {name: (out / "cy" / name).read_bytes() for name in bundle}


def test_recording_again_over_a_record_of_the_english_words_only_leaves_it_and_says_so(
        project: Path) -> None:
    """A record an earlier policygen wrote (the English words only) is the same edition: it is
    not taken for a change to the guidance, nor written over."""
    pub = load_content(project).publication
    path = project / "content" / "editions" / "2026-01-10.yaml"
    path.parent.mkdir(parents=True)
    old = format_record(replace(pub, twins=()), date(2026, 1, 10))
    path.write_text(old, encoding="utf-8")
    code, out = run(project, "edition")
    assert code == 0, out
    assert ("already records this edition, with its words in English only (as policygen wrote "
            "records before December 2026), and is left as it is; its files were kept with it") in " ".join(out.split())
    assert path.read_text(encoding="utf-8") == old
    # The content's copy, for the edition's pages once superseded, is kept as usual.
    assert (project / "content" / "editions" / "2026-01-10" / "topics" / "email.yaml").is_file()
