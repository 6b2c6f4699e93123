"""`policygen edition`: record the items of the base guidance's current edition in
content/editions/<date>.yaml, so that a later edition can show local copies what changed.

A record is written once and never over another: an edition is what was published.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from policygen.build.pipeline import check
from policygen.errors import OutputError
from policygen.source.review import build_date
from policygen.variants.editions import format_record, record_name
from policygen.variants.standing import base_edition
from policygen.words import long_date


@dataclass(frozen=True, slots=True)
class EditionRecord:
    path: Path
    written: bool  # False when the same record was already there


def record_edition(project: Path) -> EditionRecord:
    """Write the record of the current edition; refuse one that differs from what is there."""
    publication = check(project, build_date(None)).publication
    day = base_edition(publication)
    target = project / record_name(day)
    text = format_record(publication, day)
    if target.exists():
        if target.read_text(encoding="utf-8") == text:
            return EditionRecord(target, False)
        raise OutputError(
            f"{record_name(day)} already records the edition of {long_date(day)}, and the "
            "guidance now says something else: an edition is what was published, so the record "
            "is left as it is. If this is a new edition, set dates: last_updated in "
            "content/publication.yaml to the day it is published, then run policygen edition "
            "again")
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as file:  # "x": never over another record
        file.write(text)
    return EditionRecord(target, True)
