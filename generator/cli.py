"""Command line: `python -m generator [regenerate|check|watch|generate|export] ...`."""

from __future__ import annotations

import argparse
import contextlib
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

from . import cli_diff, cli_import, incremental, progress, settings
from .diagnostics import SpecError
from .outcome import Outcome
from .outputs import EXPORT_FORMATS
from .ownership import OwnershipError

# The pipeline (black, Jinja2, datamodel-code-generator) is imported only by the runs that
# render: a regenerate or check that finds every package current by its fingerprint never does.

EXIT_OK, EXIT_STALE, EXIT_SPEC_ERROR, EXIT_WRITE_ERROR, EXIT_NOT_OURS = 0, 1, 2, 3, 4
MODULE_PROG = "python -m generator"
DEFAULT_SPECS, DEFAULT_OUT = Path("specs"), Path("generated")

# argparse fills in %(prog)s: the name the command was run by.
DESCRIPTION = """\
Generate typed Python bindings (pydantic models, validators, client, server, JSON Schema)
for AWS JSON 1.0/1.1 and Smithy RPC v2 CBOR APIs described by YAML specs.

With no command, regenerate generated/ from every specs/*.yaml, or what
[tool.aws-binding-generator] in the nearest pyproject.toml says (from the current directory
upwards; --config FILE names one). Packages whose fingerprint (in their .generated.json)
says they are current are not rendered again. Spec problems are printed as FILE:LINE:COLUMN: error: ... and the
command exits 2 without writing anything. On success one summary line is printed
(--quiet leaves it out)."""

EPILOG = """\
exit status: 0 success, 1 'check' found generated files out of date ('diff': the change
               breaks callers), 2 bad spec or arguments,
             3 the output could not be written (the previous output is left as it was),
             4 the output folder holds something the generator did not write where it would
               write or remove (a folder with a package's name, a file of yours inside a
               generated package); nothing was written

The generator replaces or removes only the packages it wrote (each holds a .generated.json
listing its files); everything else in the output folder is left alone.

examples:
  %(prog)s                      regenerate generated/ from specs/
  %(prog)s check                exit 1 and show a diff if generated/ is stale
  %(prog)s watch                regenerate whenever a spec or template changes (Ctrl-C stops)
  %(prog)s generate --spec api.yaml --out build/
  %(prog)s export --format typescript --out web/src/aws
  %(prog)s diff git:origin/main:specs/x.yaml specs/x.yaml   exit 1 if the change breaks callers"""

EXPORT_DESCRIPTION = """\
Write one export of each spec for code in other languages into OUT/<package>/ (other files
there are left alone); the same files are committed under generated/<package>/.

formats:
  jsonschema   schemas/<Shape>.schema.json: JSON Schema 2020-12 per operation input and output;
               patterns match the whole value the same way in ECMAScript (u flag) and Python;
               sensitive members carry "x-aws-sensitive": true
  openapi      openapi.yaml: OpenAPI 3.1 of the AWS JSON 1.1 wire protocol (POST / with the
               X-Amz-Target header, every error response, SigV4 security scheme)
  typescript   types.d.ts: TypeScript declarations with TSDoc; optional members are ?: T | null"""

QUIET_HELP = "print nothing on success (errors, and check's diff, are still printed)"
VERBOSE_HELP = "a line per stage and per package on stderr, and why each package is (or is not) built again"
CONFIG_HELP = "the pyproject.toml to read [tool.aws-binding-generator] from (default: the nearest one upwards)"


def _run_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """The options of regenerate, check and watch (also accepted before the command)."""
    # The subcommands' copies default to SUPPRESS so they never overwrite a value given before.
    default = argparse.SUPPRESS if suppress else None
    flag_default = argparse.SUPPRESS if suppress else False
    parser.add_argument("--specs", type=Path, default=default, metavar="DIR", help="folder of *.yaml specs (default: the configuration's specs, or specs/*.yaml)")
    parser.add_argument("--out", type=Path, default=default, metavar="DIR", help="output folder (default: the configuration's out, or generated)")
    parser.add_argument("--config", type=Path, default=default, metavar="FILE", help=CONFIG_HELP)
    parser.add_argument("-q", "--quiet", action="store_true", default=flag_default, help=QUIET_HELP)
    parser.add_argument("-v", "--verbose", action="store_true", default=flag_default, help=VERBOSE_HELP)
    settings.output_flags(parser, suppress=suppress)


def parser(prog: str = MODULE_PROG) -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog=prog, description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    # Also accepted before any COMMAND (`python -m generator --specs DIR --out DIR`).
    _run_options(top, suppress=False)
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    for name, summary in (
        ("regenerate", "regenerate the output folder from every spec (the default)"),
        ("check", "exit 1 with a unified diff when the output folder is not what the specs generate"),
        ("watch", "regenerate whenever a spec, a file it ships, a template or the configuration changes; Ctrl-C stops"),
    ):
        sub = commands.add_parser(name, help=summary, description=summary[0].upper() + summary[1:] + ".")
        _run_options(sub, suppress=True)
    one = commands.add_parser(
        "generate",
        help="generate the package for one spec into a folder",
        description="Generate the package for one spec into OUT/<package>/. Other contents of OUT are left alone.",
    )
    one.add_argument("--spec", type=Path, required=True, metavar="PATH", help="the YAML spec")
    one.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder; the package goes in DIR/<package>/")
    one.add_argument("--check", action="store_true", help="write nothing; exit 1 with a diff if DIR is out of date")
    one.add_argument("--package", metavar="NAME", help="the package's name (default: the spec's)")
    one.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help=QUIET_HELP)
    one.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=VERBOSE_HELP)
    settings.output_flags(one, suppress=True)
    export = commands.add_parser(
        "export",
        help="write a JSON Schema, OpenAPI or TypeScript export for other languages",
        description=EXPORT_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument("--format", required=True, choices=EXPORT_FORMATS, help="which export to write")
    export.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder; files go in DIR/<package>/")
    export.add_argument("--spec", type=Path, action="append", metavar="PATH", help="a YAML spec; repeatable (default: every specs/*.yaml)")
    export.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help=QUIET_HELP)
    cli_import.register(commands)
    cli_diff.register(commands)
    return top


def main(argv: list[str] | None = None, prog: str = MODULE_PROG) -> int:
    try:
        return _main(argv, prog)
    except ModuleNotFoundError as exc:
        if not exc.name or exc.name.split(".")[0] == "generator":
            raise  # a module of ours missing is a bug of ours, not the environment
        print(
            f"error: the Python module '{exc.name}' is not installed, and the generator needs it: install the generator"
            " with its dependencies (`pip install -e .` in its checkout); nothing was written.",
            file=sys.stderr,
        )
        return EXIT_SPEC_ERROR


def _main(argv: list[str] | None, prog: str) -> int:
    args = parser(prog).parse_args(argv)
    command = args.command or "regenerate"
    if command in cli_import.COMMANDS:
        return cli_import.main(args)
    if command in cli_diff.COMMANDS:
        return cli_diff.main(args)
    say: Callable[[str], object] = _silent if args.quiet else _say
    reporter = progress.stderr_reporter(quiet=args.quiet, verbose=args.verbose)
    try:
        with progress.reporting(reporter):
            if command == "export":
                from .pipeline import default_specs

                return _export(args.spec or default_specs(DEFAULT_SPECS), args.format, args.out, say)
            if command == "generate":
                job = incremental.Job(args.spec, settings.overridden(incremental.EVERYTHING, args), args.package)
                outcome = incremental.run([job], args.out, check=args.check, owned_only=True)
                refresh = f"{prog} {shlex.join(['generate', '--spec', str(args.spec), '--out', str(args.out)])}"
                return _report(outcome, args.check, refresh, say)
            if command == "watch":
                from . import watch

                return watch.main(args, say)
            given = [part for flag in ("specs", "out", "config") if getattr(args, flag) is not None for part in (f"--{flag}", str(getattr(args, flag)))]
            refresh = " ".join([prog, shlex.join(given)]).strip()
            return run_plan(settings.plan(args, Path.cwd()), check=command == "check", refresh=refresh, say=say)
    except SpecError as exc:
        return report_spec_error(exc)
    except OwnershipError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print("nothing was written.", file=sys.stderr)
        return EXIT_NOT_OURS
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        print(f"error: cannot write the output ({exc.strerror or exc}){where}; the previous output is unchanged.", file=sys.stderr)
        return EXIT_WRITE_ERROR


def run_plan(plan: settings.Plan, *, check: bool, refresh: str, say: Callable[[str], object]) -> int:
    """Regenerate (or check) what `plan` names. Raises SpecError, OwnershipError, OSError."""
    if not plan.jobs:
        where = f"{plan.specs_given}/" if plan.specs_given is not None else "specs/"
        print(f"error: no *.yaml specs in {where} (run from the project root, pass --specs, or set 'specs' in [tool.aws-binding-generator])", file=sys.stderr)
        return EXIT_SPEC_ERROR
    with contextlib.chdir(plan.root):
        outcome = incremental.run(plan.jobs, plan.out, check=check)
    outcome = Outcome(plan.shown_out, outcome.packages, outcome.written, outcome.removed, outcome.diff, outcome.unrecorded)
    return _report(outcome, check, refresh, say)


def report_spec_error(exc: SpecError) -> int:
    for diagnostic in exc.diagnostics:
        print(diagnostic, file=sys.stderr)
    count = len(exc.diagnostics)
    print(f"{count} error{'s' if count != 1 else ''}; nothing was written.", file=sys.stderr)
    return EXIT_SPEC_ERROR


def _say(line: str) -> None:
    print(line, flush=True)


def _export(specs: list[Path], export_format: str, out_dir: Path, say: Callable[[str], object]) -> int:
    from .exports import export_files
    from .pipeline import compile_spec, generated_by
    from .write import write_tree

    if not specs:
        print("error: no *.yaml specs in specs/ (run from the project root, or pass --spec)", file=sys.stderr)
        return EXIT_SPEC_ERROR
    files: dict[str, str] = {}
    counts = {}
    for service in [compile_spec(spec) for spec in specs]:
        exported = export_files(service, generated_by(service), [export_format])
        files.update({f"{service.package}/{name}": text for name, text in exported.items()})
        counts[service.package] = len(exported)
    # Each exported file is an owned entry of its own: the rest of OUT/<package>/ stays as it
    # is, and no ownership marker is written (the folder is the user's, not the generator's).
    write_tree(files, out_dir, set(files))
    say(f"{_folder(out_dir)}: {_packages(counts)} exported as {export_format} ({_listing(counts)})")
    return EXIT_OK


def _report(outcome: Outcome, check: bool, refresh: str, say: Callable[[str], object]) -> int:
    counts = outcome.packages
    if check and outcome.changed:
        sys.stdout.write(outcome.diff)
        for path in outcome.unrecorded:
            print(f"note: {path} was not written by the generator; move it out of {path.parent}/ first", file=sys.stderr)
        print(f"\ngenerated files are out of date; run: {refresh}", file=sys.stderr)
        return EXIT_STALE
    written = {name: count for name, count in counts.items() if name in outcome.written}
    up_to_date = {name: count for name, count in counts.items() if name not in outcome.written}
    parts = [f"{_packages(written)} written ({_listing(written)})"] if written else []
    parts += [f"{_packages(up_to_date)} up to date ({_listing(up_to_date)})"] if up_to_date else []
    parts += [f"{_packages(dict.fromkeys(outcome.removed, 0), 'stale ')} removed ({', '.join(outcome.removed)})"] if outcome.removed else []
    say(f"{_folder(outcome.out_dir)}: {'; '.join(parts)}")
    return EXIT_OK


def _silent(line: str) -> None:
    pass


def _folder(path: Path) -> str:
    text = str(path)
    return text if text.endswith("/") else text + "/"


def _packages(counts: dict[str, int], adjective: str = "") -> str:
    return f"{len(counts)} {adjective}package{'s' if len(counts) != 1 else ''}"


def _listing(counts: dict[str, int]) -> str:
    return "; ".join(f"{name}, {count} file{'s' if count != 1 else ''}" for name, count in sorted(counts.items()))
