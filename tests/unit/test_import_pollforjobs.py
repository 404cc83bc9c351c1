"""specs/pollforjobs.yaml is what `import --model botocore:codepipeline --operations OPERATIONS`
gives for the job-worker operations (JOB_WORKER_OPERATIONS), plus its hand-written parts, proven against the model committed under tests/data/
(botocore 1.44.8's), not the installed botocore, whose model changes with every release."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from generator.cli_import import import_spec
from generator.importers import emit, refresh
from generator.importers.read import canonical_digest, read_model

from ..conftest import ROOT, SPEC
from .cli import run

MODEL = ROOT / "tests" / "data" / "botocore-codepipeline" / "service-2.json"
JOB_WORKER_OPERATIONS = ["AcknowledgeJob", "GetJobDetails", "PollForJobs", "PutJobFailureResult", "PutJobSuccessResult"]


def _committed() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    return data


def test_the_committed_spec_is_the_refresh_of_itself_from_the_committed_model() -> None:
    fresh = import_spec(str(MODEL), JOB_WORKER_OPERATIONS, "pollforjobs", SPEC)
    merged, notes = refresh.merge(_committed(), fresh.spec)
    assert notes == []
    assert emit.dump(merged) == SPEC.read_text(encoding="utf-8")


def test_the_import_differs_from_the_committed_spec_only_in_its_hand_written_parts(tmp_path: Path) -> None:
    out = tmp_path / "pollforjobs.yaml"
    done = run("import", "--model", str(MODEL), "--operations", ",".join(JOB_WORKER_OPERATIONS), "--package", "pollforjobs", "--out", str(out))
    assert done.returncode == 0, done.stderr
    imported: dict[str, Any] = yaml.safe_load(out.read_text(encoding="utf-8"))
    committed = _committed()
    hand = copy.deepcopy(committed)
    # The hand-written parts, named: the local handler, the default operation, the common errors and their shapes,
    # the documented example, and the curated texts listed in source.curated.
    del hand["service"]["local_handler"]
    assert hand["service"].pop("default_operation") == "PollForJobs"
    for name in hand["service"].pop("common_errors"):
        del hand["shapes"][name]
    del hand["operations"]["PollForJobs"]["examples"]
    for path in hand["source"].pop("curated"):
        parts = path.split(".")
        node_hand, node_imported = hand, imported
        for part in parts[:-1]:
            node_hand, node_imported = node_hand[part], node_imported[part]
        node_hand[parts[-1]] = node_imported[parts[-1]]
    # The same model content, read from the committed copy instead of the installed botocore.
    assert hand["source"].pop("model") == "botocore:codepipeline"
    assert hand["source"].pop("botocore_version") == "1.44.8"
    assert imported["source"].pop("model").endswith("tests/data/botocore-codepipeline/service-2.json")
    assert hand == imported
    assert list(committed["operations"]) == JOB_WORKER_OPERATIONS


def test_the_committed_model_is_the_one_the_spec_records() -> None:
    assert canonical_digest(read_model(str(MODEL)).data) == _committed()["source"]["model_sha256"]


def test_refresh_check_against_the_committed_model_passes_and_writes_nothing() -> None:
    before = SPEC.read_bytes()
    done = run("refresh", "--spec", "specs/pollforjobs.yaml", "--model", str(MODEL.relative_to(ROOT)), "--check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "up to date" in done.stdout
    assert SPEC.read_bytes() == before
