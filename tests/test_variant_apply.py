"""Laying a variant over the base: every kind of change, the publisher's rules, the checks."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import MINIMAL
from test_variant import FILE, adapt, apply_errors, base

from policygen.errors import Location, Severity
from policygen.model import Change, Edit, Publication
from policygen.source.yamlsrc import SourceFile
from policygen.variants.changes import apply_variant
from policygen.variants.itemlists import item_lists
from policygen.variants.terminology import Substituter, map_prose, term_forms
from policygen.variants.variant import parse_variant

EMAIL = "content/topics/email.yaml"
PUB = "content/publication.yaml"


def ids(pub: Publication, name: str) -> list[str]:
    return [item.id for item in item_lists(pub)[name]]


def texts(pub: Publication) -> list[str]:
    found: list[str] = []
    map_prose(pub, lambda text, _: found.append(text) or text)
    return found


def substitute(text: str, **terms: str) -> str:
    entries = [Edit(term.replace("_", " "), value, Location(FILE, line))
               for line, (term, value) in enumerate(terms.items(), start=3)]
    return Substituter(term_forms(entries))(text, "page")


# Terminology

@pytest.mark.parametrize(("text", "expected"), [
    ("workers, Workers, WORKERS", "staff, Staff, STAFF"),
    ("A service user; service users; Service Users", "A pupil; pupils; Pupils"),
    ("co-workers and workers-to-be", "co-workers and staff-to-be"),
    ("network workers", "network staff"),
    ("[workers](https://example.org/workers) <https://example.org/workers>",
     "[staff](https://example.org/workers) <https://example.org/workers>"),
    ("see www.workers.org.uk, workers@example.org or `workers`",
     "see www.workers.org.uk, workers@example.org or `workers`"),
    ("[for workers](glossary:workers) and [here](page:workers)",
     "[for staff](glossary:workers) and [here](page:workers)"),
    ("service\n  users", "pupils"),
])
def test_terms_change_whole_words_in_their_capitals_never_in_addresses(
        text: str, expected: str) -> None:
    assert substitute(text, workers="staff", service_users="pupils") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("the AUP and AUPs, not aup or AUPS", "the RUP and RUPs, not aup or AUPS"),
    ("an acceptable use policy; An acceptable use policy", "a responsible use policy; "
     "A responsible use policy"),
    ("an organisation and a user", "a home and a user"),
    ("an AUP", "an RUP"),
])
def test_acronyms_keep_their_capitals_and_articles_agree(text: str, expected: str) -> None:
    assert substitute(text, AUP="RUP", acceptable_use_policies="responsible use policies",
                      organisation="home") == expected


def test_a_phrase_mapped_to_itself_is_shielded_from_a_shorter_term() -> None:
    assert substitute("social workers and youth workers", social_workers="social workers",
                      workers="staff") == "social workers and youth staff"


def test_terminology_reaches_every_text_and_is_counted() -> None:
    adapted = adapt("terminology:\n  AUP: RUP\n  your organisation: Testfield\n")
    prose = "\n".join(texts(adapted.publication))
    assert "AUP" not in prose and prose.count("RUP") == 4
    assert "Use the account Testfield gives you; read the RUP." in prose
    assert adapted.publication.glossary.terms[0].term == "RUP"
    assert [c for c in adapted.changes if c.kind == "terminology"] == [
        Change("terminology", "AUP", "AUP", "RUP", "free", "free",
               where="email 3, glossary 1", count=4),
        Change("terminology", "your organisation", "your organisation", "Testfield", "free",
               "free", where="email 1, glossary 1", count=2),
    ]


def test_terminology_leaves_ids_links_names_and_the_law_alone() -> None:
    pub = base({"content/guidelines.yaml": (
        "anything that worries you.", "anything that worries you ([AUP](glossary:aup)).")})
    adapted = adapt("terminology:\n  AUP: RUP\n  Childline: Kidline\n  Malicious: Kind\n", pub)
    guideline = adapted.publication.guidelines.items[0]
    assert (guideline.id, guideline.text) == (
        "guidelines/tell-manager", "Tell your manager about anything that worries you "
        "([RUP](glossary:aup)).")
    assert adapted.publication.glossary.terms[0].id == "aup"
    assert adapted.publication.reporting.contacts[0].name == "Childline"
    assert adapted.publication.legal.offences[0].law == "Malicious Communications Act 1988"
    assert adapted.publication.adaptation == pub.adaptation


def test_a_term_never_found_is_a_warning_naming_its_line() -> None:
    adapted = adapt("terminology:\n  workers: staff\n  AUP: RUP\n")
    assert [f"{w.location}: {w.severity.value}: {w.message}" for w in adapted.warnings] == [
        f"{FILE}:4:3: warning: the term 'workers' is not found anywhere in the guidance, so "
        "nothing was changed; check its spelling"]


def test_a_term_that_makes_two_glossary_entries_alike_is_a_warning() -> None:
    pub = base({"content/glossary.yaml": ("  grooming:", "  rup:\n    term: RUP\n    "
                                          "definition: Another name.\n  grooming:")})
    adapted = adapt("terminology:\n  AUP: RUP\n", pub)
    assert [f"{w.location}: {w.message}" for w in adapted.warnings] == [
        f"{FILE}:4:3: the glossary now has two entries called 'RUP' ('aup' and 'rup'); remove "
        "one with items: remove: [glossary/aup]"]


# Items

def test_removed_items_are_gone_and_their_text_recorded() -> None:
    adapted = adapt("items:\n  remove: [email/personal-account, glossary/grooming]\n")
    assert ids(adapted.publication, "email/headline") == []
    assert [t.id for t in adapted.publication.glossary.terms] == ["aup"]
    assert [(c.kind, c.target, c.before, c.where) for c in adapted.changes
            if c.kind == "remove"] == [
        ("remove", "email/personal-account",
         "Don't use your personal email account to contact a child.", "email/headline"),
        ("remove", "glossary/grooming", "grooming", "")]


def test_added_items_go_where_they_are_placed() -> None:
    adapted = adapt("""\
        items:
          add:
            - id: first
              before: email/work-account
              text: First.
            - id: after-work
              after: email/work-account
              text: After the work account.
            - id: last
              at: email/best
              text: Last.
              poster: Last!
            - id: charge-tablets
              at: summary/do
              text: Charge the class tablets.
        """)
    pub = adapted.publication
    assert ids(pub, "email/best") == ["email/first", "email/work-account", "email/after-work",
                                      "email/last"]
    assert ids(pub, "summary/do") == ["summary/privacy", "summary/charge-tablets"]
    last = pub.topics[0].practice[0].items[-1]
    assert (last.text, last.poster, last.location) == ("Last.", "Last!", Location(FILE, 11, 11))
    assert [(c.target, c.where) for c in adapted.changes if c.kind == "add"] == [
        ("email/first", "email/best, before email/work-account"),
        ("email/after-work", "email/best, after email/work-account"),
        ("email/last", "end of email/best"), ("email/last (poster)", "end of email/best"),
        ("summary/charge-tablets", "end of summary/do")]


def test_moved_items_leave_one_list_for_another() -> None:
    adapted = adapt("""\
        items:
          add:
            - id: spare
              at: email/poor
              text: A spare poor practice.
            - id: spare-best
              at: email/best
              text: A spare best practice.
          move:
            - id: email/personal
              to: email/safe
            - id: email/work-account
              before: email/manager-knows
        """)
    pub = adapted.publication
    assert ids(pub, "email/safe") == ["email/work-account", "email/manager-knows",
                                      "email/personal"]
    assert ids(pub, "email/poor") == ["email/spare"]
    assert [(c.target, c.before, c.after) for c in adapted.changes if c.kind == "move"] == [
        ("email/personal", "email/poor", "end of email/safe"),
        ("email/work-account", "email/best", "email/safe, before email/manager-knows")]


def test_rewording_replaces_text_and_the_poster_wording() -> None:
    pub = base({EMAIL: ("personal: You use your personal account without your manager knowing.",
                        "personal:\n        text: You use your personal account.\n"
                        "        poster: Personal account.")})
    adapted = adapt("""\
        items:
          reword:
            email/personal: You use your own account.
            email/work-account:
              text: Use the school account.
              poster: School account.
        """, pub)
    levels = adapted.publication.topics[0].practice
    assert (levels[2].items[0].text, levels[2].items[0].poster_text) == (
        "You use your own account.", "You use your own account.")
    assert (levels[0].items[0].text, levels[0].items[0].poster_text) == (
        "Use the school account.", "School account.")
    assert [(c.target, c.before, c.after) for c in adapted.changes if c.kind == "reword"] == [
        ("email/personal", "You use your personal account.", "You use your own account."),
        ("email/work-account", "Use the account your organisation gives you; read the AUP.",
         "Use the school account."),
        ("email/work-account (poster)", "Use the account your organisation gives you; read "
         "the AUP.", "School account.")]


def test_a_shared_consequence_reworded_changes_everywhere() -> None:
    adapted = adapt("items:\n  reword:\n    consequences/breach: It can lead to dismissal.\n")
    assert adapted.publication.topics[0].practice[1].consequences[0].text == \
        "It can lead to dismissal."


ID_CASES = [
    ("misspelt item", "items:\n  remove: [email/work-acount]\n",
     f"{FILE}:4:12: there is no item 'email/work-acount' in the base guidance (did you mean "
     "'email/work-account'?)"),
    ("item with nothing close", "items:\n  reword:\n    email/zebra: Stripes.\n",
     f"{FILE}:5:5: there is no item 'email/zebra' in the base guidance; the ids in 'email' are: "
     "email/aup-explicit, email/manager-knows, email/personal, email/personal-account, "
     "email/work-account"),
    ("anchor item", "items:\n  add:\n    - id: new\n      after: email/work-acount\n"
     "      text: New.\n",
     f"{FILE}:6:14: there is no item 'email/work-acount' in the base guidance (did you mean "
     "'email/work-account'?)"),
    ("list", "items:\n  add:\n    - id: new\n      at: email/bestt\n      text: New.\n",
     f"{FILE}:6:11: there is no list 'email/bestt' in the base guidance (did you mean "
     "'email/best'?); lists are written like 'email/best', 'email/in_place', "
     "'email/safe/consequences', 'summary/do' or 'guidelines'"),
    ("topic", "topics:\n  rename:\n    emial: Mail\n",
     f"{FILE}:5:5: there is no topic 'emial' in the base guidance (did you mean 'email'?)"),
    ("label topic", "labels:\n  emial/best: Good\n",
     f"{FILE}:4:3: there is no topic 'emial' in the base guidance (did you mean 'email'?)"),
    ("item of a removed one", "items:\n  remove: [email/personal-account]\n  add:\n"
     "    - id: new\n      after: email/personal-account\n      text: New.\n",
     f"{FILE}:7:14: the item 'email/personal-account' is no longer there: this variant "
     "removes it (line 4)"),
    ("id taken", "items:\n  add:\n    - id: personal\n      at: email/best\n      text: New.\n",
     f"{FILE}:5:11: the id 'email/personal' is already used; give the new item its own id (an "
     "id is never reused for a different rule, even once its item is removed)"),
    ("emptied level", "items:\n  remove: [email/manager-knows]\n",
     f"{FILE}:4:12: this leaves 'email/safe' with no items; keep at least one (you can reword "
     "an item instead of removing it)"),
    ("contact reworded", "items:\n  reword:\n    reporting/childline: Call them.\n",
     f"{FILE}:5:5: 'reporting/childline' is a contact or an offence, which cannot be reworded; "
     "remove it and add your own instead"),
    ("last topic", "topics:\n  exclude: [email]\n",
     f"{FILE}:4:13: a variant must keep at least one topic"),
    ("moved after itself", "items:\n  move:\n    - id: email/personal\n"
     "      after: email/personal\n",
     f"{FILE}:6:14: an item cannot go after or before itself"),
    ("contact twice", "contacts:\n  add:\n    childline:\n      name: Childline\n"
     "      for: Children.\n      phone: 0800 1111\n",
     f"{FILE}:5:5: the contact 'reporting/childline' is already in the base guidance; give "
     "yours its own id"),
    ("link to a missing term", "items:\n  add:\n    - id: new\n      at: guidelines\n"
     "      text: Read the [RUP](glossary:rup).\n",
     f"{FILE}:7: the link 'glossary:rup' points at a glossary term that is not in this "
     "variant (did you mean 'aup'?)"),
    ("link to an excluded page", "sections:\n  exclude: [legal]\n  add:\n    law:\n"
     "      title: Law\n      text: |\n        See [the law](page:legal).\n",
     f"{FILE}:9: the link 'page:legal' points at a page that is not in this variant"),
]


@pytest.mark.parametrize(("name", "text", "expected"), ID_CASES, ids=[c[0] for c in ID_CASES])
def test_targets_that_do_not_exist_name_the_variant_line(name: str, text: str,
                                                          expected: str) -> None:
    assert expected in apply_errors(text)


def test_the_error_shows_the_variant_line_and_a_caret() -> None:
    with pytest.raises(Exception) as caught:
        adapt("items:\n  remove: [email/work-acount]\n")
    assert str(caught.value).splitlines() == [
        f"{FILE}:4:12: error: there is no item 'email/work-acount' in the base guidance (did "
        "you mean 'email/work-account'?)",
        "      remove: [email/work-acount]",
        "               ^"]


def test_a_link_in_added_text_to_a_local_section_resolves() -> None:
    adapted = adapt("sections:\n  add:\n    tablets:\n      title: Tablets\n"
                    "      text: Charge them.\nitems:\n  add:\n    - id: new\n      at: guidelines\n"
                    "      text: See [tablets](page:tablets).\n")
    assert adapted.local_sections[0].id == "tablets"


# Topics and sections

def two_topics() -> Publication:
    """The minimal publication with a second topic, gaming, that the guidelines link to."""
    gaming = MINIMAL[EMAIL].replace("personal-account", "playing").replace(
        "work-account", "own-tag").replace("manager-knows", "planned").replace(
        "personal:", "gifts:").replace("aup-explicit", "aup-gaming")
    return base({PUB: ("topics: [email]", "topics: [email, gaming]"),
                 "content/guidelines.yaml": ("worries you.",
                                             "worries you. See [gaming](topic:gaming).")},
                {"content/topics/gaming.yaml": gaming})


def test_an_excluded_topic_is_gone_and_links_to_it_become_plain_text() -> None:
    adapted = adapt("topics:\n  exclude: [gaming]\n", two_topics())
    assert [t.id for t in adapted.publication.topics] == ["email"]
    assert adapted.publication.guidelines.items[0].text.endswith("See gaming.")
    assert adapted.changes[-1] == Change("sections", "gaming", "Email", "", "", "notify", count=1)


def test_items_of_an_excluded_topic_are_no_longer_there() -> None:
    assert apply_errors("topics:\n  exclude: [gaming]\nitems:\n  remove: [gaming/gifts]\n",
                        two_topics()) == [
        f"{FILE}:6:12: the item 'gaming/gifts' is no longer there: this variant excludes the "
        "topic 'gaming' (line 4)"]


def test_a_shared_consequence_cannot_be_moved() -> None:
    pub = base({EMAIL: ("without your manager knowing.\n", "without your manager knowing.\n"
                        "    shared_consequences: [breach]\n")})
    assert apply_errors("items:\n  move:\n    - id: consequences/breach\n"
                        "      to: email/poor\n", pub) == [
        f"{FILE}:5:11: 'consequences/breach' is shared by several lists (email/safe/consequences, "
        "email/poor/consequences), so it cannot be moved; remove it and add your own"]


def test_renamed_reworded_and_reordered_topics() -> None:
    adapted = adapt("title: Our guidance\ntopics:\n  rename:\n    email: Email at school\n"
                    "  reword:\n    email:\n      intro: Email is a record.\n  order: [email]\n")
    topic = adapted.publication.topics[0]
    assert (adapted.publication.title, topic.title, topic.intro) == (
        "Our guidance", "Email at school", "Email is a record.")
    assert [(c.kind, c.target) for c in adapted.changes] == [
        ("branding", "organisation/name"), ("rename", "title"), ("rename", "email"),
        ("reword", "email/intro")]


def test_an_excluded_section_is_emptied_and_listed() -> None:
    pub = base({"content/guidelines.yaml": ("worries you.", "worries you. See [law](page:legal).")})
    adapted = adapt("sections:\n  exclude: [legal, glossary]\n", pub)
    out = adapted.publication
    assert adapted.excluded_sections == ("legal", "glossary")
    assert (out.legal.offences, out.glossary.terms) == ((), ())
    assert out.guidelines.items[0].text.endswith("See law.")


def test_labels_change_for_all_topics_or_one() -> None:
    adapted = adapt("labels:\n  best: Good practice\n  email/poor: Not acceptable\n"
                    "  do_not: Inappropriate\n")
    out = adapted.publication
    assert [level.label for level in out.topics[0].practice] == [
        "Good practice", "Safe practice", "Not acceptable"]
    assert (out.summary.do.label, out.summary.do_not.label) == ("DO", "Inappropriate")
    assert [(c.target, c.before, c.after) for c in adapted.changes[1:]] == [
        ("best (label)", "Best practice", "Good practice"),
        ("email/poor (label)", "Poor practice", "Not acceptable"),
        ("do_not (label)", "DO NOT", "Inappropriate")]


# Contacts, dates and branding

def test_the_local_lead_and_contacts_fill_the_reporting_page() -> None:
    adapted = adapt("""\
        local_lead:
          name: Sam Jones
          phone: 01632 960 111
        contacts:
          add:
            front-door:
              name: Children's social care
              for: If you cannot reach the lead.
              phone: 01632 960 000
        """)
    reporting = adapted.publication.reporting
    assert (reporting.local_lead.name, reporting.local_lead.role) == (
        "Sam Jones", "Designated safeguarding lead")
    assert [c.id for c in reporting.contacts] == ["reporting/childline", "reporting/front-door"]


def test_the_variant_review_date_is_the_earlier_of_the_two() -> None:
    earlier = adapt("dates:\n  next_review: 2026-12-01\n  last_reviewed: 2026-02-01\n")
    assert (earlier.publication.dates.next_review, earlier.publication.dates.last_reviewed) == (
        date(2026, 12, 1), date(2026, 2, 1))
    later = adapt("dates:\n  next_review: 2027-06-01\n")
    assert later.publication.dates.next_review == date(2027, 1, 10)
    assert [f"{w.location}: {w.message}" for w in later.warnings] == [
        f"{FILE}:4:16: the base guidance is due for review on 2027-01-10, before this variant's "
        "2027-06-01; the earlier date applies"]


# The publisher's rules

RULES = ("    free:\n      changes: [terminology]\n      permission: free\n",
         "    free:\n      changes: [terminology, contacts]\n      permission: free\n"
         "    locked:\n      changes: [remove, rename]\n      permission: forbidden\n"
         "  protected: [reporting, email/work-account]\n")


def test_a_forbidden_change_names_the_rule_and_the_line() -> None:
    assert apply_errors("items:\n  remove: [email/personal-account]\n", base({PUB: RULES})) == [
        f"{FILE}:4:12: removing 'email/personal-account' is not allowed: the publisher's "
        "adaptation rule 'locked' forbids remove changes"]


def test_protected_ids_refuse_changes_but_accept_additions() -> None:
    pub = base({PUB: RULES})
    assert apply_errors("items:\n  reword:\n    email/work-account: Use ours.\n"
                        "    reporting/tell: Tell us.\nsections:\n  exclude: [reporting]\n",
                        pub) == [
        f"{FILE}:5:5: rewording 'email/work-account' is not allowed: the publisher protects "
        "'email/work-account' (adaptation: protected, in content/publication.yaml); a local "
        "copy may add to it but not remove or change what is there",
        f"{FILE}:6:5: rewording 'reporting/tell' is not allowed: the publisher protects "
        "'reporting' (adaptation: protected, in content/publication.yaml); a local copy may add "
        "to it but not remove or change what is there",
        f"{FILE}:8:13: excluding 'reporting' is not allowed: the publisher protects 'reporting' "
        "(adaptation: protected, in content/publication.yaml); a local copy may add to it but "
        "not remove or change what is there"]
    adapted = adapt("local_lead:\n  name: Sam Jones\ncontacts:\n  add:\n    ours:\n"
                    "      name: Our helpline\n      for: Anything.\n      phone: 01632 960 999\n"
                    "items:\n  add:\n"
                    "    - id: tell-us\n      after: reporting/tell\n      text: Tell us too.\n",
                    pub)
    assert [(c.kind, c.target, c.permission) for c in adapted.changes[1:]] == [
        ("add", "reporting/tell-us", "notify"),
        ("contacts", "reporting/local_lead", "free"), ("contacts", "reporting/ours", "free")]


def test_kinds_no_rule_covers_need_notifying() -> None:
    adapted = adapt("items:\n  remove: [email/personal-account]\n")
    assert (adapted.changes[-1].rule, adapted.changes[-1].permission) == ("", "notify")


def test_every_problem_of_the_merged_result_is_listed_at_once() -> None:
    found = apply_errors("items:\n  remove: [email/work-acount]\ntopics:\n  rename:\n"
                         "    emial: Mail\n")
    assert [line.split(": ")[0] for line in found] == [f"{FILE}:4:12", f"{FILE}:7:5"]


def test_applying_never_changes_the_base() -> None:
    pub = base()
    before = repr(pub)
    adapt("terminology:\n  AUP: RUP\nitems:\n  remove: [email/personal-account]\n", pub)
    assert repr(pub) == before


def test_warnings_from_reading_are_kept() -> None:
    source = SourceFile(FILE, "organisation:\n  name: X\n  accent_colour: '#ffff00'\n")
    adapted = apply_variant(base(), parse_variant(source, "test"))
    assert [w.severity for w in adapted.warnings] == [Severity.WARNING]


def test_a_change_to_one_field_of_a_block_points_at_that_field() -> None:
    # `policygen changes` sends the editor to the line to look at: the accent colour's own
    # line, not the top of the organisation block.
    adapted = adapt('  accent_colour: "#1d5e3b"\n  url: https://t.example/\n'
                    "dates:\n  last_reviewed: 2026-10-05\n\n  next_review: 2027-07-16\n")
    lines = {c.target: c.location.line for c in adapted.changes}
    assert {name: lines[name] for name in ("organisation/name", "organisation/accent_colour",
                                           "organisation/url", "dates/last_reviewed",
                                           "dates/next_review")} == {
        "organisation/name": 2, "organisation/accent_colour": 3, "organisation/url": 4,
        "dates/last_reviewed": 6, "dates/next_review": 8}
