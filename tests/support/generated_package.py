"""Generate a spec's package into a folder and import it, for tests that exercise a package
other than the committed pollforjobs (the invented generality spec)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest

from generator.pipeline import generate

from ..conftest import ROOT

INVENTORY = Path("tests/generality/inventory.yaml")


@contextmanager
def imported(spec: Path, out: Path, package: str) -> Iterator[ModuleType]:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        generate(spec, out)
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(out))
        for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
            del sys.modules[name]
