"""Rules every kind of shape has: its kind, `sensitive`, its documentation, and whether it is
generated at all."""

from __future__ import annotations

from collections.abc import Iterator

from ..ir import Shape
from .rules import BREAKING, INFO, WARNING, Finding, Pair, detects, rule

TYPE_CHANGED = rule(
    "type-changed",
    BREAKING,
    BREAKING,
    "a shape (or what a member refers to) changes kind: string to integer, list to map, …",
    "the JSON on the wire changes form, and so does the Python type of every field holding it",
    oasdiff="request-property-type-changed, response-property-type-changed",
    smithy="ChangedShapeType",
)
SENSITIVE_ADDED = rule(
    "sensitive-added",
    INFO,
    INFO,
    "a shape becomes `sensitive`",
    "the value is no longer shown in repr(), logs or validation messages; nothing else changes",
    smithy="ModifiedTrait (sensitive)",
)
SENSITIVE_REMOVED = rule(
    "sensitive-removed",
    WARNING,
    WARNING,
    "a shape is no longer `sensitive`",
    "the value now shows in repr(), logs and validation messages: a secret may leak",
    smithy="ModifiedTrait (sensitive)",
)
DOCUMENTATION_CHANGED = rule(
    "documentation-changed",
    INFO,
    INFO,
    "documentation (of the service, an operation, a shape or a member) or an example changes",
    "only docstrings and comments change",
    oasdiff="(documentation is not checked)",
    smithy="ModifiedTrait (documentation)",
)
SHAPE_ADDED = rule(
    "shape-added",
    INFO,
    INFO,
    "a shape the operations use is new",
    "a new model or type alias in `<package>.models`; nothing that existed changes",
    smithy="AddedShape",
)
SHAPE_REMOVED = rule(
    "shape-removed",
    WARNING,
    WARNING,
    "a shape is gone (no operation uses it any more, or it was renamed)",
    "`<package>.models` no longer has it: code that imports it by name fails (the members or "
    "operations that used it are reported on their own)",
    oasdiff="api-schema-removed",
    smithy="RemovedShape",
)


@detects(Shape)
def _common(old: Shape, new: Shape, pair: Pair) -> Iterator[Finding]:
    if not old.sensitive and new.sensitive:
        yield Finding(SENSITIVE_ADDED, "sensitive", False, True, f"{pair.name} is now sensitive: its values are hidden from repr() and messages")
    if old.sensitive and not new.sensitive:
        yield Finding(SENSITIVE_REMOVED, "sensitive", True, False, f"{pair.name} is no longer sensitive: its values now show in repr() and messages")
    if old.documentation != new.documentation:
        yield Finding(DOCUMENTATION_CHANGED, "documentation", old.documentation, new.documentation, f"{pair.name}: documentation changed")
