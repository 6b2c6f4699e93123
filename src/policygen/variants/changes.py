"""Lay a variant over the base guidance: the adapted publication and the ledger of its changes.

The public entry points for a variant are here and in variant.py (reading) and ledger.py (state,
fingerprint, report); itemlists.py does the item operations and terminology.py the words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from policygen.errors import ContentError, Location, Problem, Severity, suggest
from policygen.model import (
    BASE_AUTHOR,
    FIXED_PAGES,
    Change,
    Edit,
    Glossary,
    Level,
    LocalLead,
    LocalSection,
    Publication,
    Sources,
    Summary,
    Topic,
    TopicEdits,
)
from policygen.source.content import check_unique_ids, image_problems
from policygen.source.markup import INTERNAL_LINK, LINK_KIND_NAMES
from policygen.variants.itemlists import apply_items
from policygen.variants.ledger import (
    AdaptedPublication,
    Ledger,
    Upstream,
    chain_authors,
    loosened_rules,
    missing,
    route,
    variant_next_review,
)
from policygen.variants.nearmiss import NearMisses
from policygen.variants.standing import (
    adaptation_state,
    misplaced_sign_offs,
    stale_sign_off,
)
from policygen.variants.terminology import (
    Substituter,
    missing_forms,
    substitute_prose,
    term_forms,
    unlink,
)
from policygen.variants.twinned import twinned_changes
from policygen.variants.variant import Variant


def apply_variant(pub: Publication, variant: Variant, upstream: tuple[Upstream, ...] = (),
                  base_removed: Mapping[str, str] | None = None) -> AdaptedPublication:
    """The base with the variant laid over it, and the record of every change it makes.

    `upstream` are the variants it extends, nearest first (chain.py): `pub` is then the
    nearest one's guidance, and each change is addressed to whoever wrote what it changes.
    Guidance in several languages is adapted in each (`apply_in_languages`).

    Each step takes the publication and the ledger so far and returns new ones; nothing given
    to a step is changed. Raise ContentError naming the variant's file and line for every id
    that does not exist, every change the publisher's rules refuse, and every problem in the
    merged result.
    """
    if pub.twins:
        return apply_in_languages(pub, variant, upstream, base_removed)
    laid = lay_over(pub, variant, base_removed)
    _stop_on_errors(laid.ledger.problems)
    return finish(pub, variant, laid, upstream, laid.ledger.changes)


def apply_in_languages(pub: Publication, variant: Variant, upstream: tuple[Upstream, ...],
                       base_removed: Mapping[str, str] | None) -> AdaptedPublication:
    """The variant laid over each language's guidance with its changes in that language (its
    Welsh over the Welsh), as one adapted publication holding the others as its twins: its
    changes carry their words in every language, so that the author approves them all."""
    languages = pub.languages
    pubs = [replace(pub.in_language(language), twins=()) for language in languages]
    variants = [variant.in_language(language) for language in languages]
    laid = [lay_over(p, v, base_removed) for p, v in zip(pubs, variants, strict=True)]
    _stop_on_errors(tuple(dict.fromkeys(p for each in laid for p in each.ledger.problems)))
    changes = twinned_changes(laid[0].ledger.changes,
                              [(language, each.ledger.changes)
                               for language, each in zip(languages[1:], laid[1:], strict=True)])
    main = finish(pub, variant, laid[0], upstream, changes)
    twins = tuple(in_step(finish(p, v, each, upstream, each.ledger.changes), main)
                  for p, v, each in zip(pubs[1:], variants[1:], laid[1:], strict=True))
    warnings = dict.fromkeys([*main.warnings, *(p for each in laid[1:]
                                                for p in each.ledger.problems)])
    return replace(main, publication=replace(main.publication,
                                             twins=tuple(t.publication for t in twins)),
                   twins=twins, warnings=tuple(warnings))


def in_step(twin: AdaptedPublication, main: AdaptedPublication) -> AdaptedPublication:
    """A language's adaptation standing where the whole stands (its own changes are only a
    part of what the author approves), with the names in its own language; its warnings are
    said once, with the main language's."""
    own, language = twin.state, twin.publication.language
    # In a chain whose authors stand differently, the banner names each: in this language too.
    names = {up.name: up.organisation_in(language) for up in main.upstream}
    if main.upstream:
        names[BASE_AUTHOR] = main.upstream[-1].root_author_in(language)
    parts = tuple(replace(part, author=replace(part.author, name=names.get(
        part.key, part.author.name))) for part in main.state.parts)
    state = replace(main.state, organisation=own.organisation, publisher=own.publisher,
                    via=tuple(up.organisation_in(language) for up in main.upstream),
                    parts=parts)
    return replace(twin, state=state, warnings=())


@dataclass(frozen=True, slots=True)
class LaidOver:
    """A variant laid over one language's guidance, before it is known where its changes
    stand with the author."""

    publication: Publication
    ledger: Ledger
    local: tuple[LocalSection, ...]
    excluded: tuple[str, ...]


def lay_over(pub: Publication, variant: Variant,
             base_removed: Mapping[str, str] | None) -> LaidOver:
    """Every step of the variant over guidance in one language; its problems are in the ledger."""
    ledger = Ledger.start(pub, variant, base_removed)
    adapted, ledger = apply_organisation(pub, variant, ledger)
    adapted, ledger = apply_topics(adapted, variant.topics, ledger)
    adapted, ledger = apply_items(adapted, variant.items, ledger)
    adapted, ledger = apply_labels(adapted, variant.labels, ledger)
    adapted, ledger = apply_reporting(adapted, variant, ledger)
    adapted, ledger = apply_dates(adapted, variant, ledger)
    adapted, excluded, ledger = exclude_sections(adapted, variant.sections.exclude, ledger)
    local, ledger = add_sections(variant.sections.add, ledger)
    adapted, local, ledger = apply_terminology(adapted, local, variant.terminology, ledger)
    ledger = check_merged(adapted, local, excluded, variant, ledger)
    ledger = check_own_rules(pub, variant, ledger)
    return LaidOver(adapted, ledger, local, excluded)


def _stop_on_errors(problems: tuple[Problem, ...]) -> None:
    if any(problem.is_error for problem in problems):
        raise ContentError(list(problems))


def finish(pub: Publication, variant: Variant, laid: LaidOver, upstream: tuple[Upstream, ...],
           changes: tuple[Change, ...]) -> AdaptedPublication:
    """The adapted publication, each change addressed to its author, and where they stand."""
    changes = route(changes, upstream, upstream[0].root_author) if upstream else changes
    authors = chain_authors(upstream)
    state = adaptation_state(variant, changes, pub, tuple(u.organisation for u in upstream),
                             authors)
    warnings = stale_sign_off(variant, state) + misplaced_sign_offs(variant, authors)
    return AdaptedPublication(laid.publication, pub, variant, changes, state, laid.local,
                              laid.excluded, laid.ledger.problems + warnings, upstream)


def check_own_rules(pub: Publication, variant: Variant, ledger: Ledger) -> Ledger:
    """A variant's rules for the copies that extend it may only be stricter than its own."""
    if variant.adaptation is None:
        return ledger
    for rule, kind, allowed in loosened_rules(pub.adaptation, variant.adaptation):
        ledger = ledger.with_problem(
            rule.location if rule.location.file else variant.adaptation_location,
            f"the rule '{rule.id}' makes '{kind}' changes {rule.permission} for copies of this "
            f"variant, but the guidance it adapts makes them {allowed}: a local copy may make "
            "the rules stricter for its own copies, never looser")
    return ledger


def apply_organisation(pub: Publication, variant: Variant,
                       ledger: Ledger) -> tuple[Publication, Ledger]:
    org = variant.organisation
    for name in ("name", "logo", "accent_colour", "url"):
        if getattr(org, name):
            ledger = ledger.with_change("branding", f"organisation/{name}", "",
                                        getattr(org, name), org.field_lines.of(name, org.location))
    if variant.title is None:
        return pub, ledger
    ledger = ledger.with_change("rename", "title", pub.title, variant.title.value,
                                variant.title.location)
    return replace(pub, title=variant.title.value), ledger


def apply_topics(pub: Publication, edits: TopicEdits,
                 ledger: Ledger) -> tuple[Publication, Ledger]:
    for edit in edits.exclude:
        pub, ledger = exclude_topic(pub, edit, ledger)
    topics = {topic.id: topic for topic in pub.topics}  # this step's own working copy
    for edit in edits.rename + edits.reword:
        ident, _, name = edit.target.partition("/")
        if ident not in topics:
            ledger = missing(ledger, ident, edit.location, topics, "topic")
            continue
        kind, name = ("reword", name) if name else ("rename", "title")
        ledger = ledger.with_change(kind, edit.target, getattr(topics[ident], name), edit.value,
                                    edit.location)
        new_text: dict[str, Any] = {name: edit.value}
        topics[ident] = replace(topics[ident], **new_text)
    ordered, ledger = order_topics(tuple(topics.values()), edits.order, ledger)
    return replace(pub, topics=ordered), ledger


def exclude_topic(pub: Publication, edit: Edit, ledger: Ledger) -> tuple[Publication, Ledger]:
    topic = next((t for t in pub.topics if t.id == edit.target), None)
    if topic is None:
        return pub, missing(ledger, edit.target, edit.location, (t.id for t in pub.topics),
                            "topic")
    if len(pub.topics) == 1:
        return pub, ledger.with_problem(edit.location, "a variant must keep at least one topic")
    kept = replace(pub, topics=tuple(t for t in pub.topics if t is not topic))
    kept, links = unlink(kept, "topic", {topic.id})
    ledger = ledger.with_change("sections", topic.id, topic.title, "", edit.location,
                                count=links)
    return kept, ledger.with_gone(topic.id, f"this variant excludes the topic '{topic.id}' "
                                  f"(line {edit.location.line})")


def order_topics(topics: tuple[Topic, ...], order: tuple[Edit, ...],
                 ledger: Ledger) -> tuple[tuple[Topic, ...], Ledger]:
    """The listed topics first, in the order given; the rest after them as the base has them."""
    by_id = {topic.id: topic for topic in topics}
    first: list[str] = []
    for edit in order:
        if edit.target not in by_id:
            ledger = missing(ledger, edit.target, edit.location, by_id, "topic")
        elif edit.target not in first:
            first.append(edit.target)
    ordered = tuple(by_id[i] for i in first) + tuple(t for t in topics if t.id not in first)
    ids_before, ids_after = [t.id for t in topics], [t.id for t in ordered]
    if ids_after != ids_before:
        ledger = ledger.with_change("move", "topics", ", ".join(ids_before),
                                    ", ".join(ids_after), order[0].location)
    return ordered, ledger


def apply_labels(pub: Publication, labels: tuple[Edit, ...],
                 ledger: Ledger) -> tuple[Publication, Ledger]:
    """New labels for practice levels (all topics, or `email/best` for one) and summary lists."""
    chosen = {edit.target: edit.value for edit in labels}
    for edit in labels:
        ledger = _record_label(pub, edit, ledger)

    def label(topic: Topic, level: Level) -> str:
        return chosen.get(f"{topic.id}/{level.key}") or chosen.get(level.key) or level.label

    summary = pub.summary
    return replace(pub, topics=tuple(replace(t, practice=tuple(
        replace(level, label=label(t, level)) for level in t.practice)) for t in pub.topics),
        summary=replace(summary, do=replace(summary.do, label=chosen.get("do", summary.do.label)),
                        do_not=replace(summary.do_not, label=chosen.get(
                            "do_not", summary.do_not.label)))), ledger


def _record_label(pub: Publication, edit: Edit, ledger: Ledger) -> Ledger:
    before = old_labels(pub, edit.target)
    if not before:
        return missing(ledger, edit.target.split("/")[0], edit.location,
                       (t.id for t in pub.topics), "topic")
    return ledger.with_change("terminology", f"{edit.target} (label)", ", ".join(before),
                              edit.value, edit.location)


def old_labels(pub: Publication, key: str) -> list[str]:
    if key in ("do", "do_not"):
        return [pub.summary.do.label if key == "do" else pub.summary.do_not.label]
    topic, _, level = key.rpartition("/")
    return sorted({lv.label for t in pub.topics for lv in t.practice
                   if lv.key == level and topic in ("", t.id)})


def apply_reporting(pub: Publication, variant: Variant,
                    ledger: Ledger) -> tuple[Publication, Ledger]:
    """The local lead and local contacts: the contacts kind, allowed even where protected."""
    reporting, lead = pub.reporting, variant.local_lead
    if lead is not None:
        old = reporting.local_lead
        new = LocalLead(lead.role or old.role, lead.instructions or old.instructions,
                        lead.name, lead.phone, lead.email)
        ledger = ledger.with_change("contacts", "reporting/local_lead", _lead_text(old),
                                    _lead_text(new), lead.location)
        reporting = replace(reporting, local_lead=new)
    known = {contact.id for contact in reporting.contacts}
    added = tuple(contact for contact in variant.contacts if contact.id not in known)
    for contact in variant.contacts:
        if contact.id in known:
            ledger = ledger.with_problem(contact.location, f"the contact '{contact.id}' is "
                                         "already in the base guidance; give yours its own id")
        else:
            ledger = ledger.with_change("contacts", contact.id, "", contact.name,
                                        contact.location)
    return replace(pub, reporting=replace(reporting, contacts=reporting.contacts + added)), ledger


def _lead_text(lead: LocalLead) -> str:
    return ", ".join(part for part in (lead.name, lead.role, lead.phone, lead.email) if part) \
        if lead.name else ""


def apply_dates(pub: Publication, variant: Variant,
                ledger: Ledger) -> tuple[Publication, Ledger]:
    dates = variant.dates
    for name in ("last_reviewed", "next_review"):
        mine, base = getattr(dates, name), getattr(pub.dates, name)
        if mine and mine != base:
            ledger = ledger.with_change("dates", f"dates/{name}",
                                        base.isoformat() if base else "", mine.isoformat(),
                                        dates.field_lines.of(name, dates.location))
    if dates.next_review and dates.next_review > pub.dates.next_review:
        ledger = ledger.with_problem(dates.field_lines.of("next_review", dates.location),
                                     f"the base guidance is due for review on "
                                     f"{pub.dates.next_review}, before this variant's "
                                     f"{dates.next_review}; the earlier date applies",
                                     Severity.WARNING)
    return replace(pub, dates=replace(
        pub.dates, last_reviewed=dates.last_reviewed or pub.dates.last_reviewed,
        next_review=variant_next_review(variant, pub))), ledger


def exclude_sections(pub: Publication, edits: tuple[Edit, ...],
                     ledger: Ledger) -> tuple[Publication, tuple[str, ...], Ledger]:
    excluded: list[str] = []
    for edit in edits:
        if edit.target not in excluded:
            pub, links = empty_section(pub, edit.target)
            ledger = ledger.with_change("sections", edit.target, edit.target, "",
                                        edit.location, count=links)
            excluded.append(edit.target)
    return pub, tuple(excluded), ledger


def empty_section(pub: Publication, name: str) -> tuple[Publication, int]:
    """The publication with one section's content taken out, and links to it made plain text."""
    terms = {t.id for t in pub.glossary.terms} if name == "glossary" else set()
    pub, term_links = unlink(pub, "glossary", terms)
    summary, reporting = pub.summary, pub.reporting
    emptied: dict[str, Any] = {
        "guidelines": replace(pub.guidelines, items=(), intro="", future_title="", future_text=""),
        "summary": Summary(replace(summary.do, items=()), replace(summary.do_not, items=())),
        "glossary": Glossary(()),
        "reporting": replace(reporting, intro="", emergency="", steps=(), contacts=()),
        "legal": replace(pub.legal, intro="", note="", offences=()),
        "sources": Sources(())}
    pub, page_links = unlink(replace(pub, **{name: emptied[name]}), "page", {name})
    return pub, term_links + page_links


def add_sections(local: tuple[LocalSection, ...],
                 ledger: Ledger) -> tuple[tuple[LocalSection, ...], Ledger]:
    for section in local:
        ledger = ledger.with_change("sections", section.id, "", section.title, section.location)
    return local, ledger


def apply_terminology(pub: Publication, local: tuple[LocalSection, ...], terms: tuple[Edit, ...],
                      ledger: Ledger) -> tuple[Publication, tuple[LocalSection, ...], Ledger]:
    if not terms:
        return pub, local, ledger
    # Plurals and "a"/"an" are put right in English; in another language (the Welsh of
    # guidance in two) the editor lists each form the words take.
    english = pub.language.split("-")[0] == "en"
    forms = term_forms(terms, english)
    near = NearMisses(forms, missing_forms(terms) if english else ())
    substitute = Substituter(forms, near, english)  # collects what it replaced, for the ledger
    pub = substitute_prose(pub, substitute)
    local = tuple(replace(s, title=substitute(s.title, s.id), text=substitute(s.text, s.id))
                  for s in local)
    for sighting in near.sightings():
        ledger = ledger.with_problem(sighting.entry.location, sighting.message,
                                     Severity.WARNING)
    ledger = record_terms(substitute, terms, ledger)
    return pub, local, warn_glossary_twins(pub, terms, ledger)


def record_terms(substitute: Substituter, terms: tuple[Edit, ...], ledger: Ledger) -> Ledger:
    """A change for each term replaced somewhere; a warning for each replaced nowhere."""
    used = set()
    for form, found in substitute.results():
        if found:
            used.add(form.entry.target)
        # A phrase mapped to itself ("social workers: social workers") only shields it.
        if found and form.term != form.replacement:
            ledger = ledger.with_change("terminology", form.term, form.term, form.replacement,
                                        form.entry.location,
                                        ", ".join(f"{a} {n}" for a, n in found.items()),
                                        sum(found.values()))
    for edit in terms:
        if edit.target not in used:
            ledger = ledger.with_problem(edit.location, f"the term '{edit.target}' is not found "
                                         "anywhere in the guidance, so nothing was changed; "
                                         "check its spelling", Severity.WARNING)
    return ledger


def warn_glossary_twins(pub: Publication, terms: tuple[Edit, ...], ledger: Ledger) -> Ledger:
    """Terminology can give two glossary entries one name ("AUP: RUP" beside the RUP entry)."""
    seen: dict[str, str] = {}
    for term in pub.glossary.terms:
        first = seen.setdefault(term.term.casefold(), term.id)
        cause = next((e for e in terms if e.value.casefold() == term.term.casefold()), None)
        if first != term.id and cause is not None:
            drop = first if first != term.term.casefold() else term.id
            ledger = ledger.with_problem(cause.location, f"the glossary now has two entries "
                                         f"called '{term.term}' ('{first}' and '{term.id}'); "
                                         f"remove one with items: remove: [glossary/{drop}]",
                                         Severity.WARNING)
    return ledger


def check_merged(pub: Publication, local: tuple[LocalSection, ...], excluded: tuple[str, ...],
                 variant: Variant, ledger: Ledger) -> Ledger:
    """The merged guidance is checked again: ids still unique, the variant's links all resolve."""
    sources = {variant.file: variant.source}
    ledger = ledger.with_problems(check_unique_ids(pub, sources))
    ledger = ledger.with_problems(image_problems(variant.markdown_texts, sources))
    targets = {"glossary": {t.id for t in pub.glossary.terms}, "topic": {t.id for t in pub.topics},
               "page": (set(FIXED_PAGES) - set(excluded)) | {s.id for s in local}}
    for text in variant.markdown_texts:
        for match in INTERNAL_LINK.finditer(text.text):
            kind, target = match.groups()
            if target not in targets[kind]:
                ledger = ledger.with_problem(
                    Location(text.location.file, text.line_at(match.start())),
                    f"the link '{kind}:{target}' points at a {LINK_KIND_NAMES[kind]} that is "
                    f"not in this variant{suggest(target, sorted(targets[kind]))}")
    return ledger
