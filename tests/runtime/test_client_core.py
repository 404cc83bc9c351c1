"""The client core (runtime.client) against the server core (runtime.server), both speaking
AWS JSON 1.0, over real HTTP on 127.0.0.1: a toy service, nothing generated."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from runtime.client import ClientSpec, ServiceClient
from runtime.client_errors import ConfigurationError, MalformedResponseError
from runtime.protocols.aws_json import AwsJsonClient, AwsJsonServer
from runtime.request_names import RequestNames, UnknownName, refusal_text
from runtime.server import Application

from ..server_harness import Served
from .asgi import PREFIX, ConflictException, Handler, PutWidgetInput, PutWidgetOutput, spec

KEY, SECRET = "AKIDCLIENTCORE000001", "client-core-secret/0000000000000000000001"


class UnknownNames(ValueError):
    def __init__(self, found: list[UnknownName]) -> None:
        super().__init__(refusal_text([name.message for name in found], 10))
        self.found = found


class FormatError(ValueError):
    pass


def read_output(value: object) -> PutWidgetOutput:
    if not isinstance(value, dict):
        raise FormatError("malformed response at '': expected an object")
    return PutWidgetOutput(version=value.get("version") if isinstance(value.get("version"), int) else None)


class WidgetsClient(ServiceClient):
    SPEC: ClassVar[ClientSpec] = ClientSpec(
        protocol=AwsJsonClient("1.0", PREFIX),
        signing_name="widgets",
        endpoint_prefix="widgets",
        user_agent="widgets-client/2024-01-01",
        errors_by_code={"ConflictException": ConflictException},
        operation_errors={"PutWidget": (ConflictException,)},
        names=RequestNames({"PutWidgetInput": {"widgetId": None}}, {}, {"PutWidgetInput": {"widget_id": "widgetId"}}),
        refuse_names=UnknownNames,
        response_format_error=FormatError,
        logger=logging.getLogger("tests.runtime.widgets.client"),
    )

    def put_widget(self, request: Any = None, /, **params: Any) -> PutWidgetOutput:
        payload = self._payload(request, params, PutWidgetInput)
        return self._invoke("PutWidget", payload, PutWidgetOutput, read_output)


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    app = Application(spec(AwsJsonServer("1.0", PREFIX)), Handler(), credentials={KEY: SECRET}, max_body_bytes=1024, clock_skew=300.0, clock=time.time, sync_in_thread=False)
    with Served(app) as served:
        yield served.url


def client(url: str, **options: Any) -> WidgetsClient:
    return WidgetsClient(region_name="us-east-1", endpoint_url=url, aws_access_key_id=KEY, aws_secret_access_key=SECRET, **options)


def test_a_signed_call_round_trips(url: str) -> None:
    assert client(url).put_widget({"widgetId": "w"}) == PutWidgetOutput(version=1)
    assert client(url).put_widget(widgetId="dict") == PutWidgetOutput(version=2)
    assert client(url).put_widget(PutWidgetInput(widget_id="none")) == PutWidgetOutput()


def test_error_answers_raise_the_specs_classes(url: str) -> None:
    with pytest.raises(ConflictException) as caught:
        client(url).put_widget(widgetId="conflict")
    assert (caught.value.code, caught.value.message, caught.value.status_code) == ("ConflictException", "taken", 409)
    assert caught.value.request_id


def test_internal_failures_are_retried_then_raised(url: str) -> None:
    widgets = client(url, max_attempts=2)
    widgets._retry.TRANSIENT_BASE_DELAY = 0.001
    with pytest.raises(Exception) as caught:
        widgets.put_widget(widgetId="boom")
    assert type(caught.value).__name__ == "ServiceError"
    assert caught.value.code == "InternalFailure"  # type: ignore[attr-defined]
    assert caught.value.__notes__ == ["PutWidget: gave up after 2 attempts"]


def test_unknown_names_are_refused_before_sending(url: str) -> None:
    with pytest.raises(UnknownNames) as caught:
        client(url).put_widget({"widget_id": "w"})
    assert str(caught.value) == (
        'Parameter validation failed:\nUnknown parameter in input: "widget_id", must be one of: widgetId; did you mean "widgetId"?'
    )


def test_a_wrong_secret_is_the_servers_signature_error(url: str) -> None:
    wrong = WidgetsClient(region_name="us-east-1", endpoint_url=url, aws_access_key_id=KEY, aws_secret_access_key="wrong")
    with pytest.raises(Exception) as caught:
        wrong.put_widget(widgetId="w")
    assert caught.value.code == "InvalidSignatureException"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("body", "problem"),
    [(b"[1]", "at '': expected an object"), (b"<html>", "the body is not JSON (.*)")],
)
def test_a_success_body_the_reader_refuses_is_malformed(body: bytes, problem: str) -> None:
    async def answer(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            while (await receive()).get("more_body"):
                pass
            await send({"type": "http.response.start", "status": 200, "headers": [(b"x-amzn-requestid", b"rid-1")]})
            await send({"type": "http.response.body", "body": body})

    with Served(answer) as served, pytest.raises(MalformedResponseError) as caught:
        client(served.url).put_widget(widgetId="w")
    assert re.fullmatch(rf"malformed response \(HTTP 200, request id rid-1\): {problem}", str(caught.value))


def test_the_endpoint_follows_the_spec_and_region() -> None:
    widgets = WidgetsClient(region_name="eu-west-3", aws_access_key_id=KEY, aws_secret_access_key=SECRET)
    assert widgets.endpoint_url == "https://widgets.eu-west-3.amazonaws.com/"
    assert repr(widgets) == "WidgetsClient(region_name='eu-west-3', endpoint_url='https://widgets.eu-west-3.amazonaws.com/')"
    with pytest.raises(ConfigurationError, match="not a valid AWS region name"):
        WidgetsClient(region_name="eu west", aws_access_key_id=KEY, aws_secret_access_key=SECRET)
