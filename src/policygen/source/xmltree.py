"""An XML file from outside (a translator's file), read safely into elements with their lines.

The parser is the standard library's expat (2.5 here, which also limits entity expansion),
used the way defusedxml uses it: a DOCTYPE is refused before anything in it is read, so no
entity is ever defined or expanded and no other file or address is ever fetched; processing
instructions are refused too. defusedxml itself is not needed for this, and xml.etree keeps
no line numbers, which every message here needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.parsers import expat

XML_NS = "http://www.w3.org/XML/1998/namespace"


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
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.open: list[Element] = []
        self.root: Element | None = None

    def run(self, data: bytes) -> Element:
        p = self.parser
        p.buffer_text = True
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.StartDoctypeDeclHandler = self._refuse_doctype
        p.EntityDeclHandler = self._refuse_entity
        p.ExternalEntityRefHandler = self._refuse_entity
        p.ProcessingInstructionHandler = self._refuse_instruction
        p.StartElementHandler = self._start
        p.EndElementHandler = self._end
        p.CharacterDataHandler = self._text
        try:
            p.Parse(data, True)
        except expat.ExpatError as error:
            raise XmlProblem(f"this is not well-formed XML ({expat.ErrorString(error.code)}, "
                             f"at column {error.offset + 1})", error.lineno) from None
        except (LookupError, ValueError):
            raise XmlProblem("the file's character encoding is not supported (UTF-8 is)",
                             1) from None
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
