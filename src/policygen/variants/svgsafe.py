"""An SVG logo, parsed and written again from allow-listed parts only: it cannot run or fetch.

An SVG is a document: opened on its own it runs scripts, and it can pull in other files. A
block-list of tag names cannot keep up with the ways of spelling a script (any namespace
prefix, an XHTML island, a CSS escape), so the logo is parsed as XML and every element,
attribute and style is checked against what a still picture needs. The output is then written
from the parsed tree, never copied from the file, so that only checked parts can reach a page.

The parser is the standard library's expat, hardened as source/xmltree.py's hardened_parser
does it (the way defusedxml does): no entity is ever expanded and no other file is ever read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policygen.source.xmltree import XML_NS, Unreadable, hardened_parser, parse_all

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XHTML_NS = "http://www.w3.org/1999/xhtml"
# Drawing programs' own notes (Inkscape, its RDF licence block): never drawn, so they are left
# out of the output with everything inside them, rather than refused.
EDITOR_NS = frozenset({
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://creativecommons.org/ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://purl.org/dc/terms/",
})
# Shapes, text, paint and filters. Not here, so refused: script, foreignObject, a, animation
# (it can set an href), image-like fetchers (feImage, cursor), fonts, switch, view.
ELEMENTS = frozenset({
    "svg", "g", "defs", "symbol", "use", "title", "desc", "style", "image",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
    "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite",
    "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feDistantLight",
    "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur",
    "feMerge", "feMergeNode", "feMorphology", "feOffset", "fePointLight",
    "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
})
# Left out of the output with their contents: what is inside is for programs, not the picture.
DROPPED_ELEMENTS = frozenset({"metadata"})
# Names and labels: plain text to a browser, never read as CSS or as an address.
TEXT_ATTRIBUTES = frozenset({
    "id", "class", "lang", "role", "version", "baseProfile", "focusable",
    "aria-label", "aria-labelledby", "aria-describedby", "aria-hidden", "aria-roledescription",
    "type", "media", "result", "in", "in2",
})
# Geometry and presentation: their values are checked as CSS values (no url() to a file).
VALUE_ATTRIBUTES = frozenset({
    "x", "y", "width", "height", "viewBox", "preserveAspectRatio", "transform", "d",
    "pathLength", "cx", "cy", "r", "rx", "ry", "x1", "y1", "x2", "y2", "points", "fx", "fy",
    "fr", "offset", "gradientUnits", "gradientTransform", "spreadMethod", "patternUnits",
    "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits",
    "maskContentUnits", "markerUnits", "markerWidth", "markerHeight", "refX", "refY",
    "orient", "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset", "method",
    "spacing", "side", "filterUnits", "primitiveUnits", "stdDeviation", "mode", "values",
    "tableValues", "slope", "intercept", "amplitude", "exponent", "operator", "k1", "k2", "k3",
    "k4", "radius", "scale", "xChannelSelector", "yChannelSelector", "baseFrequency",
    "numOctaves", "seed", "stitchTiles", "order", "kernelMatrix", "divisor", "bias", "targetX",
    "targetY", "edgeMode", "preserveAlpha", "surfaceScale", "specularConstant",
    "specularExponent", "diffuseConstant", "kernelUnitLength", "azimuth", "elevation", "z",
    "pointsAtX", "pointsAtY", "pointsAtZ", "limitingConeAngle", "enable-background",
    "alignment-baseline", "baseline-shift", "clip", "clip-path", "clip-rule", "color",
    "color-interpolation", "color-interpolation-filters", "color-rendering", "cursor",
    "direction", "display", "dominant-baseline", "fill", "fill-opacity", "fill-rule",
    "filter", "flood-color", "flood-opacity", "font", "font-family", "font-size",
    "font-size-adjust", "font-stretch", "font-style", "font-variant", "font-weight",
    "glyph-orientation-horizontal", "glyph-orientation-vertical", "image-rendering",
    "isolation", "kerning", "letter-spacing", "lighting-color", "marker", "marker-start",
    "marker-mid", "marker-end", "mask", "mask-type", "mix-blend-mode", "opacity", "overflow",
    "paint-order", "pointer-events", "shape-rendering", "stop-color", "stop-opacity",
    "stroke", "stroke-dasharray", "stroke-dashoffset", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "stroke-opacity", "stroke-width", "text-anchor", "text-decoration",
    "text-rendering", "transform-origin", "unicode-bidi", "vector-effect", "visibility",
    "word-spacing", "writing-mode",
})
XML_ATTRIBUTES = frozenset({"space", "lang"})
_CSS_ATTRIBUTES = VALUE_ATTRIBUTES | {"style"}
_KNOWN_ATTRIBUTES = TEXT_ATTRIBUTES | _CSS_ATTRIBUTES
# CSS functions that compute a value; any other (url to a file, image-set, expression, src,
# attr...) may fetch or run something, and a logo does not need it.
CSS_FUNCTIONS = frozenset({
    "rgb", "rgba", "hsl", "hsla", "calc", "min", "max", "clamp", "var",
    "matrix", "translate", "translatex", "translatey", "scale", "scalex", "scaley", "rotate",
    "skewx", "skewy", "blur", "brightness", "contrast", "drop-shadow", "grayscale",
    "hue-rotate", "invert", "opacity", "saturate", "sepia",
})
_FRAGMENT = re.compile(r"#[A-Za-z_][\w.:-]*")
_CSS_FUNCTION = re.compile(r"([A-Za-z_-][\w-]*)\(")
_CSS_LOCAL_URL = re.compile(r"url\(\s*(['\"]?)#[A-Za-z_][\w.:-]*\1\s*\)", re.IGNORECASE)
_AT_RULE = re.compile(r"@[\w-]*")


class UnsafeSvg(Exception):
    """What in the SVG is refused, said to follow "the logo 'x.svg' ", and its line."""

    def __init__(self, what: str, line: int) -> None:
        super().__init__(f"{what} (line {line})")
        self.what, self.line = what, line


def clean_svg(data: bytes) -> bytes:
    """The SVG written again from its checked parts; raises UnsafeSvg at the first other."""
    return _Cleaner().run(data)


def css_problem(css: str) -> tuple[str, int] | None:
    """What in a style sheet or CSS value could run or fetch something, and where (an index)."""
    if (escape := css.find("\\")) >= 0:  # an escape can spell anything: @\69mport, u\72l(
        return f"a CSS escape ('{css[escape:escape + 4]}')", escape
    if at := _AT_RULE.search(css):
        return f"the CSS rule '{at.group()}'", at.start()
    for call in _CSS_FUNCTION.finditer(css):
        name = call.group(1).lower()
        if name == "url" and not _CSS_LOCAL_URL.match(css, call.start()):
            end = css.find(")", call.start(), call.start() + 60)
            shown = css[call.start():end + 1 if end >= 0 else call.start() + 60]
            return f"a reference to another file ('{shown}')", call.start()
        if name not in CSS_FUNCTIONS and name != "url":
            return f"the CSS function '{call.group(1)}('", call.start()
    return None


@dataclass(frozen=True, slots=True)
class _Name:
    """An element's or attribute's name as expat splits it: namespace, local name, prefix."""

    ns: str
    local: str
    prefix: str

    @classmethod
    def parse(cls, raw: str) -> _Name:
        parts = raw.split(" ")
        if len(parts) == 1:
            return cls("", parts[0], "")
        return cls(parts[0], parts[1], parts[2] if len(parts) > 2 else "")

    @property
    def shown(self) -> str:
        """The name as the file writes it."""
        return f"{self.prefix}:{self.local}" if self.prefix else self.local


def _a(name: str) -> str:
    return f"an <{name}>" if name[:1].lower() in "aeiou" else f"a <{name}>"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(text: str) -> str:
    return (_escape(text).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;")
            .replace("\r", "&#13;"))


class _Cleaner:
    """One pass of expat over the file, writing the checked parts as it goes."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.open: list[str] = []  # the written elements not yet closed
        self.tag_pending = False  # a start tag written without its closing '>' yet
        self.skipping = 0  # depth inside a dropped element
        self.css: list[str] = []
        self.css_line = 0
        self.parser = hardened_parser(
            doctype=self._doctype, entity=self._entity, external_entity=self._external_entity,
            instruction=self._instruction, skipped_entity=self._skipped_entity)

    def run(self, data: bytes) -> bytes:
        p = self.parser
        p.namespace_prefixes = True
        p.ordered_attributes = True
        p.StartElementHandler = self._start
        p.EndElementHandler = self._end
        p.CharacterDataHandler = self._text
        try:
            parse_all(p, data)
        except Unreadable as error:
            raise UnsafeSvg(f"is not readable as SVG: {error.reason}", error.line) from None
        return ("".join(self.out) + "\n").encode("utf-8")

    def refuse(self, what: str) -> UnsafeSvg:
        return UnsafeSvg(what, self.parser.CurrentLineNumber)

    def _doctype(self, name: str, _system: str | None, _public: str | None,
                 internal: int) -> None:
        # Called before the definitions in [...] are read: refusing here expands nothing.
        # The plain <!DOCTYPE svg PUBLIC ...> that drawing programs write defines nothing.
        if name != "svg":
            raise self.refuse(f"contains a DOCTYPE for '{name}', not for an SVG")
        if internal:
            raise self.refuse("contains a DOCTYPE with definitions of its own (entities)")

    def _entity(self, name: str, *_: object) -> None:
        raise self.refuse(f"contains a definition of the entity '{name}'")

    def _external_entity(self, *_: object) -> int:
        raise self.refuse("contains a reference to another file (an external entity)")

    def _skipped_entity(self, name: str, _parameter: int) -> None:
        raise self.refuse(f"contains the undefined entity '&{name};'")

    def _instruction(self, target: str, _data: str) -> None:
        raise self.refuse(f"contains an instruction '<?{target} ...?>'")

    def _start(self, raw: str, attributes: list[str]) -> None:
        name = _Name.parse(raw)
        if self.skipping or name.ns in EDITOR_NS or (
                name.ns == SVG_NS and name.local in DROPPED_ELEMENTS):
            # Left out, but a script hidden in the notes is still told, not silently passed.
            if name.ns in {SVG_NS, XHTML_NS} or not self.open:
                self._check_element(name)
            self.skipping += 1
            return
        self._check_element(name)
        written = self._attributes(name, attributes)
        if not self.open:
            written = f' xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}"' + written
        self._close_pending()
        self.out.append(f"<{name.local}{written}")
        self.open.append(name.local)
        self.tag_pending = True
        if name.local == "style":
            self.css, self.css_line = [], self.parser.CurrentLineNumber

    def _check_element(self, name: _Name) -> None:
        if not self.open and name.local == "svg" and not name.ns:
            raise self.refuse(f'is not an SVG picture: its <svg> lacks xmlns="{SVG_NS}"')
        if not self.open and (name.ns, name.local) != (SVG_NS, "svg"):
            raise self.refuse(f"is not an SVG picture: it starts with <{name.shown}>, not <svg>")
        if name.ns != SVG_NS:
            raise self.refuse(f"contains {_a(name.shown)} element, which is not part of SVG")
        if name.local not in ELEMENTS and name.local not in DROPPED_ELEMENTS:
            raise self.refuse(f"contains {_a(name.shown)} element")
        if self.open and self.open[-1] == "style":
            raise self.refuse(f"contains {_a(name.shown)} element inside <style>")

    def _attributes(self, element: _Name, attributes: list[str]) -> str:
        written = []
        for raw, value in zip(attributes[::2], attributes[1::2], strict=True):
            name = _Name.parse(raw)
            if name.ns in EDITOR_NS or (not name.ns and name.local.startswith("data-")):
                continue
            self._check_attribute(element, name, value)
            prefix = {XLINK_NS: "xlink:", XML_NS: "xml:"}.get(name.ns, "")
            written.append(f' {prefix}{name.local}="{_escape_attribute(value)}"')
        return "".join(written)

    def _check_attribute(self, element: _Name, name: _Name, value: str) -> None:
        where = f"on <{element.shown}>"
        if name.local.lower().startswith("on"):
            raise self.refuse(f"contains an event handler '{name.shown}=' {where}")
        if (name.ns, name.local) in {("", "href"), (XLINK_NS, "href")}:
            if not _FRAGMENT.fullmatch(value):
                raise self.refuse(f"contains a link to '{value[:60]}' {where}, not to a part "
                                  "of the logo (#name)")
            return
        if name.ns == XML_NS and name.local in XML_ATTRIBUTES:
            return
        if name.ns or name.local not in _KNOWN_ATTRIBUTES:
            raise self.refuse(f"contains an attribute '{name.shown}' {where}, which a logo "
                              "does not need")
        if name.local in _CSS_ATTRIBUTES and (found := css_problem(value)):
            raise self.refuse(f"contains {found[0]} in '{name.shown}' {where}")

    def _end(self, raw: str) -> None:
        if self.skipping:
            self.skipping -= 1
            return
        name = self.open.pop()
        if name == "style":
            self._check_style()
        if self.tag_pending:
            self.out.append("/>")
            self.tag_pending = False
        else:
            self.out.append(f"</{name}>")

    def _check_style(self) -> None:
        css = "".join(self.css)
        if found := css_problem(css):
            what, index = found
            line = self.css_line + css.count("\n", 0, index)
            raise UnsafeSvg(f"contains {what} in <style>", line)

    def _text(self, text: str) -> None:
        if self.skipping or not self.open:
            return
        if self.open[-1] == "style":
            if not self.css:
                self.css_line = self.parser.CurrentLineNumber
            self.css.append(text)
        self._close_pending()
        self.out.append(_escape(text))

    def _close_pending(self) -> None:
        if self.tag_pending:
            self.out.append(">")
            self.tag_pending = False
