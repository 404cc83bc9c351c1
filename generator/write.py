"""Last stage: put the in-memory file map on disk atomically, or diff it against the disk."""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from pathlib import Path

IGNORED_PARTS = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


def read_tree(root: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    if not root.is_dir():
        return found
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and not IGNORED_PARTS.intersection(relative.parts) and path.suffix != ".pyc":
            found[relative.as_posix()] = path.read_text(encoding="utf-8", errors="replace")
    return found


def diff_tree(files: dict[str, str], root: Path, owned: set[str]) -> str:
    """Unified diff from what is on disk to what would be written; '' when up to date.

    Only top-level entries in `owned` are compared, so a shared output folder's other
    contents are not reported.
    """
    on_disk = {k: v for k, v in read_tree(root).items() if k.split("/", 1)[0] in owned}
    chunks: list[str] = []
    for name in sorted(set(on_disk) | set(files)):
        old, new = on_disk.get(name), files.get(name)
        if old == new:
            continue
        chunks.extend(
            difflib.unified_diff(
                (old or "").splitlines(keepends=True),
                (new or "").splitlines(keepends=True),
                fromfile=f"a/{name}" if old is not None else "/dev/null",
                tofile=f"b/{name}" if new is not None else "/dev/null",
            )
        )
        if chunks and not chunks[-1].endswith("\n"):
            chunks[-1] += "\n"
    return "".join(chunks)


def write_tree(files: dict[str, str], root: Path, owned: set[str]) -> None:
    """Replace each owned top-level entry of `root` in one rename, so a failed or
    interrupted run leaves either the old tree or the new one, never half of each."""
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    try:
        for name, text in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        for entry in sorted(owned):
            _swap_in(staging / entry, root / entry, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap_in(new: Path, target: Path, staging: Path) -> None:
    retired = staging / f".retired-{target.name}"
    if target.exists():
        os.replace(target, retired)
    if new.exists():
        try:
            os.replace(new, target)
        except OSError:
            if retired.exists():
                os.replace(retired, target)
            raise
