"""The generated client finds its endpoint in the environment as boto3 does:
AWS_ENDPOINT_URL_CODEPIPELINE, then AWS_ENDPOINT_URL; an explicit endpoint_url wins, and
AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns both off."""

from __future__ import annotations

import boto3
import pytest
from pollforjobs.client import CodePipelineClient

KEYS = {"region_name": "us-east-1", "aws_access_key_id": "AKIDLOCALEXAMPLE", "aws_secret_access_key": "local-secret-key"}
VARIABLES = ("AWS_ENDPOINT_URL_CODEPIPELINE", "AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("environment", "explicit", "expected"),
    [
        ({}, None, "https://codepipeline.us-east-1.amazonaws.com/"),
        ({"AWS_ENDPOINT_URL_CODEPIPELINE": "http://127.0.0.1:8080"}, None, "http://127.0.0.1:8080/"),
        ({"AWS_ENDPOINT_URL": "http://127.0.0.1:9000"}, None, "http://127.0.0.1:9000/"),
        ({"AWS_ENDPOINT_URL_CODEPIPELINE": "http://127.0.0.1:8080", "AWS_ENDPOINT_URL": "http://127.0.0.1:9000"}, None, "http://127.0.0.1:8080/"),
        ({"AWS_ENDPOINT_URL_CODEPIPELINE": "http://127.0.0.1:8080"}, "http://127.0.0.1:7000", "http://127.0.0.1:7000/"),
        ({"AWS_ENDPOINT_URL_CODEPIPELINE": "http://127.0.0.1:8080", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}, None, "https://codepipeline.us-east-1.amazonaws.com/"),
    ],
)
def test_the_endpoint_comes_from_the_environment_as_with_boto3(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], explicit: str | None, expected: str
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    ours = CodePipelineClient(endpoint_url=explicit, **KEYS)
    theirs = boto3.client("codepipeline", endpoint_url=explicit, **KEYS)
    assert ours.endpoint_url == expected
    assert theirs.meta.endpoint_url.rstrip("/") + "/" == expected
