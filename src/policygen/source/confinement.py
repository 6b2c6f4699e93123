"""What policygen may read: the project's own folders, never through a link that leads outside.

Content comes from many hands. A link (symlink) inside the project that points elsewhere on the
builder's computer would let a page, a poster or an error message show files that were never
meant to be published, so every file and folder is judged by where it really is.
"""

from __future__ import annotations

from pathlib import Path

from policygen.errors import Location, Problem, display_path

# The only folders a build reads from (and a PDF may fetch from).
SOURCE_FOLDERS = ("content", "templates", "variants")


def resolved(path: Path) -> Path | None:
    """Where a path really leads, or None when it cannot be followed (a loop of links)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, before Python 3.13
        return None


def is_inside(path: Path, project: Path) -> bool:
    """Whether `path`, links followed, is the project folder or lies within it."""
    real, root = resolved(path), resolved(project)
    return real is not None and root is not None and (real == root or root in real.parents)


def outside_problem(path: Path, project: Path, what: str) -> Problem | None:
    """A problem when `path` is a link that loops or leads outside the project, else None."""
    if resolved(path) is None:
        return Problem(Location(display_path(path, project)), f"this {what} is a link that leads "
                       "back to itself (a loop of links); replace it with the real "
                       f"{what}")
    if not is_inside(path, project):
        return Problem(Location(display_path(path, project)), f"this {what} is a link to a place "
                       "outside the project; everything policygen reads must live inside "
                       f"the project folder (copy the {what} in)")
    return None


def escaping_folders(project: Path) -> list[Problem]:
    """The source folders that are links leading outside the project (or looping)."""
    found = (outside_problem(project / folder, project, "folder") for folder in SOURCE_FOLDERS
             if (project / folder).is_symlink())
    return [problem for problem in found if problem is not None]


def source_roots(project: Path) -> tuple[Path, ...]:
    """The folders a PDF may read from, resolved; a folder that leads outside is left out."""
    return tuple(real for folder in SOURCE_FOLDERS
                 if is_inside(project / folder, project)
                 and (real := resolved(project / folder)) is not None)
