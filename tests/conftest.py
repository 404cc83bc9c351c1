"""Shared fixtures: the project root, the spec's IR and the documented samples."""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# The whole-run scan for canary secrets (tests/support/canary_plugin.py): its hooks, loaded here.
from .support.canary_plugin import (  # noqa: F401
    pytest_runtest_call,
    pytest_runtest_logreport,
    pytest_sessionfinish,
    pytest_sessionstart,
    pytest_terminal_summary,
    pytest_testnodedown,
)

ROOT = Path(__file__).resolve().parent.parent

# The generator's cache (generator/cache.py) of this test run, for it and every subprocess:
# the suite neither reads entries of earlier runs nor leaves any in the user's cache.
if "AWS_BINDING_GENERATOR_CACHE" not in os.environ:
    _CACHE = tempfile.mkdtemp(prefix="abg-test-cache-")
    os.environ["AWS_BINDING_GENERATOR_CACHE"] = _CACHE
    atexit.register(shutil.rmtree, _CACHE, True)
SPEC = ROOT / "specs" / "pollforjobs.yaml"
# A verbatim copy of the documented page (shared/reference/ in the project workspace).
REFERENCE = ROOT / "tests" / "data" / "PollForJobs-api-reference.txt"
WELL_FORMED_JOB_ID = "ef66c259-64f9-4a5b-9c3d-0123456789ab"


def reference_samples() -> tuple[str, str]:
    """The sample request and response bodies, as JSON text, cut from the documented page."""
    page = REFERENCE.read_text(encoding="utf-8")
    request = page.split("Sample Request", 1)[1].split("Sample Response", 1)[0]
    response = page.split("Sample Response", 1)[1].split("See Also", 1)[0]
    return request[request.index("{") :].strip(), response[response.index("{") :].strip()


@pytest.fixture(scope="session")
def service() -> Any:
    from generator.pipeline import build

    svc, _ = build(SPEC)
    return svc


@pytest.fixture(scope="session")
def sample_request() -> dict[str, Any]:
    return json.loads(reference_samples()[0])


@pytest.fixture(scope="session")
def sample_response() -> dict[str, Any]:
    return json.loads(reference_samples()[1])


@pytest.fixture(scope="session")
def well_formed_response(sample_response: dict[str, Any]) -> dict[str, Any]:
    """The sample response with a job id that satisfies the JobId pattern."""
    text = re.sub(r'"ef66c259-64f9-EXAMPLE"', json.dumps(WELL_FORMED_JOB_ID), json.dumps(sample_response))
    return json.loads(text)


@pytest.fixture
def server() -> Iterator[Any]:
    """The scripted AWS-like test server (tests/support/aws_like_server.py) the client tests talk to;
    test modules with a server of their own define their own `server` fixture."""
    from .support.aws_like_server import running_server

    with running_server() as running:
        yield running


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """--dist loadfile (the default here): file by file, but the twelve AWS services one by one,
    heaviest first (tests/support/scheduling.py). Any other --dist is xdist's own."""
    if config.getvalue("dist") != "loadfile":
        return None
    from .support.scheduling import make_scheduler

    return make_scheduler(config, log)
