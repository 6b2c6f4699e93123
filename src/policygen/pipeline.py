"""The pipeline, top to bottom: load and check → review status → render → write."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment

from .content import LoadedContent, load_content
from .errors import ContentError, Location, Problem, Severity
from .model import Publication
from .output import check_output_path, read_pdf_inputs, write_output
from .printing import PAPERS, PrintOptions, print_jobs
from .review import ReviewState, ReviewStatus, build_date, review_status
from .site import render_site
from .templating import default_templates_dir, make_environment

if TYPE_CHECKING:
    from .pdf import RenderedPdf

log = logging.getLogger(__name__)


FORMATS = ("site", "posters", "handbook")


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What to build and where; the defaults build everything on A4."""

    project: Path
    out: Path | None = None
    today: date | None = None
    formats: frozenset[str] = frozenset(FORMATS)
    papers: tuple[str, ...] = ("a4",)
    print_shop: bool = False
    strict: bool = False
    workers: int | None = None


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What `policygen check` found: the publication, its review status and any warnings."""

    publication: Publication
    status: ReviewStatus
    warnings: tuple[Problem, ...]

    def summary(self) -> str:
        pub = self.publication
        items = sum(len(level.items) for t in pub.topics for level in t.practice)
        return (f"{len(pub.topics)} topics, {items} practice items, "
                f"{len(pub.glossary.terms)} glossary terms, {len(pub.reporting.contacts)} "
                f"contacts, {len(pub.legal.offences)} offences; "
                f"review {describe_status(self.status)}")


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

    def summary(self) -> str:
        pdfs = ""
        if self.pdfs_rendered or self.pdfs_reused:
            pdfs = f", {self.pdfs_rendered + self.pdfs_reused} PDFs"
            if self.pdfs_reused:
                pdfs += f" ({self.pdfs_reused} unchanged)"
        return (f"Built {self.pages} pages{pdfs} ({self.files} files) into {self.out} in "
                f"{self.seconds:.2f} s; review {describe_status(self.check.status)}")


def check(project: Path, today: date | None = None) -> CheckReport:
    """Load and check the content; raise ContentError listing every problem."""
    loaded = load_content(project)
    pub = loaded.publication
    status = review_status(pub.dates.next_review, build_date(today), pub.warn_days)
    return CheckReport(pub, status, loaded.warnings + tuple(review_warnings(loaded, status)))


def build(options: BuildOptions) -> BuildReport:
    """Check everything, render the PDFs and the site, then swap them into the output folder."""
    started = time.perf_counter()
    report = check(options.project, options.today)
    out = options.out or options.project / "build"
    check_output_path(out, options.project)
    templates = templates_dir(options.project)
    env = make_environment(templates)
    pdfs = render_pdfs(env, report, options, out)
    downloads = {pdf.path: len(pdf.data) for pdf in pdfs}
    files = render_site(report.publication, report.status, env, templates / "assets",
                        downloads) if "site" in options.formats else {}
    files.update({pdf.path: pdf.data for pdf in pdfs})
    warnings = tuple(pdf_warnings(pdfs))
    if options.strict and (warnings or report.warnings):
        raise ContentError([replace(w, severity=Severity.ERROR)
                            for w in report.warnings + warnings])
    write_output(files, out, {pdf.path: pdf.key for pdf in pdfs})
    reused = sum(pdf.reused for pdf in pdfs)
    return BuildReport(report, out, sum(name.endswith(".html") for name in files), len(files),
                       len(pdfs) - reused, reused, time.perf_counter() - started, warnings)


def templates_dir(project: Path) -> Path:
    """The project's own templates/ when it has one, else those shipped with policygen."""
    own = project / "templates"
    return own if own.is_dir() else default_templates_dir()


def render_pdfs(env: Environment, report: CheckReport, options: BuildOptions,
                out: Path) -> list[RenderedPdf]:
    """Posters and handbook; a poster that cannot fit one page stops the build."""
    if not {"posters", "handbook"} & options.formats:
        return []
    from .pdf import read_pdf_cache, render_all
    print_options = PrintOptions(tuple(PAPERS[p] for p in options.papers), options.print_shop)
    jobs = list(print_jobs(env, report.publication, report.status, print_options,
                           options.formats))
    cache = read_pdf_cache(out, read_pdf_inputs(out))
    roots = tuple(options.project / folder for folder in ("content", "templates"))
    pdfs = render_all(jobs, roots, cache, options.workers)
    sources = {job.path: job.source for job in jobs}
    problems = [Problem(Location(sources[pdf.path]), pdf.error) for pdf in pdfs if pdf.error]
    problems += [Problem(Location(sources[pdf.path]), f"{pdf.path} asked for '{url}', which was "
                         "refused: PDFs may only use files inside the project's content/ and "
                         "templates/ folders, and nothing from the network")
                 for pdf in pdfs for url in pdf.refused]
    if problems:
        raise ContentError(problems)
    return pdfs


def pdf_warnings(pdfs: list[RenderedPdf]) -> Iterator[Problem]:
    for pdf in pdfs:
        for message in pdf.warnings:
            yield Problem(Location(pdf.path), f"while rendering: {message}", Severity.WARNING)


def review_warnings(loaded: LoadedContent, status: ReviewStatus) -> list[Problem]:
    where = Location("content/publication.yaml")
    when = status.next_review
    if status.state is ReviewState.OVERDUE:
        return [Problem(where, f"the guidance was due for review on {when}; every page "
                        "says it is overdue", Severity.WARNING)]
    if status.state is ReviewState.DUE:
        return [Problem(where, f"the guidance is due for review on {when} "
                        f"(in {status.days_left} days)", Severity.WARNING)]
    return []


def describe_status(status: ReviewStatus) -> str:
    when = status.next_review.isoformat()
    return {ReviewState.CURRENT: f"current (next review {when})",
            ReviewState.DUE: f"due soon ({when})",
            ReviewState.OVERDUE: f"OVERDUE since {when}"}[status.state]
