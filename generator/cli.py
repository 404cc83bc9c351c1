"""Command line: `python -m generator [generate|check|export] ...`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .build_ir import build_service
from .check import check_spec
from .diagnostics import SpecError
from .exports import FORMATS, export_files, write_files
from .load import load_spec
from .pipeline import default_specs, display_path, generate, generate_many, header

EXIT_OK, EXIT_STALE, EXIT_SPEC_ERROR, EXIT_WRITE_ERROR = 0, 1, 2, 3

DESCRIPTION = """\
Generate typed Python bindings (pydantic models, validators, client, server, JSON Schema)
for AWS JSON 1.1 APIs described by YAML specs.

With no command, regenerate generated/ from every specs/*.yaml (paths relative to the
current directory). Spec problems are printed as FILE:LINE:COLUMN: error: ... and the
command exits 2 without writing anything."""

EPILOG = """\
exit status: 0 success, 1 'check' found generated files out of date, 2 bad spec or arguments,
             3 the output could not be written (the previous output is left as it was)

examples:
  python -m generator                      regenerate generated/ from specs/
  python -m generator check                exit 1 and show a diff if generated/ is stale
  python -m generator generate --spec api.yaml --out build/
  python -m generator export --format typescript --out web/src/aws"""

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


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m generator", description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    # Also accepted before any COMMAND (`python -m generator --specs DIR --out DIR`); the
    # subcommands' copies default to SUPPRESS so they never overwrite a value given here.
    top.add_argument("--specs", type=Path, default=Path("specs"), metavar="DIR", help="folder of *.yaml specs (default: specs)")
    top.add_argument("--out", type=Path, default=Path("generated"), metavar="DIR", help="output folder (default: generated)")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    for name, summary in (
        ("regenerate", "regenerate the output folder from every spec in the specs folder (the default)"),
        ("check", "exit 1 with a unified diff when the output folder is not what the specs generate"),
    ):
        sub = commands.add_parser(name, help=summary, description=summary[0].upper() + summary[1:] + ".")
        sub.add_argument("--specs", type=Path, default=argparse.SUPPRESS, metavar="DIR", help="folder of *.yaml specs (default: specs)")
        sub.add_argument("--out", type=Path, default=argparse.SUPPRESS, metavar="DIR", help="output folder (default: generated)")
    one = commands.add_parser(
        "generate",
        help="generate the package for one spec into a folder",
        description="Generate the package for one spec into OUT/<package>/. Other contents of OUT are left alone.",
    )
    one.add_argument("--spec", type=Path, required=True, metavar="PATH", help="the YAML spec")
    one.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder; the package goes in DIR/<package>/")
    one.add_argument("--check", action="store_true", help="write nothing; exit 1 with a diff if DIR is out of date")
    export = commands.add_parser(
        "export",
        help="write a JSON Schema, OpenAPI or TypeScript export for other languages",
        description=EXPORT_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument("--format", required=True, choices=sorted(FORMATS), help="which export to write")
    export.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder; files go in DIR/<package>/")
    export.add_argument("--spec", type=Path, action="append", metavar="PATH", help="a YAML spec; repeatable (default: every specs/*.yaml)")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    command = args.command or "regenerate"
    try:
        if command == "export":
            return _export(args.spec or default_specs(Path("specs")), args.format, args.out)
        if command == "generate":
            diff = generate(args.spec, args.out, check=args.check)
            return _report(diff, args.check, f"python -m generator generate --spec {args.spec} --out {args.out}")
        specs_dir = getattr(args, "specs", Path("specs"))
        out_dir = getattr(args, "out", Path("generated"))
        specs = default_specs(specs_dir)
        if not specs:
            print(f"error: no *.yaml specs in {specs_dir}/ (run from the project root, or pass --specs)", file=sys.stderr)
            return EXIT_SPEC_ERROR
        diff = generate_many(specs, out_dir, check=command == "check")
        return _report(diff, command == "check", "python -m generator")
    except SpecError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic, file=sys.stderr)
        count = len(exc.diagnostics)
        print(f"{count} error{'s' if count != 1 else ''}; nothing was written.", file=sys.stderr)
        return EXIT_SPEC_ERROR
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        print(f"error: cannot write the output ({exc.strerror or exc}){where}; the previous output is unchanged.", file=sys.stderr)
        return EXIT_WRITE_ERROR


def _export(specs: list[Path], export_format: str, out_dir: Path) -> int:
    if not specs:
        print("error: no *.yaml specs in specs/ (run from the project root, or pass --spec)", file=sys.stderr)
        return EXIT_SPEC_ERROR
    services = []
    for spec in specs:
        loaded = load_spec(spec, display_path(spec))
        problems = check_spec(loaded)
        if problems:
            raise SpecError(problems)
        services.append(build_service(loaded.data, display_path(spec)))
    for service in services:
        files = export_files(service, header(service)[2:].strip(), [export_format])
        for path in write_files(files, out_dir / service.package):
            print(path)
    return EXIT_OK


def _report(diff: str, check: bool, refresh_command: str) -> int:
    if not check:
        return EXIT_OK
    if diff:
        sys.stdout.write(diff)
        print(f"\ngenerated files are out of date; run: {refresh_command}", file=sys.stderr)
        return EXIT_STALE
    return EXIT_OK


def main_entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
