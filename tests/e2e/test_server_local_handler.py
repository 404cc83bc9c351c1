"""The spec's `service.local_handler`: copied into the package, served by `python -m <package>.server`,
and reported with a location when it cannot be used."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.diagnostics import SpecError
from generator.pipeline import build

from ..conftest import ROOT, SPEC
from ..support.server_harness import poll_body, post

HANDLER_BLOCK = re.compile(r"  local_handler:\n(    .*\n)+")


def spec_copy(tmp_path: Path, block: str) -> Path:
    text = SPEC.read_text(encoding="utf-8")
    assert HANDLER_BLOCK.search(text), "the spec's local_handler block moved; update this test"
    path = tmp_path / "pollforjobs.yaml"
    path.write_text(HANDLER_BLOCK.sub(block, text), encoding="utf-8")
    shutil.copytree(ROOT / "specs" / "pollforjobs", tmp_path / "pollforjobs")
    return path


def test_without_a_local_handler_the_server_wants_one_named(tmp_path: Path) -> None:
    _, files = build(spec_copy(tmp_path, ""))
    assert "pollforjobs/jobqueue.py" not in files
    server = files["pollforjobs/server.py"]
    assert "local_handler" not in server and "--jobs" not in server
    assert 'raise ValueError("name the handler to serve with --handler MODULE:ATTR")' in server
    compile(server, "server.py", "exec")


def test_the_seed_option_is_named_by_the_spec(tmp_path: Path) -> None:
    block = "  local_handler:\n    source: pollforjobs/jobqueue.py\n    module: queue_impl\n"
    _, files = build(spec_copy(tmp_path, block))
    assert "pollforjobs/queue_impl.py" in files
    server = files["pollforjobs/server.py"]
    assert "from . import queue_impl as local_handler" in server
    assert '"--seed"' in server


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            "  local_handler:\n    source: pollforjobs/absent.py\n    module: jobqueue\n",
            "cannot read 'pollforjobs/absent.py': No such file or directory",
        ),
        (
            "  local_handler:\n    source: pollforjobs/jobqueue.py\n    module: server\n",
            "module 'server' would replace the generated pollforjobs/server.py",
        ),
        (
            "  local_handler:\n    source: ../outside.py\n    module: jobqueue\n",
            "does not match the required pattern",
        ),
        (
            "  local_handler:\n    source: pollforjobs/jobqueue.py\n    module: jobqueue\n    helpers:\n    - pollforjobs/absent.py\n",
            "cannot read 'pollforjobs/absent.py': No such file or directory",
        ),
        (
            "  local_handler:\n    source: pollforjobs/jobqueue.py\n    module: jobqueue\n    helpers:\n    - pollforjobs/jobqueue.py\n",
            "module 'jobqueue' would replace the copy of 'pollforjobs/jobqueue.py' (pollforjobs/jobqueue.py)",
        ),
        (
            "  local_handler:\n    source: pollforjobs/jobqueue.py\n    module: jobqueue\n    helpers:\n    - pollforjobs/Job-Store.py\n",
            "helper 'pollforjobs/Job-Store.py' is not named like a module",
        ),
        (
            "  local_handler:\n    source: pollforjobs/jobqueue.py\n    module: jobqueue\n    helpers:\n    - pollforjobs/server.py\n",
            "module 'server' would replace the generated pollforjobs/server.py",
        ),
    ],
)
def test_unusable_local_handlers_are_located_spec_errors(tmp_path: Path, block: str, message: str) -> None:
    with pytest.raises(SpecError) as caught:
        build(spec_copy(tmp_path, block))
    (diagnostic,) = caught.value.diagnostics
    assert message in diagnostic.message
    assert diagnostic.json_path.startswith("$.service.local_handler")
    assert diagnostic.line > 1


def test_handler_option_serves_another_object() -> None:
    command = [sys.executable, "-m", "pollforjobs.server", "--port", "0", "--handler", "pollforjobs.jobqueue:JobQueue"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr
        for line in process.stderr:
            found = re.search(r"Uvicorn running on (http://\S+)", line)
            if found:
                break
        else:
            pytest.fail("the server did not start")
        answer = post(found.group(1), poll_body())
        assert answer.json["__type"] == "ActionTypeNotFoundException"
    finally:
        process.terminate()
        process.wait(30)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--handler", "pollforjobs.jobqueue:JobQueue", "--jobs", "x.json"], "--jobs seeds the bundled handler"),
        (["--handler", "no_such_module:thing"], "cannot load handler 'no_such_module:thing'"),
        (["--handler", "pollforjobs.jobqueue"], "--handler wants MODULE:ATTRIBUTE"),
        (
            ["--handler", "pollforjobs.models:Job"],
            "handler Job lacks acknowledge_job() for AcknowledgeJob, get_job_details() for GetJobDetails, poll_for_jobs() for PollForJobs",
        ),
    ],
)
def test_bad_handler_options_are_usage_errors(args: list[str], message: str) -> None:
    command = [sys.executable, "-m", "pollforjobs.server", "--port", "0", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_handler_may_serve_some_operations_only() -> None:
    from pollforjobs import models
    from pollforjobs.server import create_app

    from ..support.server_harness import Served

    class PollsOnly:
        def poll_for_jobs(self, request: models.PollForJobsInput) -> models.PollForJobsOutput:
            return models.PollForJobsOutput(jobs=[])

    with Served(create_app(PollsOnly())) as served:
        assert post(served.url, poll_body()).json == {"jobs": []}
        answer = post(served.url, b'{"jobId": "00000000-0000-4000-8000-000000000000", "nonce": "1"}', {"X-Amz-Target": "CodePipeline_20150709.AcknowledgeJob"})
    assert answer.status == 400
    assert answer.json == {"__type": "UnknownOperationException", "message": "This server does not serve AcknowledgeJob."}


def test_a_spec_default_operation_must_be_one_of_its_operations(tmp_path: Path) -> None:
    path = spec_copy(tmp_path, "  local_handler:\n    source: pollforjobs/jobqueue.py\n    module: jobqueue\n    helpers: [pollforjobs/jobstore.py, pollforjobs/jobconsole.py, pollforjobs/artifacts.py]\n    options: true\n")
    path.write_text(path.read_text(encoding="utf-8").replace("default_operation: PollForJobs", "default_operation: PollForJob"), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        build(path)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.message == "default operation 'PollForJob' is not one of the spec's operations; did you mean 'PollForJobs'?"
    assert diagnostic.json_path == "$.service.default_operation"
