"""load -> check -> IR -> render -> format -> write: the whole generator in one call.

`compile_spec` is the one way from a spec file to its IR, for every command.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path, PurePosixPath

from . import literals
from .build_ir import build_service
from .check import check_spec, meta_validator
from .diagnostics import SpecError
from .exports import export_files
from .fingerprint import digest, inputs_record, text_digest
from .format import format_generated
from .ir import LocalHandler, Service
from .load import LoadedSpec, load_spec
from .lowering import reader_module, validators_module
from .meta_errors import schema_diagnostics
from .models import start_models
from .outcome import Outcome
from .outputs import EVERYTHING, Outputs
from .ownership import OwnershipError, claim, unrecorded_problems, with_marker
from .paths import display_path, message_path
from .progress import active, stage
from .render import render_package, runtime_files
from .write import diff_tree, read_tree, recover, write_tree

GENERATOR_NAME = "the AWS binding generator (python -m generator)"


def read_spec(spec_path: Path) -> LoadedSpec:
    """load -> the format check only: a spec's raw data for commands that rewrite the spec
    itself (refresh), which must read it even when the generator cannot build it yet."""
    loaded = load_spec(spec_path, message_path(spec_path))
    problems = schema_diagnostics(loaded, meta_validator())
    if problems:
        raise SpecError(problems)
    return loaded


def compile_spec(spec_path: Path) -> Service:
    """load -> check -> IR. Raises SpecError with every problem the spec has."""
    return compile_loaded(load_spec(spec_path, message_path(spec_path)), display_path(spec_path))


def compile_loaded(loaded: LoadedSpec, spec_file: str) -> Service:
    """check -> IR for a spec already read (from a file, a git revision, an import in memory)."""
    problems = check_spec(loaded)
    if problems:
        raise SpecError(problems)
    return build_service(loaded.data, spec_file, loaded)


def generated_by(service: Service) -> str:
    """The line every generated file starts with, without its comment sign."""
    return header(service)[2:].strip()


def build(spec_path: Path, outputs: Outputs = EVERYTHING, package: str | None = None) -> tuple[Service, dict[str, str]]:
    """The generated files for one spec, in memory: the parts `outputs` names, in the package
    `package` (default: the spec's). Raises SpecError."""
    spec_sha256 = _digest_of(spec_path)
    with stage("load and check"):
        service = compile_spec(spec_path)
    if package is not None or not outputs.local_handler:
        service = replace(service, package=package or service.package, local_handler=service.local_handler if outputs.local_handler else None)
    with stage("models"):  # started: in the run's worker when it has one (worker.py)
        models = start_models(service, header(service), f"{service.package}/models.py")
    files = render_files(service, outputs)
    shipped: dict[str, str] = {}
    if service.local_handler is not None:
        files = _add_local_handler(service, service.local_handler, spec_path, files, shipped)
    files = dict(sorted({**files, f"{service.package}/models.py": models()}.items()))
    # A spec that changed while it was built gets no fingerprint: the next run builds it again.
    fresh = spec_sha256 is not None and _digest_of(spec_path) == spec_sha256
    inputs = inputs_record(spec_path, spec_sha256, shipped, outputs, package) if fresh and spec_sha256 else None
    return service, with_marker(service.package, files, generated_by(service), inputs)


def _digest_of(path: Path) -> str | None:
    try:
        return digest(path.read_bytes())
    except OSError:
        return None


_MODULE_NAME = re.compile(r"[a-z][a-z0-9_]*")


def _add_local_handler(service: Service, handler: LocalHandler, spec_path: Path, files: dict[str, str], shipped: dict[str, str]) -> dict[str, str]:
    """Copy the spec's hand-written handler module and its helpers into the package, as written."""
    copies = [(handler.source, handler.module, handler.source_at, handler.module_at)]
    for helper in handler.helpers:
        copies.append((helper, PurePosixPath(helper).stem, handler.helpers_at, handler.helpers_at))
    copied: dict[str, str] = {}
    for source, module, source_at, module_at in copies:
        target = f"{service.package}/{module}.py"
        if not _MODULE_NAME.fullmatch(module):
            raise SpecError([module_at.error(f"helper '{source}' is not named like a module: '{module}' is not a lower-case Python name")])
        if target in copied:
            raise SpecError([module_at.error(f"module '{module}' would replace the copy of '{copied[target]}' ({target})")])
        if target in files:
            raise SpecError([module_at.error(f"module '{module}' would replace the generated {target}")])
        try:
            text = (spec_path.parent / source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise SpecError([source_at.error(f"cannot read '{source}': {reason}")]) from None
        shipped[source] = text_digest(text)
        # As written, black not run: it is the spec author's code, and a copy that matches it
        # line for line keeps tracebacks and their editor in step (the header is one line).
        files[target] = header(service) + text
        copied[target] = source
    return dict(sorted(files.items()))


def header(service: Service) -> str:
    # comment(): a spec file name is text from outside too (it may hold a newline).
    return f"# Generated by {GENERATOR_NAME} from {literals.comment(service.spec_file)}. Do not edit.\n"


def runtime_header(service: Service, source: str) -> str:
    return f"# Generated by {GENERATOR_NAME} from {literals.comment(service.spec_file)}: a copy of {source}. Do not edit.\n"


def render_files(service: Service, outputs: Outputs = EVERYTHING) -> dict[str, str]:
    """Every file but models.py (start_models)."""
    prefix = f"{service.package}/"
    with stage("templates"):
        files = rendered_templates(service, outputs)
        runtime = runtime_files(service, lambda source: runtime_header(service, source))
    with stage("exports"):
        exported = export_files(service, generated_by(service), list(outputs.exports)) if outputs.exports else {}
        files.update({f"{prefix}{name}": text for name, text in exported.items()})
    with stage("black"):
        # Only on the statements it would change, in the modules the templates write (the
        # models get black whole: datamodel-code-generator's layout is not ours).
        files = {name: (format_generated(text, name) if name.endswith(".py") else text) for name, text in files.items()}
    # The runtime is copied as it stands: templates/runtime/ is black-formatted where it lives
    # (tests/runtime checks it with the same settings), and a comment line before it changes
    # nothing black would do.
    return dict(sorted({**files, **runtime}.items()))


def rendered_templates(service: Service, outputs: Outputs = EVERYTHING) -> dict[str, str]:
    """The package templates' output `outputs` keeps, before black."""
    prefix = f"{service.package}/"
    files = render_package(service, {"header": header(service), "validators": validators_module(service), "reader": reader_module(service)})
    return {name: text for name, text in files.items() if outputs.keeps(name.removeprefix(prefix))}


def generate(spec_path: Path | str, out_dir: Path | str, *, check: bool = False) -> str:
    """Generate the package for one spec into `out_dir`.

    With `check`, write nothing and return the diff against `out_dir` ('' when current).
    Raises SpecError for a bad spec and OwnershipError when `out_dir/<package>` is in the way.
    """
    return run([Path(spec_path)], Path(out_dir), check=check, owned_only=True).diff


def generate_many(spec_paths: list[Path], out_dir: Path, *, check: bool = False, owned_only: bool = False) -> str:
    return run(spec_paths, out_dir, check=check, owned_only=owned_only).diff


def run(
    spec_paths: list[Path],
    out_dir: Path,
    *,
    check: bool = False,
    owned_only: bool = False,
    build_one: Callable[[Path], dict[str, str]] | None = None,
) -> Outcome:
    """Build every spec, then write the output folder (or, with `check`, diff it).

    Only the generator's own packages are replaced or removed (see ownership.py); with
    `owned_only`, only the packages these specs make. Packages already current are left
    untouched. `build_one` gives a spec's files (default: `build`; the incremental run passes
    the files of packages already current, read back instead of rendered).
    """
    files: dict[str, str] = {}
    problems = []
    for spec_path in spec_paths:
        try:
            spec_files = build_one(spec_path) if build_one is not None else build(spec_path)[1]
        except SpecError as exc:
            problems.extend(exc.diagnostics)
            continue
        files.update(spec_files)
    if problems:
        raise SpecError(problems)
    by_package: dict[str, dict[str, str]] = {}
    for name, text in files.items():
        by_package.setdefault(name.split("/", 1)[0], {})[name] = text
    if not check:
        recover(out_dir)  # a killed earlier write is finished first, so what is compared is real
    taken = claim(out_dir, files, stale_too=not owned_only)
    written = tuple(p for p in sorted(by_package) if read_tree(out_dir, [p]) != by_package[p])
    counts = {package: len(mine) for package, mine in sorted(by_package.items())}
    touched = set(written) | set(taken.stale)
    if check:
        _report_packages(out_dir, counts, written, taken.stale, check)
        # Only the packages that would change: a current package's files are no news.
        diff = diff_tree({k: v for k, v in files.items() if k.split("/", 1)[0] in touched}, out_dir, touched) if touched else ""
        return Outcome(out_dir, counts, written, taken.stale, diff, taken.unrecorded)
    if taken.unrecorded:
        raise OwnershipError(unrecorded_problems(taken.unrecorded))
    if touched:
        reporter = active()
        if reporter is not None:
            reporter.subject = out_dir.as_posix()
        with stage("write"):
            write_tree({k: v for k, v in files.items() if k.split("/", 1)[0] in touched}, out_dir, touched)
    _report_packages(out_dir, counts, written, taken.stale, check)
    return Outcome(out_dir, counts, written, taken.stale)


def _report_packages(out_dir: Path, counts: dict[str, int], written: tuple[str, ...], stale: tuple[str, ...], check: bool) -> None:
    reporter = active()
    if reporter is None:
        return
    for package, count in counts.items():
        state = ("would change" if check else "written") if package in written else "up to date"
        reporter.line(f"{(out_dir / package).as_posix()}: {state} ({count} files)")
    for package in stale:
        reporter.line(f"{(out_dir / package).as_posix()}: {'would be removed' if check else 'removed'} (its spec is gone)")


def default_specs(specs_dir: Path) -> list[Path]:
    return sorted(p for p in specs_dir.glob("*.yaml"))

