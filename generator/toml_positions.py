"""Where each key and value of a TOML document starts, for errors located as FILE:LINE:COLUMN.

The values come from `tomllib` (the standard library's parser, exact TOML 1.0), which gives
no positions; nor does tomlkit, the style-preserving parser (it keeps the text, not where
each item stands). So this scans the text itself, once tomllib has accepted it: it only
needs to find where keys and values start, and every string, comment and bracket of a valid
document is skipped as TOML defines it.

Paths are tuples of keys and, for array elements and arrays of tables, 0-based indexes:
`("tool", "aws-binding-generator", "specs", 1)`. Lines and columns count from 1; columns
count characters.
"""

from __future__ import annotations

import bisect
import re
import tomllib

Path = tuple[str | int, ...]
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]}#\r\n]")


class Positions:
    """`key(path)` and `value(path)`: (line, column) of a path's key and of its value."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.keys: dict[Path, int] = {}
        self.values: dict[Path, int] = {}
        self._arrays_of_tables: dict[Path, int] = {}
        self._scan()

    def key(self, path: Path) -> tuple[int, int]:
        """Where the key of `path` is written, or the closest enclosing one that is."""
        return self._at(self.keys, path)

    def value(self, path: Path) -> tuple[int, int]:
        """Where the value of `path` starts (its key when it has none: a table)."""
        if path in self.values:
            return self._line_column(self.values[path])
        return self._at(self.keys, path)

    def _at(self, found: dict[Path, int], path: Path) -> tuple[int, int]:
        while path:
            if path in found:
                return self._line_column(found[path])
            path = path[:-1]
        return 1, 1

    def _line_column(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    # --- the scanner ---------------------------------------------------------------------

    def _scan(self) -> None:
        i, table = 0, Path()
        while True:
            i = self._skip(i, newlines=True)
            if i >= len(self.text):
                return
            if self.text.startswith("[[", i):
                keys, i = self._key(i + 2)
                table = self._header(keys, array=True)
                i = self._skip(i) + 2
            elif self.text[i] == "[":
                keys, i = self._key(i + 1)
                table = self._header(keys, array=False)
                i = self._skip(i) + 1
            else:
                i = self._key_value(i, table)

    def _header(self, keys: list[tuple[str, int]], *, array: bool) -> Path:
        path: Path = ()
        for number, (name, offset) in enumerate(keys):
            path += (name,)
            self.keys.setdefault(path, offset)
            last = number == len(keys) - 1
            if last and array:
                index = self._arrays_of_tables.get(path, -1) + 1
                self._arrays_of_tables[path] = index
                path += (index,)
                self.keys[path] = offset
            elif path in self._arrays_of_tables:
                path += (self._arrays_of_tables[path],)
        return path

    def _key_value(self, i: int, table: Path) -> int:
        keys, i = self._key(i)
        path = table
        for name, offset in keys:
            path += (name,)
            self.keys.setdefault(path, offset)
        i = self._skip(i)
        assert self.text[i] == "=", "tomllib accepted the document"
        return self._value(self._skip(i + 1), path)

    def _key(self, i: int) -> tuple[list[tuple[str, int]], int]:
        """A dotted key at `i`: each part with where it starts, and the offset after it."""
        parts = []
        while True:
            i = self._skip(i)
            start = i
            if self.text[i] in "\"'":
                end = self._string_end(i)
                parts.append((tomllib.loads(f"k = {self.text[i:end]}")["k"], start))
                i = end
            else:
                match = _BARE_KEY.match(self.text, i)
                assert match, "tomllib accepted the document"
                parts.append((match.group(), start))
                i = match.end()
            i = self._skip(i)
            if i < len(self.text) and self.text[i] == ".":
                i += 1
                continue
            return parts, i

    def _value(self, i: int, path: Path) -> int:
        self.values[path] = i
        char = self.text[i]
        if char in "\"'":
            return self._string_end(i)
        if char == "[":
            return self._array(i + 1, path)
        if char == "{":
            return self._inline_table(i + 1, path)
        match = _SCALAR_END.search(self.text, i)
        return match.start() if match else len(self.text)

    def _array(self, i: int, path: Path) -> int:
        index = 0
        while True:
            i = self._skip(i, newlines=True)
            if self.text[i] == "]":
                return i + 1
            i = self._skip(self._value(i, path + (index,)), newlines=True)
            index += 1
            if self.text[i] == ",":
                i += 1

    def _inline_table(self, i: int, path: Path) -> int:
        while True:
            i = self._skip(i, newlines=True)
            if self.text[i] == "}":
                return i + 1
            i = self._skip(self._key_value(i, path), newlines=True)
            if self.text[i] == ",":
                i += 1

    def _string_end(self, i: int) -> int:
        """The offset just past the string that starts at `i`."""
        quote = self.text[i]
        delimiter = quote * 3 if self.text.startswith(quote * 3, i) else quote
        i += len(delimiter)
        while not self.text.startswith(delimiter, i):
            i += 2 if quote == '"' and self.text[i] == "\\" else 1
        end = i + len(delimiter)
        if len(delimiter) == 3:
            while end < len(self.text) and self.text[end] == quote:
                end += 1  # one or two quotes may end the content, just inside the delimiter
        return end

    def _skip(self, i: int, *, newlines: bool = False) -> int:
        """Past spaces, tabs and a comment (and, with `newlines`, line ends and blank lines)."""
        while i < len(self.text):
            char = self.text[i]
            if char in " \t" or (newlines and char in "\r\n"):
                i += 1
            elif char == "#":
                end = self.text.find("\n", i)
                i = len(self.text) if end < 0 else (end + 1 if newlines else end)
            else:
                break
        return i
