"""`policygen translate export` and `translate import`: the texts still to translate out to a
translator as XLIFF 2.0, and the translations back into the content files.

Export sends what is new (no twin yet) and what is stale (its main text changed since it was
translated), each stale one with its earlier translation to work from; `--all` sends every
text. Import checks the whole file first (every problem at its line, nothing written if there
is one), shows what it will change, then writes each twin beside its text, keeps each file as
it was beside it (FILE.before-translate-DATE) and records what each translation was made from
(content/translations/<language>.yaml).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from policygen.commands.translatable import Scope, base_texts, scope_of, variant_texts
from policygen.errors import ContentError, Location, OutputError, Problem
from policygen.source.intake import Arrival, Intake, take_in
from policygen.source.translations import (
    Translated,
    TranslationRecord,
    is_stale,
    read_record,
    record_name,
    record_text,
)
from policygen.source.twins import TwinText, fingerprint
from policygen.source.xliff import OutUnit, read_xliff, xliff_bytes
from policygen.source.yamledit import with_twin
from policygen.variants.signoff import PendingWrite, commit_sign_off
from policygen.variants.variant import VARIANTS_DIR
from policygen.words import language_name

_BOM = "\ufeff"
MAX_XLIFF_BYTES = 32 * 1024 * 1024  # the whole guidance is well under 1 MB of XLIFF


@dataclass(frozen=True, slots=True)
class Export:
    """What an export sent: the file (None when there was nothing to send) and its units."""

    path: Path | None
    language: str
    new: int
    stale: int
    others: int  # sent with --all, translated already and not stale


def export_translation(project: Path, to: Path | None, every: bool, language: str | None,
                       day: date, variant: str | None = None) -> Export:
    """Write the texts to translate as XLIFF 2.0 (of the base, or of one local copy's own
    texts); nothing when there is nothing to translate."""
    scope = base_texts(project) if variant is None else variant_texts(project, variant)
    main, target = _languages(scope.languages, language)
    record = _record(project, target, scope.records)
    units = [_out_unit(text, main, target, record, every) for text in scope.texts]
    sent = [unit for unit in units if unit is not None]
    new = sum(1 for unit in sent if unit.target is None)
    stale = sum(1 for unit in sent if unit.notes[-1][0] == "stale")
    result = Export(None, target, new, stale, len(sent) - new - stale)
    if not sent:
        return result
    named = f"{target}-translation-{variant + '-' if variant else ''}{day.isoformat()}.xlf"
    path = to or project / named
    try:
        with path.open("xb") as file:  # never over a file (an earlier export, sent or not)
            file.write(xliff_bytes(sent, main, target))
    except FileExistsError as error:
        raise OutputError(f"{path} already exists: move it away, or name another file with "
                          "--to; nothing was written") from error
    return Export(path, target, new, stale, len(sent) - new - stale)


def _languages(languages: tuple[str, ...], asked: str | None) -> tuple[str, str]:
    """The main language, and the one to translate into (published, then being translated)."""
    if len(languages) < 2:
        raise OutputError("the guidance is in one language, so there is nothing to translate: "
                          "list its languages in content/publication.yaml first, like "
                          "'languages: [en, cy]', or 'translating:' with 'cy: draft' under it "
                          "for a translation not yet published (docs/translating.md)")
    others = languages[1:]
    if asked is None and len(others) == 1:
        return languages[0], others[0]
    if asked not in others:
        raise OutputError(f"say which language to translate into with --language: one of "
                          f"{', '.join(others)}")
    return languages[0], asked


def _record(project: Path, language: str, folder: str) -> TranslationRecord:
    record, problems = read_record(project, language, folder)
    if problems:
        raise ContentError(problems)
    return record


def _out_unit(text: TwinText, main: str, language: str, record: TranslationRecord,
              every: bool) -> OutUnit | None:
    source, target = text.twin(main), text.twin(language)
    assert source is not None  # every text has its main language's words
    stale = is_stale(text, record, main)
    if target is not None and not stale and not every:
        return None
    where = f"{text.what} ({text.file}, line {text.location.line})"
    notes = [("location", where)]
    if stale:
        notes.append(("stale", (
            f"The {language_name(main)} has changed since this was translated. The "
            f"{language_name(language)} given is the earlier translation, to work from: "
            "correct it to say what the text now says (or mark it translated if it still "
            "does).")))
    return OutUnit(text.file, text.name, source.text, target.text if target else None,
                   tuple(notes), "initial" if target is None or stale else "translated")


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What an import will write: each content file's new text, and the new record."""

    intake: Intake
    files: dict[str, tuple[bytes, str]]  # content file → (as it is, as it will be)
    record: TranslationRecord
    record_text: str
    records: str  # the folder the record is kept in


def plan_import(project: Path, xliff: Path) -> ImportPlan:
    """Check the translator's file through and work out the new files; nothing is written."""
    document = read_xliff(_read_xliff(xliff), str(xliff))
    scope = scope_of(project, document, str(xliff))
    languages = scope.languages
    if len(languages) < 2:
        raise OutputError("the guidance is in one language, so it takes no translation")
    records: dict[str, TranslationRecord] = {}

    def record(language: str) -> TranslationRecord:
        return records.setdefault(language, _record(project, language, scope.records))

    intake = take_in(document, str(xliff), scope.texts, languages, record)
    if intake.problems:
        raise ContentError(intake.problems)
    files = _new_files(project, intake, languages[0])
    _check_reads_back(scope, files, intake, str(xliff))
    new_record = _recorded(record(intake.language), intake.arrivals, languages[0])
    return ImportPlan(intake, files, new_record, record_text(new_record, languages[0]),
                      scope.records)


def _read_xliff(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_XLIFF_BYTES:
            raise OutputError(f"{path} is larger than any translation of the guidance could be; "
                              "nothing was written")
        return path.read_bytes()
    except OSError as error:
        raise OutputError(f"cannot read {path} ({error.strerror or error}); nothing was "
                          "written") from error


def _new_files(project: Path, intake: Intake, main: str) -> dict[str, tuple[bytes, str]]:
    files: dict[str, tuple[bytes, str]] = {}
    problems = []
    for arrival in intake.arrivals:
        if not arrival.changed:
            continue
        file = arrival.text.file
        if file not in files:
            original = (project / file).read_bytes()
            files[file] = (original, original.decode("utf-8"))
        before, text = files[file]
        try:
            files[file] = (before, _with_twin(text, arrival, intake.language, main))
        except OutputError as error:
            problems.append(Problem(arrival.text.location, f"the translation of "
                                    f"{arrival.text.what} could not be written here: {error}"))
    if problems:
        raise ContentError(problems)
    return files


def _with_twin(text: str, arrival: Arrival, language: str, main: str) -> str:
    """The file's text with the twin in, its line ends and byte-order mark as they were."""
    bom = _BOM if text.startswith(_BOM) else ""
    crlf = "\r\n" in text
    plain = text.removeprefix(_BOM).replace("\r\n", "\n")
    new = with_twin(plain, arrival.text.path, language, main, arrival.words)
    return bom + (new.replace("\n", "\r\n") if crlf else new)


def _check_reads_back(scope: Scope, files: dict[str, tuple[bytes, str]], intake: Intake,
                      shown: str) -> None:
    """The content with the translations in must read, each translation as it came."""
    try:
        texts = scope.reread({name: text.removeprefix(_BOM) for name, (_, text) in files.items()})
    except ContentError as error:
        raise ContentError([Problem(Location(shown), "with the translations in, the content "
                                    "would have the problems below; nothing was written"),
                            *error.problems]) from error
    now = {(t.file, t.name): t.twin(intake.language) for t in texts}
    for arrival in intake.arrivals:
        twin = now.get((arrival.text.file, arrival.text.name))
        if twin is None or twin.text != arrival.words:
            raise OutputError(f"the translation of {arrival.text.what} would not read back as "
                              f"it came ({arrival.text.file}); nothing was written")


def _recorded(record: TranslationRecord, arrivals: list[Arrival],
              main: str) -> TranslationRecord:
    texts = dict(record.texts)
    for arrival in arrivals:
        source = arrival.text.twin(main)
        assert source is not None
        texts[(arrival.text.file, arrival.text.name)] = Translated(
            fingerprint(source.text), fingerprint(arrival.words))
    return TranslationRecord(record.language, texts)


def write_import(project: Path, plan: ImportPlan, day: date) -> list[Path]:
    """Keep each file as it was beside it, then write the new ones and the record."""
    kept = {file: _free_name(project / f"{file}.before-translate-{day.isoformat()}")
            for file in plan.files}
    for file, (before, after) in plan.files.items():
        with kept[file].open("xb") as copy:  # never over a file
            copy.write(before)
        commit_sign_off(PendingWrite((project / file).resolve(), file, before,
                                     after.encode("utf-8")))
    _write_record(project / record_name(plan.record.language, plan.records),
                  plan.record_text)
    return list(kept.values())


def _free_name(path: Path) -> Path:
    """The name, or with -2, -3 … after it when an earlier import today kept a file there."""
    number = 1
    found = path
    while found.exists():
        number += 1
        found = path.with_name(f"{path.name}-{number}")
    return found


def _write_record(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def describe_export(export: Export) -> str:
    """What the export did, in a sentence or two for the person sending it."""
    name = language_name(export.language)
    if export.path is None:
        return (f"Nothing to translate into {name}: every text has its {name} twin, none of "
                "them stale (--all sends every text anyway). No file was written.")
    parts = [f"{export.new} new"] if export.new else []
    parts += [f"{export.stale} stale, each with its earlier translation"] if export.stale else []
    parts += [f"{export.others} translated already"] if export.others else []
    return (f"Wrote {export.path}: {_texts(export.new + export.stale + export.others)} to "
            f"translate into {name} ({', '.join(parts)}). Send it to the translator; when it "
            f"comes back, run policygen translate import FILE.")


def describe_import(plan: ImportPlan) -> str:
    """What the file brings, before anything is written."""
    intake = plan.intake
    changed = sum(1 for arrival in intake.arrivals if arrival.changed)
    lines = [f"The file brings {_texts(changed)} translated into "
             f"{language_name(intake.language)}"
             + (f" (and confirms {_texts(len(intake.arrivals) - changed)} as they are)"
                if len(intake.arrivals) > changed else "") + "."]
    if intake.untranslated:
        lines.append(f"{_texts(intake.untranslated)} in it are not translated yet: they stay "
                     "to be translated (the next export sends them again).")
    if intake.left_stale:
        lines.append(f"{_texts(intake.left_stale)} came back with the earlier translation, "
                     "not marked translated: they stay stale.")
    if not intake.arrivals:
        lines.append("There is nothing to write.")
    return "\n".join(lines)


def describe_written(plan: ImportPlan, kept: list[Path]) -> str:
    record = record_name(plan.record.language, plan.records)
    if not kept:
        return f"Recorded {_texts(len(plan.intake.arrivals))} as translated in {record}."
    files = ", ".join(str(path) for path in kept)
    return (f"Wrote the translations into {len(plan.files)} file"
            f"{'s' * (len(plan.files) != 1)} and recorded them in "
            f"{record}; each file as it was is kept beside it "
            f"({files}). Run policygen check, then policygen build{_variant_option(plan)}.")


def _variant_option(plan: ImportPlan) -> str:
    """' --variant NAME' when the texts were a local copy's (its record is in its folder)."""
    folder = plan.records.split("/")
    return f" --variant {folder[1]}" if folder[0] == VARIANTS_DIR and len(folder) > 2 else ""


def _texts(count: int) -> str:
    return "1 text" if count == 1 else f"{count} texts"
