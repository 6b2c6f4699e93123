"""Variants laid out and their pages rendered in forked worker processes (issue 13): the same
bytes, the same problems in the same order and the same errors as one process gives."""

from __future__ import annotations

import pickle
import shutil
from dataclasses import fields, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, ProjectMaker

from policygen import BuildOptions, ContentError, build
from policygen.build import editions, pipeline
from policygen.build.plan import planned
from policygen.errors import Location, OutputError, Problem
from policygen.model import Publication
from policygen.render import stage, workers
from policygen.render.edition import Edition, base_edition_of
from policygen.render.workers import map_forked
from policygen.variants.variant import list_variants

TODAY = date(2026, 12, 1)
SITE_AND_SEARCH = frozenset({"site", "search"})
# Each one wrong in its own way, so that the order of what check says can be seen.
BROKEN = {"alpha": "nonsense: true\n", "delta": "organisation:\n  nmae: Delta\n",
          "gamma": "terminology: [1, 2]\n", "beta": "organisation: 3\n"}


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many pools were forked, and of how many workers each."""
    made: list[int] = []
    real = workers.forked_pool

    def counting(count: int) -> Any:
        made.append(count)
        return real(count)
    monkeypatch.setattr(workers, "forked_pool", counting)
    return made


def files_of(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_two_workers_build_every_file_byte_for_byte_as_one_process(
        tmp_path: Path, forks: list[int]) -> None:
    outputs = []
    for count in (1, 2):
        out = tmp_path / f"out-{count}"
        report = build(BuildOptions(REPO, out, TODAY, SITE_AND_SEARCH, workers=count,
                                    all_variants=True))
        assert report.failures == ()
        outputs.append(files_of(out))
    assert forks == [2, 2]  # the variants, then their pages; none for one worker
    assert len(outputs[0]) > 200 and sorted(outputs[0]) == sorted(outputs[1])
    assert [name for name in outputs[0] if outputs[0][name] != outputs[1][name]] == []


def test_one_variant_or_one_core_forks_nothing(tmp_path: Path, forks: list[int]) -> None:
    build(BuildOptions(REPO, tmp_path / "one", TODAY, frozenset({"site"}),
                       variant="oakfield-primary"))
    build(BuildOptions(REPO, tmp_path / "all", TODAY, frozenset({"site"}), workers=1,
                       all_variants=True))
    pipeline.check(REPO, TODAY, include_variants=True, workers=1)
    assert forks == []
    assert map_forked(str, [1, 2, 3], workers=8) == ["1", "2", "3"] and forks == []


def _broken_project(make_project: ProjectMaker) -> Path:
    project = make_project()
    for name, text in BROKEN.items():
        (project / "variants" / name).mkdir(parents=True)
        (project / "variants" / name / "variant.yaml").write_text(text)
    for name in ("epsilon", "zeta"):
        (project / "variants" / name).mkdir(parents=True)
        (project / "variants" / name / "variant.yaml").write_text(
            f"organisation:\n  name: {name.title()} House\n")
    return project


def test_check_says_every_problem_in_the_same_order_with_two_workers(
        make_project: ProjectMaker, forks: list[int]) -> None:
    project = _broken_project(make_project)
    said = []
    for count in (1, 2):
        with pytest.raises(ContentError) as raised:
            pipeline.check(project, TODAY, include_variants=True, workers=count)
        said.append(str(raised.value))
    assert forks == [2]
    assert said[0] == said[1]
    files = [line.split(":")[0] for line in said[0].splitlines() if ": error: " in line]
    assert list(dict.fromkeys(files)) == [f"variants/{name}/variant.yaml"
                                          for name in sorted(BROKEN)]


def test_a_build_of_all_sets_the_same_variants_aside_in_the_same_order(
        make_project: ProjectMaker, tmp_path: Path) -> None:
    project = _broken_project(make_project)
    reports = [build(BuildOptions(project, tmp_path / f"out-{count}", TODAY,
                                  frozenset({"site"}), workers=count, all_variants=True))
               for count in (1, 2)]
    assert [f.name for f in reports[0].failures] == sorted(BROKEN)
    assert reports[0].failures == reports[1].failures
    assert reports[0].variants_built == reports[1].variants_built == ("epsilon", "zeta")
    assert files_of(tmp_path / "out-1") == files_of(tmp_path / "out-2")


def test_an_error_raised_in_a_worker_is_the_same_error_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    for part in ("content", "variants"):
        shutil.copytree(REPO / part, project / part)
    real_pages = stage.render_site
    real_load = editions.variant_edition

    def failing_pages(edition: Any, *args: Any, **kwargs: Any) -> dict[str, bytes]:
        if edition.name == "riverside-house":
            raise ContentError([Problem(Location("variants/riverside-house/variant.yaml", 2),
                                        "a problem only the pages find")])
        return real_pages(edition, *args, **kwargs)

    def failing_load(report: Any, options: Any, name: str, prefix: str, *rest: Any) -> Any:
        if name == "northshire-council":
            raise OutputError("the disk went away while reading northshire-council")
        return real_load(report, options, name, prefix, *rest)
    errors: list[list[tuple[type, str]]] = [[], []]
    for patch, function in (("render_site", failing_pages), ("variant_edition", failing_load)):
        monkeypatch.setattr(stage if patch == "render_site" else editions, patch, function)
        for count in (1, 2):
            with pytest.raises((ContentError, OutputError)) as raised:
                build(BuildOptions(project, tmp_path / "out", TODAY, frozenset({"site"}),
                                   workers=count, all_variants=True))
            errors[count - 1].append((type(raised.value), str(raised.value)))
        monkeypatch.undo()
    assert errors[0] == errors[1]
    assert errors[0] == [
        (ContentError, "variants/riverside-house/variant.yaml:2: error: a problem only the "
                       "pages find"),
        (OutputError, "the disk went away while reading northshire-council")]
    assert not (tmp_path / "out").exists()


def test_a_content_error_comes_back_from_a_worker_whole() -> None:
    problems = [Problem(Location("content/topics/email.yaml", 3, 5), "second"),
                Problem(Location("content/topics/email.yaml", 1, 1), "first")]
    again = pickle.loads(pickle.dumps(ContentError(problems)))
    assert again.problems == ContentError(problems).problems
    assert str(again) == str(ContentError(problems))


@pytest.mark.parametrize("path", ["index.html", "topics/email.html", "variants/index.html",
                                  "variants/alpha/index.html", "variants/alpha/topics/a.html",
                                  "variants/alpha-two/pagefind/x.pf_index", "variantsx/a.html"])
def test_the_owner_of_a_path_is_found_from_the_path_as_owns_says(path: str) -> None:
    from policygen.render.edition import owner_prefix, owns
    prefixes = ["", "variants/alpha/", "variants/alpha-two/"]
    assert [p for p in prefixes if owns(p, path)] == \
        [p for p in prefixes if owner_prefix(path) == p]


def test_what_a_variant_keeps_of_the_base_comes_back_as_the_base_itself(tmp_path: Path) -> None:
    report = pipeline.check(REPO, TODAY)
    options = BuildOptions(REPO, tmp_path / "out", TODAY, frozenset({"site"}), workers=2,
                           all_variants=True)
    base = base_edition_of(report.publication, TODAY)
    wanted = planned(options, list_variants(REPO))
    forked, _ = editions.load_editions(report, options, base, wanted)
    alone, _ = editions.load_editions(report, replace(options, workers=1), base, wanted)
    assert forked == alone

    def shared(loaded: list[Edition]) -> list[list[str]]:
        """For each variant, the parts of the publication that are the base's own objects."""
        return [[f.name for f in fields(Publication) if getattr(e.publication, f.name) is
                 getattr(report.publication, f.name) and not isinstance(
                     getattr(report.publication, f.name), (str, int, type(None)))]
                for e in loaded[1:]]
    assert shared(forked) == shared(alone)
    assert all(shared(alone))  # every variant keeps some of the base as it is
