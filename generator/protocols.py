"""The wire protocols a spec may name (`service.protocol`, or `service.protocols` in AWS's
order of preference), as the generator sees them.

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

# botocore's order (botocore.utils.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS, 1.44): when a model
# lists several protocols, boto3 speaks the first of these it lists, whatever the model's order.
BOTO3_PREFERENCE: tuple[str, ...] = ("json", "smithy-rpc-v2-cbor")


@dataclass(frozen=True)
class WireProtocol:
    """A protocol that routes by a header on one path (the AWS JSON family). One routed by
    path (RPC v2 CBOR) subclasses it: its arguments, summary and exported route differ."""

    name: str  # as the spec names it
    title: str  # in documentation: "AWS JSON 1.1"
    version: str
    content_type: str
    runtime_module: str  # templates/runtime/protocols/<module>.py
    runtime_modules: frozenset[str]  # every protocol module a package needs for it
    client_class: str  # in runtime_module: implements ClientProtocol
    server_class: str  # in runtime_module: implements ServerProtocol
    botocore_name: str  # the model's `protocols` entry: "json"
    codec_name: str = "JSON"  # what the bodies are, in documentation
    http_method: str = "POST"
    http_path: str = "/"
    operation_header: str | None = "X-Amz-Target"

    def arguments(self, service: Service) -> tuple[str, ...]:
        """What the runtime's protocol classes are made with, for `service`."""
        return (self.version, service.target_prefix)

    def client_expression(self, service: Service) -> str:
        """Python source making the runtime's client protocol (the module is imported)."""
        return f"{self.runtime_module}.{self.client_class}({self._argument_list(service)})"

    def server_expression(self, service: Service) -> str:
        """Python source making the runtime's server protocol (the module is imported)."""
        return f"{self.runtime_module}.{self.server_class}({self._argument_list(service)})"

    def _argument_list(self, service: Service) -> str:
        return ", ".join(py_literal(argument) for argument in self.arguments(service))

    def route_key(self, operation: Operation) -> str:
        """What the server routes `operation` by: the key of its operation table, the same
        for every protocol (so one table serves them all)."""
        return operation.target

    def operation_path(self, service: Service, operation: Operation) -> str:
        """The path a request for `operation` goes to (below the endpoint's path)."""
        return self.http_path

    def request_summary(self, service: Service) -> str:
        """How every request looks, in one clause of prose."""
        return f"every request is a {self.http_method} to {self.http_path} with the header {self.operation_header}: {service.target_prefix}.OperationName"


@dataclass(frozen=True)
class PathRoutedProtocol(WireProtocol):
    """Smithy RPC v2 CBOR: the operation is named by the path, not a header."""

    def arguments(self, service: Service) -> tuple[str, ...]:
        return (service.target_prefix,)

    def operation_path(self, service: Service, operation: Operation) -> str:
        return f"/service/{service.target_prefix}/operation/{operation.name}"

    def request_summary(self, service: Service) -> str:
        return (
            f"every request is a {self.http_method} to [prefix]/service/{service.target_prefix}/operation/OperationName "
            f"with the headers Smithy-Protocol: rpc-v2-cbor, Content-Type: {self.content_type} and Accept: {self.content_type}"
        )


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
        botocore_name="json",
    )


RPC_V2_CBOR = PathRoutedProtocol(
    name="rpcv2Cbor",
    title="Smithy RPC v2 CBOR",
    version="2",
    content_type="application/cbor",
    runtime_module="rpc_v2_cbor",
    runtime_modules=frozenset({"rpc_v2_cbor", "cbor_codec", "cbor_reader"}),
    client_class="RpcV2CborClient",
    server_class="RpcV2CborServer",
    botocore_name="smithy-rpc-v2-cbor",
    codec_name="CBOR",
    http_path="/service/{Service}/operation/{Operation}",
    operation_header=None,
)

PROTOCOLS: dict[str, WireProtocol] = {p.name: p for p in (_aws_json("1.0"), _aws_json("1.1"), RPC_V2_CBOR)}


def all_for(service: Service) -> tuple[WireProtocol, ...]:
    """Every protocol `service` speaks, in the spec's order (AWS's preference); the
    meta-schema admits only names in PROTOCOLS."""
    return tuple(PROTOCOLS[name] for name in service.protocols)


def for_service(service: Service) -> WireProtocol:
    """The protocol the client speaks by default: of the spec's, the one boto3 would pick
    today, so a spec that adds a protocol changes nothing for existing users."""
    spoken = all_for(service)
    return min(spoken, key=lambda p: BOTO3_PREFERENCE.index(p.botocore_name))


def runtime_modules(service: Service) -> frozenset[str]:
    """The protocol modules a package for `service` carries."""
    return frozenset().union(*(p.runtime_modules for p in all_for(service)))
