"""Last stage: put the in-memory file map on disk atomically, or diff it against the disk.

A write goes in three steps, so a failure or a kill at any point leaves the old tree or the
new one, never a mix:

1. every file is written and fsynced into a hidden staging folder inside the output folder
   (`.staging-<pid>-<random>`, never importable: its name has dots and dashes);
2. a `.complete` marker listing each owned top-level entry and a fingerprint of its new
   content is written and fsynced;
3. each entry is swapped in by rename (on Linux an atomic exchange, so readers never see
   it missing), and the staging folder with the old trees is removed. If a swap fails, the
   entries already swapped are put back and the error is raised.

A later write first recovers from a staging folder whose process is gone: without the marker
the run died while writing and the folder is just removed (the old tree was never touched);
with it, the swaps the dead run did not finish are rolled forward, so the tree ends up all new.

An owned entry is a path inside the output folder: a package folder (`generate` replaces each
of its packages whole) or a single file (`export` replaces only the files it writes).
"""

from __future__ import annotations

import ctypes
import difflib
import errno
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from urllib.parse import quote

IGNORED_PARTS = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


def is_foreign(name: str) -> bool:
    """Entries of an output folder that tools put there and the generator must leave alone:
    caches, hidden files, and the `*.egg-info` an editable install of generated/ writes."""
    return name in IGNORED_PARTS or name.startswith(".") or name.endswith(".egg-info")


STAGING_PREFIX = ".staging-"
COMPLETE_MARKER = ".complete"


def read_tree(root: Path, entries: Iterable[str] | None = None) -> dict[str, str]:
    """Every file under `root` (or under its top-level `entries` only) but caches and
    foreign top-level entries, as text keyed by relative path."""
    found: dict[str, str] = {}
    if not root.is_dir():
        return found
    tops = [root] if entries is None else [root / entry for entry in sorted(entries)]
    for top in tops:
        for path in [top] if top.is_file() and top != root else sorted(top.rglob("*")):
            relative = path.relative_to(root)
            foreign = is_foreign(relative.parts[0]) or IGNORED_PARTS.intersection(relative.parts)
            if path.is_file() and not foreign and path.suffix != ".pyc":
                found[relative.as_posix()] = path.read_text(encoding="utf-8", errors="replace")
    return dict(sorted(found.items()))


def diff_tree(files: dict[str, str], root: Path, owned: set[str]) -> str:
    """Unified diff from what is on disk to what would be written; '' when up to date.

    Only top-level entries in `owned` are compared, so a shared output folder's other
    contents are not reported.
    """
    on_disk = read_tree(root, owned)
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
    """Replace each owned entry of `root` (a path inside it) with its part of `files`,
    atomically (see the module docstring). Entries in `owned` with no files are removed."""
    root.mkdir(parents=True, exist_ok=True)
    recover(root)
    _refuse_kind_changes(files, root, owned)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=root))
    swapping = False
    try:
        for name, text in files.items():
            _write_file(staging / name, text)
        for folder in sorted({(staging / name).parent for name in files}, key=lambda p: len(p.parts), reverse=True):
            _fsync_dir(folder)
        plan = {entry: _fingerprint_files(files, entry) for entry in sorted(owned)}
        _write_file(staging / COMPLETE_MARKER, json.dumps(plan, sort_keys=True))
        _fsync_dir(staging)
        swapping = True
        _finish(staging, root, plan)
    except BaseException:
        if not swapping or not (staging / COMPLETE_MARKER).exists():
            shutil.rmtree(staging, ignore_errors=True)
        raise  # a swap that could not be undone keeps its folder: the next write rolls it forward
    shutil.rmtree(staging, ignore_errors=True)


def recover(root: Path) -> None:
    """Clean up after writes into `root` whose process died (see the module docstring)."""
    if not root.is_dir():
        return
    for staging in sorted(root.glob(STAGING_PREFIX + "*")):
        if not staging.is_dir() or _owner_alive(staging.name):
            continue
        marker = staging / COMPLETE_MARKER
        if marker.is_file():
            plan = json.loads(marker.read_text(encoding="utf-8"))
            pending = {entry: fp for entry, fp in plan.items() if fp is None or _fingerprint_dir(staging, entry) == fp}
            _finish(staging, root, pending)
        shutil.rmtree(staging, ignore_errors=True)


def _refuse_kind_changes(files: dict[str, str], root: Path, owned: set[str]) -> None:
    """Stop before writing anything when a file would replace a folder, or a file stands
    where a folder must be: only a whole owned folder is ever replaced by a folder."""
    for entry in owned:
        target = root / entry
        if entry in files and target.is_dir() and not target.is_symlink():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
        for parent in Path(entry).parents:
            folder = root / parent
            if parent != Path(".") and (folder.exists() or folder.is_symlink()) and not folder.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))


def _retired(staging: Path, entry: str) -> Path:
    """Where the old content of `entry` waits in the staging folder (one flat name per entry)."""
    return staging / f".retired-{quote(entry, safe='')}"


def _finish(staging: Path, root: Path, plan: dict[str, str | None]) -> None:
    done: list[str] = []
    try:
        for entry in sorted(plan):
            _swap_in(staging / entry, root / entry, _retired(staging, entry))
            done.append(entry)
    except BaseException:
        _undo(staging, root, done)  # if this fails too, the marker stays for `recover`
        (staging / COMPLETE_MARKER).unlink()
        raise
    for folder in sorted({(root / entry).parent for entry in plan}):
        _fsync_dir(folder)


def _undo(staging: Path, root: Path, done: list[str]) -> None:
    """Put back the old entries a failed write had already swapped out."""
    for entry in reversed(done):
        target, retired, parked = root / entry, _retired(staging, entry), staging / entry
        present = target.exists() or target.is_symlink()
        if retired.exists() and present and _exchange(retired, target):
            os.replace(retired, parked)
            continue
        if present:
            os.replace(target, parked)
        if retired.exists():
            os.replace(retired, target)


def _swap_in(new: Path, target: Path, retired: Path) -> None:
    exists = target.exists() or target.is_symlink()
    if not new.exists():
        if exists:
            os.replace(target, retired)
        return
    if exists and _exchange(new, target):
        os.replace(new, retired)  # `new` holds the old tree now
        return
    if exists:
        os.replace(target, retired)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(new, target)
    except OSError:
        if retired.exists():
            os.replace(retired, target)
        raise


def _write_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems cannot sync a folder; the renames are still ordered
    finally:
        os.close(descriptor)


def _fingerprint(items: Iterable[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, data in sorted(items):
        digest.update(f"{len(name)}:{name}:{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()


def _fingerprint_files(files: dict[str, str], entry: str) -> str | None:
    mine = [(name, text.encode("utf-8")) for name, text in files.items() if name == entry or name.startswith(entry + "/")]
    return _fingerprint(mine) if mine else None


def _fingerprint_dir(staging: Path, entry: str) -> str | None:
    """The fingerprint of what stands at `entry` in the staging folder, its files named as
    `_fingerprint_files` names them (relative to the output folder)."""
    path = staging / entry
    if path.is_file():
        return _fingerprint([(entry, path.read_bytes())])
    if not path.is_dir():
        return None
    return _fingerprint((p.relative_to(staging).as_posix(), p.read_bytes()) for p in path.rglob("*") if p.is_file())


def _owner_alive(staging_name: str) -> bool:
    pid_text = staging_name.removeprefix(STAGING_PREFIX).split("-", 1)[0]
    if not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False  # this process has no write in progress when it recovers
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


@cache
def _renameat2() -> object | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    except OSError:
        return None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    function = _renameat2()
    if function is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if function(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:  # type: ignore[operator]
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(error, os.strerror(error), str(b))
