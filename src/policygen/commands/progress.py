"""Progress of a long build as people read it: what it is doing, how far, and how long is left.

On a terminal one line updates in place; in a log (CI) a few plain lines are written instead,
each tenth of the way, so that a log shows life without flooding.
"""

from __future__ import annotations

import time
from collections.abc import Callable

Write = Callable[[str], None]
Clock = Callable[[], float]
# An estimate made from the first few items misleads more than it helps.
_SETTLE_SECONDS = 2.0
_SETTLE_ITEMS = 2


class TimeLeft:
    """An estimate of the time left in a stage, from how fast the stage has gone so far."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self.stage = ""
        self.started = 0.0
        self.first = 0  # how many were done when the stage was first reported

    def __call__(self, stage: str, done: int, total: int) -> str:
        now = self.clock()
        if stage != self.stage:
            self.stage, self.started, self.first = stage, now, done
        elapsed, counted = now - self.started, done - self.first
        if not total or done >= total or counted < _SETTLE_ITEMS or elapsed < _SETTLE_SECONDS:
            return ""
        return f", about {duration(elapsed / counted * (total - done))} left"


def duration(seconds: float) -> str:
    """12 s, 1 min 20 s, 14 min: as long as it needs to be read at a glance."""
    whole = max(1, round(seconds))
    if whole < 60:
        return f"{whole} s"
    if whole >= 600:  # past ten minutes, the seconds are noise
        return f"{round(whole / 60)} min"
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def on_terminal(write: Write, clock: Clock = time.monotonic) -> Callable[[str, int, int], None]:
    """One line, rewritten in place: 'rendering PDFs 12/40, about 1 min 20 s left'."""
    left = TimeLeft(clock)

    def report(stage: str, done: int, total: int) -> None:
        counted = f" {done}/{total}{left(stage, done, total)}" if total else ""
        write(f"\r\033[K{stage}{counted}")
    return report


def in_a_log(write: Write, clock: Clock = time.monotonic) -> Callable[[str, int, int], None]:
    """A plain line each tenth of the way through counted work."""
    left = TimeLeft(clock)

    def report(stage: str, done: int, total: int) -> None:
        estimate = left(stage, done, total)  # every call, so that the rate is measured
        if total and (done % max(1, total // 10) == 0 or done == total):
            write(f"{stage} {done}/{total}{estimate}\n")
    return report
