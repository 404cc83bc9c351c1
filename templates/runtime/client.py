"""The core of a generated client, the same for every protocol and service.

The package's client class subclasses `ServiceClient`, sets `SPEC` (the protocol, the signing
name, the spec's error classes, names and readers) and adds one method per operation, which
calls `_payload` and `_invoke`. Requests are signed with SigV4 (`signing`, byte for byte as
botocore signs) and sent over keep-alive connections; failures are retried as in the AWS SDKs'
standard mode (`retries.RetryPolicy`); responses are read by their wire names only. Host
prefixes and request compression follow botocore (see `client_config` and `bodies`).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Final, Self, TypeVar

from pydantic import BaseModel

from .bodies import DEFAULT_MIN_COMPRESSION_BYTES, compressed
from .client_config import (
    BotocoreSettings,
    chosen_protocol,
    compression_disabled,
    expand_host_prefix,
    explicit_credentials,
    host_prefix_injection,
    min_compression_size,
    positive,
    timeout_or_none,
    whole,
)
from .client_errors import (
    EndpointConnectionError,
    MalformedResponseError,
    TotalTimeoutError,
)
from .endpoint import configured_endpoint, parse_endpoint
from .errors import ServiceError, error_for
from .protocols import ClientProtocol
from .request_names import RequestNames, UnknownName
from .retries import RetryPolicy
from .signing import sign
from .transport import DEFAULT_MAX_RESPONSE_BYTES, ConnectionPool, Response

DEFAULT_TIMEOUT: Final = 60.0
DEFAULT_MAX_ATTEMPTS: Final = 3
MAX_PREFIXED_HOSTS: Final = 16  # hosts with a host prefix whose idle connections are kept
_M = TypeVar("_M", bound=BaseModel)


@dataclass(frozen=True)
class ClientSpec:
    """What the package's spec decides, for the client core.

    `user_agent` gets ` python/X.Y` appended. `refuse_names` makes the exception for names a
    request's operation does not have; `response_format_error` is what the package's lenient
    readers raise. Retries are logged to `logger` at debug level: operation, error code or
    failure, attempt, delay; never bodies or keys.
    """

    protocol: ClientProtocol
    signing_name: str
    endpoint_prefix: str
    user_agent: str
    errors_by_code: Mapping[str, type[ServiceError]]
    operation_errors: Mapping[str, tuple[type[ServiceError], ...]]
    names: RequestNames
    refuse_names: Callable[[list[UnknownName]], Exception]
    response_format_error: type[Exception]
    logger: logging.Logger
    # Every protocol the spec lists, by the spec's name, for `protocol=`; `protocol` is the
    # default (the one boto3 picks).
    protocols: Mapping[str, ClientProtocol] = field(default_factory=dict)
    # The service's own endpoint variable, as boto3 names it: AWS_ENDPOINT_URL_<SERVICE ID>.
    endpoint_variable: str = ""
    # Per operation: its endpoint trait's host prefix, and the encodings it may be sent in.
    host_prefixes: Mapping[str, str] = field(default_factory=dict)
    compression: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The exception for host labels whose values cannot go in a host name.
    refuse_host_labels: Callable[[list[str]], Exception] = ValueError


class ServiceClient:
    """The base of a generated client class (see the package's client module)."""

    SPEC: ClassVar[ClientSpec]

    def __init__(
        self,
        *,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        aws_access_key_id: str | None = None,
        aws_secret_access_key: str | None = None,
        aws_session_token: str | None = None,
        profile_name: str | None = None,
        connect_timeout: float = DEFAULT_TIMEOUT,
        read_timeout: float = DEFAULT_TIMEOUT,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        max_pool_connections: int = 10,
        validate_requests: bool = True,
        total_timeout: float | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        protocol: str | None = None,
        inject_host_prefix: bool | None = None,
        disable_request_compression: bool | None = None,
        request_min_compression_size_bytes: int | None = None,
    ) -> None:
        spec = self.SPEC
        self._protocol = chosen_protocol(spec.protocol, spec.protocols, protocol)
        self._codec = self._protocol.codec
        # Per operation: the path and the headers every request for it carries (unsigned).
        self._requests: dict[str, tuple[str, dict[str, str]]] = {}
        self._user_agent = (
            f"{spec.user_agent} python/{sys.version_info.major}.{sys.version_info.minor}"
        )
        self._lock = threading.Lock()
        self._settings = BotocoreSettings(
            profile_name,
            explicit_credentials(aws_access_key_id, aws_secret_access_key, aws_session_token),
        )
        self.region_name = self._settings.region(region_name)
        scheme, self._host, port, self._path = parse_endpoint(
            endpoint_url
            or configured_endpoint(spec.endpoint_variable)
            or f"https://{spec.endpoint_prefix}.{self.region_name}.amazonaws.com"
        )
        default_port = {"http": 80, "https": 443}[scheme]
        self._host_header = self._host if ":" not in self._host else f"[{self._host}]"
        if port is not None and port != default_port:
            self._host_header += f":{port}"
        self.endpoint_url = f"{scheme}://{self._host_header}{self._path}"
        self.validate_requests = bool(validate_requests)
        self.total_timeout = timeout_or_none("total_timeout", total_timeout)
        self._retry = RetryPolicy(whole("max_attempts", max_attempts), spec.operation_errors)
        self.inject_host_prefix = host_prefix_injection(inject_host_prefix)
        self.disable_request_compression = compression_disabled(disable_request_compression)
        self.request_min_compression_size_bytes = min_compression_size(
            request_min_compression_size_bytes, DEFAULT_MIN_COMPRESSION_BYTES
        )
        settings: dict[str, Any] = {
            "connect_timeout": positive("connect_timeout", connect_timeout),
            "read_timeout": positive("read_timeout", read_timeout),
            "max_idle": whole("max_pool_connections", max_pool_connections),
            "max_response_bytes": whole("max_response_bytes", max_response_bytes),
        }
        self._new_pool: Callable[[str], ConnectionPool] = lambda host: ConnectionPool(
            scheme, host, port, **settings
        )
        self._pool = self._new_pool(self._host)
        # The pools of hosts with a host prefix (the endpoint trait), by prefix.
        self._prefixed: dict[str, ConnectionPool] = {}

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(region_name={self.region_name!r}, "
            f"endpoint_url={self.endpoint_url!r})"
        )

    @property
    def max_attempts(self) -> int:
        return self._retry.max_attempts

    def close(self) -> None:
        """Close the idle connections; the client stays usable and reconnects when called."""
        with self._lock:
            pools, self._prefixed = [self._pool, *self._prefixed.values()], {}
        for pool in pools:
            pool.close()

    def _prefixed_pool(
        self, operation: str, payload: Mapping[str, Any]
    ) -> tuple[ConnectionPool, str]:
        """The pool and Host header for an operation with a host prefix: botocore puts the
        expanded prefix before the endpoint's host."""
        prefix, bad = expand_host_prefix(self.SPEC.host_prefixes[operation], payload)
        if bad:
            raise self.SPEC.refuse_host_labels(bad)
        with self._lock:
            pool = self._prefixed.get(prefix)
            if pool is None:
                if len(self._prefixed) >= MAX_PREFIXED_HOSTS:  # many label values: drop the oldest
                    self._prefixed.pop(next(iter(self._prefixed))).close()
                pool = self._prefixed[prefix] = self._new_pool(prefix + self._host)
        return pool, prefix + self._host_header

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _frozen_credentials(self) -> Any:
        return self._settings.static or self._settings.frozen_credentials()

    # --- one call ------------------------------------------------------------------------

    def _payload(
        self, request: object, params: dict[str, Any], model: type[BaseModel]
    ) -> dict[str, Any]:
        """The request as a wire dict: from the input model, a dict of wire names, or keyword
        arguments; names the operation does not have raise `SPEC.refuse_names(...)`."""
        if request is None:
            request = params
        elif params:
            raise TypeError("pass either a request or keyword arguments, not both")
        elif isinstance(request, model):
            # Unset members with a default stay unsent, as botocore sends only what is set.
            return request.model_dump(
                by_alias=True, exclude_none=True, exclude_unset=True, mode="json"
            )
        if not isinstance(request, Mapping):
            raise TypeError(
                f"the request must be a models.{model.__name__} or a dict of wire names, "
                f"not {type(request).__name__}"
            )
        unknown = self.SPEC.names.unknown(request, model.__name__)
        if unknown:
            raise self.SPEC.refuse_names(unknown)
        return dict(self.SPEC.names.without_nulls(request, model.__name__))

    def _invoke(
        self,
        operation: str,
        payload: dict[str, Any],
        output: type[_M],
        read: Callable[[object], _M],
        request_model: type[BaseModel] | None = None,
    ) -> _M:
        codec = self._codec
        try:
            body = codec.encode_request(payload, request_model)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"the {operation} request is not {codec.name}: {exc}") from None
        try:
            path, template = self._requests[operation]
        except KeyError:
            path, template = self._request_for(operation)
        headers = template  # `sign` copies it
        pool = self._pool
        if self.inject_host_prefix and operation in self.SPEC.host_prefixes:
            pool, host = self._prefixed_pool(operation, payload)
            headers = {**headers, "Host": host}
        encodings = self.SPEC.compression.get(operation)
        if encodings and not self.disable_request_compression:
            body, encoding = compressed(body, encodings, self.request_min_compression_size_bytes)
            if encoding:
                headers = {**headers, "Content-Encoding": encoding}
        policy = self._retry
        deadline = None if self.total_timeout is None else time.monotonic() + self.total_timeout
        signing_name = self.SPEC.signing_name
        attempt, tokens = 1, 0
        while True:
            credentials = self._settings.static or self._settings.frozen_credentials()
            signed = sign(credentials, signing_name, self.region_name, path, body, headers)
            failure: ServiceError | EndpointConnectionError
            retry_after = None
            try:
                response = pool.post(path, body, signed, deadline)
            except TotalTimeoutError as exc:
                if attempt > 1:
                    exc.add_note(f"{operation}: gave up after {attempt} attempts")
                raise
            except EndpointConnectionError as exc:
                failure = exc
            else:
                if 200 <= response.status < 300:
                    policy.release(tokens or policy.NO_RETRY_INCREMENT)
                    return self._read(response, output, read)
                failure = self._error(response)
                retry_after = response.headers.get("x-amz-retry-after")
            throttling = isinstance(failure, ServiceError) and policy.is_throttling(
                failure, operation
            )
            tokens, delay = 0, 0.0
            if attempt < policy.max_attempts and policy.is_retryable(failure, operation):
                delay = policy.delay(attempt, throttling, retry_after)
                if deadline is not None and time.monotonic() + delay >= deadline:
                    timeout = TotalTimeoutError(
                        f"{operation} did not end within total_timeout ({self.total_timeout} s): "
                        f"the wait before attempt {attempt + 1} would pass it"
                    )
                    timeout.add_note(f"{operation}: gave up after {attempt} attempts")
                    raise timeout from failure
                tokens = policy.acquire(throttling)
            if not tokens:
                if attempt > 1:
                    failure.add_note(f"{operation}: gave up after {attempt} attempts")
                raise failure
            what = failure.code if isinstance(failure, ServiceError) else type(failure).__name__
            self.SPEC.logger.debug(
                "%s attempt %d failed (%s); retrying in %.3f s", operation, attempt, what, delay
            )
            time.sleep(delay)
            attempt += 1

    def _request_for(self, operation: str) -> tuple[str, dict[str, str]]:
        protocol = self._protocol
        headers = protocol.request_headers(operation)
        headers["Host"] = self._host_header
        headers["User-Agent"] = self._user_agent
        self._requests[operation] = found = (protocol.request_path(self._path, operation), headers)
        return found

    def _error(self, response: Response) -> ServiceError:
        """The exception for an error answer: its class from the code, with message and ids."""
        code, message = self._protocol.error_code(response)
        try:
            body = self._codec.decode(response.body) if response.body.strip() else None
        except ValueError:
            body = None
        # Without a code, the status stands in for it, as in botocore.
        return error_for(
            self.SPEC.errors_by_code,
            code or str(response.status),
            message,
            status_code=response.status,
            request_id=response.request_id,
            body=body,
        )

    def _read(self, response: Response, output: type[_M], read: Callable[[object], _M]) -> _M:
        """The body as `output`: in one pass when it satisfies the model, else leniently
        (`read`), by wire names only."""
        codec = self._codec
        try:
            return codec.read_model(response.body, output, read)
        except self.SPEC.response_format_error as exc:
            problem = str(exc).removeprefix("malformed response ")
            raise MalformedResponseError(
                problem, status_code=response.status, request_id=response.request_id
            ) from None
        except ValueError as exc:
            raise MalformedResponseError(
                f"the body is not {codec.name} ({exc})",
                status_code=response.status,
                request_id=response.request_id,
            ) from None
