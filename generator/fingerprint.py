"""A generated package's fingerprint: what it was made from, and what was written.

The ownership marker (`<package>/.generated.json`) records both, so it stays the one file
by which the generator knows a package:

- `inputs`: the spec (its path as the headers name it, and the SHA-256 of its bytes), the
  files the spec ships (the local handler, by the SHA-256 of its text), the options it was
  generated with, the generator (its version and one SHA-256 over its own code, its templates
  and the spec format's schema: a change to any of them can change the output), and the
  versions of the pinned tools that shape the output (black, datamodel-code-generator, isort);
- `sha256`: the SHA-256 of every file written, so a package edited by hand (a file changed,
  removed or added) is never taken for current.

Everything recorded is a content hash, a version or a path relative to the working directory:
the same checkout gives the same marker on any machine, and the marker stays part of the
golden record. A package is current when its recorded inputs equal the inputs now and its
files are the bytes recorded; then nothing is rendered, formatted or written for it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from . import VERSION
from .outputs import Outputs
from .ownership import MARKER, recorded_files
from .paths import display_path
from .resources import META_SCHEMA_PATH, PACKAGE_DIR, TEMPLATE_ROOT
from .write import IGNORED_PARTS

PINNED_TOOLS = ("black", "datamodel-code-generator", "isort")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def text_digest(text: str) -> str:
    """A shipped file's fingerprint: its text as the generator reads it (newlines normalised)."""
    return digest(text.encode("utf-8"))


@cache
def generator_record() -> dict[str, str]:
    """The generator's version and a SHA-256 over its code, templates and spec schema."""
    sources = [(f"generator/{p.relative_to(PACKAGE_DIR).as_posix()}", p) for p in _files(PACKAGE_DIR, "*.py")]
    sources += [(f"templates/{p.relative_to(TEMPLATE_ROOT).as_posix()}", p) for p in _files(TEMPLATE_ROOT, "*")]
    sources.append(("spec.schema.json", META_SCHEMA_PATH))
    combined = hashlib.sha256()
    for name, path in sorted(sources):
        data = path.read_bytes()
        combined.update(f"{len(name)}:{name}:{len(data)}:".encode())
        combined.update(data)
    return {"source": combined.hexdigest(), "version": VERSION}


def _files(root: Path, pattern: str) -> list[Path]:
    found = []
    for path in root.rglob(pattern):
        parts = path.relative_to(root).parts
        ours = path.is_file() and not IGNORED_PARTS.intersection(parts) and parts[0] != "_data"
        if ours and not any(part.startswith(".") for part in parts) and path.suffix != ".pyc":
            found.append(path)
    return found


@cache
def tools_record() -> dict[str, str]:
    return {name: installed_version(name) for name in PINNED_TOOLS}


def installed_version(name: str) -> str:
    """The installed version of `name`: from its `NAME-VERSION.dist-info` folder's name where
    pip wrote one (the first on sys.path, as importlib.metadata finds it), which spares every
    run importlib.metadata's import and its parse of the whole METADATA file (a third of a no-op
    run); else importlib.metadata's answer."""
    prefix = re.sub(r"[-_.]+", "_", name).lower() + "-"
    for entry in sys.path:
        for found in _dist_infos(entry or "."):
            if found.lower().startswith(prefix):
                return found[len(prefix) : -len(".dist-info")]
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


@cache
def _dist_infos(folder: str) -> tuple[str, ...]:
    try:
        return tuple(sorted(name for name in os.listdir(folder) if name.endswith(".dist-info")))
    except OSError:
        return ()


def inputs_record(spec_path: Path, spec_sha256: str, shipped: dict[str, str], outputs: Outputs, package: str | None) -> dict[str, Any]:
    return {
        "generator": generator_record(),
        "options": {**outputs.record(), "package": package},
        "shipped": dict(sorted(shipped.items())),
        "spec": {"path": display_path(spec_path), "sha256": spec_sha256},
        "tools": tools_record(),
    }


@dataclass(frozen=True)
class Recorded:
    """A package the marker says the generator wrote, as the marker records it."""

    package: str
    inputs: dict[str, Any]
    files: dict[str, str]  # path inside the package -> SHA-256 (the marker not included)


def recorded_packages(out_dir: Path) -> list[Recorded]:
    """Every package in `out_dir` whose marker is valid and records a fingerprint."""
    found = []
    for marker in sorted(out_dir.glob(f"*/{MARKER}")) if out_dir.is_dir() else []:
        folder = marker.parent
        if folder.is_symlink() or recorded_files(folder) is None:
            continue
        document = json.loads(marker.read_text(encoding="utf-8"))
        inputs, hashes, files = document.get("inputs"), document.get("sha256"), document.get("files")
        if isinstance(inputs, dict) and isinstance(hashes, dict) and sorted(hashes) == sorted(files):
            found.append(Recorded(folder.name, inputs, hashes))
    return found


def check(out_dir: Path, recorded: Recorded, spec_path: Path, outputs: Outputs, package: str | None) -> tuple[dict[str, str] | None, str]:
    """The package's files (paths inside `out_dir`) when it is current for `spec_path` and
    these options: its recorded inputs are the inputs now and its files are the bytes that
    were written. Else None (it must be generated again). Either way, the reason."""
    try:
        spec_sha256 = digest(spec_path.read_bytes())
        shipped = {name: text_digest((spec_path.parent / name).read_text(encoding="utf-8")) for name in recorded.inputs.get("shipped", {})}
    except (OSError, UnicodeDecodeError, TypeError, AttributeError):
        return None, "a file it was made from cannot be read"
    now = inputs_record(spec_path, spec_sha256, shipped, outputs, package)
    changed = [key for key in sorted(set(now) | set(recorded.inputs)) if now.get(key) != recorded.inputs.get(key)]
    if changed:
        return None, f"changed since it was generated: {', '.join(changed)}"
    folder = out_dir / recorded.package
    files: dict[str, str] = {}
    for name, expected in recorded.files.items():
        path = folder / name
        try:
            data = b"" if path.is_symlink() else path.read_bytes()
        except OSError:
            return None, f"{name} is missing"
        if path.is_symlink() or digest(data) != expected:
            return None, f"{name} is not what was written (edited by hand?)"
        files[f"{recorded.package}/{name}"] = data.decode("utf-8")
    marker = (folder / MARKER).read_text(encoding="utf-8")
    return dict(sorted({**files, f"{recorded.package}/{MARKER}": marker}.items())), "same inputs, files as written"


def spec_of(recorded: Recorded) -> str | None:
    spec = recorded.inputs.get("spec")
    path = spec.get("path") if isinstance(spec, dict) else None
    return path if isinstance(path, str) else None

