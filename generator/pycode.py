"""Small pieces for writing generated Python as text: calls to the runtime, indentation."""

from __future__ import annotations

from collections.abc import Iterable

from .literals import py_literal

INDENT = "    "


class Calls:
    """Writes calls to the package's runtime helpers and remembers which ones it wrote, so the
    module imports exactly those (ruff refuses an unused import; scanning the code for names
    instead would be fooled by spec text inside its string literals)."""

    def __init__(self, recursive: frozenset[str] = frozenset()) -> None:
        self.names: set[str] = set()
        self.recursive = recursive  # shapes a cycle passes through: their functions count depth
        self.caller_recursive = False  # whether the function being written counts depth

    def depth_argument(self, callee: str) -> str:
        """What a call to the checker or reader of `callee` passes after its other arguments:
        the nesting depth, for a recursive shape (one more than the caller's, or 0 where
        recursion starts)."""
        if callee not in self.recursive:
            return ""
        return ", depth + 1" if self.caller_recursive else ", 0"

    def __call__(self, helper: str, *args: str) -> str:
        self.names.add(helper)
        return f"{helper}({', '.join(args)})"


def indent(lines: Iterable[str], levels: int = 1) -> list[str]:
    return [INDENT * levels + line for line in lines]


def lit(value: object) -> str:
    return py_literal(value)


def fstring(template: str) -> str:
    """An f-string from a template of generator text and `{name}` fields; spec text goes
    in through `ftext`."""
    return 'f"' + template + '"'


def ftext(text: str) -> str:
    """`text` as the literal part of an f-string written between double quotes."""
    body = repr(text)[1:-1]  # escapes backslashes, control characters and one kind of quote
    return body.replace('"', '\\"').replace("{", "{{").replace("}", "}}")
