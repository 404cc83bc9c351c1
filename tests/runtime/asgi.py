"""A toy service for the runtime's server core, and a way to call an ASGI app directly."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from dataclasses import dataclass
from typing import Any

import pydantic
from runtime.errors import ServiceError
from runtime.protocols import ServerProtocol
from runtime.server import Operation, ServerSpec

PREFIX = "Widgets_20240101"
TARGET = f"{PREFIX}.PutWidget"
LOGGER = "tests.runtime.widgets"


class PutWidgetInput(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(populate_by_name=True)
    widget_id: str = pydantic.Field(alias="widgetId", max_length=8)


class PutWidgetOutput(pydantic.BaseModel):
    version: int | None = None


class ConflictException(ServiceError):
    CODE = "ConflictException"
    HTTP_STATUS = 409


@dataclass(frozen=True)
class Violation:
    path: str
    message: str
    kind: str = "constraint"


def validate(document: object) -> list[Violation]:
    if not isinstance(document, dict):
        return [Violation("", "Expected an object", "type")]
    widget_id = document.get("widgetId")
    if widget_id is None:
        return [Violation("widgetId", "Value null at 'widgetId' failed to satisfy constraint: Member must not be null")]
    if not isinstance(widget_id, str):
        return [Violation("widgetId", "Expected a string at 'widgetId'", "type")]
    return []


def format_message(violations: list[Violation]) -> str:
    return f"{len(violations)} validation error detected: " + "; ".join(v.message for v in violations)


def read_output(value: object) -> PutWidgetOutput:
    return PutWidgetOutput.model_validate(value)


def operations() -> dict[str, Operation[Violation]]:
    return {TARGET: Operation("PutWidget", "put_widget", validate, PutWidgetInput, PutWidgetOutput, read_output)}


def spec(protocol: ServerProtocol, table: dict[str, Operation[Violation]] | None = None) -> ServerSpec[Violation]:
    return ServerSpec((protocol,), table or operations(), {"ConflictException": ConflictException}, format_message, "widgets", logging.getLogger(LOGGER))


class Handler:
    """Answers by the widget id: what to return or raise."""

    def __init__(self) -> None:
        self.threads: list[int] = []

    def put_widget(self, request: PutWidgetInput) -> object:
        self.threads.append(threading.get_ident())
        answers: dict[str, object] = {"dict": {"version": 2}, "none": None, "bad": 5, "pydict": {"version": "x"}}
        if request.widget_id == "conflict":
            raise ConflictException("taken")
        if request.widget_id == "boom":
            raise RuntimeError("secret detail")
        if request.widget_id == "teapot":
            raise ConflictException("short and stout", status_code=200)
        return answers.get(request.widget_id, PutWidgetOutput(version=1))


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def error(self) -> tuple[int, str, str]:
        document = json.loads(self.body)
        return self.status, document["__type"], document["message"]


def call(app: Any, *, method: str = "POST", path: str = "/", headers: list[tuple[bytes, bytes]], chunks: list[bytes] | None = None, disconnect: bool = False) -> Answer:
    """One request, straight through the ASGI interface."""
    pieces = list(chunks if chunks is not None else [b""])
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if disconnect:
            return {"type": "http.disconnect"}
        body = pieces.pop(0)
        return {"type": "http.request", "body": body, "more_body": bool(pieces)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "query_string": b"", "headers": headers}
    asyncio.run(app(scope, receive, send))
    start, body = sent
    assert start["type"] == "http.response.start" and body["type"] == "http.response.body"
    names = [name.decode() for name, _ in start["headers"]]
    assert len(names) == len(set(names)), names
    return Answer(start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body["body"])
