"""The two sides of a diff: a spec file, a spec at a git revision (`git:REV:PATH`), or an
AWS model as `import` takes it (`botocore:SERVICE[@VERSION]`, a service-2.json[.gz], a Smithy
JSON AST), imported in memory. Each becomes an IR through the one pipeline (compile_loaded).

A model compared with a spec is imported as `refresh` would import it for that spec: the
spec's operations (unless --operations names others), its package, and its hand-written parts
kept, so the diff is the verdict of refreshing the spec from that model.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..diagnostics import SpecError
from ..importers import refresh
from ..importers.read import BOTOCORE_PREFIX
from ..ir import Service
from ..load import MAX_SPEC_BYTES, LoadedSpec, parse_spec_text
from ..pipeline import compile_loaded, display_path, read_spec

GIT_PREFIX = "git:"
GIT_TIMEOUT = 60


class SideError(Exception):
    """A side that cannot be read, printed as `SIDE: error: WHAT` (or `error: WHAT`)."""

    def __init__(self, detail: str, label: str = "") -> None:
        self.detail, self.label = detail, label
        super().__init__(f"{label}: error: {detail}" if label else f"error: {detail}")


@dataclass(frozen=True)
class Side:
    label: str  # as the user wrote it
    service: Service
    loaded: LoadedSpec  # the spec's data (imported, for a model), to locate problems and merge


def compile_data(data: Any, name: str) -> Service:
    """The IR of a spec held as data (an import in memory, a test's spec); raises SpecError."""
    return compile_loaded(LoadedSpec(name, data), name)


def is_model(text: str) -> bool:
    return text.startswith(BOTOCORE_PREFIX) or text.endswith((".json", ".json.gz"))


def read_sides(old: str, new: str, operations: list[str] | None) -> tuple[Side, Side]:
    """Both sides; raises SideError, SpecError, or the importers' ModelError and Refused."""
    if operations is not None and not (is_model(old) or is_model(new)):
        raise SideError("--operations chooses the operations of an AWS model side; neither side is a model")
    specs = {text: _spec_side(text) for text in (old, new) if not is_model(text)}
    companion = next(iter(specs.values()), None)
    sides = [specs[text] if text in specs else _model_side(text, operations, companion) for text in (old, new)]
    before, after = sides
    if before.service.name != after.service.name:
        at = after.loaded.location(("service", "name"))
        raise SpecError([at.error(f"this is service {after.service.name}, and {old} is service {before.service.name}: diff compares two versions of one service")])
    return before, after


def _spec_side(text: str) -> Side:
    if text.startswith(GIT_PREFIX):
        loaded, spec_file = _git_spec(text)
    else:
        path = Path(text)
        loaded, spec_file = read_spec(path), display_path(path)
    return Side(text, compile_loaded(loaded, spec_file), loaded)


def _git_spec(text: str) -> tuple[LoadedSpec, str]:
    revision, colon, path = text.removeprefix(GIT_PREFIX).partition(":")
    if not colon or not revision or not path:
        raise SideError("write a spec at a git revision as git:REVISION:PATH (git:origin/main:specs/x.yaml)", text)
    if revision.startswith("-"):
        raise SideError(f"'{revision}' is not a git revision", text)
    _git(text, ["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], f"git knows no revision '{revision}' here")
    _git(text, ["cat-file", "-e", f"{revision}:{path}"], f"revision '{revision}' has no file '{path}' (paths are from the top of the repository, or ./ for the current folder)")
    raw = _git(text, ["show", f"{revision}:{path}"], f"cannot read '{path}' at '{revision}'")
    if len(raw) > MAX_SPEC_BYTES:
        raise SpecError([LoadedSpec(text, None).diagnostic((), f"spec is larger than the limit of {MAX_SPEC_BYTES} bytes")])
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise SpecError([LoadedSpec(text, None).diagnostic((), f"spec is not valid UTF-8 (byte 0x{raw[exc.start]:02x} on line {line})")]) from None
    return parse_spec_text(decoded, text), path


def _git(label: str, arguments: list[str], failure: str) -> bytes:
    try:
        done = subprocess.run(["git", *arguments], capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except FileNotFoundError:
        raise SideError("git is not installed (needed for git:REVISION:PATH)", label) from None
    except subprocess.TimeoutExpired:
        raise SideError(f"git did not answer within {GIT_TIMEOUT} s", label) from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = said[0].removeprefix("fatal: ") if said and "not a git repository" in said[0] else failure
        raise SideError(reason, label)
    return done.stdout


def _model_side(text: str, operations: list[str] | None, companion: Side | None) -> Side:
    from ..cli_import import import_spec

    data: Any = companion.loaded.data if companion else None
    if operations is None and data is not None and not (data.get("source") or {}).get("all_operations"):
        operations = list(data.get("operations") or {})
    package = (data.get("service") or {}).get("package") if data is not None else None
    imported = import_spec(text, operations, package, Path("spec.yaml"))
    spec = refresh.merge(data, imported.spec)[0] if data is not None else imported.spec
    return Side(text, compile_data(spec, text), LoadedSpec(text, spec))
