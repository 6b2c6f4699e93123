"""The pipeline, top to bottom: load and check → review status → render → write."""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment

from .confinement import escaping_folders, source_roots
from .content import load_content
from .edition import Edition, variant_edition_of
from .errors import ContentError, Location, Problem, Severity
from .output import (
    BuildRecord,
    Staging,
    check_output_path,
    output_lock,
    read_record,
    recover_interrupted,
)
from .plan import (
    BuildOptions,
    CheckReport,
    Plan,
    VariantFailure,
    adapt,
    variant_review_warnings,
)
from .printing import PAPERS, PrintOptions, job_makers
from .review import (
    build_date,
    count_of,
    describe_status,
    review_status,
    review_warnings,
)
from .site import (
    VARIANT_INDEX,
    render_site,
    render_variant_index,
)
from .templating import default_templates_dir, make_environment, template_file
from .variant import list_variants, misnamed_variants

if TYPE_CHECKING:
    from .pdf import PdfRenderer, RenderedPdf

log = logging.getLogger(__name__)


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
            variants = f" for the base and {count_of(len(self.variants_built), 'variant')}"
        elif self.variants_built:
            variants = f" for the variant {self.variants_built[0]}"
        failed = f"; {count_of(len(self.failures), 'variant')} FAILED" if self.failures else ""
        return (f"Built {self.pages} pages{pdfs} ({self.files} files){variants} into "
                f"{self.out} in {self.seconds:.2f} s; review "
                f"{describe_status(self.check.status)}{failed}")


def check(project: Path, today: date | None = None,
          include_variants: bool = False) -> CheckReport:
    """Load and check the content (and the variants); raise ContentError listing every problem."""
    escaping = escaping_folders(project)
    if escaping:
        raise ContentError(escaping)
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


# Told what the build is doing: (stage, done, total); total is 0 when not counted.
Progress = Callable[[str, int, int], None]


def _quiet(stage: str, done: int, total: int) -> None:
    pass


def build(options: BuildOptions, progress: Progress = _quiet) -> BuildReport:
    """Check everything, render the PDFs and the sites, then swap them into the output folder."""
    started = time.perf_counter()
    with output_lock(options.out or options.project / "build"), \
            _pdf_renderer(options) as renderer:
        return _build(options, progress, renderer, started)


def check_print(project: Path, today: date | None = None,
                workers: int | None = None) -> BuildReport:
    """Lay out every poster and handbook of the base and every variant, keeping none of them.

    This is the build itself (the same fitting, the same errors), into a folder that is thrown
    away, so that `check --print` can never pass what `build` would refuse.
    """
    with tempfile.TemporaryDirectory(prefix="policygen-check-") as folder:
        options = BuildOptions(project, Path(folder) / "out", today,
                               frozenset({"posters", "handbook"}), workers=workers,
                               all_variants=True)
        return build(options)


def _pdf_renderer(options: BuildOptions) -> PdfRenderer:
    """The PDF workers, forked before anything is read if PDFs are asked for (see PdfRenderer)."""
    from .pdf import PdfRenderer  # not at the top: `check` has no use for processes
    renderer = PdfRenderer(options.workers)
    return renderer.start() if {"posters", "handbook"} & options.formats else renderer


def _build(options: BuildOptions, progress: Progress, renderer: PdfRenderer,
           started: float) -> BuildReport:
    out = options.out or options.project / "build"
    recover_interrupted(out.resolve())
    report = check(options.project, options.today)
    check_output_path(out, options.project)
    templates = templates_dir(options.project)
    env = make_environment(templates)
    previous = read_record(out)
    progress("preparing", 0, 0)
    plan = Plan.make(report, options, templates, previous, out)
    with Staging(out) as staging:
        pdfs, pdf_failures = render_pdfs(env, plan.editions, options, out, previous, progress,
                                         staging, renderer)
        plan.set_aside(pdf_failures)
        staging.discard(plan.failed_prefixes)
        kept = [pdf for pdf in pdfs if not pdf.path.startswith(plan.failed_prefixes)]
        progress("writing the website", 0, 0)
        files = render_sites(env, templates, plan, kept, options)
        said = {pdf.path: pdf.warnings for pdf in kept} | plan.reused_pdf_warnings(previous)
        warnings = tuple(pdf_warnings(said)) + plan.warnings(report.status)
        if options.strict and (warnings or report.warnings):
            raise ContentError([replace(w, severity=Severity.ERROR)
                                for w in report.warnings + warnings])
        reuse = plan.reused_files(out)
        for name, source in sorted(reuse.items()):
            staging.link(name, source, previous.files[name])
        for name, data in sorted(files.items()):
            staging.write(name, data)
        staging.commit(plan.record(kept, previous, report.status, staging.sizes))
        names = set(staging.sizes)
    rendered = sum(not pdf.reused for pdf in kept)
    if options.variant and plan.editions:  # the summary speaks of what was built
        report = replace(report, status=plan.editions[0].status)
    return BuildReport(report, out, sum(name.endswith(".html") for name in names), len(names),
                       rendered, sum(name.endswith(".pdf") for name in names) - rendered,
                       time.perf_counter() - started, warnings, plan.variant_names(),
                       tuple(plan.failures), options.all_variants)


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
        downloads = {pdf.path.removeprefix(edition.prefix): pdf.size for pdf in pdfs
                     if owner(pdf.path, plan.editions) is edition}
        site = render_site(edition, env, template_file(templates, "assets"), downloads,
                           links_to_variants=options.all_variants and not edition.prefix)
        files.update({edition.prefix + path: data for path, data in site.items()})
    if options.all_variants:
        files[VARIANT_INDEX] = render_variant_index(plan.base, plan.entries(), env)
    return files


def render_pdfs(env: Environment, editions: list[Edition], options: BuildOptions, out: Path,
                previous: BuildRecord, progress: Progress, staging: Staging,
                renderer: PdfRenderer) -> tuple[list[RenderedPdf], list[VariantFailure]]:
    """Posters, handbooks and notices for every edition, rendered together across the cores.

    A PDF that cannot be made (a poster that will not fit) stops the build for the base; in a
    build of all variants it only sets that variant aside.
    """
    if not {"posters", "handbook"} & options.formats:
        return [], []
    from .pdf import read_pdf_cache
    print_options = PrintOptions(tuple(PAPERS[p] for p in options.papers), options.print_shop)
    roots = source_roots(options.project)
    cache = read_pdf_cache(out, previous)
    makers = [make for edition in editions
              for make in job_makers(env, edition, print_options, options.formats)]
    pdfs = [_to_disk(pdf, staging)  # its bytes are not kept in memory
            for pdf in renderer.stream(makers, roots, cache, _counting(progress))]
    renderer.close()
    pdfs.sort(key=lambda pdf: pdf.path)  # they come back in the order they were finished
    problems = pdf_problems(pdfs)
    failures = []
    for edition in editions:
        mine = [p for path, p in problems if owner(path, editions) is edition]
        if mine and (not edition.prefix or not options.all_variants):
            raise ContentError(mine)
        if mine:
            failures.append(VariantFailure(edition.name, tuple(mine)))
    return pdfs, failures


def _to_disk(pdf: RenderedPdf, staging: Staging) -> RenderedPdf:
    """Stage the PDF's bytes and keep only what the rest of the build needs to know of it."""
    if pdf.error:
        return pdf
    staging.write(pdf.path, pdf.data)
    return replace(pdf, data=b"", size=len(pdf.data))


def _counting(progress: Progress) -> Callable[[int, int], None]:
    return lambda done, total: progress("rendering PDFs", done, total)


def owner(path: str, editions: list[Edition]) -> Edition | None:
    """The edition an output path belongs to: the one with the longest matching prefix."""
    return max((e for e in editions if path.startswith(e.prefix)), key=lambda e: len(e.prefix),
               default=None)


def pdf_problems(pdfs: list[RenderedPdf]) -> list[tuple[str, Problem]]:
    """(PDF path, problem) for each PDF that failed or asked for something refused."""
    found = [(pdf.path, Problem(Location(pdf.source), pdf.error)) for pdf in pdfs if pdf.error]
    found += [(pdf.path, Problem(Location(pdf.source), f"{pdf.path} asked for '{url}', "
                                 "which was refused: PDFs may only use files inside the "
                                 "project's content/, templates/ and variants/ folders, and "
                                 "nothing from the network"))
              for pdf in pdfs for url in pdf.refused]
    return found


def pdf_warnings(said: Mapping[str, tuple[str, ...]]) -> Iterator[Problem]:
    """What WeasyPrint said of each PDF (now, or when a PDF taken over was made)."""
    for path, messages in sorted(said.items()):
        for message in messages:
            yield Problem(Location(path), f"while rendering: {message}", Severity.WARNING)
