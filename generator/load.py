"""Read a YAML spec into plain data, remembering where every node came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostic, SpecError

MAX_SPEC_BYTES = 5_000_000
MAX_DEPTH = 64
MAX_NODES = 200_000

JsonPath = tuple[str | int, ...]


@dataclass
class LoadedSpec:
    file: str
    data: Any
    locations: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    node_count: int = 0

    def locate(self, path: JsonPath) -> tuple[int, int]:
        """Line and column of the nearest node on `path` that the YAML had."""
        while path not in self.locations and path:
            path = path[:-1]
        return self.locations.get(path, (1, 1))

    def diagnostic(self, path: JsonPath, message: str) -> Diagnostic:
        line, column = self.locate(path)
        return Diagnostic(self.file, line, column, message, format_path(path))


def format_path(path: JsonPath) -> str:
    text = "$"
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def load_spec(path: Path, display_name: str | None = None) -> LoadedSpec:
    name = display_name or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError([Diagnostic(name, 1, 1, f"cannot read spec: {exc.strerror}")]) from None
    if len(raw) > MAX_SPEC_BYTES:
        raise SpecError([Diagnostic(name, 1, 1, f"spec is {len(raw)} bytes; the limit is {MAX_SPEC_BYTES}")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SpecError([Diagnostic(name, line, column, f"spec is not valid UTF-8 (byte 0x{raw[exc.start]:02x})")]) from None
    return parse_spec_text(text, name)


def parse_spec_text(text: str, name: str) -> LoadedSpec:
    spec = LoadedSpec(name, None)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise SpecError([Diagnostic(name, line, column, f"YAML syntax error: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise SpecError([Diagnostic(name, 1, 1, f"YAML error: {exc}")]) from None
    if node is None:
        raise SpecError([Diagnostic(name, 1, 1, "spec is empty")])
    problems: list[Diagnostic] = []
    spec.data = _convert(node, (), spec, problems, yaml.SafeLoader(""))
    if problems:
        raise SpecError(problems)
    return spec


def _convert(node: yaml.Node, path: JsonPath, spec: LoadedSpec, problems: list[Diagnostic], loader: yaml.SafeLoader) -> Any:
    spec.locations[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    spec.node_count += 1
    if spec.node_count > MAX_NODES:
        if spec.node_count == MAX_NODES + 1:
            problems.append(spec.diagnostic(path, f"spec expands to more than {MAX_NODES} nodes (YAML aliases?)"))
        return None
    if len(path) > MAX_DEPTH:
        problems.append(spec.diagnostic(path, f"nesting deeper than {MAX_DEPTH} levels"))
        return None
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(_at(spec, key_node, path, "mapping keys must be plain scalars"))
                continue
            key = loader.construct_object(key_node)
            if key_node.tag == "tag:yaml.org,2002:merge":
                problems.append(_at(spec, key_node, path, "YAML merge keys (<<) are not supported in specs"))
                continue
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                first_line, _ = spec.locations.get(path + (key,), (0, 0))
                problems.append(_at(spec, key_node, path + (key,), f"duplicate key '{key}' (first defined on line {first_line})"))
                continue
            result[key] = _convert(value_node, path + (key,), spec, problems, loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), spec, problems, loader) for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node)
    except yaml.YAMLError as exc:
        problems.append(spec.diagnostic(path, f"invalid scalar: {getattr(exc, 'problem', exc)}"))
        return None


def _at(spec: LoadedSpec, node: yaml.Node, path: JsonPath, message: str) -> Diagnostic:
    return Diagnostic(spec.file, node.start_mark.line + 1, node.start_mark.column + 1, message, format_path(path))
