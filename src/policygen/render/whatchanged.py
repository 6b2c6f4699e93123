"""The page "What changed in this edition": every item the base's new edition reworded, added,
moved or removed since the edition before it, for staff who read this instead of the whole
guidance (issue 10, point 4)."""

from __future__ import annotations

from dataclasses import dataclass

from policygen.model import Publication
from policygen.render.templating import anchor, level_label
from policygen.variants.drift import Drift, EditionChanges, word_diff_parts
from policygen.words import N_, Words

WHAT_CHANGED_PAGE = "what-changed.html"
# In the order a reader wants them: what now reads differently first, what is gone last.
_GROUPS = (("reworded", N_("Reworded")), ("added", N_("New")), ("moved", N_("Moved")),
           ("removed", N_("Removed")))
_FIXED_LISTS = {"guidelines": N_("General guidelines"), "summary/do": N_("Summary: do"),
                "summary/do_not": N_("Summary: do not"),
                "reporting/steps": N_("Reporting concerns")}
_TOPIC_LISTS = {"headline": N_("the rule"), "preamble": N_("be aware"),
                "in_place": N_("what should be in place"), "consequences": N_("consequences")}


@dataclass(frozen=True, slots=True)
class ChangedItem:
    """One changed item as the page shows it."""

    id: str
    where: str  # the list it is in now (or was in, when removed), in words
    href: str  # the page (and place) it is on now; empty when it was removed
    before: str
    after: str
    diff: tuple[tuple[str, str], ...]  # (equal | delete | insert, text), for reworded items
    moved_from: str = ""


def changes_context(pub: Publication, changes: EditionChanges,
                    words: Words) -> dict[str, object]:
    """The groups of the page, each with its items, and the two editions' days."""
    groups = [(words.gettext(title), [_item(pub, drift, words) for drift in
                                      changes.of_kind(kind)]) for kind, title in _GROUPS]
    return {"changes": changes, "groups": [(t, items) for t, items in groups if items]}


def _item(pub: Publication, drift: Drift, words: Words) -> ChangedItem:
    now = drift.place_after.split(",")[0] if drift.place_after else ""
    then = drift.place_before.split(",")[0] if drift.place_before else ""
    place = now or then or drift.id.rpartition("/")[0]
    diff = tuple(word_diff_parts(drift.before, drift.after)) if drift.kind == "reworded" else ()
    return ChangedItem(drift.id, list_label(pub, place, words),
                       "" if drift.kind == "removed" else _href(pub, drift.id, place),
                       drift.before, drift.after, diff,
                       list_label(pub, then, words) if drift.kind == "moved" else "")


def list_label(pub: Publication, name: str, words: Words) -> str:
    """A list's name as a reader knows it: "Email: best practice", "General guidelines"."""
    if name in _FIXED_LISTS:
        return words.gettext(_FIXED_LISTS[name])
    ident, _, part = name.partition("/")
    topic = next((t for t in pub.topics if t.id == ident), None)
    if topic is None:
        return name
    level = next((lv for lv in topic.practice if lv.key == part.split("/")[0]), None)
    if level is not None:
        consequences = words.gettext(_TOPIC_LISTS["consequences"])
        label = level_label(level.label, words) + (
            f" ({consequences})" if part.endswith("/consequences") else "")
    else:
        label = words.gettext(_TOPIC_LISTS.get(part, part)) if part else ""
    return f"{topic.title}: {label}" if label else topic.title


def _href(pub: Publication, ident: str, place: str) -> str:
    """The item's place on its page; a consequence has no id there (one can appear twice)."""
    topic = ident.partition("/")[0]
    if any(t.id == topic for t in pub.topics):
        page = f"topics/{topic}.html"
    else:
        page = {"guidelines": "guidelines.html", "summary": "summary.html",
                "reporting": "reporting.html"}.get(topic, "")
    if not page or place.endswith("/consequences"):
        return page
    return f"{page}#{anchor(ident)}"
