"""Terms put in by walks kept across variants (terminology.KeptWalks, issue 13): a variant with
the same terms as one before takes the parts of the base already walked with them instead of
walking them again, and what it gets (its words, each term's count, its near-miss warnings) is
what a walk of its own gives."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from policygen.build.pipeline import check
from policygen.variants import chain, terminology
from policygen.variants.ledger import AdaptedPublication
from policygen.variants.terminology import Substituter

TERMS = "terminology:\n  children and young people: pupils\n  workers: staff\n"
SCHOOLS = {
    "oak": "organisation:\n  name: Oak School\n" + TERMS
    + "items:\n  reword:\n    email/work-account: Use the school account for every message.\n",
    "ash": "organisation:\n  name: Ash School\n" + TERMS
    + "items:\n  remove: [email/auto-forwarding]\n",
}


@pytest.fixture
def project(default_project: Path) -> Path:
    for name, text in SCHOOLS.items():
        (default_project / "variants" / name).mkdir(parents=True)
        (default_project / "variants" / name / "variant.yaml").write_text(text)
    return default_project


def adapt(project: Path, name: str) -> AdaptedPublication:
    """The school's copy laid over the base, read once as a build reads it for every copy."""
    if project not in _BASES:
        _BASES[project] = check(project, date(2026, 12, 1)).publication
    return chain.adapt(project, _BASES[project], name)


_BASES: dict[Path, Any] = {}


def walked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the parts walked (not taken from a kept walk)."""
    count = [0]
    inside = terminology._walk_inside

    def counting(*args: Any) -> Any:
        count[0] += 1
        return inside(*args)
    monkeypatch.setattr(terminology, "_walk_inside", counting)
    return count


def test_a_variant_with_the_same_terms_takes_the_kept_walks_and_gets_what_a_walk_gives(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    terminology._KEPT.clear()
    count = walked(monkeypatch)
    adapt(project, "oak")
    first = count[0]
    kept = adapt(project, "ash")
    again = count[0] - first
    assert 0 < again < first / 5, "the second school walks only what it does not share"
    # The same school with nothing kept: every part walked with its terms.
    monkeypatch.setattr(Substituter, "walk_key", property(lambda self: None))
    fresh = adapt(project, "ash")
    assert kept.publication == fresh.publication
    assert kept.changes == fresh.changes and kept.warnings == fresh.warnings
    terms = [c for c in kept.changes if c.kind == "terminology"]
    assert terms and all(c.count > 0 for c in terms)
    near = [w.message for w in kept.warnings if "looks like the term" in w.message]
    assert near and near == [w.message for w in fresh.warnings
                             if "looks like the term" in w.message]
    assert "pupils" in kept.publication.topics[0].title + str(kept.publication.summary)
