from __future__ import annotations

from datetime import date

import pytest

from policygen.source.review import ReviewState, build_date, review_status

NEXT = date(2027, 9, 14)


@pytest.mark.parametrize(("today", "state"), [
    (date(2027, 7, 15), ReviewState.CURRENT),   # 61 days before
    (date(2027, 7, 16), ReviewState.DUE),       # exactly 60 days before
    (date(2027, 9, 14), ReviewState.DUE),       # the day itself
    (date(2027, 9, 15), ReviewState.OVERDUE),
])
def test_review_state_boundaries(today: date, state: ReviewState) -> None:
    assert review_status(NEXT, today, 60).state is state


def test_build_date_prefers_explicit_then_source_date_epoch(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1830297600")  # 2028-01-01T00:00:00Z
    assert build_date() == date(2028, 1, 1)
    assert build_date(date(2026, 1, 2)) == date(2026, 1, 2)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    before = date.today()
    assert before <= build_date() <= date.today()  # today, even across midnight


@pytest.mark.parametrize("value", ["abc", "-5x", "99999999999999999"])
def test_a_malformed_source_date_epoch_is_refused(monkeypatch: pytest.MonkeyPatch,
                                                  value: str) -> None:
    from policygen.errors import OutputError
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(OutputError, match=f"SOURCE_DATE_EPOCH is '{value}'"):
        build_date()
