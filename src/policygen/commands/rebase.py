"""`policygen rebase NAME`: go through what a new edition of the base changed under a local
copy, item by item, and bring the copy's file up to it.

For each item the copy changes and the base has changed since: keep the copy's change, take
the base's new words instead (the change is taken out of the file), or give the copy new words.
The file is then given a `rebased:` record (the edition looked at, and the base's words now
pinned), so the same drift is not reported again; whether the changes now need a new notice
is said at the end. Nothing is written until the editor confirms, and the file as it was is
kept beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from policygen.build.pipeline import check
from policygen.errors import ContentError, OutputError
from policygen.model import Publication, SignOff
from policygen.source.yamlsrc import SourceFile
from policygen.variants import chain
from policygen.variants.changes import apply_variant
from policygen.variants.drift import Drift, DriftReport, drift_of, pins, removed_since
from policygen.variants.ledger import AdaptedPublication
from policygen.variants.rewrite import with_new_words, with_new_words_in, without_change
from policygen.variants.signoff import PendingWrite, commit_sign_off, with_sign_off
from policygen.variants.standing import AdaptationStatus, base_edition
from policygen.variants.variant import (
    VARIANT_FILE,
    Variant,
    parse_variant,
    variant_file_name,
    variant_folder,
)
from policygen.words import long_date

KEEP, TAKE, EDIT = "keep", "take", "edit"
_BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class Decision:
    """What the editor chose for one drifted item: keep, take (the base's words) or edit."""

    choice: str
    words: str = ""  # the new words, for edit
    # A copy of guidance in several languages: the new words in each, (language, words).
    in_languages: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class RebasePlan:
    """A copy, and what the base changed under it since the edition it was signed off for."""

    adapted: AdaptedPublication
    drift: DriftReport
    edition: date  # the base's edition now, which the rebase brings the copy to
    board: Publication  # the board's guidance now (in a chain, not the copy's own base)


@dataclass(frozen=True, slots=True)
class RebasedFile:
    """The new text of the copy's file, and what it means for the author."""

    text: str
    original: str
    needs_notice: bool  # the changes now differ from what the author was told or approved
    fingerprint: str
    only_free: bool  # the copy now makes only changes that need no notice


def plan_rebase(project: Path, name: str, day: date) -> RebasePlan:
    """What there is to go through; an error when nothing changed under the copy."""
    base = check(project, day).publication
    adapted = chain.adapt(project, base, name)
    drift = drift_of(project, adapted, base)
    if drift.since is None:
        raise OutputError(f"'{name}' has no notice or approval on record, so there is no "
                          "edition to compare with: policygen changes NAME shows its changes, "
                          f"and policygen notify {name} tells the author; nothing was written")
    if not drift.items:
        raise OutputError(f"nothing in the base guidance has changed under '{name}' since the "
                          f"edition of {long_date(drift.since)}: there is nothing to rebase; "
                          "nothing was written")
    return RebasePlan(adapted, drift, base_edition(base), base)


def rebased_file(project: Path, plan: RebasePlan, decisions: dict[str, Decision],
                 day: date) -> RebasedFile:
    """The file with each decision made and a `rebased:` record; nothing is written."""
    variant = plan.adapted.variant
    original = _read(project, variant.name)
    text = original.removeprefix(_BOM)
    languages = plan.adapted.base.languages
    for drift in plan.drift.own:
        text = _decided(text, drift, decisions.get(drift.id, Decision(KEEP)), variant.name,
                        languages)
    new = _reread(text, project, variant.name, languages)
    # A change kept to an item the board removed stays left out, as in a build.
    adapted = apply_variant(plan.adapted.base, new, plan.adapted.upstream,
                            removed_since(project, new, plan.board))
    record = SignOff(day, adapted.state.fingerprint, plan.edition,
                     pins=pins(new, plan.adapted.base))
    text = with_sign_off(text, "rebased", record)
    told = plan.adapted.state.sign_off
    free = adapted.state.status is AdaptationStatus.NO_NOTIFICATION_NEEDED
    needs = not free and (told is None or told.fingerprint != adapted.state.fingerprint)
    bom = _BOM if original.startswith(_BOM) else ""
    return RebasedFile(bom + text, original, needs, adapted.state.fingerprint, free)


def outcome(name: str, rebased: RebasedFile) -> str:
    """What the rebase means for the author, in a sentence."""
    if rebased.only_free:
        return "Your copy now makes only changes that need no notice."
    if rebased.needs_notice:
        return (f"Your changes are no longer those the author was told about (fingerprint "
                f"{rebased.fingerprint} now): run policygen notify {name}.")
    return "Your changes are those the author was told about: no new notice is needed."


def _decided(text: str, drift: Drift, decision: Decision, name: str,
             languages: tuple[str, ...]) -> str:
    kinds = _kinds_of(text, drift.id, name, languages)
    if decision.choice == TAKE:
        for kind in kinds:
            text = without_change(text, kind, drift.id)
        return text
    if decision.choice == EDIT:
        if "reword" not in kinds:
            raise OutputError(f"'{drift.id}' is not reworded by this copy, so there are no "
                              "words of its own to edit: keep it, or take the base's")
        if not decision.in_languages:
            return with_new_words(text, drift.id, " ".join(decision.words.split()))
        for language, words in decision.in_languages:
            text = with_new_words_in(text, drift.id, language, languages[0],
                                     " ".join(words.split()))
    return text


def own_words(plan: RebasePlan, ident: str) -> tuple[tuple[str, str], ...]:
    """The words the copy gives an item now, in each of its languages (language, words); one
    entry with no language for guidance in one."""
    variant, languages = plan.adapted.variant, plan.adapted.base.languages
    if len(languages) < 2:
        return (("", _reword(variant, ident)),)
    return tuple((language, _reword(variant.in_language(language), ident))
                 for language in languages)


def _reword(variant: Variant, ident: str) -> str:
    return next((edit.value for edit in variant.items.reword if edit.target == ident), "")


def _kinds_of(text: str, ident: str, name: str, languages: tuple[str, ...]) -> list[str]:
    variant = parse_variant(SourceFile(variant_file_name(name), text), name,
                            languages=languages)
    kinds = ["reword"] if any(e.target == ident for e in variant.items.reword) else []
    kinds += ["remove"] if any(e.target == ident for e in variant.items.remove) else []
    return kinds + (["move"] if any(p.id == ident for p in variant.items.move) else [])


def _reread(text: str, project: Path, name: str, languages: tuple[str, ...]) -> Variant:
    try:
        return parse_variant(SourceFile(variant_file_name(name), text), name,
                             variant_folder(project, name), languages)
    except ContentError as error:
        raise OutputError(f"{variant_file_name(name)} would not read back after the rebase "
                          f"({error.problems[0].message}); nothing was written") from error


def _read(project: Path, name: str) -> str:
    try:
        return (variant_folder(project, name) / VARIANT_FILE).read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise OutputError(f"{variant_file_name(name)} is not UTF-8 text; nothing was "
                          "written") from error


def write_rebase(project: Path, name: str, rebased: RebasedFile, day: date) -> Path:
    """Keep the file as it was beside it, then put the new one in its place, whole."""
    folder = variant_folder(project, name)
    kept = folder / f"{VARIANT_FILE}.before-rebase-{day.isoformat()}"
    try:
        with kept.open("x", encoding="utf-8", newline="") as file:  # never over a file
            file.write(rebased.original)
    except FileExistsError as error:
        raise OutputError(f"{kept} already exists (an earlier rebase today kept the file "
                          "there): move it away first; nothing was written") from error
    target = folder / VARIANT_FILE
    commit_sign_off(PendingWrite(target, variant_file_name(name),
                                 rebased.original.encode("utf-8"),
                                 rebased.text.encode("utf-8")))
    return kept
