"""The command line: parse options, call the library, turn our errors into exit codes."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import click

from . import pipeline
from .errors import ContentError, OutputError, PolicygenError, Problem, format_problems

EXIT_CONTENT = 1
EXIT_USAGE = 2

_project_option = click.option(
    "--project", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
    show_default=True, help="The project folder, holding content/ and templates/.")
_today_option = click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
    help="Pretend today is this date (review banners; reproducible builds). "
         "Default: SOURCE_DATE_EPOCH if set, else today.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="policygen")
def main() -> None:
    """policygen: e-safety guidance from one structured source to a website."""


@main.command()
@_project_option
@_today_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors (for CI gates).")
def check(project: Path, today: datetime | None, strict: bool) -> None:
    """Check the content and print a summary; nothing is written."""
    with _errors_to_exit_codes():
        report = pipeline.check(project, _day(today))
        _print_warnings(report.warnings)
        if strict and report.warnings:
            click.echo("error: warnings are errors with --strict", err=True)
            sys.exit(EXIT_CONTENT)
        click.echo(f"content is valid: {report.summary()}")


@main.command()
@_project_option
@_today_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the output.  [default: build/ in the project]")
@click.option("--format", "formats", default=",".join(pipeline.FORMATS), show_default=True,
              callback=lambda ctx, param, value: _choices(value, pipeline.FORMATS, "--format"),
              help="What to build, comma-separated: site, posters, handbook.")
@click.option("--paper", default="a4", show_default=True,
              type=click.Choice(["a4", "a3", "both"], case_sensitive=False),
              help="Poster paper size; 'both' makes A4 and A3 (A3 files end in -a3).")
@click.option("--print-shop", is_flag=True,
              help="Add 3 mm bleed and crop marks and write PDF/X, for a professional printer.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="How many PDFs to render at once.  [default: one per core]")
def build(project: Path, today: datetime | None, out: Path | None, formats: frozenset[str],
          paper: str, print_shop: bool, strict: bool, jobs: int | None) -> None:
    """Check the content, then build the website, posters and handbook."""
    papers = ("a4", "a3") if paper.lower() == "both" else (paper.lower(),)
    options = pipeline.BuildOptions(project, out, _day(today), formats, papers, print_shop,
                                    strict, jobs)
    with _errors_to_exit_codes():
        report = pipeline.build(options)
        _print_warnings(report.check.warnings + report.warnings)
        click.echo(report.summary())


def _choices(value: str, allowed: tuple[str, ...], option: str) -> frozenset[str]:
    chosen = {part.strip().lower() for part in value.split(",") if part.strip()}
    unknown = sorted(chosen - set(allowed))
    if unknown or not chosen:
        raise click.BadParameter(f"expected some of {', '.join(allowed)}, separated by commas; "
                                 f"got '{value}'", param_hint=option)
    return frozenset(chosen)


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


def _print_warnings(warnings: tuple[Problem, ...]) -> None:
    if warnings:
        click.echo(format_problems(list(warnings)), err=True)


@contextmanager
def _errors_to_exit_codes() -> Iterator[None]:
    """Our errors become a message and an exit status, never a traceback."""
    try:
        yield
    except ContentError as error:
        click.echo(str(error), err=True)
        errors = sum(1 for p in error.problems if p.is_error)
        click.echo(f"{errors} error{'s' if errors != 1 else ''} found; nothing was written",
                   err=True)
        sys.exit(EXIT_CONTENT)
    except OutputError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_USAGE)
    except PolicygenError as error:
        click.echo(f"{error}\nnothing was written", err=True)
        sys.exit(EXIT_CONTENT)
    except OSError as error:
        # A full disk or a folder we may not write: the last good output is still in place.
        where = f" ({error.filename})" if error.filename else ""
        click.echo(f"error: could not write the output: {error.strerror}{where}; the previous "
                   "output is unchanged", err=True)
        sys.exit(EXIT_CONTENT)
