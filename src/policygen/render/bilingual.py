"""A site in several languages: the main language's pages at the top, each other language's in
its own folder (`cy/`) with the same pages in the same places, every page linked to its twins.

Each language's pages are a whole site of their own (with its own assets and search index), so
that the Welsh site can be published on a Welsh address of its own as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from policygen.render.edition import Edition, language_folder
from policygen.words import language_name

WELSH = "cy"


@dataclass(frozen=True, slots=True)
class SiteLanguage:
    """One language of the site: where its pages go and what its readers call it."""

    tag: str  # the language tag, as in `lang` and `hreflang` (cy)
    folder: str  # where its pages go in the edition's output: "" for the main one, "cy/"
    name: str  # the language in its own words (Cymraeg), as its readers look for it
    url: str = ""  # the address of its pages when the site has one


@dataclass(frozen=True, slots=True)
class Alternate:
    """A page's twin in one language (the page itself among them, as hreflang wants)."""

    language: SiteLanguage
    href: str  # relative to the page
    url: str  # the twin's full address, or `href` when the site has no address
    current: bool


def language_sites(edition: Edition) -> list[tuple[SiteLanguage, Edition]]:
    """The edition in each of its languages, each with where its pages go."""
    pub = edition.publication
    found = []
    for language in pub.languages:
        folder = language_folder(language) if language != pub.language else ""
        url = pub.site_url + folder if pub.site_url else ""
        here = SiteLanguage(language, folder, language_name(language, language), url)
        twin = replace(pub.in_language(language), site_url=url, twins=())
        # A variant's pages in each language show its changes in that language.
        adaptation = edition.adaptation.in_language(language) if edition.adaptation else None
        # And what the edition changed, in that language's words where they are on record.
        changes = edition.changes.in_language(language) if edition.changes else None
        found.append((here, replace(edition, publication=twin, adaptation=adaptation,
                                    changes=changes)))
    return found


def alternates(languages: tuple[SiteLanguage, ...], here: SiteLanguage | None,
               path: str) -> list[Alternate]:
    """The page at `path` (within its language's folder) in every language; none when the
    site has only one."""
    if len(languages) < 2 or here is None:
        return []
    top = "../" * (here.folder + path).count("/")  # from the page up to the edition's top
    return [Alternate(language, top + language.folder + path,
                      language.url + path if language.url else top + language.folder + path,
                      language == here)
            for language in languages]


def language_editions(edition: Edition) -> list[Edition]:
    """The edition in each of its languages, its prefix the folder of that language's PDFs."""
    return [replace(in_language, prefix=edition.prefix + here.folder)
            for here, in_language in language_sites(edition)]


def shares_posters(edition: Edition) -> bool:
    """Whether the edition's posters are bilingual: one for every language, at the top."""
    pub = edition.publication
    return len(pub.languages) > 1 and pub.bilingual_posters


def poster_order(editions: list[Edition]) -> list[Edition]:
    """The languages in the order a bilingual poster shows them: Welsh first, as a sign in
    Wales has it (the Welsh Language Standards ask that the Welsh be read first), whatever
    `languages` puts first for the site; then the others as `languages` lists them."""
    return sorted(editions, key=lambda e: e.publication.language.split("-")[0] != WELSH)


def language_downloads(downloads: Mapping[str, int], here: SiteLanguage,
                       languages: tuple[SiteLanguage, ...]) -> dict[str, int]:
    """The PDFs ({path: size}) in a language's folder, each path from the top of its pages
    (cy/handbook.pdf is the Welsh pages' handbook.pdf): those its pages link to."""
    others = tuple(language.folder for language in languages
                   if language.folder and language != here)
    return {path.removeprefix(here.folder): size for path, size in downloads.items()
            if path.startswith(here.folder) and not path.startswith(others)}


def poster_copies(editions: list[Edition]) -> dict[str, tuple[str, ...]]:
    """Where bilingual posters go besides the main language's posters/: the same files in
    each other language's folder (cy/posters/), since each language's pages are a whole site
    that may be published on its own."""
    return {f"{e.prefix}posters/": tuple(f"{e.prefix}{folder}posters/"
                                         for folder in e.language_folders[1:])
            for e in editions if shares_posters(e)}
