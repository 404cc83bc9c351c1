"""Spot patterns that are one ASCII character class repeated, like `[0-9A-Za-z_-]+`.

Such a pattern holds exactly when the value has an allowed length and `value.strip(chars)`
is empty, which Python checks several times faster than a regex match. Most AWS patterns
are of this form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SIMPLE = re.compile(r"^\[(?!\^)((?:\\.|[^\\\]])+)\](\+|\*|\{(\d+)(?:(,)(\d*))?\})$")


@dataclass(frozen=True)
class CharsetPattern:
    chars: str  # every allowed character, sorted
    min_length: int
    max_length: int | None


def charset_form(body: str) -> CharsetPattern | None:
    match = _SIMPLE.match(body)
    if not match:
        return None
    chars = _expand(match.group(1))
    if chars is None:
        return None
    quantifier, low, comma, high = match.group(2), match.group(3), match.group(4), match.group(5)
    if quantifier == "+":
        bounds: tuple[int, int | None] = (1, None)
    elif quantifier == "*":
        bounds = (0, None)
    elif comma is None:
        bounds = (int(low), int(low))
    else:
        bounds = (int(low), int(high) if high else None)
    return CharsetPattern("".join(sorted(chars)), *bounds)


def _expand(spec: str) -> set[str] | None:
    items: list[str] = []
    i = 0
    while i < len(spec):
        if spec[i] == "\\":
            if i + 1 >= len(spec) or spec[i + 1].isalnum():
                return None
            items.append(spec[i + 1])
            i += 2
        else:
            items.append(spec[i])
            i += 1
    chars: set[str] = set()
    j = 0
    while j < len(items):
        if j + 2 < len(items) and items[j + 1] == "-" and _unescaped_dash(spec, items, j + 1):
            start, end = ord(items[j]), ord(items[j + 2])
            if start > end:
                return None
            chars.update(chr(c) for c in range(start, end + 1))
            j += 3
        else:
            chars.add(items[j])
            j += 1
    if any(ord(c) > 127 or not c.isprintable() for c in chars):
        return None
    return chars


def _unescaped_dash(spec: str, items: list[str], index: int) -> bool:
    """Whether items[index] (a '-') was written without a backslash."""
    position = 0
    for k, item in enumerate(items):
        escaped = spec[position] == "\\"
        if k == index:
            return not escaped
        position += 2 if escaped else 1
    return False
