"""AWS (Java) regexes rewritten so Python, ECMAScript and Rust give the same verdict.

AWS matches a pattern against the whole value with ASCII character classes. The portable
body spells every shorthand class out in ASCII, so no engine's Unicode rules leak in; each
dialect then only adds its own whole-value anchoring.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any

from .pattern_sets import (
    SHORTHANDS,
    SURROGATES,
    ClassError,
    PartialSurrogates,
    Ranges,
    case_insensitive,
    complement,
    normalize,
    property_class,
    shorthand,
    written,
)

_DOT = "[^\n\r\u0085\u2028\u2029]"  # Java's `.`: anything but a line terminator
_CLASS_BODIES = {"d": "0-9", "w": "A-Za-z0-9_", "s": " \t\n\x0b\f\r"}
_SYNTAX = set("^$\\.*+?()[]{}|/")
_CONTROL_ESCAPES = set("tnrfv")
_HEX = set("0123456789abcdefABCDEF")
# A repeat that may run more rounds than this is checked for ambiguous splits; fewer rounds
# cost at most a small power of the length.
_MAX_CHEAP_ROUNDS = 3
# A bounded repeat with at most this many paths through it is cheap however long the value.
_MAX_CHEAP_WAYS = 100_000
_QUANTIFIER = re.compile(r"\{[0-9]+(,[0-9]*)?\}")


class PatternError(ValueError):
    pass


@dataclass(frozen=True)
class Pattern:
    source: str  # as written in the spec (and quoted in AWS's messages)
    body: str  # portable, ASCII-explicit
    # Uses lookarounds or back-references (or compiles too big for Rust's engine): Python's
    # `re` and ECMAScript run it, pydantic-core's engine does not, so the models check it with
    # the validators' compiled pattern.
    backtracking: bool = False
    # Could backtrack catastrophically in Python's `re`: the validators match it with
    # pydantic-core's Rust engine, which runs in time linear in the value's length.
    linear: bool = False
    # The body for that engine where it differs: Java's `\b` as the engine's own ASCII word
    # boundary, which it runs without lookarounds.
    rust_body: str | None = None
    # A catastrophic pattern behind leading lookaheads (`(?=.{1,80}$)...`) is their conjunction:
    # each lookahead's body as a whole-value pattern for that engine, matched beside `rust`
    # (the rest); `body` keeps the lookaheads, for `re` and ECMAScript.
    conjuncts: tuple[str, ...] = ()

    @property
    def python(self) -> str:
        """For `re.compile(..., re.ASCII).fullmatch`."""
        return self.body

    @property
    def json_schema(self) -> str:
        """ECMAScript and Python `re.search` both read this as whole-value."""
        return f"^(?:{self.body})(?![\\s\\S])"

    @property
    def rust(self) -> str:
        """pydantic-core's engine: `$` is the end of the text."""
        return f"^(?:{self.rust_body or self.body})$"

    @property
    def linear_forms(self) -> tuple[str, ...]:
        """What the linear-time engine matches, every one of them (a linear pattern)."""
        return (*self.conjuncts, self.rust)


@cache
def translate(source: str) -> Pattern:
    rewrite = _Rewrite(source)
    body = rewrite.run()
    try:
        compiled = re.compile(body, re.ASCII)
    except re.error as exc:
        raise PatternError(f"regular expression does not compile: {exc}") from None
    _reject_possessive(compiled.pattern)
    try:
        _reject_nested_quantifiers(compiled.pattern)
    except PatternError as exc:
        if rewrite.backtracking:
            conjunction = _conjunction(source, body)
            if conjunction is None:
                raise PatternError(
                    f"{exc}, and it uses lookarounds or back-references, which no linear-time engine runs"
                ) from None
            return conjunction
        rust_body = _Rewrite(source, rust_boundaries=True).run() if rewrite.boundaries else None
        _check_linear(body, rust_body or body)
        return Pattern(source, body, linear=True, rust_body=rust_body)
    backtracking = rewrite.backtracking or rewrite.boundaries
    return Pattern(source, body, backtracking=backtracking or _rust_refusal(body) is not None)


# Java's `$` at the end of a lookahead's body, as a whole-value pattern's end: the text ends,
# or one line terminator is left.
_JAVA_END_TAIL = r"(?:\r\n|[\n\r\u0085\u2028\u2029])?"


def _conjunction(source: str, body: str) -> Pattern | None:
    """A pattern that starts with lookaheads, `^?(?=A)(?=B)R`, as the patterns A, B and R
    that must all match (each lookahead's body from the start of the value, R the whole
    value), for the linear-time engine; None when it is not of that form, or a part has
    lookarounds of its own or a `$` before its end."""
    split = _leading_lookaheads(source)
    if split is None:
        return None
    lookaheads, rest = split
    sources = []
    for lookahead in lookaheads:
        ends_at_end = _top_level(lookahead, "$") == [len(lookahead) - 1]
        if _top_level(lookahead, "$") and not (ends_at_end and not _top_level(lookahead, "|")):
            return None
        sources.append(f"(?:{lookahead[:-1]}){_JAVA_END_TAIL}" if ends_at_end else f"(?:{lookahead})[\\s\\S]*")
    try:
        parts = [translate(part) for part in (*sources, rest)]
    except PatternError:
        return None
    if any(part.backtracking for part in parts):
        return None
    for part in parts:
        _check_linear(part.body, part.rust_body or part.body)
    *conjuncts, main = parts
    return Pattern(source, body, linear=True, rust_body=main.rust_body or main.body, conjuncts=tuple(c.rust for c in conjuncts))


def _leading_lookaheads(source: str) -> tuple[list[str], str] | None:
    """The bodies of the lookaheads `source` starts with (after a `^`), and what follows."""
    i = 1 if source.startswith("^") else 0
    bodies = []
    while source.startswith("(?=", i):
        depth, j = 1, i + 3
        while depth:
            if j >= len(source):
                return None
            char = source[j]
            if char == "\\":
                j += 1
            elif char == "[":
                j = _class_end(source, j)
            else:
                depth += {"(": 1, ")": -1}.get(char, 0)
            j += 1
        bodies.append(source[i + 3 : j - 1])
        i = j
    return (bodies, source[i:]) if bodies else None


def _top_level(source: str, wanted: str) -> list[int]:
    """Where `wanted` (`$` or `|`) occurs outside classes and escapes; `|` outside groups too."""
    found, depth, j = [], 0, 0
    while j < len(source):
        char = source[j]
        if char == "\\":
            j += 1
        elif char == "[":
            j = _class_end(source, j)
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == wanted and (wanted == "$" or depth == 0):
            found.append(j)
        j += 1
    return found


def _rust_refusal(body: str) -> str | None:
    """Why pydantic-core's engine refuses the pattern (a compiled size over its limit, when
    classes of Unicode categories are repeated many times), or None."""
    from pydantic_core import SchemaValidator, core_schema

    try:
        SchemaValidator(core_schema.str_schema(pattern=Pattern(body, body).rust))
    except Exception as exc:  # noqa: BLE001 - pydantic-core reports any refusal as a SchemaError
        return str(exc).splitlines()[-1]
    return None


def _check_linear(body: str, rust_body: str) -> None:
    """The Rust engine reads a lone surrogate as U+FFFD (it cannot hold one): right only when
    no class tells them apart."""
    ambiguity = _Ambiguity(body)
    if not ambiguity.surrogates_read_as_replacement():
        raise PatternError(
            "a pattern that can backtrack catastrophically is matched by a linear-time engine, and this one tells lone surrogates from U+FFFD"
        )
    refusal = _rust_refusal(rust_body)
    if refusal is not None:
        raise PatternError(f"the linear-time engine refuses it: {refusal}")


def _reject_possessive(body: str) -> None:
    """Python 3.11 reads `a*+` as a possessive repeat; ECMAScript and Rust refuse it."""
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    def walk(items: Any) -> None:
        for op, arg in items:
            name = str(op)
            if name in ("POSSESSIVE_REPEAT", "ATOMIC_GROUP"):
                raise PatternError("possessive quantifiers (*+, ++, ?+, {n}+) are not portable")
            if name in ("MAX_REPEAT", "MIN_REPEAT"):
                walk(arg[2])
            elif name == "SUBPATTERN":
                walk(arg[-1])
            elif name in ("ASSERT", "ASSERT_NOT"):
                walk(arg[1])
            elif name == "BRANCH":
                for branch in arg[1]:
                    walk(branch)

    walk(sre_parse.parse(body))


# Java's `$` (without MULTILINE): the end, or before a line terminator that ends the text.
_JAVA_END = "(?=(?:\\r\\n|[\\n\\r\\u0085\\u2028\\u2029])?(?![\\s\\S]))"
_LOOKAROUNDS = ("(?=", "(?!", "(?<=", "(?<!")
# Java's `\b` (ASCII word characters, as `\w`, since JDK 19) spelled with lookarounds, the same
# in every engine that runs them.
_WORD = "[A-Za-z0-9_]"
_BOUNDARY = f"(?:(?<={_WORD})(?!{_WORD})|(?<!{_WORD})(?={_WORD}))"
_NOT_BOUNDARY = f"(?:(?<={_WORD})(?={_WORD})|(?<!{_WORD})(?!{_WORD}))"
# The same for the Rust engine: its ASCII word boundary (Unicode mode off) is Java's.
_RUST_BOUNDARY, _RUST_NOT_BOUNDARY = "(?-u:\\b)", "(?-u:\\B)"
# A repeat after a zero-width assertion: Java repeats it like any atom (`${1,128}` in AWS's
# models), Python and ECMAScript refuse it. Group 1: the fewest rounds of `{n,m}`.
_ASSERTION_REPEAT = re.compile(r"(?:[*+?]|\{([0-9]+)(?:,[0-9]*)?\})[?+]?")


class _Rewrite:
    """One pass over a Java pattern. Inline flags (`(?i)`, `(?s)`, `(?i:...)`) are applied by
    rewriting (`a` -> `[Aa]`, `.` -> any character), as no other engine spells them alike."""

    def __init__(self, source: str, *, rust_boundaries: bool = False) -> None:
        self.source = source
        self.out: list[str] = []
        self.flags: list[frozenset[str]] = [frozenset()]
        self.lookaround: list[bool] = [False]
        self.backtracking = False  # lookarounds or back-references
        self.boundaries = False  # `\b` or `\B`, spelled with lookarounds unless rust_boundaries
        self.rust_boundaries = rust_boundaries

    def run(self) -> str:
        source, out = self.source, self.out
        i = 0
        while i < len(source):
            char = source[i]
            flags = self.flags[-1]
            if char == "\\":
                i = self._escape_at(i)
                continue
            if char == "[":
                i = self._class_at(i)
                continue
            if char == "(":
                i = self._group_at(i)
                continue
            if char == ")":
                if len(self.flags) > 1:
                    self.flags.pop()
                    closes_lookaround = self.lookaround.pop() and not self.lookaround[-1]
                    if closes_lookaround and (
                        source[i + 1 : i + 2] in ("*", "+", "?") or _QUANTIFIER.match(source, i + 1)
                    ):
                        raise PatternError("a lookaround cannot be repeated (ECMAScript refuses it)")
                out.append(char)
            elif char == ".":
                out.append("[\\s\\S]" if "s" in flags else _DOT)
            elif char in "^$":
                kept, i = self._assertion_kept(i + 1)
                if kept:
                    out.append(_JAVA_END if char == "$" and self.lookaround[-1] else char)
                continue
            elif char == "{":
                match = _QUANTIFIER.match(source, i)
                if match and out:
                    i = match.end()
                    # `x{n}+`: an exact count of one character has one way to match, so
                    # Java's possessive form is the plain one.
                    if source.startswith("+", i) and "," not in match.group() and _one_character(out[-1]):
                        i += 1
                    out.append(match.group())
                    continue
                out.append("\\{")
            elif char in "}]":
                out.append("\\" + char)
            elif "i" in flags and char.isascii() and char.isalpha():
                out.append(f"[{char.upper()}{char.lower()}]")
            else:
                out.append(char)
            i += 1
        return "".join(out)

    def _group_at(self, i: int) -> int:
        source = self.source
        flags, look = self.flags[-1], False
        if source.startswith(_LOOKAROUNDS, i):
            opener = "(?<" + source[i + 3] if source.startswith("(?<", i) else source[i : i + 3]
            self.backtracking = look = True
            self.out.append(opener)
            end = i + len(opener)
        elif source.startswith("(?", i) and not source.startswith("(?:", i):
            match = re.compile(r"\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])").match(source, i)
            if not match:
                raise PatternError(
                    "named groups and other '(?' constructs are not portable; non-capturing groups '(?:', lookarounds and the flags i and s are"
                )
            on, off = set(match.group(1)), set(match.group(2) or "")
            if not on | off <= {"i", "s"}:
                raise PatternError(f"inline flags other than i and s are not supported (got '{match.group()}')")
            flags = frozenset((flags | on) - off)
            if match.group(3) == ")":
                self.flags[-1] = flags
                return match.end()
            self.out.append("(?:")
            end = match.end()
        else:
            opener = "(?:" if source.startswith("(?:", i) else "("
            self.out.append(opener)
            end = i + len(opener)
        self.flags.append(flags)
        self.lookaround.append(look or self.lookaround[-1])
        return end

    def _escape_at(self, i: int) -> int:
        source = self.source
        if i + 1 >= len(source):
            raise PatternError("regular expression ends with a lone backslash")
        letter = source[i + 1]
        if letter in "xu0":
            code, end = _code_point(source, i)
            self.out.append(
                _literal(chr(code), False)
                if "i" not in self.flags[-1] or not chr(code).isalpha()
                else written(case_insensitive(((code, code),)))
            )
            return end
        if letter in "pP":
            ranges, end = _property_at(source, i)
            self.out.append(self._written(ranges))
            return end
        if letter in "bB":
            kept, end = self._assertion_kept(i + 2)
            if kept:
                self.boundaries = True
                spelled = (_RUST_BOUNDARY, _RUST_NOT_BOUNDARY) if self.rust_boundaries else (_BOUNDARY, _NOT_BOUNDARY)
                self.out.append(spelled[letter == "B"])
            return end
        if letter in "AzZ":
            kept, end = self._assertion_kept(i + 2)
            at_end = end == len(source)
            if kept:
                self.backtracking |= not at_end and letter != "A"
                self.out.append(
                    "^" if letter == "A" else "$" if at_end else "(?![\\s\\S])" if letter == "z" else _JAVA_END
                )
            return end
        if letter in "123456789":
            self.backtracking = True
            self.out.append("\\" + letter)
            return i + 2
        self.out.append(_escape(letter, False))
        return i + 2

    def _assertion_kept(self, end: int) -> tuple[bool, int]:
        """For a zero-width assertion ending at `end`: whether it stays, and where it ends with
        any repeat of it. Repeated, it asserts the same thing: as Java does, one round or more
        is the assertion itself; a repeat that allows none (`*`, `?`, `{0,m}`) drops it."""
        repeat = _ASSERTION_REPEAT.match(self.source, end)
        if repeat is None:
            return True, end
        if _ASSERTION_REPEAT.match(self.source, repeat.end()):
            raise PatternError("a repeat of a repeat is not portable (Python and ECMAScript refuse it)")
        fewest = int(repeat.group(1)) if repeat.group(1) is not None else (1 if repeat.group()[0] == "+" else 0)
        return fewest > 0, repeat.end()

    def _written(self, ranges: Ranges) -> str:
        ranges = case_insensitive(ranges) if "i" in self.flags[-1] else ranges
        try:
            return written(ranges)
        except PartialSurrogates:
            # Python's `re` and ECMAScript hold lone surrogates; Rust's engine cannot, so the
            # models check this pattern with the validators' `re`.
            self.backtracking = True
            return written(ranges, partial_surrogates=True)
        except ClassError as exc:
            raise PatternError(str(exc)) from None

    def _class_at(self, i: int) -> int:
        """A class that needs sets (a `\\p{..}`, a negated shorthand, or `(?i)`) is written
        out as explicit ranges; any other is kept as it is written, shorthands spelled out."""
        end = _class_end(self.source, i)
        inner = self.source[i + 1 : end]
        unescaped = inner.replace("\\\\", "")
        plain = (
            None
            if "i" in self.flags[-1] or re.search(r"\\[pPSDW]|&&|(?<!\\)\[", unescaped)
            else _plain_class(self.source, i, end)
        )
        if plain is not None and _compiles(plain):
            self.out.append(plain)
        else:  # Java reads the '-' in `[\\w-.]` as itself; Python refuses the class
            self.out.append(self._written(_class_ranges(self.source, i, end)))
        return end + 1


def _compiles(body: str) -> bool:
    try:
        re.compile(body)
    except re.error:
        return False
    return True


def _class_end(source: str, i: int) -> int:
    """Where the class opened at source[i] closes; Java nests classes (`[a-c[x-z]]`, a union)
    and intersects them (`[a-z&&[^aeiou]]`)."""
    j = i + 1
    if source.startswith("^", j):
        j += 1
    while j < len(source):
        if source[j] == "\\":
            j += 2
            continue
        if source[j] == "]":
            if j == i + 1 or (j == i + 2 and source[i + 1] == "^"):
                raise PatternError("a character class cannot be empty; escape a leading ']' as '\\]'")
            return j
        if source[j] == "[":
            j = _class_end(source, j)
        j += 1
    raise PatternError("unterminated character class")


def _plain_class(source: str, i: int, end: int) -> str | None:
    """The class as written, or None when it must be written as ranges (it names a lone
    surrogate)."""
    out = ["["]
    j = i + 1
    if source.startswith("^", j):
        out.append("^")
        j += 1
    while j < end:
        if source[j] == "\\":
            if source[j + 1] in "xu0":
                code, j = _code_point(source, j, in_class=True)
                if SURROGATES[0] <= code <= SURROGATES[1]:
                    return None
                out.append(_literal(chr(code), True))
                continue
            out.append(_escape(source[j + 1], True))
            j += 2
            continue
        out.append(source[j])
        j += 1
    return "".join(out) + "]"


def _property_at(source: str, i: int) -> tuple[Ranges, int]:
    """`\\p{Name}`, `\\pL` or their negations at source[i], and where they end."""
    negated = source[i + 1] == "P"
    if source.startswith("{", i + 2):
        close = source.find("}", i + 2)
        if close < 0:
            raise PatternError("escape \\p{ needs a closing '}'")
        name, end = source[i + 3 : close], close + 1
    else:
        name, end = source[i + 2 : i + 3], i + 3
    try:
        return property_class(name, negated), end
    except ClassError as exc:
        raise PatternError(str(exc)) from None


def _class_ranges(source: str, i: int, end: int) -> Ranges:
    """The code points the class source[i..end] matches (its `^` negates the whole class,
    intersections included, as since JDK 9)."""
    negate = source.startswith("^", i + 1)
    merged = _intersection_ranges(source, i + 2 if negate else i + 1, end)
    return complement(merged) if negate else merged


def _intersection_ranges(source: str, j: int, end: int) -> Ranges:
    split = _top_level_and(source, j, end)
    if split is None:
        return _union_ranges(source, j, end)
    if j == split or split + 2 == end:
        raise PatternError("an operand of a class intersection (&&) is empty")
    left, right = _union_ranges(source, j, split), _intersection_ranges(source, split + 2, end)
    return complement(normalize([*complement(left), *complement(right)]))


def _top_level_and(source: str, j: int, end: int) -> int | None:
    while j < end:
        if source[j] == "\\":
            j += 2
        elif source[j] == "[":
            j = _class_end(source, j) + 1
        elif source.startswith("&&", j):
            return j
        else:
            j += 1
    return None


def _union_ranges(source: str, j: int, end: int) -> Ranges:
    atoms: list[int | str | Ranges] = []  # "-": an unescaped dash, maybe a range's
    while j < end:
        if source[j] == "[":
            close = _class_end(source, j)
            atoms.append(_class_ranges(source, j, close))
            j = close + 1
            continue
        if source[j] != "\\":
            atoms.append("-" if source[j] == "-" else ord(source[j]))
            j += 1
            continue
        letter = source[j + 1]
        if letter in "xu0":
            code, j = _code_point(source, j, in_class=True)
            atoms.append(code)
            continue
        if letter in "pP":
            found, j = _property_at(source, j)
            atoms.append(found)
            continue
        if letter in SHORTHANDS or letter.lower() in SHORTHANDS:
            atoms.append(shorthand(letter))
        elif letter in _CONTROL_ESCAPES:
            atoms.append(ord({"t": "\t", "n": "\n", "r": "\r", "f": "\f", "v": "\v"}[letter]))
        elif letter.isalnum():
            raise PatternError(f"escape \\{letter} is not supported (not portable across regex engines)")
        else:
            atoms.append(ord(letter))
        j += 2
    ranges: list[tuple[int, int]] = []
    k = 0
    while k < len(atoms):
        atom = atoms[k]
        high = atoms[k + 2] if k + 2 < len(atoms) else None
        if isinstance(atom, int) and isinstance(high, int) and atoms[k + 1] == "-":
            if high < atom:
                raise PatternError(f"bad character range {chr(atom)}-{chr(high)}")
            ranges.append((atom, high))
            k += 3
            continue
        if isinstance(atom, str):
            atom = ord(atom)
        ranges += [(atom, atom)] if isinstance(atom, int) else list(atom)
        k += 1
    return normalize(ranges)


def _code_point(source: str, i: int, in_class: bool = False) -> tuple[int, int]:
    """The character a `\\xHH`, `\\uHHHH` or octal `\\0ooo` escape at source[i] names (a
    UTF-16 surrogate pair of `\\u` escapes is one character, as in Java; in a class a lone
    surrogate is itself), and where the escape ends."""
    if source[i + 1] == "0":
        # Java: \0n, \0nn or \0mnn, the longest that reads as octal with m at most 3
        digits = re.compile("[0-3][0-7]{2}|[0-7]{1,2}").match(source, i + 2)
        if digits is None:
            raise PatternError("escape \\0 needs 1 to 3 octal digits naming a character")
        return int(digits.group(), 8), digits.end()
    if source.startswith("\\x{", i):
        close = source.find("}", i)
        digits = source[i + 3 : close] if close > 0 else ""
        if not 1 <= len(digits) <= 6 or not all(c in _HEX for c in digits) or int(digits, 16) > 0x10FFFF:
            raise PatternError("escape \\x{...} needs 1 to 6 hex digits naming a character")
        code, end = int(digits, 16), close + 1
    else:
        width = 2 if source[i + 1] == "x" else 4
        digits = source[i + 2 : i + 2 + width]
        if len(digits) != width or not all(c in _HEX for c in digits):
            raise PatternError(f"escape \\{source[i + 1]} needs {width} hex digits")
        code, end = int(digits, 16), i + 2 + width
    if 0xD800 <= code < 0xDC00 and source.startswith("\\u", end):
        low = source[end + 2 : end + 6]
        if len(low) == 4 and all(c in _HEX for c in low) and 0xDC00 <= int(low, 16) < 0xE000:
            return 0x10000 + ((code - 0xD800) << 10) + (int(low, 16) - 0xDC00), end + 6
    if 0xD800 <= code < 0xE000 and not in_class:
        raise PatternError(f"escape \\u{digits} is half of a UTF-16 surrogate pair")
    return code, end


def _one_character(atom: str) -> bool:
    """Whether `atom` (the rewritten piece before a quantifier) matches one character: not a
    group, a lookaround or a back-reference."""
    return not atom.endswith(")") and not re.fullmatch(r"\\[1-9]", atom)


def _literal(char: str, in_class: bool) -> str:
    """`char` matched as itself in every engine. Only syntax characters get a backslash:
    ECMAScript's `u` mode refuses any other identity escape (like `\\~`)."""
    return "\\" + char if char in _SYNTAX or (in_class and char in "-^") else char


def _class_is_empty(out: list[str]) -> bool:
    return out[-1] in ("[", "^") and (out[-1] == "[" or out[-2] == "[")


def _escape(char: str, in_class: bool) -> str:
    if char in _CLASS_BODIES:
        return _CLASS_BODIES[char] if in_class else f"[{_CLASS_BODIES[char]}]"
    if char in "DWS":
        if in_class:
            raise PatternError(f"negated class \\{char} inside [...] is not portable")
        return f"[^{_CLASS_BODIES[char.lower()]}]"
    if char in _CONTROL_ESCAPES:
        return "\\" + char
    if char in _SYNTAX or (in_class and char == "-"):
        return "\\" + char
    if char.isalnum():
        raise PatternError(f"escape \\{char} is not supported (not portable across regex engines)")
    return char if char != " " else " "


def _reject_nested_quantifiers(body: str) -> None:
    """Reject a repeat whose rounds can split the same text in more than one way.

    That is what makes a backtracking engine (Python's `re`, ECMAScript's) take exponential
    time: `(a+)+`, `([a-z]*)*x`, `(\\d|[0-9a-f])+`, `(.*\\s?)*`. Inside a repeated group, a
    part that can stretch over a run of characters must not be able to be followed (in the
    same round or the next) by one of those characters, and alternatives must not start
    alike. A separator the stretching part cannot match, like the `-` in AWS's
    `(-[\\w]+)*` or the `.` in `([a-z0-9-]+\\.)+`, keeps each split unique.
    """
    # `\\b` is one assertion: its two spelled-out alternatives exclude each other.
    _Ambiguity(_pin_alternatives(body.replace(_BOUNDARY, "(?=)").replace(_NOT_BOUNDARY, "(?=)"))).check()


def _pin_alternatives(body: str) -> str:
    """`body` with each `|` written `|(?=)`: the same language, but Python's parser then keeps
    `a|b` as a branch instead of merging it into the class `[ab]` (or factoring out a common
    start), which other engines do not."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            out.append(body[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if body.startswith("^", i + 1):
                out.append("[^")
                i += 2
                continue
        elif char == "|":
            char = "|(?=)"
        out.append(char)
        i += 1
    return "".join(out)


class _Ambiguity:
    """Character-set reasoning over Python's parse tree, on a sample of code points."""

    def __init__(self, body: str) -> None:
        from re import _parser as sre_parse  # type: ignore[attr-defined]

        self.maxrepeat = sre_parse.MAXREPEAT
        self.tree = sre_parse.parse(body)
        sample = set(range(128)) | {0x85, 0xA0, 0xFF, 0x100, 0x2028, 0x2029, 0xD800, 0xFFFD, 0x10000}
        self.universe = frozenset(sample | self._mentioned(self.tree))
        self.ordered = sorted(self.universe)

    def check(self) -> None:
        self._walk(self.tree)

    def _walk(self, items: Any) -> None:
        for op, arg in items:
            name = str(op)
            if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                low, high, sub = arg
                if (high is self.maxrepeat or high > _MAX_CHEAP_ROUNDS) and not self._few_ways(low, high, sub):
                    self._check_loop(list(sub))
                self._walk(sub)
            elif name == "SUBPATTERN":
                self._walk(arg[-1])
            elif name in ("ASSERT", "ASSERT_NOT"):
                self._walk(arg[1])
            elif name == "BRANCH":
                for branch in arg[1]:
                    self._walk(branch)

    def surrogates_read_as_replacement(self) -> bool:
        """Whether every class matches a lone surrogate exactly when it matches U+FFFD."""
        found = self._classes(self.tree)
        return all((0xD800 in chars) == (0xFFFD in chars) for chars in found)

    def _few_ways(self, low: int, high: int, sub: Any) -> bool:
        """Whether a repeat of at most `high` rounds has so few ways to match that trying
        them all is cheap whatever the value (`(\\d{1,3}\\.?){4}`)."""
        if high is self.maxrepeat:
            return False
        ways = self._ways(list(sub))
        return ways is not None and sum(ways**rounds for rounds in range(low, high + 1)) <= _MAX_CHEAP_WAYS

    def _ways(self, items: list[Any]) -> int | None:
        """How many paths a backtracking engine can take through `items` (None: unbounded)."""
        total = 1
        for op, arg in items:
            name = str(op)
            if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                inner = self._ways(list(arg[2]))
                if inner is None or arg[1] is self.maxrepeat:
                    return None
                ways = sum(inner**rounds for rounds in range(arg[0], arg[1] + 1))
            elif name == "SUBPATTERN":
                found = self._ways(list(arg[-1]))
                if found is None:
                    return None
                ways = found
            elif name == "BRANCH":
                found_each = [self._ways(list(branch)) for branch in arg[1]]
                if None in found_each:
                    return None
                ways = sum(w for w in found_each if w is not None)
            else:  # a character, or an assertion: engines never backtrack into one
                ways = 1
            total *= ways
            if total > _MAX_CHEAP_WAYS:
                return None
        return total

    def _check_loop(self, body: list[Any]) -> None:
        again, _ = self._first(body)
        for index, item in enumerate(body):
            stretch = self._tail(item)
            follow = self._follow(body[index + 1 :], again)
            if stretch & follow:
                raise PatternError("nested quantifiers (like (a+)+) can backtrack catastrophically")
        for index, item in enumerate(body):
            if self._overlapping_branch(item, self._follow(body[index + 1 :], again)):
                raise PatternError(
                    "alternatives that can start alike, repeated (like (a|a)+), can backtrack catastrophically"
                )

    def _follow(self, rest: list[Any], outer: frozenset[int]) -> frozenset[int]:
        """Characters that can come next after a part followed by `rest`, then by `outer`."""
        chars, nullable = self._first(rest)
        return chars | outer if nullable else chars

    def _overlapping_branch(self, item: Any, follow: frozenset[int]) -> bool:
        op, arg = item
        name = str(op)
        if name == "SUBPATTERN":
            inner = list(arg[-1])
            return any(self._overlapping_branch(i, self._follow(inner[k + 1 :], follow)) for k, i in enumerate(inner))
        if name != "BRANCH":
            return False
        seen: frozenset[int] = frozenset()
        for branch in arg[1]:
            chars, _ = self._first(list(branch))
            if chars & seen:
                return not self._one_alternative_fits(arg[1], follow)
            seen = seen | chars
        return False

    def _one_alternative_fits(self, branches: list[Any], follow: frozenset[int]) -> bool:
        """Alternatives that cannot hold what follows them each match the whole run of text up
        to it (`\\.` in `(\\.([a-z][a-z-]*[a-z]|[a-z]))*`); when their lengths differ, at most
        one of them matches that run."""
        if any(self._all(list(branch)) & follow for branch in branches):
            return False
        widths = sorted(branch.getwidth() for branch in branches)
        return all(high < next_low for (_, high), (next_low, _) in pairwise(widths))

    def _first(self, items: list[Any]) -> tuple[frozenset[int], bool]:
        """Characters that can start a match of `items`, and whether it can match nothing."""
        found: frozenset[int] = frozenset()
        for item in items:
            chars, nullable = self._first_of(item)
            found = found | chars
            if not nullable:
                return found, False
        return found, True

    def _first_of(self, item: Any) -> tuple[frozenset[int], bool]:
        op, arg = item
        name = str(op)
        if name in ("LITERAL", "NOT_LITERAL", "IN", "ANY"):
            return self._chars(item), False
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            chars, nullable = self._first(list(arg[2]))
            return chars, nullable or arg[0] == 0
        if name == "SUBPATTERN":
            return self._first(list(arg[-1]))
        if name == "BRANCH":
            parts = [self._first(list(b)) for b in arg[1]]
            return frozenset().union(*(p[0] for p in parts)), any(p[1] for p in parts)
        if name in ("AT", "ASSERT"):
            return frozenset(), True
        return self.universe, True

    def _tail(self, item: Any) -> frozenset[int]:
        """Characters of a variable-length run that can end a match of `item`."""
        op, arg = item
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            inner = self._tail_of(list(sub))
            return inner | self._all(list(sub)) if low != high else inner
        if name == "SUBPATTERN":
            return self._tail_of(list(arg[-1]))
        if name == "BRANCH":
            return frozenset().union(*(self._tail_of(list(b)) for b in arg[1]))
        return frozenset()

    def _tail_of(self, items: list[Any]) -> frozenset[int]:
        found: frozenset[int] = frozenset()
        for item in reversed(items):
            found = found | self._tail(item)
            if not self._first_of(item)[1]:
                break
        return found

    def _all(self, items: list[Any]) -> frozenset[int]:
        """Every character some part of `items` can match."""
        found: frozenset[int] = frozenset()
        for op, arg in items:
            name = str(op)
            if name in ("LITERAL", "NOT_LITERAL", "IN", "ANY"):
                found = found | self._chars((op, arg))
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                found = found | self._all(list(arg[2]))
            elif name == "SUBPATTERN":
                found = found | self._all(list(arg[-1]))
            elif name == "BRANCH":
                for branch in arg[1]:
                    found = found | self._all(list(branch))
        return found

    def _classes(self, items: Any) -> list[frozenset[int]]:
        found: list[frozenset[int]] = []
        for op, arg in items:
            name = str(op)
            if name in ("LITERAL", "NOT_LITERAL", "IN", "ANY"):
                found.append(self._chars((op, arg)))
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                found += self._classes(arg[2])
            elif name == "SUBPATTERN":
                found += self._classes(arg[-1])
            elif name in ("ASSERT", "ASSERT_NOT"):
                found += self._classes(arg[1])
            elif name == "BRANCH":
                for branch in arg[1]:
                    found += self._classes(branch)
        return found

    def _chars(self, item: Any) -> frozenset[int]:
        op, arg = item
        name = str(op)
        if name == "LITERAL":
            return frozenset({arg})
        if name == "NOT_LITERAL":
            return self.universe - {arg}
        if name == "ANY":
            return self.universe - {10}
        chosen: set[int] = set()
        negate = False
        for kind, value in arg:
            kind_name = str(kind)
            if kind_name == "NEGATE":
                negate = True
            elif kind_name == "LITERAL":
                chosen.add(value)
            elif kind_name == "RANGE":
                chosen.update(self.ordered[bisect_left(self.ordered, value[0]) : bisect_right(self.ordered, value[1])])
            else:
                chosen.update(self.universe)
        return self.universe - chosen if negate else frozenset(chosen)

    def _mentioned(self, items: Any) -> set[int]:
        found: set[int] = set()
        for op, arg in items:
            name = str(op)
            if name in ("LITERAL", "NOT_LITERAL"):
                found.add(arg)
            elif name == "IN":
                for kind, value in arg:
                    if str(kind) == "LITERAL":
                        found.add(value)
                    elif str(kind) == "RANGE":
                        found.update(value)
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                found |= self._mentioned(arg[2])
            elif name == "SUBPATTERN":
                found |= self._mentioned(arg[-1])
            elif name == "BRANCH":
                for branch in arg[1]:
                    found |= self._mentioned(branch)
        return found
