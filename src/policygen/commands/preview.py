"""`policygen serve`: a preview server that rebuilds on save and reloads the browser.

The preview is built in memory (build/ is never touched) and served on 127.0.0.1 only. Pages
get one extra script, /__policygen/reload.js, which exists in the preview and never in a
build. The website is rebuilt first; posters and the handbook follow in the background. The
search index is made only when asked for (`serve --search`): it takes longer than the pages,
and an editor saving a line wants to see the line.
"""

from __future__ import annotations

import http.server
import json
import logging
import mimetypes
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from policygen.build.editions import variant_edition
from policygen.build.pipeline import check, render_setup, templates_dir, with_draft
from policygen.build.plan import BuildOptions
from policygen.errors import PolicygenError
from policygen.render.edition import Edition, base_edition_of
from policygen.render.formats import PRINT, SEARCH, SITE, with_companions
from policygen.render.pdf import PdfCache, PdfRenderer
from policygen.render.search import index_editions, search_targets
from policygen.render.shipped import template_file
from policygen.render.stage import RenderSetup, render_edition
from policygen.render.templating import make_environment, render
from policygen.source.confinement import SOURCE_FOLDERS
from policygen.variants.drift import edition_changes
from policygen.variants.editions import archived_editions
from policygen.variants.standing import base_edition

log = logging.getLogger(__name__)
WATCHED = SOURCE_FOLDERS
_POLL_SECONDS = 0.1
_WAIT_SECONDS = 20.0
# An SVG opened on its own is a document that could run script or fetch files; a logo's is
# cleaned when built, and the preview also tells the browser to allow it neither.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
# What every other file is sent with, as docs/operators.md asks of a web server: nothing from
# anywhere else, nothing inline; 'wasm-unsafe-eval' because the search page's Pagefind
# compiles its WebAssembly (which 'self' alone forbids), and nothing more.
SITE_POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"


@dataclass
class PreviewState:
    """What the server shows now: the site's files, or the error that stopped the build."""

    files: dict[str, bytes] = field(default_factory=dict)
    error: str = ""
    version: int = 0


class Preview:
    """Builds the site into memory, rebuilds it when a watched file changes, serves it."""

    def __init__(self, project: Path, variant: str | None = None, today: date | None = None,
                 pdfs: bool = True, search: bool = False, draft: str = "") -> None:
        # A draft translation is shown as web pages only (see `build --draft`).
        self.project, self.variant, self.today, self.pdfs = project, variant, today, \
            pdfs and not draft
        self.draft = draft
        self.formats = SITE | SEARCH if search else SITE
        self.state = PreviewState()
        self.changed = threading.Condition()
        self._pdf_cache: dict[str, tuple[str, bytes]] = {}
        self._stop = threading.Event()

    def rebuild(self) -> None:
        """Build the site now; on an error keep serving, and show the error instead."""
        started = time.perf_counter()
        try:
            edition, templates = self._edition()
            setup = self._setup(templates)
            pages = render_edition(edition, setup, self.formats).files
            self._publish(self._with_search(pages, edition), "")
            if self.pdfs:
                threading.Thread(target=self._render_pdfs, args=(edition, setup),
                                 daemon=True).start()
        except PolicygenError as error:
            self._publish(self.state.files, str(error))
            errors = sum(": error: " in line for line in str(error).splitlines()) or 1
            log.warning("not rebuilt: %d error%s (the browser shows %s too):\n%s", errors,
                        "" if errors == 1 else "s", "it" if errors == 1 else "them", error)
            return
        log.info("rebuilt the site in %.1f s%s", time.perf_counter() - started,
                 "; posters and the handbook follow" if self.pdfs else "")

    def _edition(self) -> tuple[Edition, Path]:
        report = check(self.project, self.today)
        templates = templates_dir(self.project)
        if self.variant:
            options = BuildOptions(self.project, None, self.today, variant=self.variant)
            edition = variant_edition(report, options, self.variant, "")
        else:
            pub = report.publication
            edition = base_edition_of(pub, report.status.today,
                                      edition_changes(self.project, pub),
                                      archived_editions(self.project, base_edition(pub)))
        if self.draft:
            edition = with_draft(edition, report, self.draft)
        return edition, templates

    def _setup(self, templates: Path) -> RenderSetup:
        setup = render_setup(BuildOptions(self.project), templates)
        known = {path: len(data) for path, (_, data) in self._pdf_cache.items()}
        return replace(setup, known_pdfs=known, cache=PdfCache(dict(self._pdf_cache)))

    def _render_pdfs(self, edition: Edition, setup: RenderSetup) -> None:
        version = self.state.version
        try:
            # One process: forking a server that is running threads is asking for trouble.
            with PdfRenderer(1) as renderer:
                outputs = render_edition(edition, replace(setup, renderer=renderer),
                                         with_companions(PRINT | self.formats))
        except PolicygenError as error:
            log.warning("posters not updated: %s", error)
            return
        if self.state.version != version or outputs.problems:
            return  # a newer save is being built, or a poster does not fit: keep the site
        self._pdf_cache = {pdf.path: (pdf.key, pdf.data) for pdf in outputs.pdfs}
        try:
            files = self._with_search(outputs.files, edition)
        except PolicygenError as error:
            log.warning("posters not updated: %s", error)
            return
        self._publish({**files, **{pdf.path: pdf.data for pdf in outputs.pdfs}}, "")
        log.info("posters and the handbook are up to date")

    def _with_search(self, pages: Mapping[str, bytes], edition: Edition) -> dict[str, bytes]:
        """The pages, and when search is asked for the index made from them, as a build does."""
        if "search" not in self.formats:
            return dict(pages)
        targets = search_targets("", edition.name, edition.language_folders)
        return {**pages, **index_editions(targets, pages)}

    def _publish(self, files: dict[str, bytes], error: str) -> None:
        with self.changed:
            self.state = PreviewState(files, error, self.state.version + 1)
            self.changed.notify_all()

    def wait_for_change(self, version: int, timeout: float = _WAIT_SECONDS) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.state.version != version, timeout)
            return self.state.version

    def watch(self, seen: tuple[tuple[str, int, int], ...]) -> None:
        """Poll the watched folders; rebuild when anything differs from `seen`."""
        while not self._stop.wait(_POLL_SECONDS):
            try:
                now = self.snapshot()
                if now != seen:
                    seen = now
                    self.rebuild()
            except Exception:  # the preview must outlive any one bad save
                log.exception("preview: rebuilding failed; still watching")

    def stop(self) -> None:
        self._stop.set()

    def snapshot(self) -> tuple[tuple[str, int, int], ...]:
        found = []
        for folder in WATCHED:
            for path in (self.project / folder).rglob("*"):
                if path.name.startswith(".") or "build" in path.parts:
                    continue
                try:  # an editor's temporary file can vanish between listing and looking
                    stat = path.stat()
                except OSError:
                    continue
                if path.is_file():
                    found.append((path.as_posix(), stat.st_mtime_ns, stat.st_size))
        return tuple(sorted(found))


def serve(preview: Preview, port: int = 8000, host: str = "127.0.0.1") -> http.server.HTTPServer:
    """A server for the preview (not yet serving: call serve_forever on it)."""
    # Look at the files before the first build, so that a save made while it runs is seen.
    seen = preview.snapshot()
    preview.rebuild()
    threading.Thread(target=preview.watch, args=(seen,), daemon=True).start()
    handler = type("Handler", (_Handler,), {"preview": preview})
    return http.server.ThreadingHTTPServer((host, port), handler)


class _Handler(http.server.BaseHTTPRequestHandler):
    preview: Preview

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if path == "/__policygen/wait":
            version = _version_asked(parts.query)
            if version is None:
                self._send(400, "text/plain; charset=utf-8", b"version: expected a number")
                return
            self._send(200, "application/json",
                       json.dumps({"version": self.preview.wait_for_change(version)}).encode())
        elif path == "/__policygen/reload.js":
            self._send(200, "text/javascript", _asset(self.preview, "preview/reload.js"))
        else:
            self._send_page(path.lstrip("/"))

    def _send_page(self, name: str) -> None:
        state = self.preview.state
        if not name or name.endswith("/"):
            name += "index.html"
        if state.error and (name.endswith(".html") or not state.files):
            self._send(200, "text/html; charset=utf-8", _error_page(self.preview, state))
            return
        data = state.files.get(name)
        status = 200
        if data is None:
            data, status = state.files.get("404.html", b"Not found"), 404
            name = "404.html"
        if name.endswith(".html"):
            data = _with_reload(data, state.version)
        self._send(status, mimetypes.guess_type(name)[0] or "application/octet-stream", data)

    def _send(self, status: int, kind: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy",
                         SVG_POLICY if kind == "image/svg+xml" else SITE_POLICY)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("preview: " + format, *args)


def _version_asked(query: str) -> int | None:
    """The page's version from the reload script's query; None when it is not a number."""
    asked = (parse_qs(query).get("version") or ["0"])[0] or "0"
    return int(asked) if asked.isascii() and asked.isdigit() and len(asked) < 19 else None


def _with_reload(page: bytes, version: int) -> bytes:
    script = f'<script src="/__policygen/reload.js?v={version}"></script></body>'.encode()
    return page.replace(b"</body>", script, 1)


def _asset(preview: Preview, name: str) -> bytes:
    return template_file(templates_dir(preview.project), name).read_bytes()


def _error_page(preview: Preview, state: PreviewState) -> bytes:
    env = make_environment(templates_dir(preview.project))
    lines = state.error.splitlines()
    count = sum(": error: " in line for line in lines) or 1
    html = render(env, "preview/error.html", {"message": state.error, "count": count})
    return _with_reload(html.encode("utf-8"), state.version)


