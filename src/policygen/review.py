"""Is the guidance current, due for review soon, or overdue?"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum

from .errors import OutputError


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
