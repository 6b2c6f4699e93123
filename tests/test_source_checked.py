"""When a source's facts were last checked: read from sources.yaml, shown on the page and in print."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MINIMAL, ProjectMaker
from pdf_helpers import page_texts, squash
from site_helpers import parse, words

from policygen.cli import main
from policygen.errors import ContentError
from policygen.source.content import parse_content

SOURCES = "content/sources.yaml"
CHECKED = """\
    groups:
      help:
        title: Help
        sources:
          nspcc:
            name: NSPCC
            url: https://www.nspcc.org.uk/
            about: The NSPCC Helpline is for any adult worried about a child.
            checked: 2026-12-03
          childline:
            name: Childline
            url: https://www.childline.org.uk/
    """


def files_with(sources: str) -> dict[str, str]:
    files = {name: textwrap.dedent(text) for name, text in MINIMAL.items()}
    files[SOURCES] = textwrap.dedent(sources)
    return files


def test_checked_is_read_as_a_date_and_may_be_left_out_or_empty() -> None:
    group = parse_content(files_with(CHECKED)).publication.sources.groups[0]
    assert [(s.id, s.checked) for s in group.sources] == [("nspcc", date(2026, 12, 3)),
                                                          ("childline", None)]
    empty = parse_content(files_with(CHECKED.replace("checked: 2026-12-03", "checked:")))
    assert empty.publication.sources.groups[0].sources[0].checked is None


@pytest.mark.parametrize(("written", "expected"), [
    ("checked: 3 December 2026",
     "content/sources.yaml:9:18: 'checked' of the source 'nspcc' should be a date written "
     "YYYY-MM-DD (like 2026-09-14), found '3 December 2026'"),
    ("checked: 2026-02-30",
     "content/sources.yaml:9:18: 'checked' of the source 'nspcc' '2026-02-30' is not a real date "
     "(day is out of range for month)"),
    ("checked: [2026-12-03]",
     "content/sources.yaml:9:18: 'checked' of the source 'nspcc' should be a date like 2026-09-14, "
     "found a list"),
    ("cheked: 2026-12-03",
     "content/sources.yaml:9:9: unknown field 'cheked' in the source 'nspcc' (did you mean "
     "'checked'?); expected one of: name, url, about, checked"),
])
def test_a_wrong_checked_date_names_file_line_and_what_was_expected(written: str,
                                                                   expected: str) -> None:
    with pytest.raises(ContentError) as caught:
        parse_content(files_with(CHECKED.replace("checked: 2026-12-03", written)))
    assert [f"{p.location}: {p.message}" for p in caught.value.problems if p.is_error] == [expected]


def test_the_sources_page_and_the_handbook_say_when_each_source_was_checked(
        make_project: ProjectMaker, tmp_path: Path) -> None:
    project = make_project({SOURCES: CHECKED})
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--project", str(project), "--out", str(out),
                                       "--format", "site,handbook", "--today", "2026-12-10"])
    assert result.exit_code == 0, result.output
    items = [words(li.get_text(" ")) for li in parse(out / "sources.html").select("ul.sources li")]
    assert items == [
        "NSPCC (nspcc.org.uk): The NSPCC Helpline is for any adult worried about a child. "
        "Checked on 3 December 2026.",
        "Childline (childline.org.uk)",
    ]
    handbook = squash(" ".join(page_texts(out / "handbook.pdf")))
    assert squash("worried about a child. Checked on 3 December 2026.") in handbook
    assert handbook.count(squash("Checked on 3 December 2026.")) == 1
