"""The render stage: editions in; their pages and PDFs out, with what went wrong.

Every command that makes output comes through here (`build`, `serve`, `notify`, `merge`), so
that a page or a PDF is made one way only. The output formats are one table, FORMATS
(formats.py): a new format (say a Word handbook) is a row of it, a renderer and its templates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from policygen.errors import Location, Problem
from policygen.render.bilingual import language_editions, poster_copies
from policygen.render.edition import Edition
from policygen.render.formats import FORMATS, with_companions
from policygen.render.printing import (
    PrintJob,
    PrintOptions,
    handbook_job,
    notice_job,
    poster_job,
    sheets,
)
from policygen.render.site import render_site
from policygen.render.variant_entries import VARIANT_INDEX, VariantEntry
from policygen.render.variant_index import render_variant_index
from policygen.render.workers import iter_forked
from policygen.source.markup import MarkdownRenderer

if TYPE_CHECKING:
    from policygen.render.pdf import PdfCache, PdfRenderer, RenderedPdf

JobMaker = Callable[[], PrintJob]
# The PDF jobs of one format for one edition, each made (its HTML rendered) only when called.
JobsOf = Callable[[jinja2.Environment, MarkdownRenderer, Edition, PrintOptions], list[JobMaker]]


def _poster_jobs(env: jinja2.Environment, renderer: MarkdownRenderer, edition: Edition,
                 options: PrintOptions) -> list[JobMaker]:
    return [partial(poster_job, env, renderer, sheet, options, paper)
            for paper in options.papers for sheet in sheets(edition)]


def _handbook_jobs(env: jinja2.Environment, renderer: MarkdownRenderer, edition: Edition,
                   options: PrintOptions) -> list[JobMaker]:
    """A handbook in each language, each in its language's folder (cy/handbook.pdf)."""
    main, *others = language_editions(edition)
    # Each language's handbook links its own glossary's terms.
    renderers = [renderer, *(MarkdownRenderer(e.publication.glossary.terms) for e in others)]
    return [partial(handbook_job, env, each_renderer, each, options)
            for each_renderer, each in zip(renderers, [main, *others], strict=True)]


def _notice_jobs(env: jinja2.Environment, renderer: MarkdownRenderer, edition: Edition,
                 options: PrintOptions) -> list[JobMaker]:
    return [partial(notice_job, env, renderer, edition)] if edition.adaptation else []


# How each PDF format of the table (formats.py) is made: its jobs for one edition.
PDF_JOBS: dict[str, JobsOf] = {"posters": _poster_jobs, "handbook": _handbook_jobs,
                               "notice": _notice_jobs}
assert set(PDF_JOBS) == {f.name for f in FORMATS if f.pdf}, "a PDF format without its jobs"


@dataclass(frozen=True, slots=True)
class RenderSetup:
    """What every render of one command shares: templates, print options, PDF workers, cache."""

    env: jinja2.Environment
    assets: Path
    roots: tuple[Path, ...] = ()  # the folders a PDF may read from
    print_options: PrintOptions = field(default_factory=PrintOptions)
    renderer: PdfRenderer | None = None
    cache: PdfCache | None = None
    links_to_variants: bool = False  # the base's pages link to the index of variants
    # PDFs made before ({path: size}) that the pages may link to while new ones are made (the
    # preview shows its site at once and its posters when they are ready).
    known_pdfs: Mapping[str, int] = field(default_factory=dict)
    workers: int | None = None  # processes to render the editions' pages in (None: per core)


@dataclass(frozen=True, slots=True)
class Outputs:
    """What a render made: the pages ({path: bytes}), the PDFs, and what went wrong.

    `problems` pairs each problem with the output path it is about (a poster that does not
    fit, a file a PDF asked for and was refused); an edition with a problem gets no pages.
    """

    files: Mapping[str, bytes] = field(default_factory=dict)
    pdfs: tuple[RenderedPdf, ...] = ()
    problems: tuple[tuple[str, Problem], ...] = ()

    def warnings(self) -> dict[str, tuple[str, ...]]:
        """What WeasyPrint said of each PDF made."""
        return {pdf.path: pdf.warnings for pdf in self.pdfs if pdf.warnings}


# Given each PDF as it is finished; returns what to keep of it (build stages it to disk).
PdfSink = Callable[["RenderedPdf"], "RenderedPdf"]
# Given each edition's pages ({path: bytes}) as they are rendered; returns what to keep.
PagesSink = Callable[[Mapping[str, bytes]], Mapping[str, bytes]]
# Told (PDFs done, PDFs to do) as rendering goes.
Counter = Callable[[int, int], None]


def render_editions(editions: list[Edition], setup: RenderSetup, formats: frozenset[str],
                    sink: PdfSink | None = None, counter: Counter | None = None,
                    pages_sink: PagesSink | None = None) -> Outputs:
    """The PDFs of every edition (rendered together across the workers), then their pages.

    `sink` is given each PDF and `pages_sink` each edition's pages as they are made; what they
    return is what `Outputs` keeps (by default, everything)."""
    pdfs = _render_pdfs(editions, setup, formats, sink or _keep, counter)
    problems = tuple(pdf_problems(pdfs))
    failed = {owner(path, editions) for path, _ in problems}
    files: dict[str, bytes] = {}
    if "site" in formats:
        # Each edition's pages in a worker forked now, with the editions and the PDFs' sizes
        # already in it; the pages come back in the editions' order, as one process makes them.
        pages = partial(_pages, setup=setup, pdfs=pdfs, editions=editions, formats=formats)
        for site in iter_forked(pages, [e for e in editions if e not in failed],
                                setup.workers):
            files.update((pages_sink or _keep_pages)(site))
    return Outputs(files, tuple(pdfs), problems)


def render_edition(edition: Edition, setup: RenderSetup, formats: frozenset[str]) -> Outputs:
    """One edition's pages and PDFs (the preview; a variant's notice)."""
    return render_editions([edition], setup, formats)


def render_index(base: Edition, entries: Iterable[VariantEntry],
                 env: jinja2.Environment) -> Outputs:
    """The index of variants of a build of all of them."""
    return Outputs({VARIANT_INDEX: render_variant_index(base, list(entries), env)})


def _render_pdfs(editions: list[Edition], setup: RenderSetup, formats: frozenset[str],
                 sink: PdfSink, counter: Counter | None) -> list[RenderedPdf]:
    makers = [make for edition in editions for make in _jobs(edition, setup, formats)]
    if not makers:
        return []
    from policygen.render.pdf import (
        PdfCache,  # not at the top: a site-only build never loads the PDF side
    )
    assert setup.renderer is not None, "PDFs asked for without a PDF renderer"
    found = setup.renderer.stream(makers, setup.roots, setup.cache or PdfCache(), counter)
    copies = poster_copies(editions)
    pdfs = [sink(each) for pdf in found for each in _with_copies(pdf, copies)]
    setup.renderer.close()  # the pages need the workers' memory more (they restart if asked)
    return sorted(pdfs, key=lambda pdf: pdf.path)  # they come back as they were finished


def _with_copies(pdf: RenderedPdf, copies: Mapping[str, tuple[str, ...]]
                 ) -> list[RenderedPdf]:
    """The PDF, and its copies in other folders (a bilingual poster in each language's)."""
    for folder, others in copies.items():
        if pdf.path.startswith(folder) and not pdf.error:
            name = pdf.path.removeprefix(folder)
            return [pdf, *(replace(pdf, path=other + name, warnings=()) for other in others)]
    return [pdf]


def _jobs(edition: Edition, setup: RenderSetup, formats: frozenset[str]) -> list[JobMaker]:
    return job_makers(setup.env, edition, setup.print_options, formats)


def job_makers(env: jinja2.Environment, edition: Edition, options: PrintOptions,
               formats: frozenset[str]) -> list[JobMaker]:
    """The PDF jobs of an edition in these formats, each made only when it is called for."""
    renderer = MarkdownRenderer(edition.publication.glossary.terms)
    return [make for output in FORMATS if output.pdf and output.name in formats
            for make in PDF_JOBS[output.name](env, renderer, edition, options)]


def print_jobs(env: jinja2.Environment, edition: Edition, options: PrintOptions,
               formats: frozenset[str]) -> list[PrintJob]:
    """The PDF jobs of an edition, made now (tests and the benchmark look at their HTML)."""
    return [make() for make in job_makers(env, edition, options, with_companions(formats))]


def _pages(edition: Edition, setup: RenderSetup, pdfs: list[RenderedPdf],
           editions: list[Edition], formats: frozenset[str]) -> dict[str, bytes]:
    made = {pdf.path: pdf.size or len(pdf.data) for pdf in pdfs if not pdf.error}
    downloads = {path.removeprefix(edition.prefix): size
                 for path, size in {**setup.known_pdfs, **made}.items()
                 if owner(path, editions) is edition}
    site = render_site(edition, setup.env, setup.assets, downloads,
                       links_to_variants=setup.links_to_variants and not edition.prefix,
                       searchable="search" in formats)
    return {edition.prefix + path: data for path, data in site.items()}


def _keep(pdf: RenderedPdf) -> RenderedPdf:
    return pdf


def _keep_pages(pages: Mapping[str, bytes]) -> Mapping[str, bytes]:
    return pages


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


def without_data(pdf: RenderedPdf, size: int) -> RenderedPdf:
    """What the rest of a build needs to know of a PDF whose bytes have gone to disk."""
    return replace(pdf, data=b"", size=size)
