"""Posters and the handbook as HTML print jobs; pdf.py turns the jobs into PDF bytes."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import jinja2
import segno
from markupsafe import Markup

from policygen.model import Publication
from policygen.render.bilingual import language_editions, poster_order, shares_posters
from policygen.render.edition import Edition
from policygen.render.fitting import Step
from policygen.render.site import SECTION_PAGES, notice_context
from policygen.render.templating import markdown_functions, render
from policygen.source.markup import MarkdownRenderer
from policygen.source.review import ReviewState, ReviewStatus
from policygen.words import N_, long_date, words_for


@dataclass(frozen=True, slots=True)
class Paper:
    """A paper size with the room kept free for an office printer and the footer."""

    name: str
    width_mm: int
    height_mm: int
    margin_mm: int
    footer_mm: int  # with the QR code and its label (when the publication has a site_url)
    footer_pt: float
    scale: float
    suffix: str
    footer_plain_mm: int = 0  # without a QR code
    qr_mm: int = 0  # at least 30 mm on A4: a phone reads it from an arm's length
    footer_second_mm: int = 0  # what a second language adds to the footer (bilingual posters)


A4 = Paper("A4", 210, 297, 12, 34, 10.0, 1.0, "", footer_plain_mm=26, qr_mm=30,
           footer_second_mm=14)
A3 = Paper("A3", 297, 420, 15, 47, 14.0, 1.41, "-a3", footer_plain_mm=36, qr_mm=42,
           footer_second_mm=20)
PAPERS = {"a4": A4, "a3": A3}

# Poster body text sizes on A4, largest first; A3 scales up. 18 pt is the least a notice read
# from two metres may have (issue 17). The steps are close (half a point at the small end), so
# that the size chosen leaves little of the page blank: text height grows about with the square
# of the size, so one half-point step is about 6% of the page, some 13 mm on A4.
POSTER_SIZES_PT = (26.0, 25.0, 24.0, 23.0, 22.0, 21.5, 21.0, 20.5, 20.0, 19.5, 19.0, 18.5,
                   18.0)
# Below this size the "what can happen" notes would be left out (posters no longer show them,
# see poster-topic.html; fitting.py still offers steps with notes).
CONSEQUENCES_DOWN_TO_PT = 22.0
# Where the search for the size starts (see fitting.py): near the size most of the default
# posters end at, so that most take one or two layouts.
FIRST_TRY_PT = 20.0


def poster_steps(paper: Paper, has_notes: bool) -> tuple[Step, ...]:
    """The sizes a poster may take, in order of preference: with the notes down to 16 pt, then
    without them from the largest size again."""
    with_notes = [Step(size, True) for size in POSTER_SIZES_PT
                  if has_notes and size >= CONSEQUENCES_DOWN_TO_PT]
    without = [Step(size, False) for size in POSTER_SIZES_PT]
    return tuple(Step(round(step.size_pt * paper.scale, 1), step.notes)
                 for step in with_notes + without)


def first_step(paper: Paper) -> Step:
    return Step(round(FIRST_TRY_PT * paper.scale, 1), False)


def step_style(step: Step) -> str:
    """What one try changes in a poster: the root font size (every length in poster.css is in
    rem) and whether the notes show."""
    hide = "" if step.notes else " .consequence { display: none; }"
    return f"<style>html {{ font-size: {step.size_pt:g}pt; }}{hide}</style>"


SHORTEN = "Shorten its items (a shorter 'poster' wording can be given per item) or split the topic."


@dataclass(frozen=True, slots=True)
class PrintJob:
    """One PDF to render: its HTML and, for a poster, the text sizes it may take."""

    path: str
    title: str
    source: str
    html: str  # without its stylesheet, which WeasyPrint is given apart (see split_stylesheet)
    stylesheet: str = ""
    steps: tuple[Step, ...] = ()  # a poster's sizes (see poster_steps); () for other PDFs
    print_shop: bool = False
    paper: Paper = A4
    fit_advice: str = SHORTEN  # what to do when a poster does not fit, said in the error

    @property
    def one_page(self) -> bool:
        return bool(self.steps)

    def html_at(self, step: Step | None) -> str:
        """The HTML laid out for one step of a poster (the job's own HTML for other PDFs)."""
        return self._with_in_head(step_style(step) if step else "")

    def standalone_html(self, step: Step | None) -> str:
        """html_at with the stylesheet back inside: one document, as a person would save it."""
        style = f"<style>{self.stylesheet}</style>" if self.stylesheet else ""
        return self._with_in_head(style + (step_style(step) if step else ""))

    def _with_in_head(self, extra: str) -> str:
        return self.html.replace("</head>", extra + "</head>", 1) if extra else self.html


_STYLESHEET = re.compile(r'<style id="policygen-stylesheet">(.*?)</style>\n?', re.DOTALL)


def split_stylesheet(html: str) -> tuple[str, str]:
    """(the HTML without its stylesheet, the stylesheet): WeasyPrint parses a stylesheet given
    apart once for every document that shares it, which saves a sixth of a poster's layout.
    A template without the marked <style> keeps its styles in the HTML."""
    found = _STYLESHEET.search(html)
    if not found:
        return html, ""
    return html[:found.start()] + html[found.end():], found.group(1)


@dataclass(frozen=True, slots=True)
class PrintOptions:
    papers: tuple[Paper, ...] = (A4,)
    print_shop: bool = False


NOTICE_PDF = "adaptation-notice.pdf"


_STATUS_LINES = {
    ReviewState.OVERDUE: N_("OVERDUE FOR REVIEW: this guidance was due for review on %(when)s."),
    ReviewState.DUE: N_("Review due soon: this guidance is due for review on %(when)s."),
    ReviewState.CURRENT: N_("Current guidance. Next review due %(when)s."),
}


def status_line(pub: Publication, status: ReviewStatus) -> str:
    """The review state in one line, for footers and covers, in the publication's language."""
    words = words_for(pub.language)
    return words.gettext(_STATUS_LINES[status.state], when=long_date(status.next_review, words))


def qr_svg(url: str) -> Markup:
    """A QR code for the page's address, as inline SVG (nothing fetched, nothing written)."""
    code = segno.make(url, error="m")
    return Markup(code.svg_inline(scale=4, border=0, omitsize=True, dark="#000"))


@dataclass(frozen=True, slots=True)
class Poster:
    """What one poster shows, the template that lays it out, and the file its text is from."""

    name: str
    title: str
    template: str
    page: str
    source: str
    context: dict[str, Any]


def posters(edition: Edition) -> Iterator[Poster]:
    pub = edition.publication
    words = words_for(pub.language)
    for topic in pub.topics:
        yield Poster(topic.id, topic.title, "print/poster-topic.html",
                     f"topics/{topic.id}.html", topic.location.file, {"topic": topic})
    sections = (
        Poster("summary", words.gettext("Summary of good practice"), "print/poster-summary.html",
               "summary.html", "content/summary.yaml", {"summary": pub.summary}),
        Poster("guidelines", pub.guidelines.title, "print/poster-guidelines.html",
               "guidelines.html", "content/guidelines.yaml", {"guidelines": pub.guidelines}),
        Poster("reporting", words.gettext("Reporting concerns"), "print/poster-reporting.html",
               "reporting.html", "content/reporting.yaml", {"reporting": pub.reporting}))
    yield from (poster for poster in sections if edition.shows(poster.name))


@dataclass(frozen=True, slots=True)
class Sheet:
    """One poster file: the edition whose folder it goes in, and the poster in each language
    it shows (one; or, for a bilingual poster, every language in the order printed)."""

    edition: Edition
    sides: tuple[tuple[Edition, Poster], ...]

    @property
    def title(self) -> str:
        return " / ".join(poster.title for _, poster in self.sides)


def sheets(edition: Edition) -> Iterator[Sheet]:
    """The poster files of an edition: a poster per language, or bilingual posters beside the
    main language's pages, every language on each (see bilingual.poster_order)."""
    editions = language_editions(edition)
    if shares_posters(edition):
        ordered = poster_order(editions)
        for sides in zip(*(posters(each) for each in ordered), strict=True):
            yield Sheet(editions[0], tuple(zip(ordered, sides, strict=True)))
        return
    for each in editions:
        yield from (Sheet(each, ((each, poster),)) for poster in posters(each))


def poster_job(env: jinja2.Environment, renderer: MarkdownRenderer, sheet: Sheet,
               options: PrintOptions, paper: Paper) -> PrintJob:
    # The QR code and the address to check are the first language's page: it links to its twin.
    edition, poster = sheet.sides[0]
    pub = edition.publication
    page_url = pub.site_url + poster.page if pub.site_url else ""
    common = {
        **_side_context(edition, poster), **markdown_functions(renderer),
        "sides": [_side_context(*side) for side in sheet.sides], "title": sheet.title,
        "paper": paper, "print_shop": options.print_shop,
        "page_url": page_url, "qr_svg": qr_svg(page_url) if page_url else "",
        "poster_name": poster.name, "check_at": check_address(edition, page_url),
        "accent": edition.accent_colour or NAVY,
    }
    renderer.start_document(_no_link, link_terms=False, place="print without links")
    html, stylesheet = split_stylesheet(render(env, poster.template, common))
    return PrintJob(f"{sheet.edition.prefix}posters/{poster.name}{paper.suffix}.pdf",
                    sheet.title, _source(edition, poster.source), html, stylesheet,
                    poster_steps(paper, has_notes=False), options.print_shop, paper,
                    _fit_advice(sheet))


def _side_context(edition: Edition, poster: Poster) -> dict[str, Any]:
    """What a poster says in one language: poster.html lays out each side with its own."""
    return {**_print_context(edition), **poster.context, "title": poster.title}


def _fit_advice(sheet: Sheet) -> str:
    if len(sheet.sides) == 1:
        return SHORTEN
    # Not A3: its text is larger in step with the paper, so it holds what A4 holds.
    return (SHORTEN + " A bilingual poster carries every language at the same size, so it "
            "holds half as much: give shorter 'poster' wordings in each language, or print a "
            "poster per language ('posters: per-language' in content/publication.yaml).")


NAVY = "#1d3f6e"  # the base's colour; a variant's accent colour takes its place


def check_address(edition: Edition, page_url: str) -> str:
    """Where a reader checks that a printed poster is the current version: the poster's page
    when there is a site, else the variant's or publisher's web address, else its email."""
    if page_url:
        return page_url
    adaptation = edition.adaptation
    pub = edition.publication
    if adaptation and adaptation.variant.organisation.url:
        return adaptation.variant.organisation.url
    if adaptation:
        return adaptation.variant.organisation.name
    return pub.publisher.url or pub.publisher.email or pub.publisher.name


def _source(edition: Edition, base_file: str) -> str:
    """The file an editor should look at when a PDF fails: the variant's, for a variant."""
    return edition.adaptation.variant.file if edition.adaptation else base_file


def handbook_job(env: jinja2.Environment, renderer: MarkdownRenderer, edition: Edition,
                 options: PrintOptions) -> PrintJob:
    pub = edition.publication
    renderer.start_document(_handbook_link, link_terms=True, place="handbook")
    words = words_for(pub.language)
    sections = [{"name": name,
                 "title": pub.guidelines.title if name == "guidelines" else words.gettext(title)}
                for name, title, _ in SECTION_PAGES if edition.shows(name)]
    html = render(env, "print/handbook.html", {
        **_print_context(edition), **markdown_functions(renderer),
        "print_shop": options.print_shop, "sections": sections,
        "local_sections": edition.local_sections,
        "shown": {section["name"] for section in sections},
        "accent_colour": edition.accent_colour,
    })
    return PrintJob(f"{edition.prefix}handbook.pdf", "the handbook",
                    _source(edition, "content/publication.yaml"), *split_stylesheet(html),
                    print_shop=options.print_shop)


def notice_job(env: jinja2.Environment, renderer: MarkdownRenderer,
               edition: Edition) -> PrintJob:
    """The adaptation notice addressed to the author, as a PDF to attach to the email."""
    renderer.start_document(_no_link, link_terms=False, place="print without links")
    html = render(env, "print/notice.html", {
        **_print_context(edition), **markdown_functions(renderer),
        "notice": notice_context(edition), "print_shop": False,
    })
    return PrintJob(f"{edition.prefix}{NOTICE_PDF}", "the adaptation notice",
                    _source(edition, ""), *split_stylesheet(html))


def _no_link(kind: str, target: str) -> str:
    """A poster or notice has nowhere to link to: a link is shown as its text."""
    return ""


def _handbook_link(kind: str, target: str) -> str:
    """Internal links point inside the handbook itself."""
    if kind == "glossary":
        return f"#term-{target}"
    if kind == "topic":
        return f"#topic-{target}"
    return "#contents" if target == "home" else f"#section-{target}"


def _print_context(edition: Edition) -> dict[str, Any]:
    pub = edition.publication
    adaptation = edition.adaptation
    return {
        "pub": pub, "language": pub.language, "status": edition.status,
        "status_line": status_line(pub, edition.status),
        "edition_date": pub.dates.last_updated or pub.dates.published,
        "current_url": pub.site_url,
        "adaptation": adaptation,
        "current_from": adaptation.variant.organisation.name if adaptation
        else pub.publisher.name,
        "logo_uri": logo_uri(edition),
    }


def logo_uri(edition: Edition) -> str:
    """The variant's logo for WeasyPrint to fetch (from inside the project only).

    The address is relative to the project (see pdf._project_fetcher), so the PDF does not
    depend on where the project lies; the query carries a hash of the file, so that a new logo
    under the same name changes the PDF's inputs and the cache renders it again.
    """
    adaptation = edition.adaptation
    if not edition.logo or not adaptation:
        return ""
    digest = hashlib.sha256(edition.logo.read_bytes()).hexdigest()[:16]
    relative = f"variants/{adaptation.variant.name}/{adaptation.variant.organisation.logo}"
    return f"{quote(relative)}?v={digest}"
