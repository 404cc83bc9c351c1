"""Format generated Python with black, in-process, with settings pinned here."""

from __future__ import annotations

import re
from functools import cache as once
from functools import lru_cache
from typing import Any

from . import cache, worker
from .fingerprint import installed_version
from .format_statements import format_module

LINE_LENGTH = 100
# Black is imported when a file is not in the cache: most runs after the first never do.
# SETTINGS names every setting of the mode in _mode: it is part of each cache key.
SETTINGS = f"black {installed_version('black')}, line length {LINE_LENGTH}, py311"


def format_python(source: str, name: str) -> str:
    """Black over the whole of `source`: for Python the generator did not write itself (the
    models datamodel-code-generator writes)."""
    return cache.cached("black", [SETTINGS, source], lambda: _black_in_halves(source, name))


def format_generated(source: str, name: str) -> str:
    """Black's output for a module the templates and kinds wrote, with black run only on the
    statements it would change (format_statements.py)."""
    # The same entry as format_python's: the output is black's, so the same for the same source.
    return cache.cached("black", [SETTINGS, source], lambda: _by_statement(source, name))


def _by_statement(source: str, name: str) -> str:
    try:
        return format_module(source, LINE_LENGTH, _black_statement)
    except ValueError as exc:
        raise RuntimeError(f"generated {name} is not valid Python (a generator bug): {exc}") from None


def _black_in_halves(source: str, name: str) -> str:
    """_black(source), its two halves formatted at the same time in two processes: split
    before a top-level class, where black writes two blank lines whatever was there, each half
    is black's alone (black's passes see one statement at a time and the blank lines before
    it), so the whole is the halves joined by two blank lines."""
    halves = _halves(source)
    if halves is None:
        return _black(source, name)
    first, second = halves
    try:
        with worker.beside(_black, second, name) as later:
            formatted = _black(first, name)
            return formatted + "\n\n" + later.result()
    except RuntimeError:  # a half black cannot read alone: the whole says what is wrong
        return _black(source, name)


_TOP_LEVEL_CLASS = re.compile(r"\n\n\n(?=class \w+\b[^\n]*:\n)")
SPLIT_FROM_LINES = 400  # below this black takes less than the fork and the pipe save


def _halves(source: str) -> tuple[str, str] | None:
    """`source` cut before the top-level class nearest its middle (after two blank lines, not
    after a decorator, which black keeps with its class), or None."""
    if source.count("\n") < SPLIT_FROM_LINES:
        return None
    middle = len(source) // 2
    cuts = [m.end() for m in _TOP_LEVEL_CLASS.finditer(source) if not _line_before(source, m.start()).startswith("@")]
    if not cuts:
        return None
    cut = min(cuts, key=lambda at: abs(at - middle))
    return source[:cut], source[cut:]


def _line_before(source: str, at: int) -> str:
    return source[source.rfind("\n", 0, at) + 1 : at]


def _black(source: str, name: str) -> str:
    try:
        return _black_in_two_passes(source)
    except ValueError as exc:
        raise RuntimeError(f"generated {name} is not valid Python (a generator bug): {exc}") from None


def _black_in_two_passes(source: str) -> str:
    """black.format_str(source): its first pass, then, where that changed anything, its second
    pass over the result (format_str runs the first pass again, over the whole module) with
    black only on the statements that need it (format_statements.py). The second pass exists
    for the trailing commas the first one adds; black's output is stable under it, so its
    whole-module second run reformats what it just wrote: half of black's time, for the models."""
    import black

    once = getattr(black, "_format_str_once", None)  # black's own first pass; black is pinned (pyproject.toml)
    if once is None:
        return _black_or_value_error(source)
    try:
        first = once(source, mode=_mode())
    except black.InvalidInput as exc:
        raise ValueError(str(exc)) from None
    return first if first == source else format_module(first, LINE_LENGTH, _black_statement)


@lru_cache(maxsize=4096)
def _black_statement(source: str) -> str:
    """Black over one statement (with its context: format_statements._black_alone); the models
    repeat many a field's statement word for word."""
    return _black_or_value_error(source)


def _black_or_value_error(source: str) -> str:
    import black

    try:
        return black.format_str(source, mode=_mode())
    except black.InvalidInput as exc:
        raise ValueError(str(exc)) from None


@once
def _mode() -> Any:
    import black

    return black.Mode(target_versions={black.TargetVersion.PY311}, line_length=LINE_LENGTH)
