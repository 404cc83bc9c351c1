"""The only way text from a spec reaches generated source: as inert literals."""

from __future__ import annotations

import json
from typing import Any

_UNSAFE_IN_DOCSTRING = {"\\": "\\\\", '"': '\\"'}


def py_literal(value: Any) -> str:
    """A Python expression that evaluates to `value` (str, int, float, bool, None, tuples of them)."""
    if isinstance(value, tuple):
        inner = ", ".join(py_literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, str):
        return _string_literal(value)
    if isinstance(value, (int, float, bool)) or value is None:
        return repr(value)
    raise TypeError(f"no literal for {type(value).__name__}")


def _string_literal(value: str) -> str:
    """repr(), in the quotes black prefers: double, unless that takes more escapes (a string
    holding `"`, which repr already leaves in single quotes), so black has nothing to change."""
    text = repr(value)
    if text[0] == "'" and '"' not in value and "'" not in value:
        return f'"{text[1:-1]}"'
    return text


def docstring(text: str, indent: str = "") -> str:
    """A triple-quoted docstring whose content can never close it or smuggle code."""
    escaped = "".join(_UNSAFE_IN_DOCSTRING.get(c, c) if c.isprintable() or c == "\n" else _escape_char(c) for c in text.strip())
    # Black's layout (format_statements.py then keeps it): no spaces at a line's end or on a blank line.
    first, *rest = [line.rstrip() for line in escaped.split("\n")]
    body = first + "".join(f"\n{indent}{line}" if line else "\n" for line in rest)
    return f'"""{body}"""' if "\n" not in escaped else f'"""\n{indent}{body}\n{indent}"""'


def _escape_char(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def escape_nonprintable(source: str) -> str:
    """`source` with each character that is neither printable nor a newline written as an escape.

    For Python source produced by another tool (datamodel-code-generator), where such
    characters can only come from spec text inside string literals: there the escape reads
    back as the same character (in a raw regex literal too, as a regex escape), while raw
    control characters would trip ruff, and terminal escapes or U+2028 would hide text from
    whoever reads the file or its diff.
    """
    if all(c.isprintable() or c == "\n" for c in source):
        return source
    return "".join(c if c.isprintable() or c == "\n" else _escape_char(c) for c in source)


def comment(text: str) -> str:
    """One line of text that is safe after a `#`."""
    return " ".join(json.dumps(text, ensure_ascii=True)[1:-1].split())
