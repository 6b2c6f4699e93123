"""A local copy (variant) of guidance in English and Welsh (issue 15, point 5), end to end
through the CLI: the school writes each text it adds or changes in both languages, its terms
in each language, and gets its pages, posters and handbook in both, each page linked to its
twin; a text without its twin stops the build at its line; and the author's approval covers
the Welsh as well as the English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdf_helpers import page_texts, squash
from site_helpers import parse, visible_text
from test_bilingual_content import bilingual  # noqa: F401 - the fixture
from test_bilingual_site import alternates, files_of, target

from policygen.cli import main

SCHOOL = "variants/school/variant.yaml"
SITE = "https://guidance.example.org/"

VARIANT = """\
organisation:
  name:
    en: Oakfield Primary School
    cy: Ysgol Gynradd Oakfield
title:
  en: Safer working online at Oakfield
  cy: Gweithio'n fwy diogel ar-lein yn Oakfield
local_lead:
  name: Ms Rachel Okafor
  phone: 01632 960 418
  email: dsl@oakfield.example.org
  role:
    en: Designated teacher for safeguarding
    cy: Athro dynodedig ar gyfer diogelu
terminology:
  en:
    children: pupils
  cy:
    plant: disgyblion
    phlant: disgyblion
items:
  reword:
    email/manager-knows:
      en: The head teacher knows which account you use.
      cy: Mae'r pennaeth yn gwybod pa gyfrif rydych chi'n ei ddefnyddio.
  add:
    - id: class-laptops
      after: email/work-account
      text:
        en: Use only the class laptops to email parents.
        cy: Defnyddiwch liniaduron y dosbarth yn unig i anfon e-bost at rieni.
sections:
  add:
    school-rules:
      title:
        en: Our school rules
        cy: Rheolau ein hysgol
      text:
        en: Pupils bring no phones to class.
        cy: Nid yw disgyblion yn dod â ffonau i'r dosbarth.
"""


def run(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [args[0], "--project", str(project), *args[1:]])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def build(project: Path, out: Path, formats: str = "site") -> tuple[int, str]:
    return run(project, "build", "--variant", "school", "--format", formats, "--out", str(out),
               "--today", "2026-10-01")


def write_variant(project: Path, text: str = VARIANT, name: str = "school") -> Path:
    path = project / "variants" / name / "variant.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def school(bilingual: Path) -> Path:  # noqa: F811 - the fixture, imported
    write_variant(bilingual)
    return bilingual


@pytest.fixture
def site(school: Path, tmp_path: Path) -> Path:
    out = tmp_path / "site"
    code, output = build(school, out)
    assert code == 0, output
    return out


def text_of(site: Path, page: str) -> str:
    return visible_text(parse(site / page))


def test_welsh_pages_carry_the_schools_welsh_words_and_terms(site: Path) -> None:
    email, welsh_email = text_of(site, "topics/email.html"), text_of(site, "cy/topics/email.html")
    assert "The head teacher knows which account you use." in email
    assert "Use only the class laptops to email parents." in email
    assert "Mae'r pennaeth yn gwybod pa gyfrif rydych chi'n ei ddefnyddio." in welsh_email
    assert "Defnyddiwch liniaduron y dosbarth yn unig i anfon e-bost at rieni." in welsh_email
    assert "Mae eich rheolwr yn gwybod" not in welsh_email  # the base's Welsh, reworded
    assert "head teacher" not in welsh_email and "pennaeth" not in email
    # Each language's terms in its own pages: "plant" and its mutated "phlant" in Welsh.
    assert "Everyone who works with pupils." in text_of(site, "index.html")
    assert "Pawb sy'n gweithio gyda disgyblion." in text_of(site, "cy/index.html")
    welsh_reporting = text_of(site, "cy/reporting.html")
    assert "Disgyblion a phobl ifanc." in welsh_reporting
    assert "Eich athro dynodedig ar gyfer diogelu Ms Rachel Okafor" in welsh_reporting
    assert "Your designated teacher for safeguarding Ms Rachel Okafor" in text_of(
        site, "reporting.html")
    assert "Pupils and young people." in text_of(site, "reporting.html")
    welsh_title = parse(site / "cy/index.html").title.get_text()
    assert welsh_title.endswith("Gweithio'n fwy diogel ar-lein yn Oakfield")
    # The local section, in each language.
    assert "Nid yw disgyblion yn dod â ffonau i'r dosbarth." in text_of(
        site, "cy/school-rules.html")
    assert "Rheolau ein hysgol" in text_of(site, "cy/school-rules.html")
    assert "Pupils bring no phones to class." in text_of(site, "school-rules.html")


def test_every_variant_page_has_its_welsh_twin_and_links_to_it(site: Path) -> None:
    english = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                     if not p.relative_to(site).as_posix().startswith("cy/"))
    welsh = sorted(p.relative_to(site / "cy").as_posix() for p in (site / "cy").rglob("*.html"))
    assert english == welsh and {"adaptation.html", "school-rules.html"} <= set(english)
    for path in english:
        page, twin = site / path, site / "cy" / path
        soup, twin_soup = parse(page), parse(twin)
        assert (soup.html["lang"], twin_soup.html["lang"]) == ("en", "cy"), path
        [to_welsh] = soup.select("header a[hreflang=cy]")
        [to_english] = twin_soup.select("header a[hreflang=en]")
        assert target(site, page, to_welsh["href"]) == twin, path
        assert target(site, twin, to_english["href"]) == page, path
        assert set(alternates(soup)) == {"en", "cy"} == set(alternates(twin_soup)), path


def test_the_welsh_banner_names_the_school_and_the_partnership_in_welsh(site: Path) -> None:
    banner = " ".join(parse(site / "cy/index.html").find(id="adaptation-status")
                      .get_text(" ").split())
    assert "Ysgol Gynradd Oakfield" in banner and "Partneriaeth Diogelu Plant Swydd Brawf" in banner
    assert "Oakfield Primary School" not in banner
    # "from": "o", which mutates what follows ("o ganllawiau", not "o canllawiau").
    assert "Wedi’u haddasu gan Ysgol Gynradd Oakfield o ganllawiau Partneriaeth" in banner


def test_the_handbook_and_posters_are_in_each_language(school: Path, tmp_path: Path) -> None:
    out = tmp_path / "print"
    code, output = build(school, out, "posters,handbook")
    assert code == 0, output
    welsh = squash(" ".join(page_texts(out / "cy" / "handbook.pdf")))
    english = squash(" ".join(page_texts(out / "handbook.pdf")))
    assert squash("Mae'r pennaeth yn gwybod pa gyfrif") in welsh
    assert squash("The head teacher knows which account") in english
    assert squash("head teacher") not in welsh
    [poster] = page_texts(out / "cy" / "posters" / "email.pdf")
    assert squash("Defnyddiwch liniaduron y dosbarth") in squash(poster)


def test_a_missing_welsh_twin_fails_at_its_line_and_keeps_the_last_site(
        school: Path, site: Path) -> None:
    before = files_of(site)
    replace_in(school / SCHOOL, "      cy: Mae'r pennaeth yn gwybod pa gyfrif rydych chi'n ei "
               "ddefnyddio.\n", "")
    replace_in(school / SCHOOL, "        cy: Rheolau ein hysgol\n", "")
    code, output = build(school, site)
    assert code == 1
    assert f"{SCHOOL}: error: 2 texts in this file have no Welsh (cy) twin" in output
    assert (f"{SCHOOL}:24:7: error: no Welsh (cy) text for items › reword › "
            "email/manager-knows (the new text of 'email/manager-knows')") in output
    assert f"{SCHOOL}:35:9: error: no Welsh (cy) text for sections › add › school-rules › " \
        "title" in output
    assert files_of(site) == before


WELSH_TERMS = "  cy:\n    plant: disgyblion\n    phlant: disgyblion\n"


@pytest.mark.parametrize(("old", "new", "expected"), [
    (WELSH_TERMS, "", "16:3: error: no Welsh (cy) text for terminology (the words this copy "
     "changes in that language; if it changes none, write the language with {} after it, "
     "like cy: {})"),
    ("  en:\n    children: pupils\n" + WELSH_TERMS, "  children: pupils\n",
     "16:3: error: in guidance in English and Welsh, terminology gives the words to change in "
     "each language, under en: and cy:"),
    (WELSH_TERMS, "  cy:\n", "18:6: error: the Welsh (cy) terminology is empty: list the "
     "Welsh (cy) words this copy changes, or write cy: {} to say it changes none"),
], ids=["no-welsh", "one-list-for-both", "welsh-empty"])
def test_terminology_is_given_for_each_language(school: Path, old: str, new: str,
                                                expected: str) -> None:
    replace_in(school / SCHOOL, old, new)
    code, output = run(school, "check")
    assert code == 1
    assert f"{SCHOOL}:{expected}" in output


def test_an_explicitly_empty_welsh_terminology_changes_no_welsh_word(
        school: Path, tmp_path: Path) -> None:
    replace_in(school / SCHOOL, WELSH_TERMS, "  cy: {}\n")
    out = tmp_path / "site"
    code, output = build(school, out)
    assert code == 0, output
    assert "Pawb sy'n gweithio gyda phlant." in text_of(out, "cy/index.html")
    assert "Everyone who works with pupils." in text_of(out, "index.html")


def test_the_change_report_shows_each_change_in_welsh_too(school: Path) -> None:
    code, report = run(school, "changes", "school")
    assert code == 0, report
    assert re.search(r"after: +The head teacher knows which account you use\.\n +cy: +Mae'r "
                     r"pennaeth yn gwybod", report), report
    assert re.search(r"cy: +Defnyddiwch liniaduron y dosbarth", report)
    assert 'terminology  plant (cy): "plant" → "disgyblion"' in report


def banner(site: Path, page: str = "index.html") -> str:
    return " ".join(parse(site / page).find(id="adaptation-status").get_text(" ").split())


def test_changing_only_the_welsh_of_an_approved_change_needs_approval_again(
        school: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    code, output = run(school, "approve", "school", "--by", "Testshire e-safety subgroup",
                       "--date", "2026-09-20")
    assert code == 0, output
    assert build(school, out)[0] == 0
    approved = "Changes approved by Testshire e-safety subgroup on 20 September 2026."
    assert approved in banner(out)
    approved_in_welsh = banner(out, "cy/index.html")
    fingerprint = re.search(r"Fingerprint of the \d+ changes to notify: (\w+)",
                            run(school, "changes", "school")[1])
    replace_in(school / SCHOOL, "cy: Mae'r pennaeth yn gwybod pa gyfrif",
               "cy: Mae'r pennaeth bob amser yn gwybod pa gyfrif")
    code, output = build(school, out)
    assert code == 0, output
    assert ("Changed since approval by Testshire e-safety subgroup on 20 September 2026; the "
            "new changes are not yet notified.") in banner(out)
    assert banner(out, "cy/index.html") != approved_in_welsh
    assert "Wedi newid ers" in banner(out, "cy/index.html")
    now = re.search(r"Fingerprint of the \d+ changes to notify: (\w+)",
                    run(school, "changes", "school")[1])
    assert fingerprint and now and fingerprint.group(1) != now.group(1)


COUNCIL = """\
organisation:
  name:
    en: Testshire County Council
    cy: Cyngor Sir Swydd Brawf
  url: https://testshire.example.org/
items:
  reword:
    email/work-account:
      en: Use the council account you are given.
      cy: Defnyddiwch y cyfrif cyngor a roddir i chi.
"""


def test_a_school_extending_a_council_is_bilingual_all_the_way_up(school: Path,
                                                                   tmp_path: Path) -> None:
    write_variant(school, COUNCIL, "council")
    write_variant(school, "extends: council\n" + VARIANT.replace(
        "    - id: class-laptops\n      after: email/work-account\n",
        "    - id: class-laptops\n      at: email/best\n"))
    out = tmp_path / "site"
    code, output = build(school, out)
    assert code == 0, output
    welsh = text_of(out, "cy/topics/email.html")
    assert "Defnyddiwch y cyfrif cyngor a roddir i chi." in welsh  # the council's Welsh
    assert "Defnyddiwch liniaduron y dosbarth yn unig" in welsh  # the school's
    assert "Use the council account you are given." in text_of(out, "topics/email.html")
    assert "Cyngor Sir Swydd Brawf" in banner(out, "cy/index.html")


def test_a_fresh_fork_of_bilingual_guidance_has_its_name_in_both_and_builds(
        bilingual: Path, tmp_path: Path) -> None:  # noqa: F811
    code, output = run(bilingual, "fork", "school", "--organisation", "Oakfield Primary")
    assert code == 0, output
    text = (bilingual / SCHOOL).read_text()
    assert ('  name:\n    en: "Oakfield Primary"\n    cy: "Oakfield Primary"  # your name in '
            "Welsh, if it is not the same\n") in text
    out = tmp_path / "site"
    code, output = build(bilingual, out)
    assert code == 0, output
    assert parse(out / "cy" / "index.html").html["lang"] == "cy"


def test_the_adaptation_page_and_notice_show_each_change_in_welsh_too(
        school: Path, site: Path, tmp_path: Path) -> None:
    rows = {row.th.get_text(" ", strip=True).split(" ")[0]: row
            for row in parse(site / "adaptation.html").select("table.changes tbody tr")}
    [welsh] = rows["email/manager-knows"].select("span[lang=cy]")
    assert welsh.get_text() == "Mae'r pennaeth yn gwybod pa gyfrif rydych chi'n ei ddefnyddio."
    assert rows["plant"].th["lang"] == "cy" and "plant (cy)" in rows["plant"].th.get_text()
    # The Welsh pages list the changes in Welsh, each once.
    welsh_rows = parse(site / "cy/adaptation.html").select("table.changes tbody tr")
    welsh_text = " ".join(row.get_text(" ", strip=True) for row in welsh_rows)
    assert "Mae'r pennaeth yn gwybod" in welsh_text and "The head teacher" not in welsh_text
    assert build(school, tmp_path / "print", "handbook")[0] == 0
    notice = squash(" ".join(page_texts(tmp_path / "print" / "adaptation-notice.pdf")))
    assert squash("Mae'r pennaeth yn gwybod pa gyfrif") in notice


def test_the_place_of_an_added_item_is_said_in_each_language(site: Path) -> None:
    """The adaptation page says where an added item goes in its own language; the change report
    and the approval's fingerprint keep the English (standing.fingerprint)."""
    def where(page: Path) -> str:
        [cell] = [row.select_one(".where") for row in parse(page).select("table.changes tbody tr")
                  if row.th.get_text(" ", strip=True).startswith("email/class-laptops ")]
        return cell.get_text()

    assert where(site / "adaptation.html") == "email/best, after email/work-account"
    assert where(site / "cy/adaptation.html") == "email/best, ar ôl email/work-account"


def test_a_chain_whose_authors_stand_apart_names_each_author_in_welsh(
        school: Path, tmp_path: Path) -> None:
    """The school changes the council's text and the board's; the council approves its part
    only, so the banner speaks of each author's part, each named in the page's language."""
    write_variant(school, COUNCIL, "council")
    write_variant(school, "extends: council\n" + VARIANT.replace(
        "  reword:\n", "  reword:\n    email/work-account:\n      en: Use the school account.\n"
        "      cy: Defnyddiwch gyfrif yr ysgol.\n").replace(
        "    - id: class-laptops\n      after: email/work-account\n",
        "    - id: class-laptops\n      at: email/best\n"))
    code, output = run(school, "approve", "school", "--author", "council", "--by", "Ms Jones",
                       "--date", "2026-09-30")
    assert code == 0, output
    out = tmp_path / "site"
    code, output = build(school, out)
    assert code == 0, output
    welsh, english = banner(out, "cy/index.html"), banner(out)
    assert "Newidiadau i destun Cyngor Sir Swydd Brawf:" in welsh, welsh
    assert "Newidiadau i destun Is-grŵp e-ddiogelwch:" in welsh, welsh
    assert "Testshire" not in welsh and "E-safety subgroup" not in welsh, welsh
    assert "Changes to Testshire County Council's text:" in english, english


def test_a_fresh_fork_of_bilingual_guidance_shows_how_to_write_both(
        bilingual: Path, tmp_path: Path) -> None:  # noqa: F811
    """The note at the top of a fork says how to write each text in both languages; its
    example, taken out of the comments as it stands (bar the Welsh to write), builds."""
    assert run(bilingual, "fork", "school")[0] == 0
    path = bilingual / SCHOOL
    text = path.read_text()
    start = text.index("#items:")
    example = text[start:text.index("# The examples further down", start)]
    lines = [line[1:] for line in example.splitlines() if not line.startswith("# Give")]
    assert "      cy: (the same, in Welsh)" in lines and "  cy: {}    # your Welsh words, " \
        "or {} to change none" in lines
    welsh = "Defnyddiwch gyfrif e-bost eich ysgol ar gyfer popeth sy'n ymwneud â'r ysgol."
    path.write_text(text + "\n".join(lines).replace("(the same, in Welsh)", welsh) + "\n")
    out = tmp_path / "site"
    code, output = build(bilingual, out)
    assert code == 0, output
    assert welsh in text_of(out, "cy/topics/email.html")
    assert "Use your school email account for everything to do with school." in text_of(
        out, "topics/email.html")
