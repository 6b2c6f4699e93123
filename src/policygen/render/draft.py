"""A draft translation shown, never published: `build --draft cy` renders the guidance with
the language being translated as one of its languages (render/bilingual.py does the rest),
every page under a banner in both languages saying it is a draft, and each text not yet
translated shown in the main language, marked (model.StandIn)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import jinja2

from policygen.errors import Location, Problem
from policygen.render.templating import TemplateProblem, render
from policygen.words import N_, language_name, words_for

DRAFT_STYLE = "assets/draft.css"
BANNER_ID = 'id="draft-translation"'
_HEADING = N_("Draft translation, not published.")
_REVIEW = N_("This %(language)s is a first draft, and a %(language)s translator has not yet "
             "reviewed it.")
_STAND_INS = N_("Text not yet translated is shown in %(main)s, with a dashed border.")
_DO_NOT = N_("Do not publish these pages.")
_STAND_IN_MARK = re.compile(r'<span lang="[^"]*" class="stand-in">(.*?)</span>', re.DOTALL)


@dataclass(frozen=True, slots=True)
class DraftNotice:
    """The banner's words in one language."""

    language: str
    heading: str
    text: str


def draft_notices(draft: str, main: str) -> tuple[DraftNotice, ...]:
    """The banner in the draft's language first, then in the main one: the Welsh Language
    Standards put the Welsh first, and a reader of either must be told."""
    return tuple(_notice(tag, draft, main) for tag in (draft, main))


def _notice(tag: str, draft: str, main: str) -> DraftNotice:
    words = words_for(tag)
    said = [words.gettext(_REVIEW, language=language_name(draft, tag)),
            words.gettext(_STAND_INS, main=language_name(main.split("-")[0], tag)),
            words.gettext(_DO_NOT)]
    return DraftNotice(tag, words.gettext(_HEADING), " ".join(said))


def finished_page(page: str, template: str) -> str:
    """A draft's page: its head unmarked (a mark in the title or an attribute would be shown
    as it is written), and the banner checked to be there (a project's own templates might
    leave it out: a draft must never look like a published page)."""
    head, found, body = page.partition("</head>")
    if BANNER_ID not in body:
        raise TemplateProblem(Problem(Location(f"templates/{template}"), "a page of a draft "
                                      "translation has no draft banner: the templates must "
                                      "include site/banners.html, which shows it"))
    return _STAND_IN_MARK.sub(r"\1", head) + found + body


def draft_assets(env: jinja2.Environment) -> dict[str, bytes]:
    """The draft's stylesheet, beside the site's own (which stays as published)."""
    return {DRAFT_STYLE: render(env, "draft/draft.css", {}).encode("utf-8")}
