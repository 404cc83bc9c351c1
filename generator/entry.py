"""The command line's entry points (`python -m generator`, `aws-binding-generator`).

Before importing the CLI (a tenth of a second), a run that may build starts the models
stage's second process (worker.py), so datamodel-code-generator's imports begin at once. After
the CLI returns, the process ends without the interpreter's teardown of every module and
object the pipeline loaded (another tenth of a second, longer than the no-op run's work):
everything the run writes is closed by then, and the streams are flushed here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

from . import cache, worker
from .models_tool import warm_up

# The commands that may run the models stage; none given is `regenerate`.
_BUILDING = {"regenerate", "check", "generate", "watch"}
_OTHERS = {"export", "import", "refresh", "diff"}
_NOT_A_RUN = {"-h", "--help", "--version"}


def module_main() -> NoReturn:
    from .cli import MODULE_PROG

    _run(MODULE_PROG)


def script_main() -> NoReturn:
    """Messages name the command as it was run."""
    _run(Path(sys.argv[0]).name or "aws-binding-generator")


def _run(prog: str) -> NoReturn:
    if may_build(sys.argv[1:]) and not cache.holds_any("models"):
        worker.start_early(warm_up)
    try:
        from .cli import main

        code = main(prog=prog)
    finally:
        worker.stop_early()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 1  # a closed pipe: what was to be said was not all said
    os._exit(code)


def may_build(arguments: list[str]) -> bool:
    """A guess from the words alone (the CLI parses them properly later): wrong, it costs a
    second process's imports on the other core, or leaves the first job to fork its own."""
    if _NOT_A_RUN.intersection(arguments):
        return False
    command = next((word for word in arguments if word in _BUILDING or word in _OTHERS), "regenerate")
    return command in _BUILDING
