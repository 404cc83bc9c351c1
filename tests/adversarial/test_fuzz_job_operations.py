"""The fuzz campaign, extended to the four job operations: bodies drawn near each operation's
input shape (wrong types, bad patterns, lengths around the limits, Python names) go to the
bundled job service on loopback, and each answer is the one an oracle made from the
generated validators predicts: SerializationException for a wrong type, ValidationException
for a violation, else the service's own answer for a job it does not know. Never a 500, never
a traceback, and the log shows no artifact credentials."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pollforjobs import validators
from pollforjobs.server import create_app

from ..support import canary
from ..support.job_service import ACTION_TYPE
from ..support.server_harness import Served, post
from ..support.strategies import json_near

OPERATIONS = ["AcknowledgeJob", "GetJobDetails", "PutJobSuccessResult", "PutJobFailureResult"]
PREFIX = "CodePipeline_20150709."


def oracle(operation: str, document: Any) -> str:
    violations = validators.validate_request(document, operation)
    if any(v.kind == "type" for v in violations):
        return "SerializationException"
    if violations:
        return "ValidationException"
    if operation == "PutJobSuccessResult":
        variables = document.get("outputVariables")
        if variables is not None and document.get("continuationToken") is not None:
            return "ValidationException"
        if sum(len(k.encode()) + len(v.encode()) for k, v in (variables or {}).items()) > 122_880:
            return "OutputVariablesSizeExceededException"
    return "JobNotFoundException"  # the service has no job with an id drawn at random


@pytest.fixture(scope="module")
def served() -> Any:
    from pollforjobs.jobqueue import JobQueue

    queue = JobQueue()
    queue.register_action_type(ACTION_TYPE)
    with Served(create_app(queue, sync_in_thread=False)) as running:
        yield running


@pytest.mark.parametrize("operation", OPERATIONS)
def test_job_operations_answer_what_the_validators_predict(served: Any, service: Any, operation: str, caplog: pytest.LogCaptureFixture) -> None:
    near = json_near(service, service.shape(f"{operation}Input"), python_names=True)
    outcomes: dict[str, int] = {}

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(document=near, ascii_only=st.booleans())
    def check(document: Any, ascii_only: bool) -> None:
        body = json.dumps(document, ensure_ascii=ascii_only).encode("utf-8")
        answer = post(served.url, body, {"X-Amz-Target": PREFIX + operation})
        want = oracle(operation, document)
        got = "OK" if answer.status == 200 else answer.json["__type"]
        assert got == want, (document, answer.status, answer.json)
        assert answer.status < 500
        outcomes[got] = outcomes.get(got, 0) + 1

    with caplog.at_level(logging.INFO, logger="pollforjobs.server"):
        check()
    print(f"\n{operation}: {sum(outcomes.values())} requests, {dict(sorted(outcomes.items()))}")
    assert len(outcomes) >= 2, outcomes  # the drawing reached more than one answer
    log = caplog.text
    assert "Traceback" not in log
    for secret in canary.KEY_LIKE:
        assert secret not in log
