"""Read a model: a JSON file (optionally gzip-compressed) or a model shipped in botocore.

Reading is bounded: at most MAX_MODEL_BYTES of JSON text, however small the compressed
file (a gzip bomb stops at the limit), and JSON that nests deeper than MAX_DEPTH or repeats a
key is refused with its line and column, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic
from .errors import ModelError, ModelPath, format_path

# The largest model botocore ships (EC2) is 4.4 MB of JSON; Smithy's JSON AST of it is a few
# times that. 32 MiB leaves room for growth and keeps a hostile file from exhausting memory.
MAX_MODEL_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 200
BOTOCORE_PREFIX = "botocore:"
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20


@dataclass
class ModelDocument:
    """A parsed model and what a spec records about where it came from."""

    data: Any
    name: str  # how messages name it: a path, or botocore:SERVICE
    text: str | None  # the JSON text, to locate problems by line and column
    record: dict[str, Any] = field(default_factory=dict)  # model, botocore_version, model_sha256

    def error(self, path: ModelPath, message: str) -> ModelError:
        return ModelError([self.diagnostic(path, message)])

    def diagnostic(self, path: ModelPath, message: str) -> Diagnostic:
        line, column = locate(self.text, path) if self.text is not None else (0, 0)
        return Diagnostic(self.name, line, column, message, format_path(path))


def canonical_digest(data: Any) -> str:
    """SHA-256 of the model's JSON in one canonical form (sorted keys, no whitespace), so the
    same model read from botocore, from a file or from a .json.gz has one digest."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_model(source: str, display: str | None = None) -> ModelDocument:
    """The model named by `source`: `botocore:SERVICE[@API_VERSION]` or a file path."""
    if source.startswith(BOTOCORE_PREFIX):
        return _read_botocore(source)
    return read_model_file(Path(source), display or source)


def read_model_file(path: Path, name: str) -> ModelDocument:
    raw = _read_bounded(path, name)
    text = _decode(raw, name)
    data = parse_json(text, name)
    return ModelDocument(data, name, text, {"model_sha256": canonical_digest(data)})


def _fail(name: str, message: str, line: int = 0, column: int = 0) -> ModelError:
    return ModelError([Diagnostic(name, line, column, message)])


def _read_bounded(path: Path, name: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            head = handle.read(2)
            if head == _GZIP_MAGIC:
                return _gunzip(head + handle.read(MAX_MODEL_BYTES + 1), name)
            raw = head + handle.read(MAX_MODEL_BYTES - 1)
            if handle.read(1):
                raise _fail(name, f"model is larger than the limit of {MAX_MODEL_BYTES} bytes ({MAX_MODEL_BYTES // (1 << 20)} MiB)")
            return raw
    except OSError as exc:
        raise _fail(name, f"cannot read the model: {exc.strerror or exc}") from None


def _gunzip(compressed: bytes, name: str) -> bytes:
    out = bytearray()
    rest = compressed
    while rest:
        inflater = zlib.decompressobj(wbits=31)
        try:
            pending = rest
            while pending:
                out += inflater.decompress(pending, MAX_MODEL_BYTES + 1 - len(out))
                if len(out) > MAX_MODEL_BYTES:
                    raise _fail(name, f"model decompresses to more than the limit of {MAX_MODEL_BYTES} bytes")
                pending = inflater.unconsumed_tail
            if not inflater.eof:
                raise _fail(name, "gzip data is truncated")
        except zlib.error as exc:
            raise _fail(name, f"not valid gzip data ({exc})") from None
        rest = inflater.unused_data
        if rest and rest[:2] != _GZIP_MAGIC:
            break  # trailing garbage after the last member, as gzip(1) ignores it
    return bytes(out)


def _decode(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _fail(name, f"model is not valid UTF-8 (byte 0x{raw[exc.start]:02x})", line, column) from None
    return text.removeprefix("\ufeff")


class _DuplicateKey(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _DuplicateKey
    return result


def parse_json(text: str, name: str) -> Any:
    if not text.strip():
        raise _fail(name, "model is empty", 1, 1)
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise _fail(name, f"not valid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except (_DuplicateKey, RecursionError):
        problem = _structural_problem(text)
        if problem is None:  # pragma: no cover - the walker finds what json.loads refused
            raise _fail(name, "model nests too deeply to read") from None
        (line, column), message = problem
        raise _fail(name, message, line, column) from None


# --- a position-tracking walk over JSON text (used only to locate problems) ---

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SCANSTRING: Any = json.decoder.scanstring  # type: ignore[attr-defined]
_SCALAR = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null")


def _line_column(text: str, position: int) -> tuple[int, int]:
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


def _walk(text: str) -> Iterator[tuple[tuple[str | int, ...], int, str]]:
    """Yield (path, position, kind) for every value ('value') and key ('key', or 'duplicate'
    for a key its object already has) in document order, and 'depth' where nesting passes
    MAX_DEPTH. Iterative, so any nesting is walked; malformed text ends the walk."""
    position = _skip(text, 0)
    stack: list[list[Any]] = []  # per open container: [kind, index, keys seen]
    path: list[str | int] = []
    while True:
        yield tuple(path), position, "value"
        char = text[position : position + 1]
        if char in ("{", "["):
            if len(stack) >= MAX_DEPTH:
                yield tuple(path), position, "depth"
                return
            position = _skip(text, position + 1)
            closer = "]" if char == "[" else "}"
            if text.startswith(closer, position):
                position += 1
            elif char == "[":
                stack.append(["list", 0, None])
                path.append(0)
                continue
            else:
                stack.append(["object", 0, set()])
                after_key = yield from _key(text, position, stack[-1][2], path)
                if after_key is None:
                    return
                position = after_key
                continue
        elif char == '"':
            _, position = _SCANSTRING(text, position + 1)
        else:
            match = _SCALAR.match(text, position)
            if not match:
                return
            position = match.end()
        while True:  # the value is done: a separator, or closers of finished containers
            position = _skip(text, position)
            if not stack:
                return
            frame = stack[-1]
            char = text[position : position + 1]
            if char == ",":
                position = _skip(text, position + 1)
                path.pop()
                if frame[0] == "list":
                    frame[1] += 1
                    path.append(frame[1])
                else:
                    after_key = yield from _key(text, position, frame[2], path)
                    if after_key is None:
                        return
                    position = after_key
                break
            if char not in ("]", "}"):
                return
            position += 1
            path.pop()
            stack.pop()


def _skip(text: str, position: int) -> int:
    match = _WHITESPACE.match(text, position)
    return match.end() if match else position


def _key(text: str, position: int, seen: set[str], path: list[str | int]) -> Generator[tuple[tuple[str | int, ...], int, str], None, int | None]:
    if not text.startswith('"', position):
        return None
    key, end = _SCANSTRING(text, position + 1)
    path.append(key)
    yield tuple(path), position, "duplicate" if key in seen else "key"
    seen.add(key)
    end = _skip(text, end)
    if not text.startswith(":", end):
        return None
    return _skip(text, end + 1)


def _structural_problem(text: str) -> tuple[tuple[int, int], str] | None:
    for path, position, kind in _walk(text):
        if kind == "depth":
            return _line_column(text, position), f"JSON nests deeper than {MAX_DEPTH} levels"
        if kind == "duplicate":
            return _line_column(text, position), f"duplicate key {str(path[-1])[:80]!r} in the object at {format_path(path[:-1])}"
    return None


def locate(text: str, path: ModelPath) -> tuple[int, int]:
    """Line and column of the value at `path` (the nearest enclosing one that exists)."""
    best = (1, 1)
    depth = 0
    for found, position, kind in _walk(text):
        if kind == "depth":
            break
        if kind == "value" and len(found) >= depth and tuple(path[: len(found)]) == found:
            best, depth = _line_column(text, position), len(found)
            if len(found) == len(path):
                return best
    return best


def _read_botocore(source: str) -> ModelDocument:
    import botocore
    import botocore.exceptions
    import botocore.loaders

    service, _, api_version = source.removeprefix(BOTOCORE_PREFIX).partition("@")
    loader = botocore.loaders.Loader()
    available = loader.list_available_services("service-2")
    if service not in available:
        import difflib

        close = difflib.get_close_matches(service, available, n=1)
        hint = f"; did you mean 'botocore:{close[0]}'?" if close else ""
        raise _fail(source, f"botocore {botocore.__version__} has no service '{service}'{hint}")
    try:
        data = loader.load_service_model(service, "service-2", api_version or None)
    except botocore.exceptions.DataNotFoundError:
        versions = ", ".join(loader.list_api_versions(service, "service-2"))
        raise _fail(source, f"botocore {botocore.__version__} has no API version '{api_version}' of '{service}' (it has: {versions})") from None
    record = {"model": source, "botocore_version": botocore.__version__, "model_sha256": canonical_digest(data)}
    return ModelDocument(data, source, None, record)
