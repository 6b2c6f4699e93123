"""Where a problem is, what it is, and how an editor is told about it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A place in a source file; line and column count from 1, 0 means unknown."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        parts = [self.file]
        if self.line:
            parts.append(str(self.line))
            if self.column:
                parts.append(str(self.column))
        return ":".join(parts)


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the content, with the source line it points at."""

    location: Location
    message: str
    severity: Severity = Severity.ERROR
    source_line: str = field(default="", compare=False)
    # Numbered lines around the problem (with its own line), for when one line cannot show
    # the slip: a YAML syntax error is best seen beside the lines it fails to line up with.
    context: tuple[tuple[int, str], ...] = field(default=(), compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str]:
        loc = self.location
        return (loc.file, loc.line, loc.column, self.message)

    def format(self) -> str:
        head = f"{self.location}: {self.severity.value}: {self.message}"
        if self.context:
            return f"{head}\n{self._numbered()}"
        if not self.source_line:
            return head
        caret = ""
        if self.location.column:
            caret = "\n    " + " " * (self.location.column - 1) + "^"
        return f"{head}\n    {self.source_line}{caret}"

    def _numbered(self) -> str:
        width = len(str(self.context[-1][0]))
        shown = []
        for number, text in self.context:
            shown.append(f"    {number:>{width}} | {text}".rstrip())
            if number == self.location.line and self.location.column:
                shown.append(f"    {'':>{width}} | " + " " * (self.location.column - 1) + "^")
        return "\n".join(shown)


class PolicygenError(Exception):
    """Base of the errors the CLI turns into a message and an exit status."""


class ContentError(PolicygenError):
    """The content has problems; the build stops before writing anything."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        super().__init__(format_problems(self.problems))

    def __reduce__(self) -> tuple[type[ContentError], tuple[list[Problem]]]:
        # Made again from its problems when it comes back from a worker process (pickled):
        # the default would pass the formatted message where the problems go.
        return (type(self), (self.problems,))


class OutputError(PolicygenError):
    """The output folder cannot be written safely, or an option asks for the impossible."""


class SearchIndexError(PolicygenError):
    """Pagefind could not make a search index; the build stops before anything is swapped in."""


class WriteError(PolicygenError):
    """Writing failed part way (a full disk, a folder we may not write); nothing was swapped."""


def format_problems(problems: list[Problem]) -> str:
    return "\n".join(p.format() for p in problems)


def suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """A ' (did you mean …?)' hint, or nothing when no choice is close."""
    # Compared without hyphens and underscores ('dont' is close to 'do_not'), and only close
    # matches: words that merely share a few letters ('stalking' and 'tagging') mislead;
    # a short word differs by a larger share when one letter is wrong ('rup' for 'aup').
    plain = {_letters(choice): choice for choice in reversed(choices)}
    cutoff = 0.6 if len(_letters(word)) <= 4 else 0.75
    close = difflib.get_close_matches(_letters(word), list(plain), n=3, cutoff=cutoff)
    if not close:
        return ""
    return " (did you mean " + " or ".join(f"'{plain[c]}'" for c in close) + "?)"


def _letters(word: str) -> str:
    return "".join(c for c in word.lower() if c.isalnum() or c == "/")


def display_path(path: Path, root: Path) -> str:
    """The path as an editor knows it: relative to the project when it is inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
