"""The Jinja environment: strict, autoescaping, with the filters the templates share."""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from .errors import Location, PolicygenError, Problem
from .markup import MarkdownRenderer

_CHANGE_KIND_NAMES = {"terminology": "terminology", "branding": "logo and colours",
                      "contacts": "local contacts", "dates": "dates", "reword": "rewording items",
                      "add": "adding items", "remove": "removing items", "move": "moving items",
                      "rename": "renaming topics", "sections": "adding or dropping sections"}
_PERMISSION_NAMES = {"free": "Yes, freely", "notify": "Yes, after telling the author",
                     "forbidden": "No"}


class TemplateProblem(PolicygenError):
    """A template is broken: its name and line are in the message."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.format())


def default_templates_dir() -> Path:
    """Templates shipped in the wheel, or the repository's templates/ in a source checkout."""
    packaged = Path(__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).parents[2] / "templates"


def template_file(templates: Path, name: str) -> Path:
    """A file from the project's templates, or the shipped one when the project has none."""
    own = templates / name
    return own if own.exists() else default_templates_dir() / name


def make_environment(templates: Path) -> jinja2.Environment:
    """Templates from the project's folder first; any it lacks come from policygen's own."""
    folders = list(dict.fromkeys([str(templates), str(default_templates_dir())]))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # A build reads each template once; without this every page would ask the disk
        # whether its templates changed. (The preview makes a new environment per rebuild.)
        auto_reload=False,
    )
    env.filters.update(
        longdate=long_date, anchor=anchor, tel=tel_href, site_name=site_name, slug=slug,
        lower_first=lower_first, filesize=file_size, css_string=css_string,
        first_paragraph=first_paragraph,
        change_kind=_CHANGE_KIND_NAMES.get,
        permission=_PERMISSION_NAMES.get,
    )
    return env


def markdown_functions(renderer: MarkdownRenderer) -> dict[str, Callable[[str], Markup]]:
    """`md` and `inline` for templates: the renderer's output is sanitised, so marked safe."""
    return {"md": lambda text: Markup(renderer.block(text)),
            "inline": lambda text: Markup(renderer.inline(text))}


def render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render a template; a template error becomes ours, naming the template and line."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = Location(f"templates/{exc.name or name}", exc.lineno or 0)
        raise TemplateProblem(Problem(where, f"template error: {exc.message}")) from exc
    except (jinja2.TemplateError, TypeError) as exc:  # a filter given the wrong thing: TypeError
        raise TemplateProblem(Problem(_template_location(exc, name),
                                      f"template error: {exc}")) from exc


def _template_location(exc: BaseException, name: str) -> Location:
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if f.filename.endswith((".html", ".xml", ".css", ".js", ".yaml"))]
    if not frames:
        return Location(f"templates/{name}")
    frame = frames[-1]
    parts = Path(frame.filename).parts
    short = "/".join(parts[parts.index("templates"):]) if "templates" in parts else frame.filename
    return Location(short, frame.lineno or 0)


def long_date(value: date) -> str:
    """14 September 2026: the form UK readers expect, with no leading zero."""
    return f"{value.day} {value:%B %Y}"


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



def file_size(size: int) -> str:
    """1.2 MB, 340 KB: how big a download is, as people say it."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def css_string(text: str) -> Markup:
    """Text as a quoted CSS string, safe inside a <style> element whatever it contains."""
    plain = str(Markup(text).unescape()) if isinstance(text, Markup) else str(text)
    escaped = "".join(c if c.isalnum() or c in " .,:;()'-/?!&%+=_" else f"\\{ord(c):x} "
                      for c in " ".join(plain.split()))
    return Markup(f'"{escaped}"')


def first_paragraph(text: str) -> str:
    """The first paragraph of a Markdown text, where a poster has room for no more."""
    return text.strip().split("\n\n", 1)[0]
