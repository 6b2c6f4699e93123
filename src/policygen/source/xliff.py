"""XLIFF 2.0, the translation industry's exchange format: the texts to translate out, and the
translations back in.

Why XLIFF 2.0 rather than PO for the content: XLIFF marks a link, code or emphasis as an
inline code that translation tools (Trados, memoQ, OmegaT, Phrase, Weblate) show as a tag the
translator moves but cannot edit, with the Markdown it stands for kept apart in
<originalData>; in PO the link's address would sit in the text, where one slip breaks it. PO
stays for the interface's own words (src/policygen/catalogue/), where gettext belongs.

One <file> per content file (`original` is its path), one <unit> per text, its id the
text's stable name within the file, with one <segment>: the <source> and, where there is a
translation already, the <target>.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field

from policygen.errors import Location, Problem
from policygen.source.inline import Code, Pair, Piece, matched, pieces
from policygen.source.xmltree import Element, XmlProblem, parse_xml

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
VERSIONS = ("2.0", "2.1")  # 2.1 keeps 2.0's namespace and everything policygen writes
STATES = ("initial", "translated", "reviewed", "final")
_STRUCTURE = ("xliff", "file", "unit", "notes", "originalData", "segment")


@dataclass(frozen=True, slots=True)
class OutUnit:
    """One text to send: its name, the main language's words and the translation so far."""

    file: str
    id: str
    source: str
    target: str | None
    notes: tuple[tuple[str, str], ...]  # (category, text)
    state: str  # initial (to translate) or translated


def xliff_bytes(units: Iterable[OutUnit], source_language: str, target_language: str) -> bytes:
    """The XLIFF 2.0 document for these units, the same bytes for the same units."""
    # The namespace is written as a plain xmlns attribute: ElementTree's default_namespace
    # refuses attributes without a namespace, and XLIFF's have none.
    root = ET.Element("xliff", {"xmlns": XLIFF_NS, "version": "2.0",
                                "srcLang": source_language, "trgLang": target_language})
    files: dict[str, ET.Element] = {}
    for unit in units:
        if unit.file not in files:
            files[unit.file] = ET.SubElement(root, _tag("file"), {
                "id": f"f{len(files) + 1}", "original": unit.file, "canResegment": "no"})
        _unit(files[unit.file], unit)
    _indent(root, 0)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def unit_id(name: str) -> str:
    """A text's name as its unit's id: an id is an XML name token, which has no '/' (a local
    copy's `items.reword.email/manager-knows`), so it is written ':' (no name has one)."""
    return name.replace("/", ":")


def text_name(ident: str) -> str:
    """The name of the text a unit's id stands for."""
    return ident.replace(":", "/")


def _tag(name: str) -> str:
    return name  # in the namespace the root declares


def _unit(file: ET.Element, unit: OutUnit) -> None:
    element = ET.SubElement(file, _tag("unit"), {
        "id": unit_id(unit.id), "{http://www.w3.org/XML/1998/namespace}space": "preserve"})
    if unit.notes:
        notes = ET.SubElement(element, _tag("notes"))
        for category, text in unit.notes:
            ET.SubElement(notes, _tag("note"), {"category": category}).text = text
    found = pieces(unit.source)
    originals = _original_data(found)
    if originals:
        data = ET.SubElement(element, _tag("originalData"))
        for ident, markup in originals:
            ET.SubElement(data, _tag("data"), {"id": ident}).text = markup
    segment = ET.SubElement(element, _tag("segment"), {"state": unit.state})
    _fill(ET.SubElement(segment, _tag("source")), found)
    if unit.target is not None:
        _fill(ET.SubElement(segment, _tag("target")), matched(pieces(unit.target), found))


def _original_data(found: Iterable[Piece]) -> list[tuple[str, str]]:
    data = []
    for piece in found:
        if isinstance(piece, Code):
            data.append((f"d{piece.id}", piece.data))
        elif isinstance(piece, Pair):
            data += [(f"d{piece.id}s", piece.start), (f"d{piece.id}e", piece.end)]
            data += _original_data(piece.inside)
    return data


def _fill(element: ET.Element, found: Iterable[Piece]) -> None:
    """Words as text, marks as inline codes (a translation's with its source's ids)."""
    last: ET.Element | None = None
    for piece in found:
        if isinstance(piece, str):
            if last is None:
                element.text = (element.text or "") + piece
            else:
                last.tail = (last.tail or "") + piece
            continue
        last = _inline_code(element, piece)


def _inline_code(parent: ET.Element, piece: Code | Pair) -> ET.Element:
    if isinstance(piece, Code):
        return ET.SubElement(parent, _tag("ph"), {"id": piece.id, "dataRef": f"d{piece.id}",
                                                  "type": piece.kind, "canDelete": "no"})
    pc = ET.SubElement(parent, _tag("pc"), {
        "id": piece.id, "dataRefStart": f"d{piece.id}s", "dataRefEnd": f"d{piece.id}e",
        "type": piece.kind, "canDelete": "no"})
    _fill(pc, piece.inside)
    return pc


def _indent(element: ET.Element, level: int) -> None:
    """Lines and indents between the structure's elements, never inside a text."""
    if element.tag not in _STRUCTURE or not len(element):
        return
    element.text = "\n" + "  " * (level + 1)
    for child in element:
        _indent(child, level + 1)
        child.tail = "\n" + "  " * (level + 1)
    element[-1].tail = "\n" + "  " * level


@dataclass(slots=True)
class InUnit:
    """One unit of a translator's file: where it is, its source and its target as written."""

    file: str
    id: str
    line: int
    source: list[Element | str]
    target: list[Element | str] | None  # None: no target (not translated yet)
    state: str
    target_line: int


@dataclass(slots=True)
class InDocument:
    """A translator's file as read: its languages, its units, and what is wrong with it."""

    source_language: str = ""
    target_language: str = ""
    units: list[InUnit] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    readable: bool = True  # XML, and XLIFF: its languages and units can be looked at


def read_xliff(data: bytes, name: str) -> InDocument:
    """The units of an XLIFF 2 file; every problem of its structure, at its line."""
    document = InDocument()
    try:
        root = parse_xml(data)
    except XmlProblem as problem:
        document.problems.append(Problem(Location(name, problem.line), problem.message))
        document.readable = False
        return document
    if (root.ns, root.name) != (XLIFF_NS, "xliff"):
        document.problems.append(Problem(Location(name, root.line), (
            f"this is not an XLIFF 2 file (its first element is <{root.name}>"
            f"{' in ' + root.ns if root.ns else ''}, not <xliff> in {XLIFF_NS}); export the "
            "translation from the translation tool as XLIFF 2.0")))
        document.readable = False
        return document
    _header(root, name, document)
    for file in root.elements(XLIFF_NS, "file"):
        _file(file, name, document)
    return document


def _header(root: Element, name: str, document: InDocument) -> None:
    version = root.attributes.get("version", "")
    if version not in VERSIONS:
        document.problems.append(Problem(Location(name, root.line), (
            f"this XLIFF file is version '{version}'; policygen reads XLIFF 2.0 (and 2.1): "
            "export the translation from the translation tool as XLIFF 2.0")))
    document.source_language = root.attributes.get("srcLang", "")
    document.target_language = root.attributes.get("trgLang", "")


def _file(file: Element, name: str, document: InDocument) -> None:
    original = file.attributes.get("original", "")
    if not original:
        document.problems.append(Problem(Location(name, file.line), (
            "this <file> does not say which content file it is for (its 'original' is "
            "missing): use the file policygen translate export wrote")))
        return
    for unit in _units(file):
        document.units.append(_in_unit(unit, original))


def _units(element: Element) -> list[Element]:
    """The units of a file, also inside the groups a tool may have added."""
    found = []
    for child in element.children:
        if isinstance(child, Element) and child.ns == XLIFF_NS:
            if child.name == "unit":
                found.append(child)
            elif child.name == "group":
                found += _units(child)
    return found


def _in_unit(unit: Element, original: str) -> InUnit:
    """The unit's source and target, its segments (and what lies between) put together."""
    source: list[Element | str] = []
    target: list[Element | str] | None = []
    states = []
    target_line = unit.line
    for part in unit.children:
        if not isinstance(part, Element) or part.name not in ("segment", "ignorable"):
            continue
        own_source, own_target = part.child(XLIFF_NS, "source"), part.child(XLIFF_NS, "target")
        source += own_source.children if own_source else []
        if part.name == "ignorable":
            chosen = own_target or own_source
            target = None if target is None else target + (chosen.children if chosen else [])
            continue
        states.append(part.attributes.get("state", "initial"))
        if own_target is None:
            target = None
        elif target is not None:
            target += own_target.children
            target_line = own_target.line
    state = min(states, key=lambda s: STATES.index(s) if s in STATES else 0, default="initial")
    return InUnit(original, unit.attributes.get("id", ""), unit.line, source, target, state,
                  target_line)
