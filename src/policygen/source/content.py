"""content/ → Publication: read every file, check each one and then the whole."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from policygen.errors import ContentError, Location, Problem, Severity, suggest
from policygen.model import FIXED_PAGES, Item, Publication, Topic
from policygen.source import sections
from policygen.source.confinement import outside_problem
from policygen.source.languages import (
    Declared,
    Reading,
    TranslationProgress,
    bilingual_posters,
    declared,
    missing_twin_counts,
    translation_progress,
)
from policygen.source.markup import (
    IMAGE,
    IMAGE_MESSAGE,
    INTERNAL_LINK,
    LINK_KIND_NAMES,
    GlossaryLinker,
)
from policygen.source.reader import ID_PATTERN, MarkdownText, Reader
from policygen.source.twins import TwinText, twin_texts
from policygen.source.yamlsrc import SourceFile, parse_yaml, read_source

CONTENT_DIR = "content"
SECTION_FILES = ("publication", "consequences", "guidelines", "summary", "glossary",
                 "reporting", "legal", "sources")


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LoadedContent:
    """The checked publication, plus the Markdown texts kept for later checks."""

    publication: Publication
    markdown_texts: tuple[MarkdownText, ...]
    warnings: tuple[Problem, ...] = ()
    # In a publication in several languages (or one being translated), every reader's text
    # with its twins (for `policygen translate`), and the keys they are written under, the
    # main language's first; empty in one language.
    twin_texts: tuple[TwinText, ...] = ()
    languages: tuple[str, ...] = ()
    # Each language being translated (`translating:`): the guidance in it as far as it is,
    # never published (`build --draft` shows it), and how far that is.
    drafts: tuple[Publication, ...] = ()
    progress: tuple[TranslationProgress, ...] = ()


def load_content(project: Path, folder_name: str = CONTENT_DIR,
                 twins_required: bool = True) -> LoadedContent:
    """Read and check content/ under the project folder; raise ContentError listing all problems.

    `folder_name` reads a copy kept elsewhere in the project instead (an earlier edition in
    content/editions/<date>/): it is read as content/ is, and its problems name its own files.
    `twins_required=False` reads content whose translations are still to come (a missing
    twin is then no error).
    """
    folder = project / folder_name
    if not folder.is_dir():
        raise ContentError([Problem(Location(folder_name), "there is no content folder here; "
                                    "run policygen in a project folder or pass --project")])
    problems: list[Problem] = []
    texts: dict[str, SourceFile] = {}
    unread = set()
    for path in content_paths(folder):
        shown = path.relative_to(project).as_posix()
        name = f"{CONTENT_DIR}/{path.relative_to(folder).as_posix()}"
        outside = outside_problem(path, project, "file")
        source, found = (None, [outside]) if outside else read_source(path, shown)
        problems += found
        if source is not None:
            texts[name] = SourceFile(name, source.text) if name != shown else source
        else:
            unread.add(name)
    try:
        return parse_content(texts, prior_problems=problems, unread=frozenset(unread),
                             twins_required=twins_required)
    except ContentError as error:
        if folder_name == CONTENT_DIR:
            raise
        raise ContentError([_moved(problem, folder_name) for problem in error.problems]) \
            from None


def is_kept_copy(name: str) -> bool:
    """Whether a project file (by its name from the project folder) is one of the copies
    `policygen edition` keeps (content/editions/…, variants/NAME/editions/…): what was
    published then stays as it was, so nothing checks or mends it as an editor's file."""
    parts = name.split("/")
    return parts[:2] == [CONTENT_DIR, "editions"] or (
        len(parts) > 3 and parts[0] == "variants" and parts[2] == "editions")


def content_paths(folder: Path) -> list[Path]:
    """The files content is read from in a content folder: its YAML, then its topics'."""
    return sorted(folder.glob("*.yaml")) + sorted((folder / "topics").glob("*.yaml"))


def _moved(problem: Problem, folder_name: str) -> Problem:
    """A problem of a copy of the content, named at the copy's own file."""
    where = problem.location
    if not where.file.startswith(f"{CONTENT_DIR}/"):
        return problem
    shown = folder_name + where.file.removeprefix(CONTENT_DIR)
    return replace(problem, location=replace(where, file=shown))


def parse_content(files: Mapping[str, SourceFile | str],
                  prior_problems: list[Problem] | None = None,
                  unread: frozenset[str] = frozenset(),
                  twins_required: bool = True) -> LoadedContent:
    """Check content given as {path: text}; the disk is never touched (tests use this).

    `unread` names files that exist but could not be read (already reported): they are not
    reported again as missing.
    """
    sources = {name: s if isinstance(s, SourceFile) else SourceFile(name, s)
               for name, s in files.items()}
    problems = list(prior_problems or [])
    roots: dict[str, Node] = {}
    for name, source in sources.items():
        node, found = parse_yaml(source)
        problems += found
        if node is not None:
            roots[name] = node
    known = {f"{CONTENT_DIR}/{section}.yaml" for section in SECTION_FILES}
    for name in sources:
        if name not in known and not name.startswith(f"{CONTENT_DIR}/topics/"):
            problems.append(Problem(Location(name), "policygen does not know this file; expected "
                                    + ", ".join(f"{s}.yaml" for s in SECTION_FILES)
                                    + " or topics/<id>.yaml"))
    languages = _declared_languages(sources, roots, problems)
    if languages is None:
        # Every text would be read in the wrong languages, each an error of its own: the
        # declaration's own problems say what to put right first.
        raise ContentError(problems)
    if len(languages.keys) < 2:
        publication, texts, found = _read_all(sources, roots, unread, languages.published[:1],
                                              problems)
        problems += found
        read = _InLanguages(publication, texts)
    else:
        read = _read_in_languages(sources, roots, unread, languages, problems, twins_required)
    errors = [p for p in problems if p.is_error]
    if errors or read.publication is None:
        raise ContentError(problems or [Problem(Location(CONTENT_DIR), "content is incomplete")])
    return LoadedContent(read.publication, read.texts,
                         tuple(p for p in problems if not p.is_error), read.twins,
                         languages.keys if len(languages.keys) > 1 else (), read.drafts,
                         read.progress)


def _declared_languages(sources: Mapping[str, SourceFile], roots: Mapping[str, Node],
                        problems: list[Problem]) -> Declared | None:
    """The declared languages; None when the declaration itself is wrong."""
    path = f"{CONTENT_DIR}/publication.yaml"
    if path not in roots:
        return Declared((), (), "en-GB")
    reader = Reader(sources[path])
    languages = declared(reader, roots[path])
    problems += reader.problems
    return None if reader.problems else languages


@dataclass(frozen=True, slots=True)
class _InLanguages:
    """The content read in each of its languages."""

    publication: Publication | None
    texts: tuple[MarkdownText, ...]
    twins: tuple[TwinText, ...] = ()
    drafts: tuple[Publication, ...] = ()
    progress: tuple[TranslationProgress, ...] = ()


def _read_in_languages(sources: Mapping[str, SourceFile], roots: Mapping[str, Node],
                       unread: frozenset[str], languages: Declared,
                       problems: list[Problem], twins_required: bool) -> _InLanguages:
    """The content read once per language: the first language's publication, holding the
    other published ones as its twins, each draft apart, and every text with its twins. A
    problem that is not about language is found by every reading and said once."""
    keys = languages.keys
    published = keys[:len(keys) - len(languages.drafts)]
    readings = [Reading(language, keys, roots, twins_required, published)
                for language in published]
    readings += [Reading(language, keys, roots, False, published, languages.main)
                 for language in languages.drafts]
    # Guidance published in one language has its tag (en-GB), not the key its texts are
    # written under (en).
    tags = [languages.main, *(r.language for r in readings[1:])]
    read = [_read_all(sources, roots, unread, (tag,), problems, r)
            for tag, r in zip(tags, readings, strict=True)]
    found = [p for _, _, each in read for p in each]
    problems += [*missing_twin_counts(readings), *dict.fromkeys(found)]
    publications = [pub for pub, _, _ in read]
    if any(pub is None for pub in publications):
        return _InLanguages(None, ())
    first, *others = (pub for pub in publications if pub is not None)
    twins, drafts = others[:len(published) - 1], others[len(published) - 1:]
    return _InLanguages(replace(first, twins=tuple(twins)), read[0][1],
                        twin_texts(readings[0].picked, roots, keys), tuple(drafts),
                        tuple(translation_progress(r) for r in readings if r.is_draft))


def _read_all(sources: Mapping[str, SourceFile], roots: Mapping[str, Node],
              unread: frozenset[str], language: tuple[str, ...], earlier: list[Problem],
              reading: Reading | None = None) -> tuple[Publication | None,
                                                      tuple[MarkdownText, ...], list[Problem]]:
    """Every file read (in one language of a publication in several), then the whole checked;
    `earlier` are the problems found before (in parsing), not said again."""
    problems: list[Problem] = []
    nodes = {name: (Reader(sources[name], reading), node) for name, node in roots.items()}
    publication = _assemble(nodes, sources, problems, unread, language)
    readers = [reader for reader, _ in nodes.values()]
    for reader in readers:
        problems += reader.problems
    texts = tuple(t for reader in readers for t in reader.markdown_texts)
    if publication is not None:
        # A duplicate key is already said once.
        reported = {p.location for p in [*earlier, *problems]}
        problems += [p for p in check_unique_ids(publication, sources)
                     if p.location not in reported]
        problems += check_links(publication, texts, sources)
        problems += check_protected(publication, nodes)
        if reading is None or not reading.is_draft:
            # A draft's glossary is mostly the main language's terms, which its translated
            # texts do not use: every such term would be called unused.
            problems += unused_terms(publication, texts)
    return publication, texts, problems


def _section(nodes: dict[str, tuple[Reader, Node]], present: set[str],
             problems: list[Problem], name: str, read: Callable[[Reader, Node], T]) -> T | None:
    path = f"{CONTENT_DIR}/{name}.yaml"
    if path not in nodes:
        if path not in present:
            problems.append(Problem(Location(path), f"the file {path} is missing; every "
                                    "publication needs it (see docs/content-format.md)"))
        return None
    reader, node = nodes[path]
    return read(reader, node)


def _assemble(nodes: dict[str, tuple[Reader, Node]], sources: Mapping[str, SourceFile],
              problems: list[Problem], unread: frozenset[str],
              language: tuple[str, ...]) -> Publication | None:
    present = {*sources, *unread}  # files there are, read or not (those not read are reported)

    def section(name: str, read: Callable[[Reader, Node], T]) -> T | None:
        return _section(nodes, present, problems, name, read)

    shared = section("consequences", sections.read_consequences) or {}
    parts = {
        "guidelines": section("guidelines", sections.read_guidelines),
        "summary": section("summary", sections.read_summary),
        "glossary": section("glossary", sections.read_glossary),
        "reporting": section("reporting", sections.read_reporting),
        "legal": section("legal", sections.read_legal),
        "sources": section("sources", sections.read_sources),
    }
    topics = _read_topics(nodes, sources, problems, shared)
    topic_files = {p.rsplit("/", 1)[-1].removesuffix(".yaml") for p in present
                   if p.startswith(f"{CONTENT_DIR}/topics/")}
    meta = section("publication",
                   lambda r, n: read_publication(r, n, topics, topic_files, language))
    if meta is None or any(part is None for part in parts.values()):
        return None
    return Publication(topics=meta.pop("topics"), **meta, **parts)  # type: ignore[arg-type]


def _read_topics(nodes: dict[str, tuple[Reader, Node]], sources: Mapping[str, SourceFile],
                 problems: list[Problem], shared: dict[str, Item]) -> dict[str, Topic]:
    topics = {}
    for path in sorted(p for p in sources if p.startswith(f"{CONTENT_DIR}/topics/")):
        topic_id = path.rsplit("/", 1)[-1].removesuffix(".yaml")
        if not ID_PATTERN.fullmatch(topic_id):
            problems.append(Problem(Location(path), f"'{topic_id}' is not a valid topic id: "
                                    "name the file with lower-case letters, digits and hyphens"))
            continue
        if path in nodes:
            reader, node = nodes[path]
            topic = sections.read_topic(reader, topic_id, node, shared)
            if topic is not None:
                _check_topic(reader, node, topic)
                topics[topic_id] = topic
    return topics


def _check_topic(reader: Reader, node: Node, topic: Topic) -> None:
    if topic.practice and not any(level.items for level in topic.practice):
        reader.error(node, f"the topic '{topic.id}' has no practice items; each of best, safe "
                     "and poor needs at least one")


def check_unique_ids(publication: Publication,
                     sources: Mapping[str, SourceFile]) -> list[Problem]:
    """Ids a variant refers to must be unique; YAML only catches repeats within one list."""
    first: dict[str, Location] = {}
    problems = []
    for item in identified_items(publication):
        if item.id in first:
            where = first[item.id]
            same_file = where.file == item.location.file
            problems.append(Problem(
                item.location, f"the id '{item.id.rsplit('/', 1)[-1]}' is used twice "
                f"(first on line {where.line}{'' if same_file else ' of ' + where.file}); "
                "ids must be unique", source_line=_line(sources, item.location)))
        first.setdefault(item.id, item.location)
    return problems


def _line(sources: Mapping[str, SourceFile], where: Location) -> str:
    source = sources.get(where.file)
    return source.line(where.line) if source else ""


def identified_items(publication: Publication) -> Iterator[Item]:
    """Every item that carries its own id (shared consequences count once, in their file)."""
    for topic in publication.topics:
        yield from topic.headline + topic.preamble
        for level in topic.practice:
            yield from level.items
            yield from (c for c in level.consequences if c.id.startswith(topic.id + "/"))
        yield from topic.in_place
    yield from publication.guidelines.items
    yield from publication.summary.do.items + publication.summary.do_not.items
    yield from publication.reporting.steps


def read_publication(r: Reader, node: Node, topics: dict[str, Topic],
                     topic_files: set[str], language: tuple[str, ...] = ()) -> dict[str, object]:
    """publication.yaml's fields; `language` is the one being read, from `languages`."""
    f = r.fields(node, "publication.yaml",
                 ("title", "introduction", "audience", "publisher", "author", "approval",
                  "dates", "adaptation", "revisions", "topics"),
                 ("subtitle", "language", "languages", "translating", "posters", "site_url",
                  "review", "supporting_documents", "circulated_to"))
    if f is None or not all(k in f for k in ("publisher", "author", "approval", "dates",
                                              "adaptation", "revisions", "topics")):
        return None  # type: ignore[return-value]
    cycle, warn_days = _read_review(r, f.get("review"))
    site_url = r.optional_text(f, "site_url", "site_url", twin=False)
    if site_url and not re.fullmatch(r"https?://\S+", site_url):
        r.error(f["site_url"], f"site_url should start with https://, found '{site_url}'")
    return dict(
        title=r.optional_text(f, "title", "the title"),
        subtitle=r.optional_text(f, "subtitle", "the subtitle"),
        language=next(iter(language), "")
        or r.optional_text(f, "language", "the language", twin=False) or "en-GB",
        site_url=site_url.rstrip("/") + "/" if site_url else "",
        introduction=r.optional_markdown(f, "introduction", "the introduction"),
        audience=r.optional_markdown(f, "audience", "the audience"),
        publisher=sections.read_party(r, f["publisher"], "the publisher", ("name",)),
        author=sections.read_party(r, f["author"], "the author", ("name", "email")),
        approval=sections.read_approval(r, f["approval"]),
        dates=sections.read_dates(r, f["dates"]),
        review_cycle=cycle, warn_days=warn_days,
        adaptation=sections.read_adaptation(r, f["adaptation"]),
        supporting_documents=_optional_list(r, f, "supporting_documents"),
        circulated_to=_optional_list(r, f, "circulated_to"),
        revisions=sections.read_revisions(r, f["revisions"]),
        topics=_order_topics(r, f["topics"], topics, topic_files),
        bilingual_posters=bilingual_posters(r, f.get("posters")),
    )


def _optional_list(r: Reader, f: dict[str, Node], name: str) -> tuple[str, ...]:
    return r.text_list(f[name], name) if name in f else ()


def _read_review(r: Reader, node: Node | None) -> tuple[str, int]:
    if node is None:
        return "", 60
    f = r.fields(node, "review", (), ("cycle", "warn_days")) or {}
    days = r.integer(f["warn_days"], "warn_days") if "warn_days" in f else 60
    return r.optional_text(f, "cycle", "the review cycle"), 60 if days is None else days


def _order_topics(r: Reader, node: Node, topics: dict[str, Topic],
                  topic_files: set[str]) -> tuple[Topic, ...]:
    listed = r.text_list(node, "topics", twin=False)
    ordered = []
    for topic_id in listed:
        if topic_id in topics:
            ordered.append(topics[topic_id])
        elif topic_id not in topic_files:
            r.error(node, f"the topic '{topic_id}' is listed but there is no file "
                    f"content/topics/{topic_id}.yaml{suggest(topic_id, tuple(topics))}")
    for topic_id in sorted(topic_files):
        if topic_id not in listed:
            r.error(node, f"content/topics/{topic_id}.yaml is not listed in 'topics'; add "
                    f"'{topic_id}' where it should appear")
    if len(set(listed)) != len(listed):
        r.error(node, "a topic is listed twice in 'topics'")
    return tuple(ordered)


def check_links(publication: Publication, texts: tuple[MarkdownText, ...],
                sources: Mapping[str, SourceFile]) -> list[Problem]:
    """Every glossary:, topic: and page: link must name something that exists."""
    targets = {
        "glossary": tuple(t.id for t in publication.glossary.terms),
        "topic": tuple(t.id for t in publication.topics),
        "page": FIXED_PAGES,
    }
    problems = image_problems(texts, sources)
    for text in texts:
        for match in INTERNAL_LINK.finditer(text.text):
            kind, target = match.group(1), match.group(2)
            if target in targets[kind]:
                continue
            line = text.line_at(match.start())
            problems.append(Problem(
                Location(text.location.file, line), f"the link '{kind}:{target}' points at a "
                f"{LINK_KIND_NAMES[kind]} that does not exist{suggest(target, targets[kind])}",
                source_line=sources[text.location.file].line(line)))
    return problems


def image_problems(texts: Iterable[MarkdownText],
                   sources: Mapping[str, SourceFile]) -> list[Problem]:
    """Pictures in text would be fetched from somewhere, and words reach everyone."""
    problems = []
    for text in texts:
        for match in IMAGE.finditer(text.text):
            line = text.line_at(match.start())
            problems.append(Problem(
                Location(text.location.file, line), IMAGE_MESSAGE,
                source_line=sources[text.location.file].line(line)
                if text.location.file in sources else ""))
    return problems


def unused_terms(publication: Publication, texts: tuple[MarkdownText, ...]) -> list[Problem]:
    """Warn about core glossary terms that no text uses: probably renamed or left over."""
    linker = GlossaryLinker(publication.glossary.terms)
    glossary_file = f"{CONTENT_DIR}/glossary.yaml"
    used: set[str] = set()
    for text in texts:
        if text.location.file != glossary_file:
            linker.split(text.text, used)
            used |= {m.group(1) for m in re.finditer(r"\(glossary:([\w-]+)\)", text.text)}
    return [Problem(term.location, f"the glossary term '{term.term}' is not used anywhere in "
                    "the guidance", Severity.WARNING)
            for term in publication.glossary.terms if term.group == "core" and term.id not in used]


def check_protected(publication: Publication,
                    nodes: dict[str, tuple[Reader, Node]]) -> list[Problem]:
    """Protected ids must exist, or the rule protects nothing."""
    known = set(FIXED_PAGES) | {t.id for t in publication.topics} | all_item_ids(publication)
    reader, root = nodes[f"{CONTENT_DIR}/publication.yaml"]
    node = find_node(root, ("adaptation", "protected"))
    entries = node.value if isinstance(node, SequenceNode) else []  # else reported already
    return [reader.source.problem(entry, f"the protected id '{entry.value}' does not exist"
                                  + suggest(entry.value, tuple(sorted(known))))
            for entry in entries if isinstance(entry, ScalarNode) and entry.value not in known]


def find_node(root: Node, path: tuple[str, ...]) -> Node | None:
    """The node at a path of mapping keys, or None."""
    node: Node | None = root
    for key in path:
        if not isinstance(node, MappingNode):
            return None
        node = next((v for k, v in node.value if k.value == key), None)
    return node


def all_item_ids(publication: Publication) -> set[str]:
    """Every id a variant may name: items, contacts, offences and shared consequences."""
    ids = {item.id for item in identified_items(publication)}
    ids |= {c.id for t in publication.topics for level in t.practice for c in level.consequences}
    ids |= {c.id for c in publication.reporting.contacts}
    ids |= {o.id for o in publication.legal.offences}
    return ids
