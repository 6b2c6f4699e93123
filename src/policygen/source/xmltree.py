"""An XML file from outside (a translator's file), read safely into elements with their lines.

The parser is the standard library's expat (2.5 here, which also limits entity expansion),
used the way defusedxml uses it: a DOCTYPE is refused before anything in it is read, so no
entity is ever defined or expanded and no other file or address is ever fetched; processing
instructions are refused too. defusedxml itself is not needed for this, and xml.etree keeps
no line numbers, which every message here needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

XML_NS = "http://www.w3.org/XML/1998/namespace"


class Unreadable(Exception):
    """expat could not read the file: why (its own words), the line and the column."""

    def __init__(self, reason: str, line: int, column: int, encoding: bool = False) -> None:
        super().__init__(reason)
        self.reason, self.line, self.column = reason, line, column
        self.encoding = encoding  # the file asks for an encoding expat cannot read (UTF-7...)


def hardened_parser(*, doctype: Callable[..., None], entity: Callable[..., Any],
                    external_entity: Callable[..., int], instruction: Callable[[str, str], None],
                    skipped_entity: Callable[[str, int], None] | None = None,
                    ) -> expat.XMLParserType:
    """An expat parser that never expands an entity nor reads another file, the way
    defusedxml does it: the caller's handlers refuse (raise) at a DOCTYPE, which is called
    before any definition inside it is read, an entity's definition, an external entity and a
    processing instruction. Both readers of outside XML (translators' files, SVG logos) use it,
    so that the hardening is in one place; each says in its own words what it refuses."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.ExternalEntityRefHandler = external_entity
    parser.ProcessingInstructionHandler = instruction
    if skipped_entity is not None:
        parser.SkippedEntityHandler = skipped_entity
    return parser


def parse_all(parser: expat.XMLParserType, data: bytes) -> None:
    """The whole file through the parser; Unreadable for what is not well-formed XML."""
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise Unreadable(expat.ErrorString(error.code), error.lineno,
                         error.offset + 1) from None
    except (LookupError, ValueError):
        raise Unreadable("its character encoding is not supported (UTF-8 is)", 1, 1,
                         encoding=True) from None


class XmlProblem(Exception):
    """The file is not XML policygen will read, at a line."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(slots=True)
class Element:
    """One element: its namespace and name, attributes, children (text and elements), line."""

    ns: str
    name: str
    attributes: dict[str, str]
    line: int
    children: list[Element | str] = field(default_factory=list)

    def elements(self, ns: str, name: str) -> list[Element]:
        return [c for c in self.children if isinstance(c, Element) and (c.ns, c.name) == (ns, name)]

    def child(self, ns: str, name: str) -> Element | None:
        found = self.elements(ns, name)
        return found[0] if found else None

    def text(self) -> str:
        """The text directly inside, without that of the elements inside."""
        return "".join(c for c in self.children if isinstance(c, str))


def parse_xml(data: bytes) -> Element:
    """The root element; an XmlProblem for anything not well-formed or not allowed."""
    return _Builder().run(data)


class _Builder:
    def __init__(self) -> None:
        self.parser = hardened_parser(
            doctype=self._refuse_doctype, entity=self._refuse_entity,
            external_entity=self._refuse_entity, instruction=self._refuse_instruction)
        self.open: list[Element] = []
        self.root: Element | None = None

    def run(self, data: bytes) -> Element:
        p = self.parser
        p.buffer_text = True
        p.StartElementHandler = self._start
        p.EndElementHandler = self._end
        p.CharacterDataHandler = self._text
        try:
            parse_all(p, data)
        except Unreadable as error:
            if error.encoding:
                raise XmlProblem("the file's character encoding is not supported (UTF-8 is)",
                                 1) from None
            raise XmlProblem(f"this is not well-formed XML ({error.reason}, "
                             f"at column {error.column})", error.line) from None
        assert self.root is not None  # expat refuses a document without an element
        return self.root

    def _refuse_doctype(self, *_: object) -> None:
        # Called before any definition inside [...] is read: nothing is expanded.
        raise XmlProblem("the file has a DOCTYPE, which a translation file does not need; "
                         "policygen does not read one (it could define entities)", self._line)

    def _refuse_entity(self, *_: object) -> int:
        raise XmlProblem("the file defines or refers to an entity, which policygen does not "
                         "read", self._line)

    def _refuse_instruction(self, target: str, _data: str) -> None:
        raise XmlProblem(f"the file has a processing instruction '<?{target} …?>', which "
                         "policygen does not read", self._line)

    @property
    def _line(self) -> int:
        return int(self.parser.CurrentLineNumber)

    def _start(self, raw: str, attributes: dict[str, str]) -> None:
        ns, _, name = raw.rpartition(" ")
        shown = {(key.replace(XML_NS + " ", "xml:") if key.startswith(XML_NS) else
                  key.rpartition(" ")[2] if " " in key else key): value
                 for key, value in attributes.items()}
        element = Element(ns, name, shown, self._line)
        if self.open:
            self.open[-1].children.append(element)
        else:
            self.root = element
        self.open.append(element)

    def _end(self, _raw: str) -> None:
        self.open.pop()

    def _text(self, text: str) -> None:
        if self.open:
            self.open[-1].children.append(text)
