"""Choosing a poster's text size: the largest step that fits one page, in as few layouts as can be.

A layout is what costs (about 40 ms for a poster, far more for one with columns), so the search
does not try sizes blindly: each layout also tells how tall the text came out, and from that it
predicts the size that will just fit and tries that next. Text height grows about with the
square of the size (lines get taller, and more of them as fewer words fit a line); on the
default posters the growth from one step to the next was between the 1st and the 6th power,
2.3 in the middle. Most posters take two or three layouts.

Only a layout says that a size fits, so a poster never overflows. A prediction decides only
which larger step to try; the step just above the one chosen is always laid out as well, so the
size chosen is the largest that fits (unless sizes two steps apart fit and the one between
does not). The search starts from the same step for every poster and depends on
nothing but the poster, so the same input always gives the same size.

No WeasyPrint here: the caller passes a function that lays a step out and measures it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

GROWTH_EXPONENT = 2.0


@dataclass(frozen=True, slots=True)
class Step:
    """One size to try: the body text size, and whether the "what can happen" notes show."""

    size_pt: float
    notes: bool


@dataclass(frozen=True, slots=True)
class Trial:
    """A step laid out: whether it fits one page, and how tall its text is beside the room."""

    fits: bool
    height: float  # the text's height, in any unit: the same as `room`
    room: float    # the height the text may take on the page
    document: Any = None  # the laid-out document, to be written if this step is chosen


@dataclass(frozen=True, slots=True)
class Fit:
    """The outcome: the chosen step and its trial, or None and the smallest step's trial."""

    step: Step | None
    trial: Trial
    layouts: int


Measure = Callable[[Step], Trial]


def choose_step(steps: tuple[Step, ...], first: Step, measure: Measure) -> Fit:
    """The step a poster is printed at: steps with notes beat steps without, larger beats smaller.

    `steps` are in order of preference; `first` is where the search starts.
    """
    trials = _Trials(measure)
    plain = [step for step in steps if not step.notes]
    index = _fitting_plain(plain, plain.index(first), trials)
    if index is None:
        return Fit(None, trials.get(plain[-1]), trials.count)
    index = _larger_plain(plain, index, trials)
    noted = _largest_noted([step for step in steps if step.notes], plain[index], trials)
    chosen = noted or plain[index]
    return Fit(chosen, trials.get(chosen), trials.count)


class _Trials:
    """Each step is laid out at most once."""

    def __init__(self, measure: Measure) -> None:
        self.measure = measure
        self.done: dict[Step, Trial] = {}

    @property
    def count(self) -> int:
        return len(self.done)

    def get(self, step: Step) -> Trial:
        if step not in self.done:
            self.done[step] = self.measure(step)
        return self.done[step]


def _fitting_plain(plain: list[Step], index: int, trials: _Trials) -> int | None:
    """A step without notes that fits, going down from `index` by prediction."""
    while True:
        trial = trials.get(plain[index])
        if trial.fits:
            return index
        if index == len(plain) - 1:
            return None
        # Never past the smallest step: only a layout may say that nothing fits.
        index = min(max(index + 1, predicted(plain, plain[index], trial)), len(plain) - 1)


def _larger_plain(plain: list[Step], index: int, trials: _Trials) -> int:
    """From a step that fits, up to the largest that fits, while one is predicted to."""
    while index > 0:
        target = predicted(plain, plain[index], trials.get(plain[index]))
        if target >= index:
            # Predicted not to fit: with steps half a point apart the prediction is often
            # wrong by one, so the step just above is laid out all the same (one layout more).
            if trials.get(plain[index - 1]).fits:
                index -= 1
                continue
            return index
        if trials.get(plain[target]).fits:
            index = target
        elif target < index - 1 and trials.get(plain[index - 1]).fits:
            index -= 1  # the prediction overshot: the step just above may still fit
        else:
            return index
    return index


def _largest_noted(noted: list[Step], plain_fit: Step, trials: _Trials) -> Step | None:
    """The largest step with notes that fits, if any can: never at a size the text without
    them does not fit, so only from the plain step's size down."""
    possible = [step for step in noted if step.size_pt <= plain_fit.size_pt]
    chosen = None
    for step in reversed(possible):  # smallest first: each one up is less likely to fit
        if not trials.get(step).fits:
            break
        chosen = step
    return chosen


def predicted(steps: list[Step], measured: Step, trial: Trial) -> int:
    """The index of the largest step predicted to fit, from one step's measured height."""
    for index, step in enumerate(steps):
        growth = (step.size_pt / measured.size_pt) ** GROWTH_EXPONENT
        if trial.height * growth <= trial.room:
            return index
    return len(steps)
