"""A variant: one organisation's overlay on the base guidance, from variants/<name>/variant.yaml.

This module reads and checks the file. changes.py lays it over the base (with itemlists.py and
terminology.py); ledger.py keeps the record of the changes and where they stand with the author.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from yaml.nodes import MappingNode, Node

from policygen.errors import ContentError, Location, Problem, suggest
from policygen.model import (
    FIXED_PAGES,
    LEVEL_KEYS,
    ONLY_AUTHOR,
    Adaptation,
    Contact,
    Edit,
    ItemEdits,
    Lead,
    LocalSection,
    Organisation,
    Placement,
    Revision,
    SectionEdits,
    SignOff,
    SignOffs,
    TopicEdits,
    VariantDates,
)
from policygen.source import sections
from policygen.source.confinement import outside_problem
from policygen.source.languages import (
    Reading,
    keys_of,
    missing_twin_counts,
    names_of,
    project_languages,
)
from policygen.source.names import check_fields
from policygen.source.reader import ID_PATTERN, Languages, MarkdownText, Reader, describe, is_empty
from policygen.source.twins import TwinText, twin_texts
from policygen.source.yamlsrc import SourceFile, parse_yaml, read_source
from policygen.variants.branding import read_organisation
from policygen.variants.records import read_sign_off, read_sign_offs
from policygen.words import language_name

VARIANTS_DIR = "variants"
VARIANT_FILE = "variant.yaml"
SECTION_NAMES = tuple(page for page in FIXED_PAGES if page not in ("home", "about"))
TOPIC_TEXTS = ("summary", "intro", "scope")
LABEL_NAMES = ("best", "safe", "poor", "do", "do_not")
# Page names a local section may not take: the fixed pages and the files beside them.
RESERVED_PAGES = (*FIXED_PAGES, "index", "404", "feed", "sitemap", "topics", "assets",
                  "variants", "adaptation", "accessibility", "adaptation-notice", "handbook",
                  "posters", "what-changed", "editions")
FIELDS = ("extends", "adaptation", "title", "local_lead", "contacts", "terminology", "topics",
          "items", "labels", "sections", "dates", "revisions", "notice_prepared", "notified",
          "approved", "rebased")
_FULL_ID = re.compile(rf"{ID_PATTERN.pattern}/{ID_PATTERN.pattern}")
_NONE_SIGNED = SignOffs()


@dataclass(frozen=True, slots=True)
class Variant:
    """Everything a variant file says, each entry with the line it was written on."""

    name: str
    source: SourceFile
    organisation: Organisation
    title: Edit | None = None
    local_lead: Lead | None = None
    contacts: tuple[Contact, ...] = ()
    terminology: tuple[Edit, ...] = ()
    topics: TopicEdits = TopicEdits()
    items: ItemEdits = ItemEdits()
    labels: tuple[Edit, ...] = ()
    sections: SectionEdits = SectionEdits()
    dates: VariantDates = VariantDates()
    revisions: tuple[Revision, ...] = ()
    # The variant it adapts (board → council → school), with the line it is named on; None
    # when it adapts the base guidance itself.
    extends: Edit | None = None
    # The rules this variant sets for copies that extend it: the base's, only ever tightened.
    adaptation: Adaptation | None = None
    adaptation_location: Location = Location("")
    # Where the changes stand with each author: under ONLY_AUTHOR for a variant of the base
    # guidance; in a chain, under each author's key (BASE_AUTHOR, or a variant's name).
    sign_offs: tuple[tuple[str, SignOffs], ...] = ()  # (author, records): picklable, frozen
    # `policygen rebase`: the editor went through what a later edition of the base changed
    # under this copy; its edition and pins stand in for the older records' in drift.
    rebased: SignOff | None = None
    markdown_texts: tuple[MarkdownText, ...] = ()  # the variant's own Markdown, for link checks
    warnings: tuple[Problem, ...] = ()
    folder: Path | None = None  # where the file was read from; None when parsed from a string
    # A variant of guidance in several languages is read once per language, as the base is:
    # this one in the main language, its twins in each other, change for change.
    twins: tuple[Variant, ...] = ()
    language: str = ""  # the language it was read in; "" for guidance in one language
    # Each text the variant writes, with its twins: what `translate --variant` sends out.
    twin_texts: tuple[TwinText, ...] = ()

    @property
    def file(self) -> str:
        return self.source.name

    def in_language(self, language: str) -> Variant:
        """The variant as read in one of the base's languages (itself in the main one)."""
        return next((twin for twin in self.twins if twin.language == language), self)

    def signed(self, author: str = ONLY_AUTHOR) -> SignOffs:
        """One author's notice, notification and approval of these changes (none: empty)."""
        return next((records for key, records in self.sign_offs if key == author), _NONE_SIGNED)

    # The one author's records, for a variant of the base guidance.
    @property
    def records(self) -> tuple[SignOff, ...]:
        """Every notice, notification and approval on record, whoever's."""
        return tuple(record for _, signed in self.sign_offs for record in signed.records)

    @property
    def notice_prepared(self) -> SignOff | None:
        return self.signed().notice_prepared

    @property
    def notified(self) -> SignOff | None:
        return self.signed().notified

    @property
    def approved(self) -> SignOff | None:
        return self.signed().approved

    @property
    def logo_path(self) -> Path | None:
        """The logo file on disk (checked to be inside the variant's folder when loaded)."""
        return self.folder / self.organisation.logo if self.folder and self.organisation.logo \
            else None


def variant_file_name(name: str) -> str:
    return f"{VARIANTS_DIR}/{name}/{VARIANT_FILE}"


def translations_folder(name: str) -> str:
    """Where `translate import` records what a copy's own texts were translated from."""
    return f"{VARIANTS_DIR}/{name}/translations"


def misnamed_variants(project: Path) -> list[Problem]:
    """Folders in variants/ that hold a variant.yaml but cannot be a variant's name."""
    folder = project / VARIANTS_DIR
    if not folder.is_dir():
        return []
    return [Problem(Location(f"{VARIANTS_DIR}/{name}/{VARIANT_FILE}"),
                    f"'{name}' cannot be a variant's name, so this variant is not "
                    "built: rename the folder with lower-case letters, digits and hyphens "
                    "(like oakfield-primary)")
            for name in _variant_folders(folder) if not ID_PATTERN.fullmatch(name)]


def list_variants(project: Path) -> tuple[str, ...]:
    """The names of the variants in the project's variants/ folder, sorted."""
    folder = project / VARIANTS_DIR
    if not folder.is_dir():
        return ()
    return tuple(name for name in _variant_folders(folder) if ID_PATTERN.fullmatch(name))


def _variant_folders(folder: Path) -> list[str]:
    # Any entry called variant.yaml counts, even one that cannot be read (a broken link, a
    # pipe): it is then reported when the variant is loaded, rather than silently left out.
    return sorted(entry.name for entry in folder.iterdir()
                  if os.path.lexists(entry / VARIANT_FILE))


def load_variant(project: Path, name: str, languages: tuple[str, ...] | None = None,
                 twins_required: bool = True) -> Variant:
    """Read and check variants/<name>/variant.yaml; raise ContentError listing every problem.

    `languages`: the base's (None: as content/publication.yaml declares them); in several,
    every text the variant writes is written in each (`twins_required=False`: a twin still
    to come from the translator is no error).
    """
    folder = variant_folder(project, name)
    source, problems = read_source(folder / VARIANT_FILE, variant_file_name(name))
    if source is None:
        raise ContentError(problems)
    return parse_variant(source, name, folder,
                         project_languages(project) if languages is None else languages,
                         twins_required)


def variant_folder(project: Path, name: str) -> Path:
    """The folder of a variant; a name must be a plain id, so no path can escape variants/."""
    if not ID_PATTERN.fullmatch(name):
        raise ContentError([Problem(Location(VARIANTS_DIR), f"'{name}' is not a variant name: "
                                    "give the name of its folder in variants/, in lower-case "
                                    "letters, digits and hyphens (like oakfield-primary)")])
    folder = project / VARIANTS_DIR / name
    for path, what in ((folder, "folder"), (folder / VARIANT_FILE, "file")):
        outside = outside_problem(path, project, what) if path.is_symlink() else None
        if outside is not None:
            raise ContentError([replace(outside, location=Location(variant_file_name(name)))])
    if not os.path.lexists(folder / VARIANT_FILE):
        known = list_variants(project)
        raise ContentError([Problem(Location(variant_file_name(name)), "there is no such "
                                    "variant" + (suggest(name, known) or "; the variants are: "
                                                 + (", ".join(known) or "none")))])
    return folder


def parse_variant(source: SourceFile, name: str, folder: Path | None = None,
                  languages: tuple[str, ...] = (), twins_required: bool = True) -> Variant:
    """Read a variant from its text (the disk is only used to check the logo, given a folder);
    of guidance in several `languages`, once in each."""
    root, problems = parse_yaml(source)
    if root is not None and len(languages) > 1:
        variant, found = read_in_languages(source, root, name, folder, languages,
                                           twins_required)
    else:
        reader = Reader(source)
        variant = read_variant(reader, root, name, folder) if root is not None else None
        found = list(reader.problems)
    problems += found
    if not ID_PATTERN.fullmatch(name):
        problems.append(Problem(Location(source.name), f"'{name}' is not a variant name"))
    if variant is None or any(p.is_error for p in problems):
        raise ContentError(problems or [Problem(Location(source.name, 1), "the variant needs "
                                                "at least 'organisation'")])
    return replace(variant, warnings=tuple(p for p in problems if not p.is_error))


def read_in_languages(source: SourceFile, root: Node, name: str, folder: Path | None,
                      languages: tuple[str, ...],
                      twins_required: bool = True) -> tuple[Variant | None, list[Problem]]:
    """The variant read once per language, as the base's content is (source.languages): the
    main language's, holding the others as its twins; a text without its twin is an error at
    its line, counted per file. A problem found by every reading is said once."""
    roots = {source.name: root}
    readings = [Reading(language, languages, roots, twins_required) for language in languages]
    readers = [Reader(source, reading) for reading in readings]
    read = [read_variant(reader, root, name, folder) for reader in readers]
    problems = [*missing_twin_counts(readings),
                *dict.fromkeys(p for reader in readers for p in reader.problems)]
    if any(variant is None for variant in read):
        return None, problems
    first, *others = (replace(v, language=language) for v, language in zip(read, languages,
                                                                             strict=True)
                      if v is not None)
    return replace(first, twins=tuple(others),
                   twin_texts=twin_texts(readings[0].picked, roots, languages)), problems


def read_variant(r: Reader, root: Node, name: str, folder: Path | None) -> Variant | None:
    f = r.fields(root, "the variant", ("organisation",), FIELDS)
    if f is None or "organisation" not in f:
        return None
    variant = Variant(
        name=name, source=r.source, folder=folder,
        organisation=read_organisation(r, f["organisation"], folder),
        extends=read_extends(r, f["extends"], name) if "extends" in f else None,
        adaptation=sections.read_adaptation(r, f["adaptation"]) if "adaptation" in f else None,
        adaptation_location=r.location(f["adaptation"]) if "adaptation" in f else Location(""),
        title=Edit("title", r.text(f["title"], "the title"), r.location(f["title"]))
        if "title" in f else None,
        local_lead=read_lead(r, f["local_lead"]) if "local_lead" in f else None,
        contacts=read_contacts(r, f["contacts"]) if "contacts" in f else (),
        terminology=read_terminology(r, f["terminology"]) if "terminology" in f else (),
        topics=read_topic_edits(r, f["topics"]) if "topics" in f else TopicEdits(),
        items=read_item_edits(r, f["items"]) if "items" in f else ItemEdits(),
        labels=read_labels(r, f["labels"]) if "labels" in f else (),
        sections=read_section_edits(r, f["sections"]) if "sections" in f else SectionEdits(),
        dates=read_dates(r, f["dates"]) if "dates" in f else VariantDates(),
        revisions=sections.read_revisions(r, f["revisions"]) if "revisions" in f else (),
        sign_offs=read_sign_offs(r, f),
        rebased=read_sign_off(r, f["rebased"], "rebased") if "rebased" in f else None)
    return replace(variant, markdown_texts=tuple(r.markdown_texts))


def read_extends(r: Reader, node: Node, name: str) -> Edit | None:
    """`extends: council-name`: the variant this one adapts, named as its folder is."""
    parent = r.text(node, "'extends'", twin=False)
    if not parent:
        return None
    if not ID_PATTERN.fullmatch(parent):
        r.error(node, f"'extends' should name another variant by its folder in variants/ "
                f"(lower-case letters, digits and hyphens, like northshire-council), found "
                f"'{parent}'")
        return None
    if parent == name:
        r.error(node, f"the variant '{name}' cannot extend itself: name the variant it adapts, "
                "or remove 'extends' to adapt the base guidance")
        return None
    return Edit("extends", parent, r.location(node))


def read_lead(r: Reader, node: Node) -> Lead:
    f = r.fields(node, "'local_lead'", ("name",), ("role", "phone", "email", "instructions"))
    f = f or {}
    check_fields(r, f, "the local lead")  # the notice is sent from its email
    # As in the base's reporting.yaml: a person's name, phone and email are written once.
    return Lead(name=r.optional_text(f, "name", "the local lead's name", twin=False),
                role=r.optional_text(f, "role", "the local lead's role"),
                phone=r.optional_text(f, "phone", "the local lead's phone", twin=False),
                email=r.optional_text(f, "email", "the local lead's email", twin=False),
                instructions=r.optional_markdown(f, "instructions", "'instructions'"),
                location=r.location(node))


def read_contacts(r: Reader, node: Node) -> tuple[Contact, ...]:
    f = r.fields(node, "'contacts'", ("add",)) or {}
    entries = r.entries(f["add"], "the contacts to add") if "add" in f else []
    return tuple(sections.read_contact(r, ident, key, value) for ident, key, value in entries)


def read_terminology(r: Reader, node: Node) -> tuple[Edit, ...]:
    """`term: replacement` pairs; terms are words, not ids, so any text may be a key. In
    guidance in several languages, a set of pairs for each language (`en:`, `cy:`): a word
    and its replacement are the reading's language's, never a twin of another's."""
    if r.languages is not None:
        picked = terms_in_language(r, node, r.languages)
        return read_terms(r, picked) if picked is not None else ()
    return read_terms(r, node)


def terms_in_language(r: Reader, node: Node, reading: Languages) -> Node | None:
    """The terminology of the language being read, from `terminology: {en: …, cy: …}`."""
    languages = reading.languages
    keys = [str(key.value) for key, _ in node.value] if isinstance(node, MappingNode) else []
    if not keys or any(key not in languages for key in keys):
        r.error(node, f"in guidance in {names_of(languages)}, terminology gives the words to "
                f"change in each language, under {keys_of(languages)} (like en: with "
                "'children: pupils' beneath it, and cy: with 'plant: disgyblion'); found "
                + (", ".join(f"'{key}'" for key in keys) if keys else describe(node)))
        return None
    picked = reading.pick(r, node, "the words this copy changes in that language; if it "
                          "changes none, write the language with {} after it, like cy: {}")
    language = f"{language_name(reading.language)} ({reading.language})"
    if is_empty(picked):
        r.error(picked, f"the {language} terminology is empty: list the {language} words "
                f"this copy changes, or write {reading.language}: {{}} to say it changes none")
        return None
    return picked


def read_terms(r: Reader, node: Node) -> tuple[Edit, ...]:
    if isinstance(node, MappingNode) and not node.value:
        return ()  # `cy: {}`: no word changes in that language, said so
    if not isinstance(node, MappingNode):
        r.error(node, "terminology should be pairs written 'word: replacement', found "
                f"{describe(node)}")
        return ()
    edits: list[Edit] = []
    for key, value in node.value:
        term = " ".join(str(key.value).split())
        # Put into Markdown; written in the language of the words it replaces, not twinned.
        replacement = r.markdown(value, f"the replacement for '{term}'", twin=False)
        first = next((e for e in edits if e.target.casefold() == term.casefold()), None)
        if not re.search(r"[^\W\d_]", term) or re.search(r"\d", term):
            # Numbers stay as the guidance gives them: "999" must never become anything else.
            r.error(key, f"'{term}' is not a word; terminology changes words, not numbers "
                    "or symbols")
        elif first is not None:
            r.error(key, f"the term '{term}' is listed twice (first on line "
                    f"{first.location.line} as '{first.target}')")
        elif replacement:
            edits.append(Edit(term, replacement, r.location(key)))
    return tuple(edits)


def read_topic_edits(r: Reader, node: Node) -> TopicEdits:
    f = r.fields(node, "'topics'", (), ("exclude", "rename", "reword", "order")) or {}
    return TopicEdits(
        exclude=read_id_list(r, f.get("exclude"), "'exclude' of 'topics'"),
        rename=read_id_texts(r, f.get("rename"), "'rename' of 'topics'", ID_PATTERN, False),
        reword=read_topic_rewords(r, f.get("reword")),
        order=read_id_list(r, f.get("order"), "'order' of 'topics'"))


def read_topic_rewords(r: Reader, node: Node | None) -> tuple[Edit, ...]:
    edits = []
    for topic, _, value in r.entries(node, "'reword' of 'topics'") if node is not None else []:
        f = r.fields(value, f"'reword' of the topic '{topic}'", (), TOPIC_TEXTS) or {}
        edits += [Edit(f"{topic}/{name}", r.markdown(text, f"the {name} of '{topic}'"),
                       r.location(text)) for name, text in f.items()]
    return tuple(edit for edit in edits if edit.value)


def read_item_edits(r: Reader, node: Node) -> ItemEdits:
    f = r.fields(node, "'items'", (), ("reword", "remove", "add", "move")) or {}
    return ItemEdits(
        reword=read_rewords(r, f.get("reword")),
        remove=read_id_list(r, f.get("remove"), "'remove' of 'items'", _FULL_ID),
        add=read_placements(r, f.get("add"), "add"),
        move=read_placements(r, f.get("move"), "move"))


def read_id_list(r: Reader, node: Node | None, what: str, pattern: re.Pattern[str] = ID_PATTERN,
                 choices: tuple[str, ...] = ()) -> tuple[Edit, ...]:
    """A list of ids (`[gaming, legal]`), each kept with its own position."""
    if node is None:
        return ()
    edits = []
    for entry in r.sequence(node, what):
        ident = r.text(entry, f"an entry of {what}", twin=False)
        if ident and _check_id(r, entry, ident, what, pattern, choices):
            edits.append(Edit(ident, "", r.location(entry)))
    return tuple(edits)


def read_id_texts(r: Reader, node: Node | None, what: str, pattern: re.Pattern[str],
                  markdown: bool) -> tuple[Edit, ...]:
    """`id: text` pairs where the id may be a full id (`email/work-account`)."""
    if node is None:
        return ()
    if not isinstance(node, MappingNode):
        r.error(node, f"{what} should be entries written 'id: text', found {describe(node)}")
        return ()
    read = r.markdown if markdown else r.text
    edits = []
    for key, value in node.value:
        ident = str(key.value)
        text = read(value, f"the new text of '{ident}'")
        if _check_id(r, key, ident, what, pattern) and text:
            edits.append(Edit(ident, text, r.location(key)))
    return tuple(edits)


def read_rewords(r: Reader, node: Node | None) -> tuple[Edit, ...]:
    """`id: new text`, or `id:` with `text` and a shorter `poster` wording, as in content."""
    what = "'reword' of 'items'"
    if node is None:
        return ()
    if not isinstance(node, MappingNode):
        r.error(node, f"{what} should be entries written 'id: text', found {describe(node)}")
        return ()
    edits = []
    for key, value in node.value:
        ident, poster = str(key.value), ""
        if isinstance(value, MappingNode) and not r.in_languages(value):
            f = r.fields(value, f"the new wording of '{ident}'", ("text",), ("poster",)) or {}
            poster = r.optional_markdown(f, "poster", f"the poster wording of '{ident}'")
            value = f.get("text", value)
        text = r.markdown(value, f"the new text of '{ident}'")
        if _check_id(r, key, ident, what, _FULL_ID) and text:
            edits.append(Edit(ident, text, r.location(key), poster))
    return tuple(edits)


def _check_id(r: Reader, node: Node, ident: str, what: str, pattern: re.Pattern[str],
              choices: tuple[str, ...] = ()) -> bool:
    if choices and ident not in choices:
        r.error(node, f"'{ident}' cannot be used in {what}{suggest(ident, choices)}; expected "
                f"one of: {', '.join(choices)}")
    elif pattern is _FULL_ID and not pattern.fullmatch(ident):
        r.error(node, f"'{ident}' in {what} is not a full item id: write where the item is "
                "and its id, like 'email/work-account' or 'summary/lock-devices'")
    elif not pattern.fullmatch(ident):
        r.error(node, f"'{ident}' is not a valid id in {what}: use lower-case letters, digits "
                "and hyphens, like 'school-tablets'")
    else:
        return True
    return False


_PLACES = {"add": ("at", "after", "before"), "move": ("to", "after", "before")}


def read_placements(r: Reader, node: Node | None, action: str) -> tuple[Placement, ...]:
    if node is None:
        return ()
    entries = r.sequence(node, f"'{action}' of 'items'",
                         "a list of entries, each starting with '- id:'")
    found = (read_placement(r, entry, action) for entry in entries)
    return tuple(placement for placement in found if placement is not None)


def read_placement(r: Reader, node: Node, action: str) -> Placement | None:
    what = f"an entry of '{action}' in 'items'"
    places = _PLACES[action]
    f = r.fields(node, what, ("id", "text") if action == "add" else ("id",),
                 places + (("poster",) if action == "add" else ()))
    if f is None or "id" not in f:
        return None
    given = [name for name in places if name in f]
    if len(given) != 1:
        r.error(node, f"{what} needs one of '{places[0]}' (a list), 'after' or 'before' (an "
                f"item) to say where the item goes; found {' and '.join(given) or 'none'}")
        return None
    ident = r.text(f["id"], f"the id in {what}", twin=False)
    pattern = ID_PATTERN if action == "add" else _FULL_ID
    if not ident or not _check_id(r, f["id"], ident, f"'{action}' of 'items'", pattern):
        return None
    text = r.markdown(f["text"], f"the text of '{ident}'") if "text" in f else ""
    relation = "end" if given[0] in ("at", "to") else given[0]
    return Placement(ident, relation, r.text(f[given[0]], f"'{given[0]}' of '{ident}'",
                                             twin=False), text,
                     r.location(f["id"]), r.location(f[given[0]]),
                     r.optional_markdown(f, "poster", f"the poster wording of '{ident}'"))


def read_labels(r: Reader, node: Node) -> tuple[Edit, ...]:
    """New labels for the practice levels and summary lists; `email/best` for one topic."""
    edits = read_id_texts(r, node, "'labels'", re.compile(r"[a-z0-9_/-]+"), False)
    good = []
    for edit in edits:
        key = edit.target.rsplit("/", 1)[-1]
        allowed = LEVEL_KEYS if "/" in edit.target else LABEL_NAMES
        if key in allowed and edit.target.count("/") <= 1:
            good.append(edit)
        else:
            r.error_at(edit.location, f"unknown label '{edit.target}'"
                       f"{suggest(edit.target, LABEL_NAMES)}; expected one of: "
                       f"{', '.join(LABEL_NAMES)}, or a topic and level like 'mobile/best'")
    return tuple(good)


def read_section_edits(r: Reader, node: Node) -> SectionEdits:
    f = r.fields(node, "'sections'", (), ("exclude", "add")) or {}
    entries = r.entries(f["add"], "the sections to add") if "add" in f else []
    return SectionEdits(
        exclude=read_id_list(r, f.get("exclude"), "'exclude' of 'sections'",
                             choices=SECTION_NAMES),
        add=tuple(read_local_section(r, ident, key, value) for ident, key, value in entries))


def read_local_section(r: Reader, ident: str, key: Node, node: Node) -> LocalSection:
    what = f"the section '{ident}'"
    if ident in RESERVED_PAGES:
        r.error(key, f"'{ident}' is already the name of a page of the guidance; give your "
                "section its own id, like 'case-law' or 'local-procedure'")
    f = r.fields(node, what, ("title", "text")) or {}
    return LocalSection(ident, r.optional_text(f, "title", f"the title of {what}"),
                        r.optional_markdown(f, "text", f"the text of {what}"), r.location(key))


def read_dates(r: Reader, node: Node) -> VariantDates:
    f = r.fields(node, "'dates'", (), ("adopted", "last_reviewed", "next_review")) or {}
    found = {name: r.date(value, f"the date '{name}'") for name, value in f.items()}
    return VariantDates(found.get("adopted"), found.get("last_reviewed"),
                        found.get("next_review"), r.location(node), r.field_lines(f))
