"""What a translator's round trip covers: the base guidance's texts, or one local copy's own.

A local copy (variant) of guidance in several languages writes each text it adds or changes in
each language, as the base does; `translate export --variant NAME` sends those texts, and a
returned file says by its files' names (`variants/NAME/variant.yaml`) which copy it is for.
Each has its own record of what was translated from what: the base's in content/translations,
a copy's in its own folder (variants/NAME/translations), so a copy travels with its record.
Its terminology is no prose to translate (each language has its own words to change) and
never a text here: the readings do not take it as one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from policygen.errors import ContentError, Location, Problem
from policygen.source.content import CONTENT_DIR, content_paths, load_content, parse_content
from policygen.source.languages import project_languages
from policygen.source.translations import TRANSLATIONS_DIR
from policygen.source.twins import TwinText
from policygen.source.xliff import InDocument
from policygen.source.yamlsrc import SourceFile, read_source
from policygen.variants.variant import (
    VARIANTS_DIR,
    list_variants,
    load_variant,
    parse_variant,
    translations_folder,
    variant_file_name,
    variant_folder,
)


@dataclass(frozen=True, slots=True)
class Scope:
    """The texts a round trip covers, their languages, where their record is kept, and how to
    read them again with some files' new text (to check an import before writing it)."""

    texts: tuple[TwinText, ...]
    languages: tuple[str, ...]  # the main one first
    records: str  # the folder of the translation records
    reread: Callable[[Mapping[str, str]], tuple[TwinText, ...]]


def base_texts(project: Path) -> Scope:
    """Every text of the base guidance."""
    loaded = load_content(project, twins_required=False)
    return Scope(loaded.twin_texts, loaded.languages, TRANSLATIONS_DIR,
                 lambda changed: _reread_content(project, changed))


def _reread_content(project: Path, changed: Mapping[str, str]) -> tuple[TwinText, ...]:
    texts = {}
    for path in content_paths(project / CONTENT_DIR):
        name = f"{CONTENT_DIR}/{path.relative_to(project / CONTENT_DIR).as_posix()}"
        source, _ = read_source(path, name)
        texts[name] = changed.get(name, source.text if source else "")
    return parse_content(texts, twins_required=False).twin_texts


def variant_texts(project: Path, name: str) -> Scope:
    """The texts a local copy adds or changes (not the base's it leaves as they are)."""
    languages = project_languages(project)
    variant = load_variant(project, name, languages, twins_required=False)
    folder = variant_folder(project, name)

    def reread(changed: Mapping[str, str]) -> tuple[TwinText, ...]:
        file = variant.file
        text = changed.get(file, variant.source.text)
        return parse_variant(SourceFile(file, text), name, folder, languages,
                             twins_required=False).twin_texts

    return Scope(variant.twin_texts, languages, translations_folder(name), reread)


def scope_of(project: Path, document: InDocument, shown: str) -> Scope:
    """What a returned file is for, from the files its units name: a local copy's file, or
    the base's (a file of both, or of two copies, is refused: export them apart)."""
    files = sorted({unit.file for unit in document.units})
    copies = sorted({file for file in files if file.startswith(f"{VARIANTS_DIR}/")})
    if not copies:
        return base_texts(project)
    where = Location(shown, next(u.line for u in document.units if u.file == copies[0]))
    if len(copies) < len(files) or len(copies) > 1:
        raise ContentError([Problem(where, (
            f"this file holds the texts of {' and '.join(files)}: a file from policygen "
            "translate export holds the base guidance's texts or one local copy's, never "
            "both; export each apart (translate export, translate export --variant NAME)"))])
    name = copies[0].split("/")[1] if copies[0].count("/") == 2 else ""
    if copies[0] != variant_file_name(name) or name not in list_variants(project):
        known = ", ".join(list_variants(project)) or "none"
        raise ContentError([Problem(where, (
            f"the units are for {copies[0]}, which is no local copy of this project (the "
            f"local copies are: {known}): was the file exported from another project?"))])
    return variant_texts(project, name)
