"""The wire protocols a spec may name (`service.protocol`), as the generator sees them.

Each gives the facts the exports state (content type, how a request names its operation),
the runtime modules a package that speaks it carries (`templates/runtime/protocols/`), and
the Python expressions by which the package's client and server make the runtime's protocol
objects. Adding a protocol: a runtime module implementing `ClientProtocol` and
`ServerProtocol` (see `templates/runtime/protocols/__init__.py`), an entry here, and the name
in `specs/spec.schema.json`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .ir import Operation, Service
from .literals import py_literal


@dataclass(frozen=True)
class WireProtocol:
    """A protocol that routes by a header on one path (the AWS JSON family). One routed by
    path (RPC v2 CBOR) subclasses it: its arguments, route keys and summary differ."""

    name: str  # as the spec names it
    title: str  # in documentation: "AWS JSON 1.1"
    version: str
    content_type: str
    runtime_module: str  # templates/runtime/protocols/<module>.py
    runtime_modules: frozenset[str]  # every protocol module a package needs for it
    client_class: str  # in runtime_module: implements ClientProtocol
    server_class: str  # in runtime_module: implements ServerProtocol
    http_method: str = "POST"
    http_path: str = "/"
    operation_header: str = "X-Amz-Target"

    def arguments(self, service: Service) -> tuple[str, ...]:
        """What the runtime's protocol classes are made with, for `service`."""
        return (self.version, service.target_prefix)

    def client_expression(self, service: Service) -> str:
        """Python source making the runtime's client protocol (the module is imported)."""
        return f"{self.runtime_module}.{self.client_class}{py_literal(self.arguments(service))}"

    def server_expression(self, service: Service) -> str:
        """Python source making the runtime's server protocol (the module is imported)."""
        return f"{self.runtime_module}.{self.server_class}{py_literal(self.arguments(service))}"

    def route_key(self, operation: Operation) -> str:
        """What the server routes `operation` by: the key of its operation table."""
        return operation.target

    def request_summary(self, service: Service) -> str:
        """How every request looks, in one clause of prose."""
        return f"every request is a {self.http_method} to {self.http_path} with the header {self.operation_header}: {service.target_prefix}.OperationName"


def _aws_json(version: str) -> WireProtocol:
    return WireProtocol(
        name=f"awsJson{version.replace('.', '_')}",
        title=f"AWS JSON {version}",
        version=version,
        content_type=f"application/x-amz-json-{version}",
        runtime_module="aws_json",
        runtime_modules=frozenset({"aws_json", "json_codec"}),
        client_class="AwsJsonClient",
        server_class="AwsJsonServer",
    )


PROTOCOLS: dict[str, WireProtocol] = {p.name: p for p in (_aws_json("1.0"), _aws_json("1.1"))}


def for_service(service: Service) -> WireProtocol:
    """The protocol `service` speaks; the meta-schema admits only names in PROTOCOLS."""
    return PROTOCOLS[service.protocol]
