"""variants/index.html, the board's overview of its local copies: each one's organisation,
whose guidance it adapts, where its changes stand, the edition they were signed off for, how
many items the base has changed under it since, and its review."""

from __future__ import annotations

import jinja2

from policygen.render.edition import Edition
from policygen.render.site import Page, add_shared_parts, common_context, render_page
from policygen.render.variant_entries import VARIANT_INDEX, VariantEntry
from policygen.source.markup import MarkdownRenderer
from policygen.variants.standing import base_edition
from policygen.words import words_for


def render_variant_index(base: Edition, entries: list[VariantEntry],
                         env: jinja2.Environment) -> bytes:
    """variants/index.html: every variant, its organisation, its approval and review state."""
    markup = MarkdownRenderer(base.publication.glossary.terms)
    common = {**common_context(base, markup), "downloads": {}}
    add_shared_parts(env, common)
    words = words_for(base.publication.language)
    page = Page(VARIANT_INDEX, "site/variants.html",
                words.gettext("Local versions of this guidance"),
                words.gettext("Organisations that have adapted this guidance, and where their "
                              "changes stand."),
                {"entries": sorted(entries, key=lambda e: e.name),
                 "edition": base_edition(base.publication)})
    return render_page(env, markup, common, page).encode("utf-8")
