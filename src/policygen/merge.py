"""`policygen merge`: the outputs of `build --all --shard K/N` runs put back into one tree.

A CI matrix builds slices of the variants on separate runners; this step joins them and makes
the index of variants anew from what each slice recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .edition import base_edition_of
from .errors import OutputError
from .output import BuildRecord, check_output_path, previous_files, read_record, write_output
from .pipeline import check, templates_dir
from .site import VARIANT_INDEX, VariantEntry, render_variant_index
from .templating import make_environment


@dataclass(frozen=True, slots=True)
class MergeReport:
    out: Path
    files: int
    variants: int
    failed: int = 0


def merge(project: Path, out: Path, shards: list[Path], today: date | None = None) -> MergeReport:
    """Join shard outputs into `out` (atomically); a file two shards disagree on is an error."""
    check_output_path(out, project)
    files: dict[str, Path] = {}
    editions: dict[str, Any] = {}
    pdf_inputs: dict[str, str] = {}
    failures: dict[str, str] = {}
    said: dict[str, tuple[str, ...]] = {}
    for shard in shards:
        record = _shard_record(shard)
        for name, path in previous_files(shard, "").items():
            if name != VARIANT_INDEX:
                _take(files, name, path)
        editions.update(record.editions)
        pdf_inputs.update(record.pdf_inputs)
        failures.update(record.failures)
        said.update(record.pdf_warnings)
    if "" not in editions:
        raise OutputError("none of the shards holds the base guidance: include the output of "
                          "the first shard (--shard 1/N)")
    report = check(project, today)
    entries = [VariantEntry.from_record(dict(e.get("entry", {})))
               for prefix, e in editions.items() if prefix]
    entries += [VariantEntry(name, error=error) for name, error in failures.items()]
    index = render_variant_index(base_edition_of(report.publication, report.status.today),
                                 entries, make_environment(templates_dir(project)))
    write_output({VARIANT_INDEX: index}, out, BuildRecord(pdf_inputs, editions, failures, said),
                 files)
    return MergeReport(out, len(files) + 1, len(entries) - len(failures), len(failures))


def _shard_record(shard: Path) -> BuildRecord:
    record = read_record(shard)
    if not record.editions and not record.failures:
        raise OutputError(f"{shard} is not the output of a policygen build --all --shard run")
    return record


def _take(files: dict[str, Path], name: str, path: Path) -> None:
    if name in files and files[name].read_bytes() != path.read_bytes():
        raise OutputError(f"the shards disagree about {name} ({files[name]} and {path}); were "
                          "they built from the same content, options and --today?")
    files.setdefault(name, path)
