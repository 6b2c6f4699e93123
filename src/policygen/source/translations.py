"""What has been translated, from which words: the record `policygen translate import` keeps.

For each text brought in from a translator, content/translations/<language>.yaml (a local
copy's own texts: variants/<name>/translations/<language>.yaml) holds two
fingerprints: of the main language's text it was translated from, and of the translation as
it was brought in. When the main text later changes and its twin has not, the twin is stale:
it was made for other words. (When both changed, an editor has already put the twin right.)
The tool writes the record and nobody types it; its shape:

    language: cy
    texts:
      content/topics/email.yaml:
        practice.best.items.work-account.text: {source: 3f2a9c1b0d4e5f60, target: 9e8d…}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from policygen.errors import Location, Problem, Severity
from policygen.source.twins import TwinText, fingerprint
from policygen.source.yamlsrc import parse_yaml, read_source
from policygen.words import language_name

TRANSLATIONS_DIR = "content/translations"
_HEADER = """\
# Written by `policygen translate import`: do not edit it by hand.
# For each text translated into {name} ({tag}), the fingerprints of the {main} it was
# translated from and of the {name} as it was brought in. When the {main} of a text changes
# and its {name} does not, `policygen check` says the {name} is stale (docs/translating.md).
"""


@dataclass(frozen=True, slots=True)
class Translated:
    """The fingerprints of a text's main-language words and of its translation, at import."""

    source: str
    target: str


@dataclass(frozen=True, slots=True)
class TranslationRecord:
    """Every text translated into one language so far, by (file, name)."""

    language: str
    texts: Mapping[tuple[str, str], Translated]


def record_name(language: str, folder: str = TRANSLATIONS_DIR) -> str:
    """The record's file: the base's in content/translations, a local copy's in its folder."""
    return f"{folder}/{language}.yaml"


def read_record(project: Path, language: str,
                folder: str = TRANSLATIONS_DIR) -> tuple[TranslationRecord, list[Problem]]:
    """The record for a language (empty when there is none yet), and its problems."""
    name = record_name(language, folder)
    path = project / name
    if not path.is_file():
        return TranslationRecord(language, {}), []
    source, problems = read_source(path, name)
    if source is None or problems:
        return TranslationRecord(language, {}), problems
    root, problems = parse_yaml(source)
    if root is None or problems:
        return TranslationRecord(language, {}), problems
    data = yaml.safe_load(source.text)  # checked by parse_yaml: no tags, no aliases
    texts = _texts(data, language)
    if texts is None:
        return TranslationRecord(language, {}), [Problem(Location(name), (
            "this record of translations is not in the shape policygen writes (it was changed "
            "by hand?); put back the copy from before the change, or delete the file: the "
            "next import starts a new one, and nothing is marked stale until then"))]
    return TranslationRecord(language, texts), []


def _texts(data: Any, language: str) -> dict[tuple[str, str], Translated] | None:
    if not isinstance(data, dict) or data.get("language") != language \
            or not isinstance(data.get("texts", {}), dict):
        return None
    texts = {}
    for file, names in (data.get("texts") or {}).items():
        if not isinstance(names, dict):
            return None
        for name, prints in names.items():
            if not isinstance(prints, dict) or set(prints) != {"source", "target"}:
                return None
            texts[(str(file), str(name))] = Translated(str(prints["source"]),
                                                       str(prints["target"]))
    return texts


def record_text(record: TranslationRecord, main: str) -> str:
    """The record as the file is written: sorted, one line a text, so a diff shows the news."""
    tag = record.language
    lines = [_HEADER.format(name=language_name(tag), tag=tag, main=language_name(main)),
             f"language: {tag}", "texts:"]
    files = sorted({file for file, _ in record.texts})
    for file in files:
        lines.append(f"  {file}:")
        for (where, name), done in sorted(record.texts.items()):
            if where == file:
                lines.append(f"    {name}: {{source: {done.source}, target: {done.target}}}")
    return "\n".join(lines) + "\n" if files else "\n".join(lines[:-1]) + "\ntexts: {}\n"


def is_stale(text: TwinText, record: TranslationRecord, main: str) -> bool:
    """Translated from words that have changed since, and not put right by hand."""
    done = record.texts.get((text.file, text.name))
    source, target = text.twin(main), text.twin(record.language)
    return (done is not None and source is not None and target is not None
            and fingerprint(source.text) != done.source
            and fingerprint(target.text) == done.target)


def stale_warnings(texts: tuple[TwinText, ...], record: TranslationRecord, main: str,
                   export: str = "policygen translate export") -> list[Problem]:
    """A warning at each stale twin (an error only with --strict); `export` sends it out."""
    name, main_name = language_name(record.language), language_name(main)
    found = []
    for text in texts:
        target = text.twin(record.language)
        if target is not None and is_stale(text, record, main):
            found.append(Problem(target.location, (
                f"the {main_name} of {text.what} has changed since this {name} "
                f"({record.language}) was translated from it, so the {name} may no longer say "
                f"the same: check it and correct it here, or send it to the translator with "
                f"{export} (docs/translating.md)"), Severity.WARNING))
    return found


def translation_problems(project: Path, texts: tuple[TwinText, ...], languages: tuple[str, ...],
                         folder: str = TRANSLATIONS_DIR,
                         export: str = "policygen translate export") -> list[Problem]:
    """What `check` says about translations: each stale twin, and a broken record (the
    records in `folder`: a local copy keeps its own, and is sent out by its own `export`)."""
    problems = []
    for language in languages[1:]:
        record, found = read_record(project, language, folder)
        problems += found or stale_warnings(texts, record, languages[0], export)
    return [replace(p, source_line=_line(project, p.location)) if p.location.line else p
            for p in problems]


def _line(project: Path, where: Location) -> str:
    lines = (project / where.file).read_text(encoding="utf-8-sig").splitlines()
    return lines[where.line - 1].rstrip() if where.line <= len(lines) else ""
