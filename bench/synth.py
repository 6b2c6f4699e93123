"""Synthetic variants: a throwaway project with N organisations' overlays on the default content.

The overlays copy the shape of the two example variants (variants/oakfield-primary and
variants/riverside-house): a few terms, a local lead and an extra contact, a few items removed
and added, and now and then a topic or a page left out or a local page added. Item ids come
from the real content, so the variants stay valid when the content changes. Everything is
derived from the variant's number, so the same N always gives the same files.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent

# (name ending, terminology groups that fit that kind of organisation). Each group is one
# "term" as an editor thinks of it; plural and singular are both given, as the docs advise.
# No replacement is much longer than its term: the longest posters have only millimetres to
# spare, and a variant whose poster cannot fit is left out of the build.
KINDS = (
    ("Primary School", ({"children and young people": "pupils", "children, young people": "pupils",
                         "young people": "pupils", "young person": "pupil"},
                        {"workers": "staff", "worker": "member of staff"},
                        {"organisations": "schools", "organisation": "school"})),
    ("College", ({"children and young people": "students", "young people": "students",
                  "young person": "student"},
                 {"workers": "staff", "worker": "member of staff"},
                 {"organisations": "colleges", "organisation": "college"})),
    ("Youth Club", ({"young people": "members", "young person": "member"},
                    {"workers": "volunteers", "worker": "volunteer"},
                    {"organisations": "clubs", "organisation": "club"})),
    ("Football Club", ({"young people": "players", "young person": "player"},
                       {"workers": "coaches", "worker": "coach"},
                       {"organisations": "clubs", "organisation": "club"})),
    ("Family Centre", ({"workers": "practitioners", "worker": "practitioner"},
                       {"organisations": "centres", "organisation": "centre"},
                       {"AUP": "RUP"})),
)
PLACES = ("Ashford", "Brookside", "Castleton", "Dunmore", "Elmfield", "Fairview", "Glenbrook",
          "Hartley", "Ivybridge", "Kingsmead", "Larkhill", "Millbrook", "Northgate", "Oakley",
          "Parkside", "Queensway", "Redcliffe", "Stonebridge", "Thornbury", "Westfield")
PEOPLE = ("Amira Shah", "Ben Okoro", "Carys Evans", "Dan Whitfield", "Elena Novak", "Femi Adeyemi",
          "Grace Liu", "Hamza Iqbal", "Isla Murray", "Jonah Price", "Kemi Bello", "Liam Byrne")
COLOURS = ("#1d5e3b", "#5b2a6e", "#123e7c", "#7a2e1f", "#30475e", "#4b3b0f", "#0f5257")
ADDED = (  # (text, poster wording) of local items; the topic fills in where it goes
    ("Use the {org} device kept for {topic} and sign out at the end of every session.",
     "Use the {org} device and sign out."),
    ("Ask {lead} before you try anything new for {topic}, and write down what you agreed.",
     "Ask {lead} before you try anything new."),
    ("Record in the {org} log book when you use {topic} with the people you support.",
     "Write it in the log book."),
)
LOCAL_PAGE = """\
Every {kind} has its own way of doing things, and this page sets out ours.

- Ask {lead} if you are not sure whether something is allowed.
- Read the {org} code of conduct once a year, and sign it when it changes.
- New {staff} read this guidance in their first week, with their mentor.

See [reporting concerns](page:reporting) if anything worries you.
"""


@dataclass(frozen=True)
class Base:
    """What the generator takes from the real content: the practice levels and their items."""

    levels: dict[str, tuple[str, ...]]  # "email/best" -> item ids in it
    titles: dict[str, str]
    texts: dict[str, str]  # item id -> its text


def read_base(project: Path) -> Base:
    # Imported here, not above: run.py imports this module before it points Python at its
    # snapshot of src/ (see run.run_on_snapshot).
    from policygen.source.content import load_content

    pub = load_content(project).publication
    levels = {f"{t.id}/{level.key}": tuple(item.id for item in level.items)
              for t in pub.topics for level in t.practice}
    texts = {item.id: item.text for t in pub.topics for level in t.practice
             for item in level.items}
    return Base(levels, {t.id: t.title for t in pub.topics}, texts)


def make_project(folder: Path, count: int) -> Path:
    """A fresh copy of content/ and templates/ with `count` generated variants."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for part in ("content", "templates"):
        shutil.copytree(REPO / part, folder / part)
    base = read_base(folder)
    for index in range(count):
        name, text = variant_file(base, index)
        (folder / "variants" / name).mkdir(parents=True)
        (folder / "variants" / name / "variant.yaml").write_text(text, encoding="utf-8")
    return folder


def variant_file(base: Base, index: int) -> tuple[str, str]:
    """The variant's folder name and the YAML text of its variant.yaml."""
    rng = random.Random(index)  # one stream per variant: adding variants changes no others
    suffix, term_groups = KINDS[index % len(KINDS)]
    place = PLACES[index % len(PLACES)]
    org = f"{place} {suffix}" + (f" {index // len(PLACES) + 1}" if index >= len(PLACES) else "")
    name = f"v{index:04d}-" + org.lower().replace(" ", "-")
    lead = rng.choice(PEOPLE)
    slug = name.split("-", 1)[1]
    # Never gaming: it holds the only "worker", and a term found nowhere is a warning.
    excluded_topic = rng.choice(("streaming", "internet")) if index % 5 == 4 else None
    terms = terminology(rng, term_groups)
    doc: dict[str, object] = {
        "organisation": {"name": org, "accent_colour": rng.choice(COLOURS),
                         "url": f"https://{slug}.example.org/"},
        "local_lead": {"name": lead, "role": "Designated safeguarding lead",
                       "phone": f"01632 960 {100 + index % 900:03d}",
                       "email": f"dsl@{slug}.example.org"},
        "contacts": {"add": {"deputy-lead": {
            "name": f"{rng.choice([p for p in PEOPLE if p != lead])}, deputy safeguarding lead",
            "for": f"When {lead} is away, or when the concern is about {lead}.",
            "phone": f"01632 960 {(500 + index) % 1000:03d}"}}},
        "terminology": terms,
        "items": item_edits(rng, base, org, lead, excluded_topic, terms),
        "dates": {"adopted": "2026-10-01", "next_review": "2027-07-16"},
        "revisions": [{"date": "2026-10-01", "version": "1.0",
                       "summary": f"Adopted by {org} from the partnership's guidance."}],
    }
    topics: dict[str, object] = {}
    if excluded_topic:
        topics["exclude"] = [excluded_topic]
    if index % 8 == 3 and excluded_topic != "streaming":
        topics["rename"] = {"streaming": "Video calls"}
    if topics:
        doc["topics"] = topics
    sections = section_edits(index, org, lead, suffix)
    if sections:
        doc["sections"] = sections
    header = f"# Generated by bench/synth.py for the benchmark (variant {index}).\n"
    return name, header + to_yaml(doc)


def excluding(project: Path, topic: str) -> int:
    """How many of the project's variants leave the topic out."""
    count = 0
    for file in (project / "variants").glob("*/variant.yaml"):
        topics = yaml.safe_load(file.read_text(encoding="utf-8")).get("topics") or {}
        count += topic in (topics.get("exclude") or [])
    return count


def terminology(rng: random.Random, groups: tuple[dict[str, str], ...]) -> dict[str, str]:
    """Two or three of the kind's term groups, as one flat mapping."""
    chosen = rng.sample(groups, k=min(len(groups), rng.choice((2, 3))))
    return {term: word for group in chosen for term, word in group.items()}


def item_edits(rng: random.Random, base: Base, org: str, lead: str,
               excluded_topic: str | None, terms: dict[str, str]) -> dict[str, object]:
    """Remove one to three practice items, add one or two local ones, sometimes reword one.

    Additions go to a level that lost an item, so that no poster grows past one page; no level
    loses more than one item, so none is left empty.
    """
    levels = [lv for lv, ids in base.levels.items()
              if len(ids) >= 3 and lv.split("/")[0] != excluded_topic]
    removed_from = rng.sample(levels, k=rng.choice((1, 2, 3)))
    # Items holding one of the variant's terms stay, so that every term is still found.
    words = [re.compile(rf"\b{re.escape(term)}\b", re.IGNORECASE) for term in terms]
    removed = [rng.choice([i for i in base.levels[lv]
                           if not any(w.search(base.texts[i]) for w in words)]
                          or base.levels[lv]) for lv in removed_from]
    added = []
    for number, level in enumerate(removed_from[:2]):
        text, poster = ADDED[number % len(ADDED)]
        topic = base.titles[level.split("/")[0]].lower()
        fill = {"org": org, "lead": lead, "topic": topic}
        where = ({"at": level} if number == 0 else
                 {"after": next(i for i in base.levels[level] if i not in removed)})
        added.append({"id": f"local-rule-{number + 1}", **where,
                      "text": text.format(**fill), "poster": poster.format(**fill)})
    if "RUP" in terms.values():
        removed.append("glossary/aup")  # as riverside-house does: the RUP entry explains it
    edits: dict[str, object] = {"remove": removed, "add": added}
    if rng.random() < 0.3:
        kept = [i for lv in levels for i in base.levels[lv] if i not in removed
                and not any(w.search(base.texts[i]) for w in words)]
        target = rng.choice(kept)
        edits["reword"] = {target: {"text": f"Follow the {org} procedure for this, and ask "
                                            f"{lead} when in doubt.",
                                    "poster": "Follow our procedure; ask when in doubt."}}
    return edits


def section_edits(index: int, org: str, lead: str, kind: str) -> dict[str, object]:
    """Now and then a page left out (legal or sources) or a local page added."""
    sections: dict[str, object] = {}
    if index % 7 == 6:
        sections["exclude"] = ["legal" if index % 2 else "sources"]
    if index % 6 == 5:
        staff = "volunteers" if "Club" in kind else "staff"
        sections["add"] = {"how-we-work": {
            "title": f"How we work at {org}",
            "text": LOCAL_PAGE.format(kind=kind.lower(), lead=lead, org=org, staff=staff)}}
    return sections


def to_yaml(value: object, indent: int = 0) -> str:
    """A small YAML writer, so that the files look like the examples: block style, keys in
    order, plain words left bare, anything doubtful quoted, several lines as a `|` block.
    """
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                lines.append(f"{pad}{scalar(key)}:\n{to_yaml(item, indent + 1)}")
            elif isinstance(item, str) and "\n" in item:
                block = "".join(f"{pad}  {line}\n" if line else "\n"
                                for line in item.rstrip("\n").split("\n"))
                lines.append(f"{pad}{scalar(key)}: |\n{block}")
            else:
                lines.append(f"{pad}{scalar(key)}: {scalar(item)}\n")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                body = to_yaml(item, indent + 1)
                lines.append(f"{pad}- {body.lstrip()}")
            else:
                lines.append(f"{pad}- {scalar(item)}\n")
    return "".join(lines)


# Text YAML reads as a plain string: starts with a letter, no ": " or " #", no YAML keyword.
_PLAIN = re.compile(r"[A-Za-z][\w .,'()/@-]*")
_KEYWORDS = {"yes", "no", "true", "false", "on", "off", "null", "y", "n"}


def scalar(value: object) -> str:
    text = str(value)
    plain = _PLAIN.fullmatch(text) and text.lower() not in _KEYWORDS and not text.endswith(":")
    if is_date(text) or plain:
        return text
    return json.dumps(text, ensure_ascii=False)  # JSON strings are valid YAML


def is_date(text: str) -> bool:
    return len(text) == 10 and text[4] == text[7] == "-" and text.replace("-", "").isdigit()
