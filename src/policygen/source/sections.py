"""Readers for each kind of content file: YAML nodes in, model objects out."""

from __future__ import annotations

from datetime import date

from yaml.nodes import MappingNode, Node, SequenceNode

from policygen.errors import suggest
from policygen.model import (
    CHANGE_KINDS,
    DEFAULT_LEVEL_LABELS,
    LEVEL_KEYS,
    PERMISSIONS,
    Adaptation,
    AdaptationRule,
    Approval,
    Checklist,
    Contact,
    Dates,
    Glossary,
    Guidelines,
    Item,
    Legal,
    Level,
    LocalLead,
    Offence,
    Party,
    Reporting,
    Revision,
    Source,
    SourceGroup,
    Sources,
    Summary,
    Term,
    Topic,
)
from policygen.source.names import check_fields
from policygen.source.reader import Reader

_SOME_DAY = date(1970, 1, 1)  # stands in for a date already reported as wrong
_CODES = ("email", "phone")  # a party's fields written once, whatever the language


def read_party(r: Reader, node: Node, what: str, required: tuple[str, ...]) -> Party:
    f = r.fields(node, what, required, tuple(
        n for n in ("name", "url", "email", "phone", "address", "role") if n not in required))
    if f is None:
        return Party("")
    # Names, roles and addresses are words a reader reads; an email or phone number is the
    # same in every language.
    found = {name: r.text(value, f"'{name}' of {what}", name not in _CODES)
             for name, value in f.items() if name != "url"}
    check_fields(r, f, what)  # the author's name and email go into the notice's To
    # A web address goes into a link: only http(s), never javascript: or the like.
    return Party(**found, url=read_url(r, f.get("url"), f"'url' of {what}"))


def read_dates(r: Reader, node: Node) -> Dates:
    f = r.fields(node, "dates", ("published", "next_review"), ("last_updated", "last_reviewed"))
    f = f or {}
    found = {name: r.date(value, f"the date '{name}'") for name, value in f.items()}
    return Dates(published=found.get("published") or _SOME_DAY,
                 next_review=found.get("next_review") or _SOME_DAY,
                 last_updated=found.get("last_updated"),
                 last_reviewed=found.get("last_reviewed"))


def read_approval(r: Reader, node: Node) -> Approval:
    f = r.fields(node, "approval", ("body", "date")) or {}
    body = r.text(f["body"], "the approving body") if "body" in f else ""
    when = r.date(f["date"], "the approval date") if "date" in f else None
    return Approval(body, when or _SOME_DAY)


def read_adaptation(r: Reader, node: Node) -> Adaptation:
    f = r.fields(node, "adaptation", ("statement", "approval_route", "rules"), ("protected",))
    f = f or {}
    rules = tuple(read_rule(r, ident, value) for ident, _, value in
                  (r.entries(f["rules"], "the adaptation rules") if "rules" in f else []))
    claimed: dict[str, str] = {}
    for rule in rules:
        for kind in rule.changes:
            if kind in claimed:
                r.error(f["rules"], f"the kind of change '{kind}' is in two rules "
                        f"('{claimed[kind]}' and '{rule.id}'); each kind belongs to one rule")
            claimed[kind] = rule.id
    return Adaptation(
        statement=r.optional_markdown(f, "statement", "the adaptation statement"),
        approval_route=r.optional_markdown(f, "approval_route", "the approval route"),
        rules=rules,
        protected=r.text_list(f["protected"], "protected", twin=False)
        if "protected" in f else (),
    )


def read_rule(r: Reader, ident: str, node: Node) -> AdaptationRule:
    what = f"the adaptation rule '{ident}'"
    f = r.fields(node, what, ("changes", "permission"), ("explanation",)) or {}
    changes = r.text_list(f["changes"], f"'changes' of {what}", twin=False) \
        if "changes" in f else ()
    for kind in changes:
        if kind not in CHANGE_KINDS:
            r.error(f["changes"], f"unknown kind of change '{kind}' in {what}; expected "
                    f"one of: {', '.join(CHANGE_KINDS)}")
    permission = r.optional_text(f, "permission", f"'permission' of {what}", twin=False)
    if permission and permission not in PERMISSIONS:
        r.error(f["permission"], f"unknown permission '{permission}' in {what}; expected "
                f"one of: {', '.join(PERMISSIONS)}")
    return AdaptationRule(ident, changes, permission,
                          r.optional_markdown(f, "explanation", f"'explanation' of {what}"),
                          r.location(node))


def read_revisions(r: Reader, node: Node) -> tuple[Revision, ...]:
    if not isinstance(node, SequenceNode) or not node.value:
        r.error(node, "revisions should be a list of entries, each with date, version and "
                "summary")
        return ()
    revisions: list[Revision] = []
    for entry in node.value:
        f = r.fields(entry, "a revision", ("date", "version", "summary"))
        if f and len(f) == 3:
            when = r.date(f["date"], "the revision date")
            if when and revisions and when > revisions[-1].date:
                r.error(f["date"], "revisions are listed newest first: this one is newer than "
                        "the one above it")
            revisions.append(Revision(when or _SOME_DAY,
                                      r.text(f["version"], "the version", twin=False),
                                      r.markdown(f["summary"], "the revision summary")))
    return tuple(revisions)


def read_topic(r: Reader, topic_id: str, node: Node,
               shared: dict[str, Item]) -> Topic | None:
    f = r.fields(node, f"the topic '{topic_id}'", ("title", "summary", "practice", "in_place"),
                 ("intro", "headline", "scope", "preamble"))
    if f is None:
        return None
    prefix = topic_id + "/"
    optional_items = {name: r.items(f[name], f"'{name}'", prefix) if name in f else ()
                      for name in ("headline", "preamble")}
    return Topic(
        id=topic_id,
        title=r.optional_text(f, "title", "the title"),
        summary=r.optional_markdown(f, "summary", "the summary"),
        intro=r.optional_markdown(f, "intro", "the intro"),
        scope=r.optional_markdown(f, "scope", "the scope"),
        practice=read_practice(r, f["practice"], prefix, shared) if "practice" in f else (),
        in_place=r.items(f["in_place"], "'in_place'", prefix) if "in_place" in f else (),
        location=r.location(node),
        **optional_items,
    )


def read_practice(r: Reader, node: Node, prefix: str,
                  shared: dict[str, Item]) -> tuple[Level, ...]:
    f = r.fields(node, "'practice'", LEVEL_KEYS)
    if f is None:
        return ()
    return tuple(read_level(r, key, f[key], prefix, shared) for key in LEVEL_KEYS if key in f)


def read_level(r: Reader, key: str, node: Node, prefix: str,
               shared: dict[str, Item]) -> Level:
    what = f"the '{key}' practice level"
    if key == "best" and isinstance(node, MappingNode):
        for field_key, _ in node.value:
            if field_key.value in ("consequences", "shared_consequences"):
                r.error(field_key, "best practice has no consequences; put them on the safe or "
                        "poor level they warn about")
        node = MappingNode(node.tag, [(k, v) for k, v in node.value if k.value not in (
            "consequences", "shared_consequences")], node.start_mark, node.end_mark)
    optional = ("label",) if key == "best" else ("label", "consequences", "shared_consequences")
    f = r.fields(node, what, ("items",), optional) or {}
    consequences = r.items(f["consequences"], f"the consequences of {what}", prefix) \
        if "consequences" in f else ()
    return Level(
        key=key,
        label=r.optional_text(f, "label", f"the label of {what}") or DEFAULT_LEVEL_LABELS[key],
        items=r.items(f["items"], f"the items of {what}", prefix) if "items" in f else (),
        consequences=consequences + read_shared(r, f.get("shared_consequences"), shared),
    )


def read_shared(r: Reader, node: Node | None, shared: dict[str, Item]) -> tuple[Item, ...]:
    if node is None:
        return ()
    found = []
    for ident in r.text_list(node, "shared_consequences", twin=False):
        if ident in shared:
            found.append(shared[ident])
        else:
            r.error(node, f"no shared consequence with the id '{ident}' in consequences.yaml"
                    + suggest(ident, tuple(shared)))
    return tuple(found)


def read_consequences(r: Reader, node: Node) -> dict[str, Item]:
    f = r.fields(node, "consequences.yaml", ("consequences",)) or {}
    items = r.items(f["consequences"], "the shared consequences", "consequences/") \
        if "consequences" in f else ()
    return {item.id.removeprefix("consequences/"): item for item in items}


def read_guidelines(r: Reader, node: Node) -> Guidelines:
    f = r.fields(node, "guidelines.yaml", ("title", "items"), ("intro", "future")) or {}
    future_title = future_text = ""
    if "future" in f:
        ff = r.fields(f["future"], "'future'", ("title", "text")) or {}
        future_title = r.optional_text(ff, "title", "the title of 'future'")
        future_text = r.optional_markdown(ff, "text", "the text of 'future'")
    return Guidelines(
        title=r.optional_text(f, "title", "the title"),
        items=r.items(f["items"], "the guidelines", "guidelines/") if "items" in f else (),
        intro=r.optional_markdown(f, "intro", "the intro"),
        future_title=future_title, future_text=future_text)


def read_summary(r: Reader, node: Node) -> Summary:
    f = r.fields(node, "summary.yaml", ("do", "do_not"), ("intro",)) or {}
    lists = {}
    for name in ("do", "do_not"):
        ff = r.fields(f[name], f"'{name}'", ("label", "items")) or {} if name in f else {}
        lists[name] = Checklist(
            r.optional_text(ff, "label", f"the label of '{name}'"),
            r.items(ff["items"], f"the items of '{name}'", "summary/") if "items" in ff else ())
    return Summary(lists["do"], lists["do_not"], r.optional_markdown(f, "intro", "the intro"))


def read_glossary(r: Reader, node: Node) -> Glossary:
    f = r.fields(node, "glossary.yaml", ("terms",), ("intro",)) or {}
    terms = [read_term(r, ident, key, value) for ident, key, value in
             (r.entries(f["terms"], "the glossary terms") if "terms" in f else [])]
    return Glossary(tuple(terms), r.optional_markdown(f, "intro", "the intro"))


def read_term(r: Reader, ident: str, key: Node, node: Node) -> Term:
    what = f"the glossary term '{ident}'"
    f = r.fields(node, what, ("term", "definition"), ("stands_for", "aliases", "group")) or {}
    group = r.optional_text(f, "group", f"'group' of {what}", twin=False) or "core"
    if group not in ("core", "aware"):
        r.error(f["group"], f"unknown group '{group}' in {what}; expected 'core' or 'aware'")
    return Term(
        id=ident,
        term=r.optional_text(f, "term", f"'term' of {what}"),
        definition=r.optional_markdown(f, "definition", f"'definition' of {what}"),
        stands_for=r.optional_text(f, "stands_for", f"'stands_for' of {what}"),
        aliases=r.text_list(f["aliases"], f"'aliases' of {what}") if "aliases" in f else (),
        group=group, location=r.location(key))


def read_reporting(r: Reader, node: Node) -> Reporting:
    f = r.fields(node, "reporting.yaml", ("intro", "emergency", "local_lead", "steps",
                                          "contacts")) or {}
    lead = r.fields(f["local_lead"], "'local_lead'", ("role", "instructions"),
                    ("name", "phone", "email")) or {} if "local_lead" in f else {}
    check_fields(r, lead, "the local lead")
    return Reporting(
        intro=r.optional_markdown(f, "intro", "the intro"),
        emergency=r.optional_markdown(f, "emergency", "'emergency'"),
        local_lead=LocalLead(
            role=r.optional_text(lead, "role", "the role of the local lead"),
            instructions=r.optional_markdown(lead, "instructions", "'instructions'"),
            name=r.optional_text(lead, "name", "the local lead's name", twin=False),
            phone=r.optional_text(lead, "phone", "the local lead's phone", twin=False),
            email=r.optional_text(lead, "email", "the local lead's email", twin=False)),
        steps=r.items(f["steps"], "the steps", "reporting/") if "steps" in f else (),
        contacts=tuple(read_contact(r, ident, key, value) for ident, key, value in
                       (r.entries(f["contacts"], "the contacts") if "contacts" in f else [])))


def read_contact(r: Reader, ident: str, key: Node, node: Node) -> Contact:
    what = f"the contact '{ident}'"
    f = r.fields(node, what, ("name", "for"), ("phone", "url", "email")) or {}
    if f and not any(name in f for name in ("phone", "url", "email")):
        # A contact is printed on the reporting poster and page: one nobody can reach only
        # tells a worried reader that help exists somewhere (issue 17).
        r.error(key, f"{what} has no phone, email or web address: a reader cannot reach it; "
                "add one, or remove the contact")
    return Contact(
        id="reporting/" + ident,
        name=r.optional_text(f, "name", f"the name of {what}"),
        purpose=r.optional_markdown(f, "for", f"'for' of {what}"),
        phone=r.optional_text(f, "phone", f"the phone of {what}", twin=False),
        url=read_url(r, f.get("url"), f"the url of {what}"),
        email=r.optional_text(f, "email", f"the email of {what}", twin=False),
        location=r.location(key))


def read_url(r: Reader, node: Node | None, what: str) -> str:
    if node is None:
        return ""
    url = r.text(node, what, twin=False)
    if url and not url.startswith(("https://", "http://")):
        r.error(node, f"{what} should be a web address starting with https://, found '{url}'")
        return ""
    return url


def read_legal(r: Reader, node: Node) -> Legal:
    f = r.fields(node, "legal.yaml", ("intro", "checked_on", "note", "offences")) or {}
    return Legal(
        intro=r.optional_markdown(f, "intro", "the intro"),
        checked_on=(r.date(f["checked_on"], "'checked_on'") if "checked_on" in f else None)
        or _SOME_DAY,
        note=r.optional_markdown(f, "note", "the note"),
        offences=tuple(read_offence(r, ident, key, value) for ident, key, value in
                       (r.entries(f["offences"], "the offences") if "offences" in f else [])))


def read_offence(r: Reader, ident: str, key: Node, node: Node) -> Offence:
    what = f"the offence '{ident}'"
    f = r.fields(node, what, ("law", "offence"),
                 ("summary_maximum", "indictment_maximum")) or {}
    return Offence(
        id="legal/" + ident,
        law=r.optional_text(f, "law", f"the law of {what}"),
        offence=r.optional_markdown(f, "offence", f"'offence' of {what}"),
        summary_maximum=r.optional_text(f, "summary_maximum", f"'summary_maximum' of {what}"),
        indictment_maximum=r.optional_text(f, "indictment_maximum",
                                           f"'indictment_maximum' of {what}"),
        location=r.location(key))


def read_sources(r: Reader, node: Node) -> Sources:
    f = r.fields(node, "sources.yaml", ("groups",), ("intro",)) or {}
    groups = []
    for ident, _, value in r.entries(f["groups"], "the groups") if "groups" in f else []:
        g = r.fields(value, f"the group '{ident}'", ("title", "sources")) or {}
        sources = tuple(read_source(r, sid, sval) for sid, _, sval in
                        (r.entries(g["sources"], f"the sources of '{ident}'")
                         if "sources" in g else []))
        groups.append(SourceGroup(ident, r.optional_text(g, "title", "the title"), sources))
    return Sources(tuple(groups), r.optional_markdown(f, "intro", "the intro"))


def read_source(r: Reader, ident: str, node: Node) -> Source:
    what = f"the source '{ident}'"
    f = r.fields(node, what, ("name", "url"), ("about", "checked")) or {}
    return Source(ident, r.optional_text(f, "name", f"the name of {what}"),
                  read_url(r, f.get("url"), f"the url of {what}"),
                  r.optional_markdown(f, "about", f"'about' of {what}"),
                  r.date(f["checked"], f"'checked' of {what}") if "checked" in f else None)
