"""Shared fixtures: a minimal valid project written from a dict, and the real default content."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]

MINIMAL: dict[str, str] = {
    "content/publication.yaml": """\
        title: Test guidance
        introduction: Why this matters.
        audience: Everyone who works with children.
        publisher:
          name: Testshire Safeguarding Children Partnership
        author:
          name: E-safety subgroup
          email: author@example.org
        approval:
          body: Testshire e-safety subgroup
          date: 2026-01-10
        dates:
          published: 2026-01-10
          next_review: 2027-01-10
        adaptation:
          statement: Local copies may change terminology freely.
          approval_route: The subgroup approves changes.
          rules:
            free:
              changes: [terminology]
              permission: free
        revisions:
          - date: 2026-01-10
            version: "1.0"
            summary: First edition.
        topics: [email]
        """,
    "content/topics/email.yaml": """\
        title: Email
        summary: Use your work account.
        headline:
          personal-account: Don't use your personal email account to contact a child.
        practice:
          best:
            items:
              work-account: Use the account your organisation gives you; read the AUP.
          safe:
            items:
              manager-knows: Your manager knows which account you use.
            shared_consequences: [breach]
          poor:
            items:
              personal: You use your personal account without your manager knowing.
        in_place:
          aup-explicit: The AUP says which accounts may be used.
        """,
    "content/consequences.yaml": """\
        consequences:
          breach: Breaking the AUP can lead to disciplinary action.
        """,
    "content/guidelines.yaml": """\
        title: General guidelines
        items:
          tell-manager: Tell your manager about anything that worries you.
          grooming-signs: Learn the signs of grooming.
        """,
    "content/summary.yaml": """\
        do:
          label: DO
          items:
            privacy: Check your privacy settings.
        do_not:
          label: DO NOT
          items:
            personal-phone: Use your personal phone to contact a child.
        """,
    "content/glossary.yaml": """\
        terms:
          aup:
            term: AUP
            stands_for: Acceptable use policy
            definition: The rules for using your organisation's equipment.
          grooming:
            term: grooming
            definition: Building trust with a child in order to abuse them.
        """,
    "content/reporting.yaml": """\
        intro: Tell someone.
        emergency: Call 999.
        local_lead:
          role: Designated safeguarding lead
          instructions: Ask your manager who your lead is.
        steps:
          tell: Tell your lead the same day.
        contacts:
          childline:
            name: Childline
            for: Children and young people.
            phone: 0800 1111
        """,
    "content/legal.yaml": """\
        intro: Misuse can be a crime.
        checked_on: 2026-01-01
        note: Ask your legal adviser.
        offences:
          malicious:
            law: Malicious Communications Act 1988
            offence: Sending a threatening message.
            indictment_maximum: 2 years
        """,
    "content/sources.yaml": """\
        groups:
          help:
            title: Help
            sources:
              nspcc:
                name: NSPCC
                url: https://www.nspcc.org.uk/
        """,
}

ProjectMaker = Callable[..., Path]


@pytest.fixture
def make_project(tmp_path: Path) -> ProjectMaker:
    """Write MINIMAL (with some files replaced or removed) into a fresh project folder."""

    def make(files: Mapping[str, str | None] | None = None, name: str = "project") -> Path:
        root = tmp_path / name
        merged = {**MINIMAL, **(files or {})}
        for rel, text in merged.items():
            if text is None:
                continue
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        shutil.copytree(REPO / "templates", root / "templates")
        return root

    return make


@pytest.fixture
def default_project(tmp_path: Path) -> Path:
    """A copy of the repository's own content and templates, safe to build and edit."""
    root = tmp_path / "default"
    for folder in ("content", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    return root


# The partnership's edition of 14 September 2026 as `policygen edition` kept it: its content
# files and the local copies' files as they were. Tests of what a later edition changes start
# from it, so that they do not depend on which edition the repository ships now.
SEPTEMBER = REPO / "content" / "editions" / "2026-09-14"


def september_variant(name: str) -> Path:
    """A local copy's folder as it was over the edition of 14 September 2026."""
    return SEPTEMBER / "variants" / name


@pytest.fixture
def september_project(tmp_path: Path) -> Path:
    """The default content as published on 14 September 2026, with only that edition on record."""
    root = tmp_path / "default"
    shutil.copytree(SEPTEMBER, root / "content", ignore=shutil.ignore_patterns("variants"))
    editions = root / "content" / "editions"
    editions.mkdir()
    shutil.copy(REPO / "content" / "editions" / "2026-09-14.yaml", editions)
    shutil.copytree(SEPTEMBER, editions / "2026-09-14")
    shutil.copytree(REPO / "templates", root / "templates")
    return root


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for a test module (tests/browser.py says how it is started)."""
    from browser import launched_chromium

    with launched_chromium() as launched:
        yield launched
