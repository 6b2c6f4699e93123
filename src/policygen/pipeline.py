"""The pipeline, top to bottom: load and check → review status → render → write."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment

from .changes import apply_variant
from .content import load_content
from .edition import Edition, base_edition_of, variant_edition_of
from .errors import ContentError, Location, Problem, Severity
from .incremental import (
    InputHasher,
    Reused,
    build_settings,
    problems_from_record,
    problems_to_record,
)
from .ledger import AdaptedPublication
from .model import Publication
from .output import (
    BuildRecord,
    check_output_path,
    previous_files,
    read_record,
    recover_interrupted,
    write_output,
)
from .printing import PAPERS, PrintJob, PrintOptions, print_jobs
from .review import ReviewState, ReviewStatus, build_date, review_status
from .site import (
    VARIANT_INDEX,
    VariantEntry,
    render_site,
    render_variant_index,
    variant_entry,
)
from .templating import default_templates_dir, make_environment, template_file
from .variant import list_variants, load_variant, misnamed_variants

if TYPE_CHECKING:
    from .pdf import RenderedPdf

log = logging.getLogger(__name__)


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
        variants = f", {_count(len(self.variants), 'variant')}" if self.variants else ""
        return (f"{len(pub.topics)} topics, {items} practice items, "
                f"{len(pub.glossary.terms)} glossary terms, {len(pub.reporting.contacts)} "
                f"contacts, {len(pub.legal.offences)} offences{variants}; "
                f"review {describe_status(self.status)}")


@dataclass(frozen=True, slots=True)
class VariantFailure:
    """A variant that could not be built in a build of all of them, and why."""

    name: str
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class BuildReport:
    check: CheckReport
    out: Path
    pages: int
    files: int
    pdfs_rendered: int
    pdfs_reused: int
    seconds: float
    warnings: tuple[Problem, ...] = ()
    variants_built: tuple[str, ...] = ()
    failures: tuple[VariantFailure, ...] = ()
    all_variants: bool = False

    def summary(self) -> str:
        pdfs = ""
        if self.pdfs_rendered or self.pdfs_reused:
            pdfs = f", {self.pdfs_rendered + self.pdfs_reused} PDFs"
            if self.pdfs_reused:
                pdfs += f" ({self.pdfs_reused} unchanged)"
        variants = ""
        if self.all_variants:
            variants = f" for the base and {_count(len(self.variants_built), 'variant')}"
        elif self.variants_built:
            variants = f" for the variant {self.variants_built[0]}"
        failed = f"; {_count(len(self.failures), 'variant')} FAILED" if self.failures else ""
        return (f"Built {self.pages} pages{pdfs} ({self.files} files){variants} into "
                f"{self.out} in {self.seconds:.2f} s; review "
                f"{describe_status(self.check.status)}{failed}")


def check(project: Path, today: date | None = None,
          include_variants: bool = False) -> CheckReport:
    """Load and check the content (and the variants); raise ContentError listing every problem."""
    loaded = load_content(project)
    pub = loaded.publication
    day = build_date(today)
    status = review_status(pub.dates.next_review, day, pub.warn_days)
    warnings = loaded.warnings + tuple(review_warnings(status))
    names = list_variants(project) if include_variants else ()
    problems: list[Problem] = misnamed_variants(project) if include_variants else []
    for name in names:
        try:
            adapted = adapt(project, pub, name)
        except ContentError as error:
            problems += error.problems
            continue
        warnings += adapted.warnings + tuple(variant_review_warnings(
            variant_edition_of(adapted, day), status))
    if problems:
        raise ContentError(problems + list(warnings))
    return CheckReport(pub, status, warnings, names)


def adapt(project: Path, base: Publication, name: str) -> AdaptedPublication:
    """A variant laid over the base, with the variant's own warnings kept."""
    variant = load_variant(project, name)
    adapted = apply_variant(base, variant)
    return replace(adapted, warnings=variant.warnings + adapted.warnings)


PDF_BATCH = 8  # editions whose PDFs are prepared and rendered together
# The only folders a PDF may read from (WeasyPrint's fetcher refuses everything else).
SOURCE_FOLDERS = ("content", "templates", "variants")

# Told what the build is doing: (stage, done, total); total is 0 when not counted.
Progress = Callable[[str, int, int], None]


def _quiet(stage: str, done: int, total: int) -> None:
    pass


def build(options: BuildOptions, progress: Progress = _quiet) -> BuildReport:
    """Check everything, render the PDFs and the sites, then swap them into the output folder."""
    started = time.perf_counter()
    out = options.out or options.project / "build"
    recover_interrupted(out.resolve())
    report = check(options.project, options.today)
    check_output_path(out, options.project)
    templates = templates_dir(options.project)
    env = make_environment(templates)
    previous = read_record(out)
    progress("preparing", 0, 0)
    plan = Plan.make(report, options, templates, previous, out)
    pdfs, pdf_failures = render_pdfs(env, plan.editions, options, out, previous, progress)
    plan.set_aside(pdf_failures)
    kept = [pdf for pdf in pdfs if not pdf.path.startswith(plan.failed_prefixes)]
    progress("writing the website", 0, 0)
    files = render_sites(env, templates, plan, kept, options)
    files.update({pdf.path: pdf.data for pdf in kept})
    warnings = tuple(pdf_warnings(kept)) + plan.warnings(report.status)
    if options.strict and (warnings or report.warnings):
        raise ContentError([replace(w, severity=Severity.ERROR)
                            for w in report.warnings + warnings])
    reuse = plan.reused_files(out)
    sizes = {name: len(data) for name, data in files.items()}
    sizes.update({name: path.stat().st_size for name, path in reuse.items()})
    write_output(files, out, plan.record(kept, previous, report.status, sizes), reuse)
    names = set(files) | set(reuse)
    rendered = sum(not pdf.reused for pdf in kept)
    if options.variant and plan.editions:  # the summary speaks of what was built
        report = replace(report, status=plan.editions[0].status)
    return BuildReport(report, out, sum(name.endswith(".html") for name in names), len(names),
                       rendered, sum(name.endswith(".pdf") for name in names) - rendered,
                       time.perf_counter() - started, warnings, plan.variant_names(),
                       tuple(plan.failures), options.all_variants)


@dataclass
class Plan:
    """The editions a build makes anew, those it takes over unchanged, and those that failed."""

    editions: list[Edition]
    keys: dict[str, str]
    reused: list[Reused]
    failures: list[VariantFailure]
    options: BuildOptions
    base: Edition

    @classmethod
    def make(cls, report: CheckReport, options: BuildOptions, templates: Path,
             previous: BuildRecord, out: Path) -> Plan:
        today = report.status.today
        hasher = InputHasher(options.project, templates, build_settings(
            options.formats, options.papers, options.print_shop, options.all_variants, today))
        plan = cls([], {}, [], [], options, base_edition_of(report.publication, today))
        for variant, prefix in planned(options):
            key = hasher.key(variant, prefix)
            before = previous.editions.get(prefix, {})
            if before.get("key") == key and _intact(out, prefix, before.get("files")):
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
            record["files"] = {name: size for name, size in sizes.items()
                               if name.startswith(prefix)
                               and not name.startswith(_owned_elsewhere(prefix))}
        pdf_inputs = {pdf.path: pdf.key for pdf in pdfs}
        for reused in self.reused:
            pdf_inputs.update({path: key for path, key in previous.pdf_inputs.items()
                               if path.startswith(reused.prefix)
                               and not path.startswith(_owned_elsewhere(reused.prefix))})
        failures = {f.name: first_error(f) for f in self.failures}
        return BuildRecord(pdf_inputs, editions, failures)


def first_error(failure: VariantFailure) -> str:
    """What the index of variants says of one that failed: its first problem, one line."""
    return failure.problems[0].format().splitlines()[0]


def _intact(out: Path, prefix: str, recorded: object) -> bool:
    """Whether an edition's files are exactly those the last build recorded (names, sizes)."""
    if not isinstance(recorded, dict) or not recorded:
        return False
    found = previous_files(out, prefix, _owned_elsewhere(prefix))
    return {name: path.stat().st_size for name, path in found.items()} == recorded


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


def templates_dir(project: Path) -> Path:
    """The project's own templates/ when it has one, else those shipped with policygen."""
    own = project / "templates"
    return own if own.is_dir() else default_templates_dir()


def render_sites(env: Environment, templates: Path, plan: Plan, pdfs: list[RenderedPdf],
                 options: BuildOptions) -> dict[str, bytes]:
    """Each new edition's pages under its prefix, and with --all, the index of variants."""
    files: dict[str, bytes] = {}
    if "site" not in options.formats:
        return files
    for edition in plan.editions:
        downloads = {pdf.path.removeprefix(edition.prefix): len(pdf.data) for pdf in pdfs
                     if owner(pdf.path, plan.editions) is edition}
        site = render_site(edition, env, template_file(templates, "assets"), downloads,
                           links_to_variants=options.all_variants and not edition.prefix)
        files.update({edition.prefix + path: data for path, data in site.items()})
    if options.all_variants:
        files[VARIANT_INDEX] = render_variant_index(plan.base, plan.entries(), env)
    return files


def render_pdfs(env: Environment, editions: list[Edition], options: BuildOptions, out: Path,
                previous: BuildRecord,
                progress: Progress = _quiet) -> tuple[list[RenderedPdf], list[VariantFailure]]:
    """Posters, handbooks and notices for every edition, rendered together across the cores.

    A PDF that cannot be made (a poster that will not fit) stops the build for the base; in a
    build of all variants it only sets that variant aside.
    """
    if not {"posters", "handbook"} & options.formats:
        return [], []
    from .pdf import PdfRenderer, read_pdf_cache
    print_options = PrintOptions(tuple(PAPERS[p] for p in options.papers), options.print_shop)
    roots = tuple(options.project / folder for folder in SOURCE_FOLDERS)
    cache = read_pdf_cache(out, previous.pdf_inputs)
    pdfs: list[RenderedPdf] = []
    problems: list[tuple[str, Problem]] = []
    with PdfRenderer(options.workers) as renderer:
        # A few editions at a time: the HTML of every poster of a hundred variants at every
        # text size would not fit the memory a build is allowed.
        for group in batched(editions, PDF_BATCH):
            jobs = [job for edition in group
                    for job in print_jobs(env, edition, print_options, options.formats)]
            rendered = renderer.render(jobs, roots, cache, _counting(progress, len(pdfs)))
            problems += pdf_problems(jobs, rendered)
            pdfs += rendered
    failures = []
    for edition in editions:
        mine = [p for path, p in problems if owner(path, editions) is edition]
        if mine and (not edition.prefix or not options.all_variants):
            raise ContentError(mine)
        if mine:
            failures.append(VariantFailure(edition.name, tuple(mine)))
    return pdfs, failures


def _counting(progress: Progress, already: int) -> Callable[[int, int], None]:
    """Progress for one group of PDFs, counted on from those rendered before it."""
    return lambda done, total: progress("rendering PDFs", already + done, already + total)


def batched(editions: list[Edition], size: int) -> Iterator[list[Edition]]:
    for start in range(0, len(editions), size):
        yield editions[start:start + size]


def owner(path: str, editions: list[Edition]) -> Edition | None:
    """The edition an output path belongs to: the one with the longest matching prefix."""
    return max((e for e in editions if path.startswith(e.prefix)), key=lambda e: len(e.prefix),
               default=None)


def pdf_problems(jobs: list[PrintJob], pdfs: list[RenderedPdf]) -> list[tuple[str, Problem]]:
    """(PDF path, problem) for each PDF that failed or asked for something refused."""
    sources = {job.path: job.source for job in jobs}
    found = [(pdf.path, Problem(Location(sources[pdf.path]), pdf.error))
             for pdf in pdfs if pdf.error]
    found += [(pdf.path, Problem(Location(sources[pdf.path]), f"{pdf.path} asked for '{url}', "
                                 "which was refused: PDFs may only use files inside the "
                                 "project's content/, templates/ and variants/ folders, and "
                                 "nothing from the network"))
              for pdf in pdfs for url in pdf.refused]
    return found


def pdf_warnings(pdfs: list[RenderedPdf]) -> Iterator[Problem]:
    for pdf in pdfs:
        for message in pdf.warnings:
            yield Problem(Location(pdf.path), f"while rendering: {message}", Severity.WARNING)


def review_warnings(status: ReviewStatus,
                    source: str = "content/publication.yaml") -> list[Problem]:
    """Due or overdue for review: a warning on the file whose date it is."""
    where = Location(source)
    when = status.next_review
    if status.state is ReviewState.OVERDUE:
        return [Problem(where, f"the guidance was due for review on {when}; every page "
                        "says it is overdue", Severity.WARNING)]
    if status.state is ReviewState.DUE:
        return [Problem(where, f"the guidance is due for review on {when} "
                        f"(in {status.days_left} days)", Severity.WARNING)]
    return []


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


def describe_status(status: ReviewStatus) -> str:
    when = status.next_review.isoformat()
    return {ReviewState.CURRENT: f"current (next review {when})",
            ReviewState.DUE: f"due soon ({when})",
            ReviewState.OVERDUE: f"OVERDUE since {when}"}[status.state]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
