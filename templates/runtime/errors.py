"""The base of every service error: what a client raises for an error answer, and what a
server handler raises to send one. The package's `errors` module subclasses it once per error
code its spec names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class ServiceError(Exception):
    """An error answer from the service (or, on the server side, one to send).

    A server handler raises a subclass with a message, e.g.
    `raise ActionTypeNotFoundException("The specified action type cannot be found.")`.
    """

    CODE: ClassVar[str] = "ServiceError"
    HTTP_STATUS: ClassVar[int] = 400
    FAULT: ClassVar[str] = "client"
    RETRYABLE: ClassVar[bool] = False
    THROTTLING: ClassVar[bool] = False
    # The error shape's members beyond its message: wire name -> attribute (snake_case).
    MEMBERS: ClassVar[Mapping[str, str]] = {}

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        status_code: int | None = None,
        request_id: str | None = None,
        **members: Any,
    ) -> None:
        self.message = message
        self.code = code or type(self).CODE
        self.status_code = status_code or type(self).HTTP_STATUS
        self.request_id = request_id
        for attribute in type(self).MEMBERS.values():
            setattr(self, attribute, members.pop(attribute, None))
        if members:
            raise TypeError(f"{type(self).__name__} has no member {min(members)!r}")
        super().__init__(message)

    def wire_members(self) -> dict[str, Any]:
        """The members set, by wire name, as the error body carries them."""
        found = {wire: getattr(self, attribute) for wire, attribute in type(self).MEMBERS.items()}
        return {wire: value for wire, value in found.items() if value is not None}

    def __str__(self) -> str:
        where = (
            f" (HTTP {self.status_code}, request id {self.request_id})"
            if self.request_id
            else f" (HTTP {self.status_code})"
        )
        return f"{self.code}: {self.message}{where}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, "
            f"status_code={self.status_code!r}, request_id={self.request_id!r})"
        )


def error_for(
    errors_by_code: Mapping[str, type[ServiceError]],
    code: str,
    message: str,
    *,
    status_code: int | None = None,
    request_id: str | None = None,
    body: object = None,
) -> ServiceError:
    """The exception for an error code; codes missing from `errors_by_code` give a plain
    ServiceError. The members its class knows are taken from `body` (the decoded error body)
    as they are in the JSON."""
    error_class = errors_by_code.get(code, ServiceError)
    members = {}
    if isinstance(body, Mapping):
        members = {
            attribute: body[wire] for wire, attribute in error_class.MEMBERS.items() if wire in body
        }
    return error_class(
        message, code=code, status_code=status_code, request_id=request_id, **members
    )
