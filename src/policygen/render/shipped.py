"""Where the templates shipped with policygen are, and where a project's template file is.

Apart from templating.py, which imports Jinja: a build that finds nothing to render (an
unchanged rebuild) needs the folder's name but no template engine.
"""

from __future__ import annotations

from pathlib import Path


def default_templates_dir() -> Path:
    """Templates shipped in the wheel, or the repository's templates/ in a source checkout."""
    package = Path(__file__).parents[1]  # src/policygen (render/ is one of its packages)
    packaged = package / "templates"
    return packaged if packaged.is_dir() else package.parents[1] / "templates"


def template_file(templates: Path, name: str) -> Path:
    """A file from the project's templates, or the shipped one when the project has none."""
    own = templates / name
    return own if own.exists() else default_templates_dir() / name
