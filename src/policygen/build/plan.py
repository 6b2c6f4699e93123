"""Which editions a build makes anew, which it takes over unchanged, and which failed.

An edition is the base guidance or one variant laid over it. The plan is pure: it is given
what the inputs hash to (incremental.py), what the previous build recorded and which of its
editions are still whole on disk, and the editions loaded anew (editions.py), and it decides;
it reads and writes nothing itself, and it is never changed, only replaced.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policygen.build.incremental import Reused, problems_from_record, problems_to_record
from policygen.build.output import BuildRecord
from policygen.errors import Problem
from policygen.model import Publication
from policygen.render.edition import Edition, owner_prefix
from policygen.render.formats import FORMAT_NAMES, with_needs
from policygen.render.variant_entries import VariantEntry, variant_entry
from policygen.source.languages import TranslationProgress
from policygen.source.review import ReviewStatus, count_of, describe_status, review_warnings

if TYPE_CHECKING:
    from policygen.render.pdf import RenderedPdf


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What to build and where; the defaults build the base guidance, everything, on A4."""

    project: Path
    out: Path | None = None
    today: date | None = None
    formats: frozenset[str] = frozenset(FORMAT_NAMES)
    papers: tuple[str, ...] = ("a4",)
    print_shop: bool = False
    strict: bool = False
    workers: int | None = None
    variant: str | None = None  # build this variant instead of the base
    all_variants: bool = False  # the base, and every variant under variants/<name>/
    shard: tuple[int, int] | None = None  # (k, n): with all_variants, the k-th of n slices
    # A language being translated, shown as a draft beside the published ones (its pages
    # marked, never to be published): `build --draft cy`.
    draft: str = ""

    def __post_init__(self) -> None:
        # Search asked for alone means a searchable site: its index is made from the pages.
        # Set here, once, so that the record, the hashes and the render all see the same.
        object.__setattr__(self, "formats", with_needs(frozenset(self.formats)))


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What `policygen check` found: the publication, its review status and any warnings."""

    publication: Publication
    status: ReviewStatus
    warnings: tuple[Problem, ...]
    variants: tuple[str, ...] = ()
    # Each language being translated, never published (`build --draft` shows it), and how
    # far its translation is.
    drafts: tuple[Publication, ...] = ()
    progress: tuple[TranslationProgress, ...] = ()

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


Planned = tuple[str | None, str]  # (a variant's name, or None for the base; its output prefix)


@dataclass(frozen=True, slots=True)
class Plan:
    """The editions a build makes anew, those it takes over unchanged, and those that failed."""

    editions: tuple[Edition, ...]
    keys: Mapping[str, str]  # prefix → the hash of the inputs of each edition made anew
    reused: tuple[Reused, ...]
    failures: tuple[VariantFailure, ...]
    options: BuildOptions
    base: Edition
    build: Mapping[str, Any] = field(default_factory=dict)
    # The previous build's files of the editions taken over, by output path.
    reused_files: Mapping[str, Path] = field(default_factory=dict)

    def set_aside(self, failures: list[VariantFailure]) -> Plan:
        """Variants whose PDFs could not be made are left out; the others are still built."""
        failed = self.failures + tuple(failures)
        prefixes = tuple(f"variants/{failure.name}/" for failure in failed)
        return replace(self, failures=failed,
                       editions=tuple(e for e in self.editions if e.prefix not in prefixes))

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
        files: dict[str | None, dict[str, int]] = {prefix: {} for prefix in editions}
        for name, size in sizes.items():  # once through every file, not once per edition
            files.setdefault(owner_prefix(name), {})[name] = size
        for prefix, record in editions.items():
            record["files"] = files[prefix]
        pdf_inputs = {pdf.path: pdf.key for pdf in pdfs}
        taken = self._taken_over(previous.pdf_inputs)
        pdf_inputs.update({path: key for path, key in previous.pdf_inputs.items()
                           if path in taken})
        said = {pdf.path: pdf.warnings for pdf in pdfs if pdf.warnings}
        failures = {f.name: first_error(f) for f in self.failures}
        return BuildRecord(pdf_inputs, editions, failures,
                           {**said, **self.reused_pdf_warnings(previous)}, build=self.build)

    def _taken_over(self, paths: Iterable[str]) -> set[str]:
        """Those of the output paths that belong to editions taken over whole from the last
        build (each path's edition found from the path, not by trying every edition)."""
        reused = {edition.prefix for edition in self.reused}
        return {path for path in paths if owner_prefix(path) in reused}

    def reused_pdf_warnings(self, previous: BuildRecord) -> dict[str, tuple[str, ...]]:
        """What WeasyPrint said, when they were made, of the PDFs of editions taken over."""
        taken = self._taken_over(previous.pdf_warnings)
        return {path: said for path, said in previous.pdf_warnings.items() if path in taken}


def build_identity(build_id: str, options: BuildOptions, today: date) -> dict[str, Any]:
    """What a build was made from, as its record keeps it, so that `merge` can compare shards."""
    return {"id": build_id, "today": today.isoformat(), "formats": sorted(options.formats),
            "papers": list(options.papers), "print_shop": options.print_shop,
            "all_variants": options.all_variants,
            "shard": list(options.shard) if options.shard else None}


def first_error(failure: VariantFailure) -> str:
    """What the index of variants says of one that failed: its first problem, one line."""
    return failure.problems[0].format().splitlines()[0]


def planned(options: BuildOptions, variants: tuple[str, ...]) -> list[Planned]:
    """(variant name or None for the base, output prefix) for each edition asked for.

    `variants` are the project's variants (variant.list_variants), used with `--all`.
    """
    if options.variant:
        return [(options.variant, "")]
    names = list(variants) if options.all_variants else []
    base: list[Planned] = [(None, "")]
    if options.shard:
        # Slice k of n takes every n-th variant; the first slice also carries the base.
        k, n = options.shard
        names, base = names[k - 1::n], base if k == 1 else []
    return base + [(name, f"variants/{name}/") for name in names]


def decide(wanted: list[Planned], keys: Mapping[str, str], previous: BuildRecord,
           intact: frozenset[str]) -> tuple[tuple[Reused, ...], list[Planned]]:
    """Which editions to take over from the previous build, and which to make anew.

    An edition is taken over when its inputs hash as they did (`keys`) and its files are
    still all there as that build left them (`intact`, the prefixes whose files are).
    """
    reused, to_make = [], []
    for variant, prefix in wanted:
        before = previous.editions.get(prefix, {})
        if before.get("key") == keys[prefix] and prefix in intact:
            reused.append(Reused(prefix, keys[prefix], dict(before.get("entry", {})),
                                 problems_from_record(before.get("warnings"))))
        else:
            to_make.append((variant, prefix))
    return tuple(reused), to_make


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
