"""diff(old, new): walk the two APIs side by side and judge every change where it is used.

The walk starts at each operation both APIs have (its input on the request side; its output
and errors on the response side) and follows references in step, so it pairs the shape at
each place in the old API with the shape at the same place in the new one. A pair of shapes
with one name is compared once and its changes are reported at its own spec path; a place
that now refers to another shape (a map's values that became ActionConfigurationQueryableValue)
gives a pair of two names, compared as one shape and reported at that place. Each pair is
judged on the sides where it was reached: request, response, or both (two verdicts, merged
into one `both` when they agree).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from ..ir import Service
from . import common, constraints, members, service  # noqa: F401 - each module adds its rules to the table
from .change import BOTH, CLIENT, OPERATION, PERSPECTIVES, REQUEST, RESPONSE, Change
from .rules import RULES, SERVICE_DETECTORS, Finding, Pair, detectors_for, references_for

Anchor = tuple[str, str]  # the shape (or operation) and the spec path of a place that changed what it refers to


@dataclass
class _Reached:
    directions: set[str] = field(default_factory=set)
    anchors: set[Anchor] = field(default_factory=set)


def diff(old: Service, new: Service, perspective: str = CLIENT) -> list[Change]:
    """Every change from `old` to `new`, judged from the callers' side (`client`) or from
    the side of code implementing the service (`server`), worst first."""
    if perspective not in PERSPECTIVES:
        raise ValueError(f"perspective must be one of {', '.join(PERSPECTIVES)}, not {perspective!r}")
    changes: list[Change] = []
    for detector in SERVICE_DETECTORS:
        for finding in detector(old, new):
            changes += _judge(finding, finding.path, finding.subject, finding.directions, perspective, finding.operation_level)
    for (old_name, new_name), reached in sorted(_walk(old, new).items()):
        pair = Pair(old, new, old.shape(old_name), new.shape(new_name))
        for finding in _compare(pair):
            if old_name == new_name:
                subject, path = new_name, f"$.shapes.{new_name}.{finding.path}"
            else:
                subject, path = min(reached.anchors)
            changes += _judge(finding, path, subject, tuple(sorted(reached.directions)), perspective)
    changes += _added_and_removed(old, new, perspective)
    unique = {json.dumps(change.as_json(), sort_keys=True, default=str): change for change in changes}
    return sorted(unique.values(), key=lambda change: change.order)


def _compare(pair: Pair) -> list[Finding]:
    old, new = pair.old, pair.new
    if type(old) is not type(new):
        message = f"{pair.name} changes from a {old.kind} to a {new.kind}: the JSON and the Python type of every field holding it change"
        return [Finding(common.TYPE_CHANGED, "type", old.kind, new.kind, message)]
    return [finding for detector in detectors_for(new) for finding in detector(old, new, pair)]


def _walk(old: Service, new: Service) -> dict[tuple[str, str], _Reached]:
    old_ops = {op.name: op for op in old.operations}
    stack: list[tuple[str, str, str, Anchor | None]] = []
    for op in new.operations:
        before = old_ops.get(op.name)
        if before is None:
            continue
        for old_root, new_root, direction, where in ((before.input, op.input, REQUEST, "input"), (before.output, op.output, RESPONSE, "output")):
            stack.append((old_root, new_root, direction, None if old_root == new_root else (op.name, f"$.operations.{op.name}.{where}")))
        stack += [(name, name, RESPONSE, None) for name in op.errors if name in before.errors]
    stack += [(name, name, RESPONSE, None) for name in new.common_errors if name in old.common_errors]
    reached: dict[tuple[str, str], _Reached] = defaultdict(_Reached)
    seen: set[tuple[str, str, str, Anchor | None]] = set()
    while stack:
        item = stack.pop()
        if item in seen:
            continue
        seen.add(item)
        old_name, new_name, direction, anchor = item
        entry = reached[(old_name, new_name)]
        entry.directions.add(direction)
        if anchor is not None:
            entry.anchors.add(anchor)
        for ref in references_for(old.shape(old_name), new.shape(new_name)):
            if ref.old == ref.new:
                child: Anchor | None = None
            else:
                child = anchor if old_name != new_name else (new_name, f"$.shapes.{new_name}.{ref.path}")
            stack.append((ref.old, ref.new, direction, child))
    return reached


def usage(api: Service) -> dict[str, set[str]]:
    """Where the operations use each shape: in requests, in responses, or both."""
    used: dict[str, set[str]] = defaultdict(set)
    for op in api.operations:
        for name in api.reachable([op.input]):
            used[name].add(REQUEST)
        for name in api.reachable([op.output, *op.errors]):
            used[name].add(RESPONSE)
    for name in api.reachable(api.common_errors):
        used[name].add(RESPONSE)
    return used


def _added_and_removed(old: Service, new: Service, perspective: str) -> list[Change]:
    changes: list[Change] = []
    for api, other, kind, verb in ((new, old, common.SHAPE_ADDED, "new"), (old, new, common.SHAPE_REMOVED, "gone")):
        used = usage(api)
        for shape in api.shapes:
            if shape.name not in other.shape_index and used.get(shape.name):
                before, after = (None, shape.name) if kind == common.SHAPE_ADDED else (shape.name, None)
                finding = Finding(kind, "", before, after, f"{shape.name} is new (models.{shape.class_name})" if verb == "new" else f"{shape.name} is gone: models.{shape.class_name} is no longer generated")
                changes += _judge(finding, f"$.shapes.{shape.name}", shape.name, tuple(sorted(used[shape.name])), perspective)
    return changes


def _judge(finding: Finding, path: str, subject: str, directions: tuple[str, ...], perspective: str, operation_level: bool = False) -> list[Change]:
    rule = RULES[finding.kind]
    verdicts = []
    for direction in directions:
        side = direction if perspective == CLIENT else (RESPONSE if direction == REQUEST else REQUEST)
        verdicts.append((direction, rule.request if side == REQUEST else rule.response))
    if operation_level:
        verdicts = [(OPERATION, severity) for _, severity in verdicts]
    elif len(verdicts) == 2 and verdicts[0][1] == verdicts[1][1]:
        verdicts = [(BOTH, verdicts[0][1])]
    return [Change(severity, direction, finding.kind, subject, path, finding.old, finding.new, finding.message) for direction, severity in verdicts]
