"""Every kind of shape has one lowering, registered once: the spec's types, the IR's classes and
the kinds agree, and what the kinds write is Python that runs."""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
from pathlib import Path

from generator import ir
from generator.check import META_SCHEMA_PATH
from generator.kinds import ir_classes, kind_of, spec_types
from generator.pipeline import generate

from ..conftest import ROOT

VALID_BASE = ROOT / "tests" / "bad_specs" / "_valid_base.yaml"


def test_every_spec_type_has_a_kind_and_no_kind_reads_another() -> None:
    schema = json.loads(META_SCHEMA_PATH.read_text(encoding="utf-8"))
    assert spec_types() == set(schema["$defs"]["shape"]["properties"]["type"]["enum"])


def test_every_kind_of_ir_shape_has_a_lowering() -> None:
    concrete = {
        cls
        for _, cls in inspect.getmembers(ir, inspect.isclass)
        if issubclass(cls, ir.Shape) and cls not in (ir.Shape, ir.NumberShape)
    }
    assert concrete == ir_classes()
    kinds = {type(kind_of(cls("S", "string", "", False, ()))) for cls in concrete}
    assert len(kinds) == len(concrete), "each IR class has a kind of its own"


def test_an_error_structure_used_as_a_member_is_checked_like_any_structure(tmp_path: Path) -> None:
    """The validators once checked every structure but error shapes, so a member holding an
    error shape called a check that was never written (NameError, F821)."""
    spec = tmp_path / "spec.yaml"
    text = VALID_BASE.read_text(encoding="utf-8")
    spec.write_text(text.replace("      tags:\n        shape: TagList\n", "      tags:\n        shape: TagList\n      last:\n        shape: WidgetNotFound\n"))
    generate(spec, tmp_path / "out")
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "widget"], cwd=tmp_path / "out", capture_output=True, text=True, check=False)
    assert ruff.returncode == 0, ruff.stdout
    sys.path.insert(0, str(tmp_path / "out"))
    try:
        widget = importlib.import_module("widget")
        assert widget.validate_response({"last": {"message": "gone"}}) == []
        (problem,) = widget.validate_response({"last": {"message": 5}})
        assert (problem.path, problem.kind) == ("last.message", "type")
    finally:
        sys.path.remove(str(tmp_path / "out"))
        for name in [n for n in sys.modules if n == "widget" or n.startswith("widget.")]:
            del sys.modules[name]
