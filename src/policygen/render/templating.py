"""The Jinja environment: strict, autoescaping, with the filters the templates share."""

from __future__ import annotations

import io
import os
import re
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path, PurePath
from types import ModuleType
from typing import Any, Protocol
from urllib.parse import urlsplit

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from policygen.errors import Location, PolicygenError, Problem
from policygen.model import StandIn
from policygen.render.shipped import default_templates_dir
from policygen.source.markup import MarkdownRenderer
from policygen.words import N_, SOURCE, Words, words_for

_CHANGE_KIND_NAMES = {"terminology": N_("terminology"), "branding": N_("logo and colours"),
                      "contacts": N_("local contacts"), "dates": N_("dates"),
                      "reword": N_("rewording items"), "add": N_("adding items"),
                      "remove": N_("removing items"), "move": N_("moving items"),
                      "rename": N_("renaming topics"),
                      "sections": N_("adding or dropping sections")}
# The practice levels' labels when the content gives none (model.DEFAULT_LEVEL_LABELS, filled
# in at loading): said in the publication's language. A label the content gives is its own.
_DEFAULT_LEVEL_LABELS = frozenset({N_("Best practice"), N_("Safe practice"), N_("Poor practice")})
_PERMISSION_NAMES = {"free": N_("Yes, freely"), "notify": N_("Yes, after telling the author"),
                     "forbidden": N_("No")}


class TemplateProblem(PolicygenError):
    """A template is broken: its name and line are in the message."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.format())


class TemplateOutside(jinja2.TemplateError):
    """A template file is a link to a file outside the templates folders."""


class ConfinedLoader(jinja2.FileSystemLoader):
    """Reads templates only from inside its folders, wherever a file (a link) points.

    FileSystemLoader refuses '..' in a name but reads a linked file wherever it lies; here the
    file's real path must be inside the real folder, checked before the file is read (a link
    to /dev/zero would never finish). A folder that is itself a link out counts as outside.
    """

    def __init__(self, folders: list[Path], trusted: Path) -> None:
        super().__init__([str(folder) for folder in folders])
        self.roots = [str(trusted.resolve()) if folder == trusted else _real_folder(folder)
                      for folder in folders]

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        for folder, root in zip(self.searchpath, self.roots, strict=True):
            candidate = os.path.join(folder, *pieces)
            if os.path.isfile(candidate):
                if not os.path.realpath(candidate).startswith(root + os.sep):
                    raise TemplateOutside(
                        f"the template '{template}' is a link to a file outside the templates "
                        "folder; templates must live inside it (copy the file in)")
                break
        return super().get_source(environment, template)


def _real_folder(folder: Path) -> str:
    """The folder's real path, its parents' links followed but not a link it is itself."""
    return str(folder.parent.resolve() / folder.name)


class ProjectSandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, which also keeps templates away from files, folders and modules.

    The sandbox refuses '_' attributes (`cycler.__init__.__globals__`) and, immutable, any
    change to the lists and dicts every page shares. It still allows public methods, and the
    data holds paths (a variant's folder): `folder.joinpath(…).read_text()` must fail too.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (type of the object, attribute, type of the value) -> safe? Every test Jinja and
        # this class make looks at those three and nothing else, and a build asks the same
        # few hundred questions about two hundred thousand times.
        self._safe: dict[tuple[type, str, type], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr, type(value))
        safe = self._safe.get(key)
        if safe is None:
            safe = self._safe[key] = (super().is_safe_attribute(obj, attr, value)
                                      and not _is_system(value))
        return safe

    def is_safe_callable(self, obj: Any) -> bool:
        return super().is_safe_callable(obj) and not _is_system(getattr(obj, "__self__", None))

    def getitem(self, obj: Any, argument: Any) -> Any:
        value = super().getitem(obj, argument)
        return self.unsafe_undefined(obj, str(argument)) if _is_system(value) else value


def _is_system(value: object) -> bool:
    return isinstance(value, (PurePath, io.IOBase, ModuleType))


def make_environment(templates: Path) -> jinja2.Environment:
    """Templates from the project's folder first; any it lacks come from policygen's own.

    Sandboxed: a project's templates may come from anyone, and must not run code or read files.
    """
    shipped = default_templates_dir()
    folders = list(dict.fromkeys([templates, shipped]))
    env = ProjectSandbox(
        loader=ConfinedLoader(folders, shipped),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # A build reads each template once; without this every page would ask the disk
        # whether its templates changed. (The preview makes a new environment per rebuild.)
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    # The words come from the catalogue of the language each render names ("language" in its
    # context), not from one installed on the environment: one environment renders the base
    # and every variant, and will render each edition in its own language.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_gettext, ngettext=_ngettext, newstyle=True)
    env.filters.update(
        longdate=_long_date, anchor=anchor, tel=tel_href, site_name=site_name, slug=slug,
        lower_first=lower_first, filesize=_file_size, css_string=css_string,
        first_paragraph=first_paragraph, change_kind=_change_kind, permission=_permission,
        state_text=_state_text, state_source=_state_source, state_label=_state_label,
        level_label=_level_label, place_words=_place_words,
    )
    env.globals["page_counter"] = _page_counter
    return env


def words_of(context: jinja2.runtime.Context) -> Words:
    """The words of the language the render is in; English where the context names none."""
    language = context.get("language")
    return words_for(language) if isinstance(language, str) else SOURCE


@jinja2.pass_context
def _gettext(context: jinja2.runtime.Context, message: str) -> str:
    return words_of(context).lookup(message)


@jinja2.pass_context
def _ngettext(context: jinja2.runtime.Context, singular: str, plural: str, number: int) -> str:
    return words_of(context).lookup_plural(singular, plural, number)


@jinja2.pass_context
def _long_date(context: jinja2.runtime.Context, value: date) -> str:
    return words_of(context).date(value)


@jinja2.pass_context
def _file_size(context: jinja2.runtime.Context, size: int) -> str:
    return file_size(size, words_of(context))


@jinja2.pass_context
def _change_kind(context: jinja2.runtime.Context, kind: str) -> str | None:
    name = _CHANGE_KIND_NAMES.get(kind)
    return words_of(context).gettext(name) if name else None


@jinja2.pass_context
def _permission(context: jinja2.runtime.Context, permission: str) -> str | None:
    name = _PERMISSION_NAMES.get(permission)
    return words_of(context).gettext(name) if name else None


@jinja2.pass_context
def _level_label(context: jinja2.runtime.Context, label: str) -> str:
    return level_label(label, words_of(context))


def level_label(label: str, words: Words) -> str:
    """A practice level's name in the page's language: the default names from the catalogue,
    a name the guidance gives its levels as written (in each language, by the guidance)."""
    return words.gettext(label) if label in _DEFAULT_LEVEL_LABELS else label


class _SaysItsState(Protocol):
    """ledger.AdaptationState (a Protocol: the ledger is an earlier stage than templates)."""

    def text_in(self, words: Words) -> str: ...

    def label_in(self, words: Words) -> str: ...

    def source_in(self, words: Words) -> str: ...


@jinja2.pass_context
def _state_text(context: jinja2.runtime.Context, state: _SaysItsState) -> str:
    """An adaptation state's sentences in the render's language."""
    return state.text_in(words_of(context))


@jinja2.pass_context
def _state_source(context: jinja2.runtime.Context, state: _SaysItsState) -> str:
    """Whose guidance a variant adapts, the whole chain, in the render's language."""
    return state.source_in(words_of(context))


@jinja2.pass_context
def _place_words(context: jinja2.runtime.Context, placement: tuple[str, str, str]) -> str:
    """An added or moved item's place (Change.placement) in the render's language."""
    relation, name, anchor = placement
    words = words_of(context)
    if relation == "end":
        return words.gettext("end of %(list)s", list=name)
    if relation == "before":
        return words.gettext("%(list)s, before %(item)s", list=name, item=anchor)
    return words.gettext("%(list)s, after %(item)s", list=name, item=anchor)


@jinja2.pass_context
def _state_label(context: jinja2.runtime.Context, state: _SaysItsState) -> str:
    return state.label_in(words_of(context))


@jinja2.pass_context
def _page_counter(context: jinja2.runtime.Context) -> Markup:
    """CSS content for "Page 3 of 12": the translated words as strings around the counters.

    The numbers are CSS counters, not text: the places are filled with marks to split at, so
    that a language may put the words (and the counters) in its own order.
    """
    text = words_of(context).gettext("Page %(page)s of %(pages)s", page="\0page",
                                     pages="\0pages")
    pieces = re.split("\0(pages?)", text)
    return Markup(" ".join(f"counter({piece})" if index % 2 else _css_quoted(piece)
                           for index, piece in enumerate(pieces) if piece))


def markdown_functions(renderer: MarkdownRenderer) -> dict[str, Callable[[str], Markup]]:
    """`md` and `inline` for templates: the renderer's output is sanitised, so marked safe."""
    return {"md": lambda text: stand_in_marked(text, Markup(renderer.block(text)), "div"),
            "inline": lambda text: stand_in_marked(text, Markup(renderer.inline(text)),
                                                   "span")}


def stand_in_marked(text: str, html: Markup, tag: str) -> Markup:
    """Text rendered from Markdown, marked in its own language when it stands in for a
    translation still to come (only a draft translation has any: render/draft.py)."""
    if not isinstance(text, StandIn):
        return html
    return Markup(f'<{tag} lang="{{}}" class="stand-in">{{}}</{tag}>').format(
        text.language, html)


def render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render a template; a template error becomes ours, naming the template and line."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = Location(f"templates/{exc.name or name}", exc.lineno or 0)
        raise TemplateProblem(Problem(where, f"template error: {exc.message}")) from exc
    except PolicygenError:  # an included part already failed, naming its own template
        raise
    except Exception as exc:  # a filter given the wrong thing, 1/0: the template's mistake
        raise TemplateProblem(Problem(_template_location(exc, name),
                                      f"template error: {_explain(exc)}")) from exc


def _explain(exc: BaseException) -> str:
    if isinstance(exc, SecurityError):
        return (f"this template tries to reach into Python ({str(exc).rstrip('.')}); "
                "templates may only use the data they are given")
    if isinstance(exc, jinja2.TemplateNotFound):
        return (f"there is no template '{exc.name}' in the templates folder (a template may "
                "only include, import or extend another from templates/, like "
                "'site/macros.html')")
    return str(exc)


def _template_location(exc: BaseException, name: str) -> Location:
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if f.filename.endswith((".html", ".xml", ".css", ".js", ".yaml"))]
    if not frames:
        return Location(f"templates/{name}")
    frame = frames[-1]
    parts = Path(frame.filename).parts
    short = "/".join(parts[parts.index("templates"):]) if "templates" in parts else frame.filename
    return Location(short, frame.lineno or 0)


def anchor(item_id: str) -> str:
    """An HTML id for an item: prefixed so that no item can clash with the page's own ids."""
    return "item-" + item_id.rsplit("/", 1)[-1]


def tel_href(phone: str) -> str:
    return re.sub(r"[^\d+]", "", phone)


def site_name(url: str) -> str:
    """The address without https:// and trailing slash, as people say it."""
    parts = urlsplit(url)
    text = parts.netloc + (parts.path if parts.path != "/" else "")
    return text.removeprefix("www.") if text else url


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text



def file_size(size: int, words: Words = SOURCE) -> str:
    """1.2 MB, 340 KB: how big a download is, as people say it."""
    if size >= 1024 * 1024:
        return words.gettext("%(size)s MB", size=words.decimal(f"{size / (1024 * 1024):.1f}"))
    return words.gettext("%(size)s KB", size=max(1, round(size / 1024)))


def css_string(text: str) -> Markup:
    """Text as a quoted CSS string, safe inside a <style> element whatever it contains."""
    plain = str(Markup(text).unescape()) if isinstance(text, Markup) else str(text)
    return _css_quoted(" ".join(plain.split()))


def _css_quoted(text: str) -> Markup:
    escaped = "".join(c if c.isalnum() or c in " .,:;()'-/?!&%+=_" else f"\\{ord(c):x} "
                      for c in text)
    return Markup(f'"{escaped}"')


def first_paragraph(text: str) -> str:
    """The first paragraph of a Markdown text, where a poster has room for no more."""
    return text.strip().split("\n\n", 1)[0]
