"""The spec loader reads with libyaml's parser when PyYAML has it: the same data, the same
location of every node and the same errors as PyYAML's pure-Python parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import load
from generator.diagnostics import SpecError

ROOT = Path(__file__).resolve().parents[2]
SPECS = [ROOT / "specs" / "pollforjobs.yaml", ROOT / "tests" / "generality" / "inventory.yaml", ROOT / "tests" / "kinds" / "shapes.yaml"]
BAD = sorted((ROOT / "tests" / "bad_specs").glob("yaml_*.yaml"))


def both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    assert load._CParser is not None, "PyYAML without libyaml: nothing to compare"
    results = []
    for parser in (load._CParser, None):
        monkeypatch.setattr(load, "_CParser", parser)
        try:
            spec = load.load_spec(path, path.name)
            results.append((spec.data, spec.locations))
        except SpecError as exc:
            results.append(("error", str(exc)))
    return results[0], results[1]


@pytest.mark.parametrize("path", SPECS + BAD, ids=lambda p: p.name)
def test_libyaml_reads_every_spec_as_the_python_parser_does(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = both(path, monkeypatch)
    assert fast == slow


def test_the_depth_limit_holds_on_the_libyaml_path(monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = both(ROOT / "tests" / "bad_specs" / "yaml_deep_nesting.yaml", monkeypatch)
    assert fast == slow and fast[0] == "error" and "nesting deeper than" in str(fast[1])
