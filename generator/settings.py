"""What a `regenerate`, `check` or `watch` run does: the configuration, overridden by flags.

The configuration is `[tool.aws-binding-generator]` in the nearest pyproject.toml from the
working directory upwards (or the file `--config` names); without one, the defaults
(`specs/*.yaml` into `generated/`). A run happens in the configuration's folder, its root:
specs are named relative to it in the generated headers, so the output is the same from
whichever folder below it the command is run. Paths given on the command line are relative
to the working directory, as usual.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, replace
from pathlib import Path

from . import config
from .config import Config
from .incremental import Job
from .outputs import EXPORT_FORMATS, Outputs


@dataclass(frozen=True)
class Plan:
    root: Path  # absolute: the folder the run happens in
    jobs: tuple[Job, ...]  # spec paths relative to `root` when inside it
    out: Path  # relative to `root` when inside it
    shown_out: Path  # the output folder as messages name it (from the working directory)
    config: Config
    specs_given: Path | None  # --specs DIR, as given


def output_flags(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """The flags that override the configuration's choice of outputs."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--exports",
        type=export_list,
        metavar="LIST",
        default=default,
        help=f"comma-separated exports to write ({', '.join(EXPORT_FORMATS)}); '' for none (default: all)",
    )
    for name, what in (("server", "the ASGI server"), ("client", "the client"), ("local-handler", "the spec's local handler")):
        parser.add_argument(f"--{name}", action=argparse.BooleanOptionalAction, default=default, help=f"write {what} (default: yes)")


def export_list(text: str) -> tuple[str, ...]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in EXPORT_FORMATS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown export format {', '.join(map(repr, unknown))} (the formats: {', '.join(EXPORT_FORMATS)})")
    return tuple(sorted(set(names)))


def overridden(outputs: Outputs, args: argparse.Namespace) -> Outputs:
    """`outputs` with the flags given in `args`."""
    exports = getattr(args, "exports", None)
    if exports is not None:
        outputs = replace(outputs, exports=exports)
    for flag in ("server", "client", "local_handler"):
        value = getattr(args, flag, None)
        if value is not None:
            outputs = replace(outputs, **{flag: value})
    return outputs


def plan(args: argparse.Namespace, cwd: Path) -> Plan:
    """The run `args` asks for. Raises config.ConfigError (located problems)."""
    cwd = cwd.resolve()
    config_path = _given(args.config, cwd) if getattr(args, "config", None) else config.find(cwd)
    settings = config.load(config_path) if config_path is not None else Config(root=cwd)
    root = settings.root.resolve()
    settings = replace(settings, root=root, outputs=overridden(settings.outputs, args))
    if args.specs is not None:
        spec_paths = sorted(_given(args.specs, cwd).glob("*.yaml"))
    else:
        spec_paths = [root / spec for pattern in settings.specs for spec in config.matching(root, pattern)]
    out = _given(args.out, cwd) if args.out is not None else root / settings.out
    jobs = []
    for spec in dict.fromkeys(spec_paths):  # a spec two globs match is built once
        inside = _inside(spec, root)
        jobs.append(Job(inside, settings.outputs, settings.package_for(inside)))
    shown = args.out if args.out is not None else _shown(out, cwd, root)
    return Plan(root, tuple(jobs), _inside(out, root), shown, settings, args.specs)


def _shown(out: Path, cwd: Path, root: Path) -> Path:
    """The output folder as a path from the working directory: `../generated` from a folder
    of the project, absolute from outside it."""
    if cwd.is_relative_to(root) and out.resolve().is_relative_to(root):
        return Path(os.path.relpath(out.resolve(), cwd))
    return _inside(out, cwd)


def _given(path: Path, cwd: Path) -> Path:
    return path if path.is_absolute() else cwd / path


def _inside(path: Path, root: Path) -> Path:
    try:
        return path.resolve().relative_to(root)
    except ValueError:
        return Path(os.path.abspath(path))
