"""A variant's changes in guidance in several languages: each change made in every language is
one change with its words in each; a change made in one language alone (a Welsh term) is its own.

The variant is laid over each language's guidance separately (changes.apply_in_languages), so
each gives its own list of changes. Two changes are the same change when the same line of the
variant made them: `email/work-account:` with its `en:` and `cy:` beneath it is one reword.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import replace

from policygen.model import Change

_Key = tuple[str, str, str, int, int]


def twinned_changes(main: Sequence[Change],
                    others: Sequence[tuple[str, Sequence[Change]]]) -> tuple[Change, ...]:
    """The main language's changes, each with its words in the other languages, then the
    changes only another language makes (its own terms), marked with that language."""
    pending = {language: _by_key(changes) for language, changes in others}
    twinned = [replace(change, twins=tuple(
        (language, found.popleft().after) for language, waiting in pending.items()
        if (found := waiting.get(_key(change)))))
        for change in main]
    alone = [replace(change, language=language) for language, waiting in pending.items()
             for left in waiting.values() for change in left]
    return (*twinned, *alone)


def _by_key(changes: Sequence[Change]) -> dict[_Key, deque[Change]]:
    found: dict[_Key, deque[Change]] = {}
    for change in changes:
        found.setdefault(_key(change), deque()).append(change)
    return found


def _key(change: Change) -> _Key:
    where = change.location
    return (change.kind, change.target, where.file, where.line, where.column)
