"""Chains of variants: a council adapts the board's guidance, and a school adapts the council's.

`extends: northshire-council` in a school's variant.yaml makes the council's adapted guidance
the school's base. Each link is laid over the one before it (changes.py), so the school reads
the council's words, is held to the council's rules (the board's, which a council may only
tighten, never loosen), and each of its changes is addressed to whoever wrote the text it
changes: the council for the council's own text, the board for the board's.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from policygen.errors import ContentError, Problem, suggest
from policygen.model import Adaptation, Edit, Party, Publication
from policygen.source.reader import ID_PATTERN
from policygen.source.translations import translation_problems
from policygen.variants.changes import apply_variant
from policygen.variants.drift import drift_of, drift_warnings, removed_since
from policygen.variants.editions import own_editions
from policygen.variants.ledger import AdaptedPublication, Upstream
from policygen.variants.variant import (
    VARIANT_FILE,
    VARIANTS_DIR,
    Variant,
    list_variants,
    load_variant,
    translations_folder,
)

_EXTENDS = re.compile(r"""^extends:[ \t]*["']?([^\s"'#]+)["']?[ \t]*(?:#.*)?$""", re.MULTILINE)
_EXTENDS_KEY = re.compile(r"^extends[ \t]*:", re.MULTILINE)
# board → council → school → one school of a trust: more links than this is a loop made by hand
# (or a chain no one can follow on a banner).
MAX_LINKS = 4
# Kinds of change that put a variant's own words in the text; its children's changes to those
# go to it (the nearest one up the chain that wrote them).
_AUTHORING = ("add", "reword", "rename", "sections", "contacts")


def adapt(project: Path, base: Publication, name: str) -> AdaptedPublication:
    """The variant laid over its chain: the base, then each variant it extends, then itself
    (in guidance in several languages, in each: every variant of the chain is read in each)."""
    chain = load_chain(project, name, base.languages)
    pub, upstream = base, tuple[Upstream, ...]()
    for parent, child in zip(chain, chain[1:], strict=False):
        try:
            adapted = apply_variant(pub, parent, upstream,
                                    removed_since(project, parent, base))
        except ContentError as error:
            raise ContentError([*error.problems, *_error(
                child, child.extends, f"the variant this one extends, '{parent.name}', has the "
                "errors above: fix them, and this one can be built").problems]) from None
        pub, upstream = for_children(adapted), (as_upstream(adapted), *upstream)
    adapted = apply_variant(pub, chain[-1], upstream, removed_since(project, chain[-1], base))
    drift = drift_of(project, adapted, base)
    unread = own_editions(project, name)[1]
    stale = translation_problems(project, chain[-1].twin_texts, base.languages,
                                 translations_folder(name),
                                 f"policygen translate export --variant {name}") \
        if len(base.languages) > 1 else []
    if any(problem.is_error for problem in stale):  # a damaged record
        raise ContentError(stale)
    return replace(adapted, warnings=(*adapted.warnings, *drift_warnings(adapted.variant, drift),
                                      *unread, *stale),
                   drifted=(len(drift.own), len(drift.taken_over)))


def load_chain(project: Path, name: str,
               languages: tuple[str, ...] | None = None) -> tuple[Variant, ...]:
    """The variant and every variant it extends, the farthest first (read in the base's
    `languages`; None: as content/publication.yaml declares them)."""
    chain = [load_variant(project, name, languages)]
    while chain[0].extends is not None:
        link = chain[0].extends
        names = [variant.name for variant in chain]
        if link.value in names:
            loop = " → ".join([*reversed(names[:names.index(link.value) + 1]), link.value])
            raise _error(chain[0], link, f"these variants extend each other in a loop ({loop}): "
                         "one of them must adapt the base guidance, or another variant")
        if len(chain) > MAX_LINKS:
            raise _error(chain[0], link, f"a chain may have at most {MAX_LINKS} local copies "
                         f"above the base guidance; this one is longer ({' → '.join(names)} → "
                         f"{link.value} → …)")
        known = list_variants(project)
        if link.value not in known:
            raise _error(chain[0], link, f"there is no variant '{link.value}' to extend"
                         + (suggest(link.value, known) or "; the variants are: "
                            + (", ".join(known) or "none")))
        chain.insert(0, load_variant(project, link.value, languages))
    return tuple(chain)


def chain_names(project: Path, name: str) -> tuple[str, ...]:
    """The variant and those it extends, found quickly (for the build's input hash) without
    checking the files: a line `extends: name` at the top level. Where a file names a parent
    in any other way, every variant is counted in, so that no edit is missed."""
    names = [name]
    while len(names) <= MAX_LINKS + 1:
        try:
            text = (project / VARIANTS_DIR / names[-1] / VARIANT_FILE).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            break
        found = _EXTENDS.search(text)
        if found is None:
            if _EXTENDS_KEY.search(text):
                return tuple(dict.fromkeys([*names, *list_variants(project)]))
            break
        if found.group(1) in names or not ID_PATTERN.fullmatch(found.group(1)):
            break  # a loop or a wrong name: loading the variant reports it
        names.append(found.group(1))
    return tuple(names)


def _error(variant: Variant, link: Edit | None, message: str) -> ContentError:
    assert link is not None
    location = link.location
    return ContentError([Problem(location, message,
                                 source_line=variant.source.line(location.line))])


def for_children(adapted: AdaptedPublication) -> Publication:
    """The publication a variant's children adapt: its words, and its rules (the base's,
    tightened where it says so), with its own safeguarding lead as the author to tell."""
    pub = adapted.publication
    twins = tuple(_with_rules(twin, adapted.variant.in_language(twin.language))
                  for twin in pub.twins)
    return replace(_with_rules(pub, adapted.variant), twins=twins)


def _with_rules(pub: Publication, variant: Variant) -> Publication:
    rules = tightened(pub.adaptation, variant.adaptation, variant)
    return replace(pub, adaptation=rules, author=author_of(variant))


def as_upstream(adapted: AdaptedPublication) -> Upstream:
    """What a child needs to know of a variant it extends."""
    owns = {change.target for change in adapted.changes if change.kind in _AUTHORING}
    owns |= {section.id for section in adapted.local_sections}
    names = tuple((twin.language, twin.organisation.name) for twin in adapted.variant.twins)
    root_names = adapted.upstream[-1].root_names if adapted.upstream else tuple(
        (twin.language, twin.author.name) for twin in adapted.base.twins)
    return Upstream(adapted.variant.name, adapted.variant.organisation.name,
                    author_of(adapted.variant), frozenset(owns), adapted.root_author, names,
                    root_names)


def author_of(variant: Variant) -> Party:
    """Whom a child of this variant tells about its changes: its safeguarding lead."""
    lead = variant.local_lead
    if lead is None:
        return Party(variant.organisation.name, url=variant.organisation.url)
    return Party(variant.organisation.name, url=variant.organisation.url, email=lead.email,
                 phone=lead.phone, role=" ".join(filter(None, [lead.name, lead.role])))


def tightened(base: Adaptation, own: Adaptation | None, variant: Variant) -> Adaptation:
    """The base's rules with a variant's own laid over them, kind by kind (checked by
    `ledger.loosened_rules` to be no looser); its protected ids are added to the base's."""
    if own is None:
        return base
    claimed = {kind for rule in own.rules for kind in rule.changes}
    kept = tuple(replace(rule, changes=tuple(k for k in rule.changes if k not in claimed))
                 for rule in base.rules)
    owned = tuple(replace(rule, owner=variant.organisation.name) for rule in own.rules)
    return Adaptation(own.statement or base.statement, own.approval_route or base.approval_route,
                      owned + tuple(rule for rule in kept if rule.changes),
                      tuple(dict.fromkeys(base.protected + own.protected)),
                      base.protected_by + tuple((ident, variant.organisation.name, variant.file)
                                                for ident in own.protected))
