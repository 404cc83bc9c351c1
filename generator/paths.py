"""How spec files are named: in generated files' headers (machine-independent) and in messages."""

from __future__ import annotations

import os
from pathlib import Path


def display_path(path: Path) -> str:
    """How a spec is named in the headers of generated files: relative to the working
    directory when it is inside it, else by its file name, so output never depends on where
    a checkout lives."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.name


def message_path(path: Path) -> str:
    """How a spec is named in messages: a path an editor opens from the working directory
    (relative when the spec is inside it, else absolute)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return Path(os.path.abspath(path)).as_posix()
