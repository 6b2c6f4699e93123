"""The command line: parse options, call the library, turn our errors into exit codes."""

from __future__ import annotations

import difflib
import logging
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from policygen.build import pipeline, plan
from policygen.build.editions import adapt
from policygen.errors import (
    ContentError,
    OutputError,
    PolicygenError,
    Problem,
    WriteError,
    format_problems,
)
from policygen.render.formats import FORMAT_NAMES
from policygen.source.languages import TranslationProgress, progress_lines
from policygen.source.review import build_date
from policygen.variants.drift import Drift, drift_lines, drift_of, format_drift
from policygen.variants.ledger import format_change_report
from policygen.words import language_name, long_date

if TYPE_CHECKING:
    from policygen.commands.rebase import Decision, RebasePlan

EXIT_CONTENT = 1
DRAFT_OUT = "build-draft"  # where `build --draft` writes, away from build/ (published)
SITE_ONLY = frozenset({"site"})
SITE_AND_SEARCH = frozenset({"site", "search"})
EXIT_USAGE = 2
# Each PDF worker is a process holding WeasyPrint (about 100 MB): more than this helps nobody
# and could exhaust the machine's memory.
MAX_JOBS = 64

_project_option = click.option(
    "--project", type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True, help="The project folder, holding content/ and templates/.")


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    """A date written YYYY-MM-DD, refused in the words the content's date errors use."""
    if value is None:
        return None
    text = value.strip()
    try:
        return datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        pass
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise click.BadParameter(f"'{text}' is not a date in the calendar (check the day and "
                                 "the month)", ctx, param)
    raise click.BadParameter(f"expected a date written YYYY-MM-DD, like 2026-09-14; got "
                             f"'{text}'", ctx, param)


_Command = TypeVar("_Command", bound=Callable[..., Any])


def _author_option(what: str) -> Callable[[_Command], _Command]:
    return click.option("--author", default=None, metavar="KEY",
                        help=f"{what}: 'base' for the base guidance's author, or the name of "
                             "the variant whose text was changed (policygen changes NAME "
                             "lists them).")



def _past_date(ctx: click.Context, param: click.Parameter,
               value: str | None) -> datetime | None:
    """The date of something that has happened (a notice sent, an approval given).

    A date in the future is a slip (the wrong year, usually), and a record dated in the
    future would tell readers that something was approved before it was.
    """
    day = _date(ctx, param, value)
    if day is not None and day.date() > date.today():
        raise click.BadParameter(f"{day.date().isoformat()} is in the future: give the day it "
                                 f"happened (today is {date.today().isoformat()})", ctx, param)
    return day

_today_option = click.option(
    "--today", callback=_date, default=None, metavar="YYYY-MM-DD",
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
@click.option("--print", "with_print", is_flag=True,
              help="Also lay out every poster and handbook, as a build does (slower): a poster "
                   "that does not fit is an error here too.")
def check(project: Path, today: datetime | None, strict: bool, with_print: bool) -> None:
    """Check the content and every variant; nothing is written.

    Prints a summary, or every problem found with its file and line.
    """
    with _errors_to_exit_codes():
        report = pipeline.check(project, _day(today), include_variants=True)
        _print_warnings(report.warnings)
        if strict and report.warnings:
            click.echo("error: warnings are errors with --strict", err=True)
            sys.exit(EXIT_CONTENT)
        _print_translations(report.progress)
        if not with_print:
            click.echo(f"content is valid: {report.summary()}; print not checked (add --print "
                       "to lay out every poster and handbook too)")
            return
        printed = pipeline.check_print(project, _day(today))
        _print_warnings(printed.warnings)
        for failure in printed.failures:
            click.echo(f"error: the variant '{failure.name}' cannot be printed:", err=True)
            click.echo(format_problems(list(failure.problems)), err=True)
        if printed.failures or (strict and printed.warnings):
            sys.exit(EXIT_CONTENT)
        click.echo(f"content is valid: {report.summary()}; print checked: "
                   f"{printed.pdfs_rendered} PDFs laid out, every poster on one page")


@main.command()
@_project_option
@click.option("--timeout", type=click.FloatRange(0.1, 120), default=15, show_default=True,
              help="Seconds to wait for each site to answer.")
@click.option("--jobs", type=click.IntRange(1, 32), default=8, show_default=True,
              help="How many sites to ask at once.")
@click.option("--strict", is_flag=True,
              help="Treat warnings (moved, refused, placeholder addresses) as errors.")
def links(project: Path, timeout: float, jobs: int, strict: bool) -> None:
    """Check that every web address in the content still answers.

    In content/ and in every variant. Each address is asked once, however often it is written;
    every place it is written is reported. Only this command goes to the network; a build never
    does.
    """
    from policygen.commands.links import check_addresses
    from policygen.source.addresses import find_addresses

    with _errors_to_exit_codes():
        addresses, unreadable = find_addresses(project)
        if unreadable:
            raise ContentError(unreadable)
        distinct = len({a.url for a in addresses})
        click.echo(f"checking {distinct} web addresses, written {len(addresses)} times", err=True)
        report = check_addresses(addresses, timeout, jobs)
        _print_warnings(report.problems)
        errors, warnings = len(report.broken), len(report.flagged)
        click.echo(f"{distinct} web addresses checked: {errors} broken, {warnings} to look at "
                   "(moved, refused or placeholders)" if report.problems
                   else f"{distinct} web addresses checked: every one answers")
        if report.offline:
            click.echo("no address could be found by name: is this computer connected to the "
                       "internet?", err=True)
        if errors or (strict and warnings):
            sys.exit(EXIT_CONTENT)


@main.command()
@_project_option
@_today_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the output.  [default: build/ in the project]")
@click.option("--format", "formats", default=",".join(FORMAT_NAMES), show_default=True,
              callback=lambda ctx, param, value: _choices(value, FORMAT_NAMES, "--format"),
              help="What to build, comma-separated: site, search (the site's search index; "
                   "it brings the site), posters, handbook.")
@click.option("--paper", default="a4", show_default=True,
              type=click.Choice(["a4", "a3", "both"], case_sensitive=False),
              help="Poster paper size; 'both' makes A4 and A3 (A3 files end in -a3).")
@click.option("--print-shop", is_flag=True,
              help="Add 3 mm bleed and crop marks and write PDF/X, for a professional printer.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--jobs", type=click.IntRange(min=1, max=MAX_JOBS), default=None,
              help=f"How many processes render PDFs and variants at once, 1 to {MAX_JOBS}.  "
                   "[default: one per core]")
@click.option("--variant", metavar="NAME", default=None,
              help="Build this variant (variants/NAME/) instead of the base guidance.")
@click.option("--all", "all_variants", is_flag=True,
              help="Build the base and every variant, each variant in variants/NAME/.")
@click.option("--shard", default=None, metavar="K/N", callback=lambda c, p, v: _shard(v),
              help="With --all: build only the K-th of N slices of the variants (the first "
                   "also builds the base); join the outputs with `policygen merge`.")
@click.option("--draft", metavar="LANGUAGE", default=None,
              help="Show the draft translation into LANGUAGE (listed under translating: in "
                   "publication.yaml) beside the guidance, every page marked as a draft: web "
                   f"pages only, into {DRAFT_OUT}/ unless --out. Never publish them.")
@click.option("--quiet", "-q", is_flag=True, help="Say nothing but errors.")
@click.pass_context
def build(ctx: click.Context, project: Path, today: datetime | None, out: Path | None,
          formats: frozenset[str], paper: str, print_shop: bool, strict: bool,
          jobs: int | None, variant: str | None, all_variants: bool,
          shard: tuple[int, int] | None, draft: str | None, quiet: bool) -> None:
    """Check the content, then build the website, posters and handbook."""
    if variant and all_variants:
        raise click.UsageError("give either --variant NAME or --all, not both")
    if shard and not all_variants:
        raise click.UsageError("--shard splits the variants of a build with --all")
    if draft:
        formats = _draft_formats(ctx, formats, variant or all_variants)
        out = out or project / DRAFT_OUT
    papers = ("a4", "a3") if paper.lower() == "both" else (paper.lower(),)
    options = plan.BuildOptions(project, out, _day(today), formats, papers, print_shop,
                                    strict, jobs, variant, all_variants, shard, draft or "")
    with _errors_to_exit_codes():
        report = pipeline.build(options, progress_reporter(quiet))
        if quiet:
            sys.exit(EXIT_CONTENT if report.failures else 0)
        _print_warnings(report.check.warnings + report.warnings)
        for failure in report.failures:
            click.echo(f"error: the variant '{failure.name}' was not built:", err=True)
            click.echo(format_problems(list(failure.problems)), err=True)
        if sys.stderr.isatty():
            click.echo("\r\033[K", err=True, nl=False)
        click.echo(report.summary())
        if report.failures:
            sys.exit(EXIT_CONTENT)


def _draft_formats(ctx: click.Context, formats: frozenset[str],
                   variants: bool | str | None) -> frozenset[str]:
    """What a build of a draft translation makes: its web pages (and their search), never
    posters or a handbook, which would be printed and put up as if published."""
    if variants:
        raise click.UsageError("--draft shows the base guidance's draft translation; leave "
                               "out --variant and --all")
    if ctx.get_parameter_source("formats") is click.core.ParameterSource.DEFAULT:
        return SITE_ONLY
    if formats - SITE_AND_SEARCH:
        raise click.UsageError("--draft makes web pages only (site, search): a poster or "
                               "handbook of a draft could be printed and put up as if it "
                               "were published")
    return formats


@main.command()
@_project_option
@_today_option
@click.option("--variant", metavar="NAME", default=None, help="Preview this variant.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port on 127.0.0.1 to serve on (0: any free port).")
@click.option("--no-pdf", is_flag=True, help="Do not render posters and the handbook.")
@click.option("--search", is_flag=True,
              help="Make the search page's index on every save too (slower to rebuild).")
@click.option("--draft", metavar="LANGUAGE", default=None,
              help="Show the draft translation into LANGUAGE too, as build --draft does (web "
                   "pages only).")
def serve(project: Path, today: datetime | None, variant: str | None, port: int,
          no_pdf: bool, search: bool, draft: str | None) -> None:
    """Preview the site while you edit; it rebuilds on save.

    The page in your browser reloads when a rebuild is ready.
    """
    from policygen.commands.preview import Preview
    from policygen.commands.preview import serve as make_server
    if draft and variant:
        raise click.UsageError("--draft shows the base guidance's draft translation; leave "
                               "out --variant")
    _say_what_the_preview_does()
    with _errors_to_exit_codes():
        server = make_server(Preview(project, variant, _day(today), not no_pdf, search,
                                     draft or ""), port)
    click.echo(f"Previewing at http://127.0.0.1:{server.server_address[1]}/ — save a file and "
               "the page reloads. Press Ctrl+C to stop.")
    if draft:
        click.echo(f"The draft translation's pages are under /{draft}/, each marked as a "
                   "draft; posters and the handbook are not made for a draft.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        server.server_close()


@main.command()
@click.argument("shards", nargs=-1, required=True,
                type=click.Path(file_okay=False, exists=True, path_type=Path))
@_project_option
@_today_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to put the joined output.  [default: build/ in the project]")
def merge(shards: tuple[Path, ...], project: Path, today: datetime | None,
          out: Path | None) -> None:
    """Join the outputs of `build --all --shard` runs into one site.

    SHARDS are the output folders of `build --all --shard K/N` runs.
    """
    from policygen.build.merge import merge as join
    with _errors_to_exit_codes():
        report = join(project, out or project / "build", list(shards), _day(today))
        failed = f"; {report.failed} variants had FAILED in their shards" if report.failed else ""
        click.echo(f"Merged {len(shards)} shards ({report.variants} variants, {report.files} "
                   f"files) into {report.out}{failed}")


@main.command()
@click.argument("name")
@_project_option
def changes(name: str, project: Path) -> None:
    """Print what the variant NAME changes, and under which rule."""
    with _errors_to_exit_codes():
        base = pipeline.check(project).publication
        adapted = adapt(project, base, name)
        _print_warnings(adapted.warnings)
        drift = "\n".join(format_drift(drift_of(project, adapted, base)))
        click.echo(format_change_report(adapted) + (drift + "\n" if drift else ""), nl=False)


@main.command()
@click.argument("name")
@_project_option
@click.option("--date", "day", callback=_past_date, default=None, metavar="YYYY-MM-DD",
              help="The date of the rebase.  [default: today]")
def rebase(name: str, project: Path, day: datetime | None) -> None:
    """Go through what a new edition changed under NAME, item by item.

    For each item your copy changes and the base has changed since: keep your change, take
    the base's new words, or write new words. Nothing is written until you confirm; your
    file as it was is kept beside it (variant.yaml.before-rebase-DATE).
    """
    from policygen.commands import rebase as rebasing
    with _errors_to_exit_codes():
        when = build_date(_day(day))
        plan = rebasing.plan_rebase(project, name, when)
        decisions = {drift.id: _ask(drift, rebasing.own_words(plan, drift.id))
                     for drift in plan.drift.own}
        _tell_taken_over(plan)
        rebased = rebasing.rebased_file(project, plan, decisions, when)
        click.echo(_file_diff(rebased.original, rebased.text, name))
        if not click.confirm(f"Write this to variants/{name}/variant.yaml?", default=False):
            click.echo("Nothing was written.")
            return
        kept = rebasing.write_rebase(project, name, rebased, when)
        click.echo(f"Rebased {name} on the edition of {long_date(plan.edition)}; the file as "
                   f"it was is kept in {kept}. {rebasing.outcome(name, rebased)}")


def _ask(drift: Drift, yours: tuple[tuple[str, str], ...]) -> Decision:
    from policygen.commands.rebase import EDIT, KEEP, TAKE, Decision
    click.echo("\n".join(drift_lines(drift)))
    choice = click.prompt("  keep your change, take the base's, or edit your words?",
                          type=click.Choice([KEEP, TAKE, EDIT]), default=KEEP)
    if choice != EDIT:
        return Decision(choice)
    if len(yours) < 2:
        return Decision(EDIT, click.prompt("  your new words"))
    # In several languages, the words in each; Enter keeps a language's words as they are.
    return Decision(EDIT, in_languages=tuple(
        (language, click.prompt(f"  your new words in {language_name(language)}",
                                default=words))
        for language, words in yours))


def _tell_taken_over(plan: RebasePlan) -> None:
    taken = plan.drift.taken_over
    if taken:
        click.echo(f"\nYour copy takes over {len(taken)} item{'s' * (len(taken) != 1)} as the "
                   "new edition says them (your staff now read these): "
                   + ", ".join(drift.id for drift in taken) + ".")


def _file_diff(old: str, new: str, name: str) -> str:
    return _diff(old, new, f"variants/{name}/variant.yaml")


def _diff(old: str, new: str, path: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(keepends=True),
                                        new.splitlines(keepends=True), path, path + " (new)"))


@main.command()
@click.argument("name", required=False)
@_project_option
def edition(name: str | None, project: Path) -> None:
    """Record this edition, for local copies to compare with the next.

    Run it when you publish a new edition (after setting dates: last_updated). It writes
    content/editions/DATE.yaml with every item's words and place; keep it with your content.
    Local copies are then shown what each later edition changed under them.

    With NAME, keep a local copy's own edition (the date of its newest revision note) in
    variants/NAME/editions/DATE/, so that its pages stay readable once it publishes another.
    """
    from policygen.commands.edition import record_copy_edition, record_edition
    with _errors_to_exit_codes():
        record = record_copy_edition(project, name) if name else record_edition(project)
        click.echo(record.message)


@main.command()
@click.argument("name")
@_project_option
@click.option("--date", "day", callback=_past_date, default=None, metavar="YYYY-MM-DD",
              help="The date of the draft; with --sent, the day you sent it.  "
                   "[default: today]")
@click.option("--from", "sender", default=None, metavar="ADDRESS",
              help="Your email address.  [default: the local lead's email]")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the draft.  [default: variants/NAME/notice-DATE.eml]")
@click.option("--sent", is_flag=True,
              help="Record that you have sent the draft written earlier.")
@click.option("--send", is_flag=True,
              help="Send the notice now, through the mail server set in policygen.yaml.")
@_author_option("With --sent, in a chain: whose notice you sent")
def notify(name: str, project: Path, day: datetime | None, sender: str | None,
           out: Path | None, sent: bool, send: bool, author: str | None) -> None:
    """Tell the author about NAME's changes.

    \b
    1. policygen notify NAME          writes the notice as a draft email (.eml,
                                      the PDF attached) for you to send
    2. policygen notify NAME --sent   records that you sent it
    Or: policygen notify NAME --send  sends it through your mail server
    Pages say "notified" only after step 2, or once the server accepted it.
    A variant that extends another tells each author about the changes to
    their text: one draft each, and --sent --author KEY for each one sent.
    """
    from policygen.commands import notices
    _refuse_mixed_notify_options(sent, send, day, sender, out)
    if author is not None and not sent:
        raise click.UsageError("--author goes with --sent (whose notice you sent); policygen "
                               "notify NAME writes a draft for every author still to be told")
    with _errors_to_exit_codes():
        if sent:
            result = notices.confirm_sent(project, name, build_date(_day(day)), author)
        elif send:
            result = notices.send_notice(project, name, sender)
        else:
            result = notices.notify(project, name, build_date(_day(day)), sender, out)
        click.echo(result.message)


def _refuse_mixed_notify_options(sent: bool, send: bool, day: datetime | None,
                                 sender: str | None, out: Path | None) -> None:
    if sent and send:
        raise click.UsageError("give --sent (you sent the draft yourself) or --send (policygen "
                               "sends the notice), not both")
    if sent and (sender or out):
        raise click.UsageError("--sent records that the draft was sent; --from and --out are "
                               "for writing the draft (policygen notify NAME)")
    if send and (day or out):
        raise click.UsageError("--send sends the notice now and records today's date, and "
                               "writes no draft: leave out --date and --out")


@main.command()
@click.argument("name")
@_project_option
@click.option("--by", required=True, help="Who approved the changes (the body or person).")
@click.option("--date", "day", callback=_past_date, default=None,
              metavar="YYYY-MM-DD", help="The date of the approval.  [default: today]")
@_author_option("In a chain: whose approval this is")
def approve(name: str, project: Path, by: str, day: datetime | None, author: str | None) -> None:
    """Record that the variant NAME's changes were approved.

    The approval is recorded for the changes as they are now, in the variant's file. A
    variant that extends another is approved by each author for the changes to their text.
    """
    from policygen.commands.notices import approve as record_approval
    with _errors_to_exit_codes():
        adapted = record_approval(project, name, by, build_date(_day(day)), author)
        click.echo(adapted.state.text)


@main.group()
def translate() -> None:
    """Send texts to a translator, and bring the translations back.

    The texts still to translate go out as XLIFF 2.0, the file translation tools read; see
    docs/translating.md.
    """


@translate.command("export")
@_project_option
@click.option("--to", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The file to write.  [default: LANGUAGE-translation-DATE.xlf in the project]")
@click.option("--all", "every", is_flag=True,
              help="Send every text, not only the new and the stale ones.")
@click.option("--language", default=None, metavar="TAG",
              help="The language to translate into.  [default: the publication's other one]")
@click.option("--variant", default=None, metavar="NAME",
              help="Send the texts the local copy NAME adds or changes, not the base's.")
def translate_export(project: Path, to: Path | None, every: bool, language: str | None,
                     variant: str | None) -> None:
    """Write the texts to translate as XLIFF 2.0, for a translator.

    Only the texts with no translation yet and those whose translation is stale (the text
    changed since), unless --all.
    """
    from policygen.commands.translate import describe_export, export_translation
    with _errors_to_exit_codes():
        click.echo(describe_export(export_translation(project, to, every, language,
                                                      build_date(None), variant)))


@translate.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_project_option
@click.option("--yes", is_flag=True, help="Write without asking first.")
def translate_import(file: Path, project: Path, yes: bool) -> None:
    """Bring the translations in FILE (XLIFF 2.0) into the content.

    A file exported with --variant NAME goes into that local copy's variant.yaml: the file
    says which copy it is for. The whole file is checked first; with any problem, nothing is
    written. The changes are shown, and written when you confirm; each file as it was is
    kept beside it (FILE.before-translate-DATE).
    """
    from policygen.commands import translate as translating
    with _errors_to_exit_codes():
        plan = translating.plan_import(project, file)
        click.echo(translating.describe_import(plan))
        if not plan.files and not plan.intake.arrivals:
            return
        for name, (before, after) in plan.files.items():
            click.echo(_diff(before.decode("utf-8"), after, name), nl=False)
        if not yes and not click.confirm("Write these translations?", default=False):
            click.echo("Nothing was written.")
            return
        kept = translating.write_import(project, plan, build_date(None))
        click.echo(translating.describe_written(plan, kept))


@main.command()
@click.argument("name")
@_project_option
@click.option("--into", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The folder to create the variant in.  [default: variants/ in the project]")
@click.option("--organisation", default="", help="Your organisation's name.")
def fork(name: str, project: Path, into: Path | None, organisation: str) -> None:
    """Start a variant NAME, with a variant.yaml to edit.

    The new variant.yaml explains every option in its comments.
    """
    from policygen.commands.scaffold import command_for
    from policygen.commands.scaffold import fork as scaffold
    from policygen.source.languages import project_languages
    with _errors_to_exit_codes():
        command = command_for(project)
        target = scaffold(name, into or project / "variants", pipeline.templates_dir(project),
                          organisation, command, project_languages(project))
        click.echo(f"Created {target}. Edit it, then run: {command} check")


def _say_what_the_preview_does() -> None:
    """The preview's rebuilds and errors, as timed lines in the terminal it was started from."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    preview_log = logging.getLogger("policygen.commands.preview")
    preview_log.addHandler(handler)
    preview_log.setLevel(logging.INFO)
    preview_log.propagate = False


def _shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    k, _, n = value.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise click.BadParameter(f"expected K/N with 1 ≤ K ≤ N, like 2/8; got '{value}'",
                                 param_hint="--shard")
    return int(k), int(n)


def progress_reporter(quiet: bool) -> pipeline.Progress:
    """On a terminal, one line that updates with the time left; in a log a few plain lines."""
    from policygen.commands import progress
    if quiet:
        return lambda stage, done, total: None

    def write(text: str) -> None:
        click.echo(text, err=True, nl=False)
    return progress.on_terminal(write) if sys.stderr.isatty() else progress.in_a_log(write)


def _choices(value: str, allowed: tuple[str, ...], option: str) -> frozenset[str]:
    chosen = {part.strip().lower() for part in value.split(",") if part.strip()}
    unknown = sorted(chosen - set(allowed))
    if unknown or not chosen:
        raise click.BadParameter(f"expected some of {', '.join(allowed)}, separated by commas; "
                                 f"got '{value}'", param_hint=option)
    return frozenset(chosen)


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


def _print_translations(progress: tuple[TranslationProgress, ...]) -> None:
    for each in progress:
        click.echo("\n".join(progress_lines(each)))


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
    except WriteError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_CONTENT)
    except PolicygenError as error:
        click.echo(f"{error}\nnothing was written", err=True)
        sys.exit(EXIT_CONTENT)
    except OSError as error:
        # Reading a file failed (writing is reported as a WriteError, above).
        where = f" ({error.filename})" if error.filename else ""
        click.echo(f"error: {error.strerror or error}{where}", err=True)
        sys.exit(EXIT_CONTENT)
