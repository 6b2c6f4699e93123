"""What one site and its PDFs are made from: the base guidance, or a variant laid over it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from policygen.model import LocalSection, Publication
from policygen.source.review import ReviewStatus, review_status
from policygen.variants.drift import EditionChanges
from policygen.variants.editions import ArchivedEdition
from policygen.variants.ledger import AdaptedPublication


@dataclass(frozen=True, slots=True)
class Edition:
    """The publication to render, its review status, and the variant's ledger if it is one.

    `prefix` is where it goes in the output: "" for the base, "variants/<name>/" when the
    base and every variant are built into one tree.
    """

    publication: Publication
    status: ReviewStatus
    adaptation: AdaptedPublication | None = None
    prefix: str = ""
    # The base's: what this edition changed from the one before it, when both are recorded,
    # and the earlier editions whose pages stay readable under editions/<date>/.
    changes: EditionChanges | None = None
    earlier: tuple[ArchivedEdition, ...] = ()
    # A draft translation's language, when the edition is shown with it (`build --draft`):
    # its pages are marked as a draft, and never published.
    draft: str = ""

    @property
    def name(self) -> str:
        return self.adaptation.variant.name if self.adaptation else "the base guidance"

    @property
    def excluded_sections(self) -> tuple[str, ...]:
        return self.adaptation.excluded_sections if self.adaptation else ()

    @property
    def local_sections(self) -> tuple[LocalSection, ...]:
        return self.adaptation.local_sections if self.adaptation else ()

    @property
    def logo(self) -> Path | None:
        return self.adaptation.variant.logo_path if self.adaptation else None

    @property
    def accent_colour(self) -> str:
        return self.adaptation.variant.organisation.accent_colour if self.adaptation else ""

    @property
    def language_folders(self) -> tuple[str, ...]:
        """Where each language's pages go within the edition: "" for the main language, then
        a folder per other language ("cy/"), each a whole site with its own search index."""
        return ("", *(language_folder(twin.language) for twin in self.publication.twins))

    def shows(self, section: str) -> bool:
        """Whether this edition has the fixed section (a variant may drop some)."""
        return section not in self.excluded_sections


def language_folder(language: str) -> str:
    """The folder of a language's pages: its tag (cy/)."""
    return f"{language}/"


def base_edition_of(pub: Publication, today: date, changes: EditionChanges | None = None,
                    earlier: tuple[ArchivedEdition, ...] = ()) -> Edition:
    return Edition(pub, review_status(pub.dates.next_review, today, pub.warn_days),
                   changes=changes, earlier=earlier)


# Where the base's earlier editions are kept, each in its own folder (editions/2026-09-14/).
ARCHIVE_DIR = "editions/"


def archive_folder(day: date) -> str:
    return f"{ARCHIVE_DIR}{day.isoformat()}/"


def variant_edition_of(adapted: AdaptedPublication, today: date, prefix: str = "") -> Edition:
    """A variant's review status uses the earlier of its own and the base's review dates."""
    pub = adapted.publication
    return Edition(pub, review_status(pub.dates.next_review, today, pub.warn_days), adapted,
                   prefix)


def owns(prefix: str, path: str) -> bool:
    """Whether an output path is the edition's (the base's excludes the variants')."""
    return path.startswith(prefix) and not path.startswith(owned_elsewhere(prefix))


def owner_prefix(path: str) -> str | None:
    """The prefix of the edition that owns an output path (as `owns` says), found from the
    path alone; None for the index of variants, which is no edition's."""
    if not path.startswith("variants/"):
        return ""
    parts = path.split("/", 2)
    return f"variants/{parts[1]}/" if len(parts) > 2 else None


def owned_elsewhere(prefix: str) -> tuple[str, ...]:
    """The base's folder holds the variants' folders and their index; they are not the base's."""
    return () if prefix else ("variants/",)
