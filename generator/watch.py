"""`python -m generator watch`: regenerate whenever a spec, a file a spec ships, a template or
the configuration changes.

Each run is the incremental regenerate (only the packages whose inputs changed are built).
A bad spec or configuration is printed as located errors, the output is left as it was, and
watching goes on; Ctrl-C stops it, between runs or during one (a write is atomic, so an
interrupted run leaves the previous output). File events come from the OS through
watchfiles; the folders watched are found again after every run, so a new spec a glob
matches, or a new folder of handlers, is picked up.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from . import config, fingerprint, settings
from .diagnostics import SpecError
from .ownership import OwnershipError
from .resources import TEMPLATE_ROOT

SPEC_SUFFIXES = (".yaml", ".yml")
DEBOUNCE_MS = 200  # edits an editor saves in quick succession make one run
READY_MS = 300
WATCHING = "watching for changes (Ctrl-C stops)"


def main(args: argparse.Namespace, say: Callable[[str], object]) -> int:
    from watchfiles import DefaultFilter, watch

    from . import cli

    cwd = Path.cwd()
    ignore = DefaultFilter()
    signal.signal(signal.SIGTERM, _interrupt)  # a process manager's stop is a Ctrl-C too
    previous: Watched | None = None
    try:
        while True:
            fingerprint.generator_record.cache_clear()  # a template may have changed
            watched = _run(args, cwd, say, previous)
            previous = watched
            relevant = partial(_relevant, ignore, watched)
            announced = False
            events = watch(*watched.folders, watch_filter=relevant, recursive=False, debounce=DEBOUNCE_MS, step=50, rust_timeout=READY_MS, yield_on_timeout=True)
            for changes in events:
                if changes:
                    break
                if not announced:  # the first quiet interval: the OS watches are in place
                    print(WATCHING, file=sys.stderr, flush=True)
                    announced = True
            else:
                return cli.EXIT_OK
    except KeyboardInterrupt:
        print("stopped watching", file=sys.stderr, flush=True)
        return cli.EXIT_OK


def _relevant(ignore: Callable[[Any, str], bool], watched: Watched, change: Any, path: str) -> bool:
    return ignore(change, path) and watched.wants(Path(path))


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


class Watched:
    """The folders to watch, and which files in them matter."""

    def __init__(self, folders: set[Path], files: set[Path], out: Path | None) -> None:
        self.files = {path.resolve() for path in files}
        self.out = out.resolve() if out is not None else None
        self.spec_folders = {folder.resolve() for folder in folders}
        self.folders = sorted(folder for folder in self.spec_folders | _template_folders() if folder.is_dir())

    def wants(self, path: Path) -> bool:
        path = path.resolve()
        if self.out is not None and path.is_relative_to(self.out):
            return False
        if path in self.files or path.is_relative_to(TEMPLATE_ROOT.resolve()):
            return True
        return path.suffix in SPEC_SUFFIXES and path.parent in self.spec_folders


def _template_folders() -> set[Path]:
    return {TEMPLATE_ROOT.resolve(), *(p.resolve() for p in TEMPLATE_ROOT.rglob("*") if p.is_dir() and p.name != "__pycache__")}


def _run(args: argparse.Namespace, cwd: Path, say: Callable[[str], object], previous: Watched | None) -> Watched:
    """One regenerate; what to watch next."""
    from . import cli as command_line

    config_file = args.config if getattr(args, "config", None) else config.find(cwd.resolve())
    config_files = {config_file if config_file.is_absolute() else cwd / config_file} if config_file is not None else set()
    try:
        plan = settings.plan(args, cwd)
    except SpecError as exc:
        command_line.report_spec_error(exc)
        if previous is not None:
            return Watched(previous.spec_folders | {p.parent for p in config_files}, previous.files | config_files, previous.out)
        return Watched({cwd, *(p.parent for p in config_files)}, config_files, None)
    try:
        command_line.run_plan(plan, check=False, refresh="", say=say)
    except SpecError as exc:
        command_line.report_spec_error(exc)
    except OwnershipError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print("nothing was written.", file=sys.stderr)
    except OSError as exc:
        print(f"error: cannot write the output ({exc.strerror or exc}); the previous output is unchanged.", file=sys.stderr)
    sys.stderr.flush()
    return _watched(plan, config_files)


def _watched(plan: settings.Plan, config_files: set[Path]) -> Watched:
    root = plan.root
    specs = {root / job.spec for job in plan.jobs}
    folders = {spec.parent for spec in specs} | {p.parent for p in config_files}
    if plan.specs_given is not None:
        folders.add(plan.specs_given if plan.specs_given.is_absolute() else Path.cwd() / plan.specs_given)
    for pattern in plan.config.specs if plan.specs_given is None else ():
        base = root / _fixed_prefix(pattern)
        folders.add(base if config.is_glob(pattern) else base.parent)
        if "**" in pattern and base.is_dir():
            folders.update(p for p in base.rglob("*") if p.is_dir() and not p.name.startswith((".", "__")))
    shipped: set[Path] = set()
    for recorded in fingerprint.recorded_packages(root / plan.out):
        spec = fingerprint.spec_of(recorded)
        if spec is not None:
            shipped.update((root / spec).parent / name for name in recorded.inputs.get("shipped", {}))
    folders.update(path.parent for path in shipped)
    return Watched(folders, specs | shipped | config_files, root / plan.out)


def _fixed_prefix(pattern: str) -> Path:
    """The folders of `pattern` before its first wildcard."""
    parts = []
    for part in Path(pattern).parts:
        if config.is_glob(part):
            break
        parts.append(part)
    return Path(*parts) if parts else Path(".")
