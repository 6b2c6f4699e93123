"""The output formats a build can make: the one table of them, by name.

Kept apart from the render stage (stage.py), which says how each format is made, so that what
only needs to know the formats (the command line, the build's plan, an unchanged rebuild,
which renders nothing) does not import the renderers: Jinja, the print layout and the QR
codes were a third of an unchanged rebuild's time.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OutputFormat:
    """One kind of output: the website's pages, its search index, or a kind of PDF."""

    name: str
    pdf: bool = False  # made as PDFs, by its jobs (stage.PDF_JOBS); else from the pages
    # Whether `--format` names it; one that is not comes with any PDF format that is asked for
    # (a variant's adaptation notice goes with its posters and handbook).
    chosen: bool = True
    # The formats it is made from, which come with it when it is asked for alone.
    needs: frozenset[str] = frozenset()


FORMATS: tuple[OutputFormat, ...] = (
    OutputFormat("site"),
    # Pagefind's index of each edition's pages (render/search.py), beside them in pagefind/.
    # Its own format because it is most of a site build's time and Hugo, beside which the
    # benchmark sets the site, has none; asked for alone it brings the pages it is made from.
    OutputFormat("search", needs=frozenset({"site"})),
    OutputFormat("posters", pdf=True),
    OutputFormat("handbook", pdf=True),
    OutputFormat("notice", pdf=True, chosen=False),
)
FORMAT_NAMES = tuple(f.name for f in FORMATS if f.chosen)  # what `--format` offers
SITE = frozenset({"site"})
SEARCH = frozenset({"search"})
PRINT = frozenset(f.name for f in FORMATS if f.pdf and f.chosen)
NOTICE = frozenset({"notice"})


def with_needs(formats: frozenset[str]) -> frozenset[str]:
    """The formats asked for, and those they are made from (search is made from the site)."""
    return formats.union(*(f.needs for f in FORMATS if f.name in formats))


def with_companions(formats: frozenset[str]) -> frozenset[str]:
    """The formats asked for, and those that come with them (see OutputFormat.chosen)."""
    if not formats & PRINT:
        return formats
    return formats | {f.name for f in FORMATS if f.pdf and not f.chosen}


def makes_pdfs(formats: frozenset[str]) -> bool:
    return any(f.pdf for f in FORMATS if f.name in formats)
