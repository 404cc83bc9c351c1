"""`diff OLD NEW`: every change of the API surface between two versions of a spec, judged."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from .diff.change import BREAKING, CLIENT, PERSPECTIVES, WARNING, is_breaking

# The sides (the pipeline, botocore's loader) are imported when diff runs: every command
# builds this module's parser, and a no-op regenerate must not pay for them.

COMMANDS = ("diff",)
EXIT_OK, EXIT_BREAKING, EXIT_BAD = 0, 1, 2
FORMATS = ("text", "json", "markdown")

DESCRIPTION = """\
List every change of the API surface from OLD to NEW, grouped by severity (breaking, warning,
info). A shape is judged where the operations use it: in requests, in responses, or both.

OLD and NEW are each one of:
  a spec file                      specs/pollforjobs.yaml
  a spec at a git revision         git:origin/main:specs/pollforjobs.yaml (git show REV:PATH)
  an AWS model, as import takes it botocore:codepipeline[@2015-07-09], service-2.json[.gz],
                                   a Smithy JSON AST file (with --operations A,B; compared
                                   with a spec, the spec's operations and hand-written parts)"""
EPILOG = """\
exit status: 0 nothing breaks, 1 something breaks (with --fail-on warning: or warns),
             2 bad input (a side that cannot be read, two different services)

The JSON form is {"breaking": bool, "changes": [{"severity", "direction", "kind", "shape",
"path", "old", "new", "message"}]}; the README lists every rule."""


def register(commands: Any) -> None:
    one = commands.add_parser("diff", help="judge the changes between two versions of a spec (breaking, warning, info)", description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    one.add_argument("old", metavar="OLD", help="the version before")
    one.add_argument("new", metavar="NEW", help="the version after")
    one.add_argument("--operations", metavar="A,B,...", help="the operations to import from an AWS model side")
    one.add_argument("--format", choices=FORMATS, default="text", help="text (default), json, or markdown for a pull-request comment")
    one.add_argument("--fail-on", choices=(BREAKING, WARNING), default=BREAKING, help="exit 1 on breaking changes (default), or on warnings too")
    one.add_argument("--perspective", choices=PERSPECTIVES, default=CLIENT, help="judge for callers of the API (client, default) or for code implementing it (server)")


def main(args: argparse.Namespace) -> int:
    from .diagnostics import SpecError
    from .diff import diff
    from .diff import report as reports
    from .diff.sides import SideError, read_sides
    from .importers.assemble import Refused
    from .importers.errors import ModelError

    try:
        operations = _operations(args.operations)
        before, after = read_sides(args.old, args.new, operations)
    except SideError as exc:
        return _bad([str(exc)])
    except (SpecError, ModelError) as exc:
        return _bad([str(d) for d in exc.diagnostics])
    except Refused as exc:
        return _bad([f"error: {exc}"])
    changes = diff(before.service, after.service, args.perspective)
    if args.format == "json":
        shown = reports.as_json(changes)
    elif args.format == "markdown":
        shown = reports.markdown(changes, args.old, args.new, args.perspective, args.fail_on)
    else:
        shown = reports.text(changes, args.old, args.new, args.perspective, args.fail_on)
    try:
        sys.stdout.write(shown)
        sys.stdout.flush()
    except BrokenPipeError:  # `... | head`: the verdict is in the exit status
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_BREAKING if is_breaking(changes, args.fail_on) else EXIT_OK


def _operations(text: str | None) -> list[str] | None:
    from .diff.sides import SideError

    if text is None:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise SideError("--operations names no operation")
    return names


def _bad(lines: list[str]) -> int:
    for line in lines:
        print(line, file=sys.stderr)
    return EXIT_BAD
