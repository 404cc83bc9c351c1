"""AWS's own history of PollForJobs: each consecutive pair of botocore's CodePipeline models
(tests/data/codepipeline-history/) diffed by the command, every verdict asserted with its reason."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from .cli import ROOT, run

HISTORY = ROOT / "tests" / "data" / "codepipeline-history"
VERSIONS = ["2015-07-08", "2016-06-21", "2019-04-30", "2025-05-16"]


def model(version: str) -> Path:
    return HISTORY / f"pollforjobs.{version}.json"


def judged(old: str, new: str, *extra: str) -> tuple[int, dict[str, Any]]:
    done = run("diff", str(model(old)), str(model(new)), "--format", "json", *extra)
    assert done.stderr == "", done.stderr
    return done.returncode, json.loads(done.stdout)


def verdicts(document: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Every change but documentation ones, as (severity, direction, kind, path, old, new)."""
    return [(c["severity"], c["direction"], c["kind"], c["path"], c["old"], c["new"]) for c in document["changes"] if c["kind"] != "documentation-changed"]


def documentation(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(c["direction"], c["path"]) for c in document["changes"] if c["kind"] == "documentation-changed" and c["severity"] == "info"]


@pytest.fixture(scope="module")
def august_2015() -> tuple[int, dict[str, Any]]:
    return judged("2015-07-08", "2016-06-21")


def test_every_pair_is_diffed() -> None:
    assert [p.name for p in sorted(HISTORY.glob("pollforjobs.*.json"))] == [model(v).name for v in VERSIONS]


def test_2015_to_2016_breaks_callers_through_the_query_param_values(august_2015: tuple[int, dict[str, Any]]) -> None:
    status, document = august_2015
    assert status == 1 and document["breaking"] is True
    assert verdicts(document) == [
        # queryParam's values were ActionConfigurationValue (max 250) and became
        # ActionConfigurationQueryableValue (max 20, a pattern): a request with a value of
        # 21..250 characters, or with a character outside [a-zA-Z0-9_-], was valid and is refused.
        ("breaking", "request", "max-length-lowered", "$.shapes.QueryParamMap.value", 250, 20),
        ("breaking", "request", "pattern-added", "$.shapes.QueryParamMap.value", None, "[a-zA-Z0-9_-]+"),
        # ActionCategory gains Approval: a reader with a closed enum meets a value it does not know.
        ("warning", "response", "enum-value-added", "$.shapes.ActionCategory.enum", None, "Approval"),
        # The action configuration values a job carries may now be up to 500 characters:
        # the old models (max_length=250) would refuse them.
        ("warning", "response", "max-length-raised", "$.shapes.ActionConfigurationValue.max", 250, 500),
        # Callers may send Approval as a category: nothing a caller sent is refused.
        ("info", "request", "enum-value-added", "$.shapes.ActionCategory.enum", None, "Approval"),
        # New shapes: new names in the models, nothing old changes.
        ("info", "request", "shape-added", "$.shapes.ActionConfigurationQueryableValue", None, "ActionConfigurationQueryableValue"),
        ("info", "response", "shape-added", "$.shapes.EncryptionKey", None, "EncryptionKey"),
        ("info", "response", "shape-added", "$.shapes.EncryptionKeyId", None, "EncryptionKeyId"),
        ("info", "response", "shape-added", "$.shapes.EncryptionKeyType", None, "EncryptionKeyType"),
        # A new optional response member: old readers ignore it.
        ("info", "response", "member-added-optional", "$.shapes.JobData.members.encryptionKey", None, "encryptionKey"),
        # The map's values name another string shape: the annotation changes; what the two
        # shapes differ in is the two breaking changes above.
        ("info", "request", "member-target-changed", "$.shapes.QueryParamMap.value", "ActionConfigurationValue", "ActionConfigurationQueryableValue"),
        # Revision gains bounds (1..1500) in a response: responses only get stricter.
        ("info", "response", "max-length-lowered", "$.shapes.Revision.max", None, 1500),
        ("info", "response", "min-length-raised", "$.shapes.Revision.min", None, 1),
    ]
    # AWS rewrote the service's overview (a link, the lists of job operations): text only.
    assert documentation(document) == [("operation", "$.service.documentation")]


def test_2015_to_2016_says_why_in_words(august_2015: tuple[int, dict[str, Any]]) -> None:
    _, document = august_2015
    [lowered] = [c for c in document["changes"] if c["kind"] == "max-length-lowered" and c["severity"] == "breaking"]
    assert lowered["shape"] == "QueryParamMap"
    assert "ActionConfigurationQueryableValue (in place of ActionConfigurationValue)" in lowered["message"]
    assert "falls from 250 to 20 characters" in lowered["message"]


def test_2015_to_2016_for_servers_the_verdicts_swap() -> None:
    """For code implementing the service the request and response rules swap: the stricter
    queryParam values only make the server refuse more (info), while Revision's new bounds
    (1..1500) hold what a server answers, so a server that sends an empty revision breaks."""
    status, document = judged("2015-07-08", "2016-06-21", "--perspective", "server")
    assert status == 1 and document["breaking"] is True
    assert [(c["kind"], c["path"]) for c in document["changes"] if c["severity"] == "breaking"] == [
        ("max-length-lowered", "$.shapes.Revision.max"),
        ("min-length-raised", "$.shapes.Revision.min"),
    ]
    picked = {(c["severity"], c["direction"], c["kind"], c["path"]) for c in document["changes"] if c["kind"] in ("max-length-lowered", "max-length-raised", "pattern-added", "enum-value-added")}
    assert picked == {
        # The server refuses more queryParam values: a server's code is not broken by that.
        ("info", "request", "max-length-lowered", "$.shapes.QueryParamMap.value"),
        ("info", "request", "pattern-added", "$.shapes.QueryParamMap.value"),
        # A server with a closed enum meets Approval in requests.
        ("warning", "request", "enum-value-added", "$.shapes.ActionCategory.enum"),
        # A server may now answer with Approval and longer values: its own choice.
        ("info", "response", "enum-value-added", "$.shapes.ActionCategory.enum"),
        ("info", "response", "max-length-raised", "$.shapes.ActionConfigurationValue.max"),
        ("breaking", "response", "max-length-lowered", "$.shapes.Revision.max"),
    }


def test_2016_to_2019_breaks_no_caller() -> None:
    status, document = judged("2016-06-21", "2019-04-30")
    assert status == 0 and document["breaking"] is False
    assert verdicts(document) == [
        # Job configuration values may now be 1000 characters: old models refuse them.
        ("warning", "response", "max-length-raised", "$.shapes.ActionConfigurationValue.max", 500, 1000),
        # queryParam values may be longer: every request that was valid still is.
        ("info", "request", "max-length-raised", "$.shapes.ActionConfigurationQueryableValue.max", 20, 50),
        # New optional response members and their shapes: old readers ignore them.
        ("info", "response", "member-added-optional", "$.shapes.ActionContext.members.actionExecutionId", None, "actionExecutionId"),
        ("info", "response", "shape-added", "$.shapes.ActionExecutionId", None, "ActionExecutionId"),
        # Response strings gain bounds: responses only get stricter.
        ("info", "response", "max-length-lowered", "$.shapes.ContinuationToken.max", None, 2048),
        ("info", "response", "min-length-raised", "$.shapes.ContinuationToken.min", None, 1),
        ("info", "response", "max-length-lowered", "$.shapes.Nonce.max", None, 50),
        ("info", "response", "min-length-raised", "$.shapes.Nonce.min", None, 1),
        ("info", "response", "shape-added", "$.shapes.PipelineArn", None, "PipelineArn"),
        ("info", "response", "member-added-optional", "$.shapes.PipelineContext.members.pipelineArn", None, "pipelineArn"),
        ("info", "response", "member-added-optional", "$.shapes.PipelineContext.members.pipelineExecutionId", None, "pipelineExecutionId"),
        ("info", "response", "shape-added", "$.shapes.PipelineExecutionId", None, "PipelineExecutionId"),
    ]
    # Reworded texts; ActionTypeId is in requests and responses, so its members' texts are both.
    assert documentation(document) == [
        ("operation", "$.operations.PollForJobs.documentation"),
        ("operation", "$.service.documentation"),
        ("both", "$.shapes.ActionTypeId.members.provider.documentation"),
        ("both", "$.shapes.ActionTypeId.members.version.documentation"),
        ("response", "$.shapes.Job.members.nonce.documentation"),
        ("response", "$.shapes.JobData.members.pipelineContext.documentation"),
        ("response", "$.shapes.PipelineContext.documentation"),
        ("response", "$.shapes.PipelineContext.members.action.documentation"),
        ("request", "$.shapes.PollForJobsInput.documentation"),
        ("response", "$.shapes.PollForJobsOutput.documentation"),
    ]


def test_2019_to_2025_warns_readers_of_compute_and_breaks_no_caller() -> None:
    status, document = judged("2019-04-30", "2025-05-16")
    assert status == 0 and document["breaking"] is False
    assert verdicts(document) == [
        # October 2024: ActionCategory gains Compute, a warning for readers with closed enums...
        ("warning", "response", "enum-value-added", "$.shapes.ActionCategory.enum", None, "Compute"),
        # Longer providers and key ids may come back: the old models' max_length refuses them.
        ("warning", "response", "max-length-raised", "$.shapes.ActionProvider.max", 25, 35),
        ("warning", "response", "max-length-raised", "$.shapes.EncryptionKeyId.max", 100, 400),
        # The session credentials become sensitive: hidden from repr() and messages.
        ("info", "response", "sensitive-added", "$.shapes.AccessKeyId.sensitive", False, True),
        # ...and harmless for requests.
        ("info", "request", "enum-value-added", "$.shapes.ActionCategory.enum", None, "Compute"),
        ("info", "request", "max-length-raised", "$.shapes.ActionProvider.max", 25, 35),
        ("info", "response", "sensitive-added", "$.shapes.SecretAccessKey.sensitive", False, True),
        ("info", "response", "sensitive-added", "$.shapes.SessionToken.sensitive", False, True),
    ]
    # "AWS" became "Amazon Web Services", "Amazon S3" became "S3", and so on: 30 texts.
    assert len(documentation(document)) == 30
    assert all(path.endswith(".documentation") for _, path in documentation(document))


@pytest.mark.parametrize(("old", "new"), list(itertools.pairwise(VERSIONS)))
def test_fail_on_warning_fails_every_step_of_the_history(old: str, new: str) -> None:
    """Each step warns (a new enum value or a looser response bound), so --fail-on warning
    exits 1 on all of them."""
    status, document = judged(old, new, "--fail-on", "warning")
    assert status == 1
    assert any(c["severity"] == "warning" for c in document["changes"])
