"""The benchmark of issues 6 and 13: policygen against its targets, whole process beside whole
process with Hugo, Zensical and MkDocs.

    make bench                       # N = 1, 10, 100 variants and about 10,000 pages
    .venv/bin/python bench/run.py --quick          # N = 1, 10; fewer runs; no Material
    .venv/bin/python bench/run.py --sizes 1,10 --with-10k

Everything runs on this machine, one measurement at a time, in throwaway folders under
bench/.work/ (git-ignored). docs/benchmarks.md explains each figure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import mdexport
import measure
import others
import report
import synth
from measure import Run, Stat

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
PYTHON = REPO / ".venv" / "bin" / "python"
POLICYGEN = REPO / ".venv" / "bin" / "policygen"
TODAY = "2026-11-25"  # fixed, so that every run renders the same review banners
EDITED_TOPIC = "email"
TEN_K_PAGES = 10_000  # the site-only point that shows how each tool grows
TEN_K_FALLBACK = 560  # variants giving about 10,000 pages of the default content (17.8 each)
WARMED: set[str] = set()  # the tools that have had their uncounted first run


@dataclass
class Settings:
    sizes: list[int]
    repeats: int  # for anything that takes seconds or less
    pdf: bool
    full: bool  # the library's PDF stages and the floor at 100 variants too
    material: bool
    work: Path
    doc: Path
    quick: bool
    report_only: bool
    ten_k: bool  # add the site-only point of about TEN_K_PAGES pages

    def cold_builds(self, n: int) -> int:
        """Cold PDF builds take minutes at 100 variants: repeat only the small ones."""
        if n > 100 or not self.pdf:
            return 0
        return 1 if n >= 10 or self.quick else 3

    def pdf_stages(self, n: int) -> int:
        """Runs of the library's PDF stages and of the floor: one more cold PDF pass each.

        At 100 variants each pass takes minutes, so only with --full; the ratio to the floor is
        per PDF, and 10 variants already make over a hundred PDFs of every kind.
        """
        if n >= 100 and not (self.full and n == 100):
            return 0
        return self.cold_builds(n)

    def repeats_at(self, n: int) -> int:
        """Above 100 variants a site-only build takes tens of seconds a run."""
        return self.repeats if n <= 100 else min(self.repeats, 2)

    def mkdocs_repeats(self, pages: int) -> int:
        return self.repeats if pages < 300 else 1


@dataclass
class SizeResult:
    """Everything measured for N variants."""

    n: int
    pages: int = 0
    words: int = 0
    editions: int = 0
    stages: dict[str, Stat] = field(default_factory=dict)
    pdfs: int = 0
    check: Stat | None = None
    site_build: Stat | None = None
    site_build_rss: float = 0.0
    site_unchanged: Stat | None = None  # the site-only build again into its own output
    # The whole `build --all --format site,search`: the site-only build and its search index.
    search_build: Stat | None = None
    search_bytes: int = 0  # under every pagefind/ folder of that build's output
    search_folders: int = 0
    # hugo, zensical, mkdocs, mkdocs-material: whole processes, like site_build
    tools: dict[str, Stat] = field(default_factory=dict)
    stopped: dict[str, float] = field(default_factory=dict)  # tool: the limit it ran past
    floor: Stat | None = None  # from `import weasyprint` to the last PDF, as floor.py times it
    floor_whole: Stat | None = None  # floor.py as a whole process, start-up included
    floor_layouts: int = 0
    layouts: int = 0  # policygen's, for the same PDFs (a poster's size is searched)
    cold_build: Stat | None = None
    cold_rss: float = 0.0
    cold_tree: float = 0.0
    cold_tree_pss: float = 0.0
    cold_summary: str = ""
    unchanged: Stat | None = None
    unchanged_summary: str = ""
    edit: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SizeResult:
        """Back from results.json, where each Stat became a plain mapping."""
        fields = dict(data)
        for name in ("stages", "tools"):
            fields[name] = {key: Stat(**value) for key, value in data[name].items()}
        for name in ("site_build", "floor", "cold_build", "unchanged", "site_unchanged",
                     "floor_whole", "search_build"):
            fields[name] = Stat(**data[name]) if data.get(name) else None
        check = data.get("check")  # one float before issue 13
        fields["check"] = Stat(**check) if isinstance(check, dict) else \
            Stat.of([check]) if check else None
        return cls(**fields)


def main() -> None:
    settings = parse_args()
    started = time.perf_counter()
    settings.work.mkdir(parents=True, exist_ok=True)
    results = settings.work / "results.json"
    if settings.report_only:
        write_report(settings, *load_results(results))
        return
    run_on_snapshot(settings.work)
    say(f"policygen benchmark: N = {', '.join(map(str, settings.sizes))} variants; "
        f"work folder {settings.work}")
    tools = others.install(settings.work / "tools-venv", settings.material)
    default = measure_default_content(settings)
    sizes = [measure_size(settings, tools, n) for n in settings.sizes]
    if settings.ten_k:
        sizes.append(measure_size(settings, tools, ten_k_variants(sizes)))
    info = report.environment(REPO, tools.versions, time.perf_counter() - started, settings.quick)
    save_results(results, default, sizes, info)
    write_report(settings, default, sizes, info)
    say(f"done in {time.perf_counter() - started:.0f} s")


def ten_k_variants(sizes: list[SizeResult]) -> int:
    """N giving about TEN_K_PAGES pages, from the pages per variant the smaller sizes made."""
    done = sorted((s for s in sizes if s.pages), key=lambda s: s.n)
    if len(done) < 2 or done[-1].n == done[0].n:
        return TEN_K_FALLBACK
    first, last = done[0], done[-1]
    per_variant = (last.pages - first.pages) / (last.n - first.n)
    return max(last.n + 1, round(first.n + (TEN_K_PAGES - first.pages) / per_variant))


def write_report(settings: Settings, default: dict[str, Any], sizes: list[SizeResult],
                 info: dict[str, str]) -> None:
    text = report.render(default, sizes, info)
    print("\n" + text)
    settings.doc.write_text(text, encoding="utf-8")
    say(f"wrote {settings.doc}")


def save_results(path: Path, default: dict[str, Any], sizes: list[SizeResult],
                 info: dict[str, str]) -> None:
    """The raw figures, so that the report can be written again (--report-only) or compared."""
    data = {"default": {k: asdict(v) if isinstance(v, Stat) else v for k, v in default.items()},
            "sizes": [asdict(size) for size in sizes], "info": info}
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


def load_results(path: Path) -> tuple[dict[str, Any], list[SizeResult], dict[str, str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    default = {k: Stat(**v) if isinstance(v, dict) and "median" in v else v
               for k, v in data["default"].items()}
    return default, [SizeResult.from_json(size) for size in data["sizes"]], data["info"]


def run_on_snapshot(work: Path) -> None:
    """Start again on a copy of src/ taken now, unless this is that second start.

    A run takes many minutes, and src/ may be edited meanwhile: every figure of one run must
    come from the same code, and a half-saved file must not stop the run half way. The copy
    comes first on PYTHONPATH, before the editable install's src/, for this process and
    every command it runs (the CLI, stages.py, floor.py).
    """
    if os.environ.get("BENCH_SNAPSHOT"):
        return
    snapshot = work / "snapshot"
    shutil.rmtree(snapshot, ignore_errors=True)
    shutil.copytree(REPO / "src", snapshot / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    env = dict(os.environ, BENCH_SNAPSHOT=str(snapshot), BENCH_SOURCE=report.git_commit(REPO),
               PYTHONPATH=os.pathsep.join(filter(None, [str(snapshot / "src"),
                                                        os.environ.get("PYTHONPATH")])),
               # Compiled modules are cached, as on a user's machine (some shells turn that
               # off, and every run would compile policygen again), but in the work folder.
               PYTHONPYCACHEPREFIX=str(work / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    os.execve(sys.executable, [sys.executable, *sys.argv], env)


def parse_args() -> Settings:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1,10,100",
                        help="numbers of variants, comma-separated (default: 1,10,100)")
    parser.add_argument("--with-10k", action="store_true",
                        help="add the site-only point of about 10,000 pages to --sizes or "
                             "--quick (the default run has it)")
    parser.add_argument("--no-10k", action="store_true",
                        help="leave out the point of about 10,000 pages (about 10 minutes)")
    parser.add_argument("--quick", action="store_true",
                        help="N = 1 and 10 only, 3 runs, no MkDocs-material, no 10,000 pages: "
                             "for iterating")
    parser.add_argument("--repeats", type=int, default=0,
                        help="runs of each quick measurement (default 5; 3 with --quick)")
    parser.add_argument("--no-pdf", action="store_true", help="skip everything with PDFs")
    parser.add_argument("--full", action="store_true",
                        help="also time the library's PDF stages and the PDF floor at 100 "
                             "variants (two more cold PDF passes: about 10 minutes more)")
    parser.add_argument("--no-material", action="store_true", help="skip MkDocs-material")
    parser.add_argument("--work", type=Path, default=BENCH / ".work")
    parser.add_argument("--doc", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--report-only", action="store_true",
                        help="write the report again from the last run's results.json")
    args = parser.parse_args()
    explicit = args.quick or args.sizes != parser.get_default("sizes")
    sizes = [1, 10] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    ten_k = not args.no_10k and (args.with_10k or not explicit)
    return Settings(sorted(set(sizes)), args.repeats or (3 if args.quick else 5),
                    not args.no_pdf, args.full, not (args.quick or args.no_material),
                    args.work.resolve(), args.doc.resolve(), args.quick, args.report_only,
                    ten_k)


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def repeat(times: int, work: Any) -> list[Any]:
    return [work() for _ in range(times)]


# --- the default content: check, a site-only build, and what they import ---------------------

def measure_default_content(settings: Settings) -> dict[str, Any]:
    """`policygen check` and a site-only build of the shipped content and example variants."""
    project = settings.work / "projects" / "default"
    if project.exists():
        shutil.rmtree(project)
    for part in ("content", "templates", "variants"):
        shutil.copytree(REPO / part, project / part)
    out = settings.work / "out" / "default-site"
    check = [str(POLICYGEN), "check", "--project", str(project), "--today", TODAY]
    site = [str(POLICYGEN), "build", "--project", str(project), "--out", str(out),
            "--today", TODAY, "--format", "site"]
    say("default content: policygen check, site-only build, imports")
    measure.run(check)  # a first, uncounted run: the disk cache, not policygen, is slow here

    def build() -> Run:
        shutil.rmtree(out, ignore_errors=True)  # else the build takes over its last output
        return measure.run(site)

    checks = repeat(settings.repeats, lambda: measure.run(check))
    builds = repeat(settings.repeats, build)
    return {"check": Stat.of_runs(checks),
            "check_rss": max(r.peak_rss_mb for r in checks),
            "site": Stat.of_runs(builds),
            "site_rss": max(r.peak_rss_mb for r in builds),
            "site_pages": sum(1 for _ in out.rglob("*.html")),
            "check_imports": weasyprint_imported(check[1:]),
            "site_imports": weasyprint_imported(site[1:]),
            "search": measure_search_index(settings, out)}


def measure_search_index(settings: Settings, site: Path) -> dict[str, Any]:
    """Pagefind on the built base site, once, as a whole process, when it is installed.

    A hook for the search index (issue 13): what the build itself wrote under `pagefind/`
    folders is counted, and `python -m pagefind --site` is timed on a copy of the base site,
    so that the figure is there whether or not the build runs Pagefind itself.
    """
    built = search_index_bytes(site)
    found = measure.run([str(PYTHON), "-c", "import pagefind"], check=False)
    if found.returncode != 0:
        return {"status": "not built: the Python package `pagefind` is not installed in .venv",
                "built_bytes": built[0], "built_folders": built[1]}
    copy = settings.work / "out" / "default-site-pagefind"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("pagefind"))
    say("default content: Pagefind on the base site")
    run = measure.run([str(PYTHON), "-m", "pagefind", "--site", str(copy)], check=False)
    if run.returncode != 0:
        return {"status": f"not built: `python -m pagefind` exited {run.returncode}: "
                          f"{last_line(run.stderr or run.stdout)[:200]}",
                "built_bytes": built[0], "built_folders": built[1]}
    size, folders = search_index_bytes(copy)
    return {"status": "built", "seconds": run.seconds, "noise": run.noise, "bytes": size,
            "folders": folders, "pages": sum(1 for _ in copy.rglob("*.html")),
            "built_bytes": built[0], "built_folders": built[1]}


def search_index_bytes(site: Path) -> tuple[int, int]:
    """Bytes under every `pagefind/` folder of a built site, and how many folders there are."""
    folders = [path for path in site.rglob("pagefind") if path.is_dir()]
    return sum(f.stat().st_size for folder in folders for f in folder.rglob("*")
               if f.is_file()), len(folders)


def weasyprint_imported(args: list[str]) -> bool:
    """Whether `python -X importtime -m policygen ARGS` imports WeasyPrint at any point."""
    run = measure.run([str(PYTHON), "-X", "importtime", "-m", "policygen", *args])
    return any(re.search(r"\|\s+weasyprint(\.|\s*$)", line)
               for line in run.stderr.splitlines())


# --- one size: N variants -----------------------------------------------------------------------

def measure_size(settings: Settings, tools: others.Tools, n: int) -> SizeResult:
    result = SizeResult(n)
    work = settings.work
    project = synth.make_project(work / "projects" / f"n{n}", n)
    say(f"N={n}: generated {n} variants in {project}; checking them")
    check = [str(POLICYGEN), "check", "--project", str(project), "--today", TODAY]
    # Once above 100 variants: it took over a minute at 561 on a busy machine.
    times = settings.repeats_at(n) if n <= 100 else 1
    result.check = Stat.of_runs(repeat(times, lambda: measure.run(check)))
    measure_stages(settings, result, project)
    site_out = work / "out" / f"n{n}-site"
    measure_site_build(settings, result, project, site_out)
    search_out = work / "out" / f"n{n}-search"
    measure_search_build(settings, result, project, search_out)
    result.search_bytes, result.search_folders = search_index_bytes(search_out)
    measure_others(settings, tools, result, site_out)
    if settings.pdf_stages(n):
        measure_floor(settings, result)
    if settings.cold_builds(n):
        measure_cold_builds(settings, result, project)
        measure_rebuilds(settings, result, project)
    return result


def measure_stages(settings: Settings, result: SizeResult, project: Path) -> None:
    """policygen's stages through the library, each run in a fresh process."""
    command = [str(PYTHON), str(BENCH / "stages.py"), "--project", str(project),
               "--today", TODAY]
    runs = []
    if settings.pdf_stages(result.n):
        dump = settings.work / "floor" / f"n{result.n}"
        shutil.rmtree(dump, ignore_errors=True)
        for number in range(settings.pdf_stages(result.n)):
            say(f"N={result.n}: stages with PDFs, run {number + 1}")
            extra = ["--pdf", "--dump", str(dump)] if number == 0 else ["--pdf"]
            runs.append(stage_run(command + extra))
        failed = runs[0]["failed"]
        if failed:
            raise RuntimeError(f"policygen could not make {len(failed)} PDFs: {failed[:5]}")
        result.pdfs, result.layouts = runs[0]["pdfs"], runs[0]["layouts"]
    times = settings.repeats_at(result.n)
    say(f"N={result.n}: stages without PDFs, {times} runs")
    runs += [stage_run(command) for _ in range(times)]
    result.pages, result.editions = runs[0]["pages"], runs[0]["editions"]
    names = list(dict.fromkeys(name for r in runs for name in r["seconds"]))
    result.stages = {name: Stat.of([r["seconds"][name] for r in runs if name in r["seconds"]],
                                   max(r["noise"] for r in runs if name in r["seconds"]))
                     for name in names}


def stage_run(command: list[str]) -> dict[str, Any]:
    """The JSON a timing script prints, with the noise during its run."""
    run = measure.run(command)
    return {**json.loads(run.stdout), "noise": run.noise, "wall": run.seconds}


def measure_site_build(settings: Settings, result: SizeResult, project: Path,
                       out: Path) -> None:
    """The whole `policygen build --all --format site`, from a clean output folder each time."""
    command = [str(POLICYGEN), "build", "--all", "--project", str(project), "--out", str(out),
               "--today", TODAY, "--format", "site"]

    def once() -> Run:
        shutil.rmtree(out, ignore_errors=True)
        return measure.run(command)

    times = settings.repeats_at(result.n)
    say(f"N={result.n}: site-only builds, {times} runs")
    runs = repeat(times, once)
    result.site_build = Stat.of_runs(runs)
    result.site_build_rss = max(r.peak_rss_mb for r in runs)
    say(f"N={result.n}: unchanged site-only rebuilds, {times} runs")
    result.site_unchanged = Stat.of_runs(repeat(times, lambda: measure.run(command)))


def measure_search_build(settings: Settings, result: SizeResult, project: Path,
                         out: Path) -> None:
    """The whole `build --all --format site,search`: what the search index adds to the site
    (its own row: Hugo, beside which the site-only build is set, makes no search index)."""
    command = [str(POLICYGEN), "build", "--all", "--project", str(project), "--out", str(out),
               "--today", TODAY, "--format", "site,search"]

    def once() -> Run:
        shutil.rmtree(out, ignore_errors=True)
        return measure.run(command)

    times = min(3, settings.repeats_at(result.n))
    say(f"N={result.n}: site and search builds, {times} runs")
    result.search_build = Stat.of_runs(repeat(times, once))


def measure_others(settings: Settings, tools: others.Tools, result: SizeResult,
                   site: Path) -> None:
    """The same pages as Markdown, built by Hugo, Zensical and MkDocs."""
    work = settings.work / "others" / f"n{result.n}"
    shutil.rmtree(work, ignore_errors=True)
    hugo_docs, mkdocs_docs = work / "md-hugo", work / "md-mkdocs"
    exported = mdexport.export(site, hugo_docs)
    mdexport.export(site, mkdocs_docs, index_name="index.md")
    result.words = exported["words"]
    hugo_site = others.hugo_site(work / "hugo", hugo_docs)
    builds: dict[str, Callable[..., Run]] = {
        "hugo": partial(others.build_hugo, tools, hugo_site, work / "hugo-out")}
    if tools.zensical:
        builds["zensical"] = partial(others.build_zensical, tools,
                                     others.zensical_config(work / "zensical.yml", mkdocs_docs))
    themes = ["mkdocs"] + (["material"] if tools.material else [])
    if exported["pages"] <= others.MKDOCS_MAX_PAGES:
        for theme in themes:
            config = others.mkdocs_config(work / f"{theme}.yml", mkdocs_docs, theme)
            name = "mkdocs" if theme == "mkdocs" else "mkdocs-material"
            builds[name] = partial(others.build_mkdocs, tools, config, work / f"{theme}-out")
    for name, build in builds.items():
        times = (settings.repeats_at(result.n) if name == "hugo"
                 else settings.mkdocs_repeats(result.pages))
        say(f"N={result.n}: {name}, {exported['pages']} pages, {times} runs")
        if name not in WARMED:  # once per tool: Python's bytecode cache, the disk cache
            build(timeout=others.TOOL_TIMEOUT)
            WARMED.add(name)
        runs = []
        for _ in range(times):
            runs.append(build(timeout=others.TOOL_TIMEOUT))
            if runs[-1].timed_out:
                say(f"N={result.n}: {name} stopped after {others.TOOL_TIMEOUT:.0f} s")
                result.stopped[name] = others.TOOL_TIMEOUT
                break
        else:
            result.tools[name] = Stat.of_runs(runs)


def measure_floor(settings: Settings, result: SizeResult) -> None:
    """Bare WeasyPrint on the HTML policygen rendered, across every core."""
    dump = settings.work / "floor" / f"n{result.n}"
    command = [str(PYTHON), str(BENCH / "floor.py"), str(dump)]
    times = settings.pdf_stages(result.n)
    say(f"N={result.n}: PDF floor, {result.pdfs} PDFs, {times} runs")
    runs = [stage_run(command) for _ in range(times)]
    noise = max(r["noise"] for r in runs)
    result.floor = Stat.of([r["seconds"] for r in runs], noise)
    result.floor_whole = Stat.of([r["wall"] for r in runs], noise)
    result.floor_layouts = runs[0]["layouts"]


def full_build(project: Path, out: Path) -> list[str]:
    return [str(POLICYGEN), "build", "--all", "--project", str(project), "--out", str(out),
            "--today", TODAY]


def measure_cold_builds(settings: Settings, result: SizeResult, project: Path) -> None:
    """`policygen build --all` with every format into an empty folder: wall time and memory."""
    out = settings.work / "out" / f"n{result.n}-full"
    runs = []
    for number in range(settings.cold_builds(result.n)):
        say(f"N={result.n}: cold full build, run {number + 1}")
        shutil.rmtree(out, ignore_errors=True)
        runs.append(measure.run(full_build(project, out)))
    result.cold_build = Stat.of_runs(runs)
    result.cold_rss = max(r.peak_rss_mb for r in runs)
    result.cold_tree = max(r.peak_tree_mb for r in runs)
    result.cold_tree_pss = max(r.peak_tree_pss_mb for r in runs)
    result.cold_summary = last_line(runs[-1].stdout)
    result.pdfs = result.pdfs or pdf_counts(result.cold_summary)[0]


def measure_rebuilds(settings: Settings, result: SizeResult, project: Path) -> None:
    """Building again into the same folder: with nothing changed, then after editing a topic."""
    out = settings.work / "out" / f"n{result.n}-full"
    say(f"N={result.n}: unchanged rebuilds (every format), {settings.repeats} runs")
    runs = repeat(settings.repeats, lambda: measure.run(full_build(project, out)))
    result.unchanged = Stat.of_runs(runs)
    result.unchanged_summary = last_line(runs[-1].stdout)
    say(f"N={result.n}: editing the topic '{EDITED_TOPIC}' and building again")
    what = edit_topic(project, EDITED_TOPIC)
    run = measure.run(full_build(project, out))
    total, unchanged = pdf_counts(last_line(run.stdout))
    containing = (result.editions - synth.excluding(project, EDITED_TOPIC)) * 2
    result.edit = {"what": what, "seconds": run.seconds, "noise": run.noise, "pdfs": total,
                   "rendered": total - unchanged, "containing": containing,
                   "summary": last_line(run.stdout)}


def edit_topic(project: Path, topic: str) -> str:
    """An editor's small change: the topic's first headline rule ends in '!' instead of '.'.

    The headline is on the topic's poster and in the handbook, so at most those PDFs of each
    edition showing the topic contain it. The line is found by its id, as an editor would: the
    rule's one line (`  id: text.`) or its `text:` (`  id:` then `    text: …`, beside a
    shorter `poster:` wording).
    """
    path = project / "content" / "topics" / f"{topic}.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index("headline:")
    for number in range(start + 1, len(lines)):
        if lines[number].strip() and not lines[number].startswith(" "):
            break  # the end of the headline block
        if re.match(r"(  [a-z0-9-]+|    text): [^>|\"'].*\.$", lines[number]):
            lines[number] = lines[number][:-1] + "!"
            path.write_text("\n".join(lines), encoding="utf-8")
            return f"content/topics/{topic}.yaml line {number + 1}: headline rule ends in '!'"
    raise RuntimeError(f"no one-line headline rule ending in '.' in {path}")


def pdf_counts(summary: str) -> tuple[int, int]:
    """(PDFs in the build, PDFs unchanged) from the line 'Built …, N PDFs (M unchanged) …'."""
    found = re.search(r"(\d+) PDFs(?: \((\d+) unchanged\))?", summary)
    if not found:
        raise RuntimeError(f"no PDF count in the build's summary: {summary!r}")
    return int(found[1]), int(found[2] or 0)


def last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


if __name__ == "__main__":
    main()
