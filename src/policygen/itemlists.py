"""The lists of items a variant names (email/best, summary/do, …) and what it does to them:
remove, reword, add at a place, move."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from .content import all_item_ids
from .errors import Severity
from .ledger import Ledger, missing
from .model import Edit, Item, ItemEdits, Level, Placement, Publication, Topic
from .terminology import unlink

_OPTIONAL_LISTS = ("/headline", "/preamble", "/consequences")
Lists = dict[str, tuple[Item, ...]]


def item_lists(pub: Publication) -> Lists:
    """Every list of items, by the name a variant gives it: email/best, summary/do, …"""
    lists: Lists = {}
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
    return lists


def with_item_lists(pub: Publication, lists: Lists) -> Publication:
    summary = pub.summary
    return replace(
        pub, topics=tuple(_topic_with(topic, lists) for topic in pub.topics),
        guidelines=replace(pub.guidelines, items=lists["guidelines"]),
        summary=replace(summary, do=replace(summary.do, items=lists["summary/do"]),
                        do_not=replace(summary.do_not, items=lists["summary/do_not"])),
        reporting=replace(pub.reporting, steps=lists["reporting/steps"]))


def _topic_with(topic: Topic, lists: Lists) -> Topic:
    def level_with(level: Level) -> Level:
        return replace(level, items=lists[f"{topic.id}/{level.key}"], consequences=lists.get(
            f"{topic.id}/{level.key}/consequences", level.consequences))

    return replace(topic, headline=lists[f"{topic.id}/headline"],
                   preamble=lists[f"{topic.id}/preamble"], in_place=lists[f"{topic.id}/in_place"],
                   practice=tuple(level_with(level) for level in topic.practice))


def apply_items(pub: Publication, edits: ItemEdits, ledger: Ledger) -> Publication:
    lists = item_lists(pub)
    for edit in edits.remove:
        pub = remove_item(pub, lists, edit, ledger)
    for edit in edits.reword:
        pub = reword_item(pub, lists, edit, ledger)
    for placement in edits.add:
        add_item(pub, lists, placement, ledger)
    for placement in edits.move:
        move_item(lists, placement, ledger)
    for name, where in ledger.emptied_by.items():
        if not lists[name] and not name.endswith(_OPTIONAL_LISTS):
            ledger.error(where, f"this leaves '{name}' with no items; keep at least one (you "
                         "can reword an item instead of removing it)")
    # Glossary terms go last: removing one unlinks it in text the lists above may hold.
    return remove_terms(with_item_lists(pub, lists), edits.remove, ledger)


def homes_of(lists: Lists, ident: str) -> list[str]:
    """The lists holding an item: one, or several for a shared consequence."""
    return [name for name, items in lists.items() if any(item.id == ident for item in items)]


def _item(lists: Lists, name: str, ident: str) -> Item:
    return next(item for item in lists[name] if item.id == ident)


def addressable(pub: Publication, lists: Lists) -> set[str]:
    """Every id a variant may name: items, contacts, offences and glossary terms."""
    return (all_item_ids(pub) | {item.id for items in lists.values() for item in items}
            | {f"glossary/{term.id}" for term in pub.glossary.terms})


def remove_item(pub: Publication, lists: Lists, edit: Edit,
                ledger: Ledger) -> Publication:
    homes = homes_of(lists, edit.target)
    if not homes:
        return pub if edit.target.startswith("glossary/") else remove_entry(pub, edit, ledger)
    text = _item(lists, homes[0], edit.target).text
    for name in homes:
        lists[name] = tuple(item for item in lists[name] if item.id != edit.target)
        ledger.emptied_by[name] = edit.location
    ledger.record("remove", edit.target, text, "", edit.location, ", ".join(homes))
    ledger.gone[edit.target] = f"this variant removes it (line {edit.location.line})"
    return pub


def remove_entry(pub: Publication, edit: Edit, ledger: Ledger) -> Publication:
    """Remove a contact or an offence, which are not in lists of items."""
    reporting, legal = pub.reporting, pub.legal
    contact = next((c for c in reporting.contacts if c.id == edit.target), None)
    offence = next((o for o in legal.offences if o.id == edit.target), None)
    if contact is None and offence is None:
        missing(ledger, edit.target, edit.location, addressable(pub, item_lists(pub)))
        return pub
    name = contact.name if contact is not None else offence.law if offence is not None else ""
    ledger.record("remove", edit.target, name, "", edit.location)
    return replace(pub, reporting=replace(reporting, contacts=tuple(
        c for c in reporting.contacts if c is not contact)), legal=replace(legal, offences=tuple(
            o for o in legal.offences if o is not offence)))


def remove_terms(pub: Publication, edits: Iterable[Edit], ledger: Ledger) -> Publication:
    for edit in (e for e in edits if e.target.startswith("glossary/")):
        ident = edit.target.removeprefix("glossary/")
        term = next((t for t in pub.glossary.terms if t.id == ident), None)
        if term is None:
            missing(ledger, edit.target, edit.location, addressable(pub, item_lists(pub)))
            continue
        pub = replace(pub, glossary=replace(pub.glossary, terms=tuple(
            t for t in pub.glossary.terms if t is not term)))
        pub, links = unlink(pub, "glossary", {ident})
        ledger.record("remove", edit.target, term.term, "", edit.location, count=links)
    return pub


def reword_item(pub: Publication, lists: Lists, edit: Edit,
                ledger: Ledger) -> Publication:
    homes = homes_of(lists, edit.target)
    if not homes:
        return reword_term(pub, lists, edit, ledger)
    old = _item(lists, homes[0], edit.target)
    if old.text == edit.value and not edit.poster:
        ledger.error(edit.location, f"the new text of '{edit.target}' is the same as the "
                     "base's; remove this line", Severity.WARNING)
        return pub
    # Without a new poster wording the poster shows the new text, never the base's old words.
    new = replace(old, text=edit.value, location=edit.location, poster=edit.poster)
    for name in homes:
        lists[name] = tuple(new if item.id == edit.target else item for item in lists[name])
    ledger.record("reword", edit.target, old.text, edit.value, edit.location, ", ".join(homes))
    if edit.poster:
        ledger.record("reword", f"{edit.target} (poster)", old.poster_text, edit.poster,
                      edit.location, ", ".join(homes))
    return pub


def reword_term(pub: Publication, lists: Lists, edit: Edit,
                ledger: Ledger) -> Publication:
    """Reword a glossary term's definition (`glossary/aup`)."""
    ident = edit.target.removeprefix("glossary/")
    term = next((t for t in pub.glossary.terms if f"glossary/{t.id}" == edit.target), None)
    if term is None and edit.target in all_item_ids(pub):
        ledger.error(edit.location, f"'{edit.target}' is a contact or an offence, which cannot "
                     "be reworded; remove it and add your own instead")
    elif term is None:
        missing(ledger, edit.target, edit.location, addressable(pub, lists))
    if term is None:
        return pub
    ledger.record("reword", edit.target, term.definition, edit.value, edit.location)
    return replace(pub, glossary=replace(pub.glossary, terms=tuple(
        replace(t, definition=edit.value) if t.id == ident else t for t in pub.glossary.terms)))


def add_item(pub: Publication, lists: Lists, placement: Placement,
             ledger: Ledger) -> None:
    place = resolve(lists, placement, ledger)
    if place is None:
        return
    name, index = place
    ident = name.split("/")[0] + "/" + placement.id
    if ident in ledger.gone or ident in addressable(pub, lists):
        ledger.error(placement.location, f"the id '{ident}' is already used; give the new "
                     "item its own id (an id is never reused for a different rule, even once "
                     "its item is removed)")
        return
    item = Item(ident, placement.text, placement.location, placement.poster)
    lists[name] = lists[name][:index] + (item,) + lists[name][index:]
    ledger.record("add", ident, "", placement.text, placement.location, describe(placement, name))
    if placement.poster:
        ledger.record("add", f"{ident} (poster)", "", placement.poster, placement.location,
                      describe(placement, name))


def move_item(lists: Lists, placement: Placement, ledger: Ledger) -> None:
    homes = homes_of(lists, placement.id)
    if len(homes) != 1 or placement.anchor == placement.id:
        _refuse_move(lists, placement, homes, ledger)
        return
    origin, saved = homes[0], lists[homes[0]]
    item = _item(lists, origin, placement.id)
    lists[origin] = tuple(i for i in saved if i.id != placement.id)
    place = resolve(lists, placement, ledger)
    if place is None:
        lists[origin] = saved
        return
    name, index = place
    lists[name] = lists[name][:index] + (item,) + lists[name][index:]
    ledger.emptied_by[origin] = placement.location
    ledger.record("move", placement.id, origin, describe(placement, name), placement.location)


def _refuse_move(lists: Lists, placement: Placement, homes: list[str],
                 ledger: Ledger) -> None:
    if not homes:
        missing(ledger, placement.id, placement.location,
                {item.id for items in lists.values() for item in items})
    elif len(homes) > 1:
        ledger.error(placement.location, f"'{placement.id}' is shared by several lists "
                     f"({', '.join(homes)}), so it cannot be moved; remove it and add your own")
    else:
        ledger.error(placement.anchor_location, "an item cannot go after or before itself")


def resolve(lists: Lists, placement: Placement,
            ledger: Ledger) -> tuple[str, int] | None:
    """The list and index where a placement puts its item, or None (reported)."""
    anchor, where = placement.anchor, placement.anchor_location
    if placement.relation == "end":
        if anchor in lists:
            return anchor, len(lists[anchor])
        missing(ledger, anchor, where, lists, "list", "; lists are written like 'email/best', "
                "'email/in_place', 'email/safe/consequences', 'summary/do' or 'guidelines'")
        return None
    homes = homes_of(lists, anchor)
    if len(homes) != 1:
        if homes:
            ledger.error(where, f"'{anchor}' is in several lists ({', '.join(homes)}); say "
                         "which one with 'at' or 'to' instead")
        else:
            missing(ledger, anchor, where, {i.id for items in lists.values() for i in items})
        return None
    index = [item.id for item in lists[homes[0]]].index(anchor)
    return homes[0], index + (placement.relation == "after")


def describe(placement: Placement, name: str) -> str:
    if placement.relation == "end":
        return f"end of {name}"
    return f"{name}, {placement.relation} {placement.anchor}"
