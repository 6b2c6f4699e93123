"""Which editions a build makes anew, which it takes over unchanged, and which failed.

An edition is the base guidance or one variant laid over it. The plan is made before anything
is rendered: unchanged editions (see incremental.py) are taken over from the previous build,
the others are loaded and adapted here; a variant that cannot be adapted is set aside in a
build of all of them, so that the others are still built.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .changes import apply_variant
from .edition import Edition, base_edition_of, variant_edition_of
from .errors import ContentError, Problem
from .incremental import (
    InputHasher,
    Reused,
    build_settings,
    problems_from_record,
    problems_to_record,
)
from .ledger import AdaptedPublication
from .model import Publication
from .output import BuildRecord, digest_of, previous_files
from .review import ReviewStatus, count_of, describe_status, review_warnings
from .site import VariantEntry, variant_entry
from .variant import list_variants, load_variant

if TYPE_CHECKING:
    from .pdf import RenderedPdf


FORMATS = ("site", "posters", "handbook")


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What to build and where; the defaults build the base guidance, everything, on A4."""

    project: Path
    out: Path | None = None
    today: date | None = None
    formats: frozenset[str] = frozenset(FORMATS)
    papers: tuple[str, ...] = ("a4",)
    print_shop: bool = False
    strict: bool = False
    workers: int | None = None
    variant: str | None = None  # build this variant instead of the base
    all_variants: bool = False  # the base, and every variant under variants/<name>/
    shard: tuple[int, int] | None = None  # (k, n): with all_variants, the k-th of n slices


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What `policygen check` found: the publication, its review status and any warnings."""

    publication: Publication
    status: ReviewStatus
    warnings: tuple[Problem, ...]
    variants: tuple[str, ...] = ()

    def summary(self) -> str:
        pub = self.publication
        items = sum(len(level.items) for t in pub.topics for level in t.practice)
        variants = f", {count_of(len(self.variants), 'variant')}" if self.variants else ""
        return (f"{len(pub.topics)} topics, {items} practice items, "
                f"{len(pub.glossary.terms)} glossary terms, {len(pub.reporting.contacts)} "
                f"contacts, {len(pub.legal.offences)} offences{variants}; "
                f"review {describe_status(self.status)}")


@dataclass(frozen=True, slots=True)
class VariantFailure:
    """A variant that could not be built in a build of all of them, and why."""

    name: str
    problems: tuple[Problem, ...]


def adapt(project: Path, base: Publication, name: str) -> AdaptedPublication:
    """A variant laid over the base, with the variant's own warnings kept."""
    variant = load_variant(project, name)
    adapted = apply_variant(base, variant)
    return replace(adapted, warnings=variant.warnings + adapted.warnings)


@dataclass
class Plan:
    """The editions a build makes anew, those it takes over unchanged, and those that failed."""

    editions: list[Edition]
    keys: dict[str, str]
    reused: list[Reused]
    failures: list[VariantFailure]
    options: BuildOptions
    base: Edition
    build: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def make(cls, report: CheckReport, options: BuildOptions, templates: Path,
             previous: BuildRecord, out: Path) -> Plan:
        today = report.status.today
        hasher = InputHasher(options.project, templates, build_settings(
            options.formats, options.papers, options.print_shop, options.all_variants, today))
        plan = cls([], {}, [], [], options, base_edition_of(report.publication, today),
                   build_identity(hasher.build_id, options, today))
        for variant, prefix in planned(options):
            key = hasher.key(variant, prefix)
            before = previous.editions.get(prefix, {})
            if before.get("key") == key and _intact(out, prefix, before.get("files"),
                                                    previous.files):
                plan.reused.append(Reused(prefix, key, dict(before.get("entry", {})),
                                          problems_from_record(before.get("warnings"))))
                continue
            plan.keys[prefix] = key
            plan.add(report, variant, prefix)
        return plan

    def add(self, report: CheckReport, variant: str | None, prefix: str) -> None:
        if variant is None:
            self.editions.append(self.base)
            return
        try:
            self.editions.append(variant_edition(report, self.options, variant, prefix))
        except ContentError as error:
            if not self.options.all_variants:
                raise
            self.failures.append(VariantFailure(variant, tuple(error.problems)))

    def set_aside(self, failures: list[VariantFailure]) -> None:
        """Variants whose PDFs could not be made are left out; the others are still built."""
        self.failures += failures
        self.editions = [e for e in self.editions if e.prefix not in self.failed_prefixes]

    @property
    def failed_prefixes(self) -> tuple[str, ...]:
        return tuple(f"variants/{failure.name}/" for failure in self.failures)

    def variant_names(self) -> tuple[str, ...]:
        made = [e.adaptation.variant.name for e in self.editions if e.adaptation]
        if self.options.variant:
            return (self.options.variant,)
        return tuple(sorted(made + [r.prefix.split("/")[1] for r in self.reused if r.prefix]))

    def entries(self) -> list[VariantEntry]:
        """The lines of the index of variants: built now, taken over, or failed."""
        entries = [variant_entry(e) for e in self.editions if e.adaptation]
        entries += [VariantEntry.from_record(r.entry) for r in self.reused if r.prefix]
        return entries + [VariantEntry(f.name, error=first_error(f)) for f in self.failures]

    def reused_files(self, out: Path) -> dict[str, Path]:
        files: dict[str, Path] = {}
        for reused in self.reused:
            files.update(previous_files(out, reused.prefix, _owned_elsewhere(reused.prefix)))
        return files

    def warnings(self, base: ReviewStatus) -> tuple[Problem, ...]:
        """The variants' warnings: from this build, and those recorded for reused ones."""
        made = tuple(w for e in self.editions for w in edition_warnings(e, base))
        return made + tuple(w for r in self.reused for w in r.warnings)

    def record(self, pdfs: list[RenderedPdf], previous: BuildRecord, base: ReviewStatus,
               sizes: dict[str, int]) -> BuildRecord:
        """What the next build needs to know: each edition's inputs and files, each PDF's inputs.

        The files (with their sizes) let the next build check that an edition it would take
        over is still all there, as this build left it.
        """
        editions = {r.prefix: {"key": r.key, "entry": r.entry,
                               "warnings": problems_to_record(r.warnings)} for r in self.reused}
        for edition in self.editions:
            entry = variant_entry(edition).as_record() if edition.adaptation else {}
            editions[edition.prefix] = {
                "key": self.keys[edition.prefix], "entry": entry,
                "warnings": problems_to_record(edition_warnings(edition, base))}
        for prefix, record in editions.items():
            record["files"] = {name: size for name, size in sizes.items() if _owns(prefix, name)}
        pdf_inputs = {pdf.path: pdf.key for pdf in pdfs}
        pdf_inputs.update({path: key for path, key in previous.pdf_inputs.items()
                           if self.taken_over(path)})
        said = {pdf.path: pdf.warnings for pdf in pdfs if pdf.warnings}
        failures = {f.name: first_error(f) for f in self.failures}
        return BuildRecord(pdf_inputs, editions, failures,
                           {**said, **self.reused_pdf_warnings(previous)}, build=self.build)

    def taken_over(self, path: str) -> bool:
        """Whether an output file belongs to an edition taken over whole from the last build."""
        return any(_owns(reused.prefix, path) for reused in self.reused)

    def reused_pdf_warnings(self, previous: BuildRecord) -> dict[str, tuple[str, ...]]:
        """What WeasyPrint said, when they were made, of the PDFs of editions taken over."""
        return {path: said for path, said in previous.pdf_warnings.items()
                if self.taken_over(path)}


def build_identity(build_id: str, options: BuildOptions, today: date) -> dict[str, Any]:
    """What a build was made from, as its record keeps it, so that `merge` can compare shards."""
    return {"id": build_id, "today": today.isoformat(), "formats": sorted(options.formats),
            "papers": list(options.papers), "print_shop": options.print_shop,
            "all_variants": options.all_variants,
            "shard": list(options.shard) if options.shard else None}


def first_error(failure: VariantFailure) -> str:
    """What the index of variants says of one that failed: its first problem, one line."""
    return failure.problems[0].format().splitlines()[0]


def _intact(out: Path, prefix: str, recorded: object, digests: Mapping[str, str]) -> bool:
    """Whether an edition's files are exactly those the last build recorded, to the byte.

    Names and sizes are compared first (cheap); then each file's content hash, so that a
    file damaged or edited by hand since is made again rather than published.
    """
    if not isinstance(recorded, dict) or not recorded:
        return False
    found = previous_files(out, prefix, _owned_elsewhere(prefix))
    if {name: path.stat().st_size for name, path in found.items()} != recorded:
        return False
    return all(name in digests and digest_of(path) == digests[name]
               for name, path in found.items())


def _owns(prefix: str, path: str) -> bool:
    """Whether an output path is the edition's (the base's excludes the variants')."""
    return path.startswith(prefix) and not path.startswith(_owned_elsewhere(prefix))


def _owned_elsewhere(prefix: str) -> tuple[str, ...]:
    """The base's folder holds the variants' folders and their index; they are not the base's."""
    return () if prefix else ("variants/",)


def planned(options: BuildOptions) -> list[tuple[str | None, str]]:
    """(variant name or None for the base, output prefix) for each edition asked for."""
    if options.variant:
        return [(options.variant, "")]
    names = list(list_variants(options.project)) if options.all_variants else []
    base: list[tuple[str | None, str]] = [(None, "")]
    if options.shard:
        # Slice k of n takes every n-th variant; the first slice also carries the base.
        k, n = options.shard
        names, base = names[k - 1::n], base if k == 1 else []
    return base + [(name, f"variants/{name}/") for name in names]


def variant_edition(report: CheckReport, options: BuildOptions, name: str,
                    prefix: str) -> Edition:
    """A variant's edition; published under the base's address only inside a build of all."""
    adapted = adapt(options.project, report.publication, name)
    site_url = report.publication.site_url + prefix if prefix and report.publication.site_url \
        else ""
    adapted = replace(adapted, publication=replace(adapted.publication, site_url=site_url))
    return variant_edition_of(adapted, report.status.today, prefix)


def edition_warnings(edition: Edition, base: ReviewStatus) -> tuple[Problem, ...]:
    """A variant's own warnings and its review state (the base's are the check's)."""
    if edition.adaptation is None:
        return ()
    return edition.adaptation.warnings + tuple(variant_review_warnings(edition, base))


def variant_review_warnings(edition: Edition, base: ReviewStatus) -> list[Problem]:
    """A variant's own review date, when it is earlier than the base's (the base's warns anyway)."""
    if edition.adaptation is None or edition.status.next_review == base.next_review:
        return []
    return review_warnings(edition.status, edition.adaptation.variant.file)
