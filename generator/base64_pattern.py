"""Canonical base64 of a bounded number of bytes, as one regular expression.

A blob travels as base64 text (RFC 4648 section 4: the standard alphabet `A-Za-z0-9+/`,
padded with `=` to a multiple of four characters), and its `min`/`max` count the decoded
bytes, as AWS does. Accepted texts are canonical: what every SDK's encoder writes, so each
byte string has exactly one text. A final group with padding must leave its unused bits
zero (RFC 4648 section 3.5): before `==` only `AQgw` can stand, before `=` only
`AEIMQUYcgkosw048`.

n bytes are 3q + r with r in {0, 1, 2}: q full groups of four characters, then nothing,
`XY==` or `XYZ=`. For bounds [low, high] each r allows q in a range, so the pattern is up
to three alternatives whose repeat counts carry the bounds exactly. It uses only what
ECMAScript (with or without `u`), Python's `re` and JSON Schema validators share.
"""

from __future__ import annotations

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
BEFORE_TWO_PADS = "AQgw"  # the second character of a 1-byte group: its low 4 bits are unused
BEFORE_ONE_PAD = "AEIMQUYcgkosw048"  # the third character of a 2-byte group: its low 2 bits are unused
_CHAR = "[A-Za-z0-9+/]"
_TAILS = {0: "", 1: f"{_CHAR}[{BEFORE_TWO_PADS}]==", 2: f"{_CHAR}{{2}}[{BEFORE_ONE_PAD}]="}


def body(low: int | None, high: int | None) -> str:
    """The regex body (unanchored) of canonical base64 holding low..high bytes (None: unbounded)."""
    least = low or 0
    alternatives = []
    for rest, tail in _TAILS.items():
        first = max(0, -(-(least - rest) // 3))  # ceil((least - rest) / 3)
        last = None if high is None else (high - rest) // 3
        if last is not None and last < first:
            continue
        groups = _repeat(f"(?:{_CHAR}{{4}})", first, last)
        alternatives.append(groups + tail)
    return "|".join(alternatives) if alternatives else "(?!)"


def text_length(size: int) -> int:
    """The length of the canonical base64 text of `size` bytes."""
    return -(-size // 3) * 4


def _repeat(unit: str, first: int, last: int | None) -> str:
    if last is None:
        return f"{unit}*" if first == 0 else f"{unit}{{{first},}}"
    if last == 0:
        return ""
    if first == last:
        return unit if first == 1 else f"{unit}{{{first}}}"
    return f"{unit}{{{first},{last}}}"
