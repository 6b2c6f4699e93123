"""The search index: an edition's pages in, Pagefind's bundle ({path: bytes}) out.

Pagefind (PyPI `pagefind[bin]`, which ships its binary) makes the index and the WebAssembly
search that runs in the reader's browser with no server behind it. Each edition gets its own
index, in `pagefind/` beside its pages, so that a variant's search finds the variant's words.

The binary is found the way the `pagefind` package finds it (`pagefind.service.get_executable`:
PAGEFIND_BINARY_PATH, else the binary installed with `pagefind[bin]`) and spoken to through its
`--service` protocol, the one the package's own wrapper speaks, one message at a time. Not the
wrapper itself: it reads each answer after a 0.1 s pause (1.9 s for the 17 pages of the base,
more than the rest of a site build), and not `pagefind --site`: it numbers the pages in the
order the disk lists them, which differs from one filesystem to another, so the same pages
would give a different index on another machine. Here the pages go in sorted by path, and the
same pages give the same bytes anywhere.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any

from policygen.errors import SearchIndexError
from policygen.render.edition import ARCHIVE_DIR, owner_prefix

BUNDLE = "pagefind/"
SEARCH_PAGE = "search.html"
# Pagefind's own interfaces, which our search page does not use (it has its own small script
# on Pagefind's API, templates/assets/search.js): left out of the output, 420 KB an edition.
UNUSED = frozenset({"pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js",
                    "pagefind-modular-ui.css", "pagefind-component-ui.js",
                    "pagefind-component-ui.css", "pagefind-highlight.js"})
# The search page lists every item (it would be found for every word); a variant's record of
# its changes repeats the words of each item before and after (a reader looking for guidance
# wants the item, not its history); the page for a wrong address has nothing to find.
_NOT_INDEXED = frozenset({SEARCH_PAGE, "adaptation.html", "404.html"})
# Result paths keep "index.html", as every link of the site does (it is opened from disk too).
_CONFIG = {"keep_index_url": True}
_INSTALL = ("policygen needs Pagefind to make the search page's index: install policygen with "
            "its dependencies (pip install pagefind[bin]), or set PAGEFIND_BINARY_PATH to a "
            "Pagefind binary")

# Told (editions indexed, editions to index) as indexing goes.
Counter = Callable[[int, int], None]


class Pagefind:
    """One Pagefind process, making one index after another until it is closed."""

    def __init__(self) -> None:
        try:
            from pagefind.service import get_executable
        except ImportError:
            raise SearchIndexError(_INSTALL) from None
        binary = get_executable()
        if binary is None:
            raise SearchIndexError(_INSTALL)
        self._errors: IO[bytes] = tempfile.TemporaryFile()
        try:
            self._process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=self._errors)
        except OSError as error:
            self._errors.close()
            raise SearchIndexError(f"could not start Pagefind ({binary}): {error.strerror}; "
                                   + _INSTALL) from error
        self._sent = 0

    def __enter__(self) -> Pagefind:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop Pagefind (it ends when its input does) and close its pipes."""
        process = self._process
        try:
            with contextlib.suppress(BrokenPipeError):  # it may have stopped already
                if process.stdin:
                    process.stdin.close()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout:
                process.stdout.close()
        finally:
            self._errors.close()

    def index(self, pages: Mapping[str, bytes], what: str = "the site") -> dict[str, bytes]:
        """The bundle for these pages ({path in the edition: HTML}), by path under pagefind/."""
        made = self._send({"type": "NewIndex", "config": _CONFIG}, what)
        index = made["index_id"]
        for path in sorted(set(pages) - _NOT_INDEXED):
            self._send({"type": "AddFile", "index_id": index, "url": "/" + path,
                        "file_path": None, "file_contents": pages[path].decode("utf-8")}, what)
        files = self._send({"type": "GetFiles", "index_id": index}, what)["files"]
        self._send({"type": "DeleteIndex", "index_id": index}, what)
        bundle = {file["path"]: base64.b64decode(file["content"]) for file in files}
        unused = UNUSED | _unused_wasm(bundle)
        return {BUNDLE + path: data for path, data in bundle.items() if path not in unused}

    def _send(self, payload: dict[str, Any], what: str) -> dict[str, Any]:
        self._sent += 1
        message = json.dumps({"message_id": self._sent, "payload": payload}).encode("utf-8")
        try:
            assert self._process.stdin is not None
            self._process.stdin.write(base64.b64encode(message) + b",")
            self._process.stdin.flush()
            answer = json.loads(base64.b64decode(self._read_answer()))
        except (OSError, ValueError, EOFError) as error:
            raise self._failed(what, f"Pagefind said: {error}") from error
        said = answer.get("payload", {}) if isinstance(answer, dict) else {}
        if said.get("type") == "Error":
            raise self._failed(what, f"Pagefind said: {said.get('message', '')}")
        return dict(said)

    def _read_answer(self) -> bytes:
        """One answer: base64 up to a comma (which base64 never holds)."""
        stdout = self._process.stdout
        assert isinstance(stdout, io.BufferedReader)
        answer = bytearray()
        while not answer.endswith(b","):
            chunk = stdout.read1(1 << 16)
            if not chunk:
                raise EOFError("Pagefind stopped before it answered")
            answer += chunk
        return bytes(answer[:-1])

    def _failed(self, what: str, why: str) -> SearchIndexError:
        """The error, in Pagefind's words: what it printed, and how it ended if it did."""
        try:
            status = self._process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            status = None  # still running: it refused what it was sent
        if status is not None:
            why = f"Pagefind stopped (exit status {status})"
        self._errors.seek(0)
        printed = " ".join(self._errors.read().decode("utf-8", "replace").split())
        return SearchIndexError(f"could not make the search index of {what}: {why}"
                                f"{': ' + printed if printed else ''}")


def index_edition(pages: Mapping[str, bytes], what: str = "the site") -> dict[str, bytes]:
    """One edition's search bundle from its pages ({path: HTML}); what the benchmark times."""
    with Pagefind() as pagefind:
        return pagefind.index(pages, what)


def index_editions(editions: Iterable[tuple[str, str]], files: Mapping[str, bytes],
                   counter: Counter | None = None) -> dict[str, bytes]:
    """The search bundle of each edition ((output prefix, name) pairs), from its pages in
    `files` (every output path, prefixed), by output path: one Pagefind for all of them."""
    wanted = list(editions)
    bundles: dict[str, bytes] = {}
    if not wanted:
        return bundles
    pages: dict[str, dict[str, bytes]] = {prefix: {} for prefix, _ in wanted}
    for path, data in files.items():
        prefix = _index_of(path, pages)
        # An earlier edition's pages are not searched: a search leads to what applies now.
        # (Each language's are in its own folder: editions/DATE/, cy/editions/DATE/.)
        if path.endswith(".html") and prefix is not None and prefix in pages \
                and not path.removeprefix(prefix).startswith(ARCHIVE_DIR):
            pages[prefix][path.removeprefix(prefix)] = data
    # One Pagefind per core, each taking every k-th edition: most of an edition's time is
    # Pagefind's own, and each index depends only on its own pages, so the bytes are the same
    # however the editions are shared out.
    workers = max(1, min(len(wanted), os.cpu_count() or 1))
    lock, done = threading.Lock(), [0]

    def tick() -> None:
        with lock:  # the shares finish editions in their own threads; counted one at a time
            done[0] += 1
            if counter:
                counter(done[0], len(wanted))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        shares = [pool.submit(_index_share, wanted[k::workers], pages, tick)
                  for k in range(workers)]
        for share in shares:
            bundles.update(share.result())
    return dict(sorted(bundles.items()))


def _index_share(editions: list[tuple[str, str]], pages: Mapping[str, Mapping[str, bytes]],
                 tick: Callable[[], None]) -> dict[str, bytes]:
    """The bundles of some editions, by output path, made by one Pagefind."""
    bundles: dict[str, bytes] = {}
    with Pagefind() as pagefind:
        for prefix, name in editions:
            bundles.update({prefix + path: data
                            for path, data in pagefind.index(pages[prefix], name).items()})
            tick()
    return bundles


def search_targets(prefix: str, name: str,
                   language_folders: tuple[str, ...]) -> list[tuple[str, str]]:
    """(output prefix, name) of each index an edition has: one per language, in its folder."""
    return [(prefix + folder, f"{name} ({folder.rstrip('/')})" if folder else name)
            for folder in language_folders]


def _index_of(path: str, pages: Mapping[str, object]) -> str | None:
    """The index an output path goes into: its edition's, or that of its language's folder
    (None for the index of variants, which is no edition's)."""
    prefix = owner_prefix(path)
    if prefix is None:
        return None
    folder = path[len(prefix):].split("/", 1)[0] + "/"
    return prefix + folder if prefix + folder in pages else prefix


def _unused_wasm(bundle: Mapping[str, bytes]) -> set[str]:
    """The search code of languages the index does not have (Pagefind writes one for pages of
    unknown language too): pagefind.js loads only those that pagefind-entry.json names."""
    try:
        languages = json.loads(bundle["pagefind-entry.json"])["languages"].values()
        # A language Pagefind cannot stem (Welsh) has no wasm of its own: it uses "unknown".
        named = {f"wasm.{language['wasm'] or 'unknown'}.pagefind" for language in languages}
    except (KeyError, ValueError, TypeError, AttributeError):
        return set()  # not as expected: keep everything
    return {path for path in bundle
            if path.startswith("wasm.") and path.endswith(".pagefind") and path not in named}
