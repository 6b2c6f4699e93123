"""A translator's round trip (issue 15 point 2), through the CLI: export what needs translating
as XLIFF 2.0, fill it as a translation tool would, import it, build; stale twins; every
problem of a returned file located, and nothing written when there is one."""

from __future__ import annotations

import copy
import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from site_helpers import parse, visible_text
from test_bilingual_content import bilingual, edit  # noqa: F401 - the fixture

from policygen.cli import main

NS = "urn:oasis:names:tc:xliff:document:2.0"
Q = f"{{{NS}}}"
TODAY = date.today().isoformat()  # import dates its backups by the day it runs


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input)


@pytest.fixture
def untranslated(bilingual: Path) -> Path:  # noqa: F811 - the fixture, imported
    """The bilingual example with four Welsh twins still to come, one with every kind of mark,
    one a text of paragraphs and a list, and a comment that must survive the import."""
    edit(bilingual, "topics/email.yaml", "  cy: E-bost\n", "")
    edit(bilingual, "topics/email.yaml", "          cy: Defnyddiwch y cyfrif y mae eich "
         "sefydliad yn ei roi i chi; darllenwch y PDD.\n", "")
    edit(bilingual, "topics/email.yaml",
         "      manager-knows:\n        en: Your manager knows which account you use.\n"
         "        cy: Mae eich rheolwr yn gwybod pa gyfrif rydych chi'n ei ddefnyddio.\n",
         "      # Agreed with the subgroup in March.\n"
         "      manager-knows: Your manager *always* knows which account you use; see the "
         "[AUP](glossary:aup) and `Settings`.\n")
    edit(bilingual, "publication.yaml", "introduction:\n  en: Why this matters.\n"
         "  cy: Pam mae hyn yn bwysig.\n",
         "introduction: |\n  Why this matters.\n\n  - to **children**\n  - to you\n")
    return bilingual


def content_bytes(project: Path) -> dict[str, bytes]:
    return {p.relative_to(project).as_posix(): p.read_bytes()
            for p in sorted((project / "content").rglob("*")) if p.is_file()}


def export(project: Path, name: str = "out.xlf", *more: str) -> tuple[Result, Path]:
    path = project.parent / name
    return run("translate", "export", "--project", str(project), "--to", str(path), *more), path


def units(path: Path) -> dict[str, ET.Element]:
    root = ET.parse(path).getroot()
    return {f"{file.get('original')} {unit.get('id')}": unit
            for file in root.iter(Q + "file") for unit in file.iter(Q + "unit")}


def welsh(text: str) -> str:
    """A stand-in translator: marks the words so the Welsh pages can be told apart."""
    return re.sub(r"[A-Za-z][\w']*", lambda m: m.group().upper(), text) if text.strip() \
        else text


def translate(path: Path, into: Path, words: Callable[[str], str] = welsh,
              state: str = "translated") -> Path:
    """Fill every target as a translation tool does: the source's tags kept, words changed."""
    ET.register_namespace("", NS)
    tree = ET.parse(path)
    for segment in tree.iter(Q + "segment"):
        for old in segment.findall(Q + "target"):
            segment.remove(old)
        target = copy.deepcopy(segment.find(Q + "source"))
        assert target is not None
        target.tag = Q + "target"
        for element in target.iter():
            element.text = words(element.text) if element.text else element.text
            if element is not target:
                element.tail = words(element.tail) if element.tail else element.tail
        segment.append(target)
        segment.set("state", state)
    tree.write(into, encoding="UTF-8", xml_declaration=True)
    return into


def import_(project: Path, path: Path, *more: str, input: str | None = None) -> Result:
    return run("translate", "import", str(path), "--project", str(project), *more, input=input)


def test_the_round_trip_brings_every_translation_in_and_leaves_nothing_to_do(
        untranslated: Path, tmp_path: Path) -> None:
    result, sent = export(untranslated)
    assert result.exit_code == 0, result.output
    assert "4 texts to translate into Welsh (4 new)" in result.output
    found = units(sent)
    assert list(found) == [
        "content/publication.yaml introduction",
        "content/topics/email.yaml title",
        "content/topics/email.yaml practice.best.items.work-account.text",
        "content/topics/email.yaml practice.safe.items.manager-knows"]
    root = ET.parse(sent).getroot()
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.0", "en", "cy")
    # The link's address and the code are out of the translator's reach, in originalData.
    marked = found["content/topics/email.yaml practice.safe.items.manager-knows"]
    source = marked.find(f"{Q}segment/{Q}source")
    assert source is not None
    assert "".join(source.itertext()) == ("Your manager always knows which account you use; "
                                          "see the AUP and .")
    assert [(e.tag.removeprefix(Q), e.get("type")) for e in source] == [
        ("pc", "fmt"), ("pc", "link"), ("ph", "other")]
    assert {d.get("id"): d.text for d in marked.iter(Q + "data")} == {
        "d1s": "*", "d1e": "*", "d2s": "[", "d2e": "](glossary:aup)", "d3": "`Settings`"}
    before = content_bytes(untranslated)

    back = translate(sent, tmp_path / "back.xlf")
    result = import_(untranslated, back, "--yes")
    assert result.exit_code == 0, result.output
    assert "The file brings 4 texts translated into Welsh." in result.output
    email = (untranslated / "content/topics/email.yaml").read_text()
    assert ("      # Agreed with the subgroup in March.\n      manager-knows:\n"
            "        en: Your manager *always* knows which account you use; see the "
            "[AUP](glossary:aup) and `Settings`.\n"
            "        cy: YOUR MANAGER *ALWAYS* KNOWS WHICH ACCOUNT YOU USE; SEE THE "
            "[AUP](glossary:aup) AND `Settings`.\n") in email
    assert "title:\n  en: Email\n  cy: EMAIL\nsummary:" in email
    intro = (untranslated / "content/publication.yaml").read_text()
    assert ("introduction:\n  en: |\n    Why this matters.\n\n    - to **children**\n"
            "    - to you\n  cy: |\n    WHY THIS MATTERS.\n\n    - TO **CHILDREN**\n"
            "    - TO YOU\n") in intro
    kept = untranslated / f"content/topics/email.yaml.before-translate-{TODAY}"
    assert kept.read_bytes() == before["content/topics/email.yaml"]
    record = (untranslated / "content/translations/cy.yaml").read_text()
    assert re.search(r"\n    practice\.safe\.items\.manager-knows: \{source: [0-9a-f]{16}, "
                     r"target: [0-9a-f]{16}\}\n", record)

    out = tmp_path / "site"
    built = run("build", "--format", "site", "--project", str(untranslated), "--out", str(out),
                "--today", "2026-10-01")
    assert built.exit_code == 0, built.output
    page = parse(out / "cy/topics/email.html")
    assert "YOUR MANAGER ALWAYS KNOWS WHICH ACCOUNT YOU USE" in visible_text(page)
    item = next(li for li in page.find_all("li") if "YOUR MANAGER" in li.get_text())
    assert item.find("em").get_text() == "ALWAYS" and item.find("code").get_text() == "Settings"
    assert item.find("a", string="AUP")["href"] == "../glossary.html#term-aup"
    assert page.find("h1").get_text(strip=True) == "EMAIL"
    home = visible_text(parse(out / "cy/index.html"))
    assert "WHY THIS MATTERS. TO CHILDREN TO YOU" in home
    assert "Your manager" in visible_text(parse(out / "topics/email.html"))  # English kept

    again, path = export(untranslated, "again.xlf")
    assert again.exit_code == 0 and "Nothing to translate into Welsh" in again.output
    assert not path.exists()


def test_a_changed_english_text_marks_its_twin_stale_and_only_it_is_sent_again(
        untranslated: Path, tmp_path: Path) -> None:
    _, sent = export(untranslated)
    assert import_(untranslated, translate(sent, tmp_path / "back.xlf"), "--yes").exit_code == 0
    edit(untranslated, "topics/email.yaml", "  en: Email\n", "  en: Email at work\n")

    checked = run("check", "--project", str(untranslated), "--today", "2026-10-01")
    assert checked.exit_code == 0, checked.output
    assert ("content/topics/email.yaml:3:7: warning: the English of the title has changed "
            "since this Welsh (cy) was translated from it, so the Welsh may no longer say the "
            "same: check it and correct it here, or send it to the translator with policygen "
            "translate export (docs/translating.md)\n      cy: EMAIL\n          ^") \
        in checked.stderr
    strict = run("check", "--strict", "--project", str(untranslated), "--today", "2026-10-01")
    assert strict.exit_code == 1
    built = run("build", "--format", "site", "--project", str(untranslated), "--out",
                str(tmp_path / "site"), "--today", "2026-10-01")
    assert built.exit_code == 0 and "content/topics/email.yaml:3:7: warning: the English of " \
        "the title has changed" in built.stderr

    result, stale = export(untranslated, "stale.xlf")
    assert "1 text to translate into Welsh (1 stale, each with its earlier translation)" \
        in result.output
    found = units(stale)
    assert list(found) == ["content/topics/email.yaml title"]
    segment = found["content/topics/email.yaml title"].find(Q + "segment")
    assert segment is not None and segment.get("state") == "initial"
    assert [e.text for e in segment] == ["Email at work", "EMAIL"]  # the earlier Welsh to work from
    notes = [n.get("category") for n in found["content/topics/email.yaml title"].iter(Q + "note")]
    assert notes == ["location", "stale"]

    # Sent back untouched, still "initial": nobody said the Welsh is right, so it stays stale.
    before = content_bytes(untranslated)
    same = import_(untranslated, stale, "--yes")
    assert "came back with the earlier translation, not marked translated" in same.output
    assert content_bytes(untranslated) == before

    fixed = translate(stale, tmp_path / "fixed.xlf", lambda t: "E-BOST YN Y GWAITH")
    assert import_(untranslated, fixed, "--yes").exit_code == 0
    checked = run("check", "--project", str(untranslated), "--today", "2026-10-01")
    assert "stale" not in checked.stderr and "may no longer say" not in checked.stderr
    assert "  cy: E-BOST YN Y GWAITH\n" in (untranslated / "content/topics/email.yaml").read_text()


def test_welsh_corrected_by_hand_with_the_english_is_not_stale(untranslated: Path,
                                                               tmp_path: Path) -> None:
    _, sent = export(untranslated)
    import_(untranslated, translate(sent, tmp_path / "back.xlf"), "--yes")
    edit(untranslated, "topics/email.yaml", "  en: Email\n  cy: EMAIL\n",
         "  en: Email at work\n  cy: E-bost yn y gwaith\n")
    checked = run("check", "--project", str(untranslated), "--today", "2026-10-01")
    assert checked.exit_code == 0 and "may no longer say" not in checked.stderr


def test_all_sends_every_text_and_bringing_it_back_records_each(untranslated: Path,
                                                                 tmp_path: Path) -> None:
    _, sent = export(untranslated)
    import_(untranslated, translate(sent, tmp_path / "back.xlf"), "--yes")
    result, every = export(untranslated, "all.xlf", "--all")
    assert result.exit_code == 0
    assert len(units(every)) == 44 and "(44 translated already)" in result.output
    back = import_(untranslated, every, "--yes")  # as it went out: each confirmed as it is
    assert "confirms 44 texts as they are" in back.output, back.output
    record = (untranslated / "content/translations/cy.yaml").read_text()
    assert record.count("{source: ") == 44


def test_nothing_is_written_when_the_editor_says_no(untranslated: Path, tmp_path: Path) -> None:
    _, sent = export(untranslated)
    before = content_bytes(untranslated)
    result = import_(untranslated, translate(sent, tmp_path / "back.xlf"), input="n\n")
    assert "+  cy: EMAIL" in result.output and "Nothing was written." in result.output
    assert content_bytes(untranslated) == before


def test_a_text_left_untranslated_stays_to_be_translated(untranslated: Path,
                                                        tmp_path: Path) -> None:
    _, sent = export(untranslated)
    text = sent.read_text()
    back = tmp_path / "back.xlf"
    translate(sent, back)
    filled = back.read_text()
    # The translator did only the title.
    title = re.search(r'<unit id="title".*?</unit>', filled, re.S)
    assert title is not None
    back.write_text(re.sub(r'<unit id="title".*?</unit>', title.group().replace("\\", r"\\"),
                           text, flags=re.S))
    result = import_(untranslated, back, "--yes")
    assert result.exit_code == 0, result.output
    assert "The file brings 1 text translated into Welsh." in result.output
    assert "3 texts in it are not translated yet" in result.output
    again, path = export(untranslated, "again.xlf")
    assert "3 texts to translate" in again.output and len(units(path)) == 3


def _broken_xml(text: str) -> str:
    return text.replace("</target>", "</targt>", 1)


def _wrong_language(text: str) -> str:
    return text.replace('trgLang="cy"', 'trgLang="ga"')


def _unknown_unit(text: str) -> str:
    return text.replace('<unit id="title"', '<unit id="titel"')


def _lost_link(text: str) -> str:
    target = text.index("<target>YOUR MANAGER")
    link = re.compile(r'<pc id="2"[^>]*>AUP</pc>')
    return text[:target] + link.sub("AUP", text[target:], count=1)


def _extra_tag(text: str) -> str:
    return text.replace("<target>EMAIL</target>", '<target>EMAIL<ph id="9" dataRef="d9" />'
                        "</target>")


def _source_changed(text: str) -> str:
    return text.replace("<source>Email</source>", "<source>E-mail</source>")


def _doctype(text: str) -> str:
    return text.replace("<xliff ", '<!DOCTYPE xliff [<!ENTITY e "x">]>\n<xliff ', 1)


def _javascript(text: str) -> str:
    return text.replace("<target>EMAIL</target>", "<target>[EMAIL](javascript:alert(1))"
                        "</target>")


def _version(text: str) -> str:
    return text.replace('version="2.0"', 'version="1.2"', 1)


def line_of(text: str, marker: str) -> int:
    return text[:text.index(marker)].count("\n") + 1


@pytest.mark.parametrize(("spoil", "marker", "message"), [
    (_broken_xml, "</targt>", "error: this is not well-formed XML (mismatched tag, at "
     "column"),
    (_wrong_language, "<xliff", "error: this file translates into 'ga', but the guidance is "
     "translated into Welsh (cy): check the target language in the translation tool"),
    (_unknown_unit, '<unit id="titel"', "error: the unit 'titel' names no text of "
     "content/topics/email.yaml (did you mean 'title'?); the unit ids are those policygen "
     "translate export wrote: keep them as they are"),
    (_lost_link, "<target>YOUR MANAGER", "error: the translation of the unit "
     "'practice.safe.items.manager-knows' of content/topics/email.yaml has lost the link to "
     "glossary:aup (tag 2); every tag of the original must be in the translation once: put "
     "it back in the translation tool, around the words it belongs to"),
    (_extra_tag, '<ph id="9"', "error: the unit 'title' of content/topics/email.yaml has a tag "
     "(ph 9) that the original text does not have; take it out"),
    (_source_changed, '<unit id="title"', "error: the English of the unit 'title' of "
     "content/topics/email.yaml is not what the guidance says now: the text has changed since "
     "the file was exported (or the translation tool changed it), so its translation was made "
     "for other words: export again and have the new file translated"),
    (_doctype, "<!DOCTYPE", "error: the file has a DOCTYPE, which a translation file does "
     "not need; policygen does not read one (it could define entities)"),
    (_javascript, "<target>[EMAIL]", "error: the translation of the unit 'title' of "
     "content/topics/email.yaml has the link 'javascript:alert(1)', which is not a web "
     "address"),
    (_version, "<xliff", "error: this XLIFF file is version '1.2'; policygen reads XLIFF 2.0 "
     "(and 2.1)"),
])
def test_each_problem_of_a_returned_file_is_located_and_nothing_is_written(
        untranslated: Path, tmp_path: Path, spoil: Callable[[str], str], marker: str,
        message: str) -> None:
    _, sent = export(untranslated)
    back = translate(sent, tmp_path / "back.xlf")
    text = spoil(back.read_text(encoding="utf-8"))
    back.write_text(text, encoding="utf-8")
    before = content_bytes(untranslated)
    result = import_(untranslated, back, "--yes")
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"{back}:{line_of(text, marker)}: {message}"), errors[0]
    assert result.stderr.rstrip().endswith("nothing was written")
    assert content_bytes(untranslated) == before  # no twin, no backup, no record


def test_every_problem_of_a_file_is_said_at_once(untranslated: Path, tmp_path: Path) -> None:
    _, sent = export(untranslated)
    back = translate(sent, tmp_path / "back.xlf")
    back.write_text(_lost_link(_unknown_unit(back.read_text())))
    result = import_(untranslated, back, "--yes")
    assert [line.split(": error: ")[1][:30] for line in result.stderr.splitlines()
            if ": error: " in line] == ["the unit 'titel' names no text",
                                        "the translation of the unit 'p"]


def test_a_guidance_in_one_language_has_nothing_to_translate(
        make_project: Callable[..., Path]) -> None:
    project = make_project()
    result = run("translate", "export", "--project", str(project))
    assert result.exit_code == 2
    assert "the guidance is in one language, so there is nothing to translate" in result.output


def test_an_export_never_writes_over_a_file(untranslated: Path) -> None:
    path = untranslated.parent / "out.xlf"
    path.write_text("the translator's returned file")
    result, _ = export(untranslated)
    assert result.exit_code == 2 and "already exists" in result.output
    assert path.read_text() == "the translator's returned file"


def test_the_same_content_exports_the_same_bytes(untranslated: Path) -> None:
    _, first = export(untranslated, "one.xlf")
    _, second = export(untranslated, "two.xlf")
    assert hashlib.sha256(first.read_bytes()).digest() == \
        hashlib.sha256(second.read_bytes()).digest()


def test_a_text_without_its_main_language_cannot_be_sent(untranslated: Path) -> None:
    edit(untranslated, "topics/email.yaml", "  en: Use your work account.\n", "")
    result, path = export(untranslated)
    assert result.exit_code == 1 and not path.exists()
    assert ("content/topics/email.yaml:4:3: error: no English (en) text for summary (the "
            "summary); a publication in English and Welsh needs every text in both") \
        in result.stderr


def test_a_damaged_record_is_an_error_of_check(untranslated: Path, tmp_path: Path) -> None:
    _, sent = export(untranslated)
    import_(untranslated, translate(sent, tmp_path / "back.xlf"), "--yes")
    (untranslated / "content/translations/cy.yaml").write_text("language: cy\ntexts: [1]\n")
    checked = run("check", "--project", str(untranslated), "--today", "2026-10-01")
    assert checked.exit_code == 1
    assert checked.stderr.startswith("content/translations/cy.yaml: error: this record of "
                                     "translations is not in the shape policygen writes")
