"""`policygen edition`: record the items of the base guidance's current edition in
content/editions/<date>.yaml, so that a later edition can show local copies what changed;
`policygen edition NAME`: keep a local copy's own edition in variants/NAME/editions/<date>/,
so that its pages stay readable once it republishes.

A record is written once and never over another: an edition is what was published.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from policygen.build.editions import adapt
from policygen.build.pipeline import check
from policygen.errors import ContentError, Location, OutputError, Problem
from policygen.model import Publication
from policygen.source.content import CONTENT_DIR, content_paths
from policygen.source.review import build_date
from policygen.variants.chain import load_chain
from policygen.variants.editions import (
    OWN_RECORD,
    copy_edition_day,
    copy_name,
    format_own_record,
    format_record,
    own_copy_name,
    record_name,
)
from policygen.variants.standing import base_edition
from policygen.variants.variant import Variant, list_variants, load_variant, variant_file_name
from policygen.words import language_name, long_date


@dataclass(frozen=True, slots=True)
class EditionRecord:
    path: Path
    written: tuple[str, ...]  # the files written (none when all were there already)
    # A record of guidance in several languages that an earlier policygen wrote with the main
    # language's words alone: the same edition, left as it is.
    one_language: str = ""

    @property
    def message(self) -> str:
        if self.one_language:
            kept = "its files were kept with it" if self.written else "nothing was written"
            return (f"{self.path} already records this edition, with its words in "
                    f"{self.one_language} only (as policygen wrote records before December "
                    f"2026), and is left as it is; {kept}. The next edition's page of what it "
                    "changed is made in that language only; each edition recorded from now on "
                    "keeps the words of every language.")
        if not self.written:
            return f"{self.path} already records this edition; nothing was written."
        if any(name.endswith(".yaml") and "/variants/" not in name for name in self.written):
            return f"Recorded the edition in {self.path}."
        copies = sorted({name.split("/variants/")[1].split("/")[0] for name in self.written})
        return (f"{self.path} already records this edition; kept the files of "
                f"{', '.join(copies)} with it, as they are now.")


def record_edition(project: Path) -> EditionRecord:
    """Write the record of the current edition (its items) and a copy of its content files
    (for its pages to stay readable once superseded); refuse where one differs from now."""
    publication = check(project, build_date(None)).publication
    day = base_edition(publication)
    files = {record_name(day): format_record(publication, day).encode("utf-8")}
    one_language = _one_language_record(project, publication, day)
    if one_language:
        files[record_name(day)] = (project / record_name(day)).read_bytes()
    files.update({f"{copy_name(day)}/{path.relative_to(project / CONTENT_DIR).as_posix()}":
                  path.read_bytes() for path in content_paths(project / CONTENT_DIR)})
    differing = [name for name, data in files.items()
                 if (project / name).exists() and (project / name).read_bytes() != data]
    # Local copies go on changing after the edition (approvals, rebases): each is kept as it
    # was when first recorded with it, and one added since is kept as it is now.
    files.update(_kept_files(project, copy_name(day), readable_variants(project)))
    if differing:
        raise OutputError(
            f"{differing[0]} already records the edition of {long_date(day)}, and the "
            "guidance now says something else: an edition is what was published, so the record "
            "is left as it is. If this is a new edition, set dates: last_updated in "
            "content/publication.yaml to the day it is published, then run policygen edition "
            "again")
    return EditionRecord(project / record_name(day), _write_missing(project, files),
                         language_name(publication.language) if one_language else "")


def _one_language_record(project: Path, publication: Publication, day: date) -> bool:
    """Whether the record there is this edition's in the main language alone, as records were
    written before they kept every language's words."""
    path = project / record_name(day)
    return bool(publication.twins) and path.is_file() and path.read_bytes() == format_record(
        replace(publication, twins=()), day).encode("utf-8")


@dataclass(frozen=True, slots=True)
class CopyEditionRecord:
    path: Path  # the folder the edition is kept in
    written: tuple[str, ...]
    organisation: str
    day: date
    base_kept: bool  # whether the partnership kept the edition this one adapts

    @property
    def message(self) -> str:
        said = (f"Kept {self.organisation}'s edition of {long_date(self.day)} in {self.path}."
                if self.written else f"{self.path} already keeps {self.organisation}'s edition "
                f"of {long_date(self.day)}; nothing was written.")
        if self.base_kept:
            return said
        return (f"{said}\nNote: the partnership has not yet recorded the edition your copy "
                "adapts (policygen edition, run by the partnership). Until it does, this "
                "edition's pages cannot be shown once it is superseded.")


def record_copy_edition(project: Path, name: str) -> CopyEditionRecord:
    """Keep a local copy's current edition: the day and the partnership's edition it adapts,
    and the files of its chain as they are now; refuse where the copy's own differ from a
    record of the same day."""
    report = check(project, build_date(None))
    adapted = adapt(project, report.publication, name)
    variant, over = adapted.variant, base_edition(report.publication)
    day = copy_edition_day(variant)
    if day is None:
        where = variant.dates.location if variant.dates.location.line else \
            Location(variant_file_name(name), 1)
        raise ContentError([Problem(where, (
            "policygen cannot tell which day this edition of your copy was published: add a "
            "revision note under revisions: (date, version, summary) for it, then run "
            f"policygen edition {name} again"))])
    folder = own_copy_name(name, day)
    own = {f"{folder}/{OWN_RECORD}": format_own_record(variant, day, over).encode("utf-8")}
    own.update(_kept_files(project, folder, (variant,)))
    differing = [path for path, data in own.items()
                 if (project / path).exists() and (project / path).read_bytes() != data]
    if differing:
        raise OutputError(
            f"{differing[0]} already keeps your copy's edition of {long_date(day)}, and your "
            "copy now says something else (or adapts another edition of the partnership's): "
            "an edition is what was published, so it is left as it is. If this is a new "
            "edition, add a revision note under revisions: with the day it is published, then "
            f"run policygen edition {name} again")
    # The copies it extends are kept as they were when first kept with this edition.
    files = {**_kept_files(project, folder, load_chain(project, name)[:-1]), **own}
    return CopyEditionRecord(project / folder, _write_missing(project, files),
                             variant.organisation.name, day,
                             (project / copy_name(over) / "publication.yaml").is_file())


def _write_missing(project: Path, files: dict[str, bytes]) -> tuple[str, ...]:
    """Write each file not there yet; none is written over."""
    missing = [name for name in files if not (project / name).exists()]
    for name in missing:
        target = project / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("xb") as file:  # "x": never over another record
            file.write(files[name])
    return tuple(missing)


def _kept_files(project: Path, folder: str,
                variants: Iterable[Variant]) -> dict[str, bytes]:
    """The files and logos of these copies, by where they are kept in `folder`."""
    paths = [path for variant in variants
             for path in (project / variant_file_name(variant.name), variant.logo_path) if path]
    return {f"{folder}/{path.relative_to(project).as_posix()}": path.read_bytes()
            for path in paths}


def readable_variants(project: Path) -> list[Variant]:
    """Each local copy that can be read, for its pages over this edition to stay readable."""
    found = []
    for name in list_variants(project):
        try:
            found.append(load_variant(project, name))
        except ContentError:
            continue  # a copy that cannot be read is not kept (check says why)
    return found
