"""The one place that writes to disk: a whole build is swapped in atomically, or nothing is."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from policygen.errors import OutputError, WriteError

# Written into every output folder so that a later build knows the folder is ours to replace;
# it also records what each PDF was made from, so that an unchanged PDF is not rendered again.
MARKER = ".policygen-output"
_TEMP_PREFIX = ".policygen-tmp-"
_OLD_PREFIX = ".policygen-old-"
_LOCK_PREFIX = ".policygen-lock-"
# How many foreign files a refusal names before it says "and N more".
_NAMED = 5


def check_output_path(out: Path, project: Path) -> None:
    """Refuse an output folder that would destroy something policygen did not make.

    A build replaces its output folder whole, so the folder may hold nothing but what an
    earlier build recorded writing there: the marker file alone proves nothing (anyone can
    create it), the record of every file and its content does.
    """
    out, project = out.resolve(), project.resolve()
    if out == Path(out.anchor) or out == Path.home().resolve():
        raise OutputError(f"refusing to build into {out}: choose a folder of its own")
    if out == project or out in project.parents:
        raise OutputError(f"refusing to build into {out}: it holds the project itself "
                          "(content/ and the rest); choose a folder of its own, like build/")
    for source in ("content", "templates", "variants"):
        if (project / source).resolve() in (out, *out.parents):
            raise OutputError(f"refusing to build into {out}: it is inside the {source}/ folder")
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()):
        _check_all_ours(out)


def _check_all_ours(out: Path) -> None:
    if not (out / MARKER).is_file() or (out / MARKER).is_symlink():
        raise OutputError(f"{out} already exists and was not made by policygen; it is left "
                          "untouched. Choose another --out, or empty that folder yourself")
    recorded = _recorded_files(out)
    if recorded is None:
        raise OutputError(f"{out} has a {MARKER} file but no record of the files policygen "
                          "wrote there (it was made by hand, or by an older policygen), so "
                          "policygen cannot tell its own files from yours and leaves the folder "
                          "untouched. Check what is in it and empty it yourself, or choose "
                          "another --out")
    foreign = foreign_files(out, recorded)
    if foreign:
        named = ", ".join(foreign[:_NAMED])
        more = f", and {len(foreign) - _NAMED} more" if len(foreign) > _NAMED else ""
        raise OutputError(f"{out} holds files that policygen did not write there ({named}"
                          f"{more}); a build replaces the folder whole, so it is left "
                          "untouched. Move those files out, or choose another --out")


def foreign_files(out: Path, recorded: Mapping[str, str]) -> list[str]:
    """What in `out` no build recorded writing: other files, links, special files, folders."""
    folders = {name[:end] for name in recorded
               for end in (i for i, char in enumerate(name) if char == "/")}
    foreign: list[str] = []
    _look_through(out, "", folders, recorded, foreign)
    return foreign


def _look_through(folder: Path | str, here: str, folders: set[str],
                  recorded: Mapping[str, str], foreign: list[str]) -> None:
    # os.scandir tells a folder, a link and a file apart without a stat of each (most of
    # the time of an unchanged rebuild's check, with thousands of files).
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda entry: entry.name)
    ours = []
    for entry in entries:  # folders first, then files, as a reader lists them
        path = f"{here}{entry.name}"
        if entry.is_dir(follow_symlinks=False):
            (ours.append(entry) if path in folders else foreign.append(path + "/"))
    for entry in entries:
        path = f"{here}{entry.name}"
        if entry.is_symlink() or (not entry.is_dir(follow_symlinks=False) and path != MARKER
                                  and (path not in recorded
                                       or not entry.is_file(follow_symlinks=False))):
            foreign.append(path)
    for entry in ours:
        _look_through(entry.path, f"{here}{entry.name}/", folders, recorded, foreign)


def _recorded_files(out: Path) -> dict[str, str] | None:
    """The files the marker says a build wrote, or None if it is not a build's record."""
    try:
        content = json.loads((out / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = content.get("files") if isinstance(content, dict) else None
    if content.get("generator") != "policygen" or not isinstance(files, dict):
        return None
    return {str(name): str(digest) for name, digest in files.items()}


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the output folder for one command at a time; a second one fails at once, clearly.

    The lock is a file beside the folder (the folder itself is replaced by each build, so it
    cannot carry the lock), removed when the command ends.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    lock = _debris_name(out, _LOCK_PREFIX, "lock")
    handle = _locked(lock, out)
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)
        handle.close()


def _locked(lock: Path, out: Path) -> BinaryIO:
    while True:
        handle = open(lock, "a+b")  # noqa: SIM115 (kept open for as long as the lock is held)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise OutputError(f"another policygen command is writing into {out} right now; "
                              "wait until it has finished, then run this again") from None
        # The holder before us removes the file as it ends: a lock on the removed file would
        # be no lock at all, so take it again on the file that is there now.
        try:
            if os.stat(lock).st_ino == os.fstat(handle.fileno()).st_ino:
                return handle
        except FileNotFoundError:
            pass
        handle.close()


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest_of(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@dataclass(frozen=True, slots=True)
class BuildRecord:
    """What a build leaves in its marker for the next one: what each output was made from.

    `pdf_inputs` maps a PDF's path to the hash of its inputs; `editions` maps an edition's
    prefix ("" for the base, "variants/<name>/") to {"key": hash of its inputs, "entry": what
    the index of variants says of it}; `pdf_warnings` keeps what WeasyPrint said of a PDF, so
    that a rebuild which takes the PDF over still says it (and `--strict` still stops).
    """

    pdf_inputs: Mapping[str, str] = field(default_factory=dict)
    editions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    failures: Mapping[str, str] = field(default_factory=dict)  # variant → its first error
    pdf_warnings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Every file the build wrote, with the SHA-256 of its content: only these may be replaced
    # by the next build, and a file is taken over only while its content still matches.
    files: Mapping[str, str] = field(default_factory=dict)
    # What the build was made from (plan.build_identity): `merge` joins only equal ones.
    build: Mapping[str, Any] = field(default_factory=dict)


class Staging:
    """The temporary folder beside `out` that a build writes into, swapped in whole at the end.

    Files go to disk as soon as they are made (a hundred variants' PDFs need not sit in
    memory); if anything fails before `commit`, the folder is removed and `out` is untouched.
    """

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        remove_debris(self.out)
        self.temp = Path(tempfile.mkdtemp(prefix=_debris_name(self.out, _TEMP_PREFIX, "").name,
                                          dir=self.out.parent))
        # mkdtemp makes the folder private (0700); published, it must be readable by a web
        # server's user, as any folder made with the user's umask is.
        self.temp.chmod(0o777 & ~_umask())
        self.sizes: dict[str, int] = {}
        self.digests: dict[str, str] = {}

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind: type | None, error: BaseException | None, _: object) -> None:
        if error is not None:
            shutil.rmtree(self.temp, ignore_errors=True)
        if isinstance(error, OSError):
            raise _write_error(error) from error

    def write(self, name: str, data: bytes) -> None:
        _target(self.temp, self._new(name)).write_bytes(data)
        self.sizes[name] = len(data)
        self.digests[name] = file_digest(data)

    def link(self, name: str, source: Path, digest: str | None = None) -> None:
        """Take over a file as it is (hard-linked, or copied); `digest` if already known."""
        _link_or_copy(source, _target(self.temp, self._new(name)))
        self.sizes[name] = source.stat().st_size
        self.digests[name] = digest or digest_of(source)

    def _new(self, name: str) -> str:
        if name in self.sizes or name == MARKER:
            raise OutputError(f"'{name}' would be written twice into one output; this is a "
                              "bug in policygen or a template, not in the content")
        return name

    def discard(self, prefixes: tuple[str, ...]) -> None:
        """Forget what was written under these prefixes (a variant that failed after all)."""
        for name in [n for n in self.sizes if n.startswith(prefixes)]:
            (self.temp / safe_relative(name)).unlink()
            del self.sizes[name], self.digests[name]

    def commit(self, record: BuildRecord) -> None:
        record = replace(record, files=dict(self.digests))
        (self.temp / MARKER).write_bytes(_marker(record))
        _swap(self.temp, self.out)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_error(error: OSError) -> WriteError:
    where = f" ({error.filename})" if error.filename else ""
    return WriteError(f"could not write the output: {error.strerror or error}{where}; the "
                      "previous output is unchanged")


def write_output(files: Mapping[str, bytes], out: Path, record: BuildRecord | None = None,
                 reuse: Mapping[str, Path] | None = None) -> None:
    """Write every file into a temporary folder beside `out`, then swap it in.

    `reuse` maps output paths to files of the previous build that stay as they are; they are
    hard-linked (or copied) rather than read and written again.
    """
    with Staging(out) as staging:
        for name, source in sorted((reuse or {}).items()):
            staging.link(name, source)
        for name, data in sorted(files.items()):
            staging.write(name, data)
        staging.commit(record or BuildRecord())


def _target(temp: Path, name: str) -> Path:
    target = temp / safe_relative(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _swap(new: Path, out: Path) -> None:
    if not out.exists():
        os.replace(new, out)
        return
    old = _debris_name(out, _OLD_PREFIX, str(os.getpid()))
    os.replace(out, old)
    try:
        os.replace(new, out)
    except BaseException:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _debris_name(out: Path, prefix: str, suffix: str) -> Path:
    """A name beside `out` that no other output folder's debris can have (its name is hashed)."""
    tag = hashlib.sha256(out.name.encode("utf-8")).hexdigest()[:12]
    return out.parent / f"{prefix}{tag}-{suffix}"


def recover_interrupted(out: Path) -> None:
    """Put back the previous output if a build stopped between the two renames of its swap."""
    if out.exists() or not out.parent.is_dir():
        return
    olds = sorted(out.parent.glob(_debris_name(out, _OLD_PREFIX, "*").name),
                  key=lambda p: p.stat().st_mtime)
    if olds:
        os.replace(olds[-1], out)


def remove_debris(out: Path) -> None:
    """Clear what an interrupted earlier build of this output (and only this one) left."""
    if not out.parent.is_dir():
        return
    recover_interrupted(out)
    for pattern in (_debris_name(out, _OLD_PREFIX, "*"), _debris_name(out, _TEMP_PREFIX, "*")):
        for entry in out.parent.glob(pattern.name):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)


def safe_relative(name: str) -> Path:
    """An output path as given by a renderer, refused if it could escape the output folder."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\\" in name:
        raise OutputError(f"refusing to write '{name}': output paths stay inside the output folder")
    return Path(*path.parts)


def _marker(record: BuildRecord) -> bytes:
    content = {"generator": "policygen", "note": "each build replaces this folder whole",
               "pdf_inputs": dict(sorted(record.pdf_inputs.items())),
               "editions": {k: dict(v) for k, v in sorted(record.editions.items())},
               "failures": dict(sorted(record.failures.items())),
               "pdf_warnings": {k: list(v) for k, v in sorted(record.pdf_warnings.items())},
               "files": dict(sorted(record.files.items())),
               "build": dict(record.build)}
    return (json.dumps(content, indent=1, sort_keys=True) + "\n").encode("utf-8")


def holds(out: Path, record: BuildRecord) -> bool:
    """Whether the output folder's marker already says exactly this record (the same files,
    with the same contents, made from the same inputs)."""
    try:
        return (out / MARKER).read_bytes() == _marker(record)
    except OSError:
        return False


def read_record(out: Path) -> BuildRecord:
    """What the previous build recorded; an empty record when unknown or unreadable."""
    try:
        content = json.loads((out / MARKER).read_text(encoding="utf-8"))
        pdfs, editions = content.get("pdf_inputs", {}), content.get("editions", {})
        failures, said = content.get("failures", {}), content.get("pdf_warnings", {})
        files, made_from = content.get("files", {}), content.get("build", {})
    except (OSError, ValueError, AttributeError):
        return BuildRecord()
    if not all(isinstance(part, dict)
               for part in (pdfs, editions, failures, said, files, made_from)):
        return BuildRecord()
    return BuildRecord({str(k): str(v) for k, v in pdfs.items()},
                       {str(k): v for k, v in editions.items() if isinstance(v, dict)},
                       {str(k): str(v) for k, v in failures.items()},
                       {str(k): tuple(map(str, v)) for k, v in said.items()
                        if isinstance(v, list)},
                       {str(k): str(v) for k, v in files.items()}, made_from)
