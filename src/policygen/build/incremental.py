"""Not doing again what the last build did: editions whose inputs are unchanged are reused.

An edition (the base, or one variant) is made from the content, the templates, the variant's
own folder, the options, the day, and policygen, WeasyPrint and Pagefind themselves. Their bytes are
hashed; when the hash matches the one the previous build recorded for that edition, its files
are taken over as they are, without loading the variant or rendering a page.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policygen.build.output import MARKER, BuildRecord, digest_of
from policygen.errors import Location, Problem, Severity
from policygen.render.edition import owner_prefix
from policygen.variants.chain import chain_names

if TYPE_CHECKING:
    from policygen.render.pdf import PdfCache

_KEY_VERSION = "1"
_SOURCE = Path(__file__).parents[1]  # all of policygen's own code, every package


@dataclass(frozen=True, slots=True)
class Reused:
    """An edition taken over from the previous build, with what the index says of it."""

    prefix: str
    key: str
    entry: dict[str, Any]
    warnings: tuple[Problem, ...] = ()


def problems_to_record(problems: tuple[Problem, ...]) -> list[list[object]]:
    """Warnings kept in the build record, so that a reused edition still says them."""
    return [[p.location.file, p.location.line, p.location.column, p.message, p.source_line]
            for p in problems]


def problems_from_record(stored: object) -> tuple[Problem, ...]:
    if not isinstance(stored, list):
        return ()
    return tuple(Problem(Location(str(f), int(line), int(col)), str(message), Severity.WARNING,
                         str(source))
                 for f, line, col, message, source in
                 (item for item in stored if isinstance(item, list) and len(item) == 5))


class InputHasher:
    """Hashes the inputs shared by every edition once, then each edition's own on top."""

    def __init__(self, project: Path, templates: Path, settings: tuple[object, ...]) -> None:
        self.project = project
        self._shared = hashlib.sha256()
        # Babel too: month names and the like come from its locale data; Pagefind makes the
        # search index (its binary comes with pagefind-bin).
        for part in (_KEY_VERSION, _package_version("weasyprint"), _package_version("babel"),
                     _package_version("pagefind-bin"), repr(settings)):
            self._add(self._shared, part.encode("utf-8"))
        for root in (_SOURCE, project / "content", templates):
            self._add_folder(self._shared, root)

    @property
    def build_id(self) -> str:
        """The hash of what every edition shares: policygen, the content, templates, options."""
        return self._shared.hexdigest()

    def key(self, variant: str | None, prefix: str) -> str:
        digest = self._shared.copy()
        self._add(digest, f"{variant or ''}\0{prefix}".encode())
        if variant:  # and every variant it extends: a council's edit changes its schools
            for name in chain_names(self.project, variant):
                self._add(digest, name.encode("utf-8"))
                self._add_folder(digest, self.project / "variants" / name)
        return digest.hexdigest()

    def _add_folder(self, digest: Any, root: Path) -> None:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            if "__pycache__" in path.parts or path.name.startswith("notice-"):
                continue  # notices are written by `notify`, not read by the build
            self._add(digest, path.relative_to(root).as_posix().encode("utf-8"))
            self._add(digest, path.read_bytes())

    @staticmethod
    def _add(digest: Any, data: bytes) -> None:
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)


def build_settings(formats: frozenset[str], papers: tuple[str, ...], print_shop: bool,
                   all_variants: bool, today: date, draft: str = "") -> tuple[object, ...]:
    """The options an edition's output depends on (the day sets the review banners)."""
    shown = ("draft", draft) if draft else ()  # a build without one hashes as it always did
    return (sorted(formats), papers, print_shop, all_variants, today.isoformat(), *shown)


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "none"


OutputFiles = Mapping[str | None, Mapping[str, Path]]


def output_files(out: Path) -> OutputFiles:
    """The previous build's files (the marker left out) by the prefix of the edition that owns
    each (None for the index of variants), found in one walk of the folder: with a hundred
    editions, a walk per edition was most of an unchanged rebuild."""
    found: dict[str | None, dict[str, Path]] = {}
    if out.is_dir():
        _files_in(out, "", found)
    return found


def _files_in(folder: Path | str, here: str, found: dict[str | None, dict[str, Path]]) -> None:
    with os.scandir(folder) as listing:  # a folder told from a file without a stat of each
        for entry in listing:
            path = f"{here}{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                _files_in(entry.path, f"{path}/", found)
            elif path != MARKER and entry.is_file():
                found.setdefault(owner_prefix(path), {})[path] = Path(entry.path)


def intact_editions(found: OutputFiles, previous: BuildRecord) -> frozenset[str]:
    """The prefixes of the previous build's editions whose files are all there, to the byte.

    Names and sizes are compared first (cheap); then each file's content hash, so that a
    file damaged or edited by hand since is made again rather than published.
    """
    return frozenset(prefix for prefix, record in previous.editions.items()
                     if _intact(found.get(prefix, {}), record.get("files"), previous.files))


def _intact(found: Mapping[str, Path], recorded: object, digests: Mapping[str, str]) -> bool:
    if not isinstance(recorded, dict) or not recorded:
        return False
    if {name: path.stat().st_size for name, path in found.items()} != recorded:
        return False
    return all(name in digests and digest_of(path) == digests[name]
               for name, path in found.items())


def reused_files(found: OutputFiles, reused: tuple[Reused, ...]) -> dict[str, Path]:
    """The previous build's files of the editions taken over whole, by output path."""
    files: dict[str, Path] = {}
    for edition in reused:
        files.update(found.get(edition.prefix, {}))
    return files


def read_pdf_cache(out: Path, previous: BuildRecord) -> PdfCache:
    """The previous build's PDFs that are still on disk, with the keys they were made from.

    A PDF is only offered while its content is what the build recorded writing: one damaged
    or changed by hand since is made again.
    """
    from policygen.render.pdf import PdfCache  # not at the top: a site-only build never needs it
    return PdfCache({path: (key, out / path) for path, key in previous.pdf_inputs.items()
                     if (out / path).is_file() and not (out / path).is_symlink()},
                    previous.pdf_warnings, previous.files)
