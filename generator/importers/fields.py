"""Typed reads from a parsed model: a value of the wrong type is a located problem, collected
so one run reports them all (up to MAX_PROBLEMS), never a KeyError or TypeError."""

from __future__ import annotations

from typing import Any

from ..diagnostics import Diagnostic
from . import docs
from .errors import ModelError, ModelPath
from .read import ModelDocument

MAX_PROBLEMS = 100
_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number", type(None): "null"}


def describe(value: object) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


class Fields:
    def __init__(self, document: ModelDocument) -> None:
        self.document = document
        self.problems: list[tuple[ModelPath, str]] = []

    def problem(self, path: ModelPath, message: str) -> None:
        self.problems.append((path, message))

    def raise_problems(self) -> None:
        if not self.problems:
            return
        shown = self.problems[:MAX_PROBLEMS]
        diagnostics: list[Diagnostic] = [self.document.diagnostic(path, message) for path, message in shown]
        if len(self.problems) > MAX_PROBLEMS:
            more = len(self.problems) - MAX_PROBLEMS
            diagnostics.append(Diagnostic(self.document.name, 0, 0, f"... and {more} more problems, not listed"))
        raise ModelError(diagnostics)

    def obj(self, value: object, path: ModelPath, what: str) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        self.problem(path, f"{what} must be an object, not {describe(value)}")
        return {}

    def member(self, parent: dict[str, Any], key: str, path: ModelPath, want: type | tuple[type, ...], what: str, required: bool = False) -> Any:
        """parent[key] if it has the wanted JSON type, else None (and a problem)."""
        if key not in parent:
            if required:
                self.problem(path, f"{what} has no '{key}'")
            return None
        value = parent[key]
        wanted = want if isinstance(want, tuple) else (want,)
        if isinstance(value, bool) and bool not in wanted:
            ok = False
        else:
            ok = isinstance(value, wanted)
        if not ok:
            names = " or ".join(sorted({_JSON_TYPES[t] for t in wanted}))
            self.problem(path + (key,), f"'{key}' must be {names}, not {describe(value)}")
            return None
        return value

    def string(self, parent: dict[str, Any], key: str, path: ModelPath, what: str, required: bool = False) -> str | None:
        value: str | None = self.member(parent, key, path, str, what, required)
        return value

    def strings(self, parent: dict[str, Any], key: str, path: ModelPath, what: str) -> list[str]:
        values = self.member(parent, key, path, list, what) or []
        result = []
        for index, value in enumerate(values):
            if isinstance(value, str):
                result.append(value)
            else:
                self.problem(path + (key, index), f"'{key}' entries must be strings, not {describe(value)}")
        return result

    def flag(self, parent: dict[str, Any], key: str, path: ModelPath, what: str) -> bool:
        return bool(self.member(parent, key, path, bool, what))

    def doc(self, parent: dict[str, Any], key: str, path: ModelPath) -> str | None:
        if key not in parent:
            return None
        try:
            text = docs.to_text(parent[key])
        except docs.DocumentationError as exc:
            self.problem(path + (key,), str(exc))
            return None
        return text or None
