"""The layout shows the stages, and dependencies point one way (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "policygen"
# Lower layers never import higher ones: errors and model are shared by every stage.
LAYERS = ("errors", "model", "words", "source", "variants", "render", "build", "commands",
          "cli")


def layer(module: str) -> int:
    """The layer of a module named policygen.<part>…; the package itself is the top."""
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else len(LAYERS)


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name not in ("__init__.py", "__main__.py"))


def name_of(path: Path) -> str:
    return "policygen." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


def imported(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("policygen.")}


def test_every_module_is_in_a_stage_package() -> None:
    loose = [p.name for p in PACKAGE.glob("*.py")
             if p.stem not in ("__init__", "__main__", "cli", "errors", "model", "words")]
    assert loose == []
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"} >= {
        "source", "variants", "render", "build", "commands"}


@pytest.mark.parametrize("path", modules(), ids=name_of)
def test_imports_point_down_the_stages(path: Path) -> None:
    mine = layer(name_of(path))
    upward = sorted(name for name in imported(path) if layer(name) > mine)
    assert upward == [], f"{name_of(path)} imports from a later stage: {upward}"
