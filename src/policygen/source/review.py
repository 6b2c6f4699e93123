"""Is the guidance current, due for review soon, or overdue?"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum

from policygen.errors import Location, OutputError, Problem, Severity


class ReviewState(Enum):
    CURRENT = "current"
    DUE = "due"
    OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class ReviewStatus:
    """The review state on a given day; the site and print banners are made from it."""

    state: ReviewState
    next_review: date
    today: date
    warn_days: int

    @property
    def days_left(self) -> int:
        return (self.next_review - self.today).days


def review_status(next_review: date, today: date, warn_days: int) -> ReviewStatus:
    days = (next_review - today).days
    if days < 0:
        state = ReviewState.OVERDUE
    elif days <= warn_days:
        state = ReviewState.DUE
    else:
        state = ReviewState.CURRENT
    return ReviewStatus(state, next_review, today, warn_days)


def build_date(explicit: date | None = None) -> date:
    """--today when given, else SOURCE_DATE_EPOCH (reproducible builds), else the real date."""
    if explicit is not None:
        return explicit
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return date.today()
    try:
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    except (ValueError, OverflowError, OSError) as error:
        # A reproducible build that silently used today's date would not be reproducible.
        raise OutputError(f"SOURCE_DATE_EPOCH is '{epoch}': expected a whole number of seconds "
                          "since 1 January 1970 (or unset it, or give --today)") from error


def review_warnings(status: ReviewStatus,
                    source: str = "content/publication.yaml") -> list[Problem]:
    """Due or overdue for review: a warning on the file whose date it is."""
    where = Location(source)
    when = status.next_review
    if status.state is ReviewState.OVERDUE:
        return [Problem(where, f"the guidance was due for review on {when}; every page "
                        "says it is overdue", Severity.WARNING)]
    if status.state is ReviewState.DUE:
        return [Problem(where, f"the guidance is due for review on {when} "
                        f"(in {status.days_left} days)", Severity.WARNING)]
    return []


def describe_status(status: ReviewStatus) -> str:
    when = status.next_review.isoformat()
    return {ReviewState.CURRENT: f"current (next review {when})",
            ReviewState.DUE: f"due soon ({when})",
            ReviewState.OVERDUE: f"OVERDUE since {when}"}[status.state]


def count_of(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"

