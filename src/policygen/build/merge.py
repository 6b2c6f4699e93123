"""`policygen merge`: the outputs of `build --all --shard K/N` runs put back into one tree.

A CI matrix builds slices of the variants on separate runners; this step joins them and makes
the index of variants anew from what each slice recorded. A shard is an artifact that came
back from elsewhere, so nothing in it is trusted: its record is checked field by field (see
shards.py), it may hold only the regular files its build recorded, and every shard must have
been built from this project, with the same options and `--today`, as one slice of the same
split. Otherwise the merge is refused and the output folder is left as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from policygen.build.incremental import InputHasher, build_settings
from policygen.build.output import BuildRecord, check_output_path, output_lock, write_output
from policygen.build.pipeline import check, templates_dir
from policygen.build.plan import BuildOptions, planned
from policygen.build.shards import Shard, printable, read_shard
from policygen.errors import OutputError
from policygen.render.edition import base_edition_of
from policygen.render.stage import render_index
from policygen.render.templating import make_environment
from policygen.render.variant_entries import VariantEntry
from policygen.variants.variant import list_variants


@dataclass(frozen=True, slots=True)
class MergeReport:
    out: Path
    files: int
    variants: int
    failed: int = 0


def merge(project: Path, out: Path, shards: list[Path], today: date | None = None) -> MergeReport:
    """Join shard outputs into `out` (atomically), once every shard is known to belong."""
    with output_lock(out):  # one command at a time writes a folder, as a build does
        return _merge(project, out, shards, today)


def _merge(project: Path, out: Path, shards: list[Path], today: date | None) -> MergeReport:
    check_output_path(out, project)
    _refuse_overlap(out, shards)
    read = [read_shard(folder) for folder in shards]
    _check_slices(read)
    _check_same_build(read)
    report = check(project, today)
    _check_day(read[0], report.status.today, today is not None)
    _check_made_from(project, read)
    files: dict[str, Path] = {}
    editions: dict[str, Any] = {}
    pdf_inputs: dict[str, str] = {}
    failures: dict[str, str] = {}
    said: dict[str, tuple[str, ...]] = {}
    for shard in read:
        files.update(shard.files)  # no two shards share a file: each edition is in one slice
        editions.update(shard.record.editions)
        pdf_inputs.update(shard.record.pdf_inputs)
        failures.update(shard.record.failures)
        said.update(shard.record.pdf_warnings)
    entries = [VariantEntry.from_record(dict(e["entry"])) for p, e in editions.items() if p]
    entries += [VariantEntry(name, error=error) for name, error in failures.items()]
    index = render_index(base_edition_of(report.publication, report.status.today), entries,
                         make_environment(templates_dir(project)))
    made_from = {**read[0].record.build, "shard": None}
    write_output(index.files, out,
                 BuildRecord(pdf_inputs, editions, failures, said, build=made_from), files)
    return MergeReport(out, len(files) + 1, len(entries) - len(failures), len(failures))


def _refuse_overlap(out: Path, shards: list[Path]) -> None:
    """The output replaces its folder whole: it may not hold a shard, nor be inside one."""
    target = out.resolve()
    for shard in shards:
        folder = shard.resolve()
        if folder == target or folder in target.parents or target in folder.parents:
            raise OutputError(f"refusing to merge into {out}: the shard {shard} is inside it "
                              "or it is inside the shard; choose an --out of its own")


def _check_slices(shards: list[Shard]) -> None:
    """Every slice of one split (K/N), each given once; a plain `build --all` is 1/1."""
    first = shards[0]
    seen: dict[int, Shard] = {}
    for shard in shards:
        k, n = shard.slice
        if n != first.slice[1]:
            raise OutputError(f"refusing to merge {shard.folder}: it is slice {k}/{n}, but "
                              f"{first.folder} is slice {first.slice[0]}/{first.slice[1]}; "
                              "give the slices of one split")
        if k in seen:
            raise OutputError(f"refusing to merge {shard.folder}: it is slice {k}/{n}, as is "
                              f"{seen[k].folder}; give each slice once")
        seen[k] = shard
    missing = [str(k) for k in range(1, first.slice[1] + 1) if k not in seen]
    if missing:
        raise OutputError(f"refusing to merge: slice {', '.join(missing)} of "
                          f"{first.slice[1]} is missing (--shard K/{first.slice[1]}); give "
                          "the output of every slice" + (
                              " (the first also holds the base guidance)"
                              if "1" in missing else ""))


def _check_same_build(shards: list[Shard]) -> None:
    """The slices were made by one build: same content, templates, options and --today."""
    first = shards[0]
    for shard in shards[1:]:
        differ = [name for name in first.record.build if name != "shard"
                  and shard.record.build[name] != first.record.build[name]]
        if differ:
            told = "; ".join(f"{name}: {_said(first.record.build[name])} in {first.folder}, "
                             f"{_said(shard.record.build[name])} in {shard.folder}"
                             for name in differ if name != "id") or "the content, templates " \
                "or policygen itself differ"
            raise OutputError(f"refusing to merge {shard.folder}: it was not built like "
                              f"{first.folder} ({told}); build every slice from the same "
                              "content with the same options and --today")


def _said(value: object) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _check_day(shard: Shard, day: date, given: bool) -> None:
    built = shard.record.build["today"]
    if built != day.isoformat():
        how = "given --today" if given else "default date (SOURCE_DATE_EPOCH or today)"
        raise OutputError(f"refusing to merge {shard.folder}: the shards were built with "
                          f"--today {built}, but the merge's {how} is {day.isoformat()}; give "
                          f"the merge the same --today {built}")


def _check_made_from(project: Path, shards: list[Shard]) -> None:
    """The shards were built from this project: its variants, content and templates."""
    made = shards[0].record.build
    hasher = InputHasher(project, templates_dir(project), build_settings(
        frozenset(made["formats"]), tuple(made["papers"]), made["print_shop"], True,
        date.fromisoformat(made["today"])))
    if hasher.build_id != made["id"]:
        raise OutputError(f"refusing to merge {shards[0].folder}: the shards were not built "
                          f"from the content/ and templates/ of {project} (or were built by "
                          "another version of policygen or WeasyPrint); build them again "
                          "from this project")
    for shard in shards:
        k, n = shard.slice
        expected = planned(BuildOptions(project, all_variants=True, shard=(k, n)),
                           list_variants(project))
        _check_editions(shard, {prefix: name for name, prefix in expected})
        for prefix, edition in shard.record.editions.items():
            if edition["key"] != hasher.key(expected_name(prefix), prefix):
                raise OutputError(f"refusing to merge {shard.folder}: its edition '{prefix}' "
                                  f"was built from a different {prefix or 'content/'}"
                                  f"{'variant.yaml' if prefix else ''} than the project's; "
                                  "build the shards again from this project")


def expected_name(prefix: str) -> str | None:
    return prefix.split("/")[1] if prefix else None


def _check_editions(shard: Shard, expected: dict[str, str | None]) -> None:
    """The shard holds exactly the editions its slice of this project's variants makes."""
    found = set(shard.record.editions) | {f"variants/{name}/" for name in shard.record.failures}
    extra = sorted(found - set(expected))
    missing = sorted(set(expected) - found)
    if extra or missing:
        parts = ([f"it holds {', '.join(printable(p) or 'the base' for p in extra)}, which "
                  f"slice {shard.slice[0]}/{shard.slice[1]} of this project does not make"]
                 if extra else []) + ([f"it lacks {', '.join(p or 'the base' for p in missing)}"]
                                      if missing else [])
        raise OutputError(f"refusing to merge {shard.folder}: {'; '.join(parts)}; were the "
                          "shards built from this project's variants?")
