"""`policygen edition`: record the items of the base guidance's current edition in
content/editions/<date>.yaml, so that a later edition can show local copies what changed.

A record is written once and never over another: an edition is what was published.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from policygen.build.pipeline import check
from policygen.errors import ContentError, OutputError
from policygen.source.content import CONTENT_DIR, content_paths
from policygen.source.review import build_date
from policygen.variants.editions import copy_name, format_record, record_name
from policygen.variants.standing import base_edition
from policygen.variants.variant import list_variants, load_variant, variant_file_name
from policygen.words import long_date


@dataclass(frozen=True, slots=True)
class EditionRecord:
    path: Path
    written: tuple[str, ...]  # the files written (none when all were there already)

    @property
    def message(self) -> str:
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
    files.update({f"{copy_name(day)}/{path.relative_to(project / CONTENT_DIR).as_posix()}":
                  path.read_bytes() for path in content_paths(project / CONTENT_DIR)})
    differing = [name for name, data in files.items()
                 if (project / name).exists() and (project / name).read_bytes() != data]
    # Local copies go on changing after the edition (approvals, rebases): each is kept as it
    # was when first recorded with it, and one added since is kept as it is now.
    files.update({f"{copy_name(day)}/{path.relative_to(project).as_posix()}": path.read_bytes()
                  for path in variant_files(project)})
    if differing:
        raise OutputError(
            f"{differing[0]} already records the edition of {long_date(day)}, and the "
            "guidance now says something else: an edition is what was published, so the record "
            "is left as it is. If this is a new edition, set dates: last_updated in "
            "content/publication.yaml to the day it is published, then run policygen edition "
            "again")
    missing = [name for name in files if not (project / name).exists()]
    for name in missing:
        target = project / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("xb") as file:  # "x": never over another record
            file.write(files[name])
    return EditionRecord(project / record_name(day), tuple(missing))




def variant_files(project: Path) -> list[Path]:
    """Each local copy's file and logo, for its pages over this edition to stay readable."""
    files = []
    for name in list_variants(project):
        try:
            variant = load_variant(project, name)
        except ContentError:
            continue  # a copy that cannot be read is not kept (check says why)
        files.append(project / variant_file_name(name))
        if variant.logo_path is not None:
            files.append(variant.logo_path)
    return files
