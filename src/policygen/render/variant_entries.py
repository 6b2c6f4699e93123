"""The lines of the index of variants (variants/index.html), as data: what the build keeps of
each variant for the index, apart from the page's rendering (variant_index.py), so that a build
that renders nothing (an unchanged rebuild) reads them without the template engine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from policygen.render.edition import Edition
from policygen.words import words_for

VARIANT_INDEX = "variants/index.html"


@dataclass(frozen=True, slots=True)
class VariantEntry:
    """One line of the index of variants: a built variant, or one that failed and why."""

    name: str
    organisation: str = ""
    state: str = ""
    review_state: str = ""
    next_review: date | None = None
    error: str = ""
    status: str = ""  # the adaptation's status as a word of AdaptationStatus, for its label
    adapts: str = ""  # in a chain, whose adaptation this adapts (the nearest organisation)
    signed_edition: date | None = None  # the base edition its changes were signed off for
    drifted: int = 0  # its own changes whose base item changed since that edition
    taken_over: int = 0  # items it did not change that the base changed since

    def as_record(self) -> dict[str, Any]:
        """What the build record keeps, so that a reused variant still has its line."""
        return {"name": self.name, "organisation": self.organisation, "state": self.state,
                "review_state": self.review_state,
                "next_review": self.next_review.isoformat() if self.next_review else "",
                "status": self.status, "adapts": self.adapts,
                "signed_edition": self.signed_edition.isoformat() if self.signed_edition
                else "", "drifted": self.drifted, "taken_over": self.taken_over}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> VariantEntry:
        day, signed = record.get("next_review") or "", record.get("signed_edition") or ""
        return cls(str(record.get("name", "")), str(record.get("organisation", "")),
                   str(record.get("state", "")), str(record.get("review_state", "")),
                   date.fromisoformat(day) if day else None,
                   status=str(record.get("status", "")), adapts=str(record.get("adapts", "")),
                   signed_edition=date.fromisoformat(signed) if signed else None,
                   drifted=int(record.get("drifted", 0)),
                   taken_over=int(record.get("taken_over", 0)))


def variant_entry(edition: Edition) -> VariantEntry:
    assert edition.adaptation is not None
    variant = edition.adaptation.variant
    words = words_for(edition.publication.language)
    state = edition.adaptation.state
    drifted, taken_over = edition.adaptation.drifted
    # Who adapted whose guidance, and which edition, have columns of their own.
    return VariantEntry(variant.name, variant.organisation.name, state.standing_in(words),
                        edition.status.state.value, edition.status.next_review,
                        status=state.status.value, adapts=next(iter(state.via), ""),
                        signed_edition=state.signed_edition, drifted=drifted,
                        taken_over=taken_over)
