"""Which operations can be imported, and the shapes they reach."""

from __future__ import annotations

from typing import Any

from .model import UNIT, Model, references


def reach(model: Model, roots: list[str]) -> tuple[list[str], dict[str, str]]:
    """Every shape reachable from `roots` (in discovery order) and, for each shape, the one it
    was reached from (to explain a refusal). Iterative: recursive shapes are fine."""
    seen: dict[str, str] = {}
    order: list[str] = []
    stack = [(root, "") for root in reversed(roots)]
    while stack:
        name, parent = stack.pop()
        if name in seen or name not in model.shapes:
            continue
        seen[name] = parent
        order.append(name)
        stack.extend((child, name) for child in reversed(references(model.shapes[name])))
    return order, seen


def roots_of(operation: dict[str, Any]) -> list[str]:
    return [name for name in (operation.get("input"), operation.get("output"), *operation.get("errors", [])) if name]


def refusal(model: Model, name: str) -> str | None:
    """Why operation `name` cannot be imported, or None."""
    if name in model.refused_operations:
        return model.refused_operations[name]
    reached, parents = reach(model, roots_of(model.operations[name]))
    for shape in reached:
        if shape in model.event_streams:
            return f"event-stream operation ({_trail(shape, parents)} is an event stream, which AWS JSON protocols do not carry)"
    for shape in reached:
        if shape in model.unexpressible:
            return f"reaches {_trail(shape, parents)}: {model.unexpressible[shape]}"
    return None


def _trail(shape: str, parents: dict[str, str]) -> str:
    chain = [shape]
    while parents.get(chain[-1]):
        chain.append(parents[chain[-1]])
    return " -> ".join(reversed(chain))


def needs_unit(operations: list[dict[str, Any]]) -> bool:
    return any("input" not in op or "output" not in op for op in operations)


__all__ = ["UNIT", "needs_unit", "reach", "refusal", "roots_of"]
