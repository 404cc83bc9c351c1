"""Format generated Python with black, in-process, with settings pinned here."""

from __future__ import annotations

from importlib import metadata

from . import cache

LINE_LENGTH = 100
# Black is imported when a file is not in the cache: most runs after the first never do.
# SETTINGS names every setting of the mode in _black: it is part of each cache key.
SETTINGS = f"black {metadata.version('black')}, line length {LINE_LENGTH}, py311"


def format_python(source: str, name: str) -> str:
    return cache.cached("black", [SETTINGS, source], lambda: _black(source, name))


def _black(source: str, name: str) -> str:
    import black

    mode = black.Mode(target_versions={black.TargetVersion.PY311}, line_length=LINE_LENGTH)
    try:
        return black.format_str(source, mode=mode)
    except black.InvalidInput as exc:
        raise RuntimeError(f"generated {name} is not valid Python (a generator bug): {exc}") from None
