"""Format generated Python with black, in-process, with settings pinned here."""

from __future__ import annotations

import black

LINE_LENGTH = 100
MODE = black.Mode(target_versions={black.TargetVersion.PY311}, line_length=LINE_LENGTH)


def format_python(source: str, name: str) -> str:
    try:
        return black.format_str(source, mode=MODE)
    except black.InvalidInput as exc:
        raise RuntimeError(f"generated {name} is not valid Python (a generator bug): {exc}") from None
