"""The guidance as plain, frozen data: what loading produces and rendering consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .errors import Location

LEVEL_KEYS = ("best", "safe", "poor")
DEFAULT_LEVEL_LABELS = {"best": "Best practice", "safe": "Safe practice", "poor": "Poor practice"}
CHANGE_KINDS = ("terminology", "branding", "contacts", "dates", "reword", "add", "remove",
                "move", "rename", "sections")
PERMISSIONS = ("free", "notify", "forbidden")
FIXED_PAGES = ("home", "summary", "guidelines", "glossary", "reporting", "legal", "sources",
               "about")


@dataclass(frozen=True, slots=True)
class Item:
    """One rule, note or duty, with the stable id a variant refers to it by."""

    id: str
    text: str
    location: Location = field(default=Location(""), compare=False)


@dataclass(frozen=True, slots=True)
class Level:
    """One practice level (best, safe or poor) of a topic."""

    key: str
    label: str
    items: tuple[Item, ...]
    consequences: tuple[Item, ...] = ()


@dataclass(frozen=True, slots=True)
class Topic:
    """One subject of the guidance (email, images, …) from content/topics/<id>.yaml."""

    id: str
    title: str
    summary: str
    practice: tuple[Level, ...]
    in_place: tuple[Item, ...]
    intro: str = ""
    headline: tuple[Item, ...] = ()
    scope: str = ""
    preamble: tuple[Item, ...] = ()
    location: Location = field(default=Location(""), compare=False)


@dataclass(frozen=True, slots=True)
class Guidelines:
    title: str
    items: tuple[Item, ...]
    intro: str = ""
    future_title: str = ""
    future_text: str = ""


@dataclass(frozen=True, slots=True)
class Checklist:
    """One of the summary lists (DO or DO NOT)."""

    label: str
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    do: Checklist
    do_not: Checklist
    intro: str = ""


@dataclass(frozen=True, slots=True)
class Term:
    """A glossary entry; `aliases` are other words linked to it."""

    id: str
    term: str
    definition: str
    stands_for: str = ""
    aliases: tuple[str, ...] = ()
    group: str = "core"
    location: Location = field(default=Location(""), compare=False)


@dataclass(frozen=True, slots=True)
class Glossary:
    terms: tuple[Term, ...]
    intro: str = ""


@dataclass(frozen=True, slots=True)
class Contact:
    """Somewhere to report a concern or get help."""

    id: str
    name: str
    purpose: str
    phone: str = ""
    url: str = ""
    email: str = ""
    location: Location = field(default=Location(""), compare=False)


@dataclass(frozen=True, slots=True)
class LocalLead:
    """The organisation's own safeguarding lead; the base leaves name and numbers empty."""

    role: str
    instructions: str
    name: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class Reporting:
    intro: str
    emergency: str
    local_lead: LocalLead
    steps: tuple[Item, ...]
    contacts: tuple[Contact, ...]


@dataclass(frozen=True, slots=True)
class Offence:
    id: str
    law: str
    offence: str
    summary_maximum: str = ""
    indictment_maximum: str = ""
    location: Location = field(default=Location(""), compare=False)


@dataclass(frozen=True, slots=True)
class Legal:
    intro: str
    checked_on: date
    note: str
    offences: tuple[Offence, ...]


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    name: str
    url: str
    about: str = ""


@dataclass(frozen=True, slots=True)
class SourceGroup:
    id: str
    title: str
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class Sources:
    groups: tuple[SourceGroup, ...]
    intro: str = ""


@dataclass(frozen=True, slots=True)
class Party:
    """A publisher or author: who they are and how to reach them."""

    name: str
    url: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    role: str = ""


@dataclass(frozen=True, slots=True)
class Approval:
    body: str
    date: date


@dataclass(frozen=True, slots=True)
class Dates:
    """Kept apart on purpose: updated is not reviewed, and neither is the next review."""

    published: date
    next_review: date
    last_updated: date | None = None
    last_reviewed: date | None = None


@dataclass(frozen=True, slots=True)
class AdaptationRule:
    """What local copies may do with some kinds of change: free, notify or forbidden."""

    id: str
    changes: tuple[str, ...]
    permission: str
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class Adaptation:
    statement: str
    approval_route: str
    rules: tuple[AdaptationRule, ...]
    protected: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Revision:
    date: date
    version: str
    summary: str


@dataclass(frozen=True, slots=True)
class Publication:
    """The whole guidance: metadata from publication.yaml and every section."""

    title: str
    introduction: str
    audience: str
    publisher: Party
    author: Party
    approval: Approval
    dates: Dates
    adaptation: Adaptation
    revisions: tuple[Revision, ...]
    topics: tuple[Topic, ...]
    guidelines: Guidelines
    summary: Summary
    glossary: Glossary
    reporting: Reporting
    legal: Legal
    sources: Sources
    subtitle: str = ""
    language: str = "en-GB"
    site_url: str = ""
    review_cycle: str = ""
    warn_days: int = 60
    supporting_documents: tuple[str, ...] = ()
    circulated_to: tuple[str, ...] = ()
