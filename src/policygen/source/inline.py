"""A Markdown text as a translator's tool sees it: words to translate, and marks to keep.

A link's address, code, the marks of emphasis and the breaks between paragraphs and list
items are not words: in a translator's file they become inline codes (XLIFF <ph> and <pc>),
which translation tools show as tags that can be moved but not edited, with the Markdown
kept out of the translator's reach. A link keeps its text to translate between its two marks
(`[` and `](topic:email)`); so does emphasis (`*` … `*`).

The pieces of a text, put together again, are the text exactly, whatever it holds: every
character is in exactly one piece (tested with generated text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import count

# Where a line starts a list item, a quote or a heading.
_MARKER = r"[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+|>[ \t]?|#{1,6}[ \t]+)"
_BREAK = re.compile(rf"\n(?:[ \t]*\n)*(?:{_MARKER})?")
_FIRST_MARKER = re.compile(_MARKER)
_INLINE = re.compile(
    r"(?P<escape>\\[\\`*_{}\[\]()#+\-.!<>])"
    r"|(?P<code>(?P<ticks>`+).+?(?<!`)(?P=ticks)(?!`))"
    r"|(?P<auto><(?:https?:|mailto:|tel:)[^<>\s]+>)"
    r"|(?P<link>\[(?P<label>(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)\]"
    r"(?P<target>\((?:[^()\n]|\([^()\n]*\))*\)))"
    r"|(?P<strong>(?P<sm>\*\*|(?<!\w)__)(?=\S)(?P<strong_text>.+?)(?<=\S)(?P=sm))"
    r"|(?P<em>(?P<emm>\*|(?<!\w)_)(?=\S)(?P<em_text>.+?)(?<=\S)(?P=emm))",
    re.DOTALL)


@dataclass(frozen=True, slots=True)
class Code:
    """Markup that stands alone (code, a bare address, a paragraph break): an XLIFF <ph>."""

    id: str
    data: str  # the Markdown it stands for
    kind: str  # XLIFF's type: fmt (layout), link or other

    def describe(self) -> str:
        if self.kind == "fmt":
            return "a paragraph or list break"
        if self.kind == "link":
            return f"the address {self.data.strip('<>')}"
        return f"the code {self.data}"


@dataclass(frozen=True, slots=True)
class Pair:
    """Markup around words (a link, emphasis): an XLIFF <pc> holding the words."""

    id: str
    start: str
    end: str
    kind: str
    inside: tuple[Piece, ...]

    def describe(self) -> str:
        if self.kind == "link":
            return f"the link to {self.end.removeprefix('](').removesuffix(')')}"
        return f"the emphasis ({self.start} … {self.end})"


Piece = str | Code | Pair


def pieces(text: str) -> tuple[Piece, ...]:
    """The text as words and marks, the marks numbered in order from 1."""
    ids = count(1)
    found: list[Piece] = []
    first = _FIRST_MARKER.match(text)
    at = 0
    if first and first.group():
        found.append(Code(str(next(ids)), first.group(), "fmt"))
        at = first.end()
    for match in _BREAK.finditer(text, at):
        if match.group() == "\n":
            continue  # a line break within a paragraph: the translator's own to place
        found += _inline(text[at:match.start()], ids)
        found.append(Code(str(next(ids)), match.group(), "fmt"))
        at = match.end()
    found += _inline(text[at:], ids)
    return tuple(found)


def _inline(text: str, ids: count[int]) -> list[Piece]:
    found: list[Piece] = []
    at = 0
    for match in _INLINE.finditer(text):
        if match.group("escape"):
            continue  # `\*` is a star the reader sees: words, not a mark
        found += [text[at:match.start()]] if match.start() > at else []
        found.append(_mark(match, ids))
        at = match.end()
    return found + ([text[at:]] if at < len(text) else [])


def _mark(match: re.Match[str], ids: count[int]) -> Piece:
    ident = str(next(ids))
    if match.group("code"):
        return Code(ident, match.group(), "other")
    if match.group("auto"):
        return Code(ident, match.group(), "link")
    if match.group("link"):
        return Pair(ident, "[", "]" + match.group("target"), "link",
                    tuple(_inline(match.group("label"), ids)))
    name = "strong" if match.group("strong") else "em"
    mark = match.group("sm" if name == "strong" else "emm")
    return Pair(ident, mark, mark, "fmt", tuple(_inline(match.group(f"{name}_text"), ids)))


def markdown_of(found: tuple[Piece, ...] | list[Piece]) -> str:
    """The Markdown the pieces stand for."""
    out = []
    for piece in found:
        if isinstance(piece, str):
            out.append(piece)
        elif isinstance(piece, Code):
            out.append(piece.data)
        else:
            out.append(piece.start + markdown_of(piece.inside) + piece.end)
    return "".join(out)


def marks(found: tuple[Piece, ...] | list[Piece]) -> dict[str, Code | Pair]:
    """Every mark among the pieces (inside links and emphasis too), by id."""
    every: dict[str, Code | Pair] = {}
    for piece in found:
        if isinstance(piece, Code):
            every[piece.id] = piece
        elif isinstance(piece, Pair):
            every[piece.id] = piece
            every.update(marks(piece.inside))
    return every


def matched(translation: tuple[Piece, ...], source: tuple[Piece, ...]) -> tuple[Piece, ...]:
    """A translation's pieces with each mark given the id of the source's mark that stands for
    the same Markdown; a mark the source no longer has keeps only its words (a link whose
    address has changed since: the translator puts the new one in)."""
    free = {ident: mark for ident, mark in marks(source).items()}
    return tuple(_matched(translation, free))


def _matched(found: tuple[Piece, ...], free: dict[str, Code | Pair]) -> list[Piece]:
    out: list[Piece] = []
    for piece in found:
        if isinstance(piece, str):
            out.append(piece)
            continue
        same = next((ident for ident, mark in free.items() if _same(mark, piece)), None)
        inside = _matched(piece.inside, free) if isinstance(piece, Pair) else []
        if same is None:
            out += inside
            continue
        del free[same]
        out.append(Code(same, piece.data, piece.kind) if isinstance(piece, Code)
                   else Pair(same, piece.start, piece.end, piece.kind, tuple(inside)))
    return out


def _same(mark: Code | Pair, piece: Code | Pair) -> bool:
    if isinstance(mark, Code) and isinstance(piece, Code):
        return mark.data == piece.data
    if isinstance(mark, Pair) and isinstance(piece, Pair):
        return (mark.start, mark.end) == (piece.start, piece.end)
    return False
