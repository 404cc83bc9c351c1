"""`import` and `refresh`: specs from AWS's own models (botocore service-2.json, Smithy JSON AST)."""

from __future__ import annotations

import argparse
import copy
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .importers.assemble import Imported, Summary
    from .load import LoadedSpec

# The importers (botocore's loader, markdownify) and the pipeline are imported by the
# functions that use them: every command builds this module's parser, and most never import.

COMMANDS = ("import", "refresh")
EXIT_OK, EXIT_BEHIND, EXIT_BAD, EXIT_WRITE_ERROR = 0, 1, 2, 3
MAX_LISTED = 3

SOURCE_HELP = "botocore:SERVICE[@API_VERSION] (the model in the installed botocore), a botocore service-2.json[.gz], or a Smithy JSON AST file"
IMPORT_DESCRIPTION = """\
Write a spec for some (or all) operations of an AWS model: the operations, every shape they
reach with its constraints, documentation as text, and a `source` record of the model
(botocore version, SHA-256) and the operations. A summary of what was imported, refused and
left out goes to stdout; a bad model is reported as FILE:LINE:COLUMN with exit status 2, and
nothing is written."""
REFRESH_DESCRIPTION = """\
Re-import the operations a spec names (and those of --add-operations) from its recorded
model (or --model), keep its
hand-written parts (package, local_handler, common_errors and their shapes, examples, curated
texts), and print what changed with its verdict (the breaking changes and warnings, judged for
callers as `diff` judges them). With --check nothing is written and the exit status is 1 when
the spec is behind its model."""


def register(commands: Any) -> None:
    one = commands.add_parser("import", help="write a spec from an AWS model (botocore or Smithy)", description=IMPORT_DESCRIPTION)
    one.add_argument("--model", required=True, metavar="SOURCE", help=SOURCE_HELP)
    one.add_argument("--operations", metavar="A,B,...", help="the operations to import (default: every operation)")
    one.add_argument("--package", metavar="NAME", help="Python package name (default: from the service name)")
    one.add_argument("--out", type=Path, required=True, metavar="SPEC.yaml", help="the spec to write")
    one.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="print nothing on success")
    again = commands.add_parser("refresh", help="re-import a spec from its model, keeping the hand-written parts", description=REFRESH_DESCRIPTION)
    again.add_argument("--spec", type=Path, required=True, metavar="SPEC.yaml", help="the spec to refresh")
    again.add_argument("--model", metavar="SOURCE", help=f"the model to read instead of the recorded one: {SOURCE_HELP}")
    again.add_argument("--add-operations", metavar="A,B,...", help="import these operations of the model too (with the shapes they reach)")
    again.add_argument("--check", action="store_true", help="write nothing; exit 1 when the spec is behind its model")
    again.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="print only what changed")


def main(args: argparse.Namespace) -> int:
    from .diagnostics import SpecError
    from .importers.assemble import Refused
    from .importers.errors import ModelError

    try:
        if args.command == "import":
            return _import(args)
        return _refresh(args)
    except ModelError as exc:
        return _bad([str(d) for d in exc.diagnostics])
    except SpecError as exc:
        return _bad([str(d) for d in exc.diagnostics])
    except Refused as exc:
        return _bad([f"error: {exc}"])
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        print(f"error: cannot write the spec ({exc.strerror or exc}){where}", file=sys.stderr)
        return EXIT_WRITE_ERROR


def atomic_write_text(path: Path, text: str) -> None:
    """Write the whole file or nothing: a temporary file beside it, then a rename."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:  # named by the spec the user asked for, not by the temporary file
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    mask = os.umask(0)
    os.umask(mask)
    try:
        os.chmod(temporary, 0o666 & ~mask)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _bad(lines: list[str]) -> int:
    for line in lines:
        print(line, file=sys.stderr)
    print("nothing was written.", file=sys.stderr)
    return EXIT_BAD


def _operations(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        from .importers.assemble import Refused

        raise Refused("--operations names no operation")
    return names


def recorded_model(source: str, spec_path: Path) -> str:
    """How a spec records its model: botocore:… as given, a file relative to the spec's folder."""
    from .importers.read import BOTOCORE_PREFIX

    if source.startswith(BOTOCORE_PREFIX):
        return source
    return Path(os.path.relpath(os.path.abspath(source), os.path.abspath(spec_path.parent or "."))).as_posix()


def import_spec(source: str, operations: list[str] | None, package: str | None, spec_path: Path) -> Imported:
    from .importers.assemble import assemble
    from .importers.sources import load

    model, document = load(source)
    record = dict(document.record)
    record["model"] = recorded_model(source, spec_path)
    imported = assemble(model, record, document.name, operations, package)
    _validate(imported.spec, document.name)
    return imported


def _validate(spec: dict[str, Any], model_name: str) -> None:
    """The imported spec must fit the format; a model fact that does not is a located error."""
    from .check import meta_validator
    from .diagnostics import Diagnostic
    from .importers.errors import ModelError
    from .load import LoadedSpec
    from .meta_errors import schema_diagnostics

    problems = schema_diagnostics(LoadedSpec(model_name, spec), meta_validator())
    if problems:
        raise ModelError([Diagnostic(model_name, 0, 0, f"the imported spec does not fit the spec format: {p.message}", p.json_path) for p in problems])


def _import(args: argparse.Namespace) -> int:
    from .check_extensions import not_generated_yet
    from .importers import emit

    imported = import_spec(args.model, _operations(args.operations), args.package, args.out)
    atomic_write_text(args.out, emit.dump(imported.spec))
    if not args.quiet:
        try:
            print_summary(imported.summary, str(args.out))
            pending = not_generated_yet(imported.spec)
            if pending:
                print("the generator does not generate these yet (`generate` refuses the spec until it does): " + ", ".join(f"{what} ×{count}" for what, count in pending.items()))
            sys.stdout.flush()
        except BrokenPipeError:  # `... | head`: the spec is written; the reader left early
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


def _refresh(args: argparse.Namespace) -> int:
    from .diagnostics import SpecError
    from .importers import emit, refresh
    from .pipeline import read_spec

    loaded = read_spec(args.spec)
    current = loaded.data
    source = current.get("source") if isinstance(current.get("source"), dict) else None
    if args.model is None and (source is None or not isinstance(source.get("model"), str)):
        raise SpecError([loaded.diagnostic(("source",), "the spec has no source record (source.model); pass --model SOURCE")])
    model_source = args.model or _resolve(source["model"], args.spec)  # type: ignore[index]
    whole = bool(source and source.get("all_operations"))
    names = None if whole else list(current.get("operations", {}) or {})
    if args.add_operations is not None and names is not None:
        names += [name for name in _operations(args.add_operations) or [] if name not in names]
    package = (current.get("service") or {}).get("package")
    fresh = import_spec(model_source, names, package, args.spec)
    merged, notes = refresh.merge(current, fresh.spec)
    if args.model is not None and merged["source"].get("model_sha256") != (source or {}).get("model_sha256"):
        merged["source"]["model"] = recorded_model(args.model, args.spec)
    changed = refresh.changes(current, merged)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    # Behind means different content; the order keys were written in is the writer's business.
    if merged == current:
        if not args.quiet:
            print(f"{args.spec}: up to date with {fresh.summary.model}")
        return EXIT_OK
    text = emit.dump(merged)
    for line in changed:
        print(f"  {line}")
    for line in _verdict(loaded, merged, args.spec):
        print(line)
    if args.check:
        print(f"{args.spec} is behind {fresh.summary.model}; run: python -m generator refresh --spec {args.spec}", file=sys.stderr)
        return EXIT_BEHIND
    atomic_write_text(args.spec, text)
    if not args.quiet:
        print(f"{args.spec}: refreshed from {fresh.summary.model} ({len(changed)} change{'s' if len(changed) != 1 else ''})")
    return EXIT_OK


def _verdict(current: LoadedSpec, merged: dict[str, Any], spec_path: Path) -> list[str]:
    """The refresh's changes judged for callers, as `diff` judges them."""
    from .diagnostics import SpecError
    from .diff import diff
    from .diff.report import verdict
    from .load import LoadedSpec
    from .pipeline import compile_loaded

    sides = []
    for which, loaded in (("spec", current), ("refreshed spec", LoadedSpec(str(spec_path), copy.deepcopy(merged)))):
        try:
            sides.append(compile_loaded(loaded, str(spec_path)))
        except SpecError as exc:
            count = len(exc.diagnostics)
            return [f"verdict: not judged: the {which} has {count} error{'s' if count != 1 else ''} (generate --spec shows them)"]
    before, after = sides
    return verdict(diff(before, after))


def _resolve(recorded: str, spec_path: Path) -> str:
    from .importers.read import BOTOCORE_PREFIX

    if recorded.startswith(BOTOCORE_PREFIX):
        return recorded
    return str(spec_path.parent / recorded)


def print_summary(summary: Summary, out: str) -> None:
    count = len(summary.imported)
    listing = ", ".join(summary.imported) if count <= 10 else ", ".join(summary.imported[:10]) + f", … ({count - 10} more)"
    print(f"{out}: {count} of {summary.operations_in_model} operation{'s' if summary.operations_in_model != 1 else ''} ({listing}) and {summary.shapes} shapes from {summary.model}")
    if summary.refused:
        print(f"refused {len(summary.refused)} operation{'s' if len(summary.refused) != 1 else ''}:")
        for name, reason in summary.refused.items():
            print(f"  {name}: {reason}")
    if summary.unit:
        print(f"added shape {summary.unit}: the empty structure that operations without an input or output take or give")
    if summary.renamed:
        print(f"renamed {len(summary.renamed)} shape{'s' if len(summary.renamed) != 1 else ''} (names the spec format does not allow; wire names are unchanged):")
        for old, new in summary.renamed.items():
            print(f"  {old} -> {new}")
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for skip in summary.skipped:
        groups[(skip.trait, skip.reason)].append(skip.where)
    if groups:
        print("left out (the spec format has no place for these):")
        for (trait, reason), places in sorted(groups.items()):
            shown = ", ".join(places[:MAX_LISTED]) + (f", … ({len(places) - MAX_LISTED} more)" if len(places) > MAX_LISTED else "")
            print(f"  {trait} ×{len(places)}: {reason} ({shown})")
