"""A shard as `merge` reads it: its record checked field by field, its files checked on disk.

A shard comes back from another runner as an artifact that anyone along the way could have
changed. Its record names the variants that go into links of the index of variants, and its
files are copied into the site, so everything is checked before anything is used: the record
must be exactly what policygen writes, and the folder must hold exactly the regular files the
record lists (no links, no pipes or devices, nothing added or missing).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from policygen.build.output import MARKER, BuildRecord, digest_of
from policygen.errors import OutputError
from policygen.render.formats import FORMAT_NAMES as FORMATS
from policygen.render.variant_entries import VARIANT_INDEX
from policygen.source.names import control_character
from policygen.source.reader import ID_PATTERN
from policygen.source.review import ReviewState
from policygen.variants.standing import AdaptationStatus

_HASH = re.compile(r"[0-9a-f]{64}")
_PREFIX = re.compile(rf"variants/({ID_PATTERN.pattern})/")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_RECORD_FIELDS = ("generator", "note", "pdf_inputs", "editions", "failures", "pdf_warnings",
                  "build", "files")
_EDITION_FIELDS = ("key", "entry", "warnings", "files")
_ENTRY_FIELDS = ("name", "organisation", "state", "review_state", "next_review", "status",
                 "adapts", "signed_edition", "drifted", "taken_over")
_BUILD_FIELDS = ("id", "today", "formats", "papers", "print_shop", "all_variants", "shard")
_MAX_RECORD_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Shard:
    """One shard's folder, its checked record, its slice (k, n) and its files by output path."""

    folder: Path
    record: BuildRecord
    slice: tuple[int, int]
    files: dict[str, Path]


def read_shard(folder: Path) -> Shard:
    """The shard's record and files, or an OutputError naming the shard and what is wrong."""
    files = shard_files(folder)
    if MARKER not in files:
        raise _refuse(folder, f"it has no {MARKER}, so it is not the output of a policygen "
                      "build --all --shard run")
    record = RecordReader(folder).record(files.pop(MARKER))
    _check_files(folder, record, files)
    files.pop(VARIANT_INDEX, None)  # made anew by the merge
    shard = record.build["shard"]
    return Shard(folder, record, (shard[0], shard[1]) if shard else (1, 1), files)


def shard_files(folder: Path) -> dict[str, Path]:
    """Every file in the shard by its path inside it; a link or a special file is refused."""
    found: dict[str, Path] = {}
    stack = [folder]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                path = Path(entry.path)
                name = printable(path.relative_to(folder).as_posix())
                if entry.is_symlink():
                    raise _refuse(folder, f"{name} is a symbolic link; a build makes none, so "
                                  "the shard was changed after it was built")
                if entry.is_dir(follow_symlinks=False):
                    stack.append(path)
                elif entry.is_file(follow_symlinks=False):
                    found[path.relative_to(folder).as_posix()] = path
                else:
                    raise _refuse(folder, f"{name} is not a regular file (a pipe, socket or "
                                  "device); a build makes none, so the shard was changed "
                                  "after it was built")
    return found


def _check_files(folder: Path, record: BuildRecord, files: dict[str, Path]) -> None:
    """The shard holds exactly the files its record lists, each with the content it lists."""
    for name, path in sorted(files.items()):
        if name not in record.files:
            raise _refuse(folder, f"{printable(name)} is not one of the files its build "
                          f"recorded in {MARKER}; it was added after the build")
        if digest_of(path) != record.files[name]:
            raise _refuse(folder, f"{printable(name)} is not as its build recorded it (its "
                          "content differs); it was changed after the build")
    missing = sorted(set(record.files) - set(files))
    if missing:
        raise _refuse(folder, f"{printable(missing[0])} is missing, though its build recorded "
                      "it; copy the whole output of the shard")


def printable(text: str) -> str:
    """Text as it may be shown on a terminal: control characters written as escapes."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


def _refuse(folder: Path, why: str) -> OutputError:
    return OutputError(f"refusing to merge {folder}: {why}")


class RecordReader:
    """Reads a shard's record, refusing anything that is not what policygen writes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def fail(self, where: str, expected: str, found: object) -> OutputError:
        shown = printable(json.dumps(found, ensure_ascii=False))
        shown = shown if len(shown) <= 80 else shown[:79] + "…"
        return _refuse(self.folder, f"in {MARKER}, {where} should be {expected}, found "
                       f"{shown}")

    def record(self, path: Path) -> BuildRecord:
        content = self.fields(self.load(path), "the record", _RECORD_FIELDS, _RECORD_FIELDS)
        if content["generator"] != "policygen":
            raise self.fail("'generator'", '"policygen"', content["generator"])
        build = self.build(content["build"])
        editions = {self.prefix(p): self.edition(p, value)
                    for p, value in self.mapping(content["editions"], "'editions'").items()}
        digests = self.table(content["files"], "'files'", "a hash of 64 hex digits",
                             lambda v: isinstance(v, str) and bool(_HASH.fullmatch(v)))
        files = {name for edition in editions.values() for name in edition["files"]}
        unlisted = sorted(files ^ (set(digests) - {VARIANT_INDEX}))
        if unlisted:
            raise self.fail("the files listed in 'files' and under each edition",
                            "the same files", unlisted[0])
        pdfs = self.table(content["pdf_inputs"], "'pdf_inputs'", "a hash of 64 hex digits",
                          lambda v: isinstance(v, str) and bool(_HASH.fullmatch(v)))
        said = self.table(content["pdf_warnings"], "'pdf_warnings'", "a list of texts",
                          lambda v: isinstance(v, list) and all(isinstance(t, str) for t in v))
        for name in [*pdfs, *said]:
            if name not in files or not name.endswith(".pdf"):
                raise self.fail("the PDF named in 'pdf_inputs' or 'pdf_warnings'",
                                "a PDF the record lists under 'files'", name)
        failures = self.table(content["failures"], "'failures'", "a text",
                              lambda v: isinstance(v, str))
        for name in failures:
            if not ID_PATTERN.fullmatch(name):
                raise self.fail("a variant named in 'failures'", "a variant's name (lower-case "
                                "letters, digits and hyphens)", name)
        return BuildRecord(pdfs, editions, failures,
                           {k: tuple(v) for k, v in said.items()}, digests, build)

    def load(self, path: Path) -> object:
        try:
            if path.stat().st_size > _MAX_RECORD_BYTES:
                raise _refuse(self.folder, f"its {MARKER} is too big to be a build record")
            return json.loads(path.read_bytes().decode("utf-8"),
                              object_pairs_hook=_no_duplicates)
        except (UnicodeDecodeError, ValueError) as error:
            raise _refuse(self.folder, f"its {MARKER} is not a build record policygen wrote "
                          f"({printable(str(error))})") from error

    def mapping(self, value: object, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "a set of entries", value)
        return value

    def fields(self, value: object, where: str, required: tuple[str, ...],
               known: tuple[str, ...]) -> dict[str, Any]:
        found = self.mapping(value, where)
        for name in found:
            if name not in known:
                raise self.fail(f"{where} (field {printable(name)!r})",
                                f"only the fields {', '.join(known)}", found[name])
        for name in required:
            if name not in found:
                raise self.fail(f"{where}", f"a set of entries with '{name}'"
                                + (" (the shard was built by an older policygen: build it "
                                   "again)" if name == "build" else ""), found)
        return found

    def table(self, value: object, where: str, expected: str,
              valid: Callable[[object], bool]) -> dict[str, Any]:
        found = self.mapping(value, where)
        for name, entry in found.items():
            if not valid(entry):
                raise self.fail(f"{where} › {printable(name)!r}", expected, entry)
        return found

    def prefix(self, prefix: str) -> str:
        if prefix and not _PREFIX.fullmatch(prefix):
            raise self.fail("an edition in 'editions'", "\"\" (the base) or variants/ and a "
                            "variant's name (lower-case letters, digits and hyphens) and /",
                            prefix)
        return prefix

    def edition(self, prefix: str, value: object) -> dict[str, Any]:
        where = f"'editions' › {printable(prefix)!r}"
        found = self.fields(value, where, ("key", "entry", "files"), _EDITION_FIELDS)
        if not isinstance(found["key"], str) or not _HASH.fullmatch(found["key"]):
            raise self.fail(f"{where} › 'key'", "a hash of 64 hex digits", found["key"])
        found["entry"] = self.entry(prefix, found["entry"], f"{where} › 'entry'")
        self.warnings(found.get("warnings", []), f"{where} › 'warnings'")
        self.files(prefix, found["files"], f"{where} › 'files'")
        return found

    def entry(self, prefix: str, value: object, where: str) -> dict[str, Any]:
        if not prefix:
            if value != {}:
                raise self.fail(where, "{} (the base has no line in the index)", value)
            return {}
        entry = self.fields(value, where, _ENTRY_FIELDS, _ENTRY_FIELDS)
        name = prefix.split("/")[1]
        if entry["name"] != name:
            raise self.fail(f"{where} › 'name'", f"\"{name}\", the name in its folder",
                            entry["name"])
        for field in ("organisation", "state"):
            text = entry[field]
            if not isinstance(text, str) or not text.strip() or control_character(text):
                raise self.fail(f"{where} › '{field}'", "plain text", text)
        if entry["review_state"] not in [state.value for state in ReviewState]:
            raise self.fail(f"{where} › 'review_state'", "one of current, due, overdue",
                            entry["review_state"])
        if not _is_day(entry["next_review"]):
            raise self.fail(f"{where} › 'next_review'", "a date like 2026-11-25",
                            entry["next_review"])
        adapts = entry["adapts"]
        if not isinstance(adapts, str) or control_character(adapts):
            raise self.fail(f"{where} › 'adapts'", "plain text (empty unless the variant "
                            "extends another)", adapts)
        if entry["signed_edition"] != "" and not _is_day(entry["signed_edition"]):
            raise self.fail(f"{where} › 'signed_edition'", "a date like 2026-09-14, or empty "
                            "when nothing was signed off", entry["signed_edition"])
        for field in ("drifted", "taken_over"):
            count = entry[field]
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise self.fail(f"{where} › '{field}'", "a count (0, 1, 2 …)", count)
        if entry["status"] not in [status.value for status in AdaptationStatus]:
            raise self.fail(f"{where} › 'status'",
                            "one of " + ", ".join(status.value for status in AdaptationStatus),
                            entry["status"])
        return entry

    def warnings(self, value: object, where: str) -> None:
        if not isinstance(value, list) or not all(_is_warning(w) for w in value):
            raise self.fail(where, "a list of [file, line, column, message, source line]",
                            value)

    def files(self, prefix: str, value: object, where: str) -> None:
        for name, size in self.mapping(value, where).items():
            if not _safe(name) or not _owns(prefix, name):
                raise self.fail(f"a file in {where}", f"a path inside {prefix or 'the base'}",
                                name)
            if type(size) is not int or size < 0:
                raise self.fail(f"{where} › {printable(name)!r}", "a size in bytes", size)

    def build(self, value: object) -> dict[str, Any]:
        found = self.fields(value, "'build'", _BUILD_FIELDS, _BUILD_FIELDS)
        checks: dict[str, tuple[str, Callable[[Any], bool]]] = {
            "id": ("a hash of 64 hex digits", lambda v: isinstance(v, str)
                   and bool(_HASH.fullmatch(v))),
            "today": ("a date like 2026-11-25", _is_day),
            "formats": (f"a sorted list of some of {', '.join(FORMATS)}",
                        lambda v: _choices(v, FORMATS) and v == sorted(v)),
            "papers": ("a list of a4, a3", lambda v: _choices(v, ("a4", "a3"))),
            "print_shop": ("true or false", lambda v: isinstance(v, bool)),
            "all_variants": ("true (merge joins only `build --all` runs)", lambda v: v is True),
            "shard": ("null or [K, N] with 1 ≤ K ≤ N", _is_slice)}
        for name, (expected, valid) in checks.items():
            if not valid(found[name]):
                raise self.fail(f"'build' › '{name}'", expected, found[name])
        return found


def _is_warning(value: object) -> bool:
    shape = (str, int, int, str, str)
    return isinstance(value, list) and len(value) == len(shape) and all(
        type(part) is kind for part, kind in zip(value, shape, strict=True))


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise ValueError("a field is given twice")
    return found


def _is_day(value: object) -> bool:
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _choices(value: object, allowed: tuple[str, ...]) -> bool:
    return isinstance(value, list) and bool(value) and len(set(value)) == len(value) \
        and all(isinstance(v, str) and v in allowed for v in value)


def _is_slice(value: object) -> bool:
    if value is None:
        return True
    return isinstance(value, list) and len(value) == 2 \
        and all(type(v) is int for v in value) and 1 <= value[0] <= value[1]


def _safe(name: object) -> bool:
    if not isinstance(name, str) or "\\" in name or control_character(name):
        return False
    path = PurePosixPath(name)
    return bool(path.parts) and not path.is_absolute() and ".." not in path.parts \
        and "." not in name.split("/") and path.as_posix() == name and name != MARKER


def _owns(prefix: str, name: str) -> bool:
    """Whether an output path is the edition's (the base's excludes the variants' folders)."""
    return name.startswith(prefix) and (bool(prefix) or not name.startswith("variants/"))
