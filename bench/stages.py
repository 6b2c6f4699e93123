"""policygen's stages, timed one by one through the library (run in a fresh process each time).

    .venv/bin/python bench/stages.py --project DIR --today YYYY-MM-DD [--pdf] [--dump DIR]

Prints one JSON object: seconds per stage, and what was made. It does what `policygen build
--all` does, in the same order, but with a clock around each stage: load (content read and
checked), variants (each laid over the base), site (every page of every edition, and the
index of variants), and with --pdf the print HTML (every poster, handbook and notice) and the
PDFs (every PDF in one pool of workers, each importing WeasyPrint, as a build renders them),
from a cold start (no previous output). Nothing is written, so writing files is not in any
stage; the whole-process figures in run.py include it.

--dump writes, for the PDF floor (floor.py), the HTML each PDF was finally rendered from.

Every call into policygen is in this file, so that when the library's signatures change this
is the one place to follow them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from policygen.build import pipeline
from policygen.build.editions import load_editions
from policygen.build.plan import BuildOptions, planned
from policygen.render.edition import Edition, base_edition_of
from policygen.render.formats import SITE
from policygen.render.printing import PrintJob, PrintOptions
from policygen.render.stage import RenderSetup, print_jobs, render_editions
from policygen.render.templating import make_environment
from policygen.render.variant_entries import VARIANT_INDEX, variant_entry
from policygen.render.variant_index import render_variant_index
from policygen.variants.variant import list_variants

if TYPE_CHECKING:  # policygen.render.pdf would not import WeasyPrint, but the stage times it
    from policygen.render.pdf import RenderedPdf

T = TypeVar("T")


class Clock:
    """Seconds per stage, in the order the stages ran."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.seconds[name] = time.perf_counter() - started

    def timed(self, name: str, work: Callable[[], T]) -> T:
        with self.stage(name):
            return work()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", type=Path, required=True)
    parser.add_argument("--today", type=date.fromisoformat, required=True)
    parser.add_argument("--pdf", action="store_true", help="also render posters and handbooks")
    parser.add_argument("--dump", type=Path, help="write each PDF's final HTML here")
    args = parser.parse_args()
    clock = Clock()
    report = clock.timed("load", lambda: pipeline.check(args.project, args.today))
    editions = clock.timed("variants", lambda: make_editions(args.project, report))
    templates = pipeline.templates_dir(args.project)
    pages = clock.timed("site", lambda: render_sites(editions, templates))
    result: dict[str, Any] = {"editions": len(editions), "pages": pages}
    if args.pdf:
        result.update(render_pdfs(clock, args.project, editions, templates, args.dump))
    result["seconds"] = clock.seconds
    json.dump(result, sys.stdout)


def make_editions(project: Path, report: pipeline.CheckReport) -> list[Edition]:
    """The base and every variant, each under its prefix, loaded as `build --all` loads them
    (in worker processes, one per core)."""
    options = BuildOptions(project, all_variants=True)
    base = base_edition_of(report.publication, report.status.today)
    editions, failures = load_editions(report, options, base,
                                       planned(options, list_variants(project)))
    assert not failures, failures
    return editions


def render_sites(editions: list[Edition], templates: Path) -> int:
    """Every page of every edition as a site-only build makes them (in worker processes, one
    per core); returns the page count."""
    env = make_environment(templates)
    setup = RenderSetup(env, templates / "assets", links_to_variants=True)
    files = render_editions(editions, setup, SITE).files
    pages = sum(name.endswith(".html") for name in files)
    index = render_variant_index(editions[0], [variant_entry(e) for e in editions[1:]], env)
    assert index and VARIANT_INDEX.endswith(".html")
    return pages + 1


def render_pdfs(clock: Clock, project: Path, editions: list[Edition], templates: Path,
                dump: Path | None) -> dict[str, Any]:
    from policygen.render.pdf import PdfCache, render_all

    env = make_environment(templates)
    formats = frozenset({"posters", "handbook"})
    jobs = clock.timed("print HTML", lambda: [
        job for edition in editions for job in print_jobs(env, edition, PrintOptions(), formats)])
    # WeasyPrint is imported by each worker as it starts (pdf.PdfRenderer), in this stage.
    roots = tuple(project / folder for folder in ("content", "templates", "variants"))
    rendered = clock.timed("PDFs", lambda: render_all(jobs, roots, PdfCache()))
    failed = [pdf.path for pdf in rendered if pdf.error]
    if dump:
        write_floor_jobs(dump, jobs, rendered)
    return {"pdfs": len(rendered), "posters": sum(job.one_page for job in jobs),
            "layouts": sum(pdf.layouts for pdf in rendered), "failed": failed}


def write_floor_jobs(folder: Path, jobs: list[PrintJob], rendered: list[RenderedPdf]) -> None:
    """For each PDF, the HTML policygen laid out last (at the size it chose), and a manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    steps = {pdf.path: pdf.step for pdf in rendered}
    manifest = []
    for number, job in enumerate(jobs):
        name = f"{number:05d}.html"
        (folder / name).write_text(job.standalone_html(steps.get(job.path)), encoding="utf-8")
        manifest.append({"path": job.path, "file": name, "print_shop": job.print_shop})
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


if __name__ == "__main__":
    main()
