"""Rules for what shapes are made of: a structure's members (added, removed, renamed on the
wire, required or not, referring to another shape), its error trait, and what lists and maps
hold. Here the Python API shows most: a structure is a pydantic model, each member a field
of its constructor."""

from __future__ import annotations

from collections.abc import Iterator

from ..ir import ListShape, MapShape, Member, StructureShape
from .common import DOCUMENTATION_CHANGED
from .rules import BREAKING, INFO, WARNING, Finding, Pair, Reference, detects, refers, rule

MEMBER_ADDED_REQUIRED = rule(
    "member-added-required", BREAKING, INFO, "a structure gains a required member",
    "requests without it are refused, and the model's constructor needs the new keyword argument; a response "
    "member that is always there breaks no reader",
    oasdiff="new-required-request-property", smithy="AddedRequiredMember",
)
MEMBER_ADDED_OPTIONAL = rule(
    "member-added-optional", INFO, INFO, "a structure gains an optional member",
    "a new keyword argument with a default None; old readers ignore unknown members",
    oasdiff="new-optional-request-property, response-optional-property-added",
)
MEMBER_REMOVED = rule(
    "member-removed", BREAKING, BREAKING, "a structure loses a member",
    "the model loses the field: code that sets or reads it fails; the service ignores or refuses it in requests, "
    "and readers lose a value they read",
    oasdiff="request-property-removed, response-property-removed", smithy="RemovedShape (member)",
)
MEMBER_RENAMED_ON_WIRE = rule(
    "member-renamed-on-wire", BREAKING, BREAKING, "a member's wire name changes while its Python name stays (maxBatchSize to MaxBatchSize)",
    "Python code still compiles, but what goes over the wire no longer matches: the other side neither sends nor "
    "reads the old name",
    oasdiff="request-property-removed + new-…-property", smithy="ChangedMemberOrder / RemovedShape",
)
MEMBER_BECAME_REQUIRED = rule(
    "member-became-required", BREAKING, INFO, "an optional member becomes required",
    "requests without it are refused, and the model's constructor needs it (no default None); readers only "
    "gain a guarantee",
    oasdiff="request-property-became-required", smithy="ChangedNullability",
)
MEMBER_BECAME_OPTIONAL = rule(
    "member-became-optional", INFO, BREAKING, "a required member becomes optional",
    "the field's Python type becomes `T | None`: code that reads it without checking for None breaks "
    "(mypy says so); requests may leave it out",
    oasdiff="response-property-became-optional", smithy="ChangedNullability",
)
MEMBER_TARGET_CHANGED = rule(
    "member-target-changed", INFO, INFO, "a member, list member, map key or value refers to another shape of the same kind",
    "the field's annotation names another type alias; what the two shapes differ in is reported on its own",
    smithy="ChangedMemberTarget",
)
STRUCTURE_TARGET_RENAMED = rule(
    "structure-target-renamed", BREAKING, WARNING, "a member, list member, map value or operation input/output refers to a structure of another name",
    "the model class changes: instances of the old class are refused where the new one is expected (pydantic), "
    "and isinstance checks and annotations of readers name a class that is no longer there",
    oasdiff="(schemas are compared by content)", smithy="ChangedMemberTarget, ChangedOperationInput, ChangedOperationOutput",
)
ERROR_CODE_CHANGED = rule(
    "error-code-changed", BREAKING, BREAKING, "an error's code changes",
    "callers that match the code (the errors class, `error.code`) no longer see it",
    smithy="ModifiedTrait (error)",
)
ERROR_TRAIT_CHANGED = rule(
    "error-trait-changed", INFO, INFO, "an error's HTTP status, fault, retryable or throttling changes",
    "the errors class is the same; the client's retry decisions may differ",
    smithy="ModifiedTrait (error, retryable)",
)


def matched_members(old: StructureShape, new: StructureShape) -> tuple[list[tuple[Member, Member]], list[Member], list[Member]]:
    """Members in both (by wire name, or by Python name when only the wire name changed),
    members only in the old, and members only in the new structure."""
    old_by_wire = {m.wire_name: m for m in old.members}
    new_by_wire = {m.wire_name: m for m in new.members}
    both = [(old_by_wire[w], m) for w, m in new_by_wire.items() if w in old_by_wire]
    removed = [m for w, m in old_by_wire.items() if w not in new_by_wire]
    added = [m for w, m in new_by_wire.items() if w not in old_by_wire]
    for gone in list(removed):
        twin = next((m for m in added if m.python_name == gone.python_name), None)
        if twin is not None:
            both.append((gone, twin))
            removed.remove(gone)
            added.remove(twin)
    return both, removed, added


@detects(StructureShape)
def _structure(old: StructureShape, new: StructureShape, pair: Pair) -> Iterator[Finding]:
    both, removed, added = matched_members(old, new)
    model = f"models.{new.class_name}"
    for member in added:
        where = f"members.{member.wire_name}"
        if member.required:
            yield Finding(MEMBER_ADDED_REQUIRED, where, None, member.wire_name, f"{pair.name} gains the required member {member.wire_name}: {model}(...) needs {member.python_name}=")
        else:
            yield Finding(MEMBER_ADDED_OPTIONAL, where, None, member.wire_name, f"{pair.name} gains the optional member {member.wire_name} ({model}.{member.python_name}, default None)")
    for member in removed:
        yield Finding(MEMBER_REMOVED, f"members.{member.wire_name}", member.wire_name, None, f"{pair.name} loses the member {member.wire_name}: {model} has no field {member.python_name} any more")
    for before, after in both:
        yield from _member(pair, new, before, after)
    yield from _error(old, new, pair)


def _member(pair: Pair, new: StructureShape, before: Member, after: Member) -> Iterator[Finding]:
    where = f"members.{after.wire_name}"
    label = f"{pair.name}.{after.wire_name}"
    model = f"models.{new.class_name}"
    if before.wire_name != after.wire_name:
        yield Finding(MEMBER_RENAMED_ON_WIRE, where, before.wire_name, after.wire_name, f"{pair.name}: the member {before.wire_name} is now {after.wire_name} on the wire ({model}.{after.python_name} keeps its name)")
    if after.required and not before.required:
        yield Finding(MEMBER_BECAME_REQUIRED, where, False, True, f"{label} becomes required: {model}(...) needs {after.python_name}=, and requests without it are refused")
    if before.required and not after.required:
        yield Finding(MEMBER_BECAME_OPTIONAL, where, True, False, f"{label} becomes optional: {model}.{after.python_name} may be None")
    if before.shape != after.shape:
        yield from retarget(pair, f"{where}.shape", label, before.shape, after.shape)
    old_target = pair.old_service.shape(before.shape).documentation
    new_target = pair.new_service.shape(after.shape).documentation
    inherited = before.documentation == old_target and after.documentation == new_target
    if before.documentation != after.documentation and not inherited:
        yield Finding(DOCUMENTATION_CHANGED, f"{where}.documentation", before.documentation, after.documentation, f"{label}: documentation changed")


def retarget(pair: Pair, path: str, label: str, old_name: str, new_name: str) -> Iterator[Finding]:
    """A reference that now names another shape: the class changes when both are structures."""
    old_shape, new_shape = pair.old_service.shape(old_name), pair.new_service.shape(new_name)
    if isinstance(old_shape, StructureShape) and isinstance(new_shape, StructureShape):
        yield Finding(STRUCTURE_TARGET_RENAMED, path, old_name, new_name, f"{label} is now a {new_name} (was a {old_name}): code that builds or checks for models.{old_name} there breaks")
    else:
        yield Finding(MEMBER_TARGET_CHANGED, path, old_name, new_name, f"{label}: {old_name} becomes {new_name} (the annotation in models changes)")


def _error(old: StructureShape, new: StructureShape, pair: Pair) -> Iterator[Finding]:
    if old.error is None or new.error is None:
        return
    if old.error.code != new.error.code:
        yield Finding(ERROR_CODE_CHANGED, "error.code", old.error.code, new.error.code, f"{pair.name}: the error code changes from {old.error.code} to {new.error.code}")
    for field in ("http_status", "fault", "retryable", "throttling"):
        before, after = getattr(old.error, field), getattr(new.error, field)
        if before != after:
            yield Finding(ERROR_TRAIT_CHANGED, f"error.{field}", before, after, f"{pair.name}: the error's {field} changes from {before} to {after}")


@detects(ListShape)
def _list(old: ListShape, new: ListShape, pair: Pair) -> Iterator[Finding]:
    if old.member != new.member:
        yield from retarget(pair, "member", f"the items of {pair.name}", old.member, new.member)


@detects(MapShape)
def _map(old: MapShape, new: MapShape, pair: Pair) -> Iterator[Finding]:
    if old.key != new.key:
        yield from retarget(pair, "key", f"the keys of {pair.name}", old.key, new.key)
    if old.value != new.value:
        yield from retarget(pair, "value", f"the values of {pair.name}", old.value, new.value)


@refers(StructureShape)
def _structure_references(old: StructureShape, new: StructureShape) -> Iterator[Reference]:
    both, _, _ = matched_members(old, new)
    for before, after in both:
        yield Reference(before.shape, after.shape, f"members.{after.wire_name}.shape")


@refers(ListShape)
def _list_references(old: ListShape, new: ListShape) -> Iterator[Reference]:
    yield Reference(old.member, new.member, "member")


@refers(MapShape)
def _map_references(old: MapShape, new: MapShape) -> Iterator[Reference]:
    yield Reference(old.key, new.key, "key")
    yield Reference(old.value, new.value, "value")
