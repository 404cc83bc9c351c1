"""`python -m generator diff` as users run it (a real subprocess, a real git repository):
each kind of side, the three formats, the exit statuses, and bad input as a located error
with exit status 2."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .cli import ROOT, run

SPEC = ROOT / "specs" / "pollforjobs.yaml"
HISTORY = ROOT / "tests" / "data" / "codepipeline-history"
KEYS = ["severity", "direction", "kind", "shape", "path", "old", "new", "message"]


def _edited(tmp_path: Path, old: str, new: str, name: str = "edited.yaml") -> Path:
    text = SPEC.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def _max_batch_size_raised(tmp_path: Path) -> Path:
    """maxBatchSize's minimum rises from 1 to 2: a caller asking for one job is refused."""
    return _edited(tmp_path, "  MaxBatchSize:\n    type: integer\n    min: 1\n", "  MaxBatchSize:\n    type: integer\n    min: 2\n")


def _compute_added(tmp_path: Path) -> Path:
    """ActionCategory gains a value: a warning for readers, nothing breaks."""
    return _edited(tmp_path, "    enum:\n    - Source\n", "    enum:\n    - Lint\n    - Source\n")


def _json(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(done.stdout)
    return document


def test_a_spec_against_itself_is_no_change_and_exit_0() -> None:
    done = run("diff", str(SPEC), str(SPEC))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[-1] == "no changes to the API"
    assert _json(run("diff", str(SPEC), str(SPEC), "--format", "json")) == {"breaking": False, "changes": []}


def test_a_breaking_change_exits_1_and_the_json_has_the_documented_shape(tmp_path: Path) -> None:
    done = run("diff", str(SPEC), str(_max_batch_size_raised(tmp_path)), "--format", "json")
    assert (done.returncode, done.stderr) == (1, "")
    document = _json(done)
    assert list(document) == ["breaking", "changes"] and document["breaking"] is True
    [change] = document["changes"]
    assert list(change) == KEYS
    assert {k: change[k] for k in KEYS[:-1]} == {
        "severity": "breaking",
        "direction": "request",
        "kind": "min-value-raised",
        "shape": "MaxBatchSize",
        "path": "$.shapes.MaxBatchSize.min",
        "old": 1,
        "new": 2,
    }
    assert "rises from 1 to 2" in change["message"]


def test_text_groups_by_severity_and_ends_with_the_verdict(tmp_path: Path) -> None:
    new = _max_batch_size_raised(tmp_path)
    done = run("diff", str(SPEC), str(new))
    lines = done.stdout.splitlines()
    assert lines[0] == f"{SPEC} -> {new} (judged for callers)"
    assert lines[1] == "breaking (1):"
    assert lines[2].split()[:2] == ["request", "min-value-raised:"] and lines[2].endswith("(at $.shapes.MaxBatchSize.min)")
    assert lines[-1] == "1 change (1 breaking, 0 warning, 0 info): breaks callers"


def test_markdown_is_a_table_per_severity(tmp_path: Path) -> None:
    done = run("diff", str(SPEC), str(_compute_added(tmp_path)), "--format", "markdown")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0].startswith("### API changes: ")
    assert lines[2].startswith("Not breaking for callers: 2 changes (0 breaking, 1 warning, 1 info)")
    assert "#### Warnings (1)" in lines and "#### Info (1)" in lines
    assert "| response | `enum-value-added` | `$.shapes.ActionCategory.enum` |" in done.stdout
    assert "| request | `enum-value-added` | `$.shapes.ActionCategory.enum` |" in done.stdout


def test_fail_on_warning_makes_a_warning_exit_1(tmp_path: Path) -> None:
    new = str(_compute_added(tmp_path))
    assert run("diff", str(SPEC), new).returncode == 0
    done = run("diff", str(SPEC), new, "--fail-on", "warning")
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == "2 changes (0 breaking, 1 warning, 1 info): breaks no caller, but warnings count (--fail-on warning)"


def test_the_server_perspective_swaps_the_rules(tmp_path: Path) -> None:
    """A raised request minimum only makes a server refuse more: info for servers."""
    done = run("diff", str(SPEC), str(_max_batch_size_raised(tmp_path)), "--format", "json", "--perspective", "server")
    assert done.returncode == 0
    assert [(c["severity"], c["direction"], c["kind"]) for c in _json(done)["changes"]] == [("info", "request", "min-value-raised")]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=repo, check=True, capture_output=True, timeout=60)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding specs/x.yaml (the project's spec) in one commit."""
    (tmp_path / "specs").mkdir()
    shutil.copy(SPEC, tmp_path / "specs" / "x.yaml")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "specs/x.yaml")
    _git(tmp_path, "commit", "-q", "-m", "spec")
    return tmp_path


def test_the_ci_recipe_fails_a_change_that_breaks_callers(repo: Path) -> None:
    """The README's CI step: the spec at the base revision against the working tree."""
    assert run("diff", "git:main:specs/x.yaml", "specs/x.yaml", cwd=repo).returncode == 0
    shutil.copy(_max_batch_size_raised(repo), repo / "specs" / "x.yaml")
    done = run("diff", "git:main:specs/x.yaml", "specs/x.yaml", "--format", "json", cwd=repo)
    assert done.returncode == 1
    assert [c["kind"] for c in _json(done)["changes"]] == ["min-value-raised"]


def test_a_model_side_against_a_spec_is_the_verdict_of_refreshing_from_it(tmp_path: Path) -> None:
    """A PollForJobs spec imported from the committed CodePipeline model, which is newer than the
    2025-05-16 one only by listing rpcv2Cbor before json: against that model the one change is
    the protocol (gone one way, added the other); from the 2015 one, the queryParam values
    loosen back."""
    spec = tmp_path / "pollforjobs.yaml"
    model = ROOT / "tests" / "data" / "botocore-codepipeline" / "service-2.json"
    imported = run("import", "--model", str(model), "--operations", "PollForJobs", "--out", str(spec))
    assert imported.returncode == 0, imported.stderr
    done = run("diff", str(spec), str(HISTORY / "pollforjobs.2025-05-16.json"), "--format", "json")
    assert done.returncode == 1, done.stderr
    assert [(c["kind"], c["severity"], c["old"], c["new"]) for c in _json(done)["changes"]] == [
        ("protocol-changed", "breaking", ["rpcv2Cbor", "awsJson1_1"], ["awsJson1_1"])
    ]
    done = run("diff", str(HISTORY / "pollforjobs.2025-05-16.json"), str(spec), "--format", "json")
    assert done.returncode == 0
    assert [(c["kind"], c["severity"]) for c in _json(done)["changes"]] == [("protocol-added", "info")]
    done = run("diff", str(HISTORY / "pollforjobs.2015-07-08.json"), str(spec), "--format", "json")
    assert done.returncode == 1
    kinds = {(c["kind"], c["path"]) for c in _json(done)["changes"] if c["severity"] == "breaking"}
    assert ("pattern-added", "$.shapes.QueryParamMap.value") in kinds


@pytest.mark.parametrize(
    ("sides", "error"),
    [
        (["git:nosuch:specs/x.yaml", "specs/x.yaml"], "git:nosuch:specs/x.yaml: error: git knows no revision 'nosuch' here"),
        (["git:main:specs/nope.yaml", "specs/x.yaml"], "git:main:specs/nope.yaml: error: revision 'main' has no file 'specs/nope.yaml'"),
        (["git:main", "specs/x.yaml"], "git:main: error: write a spec at a git revision as git:REVISION:PATH"),
        (["specs/x.yaml", "specs/missing.yaml"], "specs/missing.yaml:1:1: error: cannot read spec"),
        (["specs/x.yaml", "bad.yaml"], "bad.yaml:3:1: error: YAML syntax error"),
        (["specs/x.yaml", "other.yaml"], "other.yaml:22:9: error: this is service Other, and specs/x.yaml is service CodePipeline"),
        (["specs/x.yaml", "specs/x.yaml", "--operations", "PollForJobs"], "error: --operations chooses the operations of an AWS model side"),
        (["specs/x.yaml", "no-such-model.json"], "no-such-model.json"),
    ],
    ids=["missing-revision", "missing-file-at-revision", "no-path", "missing-spec", "unparsable-spec", "two-services", "operations-without-model", "missing-model"],
)
def test_bad_input_is_a_located_error_and_exit_2(repo: Path, sides: list[str], error: str) -> None:
    (repo / "bad.yaml").write_text("spec_version: 1\nservice: [\n", encoding="utf-8")
    (repo / "other.yaml").write_text(SPEC.read_text(encoding="utf-8").replace("\n  name: CodePipeline\n", "\n  name: Other\n", 1), encoding="utf-8")
    done = run("diff", *sides, cwd=repo)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith(error), done.stderr
    assert "Traceback" not in done.stderr
