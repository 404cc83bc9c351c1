"""The suite's own scheduling (tests/support/scheduling.py): files stay whole on one worker,
the AWS services file is split by service, and every service it runs is ordered."""

from __future__ import annotations

from ..e2e.test_aws_services import SERVICES
from ..support.scheduling import HEAVIEST_FIRST, scope_of


def test_a_file_is_one_group_whatever_its_parameters() -> None:
    assert scope_of("tests/unit/test_patterns.py::test_verdict[a-b]") == "tests/unit/test_patterns.py"
    assert scope_of("tests/e2e/test_client.py::TestRetries::test_throttled") == "tests/e2e/test_client.py"


def test_the_aws_services_file_is_one_group_per_service() -> None:
    scopes = {
        scope_of(f"tests/e2e/test_aws_services.py::{test}[{service}]")
        for test in ("test_constraint_corpus_gets_one_verdict", "test_boto3_round_trips_every_operation")
        for service in ("glue", "kms")
    }
    assert scopes == {"tests/e2e/test_aws_services.py[glue]", "tests/e2e/test_aws_services.py[kms]"}


def test_every_service_of_the_file_has_its_place_in_the_order() -> None:
    assert sorted(HEAVIEST_FIRST) == sorted(f"tests/e2e/test_aws_services.py[{s}]" for s in SERVICES)
