"""The pipeline, top to bottom: load and check → review status → render → write."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .content import LoadedContent, load_content
from .errors import Location, Problem, Severity
from .model import Publication
from .output import check_output_path, write_output
from .review import ReviewState, ReviewStatus, build_date, review_status
from .site import render_site
from .templating import default_templates_dir

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BuildOptions:
    project: Path
    out: Path | None = None
    today: date | None = None


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
    seconds: float

    def summary(self) -> str:
        return (f"Built {self.pages} pages ({self.files} files) into {self.out} in "
                f"{self.seconds:.2f} s; review {describe_status(self.check.status)}")


def check(project: Path, today: date | None = None) -> CheckReport:
    """Load and check the content; raise ContentError listing every problem."""
    loaded = load_content(project)
    pub = loaded.publication
    status = review_status(pub.dates.next_review, build_date(today), pub.warn_days)
    return CheckReport(pub, status, tuple(review_warnings(loaded, status)))


def build(options: BuildOptions) -> BuildReport:
    """Check everything, render the site, then swap it into the output folder."""
    started = time.perf_counter()
    report = check(options.project, options.today)
    out = options.out or options.project / "build"
    check_output_path(out, options.project)
    templates = options.project / "templates"
    files = render_site(report.publication, report.status,
                        templates if templates.is_dir() else default_templates_dir())
    write_output(files, out)
    pages = sum(1 for name in files if name.endswith(".html"))
    return BuildReport(report, out, pages, len(files), time.perf_counter() - started)


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
