"""The guidance as plain, frozen data: what loading produces and rendering consumes."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date

from policygen.errors import Location

LEVEL_KEYS = ("best", "safe", "poor")
DEFAULT_LEVEL_LABELS = {"best": "Best practice", "safe": "Safe practice", "poor": "Poor practice"}
CHANGE_KINDS = ("terminology", "branding", "contacts", "dates", "reword", "add", "remove",
                "move", "rename", "sections")
PERMISSIONS = ("free", "notify", "forbidden")
FIXED_PAGES = ("home", "summary", "guidelines", "glossary", "reporting", "legal", "sources",
               "about")


@dataclass(frozen=True, slots=True)
class Item:
    """One rule, note or duty, with the stable id a variant refers to it by.

    `poster` is an optional shorter wording for posters, which must be readable from across a
    room; without it the poster shows `text`.
    """

    id: str
    text: str
    location: Location = field(default=Location(""), compare=False)
    poster: str = ""

    @property
    def poster_text(self) -> str:
        return self.poster or self.text


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
    """Somewhere to find more information, and when its facts were last checked against it."""

    id: str
    name: str
    url: str
    about: str = ""
    checked: date | None = None


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
    location: Location = field(default=Location(""), compare=False)
    owner: str = field(default="", compare=False)  # a variant up a chain that set it; "" = base


@dataclass(frozen=True, slots=True)
class Adaptation:
    statement: str
    approval_route: str
    rules: tuple[AdaptationRule, ...]
    protected: tuple[str, ...] = ()
    # Ids a variant up a chain protected for its own copies: (id, organisation, its file).
    protected_by: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Revision:
    date: date
    version: str
    summary: str


class StandIn(str):
    """A text of a draft translation that has no translation yet: the main language's words
    stand in for it, and say so wherever a page shows them (source/languages.py makes them,
    only in the reading of a language that is being translated)."""

    language: str  # the language the words are in (en-GB), as a page's lang gives it

    def __new__(cls, text: str, language: str) -> StandIn:
        made = super().__new__(cls, text)
        made.language = language
        return made

    def __html__(self) -> str:
        """How a page shows it (markupsafe's protocol, which Jinja's autoescaping calls): in
        its own language, marked as not translated."""
        return (f'<span lang="{html.escape(self.language)}" class="stand-in">'
                f"{html.escape(str(self))}</span>")


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
    # The same guidance in each other language it is published in (`languages` in
    # publication.yaml), item for item, each with its own `language`; () in one language.
    twins: tuple[Publication, ...] = ()
    # In several languages: each language has posters of its own (`posters: per-language`,
    # the default), or each poster carries every language on one page (`bilingual`).
    bilingual_posters: bool = False

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language the guidance is published in, this one first."""
        return (self.language, *(twin.language for twin in self.twins))

    def in_language(self, language: str) -> Publication:
        """The guidance in one of its languages, as a publication in that language alone."""
        if language == self.language:
            return self
        return next(twin for twin in self.twins if twin.language == language)


@dataclass(frozen=True, slots=True)
class Change:
    """One difference a variant makes to the base guidance, and the adaptation rule it is under."""

    kind: str  # one of CHANGE_KINDS
    target: str  # what changed: an item, topic, section, list or field id, or a term
    before: str  # the base's text or value; empty when something is added
    after: str  # the variant's text or value; empty when something is removed
    rule: str  # the id of the adaptation rule covering this kind; empty when none does
    permission: str  # free, notify or forbidden (notify when no rule covers the kind)
    location: Location = field(default=Location(""), compare=False)  # the variant's line
    where: str = ""  # where it sits ("email/best, after email/work-account") or where terms were
    count: int = 0  # terms replaced, or links turned into plain text by an exclusion
    # In a chain (school → council → board), whose text the change alters, so whom to tell:
    # the name of that author; empty when the variant adapts the base guidance itself.
    author: str = field(default="", compare=False)
    # In guidance in several languages: the change's words in each other language, as
    # (language, after), for a change made in each (a reworded item, an added section)...
    twins: tuple[tuple[str, str], ...] = ()
    # ... or, for a change made in one language only (a Welsh term), that language; "" for
    # the main language's (and for guidance in one language).
    language: str = ""
    # An added or moved item's place as (relation, list, anchor): ("after", "email/best",
    # "email/work-account"), ("end", "email/best", "email/best"). `where` (and a move's `after`)
    # says it in English for the change report and the fingerprint; the pages say it in their
    # own language from this.
    placement: tuple[str, str, str] | tuple[()] = field(default=(), compare=False)

    @property
    def needs_notice(self) -> bool:
        return self.permission != "free"


# A variant's overlay, entry by entry (variant.py reads them; changes.py applies them).

_Day = date  # for annotations in classes that have a field called `date`


@dataclass(frozen=True, slots=True)
class Edit:
    """One entry of a variant naming what it changes (an id or a term) and the new value."""

    target: str
    value: str = ""
    location: Location = field(default=Location(""), compare=False)
    poster: str = ""  # a reworded item's shorter poster wording, when the editor gives one


@dataclass(frozen=True, slots=True)
class Placement:
    """An item to add (with its text) or to move, and where it goes.

    `relation` is "after" or "before" an item id (`anchor`), or "end" of a list (`anchor`
    is then a list name such as email/best).
    """

    id: str  # a new item's own id (add), or the full id of the item to move
    relation: str
    anchor: str
    text: str = ""
    location: Location = field(default=Location(""), compare=False)
    anchor_location: Location = field(default=Location(""), compare=False)
    poster: str = ""  # an added item's shorter poster wording


@dataclass(frozen=True, slots=True)
class FieldLines:
    """Where each field of a block was written, so that a change to one field (say the accent
    colour, or the next review date) points at its own line rather than at the block's."""

    lines: tuple[tuple[str, Location], ...] = ()

    def of(self, name: str, block: Location) -> Location:
        return next((where for field_name, where in self.lines if field_name == name), block)


@dataclass(frozen=True, slots=True)
class Organisation:
    """Who adapts the guidance, and how their copy looks."""

    name: str
    logo: str = ""  # a file in the variant's folder, relative to it
    accent_colour: str = ""  # #rrggbb, lower case
    url: str = ""
    location: Location = field(default=Location(""), compare=False)
    field_lines: FieldLines = field(default_factory=lambda: FieldLines(), compare=False)


@dataclass(frozen=True, slots=True)
class Lead:
    """The organisation's own safeguarding lead, filling the base's empty local lead."""

    name: str
    role: str = ""
    phone: str = ""
    email: str = ""
    instructions: str = ""
    location: Location = field(default=Location(""), compare=False)


@dataclass(frozen=True, slots=True)
class LocalSection:
    """A page the variant adds of its own (case law, a local procedure); text is Markdown."""

    id: str
    title: str
    text: str
    location: Location = field(default=Location(""), compare=False)


@dataclass(frozen=True, slots=True)
class SignOff:
    """A notification sent to the author, or an approval received: which changes, when."""

    date: date
    fingerprint: str
    edition: _Day | None = None  # the base edition the changes were made against
    by: str = ""  # who approved (approvals only)
    location: Location = field(default=Location(""), compare=False)
    # (item id, fingerprint of its words in the base) for each base item the changes alter,
    # as the base worded it when this was recorded: a later rewording there is drift.
    pins: tuple[tuple[str, str], ...] = ()


# In a chain, the key of the board's own author among a variant's sign-offs (the others are
# the names of the variants up the chain whose text was changed).
BASE_AUTHOR = "base"
# The key of the one author of a variant that adapts the base guidance itself.
ONLY_AUTHOR = ""


@dataclass(frozen=True, slots=True)
class SignOffs:
    """Where one author stands on a variant's changes: notice drafted, notified, approved."""

    notice_prepared: SignOff | None = None  # a draft notice written, not yet confirmed sent
    notified: SignOff | None = None
    approved: SignOff | None = None

    @property
    def records(self) -> tuple[SignOff, ...]:
        """The records there are, in the order they happen."""
        return tuple(r for r in (self.notice_prepared, self.notified, self.approved) if r)


@dataclass(frozen=True, slots=True)
class VariantDates:
    adopted: date | None = None
    last_reviewed: date | None = None
    next_review: date | None = None
    location: Location = field(default=Location(""), compare=False)
    field_lines: FieldLines = field(default_factory=lambda: FieldLines(), compare=False)


@dataclass(frozen=True, slots=True)
class TopicEdits:
    exclude: tuple[Edit, ...] = ()
    rename: tuple[Edit, ...] = ()  # target: topic id; value: the new title
    reword: tuple[Edit, ...] = ()  # target: "<topic>/summary", "<topic>/intro", "<topic>/scope"
    order: tuple[Edit, ...] = ()  # topic ids to put first, in this order


@dataclass(frozen=True, slots=True)
class ItemEdits:
    reword: tuple[Edit, ...] = ()
    remove: tuple[Edit, ...] = ()
    add: tuple[Placement, ...] = ()
    move: tuple[Placement, ...] = ()


@dataclass(frozen=True, slots=True)
class SectionEdits:
    exclude: tuple[Edit, ...] = ()
    add: tuple[LocalSection, ...] = ()
