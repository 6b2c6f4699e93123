"""One configured Markdown: no raw HTML, checked internal links, glossary links, sanitised."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import markdown
import nh3
from markdown import util
from markdown.treeprocessors import Treeprocessor

from policygen.model import Term

ALLOWED_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "code", "br", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "class"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
_INTERNAL = re.compile(r"(glossary|topic|page):(.*)")
# The internal links as written in Markdown, checked before rendering: [text](glossary:aup),
# or [text][1] with the reference "[1]: glossary:aup" on a line of its own.
INTERNAL_LINK = re.compile(r"(?:\]\(\s*<?|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?)"
                           r"(glossary|topic|page):([^)\s>]*)>?", re.MULTILINE)
LINK_KIND_NAMES = {"glossary": "glossary term", "topic": "topic", "page": "page"}
# Images, inline or by reference: content may not have any (see content.image_problems).
IMAGE = re.compile(r"!\[[^\]]*\]\s*[(\[]")
IMAGE_MESSAGE = ("images are not allowed in the text: a picture would be fetched from outside "
                 "the guidance (and could not be read by everyone); describe it in words instead")
# Where a link in content may go. No relative addresses: the guidance has no files of its own
# to link to, and a path would point into whatever folder the site or PDF is read from.
_ALLOWED_LINK = re.compile(r"(?i:https?)://[^\s/\\?#\x00-\x1f\x7f]+[^\s\\\x00-\x1f\x7f]*"
                           r"|(?i:mailto|tel):[^\s\\\x00-\x1f\x7f]+|#[^\s\\\x00-\x1f\x7f]*")
_INTERNAL_TARGET = re.compile(r"(glossary|topic|page):[^\s\\\x00-\x1f\x7f]*")
LINK_ADVICE = ("links may go to https:// or http:// addresses, mailto: and tel:, or to another "
               "part of this guidance (topic:email, glossary:grooming, page:reporting)")

# Where an internal link (kind, target) goes in one output; "" drops the link, keeping its text.
LinkResolver = Callable[[str, str], str]


def page_href(page: str) -> str:
    """The file of a fixed page, relative to the site root."""
    return "index.html" if page == "home" else f"{page}.html"


def internal_href(kind: str, target: str) -> str:
    """Where a glossary:, topic: or page: link goes, relative to the site root."""
    if kind == "glossary":
        return f"glossary.html#term-{target}"
    if kind == "topic":
        return f"topics/{target}.html"
    return page_href(target)


class GlossaryLinker:
    """Finds glossary terms in running text; each term is linked once per page."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self.term_ids: dict[str, str] = {}
        for term in terms:
            for word in (term.term, *term.aliases):
                self.term_ids.setdefault(word.casefold(), term.id)
        words = sorted({w for t in terms for w in (t.term, *t.aliases)}, key=len, reverse=True)
        # Acronyms match only in capitals ("AUP", not "aup" inside a word); words in any case.
        # A term may be split over two lines of the source, so any run of spaces matches.
        escaped = {w: re.escape(w).replace(r"\ ", r"\s+") for w in words}
        alternatives = [escaped[w] if w.isupper() else f"(?i:{escaped[w]})" for w in words]
        self.pattern = re.compile(rf"(?<![\w/.-])(?:{'|'.join(alternatives)})(?![\w-])") \
            if words else None

    def split(self, text: str, seen: set[str]) -> list[tuple[str, str | None]]:
        """The text cut into (piece, term id to link it to, or None); `seen` is updated."""
        if self.pattern is None:
            return [(text, None)]
        pieces: list[tuple[str, str | None]] = []
        last = 0
        for match in self.pattern.finditer(text):
            ident = self.term_ids[" ".join(match.group(0).split()).casefold()]
            if ident in seen:
                continue
            seen.add(ident)
            pieces += [(text[last:match.start()], None), (match.group(0), ident)]
            last = match.end()
        pieces.append((text[last:], None))
        return [(piece, ident) for piece, ident in pieces if piece]


class _LinkTreeprocessor(Treeprocessor):
    """Resolves internal links and links glossary terms, on the parsed tree."""

    def __init__(self, md: markdown.Markdown, linker: GlossaryLinker) -> None:
        super().__init__(md)
        self.linker = linker
        self.resolve: LinkResolver = internal_href
        self.seen: set[str] | None = None

    def run(self, root: etree.Element) -> None:
        for link in root.iter("a"):
            match = _INTERNAL.fullmatch(link.get("href", "").strip())
            if match:
                self._resolve(link, *match.groups())
        if self.seen is not None:
            self._link_terms(root)

    def _resolve(self, link: etree.Element, kind: str, target: str) -> None:
        href = self.resolve(kind, target)
        if href:
            link.set("href", href)
        else:
            link.tag = "span"
            link.attrib.clear()
        if kind == "glossary" and self.seen is not None:
            self.seen.add(target)

    def _link_terms(self, element: etree.Element) -> None:
        if element.tag in ("a", "code"):
            return
        for child in list(element):
            self._link_terms(child)
        if element.text:
            element.text = self._insert_links(element, element.text, 0)
        for child in list(element):
            if child.tail:
                child.tail = self._insert_links(element, child.tail, list(element).index(child) + 1)

    def _insert_links(self, parent: etree.Element, text: str, index: int) -> str:
        assert self.seen is not None
        pieces = self.linker.split(text, self.seen)
        if len(pieces) == 1 and pieces[0][1] is None:
            return text
        head = pieces[0][0] if pieces[0][1] is None else ""
        rest = pieces[1:] if pieces[0][1] is None else pieces
        previous: etree.Element | None = None
        for piece, ident in rest:
            if ident is None and previous is not None:
                previous.tail = (previous.tail or "") + piece
                continue
            link = etree.Element("a", {"href": self.resolve("glossary", ident or ""),
                                       "class": "term"})
            link.text = piece
            parent.insert(index, link)
            index += 1
            previous = link
        return head


@dataclass(frozen=True, slots=True)
class Link:
    """A link (tag "a") or picture ("img") as Markdown reads it, its address as written."""

    tag: str
    href: str


def is_allowed_link(href: str) -> bool:
    """Whether content may link there: the web, mail, phone, this page or this guidance.

    Character references count as what they stand for (`&#106;avascript:` is javascript:):
    the browser and the sanitiser read them so.
    """
    return bool(_INTERNAL_TARGET.fullmatch(href.strip())
                or _ALLOWED_LINK.fullmatch(html.unescape(href)))


class _LinkCollector(Treeprocessor):
    """Notes every link and picture the parsed text holds, in their order."""

    found: list[Link]

    def run(self, root: etree.Element) -> None:
        self.found = [Link(el.tag, _as_written(el.get("href" if el.tag == "a" else "src")))
                      for el in root.iter() if el.tag in ("a", "img")]


def _as_written(address: str | None) -> str:
    """Undo Markdown's own placeholders: escaped characters and the e-mail obfuscation."""
    text = (address or "").replace(util.AMP_SUBSTITUTE, "&")
    return re.sub(f"{util.STX}([0-9]+){util.ETX}", lambda m: chr(int(m.group(1))), text)


_SCANNER: list[tuple[markdown.Markdown, _LinkCollector]] = []


def links_in(text: str) -> list[Link]:
    """The links and pictures in a Markdown text, found by the same parser that renders it.

    Reading them with the parser, not a pattern, finds every form: [x](a), [x][1] with
    "[1]: a", [x] with "[x]: a", <https://a> and <a@b.org>.
    """
    if "[" not in text and "<" not in text:  # no link can be written without either
        return []
    if not _SCANNER:
        md = _configured_markdown()
        collector = _LinkCollector(md)
        md.treeprocessors.register(collector, "policygen-collect", 1)
        _SCANNER.append((md, collector))
    md, collector = _SCANNER[0]
    md.reset().convert(text)
    return collector.found


def _configured_markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    # Raw HTML in content is shown as text, never passed through.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


# Variants share most of their text, so each distinct piece of Markdown is converted once per
# process. The key holds everything the HTML depends on: the text, where links go, which
# glossary terms exist, and which of them the page has already linked.
_CACHE: dict[tuple[object, ...], tuple[str, frozenset[str] | None]] = {}
_CACHE_LIMIT = 200_000


class MarkdownRenderer:
    """Renders content Markdown to safe HTML; one per site build, reused for every page."""

    def __init__(self, terms: Iterable[Term] = ()) -> None:
        self._md = _configured_markdown()
        linker = GlossaryLinker(terms)
        self._links = _LinkTreeprocessor(self._md, linker)
        self._md.treeprocessors.register(self._links, "policygen-links", 1)
        self._terms_key = repr(sorted(linker.term_ids.items()))
        self._place: object = None

    def start_page(self, root_prefix: str, link_terms: bool = True) -> None:
        """Begin a site page: links become relative to it and each term is linked once on it."""
        self.start_document(lambda kind, target: root_prefix + internal_href(kind, target),
                            link_terms, place=("site", root_prefix))

    def start_document(self, resolve: LinkResolver, link_terms: bool = True,
                       place: object = None) -> None:
        """Begin a page or document whose internal links `resolve` places.

        `place` names where links go (hashable); without it nothing is cached, since two
        resolvers cannot be told apart.
        """
        self._links.resolve = resolve
        self._links.seen = set() if link_terms else None
        self._place = place

    def block(self, text: str) -> str:
        """Markdown as block HTML (paragraphs, lists)."""
        seen = self._links.seen
        key = (text, self._place, self._terms_key, frozenset(seen) if seen is not None else None)
        if self._place is not None and key in _CACHE:
            html, seen_after = _CACHE[key]
            if seen is not None and seen_after is not None:
                seen |= seen_after
            return html
        html = self._convert(text)
        if self._place is not None and len(_CACHE) < _CACHE_LIMIT:
            _CACHE[key] = (html, frozenset(seen) if seen is not None else None)
        return html

    def _convert(self, text: str) -> str:
        html = self._md.reset().convert(text)
        return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                         url_schemes=URL_SCHEMES, link_rel=None, strip_comments=True)

    def inline(self, text: str) -> str:
        """Markdown for inside a list item or heading: a lone paragraph loses its <p>."""
        html = self.block(text)
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            return html[3:-4]
        return html
