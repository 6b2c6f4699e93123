"""The one place that writes to disk: a whole build is swapped in atomically, or nothing is."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from .errors import OutputError

# Written into every output folder so that a later build knows the folder is ours to replace;
# it also records what each PDF was made from, so that an unchanged PDF is not rendered again.
MARKER = ".policygen-output"
_TEMP_PREFIX = ".policygen-tmp-"
_OLD_PREFIX = ".policygen-old-"


def check_output_path(out: Path, project: Path) -> None:
    """Refuse an output folder that would destroy something policygen did not make."""
    out = out.resolve()
    if out == Path(out.anchor) or out == Path.home().resolve():
        raise OutputError(f"refusing to build into {out}: choose a folder of its own")
    for source in ("content", "templates"):
        if (project / source).resolve() in (out, *out.parents):
            raise OutputError(f"refusing to build into {out}: it is inside the {source}/ folder")
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise OutputError(f"{out} already exists and was not made by policygen; it is left "
                          "untouched. Choose another --out, or empty that folder yourself")


def write_output(files: Mapping[str, bytes], out: Path,
                 pdf_inputs: Mapping[str, str] | None = None) -> None:
    """Write every file into a temporary folder beside `out`, then swap it in."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_debris(out)
    temp = Path(tempfile.mkdtemp(prefix=_TEMP_PREFIX + out.name + "-", dir=out.parent))
    try:
        for name, data in sorted(files.items()):
            target = temp / safe_relative(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (temp / MARKER).write_bytes(_marker(pdf_inputs or {}))
        _swap(temp, out)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def _swap(new: Path, out: Path) -> None:
    if not out.exists():
        os.replace(new, out)
        return
    old = out.parent / f"{_OLD_PREFIX}{out.name}-{os.getpid()}"
    os.replace(out, old)
    try:
        os.replace(new, out)
    except BaseException:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def remove_debris(out: Path) -> None:
    """Temporary folders left by an interrupted earlier build of this output are removed."""
    if not out.parent.is_dir():
        return
    for entry in out.parent.iterdir():
        for prefix in (_TEMP_PREFIX + out.name + "-", _OLD_PREFIX + out.name + "-"):
            if entry.name.startswith(prefix) and entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)


def safe_relative(name: str) -> Path:
    """An output path as given by a renderer, refused if it could escape the output folder."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\\" in name:
        raise OutputError(f"refusing to write '{name}': output paths stay inside the output folder")
    return Path(*path.parts)


def _marker(pdf_inputs: Mapping[str, str]) -> bytes:
    record = {"generator": "policygen", "note": "each build replaces this folder whole",
              "pdf_inputs": dict(sorted(pdf_inputs.items()))}
    return (json.dumps(record, indent=1) + "\n").encode("utf-8")


def read_pdf_inputs(out: Path) -> dict[str, str]:
    """What the previous build's PDFs were made from; nothing when unknown or unreadable."""
    try:
        record = json.loads((out / MARKER).read_text(encoding="utf-8"))
        inputs = record.get("pdf_inputs", {})
    except (OSError, ValueError, AttributeError):
        return {}
    return {str(k): str(v) for k, v in inputs.items()} if isinstance(inputs, dict) else {}
