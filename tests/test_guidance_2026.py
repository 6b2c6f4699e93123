"""The December 2026 guidance (issue #14): what a reader sees of it on the site, the posters and
in the handbook, and that facts which could not be confirmed say so instead of guessing."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO
from pdf_helpers import squash
from pypdf import PdfReader
from site_helpers import parse, plain, visible_text, words

from policygen.cli import main
from policygen.model import Item, Publication
from policygen.source.content import load_content

NOT_CONFIRMED = "Not confirmed on legislation.gov.uk when this section was checked"
NEW_OFFENCES = ("taking-intimate-images", "nudification-tools", "csa-image-generators")
# Sources added for this edition: each was checked against a stored copy on 3 December 2026.
NEW_SOURCES = ("ico-photos-in-schools", "ico-impact-assessments", "ico-subject-access",
               "duty-to-report-bill", "crime-and-policing-act-circular", "nspcc-duty-to-report",
               "generative-ai-in-education", "hwb-generative-ai")
# The new items, by page, as {topic or section: item ids}.
NEW_ITEMS = {
    "mobile": ("phone-away-from-pupils", "messages-on-record", "parent-group-agreed",
               "own-device-work-profile", "disappearing-messages", "group-chat-rules",
               "phone-policy"),
    "internet": ("talk-about-ai-companions", "supervised-ai", "ignore-chatbot-worries",
                 "ai-in-education"),
    "images": ("lawful-basis", "subject-access", "storage-and-retention"),
}
NEW_TERMS = ("Duty to report", "DPIA", "Subject access request", "Work profile", "AI companion",
             "Disappearing messages")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's default content: site, posters and handbook, built once."""
    out = tmp_path_factory.mktemp("guidance") / "build"
    result = CliRunner().invoke(main, ["build", "--project", str(REPO), "--out", str(out),
                                       "--format", "site,posters,handbook",
                                       "--today", "2026-12-03"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def pub() -> Publication:
    return load_content(REPO).publication


def page_words(path: Path) -> str:
    return words(visible_text(parse(path)))


def pdftotext(path: Path) -> list[str]:
    """Each page's text as pdftotext reads it (what a person copying from the PDF gets)."""
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def item(pub: Publication, topic: str, item_id: str) -> Item:
    found = [i for t in pub.topics if t.id == topic
             for i in [*(i for lv in t.practice for i in lv.items), *t.in_place]
             if i.id == f"{topic}/{item_id}"]
    assert len(found) == 1, f"{topic}/{item_id} is in the content once"
    return found[0]


@pytest.mark.parametrize(("topic", "item_id"),
                         [(t, i) for t, ids in NEW_ITEMS.items() for i in ids])
def test_each_new_item_is_on_its_topic_page(built: Path, pub: Publication, topic: str,
                                            item_id: str) -> None:
    text = plain(item(pub, topic, item_id).text)
    assert text in page_words(built / "topics" / f"{topic}.html")


@pytest.mark.parametrize("topic", ["mobile", "internet"])
def test_the_new_best_and_poor_items_are_on_the_one_page_poster(built: Path, pub: Publication,
                                                               topic: str) -> None:
    pages = pdftotext(built / "posters" / f"{topic}.pdf")
    assert len(pages) == 1
    levels = {lv.key: lv.items for t in pub.topics if t.id == topic for lv in t.practice}
    shown = [i for key in ("best", "poor") for i in levels[key]
             if i.id.split("/")[1] in NEW_ITEMS[topic]]
    assert shown, "the topic has new best or poor items"
    for new in shown:
        assert squash(new.poster_text) in squash(pages[0]), new.id
    # Safe practice and "what should be in place" are not on a poster: they need the page.
    hidden = [i for t in pub.topics if t.id == topic for i in t.in_place]
    assert not any(squash(i.poster_text) in squash(pages[0]) for i in hidden)


def test_the_guidelines_say_how_to_work_from_home_on_the_page_and_the_poster(
        built: Path, pub: Publication) -> None:
    remote = next(i for i in pub.guidelines.items if i.id.endswith("working-remotely"))
    assert plain(remote.text) in page_words(built / "guidelines.html")
    pages = pdftotext(built / "posters" / "guidelines.pdf")
    assert len(pages) == 1 and "Working from home? Use work devices and keep screens private." \
        in words(pages[0])


def test_the_duty_to_report_says_what_to_do_and_that_its_commencement_is_not_confirmed(
        built: Path) -> None:
    soup = parse(built / "reporting.html")
    text = words(visible_text(soup))
    assert ("you personally to report child sexual abuse that you have reason to suspect"
            in text)
    assert ("received Royal Assent on 29 April 2026, but when this guidance was checked we "
            "could not confirm whether the duty had come into force, or the section of the Act "
            "that sets it out") in text
    assert "if you cannot be sure, tell them yourself" in text
    assert any(a["href"] == "legal.html" and a.get_text() == "the law" for a in soup.find_all("a"))
    # The reporting poster is 999, the local lead and the contacts: the steps need the page.
    assert len(pdftotext(built / "posters" / "reporting.pdf")) == 1

def test_the_act_s_image_offences_give_no_section_or_sentence_that_was_not_confirmed(
        built: Path, pub: Publication) -> None:
    offences = {o.id.split("/")[-1]: o for o in pub.legal.offences}
    for key in NEW_OFFENCES:
        offence = offences[key]
        assert offence.law.startswith("Crime and Policing Act 2026")
        assert "not confirmed when this section was checked" in offence.law
        assert offence.summary_maximum == offence.indictment_maximum == NOT_CONFIRMED
    text = page_words(built / "legal.html")
    # No section number of the 2026 Act is given anywhere: none was confirmed.
    assert not re.search(r"Crime and Policing Act 2026,? (section|s\.) ?\d", text)
    assert "The Crime and Policing Act 2026 received Royal Assent on 29 April 2026" in text
    assert text.count(NOT_CONFIRMED) >= 2 * len(NEW_OFFENCES)
    assert ("the UK GDPR and the Data Protection Act 2018, as amended by the Data (Use and "
            "Access) Act 2025") in text


@pytest.mark.parametrize("source_id", NEW_SOURCES)
def test_each_new_source_says_it_was_checked_against_a_stored_copy(built: Path, pub: Publication,
                                                                    source_id: str) -> None:
    source = next(s for g in pub.sources.groups for s in g.sources if s.id.endswith(source_id))
    assert source.checked is not None and source.checked.isoformat() == "2026-12-03"
    assert "stored copy" in source.about
    entries = [words(li.get_text(" "))
               for li in parse(built / "sources.html").select("ul.sources li")]
    mine = [e for e in entries if e.startswith(words(source.name))]
    assert len(mine) == 1 and mine[0].endswith("Checked on 3 December 2026.")


def test_the_regulator_keeps_its_name_until_the_transfer_is_confirmed(built: Path) -> None:
    text = page_words(built / "sources.html")
    assert "Information Commissioner's Office (ICO)" in text
    assert ("come into force only when the transfer of the Commissioner's functions to the "
            "Commission (section 119) is fully in force") in text
    assert "Information Commission's" not in text


def test_the_handbook_carries_the_new_guidance_and_its_caveats(built: Path) -> None:
    text = squash("".join(page.extract_text() or ""
                          for page in PdfReader(built / "handbook.pdf").pages))
    for expected in (
            "could not confirm whether the duty had come into force",
            NOT_CONFIRMED,
            "make sure you know that the police or children's social care have been told",
            "a retention schedule says how long each kind of image is kept",
            "or delete work messages, so that there is no record of what was said",
            "generative AI in education",
            "SI 2026/386"):
        assert squash(expected) in text, expected


def test_the_glossary_explains_the_new_terms(built: Path) -> None:
    terms = [words(dt.get_text(" ")) for dt in parse(built / "glossary.html").find_all("dt")]
    for term in NEW_TERMS:
        assert any(t.startswith(term) for t in terms), term
