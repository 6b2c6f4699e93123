"""An editor's journey, end to end through the CLI: fork, edit, see the changes, notify the
author, build, get approval; and what every page, poster and handbook then says."""

from __future__ import annotations

import email
import email.policy
import io
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO
from pdf_helpers import page_texts, squash
from pypdf import PdfReader
from site_helpers import parse, visible_text

from policygen.cli import main
from policygen.source.content import load_content
from policygen.variants.svgsafe import clean_svg

UNNOTIFIED = "Changes not yet notified to the author."


def run(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [args[0], "--project", str(project), *args[1:]])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(default_project: Path) -> Path:
    """A copy of the repository's content and templates (see conftest.default_project)."""
    return default_project


def edit_as_an_editor(variant: Path) -> None:
    """Uncomment and fill in options in the forked file, as its comments tell an editor to."""
    text = variant.read_text()
    for commented, written in [
        ("#local_lead:\n#  name: Ms A. Example\n#  role: Designated safeguarding lead\n"
         "#  phone: 01632 960 000\n#  email: dsl@example.org",
         "local_lead:\n  name: Mr B. Lead\n  role: Designated safeguarding lead\n"
         "  phone: 01632 960 123\n  email: dsl@oakfield.example.org"),
        ("#terminology:\n#  children and young people: pupils\n#  workers: staff",
         "terminology:\n  children and young people: pupils\n  workers: staff"),
        ("#items:\n#  reword:\n#    email/work-account: Use your school email account for "
         "everything to do with school.\n#  remove:\n#    - email/phone-app-agreed",
         "items:\n  reword:\n    email/work-account: Use your school email account for "
         "everything to do with school.\n  remove:\n    - email/phone-app-agreed\n  add:\n"
         "    - id: class-laptops\n      after: email/written-record\n"
         "      text: Use only the class laptops to email parents from the classroom."),
    ]:
        assert commented in text, commented
        text = text.replace(commented, written)
    variant.write_text(text)


@pytest.fixture
def forked(project: Path) -> Path:
    code, out, err = run(project, "fork", "oakfield", "--organisation", "Oakfield Primary")
    assert code == 0, err
    assert out == "Created " + str(project / "variants" / "oakfield" / "variant.yaml") + \
        ". Edit it, then run: policygen check\n"
    edit_as_an_editor(project / "variants" / "oakfield" / "variant.yaml")
    return project


def banner(site: Path, page: str = "index.html") -> str:
    return " ".join(parse(site / page).find(id="adaptation-status").get_text(" ").split())


def test_fork_refuses_to_overwrite(forked: Path) -> None:
    before = (forked / "variants" / "oakfield" / "variant.yaml").read_bytes()
    code, _, err = run(forked, "fork", "oakfield")
    assert code == 2 and "already exists and is left as it is" in err
    assert (forked / "variants" / "oakfield" / "variant.yaml").read_bytes() == before


def test_a_fresh_fork_is_valid_and_needs_no_notice(project: Path) -> None:
    run(project, "fork", "new-school")
    code, out, _ = run(project, "changes", "new-school")
    assert code == 0
    assert "It makes only changes the publisher allows without notice." in out
    assert "No change needs notifying." in out


def test_the_change_report_lists_exactly_the_changes(forked: Path) -> None:
    code, out, err = run(forked, "changes", "oakfield")
    assert code == 0, err
    kinds = [line.split()[0] for line in out.splitlines()
             if line.startswith("    ") and not line.startswith("     ")]
    # "child and young person" → "pupil" is its own line: the singular of the term.
    assert sorted(kinds) == sorted(["reword", "remove", "add", "terminology", "terminology",
                                    "terminology", "branding", "contacts"])
    assert "email/work-account: reworded" in out and "email/phone-app-agreed: removed" in out
    assert "email/class-laptops: added" in out
    assert "Changes the author must be told about (3):" in out
    assert UNNOTIFIED in out


def test_the_variant_site_posters_and_handbook_carry_the_changes(forked: Path) -> None:
    code, _, err = run(forked, "build", "--variant", "oakfield", "--today", "2026-11-26")
    assert code == 0, err
    site = forked / "build"
    page = parse(site / "topics" / "email.html")
    best = [li.get("id") for li in page.select("section.level--best li")]
    assert best.index("item-class-laptops") == best.index("item-written-record") + 1
    text = visible_text(parse(site / "topics" / "email.html"))
    assert "Use your school email account for everything to do with school." in text
    assert "read work email on your own phone" not in text
    images = visible_text(parse(site / "topics" / "images.html"))
    assert "pupils" in images and "children and young people" not in images
    assert "Mr B. Lead" in visible_text(parse(site / "reporting.html"))
    assert UNNOTIFIED in banner(site) and UNNOTIFIED in banner(site, "topics/email.html")
    poster = squash(page_texts(site / "posters" / "email.pdf")[0])
    assert squash("Use your school email account for everything to do with school.") in poster
    assert squash(UNNOTIFIED) in poster and squash("Oakfield Primary") in poster
    reporting = squash(page_texts(site / "posters" / "reporting.pdf")[0])
    assert squash("Mr B. Lead") in reporting
    handbook = page_texts(site / "handbook.pdf")
    assert squash("Adapted by Oakfield Primary") in squash(handbook[0])
    assert all(squash("Adapted by Oakfield Primary (not notified)") in squash(t)
               for t in handbook[1:])
    whole = squash(" ".join(handbook))
    assert squash("Use only the class laptops to email parents") in whole
    notice = visible_text(parse(site / "adaptation.html"))
    assert "email/phone-app-agreed" in notice and "Changes the author must be told about (3)" \
        in notice


def test_notify_writes_an_email_with_the_notice_attached_and_records_it(forked: Path) -> None:
    code, out, err = run(forked, "notify", "oakfield", "--date", "2026-11-26")
    assert code == 0, err
    eml = forked / "variants" / "oakfield" / "notice-2026-11-26.eml"
    assert out.startswith(f"Wrote the draft notice {eml}. It has NOT been sent: open it in your "
                          "email program, check it and send it to esafety@example.org.")
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["X-Unsent"] == "1"
    assert message["To"].addresses[0].addr_spec == "esafety@example.org"
    assert message["From"].addresses[0].addr_spec == "dsl@oakfield.example.org"
    assert message["Subject"] == ("Notice of local changes: Oakfield Primary's adaptation of "
                                  "Safer working online")
    body = message.get_body(("plain",)).get_content()
    assert "email/phone-app-agreed: removed" in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    pdf = PdfReader(io.BytesIO(attachment.get_content()))
    text = squash(" ".join(p.extract_text() for p in pdf.pages))
    assert squash("Notice of local changes") in text and squash("email/phone-app-agreed") in text
    variant = (forked / "variants" / "oakfield" / "variant.yaml").read_text()
    assert "notice_prepared:\n  date: 2026-11-26\n  fingerprint: " in variant
    assert "\nnotified:" not in variant  # a draft is not a notification
    assert "# Who you are. Only the name is needed." in variant  # the editor's notes are kept
    assert run(forked, "notify", "oakfield", "--sent", "--date", "2026-11-26")[0] == 0
    code, out, err = run(forked, "notify", "oakfield", "--date", "2026-11-27")
    assert code == 0, err
    assert out.endswith("were already notified on 26 November 2026: there is nothing new to "
                        "notify.\n")


def test_banner_states_through_notification_approval_and_change(forked: Path) -> None:
    site = forked / "build"

    def state_after(*command: str) -> str:
        if command:
            assert run(forked, *command)[0] == 0
        assert run(forked, "build", "--variant", "oakfield", "--format", "site",
                   "--today", "2026-12-05")[0] == 0
        return banner(site)

    assert UNNOTIFIED in state_after()
    assert ("A notice of these changes was prepared on 26 November 2026 but has not yet been "
            "confirmed as sent to the author.") in state_after("notify", "oakfield", "--date",
                                                               "2026-11-26")
    assert "Changes notified to the author on 27 November 2026, awaiting approval." in \
        state_after("notify", "oakfield", "--sent", "--date", "2026-11-27")
    assert ("Changes approved by Northshire e-safety subgroup on 1 December 2026." in
            state_after("approve", "oakfield", "--by", "Northshire e-safety subgroup",
                        "--date", "2026-12-01"))
    variant = forked / "variants" / "oakfield" / "variant.yaml"
    variant.write_text(variant.read_text().replace("    - email/phone-app-agreed\n",
                                                   "    - email/phone-app-agreed\n"
                                                   "    - email/auto-forwarding\n"))
    assert ("Changed since approval by Northshire e-safety subgroup on 1 December 2026; the "
            "new changes are not yet notified.") in state_after()


def test_the_base_moving_on_is_said_honestly(forked: Path) -> None:
    approved_for = load_content(forked).publication.dates.last_updated  # the shipped edition
    assert approved_for is not None and approved_for < date(2027, 2, 1)
    run(forked, "approve", "oakfield", "--by", "The subgroup", "--date", "2026-12-03")
    pub = forked / "content" / "publication.yaml"
    pub.write_text(pub.read_text().replace(f"last_updated: {approved_for.isoformat()}",
                                           "last_updated: 2027-02-01"))
    code, _, err = run(forked, "build", "--variant", "oakfield", "--format", "site",
                       "--today", "2027-02-02")
    assert code == 0, err
    text = banner(forked / "build")
    assert "(edition 1 February 2027)" in text
    assert ("The approval was for the edition of "
            f"{approved_for.day} {approved_for:%B %Y}") in text


def test_a_forbidden_change_fails_naming_the_rule_and_the_line(forked: Path) -> None:
    variant = forked / "variants" / "oakfield" / "variant.yaml"
    variant.write_text(variant.read_text().replace("    - email/phone-app-agreed\n",
                                                   "    - email/phone-app-agreed\n"
                                                   "    - reporting/childline\n"))
    code, _, err = run(forked, "check")
    assert code == 1
    line = next(n for n, text in enumerate(variant.read_text().splitlines(), 1)
                if "reporting/childline" in text)
    assert f"variants/oakfield/variant.yaml:{line}:7: error: " in err
    assert "protected" in err and "reporting" in err


def test_an_unknown_id_fails_with_suggestions(forked: Path) -> None:
    variant = forked / "variants" / "oakfield" / "variant.yaml"
    variant.write_text(variant.read_text().replace("- email/phone-app-agreed",
                                                   "- email/phone-app-agred"))
    code, _, err = run(forked, "build", "--variant", "oakfield")
    assert code == 1
    assert "there is no item 'email/phone-app-agred'" in err
    assert "(did you mean 'email/phone-app-agreed'" in err
    assert not (forked / "build").exists()


def test_all_builds_every_variant_and_one_broken_does_not_stop_the_others(
        forked: Path) -> None:
    for name in ("oakfield-primary", "riverside-house"):
        shutil.copytree(REPO / "variants" / name, forked / "variants" / name)
    # Riverside's changes approved as they now stand over the shipped edition.
    code, _, err = run(forked, "approve", "riverside-house", "--by", "The subgroup",
                       "--date", "2026-12-03")
    assert code == 0, err
    broken = forked / "variants" / "oakfield-primary" / "variant.yaml"
    broken.write_text(broken.read_text() + "\nnonsense: true\n")
    code, out, err = run(forked, "build", "--all", "--format", "site", "--today", "2026-12-03")
    assert code == 1
    assert "error: the variant 'oakfield-primary' was not built:" in err
    assert "unknown field 'nonsense'" in err
    assert "FAILED" in out
    site = forked / "build"
    assert (site / "index.html").is_file()
    assert (site / "variants" / "riverside-house" / "index.html").is_file()
    assert (site / "variants" / "oakfield" / "topics" / "email.html").is_file()
    assert not (site / "variants" / "oakfield-primary").exists()
    rows = [" ".join(tr.get_text(" ").split())
            for tr in parse(site / "variants" / "index.html").select("tbody tr")]
    assert any(row.startswith("oakfield-primary Could not be built.") for row in rows)
    assert any(row.startswith("Riverside House") and "approved" in row for row in rows)
    assert any(row.startswith("Oakfield Primary ") and "not yet notified" in row for row in rows)
    # Each built variant's state is also a label, the same words and look as on its own pages.
    labels = {tr.th.get_text(strip=True): tr.select_one(".badge").get_text(strip=True)
              for tr in parse(site / "variants" / "index.html").select("tbody tr")
              if tr.select_one(".badge")}
    assert labels == {"Riverside House": "Approved", "Oakfield Primary": "Not yet notified"}
    home = parse(site / "index.html")
    assert home.find("a", href="variants/index.html") is not None


def test_a_variant_logo_is_on_its_pages_and_posters(project: Path) -> None:
    shutil.copytree(REPO / "variants" / "oakfield-primary", project / "variants" / "oakfield-primary")
    code, _, err = run(project, "build", "--variant", "oakfield-primary", "--format",
                       "site,posters", "--today", "2026-11-26")
    assert code == 0, err
    site = project / "build"
    logo = parse(site / "index.html").select_one(".site-title img.logo")
    assert logo is not None and (site / logo["src"]).read_bytes() == clean_svg(
        (REPO / "variants" / "oakfield-primary" / "logo.svg").read_bytes())
    assert (site / "assets" / "brand.css").read_text().startswith(":root { --accent: #")
    assert logo_green_in_top_right(site / "posters" / "email.pdf")


def logo_green_in_top_right(pdf: Path) -> bool:
    """Whether the logo's green (#1d5e3b) is drawn in the poster's top-right corner."""
    import subprocess
    import tempfile

    from PIL import Image
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), f"{folder}/p"], check=True)
        image = Image.open(next(Path(folder).glob("p*.png"))).convert("RGB")
        corner = image.crop((image.width * 3 // 4, 0, image.width, image.height // 8))
        return any(abs(r - 0x1d) < 12 and abs(g - 0x5e) < 12 and abs(b - 0x3b) < 12
                   for r, g, b in (corner.getpixel((x, y)) for x in range(corner.width)
                                   for y in range(corner.height)))


def test_a_variants_own_review_date_is_reported_and_gates_strict_builds(project: Path) -> None:
    shutil.copytree(REPO / "variants" / "riverside-house", project / "variants" / "riverside-house")
    args = ["build", "--variant", "riverside-house", "--format", "site", "--today", "2027-09-05"]
    code, out, err = run(project, *args)
    assert code == 0, err
    assert out.rstrip().endswith("review OVERDUE since 2027-09-01")
    assert ("variants/riverside-house/variant.yaml: warning: the guidance was due for review on "
            "2027-09-01; every page says it is overdue") in err
    code, _, err = run(project, *args, "--strict")
    assert code == 1 and "variants/riverside-house/variant.yaml: error: the guidance was due" in err
    code, _, err = run(project, "check", "--today", "2027-09-05", "--strict")
    assert code == 1 and "variants/riverside-house/variant.yaml: warning: the guidance was due" in err
