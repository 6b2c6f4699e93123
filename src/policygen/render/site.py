"""The website: every page rendered from the publication, as {relative path: bytes}."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import nh3
from markupsafe import Markup

from policygen.errors import ContentError, Problem
from policygen.model import Publication
from policygen.render.bilingual import (
    Alternate,
    SiteLanguage,
    alternates,
    language_downloads,
    language_sites,
)
from policygen.render.draft import (
    draft_assets,
    draft_notices,
    finished_page,
)
from policygen.render.edition import Edition, archive_folder
from policygen.render.search import SEARCH_PAGE
from policygen.render.templating import markdown_functions, render, stand_in_marked
from policygen.render.variant_entries import VARIANT_INDEX
from policygen.render.whatchanged import WHAT_CHANGED_PAGE, changes_context
from policygen.source.markup import ALLOWED_TAGS, MarkdownRenderer, page_href
from policygen.variants import svgsafe
from policygen.variants.branding import svg_logo_problem
from policygen.words import N_, Words, words_for


@dataclass(frozen=True, slots=True)
class Page:
    """One HTML page to render: where it goes, which template, and its own context."""

    path: str
    template: str
    title: str
    description: str
    context: dict[str, Any] = field(default_factory=dict)
    link_terms: bool = True


@dataclass(frozen=True, slots=True)
class NavLink:
    title: str
    href: str
    description: str = ""


# The fixed pages besides home and the topics: (page, title, what it offers), in English;
# each page shows them in the publication's language.
SECTION_PAGES = (
    ("summary", N_("Summary of good practice"), N_("What to do and what not to do, on one page.")),
    ("guidelines", N_("General guidelines"),
     N_("Habits that keep you and the children you work with safe.")),
    ("reporting", N_("Reporting concerns"),
     N_("What to do and who to contact when you are worried.")),
    ("glossary", N_("Glossary"), N_("What the terms and abbreviations in this guidance mean.")),
    ("legal", N_("Legal consequences"),
     N_("Offences that misuse of technology can lead to, and their penalties.")),
    ("sources", N_("Further information"), N_("Where to find more help and advice.")),
    ("about", N_("About this guidance"),
     N_("Who publishes it, who approved it, when it is reviewed, and how to adapt it.")),
)
MAIN_NAV = ("summary", "guidelines", "reporting", "glossary", "about")


def render_site(edition: Edition, env: jinja2.Environment, assets: Path,
                downloads: Mapping[str, int] | None = None,
                links_to_variants: bool = False, searchable: bool = False) -> dict[str, bytes]:
    """Render every page, the static assets and (with a site URL) the feed and sitemap, in
    each language of the edition (each other language in its own folder, cy/), and the
    earlier editions kept with it.

    `downloads` are the PDFs built alongside ({path: size in bytes}), linked from the pages;
    `links_to_variants` adds the index of local versions to the footer; `searchable` says a
    search index is made beside the pages (the search page offers its box only then).
    """
    sites = language_sites(edition)
    languages = tuple(language for language, _ in sites)
    files: dict[str, bytes] = {}
    for language, in_language in sites:
        main = not language.folder
        pdfs = language_downloads(downloads or {}, language, languages)
        made = _render_language(in_language, env, assets, pdfs,
                                links_to_variants and main, (languages, language), searchable)
        files.update({language.folder + path: data for path, data in made.items()})
    files.update(_render_archive(edition, env, assets, set(files)))
    return files


def _render_archive(edition: Edition, env: jinja2.Environment, assets: Path,
                    current: set[str]) -> dict[str, bytes]:
    """Each earlier edition's pages in its own folder, each marked as superseded, with a link
    to the same page in the current edition (or its home page, where that page has gone).

    In each language, as the current pages are: the Welsh ones in the Welsh pages' own folder
    (cy/editions/DATE/), so that the Welsh site keeps its earlier editions when it is
    published on an address of its own, and every page is linked to its twin."""
    files: dict[str, bytes] = {}
    for archived in edition.earlier:
        folder = archive_folder(archived.day)
        pub = archived.publication
        pub = replace(pub, site_url=pub.site_url and edition.publication.site_url)
        sites = language_sites(Edition(pub, edition.status, archived.adaptation))
        # Each language's pages of it sit in that language's folder, under editions/DATE/.
        languages = tuple(replace(language, folder=language.folder + folder,
                                  url=language.url and language.url + folder)
                          for language, _ in sites)
        for here, (language, in_language) in zip(languages, sites, strict=True):
            now = {path.removeprefix(language.folder) for path in current
                   if path.startswith(language.folder)}
            superseded = {"edition": archived.day, "by": archived.superseded_by,
                          "up": "../" * folder.count("/"), "current": frozenset(now)}
            # An earlier edition is not searched: its search page lists its topics and items.
            in_language = replace(in_language, publication=replace(
                in_language.publication, site_url=here.url))
            made = _render_language(in_language, env, assets, None, False, (languages, here),
                                    False, superseded)
            files.update({here.folder + path: data for path, data in made.items()
                          if path not in ("feed.xml", "sitemap.xml")})
    return files


def _render_language(edition: Edition, env: jinja2.Environment, assets: Path,
                     downloads: Mapping[str, int] | None, links_to_variants: bool,
                     languages: tuple[tuple[SiteLanguage, ...], SiteLanguage],
                     searchable: bool = False,
                     superseded: Mapping[str, Any] | None = None) -> dict[str, bytes]:
    pub = edition.publication
    markup = MarkdownRenderer(pub.glossary.terms)
    common = {**common_context(edition, markup), "downloads": dict(downloads or {}),
              "site_languages": languages, "searchable": searchable,
              "draft": draft_notices(edition.draft, languages[0][0].tag)
              if edition.draft else ()}
    if superseded:
        common["superseded"] = superseded
    if links_to_variants:
        common["footer_nav"] = common["footer_nav"] + [
            NavLink(words_for(pub.language).gettext("Local versions of this guidance"),
                    VARIANT_INDEX)]
    add_shared_parts(env, common)
    files: dict[str, bytes] = {}
    pages = list(site_pages(edition))
    for page in pages:
        html = render_page(env, markup, common, page)
        files[page.path] = (finished_page(html, page.template) if edition.draft
                            else html).encode("utf-8")
    files.update(read_assets(assets))
    files.update(brand_assets(edition))
    if edition.draft:
        files.update(draft_assets(env))
    if pub.site_url:
        markup.start_page(pub.site_url, link_terms=False)
        files["feed.xml"] = render(env, "site/feed.xml", {**common, "root": ""}).encode("utf-8")
        files["sitemap.xml"] = render(env, "site/sitemap.xml", {
            **common, "paths": [p.path for p in pages if p.path != "404.html"]}).encode("utf-8")
    return files


def add_shared_parts(env: jinja2.Environment, common: dict[str, Any]) -> None:
    """The header, banners and footer: the same on every page at one depth (the header but for
    which main link is current), so rendered once for each, not once per page. Rendering the
    same links on every page was most of the site's cost."""
    main_links = {link.href for link in common["main_nav"]}
    header = _rendered_once(env, common, "site/header.html")
    banners = _rendered_once(env, common, "site/banners.html")
    footer = _rendered_once(env, common, "site/footer.html")
    common["header"] = lambda root, path: header(root, path if path in main_links else "")
    common["banners"] = lambda root: banners(root, "")
    common["footer"] = lambda root: footer(root, "")


def _rendered_once(env: jinja2.Environment, common: dict[str, Any],
                   template: str) -> Callable[[str, str], Markup]:
    """A part of every page, rendered once for each (depth, current page) it is asked for."""
    cache: dict[tuple[str, str], Markup] = {}

    def part(root: str, current: str) -> Markup:
        if (root, current) not in cache:
            context = {**common, "root": root, "current": current}
            cache[root, current] = Markup(render(env, template, context))
        return cache[root, current]
    return part


def section_links(edition: Edition) -> list[NavLink]:
    """The fixed sections this edition has, then the variant's own sections."""
    words = words_for(edition.publication.language)
    fixed = [NavLink(_title(edition.publication, name, title), page_href(name),
                     words.gettext(about))
             for name, title, about in SECTION_PAGES if edition.shows(name)]
    local = [NavLink(s.title, f"{s.id}.html", "") for s in edition.local_sections]
    return fixed[:-1] + local + fixed[-1:]  # "about" stays last


def common_context(edition: Edition, markup: MarkdownRenderer) -> dict[str, Any]:
    pub = edition.publication
    sections = section_links(edition)
    main = [link for link in sections if link.href in {f"{n}.html" for n in MAIN_NAV}]
    topics = [NavLink(t.title, f"topics/{t.id}.html") for t in pub.topics]
    words = words_for(pub.language)
    home = NavLink(words.gettext("Home"), "index.html")
    # The topics are most of the guidance: the menu leads to their list on the home page.
    topics_link = NavLink(words.gettext("Topics"), "index.html#topics")
    search = NavLink(words.gettext("Search"), SEARCH_PAGE)
    return {
        "pub": pub,
        "language": pub.language,  # which catalogue the templates' words come from
        "status": edition.status,
        "adaptation": edition.adaptation,
        "brand": bool(edition.logo or edition.accent_colour),
        "logo": logo_name(edition),
        "logo_size": logo_size(edition),
        **markdown_functions(markup),
        "unlinked": unlinked_inline(),
        "section_pages": sections,
        "main_nav": [home, topics_link] + main + [search],
        "footer_nav": [home] + topics + sections
        + [NavLink(words.gettext("Accessibility statement"), "accessibility.html")],
        "protected": protected_names(pub),
        # The base's page of what this edition changed, in the language its texts are in.
        "what_changed": edition.changes if edition.changes
        and edition.changes.language == pub.language else None,
        "earlier_editions": edition.earlier,
        "superseded": None,  # an earlier edition's pages say which edition replaced them
    }


def site_pages(edition: Edition) -> Iterator[Page]:
    """Every HTML page of the site, in the order a reader meets them."""
    pub = edition.publication
    words = words_for(pub.language)
    yield Page("index.html", "site/home.html", words.gettext("Home"), pub.subtitle or pub.title)
    for index, topic in enumerate(pub.topics):
        yield Page(f"topics/{topic.id}.html", "site/topic.html", topic.title, topic.summary, {
            "topic": topic,
            "previous_topic": pub.topics[index - 1] if index > 0 else None,
            "next_topic": pub.topics[index + 1] if index + 1 < len(pub.topics) else None,
        })
    for name, title, about in SECTION_PAGES:
        if edition.shows(name):
            context = {name: getattr(pub, name)} if hasattr(pub, name) else {}
            yield Page(page_href(name), f"site/{name}.html", _title(pub, name, title),
                       words.gettext(about), context, link_terms=name != "glossary")
    for section in edition.local_sections:
        yield Page(f"{section.id}.html", "site/local.html", section.title, section.title,
                   {"section": section})
    if edition.changes and edition.changes.language == pub.language:
        yield Page(WHAT_CHANGED_PAGE, "site/what-changed.html",
                   words.gettext("What changed in this edition"),
                   words.gettext("Every item this edition changed, so that you can read just "
                                 "these instead of the whole guidance."),
                   changes_context(pub, edition.changes, words), link_terms=False)
    if edition.adaptation:
        yield Page("adaptation.html", "site/adaptation.html",
                   words.gettext("How this copy was adapted"),
                   edition.adaptation.state.text_in(words), {"notice": notice_context(edition)})
    yield Page(SEARCH_PAGE, "site/search.html", words.gettext("Search"),
               words.gettext("Find words in this guidance, or go through every topic and its "
                             "items."), link_terms=False)
    yield Page("accessibility.html", "site/accessibility.html",
               words.gettext("Accessibility statement"),
               words.gettext("How accessible this website is, and how to ask for another format."),
               link_terms=False)
    yield Page("404.html", "site/404.html", words.gettext("Page not found"),
               words.gettext("There is no page at this address."))


def logo_name(edition: Edition) -> str:
    """Where the variant's logo goes in the site, keeping its kind (.svg, .png, .jpg)."""
    return f"assets/logo{edition.logo.suffix.lower()}" if edition.logo else ""


# The logo's height on the page in CSS pixels (style.css: 3rem); the width keeps its shape.
LOGO_HEIGHT = 48


def logo_size(edition: Edition) -> tuple[int, int]:
    """The width and height the logo's <img> states, so that the page does not shift as it
    loads: from an SVG's viewBox (or width and height), a PNG's or JPEG's pixels."""
    if not edition.logo:
        return (0, 0)
    ratio = _logo_ratio(edition)
    return (max(1, round(LOGO_HEIGHT * ratio)), LOGO_HEIGHT)


def _logo_ratio(edition: Edition) -> float:
    """Width over height; square where the file does not say (the check has passed it)."""
    assert edition.logo is not None
    if edition.logo.suffix.lower() == ".svg":
        return svg_ratio(logo_bytes(edition))
    # Imported here: Pillow takes longer to import than `check` takes to read the content,
    # and only a PNG or JPEG logo needs it.
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(edition.logo) as image:
            width, height = image.size
    except (OSError, UnidentifiedImageError):
        return 1.0
    return width / height if width > 0 and height > 0 else 1.0


_SVG_TAG = re.compile(rb"<svg\b[^>]*>")
_ATTRIBUTE = re.compile(rb'\s(viewBox|width|height)="([^"]*)"')


def svg_ratio(data: bytes) -> float:
    """Width over height of a cleaned SVG (svgsafe writes its attributes double-quoted): from
    the viewBox, else the width and height in plain numbers, else square."""
    tag = _SVG_TAG.search(data)
    found = dict(_ATTRIBUTE.findall(tag.group(0))) if tag else {}
    box = re.split(rb"[\s,]+", found.get(b"viewBox", b"").strip())
    sizes = [box[2], box[3]] if len(box) == 4 else [b"", b""]
    for width, height in (sizes, [found.get(b"width", b""), found.get(b"height", b"")]):
        ratio = _ratio(width, height) if width or height else None
        if ratio:
            return ratio
    return 1.0


def _ratio(width: bytes, height: bytes) -> float | None:
    try:
        w, h = float(width.removesuffix(b"px")), float(height.removesuffix(b"px"))
    except ValueError:
        return None
    return w / h if w > 0 and h > 0 else None


def unlinked_inline() -> Callable[[str], Markup]:
    """Inline Markdown with no links: for a topic card's summary, where a glossary link beside
    the card's own link would be a second, smaller target saying something else, and for the
    search page's list of every item."""
    return _unlinked


def _unlinked(text: str) -> Markup:
    return stand_in_marked(text, _unlinked_html(text), "span")


@lru_cache(maxsize=16384)
def _unlinked_html(text: str) -> Markup:
    # The same text gives the same HTML in every edition (no links, no terms): made once. The
    # search page lists every item of every edition, most of them the base's own words.
    return Markup(nh3.clean(_plain_renderer().inline(text), tags=set(ALLOWED_TAGS) - {"a"},
                            attributes={}))


@lru_cache(maxsize=1)
def _plain_renderer() -> MarkdownRenderer:
    return MarkdownRenderer()


def brand_assets(edition: Edition) -> dict[str, bytes]:
    """The variant's logo and a stylesheet with its colour (no inline style: strict CSP)."""
    files = {}
    if edition.logo:
        files[logo_name(edition)] = logo_bytes(edition)
    if edition.accent_colour:
        css = f":root {{ --accent: {edition.accent_colour}; }}\n"
        files["assets/brand.css"] = css.encode("ascii")
    return files


def logo_bytes(edition: Edition) -> bytes:
    """The logo as published: an SVG is written again from its checked parts, never copied, so
    that nothing the check misjudged (or a save since it ran) can reach the site."""
    assert edition.logo is not None and edition.adaptation is not None
    data = edition.logo.read_bytes()
    if edition.logo.suffix.lower() != ".svg":
        return data
    try:
        return svgsafe.clean_svg(data)
    except svgsafe.UnsafeSvg:
        organisation = edition.adaptation.variant.organisation
        problem = Problem(organisation.location, svg_logo_problem(organisation.logo, data))
        raise ContentError([problem]) from None


def notice_context(edition: Edition) -> dict[str, Any]:
    """The changes of a variant grouped the way the author reads them: to approve, or free."""
    assert edition.adaptation is not None
    changes = edition.adaptation.changes
    rules = {rule.id: rule for rule in edition.adaptation.base.adaptation.rules}
    return {
        "to_approve": [c for c in changes if c.needs_notice],
        "free": [c for c in changes if not c.needs_notice],
        "rules": rules,
        "base": edition.adaptation.base,
        "state": edition.adaptation.state,
        "variant": edition.adaptation.variant,
        # In a chain, each author with the number of changes that are theirs to approve.
        "authors": edition.adaptation.authors() if edition.adaptation.upstream else (),
    }


def _title(pub: Publication, name: str, default: str) -> str:
    """A fixed page's title: the content's own for the guidelines, else `default` translated."""
    if name == "guidelines":
        return pub.guidelines.title
    return words_for(pub.language).gettext(default)


def render_page(env: jinja2.Environment, markup: MarkdownRenderer, common: dict[str, Any],
                page: Page) -> str:
    root = "../" * page.path.count("/")
    markup.start_page(root, link_terms=page.link_terms)
    context = {**common, **page.context, "root": root, "path": page.path,
               "page_title": page.title, "description": _plain(page.description),
               "alternates": _alternates(common, page.path)}
    return render(env, page.template, context)


def _alternates(common: dict[str, Any], path: str) -> list[Alternate]:
    """The page in each language of its site (none for a site in one language)."""
    languages, here = common.get("site_languages", ((), None))
    return alternates(languages, here, path)


def _plain(markdown_text: str) -> str:
    """Markdown reduced to plain words, for a meta description."""
    return " ".join(markdown_text.replace("*", "").replace("`", "").split())


def read_assets(folder: Path) -> dict[str, bytes]:
    """The stylesheet, script and any other files under templates/assets/."""
    return {f"assets/{path.relative_to(folder).as_posix()}": path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def protected_names(pub: Publication) -> list[Markup]:
    """The protected ids, said the way a reader knows them."""
    words = words_for(pub.language)
    names = {name: _said(words, N_("the section “%(title)s”"), title=words.gettext(title))
             for name, title, _ in SECTION_PAGES}
    names.update({t.id: _said(words, N_("the topic “%(title)s”"), title=t.title)
                  for t in pub.topics})
    names.update({c.id: _said(words, N_("the contact “%(name)s” under reporting concerns"),
                              name=c.name) for c in pub.reporting.contacts})
    return [names.get(ident) or _said(words, N_("the item %(id)s"), id=ident)
            for ident in pub.adaptation.protected]


def _said(words: Words, message: str, **values: str) -> Markup:
    """A sentence with names in it, as the page shows it: each name escaped in its place, so
    that one standing in for its translation (a draft's) keeps its mark (model.StandIn)."""
    return Markup.escape(words.lookup(message)) % values
