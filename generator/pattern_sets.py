"""Character classes as explicit sets of code points, written out so every engine agrees.

Java's `\\p{L}`, `\\p{ASCII}`, `[\\s\\S]` or a class under `(?i)` mean different things (or
nothing) to Python's `re`, ECMAScript and Rust. Each is computed here as ranges of code
points (Unicode general categories from `unicodedata`, Java's POSIX classes as their ASCII
ranges, case-insensitivity as ASCII case pairs, as Java's `(?i)` without UNICODE_CASE) and
written as a class of explicit ranges, which every engine reads the same way.
"""

from __future__ import annotations

import string
import unicodedata
from functools import cache

Ranges = tuple[tuple[int, int], ...]
MAX_CODE_POINT = 0x10FFFF
SURROGATES = (0xD800, 0xDFFF)
_LOW_SURROGATES = 0xDC00

_POSIX = {
    "ASCII": "\x00-\x7f",
    "Alpha": "A-Za-z",
    "Digit": "0-9",
    "Alnum": "0-9A-Za-z",
    "Punct": string.punctuation,
    "Graph": "!-~",
    "Print": " -~",
    "Blank": " \t",
    "Cntrl": "\x00-\x1f\x7f",
    "XDigit": "0-9A-Fa-f",
    "Space": " \t\n\x0b\f\r",
    "Lower": "a-z",
    "Upper": "A-Z",
}
SHORTHANDS = {"d": "0-9", "w": "A-Za-z0-9_", "s": " \t\n\x0b\f\r"}


class ClassError(ValueError):
    pass


def normalize(ranges: list[tuple[int, int]] | Ranges) -> Ranges:
    merged: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
        else:
            merged.append((low, high))
    return tuple(merged)


def complement(ranges: Ranges) -> Ranges:
    out: list[tuple[int, int]] = []
    start = 0
    for low, high in ranges:
        if low > start:
            out.append((start, low - 1))
        start = high + 1
    if start <= MAX_CODE_POINT:
        out.append((start, MAX_CODE_POINT))
    return tuple(out)


def spelled(text: str) -> Ranges:
    """`a-z0-9_` (no escapes) as ranges."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        if i + 2 < len(text) and text[i + 1] == "-":
            out.append((ord(text[i]), ord(text[i + 2])))
            i += 3
        else:
            out.append((ord(text[i]), ord(text[i])))
            i += 1
    return normalize(out)


def shorthand(letter: str) -> Ranges:
    ranges = spelled(SHORTHANDS[letter.lower()])
    return complement(ranges) if letter.isupper() else ranges


def property_class(name: str, negated: bool) -> Ranges:
    """Java's `\\p{name}` (or `\\P{name}`): a general category (`L`, `Lu`, `Z`, ...,
    `LD` = letters and digits) or a POSIX class (`ASCII`, `Print`, `Alnum`, ...)."""
    bare = name[2:] if name.startswith("Is") and name[2:] in _categories() else name
    if bare in _POSIX:
        ranges = spelled(_POSIX[bare])
    elif bare == "LD":
        ranges = normalize(list(_category("L")) + list(_category("Nd")))
    elif bare in _categories():
        ranges = _category(bare)
    else:
        raise ClassError(
            f"character property \\p{{{name}}} is not supported (general categories like \\p{{L}} and POSIX classes like \\p{{Alnum}} are)"
        )
    return complement(ranges) if negated else ranges


@cache
def _runs() -> tuple[tuple[int, int, str], ...]:
    """Every code point's general category, as runs of one category."""
    runs: list[tuple[int, int, str]] = []
    for code in range(MAX_CODE_POINT + 1):
        category = unicodedata.category(chr(code))
        if runs and runs[-1][2] == category:
            runs[-1] = (runs[-1][0], code, category)
        else:
            runs.append((code, code, category))
    return tuple(runs)


@cache
def _categories() -> frozenset[str]:
    names = {category for _, _, category in _runs()}
    return frozenset(names | {n[0] for n in names})


@cache
def _category(name: str) -> Ranges:
    return normalize([(low, high) for low, high, category in _runs() if category == name or category[0] == name])


def case_insensitive(ranges: Ranges) -> Ranges:
    """With each ASCII letter's other case (Java's `(?i)` without UNICODE_CASE)."""
    extra: list[tuple[int, int]] = []
    for low, high in ranges:
        for start, other in ((ord("a"), ord("A")), (ord("A"), ord("a"))):
            lo, hi = max(low, start), min(high, start + 25)
            if lo <= hi:
                extra.append((lo - start + other, hi - start + other))
    return normalize(list(ranges) + extra)


def written(ranges: Ranges, partial_surrogates: bool = False) -> str:
    """A class every engine reads as exactly `ranges`.

    A lone surrogate can be in a Python string but not in a Rust one, and Rust refuses a
    surrogate in a class: a class holding every surrogate is written negated, one holding
    none positive; one holding some raises PartialSurrogates unless `partial_surrogates`,
    which writes it for Python's `re` and ECMAScript alone."""
    if not ranges:
        raise ClassError("a character class that matches nothing is not portable")
    if ranges == ((0, MAX_CODE_POINT),):
        return "[\\s\\S]"
    inside = [
        (max(lo, SURROGATES[0]), min(hi, SURROGATES[1]))
        for lo, hi in ranges
        if lo <= SURROGATES[1] and hi >= SURROGATES[0]
    ]
    covered = sum(hi - lo + 1 for lo, hi in inside)
    if covered == 0:
        return "[" + _items(ranges) + "]"
    if covered == SURROGATES[1] - SURROGATES[0] + 1:
        return "[^" + _items(complement(ranges)) + "]"
    if not partial_surrogates:
        raise PartialSurrogates("a character class holding some UTF-16 surrogates but not all is not portable")
    # ECMAScript's `u` mode reads a high surrogate's escape followed by a low one's as one
    # astral character: the low ones go first, so none follows a high one.
    low = tuple((max(lo, _LOW_SURROGATES), hi) for lo, hi in inside if hi >= _LOW_SURROGATES)
    high = tuple((lo, min(hi, _LOW_SURROGATES - 1)) for lo, hi in inside if lo < _LOW_SURROGATES)
    outside = complement(normalize([*complement(ranges), SURROGATES]))
    return "[" + _items(outside) + _items(low, ranged=True) + _items(high, ranged=True) + "]"


class PartialSurrogates(ClassError):
    pass


def _items(ranges: Ranges, ranged: bool = False) -> str:
    parts = []
    for low, high in ranges:
        if low == high:
            parts.append(_char(low))
        elif high == low + 1 and not ranged:
            parts.append(_char(low) + _char(high))
        else:
            parts.append(f"{_char(low)}-{_char(high)}")
    return "".join(parts)


def _char(code: int) -> str:
    char = chr(code)
    if char in "\\]^-[":
        return "\\" + char
    if 0x21 <= code <= 0x7E or char == " ":
        return char
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return char  # Python, Rust and ECMAScript's `u` mode take an astral character as itself
