"""Rules for the service and its operations: what is called, how, and with which errors."""

from __future__ import annotations

from collections.abc import Iterator

from ..ir import Operation, Service
from .change import REQUEST, RESPONSE
from .common import DOCUMENTATION_CHANGED
from .members import STRUCTURE_TARGET_RENAMED
from .rules import BREAKING, INFO, WARNING, Finding, rule, service_detector

OPERATION_REMOVED = rule(
    "operation-removed", BREAKING, INFO, "an operation is gone",
    "the client loses the method and the service answers UnknownOperationException; a server need not answer it any more",
    oasdiff="api-removed-without-deprecation", smithy="RemovedShape (operation)",
)
OPERATION_ADDED = rule(
    "operation-added", INFO, BREAKING, "an operation is new",
    "callers gain a client method; the generated server's create_app refuses a handler that lacks the new method",
    oasdiff="endpoint-added", smithy="AddedShape (operation)",
)
ERROR_ADDED = rule(
    "error-added", INFO, WARNING, "an operation (or the service, in common_errors) gains an error",
    "callers may now get an error code they do not handle (a new errors class); servers may raise it",
    oasdiff="response-non-success-status-added", smithy="AddedOperationError, AddedServiceError",
)
ERROR_REMOVED = rule(
    "error-removed", INFO, INFO, "an operation (or the service) no longer lists an error",
    "callers that handle it keep working; the errors class stays while its shape does",
    oasdiff="response-non-success-status-removed", smithy="RemovedOperationError, RemovedServiceError",
)
PROTOCOL_CHANGED = rule(
    "protocol-changed", BREAKING, BREAKING, "a protocol the service spoke is gone (awsJson1_1 to awsJson1_0, …)",
    "requests and responses are encoded differently: old clients and servers no longer understand the new ones",
    smithy="ModifiedTrait (protocol)",
)
PROTOCOL_ADDED = rule(
    "protocol-added", INFO, BREAKING, "the service speaks one more protocol (rpcv2Cbor beside awsJson1_1, …)",
    "callers keep the protocol they speak; a server must answer SDKs that pick the new one",
    smithy="AddedTrait (protocol)",
)
PROTOCOL_PREFERENCE_CHANGED = rule(
    "protocol-preference-changed", INFO, INFO, "the same protocols in another order of preference",
    "SDKs may pick another protocol, which both sides speak",
)
TARGET_PREFIX_CHANGED = rule(
    "target-prefix-changed", BREAKING, BREAKING, "the target prefix changes (the X-Amz-Target of every operation)",
    "a request sent with the old target is answered UnknownOperationException",
    smithy="ServiceRename",
)
SIGNING_NAME_CHANGED = rule(
    "signing-name-changed", BREAKING, BREAKING, "the SigV4 signing name changes",
    "requests signed for the old name are refused (InvalidSignatureException)",
    smithy="ModifiedTrait (aws.auth#sigv4)",
)
ENDPOINT_PREFIX_CHANGED = rule(
    "endpoint-prefix-changed", BREAKING, BREAKING, "the endpoint prefix changes (https://PREFIX.REGION.amazonaws.com)",
    "old clients call a host that is no longer the service's",
    smithy="ModifiedTrait (aws.api#service)",
)
PACKAGE_RENAMED = rule(
    "package-renamed", BREAKING, BREAKING, "the generated package's name changes",
    "`import <package>` fails: every import of the bindings must change",
)
API_VERSION_CHANGED = rule(
    "api-version-changed", INFO, INFO, "the API version changes",
    "a label in the generated docstrings and the OpenAPI export; what is sent is decided by the target prefix",
)

_OPERATION = (REQUEST,)


@service_detector
def _service(old: Service, new: Service) -> Iterator[Finding]:
    yield from _protocols(old, new)
    rules = {
        "target_prefix": TARGET_PREFIX_CHANGED,
        "signing_name": SIGNING_NAME_CHANGED,
        "endpoint_prefix": ENDPOINT_PREFIX_CHANGED,
        "package": PACKAGE_RENAMED,
        "api_version": API_VERSION_CHANGED,
        "full_name": DOCUMENTATION_CHANGED,
        "documentation": DOCUMENTATION_CHANGED,
    }
    for field, kind in rules.items():
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            message = f"the service's {field} changes" if kind == DOCUMENTATION_CHANGED else f"the service's {field} changes from {before} to {after}"
            yield Finding(kind, f"$.service.{field}", before, after, message, new.name, _OPERATION, operation_level=True)
    yield from _errors(old.common_errors, new.common_errors, "$.service.common_errors", new.name, "the service")


def _protocols(old: Service, new: Service) -> Iterator[Finding]:
    """One finding: a protocol gone outweighs one added, which outweighs a new order."""
    before, after = list(old.protocols), list(new.protocols)
    gone, added = [p for p in before if p not in after], [p for p in after if p not in before]
    change = f"(protocols {before} to {after})"
    if gone:
        found = (PROTOCOL_CHANGED, f"the service no longer speaks {', '.join(gone)} {change}")
    elif added:
        found = (PROTOCOL_ADDED, f"the service also speaks {', '.join(added)} {change}")
    elif before != after:
        found = (PROTOCOL_PREFERENCE_CHANGED, f"the order of preference changes {change}")
    else:
        return
    kind, message = found
    yield Finding(kind, "$.service.protocols", before, after, message, new.name, _OPERATION, operation_level=True)


@service_detector
def _operations(old: Service, new: Service) -> Iterator[Finding]:
    old_ops = {op.name: op for op in old.operations}
    new_ops = {op.name: op for op in new.operations}
    for name, op in old_ops.items():
        if name not in new_ops:
            yield Finding(OPERATION_REMOVED, f"$.operations.{name}", name, None, f"the operation {name} is gone: {old.client_class_name}.{op.method_name}() with it", name, _OPERATION, operation_level=True)
    for name, op in new_ops.items():
        if name not in old_ops:
            yield Finding(OPERATION_ADDED, f"$.operations.{name}", None, name, f"the operation {name} is new: {new.client_class_name}.{op.method_name}(), and server handlers need a {op.method_name} method", name, _OPERATION, operation_level=True)
        else:
            yield from _operation(old_ops[name], op)


def _operation(old: Operation, new: Operation) -> Iterator[Finding]:
    base = f"$.operations.{new.name}"
    for field, direction in (("input", REQUEST), ("output", RESPONSE)):
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            message = f"{new.name}'s {field} is now {after} (was {before}): code that builds or checks for models.{before} breaks"
            yield Finding(STRUCTURE_TARGET_RENAMED, f"{base}.{field}", before, after, message, new.name, (direction,))
    yield from _errors(old.errors, new.errors, f"{base}.errors", new.name, new.name)
    if old.documentation != new.documentation:
        yield Finding(DOCUMENTATION_CHANGED, f"{base}.documentation", old.documentation, new.documentation, f"{new.name}: documentation changed", new.name, _OPERATION, operation_level=True)
    if old.examples != new.examples:
        yield Finding(DOCUMENTATION_CHANGED, f"{base}.examples", len(old.examples), len(new.examples), f"{new.name}: examples changed", new.name, _OPERATION, operation_level=True)


def _errors(before: tuple[str, ...], after: tuple[str, ...], path: str, subject: str, owner: str) -> Iterator[Finding]:
    for name in after:
        if name not in before:
            yield Finding(ERROR_ADDED, path, None, name, f"{owner} may now answer {name}: callers may meet an error they do not handle", subject, (RESPONSE,))
    for name in before:
        if name not in after:
            yield Finding(ERROR_REMOVED, path, name, None, f"{owner} no longer lists {name}", subject, (RESPONSE,))
