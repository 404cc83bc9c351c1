"""Which folders of an output folder the generator may replace or remove: only its own.

Every generated package holds a marker, `<package>/.generated.json`, listing the files the
generator wrote there. A top-level folder is the generator's when its marker is valid and
names that folder; anything else in the output folder (a user's files and folders, an
egg-info, a folder with the package's name but no marker) is never replaced or removed.
An owned folder is replaced whole, so a file in it that its marker does not list (a user's,
not a cache) stops the write too, unless the new output holds the same bytes at that path:
nothing is lost that the generator did not provably write. Edits to listed files are
overwritten, as their "Do not edit" header says.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .write import IGNORED_PARTS

MARKER = ".generated.json"
GENERATOR = "aws-binding-generator"
_ABOUT = (
    "Written by aws-binding-generator, which replaces this folder on every run and removes it when its spec is gone. "
    "It never removes a file that is not listed here: it stops and names the file instead."
)


class OwnershipError(Exception):
    """The output folder holds something in the way that the generator did not write."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def marker_text(package: str, files: list[str], generated_by: str, fingerprint: dict[str, Any] | None = None) -> str:
    """The marker for `package` whose generated files (paths inside the package) are `files`;
    `fingerprint` adds what they were made from and their hashes (see fingerprint.py)."""
    document = {"$comment": generated_by, "about": _ABOUT, "files": sorted(files), "generator": GENERATOR, "package": package}
    return json.dumps({**document, **(fingerprint or {})}, indent=2, ensure_ascii=True, sort_keys=True) + "\n"


def with_marker(package: str, files: dict[str, str], generated_by: str, inputs: dict[str, Any] | None = None) -> dict[str, str]:
    """`files` (paths inside the output folder) plus the marker of `package`, which records
    `inputs` (the package's fingerprint) and each file's SHA-256 when `inputs` is given."""
    prefix = package + "/"
    mine = {name.removeprefix(prefix): text for name, text in files.items() if name.startswith(prefix)}
    hashes = {name: hashlib.sha256(text.encode("utf-8")).hexdigest() for name, text in sorted(mine.items())}
    fingerprint = None if inputs is None else {"inputs": inputs, "sha256": hashes}
    return dict(sorted({**files, prefix + MARKER: marker_text(package, list(mine), generated_by, fingerprint)}.items()))


def recorded_files(folder: Path) -> set[str] | None:
    """The files the marker in `folder` lists, or None when `folder` is not the generator's."""
    try:
        document = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or document.get("generator") != GENERATOR or document.get("package") != folder.name:
        return None
    files = document.get("files")
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        return None
    return set(files) | {MARKER}


@dataclass(frozen=True)
class Claim:
    owned: frozenset[str]  # top-level entries the write replaces (new packages) or removes (stale ones)
    stale: tuple[str, ...]  # the generator's packages that no spec makes any more
    unrecorded: tuple[Path, ...]  # files in owned folders that replacing them would lose


def claim(out_dir: Path, files: dict[str, str], *, stale_too: bool) -> Claim:
    """What writing `files` (paths inside `out_dir`) may replace or remove.

    A package folder may be replaced when nothing in it would be lost that the generator did
    not write: each file is listed in its marker, or identical to the file written at its
    path (so a folder written before markers existed, or a merge that adds a file, is fine).
    A folder in the way that is not the generator's raises OwnershipError; files in the
    generator's folders that would be lost are returned as `unrecorded` (the caller refuses
    to write, or reports them). With `stale_too`, the generator's other packages in
    `out_dir` are claimed for removal.
    """
    packages = {name.split("/", 1)[0] for name in files}
    problems, unrecorded = [], []
    for package in sorted(packages):
        target = out_dir / package
        if not (target.exists() or target.is_symlink()):
            continue
        if not target.is_dir() or target.is_symlink():
            what = "a link" if target.is_symlink() else "a file"
            problems.append(f"{target} is {what} the generator did not write; it was left alone. Move it away and run again.")
            continue
        recorded = recorded_files(target)
        lost = _would_lose(target, recorded or set(), files, package)
        if recorded is None and lost:
            problems.append(
                f"{target}/ was not written by the generator (it has no valid {MARKER}, and {lost[0]} is not a file "
                f"the generator writes as it is); it was left alone. Move it away, or delete it if it is the output "
                f"of an older version of the generator."
            )
        unrecorded += lost if recorded is not None else []
    if problems:
        raise OwnershipError(problems)
    stale = [p.name for p in _folders(out_dir) if stale_too and p.name not in packages and recorded_files(p) is not None]
    for package in stale:
        unrecorded += _would_lose(out_dir / package, recorded_files(out_dir / package) or set(), {}, package)
    return Claim(frozenset(packages | set(stale)), tuple(stale), tuple(unrecorded))


def unrecorded_problems(found: tuple[Path, ...]) -> list[str]:
    return [f"{path} was not written by the generator; move it out of {path.parent}/ (the generator replaces that folder)" for path in found]


def _folders(out_dir: Path) -> list[Path]:
    if not out_dir.is_dir():
        return []
    return [p for p in sorted(out_dir.iterdir()) if p.is_dir() and not p.is_symlink()]


def _would_lose(folder: Path, recorded: set[str], files: dict[str, str], package: str) -> list[Path]:
    """Files in `folder` that are neither recorded nor identical to what `files` puts there."""
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if IGNORED_PARTS.intersection(relative.parts) or path.suffix == ".pyc" or (path.is_dir() and not path.is_symlink()):
            continue
        name = relative.as_posix()
        if name in recorded:
            continue
        new = files.get(f"{package}/{name}")
        if new is None or path.is_symlink() or not _same(path, new):
            found.append(path)
    return found


def _same(path: Path, text: str) -> bool:
    try:
        return path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False
