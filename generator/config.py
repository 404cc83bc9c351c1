"""`[tool.aws-binding-generator]` in pyproject.toml: which specs, where to, and what to write.

```toml
[tool.aws-binding-generator]
specs = ["specs/*.yaml"]       # paths or globs, relative to this file's folder
out = "generated"
exports = ["jsonschema", "openapi", "typescript"]
server = true
client = true
local-handler = true

[tool.aws-binding-generator.packages]
"specs/pollforjobs.yaml" = "pollforjobs"   # a spec's package name, instead of its own
```

The nearest pyproject.toml with that table, from the working directory upwards, is used
(`--config FILE` names one instead). Every problem is a located error,
`pyproject.toml:LINE:COLUMN: error: ...`, and all of them are reported at once.
"""

from __future__ import annotations

import difflib
import keyword
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, SpecError
from .outputs import EVERYTHING, EXPORT_FORMATS, Outputs
from .paths import message_path
from .toml_positions import Path as KeyPath
from .toml_positions import Positions

TABLE = ("tool", "aws-binding-generator")
TABLE_NAME = "[tool.aws-binding-generator]"
DEFAULT_SPECS = ("specs/*.yaml",)
DEFAULT_OUT = "generated"
PACKAGE_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
KEYS = ("specs", "out", "packages", "exports", "server", "client", "local-handler")
_GLOB = re.compile(r"[*?[]")
_TOML_ERROR_AT = re.compile(r"^(?P<message>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$", re.DOTALL)


class ConfigError(SpecError):
    """Problems in the configuration: printed like spec problems, exit status 2."""


@dataclass(frozen=True)
class Config:
    """The settings a run uses: from a pyproject.toml (`path`), or the defaults (`path` None).
    Paths are relative to `root`, the folder the settings are read relative to."""

    root: Path
    specs: tuple[str, ...] = DEFAULT_SPECS  # as written: paths or globs
    out: str = DEFAULT_OUT
    outputs: Outputs = EVERYTHING
    packages: dict[str, str] = field(default_factory=dict)  # spec path as written -> package
    path: Path | None = None

    def package_for(self, spec: Path) -> str | None:
        """The package name the configuration gives `spec` (a path relative to `root`)."""
        wanted = _normal(spec)
        return next((name for written, name in self.packages.items() if _normal(Path(written)) == wanted), None)


def _normal(path: Path) -> str:
    return Path(*[part for part in path.parts if part != "."]).as_posix()


def find(start: Path) -> Path | None:
    """The nearest pyproject.toml with a [tool.aws-binding-generator] table, from `start` up."""
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and _has_table(candidate):
            return candidate
    return None


def _has_table(path: Path) -> bool:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        # A broken pyproject.toml that mentions the table is still the one meant: reading it
        # for real reports the problem with its position.
        try:
            return "aws-binding-generator" in path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    return isinstance(document.get("tool"), dict) and "aws-binding-generator" in document["tool"]


def load(path: Path, *, required: bool = True) -> Config:
    """The configuration in `path`. Raises ConfigError, with every problem located."""
    shown = message_path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConfigError([Diagnostic(shown, 1, 1, f"cannot read the configuration: {exc.strerror or exc}")]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([Diagnostic(shown, 1, 1, f"the configuration is not UTF-8 text: {exc.reason}")]) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([_syntax_error(shown, str(exc), text)]) from None
    table = document.get("tool", {}).get("aws-binding-generator") if isinstance(document.get("tool"), dict) else None
    root = path.parent
    if table is None:
        if required:
            raise ConfigError([Diagnostic(shown, 1, 1, f"no {TABLE_NAME} table in {path.name}")])
        return Config(root=root)
    reader = _Reader(shown, Positions(text), root)
    config = reader.config(table)
    if reader.problems:
        raise ConfigError(reader.problems)
    return config


def _syntax_error(shown: str, message: str, text: str) -> Diagnostic:
    found = _TOML_ERROR_AT.match(message)
    if found:
        return Diagnostic(shown, int(found["line"]), int(found["column"]), f"not valid TOML: {found['message']}")
    lines = text.splitlines() or [""]
    return Diagnostic(shown, len(lines), len(lines[-1]) + 1, f"not valid TOML: {message.removesuffix(' (at end of document)')}")


class _Reader:
    def __init__(self, shown: str, positions: Positions, root: Path) -> None:
        self.shown, self.positions, self.root = shown, positions, root
        self.problems: list[Diagnostic] = []

    def error(self, path: KeyPath, message: str, *, at_key: bool = False) -> None:
        line, column = self.positions.key(path) if at_key else self.positions.value(path)
        self.problems.append(Diagnostic(self.shown, line, column, message))

    def config(self, table: Any) -> Config:
        if not isinstance(table, dict):
            self.error(TABLE, f"{TABLE_NAME} must be a table, not {_kind(table)}")
            return Config(root=self.root)
        for key in table:
            if key not in KEYS:
                close = difflib.get_close_matches(key, KEYS, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else f" (the keys: {', '.join(KEYS)})"
                self.error((*TABLE, key), f"unknown key '{key}' in {TABLE_NAME}{hint}", at_key=True)
        specs = self.specs(table.get("specs", list(DEFAULT_SPECS)), "specs" in table)
        out = self.string(table, "out", DEFAULT_OUT)
        exports = self.exports(table.get("exports", list(EXPORT_FORMATS)))
        flags = {key: self.boolean(table, key) for key in ("server", "client", "local-handler")}
        outputs = Outputs(tuple(exports), flags["server"], flags["client"], flags["local-handler"])
        packages = self.packages(table.get("packages", {}), specs)
        return Config(self.root, tuple(specs), out, outputs, packages)

    def specs(self, value: Any, given: bool) -> list[str]:
        path = (*TABLE, "specs")
        if not _is_list_of(value, str):
            self.error(path, f"'specs' must be a list of paths or globs (strings), not {_kind(value)}")
            return []
        if given and not value:
            self.error(path, "'specs' is empty: name at least one spec, or a glob such as \"specs/*.yaml\"")
        for index, pattern in enumerate(value):
            if not given:
                break
            if not pattern.strip():
                self.error((*path, index), "an empty path in 'specs'")
            elif Path(pattern).is_absolute():
                self.error((*path, index), f"'{pattern}' is absolute: write it relative to {self.shown}'s folder")
            elif not matching(self.root, pattern):
                what = "matches no file" if _GLOB.search(pattern) else "is not a file"
                self.error((*path, index), f"'{pattern}' {what} (relative to the folder of {self.shown})")
        return list(value)

    def string(self, table: dict[str, Any], key: str, default: str) -> str:
        value = table.get(key, default)
        if not isinstance(value, str) or not value.strip():
            self.error((*TABLE, key), f"'{key}' must be a folder (a non-empty string), not {_kind(value)}")
            return default
        return value

    def boolean(self, table: dict[str, Any], key: str) -> bool:
        value = table.get(key, True)
        if not isinstance(value, bool):
            self.error((*TABLE, key), f"'{key}' must be true or false, not {_kind(value)}")
            return True
        return value

    def exports(self, value: Any) -> list[str]:
        path = (*TABLE, "exports")
        if not _is_list_of(value, str):
            self.error(path, f"'exports' must be a list of export formats ({', '.join(EXPORT_FORMATS)}), not {_kind(value)}")
            return list(EXPORT_FORMATS)
        chosen: list[str] = []
        for index, name in enumerate(value):
            if name in chosen:
                self.error((*path, index), f"'{name}' is listed twice in 'exports'")
            elif name not in EXPORT_FORMATS:
                close = difflib.get_close_matches(name, EXPORT_FORMATS, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"the formats: {', '.join(EXPORT_FORMATS)}"
                self.error((*path, index), f"unknown export format '{name}'; {hint}")
            else:
                chosen.append(name)
        return sorted(chosen)

    def packages(self, value: Any, specs: list[str]) -> dict[str, str]:
        path = (*TABLE, "packages")
        if not isinstance(value, dict):
            self.error(path, f"'packages' must be a table of spec path = package name, not {_kind(value)}")
            return {}
        listed = {_normal(spec) for pattern in specs for spec in matching(self.root, pattern)}
        found: dict[str, str] = {}
        owners: dict[str, str] = {}
        for spec, name in value.items():
            where = (*path, spec)
            if _normal(Path(spec)) not in listed:
                self.error(where, f"'{spec}' is not one of the specs 'specs' names", at_key=True)
            if not isinstance(name, str) or not PACKAGE_NAME.fullmatch(name) or keyword.iskeyword(name):
                self.error(where, f"the package for '{spec}' must be a Python package name (lower-case letters, digits and _, starting with a letter, at most 64), not {_shown(name)}")
                continue
            if name in owners:
                self.error(where, f"'{spec}' and '{owners[name]}' would both be the package '{name}'")
                continue
            owners[name] = spec
            found[spec] = name
        return found


def is_glob(pattern: str) -> bool:
    return _GLOB.search(pattern) is not None


def matching(root: Path, pattern: str) -> list[Path]:
    """The spec files `pattern` names (relative to `root`), as paths relative to `root`, sorted."""
    if _GLOB.search(pattern):
        return sorted(p.relative_to(root) for p in root.glob(pattern) if p.is_file())
    return [Path(pattern)] if (root / pattern).is_file() else []


def _is_list_of(value: Any, kind: type) -> bool:
    return isinstance(value, list) and all(isinstance(item, kind) for item in value)


def _kind(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "an array", dict: "a table"}
    return names.get(type(value), f"a {type(value).__name__}")


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str) else _kind(value)
