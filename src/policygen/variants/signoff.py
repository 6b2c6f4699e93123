"""Recording a notice, a notification or an approval in the variant's own file, unbroken.

`policygen notify` and `policygen approve` edit the editor's file on purpose: the
`notice_prepared:`, `notified:` or `approved:` block is replaced or added, and everything else
stays exactly as written (comments, line endings, a byte order mark, indentation, `---` and
`...` markers). The new text is read again with the project's own loader and must be the
same variant plus the new sign-off; only then does it replace the file, whole (a temporary
file beside it, with the same permissions, renamed over it). If anything fails, the file is
as it was and the message says so.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode

from policygen.errors import ContentError, OutputError
from policygen.model import ONLY_AUTHOR, SignOff
from policygen.source.languages import project_languages
from policygen.source.names import name_problem
from policygen.source.yamlsrc import SourceFile
from policygen.variants.variant import (
    VARIANT_FILE,
    parse_variant,
    variant_file_name,
    variant_folder,
)

_BOM = "\ufeff"
_DOCUMENT_END = re.compile(r"\.\.\.(?:[ \t].*)?")
_UNCHANGED = "; nothing was written, the file is as it was"

# What goes in a block: one record (a variant of the base guidance), or in a chain one
# record for each author, by the author's key.
Records = SignOff | Mapping[str, SignOff]


def with_sign_off(text: str, key: str, sign_off: Records) -> str:
    """The variant's text with one sign-off block (`key`) replaced or added at the end.

    The old block is found by the YAML parser (not by indentation), so comments inside or
    around it cannot confuse it; the text is checked to read back as before plus the new block.
    """
    root = _root_mapping(text)
    for trim in (True, False):  # a blank line before the block, unless a `|+` text takes it
        written = _rewritten(text, root, key, sign_off, trim)
        if _data(written) == _expected(text, key, sign_off):
            return written
    raise OutputError(f"policygen could not add the '{key}' block without changing the rest "
                      f"of the file; add it by hand{_UNCHANGED}")


def _root_mapping(text: str) -> MappingNode:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise OutputError(f"the file cannot be read as YAML ({error}){_UNCHANGED}") from error
    if not isinstance(root, MappingNode) or not root.value:
        raise OutputError(f"the file is not a set of fields{_UNCHANGED}")
    if root.flow_style:
        raise OutputError("the variant file is written as a JSON-style mapping ({…}); "
                          "policygen can only record the sign-off in a block-style file "
                          f"(one 'field: value' per line){_UNCHANGED}")
    return root


def _rewritten(text: str, root: MappingNode, key: str, sign_off: Records, trim: bool) -> str:
    lines = text.splitlines(keepends=True)  # each line keeps its own ending (CRLF stays)
    span = _block_lines(root, key, lines)
    if span:
        del lines[span[0]:span[1]]
    end = _document_end(lines, root.start_mark.line)
    body, tail = lines[:end], lines[end:]
    while trim and len(body) > 1 and not body[-1].strip():
        body.pop()
    newline = _newline(text)
    if body and not body[-1].endswith(("\n", "\r", "\x85", "\u2028", "\u2029")):
        body[-1] += newline
    indent = " " * root.value[0][0].start_mark.column  # an indented root stays indented
    block = [f"{indent}{line}{newline}" for line in _sign_off_lines(key, sign_off)]
    return "".join(body + ([newline] if trim else []) + block + tail)


def _block_lines(root: MappingNode, key: str, lines: list[str]) -> tuple[int, int] | None:
    """The lines [start, end) of a top-level key and its value, or None when it is absent."""
    for name, value in root.value:
        if name.value == key:
            start = name.start_mark.line
            end = value.end_mark.line + (1 if value.end_mark.column else 0)
            while end > start + 1 and lines[end - 1].strip()[:1] in ("", "#"):
                end -= 1  # comments and blank lines after the block are the editor's: keep them
            return start, end
    return None


def _document_end(lines: list[str], after: int) -> int:
    """The line of a `...` marker ending the document (the block goes before it), or the end."""
    return next((n for n in range(after, len(lines))
                 if _DOCUMENT_END.fullmatch(lines[n].rstrip("\r\n"))), len(lines))


def _newline(text: str) -> str:
    crlf = text.count("\r\n")
    if crlf and crlf * 2 >= text.count("\n"):
        return "\r\n"
    return "\r" if "\r" in text and "\n" not in text else "\n"


def sign_off_block(key: str, sign_off: Records) -> str:
    """The block as policygen writes it, for a message asking the editor to add it by hand."""
    return "".join(line + "\n" for line in _sign_off_lines(key, sign_off))


def _sign_off_lines(key: str, sign_off: Records) -> list[str]:
    if isinstance(sign_off, SignOff):
        return [f"{key}:", *_record_lines(sign_off, "  ")]
    return [f"{key}:", *(line for author, record in sign_off.items()
                         for line in (f"  {author}:", *_record_lines(record, "    ")))]


def _record_lines(sign_off: SignOff, indent: str) -> list[str]:
    lines = [f"by: {_yaml_quote(sign_off.by)}"] if sign_off.by else []
    lines += [f"date: {sign_off.date.isoformat()}", f"fingerprint: \"{sign_off.fingerprint}\""]
    if sign_off.edition:
        lines.append(f"edition: {sign_off.edition.isoformat()}")
    if sign_off.pins:
        lines += ["items:", *(f"  {ident}: \"{pin}\"" for ident, pin in sign_off.pins)]
    return [indent + line for line in lines]


def _yaml_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _data(text: str) -> Any:
    try:
        return yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 (the safe loader)
    except yaml.YAMLError:
        return None


def _expected(text: str, key: str, sign_off: Records) -> dict[str, Any]:
    data = dict(_data(text))
    data[key] = _record_data(sign_off) if isinstance(sign_off, SignOff) else {
        author: _record_data(record) for author, record in sign_off.items()}
    return data


def _record_data(sign_off: SignOff) -> dict[str, Any]:
    return {"date": sign_off.date, "fingerprint": sign_off.fingerprint,
            **({"by": sign_off.by} if sign_off.by else {}),
            **({"edition": sign_off.edition} if sign_off.edition else {}),
            **({"items": dict(sign_off.pins)} if sign_off.pins else {})}


def check_signer(by: str) -> None:
    """Refuse a `--by` that is empty or holds control characters, before anything is written."""
    problem = name_problem(by, "--by (who approved the changes)")
    if problem:
        raise OutputError(f"{problem}{_UNCHANGED}")


def record_sign_off(project: Path, name: str, key: str, sign_off: Records) -> None:
    """Write the sign-off into the variant's file, or leave the file untouched and say why."""
    commit_sign_off(prepare_sign_off(project, name, key, sign_off))


class PendingWrite:
    """The new bytes of a variant file, checked, and what to put back if writing goes wrong."""

    def __init__(self, target: Path, shown: str, original: bytes, data: bytes) -> None:
        self.target, self.shown, self.original, self.data = target, shown, original, data


def prepare_sign_off(project: Path, name: str, key: str, sign_off: Records) -> PendingWrite:
    """The checked new content of the variant's file; nothing is written yet."""
    folder = variant_folder(project, name)
    shown = variant_file_name(name)
    target = _write_target(project, folder / VARIANT_FILE, shown)
    original = target.read_bytes()
    try:
        text = original.decode("utf-8")
        new = with_sign_off(text.removeprefix(_BOM), key, sign_off)
    except UnicodeDecodeError as error:
        raise OutputError(f"{shown}: the file is not UTF-8 text{_UNCHANGED}") from error
    except OutputError as error:
        raise OutputError(f"{shown}: {error}") from error
    _check_reads_back(new, name, folder, key, sign_off, shown, project_languages(project))
    return PendingWrite(target, shown, original, ((_BOM if text.startswith(_BOM) else "")
                                                  + new).encode("utf-8"))


def _write_target(project: Path, path: Path, shown: str) -> Path:
    """The file to write: a link is written through, to its target, if that is in the project."""
    target = path.resolve()
    if not target.is_relative_to(project.resolve()):
        raise OutputError(f"{shown} is a link to {target}, outside the project; policygen "
                          f"writes only inside the project{_UNCHANGED}")
    if not target.is_file():
        raise OutputError(f"{shown} is not a regular file{_UNCHANGED}")
    return target


def _check_reads_back(text: str, name: str, folder: Path, key: str, sign_off: Records,
                      shown: str, languages: tuple[str, ...]) -> None:
    try:
        variant = parse_variant(SourceFile(shown, text), name, folder, languages)
    except ContentError as error:
        raise OutputError(f"{shown}: the file would not read back after recording the "
                          f"'{key}' block ({error.problems[0].message}){_UNCHANGED}") from error
    records = {ONLY_AUTHOR: sign_off} if isinstance(sign_off, SignOff) else sign_off
    if any(getattr(variant.signed(author), key) != record for author, record in records.items()):
        raise OutputError(f"{shown}: the '{key}' block would not read back as written"
                          f"{_UNCHANGED}")


def commit_sign_off(pending: PendingWrite) -> None:
    """Replace the file whole; if the new file cannot be read back, put the old one back."""
    try:
        _replace(pending.target, pending.data)
    except OSError as error:
        raise OutputError(f"could not write {pending.shown} ({error.strerror or error})"
                          f"{_UNCHANGED}") from error
    try:
        written = pending.target.read_bytes()
    except OSError:
        written = b""
    if written != pending.data:
        _replace(pending.target, pending.original)
        raise OutputError(f"{pending.shown} did not read back as written; the original was "
                          "put back as it was")


def _replace(target: Path, data: bytes) -> None:
    """Write `data` into a temporary file beside `target` (same permissions), renamed over it."""
    info = target.stat()
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IMODE(info.st_mode))
    try:
        with os.fdopen(fd, "wb") as file:
            os.fchmod(file.fileno(), stat.S_IMODE(info.st_mode))  # the umask took some away
            _keep_owner(file.fileno(), info)
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _keep_owner(fd: int, info: os.stat_result) -> None:
    try:
        os.fchown(fd, info.st_uid, info.st_gid)
    except OSError:
        pass  # only the owner's group can be kept by someone else; the file is still theirs
