"""Bad models get a clear, located error, exit status 2, and nothing written."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import pytest

from .botocore_models import widgets
from .cli import run

LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<column>\d+): error: (?P<message>.*)$")


def _model(edit: Any) -> bytes:
    model = widgets()
    edit(model)
    return json.dumps(model, indent=1).encode("utf-8")


def _set(path: tuple[str, ...], value: Any) -> Any:
    def edit(model: dict[str, Any]) -> None:
        node = model
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return edit


CASES = {
    "not_json": (b'{"metadata": {"apiVersion": "2020-01-01",\n  "shapes": oops}', "not valid JSON: Expecting value", (2, 13)),
    "not_utf8": (b'{"metadata": "\xff"}', "not valid UTF-8 (byte 0xff)", (1, 15)),
    "empty": (b"  \n", "model is empty", (1, 1)),
    "duplicate_key": (b'{"metadata": {},\n "shapes": {"A": {"type": "string", "type": "integer"}}}', "duplicate key 'type' in the object at $.shapes.A", (2, 37)),
    "deep_json": (b"[" * 5000 + b"]" * 5000, "JSON nests deeper than 200 levels", (1, 201)),
    "shapes_not_object": (_model(_set(("shapes",), [])), "'shapes' must be an object, not an array", None),
    "member_wrong_type": (_model(_set(("shapes", "Widget", "members", "name"), "String")), "member 'name' must be an object, not a string", None),
    "min_wrong_type": (_model(_set(("shapes", "token", "min"), "1")), "'min' must be a number, not a string", None),
    "dangling_member": (_model(_set(("shapes", "Widget", "members", "name", "shape"), "Strng")), "shape 'Strng' is not defined in the model's shapes", None),
    "dangling_error": (_model(_set(("operations", "GetWidget", "errors"), [{"shape": "WidgetNotFund"}])), "shape 'WidgetNotFund' is not defined in the model's shapes; did you mean 'WidgetNotFound'?", None),
    "unknown_kind": (_model(_set(("shapes", "Kind", "type"), "strin")), "unknown shape kind 'strin'", None),
    "docs_not_text": (_model(_set(("shapes", "Widget", "documentation"), ["<p>x</p>"])), "documentation must be a string, not list", None),
    "docs_too_deep": (_model(_set(("documentation",), "<b>" * 150 + "x")), "documentation nests HTML elements 150 deep (the limit is 100)", None),
    "docs_too_long": (_model(_set(("shapes", "Widget", "documentation"), "<p>" + "word " * 30_000 + "</p>")), "longer than the spec format's limit of 100000", None),
    "required_not_member": (_model(_set(("shapes", "GetWidgetRequest", "required"), ["widgetID"])), "required member 'widgetID' is not among the members", None),
    "smithy_no_service": (b'{"smithy": "2.0", "shapes": {"a.b#X": {"type": "string"}}}', "the model defines no service shape", None),
    "smithy_unknown_kind": (b'{"smithy": "2.0", "shapes": {"a.b#X": {"type": "strung"}}}', "unknown shape kind 'strung'; did you mean 'string'?", None),
}


def _run(tmp_path: Path, name: str, data: bytes) -> tuple[Any, Path]:
    source = tmp_path / f"{name}.json"
    source.write_bytes(data)
    out = tmp_path / "out.yaml"
    return run("import", "--model", source.name, "--out", "out.yaml", cwd=tmp_path), out


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_model_is_located_and_nothing_is_written(tmp_path: Path, name: str) -> None:
    data, fragment, position = CASES[name]
    done, out = _run(tmp_path, name, data)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert not out.exists()
    lines = done.stderr.splitlines()
    assert lines[-1] == "nothing was written."
    found = [LOCATED.match(line) for line in lines[:-1]]
    assert all(found), done.stderr
    assert any(fragment in m["message"] for m in found if m), done.stderr
    first = next(m for m in found if m and fragment in m["message"])
    assert first["file"] == f"{name}.json"
    if position:
        assert (int(first["line"]), int(first["column"])) == position, done.stderr
    else:
        assert int(first["line"]) >= 1 and "(at $" in first["message"], done.stderr


def test_a_json_path_problem_points_at_its_line(tmp_path: Path) -> None:
    done, _ = _run(tmp_path, "m", _model(_set(("shapes", "Widget", "members", "name", "shape"), "Strng")))
    line, column = (int(part) for part in LOCATED.match(done.stderr.splitlines()[0]).group("line", "column"))  # type: ignore[union-attr]
    text = (tmp_path / "m.json").read_text().splitlines()
    assert '"shape": "Strng"' in text[line - 1] and text[line - 1][column - 1] == '"'


def test_a_50_mb_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    source = tmp_path / "big.json"
    with open(source, "wb") as handle:
        handle.write(b'{"documentation": "')
        handle.truncate(50 * 1024 * 1024)
    done = run("import", "--model", str(source), "--out", str(tmp_path / "out.yaml"))
    assert done.returncode == 2 and "model is larger than the limit of 33554432 bytes (32 MiB)" in done.stderr
    assert not (tmp_path / "out.yaml").exists()


def test_a_gzip_bomb_stops_at_the_limit(tmp_path: Path) -> None:
    source = tmp_path / "bomb.json.gz"
    with gzip.open(source, "wb", compresslevel=9) as handle:
        handle.write(b'{"documentation": "')
        chunk = b"x" * (1 << 20)
        for _ in range(64):
            handle.write(chunk)
    assert source.stat().st_size < 200_000
    done = run("import", "--model", str(source), "--out", str(tmp_path / "out.yaml"))
    assert done.returncode == 2 and "model decompresses to more than the limit of 33554432 bytes" in done.stderr
    assert not (tmp_path / "out.yaml").exists()


def test_corrupt_gzip_and_missing_files_are_errors(tmp_path: Path) -> None:
    source = tmp_path / "bad.json.gz"
    source.write_bytes(gzip.compress(b'{"a": 1}')[:-6])
    done = run("import", "--model", str(source), "--out", str(tmp_path / "o.yaml"))
    assert done.returncode == 2 and "gzip data is truncated" in done.stderr
    missing = run("import", "--model", str(tmp_path / "nope.json"), "--out", str(tmp_path / "o.yaml"))
    assert missing.returncode == 2 and "cannot read the model: No such file or directory" in missing.stderr
    unknown = run("import", "--model", "botocore:codepipelin", "--out", str(tmp_path / "o.yaml"))
    assert unknown.returncode == 2 and "has no service 'codepipelin'; did you mean 'botocore:codepipeline'?" in unknown.stderr
    version = run("import", "--model", "botocore:codepipeline@1999-01-01", "--out", str(tmp_path / "o.yaml"))
    assert version.returncode == 2 and "has no API version '1999-01-01' of 'codepipeline' (it has: 2015-07-09)" in version.stderr
    assert not (tmp_path / "o.yaml").exists()
