"""A hatchling build hook: `[tool.hatch.build.hooks.aws-bindings]` in a project's pyproject.toml.

At every build (`python -m build`, `pip wheel`, `pip install .` and `pip install -e .`) it
regenerates the project's packages as `python -m generator` would, from the project's
`[tool.aws-binding-generator]` (or the defaults: `specs/*.yaml` into `generated/`), and puts
them into what is built:

- a wheel: each generated package at the top level (`import <package>`);
- an sdist: the generated files where they are (`<out>/<package>/...`), next to the specs,
  so that a wheel built from the sdist finds them current by their fingerprints;
- an editable install: a .pth file that puts the output folder on `sys.path`, so the
  packages import from the project folder, and `python -m generator` (or `watch`) updates them.

A spec problem fails the build: the located errors are printed, and the build exits 2.
Registered by this distribution's `hatch` entry point (see pyproject.toml).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface
from hatchling.plugin import hookimpl

from . import config, incremental
from .diagnostics import Diagnostic, SpecError
from .ownership import OwnershipError, recorded_files

PLUGIN_NAME = "aws-bindings"
# Options hatchling itself gives every build hook; this hook has none of its own.
HATCH_OPTIONS = frozenset({"dependencies", "require-runtime-dependencies", "require-runtime-features", "enable-by-default"})


class AwsBindingsBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = PLUGIN_NAME

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root).resolve()
        try:
            self._refuse_unknown_options(root)
            settings = config.load(root / "pyproject.toml", required=False)
            with contextlib.chdir(root):
                packages = self._generate(root, settings)
        except SpecError as exc:
            for diagnostic in exc.diagnostics:
                self.app.display_error(str(diagnostic))
            count = len(exc.diagnostics)
            self.app.display_error(f"{count} error{'s' if count != 1 else ''} in the specs; the build stopped.")
            raise SystemExit(2) from None
        except OwnershipError as exc:
            for problem in exc.problems:
                self.app.display_error(f"error: {problem}")
            raise SystemExit(4) from None
        out = root / settings.out
        if self.target_name == "wheel" and version == "editable":
            self._editable(out, build_data)
            return
        for package in packages:
            for name in sorted(recorded_files(out / package) or ()):
                if name == ".generated.json" and self.target_name == "wheel":
                    continue  # the generator's own record: no use to an installed package
                inside = f"{package}/{name}"
                target = inside if self.target_name == "wheel" else f"{Path(settings.out).as_posix()}/{inside}"
                build_data["force_include"][str(out / inside)] = target

    def _generate(self, root: Path, settings: config.Config) -> list[str]:
        specs = [spec for pattern in settings.specs for spec in config.matching(root, pattern)]
        if not specs:
            where = root / "pyproject.toml"
            raise SpecError([Diagnostic(str(where), 1, 1, f"no spec matches {', '.join(settings.specs)} (set 'specs' in [tool.aws-binding-generator])")])
        jobs = [incremental.Job(spec, settings.outputs, settings.package_for(spec)) for spec in dict.fromkeys(specs)]
        outcome = incremental.run(jobs, Path(settings.out))
        for package, count in outcome.packages.items():
            state = "generated" if package in outcome.written else "up to date"
            self.app.display_info(f"aws-bindings: {settings.out}/{package} {state} ({count} files)")
        return list(outcome.packages)

    def _editable(self, out: Path, build_data: dict[str, Any]) -> None:
        self._pth_folder = Path(tempfile.mkdtemp(prefix="aws-bindings-"))
        pth = self._pth_folder / f"_aws_bindings_{self.metadata.core.name.replace('-', '_')}.pth"
        pth.write_text(f"{out}\n", encoding="utf-8")
        forced = dict(build_data.get("force_include_editable") or self.build_config.get_force_include())
        build_data["force_include_editable"] = {**forced, str(pth): pth.name}

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        folder = getattr(self, "_pth_folder", None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def _refuse_unknown_options(self, root: Path) -> None:
        unknown = sorted(set(self.config) - HATCH_OPTIONS)
        if not unknown:
            return
        from .toml_positions import Positions

        path = root / "pyproject.toml"
        positions = Positions(path.read_text(encoding="utf-8"))
        problems = []
        for key in unknown:
            line, column = positions.key(("tool", "hatch", "build", "hooks", PLUGIN_NAME, key))
            problems.append(Diagnostic("pyproject.toml", line, column, f"unknown option '{key}' in [tool.hatch.build.hooks.{PLUGIN_NAME}]: the hook reads its settings from [tool.aws-binding-generator]"))
        raise SpecError(problems)


@hookimpl
def hatch_register_build_hook() -> type[BuildHookInterface]:  # type: ignore[type-arg]
    return AwsBindingsBuildHook
