"""Debian's Chromium, headless, for what a reader's browser really does with a page."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

import pytest

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


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
