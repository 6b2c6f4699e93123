"""Posters and handbooks in English and Welsh (issue 15, point 4), built through the CLI and
read back: a bilingual poster is one page with both languages alike, Welsh first; or a
poster per language; a handbook per language; the review banner in both; what cannot fit
fails by name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, ProjectMaker
from pdf_helpers import Run, page_texts, qr_codes, squash, text_runs
from pypdf import PdfReader
from site_helpers import parse
from test_bilingual_content import BILINGUAL, bilingual, check_errors, edit  # noqa: F401
from test_bilingual_site import target

from policygen.cli import main

SITE = "https://guidance.example.org/"
A4_PT = (595, 842)
POSTERS = ("email", "summary", "guidelines", "reporting")
# (Welsh, English): the same line of the email poster in each language.
TWINS = [("Canllawiau prawf", "Test guidance"), ("E-bost", "Email"),
         ("Peidiwch â defnyddio", "Don't use your personal"),
         ("Arfer gorau", "Best practice"), ("Defnyddiwch eich cyfrif gwaith.",
                                            "Use your work account."),
         ("Arfer gwael", "Poor practice"), ("Rydych chi'n defnyddio", "You use your personal"),
         ("Gwiriwch mai hon yw’r fersiwn gyfredol:", "Check this is the current version:"),
         ("Canllawiau cyfredol. Yr adolygiad nesaf:", "Current guidance. Next review due"),
         ("Partneriaeth Diogelu Plant Swydd Brawf.", "Testshire Safeguarding Children")]


def build(project: Path, out: Path, *options: str, today: str = "2026-10-01"
          ) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", "--project", str(project), "--out", str(out),
                                       "--today", today, *options])
    return result.exit_code, result.output


def copy_of_bilingual(folder: Path) -> Path:
    root = folder / "bilingual"
    shutil.copytree(BILINGUAL, root)
    shutil.copytree(REPO / "templates", root / "templates")
    return root


def built(factory: pytest.TempPathFactory, old: str = "", new: str = "") -> Path:
    project = copy_of_bilingual(factory.mktemp("print"))
    if old:
        edit(project, "publication.yaml", old, new)
    out = project.parent / "out"
    code, output = build(project, out, "--format", "site,posters,handbook")
    assert code == 0, output
    return out


@pytest.fixture(scope="module")
def bilingual_posters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(tmp_path_factory, "languages: [en, cy]\n",
                 "languages: [en, cy]\nposters: bilingual\n")


@pytest.fixture(scope="module")
def per_language(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(tmp_path_factory)  # `posters` left out: per-language, the default


def choose_bilingual(project: Path) -> None:
    edit(project, "publication.yaml", "languages: [en, cy]\n",
         "languages: [en, cy]\nposters: bilingual\n")


def run_with(runs: list[Run], start: str) -> Run:
    [found] = [run for run in runs if run.text.startswith(start)]
    return found


def text_of(pdf: Path) -> str:
    return squash(" ".join(page_texts(pdf)))


def test_a_bilingual_poster_is_one_a4_page_welsh_above_english(bilingual_posters: Path) -> None:
    for name in POSTERS:
        reader = PdfReader(bilingual_posters / "posters" / f"{name}.pdf")
        box = reader.pages[0].mediabox
        assert len(reader.pages) == 1, name
        assert (round(float(box.width)), round(float(box.height))) == A4_PT
    runs = text_runs(bilingual_posters / "posters" / "email.pdf")
    for welsh, english in TWINS:
        assert run_with(runs, welsh).y > run_with(runs, english).y, (welsh, english)
    # The whole Welsh side (down to its last item) is above the English side's title.
    assert run_with(runs, "rheolwr wybod.").y > run_with(runs, "Email").y
    assert not (bilingual_posters / "cy" / "posters" / "email-a3.pdf").exists()


def test_both_languages_are_printed_in_the_same_size_weight_and_colour(
        bilingual_posters: Path) -> None:
    runs = text_runs(bilingual_posters / "posters" / "email.pdf")
    for welsh, english in TWINS:
        cy, en = run_with(runs, welsh), run_with(runs, english)
        assert (cy.font, cy.size, cy.colour) == (en.font, en.size, en.colour), (cy, en)
    body = run_with(runs, "Use your work account.")
    assert body.size >= 18 and body.font == "Liberation-Sans"  # fitted, and never below 18 pt
    assert {run.font for run in runs} == {"Liberation-Sans", "Liberation-Sans-Bold"}  # no italic


def test_the_footer_says_each_line_in_both_and_leads_to_the_welsh_page(
        bilingual_posters: Path) -> None:
    pdf = bilingual_posters / "posters" / "email.pdf"
    text = text_of(pdf)
    for line in ("Sganiwch i wirio’r fersiwn gyfredol", "Scan to check the current version",
                 "Canllawiau cyfredol. Yr adolygiad nesaf: 10 Ionawr 2027.",
                 "Current guidance. Next review due 10 January 2027.",
                 "Cymeradwywyd gan Is-grŵp e-ddiogelwch Swydd Brawf ar 10 Ionawr 2026.",
                 "Approved by Testshire e-safety subgroup on 10 January 2026.",
                 "guidance.example.org/cy/topics/email.html"):
        assert squash(line) in text, line
    assert qr_codes(pdf) == [SITE + "cy/topics/email.html"]
    assert PdfReader(pdf).metadata.title == "E-bost / Email – Canllawiau prawf / Test guidance"


def test_each_languages_pages_link_their_own_copy_of_the_bilingual_posters(
        bilingual_posters: Path) -> None:
    for name in POSTERS:
        assert (bilingual_posters / "cy" / "posters" / f"{name}.pdf").read_bytes() == \
            (bilingual_posters / "posters" / f"{name}.pdf").read_bytes(), name
    for folder in (bilingual_posters, bilingual_posters / "cy"):
        page = folder / "topics" / "email.html"
        links = [target(bilingual_posters, page, a["href"])
                 for a in parse(page).select(".print-links a")]
        assert links == [folder / "posters" / "email.pdf", folder / "handbook.pdf"]


def test_a_handbook_per_language_with_its_interface_words(bilingual_posters: Path) -> None:
    english, welsh = (text_of(folder / "handbook.pdf")
                      for folder in (bilingual_posters, bilingual_posters / "cy"))
    for words in ("Cynnwys", "Gall copïau printiedig fod wedi dyddio.",
                  "Canllawiau cyfredol. Yr adolygiad nesaf: 10 Ionawr 2027.",
                  "Defnyddiwch y cyfrif y mae eich sefydliad yn ei roi i chi",
                  "guidance.example.org/cy/"):
        assert squash(words) in welsh and squash(words) not in english, words
    for words in ("Contents", "Printed copies may be out of date.",
                  "Current guidance. Next review due 10 January 2027.",
                  "Use the account your organisation gives you"):
        assert squash(words) in english and squash(words) not in welsh, words
    home = parse(bilingual_posters / "cy" / "index.html")
    assert [a["href"] for a in home.select("main a[href$='.pdf']")] == ["handbook.pdf"]


def test_a_poster_per_language_each_in_its_own_words(per_language: Path) -> None:
    welsh_pdf, english_pdf = (per_language / "cy" / "posters" / "email.pdf",
                              per_language / "posters" / "email.pdf")
    welsh, english = text_of(welsh_pdf), text_of(english_pdf)
    for words in ("E-bost", "Defnyddiwch eich cyfrif gwaith.", "Arfer gorau",
                  "Gwiriwch mai hon yw’r fersiwn gyfredol:", "Sganiwch i wirio’r",
                  "Canllawiau cyfredol. Yr adolygiad nesaf: 10 Ionawr 2027."):
        assert squash(words) in welsh and squash(words) not in english, words
    for words in ("Email", "Use your work account.", "Best practice", "Scan to check",
                  "Current guidance. Next review due 10 January 2027."):
        assert squash(words) in english and squash(words) not in welsh, words
    for name in POSTERS:
        for folder in (per_language, per_language / "cy"):
            assert len(PdfReader(folder / "posters" / f"{name}.pdf").pages) == 1
    assert qr_codes(welsh_pdf) == [SITE + "cy/topics/email.html"]
    assert qr_codes(english_pdf) == [SITE + "topics/email.html"]
    page = per_language / "cy" / "topics" / "email.html"
    assert target(per_language, page, parse(page).select_one(".print-links a")["href"]) == \
        welsh_pdf


def test_welsh_is_first_on_a_bilingual_poster_whatever_languages_puts_first(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    out = built(tmp_path_factory, "languages: [en, cy]",
                "languages: [cy, en]\nposters: bilingual")
    runs = text_runs(out / "posters" / "email.pdf")
    assert run_with(runs, "E-bost").y > run_with(runs, "Email").y
    assert (out / "en" / "posters" / "email.pdf").read_bytes() == \
        (out / "posters" / "email.pdf").read_bytes()
    assert not (out / "cy").exists()


@pytest.mark.parametrize(("today", "welsh", "english"), [
    ("2026-12-01", "Adolygiad yn fuan: mae’r canllawiau hyn i fod i gael eu hadolygu ar "
     "10 Ionawr 2027.", "Review due soon: this guidance is due for review on 10 January 2027."),
    ("2027-02-01", "WEDI MYND HEIBIO I DDYDDIAD ADOLYGU: roedd y canllawiau hyn i fod i gael "
     "eu hadolygu ar 10 Ionawr 2027.",
     "OVERDUE FOR REVIEW: this guidance was due for review on 10 January 2027."),
])
def test_the_review_banner_is_printed_in_both_languages(
        bilingual: Path, tmp_path: Path, today: str, welsh: str,  # noqa: F811
        english: str) -> None:
    choose_bilingual(bilingual)
    out = tmp_path / "out"
    code, output = build(bilingual, out, "--format", "posters,handbook", today=today)
    assert code == 0, output
    poster = text_of(out / "posters" / "summary.pdf")
    assert squash(welsh) in poster and squash(english) in poster
    assert squash(welsh) in text_of(out / "cy" / "handbook.pdf")
    assert squash(english) in text_of(out / "handbook.pdf")


def longer_email_topic(project: Path, items: int) -> None:
    """Add items to the email topic's best practice, in both languages."""
    edit(project, "topics/email.yaml", "  safe:\n", "".join(
        f"      rule-{n}:\n        en: You keep rule number {n} every time you write to a "
        f"family.\n        cy: Rydych chi'n cadw rheol rhif {n} bob tro rydych chi'n "
        "ysgrifennu at deulu.\n" for n in range(items)) + "  safe:\n")


def test_a_bilingual_poster_that_cannot_fit_fails_while_a_poster_per_language_fits(
        bilingual: Path, tmp_path: Path) -> None:  # noqa: F811
    """Twice the text is fitted as one: what fits in one language may not fit in two."""
    choose_bilingual(bilingual)
    longer_email_topic(bilingual, 3)
    code, output = build(bilingual, tmp_path / "out", "--format", "posters", "--quiet")
    assert code == 1
    assert output.startswith(
        "content/topics/email.yaml: error: the poster 'E-bost / Email' (posters/email.pdf) "
        "does not fit on one page even at the smallest readable size (18 pt): it is about ")
    assert ("Shorten its items (a shorter 'poster' wording can be given per item) or split "
            "the topic. A bilingual poster carries every language at the same size, so it "
            "holds half as much: give shorter 'poster' wordings in each language, or print a "
            "poster per language ('posters: per-language' in content/publication.yaml).\n"
            "1 error found; nothing was written") in output
    assert not (tmp_path / "out").exists()
    edit(bilingual, "publication.yaml", "posters: bilingual\n", "posters: per-language\n")
    code, output = build(bilingual, tmp_path / "out", "--format", "posters")
    assert code == 0, output
    for folder in (tmp_path / "out", tmp_path / "out" / "cy"):
        assert len(PdfReader(folder / "posters" / "email.pdf").pages) == 1


def test_posters_must_say_bilingual_or_per_language(bilingual: Path) -> None:  # noqa: F811
    edit(bilingual, "publication.yaml", "languages: [en, cy]\n",
         "languages: [en, cy]\nposters: per-langauge\n")
    assert check_errors(bilingual) == [
        "content/publication.yaml:7:10: error: posters should be 'bilingual' (every language "
        "on each poster, on one page) or 'per-language' (a poster in each language), found "
        "'per-langauge' (did you mean 'per-language'?)"]


def test_posters_in_guidance_in_one_language_is_a_warning(make_project: ProjectMaker) -> None:
    project = make_project()
    publication = project / "content" / "publication.yaml"
    publication.write_text("posters: bilingual\n" + publication.read_text())
    result = CliRunner().invoke(main, ["check", "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert ("content/publication.yaml:1:10: warning: 'posters' says how guidance in several "
            "languages prints its posters, but this guidance is in one language, so it changes "
            "nothing; take it out, or list every language under 'languages'") in result.output
