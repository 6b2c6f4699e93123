"""The benchmark (bench/) is not run by the tests (it takes most of an hour), but it is code
of this project all the same: every module of it must still import, so that a change to the
library that moves a name is caught here and not at the next `make bench`."""

from __future__ import annotations

import importlib
import sys

import pytest
from conftest import REPO

MODULES = sorted(path.stem for path in (REPO / "bench").glob("*.py"))


@pytest.mark.parametrize("module", MODULES)
def test_every_benchmark_module_imports(module: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(REPO / "bench"))
    try:
        importlib.import_module(module)
    finally:
        for name in MODULES:
            sys.modules.pop(name, None)
