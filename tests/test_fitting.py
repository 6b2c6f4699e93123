"""The poster size search (fitting.py) against model posters whose heights are known exactly.

The real posters are laid out by WeasyPrint in test_print.py; here the question is only the
search: does it always end on a step that fits, the best one when text grows as the model
expects, and in few layouts?
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from policygen.render.fitting import Step, Trial, choose_step
from policygen.render.printing import A3, A4, first_step, poster_steps

ROOM = 1000.0


def model_poster(height_at_14pt: float, exponent: float = 2.0,
                 notes_at_14pt: float = 0.0) -> Callable[[Step], Trial]:
    """A poster whose text is `height_at_14pt` tall at 14 pt and grows as size ** exponent."""
    def measure(step: Step) -> Trial:
        growth = (step.size_pt / 14.0) ** exponent
        height = (height_at_14pt + (notes_at_14pt if step.notes else 0.0)) * growth
        return Trial(height <= ROOM, height, ROOM)
    return measure


def counted(measure: Callable[[Step], Trial]) -> tuple[Callable[[Step], Trial], list[Step]]:
    tried: list[Step] = []

    def wrapper(step: Step) -> Trial:
        tried.append(step)
        return measure(step)
    return wrapper, tried


def best_step(steps: tuple[Step, ...], measure: Callable[[Step], Trial]) -> Step | None:
    """What trying every step in order of preference gives: the answer to match."""
    return next((step for step in steps if measure(step).fits), None)


def test_a_long_poster_gets_the_largest_size_that_fits_in_two_layouts() -> None:
    steps = poster_steps(A4, has_notes=True)
    measure, tried = counted(model_poster(ROOM * 0.59))  # fits at 18 pt, not at 18.5
    fit = choose_step(steps, first_step(A4), measure)
    assert fit.step == Step(18.0, False)
    assert fit.trial.fits and fit.layouts == len(tried) <= 3
    assert len(set(tried)) == len(tried), "a step was laid out twice"


def test_a_short_poster_shows_its_notes_at_the_largest_size() -> None:
    steps = poster_steps(A4, has_notes=True)
    fit = choose_step(steps, first_step(A4), model_poster(ROOM * 0.2, notes_at_14pt=ROOM * 0.05))
    assert fit.step == Step(26.0, True)


def test_notes_are_shown_smaller_rather_than_left_out() -> None:
    # Without notes the text fits at 26 pt; with them only at 22 pt: notes at 22 pt win.
    steps = poster_steps(A4, has_notes=True)
    measure = model_poster(ROOM * 0.28, notes_at_14pt=ROOM * 0.1)
    assert best_step(steps, measure) == Step(22.0, True)
    assert choose_step(steps, first_step(A4), measure).step == Step(22.0, True)


def test_a_poster_without_notes_never_tries_them() -> None:
    steps = poster_steps(A4, has_notes=False)
    measure, tried = counted(model_poster(ROOM * 0.2))
    fit = choose_step(steps, first_step(A4), measure)
    assert fit.step == Step(26.0, False)
    assert not any(step.notes for step in tried)


def test_a_poster_too_long_at_the_smallest_size_reports_that_size() -> None:
    steps = poster_steps(A3, has_notes=True)
    fit = choose_step(steps, first_step(A3), model_poster(ROOM * 3.0))
    assert fit.step is None
    assert fit.trial.height > fit.trial.room
    assert fit.trial.height == model_poster(ROOM * 3.0)(steps[-1]).height


@given(st.floats(0.2, 1.6), st.floats(2.0, 4.0), st.floats(0.0, 0.5), st.booleans(),
       st.sampled_from([A4, A3]))
def test_the_search_finds_the_best_step_when_text_grows_as_expected(
        height: float, exponent: float, notes: float, has_notes: bool, paper) -> None:
    steps = poster_steps(paper, has_notes)
    measure, tried = counted(model_poster(ROOM * height, exponent, ROOM * notes))
    fit = choose_step(steps, first_step(paper), measure)
    assert fit.step == best_step(steps, measure)
    assert fit.layouts <= len(steps)


@given(st.lists(st.floats(0.5, 1.5), min_size=13, max_size=13), st.booleans())
def test_whatever_the_heights_the_chosen_step_fits(factors: list[float], has_notes: bool) -> None:
    """Heights that follow no law at all (but grow with size): the answer still fits, and the
    search gives up only when the smallest size does not fit."""
    steps = poster_steps(A4, has_notes)
    plain = [step for step in steps if not step.notes]
    heights: dict[Step, float] = {}
    running = 0.0
    for step, factor in zip(reversed(plain), factors, strict=True):  # smallest first
        running = max(running, ROOM * 0.6 * factor * step.size_pt / 14)
        heights[step] = running
    for step in steps:
        if step.notes:
            heights[step] = heights[Step(step.size_pt, False)] * 1.1

    def measure(step: Step) -> Trial:
        return Trial(heights[step] <= ROOM, heights[step], ROOM)
    fit = choose_step(steps, first_step(A4), measure)
    if heights[plain[-1]] > ROOM:
        assert fit.step is None
    else:
        assert fit.step is not None and heights[fit.step] <= ROOM
