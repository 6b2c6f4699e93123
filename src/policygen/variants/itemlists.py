"""The lists of items a variant names (email/best, summary/do, …) and what it does to them:
remove, reword, add at a place, move."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any, TypeVar

from policygen.errors import Severity
from policygen.model import Edit, Item, ItemEdits, Level, Placement, Publication, Topic
from policygen.source.content import all_item_ids
from policygen.variants.ledger import Ledger, missing
from policygen.variants.terminology import same_objects, unlink

_OPTIONAL_LISTS = ("/headline", "/preamble", "/consequences")
Lists = Mapping[str, tuple[Item, ...]]  # read-only: a change makes new lists


def item_lists(pub: Publication) -> Lists:
    """Every list of items, by the name a variant gives it: email/best, summary/do, …"""
    lists: dict[str, tuple[Item, ...]] = {}
    for topic in pub.topics:
        lists[f"{topic.id}/headline"] = topic.headline
        lists[f"{topic.id}/preamble"] = topic.preamble
        for level in topic.practice:
            lists[f"{topic.id}/{level.key}"] = level.items
            if level.key != "best":
                lists[f"{topic.id}/{level.key}/consequences"] = level.consequences
        lists[f"{topic.id}/in_place"] = topic.in_place
    lists.update({"guidelines": pub.guidelines.items, "summary/do": pub.summary.do.items,
                  "summary/do_not": pub.summary.do_not.items,
                  "reporting/steps": pub.reporting.steps})
    return MappingProxyType(lists)


def with_item_lists(pub: Publication, lists: Lists) -> Publication:
    summary = pub.summary
    return _with(
        pub, topics=_kept(tuple(_topic_with(topic, lists) for topic in pub.topics),
                          pub.topics),
        guidelines=_with(pub.guidelines, items=lists["guidelines"]),
        summary=_with(summary, do=_with(summary.do, items=lists["summary/do"]),
                      do_not=_with(summary.do_not, items=lists["summary/do_not"])),
        reporting=_with(pub.reporting, steps=lists["reporting/steps"]))


def _topic_with(topic: Topic, lists: Lists) -> Topic:
    def level_with(level: Level) -> Level:
        return _with(level, items=lists[f"{topic.id}/{level.key}"], consequences=lists.get(
            f"{topic.id}/{level.key}/consequences", level.consequences))

    return _with(topic, headline=lists[f"{topic.id}/headline"],
                 preamble=lists[f"{topic.id}/preamble"], in_place=lists[f"{topic.id}/in_place"],
                 practice=_kept(tuple(level_with(level) for level in topic.practice),
                                topic.practice))


T = TypeVar("T")


def _with(value: T, **fields: Any) -> T:
    """The value with the fields given, or the value itself where each is what it has: the
    parts a variant does not change stay the base's own objects, which every variant shares
    (and whose walks are kept, terminology.KeptWalks)."""
    if all(getattr(value, name) is new for name, new in fields.items()):
        return value
    return replace(value, **fields)  # type: ignore[type-var]


def _kept(new: tuple[T, ...], old: tuple[T, ...]) -> tuple[T, ...]:
    return old if same_objects(new, old) else new


def apply_items(pub: Publication, edits: ItemEdits,
                ledger: Ledger) -> tuple[Publication, Ledger]:
    """Each kind of item edit in turn, each edit a step from one publication to the next."""
    for edit in edits.remove:
        pub, ledger = remove_item(pub, edit, ledger)
    for edit in edits.reword:
        pub, ledger = reword_item(pub, edit, ledger)
    for placement in edits.add:
        pub, ledger = add_item(pub, placement, ledger)
    for placement in edits.move:
        pub, ledger = move_item(pub, placement, ledger)
    ledger = check_emptied(item_lists(pub), ledger)
    # Glossary terms go last: removing one unlinks it in text the lists above may hold.
    return remove_terms(pub, edits.remove, ledger)


def check_emptied(lists: Lists, ledger: Ledger) -> Ledger:
    """A list the variant took every item out of is reported, at the last edit emptying it."""
    for name, where in ledger.emptied_by.items():
        if not lists[name] and not name.endswith(_OPTIONAL_LISTS):
            ledger = ledger.with_problem(where, f"this leaves '{name}' with no items; keep at "
                                         "least one (you can reword an item instead of "
                                         "removing it)")
    return ledger


def homes_of(lists: Lists, ident: str) -> list[str]:
    """The lists holding an item: one, or several for a shared consequence."""
    return [name for name, items in lists.items() if any(item.id == ident for item in items)]


def _item(lists: Lists, name: str, ident: str) -> Item:
    return next(item for item in lists[name] if item.id == ident)


def _changed(lists: Lists, new: Mapping[str, tuple[Item, ...]]) -> Lists:
    """The lists with some of them replaced; the lists given are left as they were."""
    return MappingProxyType({**lists, **new})


def addressable(pub: Publication, lists: Lists) -> set[str]:
    """Every id a variant may name: items, contacts, offences and glossary terms."""
    return (all_item_ids(pub) | {item.id for items in lists.values() for item in items}
            | {f"glossary/{term.id}" for term in pub.glossary.terms})


def remove_item(pub: Publication, edit: Edit, ledger: Ledger) -> tuple[Publication, Ledger]:
    """The publication without the item, from every list holding it, and the ledger saying so."""
    lists = item_lists(pub)
    homes = homes_of(lists, edit.target)
    if not homes:
        if edit.target.startswith("glossary/"):
            return pub, ledger  # done by remove_terms, once the lists are settled
        return remove_entry(pub, edit, ledger)
    text = _item(lists, homes[0], edit.target).text
    kept = {name: tuple(item for item in lists[name] if item.id != edit.target)
            for name in homes}
    ledger = ledger.with_emptied(homes, edit.location).with_change(
        "remove", edit.target, text, "", edit.location, ", ".join(homes))
    ledger = ledger.with_gone(edit.target,
                              f"this variant removes it (line {edit.location.line})")
    return with_item_lists(pub, _changed(lists, kept)), ledger


def remove_entry(pub: Publication, edit: Edit, ledger: Ledger) -> tuple[Publication, Ledger]:
    """Remove a contact or an offence, which are not in lists of items."""
    reporting, legal = pub.reporting, pub.legal
    contact = next((c for c in reporting.contacts if c.id == edit.target), None)
    offence = next((o for o in legal.offences if o.id == edit.target), None)
    if contact is None and offence is None:
        return pub, missing(ledger, edit.target, edit.location,
                            addressable(pub, item_lists(pub)))
    name = contact.name if contact is not None else offence.law if offence is not None else ""
    ledger = ledger.with_change("remove", edit.target, name, "", edit.location)
    return replace(pub, reporting=replace(reporting, contacts=tuple(
        c for c in reporting.contacts if c is not contact)), legal=replace(legal, offences=tuple(
            o for o in legal.offences if o is not offence))), ledger


def remove_terms(pub: Publication, edits: Iterable[Edit],
                 ledger: Ledger) -> tuple[Publication, Ledger]:
    for edit in (e for e in edits if e.target.startswith("glossary/")):
        pub, ledger = remove_term(pub, edit, ledger)
    return pub, ledger


def remove_term(pub: Publication, edit: Edit, ledger: Ledger) -> tuple[Publication, Ledger]:
    """The publication without a glossary term, and every link to it made plain text."""
    ident = edit.target.removeprefix("glossary/")
    term = next((t for t in pub.glossary.terms if t.id == ident), None)
    if term is None:
        return pub, missing(ledger, edit.target, edit.location,
                            addressable(pub, item_lists(pub)))
    pub = replace(pub, glossary=replace(pub.glossary, terms=tuple(
        t for t in pub.glossary.terms if t is not term)))
    pub, links = unlink(pub, "glossary", {ident})
    return pub, ledger.with_change("remove", edit.target, term.term, "", edit.location,
                                   count=links)


def reword_item(pub: Publication, edit: Edit, ledger: Ledger) -> tuple[Publication, Ledger]:
    lists = item_lists(pub)
    homes = homes_of(lists, edit.target)
    if not homes:
        return reword_term(pub, lists, edit, ledger)
    old = _item(lists, homes[0], edit.target)
    if old.text == edit.value and not edit.poster:
        return pub, ledger.with_problem(edit.location, f"the new text of '{edit.target}' is "
                                        "the same as the base's; remove this line",
                                        Severity.WARNING)
    # Without a new poster wording the poster shows the new text, never the base's old words.
    new = replace(old, text=edit.value, location=edit.location, poster=edit.poster)
    reworded = {name: tuple(new if item.id == edit.target else item for item in lists[name])
                for name in homes}
    ledger = ledger.with_change("reword", edit.target, old.text, edit.value, edit.location,
                                ", ".join(homes))
    if edit.poster:
        ledger = ledger.with_change("reword", f"{edit.target} (poster)", old.poster_text,
                                    edit.poster, edit.location, ", ".join(homes))
    return with_item_lists(pub, _changed(lists, reworded)), ledger


def reword_term(pub: Publication, lists: Lists, edit: Edit,
                ledger: Ledger) -> tuple[Publication, Ledger]:
    """Reword a glossary term's definition (`glossary/aup`)."""
    ident = edit.target.removeprefix("glossary/")
    term = next((t for t in pub.glossary.terms if f"glossary/{t.id}" == edit.target), None)
    if term is None and edit.target in all_item_ids(pub):
        return pub, ledger.with_problem(edit.location, f"'{edit.target}' is a contact or an "
                                        "offence, which cannot be reworded; remove it and add "
                                        "your own instead")
    if term is None:
        return pub, missing(ledger, edit.target, edit.location, addressable(pub, lists))
    ledger = ledger.with_change("reword", edit.target, term.definition, edit.value,
                                edit.location)
    return replace(pub, glossary=replace(pub.glossary, terms=tuple(
        replace(t, definition=edit.value) if t.id == ident else t
        for t in pub.glossary.terms))), ledger


def add_item(pub: Publication, placement: Placement,
             ledger: Ledger) -> tuple[Publication, Ledger]:
    """The publication with a new item at its place, unless the place or the id is wrong."""
    lists = item_lists(pub)
    place, ledger = resolve(lists, placement, ledger)
    if place is None:
        return pub, ledger
    name, index = place
    ident = name.split("/")[0] + "/" + placement.id
    if ident in ledger.gone or ident in addressable(pub, lists):
        return pub, ledger.with_problem(placement.location, f"the id '{ident}' is already "
                                        "used; give the new item its own id (an id is never "
                                        "reused for a different rule, even once its item is "
                                        "removed)")
    item = Item(ident, placement.text, placement.location, placement.poster)
    where, placed = describe(placement, name), placed_at(placement, name)
    ledger = ledger.with_change("add", ident, "", placement.text, placement.location, where,
                                placement=placed)
    if placement.poster:
        ledger = ledger.with_change("add", f"{ident} (poster)", "", placement.poster,
                                    placement.location, where, placement=placed)
    return with_item_lists(pub, _inserted(lists, name, index, item)), ledger


def _inserted(lists: Lists, name: str, index: int, item: Item) -> Lists:
    return _changed(lists, {name: lists[name][:index] + (item,) + lists[name][index:]})


def move_item(pub: Publication, placement: Placement,
              ledger: Ledger) -> tuple[Publication, Ledger]:
    """The publication with an item taken from its list and put at its new place."""
    lists = item_lists(pub)
    homes = homes_of(lists, placement.id)
    if len(homes) != 1 or placement.anchor == placement.id:
        return pub, _refuse_move(lists, placement, homes, ledger)
    origin = homes[0]
    item = _item(lists, origin, placement.id)
    # The place is found with the item already out, so "after x" counts from where x is then.
    without = _changed(lists, {origin: tuple(i for i in lists[origin] if i.id != placement.id)})
    place, ledger = resolve(without, placement, ledger)
    if place is None:
        return pub, ledger
    name, index = place
    ledger = ledger.with_emptied((origin,), placement.location).with_change(
        "move", placement.id, origin, describe(placement, name), placement.location,
        placement=placed_at(placement, name))
    return with_item_lists(pub, _inserted(without, name, index, item)), ledger


def _refuse_move(lists: Lists, placement: Placement, homes: list[str],
                 ledger: Ledger) -> Ledger:
    if not homes:
        return missing(ledger, placement.id, placement.location,
                       {item.id for items in lists.values() for item in items})
    if len(homes) > 1:
        return ledger.with_problem(placement.location, f"'{placement.id}' is shared by several "
                                   f"lists ({', '.join(homes)}), so it cannot be moved; remove "
                                   "it and add your own")
    return ledger.with_problem(placement.anchor_location, "an item cannot go after or before "
                               "itself")


def resolve(lists: Lists, placement: Placement,
            ledger: Ledger) -> tuple[tuple[str, int] | None, Ledger]:
    """The list and index where a placement puts its item, or None (and the ledger says why)."""
    anchor, where = placement.anchor, placement.anchor_location
    if placement.relation == "end":
        if anchor in lists:
            return (anchor, len(lists[anchor])), ledger
        return None, missing(ledger, anchor, where, lists, "list", "; lists are written like "
                             "'email/best', 'email/in_place', 'email/safe/consequences', "
                             "'summary/do' or 'guidelines'")
    homes = homes_of(lists, anchor)
    if not homes:
        return None, missing(ledger, anchor, where,
                             {i.id for items in lists.values() for i in items})
    if len(homes) > 1:
        return None, ledger.with_problem(where, f"'{anchor}' is in several lists "
                                         f"({', '.join(homes)}); say which one with 'at' or "
                                         "'to' instead")
    index = [item.id for item in lists[homes[0]]].index(anchor)
    return (homes[0], index + (placement.relation == "after")), ledger


def describe(placement: Placement, name: str) -> str:
    """The place in English, as the change report and the approval's fingerprint keep it (the
    pages say it in their language from placed_at: render.templating's place_words)."""
    if placement.relation == "end":
        return f"end of {name}"
    return f"{name}, {placement.relation} {placement.anchor}"


def placed_at(placement: Placement, name: str) -> tuple[str, str, str]:
    return placement.relation, name, placement.anchor
