"""Progress on stderr: a line per stage of each spec's build, and one per package written.

Shown when stderr is a terminal, or with --verbose (which also says why a package is built
again); never with --quiet. Lines are plain text with no terminal control, so a log or a
terminal that is not a tty reads the same words. The pipeline marks its stages with
`stage(name)`, which costs nothing when no reporter is active.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TextIO


class Reporter:
    def __init__(self, stream: TextIO, *, verbose: bool = False) -> None:
        self.stream = stream
        self.verbose = verbose
        self.subject = ""  # what the stages belong to: the spec being built

    def line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def stage(self, name: str, seconds: float) -> None:
        self.line(f"{self.subject}: {name} {seconds:.2f} s")

    def why(self, text: str) -> None:
        """Detail for --verbose only: why a package is (or is not) built again."""
        if self.verbose:
            self.line(text)


_active: ContextVar[Reporter | None] = ContextVar("progress", default=None)


def reporter_for(stream: TextIO, *, quiet: bool, verbose: bool) -> Reporter | None:
    """The reporter a command's flags ask for: verbose always, quiet never, else when `stream`
    is a terminal."""
    if quiet:
        return None
    if verbose or _is_terminal(stream):
        return Reporter(stream, verbose=verbose)
    return None


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def reporting(reporter: Reporter | None) -> Iterator[Reporter | None]:
    token = _active.set(reporter)
    try:
        yield reporter
    finally:
        _active.reset(token)


def active() -> Reporter | None:
    return _active.get()


@contextmanager
def stage(name: str) -> Iterator[None]:
    reporter = _active.get()
    if reporter is None:
        yield
        return
    started = time.perf_counter()
    yield
    reporter.stage(name, time.perf_counter() - started)


def stderr_reporter(*, quiet: bool, verbose: bool) -> Reporter | None:
    return reporter_for(sys.stderr, quiet=quiet, verbose=verbose)
