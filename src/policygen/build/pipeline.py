"""The pipeline, top to bottom: load and check → review status → render → index → write."""

from __future__ import annotations

import contextlib
import logging
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from policygen.build.editions import adapt, load_editions
from policygen.build.incremental import (
    InputHasher,
    build_settings,
    intact_editions,
    output_files,
    read_pdf_cache,
    reused_files,
)
from policygen.build.output import (
    BuildRecord,
    Staging,
    check_output_path,
    digest_of,
    file_digest,
    holds,
    output_lock,
    read_record,
    recover_interrupted,
)
from policygen.build.plan import (
    BuildOptions,
    CheckReport,
    Plan,
    VariantFailure,
    build_identity,
    decide,
    planned,
    variant_review_warnings,
)
from policygen.errors import ContentError, Location, OutputError, Problem, Severity
from policygen.model import Publication
from policygen.render.edition import Edition, base_edition_of, owner_prefix, variant_edition_of
from policygen.render.formats import PRINT, makes_pdfs, with_companions
from policygen.render.shipped import default_templates_dir, template_file
from policygen.render.workers import map_forked
from policygen.source.confinement import escaping_folders, source_roots
from policygen.source.content import load_content
from policygen.source.review import (
    ReviewStatus,
    build_date,
    count_of,
    describe_status,
    review_status,
    review_warnings,
)
from policygen.source.translations import translation_problems
from policygen.variants.drift import edition_changes
from policygen.variants.editions import archived_editions
from policygen.variants.standing import base_edition
from policygen.variants.variant import list_variants, misnamed_variants

# The renderers (render.stage and what it brings: Jinja, the print layout, Pagefind) are
# imported where something is rendered, not here: an unchanged rebuild renders nothing, and
# importing them was a third of its time.
if TYPE_CHECKING:
    from policygen.render.pdf import PdfRenderer, RenderedPdf
    from policygen.render.stage import Outputs, RenderSetup

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


def check(project: Path, today: date | None = None, include_variants: bool = False,
          workers: int | None = None) -> CheckReport:
    """Load and check the content (and the variants); raise ContentError listing every problem.

    The variants are laid over the base in `workers` processes (one per core by default),
    forked once the base is read; what they find is said in the variants' order.
    """
    escaping = escaping_folders(project)
    if escaping:
        raise ContentError(escaping)
    loaded = load_content(project)
    pub = loaded.publication
    day = build_date(today)
    status = review_status(pub.dates.next_review, day, pub.warn_days)
    translated = translation_problems(project, loaded.twin_texts, loaded.languages) \
        if len(loaded.languages) > 1 else []
    if any(problem.is_error for problem in translated):
        raise ContentError(translated)
    warnings = loaded.warnings + tuple(translated) + tuple(review_warnings(status))
    names = list_variants(project) if include_variants else ()
    problems: list[Problem] = misnamed_variants(project) if include_variants else []
    checked = map_forked(partial(_check_variant, project, pub, day, status), names, workers)
    for errors, found in checked:
        # A parent's errors come again with each variant extending it: said once.
        problems += [problem for problem in errors if problem not in problems]
        warnings += found
    if problems:
        raise ContentError(problems + list(warnings))
    return CheckReport(pub, status, warnings, names, loaded.drafts, loaded.progress)


def _check_variant(project: Path, pub: Publication, day: date, status: ReviewStatus,
                   name: str) -> tuple[tuple[Problem, ...], tuple[Problem, ...]]:
    """One variant laid over the base: (its errors, its warnings); one of them is empty."""
    try:
        adapted = adapt(project, pub, name)
    except ContentError as error:
        return tuple(error.problems), ()
    return (), adapted.warnings + tuple(variant_review_warnings(
        variant_edition_of(adapted, day), status))


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
        options = BuildOptions(project, Path(folder) / "out", today, PRINT, workers=workers,
                               all_variants=True)
        return build(options)


def _pdf_renderer(options: BuildOptions) -> contextlib.AbstractContextManager[PdfRenderer | None]:
    """The PDF workers, forked before anything is read if PDFs are asked for (see PdfRenderer);
    none for a build without PDFs, which then never imports the PDF renderer."""
    if not makes_pdfs(options.formats):
        return contextlib.nullcontext()
    from policygen.render.pdf import PdfRenderer
    return PdfRenderer(options.workers).start()


def _build(options: BuildOptions, progress: Progress, renderer: PdfRenderer | None,
           started: float) -> BuildReport:
    out = options.out or options.project / "build"
    recover_interrupted(out.resolve())
    report = check(options.project, options.today)
    check_output_path(out, options.project)
    templates = templates_dir(options.project)
    previous = read_record(out)
    progress("preparing", 0, 0)
    plan = make_plan(report, options, templates, previous, out)
    if not plan.editions:
        kept_as_it_is = _as_it_is(out, plan, lambda: render_setup(options, templates),
                                  previous, report, started)
        if kept_as_it_is is not None:
            return kept_as_it_is
    setup = render_setup(options, templates, renderer, out, previous)
    from policygen.render.stage import render_editions
    with Staging(out) as staging:
        outputs = render_editions(list(plan.editions), setup, with_companions(options.formats),
                                  lambda pdf: _to_disk(pdf, staging),
                                  _counting(progress, "rendering PDFs"),
                                  _pages_to_disk(staging, options, progress))
        plan = plan.set_aside(_failures(outputs, plan, options))
        staging.discard(plan.failed_prefixes)
        kept = [pdf for pdf in outputs.pdfs if not pdf.path.startswith(plan.failed_prefixes)]
        files = _indexes(plan, setup)  # what is made after the pages
        warnings = _checked_warnings(plan, kept, previous, report)
        if "search" in options.formats:  # each edition made anew, on its own pages
            files.update(_search_indexes(plan.editions, outputs.files, progress))
        for name, source in sorted(plan.reused_files.items()):
            staging.link(name, source, previous.files[name])
        for name, data in sorted(files.items()):
            staging.write(name, data)
        staging.commit(plan.record(kept, previous, report.status, staging.sizes))
        names = set(staging.sizes)
    rendered = sum(not pdf.reused for pdf in kept)
    return _summary(report, plan, out, names, rendered, warnings, started)


def _as_it_is(out: Path, plan: Plan, setup: Callable[[], RenderSetup], previous: BuildRecord,
              report: CheckReport, started: float) -> BuildReport | None:
    """The report of a build that leaves the output folder as it is, when every edition is
    taken over and the folder already holds, to the byte, what this build would make; None
    when anything would differ. Copying an unchanged site into a new folder and swapping it
    in was most of an unchanged rebuild's time."""
    reused = plan.reused_files
    # The index of variants is made from the editions' records and the inputs every edition's
    # key covers, all unchanged, so the last build's stands; a variant that failed is tried
    # again, though, and what it says now may differ.
    index = {name: file_digest(data) for name, data in _indexes(plan, setup()).items()} \
        if plan.failures else \
        {name: digest for name, digest in previous.files.items() if owner_prefix(name) is None}
    if not all((out / name).is_file() and digest_of(out / name) == digest
               for name, digest in index.items()):
        return None
    sizes = {name: path.stat().st_size for name, path in (*reused.items(), *(
        (name, out / name) for name in index))}
    digests = {**{name: previous.files.get(name, "") for name in reused}, **index}
    record = replace(plan.record([], previous, report.status, sizes), files=digests)
    # The editions taken over were checked to the byte (intact_editions), the index here;
    # the record must say exactly what the one there says.
    if not holds(out, record):
        return None
    warnings = _checked_warnings(plan, [], previous, report)
    return _summary(report, plan, out, set(sizes), 0, warnings, started)


def _indexes(plan: Plan, setup: RenderSetup) -> dict[str, bytes]:
    """The index of variants, in a build of all of them that makes the site."""
    options = plan.options
    if options.all_variants and "site" in options.formats:
        from policygen.render.stage import render_index
        return dict(render_index(plan.base, plan.entries(), setup.env).files)
    return {}


def _checked_warnings(plan: Plan, kept: list[RenderedPdf], previous: BuildRecord,
                      report: CheckReport) -> tuple[Problem, ...]:
    """The build's warnings (what WeasyPrint said, now or when a PDF taken over was made; the
    review), which --strict turns into errors that stop the build."""
    said = {pdf.path: pdf.warnings for pdf in kept} | plan.reused_pdf_warnings(previous)
    warnings = tuple(pdf_warnings(said)) + plan.warnings(report.status)
    if plan.options.strict and (warnings or report.warnings):
        raise ContentError([replace(w, severity=Severity.ERROR)
                            for w in report.warnings + warnings])
    return warnings


def _summary(report: CheckReport, plan: Plan, out: Path, names: set[str], rendered: int,
             warnings: tuple[Problem, ...], started: float) -> BuildReport:
    options = plan.options
    if options.variant and plan.editions:  # the summary speaks of what was built
        report = replace(report, status=plan.editions[0].status)
    return BuildReport(report, out, sum(name.endswith(".html") for name in names), len(names),
                       rendered, sum(name.endswith(".pdf") for name in names) - rendered,
                       time.perf_counter() - started, warnings, plan.variant_names(),
                       tuple(plan.failures), options.all_variants)


def make_plan(report: CheckReport, options: BuildOptions, templates: Path,
              previous: BuildRecord, out: Path) -> Plan:
    """Hash the inputs, look at what the last build left, decide, and load what is to be made."""
    today = report.status.today
    hasher = InputHasher(options.project, templates, build_settings(
        options.formats, options.papers, options.print_shop, options.all_variants, today,
        options.draft))
    wanted = planned(options, list_variants(options.project))
    keys = {prefix: hasher.key(variant, prefix) for variant, prefix in wanted}
    found = output_files(out)
    reused, to_make = decide(wanted, keys, previous, intact_editions(found, previous))
    # The base's earlier editions and what this one changed are read only when an edition is
    # to be made: an unchanged rebuild renders nothing, and reading every earlier edition's
    # content was a good part of its time.
    base = base_edition_of(report.publication, today,
                           edition_changes(options.project, report.publication),
                           archived_editions(options.project, base_edition(report.publication)))\
        if to_make else base_edition_of(report.publication, today)
    if options.draft:
        base = with_draft(base, report, options.draft)
    editions, failures = load_editions(report, options, base, to_make)
    return Plan(tuple(editions), {prefix: keys[prefix] for _, prefix in to_make}, reused,
                tuple(failures), options, base, build_identity(hasher.build_id, options, today),
                reused_files(found, reused))


def with_draft(edition: Edition, report: CheckReport, language: str) -> Edition:
    """The edition shown with a draft translation as one of its languages, marked as a draft;
    its earlier editions left out (they were published without it), and its address too: a
    draft's pages must not call themselves the published ones (canonical links, feed,
    sitemap)."""
    draft = next((pub for pub in report.drafts if pub.language == language), None)
    if draft is None:
        being = ", ".join(pub.language for pub in report.drafts)
        raise OutputError(f"--draft {language}: content/publication.yaml is not translating "
                          f"into {language} ("
                          + (f"'translating' lists {being}" if being else "it has no "
                             "'translating'")
                          + "); a draft shows a language listed under 'translating', like "
                          "'cy: draft' (docs/translating.md)")
    pub = edition.publication
    return replace(edition, publication=replace(pub, twins=(*pub.twins, draft), site_url=""),
                   draft=language, earlier=())


def render_setup(options: BuildOptions, templates: Path, renderer: PdfRenderer | None = None,
                 out: Path | None = None, previous: BuildRecord | None = None) -> RenderSetup:
    """What the render stage needs for a build: templates, paper, PDF workers, last build's PDFs."""
    from policygen.render.printing import PAPERS, PrintOptions
    from policygen.render.stage import RenderSetup
    from policygen.render.templating import make_environment
    cache = None
    if out is not None and previous is not None and makes_pdfs(options.formats):
        cache = read_pdf_cache(out, previous)
    return RenderSetup(make_environment(templates), template_file(templates, "assets"),
                       source_roots(options.project),
                       PrintOptions(tuple(PAPERS[p] for p in options.papers),
                                    options.print_shop),
                       renderer, cache, links_to_variants=options.all_variants,
                       workers=options.workers)


def templates_dir(project: Path) -> Path:
    """The project's own templates/ when it has one, else those shipped with policygen."""
    own = project / "templates"
    return own if own.is_dir() else default_templates_dir()


def _failures(outputs: Outputs, plan: Plan, options: BuildOptions) -> list[VariantFailure]:
    """A PDF that cannot be made (a poster that will not fit) stops the build for the base; in
    a build of all variants it only sets that variant aside."""
    from policygen.render.stage import owner
    failures = []
    editions = list(plan.editions)
    for edition in editions:
        mine = [p for path, p in outputs.problems if owner(path, editions) is edition]
        if mine and (not edition.prefix or not options.all_variants):
            raise ContentError(mine)
        if mine:
            failures.append(VariantFailure(edition.name, tuple(mine)))
    return failures


def _to_disk(pdf: RenderedPdf, staging: Staging) -> RenderedPdf:
    """Stage the PDF's bytes and keep only what the rest of the build needs to know of it."""
    from policygen.render.stage import without_data
    if pdf.error:
        return pdf
    staging.write(pdf.path, pdf.data)
    return without_data(pdf, len(pdf.data))


def _pages_to_disk(staging: Staging, options: BuildOptions,
                   progress: Progress) -> Callable[[Mapping[str, bytes]], Mapping[str, bytes]]:
    """Stage each edition's pages as they come (written while the next are rendered); keep
    in memory only what the search index is made from, when it is asked for."""
    started: list[bool] = []

    def stage(pages: Mapping[str, bytes]) -> Mapping[str, bytes]:
        if not started:
            started.append(True)
            progress("writing the website", 0, 0)
        for name, data in sorted(pages.items()):
            staging.write(name, data)
        if "search" not in options.formats:
            return {}
        return {name: data for name, data in pages.items() if name.endswith(".html")}
    return stage


def _search_indexes(editions: tuple[Edition, ...], files: Mapping[str, bytes],
                    progress: Progress) -> dict[str, bytes]:
    """Each edition's search index; counted aloud only when there are many (it is quick)."""
    from policygen.render.search import index_editions, search_targets
    progress("indexing for search", 0, 0)
    named = [target for e in editions for target in search_targets(
        e.prefix, f"the variant {e.name}" if e.adaptation else e.name, e.language_folders)]
    counter = _counting(progress, "indexing for search") if len(named) > 1 else None
    return index_editions(named, files, counter)


def _counting(progress: Progress, stage: str) -> Callable[[int, int], None]:
    return lambda done, total: progress(stage, done, total)


def pdf_warnings(said: Mapping[str, tuple[str, ...]]) -> Iterator[Problem]:
    """What WeasyPrint said of each PDF (now, or when a PDF taken over was made)."""
    for path, messages in sorted(said.items()):
        for message in messages:
            yield Problem(Location(path), f"while rendering: {message}", Severity.WARNING)
