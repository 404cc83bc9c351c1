"""What a package's spec tells the server core: its operations and protocols, the error
classes by code and the validators' message (the core's `Application` serves them)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Generic, Protocol, TypeVar

import pydantic

from .errors import ServiceError
from .protocols import ServerProtocol

# Statuses of the protocol errors this server sends, for specs that do not declare them.
_PROTOCOL_STATUS: Final = {
    "IncompleteSignatureException": 400,
    "InternalFailure": 500,
    "InvalidSignatureException": 400,
    "MissingAuthenticationTokenException": 400,
    "NotAcceptableException": 406,
    "RequestEntityTooLargeException": 413,
    "SerializationException": 400,
    "UnknownOperationException": 400,
    "UnrecognizedClientException": 400,
    "ValidationException": 400,
}


class ViolationLike(Protocol):
    """What the core reads of the package's `validators.Violation`."""

    @property
    def message(self) -> str: ...

    @property
    def kind(self) -> str: ...


V = TypeVar("V", bound=ViolationLike)


@dataclass(frozen=True, slots=True)
class Operation(Generic[V]):
    """One operation as the server serves it: the package's validator, models and reader."""

    name: str
    method_name: str
    validate: Callable[[object], list[V]]
    input_model: type[pydantic.BaseModel]
    output_model: type[pydantic.BaseModel]
    read_output: Callable[[object], pydantic.BaseModel]


@dataclass(frozen=True, slots=True)
class ServerSpec(Generic[V]):
    """What the package's spec decides, for the core: the protocols it speaks (the first
    answers what no protocol claims), operations keyed as every protocol's `route` names them,
    the error classes by code, the validators' message and the access logger."""

    protocols: Sequence[ServerProtocol]
    operations: Mapping[str, Operation[V]]
    errors_by_code: Mapping[str, type[ServiceError]]
    format_message: Callable[[list[V]], str]
    signing_name: str
    logger: logging.Logger

    def error(self, code: str, message: str, status: int | None = None) -> ServiceError:
        """The spec's exception for a protocol error code (a plain ServiceError if it has none)."""
        error_class = self.errors_by_code.get(code)
        if error_class is not None:
            return error_class(message, status_code=status)
        return ServiceError(message, code=code, status_code=status or _PROTOCOL_STATUS[code])
