"""Progress of a long build (issue 13, point 4): the time left on a terminal, plain lines in a log."""

from __future__ import annotations

import pytest

from policygen.commands.progress import TimeLeft, duration, in_a_log, on_terminal


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("seconds, said", [
    (0.2, "1 s"), (12, "12 s"), (59.6, "1 min"), (80, "1 min 20 s"), (125, "2 min 5 s"),
    (600, "10 min"), (1000, "17 min"), (3600, "60 min")])
def test_durations_read_at_a_glance(seconds: float, said: str) -> None:
    assert duration(seconds) == said


def test_the_estimate_waits_until_it_means_something_then_follows_the_rate() -> None:
    clock = Clock()
    left = TimeLeft(clock)
    assert left("rendering PDFs", 0, 40) == ""
    clock.now += 1
    assert left("rendering PDFs", 1, 40) == ""  # one item, one second: too early to say
    clock.now += 3
    assert left("rendering PDFs", 10, 40) == ", about 12 s left"  # 0.4 s each, 30 to go
    clock.now += 26
    assert left("rendering PDFs", 20, 40) == ", about 30 s left"  # slower: 1.5 s each
    assert left("rendering PDFs", 40, 40) == ""  # done


def test_a_new_stage_starts_its_own_clock() -> None:
    clock = Clock()
    left = TimeLeft(clock)
    left("rendering PDFs", 1, 10)
    clock.now += 50
    assert left("writing the website", 5, 10) == ""  # the PDFs' time is not the pages'


def test_a_terminal_line_is_rewritten_in_place_with_the_time_left() -> None:
    clock, written = Clock(), []
    report = on_terminal(written.append, clock)
    report("preparing", 0, 0)
    for done in range(1, 5):
        clock.now += 1
        report("rendering PDFs", done, 8)
    assert written[0] == "\r\033[Kpreparing"
    assert written[-1] == "\r\033[Krendering PDFs 4/8, about 4 s left"  # 1 s each, 4 to go


def test_a_log_gets_a_plain_line_each_tenth_of_the_way() -> None:
    clock, written = Clock(), []
    report = in_a_log(written.append, clock)
    report("preparing", 0, 0)
    for done in range(1, 101):
        clock.now += 0.5
        report("rendering PDFs", done, 100)
    assert len(written) == 10
    assert written[0] == "rendering PDFs 10/100, about 45 s left\n"
    assert written[4] == "rendering PDFs 50/100, about 25 s left\n"
    assert written[-1] == "rendering PDFs 100/100\n"
    assert all("\r" not in line and "\033" not in line for line in written)
