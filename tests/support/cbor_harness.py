"""Helpers for the RPC v2 CBOR tests: requests to the CBOR route, signed by botocore's signer."""

from __future__ import annotations

from typing import Any

import cbor2
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from .server_harness import ACCESS_KEY, SECRET_KEY, Answer, post

SERVICE_PATH = "/service/CodePipeline_20150709/operation/PollForJobs"
CBOR_HEADERS = {"Content-Type": "application/cbor", "Accept": "application/cbor", "Smithy-Protocol": "rpc-v2-cbor"}


def cbor_headers(
    url: str, body: bytes, *, path: str = SERVICE_PATH, secret_key: str = SECRET_KEY, extra: dict[str, str] | None = None, sign: bool = True
) -> dict[str, str]:
    headers = {**CBOR_HEADERS, **(extra or {})}
    headers = {k: v for k, v in headers.items() if v is not None}
    if not sign:
        return headers
    request = AWSRequest(method="POST", url=url + path, data=body, headers=headers)
    SigV4Auth(Credentials(ACCESS_KEY, secret_key), "codepipeline", "us-east-1").add_auth(request)
    return dict(request.headers.items())


def cbor_post(url: str, body: bytes, *, path: str = SERVICE_PATH, method: str = "POST", **options: Any) -> Answer:
    """One signed CBOR request on a fresh connection."""
    return post(url, body, cbor_headers(url, body, path=path, **options), path=path, method=method, default_headers=False)


def cbor_error(answer: Answer) -> tuple[int, str, str]:
    data = cbor2.loads(answer.body)
    return answer.status, data["__type"], data["message"]
