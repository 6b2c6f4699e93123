"""Loading the editions a build makes anew: the base, and each variant read and laid over it."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

from policygen.build.plan import BuildOptions, CheckReport, Planned, VariantFailure
from policygen.errors import ContentError
from policygen.model import Publication
from policygen.render.edition import Edition, variant_edition_of
from policygen.render.workers import map_forked
from policygen.variants import chain
from policygen.variants.drift import between
from policygen.variants.editions import (
    ArchivedEdition,
    copy_edition_day,
    copy_name,
    own_editions,
)
from policygen.variants.ledger import AdaptedPublication
from policygen.variants.standing import base_edition
from policygen.variants.variant import VARIANT_FILE, VARIANTS_DIR


def adapt(project: Path, base: Publication, name: str) -> AdaptedPublication:
    """A variant read and laid over the base, or over the variants it extends, in turn (its
    warnings from reading it included, once)."""
    return chain.adapt(project, base, name)


def variant_edition(report: CheckReport, options: BuildOptions, name: str,
                    prefix: str, earlier: tuple[ArchivedEdition, ...] = ()) -> Edition:
    """A variant's edition; published under the base's address only inside a build of all.

    `earlier` are the base's earlier editions: the variant as it was over each of them, where
    the board kept its file with that edition, stays readable too.
    """
    adapted = adapt(options.project, report.publication, name)
    site_url = report.publication.site_url + prefix if prefix and report.publication.site_url \
        else ""
    adapted = replace(adapted, publication=replace(adapted.publication, site_url=site_url))
    edition = variant_edition_of(adapted, report.status.today, prefix)
    kept = earlier_states(options.project, adapted, report.publication, earlier)
    # What changed for its readers: its pages then against its pages now, its own words in
    # both (so its terms are not taken for changes).
    changes = between(kept[0].publication, adapted.publication, kept[0].day,
                      kept[0].superseded_by) if kept else None
    return replace(edition, earlier=kept, changes=changes)


def earlier_states(project: Path, adapted: AdaptedPublication, base: Publication,
                   earlier: tuple[ArchivedEdition, ...]) -> tuple[ArchivedEdition, ...]:
    """A variant's earlier editions, newest first, each superseded by the one after it: the
    variant as it was over each earlier edition of the base (kept by the board), and each
    edition it kept of its own (its own where both fall on one day)."""
    name = adapted.variant.name
    by_day = {found.day: found for found in (archived_variant(project, archived, name)
                                             for archived in earlier) if found}
    base_day = base_edition(base)
    current = max(base_day, copy_edition_day(adapted.variant) or base_day)
    bases = {archived.day: archived.publication for archived in earlier} | {base_day: base}
    for own in own_editions(project, name)[0]:
        if own.day < current and own.over in bases:
            found = archived_variant(project, ArchivedEdition(own.day, bases[own.over], current),
                                     name, own.root)
            by_day.update({own.day: found} if found else {})
    days = sorted(by_day, reverse=True)
    return tuple(replace(by_day[day], superseded_by=later)
                 for day, later in zip(days, [current, *days], strict=False))


def archived_variant(project: Path, archived: ArchivedEdition, name: str,
                     kept_in: str | None = None) -> ArchivedEdition | None:
    """The variant as it was over an earlier edition, from the copy kept with that edition
    (or in `kept_in`, where it kept an edition of its own)."""
    root = project / (kept_in or copy_name(archived.day))
    if not (root / VARIANTS_DIR / name / VARIANT_FILE).is_file():
        return None
    try:
        adapted = adapt(root, archived.publication, name)
    except ContentError:
        return None  # that copy cannot be read now; the current pages do not wait for it
    return replace(archived, publication=adapted.publication, adaptation=adapted)


def load_editions(report: CheckReport, options: BuildOptions, base: Edition,
                  to_make: list[Planned]) -> tuple[list[Edition], list[VariantFailure]]:
    """The editions to make; in a build of all, a variant that cannot be loaded is set aside.

    The variants are read and laid over the base in worker processes (`options.workers`, one
    per core by default), forked now that the base is read; the result is the same, in the
    same order, as one process gives.
    """
    variants = [(variant, prefix) for variant, prefix in to_make if variant is not None]
    # What a variant keeps of the base comes back as the base's own objects, as here.
    loaded = iter(map_forked(partial(_load_variant, report, options, base.earlier), variants,
                             options.workers, shared=report.publication))
    editions: list[Edition] = []
    failures: list[VariantFailure] = []
    for variant, _ in to_make:
        made = base if variant is None else next(loaded)
        if isinstance(made, Edition):
            editions.append(made)
        elif not options.all_variants:
            raise ContentError(list(made.problems))
        else:
            failures.append(made)
    return editions, failures


def _load_variant(report: CheckReport, options: BuildOptions,
                  earlier: tuple[ArchivedEdition, ...],
                  planned: tuple[str, str]) -> Edition | VariantFailure:
    name, prefix = planned
    try:
        return variant_edition(report, options, name, prefix, earlier)
    except ContentError as error:
        return VariantFailure(name, tuple(error.problems))
