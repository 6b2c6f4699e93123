"""A translator's round trip for a local copy's own texts, through the CLI: a school copy of
bilingual guidance rewords an item and adds one, in English only; `translate export --variant`
sends exactly those, the Welsh comes back into variant.yaml (its comments kept), the Welsh pages
show it, a changed English is sent again as stale, and a broken file is refused at its line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from site_helpers import parse, visible_text
from test_bilingual_content import bilingual  # noqa: F401 - the fixture
from test_translate import TODAY, Q, export, import_, run, translate, units

SCHOOL = "variants/school/variant.yaml"
# A unit id is an XML name token, without '/': the item's id is written with ':'.
REWORD = f"{SCHOOL} items.reword.email:manager-knows"
ADDED = f"{SCHOOL} items.add.0.text"

VARIANT = """\
organisation:
  name:
    en: Oakfield Primary School
    cy: Ysgol Gynradd Oakfield
terminology:
  en:
    children: pupils
  cy:
    plant: disgyblion
items:
  reword:
    # Agreed with the head teacher in September.
    email/manager-knows: The head teacher knows which account you use.
  add:
    - id: class-laptops
      after: email/work-account
      text:
        en: Use only the class laptops to email parents.
"""


@pytest.fixture
def school(bilingual: Path) -> Path:  # noqa: F811 - the fixture, imported
    path = bilingual / SCHOOL
    path.parent.mkdir(parents=True)
    path.write_text(VARIANT, encoding="utf-8")
    return bilingual


def build(project: Path, out: Path) -> tuple[int, str]:
    result = run("build", "--variant", "school", "--format", "site", "--project", str(project),
                 "--out", str(out), "--today", "2026-10-01")
    return result.exit_code, result.output + (result.stderr or "")


def files_of(project: Path) -> dict[str, bytes]:
    return {p.relative_to(project).as_posix(): p.read_bytes()
            for p in sorted(project.rglob("*")) if p.is_file()}


def test_a_local_copys_own_texts_go_out_and_come_back_in_welsh(school: Path,
                                                              tmp_path: Path) -> None:
    code, output = build(school, tmp_path / "before")
    assert code == 1
    assert "variants/school/variant.yaml: error: 2 texts in this file have no Welsh (cy) " \
        "twin" in output
    assert "variants/school/variant.yaml:13:26: error: no Welsh (cy) text for items › reword " \
        "› email/manager-knows" in output

    result, sent = export(school, "school.xlf", "--variant", "school")
    assert result.exit_code == 0, result.output
    assert "2 texts to translate into Welsh (2 new)" in result.output
    found = units(sent)
    assert list(found) == [REWORD, ADDED]  # not the terms, nor the texts it has in Welsh
    notes = [n.text for n in found[ADDED].iter(Q + "note")]
    assert notes == ["the text of 'class-laptops' (variants/school/variant.yaml, line 18)"]
    base = {name: data for name, data in files_of(school).items()
            if name.startswith("content/")}

    back = translate(sent, tmp_path / "back.xlf")
    result = import_(school, back, "--yes")
    assert result.exit_code == 0, result.output
    assert "Run policygen check, then policygen build --variant school." in " ".join(
        result.output.split())
    text = (school / SCHOOL).read_text(encoding="utf-8")
    assert ("    # Agreed with the head teacher in September.\n"
            "    email/manager-knows:\n"
            "      en: The head teacher knows which account you use.\n"
            "      cy: THE HEAD TEACHER KNOWS WHICH ACCOUNT YOU USE.\n") in text
    assert ("      text:\n        en: Use only the class laptops to email parents.\n"
            "        cy: USE ONLY THE CLASS LAPTOPS TO EMAIL PARENTS.\n") in text
    assert text.startswith(VARIANT.split("items:")[0])  # the rest as the editor wrote it
    assert (school / f"{SCHOOL}.before-translate-{TODAY}").read_text() == VARIANT
    record = (school / "variants/school/translations/cy.yaml").read_text(encoding="utf-8")
    assert re.search(r"\n  variants/school/variant\.yaml:\n    items\.add\.0\.text: "
                     r"\{source: [0-9a-f]{16}, target: [0-9a-f]{16}\}\n", record)
    assert not (school / "content/translations").exists()
    assert {n: d for n, d in files_of(school).items() if n.startswith("content/")} == base

    out = tmp_path / "site"
    code, output = build(school, out)
    assert code == 0, output
    welsh_email = visible_text(parse(out / "cy/topics/email.html"))
    assert "THE HEAD TEACHER KNOWS WHICH ACCOUNT YOU USE." in welsh_email
    assert "USE ONLY THE CLASS LAPTOPS TO EMAIL PARENTS." in welsh_email
    english = visible_text(parse(out / "topics/email.html"))
    assert "The head teacher knows which account you use." in english
    assert "HEAD TEACHER" not in english

    again, path = export(school, "again.xlf", "--variant", "school")
    assert again.exit_code == 0 and "Nothing to translate into Welsh" in again.output
    assert not path.exists()


def test_a_changed_english_of_the_copy_is_sent_again_as_stale(school: Path,
                                                             tmp_path: Path) -> None:
    _, sent = export(school, "school.xlf", "--variant", "school")
    assert import_(school, translate(sent, tmp_path / "back.xlf"), "--yes").exit_code == 0
    path = school / SCHOOL
    path.write_text(path.read_text(encoding="utf-8").replace(
        "en: The head teacher knows", "en: The head teacher always knows"), encoding="utf-8")

    code, output = build(school, tmp_path / "site")
    assert code == 0, output
    assert "variants/school/variant.yaml:15:11: warning: the English of the new text of " \
        "'email/manager-knows' has changed since this Welsh (cy) was translated from it, so " \
        "the Welsh may no longer say the same: check it and correct it here, or send it to " \
        "the translator with policygen translate export --variant school" in output
    strict = run("build", "--strict", "--variant", "school", "--format", "site", "--project",
                 str(school), "--out", str(tmp_path / "strict"), "--today", "2026-10-01")
    assert strict.exit_code == 1 and "was translated from it" in strict.stderr

    result, stale = export(school, "stale.xlf", "--variant", "school")
    assert result.exit_code == 0, result.output
    assert "1 text to translate into Welsh (1 stale, each with its earlier translation)" \
        in result.output
    found = units(stale)
    assert list(found) == [REWORD]
    segment = found[REWORD].find(Q + "segment")
    assert segment is not None and [e.text for e in segment] == [
        "The head teacher always knows which account you use.",
        "THE HEAD TEACHER KNOWS WHICH ACCOUNT YOU USE."]

    assert import_(school, translate(stale, tmp_path / "fixed.xlf"), "--yes").exit_code == 0
    assert "      cy: THE HEAD TEACHER ALWAYS KNOWS WHICH ACCOUNT YOU USE.\n" in \
        path.read_text(encoding="utf-8")
    again, _ = export(school, "again.xlf", "--variant", "school")
    assert "Nothing to translate into Welsh" in again.output


def test_a_broken_file_for_a_copy_is_refused_at_its_line_and_nothing_is_written(
        school: Path, tmp_path: Path) -> None:
    _, sent = export(school, "school.xlf", "--variant", "school")
    back = translate(sent, tmp_path / "back.xlf")
    text = back.read_text(encoding="utf-8")
    broken = text.replace("</target>", "</targte>", 1)
    back.write_text(broken, encoding="utf-8")
    before = files_of(school)
    result = import_(school, back, "--yes")
    assert result.exit_code == 1, result.output
    line = next(n for n, row in enumerate(broken.splitlines(), 1) if "</targte>" in row)
    assert f"{back}:{line}: error: " in result.stderr
    assert result.stderr.rstrip().endswith("nothing was written")
    assert files_of(school) == before


def test_a_target_that_loses_a_tag_names_the_copys_unit(school: Path, tmp_path: Path) -> None:
    path = school / SCHOOL
    path.write_text(path.read_text(encoding="utf-8").replace(
        "email parents.", "email [parents](glossary:aup)."), encoding="utf-8")
    _, sent = export(school, "school.xlf", "--variant", "school")
    back = translate(sent, tmp_path / "back.xlf")
    text = back.read_text(encoding="utf-8")
    lost = re.sub(r"(<target>[^\n]*?)<pc [^>]*>(.*?)</pc>", r"\1\2", text, count=2)
    assert lost != text
    back.write_text(lost, encoding="utf-8")
    before = files_of(school)
    result = import_(school, back, "--yes")
    assert result.exit_code == 1
    assert "error: the translation of the unit 'items.add.0.text' of " \
        "variants/school/variant.yaml has lost the link to glossary:aup" in result.stderr
    assert files_of(school) == before


def test_a_file_of_a_copy_this_project_does_not_have_is_refused(school: Path,
                                                               tmp_path: Path) -> None:
    _, sent = export(school, "school.xlf", "--variant", "school")
    back = translate(sent, tmp_path / "back.xlf")
    back.write_text(back.read_text(encoding="utf-8").replace("variants/school/",
                                                             "variants/other/"))
    result = import_(school, back, "--yes")
    assert result.exit_code == 1
    assert "variants/other/variant.yaml, which is no local copy of this project (the local " \
        "copies are: school)" in result.stderr



EVERY_KIND = """\
organisation:
  name:
    en: Oakfield Primary School
    cy: Ysgol Gynradd Oakfield
title: Safer working online at Oakfield
local_lead:
  name: Ms Rachel Okafor
  role: Designated teacher for safeguarding
  instructions: Out of hours, call the on-call manager.
contacts:
  add:
    front-door:
      name: Northshire front door
      for: If neither lead can be reached.
      phone: 01632 960 000
terminology:
  en:
    children: pupils
  cy:
    plant: disgyblion
items:
  reword:
    email/work-account:
      text: Use your school account for school email.
      poster: Use your school account.
  add:
    - id: class-laptops
      after: email/work-account
      text: Use only the class laptops to email parents.
      poster: Class laptops only.
sections:
  add:
    school-rules:
      title: Our school rules
      text: Pupils bring no phones to class.
"""


def test_every_kind_of_text_a_copy_writes_goes_out_but_not_its_terms(school: Path,
                                                                    tmp_path: Path) -> None:
    (school / SCHOOL).write_text(EVERY_KIND, encoding="utf-8")
    result, sent = export(school, "school.xlf", "--variant", "school")
    assert result.exit_code == 0, result.output
    assert [key.removeprefix(f"{SCHOOL} ") for key in units(sent)] == [
        "title", "local_lead.role", "local_lead.instructions", "contacts.add.front-door.name",
        "contacts.add.front-door.for", "items.reword.email:work-account.text",
        "items.reword.email:work-account.poster", "items.add.0.text", "items.add.0.poster",
        "sections.add.school-rules.title", "sections.add.school-rules.text"]
    assert "pupils" not in sent.read_text(encoding="utf-8")  # the terms are no text to send

    assert import_(school, translate(sent, tmp_path / "back.xlf"), "--yes").exit_code == 0
    out = tmp_path / "site"
    code, output = build(school, out)
    assert code == 0, output
    assert "OUR SCHOOL RULES" in visible_text(parse(out / "cy/school-rules.html"))
    assert "CLASS LAPTOPS ONLY." not in visible_text(parse(out / "topics/email.html"))
    welsh_reporting = visible_text(parse(out / "cy/reporting.html"))
    assert "NORTHSHIRE FRONT DOOR" in welsh_reporting
    assert "  instructions:\n    en: Out of hours, call the on-call manager.\n" \
        "    cy: OUT OF HOURS, CALL THE ON-CALL MANAGER.\n" in (school / SCHOOL).read_text()
