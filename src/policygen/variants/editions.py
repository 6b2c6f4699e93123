"""Edition records: the base guidance's items as one edition published them, kept in
content/editions/<date>.yaml so that a later edition can say what it changed.

Why records in content/ and not the git history of content/: a board's editors need not use
git, a clean or shallow clone on CI has no history to read, and a record names the edition by
its date, as the guidance does, not by a commit. Why only the items, not a copy of the source
files: the content format will change over the years, and a record in this small, fixed shape
(id, list, place, words) still reads when an old edition's source files would not.

`policygen edition` writes a record (never over another one); nothing else writes here.

A local copy publishes editions of its own too (a school rewords an item and republishes while
the partnership's edition stays the same). `policygen edition NAME` keeps each one in the
copy's own folder, variants/NAME/editions/<date>/, which its editor looks after: a small record
(the day, and the partnership's edition it adapted) and the files of its chain as they were.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from types import MappingProxyType

import yaml
from yaml.nodes import Node

from policygen.errors import ContentError, Location, Problem, Severity
from policygen.model import Publication
from policygen.source.confinement import outside_problem
from policygen.source.content import load_content
from policygen.source.reader import Reader
from policygen.source.yamlsrc import SourceFile, parse_yaml, read_source
from policygen.variants.itemlists import item_lists
from policygen.variants.ledger import AdaptedPublication
from policygen.variants.variant import VARIANTS_DIR, Variant

EDITIONS_DIR = "content/editions"
_FIELDS = ("id", "list", "after", "text", "poster")


@dataclass(frozen=True, slots=True)
class ItemPlace:
    """One item of an edition as drift compares it: its words and where it sits."""

    id: str
    text: str
    poster: str
    list: str  # the list it is in (email/best …)
    after: str  # the id of the item before it in that list; empty when it comes first
    # Guidance in several languages: the item's words in each other one, (language, text,
    # poster). The place is the same in every language; only the words differ.
    twins: tuple[tuple[str, str, str], ...] = ()


def item_places(pub: Publication) -> dict[str, ItemPlace]:
    """Every item of a publication with an id, by id (a shared one where it first sits), with
    its words in each of the publication's other languages."""
    places = _places_in_one_language(pub)
    for twin in pub.twins:
        for ident, words in _places_in_one_language(twin).items():
            if ident in places:
                place = places[ident]
                places[ident] = replace(place, twins=(
                    *place.twins, (twin.language, words.text, words.poster)))
    return places


def _places_in_one_language(pub: Publication) -> dict[str, ItemPlace]:
    places: dict[str, ItemPlace] = {}
    for name, items in item_lists(pub).items():
        for index, item in enumerate(items):
            after = items[index - 1].id if index else ""
            places.setdefault(item.id, ItemPlace(item.id, item.text, item.poster, name, after))
    return places


def places_in(places: Mapping[str, ItemPlace], language: str,
              main: str) -> Mapping[str, ItemPlace] | None:
    """The items with their words in `language` (`main` being the language of their own
    words); None when the words in that language are not there (a record of an edition
    published, or recorded, in the main language only)."""
    if language == main:
        return places
    found = {}
    for ident, place in places.items():
        words = next((w for w in place.twins if w[0] == language), None)
        if words is not None:
            found[ident] = replace(place, text=words[1], poster=words[2], twins=())
    return found or None


def record_name(day: date) -> str:
    return f"{EDITIONS_DIR}/{day.isoformat()}.yaml"


def copy_name(day: date) -> str:
    """The folder keeping the edition's content files, for its pages once superseded."""
    return f"{EDITIONS_DIR}/{day.isoformat()}"


@dataclass(frozen=True, slots=True)
class ArchivedEdition:
    """An earlier edition of the base, read from its copy, and the edition that replaced it."""

    day: date
    publication: Publication
    superseded_by: date
    adaptation: AdaptedPublication | None = None  # a local copy as it was over that edition


def archived_editions(project: Path, current: date) -> tuple[ArchivedEdition, ...]:
    """Every recorded edition before `current` whose content was kept, newest first."""
    days = [day for day in recorded_editions(project)
            if day < current and (project / copy_name(day) / "publication.yaml").is_file()]
    return tuple(ArchivedEdition(day, load_content(project, copy_name(day)).publication,
                                 later)
                 for day, later in zip(reversed(days), [current, *reversed(days)], strict=False))


def format_record(pub: Publication, day: date) -> str:
    """The record of an edition, as `policygen edition` writes it: the same bytes each time."""
    head = (f"# The items of \"{' '.join(pub.title.split())}\" as published in the edition of "
            f"{day.isoformat()}.\n# Written by policygen edition, so that local copies can be "
            "shown what a later\n# edition changed: do not edit it.\n")
    items = [{"id": p.id, "list": p.list, **({"after": p.after} if p.after else {}),
              **_recorded_words(pub, p)} for p in item_places(pub).values()]
    # Guidance in several languages keeps each one's words, so that the Welsh pages can say
    # what the edition changed in Welsh (a record of one language keeps its first shape).
    languages = {"languages": list(pub.languages)} if pub.twins else {}
    body = yaml.safe_dump({"edition": day, **languages, "items": items}, sort_keys=False,
                          allow_unicode=True, width=92)
    return head + body


def _recorded_words(pub: Publication, place: ItemPlace) -> dict[str, object]:
    if not pub.twins:
        return {"text": place.text, **({"poster": place.poster} if place.poster else {})}
    words = ((pub.language, place.text, place.poster), *place.twins)
    posters = {language: poster for language, _, poster in words if poster}
    return {"text": {language: text for language, text, _ in words},
            **({"poster": posters} if posters else {})}


def read_record(project: Path, day: date) -> Mapping[str, ItemPlace] | None:
    """The items of the edition of `day`, or None when the board did not record it."""
    path = project / record_name(day)
    try:
        info = path.stat()
    except OSError:
        return None
    # 200 variants signed off against one edition read its record once, not 200 times.
    key = (str(path.resolve()), info.st_mtime_ns, info.st_size)
    if key not in _READ:
        outside = outside_problem(path, project, "file")
        if outside:
            raise ContentError([outside])
        source, problems = read_source(path, record_name(day))
        if source is None:
            raise ContentError(problems)
        _READ[key] = MappingProxyType(parse_record(source))
    return _READ[key]


_READ: dict[tuple[str, int, int], Mapping[str, ItemPlace]] = {}


def parse_record(source: SourceFile) -> dict[str, ItemPlace]:
    """A record's items; a record edited by hand into a wrong shape is named at its line."""
    root, problems = parse_yaml(source)
    if root is None:
        raise ContentError(problems or [Problem(Location(source.name), "the record is empty")])
    r = Reader(source)
    fields = r.fields(root, "the edition record", ("edition", "items"), ("languages",))
    languages = r.text_list(fields["languages"], "the languages", twin=False) \
        if fields and "languages" in fields else ()
    places: dict[str, ItemPlace] = {}
    for node in r.sequence(fields["items"], "items") if fields and "items" in fields else ():
        place = _read_place(r, node, languages)
        if place is not None:
            places[place.id] = place
    if r.problems:
        raise ContentError(list(r.problems))
    return places


def _read_place(r: Reader, node: Node, languages: tuple[str, ...]) -> ItemPlace | None:
    f = r.fields(node, "an item of the record", ("id", "list", "text"), ("after", "poster"))
    if f is None or any(name not in f for name in ("id", "list", "text")):
        return None
    texts = _words(r, f["text"], "the text", languages)
    posters = _words(r, f["poster"], "the poster wording", languages) if "poster" in f else {}
    main, *others = languages or ("",)
    return ItemPlace(r.text(f["id"], "the id"), texts.get(main, ""), posters.get(main, ""),
                     r.text(f["list"], "the list"), r.optional_text(f, "after", "after"),
                     tuple((language, texts.get(language, ""), posters.get(language, ""))
                           for language in others if language in texts))


def _words(r: Reader, node: Node, what: str, languages: tuple[str, ...]) -> dict[str, str]:
    """An item's words as a record keeps them: one text, or one in each of its languages."""
    if not languages:
        return {"": r.text(node, what)}
    f = r.fields(node, f"{what} of an item of the record", languages[:1], languages[1:]) or {}
    return {language: r.text(value, f"{what} in {language}", twin=False)
            for language, value in f.items()}


def recorded_editions(project: Path) -> tuple[date, ...]:
    """The days of the editions the board recorded, oldest first."""
    folder = project / EDITIONS_DIR
    days = []
    for path in folder.glob("*.yaml") if folder.is_dir() else ():
        try:
            days.append(date.fromisoformat(path.stem))
        except ValueError:
            continue  # not a record policygen wrote; the board's own file, left alone
    return tuple(sorted(days))


OWN_EDITIONS_DIR = "editions"  # in a local copy's own folder
OWN_RECORD = "edition.yaml"


def own_editions_folder(name: str) -> str:
    return f"{VARIANTS_DIR}/{name}/{OWN_EDITIONS_DIR}"


def own_copy_name(name: str, day: date) -> str:
    """The folder keeping a local copy's own edition: its record and its chain's files."""
    return f"{own_editions_folder(name)}/{day.isoformat()}"


def copy_edition_day(variant: Variant) -> date | None:
    """The day a local copy's current edition was published: its newest revision note, else
    its last review, else the day it was adopted; None when it gives none of these."""
    if variant.revisions:
        return max(revision.date for revision in variant.revisions)
    return variant.dates.last_reviewed or variant.dates.adopted


@dataclass(frozen=True, slots=True)
class OwnEdition:
    """A local copy's own edition, as `policygen edition NAME` kept it."""

    day: date
    over: date  # the partnership's edition it adapted
    root: str  # the folder holding variants/<each copy of its chain>/ as they were


def format_own_record(variant: Variant, day: date, over: date) -> str:
    """The record of a local copy's edition: the same bytes each time."""
    head = (f"# {' '.join(variant.organisation.name.split())}'s edition of {day.isoformat()}, "
            "kept so that its pages stay readable\n# once it is superseded. Written by "
            "policygen edition: do not edit it.\n")
    return head + yaml.safe_dump({"edition": day, "over": over}, sort_keys=False)


def own_editions(project: Path, name: str) -> tuple[tuple[OwnEdition, ...], tuple[Problem, ...]]:
    """The editions a local copy kept of its own, oldest first; and, as warnings, the records
    that cannot be read (those editions' pages are left out, the rest of the build goes on)."""
    folder = project / own_editions_folder(name)
    found, problems = [], []
    for path in sorted(folder.glob(f"*/{OWN_RECORD}")) if folder.is_dir() else ():
        try:
            found.append(read_own_record(project, path))
        except ContentError as error:
            problems += [replace(problem, severity=Severity.WARNING, message=(
                f"{problem.message} (this record of an edition of your copy, written by "
                "policygen edition, cannot be read, so that edition's pages are left out)"))
                for problem in error.problems]
    return tuple(found), tuple(problems)


def read_own_record(project: Path, path: Path) -> OwnEdition:
    name = path.relative_to(project).as_posix()
    outside = outside_problem(path, project, "file")
    source, problems = (None, [outside]) if outside else read_source(path, name)
    if source is None:
        raise ContentError(problems)
    root, problems = parse_yaml(source)
    if root is None:
        raise ContentError(problems or [Problem(Location(name), "the record is empty")])
    r = Reader(source)
    fields = r.fields(root, "the record of a local copy's edition", ("edition", "over")) or {}
    day, over = (r.date(fields[key], f"'{key}'") if key in fields else None
                 for key in ("edition", "over"))
    if r.problems or day is None or over is None:
        raise ContentError(list(r.problems))
    if path.parent.name != day.isoformat():
        raise ContentError([Problem(Location(name), f"the record says the edition of {day}, "
                                    f"but it is kept in the folder of {path.parent.name}")])
    return OwnEdition(day, over, path.parent.relative_to(project).as_posix())
