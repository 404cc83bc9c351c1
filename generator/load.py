"""Read a YAML spec into plain data, remembering where every node came from.

Only plain YAML reaches the checker: mappings with string keys, sequences, strings, numbers,
booleans and null. Anything else (tags like !!python/object, merge keys, aliases that expand
into millions of nodes, nesting deeper than MAX_DEPTH, text that is not UTF-8) is a located
diagnostic, never an exception or a constructed object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import yaml_errors
from .diagnostics import Diagnostic, Location, SpecError

MAX_SPEC_BYTES = 5_000_000
MAX_DEPTH = 64
MAX_NODES = 200_000

JsonPath = tuple[str | int, ...]

_YAML_TAG = "tag:yaml.org,2002:"
# Tags that plain YAML resolves on its own; an unquoted date is read as the text it is.
_PLAIN_TAGS = {_YAML_TAG + name for name in ("str", "int", "float", "bool", "null", "map", "seq")}
_TEXT_TAGS = {_YAML_TAG + "timestamp"}
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class LoadedSpec:
    file: str
    data: Any
    locations: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    node_count: int = 0
    key_locations: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    collections: set[JsonPath] = field(default_factory=set)

    def locate(self, path: JsonPath) -> tuple[int, int]:
        """Line and column of the nearest node on `path` that the YAML had: a scalar where its
        value starts, a mapping or list where its key is (its value starts a line later)."""
        while path not in self.locations and path:
            path = path[:-1]
        if path in self.collections and path in self.key_locations:
            return self.key_locations[path]
        return self.locations.get(path, (1, 1))

    def locate_key(self, path: JsonPath) -> tuple[int, int]:
        """Where the key that ends `path` was written (for problems with a name itself)."""
        return self.key_locations.get(path) or self.locate(path)

    def location(self, path: JsonPath) -> Location:
        line, column = self.locate(path)
        return Location(self.file, line, column, format_path(path))

    def diagnostic(self, path: JsonPath, message: str) -> Diagnostic:
        return self.location(path).error(message)

    def key_diagnostic(self, path: JsonPath, message: str) -> Diagnostic:
        line, column = self.locate_key(path)
        return Diagnostic(self.file, line, column, message, format_path(path))


def format_path(path: JsonPath) -> str:
    text = "$"
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def load_spec(path: Path, display_name: str | None = None) -> LoadedSpec:
    name = display_name or str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_SPEC_BYTES + 1)
    except OSError as exc:
        raise SpecError([Diagnostic(name, 1, 1, f"cannot read spec: {exc.strerror or exc}")]) from None
    if len(raw) > MAX_SPEC_BYTES:
        raise SpecError([Diagnostic(name, 1, 1, f"spec is larger than the limit of {MAX_SPEC_BYTES} bytes")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_column(raw, exc.start, b"\n")
        raise SpecError([Diagnostic(name, line, column, f"spec is not valid UTF-8 (byte 0x{raw[exc.start]:02x})")]) from None
    return parse_spec_text(text, name)


def _line_column(text: Any, offset: int, newline: Any) -> tuple[int, int]:
    line = text[:offset].count(newline) + 1
    return line, offset - (text.rfind(newline, 0, offset) + 1) + 1


class _TooDeep(yaml.composer.ComposerError):
    pass


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses to compose nesting deeper than MAX_DEPTH (no RecursionError)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH + 1:
                mark = self.peek_event().start_mark
                raise _TooDeep(None, None, f"nesting deeper than {MAX_DEPTH} levels", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_CParser: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None)


def _compose(text: str) -> yaml.Node | None:
    # libyaml's parser (C) gives the events, the composer above (Python) keeps its depth
    # limit; a document it cannot read is read again by the pure-Python parser, whose errors
    # yaml_errors.explain words.
    if _CParser is not None:
        fast = _FastLoader(text)
        try:
            return fast.get_single_node()
        except yaml.YAMLError:
            pass
        finally:
            fast.dispose()
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


if _CParser is not None:

    class _FastLoader(yaml.composer.Composer, _CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """libyaml's events composed by PyYAML's composer with _Loader's depth limit."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            self._depth += 1
            try:
                if self._depth > MAX_DEPTH + 1:
                    raise _TooDeep(None, None, f"nesting deeper than {MAX_DEPTH} levels", self.peek_event().start_mark)
                return yaml.composer.Composer.compose_node(self, parent, index)
            finally:
                self._depth -= 1


def parse_spec_text(text: str, name: str) -> LoadedSpec:
    spec = LoadedSpec(name, None)
    try:
        node = _compose(text)
    except _TooDeep as exc:
        mark = exc.problem_mark
        raise SpecError([Diagnostic(name, mark.line + 1, mark.column + 1, str(exc.problem))]) from None
    except yaml.MarkedYAMLError as exc:
        line, column, message = yaml_errors.explain(exc, text)
        raise SpecError([Diagnostic(name, line, column, message)]) from None
    except yaml.reader.ReaderError as exc:
        line, column = _line_column(text, exc.position, "\n")
        char = exc.character if isinstance(exc.character, int) else ord(exc.character or "\0")
        message = f"character U+{char:04X} is not allowed in YAML; write it as an escape in a double-quoted string"
        raise SpecError([Diagnostic(name, line, column, message)]) from None
    except yaml.YAMLError as exc:
        raise SpecError([Diagnostic(name, 1, 1, f"YAML error: {_short_text(str(exc))}")]) from None
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
            # Aliases point back at their anchor, so name the top-level entry that grew too big.
            problems.append(spec.diagnostic(path[:2], f"spec expands to more than {MAX_NODES} nodes (YAML aliases?)"))
        return None
    if len(path) > MAX_DEPTH:
        problems.append(spec.diagnostic(path, f"nesting deeper than {MAX_DEPTH} levels"))
        return None
    if node.tag not in _PLAIN_TAGS and node.tag not in _TEXT_TAGS:
        problems.append(spec.diagnostic(path, f"YAML tag '{_short_tag(node.tag)}' is not allowed in specs; only plain YAML is"))
        return None
    if isinstance(node, yaml.CollectionNode):
        spec.collections.add(path)
    if isinstance(node, yaml.MappingNode):
        return _convert_mapping(node, path, spec, problems, loader)
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), spec, problems, loader) for i, item in enumerate(node.value)]
    if node.tag in _TEXT_TAGS:
        return _text(node, path, spec, problems)
    try:
        value = loader.construct_object(node)
    except (yaml.YAMLError, ValueError) as exc:
        problems.append(spec.diagnostic(path, f"invalid scalar: {_short_text(str(getattr(exc, 'problem', None) or exc))}"))
        return None
    return _text(node, path, spec, problems) if isinstance(value, str) else value


def _convert_mapping(node: yaml.MappingNode, path: JsonPath, spec: LoadedSpec, problems: list[Diagnostic], loader: yaml.SafeLoader) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if key_node.tag == _YAML_TAG + "merge":
            problems.append(_at(spec, key_node, path, "YAML merge keys (<<) are not supported in specs"))
            continue
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN_TAGS | _TEXT_TAGS:
            problems.append(_at(spec, key_node, path, "mapping keys must be plain text"))
            continue
        if key_node.tag != _YAML_TAG + "str" and key_node.tag not in _TEXT_TAGS:
            kind = key_node.tag.removeprefix(_YAML_TAG)
            problems.append(_at(spec, key_node, path, f"key {key_node.value!r} is not text to YAML (it reads as {kind}); quote it"))
            continue
        key = _text(key_node, path, spec, problems)
        if key in result:
            first_line, _ = spec.key_locations.get(path + (key,), (0, 0))
            problems.append(_at(spec, key_node, path + (key,), f"duplicate key '{_short_text(key)}' (first defined on line {first_line})"))
            continue
        spec.key_locations[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        result[key] = _convert(value_node, path + (key,), spec, problems, loader)
    return result


def _text(node: yaml.Node, path: JsonPath, spec: LoadedSpec, problems: list[Diagnostic]) -> str:
    """The text of a scalar, with escaped UTF-16 surrogate pairs joined into one character."""
    value = str(node.value)
    if not _SURROGATE.search(value):
        return value
    try:
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        problems.append(_at(spec, node, path, "text contains a lone UTF-16 surrogate escape (like \\ud800); write the character itself"))
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _short_tag(tag: str) -> str:
    text = "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag
    return _short_text(text)


def _short_text(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _at(spec: LoadedSpec, node: yaml.Node, path: JsonPath, message: str) -> Diagnostic:
    return Diagnostic(spec.file, node.start_mark.line + 1, node.start_mark.column + 1, message, format_path(path))
