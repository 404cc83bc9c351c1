"""Regenerate (or check) only what changed, by the fingerprints in the packages' markers.

A spec whose package is current (fingerprint.py: the same inputs, the files as written) is
not rendered: its files are read back and go through the same comparison, ownership checks
and write as a rendered package would, so the result is the full generation's, byte for
byte. When every package is current and the output folder needs nothing else (no stale
package to remove, no file of someone else's in a package, no write of a killed run to
finish), the run ends there, without importing the pipeline (black, Jinja2,
datamodel-code-generator): that is the quick no-op.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import cache, fingerprint, worker
from .models_tool import warm_up
from .outcome import Outcome
from .outputs import EVERYTHING, Outputs
from .ownership import MARKER, recorded_files
from .paths import display_path
from .progress import active
from .write import IGNORED_PARTS, STAGING_PREFIX


@dataclass(frozen=True)
class Job:
    """One spec to generate, with the parts to write and its package name (None: the spec's)."""

    spec: Path
    outputs: Outputs = EVERYTHING
    package: str | None = None


def run(jobs: Sequence[Job], out_dir: Path, *, check: bool = False, owned_only: bool = False) -> Outcome:
    """Like pipeline.run, for `jobs`; packages already current are not rendered."""
    reporter = active()
    recorded = {spec: r for r in fingerprint.recorded_packages(out_dir) if (spec := fingerprint.spec_of(r)) is not None}
    current: dict[Path, dict[str, str]] = {}
    for job in jobs:
        found = recorded.get(display_path(job.spec))
        files, why = (None, "no fingerprint recorded") if found is None else _current(out_dir, found, job)
        if files is not None:
            current[job.spec] = files
        if reporter is not None:
            reporter.why(f"{display_path(job.spec)}: {'current' if files is not None else 'to build'} ({why})")
    if len(current) == len(jobs) and _nothing_else_to_do(out_dir, current, owned_only):
        counts = {_package_of(files): len(files) for files in current.values()}
        if reporter is not None:
            for package, count in sorted(counts.items()):
                reporter.line(f"{out_dir / package}: up to date by its fingerprint ({count} files, nothing rendered)")
        return Outcome(out_dir, dict(sorted(counts.items())), (), ())
    # A models job is all but sure to come (no cache, or one that never held models, as on a
    # machine's first run): the worker starts its imports now, beside this process's.
    with worker.started(warm_up, eager=len(current) < len(jobs) and not cache.holds_any("models")):
        from . import pipeline  # only now: the whole generator, for the packages that are not current

        by_spec = {job.spec: job for job in jobs}

        def build_one(spec: Path) -> dict[str, str]:
            if spec in current:
                return current[spec]
            job = by_spec[spec]
            if reporter is not None:
                reporter.subject = display_path(spec)
            return pipeline.build(spec, job.outputs, job.package)[1]

        return pipeline.run([job.spec for job in jobs], out_dir, check=check, owned_only=owned_only, build_one=build_one)


def _current(out_dir: Path, recorded: fingerprint.Recorded, job: Job) -> tuple[dict[str, str] | None, str]:
    return fingerprint.check(out_dir, recorded, job.spec, job.outputs, job.package)


def _package_of(files: dict[str, str]) -> str:
    return next(iter(files)).split("/", 1)[0]


def _nothing_else_to_do(out_dir: Path, current: dict[Path, dict[str, str]], owned_only: bool) -> bool:
    packages = [_package_of(files) for files in current.values()]
    if len(set(packages)) != len(packages) or any(p.name.startswith(STAGING_PREFIX) for p in out_dir.iterdir()):
        return False
    if not owned_only:
        ours = {p.name for p in out_dir.iterdir() if p.is_dir() and not p.is_symlink() and recorded_files(p) is not None}
        if ours - set(packages):
            return False  # a stale package to remove
    return not any(_unlisted(out_dir / package) for package in packages)


def _unlisted(folder: Path) -> bool:
    """Whether `folder` holds a file its marker does not list (caches aside)."""
    listed = recorded_files(folder) or {MARKER}
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if IGNORED_PARTS.intersection(relative.parts) or path.suffix == ".pyc" or (path.is_dir() and not path.is_symlink()):
            continue
        if relative.as_posix() not in listed:
            return True
    return False
