"""Debian's Chromium, headless, for what a reader's browser really does with a page.

Driven two ways: the `chromium` command for a quick DOM dump, and Playwright (its Python
package, pointed at Debian's browser: no browser is ever downloaded) for everything
interactive. Every request a page makes is recorded, so a test can prove none left the machine.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from policygen.commands.preview import SITE_POLICY

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
# The strictest policy a board could set: nothing inline, nothing from anywhere else; only
# the WebAssembly of the search page's Pagefind may be compiled (docs/operators.md, Hosting).
STRICT_CSP = SITE_POLICY + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


def chromium() -> str:
    """The browser's path; on CI (where `make test` installs it) its absence is a failure."""
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; `make test` installs it")
        pytest.skip("chromium is not installed (run `make test` to install it)")
    return path


def dump_dom(url: str, width: int = 1280) -> str:
    """The page's DOM after its scripts ran, as Chromium serialises it."""
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
             f"--window-size={width},900", "--virtual-time-budget=3000", "--dump-dom", url],
            capture_output=True, text=True, timeout=120, check=True)
    return result.stdout


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a built site with a strict Content-Security-Policy, quietly."""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", STRICT_CSP)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (a free port) for the duration; yields the base URL."""
    handler = functools.partial(_SiteHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def launched_chromium() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (no browser download), closed afterwards."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS[1:])
        yield launched
        launched.close()
